//! The two durable queues between the application and the engine: the application's changes
//! waiting to go to Exchange (the outbox), and Exchange's changes waiting for the application to
//! apply them (the inbox, at most one pending entry per record).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::sync::{AppId, ObjectKind, Record, UserId};

/// A change the application made to one of its records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppChange {
    /// The application's id of the record.
    pub app_id: AppId,
    /// The application's version of the record after the change (an ETag, a counter), if it keeps
    /// one; a change whose version is the one last synced is not sent again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// When the change was made (compared under [`ConflictPolicy::MostRecent`](crate::sync::ConflictPolicy)).
    pub changed_at: DateTime<Utc>,
    /// What changed.
    pub op: AppOp,
}

/// What the application did to a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppOp {
    /// Created or changed it; this is its new content.
    Upsert(Record),
    /// Deleted it.
    Delete,
}

impl AppChange {
    /// An upsert.
    pub fn upsert(app_id: AppId, record: Record, changed_at: DateTime<Utc>) -> Self {
        AppChange { app_id, version: None, changed_at, op: AppOp::Upsert(record) }
    }

    /// A deletion.
    pub fn delete(app_id: AppId, changed_at: DateTime<Utc>) -> Self {
        AppChange { app_id, version: None, changed_at, op: AppOp::Delete }
    }

    /// The same change with the application's version.
    pub fn with_version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }
}

/// A change in the outbox, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Position in the outbox (increasing).
    pub seq: u64,
    /// The change.
    pub change: AppChange,
}

/// What the application must do to one of its records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Create or replace the record with this content.
    Upsert(Record),
    /// Delete the record.
    Delete,
}

/// An Exchange-side change for the application to apply, then acknowledge.
///
/// Delivery is at least once: an entry stays until acknowledged, and a newer change of the same
/// record replaces a pending entry (under a new, higher `seq`). Applying an entry is idempotent
/// (upsert or delete by id); an application that must never apply one twice records the `seq` it
/// applied in the same transaction as the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxEntry {
    /// Position in the inbox (increasing); what [`StateStore::ack`](super::StateStore::ack) takes.
    pub seq: u64,
    /// Whose record.
    pub user: UserId,
    /// Contact or event.
    pub kind: ObjectKind,
    /// The application's id of the record (new records that started in Exchange get one from the
    /// engine, see [`AppId::for_remote`]).
    pub app_id: AppId,
    /// What to do.
    pub delivery: Delivery,
}

/// What an acknowledgement found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckOutcome {
    /// The entry was pending and is now done.
    Acknowledged,
    /// No such pending entry: it was acknowledged before, or a newer change of the same record
    /// replaced it (the newer entry is pending under another `seq`).
    Superseded,
}
