//! Retries decided by whether a repeat is safe (the operation's `x-meeting-retry` in the
//! spec), with exponential backoff, jitter, `Retry-After` and a deadline over all attempts.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use rand::Rng as _;

use crate::clock::Clock;
use crate::error::{AttemptFailure, DispatchError, is_tls_handshake_failure, request_id_header};
use crate::operations::{OperationMeta, RetryClass};
use crate::upload::Prepared;

/// How failed calls are retried.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// Backoff before the first retry; doubles with each retry.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff.
    pub max_backoff: Duration,
    /// No retry starts after this much time since the first attempt.
    pub deadline: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            deadline: Duration::from_secs(120),
        }
    }
}

impl RetryConfig {
    /// No retries at all.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first backoff and the cap.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the deadline over all attempts.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    fn backoff(&self, retry: u32, asked: Option<Duration>) -> Duration {
        if let Some(asked) = asked {
            return asked;
        }
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << retry.min(16))
            .min(self.max_backoff);
        // Equal jitter: half fixed, half random, so concurrent clients spread out.
        let half = ceiling / 2;
        half + half.mul_f64(rand::rng().random::<f64>())
    }
}

/// Why an attempt got no answer.
#[derive(Debug)]
pub(crate) enum NoAnswer {
    /// The connection failed or broke (reqwest's own timeout included).
    Transport(reqwest::Error),
    /// No answer within the client's attempt timeout, on the client's clock.
    TimedOut(Duration),
    /// Nothing was sent: the request could not be made (an upload's file, say).
    Unsendable(Box<crate::Error>),
}

impl NoAnswer {
    /// The call's error when its last attempt got no answer after the `earlier` ones.
    pub(crate) fn into_error(self, earlier: Vec<AttemptFailure>) -> crate::Error {
        let failure = match self {
            NoAnswer::Unsendable(error) => return *error,
            NoAnswer::Transport(source) => DispatchError::NoAnswer {
                source,
                earlier_attempts: earlier,
            },
            NoAnswer::TimedOut(after) => DispatchError::TimedOut {
                after,
                earlier_attempts: earlier,
            },
        };
        crate::Error::Dispatch(failure)
    }
}

/// One attempt's outcome: an answer of any status, or none.
pub(crate) type Outcome = Result<reqwest::Response, NoAnswer>;

/// Whether an attempt's outcome may be repeated for an operation of this class.
fn is_retryable(class: RetryClass, result: &Outcome) -> bool {
    match result {
        Ok(response) => matches!(
            (response.status().as_u16(), class),
            (429, _) | (502..=504, RetryClass::Idempotent)
        ),
        Err(NoAnswer::TimedOut(_)) => class == RetryClass::Idempotent,
        Err(NoAnswer::Unsendable(_)) => false,
        // A certificate the client does not trust stays untrusted.
        Err(NoAnswer::Transport(e)) if is_tls_handshake_failure(e) => false,
        // The connection was never established: the request did not reach the service.
        Err(NoAnswer::Transport(e)) if e.is_connect() => true,
        Err(NoAnswer::Transport(e)) => {
            class == RetryClass::Idempotent && (e.is_timeout() || e.is_request() || e.is_body())
        }
    }
}

fn failure_of(result: Outcome) -> AttemptFailure {
    match result {
        Ok(response) => AttemptFailure::Status {
            status: response.status().as_u16(),
            request_id: request_id_header(response.headers()),
        },
        Err(NoAnswer::Transport(e)) => AttemptFailure::Transport(Arc::new(e)),
        Err(NoAnswer::TimedOut(after)) => AttemptFailure::TimedOut { after },
        // `send` returns an unsendable request at once: it never becomes an earlier attempt.
        Err(NoAnswer::Unsendable(_)) => unreachable!("an unsendable request is not retried"),
    }
}

/// `Retry-After` in seconds, or the window of an exhausted `X-APIG-Ratelimit-*` header.
fn asked_delay(result: &Outcome) -> Option<Duration> {
    let headers = result.as_ref().ok()?.headers();
    if let Some(secs) = headers
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        return Some(Duration::from_secs(secs));
    }
    headers
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("x-apig-ratelimit"))
        .filter_map(|(_, value)| ratelimit_window(value.to_str().ok()?))
        .max()
}

/// `remain:0,limit:100,time:1 minute` -> one minute; a window with calls left -> none.
fn ratelimit_window(value: &str) -> Option<Duration> {
    let field = |name: &str| {
        value
            .split(',')
            .find_map(|part| part.trim().strip_prefix(name))
            .map(str::trim)
    };
    if field("remain:")?.parse::<u64>().ok()? > 0 {
        return None;
    }
    let (count, unit) = field("time:")?.split_once(' ')?;
    let count: u64 = count.parse().ok()?;
    let unit_secs = match unit.trim_end_matches('s') {
        "second" => 1,
        "minute" => 60,
        "hour" => 3600,
        _ => return None,
    };
    Some(Duration::from_secs(count * unit_secs))
}

