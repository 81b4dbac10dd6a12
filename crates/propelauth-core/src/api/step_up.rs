//! Step-up MFA calls of the backend API (backend-api.md, "Step-up MFA").
//!
//! A refused verification comes back as [`ApiError::StepUp`] with the service's
//! `error_code` ([`StepUpError`]), whatever the HTTP status (401 and 429 aside).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::call::{Answer, Call, field_errors};
use super::{ApiError, BadRequest, StepUpError};
use crate::Auth;

/// How long a step-up grant stays usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StepUpGrantType {
    /// Valid for one verification (`ONE_TIME_USE`).
    OneTimeUse,
    /// Valid for any number of verifications until it expires (`TIME_BASED`).
    TimeBased,
}

impl StepUpGrantType {
    /// The value sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OneTimeUse => "ONE_TIME_USE",
            Self::TimeBased => "TIME_BASED",
        }
    }
}

impl fmt::Display for StepUpGrantType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Auth {
    /// Checks the TOTP `code` of user `user_id` for the action `action_type` (a name of
    /// your choosing) and returns a step-up grant, valid for `valid_for_seconds`.
    pub fn verify_step_up_totp_challenge(
        &self,
        action_type: &str,
        user_id: &str,
        code: &str,
        grant_type: StepUpGrantType,
        valid_for_seconds: u64,
    ) -> Result<String, ApiError> {
        let body = json!({
            "action_type": action_type,
            "user_id": user_id,
            "code": code,
            "grant_type": grant_type.as_str(),
            "valid_for_seconds": valid_for_seconds,
        });
        let answer =
            step_up_send(self, "/mfa/step-up/verify-totp", body)?.map_err(Refusal::into_error)?;
        step_up_grant(&answer)
    }

    /// Whether `grant` is a valid step-up grant of user `user_id` for `action_type`:
    /// `false` when the service does not know the grant.
    pub fn verify_step_up_grant(
        &self,
        action_type: &str,
        user_id: &str,
        grant: &str,
    ) -> Result<bool, ApiError> {
        let body = json!({
            "action_type": action_type,
            "user_id": user_id,
            "grant": grant,
        });
        match step_up_send(self, "/mfa/step-up/verify-grant", body)? {
            Ok(_) => Ok(true),
            Err(refusal) if refusal.grant_not_found => Ok(false),
            Err(refusal) => Err(refusal.into_error()),
        }
    }

    /// Sends an SMS code to the phone `mfa_phone_id` of user `user_id` and returns the
    /// challenge id to verify it with [`verify_sms_challenge`](Self::verify_sms_challenge).
    pub fn send_sms_mfa_code(
        &self,
        action_type: &str,
        user_id: &str,
        mfa_phone_id: &str,
        grant_type: StepUpGrantType,
        valid_for_seconds: u64,
    ) -> Result<String, ApiError> {
        let body = json!({
            "action_type": action_type,
            "user_id": user_id,
            "mfa_phone_id": mfa_phone_id,
            "grant_type": grant_type.as_str(),
            "valid_for_seconds": valid_for_seconds,
        });
        let answer =
            step_up_send(self, "/mfa/step-up/phone/send", body)?.map_err(Refusal::into_error)?;
        let sent: ChallengeAnswer = answer.json()?;
        sent.challenge_id
            .ok_or_else(|| ApiError::MalformedResponse("no challenge_id in the answer".into()))
    }

    /// Checks the SMS `code` of challenge `challenge_id` and returns a step-up grant.
    pub fn verify_sms_challenge(
        &self,
        challenge_id: &str,
        user_id: &str,
        code: &str,
    ) -> Result<String, ApiError> {
        let body = json!({
            "challenge_id": challenge_id,
            "user_id": user_id,
            "code": code,
        });
        let answer =
            step_up_send(self, "/mfa/step-up/phone/verify", body)?.map_err(Refusal::into_error)?;
        step_up_grant(&answer)
    }
}

#[derive(Deserialize)]
struct GrantAnswer {
    #[serde(default)]
    step_up_grant: Option<String>,
}

#[derive(Deserialize)]
struct ChallengeAnswer {
    #[serde(default)]
    challenge_id: Option<String>,
}

fn step_up_grant(answer: &Answer) -> Result<String, ApiError> {
    let granted: GrantAnswer = answer.json()?;
    granted
        .step_up_grant
        .ok_or_else(|| ApiError::MalformedResponse("no step_up_grant in the answer".into()))
}

/// A non-2xx answer carrying an `error_code`.
#[derive(Debug)]
struct Refusal {
    error_code: String,
    field_errors: BTreeMap<String, Vec<String>>,
    /// `field_errors.grant` is `grant_not_found`.
    grant_not_found: bool,
    body: String,
}

impl Refusal {
    /// The refusal a body describes, when it is a JSON object with an `error_code`.
    fn parse(body: &str) -> Option<Self> {
        let json: Value = serde_json::from_str(body).ok()?;
        let error_code = json.get("error_code")?.as_str()?.to_owned();
        // The service names the field messages differently per call.
        let mut merged: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for name in ["field_errors", "field_to_errors", "user_facing_errors"] {
            if let Some(fields) = json.get(name).filter(|fields| fields.is_object()) {
                for (field, messages) in field_errors(&fields.to_string()) {
                    let known = merged.entry(field).or_default();
                    for message in messages {
                        if !known.contains(&message) {
                            known.push(message);
                        }
                    }
                }
            }
        }
        let grant_not_found = match json.pointer("/field_errors/grant") {
            Some(Value::String(message)) => message == "grant_not_found",
            Some(Value::Array(messages)) => messages
                .iter()
                .any(|message| message.as_str() == Some("grant_not_found")),
            _ => false,
        };
        Some(Self {
            error_code,
            field_errors: merged,
            grant_not_found,
            // Cut like every error body.
            body: body.chars().take(512).collect(),
        })
    }

    fn into_error(self) -> ApiError {
        ApiError::StepUp(match self.error_code.as_str() {
            "user_not_found" => StepUpError::UserNotFound,
            "mfa_not_enabled" => StepUpError::MfaNotEnabled,
            "incorrect_mfa_code" => StepUpError::IncorrectMfaCode,
            "feature_gated" => StepUpError::FeatureGated,
            "invalid_request_fields" => StepUpError::InvalidRequestFields(BadRequest {
                field_errors: self.field_errors,
                body: self.body,
            }),
            _ => StepUpError::Other(self.error_code),
        })
    }
}

/// Posts `body` to `path`: a 2xx answer, or the refusal of a non-2xx answer carrying an
/// `error_code`. 401, 429, 426 and non-2xx answers without an `error_code` stay the usual
/// errors (a 400 the shared send path read as a bad request is looked at again here).
fn step_up_send(auth: &Auth, path: &str, body: Value) -> Result<Result<Answer, Refusal>, ApiError> {
    match auth.backend().send(Call::post(path).json(body)) {
        Ok(answer) if answer.is_success() => Ok(Ok(answer)),
        Ok(answer) => match Refusal::parse(&answer.body) {
            Some(refusal) => Ok(Err(refusal)),
            None => Err(answer.unexpected()),
        },
        Err(ApiError::BadRequest(bad)) => match Refusal::parse(&bad.body) {
            Some(refusal) => Ok(Err(refusal)),
            None => Err(ApiError::BadRequest(bad)),
        },
        Err(error) => Err(error),
    }
}
