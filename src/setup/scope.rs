//! What the application syncs: contacts, calendar events, or both.

use std::fmt;

/// Which kinds of items sync (step 1 of the setup). At least one must be on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SyncScope {
    /// Contacts sync.
    pub contacts: bool,
    /// Calendar events sync.
    pub events: bool,
}

impl SyncScope {
    /// Contacts only.
    pub const CONTACTS: SyncScope = SyncScope { contacts: true, events: false };
    /// Events only.
    pub const EVENTS: SyncScope = SyncScope { contacts: false, events: true };
    /// Contacts and events.
    pub const BOTH: SyncScope = SyncScope { contacts: true, events: true };

    /// Whether nothing is enabled (refused by the setup).
    pub fn is_empty(self) -> bool {
        !self.contacts && !self.events
    }

    /// Whether everything `other` enables is enabled here too.
    pub fn covers(self, other: SyncScope) -> bool {
        (self.contacts || !other.contacts) && (self.events || !other.events)
    }
}

impl fmt::Display for SyncScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match (self.contacts, self.events) {
            (true, true) => "contacts and events",
            (true, false) => "contacts",
            (false, true) => "events",
            (false, false) => "nothing",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage() {
        assert!(SyncScope::BOTH.covers(SyncScope::CONTACTS));
        assert!(SyncScope::BOTH.covers(SyncScope::BOTH));
        assert!(!SyncScope::CONTACTS.covers(SyncScope::EVENTS));
        assert!(!SyncScope::EVENTS.covers(SyncScope::BOTH));
        assert!(SyncScope::CONTACTS.covers(SyncScope { contacts: false, events: false }));
        assert!(SyncScope { contacts: false, events: false }.is_empty());
        assert_eq!(SyncScope::BOTH.to_string(), "contacts and events");
    }
}
