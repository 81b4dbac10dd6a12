//! Employee calls of the backend API.

use serde::{Deserialize, Serialize};

use super::call::{Call, route};
use super::{ApiError, is_uuid};
use crate::Auth;

/// A PropelAuth employee (for example one who impersonated a user: see
/// `impersonator_user_id`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Employee {
    /// The employee's email address.
    pub email: Option<String>,
}

impl Auth {
    /// The employee with id `employee_id`, or `None` when there is none (an id that is not a
    /// UUID makes no request).
    pub fn fetch_employee_by_id(&self, employee_id: &str) -> Result<Option<Employee>, ApiError> {
        if !is_uuid(employee_id) {
            return Ok(None);
        }
        self.send(Call::get(route!("/employee/{employee_id}"), &[employee_id]))?
            .into_optional()
    }
}
