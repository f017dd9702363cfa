//! When to try a request again, and how long to wait first: a sans-IO policy the driver asks after
//! each failure, plus the concurrency limits of a service account.
//!
//! - [`RetryCause`] says what happened: `ErrorServerBusy` (with the server's `BackOffMilliseconds`
//!   when it sent one), HTTP 503/429 (with `Retry-After`), a network failure (before or after the
//!   request may have reached the server), or a connection-count error.
//! - [`Backoff::decide`] turns it, the attempt count and the time spent into a [`RetryDecision`]:
//!   wait and retry, lower the concurrency and retry, or give up with a [`RetryError`] that says why.
//!   Waits grow exponentially with jitter from a seeded generator (deterministic in tests) and
//!   never run past the caller's total time budget. A request that is not safe to repeat (a create)
//!   whose response was lost is never retried: the outcome is [`RetryError::Ambiguous`].
//! - [`AccountConcurrency`] counts requests in flight per service account and per mailbox; its
//!   [`AdaptiveLimit`] halves the account's limit on connection-count errors and climbs back one step
//!   at a time after a run of successes.
//!
//! ```
//! use std::time::Duration;
//! use exsync::transport::retry::{Backoff, Idempotency, RetryCause, RetryContext, RetryDecision, RetryPolicy};
//!
//! let mut backoff = Backoff::new(RetryPolicy::default(), 7);
//! let cx = RetryContext { attempts: 1, elapsed: Duration::from_secs(1), idempotency: Idempotency::Idempotent };
//! let busy = RetryCause::ServerBusy { back_off: Some(Duration::from_millis(5000)) };
//! match backoff.decide(&cx, &busy) {
//!     RetryDecision::RetryAfter(wait) => assert!(wait >= Duration::from_millis(5000)),
//!     other => panic!("{other:?}"),
//! }
//! ```

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::time::{Duration, SystemTime};

use crate::ews::{ResponseCode, ResponseStatus, SoapFault};

/// Whether a request may be sent again without changing the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Idempotency {
    /// Reads, updates with a change key, deletes: repeating them is harmless.
    Idempotent,
    /// Creates (and sends): a repeat may make a second copy.
    NonIdempotent,
}

/// How a request failed on the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NetworkFailure {
    /// The request cannot have reached the server: name resolution, connection refused, TLS
    /// handshake.
    NotSent,
    /// The request may have reached the server, but no complete response came back (connection
    /// reset or timed out while waiting).
    ResponseLost,
}

/// What went wrong with an attempt, as far as retrying is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RetryCause {
    /// `ErrorServerBusy`, as a SOAP fault, in a response message or in an HTTP 500 body; the
    /// request was not carried out.
    ServerBusy {
        /// The server's `BackOffMilliseconds`, if it sent one.
        back_off: Option<Duration>,
    },
    /// HTTP 503 or 429; the request was not carried out.
    HttpThrottled {
        /// The status code.
        status: u16,
        /// `Retry-After`, if present and readable.
        retry_after: Option<Duration>,
    },
    /// A network failure.
    Network(NetworkFailure),
    /// `ErrorExceededConnectionCount` or `ErrorTooManyObjectsOpened`: too many concurrent requests
    /// for this account; the request was not carried out.
    ConnectionLimit {
        /// The code the server sent.
        code: ResponseCode,
    },
}

impl RetryCause {
    /// The cause for an EWS response code, with `BackOffMilliseconds` if the server sent it; `None`
    /// for codes that waiting does not cure.
    pub fn from_code(code: &ResponseCode, back_off_ms: Option<u64>) -> Option<RetryCause> {
        match code {
            ResponseCode::ErrorServerBusy => {
                Some(RetryCause::ServerBusy { back_off: back_off_ms.map(Duration::from_millis) })
            }
            ResponseCode::ErrorExceededConnectionCount | ResponseCode::ErrorTooManyObjectsOpened => {
                Some(RetryCause::ConnectionLimit { code: code.clone() })
            }
            _ => None,
        }
    }

    /// The cause for a SOAP fault (including one in an HTTP 500 body).
    pub fn from_fault(fault: &SoapFault) -> Option<RetryCause> {
        RetryCause::from_code(&fault.code(), fault.back_off_milliseconds())
    }

