//! A state store whose commits (and run records) a test's "process" can refuse, to play a process
//! killed between executing a plan and committing it; every other call goes to the inner store.
//! Shared by the state-machine and scenario tests.

use exsync::backend::Cursor;
use exsync::store::*;
use exsync::sync::*;

/// Decides, for a [`GatedStore`], whether the process is still alive at the store's two
/// end-of-run writes.
pub trait Gate: Send + Sync {
    /// Whether the commit goes ahead (called once per commit; it may kill the process).
    fn may_commit(&self) -> bool;
    /// Whether the run's status is recorded.
    fn may_record(&self) -> bool;
}

/// `inner`, refusing the writes `gate` refuses with [`StoreError::Corrupt`].
pub struct GatedStore<S, G> {
    pub inner: S,
    pub gate: G,
}

macro_rules! delegate {
    ($($name:ident($($a:ident: $t:ty),*) -> $r:ty;)*) => {
        $(fn $name(&self, $($a: $t),*) -> $r { self.inner.$name($($a),*) })*
    };
}

impl<S: StateStore, G: Gate> StateStore for GatedStore<S, G> {
    delegate! {
        setup_config() -> Result<Option<serde_json::Value>, StoreError>;
        set_setup_config(c: &serde_json::Value) -> Result<(), StoreError>;
        enrol(u: &UserId, s: &UserSettings) -> Result<(), StoreError>;
        user_settings(u: &UserId) -> Result<Option<UserSettings>, StoreError>;
        users() -> Result<Vec<UserId>, StoreError>;
        remove_user(u: &UserId) -> Result<bool, StoreError>;
        push_app_change(u: &UserId, k: ObjectKind, c: &AppChange) -> Result<u64, StoreError>;
        app_changes(u: &UserId, k: ObjectKind) -> Result<Vec<OutboxEntry>, StoreError>;
        inbox(u: &UserId, k: Option<ObjectKind>, l: usize) -> Result<Vec<InboxEntry>, StoreError>;
        ack(u: &UserId, s: u64, v: Option<&str>) -> Result<AckOutcome, StoreError>;
        cursor(u: &UserId, k: ObjectKind) -> Result<Option<Cursor>, StoreError>;
        mappings(u: &UserId, k: ObjectKind) -> Result<Vec<Mapping>, StoreError>;
        reset(u: &UserId, k: ObjectKind) -> Result<(), StoreError>;
        status(u: &UserId, k: ObjectKind) -> Result<Option<SyncStatus>, StoreError>;
        statuses() -> Result<Vec<SyncStatus>, StoreError>;
    }
    fn record_run(&self, u: &UserId, k: ObjectKind, r: &RunRecord) -> Result<SyncStatus, StoreError> {
        if !self.gate.may_record() {
            return Err(StoreError::Corrupt { what: "process", detail: "dead before recording".into() });
        }
        self.inner.record_run(u, k, r)
    }
    fn commit(&self, u: &UserId, k: ObjectKind, c: &Commit) -> Result<(), StoreError> {
        if !self.gate.may_commit() {
            return Err(StoreError::Corrupt { what: "process", detail: "dead before commit".into() });
        }
        self.inner.commit(u, k, c)
    }
}
