//! Reading the bearer token from an `Authorization` header and validating it: signature,
//! algorithm, time and issuer claims, then the claims that describe the user.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use crate::crypto::VerificationKey;
use crate::error::{TokenError, UnauthorizedReason, Untrusted};
use crate::user::{User, UserClaims};

/// Longest `Authorization` header (and bare token) accepted, in bytes. Longer ones are
/// rejected with 401 before any decoding.
pub const MAX_AUTHORIZATION_HEADER_LEN: usize = 16 * 1024;

/// Extracts the token from an `Authorization` header value, FastAPI style: split at the
/// first space, the scheme must be `bearer` in any case, the credentials are trimmed and must
/// not be empty.
///
/// `None` stands for a missing header. The value must be visible ASCII (spaces allowed) and
/// at most [`MAX_AUTHORIZATION_HEADER_LEN`] bytes.
///
/// ```
/// use propelauth_core::{bearer_token, UnauthorizedReason};
/// assert_eq!(bearer_token(Some(b"bearer  abc ")), Ok("abc"));
/// assert_eq!(bearer_token(None), Err(UnauthorizedReason::MissingHeader));
/// assert_eq!(bearer_token(Some(b"Token abc")), Err(UnauthorizedReason::MalformedHeader));
/// ```
pub fn bearer_token(header: Option<&[u8]>) -> Result<&str, UnauthorizedReason> {
    let credentials = bearer_credentials(header)?;
    // Visible ASCII only, so this cannot fail.
    std::str::from_utf8(credentials).map_err(|_| UnauthorizedReason::MalformedHeader)
}

/// [`bearer_token`] on bytes, for the request path (no UTF-8 pass over the token).
pub(crate) fn bearer_credentials(header: Option<&[u8]>) -> Result<&[u8], UnauthorizedReason> {
    let header = match header {
        None | Some(b"") => return Err(UnauthorizedReason::MissingHeader),
        Some(header) => header,
    };
    if header.len() > MAX_AUTHORIZATION_HEADER_LEN || !is_visible_ascii_or_space(header) {
        return Err(UnauthorizedReason::MalformedHeader);
    }
    let (scheme, credentials) = match header.iter().position(|&byte| byte == b' ') {
        Some(space) => (&header[..space], header[space + 1..].trim_ascii()),
        None => (header, &b""[..]),
    };
    if !scheme.eq_ignore_ascii_case(b"bearer") || credentials.is_empty() {
        return Err(UnauthorizedReason::MalformedHeader);
    }
    Ok(credentials)
}

/// Whether a bearer credential has the shape of a JWT: three segments separated by dots.
/// Anything else is an end-user API key candidate (where those are accepted).
///
/// Counted per 255-byte chunk in a `u8` (which cannot overflow there) without an early exit, so
/// that the compiler vectorizes it: the check stays in the tens of nanoseconds for a 1.5 KB
/// token, on the path every request of a handle that accepts API keys takes.
pub(crate) fn is_jwt_shaped(credential: &[u8]) -> bool {
    let dots: usize = credential
        .chunks(255)
        .map(|chunk| {
            let in_chunk = chunk
                .iter()
                .fold(0u8, |count, &byte| count + u8::from(byte == b'.'));
            usize::from(in_chunk)
        })
        .sum();
    dots == 2
}

/// Whether every byte is in `0x20..=0x7E`. Written without an early exit so that the
/// compiler vectorizes it: a 1.5 KB header is checked in tens of nanoseconds.
fn is_visible_ascii_or_space(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .fold(true, |all, &byte| all & (byte.wrapping_sub(b' ') < 0x5f))
}

/// What a token must satisfy besides its signature. Built once at initialization.
#[derive(Debug, Clone)]
pub(crate) struct ValidationRules {
    pub(crate) issuer: String,
    pub(crate) leeway_secs: f64,
}

/// The JOSE header: only `alg` matters; `crit` (extensions we do not understand) rejects.
#[derive(Deserialize)]
struct JoseHeader<'a> {
    #[serde(borrow)]
    alg: std::borrow::Cow<'a, str>,
    #[serde(default)]
    crit: Option<IgnoredAny>,
}

