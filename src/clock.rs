//! The time the client reads and waits on: token lifetimes, retry back-offs, the retry
//! deadline, each attempt's timeout and the App ID signature's expiry all go through one
//! [`Clock`], which [`ClientBuilder::clock`](crate::ClientBuilder::clock) can replace. The
//! simulator's clients share the simulator's [`OffsetClock`], so moving the simulator's time
//! moves theirs and no test waits in real time for an expiry or a back-off.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::future::BoxFuture;
use tokio::sync::watch;

/// A source of time and of waiting.
pub trait Clock: fmt::Debug + Send + Sync {
    /// Monotonic time: token lifetimes, the retry deadline, attempt timeouts.
    fn now(&self) -> Instant;
    /// The time of day: the App ID signature's expiry, the service's expiry times.
    fn system_time(&self) -> SystemTime;
    /// Completes once [`now()`](Clock::now) has reached `deadline`.
    fn sleep_until(&self, deadline: Instant) -> BoxFuture<'static, ()>;
}

/// The real time, waited on with tokio's timer (the default).
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn system_time(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep_until(&self, deadline: Instant) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep_until(deadline.into()))
    }
}

/// The real time plus an offset that only grows ([`advance`](OffsetClock::advance)): time
/// passes as usual and can also jump ahead, waking every sleep whose deadline it passes.
/// Clones share the offset.
#[derive(Clone, Debug)]
pub struct OffsetClock {
    offset: Arc<watch::Sender<Duration>>,
}

impl Default for OffsetClock {
    fn default() -> Self {
        OffsetClock {
            offset: Arc::new(watch::Sender::new(Duration::ZERO)),
        }
    }
}

impl OffsetClock {
    /// A clock at the real time.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock (and every clone) forward by `by`.
    pub fn advance(&self, by: Duration) {
        self.offset.send_modify(|offset| *offset += by);
    }

    /// How far the clock has been moved ahead of the real time.
    pub fn offset(&self) -> Duration {
        *self.offset.borrow()
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> Instant {
        Instant::now() + self.offset()
    }

    fn system_time(&self) -> SystemTime {
        SystemTime::now() + self.offset()
    }

    fn sleep_until(&self, deadline: Instant) -> BoxFuture<'static, ()> {
        let mut moves = self.offset.subscribe();
        Box::pin(async move {
            loop {
                let offset = *moves.borrow_and_update();
                // The real instant at which the clock reaches `deadline`, if that is ahead.
                let Some(real) = deadline.checked_sub(offset).filter(|real| *real > Instant::now()) else {
                    return;
                };
                tokio::select! {
                    () = tokio::time::sleep_until(real.into()) => return,
                    moved = moves.changed() => {
                        if moved.is_err() {
                            // Every handle of the clock is gone: only real time moves now.
                            tokio::time::sleep_until(real.into()).await;
                            return;
                        }
                    }
                }
            }
        })
    }
}

/// Seconds since the Unix epoch on `clock` (0 before it).
pub(crate) fn unix_seconds(clock: &dyn Clock) -> i64 {
    clock
        .system_time()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_advance_wakes_the_sleeps_it_passes_and_only_those() {
        let clock = OffsetClock::new();
        let start = clock.now();
        let near = tokio::spawn(clock.sleep_until(start + Duration::from_secs(60)));
        let far = tokio::spawn(clock.sleep_until(start + Duration::from_secs(3600)));
        clock.advance(Duration::from_secs(61));
        tokio::time::timeout(Duration::from_secs(5), near)
            .await
            .expect("woken by the advance")
            .unwrap();
        assert!(!far.is_finished());
        assert!(clock.now() >= start + Duration::from_secs(61));
        assert!(clock.system_time() >= SystemTime::now() + Duration::from_secs(60));
        far.abort();
    }

    #[tokio::test]
    async fn a_deadline_already_passed_does_not_wait() {
        let clock = OffsetClock::new();
        let past = clock.now();
        clock.advance(Duration::from_secs(1));
        tokio::time::timeout(Duration::from_secs(5), clock.sleep_until(past))
            .await
            .expect("no wait");
        tokio::time::timeout(Duration::from_secs(5), SystemClock.sleep_until(Instant::now()))
            .await
            .expect("no wait");
    }
}