    /// The cause for a response message's status.
    pub fn from_status(status: &ResponseStatus) -> Option<RetryCause> {
        let back_off = status.message_xml.as_ref().and_then(|m| m.back_off_milliseconds());
        RetryCause::from_code(&status.code, back_off)
    }

    /// The cause for an HTTP status: 503 and 429 are throttling, with `Retry-After` (seconds or an
    /// HTTP date, read against `now`); other statuses are not this module's concern (`None`).
    pub fn from_http(status: u16, retry_after: Option<&str>, now: SystemTime) -> Option<RetryCause> {
        match status {
            429 | 503 => Some(RetryCause::HttpThrottled {
                status,
                retry_after: retry_after.and_then(|v| parse_retry_after(v, now)),
            }),
            _ => None,
        }
    }

    /// Whether the server certainly did not carry out the request.
    pub fn request_not_applied(&self) -> bool {
        !matches!(self, RetryCause::Network(NetworkFailure::ResponseLost))
    }
}

/// Reads a `Retry-After` value: delay seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`, also the obsolete RFC 850 and asctime forms) measured from
/// `now`; a date in the past is a zero wait. `None` when the value is neither.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(Duration::from_secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Why the driver stops retrying. The message says what the admin or caller can do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RetryError {
    /// The next wait would pass the total time budget.
    #[error(
        "gave up after {attempts} attempt(s) and {elapsed:?}: the server asks for a wait of {wait:?}, which \
         would pass the time budget of {budget:?} (Exchange is throttling or unavailable; try later or \
         raise the budget)"
    )]
    BudgetExhausted {
        /// Attempts made.
        attempts: u32,
        /// Time spent so far.
        elapsed: Duration,
        /// The wait that did not fit.
        wait: Duration,
        /// The budget.
        budget: Duration,
    },
    /// The attempt limit is reached.
    #[error("gave up after {attempts} attempt(s) in {elapsed:?} (Exchange is throttling or unavailable; try later)")]
    AttemptsExhausted {
        /// Attempts made.
        attempts: u32,
        /// Time spent.
        elapsed: Duration,
    },
    /// A request that is not safe to repeat may have been carried out, but its response was lost.
    #[error(
        "the connection failed after the request was sent, so Exchange may or may not have carried it out; \
         it was not repeated (check the mailbox before trying again)"
    )]
    Ambiguous,
}

/// What the driver does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryDecision {
    /// Wait this long, then send the request again.
    RetryAfter(Duration),
    /// Lower the account's concurrency (see [`AccountConcurrency::finish`]), wait, then retry.
    LowerConcurrencyAndRetry(Duration),
    /// Stop and report this error.
    GiveUp(RetryError),
}

/// The knobs of [`Backoff`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RetryPolicy {
    /// Total time a request may take, all attempts and waits included.
    pub budget: Duration,
    /// Most attempts, the first one included.
    pub max_attempts: u32,
    /// First exponential wait (before jitter).
    pub base_delay: Duration,
    /// Largest exponential wait (before jitter). Waits the server asks for are not capped by it,
    /// only by the budget.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 5 minutes, 10 attempts, 0.5 s doubling up to 60 s.
    fn default() -> Self {
        RetryPolicy {
            budget: Duration::from_secs(300),
            max_attempts: 10,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(60),
        }
    }
}

/// Where an attempt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryContext {
    /// Attempts made so far, the failed one included (1 after the first failure).
    pub attempts: u32,
    /// Time since the first attempt started.
    pub elapsed: Duration,
    /// Whether the request may be repeated safely.
    pub idempotency: Idempotency,
}

/// A small seeded generator (SplitMix64) for jitter, so that tests are deterministic.
#[derive(Debug, Clone)]
pub struct JitterRng(u64);

impl JitterRng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        JitterRng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A duration uniformly in `0..=max`.
    pub fn up_to(&mut self, max: Duration) -> Duration {
        let nanos = max.as_nanos().min(u64::MAX as u128) as u64;
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(self.next_u64() % nanos.saturating_add(1))
    }
}

/// The retry policy with its jitter generator. One per request (or per driver; it keeps no
/// per-request state besides the generator).
#[derive(Debug, Clone)]
pub struct Backoff {
    policy: RetryPolicy,
    rng: JitterRng,
}

