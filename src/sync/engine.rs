//! [`SyncEngine`]: the thin async driver around the pure planner. The application reports its
//! changes ([`SyncEngine::report`]), runs [`SyncEngine::sync`] (list Exchange's changes → plan →
//! execute in batches → commit in one store transaction), then applies what
//! [`SyncEngine::pending`] returns and acknowledges each entry ([`SyncEngine::ack`]).
//!
//! ```
//! # #[cfg(feature = "memory-backend")] {
//! use chrono::{TimeZone, Utc};
//! use exsync::backend::memory::MemoryMailbox;
//! use exsync::store::{AppChange, Delivery, MemoryStore};
//! use exsync::sync::{AppId, Contact, ObjectKind, Record, SyncEngine, UserId, UserSettings};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let engine = SyncEngine::new(MemoryStore::new(), MemoryMailbox::new());
//! let alice = UserId::new("alice@contoso.com");
//! engine.enrol(&alice, &UserSettings::default()).unwrap();
//!
//! let ann = Record::from(Contact { given_name: Some("Ann".into()), ..Contact::default() });
//! engine.report(&alice, ObjectKind::Contacts, AppChange::upsert(AppId::new("crm-1"), ann, Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap())).unwrap();
//! let report = engine.sync(&alice, ObjectKind::Contacts).await.unwrap();
//! assert_eq!(report.created, 1);
//! assert!(engine.pending(&alice, 10).unwrap().is_empty()); // nothing came from Exchange
//! # });
//! # }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::conflict::ConflictResolver;
use super::executor::{Executor, Failure};
use super::limits::{SyncGates, SyncLimits};
use super::plan::{ConflictOutcome, Plan, PlanError, PlanInput, PlanMode, Skip};
use super::planner;
use super::progress::{FolderOutcome, FolderProgress, ProgressSink, SyncProgress};
use super::record::{AppId, ObjectKind, UserId};
use super::settings::UserSettings;
use super::status::{RunError, RunOutcome, RunRecord, SyncStatus, count_deliveries};
use crate::backend::{BackendError, Cursor, FolderScope, MAX_BATCH, MailboxBackend, RemoteChange};
use crate::store::{AckOutcome, AppChange, AppOp, InboxEntry, Mapping, StateStore, StoreError};

/// What a sync run can fail with. Nothing is committed when it fails, except with
/// [`SyncError::StatusNotRecorded`].
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The state store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Listing Exchange's changes failed.
    #[error("listing the {kind} changes of {user} failed: {source}")]
    Listing {
        /// Whose mailbox.
        user: UserId,
        /// Which folder.
        kind: ObjectKind,
        /// The backend's error.
        #[source]
        source: BackendError,
    },
    /// No plan could be made (the empty-side guard, a missing conflict resolver).
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The user is not enrolled.
    #[error("{user} is not enrolled; enrol the user first")]
    NotEnrolled {
        /// Who.
        user: UserId,
    },
    /// The run committed (its changes are safe and the report says what it did), but its status
    /// could not be recorded.
    #[error("the {} sync of {} committed, but its status could not be recorded: {source}", report.kind, report.user)]
    StatusNotRecorded {
        /// What the run did.
        report: Box<SyncReport>,
        /// The store's error.
        #[source]
        source: StoreError,
    },
    /// The run stopped on an internal fault (a panic, caught by a [`Fleet`](super::Fleet) run).
    #[error("{message}")]
    Internal {
        /// Whose sync.
        user: UserId,
        /// Which kind.
        kind: ObjectKind,
        /// What happened.
        message: String,
    },
    /// A change reported under the wrong kind.
    #[error("a {got} record was reported as {expected} for {user}; report it under its own kind")]
    WrongKind {
        /// Whose record.
        user: UserId,
        /// The kind it was reported under.
        expected: ObjectKind,
        /// Its kind.
        got: ObjectKind,
    },
}

/// What one sync run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// Whose records.
    pub user: UserId,
    /// Which kind.
    pub kind: ObjectKind,
    /// Incremental, full (first sync or lost cursor) or rebuild.
    pub mode: PlanMode,
    /// Exchange changes listed.
    pub listed: usize,
    /// Items created in Exchange.
    pub created: usize,
    /// Items updated in Exchange.
    pub updated: usize,
    /// Items deleted in Exchange.
    pub deleted: usize,
    /// Changes queued for the application (`app_created + app_updated + app_deleted`).
    pub delivered: usize,
    /// Of those, records new to the application.
    pub app_created: usize,
    /// Of those, changes of records the application had.
    pub app_updated: usize,
    /// Of those, deletions.
    pub app_deleted: usize,
    /// Records linked by matching.
    pub matched: usize,
    /// Creates whose answer was lost, found again by their tag.
    pub recovered: usize,
    /// Conflicts and how they were decided.
    pub conflicts: Vec<ConflictOutcome>,
    /// Changes not acted on, with the reason.
    pub skipped: Vec<Skip>,
    /// Records whose Exchange write failed; their changes stay queued for the next sync.
    pub failures: Vec<Failure>,
}

