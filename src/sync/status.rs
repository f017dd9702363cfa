//! Per-user sync status: for each enrolled user and object kind, when it last synced, what the
//! last run did, running totals, and the last error with its stable kind, the server's error code
//! (EWS `ResponseCode`) and a readable message. The engine records a [`RunRecord`] after every
//! sync run, successful or not; a store folds it into the stored [`SyncStatus`] with
//! [`SyncStatus::apply`].
//!
//! All of it is plain data that serializes to JSON, for an admin page or the C and Python
//! bindings.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::engine::{SyncError, SyncReport};
use super::plan::PlanError;
use super::record::{ObjectKind, UserId};
use crate::backend::BackendError;
use crate::store::{Delivery, StoreError};

/// The longest error message kept, in bytes (longer ones are cut at a character boundary).
pub const MAX_MESSAGE_LEN: usize = 2000;

/// What one run did, counted by action; also used for running totals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCounts {
    /// Exchange changes listed.
    pub listed: u64,
    /// Items created in Exchange.
    pub exchange_created: u64,
    /// Items updated in Exchange.
    pub exchange_updated: u64,
    /// Items deleted in Exchange.
    pub exchange_deleted: u64,
    /// New records queued for the application.
    pub app_created: u64,
    /// Changed records queued for the application.
    pub app_updated: u64,
    /// Deletions queued for the application.
    pub app_deleted: u64,
    /// Records linked by matching (first sync, reset).
    pub matched: u64,
    /// Creates whose answer was lost, found again by their tag.
    pub recovered: u64,
    /// Conflicts decided.
    pub conflicts: u64,
    /// Changes not acted on (see the report's reasons).
    pub skipped: u64,
    /// Records whose Exchange write failed (their changes stay queued).
    pub failed: u64,
}

impl RunCounts {
    /// The counts of a sync report.
    pub fn of(report: &SyncReport) -> Self {
        let n = |v: usize| v as u64;
        RunCounts {
            listed: n(report.listed),
            exchange_created: n(report.created),
            exchange_updated: n(report.updated),
            exchange_deleted: n(report.deleted),
            app_created: n(report.app_created),
            app_updated: n(report.app_updated),
            app_deleted: n(report.app_deleted),
            matched: n(report.matched),
            recovered: n(report.recovered),
            conflicts: n(report.conflicts.len()),
            skipped: n(report.skipped.len()),
            failed: n(report.failures.len()),
        }
    }

    /// Adds `other` to these counts (saturating).
    pub fn add(&mut self, other: &RunCounts) {
        let RunCounts {
            listed,
            exchange_created,
            exchange_updated,
            exchange_deleted,
            app_created,
            app_updated,
            app_deleted,
            matched,
            recovered,
            conflicts,
            skipped,
            failed,
        } = other;
        self.listed = self.listed.saturating_add(*listed);
        self.exchange_created = self.exchange_created.saturating_add(*exchange_created);
        self.exchange_updated = self.exchange_updated.saturating_add(*exchange_updated);
        self.exchange_deleted = self.exchange_deleted.saturating_add(*exchange_deleted);
        self.app_created = self.app_created.saturating_add(*app_created);
        self.app_updated = self.app_updated.saturating_add(*app_updated);
        self.app_deleted = self.app_deleted.saturating_add(*app_deleted);
        self.matched = self.matched.saturating_add(*matched);
        self.recovered = self.recovered.saturating_add(*recovered);
        self.conflicts = self.conflicts.saturating_add(*conflicts);
        self.skipped = self.skipped.saturating_add(*skipped);
        self.failed = self.failed.saturating_add(*failed);
    }

    /// Items written on either side (Exchange writes and deliveries to the application).
    pub fn written(&self) -> u64 {
        self.exchange_created
            + self.exchange_updated
            + self.exchange_deleted
            + self.app_created
            + self.app_updated
            + self.app_deleted
    }
}

