//! Where a request's credential comes from: the `Authorization` header always; a query
//! parameter or a cookie only where a route opts in by name (browsers cannot set headers on a
//! WebSocket handshake, `EventSource` or an `<img>`).
//!
//! Adapters hand core the raw values ([`RequestCredentials`]: the header bytes, the raw query
//! string, the raw `Cookie` headers) and the route's [`TokenSources`]; core decides which one
//! holds the token, decodes it, bounds it and validates it. No adapter parses a query string
//! or a cookie itself.

use std::borrow::Cow;
use std::fmt;

use crate::error::{CredentialError, TokenSource, UnauthorizedReason};
use crate::token::{self, MAX_AUTHORIZATION_HEADER_LEN};

/// Where a route reads the access token: the `Authorization` header always, and, where the
/// route opts in by name, a query parameter and/or a cookie.
///
/// ```
/// use propelauth_core::TokenSources;
///
/// // Every route: the header only (the default).
/// let api = TokenSources::header_only();
/// // A WebSocket route for browsers: `wss://.../ws?access_token=<token>` works too.
/// let websocket = TokenSources::header_only().or_query("access_token");
/// // A route of a same-site app that keeps the token in a cookie.
/// let page = TokenSources::header_only().or_cookie("propelauth_access_token");
/// assert_eq!(websocket.query_parameter(), Some("access_token"));
/// assert_eq!(page.cookie_name(), Some("propelauth_access_token"));
/// assert!(!api.reads_query() && !api.reads_cookies());
/// ```
///
/// Order, when several are present: the header wins (a header that is present but malformed
/// is a 401, whatever the query or cookie holds), then the query parameter, then the cookie.
/// An empty header, parameter or cookie counts as absent.
///
/// The query parameter is percent-decoded (`+` is a space, as in HTML forms); its name is
/// matched after decoding, case-sensitively; a parameter given twice is a 401. The cookie is
/// matched by exact name; its value is used as it is, without one pair of surrounding double
/// quotes (RFC 6265: no percent-decoding); when several cookies have the name, the first one
/// sent is used (browsers send the one with the most specific path first). Either value must be
/// at most [`MAX_AUTHORIZATION_HEADER_LEN`] bytes of visible ASCII, like the header. End-user
/// API keys are only read from the header: a key does not expire soon, and a URL ends up in
/// access logs.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct TokenSources {
    query: Option<Cow<'static, str>>,
    cookie: Option<Cow<'static, str>>,
}

impl TokenSources {
    /// The `Authorization` header only (what every route reads without opting in).
    pub const fn header_only() -> Self {
        Self {
            query: None,
            cookie: None,
        }
    }

    /// Also read the token from the query parameter `name` when the request has no
    /// `Authorization` header (browsers' WebSocket handshakes: `?access_token=<token>`).
    pub fn or_query(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.query = Some(name.into());
        self
    }

    /// Also read the token from the cookie `name` when the request has no `Authorization`
    /// header (and no token in the query parameter, if one is named).
    pub fn or_cookie(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.cookie = Some(name.into());
        self
    }

    /// The query parameter read, if any.
    pub fn query_parameter(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The cookie read, if any.
    pub fn cookie_name(&self) -> Option<&str> {
        self.cookie.as_deref()
    }

    /// Whether a query parameter is read: an adapter may skip handing core the query string
    /// when not.
    pub fn reads_query(&self) -> bool {
        self.query.is_some()
    }

    /// Whether a cookie is read: an adapter may skip collecting the `Cookie` headers when
    /// not.
    pub fn reads_cookies(&self) -> bool {
        self.cookie.is_some()
    }
}

impl fmt::Debug for TokenSources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSources")
            .field("header", &true)
            .field("query", &self.query)
            .field("cookie", &self.cookie)
            .finish()
    }
}

/// The query parameter of [`AccessTokenQuery`]: `?access_token=<token>`.
pub const ACCESS_TOKEN_QUERY_PARAMETER: &str = "access_token";