impl SyncReport {
    /// Adds a follow-up round's counts and lists to this report.
    fn absorb(&mut self, next: SyncReport) {
        self.listed += next.listed;
        self.created += next.created;
        self.updated += next.updated;
        self.deleted += next.deleted;
        self.delivered += next.delivered;
        self.app_created += next.app_created;
        self.app_updated += next.app_updated;
        self.app_deleted += next.app_deleted;
        self.matched += next.matched;
        self.recovered += next.recovered;
        self.conflicts.extend(next.conflicts);
        self.skipped.extend(next.skipped);
        self.failures.extend(next.failures);
    }
}

/// The sync engine over a state store and a mailbox backend.
pub struct SyncEngine<S, B> {
    store: S,
    backend: B,
    resolver: Option<Arc<dyn ConflictResolver>>,
    clock: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
    page_size: usize,
    batch_size: usize,
    progress: Option<ProgressSink>,
    gates: Arc<SyncGates>,
}

impl<S: StateStore, B: MailboxBackend> SyncEngine<S, B> {
    /// An engine with the system clock, no conflict resolver, pages of 256 changes, batches of
    /// [`MAX_BATCH`] items, the default [`SyncLimits`] and no progress callback.
    pub fn new(store: S, backend: B) -> Self {
        SyncEngine {
            store,
            backend,
            resolver: None,
            clock: Arc::new(|| DateTime::<Utc>::from(std::time::SystemTime::now())),
            page_size: 256,
            batch_size: MAX_BATCH,
            progress: None,
            gates: SyncGates::new(SyncLimits::default()),
        }
    }

    /// Sets the host's conflict resolver (for [`ConflictPolicy::HostDecides`](super::ConflictPolicy)).
    pub fn with_resolver(mut self, resolver: impl ConflictResolver + 'static) -> Self {
        self.resolver = Some(Arc::new(resolver));
        self
    }