/// The stable kind of a sync failure; its text ([`FailureKind::as_str`]) never changes meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The state store failed.
    Store,
    /// The user is not enrolled.
    NotEnrolled,
    /// A change was reported under the wrong object kind.
    WrongKind,
    /// The empty-side guard stopped the run.
    EmptySide,
    /// The policy says the host decides a conflict, but no resolver is set.
    NoResolver,
    /// The host's resolver merged into a record of the other kind.
    ResolverWrongKind,
    /// A request's answer was lost; it may have been applied.
    Ambiguous,
    /// The mailbox no longer knew the sync cursor.
    InvalidCursor,
    /// An item changed on the server since it was read.
    StaleChangeKey,
    /// An item does not exist on the server.
    NotFound,
    /// The server refused the content.
    Rejected,
    /// A passing failure (throttled, server busy, network): the next sync retries.
    Transient,
    /// The service account may not act on the mailbox.
    Denied,
    /// The backend cannot do what was asked.
    Unsupported,
    /// The run stopped on an internal fault (a panic); a bug to report.
    Internal,
    /// Exchange answered with an error code that has no more specific kind; the code is kept.
    Exchange,
}

impl FailureKind {
    /// Every kind.
    pub const ALL: [FailureKind; 16] = [
        FailureKind::Store,
        FailureKind::NotEnrolled,
        FailureKind::WrongKind,
        FailureKind::EmptySide,
        FailureKind::NoResolver,
        FailureKind::ResolverWrongKind,
        FailureKind::Ambiguous,
        FailureKind::InvalidCursor,
        FailureKind::StaleChangeKey,
        FailureKind::NotFound,
        FailureKind::Rejected,
        FailureKind::Transient,
        FailureKind::Denied,
        FailureKind::Unsupported,
        FailureKind::Internal,
        FailureKind::Exchange,
    ];

    /// The kind as stored (`snake_case`).
    pub fn as_str(&self) -> &'static str {
        match self {
            FailureKind::Store => "store",
            FailureKind::NotEnrolled => "not_enrolled",
            FailureKind::WrongKind => "wrong_kind",
            FailureKind::EmptySide => "empty_side",
            FailureKind::NoResolver => "no_resolver",
            FailureKind::ResolverWrongKind => "resolver_wrong_kind",
            FailureKind::Ambiguous => "ambiguous",
            FailureKind::InvalidCursor => "invalid_cursor",
            FailureKind::StaleChangeKey => "stale_change_key",
            FailureKind::NotFound => "not_found",
            FailureKind::Rejected => "rejected",
            FailureKind::Transient => "transient",
            FailureKind::Denied => "denied",
            FailureKind::Unsupported => "unsupported",
            FailureKind::Internal => "internal",
            FailureKind::Exchange => "exchange",
        }
    }

    /// The kind named by [`FailureKind::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        FailureKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind of a backend failure.
    pub fn of_backend(e: &BackendError) -> Self {
        match e {
            BackendError::Ambiguous { .. } => FailureKind::Ambiguous,
            BackendError::InvalidCursor { .. } => FailureKind::InvalidCursor,
            BackendError::StaleChangeKey { .. } => FailureKind::StaleChangeKey,
            BackendError::NotFound { .. } => FailureKind::NotFound,
            BackendError::Rejected { .. } => FailureKind::Rejected,
            BackendError::Transient { .. } => FailureKind::Transient,
            BackendError::Denied { .. } => FailureKind::Denied,
            BackendError::Unsupported { .. } => FailureKind::Unsupported,
            BackendError::Exchange { .. } => FailureKind::Exchange,
        }
    }

    /// The kind of a sync failure.
    pub fn of_sync(e: &SyncError) -> Self {
        match e {
            SyncError::Store(StoreError::NotEnrolled { .. }) | SyncError::NotEnrolled { .. } => {
                FailureKind::NotEnrolled
            }
            SyncError::Store(_) | SyncError::StatusNotRecorded { .. } => FailureKind::Store,
            SyncError::Listing { source, .. } => FailureKind::of_backend(source),
            SyncError::Plan(PlanError::EmptySide { .. }) => FailureKind::EmptySide,
            SyncError::Plan(PlanError::NoResolver { .. }) => FailureKind::NoResolver,
            SyncError::Plan(PlanError::WrongKind { .. }) => FailureKind::ResolverWrongKind,
            SyncError::WrongKind { .. } => FailureKind::WrongKind,
            SyncError::Internal { .. } => FailureKind::Internal,
        }
    }
}