/// A route's [`TokenSources`] as a type, so that an extractor can carry them in its type:
/// the adapters' `RequireUserFrom<S>` reads the token from `S::token_sources()`.
///
/// ```
/// use propelauth_core::{RouteTokenSources, TokenSources};
///
/// /// A same-site page that keeps the token in a cookie.
/// struct SessionCookie;
///
/// impl RouteTokenSources for SessionCookie {
///     fn token_sources() -> TokenSources {
///         TokenSources::header_only().or_cookie("propelauth_access_token")
///     }
/// }
/// assert_eq!(SessionCookie::token_sources().cookie_name(), Some("propelauth_access_token"));
/// ```
pub trait RouteTokenSources: Send + Sync + 'static {
    /// Where the route reads the token (called on each request: keep it cheap, with
    /// `&'static str` names it allocates nothing).
    fn token_sources() -> TokenSources;
}

/// The `Authorization` header, or else the [`access_token`](ACCESS_TOKEN_QUERY_PARAMETER)
/// query parameter: what a browser's WebSocket handshake can send
/// (`new WebSocket("wss://api.example.com/ws?access_token=" + token)`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccessTokenQuery;

impl RouteTokenSources for AccessTokenQuery {
    fn token_sources() -> TokenSources {
        TokenSources::header_only().or_query(ACCESS_TOKEN_QUERY_PARAMETER)
    }
}

/// The raw places of a request a credential may be in, as the framework has them: the
/// `Authorization` header's bytes, the query string (without `?`, not decoded) and the
/// `Cookie` header(s). Core reads only those the route's [`TokenSources`] allow.
///
/// ```
/// use propelauth_core::RequestCredentials;
///
/// let cookies: [&[u8]; 2] = [b"theme=dark", b"session=abc"];
/// let credentials = RequestCredentials::new(None)
///     .query(Some("room=7&access_token=eyJ..."))
///     .cookie_headers(&cookies);
/// // `Debug` shows what is present, never the values.
/// assert!(!format!("{credentials:?}").contains("eyJ"));
/// ```
#[derive(Clone, Copy, Default)]
pub struct RequestCredentials<'a> {
    authorization: Option<&'a [u8]>,
    query: Option<&'a str>,
    cookies: CookieHeaders<'a>,
}

/// One `Cookie` header, several (HTTP/2 clients may split cookies over several headers), or
/// none.
#[derive(Clone, Copy, Default)]
enum CookieHeaders<'a> {
    #[default]
    None,
    One(&'a [u8]),
    Many(&'a [&'a [u8]]),
}

impl<'a> CookieHeaders<'a> {
    /// The first `Some` that `visit` returns for a header, in order.
    fn find_map(self, mut visit: impl FnMut(&'a [u8]) -> Option<&'a [u8]>) -> Option<&'a [u8]> {
        match self {
            Self::None => None,
            Self::One(header) => visit(header),
            Self::Many(headers) => headers.iter().copied().find_map(visit),
        }
    }

    fn count(&self) -> usize {
        match self {
            Self::None => 0,
            Self::One(_) => 1,
            Self::Many(headers) => headers.len(),
        }
    }
}

impl<'a> RequestCredentials<'a> {
    /// The value of the `Authorization` header (`None` when the request has none).
    pub fn new(authorization: Option<&'a [u8]>) -> Self {
        Self {
            authorization,
            query: None,
            cookies: CookieHeaders::None,
        }
    }

    /// The request's raw query string, without the `?` (`None` or `""` when there is none).
    pub fn query(mut self, raw_query: Option<&'a str>) -> Self {
        self.query = raw_query;
        self
    }

    /// The request's `Cookie` header, when it has exactly one (or `None`).
    pub fn cookie_header(mut self, header: Option<&'a [u8]>) -> Self {
        self.cookies = match header {
            Some(header) => CookieHeaders::One(header),
            None => CookieHeaders::None,
        };
        self
    }

    /// Every `Cookie` header of the request, in the order received.
    pub fn cookie_headers(mut self, headers: &'a [&'a [u8]]) -> Self {
        self.cookies = CookieHeaders::Many(headers);
        self
    }

    /// The `Authorization` header's value.
    pub fn authorization(&self) -> Option<&'a [u8]> {
        self.authorization
    }
}

impl fmt::Debug for RequestCredentials<'_> {
    /// Presence and sizes only: never a token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestCredentials")
            .field("authorization_len", &self.authorization.map(<[u8]>::len))
            .field("query_len", &self.query.map(str::len))
            .field("cookie_headers", &self.cookies.count())
            .finish()
    }
}