    /// Sets the clock (the event window is computed from it).
    pub fn with_clock(mut self, clock: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Sets how many changes one listing call asks for, and how many items one write call carries
    /// (at most [`MAX_BATCH`]).
    pub fn with_sizes(mut self, page_size: usize, batch_size: usize) -> Self {
        self.page_size = page_size.max(1);
        self.batch_size = batch_size.clamp(1, MAX_BATCH);
        self
    }

    /// Sets how many sync runs go at once (see [`SyncLimits`]). Set it before syncing.
    pub fn with_limits(mut self, limits: SyncLimits) -> Self {
        self.gates = SyncGates::new(limits);
        self
    }

    /// Sets the callback that receives [`SyncProgress`] events (a progress bar, a channel).
    pub fn with_progress(mut self, progress: impl Fn(&SyncProgress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> SyncLimits {
        self.gates.limits()
    }

    /// Sends a progress event to the callback, if one is set.
    pub(crate) fn emit(&self, event: impl FnOnce() -> SyncProgress) {
        if let Some(sink) = &self.progress {
            super::progress::deliver(sink, &event());
        }
    }

    /// The clock's time.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// The sync status of an enrolled user, one per object kind (kinds never synced show no
    /// attempt).
    pub fn status(&self, user: &UserId) -> Result<Vec<SyncStatus>, SyncError> {
        if self.store.user_settings(user)?.is_none() {
            return Err(SyncError::NotEnrolled { user: user.clone() });
        }
        let mut out = Vec::new();
        for kind in ObjectKind::ALL {
            out.push(self.store.status(user, kind)?.unwrap_or_else(|| SyncStatus::never(user.clone(), kind)));
        }
        Ok(out)
    }

    /// The sync status of every enrolled user, by address then object kind.
    pub fn statuses(&self) -> Result<Vec<SyncStatus>, SyncError> {
        let mut stored: BTreeMap<(UserId, ObjectKind), SyncStatus> =
            self.store.statuses()?.into_iter().map(|s| ((s.user.clone(), s.kind), s)).collect();
        let mut out = Vec::new();
        for user in self.store.users()? {
            for kind in ObjectKind::ALL {
                let key = (user.clone(), kind);
                out.push(stored.remove(&key).unwrap_or_else(|| SyncStatus::never(user.clone(), kind)));
            }
        }
        Ok(out)
    }

    /// The state store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The mailbox backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// Enrols a user (or replaces their settings).
    pub fn enrol(&self, user: &UserId, settings: &UserSettings) -> Result<(), SyncError> {
        Ok(self.store.enrol(user, settings)?)
    }

    /// Queues a change of the application's, durably; its outbox position.
    pub fn report(&self, user: &UserId, kind: ObjectKind, change: AppChange) -> Result<u64, SyncError> {
        if let AppOp::Upsert(r) = &change.op {
            if r.kind() != kind {
                return Err(SyncError::WrongKind { user: user.clone(), expected: kind, got: r.kind() });
            }
        }
        match self.store.push_app_change(user, kind, &change) {
            Err(StoreError::NotEnrolled { user }) => Err(SyncError::NotEnrolled { user }),
            other => Ok(other?),
        }
    }

    /// Up to `limit` changes for the application to apply, oldest first.
    pub fn pending(&self, user: &UserId, limit: usize) -> Result<Vec<InboxEntry>, SyncError> {
        Ok(self.store.inbox(user, None, limit)?)
    }

    /// Acknowledges an applied change, with the application's new version of the record.
    pub fn ack(&self, user: &UserId, seq: u64, app_version: Option<&str>) -> Result<AckOutcome, SyncError> {
        Ok(self.store.ack(user, seq, app_version)?)
    }

    /// Syncs one kind of one user: plan, execute, commit. When the round wrote to Exchange, a
    /// second round follows at once: it lists exsync's own writes (linking them at their new
    /// change keys) and moves the cursor past them, so that Exchange reports a later deletion of
    /// an item exsync created.
    pub async fn sync(&self, user: &UserId, kind: ObjectKind) -> Result<SyncReport, SyncError> {
        self.gated(user, kind, Run::Normal { force: false, full: false }).await
    }

    /// As [`SyncEngine::sync`], without the empty-side guard: for when the host confirmed that one
    /// side really was emptied.
    pub async fn sync_forced(&self, user: &UserId, kind: ObjectKind) -> Result<SyncReport, SyncError> {
        self.gated(user, kind, Run::Normal { force: true, full: false }).await
    }

    /// As [`SyncEngine::sync`], from a complete listing of the folder instead of the cursor: every
    /// linked item missing from it counts as deleted. Run it now and then (say daily) to catch what
    /// an incremental listing cannot report (an item exsync created and the user deleted before
    /// exsync listed again).
    pub async fn sync_full(&self, user: &UserId, kind: ObjectKind) -> Result<SyncReport, SyncError> {
        self.gated(user, kind, Run::Normal { force: false, full: true }).await
    }

    /// Runs a sync or a reset inside the gates (see [`SyncLimits`]), with progress events, and
    /// records its outcome in the user's status.
    async fn gated(&self, user: &UserId, kind: ObjectKind, run: Run) -> Result<SyncReport, SyncError> {
        let _permit = self.gates.enter(user, kind).await;
        let progress = FolderProgress::new(self.progress.as_ref(), user, kind);
        progress.started();
        let result = match run {
            Run::Normal { .. } => self.rounds(user, kind, run, &progress).await,
            Run::Rebuild | Run::Preview => self.run(user, kind, run, &progress).await.map(|(r, _)| r),
        };
        let (result, outcome) = self.record(user, kind, result);
        progress.done(outcome);
        result
    }

    /// Records a finished run in the user's status; the result to return and the outcome to
    /// report.
    fn record(
        &self,
        user: &UserId,
        kind: ObjectKind,
        result: Result<SyncReport, SyncError>,
    ) -> (Result<SyncReport, SyncError>, FolderOutcome) {
        let at = (self.clock)();
        let outcome = RunOutcome::of(&result, at);
        let shown = match &outcome {
            RunOutcome::Synced { counts, .. } => FolderOutcome::Synced(*counts),
            RunOutcome::Failed(e) => FolderOutcome::Failed(e.clone()),
        };
        let not_enrolled =
            matches!(result, Err(SyncError::NotEnrolled { .. } | SyncError::Store(StoreError::NotEnrolled { .. })));
        if not_enrolled {
            return (result, shown);
        }
        match (self.store.record_run(user, kind, &RunRecord { at, outcome }), result) {
            (Ok(_), result) => (result, shown),
            // Removed while syncing: nobody to keep a status for.
            (Err(StoreError::NotEnrolled { .. }), result) => (result, shown),
            (Err(source), Ok(report)) => {
                let e = SyncError::StatusNotRecorded { report: Box::new(report), source };
                let shown = FolderOutcome::Failed(RunError::of_sync(&e, at));
                (Err(e), shown)
            }
            // The run's own failure matters more.
            (Err(_), Err(e)) => (Err(e), shown),
        }
    }

    /// A round, then up to two follow-up rounds while the previous one wrote to Exchange.
    async fn rounds(
        &self,
        user: &UserId,
        kind: ObjectKind,
        run: Run,
        progress: &FolderProgress<'_>,
    ) -> Result<SyncReport, SyncError> {
        let (mut report, _) = self.run(user, kind, run, progress).await?;
        let mut wrote = report.created + report.updated + report.deleted > 0;
        for _ in 0..2 {
            if !wrote {
                break;
            }
            let (next, _) = self.run(user, kind, Run::Normal { force: false, full: false }, progress).await?;
            wrote = next.created + next.updated + next.deleted > 0;
            report.absorb(next);
        }
        Ok(report)
    }

    /// Syncs contacts, then events.
    pub async fn sync_user(&self, user: &UserId) -> Result<Vec<SyncReport>, SyncError> {
        let mut out = Vec::new();
        for kind in ObjectKind::ALL {
            out.push(self.sync(user, kind).await?);
        }
        Ok(out)
    }

    /// The plan a sync would execute now, without executing or committing anything.
    pub async fn dry_run(&self, user: &UserId, kind: ObjectKind) -> Result<Plan, SyncError> {
        let _permit = self.gates.enter(user, kind).await;
        let quiet = FolderProgress::new(None, user, kind);
        self.run(user, kind, Run::Preview, &quiet).await.map(|(_, p)| p)
    }

    /// Reset: forgets the id map and rebuilds it by matching the application's queued records
    /// (report every record first) against a full listing of the folder, by tag and by content.
    /// No data is touched on either side; unmatched records are reported (the application's stay
    /// queued, so the next sync creates them in Exchange). Map and cursor are replaced in one
    /// transaction.
    pub async fn reset(&self, user: &UserId, kind: ObjectKind) -> Result<SyncReport, SyncError> {
        self.gated(user, kind, Run::Rebuild).await
    }

    async fn run(
        &self,
        user: &UserId,
        kind: ObjectKind,
        run: Run,
        progress: &FolderProgress<'_>,
    ) -> Result<(SyncReport, Plan), SyncError> {
        let settings = self.store.user_settings(user)?.ok_or_else(|| SyncError::NotEnrolled { user: user.clone() })?;
        let sync = *settings.sync(kind);
        let scope = FolderScope { kind, contacts_folder: settings.contacts.folder.clone() };
        let now = (self.clock)();
        let window = (kind == ObjectKind::Events).then(|| settings.events.window.bounds(now));

        let from_scratch = matches!(run, Run::Rebuild | Run::Normal { full: true, .. });
        let stored_cursor = if from_scratch { None } else { self.store.cursor(user, kind)? };
        let mut mode = match (run, &stored_cursor) {
            (Run::Rebuild, _) => PlanMode::Rebuild,
            (_, None) => PlanMode::Full,
            (_, Some(_)) => PlanMode::Incremental,
        };
        let syncing = sync.direction.app_to_exchange() || sync.direction.exchange_to_app();
        let (changes, cursor) = if syncing {
            match self.list_all(user, &scope, stored_cursor.as_ref(), progress).await {
                Err(BackendError::InvalidCursor { .. }) if stored_cursor.is_some() => {
                    mode = PlanMode::Full;
                    self.list_all(user, &scope, None, progress).await
                }
                other => other,
            }
            .map_err(|source| SyncError::Listing { user: user.clone(), kind, source })?
        } else {
            (Vec::new(), None)
        };

        let app_changes = self.store.app_changes(user, kind)?;
        let mappings = self.store.mappings(user, kind)?;
        let mut changes = changes;
        if syncing && mode == PlanMode::Incremental {
            self.unreported(user, &scope, &mappings, &mut changes).await.map_err(|source| SyncError::Listing {
                user: user.clone(),
                kind,
                source,
            })?;
        }
        let pending: Vec<_> =
            self.store.inbox(user, Some(kind), usize::MAX)?.into_iter().map(|e| (e.app_id, e.delivery)).collect();
        let input = PlanInput {
            user,
            kind,
            settings: &sync,
            window,
            mode,
            app_changes: &app_changes,
            remote_changes: &changes,
            mappings: &mappings,
            pending: &pending,
            force: matches!(run, Run::Normal { force: true, .. }),
            resolver: self.resolver.as_deref(),
        };
        let plan = planner::plan(&input)?;
        let mut report = SyncReport {
            user: user.clone(),
            kind,
            mode,
            listed: changes.len(),
            created: 0,
            updated: 0,
            deleted: 0,
            delivered: 0,
            app_created: 0,
            app_updated: 0,
            app_deleted: 0,
            matched: plan.matched.len(),
            recovered: 0,
            conflicts: plan.conflicts.clone(),
            skipped: plan.skipped.clone(),
            failures: Vec::new(),
        };
        if run == Run::Preview {
            return Ok((report, plan));
        }
        progress.planned(plan.actions.len());

        let mut changed_at = BTreeMap::new();
        for e in &app_changes {
            changed_at.insert(e.change.app_id.clone(), e.change.changed_at);
        }
        let executor = Executor {
            backend: &self.backend,
            user,
            kind,
            scope: &scope,
            settings: &sync,
            resolver: self.resolver.as_deref(),
            changed_at: &changed_at,
            batch_size: self.batch_size,
            progress: &|n| progress.advanced(n),
        };
        let ex = executor.run(&plan, cursor).await;
        self.store.commit(user, kind, &ex.commit)?;
        progress.committed();
        let linked: BTreeSet<&AppId> = mappings.iter().map(|m| &m.app_id).collect();
        (report.app_created, report.app_updated, report.app_deleted) =
            count_deliveries(&ex.commit.deliveries, |id| linked.contains(id));
        report.created = ex.created;
        report.updated = ex.updated;
        report.deleted = ex.deleted;
        report.recovered = ex.recovered;
        report.delivered = ex.commit.deliveries.len();
        report.conflicts.extend(ex.conflicts);
        report.failures = ex.failures;
        Ok((report, plan))
    }

    /// Adds to an incremental listing what it cannot tell of items exsync created: the id map
    /// keeps such an item without change key until a listing reports it, and the cursor stored with
    /// it predates it, so a listing from that cursor reports it while it exists. One it does not
    /// report was created and removed since the cursor (Exchange reports nothing for such an item,
    /// e.g. when the follow-up round failed and the user deleted the new item before the next
    /// sync): each is read, and reported deleted if it is gone.
    async fn unreported(
        &self,
        user: &UserId,
        scope: &FolderScope,
        mappings: &[Mapping],
        changes: &mut Vec<RemoteChange>,
    ) -> Result<(), BackendError> {
        let listed: BTreeSet<&str> = changes.iter().map(RemoteChange::item_id).collect();
        let ids: Vec<String> = mappings
            .iter()
            .filter(|m| m.remote.change_key.is_none() && !listed.contains(m.remote.id.as_str()))
            .map(|m| m.remote.id.clone())
            .collect();
        for chunk in ids.chunks(self.batch_size) {
            let read = self.backend.read(user, scope, chunk).await?;
            for (id, r) in chunk.iter().zip(read) {
                match r {
                    Ok(item) => changes.push(RemoteChange::Upserted(item)),
                    Err(BackendError::NotFound { .. }) => changes.push(RemoteChange::Deleted { id: id.clone() }),
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }

    /// Every page of changes since `cursor`, by item (a later page's change of an item replaces an
    /// earlier one), and the final cursor.
    async fn list_all(
        &self,
        user: &UserId,
        scope: &FolderScope,
        cursor: Option<&Cursor>,
        progress: &FolderProgress<'_>,
    ) -> Result<(Vec<RemoteChange>, Option<Cursor>), BackendError> {
        let mut by_item: BTreeMap<String, RemoteChange> = BTreeMap::new();
        let mut at = cursor.cloned();
        loop {
            let page = self.backend.list_changes(user, scope, at.as_ref(), self.page_size).await?;
            progress.page(page.changes.len(), page.more);
            for c in page.changes {
                by_item.insert(c.item_id().to_owned(), c);
            }
            at = Some(page.cursor);
            if !page.more {
                break;
            }
        }
        Ok((by_item.into_values().collect(), at))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Normal { force: bool, full: bool },
    Preview,
    Rebuild,
}
