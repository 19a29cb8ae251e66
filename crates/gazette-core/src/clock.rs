//! The one place Gazette reads the time. Stores never read the clock;
//! callers pass `now` from here, so a test can set the time and every rule
//! (a week's end, a day's readers, a scheduled story) follows it.

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

use jiff::{SignedDuration, Timestamp};

/// Where "now" comes from.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

/// The system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that tests set and move by hand. Clones share the time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    nanos: Arc<AtomicI64>,
}

impl ManualClock {
    pub fn new(at: Timestamp) -> Self {
        ManualClock {
            nanos: Arc::new(AtomicI64::new(nanos_of(at))),
        }
    }

    pub fn set(&self, at: Timestamp) {
        self.nanos.store(nanos_of(at), Ordering::SeqCst);
    }

    pub fn advance(&self, by: SignedDuration) {
        self.set(self.now() + by);
    }
}

fn nanos_of(at: Timestamp) -> i64 {
    // Timestamps between 1677 and 2262 fit in i64 nanoseconds; tests need
    // no more.
    i64::try_from(at.as_nanosecond()).unwrap_or(i64::MAX)
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp::from_nanosecond(i128::from(self.nanos.load(Ordering::SeqCst)))
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let at: Timestamp = "2025-11-30T23:59:00Z".parse().unwrap();
        let clock = ManualClock::new(at);
        let shared = clock.clone();
        assert_eq!(clock.now(), at);
        shared.advance(SignedDuration::from_mins(2));
        assert_eq!(
            clock.now(),
            "2025-12-01T00:01:00Z".parse::<Timestamp>().unwrap()
        );
    }
}