/// The time and issuer claims alone, read when the payload does not describe a user, so that
/// an expired token is reported as expired rather than as a bad payload; and whether the
/// payload names a user at all.
#[derive(Deserialize)]
struct RegisteredClaims {
    /// Any value but `null` counts as present (a `user_id` of the wrong type is an invalid
    /// claim, not a missing user).
    #[serde(default)]
    user_id: Option<IgnoredAny>,
    #[serde(default)]
    exp: Option<Value>,
    #[serde(default)]
    iat: Option<Value>,
    #[serde(default)]
    nbf: Option<Value>,
    #[serde(default)]
    iss: Option<Value>,
}

/// What a successful validation yields: the user, and the time claims that a cached copy of
/// the result must keep satisfying (checked again on every cache hit).
#[derive(Debug)]
pub(crate) struct Validated {
    pub(crate) user: User,
    pub(crate) times: TimeClaims,
}

/// A token's `exp`, `iat` and `nbf`, as seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TimeClaims {
    exp: f64,
    iat: f64,
    nbf: Option<f64>,
}

impl TimeClaims {
    /// Claims with `exp` and `iat` and no `nbf`, for unit tests.
    #[cfg(test)]
    pub(crate) fn for_tests(exp: f64, iat: f64) -> Self {
        Self {
            exp,
            iat,
            nbf: None,
        }
    }

    /// The time rules at time `now` with `leeway_secs`, in the order a fresh validation
    /// applies them: `exp`, then `nbf`, then `iat`.
    pub(crate) fn check(&self, leeway_secs: f64, now: f64) -> Result<(), TokenError> {
        if now > self.exp + leeway_secs {
            return Err(TokenError::Expired);
        }
        if self.nbf.is_some_and(|nbf| nbf > now + leeway_secs) {
            return Err(TokenError::NotYetValid);
        }
        if self.iat > now + leeway_secs {
            return Err(TokenError::IssuedInFuture);
        }
        Ok(())
    }
}

/// Validates a bare access token at time `now` (seconds since the Unix epoch).
///
/// Order: shape, header (`alg` must be RS256), signature, payload, time claims, issuer, user.
pub(crate) fn validate(
    token: &[u8],
    key: &VerificationKey,
    rules: &ValidationRules,
    now: f64,
) -> Result<Validated, UnauthorizedReason> {
    let invalid = UnauthorizedReason::InvalidToken;
    if token.len() > MAX_AUTHORIZATION_HEADER_LEN {
        return Err(invalid(TokenError::Malformed));
    }
    let Some((header, payload, signature)) = split_segments(token) else {
        return Err(invalid(TokenError::Malformed));
    };

    // One buffer for the three segments, decoded in turn (each is done with before the next).
    let longest = header.len().max(payload.len()).max(signature.len());
    // Uninitialized: the decoder writes every byte it returns.
    let mut buffer = Vec::with_capacity(longest.div_ceil(4) * 3);
    let header_json = decode_segment(header, &mut buffer)?;
    let jose: JoseHeader<'_> =
        parse_json(header_json).map_err(|_| invalid(TokenError::InvalidHeader))?;
    if jose.alg != "RS256" {
        let alg = Untrusted::bounded(&jose.alg);
        return Err(invalid(TokenError::UnsupportedAlgorithm(alg)));
    }
    if jose.crit.is_some() {
        return Err(invalid(TokenError::InvalidHeader));
    }

    let signature = decode_segment(signature, &mut buffer)?;
    let signed_message = &token[..header.len() + 1 + payload.len()];
    if !key.verify(signed_message, signature) {
        return Err(invalid(TokenError::InvalidSignature));
    }

    let payload = decode_segment(payload, &mut buffer)?;
    // serde would also read a struct from a JSON array: the claims must be an object.
    if payload.trim_ascii_start().first() != Some(&b'{') {
        return Err(invalid(TokenError::InvalidClaims(
            "the payload is not a JSON object".to_owned(),
        )));
    }
    match parse_json::<UserClaims>(payload) {
        Ok(claims) => {
            let registered = [&claims.exp, &claims.iat, &claims.nbf, &claims.iss];
            let times = check_registered_claims(registered, rules, now).map_err(invalid)?;
            Ok(Validated {
                user: User::from(claims),
                times,
            })
        }
        Err(user_error) => {
            let registered = parse_json::<RegisteredClaims>(payload)
                .map_err(|error| invalid(claims_error(&error)))?;
            let user_id = registered.user_id;
            let registered = [
                &registered.exp,
                &registered.iat,
                &registered.nbf,
                &registered.iss,
            ];
            check_registered_claims(registered, rules, now).map_err(invalid)?;
            // Only a token that names no user is an "invalid payload"; any other claim the
            // user cannot be built from (an org entry missing a key, a wrong type) makes the
            // token invalid.
            Err(match user_id {
                None => UnauthorizedReason::InvalidPayload("`user_id` is required".to_owned()),
                Some(_) => invalid(claims_error(&user_error)),
            })
        }
    }
}

