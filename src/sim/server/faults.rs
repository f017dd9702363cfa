//! Fault injection: make the server misbehave the way Exchange and the network in front of it do,
//! for chosen requests.
//!
//! A [`Fault`] is an action (throttling fault, HTTP 503/429, added latency, a lost response, a
//! one-off invalid sync state), a selection (an EWS operation, a mailbox, or any) and a trigger
//! (the next *n* matching requests, every one, or each with a probability drawn from a seeded
//! generator, so a run is repeatable). Faults are checked in the order they were injected, once a
//! request is authenticated, parsed and its mailbox known: every firing latency fault adds its
//! delay, and the first firing fault of another kind decides the answer.
//!
//! ```
//! use std::time::Duration;
//! use exsync::sim::Fault;
//!
//! let busy = Fault::server_busy(Duration::from_millis(250)).on_operation("SyncFolderItems").times(2);
//! let flaky = Fault::http_status(503, Some(Duration::from_secs(1))).with_probability(0.1, 42);
//! let lost = Fault::lose_response().on_operation("CreateItem").for_mailbox("alice@contoso.com");
//! # let _ = (busy, flaky, lost);
//! ```

use std::sync::Mutex;
use std::time::Duration;

use super::directory::mix;

/// What a fault does to the request it fires on.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FaultAction {
    /// A SOAP fault `ErrorServerBusy` with `BackOffMilliseconds` (HTTP 500), as Exchange throttles;
    /// nothing is done.
    ServerBusy {
        /// The back-off the fault asks for.
        back_off: Duration,
    },
    /// An HTTP status without a SOAP body (503 from a load balancer, 429 from a gateway), with
    /// `Retry-After` in whole seconds if given; nothing is done.
    HttpStatus {
        /// The status code.
        status: u16,
        /// `Retry-After`.
        retry_after: Option<Duration>,
    },
    /// The answer comes this much later (the request is carried out normally).
    Latency(Duration),
    /// The request is carried out, then the connection is closed without an answer (a lost
    /// response: the client cannot know the change was made).
    LoseResponse,
    /// `SyncFolderItems` answers `ErrorInvalidSyncStateData`, whatever the state (as after a
    /// mailbox move); applies to `SyncFolderItems` only.
    InvalidSyncState,
}

/// When a fault fires among the requests it selects.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Trigger {
    /// The next `n` matching requests.
    Times(u32),
    /// Every matching request.
    Always,
    /// Each matching request with probability `p` (0–1), drawn from a generator seeded with
    /// `seed`.
    Probability {
        /// The probability.
        p: f64,
        /// The seed.
        seed: u64,
    },
}

/// A fault to inject: an action, which requests it applies to, and when it fires.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    action: FaultAction,
    operation: Option<String>,
    mailbox: Option<String>,
    trigger: Trigger,
}

impl Fault {
    /// A fault with `action` that fires once, on any request.
    pub fn new(action: FaultAction) -> Self {
        let operation = matches!(action, FaultAction::InvalidSyncState).then(|| "SyncFolderItems".to_owned());
        Fault { action, operation, mailbox: None, trigger: Trigger::Times(1) }
    }

    /// `ErrorServerBusy` asking for `back_off`.
    pub fn server_busy(back_off: Duration) -> Self {
        Self::new(FaultAction::ServerBusy { back_off })
    }

    /// An HTTP `status` (such as 503 or 429) with an optional `Retry-After`.
    pub fn http_status(status: u16, retry_after: Option<Duration>) -> Self {
        Self::new(FaultAction::HttpStatus { status, retry_after })
    }

    /// `delay` of added latency.
    pub fn latency(delay: Duration) -> Self {
        Self::new(FaultAction::Latency(delay))
    }

    /// The change is made but the answer is lost (the connection closes).
    pub fn lose_response() -> Self {
        Self::new(FaultAction::LoseResponse)
    }

    /// A one-off `ErrorInvalidSyncStateData` for `SyncFolderItems`.
    pub fn invalid_sync_state() -> Self {
        Self::new(FaultAction::InvalidSyncState)
    }

