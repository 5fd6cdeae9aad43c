//! The library's error type: what every operation's `send()` returns.
//!
//! [`Error`] tells apart what the service said ([`ServiceError`]), what the network did
//! (with the `reqwest::Error` kept as the source), what the caller got wrong, and why a
//! token could not be obtained ([`AuthError`]). Nothing here depends on how a call is made.

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderMap;
use serde_json::Value;

/// Everything that can go wrong with a call.
///
/// | variant | when | what to do |
/// | --- | --- | --- |
/// | [`Service`](Error::Service) | the service answered with an error status (4xx/5xx) | look at [`code()`](Error::code) and [`message()`](Error::message); quote [`request_id()`](Error::request_id) to Huawei support; [`is_retryable()`](Error::is_retryable) says whether a repeat may succeed |
/// | [`Auth`](Error::Auth) | no access or meeting-control token could be obtained: credentials or host password rejected, or the token call failed | check the credentials (rejected), or the network ([`is_timeout()`](Error::is_timeout), [`is_connect()`](Error::is_connect)) |
/// | [`InvalidInput`](Error::InvalidInput) | a request value breaks a rule of the API; **nothing was sent** | fix the named field |
/// | [`Tls`](Error::Tls) | the TLS handshake failed: untrusted, expired or mismatched certificate (never retried: it cannot succeed) | trust the right CA (`ClientBuilder::add_root_certificate_pem`) or fix the endpoint |
/// | [`Redirected`](Error::Redirected) | the endpoint answered with a redirect (Huawei's API never does); nothing was sent to the other location | check the endpoint: it is not the service, or something in the path is rewriting it |
/// | [`ResponseTooLarge`](Error::ResponseTooLarge) | the answer's body exceeds the client's cap (`ClientBuilder::max_response_body`); at most the cap was read and the connection was dropped | check the endpoint; raise the cap only if a real answer needs it |
/// | [`Timeout`](Error::Timeout) | one attempt timed out (the call was not retried: it is not safe to repeat) | the call may or may not have taken effect: check before repeating |
/// | [`Transport`](Error::Transport) | the request could not be sent or the answer not read, without retries | see the `reqwest::Error` source; for an unsafe call, check before repeating |
/// | [`RetriesExhausted`](Error::RetriesExhausted) | every attempt of a retried call failed without an answer | the network or the endpoint is down; [`failures`](Error::RetriesExhausted::failures) has each attempt |
/// | [`Decode`](Error::Decode) | a success response whose body does not match the API | report it with the body snippet; the call did take effect |
/// | [`Config`](Error::Config) | the client is configured wrongly, or a meeting-control call was made without `client.conference(..)` | fix the configuration |
/// | [`UnexpectedResponse`](Error::UnexpectedResponse) | a status the API does not describe (1xx, 3xx) | report it with the request id |
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error status.
    Service(ServiceError),
    /// The client could not obtain an access or meeting-control token.
    Auth(AuthError),
    /// A request value breaks a rule of the API; nothing was sent.
    InvalidInput {
        /// The field, parameter or value at fault (a JSON path for body fields).
        field: String,
        /// The rule it breaks.
        reason: String,
    },
    /// The one attempt of the call timed out.
    Timeout(reqwest::Error),
    /// The TLS handshake failed (certificate not trusted, expired or for another name).
    Tls(reqwest::Error),
    /// The endpoint answered with a redirect, or (with a caller-supplied HTTP client that
    /// follows redirects) the answer came from another origin. Huawei's API never redirects;
    /// credentials are never sent to the other location by the client's own HTTP client.
    Redirected {
        /// HTTP status of the redirect (or of the answer from the other origin).
        status: u16,
        /// Where the endpoint pointed (the `Location` header, or the other origin's URL).
        location: Option<String>,
    },
    /// The answer's body is larger than the client's cap; the connection was dropped after
    /// reading at most the cap.
    ResponseTooLarge {
        /// HTTP status of the answer.
        status: u16,
        /// The cap in bytes (`ClientBuilder::max_response_body`).
        limit: usize,
    },
    /// The request could not be sent or the response not received.
    Transport(reqwest::Error),
    /// Every attempt of a retried call failed without an answer from the service.
    RetriesExhausted {
        /// Each attempt's failure, in order (the last one is the error's `source()`).
        failures: Vec<AttemptFailure>,
    },
    /// A success response whose body does not match the API's schema.
    Decode {
        /// The start of the body.
        snippet: String,
        /// Why it did not parse.
        source: serde_json::Error,
    },
    /// The client is configured wrongly (missing credentials, bad endpoint...).
    Config(String),
    /// The service answered in a way the API does not describe.
    UnexpectedResponse {
        /// HTTP status.
        status: u16,
        /// Request ID from the `X-Request-Id` header.
        request_id: Option<String>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(e) => write!(f, "{e}"),
            Error::Auth(e) => write!(f, "authentication failed: {e}"),
            // A parameter names itself with its quotes (query parameter `limit`).
            Error::InvalidInput { field, reason } if field.contains('`') => {
                write!(f, "invalid input: {field} {reason}")
            }
            Error::InvalidInput { field, reason } => write!(f, "invalid input: `{field}` {reason}"),
            Error::Timeout(e) => write!(f, "timed out: {}", chain(e)),
            Error::Tls(e) => write!(f, "TLS handshake failed (certificate): {}", chain(e)),
            Error::Redirected { status, location } => write!(
                f,
                "the endpoint redirected (HTTP {status}) to {}; not followed: the service never redirects",
                location.as_deref().unwrap_or("(no Location)")
            ),
            Error::ResponseTooLarge { status, limit } => write!(
                f,
                "the response body (HTTP {status}) exceeds the client's limit of {limit} bytes; connection dropped"
            ),
            Error::Transport(e) => write!(f, "transport error: {}", chain(e)),
            Error::RetriesExhausted { failures } => {
                write!(f, "{} attempts failed: ", failures.len())?;
                write_failures(f, failures)
            }
            Error::Decode { snippet, source } => write!(f, "invalid response body ({source}): {snippet}"),
            Error::Config(message) => write!(f, "configuration error: {message}"),
            Error::UnexpectedResponse { status, request_id } => {
                write!(f, "unexpected response: HTTP {status}")?;
                if let Some(id) = request_id {
                    write!(f, " [request id {id}]")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Timeout(e) | Error::Transport(e) => Some(e),
            Error::RetriesExhausted { failures } => failures
                .last()
                .and_then(AttemptFailure::transport_error)
                .map(|e| e as _),
            Error::Decode { source, .. } => Some(source),
            Error::Auth(AuthError::Failed(inner)) => Some(&**inner),
            _ => None,
        }
    }
}

