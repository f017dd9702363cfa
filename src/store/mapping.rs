//! The id map: which application record is which Exchange item, and what they held when they
//! were last in step.

use crate::backend::RemoteId;
use crate::sync::{AppId, Record};

/// One linked pair of records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// The application's id.
    pub app_id: AppId,
    /// The Exchange item and the version last seen or written.
    pub remote: RemoteId,
    /// The content both sides held at the last sync (the base of the next three-way comparison,
    /// and of the field-level update sent to Exchange).
    pub record: Record,
    /// [`Record::content_hash`] of `record`.
    pub hash: u64,
    /// The application's version last synced, if it reports versions.
    pub app_version: Option<String>,
}

impl Mapping {
    /// A mapping holding `record` as the synced content.
    pub fn new(app_id: AppId, remote: RemoteId, record: Record, app_version: Option<String>) -> Self {
        let hash = record.content_hash();
        Mapping { app_id, remote, record, hash, app_version }
    }
}
