//! The library's error type: what every operation's `send()` returns.
//!
//! [`Error`]'s variants follow the phase a call failed in: the caller's input, the
//! configuration, the token call ([`TokenError`]), the dispatch ([`DispatchError`], with the
//! `reqwest::Error` kept as the source), the service's answer ([`ServiceError`]), decoding.
//! [`ErrorKind`] says what a failure means, computed in [`Error::kind`] alone; the accessors
//! (`is_auth()`, `is_retryable()`...) read it. Nothing here depends on how a call is made.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

mod dispatch;
mod service;

pub(crate) use dispatch::is_tls_handshake_failure;
pub use dispatch::{AttemptFailure, DispatchError};
pub(crate) use service::request_id_header;
pub use service::{ErrorCode, ServiceError};

/// Everything that can go wrong with a call. The variant says where the call failed; its
/// [`kind()`](Error::kind) says what the failure means, whatever the phase it arrived in.
///
/// | variant | when | what to do |
/// | --- | --- | --- |
/// | [`InvalidInput`](Error::InvalidInput) | a request value breaks a rule of the API; **nothing was sent** | fix the named field |
/// | [`Config`](Error::Config) | the client is configured wrongly, or (through [`Client::call`](crate::Client::call)) a meeting-control call was made without `client.conference(..)` | fix the configuration |
/// | [`Token`](Error::Token) | the call needed a token (access or meeting-control) and the token call failed; nothing else was sent | [`kind()`](Error::kind) says why: credentials or host password rejected, the meeting's state, the network... |
/// | [`Dispatch`](Error::Dispatch) | no usable answer: no connection, a timeout, a TLS handshake failure, a redirect (never followed), an oversized body, or every retried attempt failed so | the network or the endpoint; [`DispatchError`] has each attempt |
/// | [`Service`](Error::Service) | the service answered with an error status (4xx/5xx) | look at [`code()`](Error::code) and [`message()`](Error::message); quote [`request_id()`](Error::request_id) to Huawei support; [`is_retryable()`](Error::is_retryable) says whether a repeat may succeed |
/// | [`Decode`](Error::Decode) | a success answer whose body does not match the API | report it with the body snippet; the call did take effect |
///
/// What each failure means ([`ErrorKind`]), and the accessors built on it, are computed in
/// [`Error::kind`] and [`ServiceError::kind`] alone.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A request value breaks a rule of the API; nothing was sent.
    #[error("invalid input: {} {reason}", quoted(.field))]
    InvalidInput {
        /// The field, parameter or value at fault (a JSON path for body fields).
        field: String,
        /// The rule it breaks.
        reason: String,
    },
    /// The client is configured wrongly (missing credentials, bad endpoint, wrong handle...).
    #[error("configuration error: {0}")]
    Config(String),
    /// The call needed a token and the token call failed; the call itself was not sent.
    #[error(transparent)]
    Token(#[from] TokenError),
    /// No usable answer came back.
    #[error(transparent)]
    Dispatch(#[from] DispatchError),
    /// The service answered with an error status.
    #[error(transparent)]
    Service(#[from] ServiceError),
    /// A success answer whose body does not match the API's schema.
    #[error("invalid response body ({source}){}", after_colon(.snippet))]
    Decode {
        /// The start of the body.
        snippet: String,
        /// Why it did not parse.
        source: serde_json::Error,
    },
}

/// What a failure means, whatever the phase of the call it arrived in (see [`Error::kind`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A request value breaks a rule of the API; nothing was sent.
    InvalidInput,
    /// The client is configured wrongly, or the call was made on the wrong handle.
    Config,
    /// The service refused the identity, the credentials, the host password or the token.
    CredentialsRejected,
    /// What the call names does not exist (the meeting, for most operations).
    NotFound,
    /// The meeting is not in a state that allows the call (not started, already ended).
    MeetingState,
    /// The service asked the caller to slow down.
    Throttled,
    /// The service refused the request for another reason (a 4xx answer).
    Refused,
    /// The service or its gateway is unavailable (HTTP 502, 503, 504).
    Unavailable,
    /// The service failed (another 5xx answer).
    ServerError,
    /// No connection could be established (refused, unreachable host).
    Connect,
    /// An attempt timed out.
    Timeout,
    /// The TLS handshake failed (certificate not trusted, expired or for another name).
    Tls,
    /// The connection broke, or the request could not be sent or the answer not read.
    Transport,
    /// The endpoint redirected; the redirect was not followed.
    Redirected,
    /// The answer's body exceeded the client's cap.
    ResponseTooLarge,
    /// A success answer did not match the API.
    Decode,
}

fn quoted(field: &str) -> Cow<'_, str> {
    // A parameter names itself with its quotes (query parameter `limit`).
    if field.contains('`') {
        Cow::Borrowed(field)
    } else {
        Cow::Owned(format!("`{field}`"))
    }
}

