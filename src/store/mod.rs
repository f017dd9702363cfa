//! Durable sync state behind the [`StateStore`] trait: enrolled users and their settings, the setup
//! configuration, per (user, object kind) sync cursors, the id map, the application's outbox and
//! inbox, and the sync status of each user and kind. [`SqliteStore`] (feature `sqlite`, on by default) keeps it in one SQLite file with a
//! versioned schema; [`MemoryStore`] keeps it in memory, for tests.
//!
//! Every method is one transaction; [`StateStore::commit`] records a whole sync round at once, so
//! a process that dies between steps loses nothing and applies nothing twice.
//!
//! The SQLite file also keeps the setup's secrets, sealed by the setup's
//! [`EncryptedSecretStore`](crate::setup::EncryptedSecretStore) under the host's key
//! ([`secret_blobs`]); the setup configuration itself goes through [`StateStore::set_setup_config`]
//! (see [`SetupConfig::save_to`](crate::setup::SetupConfig::save_to)).
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use exsync::store::{AppChange, Commit, Delivery, MemoryStore, StateStore};
//! use exsync::sync::{AppId, Contact, ObjectKind, Record, UserId, UserSettings};
//!
//! let store = MemoryStore::new();
//! let user = UserId::new("alice@contoso.com");
//! store.enrol(&user, &UserSettings::default()).unwrap();
//! let rec = Record::from(Contact::default());
//! store.push_app_change(&user, ObjectKind::Contacts, &AppChange::upsert(AppId::new("c1"), rec.clone(), Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap())).unwrap();
//! assert_eq!(store.app_changes(&user, ObjectKind::Contacts).unwrap().len(), 1);
//!
//! let commit = Commit { deliveries: vec![(AppId::new("c2"), Delivery::Upsert(rec))], ..Commit::default() };
//! store.commit(&user, ObjectKind::Contacts, &commit).unwrap();
//! let inbox = store.inbox(&user, None, 10).unwrap();
//! store.ack(&user, inbox[0].seq, Some("v1")).unwrap();
//! assert!(store.inbox(&user, None, 10).unwrap().is_empty());
//! ```

pub mod commit;
pub mod error;
pub mod mapping;
pub mod memory;
pub mod queue;
#[cfg(feature = "sqlite")]
pub mod schema;
#[cfg(feature = "sqlite")]
pub mod secret_blobs;
#[cfg(feature = "sqlite")]
pub mod sqlite;

pub use commit::Commit;
pub use error::StoreError;
pub use mapping::Mapping;
pub use memory::MemoryStore;
pub use queue::{AckOutcome, AppChange, AppOp, Delivery, InboxEntry, OutboxEntry};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

use crate::backend::Cursor;
use crate::sync::status::{RunRecord, SyncStatus};
use crate::sync::{ObjectKind, UserId, UserSettings};

/// Where the engine keeps its state. Implementations must make each method atomic and durable
/// when it returns.
pub trait StateStore: Send + Sync {
    /// The setup configuration (what the admin's setup flow stored), if any.
    fn setup_config(&self) -> Result<Option<serde_json::Value>, StoreError>;

    /// Replaces the setup configuration.
    fn set_setup_config(&self, config: &serde_json::Value) -> Result<(), StoreError>;

    /// Enrols a user, or replaces an enrolled user's settings.
    fn enrol(&self, user: &UserId, settings: &UserSettings) -> Result<(), StoreError>;

    /// An enrolled user's settings; `None` when not enrolled.
    fn user_settings(&self, user: &UserId) -> Result<Option<UserSettings>, StoreError>;

    /// The enrolled users, in address order.
    fn users(&self) -> Result<Vec<UserId>, StoreError>;

    /// Removes a user and everything stored for them; whether they were enrolled.
    fn remove_user(&self, user: &UserId) -> Result<bool, StoreError>;

    /// Appends an application change to the outbox; its `seq`.
    fn push_app_change(&self, user: &UserId, kind: ObjectKind, change: &AppChange) -> Result<u64, StoreError>;

    /// The outbox of a user and kind, oldest first.
    fn app_changes(&self, user: &UserId, kind: ObjectKind) -> Result<Vec<OutboxEntry>, StoreError>;

    /// Up to `limit` pending inbox entries of a user (of one kind, or all), oldest first.
    fn inbox(&self, user: &UserId, kind: Option<ObjectKind>, limit: usize) -> Result<Vec<InboxEntry>, StoreError>;