/// Why the client could not obtain a token.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum AuthError {
    /// The service rejected the credentials or the host password (wrong key or password,
    /// expired signature...).
    Rejected(ServiceError),
    /// The token call failed (transport, timeout, gateway error, bad response); the cause is
    /// shared by every call that waited for that token.
    Failed(Arc<Error>),
    /// The token call succeeded but its answer held no usable token.
    InvalidToken {
        /// The token operation.
        operation: &'static str,
        /// What was wrong with the answer.
        reason: &'static str,
    },
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::Rejected(e) => write!(f, "{e}"),
            AuthError::Failed(e) => write!(f, "{e}"),
            AuthError::InvalidToken { operation, reason } => write!(f, "{operation}: {reason}"),
        }
    }
}

/// Why one attempt of a call failed.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum AttemptFailure {
    /// The service or its gateway answered with this status.
    Status {
        /// HTTP status.
        status: u16,
        /// Request ID from the `X-Request-Id` header.
        request_id: Option<String>,
    },
    /// No answer: the connection failed, timed out or broke.
    Transport(Arc<reqwest::Error>),
}

impl AttemptFailure {
    /// The transport error of this attempt.
    pub fn transport_error(&self) -> Option<&reqwest::Error> {
        match self {
            AttemptFailure::Transport(e) => Some(e),
            AttemptFailure::Status { .. } => None,
        }
    }

