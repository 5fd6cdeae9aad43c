//! The library's error type.
//!
//! Every operation returns progenitor's `Error<types::ErrorResponse>`; `?` converts it into
//! [`Error`], which tells apart what the service said, what the network did and what the
//! caller got wrong.

use std::fmt;

use reqwest::header::HeaderMap;

use crate::types::ErrorResponse;

/// Header set by the client on responses it synthesised or normalised (see `client.rs`).
pub(crate) const MARKER_HEADER: &str = "x-huaweicloud-meeting";
/// Marker values.
pub(crate) const MARK_NOT_JSON: &str = "body-not-json";
pub(crate) const MARK_AUTH_REJECTED: &str = "auth-rejected";
pub(crate) const MARK_AUTH_UNREACHABLE: &str = "auth-unreachable";
pub(crate) const MARK_RETRIES_EXHAUSTED: &str = "retries-exhausted";
/// Prefix of `Error::Custom` messages produced by the client's own checks.
pub(crate) const INVALID_INPUT_PREFIX: &str = "invalid input: ";
pub(crate) const CONFIG_PREFIX: &str = "configuration: ";

/// Everything that can go wrong with a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with an error status.
    #[error("{0}")]
    Service(ServiceError),
    /// The client could not obtain an access or meeting-control token.
    #[error("authentication failed: {0}")]
    Auth(AuthError),
    /// A request value breaks a rule of the API; nothing was sent.
    #[error("invalid input: `{field}` {reason}")]
    InvalidInput {
        /// The field, parameter or value at fault (a JSON path for body fields).
        field: String,
        /// The rule it breaks.
        reason: String,
    },
    /// The call did not complete within its timeout.
    #[error("timed out: {}", chain(.0))]
    Timeout(#[source] reqwest::Error),
    /// The request could not be sent or the response not received.
    #[error("transport error: {}", chain(.0))]
    Transport(#[source] reqwest::Error),
    /// Every attempt of a retried call failed without an answer from the service.
    #[error("{attempts} attempts failed: {}", failures.join(" | "))]
    RetriesExhausted {
        /// Attempts made.
        attempts: u32,
        /// Why each attempt failed, in order.
        failures: Vec<String>,
    },
    /// A success response whose body does not match the API's schema.
    #[error("invalid response body ({source}): {snippet}")]
    Decode {
        /// The start of the body.
        snippet: String,
        /// Why it did not parse.
        #[source]
        source: serde_json::Error,
    },
    /// The client is configured wrongly (missing credentials, bad endpoint...).
    #[error("configuration error: {0}")]
    Config(String),
    /// The service answered in a way the API does not describe.
    #[error("unexpected response: HTTP {status}")]
    UnexpectedResponse {
        /// HTTP status.
        status: u16,
        /// Request ID from the `X-Request-Id` header.
        request_id: Option<String>,
    },
}

/// Why the client could not authenticate.
#[derive(Debug)]
#[non_exhaustive]
pub enum AuthError {
    /// The service rejected the credentials (wrong key or password, expired signature...).
    Rejected(ServiceError),
    /// The authentication request itself failed (network, timeout, bad response).
    Unreachable(String),
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::Rejected(e) => write!(f, "{e}"),
            AuthError::Unreachable(m) => f.write_str(m),
        }
    }
}

/// An error answered by the service.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceError {
    /// Attempts made (more than one when the call was retried).
    pub attempts: u32,
    /// Why the earlier attempts failed, when the call was retried.
    pub earlier_failures: Vec<String>,
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
        if self.attempts > 1 {
            write!(
                f,
                " after {} attempts (earlier: {})",
                self.attempts,
                self.earlier_failures.join(" | ")
            )?;
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
        let mut error = Self::from_parts(status, headers, &crate::client::parse_error_body(body, headers));
        error.body_was_json = serde_json::from_slice::<serde_json::Value>(body).is_ok();
        error
    }

    pub(crate) fn from_parts(status: u16, headers: &HeaderMap, body: &ErrorResponse) -> Self {
        let body_was_json = headers.get(MARKER_HEADER).is_none_or(|v| v != MARK_NOT_JSON);
        let (attempts, earlier_failures) = attempts_header(headers);
        ServiceError {
            attempts,
            earlier_failures,
            status,
            code: body
                .error_code
                .as_deref()
                .filter(|c| !c.is_empty())
                .map(ErrorCode::parse),
            message: body.error_msg.clone().unwrap_or_default(),
            request_id: body.request_id.clone().or_else(|| request_id_header(headers)),
            body_was_json,
        }
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

    /// Whether the service asked the caller to slow down.
    pub fn is_rate_limited(&self) -> bool {
        self.status == 429 || matches!(self.code, Some(ErrorCode::FlowControl))
    }

    /// Whether repeating the call may succeed (rate limits and gateway errors).
    pub fn is_retryable(&self) -> bool {
        self.is_rate_limited() || matches!(self.status, 502..=504)
    }
}

/// `3; earlier attempts: HTTP 503 | HTTP 503` -> (3, [HTTP 503, HTTP 503]).
fn attempts_header(headers: &HeaderMap) -> (u32, Vec<String>) {
    let Some(value) = headers.get(crate::retry::ATTEMPTS_HEADER).and_then(|v| v.to_str().ok()) else {
        return (1, Vec::new());
    };
    let (count, rest) = value.split_once(';').unwrap_or((value, ""));
    let failures = rest
        .trim()
        .trim_start_matches("earlier attempts:")
        .split(" | ")
        .map(|f| f.trim().to_owned())
        .filter(|f| !f.is_empty())
        .collect();
    (count.trim().parse().unwrap_or(1), failures)
}

