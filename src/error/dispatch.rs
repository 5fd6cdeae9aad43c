//! The dispatch phase's failures: no usable answer came back.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::{ErrorKind, chain};

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
    /// No answer within the client's attempt timeout (`ClientBuilder::timeout`, on the
    /// client's clock), on the only attempt or on the last of the retried ones.
    #[error("{}", timed_out(*.after, .earlier_attempts))]
    TimedOut {
        /// The attempt timeout.
        after: Duration,
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
            DispatchError::TimedOut { .. } => ErrorKind::Timeout,
            DispatchError::Redirected { .. } => ErrorKind::Redirected,
            DispatchError::ResponseTooLarge { .. } => ErrorKind::ResponseTooLarge,
        }
    }

    /// Attempts made (more than one when the call was retried).
    pub fn attempts(&self) -> u32 {
        match self {
            DispatchError::NoAnswer { earlier_attempts, .. } | DispatchError::TimedOut { earlier_attempts, .. } => {
                earlier_attempts.len() as u32 + 1
            }
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
    after_earlier(describe_transport(last), earlier)
}

/// `timed out after 2s`, or `3 attempts failed: HTTP 503; HTTP 503; timed out after 2s`.
fn timed_out(after: Duration, earlier: &[AttemptFailure]) -> String {
    after_earlier(AttemptFailure::TimedOut { after }.to_string(), earlier)
}

fn after_earlier(last: String, earlier: &[AttemptFailure]) -> String {
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
    /// No answer within the client's attempt timeout.
    TimedOut {
        /// The attempt timeout.
        after: Duration,
    },
}

impl AttemptFailure {
    /// The transport error of this attempt.
    pub fn transport_error(&self) -> Option<&reqwest::Error> {
        match self {
            AttemptFailure::Transport(e) => Some(e),
            AttemptFailure::Status { .. } | AttemptFailure::TimedOut { .. } => None,
        }
    }

    /// Whether the attempt timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, AttemptFailure::TimedOut { .. })
            || self.transport_error().is_some_and(reqwest::Error::is_timeout)
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
            AttemptFailure::TimedOut { after } => write!(f, "timed out after {after:?}"),
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
