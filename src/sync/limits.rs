//! How many syncs one engine runs at once: [`SyncLimits`], enforced for every sync run of the
//! engine (a [`Fleet`](super::Fleet) run and direct calls alike).
//!
//! These bound *sync runs* (a user and an object kind: list, plan, write, commit). The requests
//! inside a run are bounded again by the transport's gates
//! ([`ConcurrencyLimits`](crate::transport::ConcurrencyLimits), per service account and per
//! mailbox, lowered when Exchange reports too many connections), and throttling (`ServerBusy`,
//! 503, 429) is retried by the transport; the engine does not duplicate either.
//!
//! Whatever the limits, one folder (a user and an object kind) is never synced twice at once: a
//! second run of it waits for the first to end.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tokio::sync::{OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

use super::record::{ObjectKind, UserId};

/// Bounds on the sync runs an engine runs at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncLimits {
    /// Sync runs at once for the service account, all mailboxes together.
    pub per_service_account: NonZeroUsize,
    /// Sync runs at once in one mailbox: 1 syncs a mailbox's contacts and events one after the
    /// other (a mailbox is never synced twice at once); 2 lets them run side by side.
    pub per_mailbox: NonZeroUsize,
}

impl Default for SyncLimits {
    /// 10 per service account (as the transport's default request limit, Exchange 2010's
    /// `EWSMaxConcurrency`; a run sends one request at a time), 1 per mailbox.
    fn default() -> Self {
        SyncLimits {
            per_service_account: NonZeroUsize::new(10).unwrap_or(NonZeroUsize::MIN),
            per_mailbox: NonZeroUsize::MIN,
        }
    }
}

/// The gates of one mailbox.
#[derive(Debug)]
struct MailboxGate {
    runs: Arc<Semaphore>,
    /// One lock per object kind, in [`ObjectKind::ALL`] order.
    folders: [Arc<tokio::sync::Mutex<()>>; 2],
}

/// The engine's gates: the service account's and each busy mailbox's.
#[derive(Debug)]
pub(crate) struct SyncGates {
    limits: SyncLimits,
    account: Arc<Semaphore>,
    /// Mailboxes with a run going or waiting, by lower-cased address; dropped when idle.
    mailboxes: Mutex<HashMap<String, Arc<MailboxGate>>>,
}

/// What a permit holds: the mailbox's gate, its folder lock and run slot, the account's slot
/// (the semaphores are never closed, so the slots are always there; `Option` only spares a
/// panic path).
type Held = (Arc<MailboxGate>, OwnedMutexGuard<()>, Option<OwnedSemaphorePermit>, Option<OwnedSemaphorePermit>);

/// The right to run one sync of a folder; released when dropped.
#[derive(Debug)]
pub(crate) struct RunPermit {
    gates: Arc<SyncGates>,
    key: String,
    held: Option<Held>,
}

/// A limit as semaphore permits (a limit beyond what a semaphore can hold is as good as none).
fn permits(limit: std::num::NonZeroUsize) -> usize {
    limit.get().min(Semaphore::MAX_PERMITS)
}

impl SyncGates {
    pub(crate) fn new(limits: SyncLimits) -> Arc<Self> {
        Arc::new(SyncGates {
            limits,
            account: Arc::new(Semaphore::new(permits(limits.per_service_account))),
            mailboxes: Mutex::new(HashMap::new()),
        })
    }

    pub(crate) fn limits(&self) -> SyncLimits {
        self.limits
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<MailboxGate>>> {
        self.mailboxes.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until `user`'s `kind` folder is free and both the mailbox and the service account
    /// have room: the folder lock first, then the mailbox's run slot, then the account's (a
    /// holder of an account slot waits for nothing else, so this cannot deadlock).
    pub(crate) async fn enter(self: &Arc<Self>, user: &UserId, kind: ObjectKind) -> RunPermit {
        let key = user.as_str().to_lowercase();
        let gate = self
            .map()
            .entry(key.clone())
            .or_insert_with(|| {
                Arc::new(MailboxGate {
                    runs: Arc::new(Semaphore::new(permits(self.limits.per_mailbox))),
                    folders: [Arc::default(), Arc::default()],
                })
            })
            .clone();
        // From here on, dropping the permit (even half built, if the caller gives up waiting)
        // removes the mailbox's entry once nobody uses it.
        let mut permit = RunPermit { gates: self.clone(), key, held: None };
        let i = usize::from(kind == ObjectKind::Events);
        let folder = gate.folders[i].clone().lock_owned().await;
        let run = gate.runs.clone().acquire_owned().await.ok();
        let account = self.account.clone().acquire_owned().await.ok();
        permit.held = Some((gate, folder, run, account));
        permit
    }
}

impl Drop for RunPermit {
    fn drop(&mut self) {
        let gate = match self.held.take() {
            Some((gate, folder, run, account)) => {
                drop((account, run, folder));
                Some(gate)
            }
            None => None,
        };
        let mut map = self.gates.map();
        drop(gate);
        // Only our map holds the gate (new users clone it under this lock): the mailbox is idle.
        if map.get(&self.key).is_some_and(|g| Arc::strong_count(g) == 1) {
            map.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn folders_mailboxes_and_the_account_are_bounded() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        rt.block_on(async {
            let limits =
                SyncLimits { per_service_account: NonZeroUsize::new(2).unwrap(), per_mailbox: NonZeroUsize::MIN };
            let gates = SyncGates::new(limits);
            let (a, b, c) = (UserId::new("A@x"), UserId::new("b@x"), UserId::new("c@x"));
            let p1 = gates.enter(&a, ObjectKind::Contacts).await;
            // The same mailbox (any case) waits, even for the other kind.
            let upper = UserId::new("a@X");
            let same = tokio::time::timeout(Duration::from_millis(20), gates.enter(&upper, ObjectKind::Events));
            assert!(same.await.is_err());
            let p2 = gates.enter(&b, ObjectKind::Contacts).await;
            // The account is full.
            assert!(
                tokio::time::timeout(Duration::from_millis(20), gates.enter(&c, ObjectKind::Contacts)).await.is_err()
            );
            drop(p1);
            let p3 = gates.enter(&c, ObjectKind::Contacts).await;
            drop((p2, p3));
            assert!(gates.map().is_empty(), "idle mailboxes are forgotten, also after a cancelled wait");
        });
    }

    #[test]
    fn two_per_mailbox_runs_both_kinds_but_never_one_folder_twice() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        rt.block_on(async {
            let limits = SyncLimits {
                per_service_account: NonZeroUsize::new(5).unwrap(),
                per_mailbox: NonZeroUsize::new(2).unwrap(),
            };
            let gates = SyncGates::new(limits);
            let a = UserId::new("a@x");
            let c = gates.enter(&a, ObjectKind::Contacts).await;
            let e = gates.enter(&a, ObjectKind::Events).await;
            assert!(
                tokio::time::timeout(Duration::from_millis(20), gates.enter(&a, ObjectKind::Contacts)).await.is_err()
            );
            drop((c, e));
            drop(gates.enter(&a, ObjectKind::Contacts).await);
            assert!(gates.map().is_empty());
        });
    }
}

#[cfg(test)]
mod limit_bounds {
    use super::*;

    #[test]
    fn a_limit_beyond_what_a_semaphore_holds_does_not_panic() {
        let huge = std::num::NonZeroUsize::new(usize::MAX).unwrap();
        let gates = SyncGates::new(SyncLimits { per_service_account: huge, per_mailbox: huge });
        assert_eq!(gates.account.available_permits(), Semaphore::MAX_PERMITS);
    }
}
