//! Per user and per object kind settings: which way changes flow, whether deletions propagate,
//! who wins a conflict, and the scope (which contacts folder; which time window of events).
//!
//! ```
//! use exsync::sync::{ConflictPolicy, Direction, ObjectKind, UserSettings};
//!
//! let mut s = UserSettings::default();
//! s.events.sync.direction = Direction::ExchangeToApp;
//! s.contacts.sync.conflict_policy = ConflictPolicy::AppWins;
//! assert_eq!(s.sync(ObjectKind::Events).direction, Direction::ExchangeToApp);
//! let json = serde_json::to_string(&s).unwrap();
//! assert_eq!(serde_json::from_str::<UserSettings>(&json).unwrap(), s);
//! ```

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::record::ObjectKind;

/// Which way changes flow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Not synced.
    None,
    /// Exchange's changes go to the application; the application's are not sent.
    ExchangeToApp,
    /// The application's changes go to Exchange; Exchange's are not delivered.
    AppToExchange,
    /// Both ways.
    #[default]
    Both,
}

impl Direction {
    /// Whether the application's changes are written to Exchange.
    pub fn app_to_exchange(&self) -> bool {
        matches!(self, Direction::AppToExchange | Direction::Both)
    }

    /// Whether Exchange's changes are delivered to the application.
    pub fn exchange_to_app(&self) -> bool {
        matches!(self, Direction::ExchangeToApp | Direction::Both)
    }
}

/// Who wins when both sides changed the same record since the last sync.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictPolicy {
    /// The application's version is kept and written to Exchange.
    AppWins,
    /// Exchange's version is kept and delivered to the application.
    ExchangeWins,
    /// The version changed last wins. A deletion whose time is unknown (Exchange does not report
    /// when an item was deleted) loses to an edit, so no edit is lost.
    #[default]
    MostRecent,
    /// The host decides through its [`ConflictResolver`](super::ConflictResolver).
    HostDecides,
}

/// The settings of one object kind for one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncSettings {
    /// Which way changes flow.
    pub direction: Direction,
    /// Whether a deletion on one side deletes the record on the other. When off, the two records
    /// are unlinked instead, and the surviving one comes back as new only when it changes again.
    pub propagate_deletes: bool,
    /// Who wins a conflict.
    pub conflict_policy: ConflictPolicy,
    /// The empty-side guard: when one side reports that every one of at least this many linked
    /// records is gone, the sync stops and reports instead of deleting them all on the other side.
    pub empty_side_guard_min: u32,
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            direction: Direction::Both,
            propagate_deletes: true,
            conflict_policy: ConflictPolicy::MostRecent,
            empty_side_guard_min: 5,
        }
    }
}

/// Which contacts folder is synced.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactsFolder {
    /// The user's default contacts folder.
    #[default]
    Default,
    /// A folder by its Exchange folder id.
    Id(String),
    /// A folder by display name, directly under the default contacts folder.
    Named(String),
}

/// The contacts settings of a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactSettings {
    /// Direction, deletions, conflicts.
    pub sync: SyncSettings,
    /// The folder.
    pub folder: ContactsFolder,
}

/// The window of events synced, relative to the time of each sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EventWindow {
    /// How many days back from now.
    pub days_back: u32,
    /// How many days ahead from now.
    pub days_ahead: u32,
}

impl Default for EventWindow {
    fn default() -> Self {
        EventWindow { days_back: 30, days_ahead: 365 }
    }
}

impl EventWindow {
    /// The window's bounds `[from, to)` at `now`.
    pub fn bounds(&self, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        (now - Duration::days(i64::from(self.days_back)), now + Duration::days(i64::from(self.days_ahead)))
    }
}

/// The events settings of a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventSettings {
    /// Direction, deletions, conflicts.
    pub sync: SyncSettings,
    /// Which events (by time) are synced: a new event outside the window is not linked; an event
    /// already linked stays linked when it moves out.
    pub window: EventWindow,
}

/// Everything configurable for one enrolled user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserSettings {
    /// Contacts.
    pub contacts: ContactSettings,
    /// Events.
    pub events: EventSettings,
}

impl UserSettings {
    /// The direction, deletion and conflict settings of `kind`.
    pub fn sync(&self, kind: ObjectKind) -> &SyncSettings {
        match kind {
            ObjectKind::Contacts => &self.contacts.sync,
            ObjectKind::Events => &self.events.sync,
        }
    }
}
