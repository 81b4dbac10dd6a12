//! scim endpoints.

use super::Route;

pub(crate) const ROUTES: &[Route] = &[];
