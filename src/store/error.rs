//! What a state store can fail with.

use crate::sync::UserId;

/// A state store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The user is not enrolled.
    #[error("{user} is not enrolled; enrol the user before syncing or reporting changes")]
    NotEnrolled {
        /// Who.
        user: UserId,
    },
    /// The database file was written by a newer exsync.
    #[error(
        "the state database {path} has schema version {found}, newer than this exsync supports ({supported}); upgrade exsync"
    )]
    NewerSchema {
        /// The database file.
        path: String,
        /// Its version.
        found: i64,
        /// The newest this build knows.
        supported: i64,
    },
    /// Stored data cannot be read back.
    #[error("stored {what} cannot be read ({detail}); the state database may be damaged")]
    Corrupt {
        /// What (a mapping, a queued change, settings, …).
        what: &'static str,
        /// Why.
        detail: String,
    },
    /// SQLite failed.
    #[cfg(feature = "sqlite")]
    #[error("state database {path}: {operation} failed: {source}")]
    Sqlite {
        /// The database file (`:memory:` for an in-memory one).
        path: String,
        /// What the store was doing.
        operation: &'static str,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
}
