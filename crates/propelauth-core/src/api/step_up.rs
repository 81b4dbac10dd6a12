//! Step-up MFA calls of the backend API.
//!
//! A refused verification comes back as [`ApiError::StepUp`] with the service's
//! `error_code` ([`StepUpError`]), whatever the HTTP status (401 and 429 aside).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::call::{Answer, Call, object_field_errors, route};
use super::{ApiError, BadRequest, StepUpError};
use crate::Auth;

/// How long a step-up grant stays usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
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
        let body = TotpBody {
            action_type,
            user_id,
            code,
            grant_type,
            valid_for_seconds,
        };
        let call = Call::post(route!("/mfa/step-up/verify-totp"), &[]).json(&body);
        let answer = step_up_send(self, call)?.map_err(Refusal::into_error)?;
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
        let body = GrantBody {
            action_type,
            user_id,
            grant,
        };
        let call = Call::post(route!("/mfa/step-up/verify-grant"), &[]).json(&body);
        match step_up_send(self, call)? {
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
        let body = SmsBody {
            action_type,
            user_id,
            mfa_phone_id,
            grant_type,
            valid_for_seconds,
        };
        let call = Call::post(route!("/mfa/step-up/phone/send"), &[]).json(&body);
        let answer = step_up_send(self, call)?.map_err(Refusal::into_error)?;
        let sent: ChallengeAnswer = answer.json()?;
        sent.challenge_id
            .filter(|id| !id.is_empty())
            .ok_or_else(|| ApiError::MalformedResponse("no challenge_id in the answer".into()))
    }

    /// Checks the SMS `code` of challenge `challenge_id` and returns a step-up grant.
    pub fn verify_sms_challenge(
        &self,
        challenge_id: &str,
        user_id: &str,
        code: &str,
    ) -> Result<String, ApiError> {
        let body = SmsVerifyBody {
            challenge_id,
            user_id,
            code,
        };
        let call = Call::post(route!("/mfa/step-up/phone/verify"), &[]).json(&body);
        let answer = step_up_send(self, call)?.map_err(Refusal::into_error)?;
        step_up_grant(&answer)
    }
}

#[derive(Serialize)]
struct TotpBody<'a> {
    action_type: &'a str,
    user_id: &'a str,
    code: &'a str,
    grant_type: StepUpGrantType,
    valid_for_seconds: u64,
}

#[derive(Serialize)]
struct GrantBody<'a> {
    action_type: &'a str,
    user_id: &'a str,
    grant: &'a str,
}

#[derive(Serialize)]
struct SmsBody<'a> {
    action_type: &'a str,
    user_id: &'a str,
    mfa_phone_id: &'a str,
    grant_type: StepUpGrantType,
    valid_for_seconds: u64,
}

#[derive(Serialize)]
struct SmsVerifyBody<'a> {
    challenge_id: &'a str,
    user_id: &'a str,
    code: &'a str,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct GrantAnswer {
    step_up_grant: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChallengeAnswer {
    challenge_id: Option<String>,
}

fn step_up_grant(answer: &Answer) -> Result<String, ApiError> {
    let granted: GrantAnswer = answer.json()?;
    granted
        .step_up_grant
        .filter(|grant| !grant.is_empty())
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
            if let Some(Value::Object(fields)) = json.get(name) {
                for (field, messages) in object_field_errors(fields.clone()) {
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
            body: crate::backend::excerpt(body),
        })
    }

    fn into_error(self) -> ApiError {
        ApiError::StepUp(match self.error_code.as_str() {
            "user_not_found" => StepUpError::UserNotFound,
            "mfa_not_enabled" => StepUpError::MfaNotEnabled,
            "incorrect_mfa_code" => StepUpError::IncorrectMfaCode,
            "feature_gated" => StepUpError::FeatureGated,
            "invalid_request_fields" => {
                StepUpError::InvalidRequestFields(BadRequest::new(self.field_errors, self.body))
            }
            _ => StepUpError::Other(self.error_code),
        })
    }
}

/// Sends a step-up `call`: a 2xx answer, or the refusal of a non-2xx answer carrying an
/// `error_code` (400 included). 401, 429 and non-2xx answers without an `error_code` are the
/// usual errors.
fn step_up_send(auth: &Auth, call: Call) -> Result<Result<Answer, Refusal>, ApiError> {
    let answer = auth.exchange(call)?;
    if answer.is_success() {
        return Ok(Ok(answer));
    }
    if !matches!(answer.status(), 401 | 429)
        && let Some(refusal) = Refusal::parse(answer.body())
    {
        return Ok(Err(refusal));
    }
    Err(answer.refuse_shared()?.unexpected())
}
