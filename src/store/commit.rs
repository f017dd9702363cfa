//! What one sync round records, in one transaction.

use crate::backend::Cursor;
use crate::sync::AppId;

use super::mapping::Mapping;
use super::queue::Delivery;

/// The outcome of one sync round of one user and object kind. A store applies it atomically:
/// all of it or, if the process dies, none of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Commit {
    /// The new sync cursor (`None`: leave it).
    pub cursor: Option<Cursor>,
    /// Forget the whole id map first (rebuilding it after a reset).
    pub clear_map: bool,
    /// Mappings removed (by application id), applied first.
    pub unlinks: Vec<AppId>,
    /// Mappings created or replaced (by application id; a mapping of another application id to
    /// the same Exchange item is removed).
    pub links: Vec<Mapping>,
    /// Outbox entries done (by `seq`).
    pub consumed: Vec<u64>,
    /// Changes for the application; each replaces a pending entry of the same record.
    pub deliveries: Vec<(AppId, Delivery)>,
}

impl Commit {
    /// Whether the commit changes nothing.
    pub fn is_empty(&self) -> bool {
        self.cursor.is_none()
            && !self.clear_map
            && self.unlinks.is_empty()
            && self.links.is_empty()
            && self.consumed.is_empty()
            && self.deliveries.is_empty()
    }
}