    /// Only requests of the EWS operation `name` (`SyncFolderItems`, `CreateItem`, …).
    pub fn on_operation(mut self, name: impl Into<String>) -> Self {
        self.operation = Some(name.into());
        self
    }

    /// Only requests acting on the mailbox `address`.
    pub fn for_mailbox(mut self, address: impl Into<String>) -> Self {
        self.mailbox = Some(address.into());
        self
    }

    /// Fires on the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.trigger = Trigger::Times(n);
        self
    }

    /// Fires on every matching request.
    pub fn always(mut self) -> Self {
        self.trigger = Trigger::Always;
        self
    }

    /// Fires on each matching request with probability `p` (clamped to 0–1), drawn from a
    /// generator seeded with `seed`.
    pub fn with_probability(mut self, p: f64, seed: u64) -> Self {
        self.trigger = Trigger::Probability { p: if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) }, seed };
        self
    }

    /// The action.
    pub fn action(&self) -> &FaultAction {
        &self.action
    }

    fn selects(&self, operation: &str, mailbox: Option<&str>) -> bool {
        self.operation.as_deref().is_none_or(|o| o.eq_ignore_ascii_case(operation))
            && self.mailbox.as_deref().is_none_or(|m| mailbox.is_some_and(|x| x.eq_ignore_ascii_case(m)))
    }
}

/// Identifies an injected fault (to remove it or ask how often it fired).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FaultId(u64);

#[derive(Debug)]
struct Armed {
    id: FaultId,
    fault: Fault,
    fired: u64,
    rng: u64,
}

impl Armed {
    /// Decides whether the fault fires on this matching request, and counts it.
    fn fire(&mut self) -> bool {
        let fires = match &mut self.fault.trigger {
            Trigger::Times(0) => false,
            Trigger::Times(n) => {
                *n -= 1;
                true
            }
            Trigger::Always => true,
            Trigger::Probability { p, .. } => {
                self.rng = mix(self.rng);
                // 53 random bits as a fraction in [0, 1).
                ((self.rng >> 11) as f64 / (1u64 << 53) as f64) < *p
            }
        };
        if fires {
            self.fired += 1;
        }
        fires
    }
}

/// What the armed faults decided for one request.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Decision {
    /// Total added latency.
    pub(crate) latency: Duration,
    /// The first firing non-latency action.
    pub(crate) action: Option<FaultAction>,
    /// How many faults fired.
    pub(crate) fired: u64,
}

#[derive(Debug, Default)]
struct Plan {
    next_id: u64,
    armed: Vec<Armed>,
}

/// The faults armed on a server; get it with [`SimServer::faults`](super::SimServer::faults).
/// Cheap to clone; clones arm the same server.
#[derive(Debug, Clone, Default)]
pub struct FaultInjector {
    plan: std::sync::Arc<Mutex<Plan>>,
}

impl FaultInjector {
    fn lock(&self) -> std::sync::MutexGuard<'_, Plan> {
        self.plan.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Arms `fault`; returns its id.
    pub fn inject(&self, fault: Fault) -> FaultId {
        let mut plan = self.lock();
        plan.next_id += 1;
        let id = FaultId(plan.next_id);
        let rng = match fault.trigger {
            Trigger::Probability { seed, .. } => seed,
            _ => 0,
        };
        plan.armed.push(Armed { id, fault, fired: 0, rng });
        id
    }

    /// Disarms a fault; `false` if it was not armed.
    pub fn remove(&self, id: FaultId) -> bool {
        let mut plan = self.lock();
        let before = plan.armed.len();
        plan.armed.retain(|a| a.id != id);
        plan.armed.len() != before
    }

    /// Disarms every fault.
    pub fn clear(&self) {
        self.lock().armed.clear();
    }

    /// How many times a fault fired (0 for an unknown id).
    pub fn fired(&self, id: FaultId) -> u64 {
        self.lock().armed.iter().find(|a| a.id == id).map_or(0, |a| a.fired)
    }