fn after_colon(snippet: &str) -> String {
    if snippet.is_empty() {
        String::new()
    } else {
        format!(": {snippet}")
    }
}

/// A token call that failed: the call that needed the token was not sent.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TokenError {
    /// The token operation (`create_app_id_token`, `create_token`, `create_conf_token`).
    pub operation: &'static str,
    /// Why it failed, shared by every call that waited for that token.
    pub cause: Arc<Error>,
}

impl TokenError {
    pub(crate) fn new(operation: &'static str, cause: Error) -> Self {
        TokenError {
            operation,
            cause: Arc::new(cause),
        }
    }

    /// What the failure means. A token call's purpose is to check credentials: a refusal
    /// that says nothing more specific means they were rejected; an answer about the
    /// meeting (its state, that it does not exist) keeps its meaning.
    pub fn kind(&self) -> ErrorKind {
        match self.cause.kind() {
            ErrorKind::Refused => ErrorKind::CredentialsRejected,
            other => other,
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "obtaining a token ({}) failed: {}", self.operation, self.cause)
    }
}

impl std::error::Error for TokenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.cause)
    }
}
impl Error {
    /// What the failure means, whatever the phase it arrived in: an answer about the
    /// meeting's state is [`ErrorKind::MeetingState`] also when it answered the token call.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput { .. } => ErrorKind::InvalidInput,
            Error::Config(_) => ErrorKind::Config,
            Error::Token(e) => e.kind(),
            Error::Dispatch(e) => e.kind(),
            Error::Service(e) => e.kind(),
            Error::Decode { .. } => ErrorKind::Decode,
        }
    }

    /// What actually went wrong: for a failed token call, that call's own error (so every
    /// accessor below reads a token call's failure as the call's).
    fn root(&self) -> &Error {
        match self {
            Error::Token(e) => e.cause.root(),
            other => other,
        }
    }

    /// The service's error, when the service answered with one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self.root() {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// HTTP status of the service's answer.
    pub fn status(&self) -> Option<u16> {
        match self.root() {
            Error::Dispatch(
                DispatchError::Redirected { status, .. } | DispatchError::ResponseTooLarge { status, .. },
            ) => Some(*status),
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
        self.service_error().and_then(|e| e.request_id.as_deref())
    }

    /// The transport error behind this error, if any (also when obtaining a token failed, and
    /// the last attempt's when the call was retried).
    pub fn transport_error(&self) -> Option<&reqwest::Error> {
        match self.root() {
            Error::Dispatch(DispatchError::NoAnswer { source, .. }) => Some(source),
            _ => None,
        }
    }

    /// Whether what the call names (the meeting, for most operations) does not exist.
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }

    /// Whether the service refused the caller's identity, credentials, host password or
    /// token ([`ErrorKind::CredentialsRejected`]). Nothing else is: not an answer about the
    /// meeting (its state, that it does not exist) even when it answered the token call, and
    /// not a token call that got no answer ([`is_connect()`](Error::is_connect),
    /// [`is_timeout()`](Error::is_timeout) say so; the variant [`Error::Token`] says the token
    /// call was where it failed).
    pub fn is_auth(&self) -> bool {
        self.kind() == ErrorKind::CredentialsRejected
    }

    /// Whether the service asked the caller to slow down.
    pub fn is_rate_limited(&self) -> bool {
        self.kind() == ErrorKind::Throttled
    }

    /// Whether repeating the same call later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self.kind() {
            ErrorKind::Timeout | ErrorKind::Connect | ErrorKind::Throttled | ErrorKind::Unavailable => true,
            ErrorKind::Transport => match self.root() {
                Error::Dispatch(DispatchError::NoAnswer {
                    source,
                    earlier_attempts,
                }) => source.is_request() || !earlier_attempts.is_empty(),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether the call (or the token call it needed) timed out.
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }

    /// Whether no connection could be established (refused, unreachable host, TLS handshake
    /// failed), for the call or the token call it needed.
    pub fn is_connect(&self) -> bool {
        matches!(self.kind(), ErrorKind::Connect | ErrorKind::Tls)
    }

    /// Whether the TLS handshake failed (for the call or the token call it needed).
    pub fn is_tls(&self) -> bool {
        self.kind() == ErrorKind::Tls
    }

    /// A request value at fault; nothing was sent.
    pub(crate) fn invalid_input(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// A transport failure of a single attempt, without retries.
    pub(crate) fn from_transport(error: reqwest::Error) -> Self {
        Error::Dispatch(DispatchError::NoAnswer {
            source: error,
            earlier_attempts: Vec::new(),
        })
    }
}