/// A failure as the status keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunError {
    /// Its stable kind.
    pub kind: FailureKind,
    /// The server's error code, when there was one (EWS: the `ResponseCode`, e.g.
    /// `ErrorServerBusy`).
    pub code: Option<String>,
    /// What happened and what to do, for people (no secrets; at most [`MAX_MESSAGE_LEN`] bytes).
    pub message: String,
    /// When.
    pub at: DateTime<Utc>,
}

impl RunError {
    /// A failed run's error.
    pub fn of_sync(e: &SyncError, at: DateTime<Utc>) -> Self {
        let code = match e {
            SyncError::Listing { source, .. } => source.server_code().map(str::to_owned),
            _ => None,
        };
        RunError { kind: FailureKind::of_sync(e), code, message: bounded(e.to_string()), at }
    }

    /// The error kept for a run that committed but could not write some records: the first
    /// failure's kind and code, and how many failed.
    pub fn of_failures(report: &SyncReport, at: DateTime<Utc>) -> Option<Self> {
        let first = report.failures.first()?;
        let n = report.failures.len();
        let message = if n == 1 {
            format!("record {} could not be written: {}", first.app_id, first.error)
        } else {
            format!("{n} records could not be written; the first, {}: {}", first.app_id, first.error)
        };
        Some(RunError {
            kind: FailureKind::of_backend(&first.error),
            code: first.error.server_code().map(str::to_owned),
            message: bounded(message),
            at,
        })
    }

    /// An internal fault (a panic) that stopped a run.
    pub fn internal(message: impl Into<String>, at: DateTime<Utc>) -> Self {
        RunError { kind: FailureKind::Internal, code: None, message: bounded(message.into()), at }
    }
}

/// Cuts `s` to at most [`MAX_MESSAGE_LEN`] bytes, at a character boundary.
fn bounded(mut s: String) -> String {
    if s.len() > MAX_MESSAGE_LEN {
        let mut cut = MAX_MESSAGE_LEN - '…'.len_utf8();
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// How one run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    /// The run committed (some records may have failed: see `item_error`).
    Synced {
        /// What it did.
        counts: RunCounts,
        /// The first record failure of the run, if any.
        item_error: Option<RunError>,
    },
    /// The run failed; nothing was committed.
    Failed(RunError),
}

impl RunOutcome {
    /// The outcome of a finished run.
    pub fn of(result: &Result<SyncReport, SyncError>, at: DateTime<Utc>) -> Self {
        match result {
            Ok(r) => RunOutcome::Synced { counts: RunCounts::of(r), item_error: RunError::of_failures(r, at) },
            Err(e) => RunOutcome::Failed(RunError::of_sync(e, at)),
        }
    }
}

/// What the engine records after a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    /// When the run ended.
    pub at: DateTime<Utc>,
    /// How.
    pub outcome: RunOutcome,
}

/// The sync status of one user and object kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// Whose.
    pub user: UserId,
    /// Which kind.
    pub kind: ObjectKind,
    /// When the last run ended, successful or not.
    pub last_attempt: Option<DateTime<Utc>>,
    /// When the last run that committed ended.
    pub last_success: Option<DateTime<Utc>>,
    /// What the last run that committed did.
    pub last_run: Option<RunCounts>,
    /// Everything done since the user was enrolled (all committed runs).
    pub totals: RunCounts,
    /// The last error (of a failed run, or the first record failure of a run that committed). It
    /// is kept after later successes; compare its time with `last_success`.
    pub last_error: Option<RunError>,
    /// Failed runs since the last run that committed.
    pub consecutive_failures: u32,
}

