//! The simulator's sense of time, injected so tests are deterministic: [`SystemClock`] for a server
//! people use, [`ManualClock`] for tests.

use std::fmt;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, SubsecRound, Utc};

/// Where the store reads the time it stamps on items (`DateTimeCreated`, `LastModifiedTime`).
pub trait Clock: fmt::Debug + Send + Sync {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::<Utc>::from(std::time::SystemTime::now())
    }
}

#[derive(Debug)]
struct ManualState {
    now: DateTime<Utc>,
    step: Duration,
}

/// A clock tests set and advance; clones share the same time. Optionally it steps forward by a
/// fixed amount after every reading, so successive changes get distinct times.
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use exsync::sim::{Clock, ManualClock};
///
/// let clock = ManualClock::new(Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap());
/// clock.advance(Duration::minutes(5));
/// assert_eq!(clock.now(), Utc.with_ymd_and_hms(2025, 3, 1, 9, 5, 0).unwrap());
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    state: Arc<Mutex<ManualState>>,
}

impl ManualClock {
    /// A clock standing at `start` (sub-second parts dropped, as Exchange stamps whole seconds).
    pub fn new(start: DateTime<Utc>) -> Self {
        Self::stepping(start, Duration::zero())
    }

    /// A clock at `start` that moves on by `step` after each reading.
    pub fn stepping(start: DateTime<Utc>, step: Duration) -> Self {
        ManualClock { state: Arc::new(Mutex::new(ManualState { now: start.trunc_subsecs(0), step })) }
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut s = self.lock();
        s.now += by;
    }

    /// Sets the clock.
    pub fn set(&self, to: DateTime<Utc>) {
        self.lock().now = to;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        // The state is two plain values; a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        let mut s = self.lock();
        let (now, step) = (s.now, s.step);
        s.now += step;
        now
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn manual_clock_is_shared_and_steps() {
        let t0 = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let c = ManualClock::stepping(t0, Duration::seconds(2));
        let c2 = c.clone();
        assert_eq!(c.now(), t0);
        assert_eq!(c2.now(), t0 + Duration::seconds(2));
        c.set(t0);
        c2.advance(Duration::hours(1));
        assert_eq!(c.now(), t0 + Duration::hours(1));
    }

    #[test]
    fn manual_clock_drops_subseconds() {
        let t = Utc.timestamp_millis_opt(1_700_000_000_123).unwrap();
        assert_eq!(ManualClock::new(t).now().timestamp_subsec_millis(), 0);
    }

    #[test]
    fn system_clock_moves() {
        let a = SystemClock.now();
        assert!(SystemClock.now() >= a);
    }
}