impl Backoff {
    /// A policy whose jitter comes from `seed`.
    pub fn new(policy: RetryPolicy, seed: u64) -> Self {
        Backoff { policy, rng: JitterRng::new(seed) }
    }

    /// The policy.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// The exponential wait after `attempts` failures: `base · 2^(attempts-1)` capped at
    /// `max_delay`, of which the upper half is jitter.
    pub fn exponential(&mut self, attempts: u32) -> Duration {
        let exp = attempts.saturating_sub(1).min(30);
        let raw = self.policy.base_delay.saturating_mul(1u32 << exp).min(self.policy.max_delay);
        let half = raw / 2;
        half + self.rng.up_to(raw - half)
    }

    /// Decides what to do after a failed attempt. See the module documentation.
    pub fn decide(&mut self, cx: &RetryContext, cause: &RetryCause) -> RetryDecision {
        if !cause.request_not_applied() && cx.idempotency == Idempotency::NonIdempotent {
            return RetryDecision::GiveUp(RetryError::Ambiguous);
        }
        if cx.attempts >= self.policy.max_attempts {
            return RetryDecision::GiveUp(RetryError::AttemptsExhausted { attempts: cx.attempts, elapsed: cx.elapsed });
        }
        let wait = match cause {
            // The server's own figure, with up to a tenth more so that many clients told the same
            // figure do not all come back at once (the extra never pushes a fitting wait past the
            // budget).
            RetryCause::ServerBusy { back_off: Some(b) } => {
                let remaining = self.policy.budget.saturating_sub(cx.elapsed);
                let room = remaining.saturating_sub(*b);
                *b + self.rng.up_to((*b / 10).min(room))
            }
            RetryCause::HttpThrottled { retry_after: Some(d), .. } => *d,
            RetryCause::ServerBusy { back_off: None }
            | RetryCause::HttpThrottled { retry_after: None, .. }
            | RetryCause::Network(_)
            | RetryCause::ConnectionLimit { .. } => self.exponential(cx.attempts),
        };
        if cx.elapsed.saturating_add(wait) > self.policy.budget {
            return RetryDecision::GiveUp(RetryError::BudgetExhausted {
                attempts: cx.attempts,
                elapsed: cx.elapsed,
                wait,
                budget: self.policy.budget,
            });
        }
        match cause {
            RetryCause::ConnectionLimit { .. } => RetryDecision::LowerConcurrencyAndRetry(wait),
            _ => RetryDecision::RetryAfter(wait),
        }
    }
}

/// Concurrency limits of one service account: requests in flight at once for the account as a
/// whole (shared by every mailbox it impersonates) and for each mailbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ConcurrencyLimits {
    /// For the service account, all mailboxes together.
    pub per_service_account: NonZeroU32,
    /// For any one mailbox.
    pub per_mailbox: NonZeroU32,
}

impl Default for ConcurrencyLimits {
    /// 10 per account (Exchange 2010's default `EWSMaxConcurrency`, below 2013's 27), 2 per
    /// mailbox.
    fn default() -> Self {
        ConcurrencyLimits {
            per_service_account: NonZeroU32::new(10).expect("non-zero"),
            per_mailbox: NonZeroU32::new(2).expect("non-zero"),
        }
    }
}

/// How fast an [`AdaptiveLimit`] moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AdaptivePolicy {
    /// Successes in a row needed before the limit rises by one.
    pub successes_per_step: u32,
    /// Least time between two changes upward, and after a decrease before the first rise.
    pub rise_interval: Duration,
    /// After a decrease, further connection-count errors within this time do not lower the limit
    /// again (they come from requests sent before the decrease).
    pub decrease_cooldown: Duration,
}

impl Default for AdaptivePolicy {
    /// 20 successes and 30 s per step up; 5 s cooldown.
    fn default() -> Self {
        AdaptivePolicy {
            successes_per_step: 20,
            rise_interval: Duration::from_secs(30),
            decrease_cooldown: Duration::from_secs(5),
        }
    }
}

