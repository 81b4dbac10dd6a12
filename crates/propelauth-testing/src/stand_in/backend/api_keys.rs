//! api_keys endpoints.

use super::Route;

pub(crate) const ROUTES: &[Route] = &[];
