//! The simulator's clock: the real time plus however far tests moved it
//! ([`Simulator::advance`](super::Simulator::advance)), so a test can let a meeting's end time
//! or a token's lifetime pass without waiting.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Clock {
    offset: Duration,
}

impl Clock {
    /// The simulated time of day.
    pub(super) fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.offset
    }

    /// The simulated monotonic time (token lifetimes).
    pub(super) fn instant(&self) -> Instant {
        Instant::now() + self.offset
    }

    pub(super) fn advance(&mut self, by: Duration) {
        self.offset += by;
    }
}