    /// Whether the attempt timed out.
    pub fn is_timeout(&self) -> bool {
        self.transport_error().is_some_and(reqwest::Error::is_timeout)
    }

    /// Whether the connection could not be established (refused, unreachable, TLS).
    pub fn is_connect(&self) -> bool {
        self.transport_error().is_some_and(reqwest::Error::is_connect)
    }
}

impl fmt::Display for AttemptFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttemptFailure::Status { status, .. } => write!(f, "HTTP {status}"),
            AttemptFailure::Transport(e) if e.is_timeout() => write!(f, "timed out: {}", chain(&**e)),
            AttemptFailure::Transport(e) if e.is_connect() => write!(f, "connection failed: {}", chain(&**e)),
            AttemptFailure::Transport(e) => write!(f, "transport error: {}", chain(&**e)),
        }
    }
}

/// `HTTP 503; timed out: ...`
fn write_failures(f: &mut fmt::Formatter<'_>, failures: &[AttemptFailure]) -> fmt::Result {
    for (i, failure) in failures.iter().enumerate() {
        if i > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{failure}")?;
    }
    Ok(())
}

/// An error answered by the service.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ServiceError {
    /// HTTP status.
    pub status: u16,
    /// The service's error code, when it sent one.
    pub code: Option<ErrorCode>,
    /// The service's message, or the start of a body that was not JSON.
    pub message: String,
    /// The request ID, from the body or the `X-Request-Id` header.
    pub request_id: Option<String>,
    /// Whether the body was JSON (a gateway HTML page or empty body is not).
    pub body_was_json: bool,
    /// Why the earlier attempts failed, when the call was retried (empty otherwise).
    pub earlier_attempts: Vec<AttemptFailure>,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if !self.body_was_json {
            f.write_str(" (body was not JSON)")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        if !self.earlier_attempts.is_empty() {
            write!(f, " after {} attempts (earlier: ", self.attempts())?;
            write_failures(f, &self.earlier_attempts)?;
            f.write_str(")")?;
        }
        Ok(())
    }
}

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, )*) => {
        /// An error code of the service. Known codes have a variant; any other is kept in
        /// [`ErrorCode::Other`].
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
            /// A code without a variant of its own.
            Other(String),
        }

        impl ErrorCode {
            /// Parses a code such as `MMC.111070005`.
            pub fn parse(code: &str) -> Self {
                match code {
                    $( $code => ErrorCode::$variant, )*
                    other => ErrorCode::Other(other.to_owned()),
                }
            }

            /// Whether the code says the token the call carried is invalid or expired.
            pub fn is_token_invalid(&self) -> bool {
                matches!(self, ErrorCode::TokenInvalid)
            }

            /// The code as the service writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( ErrorCode::$variant => $code, )*
                    ErrorCode::Other(code) => code,
                }
            }
        }
    };
}