/// The credential a request carries, and where it was found.
#[derive(Debug)]
pub(crate) enum Found<'a> {
    /// The credentials of `Authorization: Bearer <credentials>` (a token or an API key).
    Header(&'a [u8]),
    /// The query parameter's value, percent-decoded (borrowed when nothing was encoded).
    Query(Cow<'a, [u8]>),
    /// The cookie's value, without surrounding quotes.
    Cookie(&'a [u8]),
}

/// Finds the credential: the header when present, else the query parameter, else the cookie
/// (each only when `sources` names it). A missing credential is
/// [`UnauthorizedReason::MissingHeader`].
pub(crate) fn find<'a>(
    sources: &TokenSources,
    credentials: &RequestCredentials<'a>,
) -> Result<Found<'a>, UnauthorizedReason> {
    if let Some(header) = credentials
        .authorization
        .filter(|header| !header.is_empty())
    {
        return token::bearer_credentials(Some(header)).map(Found::Header);
    }
    if let (Some(name), Some(query)) = (sources.query.as_deref(), credentials.query)
        && let Some(value) = query_parameter(query, name)?
    {
        return Ok(Found::Query(value));
    }
    if let Some(name) = sources.cookie.as_deref() {
        let value = credentials
            .cookies
            .find_map(|header| cookie_value(header, name.as_bytes()));
        if let Some(value) = value {
            check_value(value, TokenSource::Cookie)?;
            return Ok(Found::Cookie(value));
        }
    }
    Err(UnauthorizedReason::MissingHeader)
}

/// The bounds every value read outside the header must meet, as the header does.
fn check_value(value: &[u8], source: TokenSource) -> Result<(), UnauthorizedReason> {
    let invalid = |error| Err(UnauthorizedReason::InvalidCredential(error));
    if value.len() > MAX_AUTHORIZATION_HEADER_LEN {
        return invalid(CredentialError::TooLong(source));
    }
    // Branch-free, so that it vectorizes (as the header's check does).
    let visible = value
        .iter()
        .fold(true, |all, &byte| all & (byte.wrapping_sub(0x21) < 0x5e));
    if !visible {
        return invalid(CredentialError::InvalidCharacters(source));
    }
    Ok(())
}

/// The decoded value of parameter `name` in `query` (`application/x-www-form-urlencoded`:
/// `&`-separated, `+` for a space, `%XX` escapes; an invalid escape stays as it is). An absent
/// or empty value is `None`; a parameter given twice is an error.
fn query_parameter<'a>(
    query: &'a str,
    name: &str,
) -> Result<Option<Cow<'a, [u8]>>, UnauthorizedReason> {
    let mut found: Option<&'a [u8]> = None;
    for pair in split_at_each(query.as_bytes(), b'&') {
        if pair.is_empty() {
            continue;
        }
        let (raw_name, raw_value) = match memchr::memchr(b'=', pair) {
            Some(equals) => (&pair[..equals], &pair[equals + 1..]),
            None => (pair, &b""[..]),
        };
        if !decodes_to(raw_name, name.as_bytes()) {
            continue;
        }
        if found.is_some() {
            return Err(UnauthorizedReason::InvalidCredential(
                CredentialError::Repeated(TokenSource::QueryParameter),
            ));
        }
        found = Some(raw_value);
    }
    let Some(raw_value) = found.filter(|value| !value.is_empty()) else {
        return Ok(None);
    };
    let value = percent_decode(raw_value, MAX_AUTHORIZATION_HEADER_LEN).ok_or(
        UnauthorizedReason::InvalidCredential(CredentialError::TooLong(
            TokenSource::QueryParameter,
        )),
    )?;
    check_value(&value, TokenSource::QueryParameter)?;
    Ok(Some(value))
}

/// `bytes` split at each `separator` (as `slice::split` would), found with `memchr`: a query
/// or `Cookie` header that carries a 1.4 KB token is scanned in tens of nanoseconds, not a
/// byte at a time.
fn split_at_each(bytes: &[u8], separator: u8) -> impl Iterator<Item = &[u8]> {
    let mut start = 0;
    let ends = memchr::memchr_iter(separator, bytes).chain(std::iter::once(bytes.len()));
    ends.map(move |end| {
        let part = &bytes[start..end];
        start = end + 1;
        part
    })
}

