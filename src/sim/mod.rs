//! The simulator's data core: an organisation's mailboxes with Exchange's semantics, without HTTP.
//! The EWS handlers map requests onto it; tests and benchmarks drive it directly or through the
//! [side door](SideDoor).
//!
//! - [`Store`]: the organisation's mailboxes; [`MailboxStore`]: one mailbox with the well-known
//!   folders (`root`, `msgfolderroot`, `contacts`, `calendar`, `deleteditems`, `inbox`, …) and
//!   sub-folders.
//! - It speaks the [`ews`](crate::ews) types: items are [`Item`](crate::ews::Item)s with
//!   server-issued ids and change keys, stamped from an injected [`Clock`]; folders are
//!   [`Folder`](crate::ews::Folder) elements.
//! - [`MailboxStore::changes_since`] is `SyncFolderItems` with real, opaque, per-client sync
//!   states; [`MailboxStore::update_item`] applies [`ItemUpdate`](crate::ews::ItemUpdate)s under a
//!   [`ConflictResolution`](crate::ews::ConflictResolution); [`MailboxStore::find_items`] evaluates
//!   a [`Restriction`](crate::ews::Restriction) and pages by an
//!   [`IndexedPageView`](crate::ews::IndexedPageView) (sorted with
//!   [`MailboxStore::find_items_sorted`]); [`MailboxStore::calendar_view`] lists single items and
//!   the occurrences of series in a window, and [`MailboxStore::item_or_occurrence`] reads them.
//! - Exceptions of series: [`MailboxStore::update_by`] and [`MailboxStore::delete_by`] take any
//!   item id (`OccurrenceItemId`, an occurrence's own id, `RecurringMasterItemId`); on an
//!   occurrence they make a modified or deleted occurrence, which the master's
//!   `ModifiedOccurrences` / `DeletedOccurrences`, [`MailboxStore::item_by`], the calendar view and
//!   `SyncFolderItems` (the master as updated) reflect. Series are expanded in UTC only: occurrences
//!   of a series in another time zone are refused (`ErrorInvalidOperation`).
//! - Calendar items carry the properties Exchange maintains (`CalendarItemType`, `Organizer`,
//!   `MyResponseType`, `IsMeeting`, `AppointmentState`, `Duration`), stamped on every write.
//! - [`SimServer`]: the store served over HTTP(S) on loopback as Exchange serves it: EWS,
//!   autodiscover, an OAuth token endpoint, authentication, impersonation, fault injection and
//!   counters.
//! - Errors are [`StoreError`]s, each with the EWS [`ResponseCode`](crate::ews::ResponseCode)
//!   Exchange answers.
//!
//! ```
//! use std::sync::Arc;
//! use chrono::{TimeZone, Utc};
//! use exsync::ews::{BaseFolderId, Contact, DistinguishedFolderName, Item, MaxChangesReturned, SyncChange};
//! use exsync::sim::{ManualClock, Store};
//!
//! let clock = ManualClock::new(Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0).unwrap());
//! let mut store = Store::new(7, Arc::new(clock));
//! let alice = store.add_mailbox("alice@contoso.com", "Alice Wong").unwrap();
//! let contacts = BaseFolderId::distinguished(DistinguishedFolderName::Contacts);
//!
//! let contact = Contact { display_name: Some("Dana Ruiz".into()), ..Contact::default() };
//! let id = alice.create_item(&contacts, Item::Contact(Box::new(contact))).unwrap();
//!
//! let page = alice.changes_since(&contacts, None, MaxChangesReturned::MAX, &[]).unwrap();
//! assert!(page.includes_last_item_in_range);
//! assert!(matches!(&page.changes[..], [SyncChange::Create(i)] if i.id() == Some(&id)));
//!
//! // Nothing new since the state the page returned.
//! let again = alice.changes_since(&contacts, Some(&page.sync_state), MaxChangesReturned::MAX, &[]).unwrap();
//! assert!(again.changes.is_empty());
//! ```

mod calendar_stamp;
mod calendar_view;
mod change_log;
mod clock;
mod codec;
mod error;
mod find;
mod folder;
mod mailbox;
mod server;
mod side_door;
mod store;
mod sync_state;
mod tokens;
mod update;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{ItemKind, StoreError};
pub use find::{FindPage, restriction_matches};
pub use mailbox::{MailboxStore, SyncPage};
pub use server::{
    AuthScheme, AuthSchemes, AutodiscoverRedirect, CounterSnapshot, Endpoint, Fault, FaultAction, FaultId,
    FaultInjector, ImpersonationGrant, JWT_BEARER_ASSERTION, MailboxUser, OAuthApp, ServerProfile, ServiceAccount,
    SimError, SimServer, SimServerBuilder, Trigger,
};
pub use side_door::SideDoor;
pub use store::Store;
pub use update::UpdateOutcome;