/// The three segments of a compact JWS: exactly two dots (empty segments are split as such,
/// and rejected later by their own checks).
fn split_segments(token: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let first = memchr::memchr(b'.', token)?;
    let last = memchr::memrchr(b'.', token)?;
    let payload = token.get(first + 1..last)?;
    if memchr::memchr(b'.', payload).is_some() {
        return None;
    }
    Some((&token[..first], payload, &token[last + 1..]))
}

/// `serde_json::from_slice`, with one UTF-8 check of the whole input instead of one per
/// string: valid UTF-8 is parsed as a `str` (the same parser, results and error positions);
/// anything else goes through `from_slice` as before, so its errors (and the strings it never
/// checks, in values it skips) stay what they were.
fn parse_json<'a, T: Deserialize<'a>>(json: &'a [u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(json) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(json),
    }
}

/// A claims error from serde's message, which may quote claim values: escaped and bounded.
fn claims_error(error: &serde_json::Error) -> TokenError {
    TokenError::InvalidClaims(Untrusted::message(&error.to_string()).to_string())
}

/// Decodes a base64url segment (strict: no padding, unused bits of the last character zero)
/// into the start of `buffer`'s spare capacity, which holds at least
/// `segment.len().div_ceil(4) * 3` bytes. SIMD where the CPU has it (checked at run time);
/// accepts and rejects exactly what the `base64` crate's `URL_SAFE_NO_PAD` does (tested).
fn decode_segment<'b>(
    segment: &[u8],
    buffer: &'b mut Vec<u8>,
) -> Result<&'b [u8], UnauthorizedReason> {
    let malformed = || UnauthorizedReason::InvalidToken(TokenError::Malformed);
    let engine = base64_simd::URL_SAFE_NO_PAD;
    let len = engine.decoded_length(segment).map_err(|_| malformed())?;
    buffer.clear();
    // Never too short (see above); checked so that the decoder's own bound can never fail.
    let out = buffer
        .spare_capacity_mut()
        .get_mut(..len)
        .ok_or_else(malformed)?;
    let decoded = engine
        .decode(segment, base64_simd::Out::from_uninit_slice(out))
        .map_err(|_| malformed())?;
    Ok(decoded)
}

/// Checks `[exp, iat, nbf, iss]` against the rules at time `now`; returns the time claims.
fn check_registered_claims(
    [exp, iat, nbf, iss]: [&Option<Value>; 4],
    rules: &ValidationRules,
    now: f64,
) -> Result<TimeClaims, TokenError> {
    let times = TimeClaims {
        exp: numeric_date("exp", exp)?.ok_or_else(|| missing("exp"))?,
        iat: numeric_date("iat", iat)?.ok_or_else(|| missing("iat"))?,
        nbf: numeric_date("nbf", nbf)?,
    };
    times.check(rules.leeway_secs, now)?;
    match iss {
        Some(Value::String(iss)) if *iss == rules.issuer => Ok(times),
        Some(Value::String(_)) => Err(TokenError::WrongIssuer {
            expected: rules.issuer.clone(),
        }),
        Some(_) => Err(TokenError::InvalidClaims(
            "`iss` must be a string".to_owned(),
        )),
        None => Err(missing("iss")),
    }
}

/// An RFC 7519 NumericDate: any JSON number (fractional ones included), never a string.
fn numeric_date(name: &str, value: &Option<Value>) -> Result<Option<f64>, TokenError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => number
            .as_f64()
            .map(Some)
            .ok_or_else(|| TokenError::InvalidClaims(format!("`{name}` is not a finite number"))),
        Some(_) => Err(TokenError::InvalidClaims(format!(
            "`{name}` must be a JSON number (NumericDate)"
        ))),
    }
}