/// The value of `%XX` at the start of `bytes`, if it is a valid escape.
fn escape_at(bytes: &[u8]) -> Option<u8> {
    match bytes {
        [b'%', high, low, ..] => {
            let digit = |byte: u8| char::from(byte).to_digit(16);
            let value = digit(*high)? * 16 + digit(*low)?;
            u8::try_from(value).ok()
        }
        _ => None,
    }
}

/// Calls `emit` with each byte `raw` decodes to (form-urlencoded rules), in order, stopping
/// early when `emit` returns `false`. Returns whether every byte was emitted.
fn decode_each(raw: &[u8], mut emit: impl FnMut(u8) -> bool) -> bool {
    let mut index = 0;
    while index < raw.len() {
        let (byte, width) = match raw[index] {
            b'+' => (b' ', 1),
            b'%' => match escape_at(&raw[index..]) {
                Some(byte) => (byte, 3),
                None => (b'%', 1),
            },
            byte => (byte, 1),
        };
        if !emit(byte) {
            return false;
        }
        index += width;
    }
    true
}

/// Whether `raw` decodes to exactly `expected`, without allocating.
fn decodes_to(raw: &[u8], expected: &[u8]) -> bool {
    let mut position = 0;
    let all = decode_each(raw, |byte| {
        let matches = expected.get(position) == Some(&byte);
        position += 1;
        matches
    });
    all && position == expected.len()
}

/// `raw` decoded; borrowed when it holds no escape and no `+`. `None` when the decoded
/// value is longer than `max_len`.
fn percent_decode(raw: &[u8], max_len: usize) -> Option<Cow<'_, [u8]>> {
    if memchr::memchr2(b'%', b'+', raw).is_none() {
        return (raw.len() <= max_len).then_some(Cow::Borrowed(raw));
    }
    let mut decoded = Vec::with_capacity(raw.len().min(max_len));
    let complete = decode_each(raw, |byte| {
        decoded.push(byte);
        decoded.len() <= max_len
    });
    complete.then_some(Cow::Owned(decoded))
}

/// The value of the first cookie called `name` in one `Cookie` header (`a=1; b="2"`), one
/// pair of surrounding double quotes removed. Empty values count as absent.
fn cookie_value<'a>(header: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    split_at_each(header, b';').find_map(|pair| {
        let pair = trim_cookie_whitespace(pair);
        let equals = memchr::memchr(b'=', pair)?;
        if trim_cookie_whitespace(&pair[..equals]) != name {
            return None;
        }
        let value = trim_cookie_whitespace(&pair[equals + 1..]);
        let value = match value {
            [b'"', inner @ .., b'"'] => inner,
            value => value,
        };
        (!value.is_empty()).then_some(value)
    })
}

