//! [`Fleet`]: syncs every enrolled user, many at once within the engine's [`SyncLimits`](super::SyncLimits), with
//! progress events for a progress bar. One user's failure is recorded in that user's status and
//! reported in the summary while the others go on; a panic in one user's sync is caught the same
//! way.
//!
//! ```
//! # #[cfg(feature = "memory-backend")] {
//! use std::sync::{Arc, mpsc};
//! use exsync::backend::memory::MemoryMailbox;
//! use exsync::store::MemoryStore;
//! use exsync::sync::{Fleet, SyncEngine, SyncLimits, SyncProgress, UserId, UserSettings};
//!
//! # tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap().block_on(async {
//! let (tx, rx) = mpsc::channel();
//! let limits = SyncLimits { per_service_account: 4.try_into().unwrap(), ..SyncLimits::default() };
//! let engine = SyncEngine::new(MemoryStore::new(), MemoryMailbox::new())
//!     .with_limits(limits)
//!     .with_progress(move |p: &SyncProgress| drop(tx.send(p.clone())));
//! for name in ["alice", "bob", "carol"] {
//!     engine.enrol(&UserId::new(format!("{name}@contoso.com")), &UserSettings::default()).unwrap();
//! }
//!
//! let fleet = Fleet::new(Arc::new(engine));
//! let summary = fleet.sync_all().await.unwrap();
//! assert_eq!((summary.users.len(), summary.failed_users()), (3, 0));
//!
//! // A progress bar counts users done; every event is plain data that serializes to JSON.
//! let done = rx.try_iter().filter(|p| matches!(p, SyncProgress::UserDone { .. })).count();
//! assert_eq!(done, 3);
//! // Each user's status: last successful sync, counts, last error.
//! let status = fleet.engine().status(&UserId::new("bob@contoso.com")).unwrap();
//! assert!(status.iter().all(|s| s.last_success.is_some() && s.last_error.is_none()));
//! # });
//! # }
//! ```

use std::collections::HashMap;
use std::sync::Arc;

use tokio::task::{JoinError, JoinSet};

use super::engine::{SyncEngine, SyncError, SyncReport};
use super::progress::{FolderOutcome, KindOutcome, SyncProgress};
use super::record::{ObjectKind, UserId};
use super::settings::Direction;
use super::status::{RunCounts, RunError, RunOutcome, RunRecord};
use crate::backend::MailboxBackend;
use crate::store::StateStore;

/// How one user's sync in a fleet run ended.
#[derive(Debug)]
pub struct UserOutcome {
    /// Who.
    pub user: UserId,
    /// Each kind synced (per the user's settings; a kind whose direction is `None` is left out)
    /// and its result.
    pub results: Vec<(ObjectKind, Result<SyncReport, SyncError>)>,
}

impl UserOutcome {
    /// Whether any kind failed.
    pub fn failed(&self) -> bool {
        self.results.iter().any(|(_, r)| r.is_err())
    }
}

/// What a fleet run did.
#[derive(Debug)]
pub struct FleetSummary {
    /// Every user synced, in address order.
    pub users: Vec<UserOutcome>,
    /// Everything the committed runs did, all users together.
    pub totals: RunCounts,
}

impl FleetSummary {
    /// Users with at least one failed kind.
    pub fn failed_users(&self) -> usize {
        self.users.iter().filter(|u| u.failed()).count()
    }

    /// The failed runs: user, kind and error.
    pub fn failures(&self) -> impl Iterator<Item = (&UserId, ObjectKind, &SyncError)> {
        self.users
            .iter()
            .flat_map(|u| u.results.iter().filter_map(move |(k, r)| r.as_ref().err().map(|e| (&u.user, *k, e))))
    }
}

/// Syncs many users with one engine (one service account). Users run concurrently, at most
/// [`SyncLimits::per_service_account`](super::SyncLimits) at once; a user's kinds run one after
/// the other, or side by side when [`SyncLimits::per_mailbox`](super::SyncLimits) allows it.
/// Sync runs are spawned on the current tokio runtime, so a multi-threaded runtime uses every
/// core.
pub struct Fleet<S, B> {
    engine: Arc<SyncEngine<S, B>>,
}

impl<S, B> Clone for Fleet<S, B> {
    fn clone(&self) -> Self {
        Fleet { engine: self.engine.clone() }
    }
}

impl<S: StateStore + 'static, B: MailboxBackend + 'static> Fleet<S, B> {
    /// A fleet runner over `engine`.
    pub fn new(engine: Arc<SyncEngine<S, B>>) -> Self {
        Fleet { engine }
    }

    /// The engine.
    pub fn engine(&self) -> &Arc<SyncEngine<S, B>> {
        &self.engine
    }

    /// Syncs every enrolled user (each kind their settings sync). Fails only when the list of
    /// users cannot be read; every user's own failure is in the summary and in their status.
    pub async fn sync_all(&self) -> Result<FleetSummary, SyncError> {
        let users = self.engine.store().users()?;
        Ok(self.sync_users(users).await)
    }

