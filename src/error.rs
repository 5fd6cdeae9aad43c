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

use reqwest::header::HeaderMap;
use serde_json::Value;

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

/// No usable answer came back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DispatchError {
    /// No answer: the connection could not be made, timed out or broke, on the only attempt
    /// or on the last of the retried ones.
    #[error("{}", no_answer(.source, .earlier_attempts))]
    NoAnswer {
        /// The last attempt's failure.
        source: reqwest::Error,
        /// Why the earlier attempts failed, when the call was retried (empty otherwise).
        earlier_attempts: Vec<AttemptFailure>,
    },
    /// The endpoint answered with a redirect, or (with a caller-supplied HTTP client that
    /// follows redirects) the answer came from another origin. Huawei's API never redirects;
    /// credentials are never sent to the other location by the client's own HTTP client.
    #[error(
        "the endpoint redirected (HTTP {status}) to {}; not followed: the service never redirects",
        .location.as_deref().unwrap_or("(no Location)")
    )]
    Redirected {
        /// HTTP status of the redirect (or of the answer from the other origin).
        status: u16,
        /// Where the endpoint pointed (the `Location` header, or the other origin's URL).
        location: Option<String>,
    },
    /// The answer's body is larger than the client's cap; the connection was dropped after
    /// reading at most the cap.
    #[error("the response body (HTTP {status}) exceeds the client's limit of {limit} bytes; connection dropped")]
    ResponseTooLarge {
        /// HTTP status of the answer.
        status: u16,
        /// The cap in bytes (`ClientBuilder::max_response_body`).
        limit: usize,
    },
}

impl DispatchError {
    /// What the failure means.
    pub fn kind(&self) -> ErrorKind {
        match self {
            DispatchError::NoAnswer { source, .. } => transport_kind(source),
            DispatchError::Redirected { .. } => ErrorKind::Redirected,
            DispatchError::ResponseTooLarge { .. } => ErrorKind::ResponseTooLarge,
        }
    }

    /// Attempts made (more than one when the call was retried).
    pub fn attempts(&self) -> u32 {
        match self {
            DispatchError::NoAnswer { earlier_attempts, .. } => earlier_attempts.len() as u32 + 1,
            _ => 1,
        }
    }
}

/// What a transport failure means: a timeout, a failed TLS handshake, no connection, or
/// a broken one.
fn transport_kind(error: &reqwest::Error) -> ErrorKind {
    if error.is_timeout() {
        ErrorKind::Timeout
    } else if is_tls_handshake_failure(error) {
        ErrorKind::Tls
    } else if error.is_connect() {
        ErrorKind::Connect
    } else {
        ErrorKind::Transport
    }
}

/// `timed out: ...`, or `3 attempts failed: HTTP 503; HTTP 503; timed out: ...`.
fn no_answer(last: &reqwest::Error, earlier: &[AttemptFailure]) -> String {
    let last = describe_transport(last);
    if earlier.is_empty() {
        return last;
    }
    let earlier: Vec<String> = earlier.iter().map(ToString::to_string).collect();
    format!("{} attempts failed: {}; {last}", earlier.len() + 1, earlier.join("; "))
}

fn describe_transport(error: &reqwest::Error) -> String {
    let what = match transport_kind(error) {
        ErrorKind::Timeout => "timed out",
        ErrorKind::Tls => "TLS handshake failed (certificate)",
        ErrorKind::Connect => "connection failed",
        _ => "transport error",
    };
    format!("{what}: {}", chain(error))
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
            AttemptFailure::Transport(e) => f.write_str(&describe_transport(e)),
        }
    }
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

impl std::error::Error for ServiceError {}

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
            let earlier: Vec<String> = self.earlier_attempts.iter().map(ToString::to_string).collect();
            write!(
                f,
                " after {} attempts (earlier: {})",
                self.attempts(),
                earlier.join("; ")
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

    /// What the answer means, from its code first and its status otherwise.
    pub fn kind(&self) -> ErrorKind {
        use ErrorCode::*;
        match (&self.code, self.status) {
            (Some(TokenInvalid | WrongCredentials | AppIdAuthExpired | UserTokenAuthFailed), _)
            | (Some(MeetingNotFoundOrAuthFailed), _) => ErrorKind::CredentialsRejected,
            (Some(MeetingNotFound), _) => ErrorKind::NotFound,
            (Some(MeetingNotInProgress | MeetingEnded), _) => ErrorKind::MeetingState,
            (Some(FlowControl), _) | (_, 429) => ErrorKind::Throttled,
            (_, 401 | 412 | 423) => ErrorKind::CredentialsRejected,
            (_, 404) => ErrorKind::NotFound,
            (_, 502..=504) => ErrorKind::Unavailable,
            (_, 500..) => ErrorKind::ServerError,
            _ => ErrorKind::Refused,
        }
    }

    /// Whether the service rejected the token the call carried (so a new one may succeed).
    pub fn is_token_rejected(&self) -> bool {
        self.status == 401 || self.code.as_ref().is_some_and(ErrorCode::is_token_invalid)
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

    /// Whether the caller's identity, credentials or token were rejected, or the token the
    /// call needed could not be obtained at all ([`is_connect()`](Error::is_connect),
    /// [`is_timeout()`](Error::is_timeout)... say why). An answer about the meeting (its
    /// state, that it does not exist) is not an authentication failure, even when it
    /// answered the token call.
    pub fn is_auth(&self) -> bool {
        match self.kind() {
            ErrorKind::CredentialsRejected => true,
            ErrorKind::MeetingState | ErrorKind::NotFound => false,
            _ => matches!(self, Error::Token(_)),
        }
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
        let cause = Error::Dispatch(DispatchError::Redirected {
            status: 302,
            location: None,
        });
        let error = Error::Token(TokenError::new("create_token", cause));
        assert_eq!(
            (error.status(), error.kind(), error.is_auth()),
            (Some(302), ErrorKind::Redirected, true)
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
