//! The simulator's clock: the real time plus however far tests moved it
//! ([`Simulator::advance`](super::Simulator::advance)), so a test can let a meeting's end time
//! or a token's lifetime pass without waiting. It is an [`OffsetClock`] the simulator's
//! clients share ([`Simulator::client_builder`](super::Simulator::client_builder)), so their
//! token lifetimes, back-offs and timeouts move with it.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::clock::{Clock as _, OffsetClock};

#[derive(Clone, Debug, Default)]
pub(super) struct Clock {
    shared: OffsetClock,
}

impl Clock {
    /// The simulated time of day.
    pub(super) fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.shared.offset()
    }

    /// The simulated monotonic time (token lifetimes).
    pub(super) fn instant(&self) -> Instant {
        self.shared.now()
    }

    pub(super) fn advance(&mut self, by: Duration) {
        self.shared.advance(by);
    }

    /// The clock as clients see it (clones move together).
    pub(super) fn shared(&self) -> OffsetClock {
        self.shared.clone()
    }
}