error_codes! {
    /// `MMC.111070005`: the meeting does not exist (HTTP 400).
    MeetingNotFound = "MMC.111070005",
    /// `MMC.111072005`: the meeting has not started or has already ended.
    MeetingNotInProgress = "MMC.111072005",
    /// `MMC.111072006`: the meeting has ended.
    MeetingEnded = "MMC.111072006",
    /// `MMC.111072065`: meeting not found or wrong password.
    MeetingNotFoundOrAuthFailed = "MMC.111072065",
    /// `MMC.111070001`: bad request.
    BadRequest = "MMC.111070001",
    /// `MMC.118000001`: the user token was rejected by meeting management.
    UserTokenAuthFailed = "MMC.118000001",
    /// `USG.000000004`: the access token is invalid or expired.
    TokenInvalid = "USG.000000004",
    /// `USG.206010000`: wrong user name or password.
    WrongCredentials = "USG.206010000",
    /// `USG.206010057`: the App ID authentication expired.
    AppIdAuthExpired = "USG.206010057",
    /// `USG.201040000`: the user does not exist.
    UserNotFound = "USG.201040000",
    /// `100000429`: server flow control.
    FlowControl = "100000429",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ServiceError {
    /// Reads an error response of the service: its status, headers and raw body, in any
    /// of the shapes the service and its gateway use (JSON with `error_code`/`error_msg`,
    /// `errorCode`/`errorMsg` or `code`/`message`, nested or not; HTML; empty).
    pub fn from_response_parts(status: u16, headers: &HeaderMap, body: &[u8]) -> Self {
        let header_id = request_id_header(headers);
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            return ServiceError {
                status,
                code: None,
                message: snippet(body),
                request_id: header_id,
                body_was_json: false,
                earlier_attempts: Vec::new(),
            };
        };
        let (code, message) = find_code_and_message(&value, 0).unwrap_or((None, None));
        ServiceError {
            status,
            code: code.filter(|c| !c.is_empty()).map(|c| ErrorCode::parse(&c)),
            message: message.unwrap_or_else(|| snippet(body)),
            request_id: find_string(&value, &["request_id", "requestId"], 0).or(header_id),
            body_was_json: true,
            earlier_attempts: Vec::new(),
        }
    }

    /// Attempts made (more than one when the call was retried).
    pub fn attempts(&self) -> u32 {
        self.earlier_attempts.len() as u32 + 1
    }

    /// Whether the service said the meeting does not exist.
    pub fn is_not_found(&self) -> bool {
        self.status == 404 || matches!(self.code, Some(ErrorCode::MeetingNotFound))
    }

    /// Whether the service rejected the caller's identity or token.
    pub fn is_auth(&self) -> bool {
        matches!(self.status, 401 | 412 | 423)
            || matches!(
                self.code,
                Some(
                    ErrorCode::TokenInvalid
                        | ErrorCode::WrongCredentials
                        | ErrorCode::AppIdAuthExpired
                        | ErrorCode::UserTokenAuthFailed
                )
            )
    }

    /// Whether the service rejected the token the call carried (so a new one may succeed).
    pub fn is_token_rejected(&self) -> bool {
        self.status == 401 || self.code.as_ref().is_some_and(ErrorCode::is_token_invalid)
    }

    /// Whether the service asked the caller to slow down.
    pub fn is_rate_limited(&self) -> bool {
        self.status == 429 || matches!(self.code, Some(ErrorCode::FlowControl))
    }

    /// Whether repeating the call may succeed (rate limits and gateway errors).
    pub fn is_retryable(&self) -> bool {
        self.is_rate_limited() || matches!(self.status, 502..=504)
    }
}

const ERROR_KEYS: &[(&str, &str)] = &[
    ("error_code", "error_msg"),
    ("errorCode", "errorMsg"),
    ("code", "message"),
];
const MAX_DEPTH: usize = 8;

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn find_code_and_message(value: &Value, depth: usize) -> Option<(Option<String>, Option<String>)> {
    let map = value.as_object().filter(|_| depth < MAX_DEPTH)?;
    for (code_key, message_key) in ERROR_KEYS {
        if let Some(code) = map.get(*code_key).and_then(scalar) {
            return Some((Some(code), map.get(*message_key).and_then(scalar)));
        }
    }
    map.values().find_map(|child| find_code_and_message(child, depth + 1))
}

fn find_string(value: &Value, keys: &[&str], depth: usize) -> Option<String> {
    let map = value.as_object().filter(|_| depth < MAX_DEPTH)?;
    keys.iter()
        .find_map(|k| map.get(*k).and_then(scalar))
        .or_else(|| map.values().find_map(|child| find_string(child, keys, depth + 1)))
}