    /// Acknowledges the inbox entry `seq`, recording the application's new version of the record
    /// (for an upsert). Applying a delivery replaces the record in the application, so the
    /// application's changes of that record still queued (made before it applied the delivery) are
    /// dropped; a change made after applying must be reported after the acknowledgement.
    fn ack(&self, user: &UserId, seq: u64, app_version: Option<&str>) -> Result<AckOutcome, StoreError>;

    /// The sync cursor of a user and kind.
    fn cursor(&self, user: &UserId, kind: ObjectKind) -> Result<Option<Cursor>, StoreError>;

    /// The id map of a user and kind, by application id.
    fn mappings(&self, user: &UserId, kind: ObjectKind) -> Result<Vec<Mapping>, StoreError>;

    /// Records a sync round, atomically (see [`Commit`]).
    fn commit(&self, user: &UserId, kind: ObjectKind, commit: &Commit) -> Result<(), StoreError>;

    /// Forgets the id map and the cursor of a user and kind (the queues stay), so the next sync
    /// rebuilds the map by matching.
    fn reset(&self, user: &UserId, kind: ObjectKind) -> Result<(), StoreError>;

    /// Folds a finished run into the stored status of an enrolled user and kind (see
    /// [`SyncStatus::apply`]), atomically; the new status.
    fn record_run(&self, user: &UserId, kind: ObjectKind, run: &RunRecord) -> Result<SyncStatus, StoreError>;

    /// The stored status of a user and kind; `None` when no run was recorded.
    fn status(&self, user: &UserId, kind: ObjectKind) -> Result<Option<SyncStatus>, StoreError>;

    /// Every stored status, by user address then kind.
    fn statuses(&self) -> Result<Vec<SyncStatus>, StoreError>;
}

impl<T: StateStore + ?Sized> StateStore for std::sync::Arc<T> {
    fn setup_config(&self) -> Result<Option<serde_json::Value>, StoreError> {
        (**self).setup_config()
    }
    fn set_setup_config(&self, config: &serde_json::Value) -> Result<(), StoreError> {
        (**self).set_setup_config(config)
    }
    fn enrol(&self, user: &UserId, settings: &UserSettings) -> Result<(), StoreError> {
        (**self).enrol(user, settings)
    }
    fn user_settings(&self, user: &UserId) -> Result<Option<UserSettings>, StoreError> {
        (**self).user_settings(user)
    }
    fn users(&self) -> Result<Vec<UserId>, StoreError> {
        (**self).users()
    }
    fn remove_user(&self, user: &UserId) -> Result<bool, StoreError> {
        (**self).remove_user(user)
    }
    fn push_app_change(&self, user: &UserId, kind: ObjectKind, change: &AppChange) -> Result<u64, StoreError> {
        (**self).push_app_change(user, kind, change)
    }
    fn app_changes(&self, user: &UserId, kind: ObjectKind) -> Result<Vec<OutboxEntry>, StoreError> {
        (**self).app_changes(user, kind)
    }
    fn inbox(&self, user: &UserId, kind: Option<ObjectKind>, limit: usize) -> Result<Vec<InboxEntry>, StoreError> {
        (**self).inbox(user, kind, limit)
    }
    fn ack(&self, user: &UserId, seq: u64, app_version: Option<&str>) -> Result<AckOutcome, StoreError> {
        (**self).ack(user, seq, app_version)
    }
    fn cursor(&self, user: &UserId, kind: ObjectKind) -> Result<Option<Cursor>, StoreError> {
        (**self).cursor(user, kind)
    }
    fn mappings(&self, user: &UserId, kind: ObjectKind) -> Result<Vec<Mapping>, StoreError> {
        (**self).mappings(user, kind)
    }
    fn commit(&self, user: &UserId, kind: ObjectKind, commit: &Commit) -> Result<(), StoreError> {
        (**self).commit(user, kind, commit)
    }
    fn reset(&self, user: &UserId, kind: ObjectKind) -> Result<(), StoreError> {
        (**self).reset(user, kind)
    }
    fn record_run(&self, user: &UserId, kind: ObjectKind, run: &RunRecord) -> Result<SyncStatus, StoreError> {
        (**self).record_run(user, kind, run)
    }
    fn status(&self, user: &UserId, kind: ObjectKind) -> Result<Option<SyncStatus>, StoreError> {
        (**self).status(user, kind)
    }
    fn statuses(&self) -> Result<Vec<SyncStatus>, StoreError> {
        (**self).statuses()
    }
}