    /// Syncs the given users (as [`Fleet::sync_all`] does; a user named twice is synced once, a
    /// user not enrolled fails with [`SyncError::NotEnrolled`]).
    pub async fn sync_users(&self, mut users: Vec<UserId>) -> FleetSummary {
        users.sort();
        users.dedup();
        let total = users.len();
        self.engine.emit(|| SyncProgress::FleetStarted { users: total });
        let at_once = self.engine.limits().per_service_account.get();
        let mut waiting = users.into_iter();
        let mut running: JoinSet<UserOutcome> = JoinSet::new();
        let mut whose: HashMap<tokio::task::Id, UserId> = HashMap::new();
        let mut done: Vec<UserOutcome> = Vec::with_capacity(total);
        loop {
            while running.len() < at_once {
                let Some(user) = waiting.next() else { break };
                let fleet = self.clone();
                let handle = running.spawn({
                    let user = user.clone();
                    async move { fleet.sync_one(user).await }
                });
                whose.insert(handle.id(), user);
            }
            let Some(joined) = running.join_next_with_id().await else { break };
            let outcome = match joined {
                Ok((id, outcome)) => {
                    whose.remove(&id);
                    outcome
                }
                // Every sync runs in its own task and progress callbacks are guarded, so this is
                // a bug; the user is reported failed.
                Err(e) => {
                    let user = whose.remove(&e.id()).unwrap_or_else(|| UserId::new("?"));
                    let message = format!("the fleet task of {user} stopped ({e}); this is a bug in exsync");
                    let results = ObjectKind::ALL
                        .into_iter()
                        .map(|kind| {
                            (kind, Err(SyncError::Internal { user: user.clone(), kind, message: message.clone() }))
                        })
                        .collect();
                    UserOutcome { user, results }
                }
            };
            let users_done = done.len() + 1;
            self.engine.emit(|| SyncProgress::UserDone {
                user: outcome.user.clone(),
                outcomes: outcome
                    .results
                    .iter()
                    .map(|(k, r)| KindOutcome { kind: *k, outcome: shown(r, self.engine.now()) })
                    .collect(),
                users_done,
                users_total: total,
            });
            done.push(outcome);
        }
        done.sort_by(|a, b| a.user.cmp(&b.user));
        let mut totals = RunCounts::default();
        for r in done.iter().flat_map(|u| u.results.iter()) {
            if let (_, Ok(report)) = r {
                totals.add(&RunCounts::of(report));
            }
        }
        let summary = FleetSummary { users: done, totals };
        let failed_users = summary.failed_users();
        self.engine.emit(|| SyncProgress::AllDone { users: total, failed_users, totals });
        summary
    }

    /// Syncs one user's kinds.
    async fn sync_one(&self, user: UserId) -> UserOutcome {
        self.engine.emit(|| SyncProgress::UserStarted { user: user.clone() });
        let kinds: Vec<ObjectKind> = match self.engine.store().user_settings(&user) {
            Ok(Some(s)) => ObjectKind::ALL.into_iter().filter(|k| s.sync(*k).direction != Direction::None).collect(),
            // Not enrolled (or removed meanwhile), or the store failed: the engine reports it for
            // each kind.
            Ok(None) | Err(_) => ObjectKind::ALL.to_vec(),
        };
        let mut results = Vec::with_capacity(kinds.len());
        if self.engine.limits().per_mailbox.get() > 1 {
            let handles: Vec<_> = kinds.iter().map(|k| (*k, self.spawn_kind(&user, *k))).collect();
            for (kind, h) in handles {
                results.push((kind, self.joined(&user, kind, h.await)));
            }
        } else {
            for kind in kinds {
                let joined = self.spawn_kind(&user, kind).await;
                results.push((kind, self.joined(&user, kind, joined)));
            }
        }
        UserOutcome { user, results }
    }

    /// Runs one kind's sync in its own task, so a panic stops only that sync.
    fn spawn_kind(&self, user: &UserId, kind: ObjectKind) -> tokio::task::JoinHandle<Result<SyncReport, SyncError>> {
        let engine = self.engine.clone();
        let user = user.clone();
        tokio::spawn(async move { engine.sync(&user, kind).await })
    }

    /// A kind's result; a panic is recorded in the status as an internal failure and reported.
    fn joined(
        &self,
        user: &UserId,
        kind: ObjectKind,
        joined: Result<Result<SyncReport, SyncError>, JoinError>,
    ) -> Result<SyncReport, SyncError> {
        let e = match joined {
            Ok(result) => return result,
            Err(e) => e,
        };
        let what = if e.is_panic() { "panicked" } else { "was cancelled" };
        let at = self.engine.now();
        let error = RunError::internal(format!("the {kind} sync of {user} {what}; this is a bug in exsync"), at);
        let record = RunRecord { at, outcome: RunOutcome::Failed(error.clone()) };
        // Best effort: the failure is returned either way.
        let _ = self.engine.store().record_run(user, kind, &record);
        self.engine.emit(|| SyncProgress::FolderDone {
            user: user.clone(),
            kind,
            outcome: FolderOutcome::Failed(error.clone()),
        });
        Err(SyncError::Internal { user: user.clone(), kind, message: error.message })
    }
}

/// A kind's result as progress data.
fn shown(r: &Result<SyncReport, SyncError>, at: chrono::DateTime<chrono::Utc>) -> FolderOutcome {
    match r {
        Ok(report) => FolderOutcome::Synced(RunCounts::of(report)),
        Err(SyncError::Internal { message, .. }) => FolderOutcome::Failed(RunError::internal(message.clone(), at)),
        Err(e) => FolderOutcome::Failed(RunError::of_sync(e, at)),
    }
}