pub(crate) fn request_id_header(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

impl Error {
    /// What actually went wrong: for a failed token call, that call's own error (so every
    /// accessor below reads a token call's failure as the call's).
    fn root(&self) -> &Error {
        match self {
            Error::Auth(AuthError::Failed(inner)) => inner.root(),
            other => other,
        }
    }

    /// The service's error, when the service answered with one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self.root() {
            Error::Service(e) | Error::Auth(AuthError::Rejected(e)) => Some(e),
            _ => None,
        }
    }

    /// HTTP status of the service's answer.
    pub fn status(&self) -> Option<u16> {
        match self.root() {
            Error::UnexpectedResponse { status, .. }
            | Error::Redirected { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => self.service_error().map(|e| e.status),
        }
    }

    /// The service's error code.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.service_error().and_then(|e| e.code.as_ref())
    }

    /// The service's message.
    pub fn message(&self) -> Option<&str> {
        self.service_error().map(|e| e.message.as_str())
    }

    /// The request ID the service gave this call.
    pub fn request_id(&self) -> Option<&str> {
        match self.root() {
            Error::UnexpectedResponse { request_id, .. } => request_id.as_deref(),
            _ => self.service_error().and_then(|e| e.request_id.as_deref()),
        }
    }

    /// The transport error behind this error, if any (also when obtaining a token failed, and
    /// the last attempt's when retries were exhausted).
    pub fn transport_error(&self) -> Option<&reqwest::Error> {
        match self.root() {
            Error::Timeout(e) | Error::Transport(e) | Error::Tls(e) => Some(e),
            Error::RetriesExhausted { failures } => failures.last().and_then(AttemptFailure::transport_error),
            _ => None,
        }
    }

    /// Whether the meeting does not exist.
    pub fn is_not_found(&self) -> bool {
        self.service_error().is_some_and(ServiceError::is_not_found)
    }

    /// Whether the caller's identity, credentials or token were rejected.
    pub fn is_auth(&self) -> bool {
        matches!(self, Error::Auth(_)) || self.service_error().is_some_and(ServiceError::is_auth)
    }

    /// Whether the service asked the caller to slow down.
    pub fn is_rate_limited(&self) -> bool {
        self.service_error().is_some_and(ServiceError::is_rate_limited)
    }

    /// Whether repeating the same call later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self.root() {
            Error::Timeout(_) | Error::RetriesExhausted { .. } => true,
            Error::Transport(e) => e.is_connect() || e.is_timeout() || e.is_request(),
            _ => self.service_error().is_some_and(ServiceError::is_retryable),
        }
    }

    /// Whether the call (or the token call it needed) timed out.
    pub fn is_timeout(&self) -> bool {
        self.transport_error().is_some_and(reqwest::Error::is_timeout)
    }

    /// Whether no connection could be established (refused, unreachable host), for the call
    /// or the token call it needed.
    pub fn is_connect(&self) -> bool {
        self.transport_error().is_some_and(reqwest::Error::is_connect)
    }

    /// Whether the TLS handshake failed (for the call or the token call it needed).
    pub fn is_tls(&self) -> bool {
        matches!(self.root(), Error::Tls(_))
    }

    /// A request value at fault; nothing was sent.
    pub(crate) fn invalid_input(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// A transport failure of a single attempt: a timeout, a TLS handshake failure or another
    /// transport error.
    pub(crate) fn from_transport(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            Error::Timeout(error)
        } else if is_tls_handshake_failure(&error) {
            Error::Tls(error)
        } else {
            Error::Transport(error)
        }
    }
}

/// Whether a transport error is a failed TLS handshake (a certificate the client does not
/// trust, an expired one, one for another name...), which no repeat can fix. rustls's error
/// sits inside an `io::Error` in the chain (`get_ref`, not `source`).
pub(crate) fn is_tls_handshake_failure(error: &reqwest::Error) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if is_tls_error(e) {
            return true;
        }
        current = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    false
}