pub(crate) fn request_id_header(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

impl Error {
    /// The service's error, when the service answered with one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) | Error::Auth(AuthError::Rejected(e)) => Some(e),
            _ => None,
        }
    }

    /// HTTP status of the service's answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::UnexpectedResponse { status, .. } => Some(*status),
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
        match self {
            Error::UnexpectedResponse { request_id, .. } => request_id.as_deref(),
            _ => self.service_error().and_then(|e| e.request_id.as_deref()),
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
        match self {
            Error::Timeout(_) => true,
            Error::Transport(e) => e.is_connect() || e.is_timeout() || e.is_request(),
            Error::Auth(AuthError::Unreachable(_)) | Error::RetriesExhausted { .. } => true,
            _ => self.service_error().is_some_and(ServiceError::is_retryable),
        }
    }

    /// Whether the error is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }
}

/// Maps progenitor's error (what every generated `send()` returns) to [`Error`].
impl From<progenitor_client::Error<ErrorResponse>> for Error {
    fn from(error: progenitor_client::Error<ErrorResponse>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::ErrorResponse(response) => {
                let service = ServiceError::from_parts(response.status().as_u16(), response.headers(), &response);
                match response.headers().get(MARKER_HEADER).and_then(|v| v.to_str().ok()) {
                    Some(MARK_AUTH_REJECTED) => Error::Auth(AuthError::Rejected(service)),
                    Some(MARK_AUTH_UNREACHABLE) => Error::Auth(AuthError::Unreachable(service.message)),
                    Some(MARK_RETRIES_EXHAUSTED) => {
                        let mut failures = service.earlier_failures;
                        failures.push(service.message);
                        Error::RetriesExhausted {
                            attempts: service.attempts,
                            failures,
                        }
                    }
                    _ => Error::Service(service),
                }
            }
            P::InvalidRequest(message) => invalid_builder_input(&message),
            P::CommunicationError(e) | P::ResponseBodyError(e) | P::InvalidUpgrade(e) => transport(e),
            P::InvalidResponsePayload(bytes, source) => Error::Decode {
                snippet: snippet(&bytes),
                source,
            },
            P::UnexpectedResponse(response) => Error::UnexpectedResponse {
                status: response.status().as_u16(),
                request_id: request_id_header(response.headers()),
            },
            P::Custom(message) => custom(message),
        }
    }
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

fn transport(error: reqwest::Error) -> Error {
    if error.is_timeout() {
        Error::Timeout(error)
    } else {
        Error::Transport(error)
    }
}

/// Errors of the hooks travel through progenitor as `Error::Custom(String)`.
fn custom(message: String) -> Error {
    if let Some(rest) = message.strip_prefix(INVALID_INPUT_PREFIX) {
        let (field, reason) = rest.split_once(": ").unwrap_or(("request", rest));
        Error::InvalidInput {
            field: field.to_owned(),
            reason: reason.to_owned(),
        }
    } else if let Some(rest) = message.strip_prefix(CONFIG_PREFIX) {
        Error::Config(rest.to_owned())
    } else {
        Error::Config(message)
    }
}

/// progenitor's builders report `X was not initialized`, `no value supplied for X` or
/// `conversion to T for X failed`; keep the field name apart.
fn invalid_builder_input(message: &str) -> Error {
    let field_and_reason = if let Some(field) = message.strip_suffix(" was not initialized") {
        Some((field, "is required but was not set".to_owned()))
    } else if let Some((_, field)) = message.split_once("no value supplied for ") {
        Some((field, "is required but was not set".to_owned()))
    } else if let Some((_, rest)) = message.split_once(" for ") {
        rest.split_once(" failed")
            .map(|(field, tail)| (field, format!("has an invalid value{tail}")))
    } else {
        None
    };
    match field_and_reason {
        Some((field, reason)) => Error::InvalidInput {
            field: field.to_owned(),
            reason,
        },
        None => Error::InvalidInput {
            field: "request".into(),
            reason: message.to_owned(),
        },
    }
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

    #[test]
    fn known_and_unknown_codes_round_trip() {
        assert_eq!(ErrorCode::parse("MMC.111070005"), ErrorCode::MeetingNotFound);
        assert_eq!(ErrorCode::parse("USG.000000004").as_str(), "USG.000000004");
        assert_eq!(ErrorCode::parse("MMC.999"), ErrorCode::Other("MMC.999".into()));
        assert_eq!(ErrorCode::parse("MMC.999").to_string(), "MMC.999");
    }

    #[test]
    fn builder_messages_name_the_field() {
        let Error::InvalidInput { field, reason } = invalid_builder_input("conference_id was not initialized") else {
            panic!()
        };
        assert_eq!(
            (field.as_str(), reason.as_str()),
            ("conference_id", "is required but was not set")
        );
        let Error::InvalidInput { field, .. } = invalid_builder_input(
            "conversion to `RestScheduleConfDto` for body failed: no value supplied for media_types",
        ) else {
            panic!()
        };
        assert_eq!(field, "media_types");
    }

    #[test]
    fn snippet_is_bounded_and_utf8_safe() {
        let body = "é".repeat(1000);
        let s = snippet(body.as_bytes());
        assert!(s.len() <= 512 + "…".len());
        assert!(s.ends_with('…'));
    }
}
