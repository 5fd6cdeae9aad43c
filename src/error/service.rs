//! The service's error answers: their code, message and request id in any of the shapes the
//! service and its gateway use, and what each means.

use std::fmt;

use reqwest::header::HeaderMap;
use serde_json::Value;

use super::{AttemptFailure, ErrorKind, snippet};

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
    /// `MMC.111070002`: insufficient permission (client SDK table).
    InsufficientPermission = "MMC.111070002",
    /// `MMC.111070004`: authentication failed (client SDK table).
    AuthFailed = "MMC.111070004",
    /// `USG.206010007`: the account is not activated (disabled).
    AccountNotActivated = "USG.206010007",
    /// `USG.000000003`: an invalid parameter.
    InvalidParameter = "USG.000000003",
    /// `USG.201040017`: the user ID already exists.
    UserIdExists = "USG.201040017",
    /// `USG.201040004`: the default administrator cannot be deleted.
    DefaultAdminProtected = "USG.201040004",
    /// `USG.201040003`: only an ordinary user can become an enterprise administrator.
    NotAnOrdinaryUser = "USG.201040003",
    /// `USG.201030000`: the department does not exist.
    DepartmentNotFound = "USG.201030000",
    /// `USG.201030006`: the top-level department cannot be deleted.
    TopDepartmentProtected = "USG.201030006",
    /// `USG.201040012`: the account is locked for now (too many verification-code checks:
    /// at most 5 a minute; HTTP 423).
    AccountLocked = "USG.201040012",
    /// `USG.201050000`: the hard terminal does not exist.
    DeviceNotFound = "USG.201050000",
    /// `USG.201050005`: the enterprise's hard terminal resources are all used.
    DeviceResourcesUsedUp = "USG.201050005",
    /// `USG.201050006`: no hard terminal resource is left to enable a terminal with.
    NoDeviceResourceLeft = "USG.201050006",
    /// `USG.201050010`: a terminal's activation code was reset the most times a day allows (5).
    ActivationCodeResetLimit = "USG.201050010",
    /// `USG.206010025`: the App ID check failed (unknown, deleted or disabled App ID; client
    /// SDK table).
    AppIdCheckFailed = "USG.206010025",
    /// `USG.206110004`: the enterprise has the most App IDs it may have (10).
    AppIdLimitReached = "USG.206110004",
    /// `USG.206110009`: the App ID is not one of the enterprise's.
    AppIdNotInEnterprise = "USG.206110009",
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
}