impl SyncStatus {
    /// The status of a user and kind never synced.
    pub fn never(user: UserId, kind: ObjectKind) -> Self {
        SyncStatus {
            user,
            kind,
            last_attempt: None,
            last_success: None,
            last_run: None,
            totals: RunCounts::default(),
            last_error: None,
            consecutive_failures: 0,
        }
    }

    /// Folds a run into the status.
    pub fn apply(&mut self, run: &RunRecord) {
        self.last_attempt = Some(run.at);
        match &run.outcome {
            RunOutcome::Synced { counts, item_error } => {
                self.last_success = Some(run.at);
                self.last_run = Some(*counts);
                self.totals.add(counts);
                self.consecutive_failures = 0;
                if let Some(e) = item_error {
                    self.last_error = Some(e.clone());
                }
            }
            RunOutcome::Failed(e) => {
                self.last_error = Some(e.clone());
                self.consecutive_failures = self.consecutive_failures.saturating_add(1);
            }
        }
    }

    /// Whether the last run failed.
    pub fn is_failing(&self) -> bool {
        self.consecutive_failures > 0
    }
}

/// Counts the deliveries of a commit: (new records, changed records, deletions), a record being
/// new when it was not linked before the run.
pub(crate) fn count_deliveries<'a>(
    deliveries: impl IntoIterator<Item = &'a (super::record::AppId, Delivery)>,
    was_linked: impl Fn(&super::record::AppId) -> bool,
) -> (usize, usize, usize) {
    let (mut created, mut updated, mut deleted) = (0, 0, 0);
    for (id, d) in deliveries {
        match d {
            Delivery::Upsert(_) if was_linked(id) => updated += 1,
            Delivery::Upsert(_) => created += 1,
            Delivery::Delete => deleted += 1,
        }
    }
    (created, updated, deleted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 5, h, 0, 0).unwrap()
    }

    fn err(h: u32) -> RunError {
        RunError {
            kind: FailureKind::Transient,
            code: Some("ErrorServerBusy".into()),
            message: "busy".into(),
            at: at(h),
        }
    }

    #[test]
    fn apply_tracks_success_failure_and_totals() {
        let mut s = SyncStatus::never(UserId::new("a@x"), ObjectKind::Contacts);
        let counts = RunCounts { exchange_created: 2, app_deleted: 1, ..RunCounts::default() };
        s.apply(&RunRecord { at: at(1), outcome: RunOutcome::Synced { counts, item_error: None } });
        s.apply(&RunRecord { at: at(2), outcome: RunOutcome::Failed(err(2)) });
        s.apply(&RunRecord { at: at(3), outcome: RunOutcome::Failed(err(3)) });
        assert_eq!(s.consecutive_failures, 2);
        assert!(s.is_failing());
        assert_eq!(s.last_success, Some(at(1)));
        assert_eq!(s.last_attempt, Some(at(3)));
        assert_eq!(s.last_error.as_ref().map(|e| e.at), Some(at(3)));
        s.apply(&RunRecord { at: at(4), outcome: RunOutcome::Synced { counts, item_error: None } });
        assert_eq!(s.consecutive_failures, 0);
        assert_eq!(s.totals.exchange_created, 4);
        assert_eq!(s.totals.app_deleted, 2);
        assert_eq!(s.last_run, Some(counts));
        // The last error stays, older than the last success.
        assert_eq!(s.last_error.as_ref().map(|e| e.at), Some(at(3)));
    }

    #[test]
    fn kinds_round_trip_and_messages_are_bounded() {
        for k in FailureKind::ALL {
            assert_eq!(FailureKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), serde_json::Value::String(k.as_str().into()));
        }
        assert_eq!(FailureKind::parse("nope"), None);
        let long = "é".repeat(MAX_MESSAGE_LEN);
        let e = RunError::internal(long, at(1));
        assert!(e.message.len() <= MAX_MESSAGE_LEN, "{}", e.message.len());
    }
}