/// A concurrency limit that halves on connection-count errors and climbs back one step at a time
/// (multiplicative decrease, slow additive increase), never above its ceiling nor below 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdaptiveLimit {
    ceiling: u32,
    current: u32,
    successes: u32,
    last_change: Option<SystemTime>,
    last_decrease: Option<SystemTime>,
    policy: AdaptivePolicy,
}

impl AdaptiveLimit {
    /// A limit starting at its ceiling.
    pub fn new(ceiling: NonZeroU32, policy: AdaptivePolicy) -> Self {
        AdaptiveLimit {
            ceiling: ceiling.get(),
            current: ceiling.get(),
            successes: 0,
            last_change: None,
            last_decrease: None,
            policy,
        }
    }

    /// The limit in force.
    pub fn current(&self) -> u32 {
        self.current
    }

    /// The configured ceiling.
    pub fn ceiling(&self) -> u32 {
        self.ceiling
    }

    fn since(t: Option<SystemTime>, now: SystemTime) -> Option<Duration> {
        t.map(|t| now.duration_since(t).unwrap_or(Duration::ZERO))
    }

    /// A connection-count error: halve the limit (unless one was just taken into account).
    /// Returns the new limit.
    pub fn on_limit_error(&mut self, now: SystemTime) -> u32 {
        self.successes = 0;
        let cooling = Self::since(self.last_decrease, now).is_some_and(|d| d < self.policy.decrease_cooldown);
        let rose_since = self.last_change != self.last_decrease;
        if !cooling || rose_since {
            self.current = (self.current / 2).max(1);
            self.last_change = Some(now);
            self.last_decrease = Some(now);
        }
        self.current
    }

    /// A successful request: after enough of them, and long enough after the last change, the
    /// limit rises by one. Returns the limit.
    pub fn on_success(&mut self, now: SystemTime) -> u32 {
        if self.current >= self.ceiling {
            self.successes = 0;
            return self.current;
        }
        self.successes = self.successes.saturating_add(1);
        let waited = Self::since(self.last_change, now).is_none_or(|d| d >= self.policy.rise_interval);
        if self.successes >= self.policy.successes_per_step && waited {
            self.current += 1;
            self.successes = 0;
            self.last_change = Some(now);
        }
        self.current
    }
}

/// Why [`AccountConcurrency::try_begin`] said "not now".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotBusy {
    /// The service account has its limit of requests in flight.
    Account {
        /// The limit in force.
        limit: u32,
    },
    /// This mailbox has its limit of requests in flight.
    Mailbox {
        /// The limit.
        limit: u32,
    },
}

/// Permission to send one request; hand it back to [`AccountConcurrency::finish`].
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a slot that is not finished keeps its place forever"]
pub struct RequestSlot {
    mailbox: String,
}

impl RequestSlot {
    /// The mailbox (lower case) the slot is for.
    pub fn mailbox(&self) -> &str {
        &self.mailbox
    }
}

/// How a request that held a slot ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotOutcome {
    /// The server answered (whatever the answer).
    Success,
    /// `ErrorExceededConnectionCount` / `ErrorTooManyObjectsOpened`.
    ConnectionLimit,
    /// Anything else (network failure, other throttling): does not move the limit.
    OtherFailure,
}

/// Requests in flight for one service account and its mailboxes, against [`ConcurrencyLimits`]
/// with an adaptive account limit. The driver waits (on its own notification) when a slot is
/// refused and tries again after any [`AccountConcurrency::finish`].
#[derive(Debug, Clone)]
pub struct AccountConcurrency {
    limits: ConcurrencyLimits,
    account: AdaptiveLimit,
    in_flight: u32,
    per_mailbox: HashMap<String, u32>,
}

impl AccountConcurrency {
    /// Counters for one account.
    pub fn new(limits: ConcurrencyLimits, policy: AdaptivePolicy) -> Self {
        AccountConcurrency {
            limits,
            account: AdaptiveLimit::new(limits.per_service_account, policy),
            in_flight: 0,
            per_mailbox: HashMap::new(),
        }
    }

    /// The configured limits.
    pub fn limits(&self) -> ConcurrencyLimits {
        self.limits
    }

    /// The account limit in force (at most the configured one).
    pub fn account_limit(&self) -> u32 {
        self.account.current()
    }

