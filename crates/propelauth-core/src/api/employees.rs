//! Employee calls of the backend API (backend-api.md, "Step-up MFA, SCIM, employees,
//! insights").

use serde::{Deserialize, Serialize};

use super::call::{Call, segment};
use super::{ApiError, is_uuid};
use crate::Auth;

/// A PropelAuth employee (for example one who impersonated a user: see
/// `impersonator_user_id`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Employee {
    /// The employee's email address.
    #[serde(default)]
    pub email: Option<String>,
}

impl Auth {
    /// The employee with id `employee_id`, or `None` when there is none (an id that is not a
    /// UUID makes no request).
    pub fn fetch_employee_by_id(&self, employee_id: &str) -> Result<Option<Employee>, ApiError> {
        if !is_uuid(employee_id) {
            return Ok(None);
        }
        let call = Call::get(format!("/employee/{}", segment(employee_id)));
        self.backend().send(call)?.into_optional()
    }
}
