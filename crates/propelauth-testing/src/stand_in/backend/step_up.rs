//! step_up endpoints.

use super::Route;

pub(crate) const ROUTES: &[Route] = &[];