/// A request reqwest could not build: a query value that does not serialize.
pub(crate) fn unbuildable(error: reqwest::Error) -> Error {
    Error::invalid_input("request", chain(&error))
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
    use reqwest::header::HeaderMap;

    #[test]
    fn a_failed_token_call_is_read_through_to_its_cause() {
        let cause = Error::Dispatch(DispatchError::Redirected {
            status: 302,
            location: None,
        });
        let error = Error::Token(TokenError::new("create_token", cause));
        assert_eq!(
            (error.status(), error.kind(), error.is_auth()),
            (Some(302), ErrorKind::Redirected, false)
        );
        let service = ServiceError::from_response_parts(
            503,
            &HeaderMap::new(),
            br#"{"error_code":"MMC.1","error_msg":"busy","request_id":"r-token"}"#,
        );
        let error = Error::Token(TokenError::new("create_token", Error::Service(service)));
        assert_eq!(
            (error.code().map(ErrorCode::as_str), error.message(), error.status()),
            (Some("MMC.1"), Some("busy"), Some(503))
        );
        assert_eq!((error.request_id(), error.is_retryable()), (Some("r-token"), true));
    }

    fn answer(status: u16, code: &str) -> ServiceError {
        let body = format!(r#"{{"error_code":"{code}","error_msg":"m"}}"#);
        ServiceError::from_response_parts(status, &HeaderMap::new(), body.as_bytes())
    }

    #[test]
    fn answers_are_classified_by_meaning_whatever_the_phase() {
        let state = || Error::Service(answer(400, "MMC.111072005"));
        let during_token = Error::Token(TokenError::new("create_conf_token", state()));
        for error in [state(), during_token] {
            assert_eq!(error.kind(), ErrorKind::MeetingState, "{error}");
            assert!(!error.is_auth() && !error.is_retryable(), "{error}");
        }
        // A refusal of a token call that says nothing more means the credentials.
        let refused = Error::Token(TokenError::new(
            "create_token",
            Error::Service(answer(400, "USG.206010007")),
        ));
        assert_eq!(refused.kind(), ErrorKind::CredentialsRejected);
        assert!(refused.is_auth());
        // The same refusal of an ordinary call is just a refusal.
        assert_eq!(Error::Service(answer(400, "USG.206010007")).kind(), ErrorKind::Refused);
        let cases = [
            (400, "MMC.111070005", ErrorKind::NotFound),
            (404, "X.1", ErrorKind::NotFound),
            (400, "USG.000000004", ErrorKind::CredentialsRejected),
            (401, "X.1", ErrorKind::CredentialsRejected),
            (400, "100000429", ErrorKind::Throttled),
            (429, "X.1", ErrorKind::Throttled),
            (503, "X.1", ErrorKind::Unavailable),
            (500, "X.1", ErrorKind::ServerError),
            (400, "MMC.111072006", ErrorKind::MeetingState),
        ];
        for (status, code, kind) in cases {
            assert_eq!(answer(status, code).kind(), kind, "HTTP {status} {code}");
        }
    }

    #[test]
    fn snippet_is_bounded_and_utf8_safe() {
        let body = "é".repeat(1000);
        let s = snippet(body.as_bytes());
        assert!(s.len() <= 512 + "…".len());
        assert!(s.ends_with('…'));
    }
}