/// What the attempts of a call came to.
pub(crate) struct Sent {
    /// The last attempt's response (any status), or why it got none.
    pub(crate) last: Outcome,
    /// Why the earlier attempts failed, in order.
    pub(crate) earlier: Vec<AttemptFailure>,
    /// The last attempt's timeout, still running: reading its body counts against it too.
    pub(crate) last_expiry: Expiry,
}

/// An attempt's timeout on the client's clock: one timer for the whole attempt, answer body
/// included.
pub(crate) struct Expiry(BoxFuture<'static, ()>);

impl Expiry {
    /// Starts the timer of an attempt that may last until `deadline`.
    fn at(clock: &dyn Clock, deadline: Instant) -> Self {
        Expiry(clock.sleep_until(deadline))
    }

    /// `work`'s output, or `Err(())` if the timeout runs out first.
    pub(crate) async fn bound<T>(&mut self, work: impl Future<Output = T>) -> Result<T, ()> {
        tokio::select! {
            // The work first: an answer that is ready counts even at the deadline.
            biased;
            output = work => Ok(output),
            () = &mut self.0 => Err(()),
        }
    }
}

/// How one call is attempted: over which HTTP client, on which clock, with which limits.
pub(crate) struct Attempts<'a> {
    pub(crate) http: &'a reqwest::Client,
    pub(crate) clock: &'a dyn Clock,
    pub(crate) retry: &'a RetryConfig,
    /// The time one attempt may take, on `clock`.
    pub(crate) timeout: Duration,
}

impl Attempts<'_> {
    /// Sends a copy of `request` (one per attempt; the original stays with the caller for a
    /// replay after a token renewal), repeating while the failure is retryable for this
    /// operation.
    ///
    /// An upload's file is attached to each copy anew (`request` has no body then); a file
    /// given as a stream is sent by the first attempt only.
    pub(crate) async fn send(
        &self,
        meta: &OperationMeta,
        request: &reqwest::Request,
        upload: Option<&Prepared>,
    ) -> Sent {
        let started = self.clock.now();
        let mut earlier: Vec<AttemptFailure> = Vec::new();
        loop {
            let attempt = earlier.len() as u32 + 1;
            // The deadline is fixed before sending: moving the clock during the attempt counts.
            let mut expiry = Expiry::at(self.clock, self.clock.now() + self.timeout);
            let copy = request
                .try_clone()
                .expect("bodies are buffered JSON or attached per attempt");
            let copy = match upload {
                None => Some(Ok(copy)),
                Some(upload) => upload.attach(self.http, copy),
            };
            let copy = match copy {
                Some(Ok(copy)) => copy,
                Some(Err(error)) => {
                    return Sent {
                        last: Err(NoAnswer::Unsendable(Box::new(error))),
                        earlier,
                        last_expiry: expiry,
                    };
                }
                None => {
                    return Sent {
                        last: Err(NoAnswer::Unsendable(Box::new(crate::Error::Config(
                            "the file was a stream, sent already: it cannot be sent again".into(),
                        )))),
                        earlier,
                        last_expiry: expiry,
                    };
                }
            };
            let last = expiry
                .bound(self.http.execute(copy))
                .await
                .map_err(|()| NoAnswer::TimedOut(self.timeout))
                .and_then(|sent| sent.map_err(NoAnswer::Transport));
            let replayable = upload.is_none_or(Prepared::replayable);
            if attempt >= self.retry.max_attempts || !replayable || !is_retryable(meta.retry, &last) {
                return Sent {
                    last,
                    earlier,
                    last_expiry: expiry,
                };
            }
            let delay = self.retry.backoff(attempt - 1, asked_delay(&last));
            let now = self.clock.now();
            if now.saturating_duration_since(started) + delay > self.retry.deadline {
                tracing::debug!(operation = meta.id, attempt, "not retrying: the deadline would pass");
                return Sent {
                    last,
                    earlier,
                    last_expiry: expiry,
                };
            }
            let failure = failure_of(last);
            tracing::debug!(operation = meta.id, attempt, reason = %failure, delay_ms = delay.as_millis() as u64, "retrying");
            earlier.push(failure);
            self.clock.sleep_until(now + delay).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratelimit_headers_are_read() {
        assert_eq!(
            ratelimit_window("remain:0,limit:100,time:1 minute"),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            ratelimit_window("remain:0,limit:200,time:1 second"),
            Some(Duration::from_secs(1))
        );
        assert_eq!(ratelimit_window("remain:99,limit:100,time:1 minute"), None);
        assert_eq!(ratelimit_window("garbage"), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let config = RetryConfig::default().with_backoff(Duration::from_millis(100), Duration::from_millis(400));
        for _ in 0..50 {
            let first = config.backoff(0, None);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let late = config.backoff(10, None);
            assert!(late >= Duration::from_millis(200) && late <= Duration::from_millis(400));
        }
        assert_eq!(config.backoff(0, Some(Duration::from_secs(2))), Duration::from_secs(2));
    }
}