    /// Requests in flight for the account.
    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }

    /// Requests in flight for `mailbox`.
    pub fn in_flight_for(&self, mailbox: &str) -> u32 {
        self.per_mailbox.get(&mailbox.to_lowercase()).copied().unwrap_or(0)
    }

    /// A slot for a request acting for `mailbox`, or why not now.
    pub fn try_begin(&mut self, mailbox: &str) -> Result<RequestSlot, SlotBusy> {
        let limit = self.account.current();
        if self.in_flight >= limit {
            return Err(SlotBusy::Account { limit });
        }
        let key = mailbox.to_lowercase();
        let n = self.per_mailbox.get(&key).copied().unwrap_or(0);
        let mailbox_limit = self.limits.per_mailbox.get();
        if n >= mailbox_limit {
            return Err(SlotBusy::Mailbox { limit: mailbox_limit });
        }
        self.in_flight += 1;
        self.per_mailbox.insert(key.clone(), n + 1);
        Ok(RequestSlot { mailbox: key })
    }

    /// Gives a slot back and lets its outcome move the account limit.
    pub fn finish(&mut self, slot: RequestSlot, outcome: SlotOutcome, now: SystemTime) {
        self.in_flight = self.in_flight.saturating_sub(1);
        if let Some(n) = self.per_mailbox.get_mut(&slot.mailbox) {
            *n -= 1;
            if *n == 0 {
                self.per_mailbox.remove(&slot.mailbox);
            }
        }
        match outcome {
            SlotOutcome::Success => {
                self.account.on_success(now);
            }
            SlotOutcome::ConnectionLimit => {
                self.account.on_limit_error(now);
            }
            SlotOutcome::OtherFailure => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(attempts: u32, elapsed_s: u64) -> RetryContext {
        RetryContext { attempts, elapsed: Duration::from_secs(elapsed_s), idempotency: Idempotency::Idempotent }
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_400); // 2015-10-21 07:26:40 UTC
        assert_eq!(parse_retry_after(" 120 ", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), Some(Duration::from_secs(80)));
        assert_eq!(parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", now), Some(Duration::from_secs(80)));
        assert_eq!(parse_retry_after("Wed Oct 21 07:28:00 2015", now), Some(Duration::from_secs(80)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }

    #[test]
    fn exponential_grows_and_is_capped() {
        let mut b = Backoff::new(RetryPolicy::default(), 1);
        for n in 1..40 {
            let raw = Duration::from_millis(500).saturating_mul(1 << (n - 1).min(30)).min(Duration::from_secs(60));
            let w = b.exponential(n);
            assert!(w >= raw / 2 && w <= raw, "attempt {n}: {w:?} vs {raw:?}");
        }
    }

    #[test]
    fn same_seed_same_waits() {
        let mut a = Backoff::new(RetryPolicy::default(), 42);
        let mut b = Backoff::new(RetryPolicy::default(), 42);
        let cause = RetryCause::Network(NetworkFailure::NotSent);
        for n in 1..6 {
            assert_eq!(a.decide(&cx(n, 0), &cause), b.decide(&cx(n, 0), &cause));
        }
    }

    #[test]
    fn adaptive_limit_halves_once_per_burst_and_recovers_slowly() {
        let t0 = SystemTime::UNIX_EPOCH;
        let at = |s| t0 + Duration::from_secs(s);
        let mut l = AdaptiveLimit::new(NonZeroU32::new(8).unwrap(), AdaptivePolicy::default());
        assert_eq!(l.on_limit_error(at(0)), 4);
        assert_eq!(l.on_limit_error(at(1)), 4, "same burst");
        assert_eq!(l.on_limit_error(at(6)), 2);
        for _ in 0..19 {
            l.on_success(at(100));
        }
        assert_eq!(l.current(), 2);
        assert_eq!(l.on_success(at(100)), 3);
        for _ in 0..20 {
            l.on_success(at(110));
        }
        assert_eq!(l.current(), 3, "too soon after the last rise");
        assert_eq!(l.on_success(at(130)), 4);
        let mut floor = AdaptiveLimit::new(NonZeroU32::new(1).unwrap(), AdaptivePolicy::default());
        assert_eq!(floor.on_limit_error(at(0)), 1);
    }
}