/// `bytes` without leading and trailing spaces and tabs.
fn trim_cookie_whitespace(bytes: &[u8]) -> &[u8] {
    let is_whitespace = |byte: &u8| *byte == b' ' || *byte == b'\t';
    let start = bytes.iter().position(|byte| !is_whitespace(byte));
    let end = bytes.iter().rposition(|byte| !is_whitespace(byte));
    match (start, end) {
        (Some(start), Some(end)) => &bytes[start..=end],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(query: &str) -> Result<Option<Vec<u8>>, UnauthorizedReason> {
        query_parameter(query, "access_token").map(|value| value.map(Cow::into_owned))
    }

    #[test]
    fn queries_split_as_slice_split_would() {
        // Every string of `a` and `&` up to 8 bytes.
        for len in 0..=8 {
            for bits in 0u32..(1 << len) {
                let query: Vec<u8> = (0..len)
                    .map(|i| if bits >> i & 1 == 1 { b'&' } else { b'a' })
                    .collect();
                let expected: Vec<&[u8]> = query.split(|&byte| byte == b'&').collect();
                let ours: Vec<&[u8]> = split_at_each(&query, b'&').collect();
                assert_eq!(ours, expected, "{query:?}");
            }
        }
    }

    #[test]
    fn query_parameters_are_decoded_and_matched_by_decoded_name() {
        assert_eq!(query("access_token=a.b.c"), Ok(Some(b"a.b.c".to_vec())));
        assert_eq!(query("x=1&access_token=a%2Eb&y"), Ok(Some(b"a.b".to_vec())));
        assert_eq!(query("access%5Ftoken=abc"), Ok(Some(b"abc".to_vec())));
        assert_eq!(query("access_token=a%zzb"), Ok(Some(b"a%zzb".to_vec())));
        assert_eq!(query("access_token=ab%"), Ok(Some(b"ab%".to_vec())));
        assert_eq!(query("access_tokens=abc&xaccess_token=abc"), Ok(None));
        assert_eq!(query("access_token="), Ok(None));
        assert_eq!(query("access_token"), Ok(None));
        assert_eq!(query(""), Ok(None));
        assert_eq!(query("&&"), Ok(None));
    }

    #[test]
    fn decoded_query_values_must_look_like_a_token() {
        let invalid = |error| Err(UnauthorizedReason::InvalidCredential(error));
        let source = TokenSource::QueryParameter;
        assert_eq!(
            query("access_token=a+b"),
            invalid(CredentialError::InvalidCharacters(source))
        );
        assert_eq!(
            query("access_token=a%0Ab"),
            invalid(CredentialError::InvalidCharacters(source))
        );
        assert_eq!(
            query("access_token=%C3%A9"),
            invalid(CredentialError::InvalidCharacters(source))
        );
        assert_eq!(
            query("access_token=a&access_token=b"),
            invalid(CredentialError::Repeated(source))
        );
        assert_eq!(
            query("access_token=a&access%5Ftoken="),
            invalid(CredentialError::Repeated(source))
        );
    }

    #[test]
    fn the_decoded_length_is_bounded_exactly() {
        let at_bound = "a".repeat(MAX_AUTHORIZATION_HEADER_LEN);
        assert!(matches!(
            query(&format!("access_token={at_bound}")),
            Ok(Some(_))
        ));
        let encoded = "%61".repeat(MAX_AUTHORIZATION_HEADER_LEN);
        assert!(matches!(
            query(&format!("access_token={encoded}")),
            Ok(Some(_))
        ));
        let too_long = UnauthorizedReason::InvalidCredential(CredentialError::TooLong(
            TokenSource::QueryParameter,
        ));
        assert_eq!(
            query(&format!("access_token={at_bound}a")),
            Err(too_long.clone())
        );
        assert_eq!(query(&format!("access_token={encoded}%61")), Err(too_long));
    }

    #[test]
    fn cookies_are_split_trimmed_and_unquoted() {
        let value = |header: &[u8]| cookie_value(header, b"token").map(<[u8]>::to_vec);
        assert_eq!(value(b"token=abc"), Some(b"abc".to_vec()));
        assert_eq!(value(b"a=1; token=abc; b=2"), Some(b"abc".to_vec()));
        assert_eq!(value(b"a=1;token=abc"), Some(b"abc".to_vec()));
        assert_eq!(value(b"a=1; \ttoken = \"abc\" "), Some(b"abc".to_vec()));
        assert_eq!(value(b"token=first; token=second"), Some(b"first".to_vec()));
        assert_eq!(value(b"token=a=b"), Some(b"a=b".to_vec()));
        assert_eq!(value(b"Token=abc; tokens=abc; xtoken=abc"), None);
        assert_eq!(value(b"token=; token=\"\""), None);
        assert_eq!(value(b"token"), None);
        assert_eq!(value(b""), None);
        assert_eq!(value(b"token=\""), Some(b"\"".to_vec()));
    }

    #[test]
    fn named_values_must_be_visible_ascii_without_spaces() {
        for byte in 0..=u8::MAX {
            let expected = (0x21..=0x7e).contains(&byte);
            let outcome = check_value(&[b'a', byte, b'b'], TokenSource::Cookie);
            assert_eq!(outcome.is_ok(), expected, "{byte:#x}");
        }
    }

    #[test]
    fn trimming_handles_blank_and_empty_input() {
        assert_eq!(trim_cookie_whitespace(b"  \t "), b"");
        assert_eq!(trim_cookie_whitespace(b""), b"");
        assert_eq!(trim_cookie_whitespace(b" a b "), b"a b");
    }
}