#[cfg(feature = "rustls")]
fn is_tls_error(error: &(dyn std::error::Error + 'static)) -> bool {
    error.downcast_ref::<rustls::Error>().is_some()
}

#[cfg(not(feature = "rustls"))]
fn is_tls_error(error: &(dyn std::error::Error + 'static)) -> bool {
    // native-tls reports handshake failures as text only.
    let text = error.to_string().to_ascii_lowercase();
    text.contains("certificate") || text.contains("handshake")
}

/// An error and its causes, `outer: inner: innermost`.
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// At most 512 bytes of a body as text (invalid UTF-8 replaced), cut on a character boundary.
pub(crate) fn snippet(bytes: &[u8]) -> String {
    const LIMIT: usize = 512;
    let mut text = String::from_utf8_lossy(&bytes[..bytes.len().min(LIMIT)]).into_owned();
    if text.len() > LIMIT {
        let cut = (0..=LIMIT).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        text.truncate(cut);
    }
    if bytes.len() > LIMIT {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn known_and_unknown_codes_round_trip() {
        assert_eq!(ErrorCode::parse("MMC.111070005"), ErrorCode::MeetingNotFound);
        assert_eq!(ErrorCode::parse("USG.000000004").as_str(), "USG.000000004");
        assert_eq!(ErrorCode::parse("MMC.999"), ErrorCode::Other("MMC.999".into()));
        assert_eq!(ErrorCode::parse("MMC.999").to_string(), "MMC.999");
    }

    #[test]
    fn error_bodies_of_every_shape_are_read() {
        let headers = HeaderMap::new();
        let e = ServiceError::from_response_parts(
            400,
            &headers,
            br#"{"error_code":"MMC.111070005","error_msg":"CONF_DATA_NOT_FOUND"}"#,
        );
        assert_eq!(
            (e.code, e.message.as_str(), e.body_was_json),
            (Some(ErrorCode::MeetingNotFound), "CONF_DATA_NOT_FOUND", true)
        );
        let e = ServiceError::from_response_parts(
            400,
            &headers,
            br#"{"errorCode":"USG.1","errorMsg":"m","requestId":"r1"}"#,
        );
        assert_eq!(
            (e.code.as_ref().map(ErrorCode::as_str), e.request_id.as_deref()),
            (Some("USG.1"), Some("r1"))
        );
        let e = ServiceError::from_response_parts(429, &headers, br#"{"error":{"code":429,"message":"slow down"}}"#);
        assert_eq!(
            (e.code.as_ref().map(ErrorCode::as_str), e.message.as_str()),
            (Some("429"), "slow down")
        );
        let mut with_id = HeaderMap::new();
        with_id.insert("x-request-id", HeaderValue::from_static("abc"));
        let e = ServiceError::from_response_parts(502, &with_id, b"<html>502 Bad Gateway</html>");
        assert_eq!(
            (e.code, e.message.as_str(), e.request_id.as_deref(), e.body_was_json),
            (None, "<html>502 Bad Gateway</html>", Some("abc"), false)
        );
        let e = ServiceError::from_response_parts(500, &headers, b"");
        assert_eq!((e.message.as_str(), e.body_was_json), ("", false));
    }

    #[test]
    fn a_failed_token_call_is_read_through_to_its_cause() {
        let cause = Error::UnexpectedResponse {
            status: 302,
            request_id: Some("r-token".into()),
        };
        let error = Error::Auth(AuthError::Failed(Arc::new(cause)));
        assert_eq!(
            (error.status(), error.request_id(), error.is_auth()),
            (Some(302), Some("r-token"), true)
        );
        let service =
            ServiceError::from_response_parts(503, &HeaderMap::new(), br#"{"error_code":"MMC.1","error_msg":"busy"}"#);
        let error = Error::Auth(AuthError::Failed(Arc::new(Error::Service(service))));
        assert_eq!(
            (error.code().map(ErrorCode::as_str), error.message(), error.status()),
            (Some("MMC.1"), Some("busy"), Some(503))
        );
    }

    #[test]
    fn snippet_is_bounded_and_utf8_safe() {
        let body = "é".repeat(1000);
        let s = snippet(body.as_bytes());
        assert!(s.len() <= 512 + "…".len());
        assert!(s.ends_with('…'));
    }
}
