//! Step-up MFA endpoints: every code is right, every grant is known.

use serde_json::json;

use super::{Route, ok};
use crate::stand_in::{CannedResponse, RecordedRequest};

pub(crate) const ROUTES: &[Route] = &[
    Route {
        method: "POST",
        pattern: "/mfa/step-up/verify-totp",
        handler: grant,
    },
    Route {
        method: "POST",
        pattern: "/mfa/step-up/verify-grant",
        handler: grant_valid,
    },
    Route {
        method: "POST",
        pattern: "/mfa/step-up/phone/send",
        handler: sms_sent,
    },
    Route {
        method: "POST",
        pattern: "/mfa/step-up/phone/verify",
        handler: grant,
    },
];

/// `verify_step_up_totp_challenge`, `verify_sms_challenge`: a new grant.
fn grant(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({"success": true, "step_up_grant": "sug_4f1c9e7a2b6d8e0f3a5c7b9d1e2f4a6c"}))
}

/// `verify_step_up_grant`: valid.
fn grant_valid(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({"success": true}))
}

/// `send_sms_mfa_code`: the challenge to verify.
fn sms_sent(_: &RecordedRequest, _: &[&str]) -> CannedResponse {
    ok(json!({"challenge_id": "6a0e2c4f-8b1d-4e3a-9c5f-7d2b4e6a8c0f"}))
}