    /// How many faults are armed (a `times(n)` fault stays armed, spent, until removed).
    pub fn armed(&self) -> usize {
        self.lock().armed.len()
    }

    /// Decides the faults for a request of `operation` acting on `mailbox`.
    pub(crate) fn decide(&self, operation: &str, mailbox: Option<&str>) -> Decision {
        let mut plan = self.lock();
        let mut d = Decision::default();
        for a in plan.armed.iter_mut() {
            if !a.fault.selects(operation, mailbox) {
                continue;
            }
            let is_latency = matches!(a.fault.action, FaultAction::Latency(_));
            if !is_latency && d.action.is_some() {
                continue;
            }
            if matches!(a.fault.action, FaultAction::InvalidSyncState) && operation != "SyncFolderItems" {
                continue;
            }
            if a.fire() {
                d.fired += 1;
                match &a.fault.action {
                    FaultAction::Latency(delay) => d.latency += *delay,
                    other => d.action = Some(other.clone()),
                }
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_fire_then_stop() {
        let f = FaultInjector::default();
        let id = f.inject(Fault::server_busy(Duration::from_millis(5)).on_operation("GetItem").times(2));
        assert_eq!(f.decide("SyncFolderItems", None).action, None);
        assert!(f.decide("GetItem", None).action.is_some());
        assert!(f.decide("getitem", Some("a@b.c")).action.is_some());
        assert_eq!(f.decide("GetItem", None).action, None);
        assert_eq!(f.fired(id), 2);
        assert!(f.remove(id));
        assert!(!f.remove(id));
    }

    #[test]
    fn mailbox_selection_and_latency_adds_up() {
        let f = FaultInjector::default();
        f.inject(Fault::latency(Duration::from_millis(3)).always());
        f.inject(Fault::latency(Duration::from_millis(4)).for_mailbox("alice@contoso.com").always());
        f.inject(Fault::lose_response().for_mailbox("alice@contoso.com"));
        let d = f.decide("CreateItem", Some("bob@contoso.com"));
        assert_eq!((d.latency, d.action), (Duration::from_millis(3), None));
        let d = f.decide("CreateItem", Some("ALICE@contoso.com"));
        assert_eq!((d.latency, d.action, d.fired), (Duration::from_millis(7), Some(FaultAction::LoseResponse), 3));
    }

    #[test]
    fn first_firing_action_wins_and_others_are_kept() {
        let f = FaultInjector::default();
        let a = f.inject(Fault::http_status(503, None));
        let b = f.inject(Fault::http_status(429, None));
        assert_eq!(f.decide("X", None).action, Some(FaultAction::HttpStatus { status: 503, retry_after: None }));
        assert_eq!(f.decide("X", None).action, Some(FaultAction::HttpStatus { status: 429, retry_after: None }));
        assert_eq!((f.fired(a), f.fired(b)), (1, 1));
    }

    #[test]
    fn probability_is_repeatable_and_roughly_right() {
        let run = || {
            let f = FaultInjector::default();
            f.inject(Fault::http_status(503, None).with_probability(0.25, 9));
            (0..2000).map(|_| f.decide("X", None).action.is_some()).collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let hits = a.iter().filter(|x| **x).count();
        assert!((350..650).contains(&hits), "{hits}");
        let f = FaultInjector::default();
        f.inject(Fault::http_status(503, None).with_probability(f64::NAN, 1));
        assert!(f.decide("X", None).action.is_none());
    }

    #[test]
    fn invalid_sync_state_is_for_sync_only() {
        let f = FaultInjector::default();
        f.inject(Fault::invalid_sync_state().on_operation("GetItem"));
        assert_eq!(f.decide("GetItem", None).action, None);
        let f = FaultInjector::default();
        f.inject(Fault::invalid_sync_state());
        assert_eq!(f.decide("GetItem", None).action, None);
        assert_eq!(f.decide("SyncFolderItems", None).action, Some(FaultAction::InvalidSyncState));
        assert_eq!(f.decide("SyncFolderItems", None).action, None);
    }
}