fn missing(name: &str) -> TokenError {
    TokenError::InvalidClaims(format!("`{name}` is required"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_rules_of_behaviour_section_2() {
        let accepted: &[&[u8]] = &[
            b"Bearer tok",
            b"bearer tok",
            b"BEARER tok",
            b"Bearer  tok",
            b"Bearer tok ",
        ];
        for header in accepted {
            assert_eq!(bearer_token(Some(header)), Ok("tok"), "{header:?}");
        }
        assert_eq!(bearer_token(Some(b"Bearer a b")), Ok("a b"));
        assert_eq!(bearer_token(None), Err(UnauthorizedReason::MissingHeader));
        assert_eq!(
            bearer_token(Some(b"")),
            Err(UnauthorizedReason::MissingHeader)
        );
        let malformed: &[&[u8]] = &[
            b"Token tok",
            b"tok",
            b"Bearer",
            b"Bearer ",
            b"Bearer    ",
            b" Bearer tok",
            b"Bearer\ttok",
            b"Bearer t\xc3\xa9",
            b"Bearer tok\x00",
            b"Bearer tok\x7f",
        ];
        for header in malformed {
            assert_eq!(
                bearer_token(Some(header)),
                Err(UnauthorizedReason::MalformedHeader),
                "{header:?}"
            );
        }
    }

    #[test]
    fn jwt_shape_is_exactly_two_dots() {
        assert!(is_jwt_shaped(b"a.b.c"));
        assert!(is_jwt_shaped(b".."));
        assert!(!is_jwt_shaped(b"a.b"));
        assert!(!is_jwt_shaped(b"a.b.c.d"));
        assert!(!is_jwt_shaped(b"abcdef0123"));
        let mut long = vec![b'a'; 200];
        long[10] = b'.';
        long[150] = b'.';
        assert!(is_jwt_shaped(&long));
        long[199] = b'.';
        assert!(!is_jwt_shaped(&long));
        let dots = vec![b'.'; 600];
        assert!(!is_jwt_shaped(&dots));
    }

    #[test]
    fn visible_ascii_check_covers_every_byte() {
        for byte in 0..=u8::MAX {
            let expected = (0x20..=0x7e).contains(&byte);
            assert_eq!(
                is_visible_ascii_or_space(&[b'a', byte, b'b']),
                expected,
                "{byte:#x}"
            );
        }
    }

    #[test]
    fn header_length_bound_is_exact() {
        let mut header = b"Bearer ".to_vec();
        header.resize(MAX_AUTHORIZATION_HEADER_LEN, b'a');
        assert!(bearer_token(Some(&header)).is_ok());
        header.push(b'a');
        assert_eq!(
            bearer_token(Some(&header)),
            Err(UnauthorizedReason::MalformedHeader)
        );
    }

    #[test]
    fn segments_split_as_a_plain_split_on_dots_would() {
        // Every string of `a` and `.` up to 9 bytes: exactly three segments, or none.
        for len in 0..=9 {
            for bits in 0u32..(1 << len) {
                let token: Vec<u8> = (0..len)
                    .map(|i| if bits >> i & 1 == 1 { b'.' } else { b'a' })
                    .collect();
                let parts: Vec<&[u8]> = token.split(|&byte| byte == b'.').collect();
                let expected = match parts[..] {
                    [header, payload, signature] => Some((header, payload, signature)),
                    _ => None,
                };
                assert_eq!(split_segments(&token), expected, "{token:?}");
            }
        }
    }

    #[test]
    fn segments_decode_as_strict_base64url_into_one_buffer() {
        let mut buffer = Vec::with_capacity(6);
        assert_eq!(decode_segment(b"eyJh", &mut buffer), Ok(&b"{\"a"[..]));
        assert_eq!(decode_segment(b"QUI", &mut buffer), Ok(&b"AB"[..]));
        assert_eq!(decode_segment(b"", &mut buffer), Ok(&b""[..]));
        let malformed = UnauthorizedReason::InvalidToken(TokenError::Malformed);
        // Unused bits of the last character set, padding, the other alphabet, a lone char.
        for segment in [&b"QUJ"[..], b"QUI=", b"QU+/", b"Q", b"QU\xff", b"QU.I"] {
            assert_eq!(decode_segment(segment, &mut buffer), Err(malformed.clone()));
        }
    }

    /// The segment decoder against the `base64` crate's strict `URL_SAFE_NO_PAD`: the same
    /// bytes, or both a rejection, for every input.
    fn decodes_as_the_base64_crate(segment: &[u8]) -> Result<(), String> {
        use base64::Engine;
        let reference = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(segment)
            .ok();
        let mut buffer = Vec::with_capacity(segment.len().div_ceil(4) * 3);
        let ours = decode_segment(segment, &mut buffer)
            .ok()
            .map(<[u8]>::to_vec);
        if ours == reference {
            Ok(())
        } else {
            Err(format!("{segment:?}: ours {ours:?}, base64 {reference:?}"))
        }
    }

    #[test]
    fn segments_decode_exactly_as_the_base64_crate() {
        // Every string up to 4 characters over an alphabet that holds each class of character
        // (both ends of each base64url range, the two characters of the other alphabet,
        // padding, a dot, a space, a byte above ASCII) and the trailing-bit cases of `Q`.
        let alphabet = b"AZaz09-_QRgw+/=. \xff";
        for len in 0..=4u32 {
            for mut index in 0..alphabet.len().pow(len) {
                let segment: Vec<u8> = (0..len)
                    .map(|_| {
                        let byte = alphabet[index % alphabet.len()];
                        index /= alphabet.len();
                        byte
                    })
                    .collect();
                decodes_as_the_base64_crate(&segment).unwrap();
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 2000,
            failure_persistence: None,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed_0b64),
            ..proptest::test_runner::Config::default()
        })]

        /// Long segments (the SIMD loops run over 32-byte blocks): the encoding of random
        /// bytes, then a few of its characters replaced by any byte, and a cut anywhere.
        #[test]
        fn long_segments_decode_exactly_as_the_base64_crate(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..1200),
            replacements in proptest::collection::vec((proptest::num::usize::ANY, proptest::num::u8::ANY), 0..3),
            cut in proptest::option::of(proptest::num::usize::ANY),
        ) {
            use base64::Engine;
            let mut segment = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(&bytes)
                .into_bytes();
            if !segment.is_empty() {
                for (at, byte) in replacements {
                    let at = at % segment.len();
                    segment[at] = byte;
                }
            }
            if let Some(cut) = cut {
                segment.truncate(cut % (segment.len() + 1));
            }
            proptest::prop_assert_eq!(decodes_as_the_base64_crate(&segment), Ok(()));
        }
    }

    #[test]
    fn json_is_parsed_as_from_slice_would() {
        fn outcome<'a, T: Deserialize<'a>>(
            parse: impl Fn(&'a [u8]) -> serde_json::Result<T>,
            json: &'a [u8],
        ) -> Result<(), String> {
            parse(json).map(drop).map_err(|error| error.to_string())
        }
        let payloads: &[&[u8]] = &[
            br#"{"user_id":"u","exp":1,"iat":2,"iss":"x","email":"\u00e9t\u00e9"}"#,
            br#"{"user_id":"u","email":"\ud800"}"#,
            // Invalid UTF-8 in a string that is read, and in one that is skipped.
            b"{\"user_id\":\"u\xff\"}",
            b"{\"user_id\":\"u\",\"unknown\":\"\xff\"}",
            b"{\"user_id\":\"u\",\n\"exp\":\"soon\"}",
            b"{\"user_id\":\"u\",\"user_id\":\"v\"}",
            b"{\"user_id\":\"u\" \xc3",
            b"[\"u\"]",
            b"",
        ];
        for payload in payloads {
            assert_eq!(
                outcome(parse_json::<UserClaims>, payload),
                outcome(serde_json::from_slice::<UserClaims>, payload),
                "{payload:?}"
            );
            assert_eq!(
                outcome(parse_json::<RegisteredClaims>, payload),
                outcome(serde_json::from_slice::<RegisteredClaims>, payload),
                "{payload:?}"
            );
        }
        assert!(outcome(parse_json::<UserClaims>, payloads[3]).is_ok());
    }

    #[test]
    fn numeric_dates_accept_numbers_only() {
        assert_eq!(
            numeric_date("exp", &Some(serde_json::json!(12.5))),
            Ok(Some(12.5))
        );
        assert_eq!(
            numeric_date("exp", &Some(serde_json::json!(12))),
            Ok(Some(12.0))
        );
        assert_eq!(numeric_date("exp", &None), Ok(None));
        assert!(numeric_date("exp", &Some(serde_json::json!("12"))).is_err());
        assert!(numeric_date("exp", &Some(serde_json::json!(true))).is_err());
    }
}
