//! Shared parts of the sync tests against the simulator: an organisation on loopback with a
//! stepping clock, the EWS backend of its service account, Outlook's edits through the side door,
//! what the mailbox holds (read from the simulator's store, not through EWS), and the
//! application's side (records it holds, applying and acknowledging what the engine delivers).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use exsync::backend::ews::EwsBackend;
use exsync::backend::ews_mapping::{
    app_id_of, contact_from_ews, contact_to_ews, event_from_ews, event_to_ews, overlay_contact, overlay_event,
};
use exsync::ews::{BaseFolderId, DistinguishedFolderName, Item, ItemId};
use exsync::sim::{Clock, ManualClock, ServiceAccount, SimServer};
use exsync::store::{AppChange, Delivery, StateStore};
use exsync::sync::{AppId, Contact, Event, ObjectKind, Record, SyncEngine, UserId, UserSettings};
use exsync::transport::{Credentials, EwsClient, EwsClientConfig, RetryPolicy, Secret, UserName};

pub const ALICE: &str = "alice@contoso.com";
pub const BOB: &str = "bob@contoso.com";
pub const PASSWORD: &str = "Sync-Passw0rd!";

/// When the simulated world starts: Monday 2 March 2026, 09:00 UTC.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

pub fn alice() -> UserId {
    UserId::new(ALICE)
}

pub fn bob() -> UserId {
    UserId::new(BOB)
}

/// The well-known folder of `kind`.
pub fn folder(kind: ObjectKind) -> BaseFolderId {
    BaseFolderId::distinguished(match kind {
        ObjectKind::Contacts => DistinguishedFolderName::Contacts,
        ObjectKind::Events => DistinguishedFolderName::Calendar,
    })
}

/// A contact named `given surname` with the address `email`.
pub fn person(given: &str, surname: &str, email: &str) -> Record {
    Record::from(Contact {
        given_name: Some(given.into()),
        surname: Some(surname.into()),
        emails: vec![email.into()],
        ..Contact::default()
    })
}

/// An event called `subject`, `day` days after [`t0`], from `hour` for an hour.
pub fn meeting(subject: &str, day: i64, hour: u32) -> Record {
    let start = t0().date_naive().and_hms_opt(hour, 0, 0).unwrap().and_utc() + chrono::Duration::days(day);
    Record::from(Event {
        subject: Some(subject.into()),
        location: Some("Room 4".into()),
        start,
        end: start + chrono::Duration::hours(1),
        time_zone: Some("W. Europe Standard Time".into()),
        ..Event::default()
    })
}

/// `record` with another name (contacts) or subject (events).
pub fn renamed(record: &Record, name: &str) -> Record {
    match record {
        Record::Contact(c) => Record::from(Contact { given_name: Some(name.into()), ..(**c).clone() }),
        Record::Event(e) => Record::from(Event { subject: Some(name.into()), ..(**e).clone() }),
    }
}

/// The given name (contacts) or subject (events) of a record.
pub fn name_of(record: &Record) -> String {
    match record {
        Record::Contact(c) => c.given_name.clone().unwrap_or_default(),
        Record::Event(e) => e.subject.clone().unwrap_or_default(),
    }
}

/// Retries with millisecond waits, so throttled paths end quickly.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        budget: Duration::from_secs(5),
        max_attempts: 6,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
    }
}

/// A simulated organisation: contoso.com with alice and bob, and `svc@contoso.com`, which may
/// impersonate both. Items are stamped from a clock that moves one second per reading.
pub struct Sim {
    pub server: Arc<SimServer>,
    pub clock: ManualClock,
    pub backend: EwsBackend,
}

impl Sim {
    pub async fn start() -> Sim {
        let clock = ManualClock::stepping(t0(), chrono::Duration::seconds(1));
        let server = SimServer::builder()
            .domain("contoso.com")
            .service_account(ServiceAccount::new("svc@contoso.com", PASSWORD).impersonating_all())
            .mailbox_named(ALICE, "Alice Wong")
            .mailbox_named(BOB, "Bob Kelly")
            .clock(Arc::new(clock.clone()))
            .start()
            .await
            .expect("the simulator starts");
        let backend = EwsBackend::new(Self::client(&server));
        Sim { server: Arc::new(server), clock, backend }
    }

    /// A new client of the service account (Basic over plain HTTP to loopback).
    pub fn client(server: &SimServer) -> EwsClient {
        let credentials =
            Credentials::Basic { user: UserName::parse("svc@contoso.com").unwrap(), password: Secret::new(PASSWORD) };
        let mut c = EwsClientConfig::new(server.ews_url().parse().unwrap(), credentials);
        c.http.allow_insecure_loopback = true;
        c.http.connect_timeout = Duration::from_secs(2);
        c.http.response_timeout = Duration::from_secs(10);
        c.retry = quick_retries();
        c.jitter_seed = Some(7);
        EwsClient::new(c).expect("a usable configuration")
    }

    /// The time now (the clock steps on).
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// An engine over `store` and this backend, on the simulator's clock.
    pub fn engine<S: StateStore>(&self, store: S) -> SyncEngine<S, EwsBackend> {
        let clock = self.clock.clone();
        SyncEngine::new(store, self.backend.clone()).with_clock(move || clock.now())
    }

    // ------------------------------------------------------------ Outlook, through the side door

    /// As the user in Outlook: a new item holding `record` (no exsync tag); its id.
    pub fn outlook_create(&self, user: &str, record: &Record) -> ItemId {
        let item = match record {
            Record::Contact(c) => Item::Contact(Box::new(contact_to_ews(c, None))),
            Record::Event(e) => Item::CalendarItem(Box::new(event_to_ews(e, None))),
        };
        self.server.side_door(user, |door| door.create(&folder(record.kind()), item)).expect("created")
    }

    /// As the user in Outlook: the item `id` now holds `record` (other fields kept).
    pub fn outlook_edit(&self, user: &str, id: &str, record: &Record) -> ItemId {
        outlook_edit(&self.server, user, id, record)
    }

    /// As the user in Outlook: deletes item `id` (to Deleted Items).
    pub fn outlook_delete(&self, user: &str, id: &str) {
        self.server.side_door(user, |door| door.delete(&ItemId::new(id))).expect("deleted");
    }

    /// What the folder of `kind` holds: (id, record, tag), in creation order.
    pub fn items(&self, user: &str, kind: ObjectKind) -> Vec<(String, Record, Option<AppId>)> {
        self.server
            .with_mailbox(user, |m| {
                m.items(&folder(kind))
                    .expect("the folder exists")
                    .into_iter()
                    .map(|item| {
                        let id = item.id().expect("stored items have ids").id.clone();
                        let record = match item {
                            Item::Contact(c) => Record::from(contact_from_ews(c)),
                            Item::CalendarItem(c) => Record::from(event_from_ews(c).expect("a mappable event")),
                            Item::Other(_) => panic!("an item of another kind"),
                        };
                        (id, record.normalized(), app_id_of(item.base()))
                    })
                    .collect()
            })
            .expect("the mailbox exists")
    }

    /// The records of the folder of `kind`, sorted by name.
    pub fn records(&self, user: &str, kind: ObjectKind) -> Vec<Record> {
        let mut r: Vec<Record> = self.items(user, kind).into_iter().map(|(_, r, _)| r).collect();
        r.sort_by_key(name_of);
        r
    }

    /// The names in the folder of `kind`, sorted.
    pub fn names(&self, user: &str, kind: ObjectKind) -> Vec<String> {
        self.records(user, kind).iter().map(name_of).collect()
    }

    /// The id of the item named `name`.
    pub fn id_of(&self, user: &str, kind: ObjectKind, name: &str) -> String {
        self.items(user, kind)
            .into_iter()
            .find(|(_, r, _)| name_of(r) == name)
            .unwrap_or_else(|| panic!("no item named {name}"))
            .0
    }

    /// Requests of EWS operation `op` so far.
    pub fn calls(&self, op: &str) -> u64 {
        self.server.counters().operation(op)
    }

    /// Create, update and delete requests so far.
    pub fn writes(&self) -> u64 {
        self.calls("CreateItem") + self.calls("UpdateItem") + self.calls("DeleteItem")
    }
}

/// As the user in Outlook: the item `id` of `server` now holds `record` (other fields kept).
pub fn outlook_edit(server: &SimServer, user: &str, id: &str, record: &Record) -> ItemId {
    server
        .side_door(user, |door| {
            door.change(&ItemId::new(id), |item| match (item, record) {
                (Item::Contact(c), Record::Contact(r)) => overlay_contact(c, r),
                (Item::CalendarItem(c), Record::Event(r)) => overlay_event(c, r),
                _ => panic!("an edit of another kind"),
            })
        })
        .expect("edited")
}

/// The application's side: the records it holds, by its ids.
#[derive(Debug, Default)]
pub struct App {
    pub records: BTreeMap<AppId, Record>,
    next: u32,
}

static APP_IDS: AtomicU32 = AtomicU32::new(0);

impl App {
    /// A new record of the application's (a fresh id), reported to the engine.
    pub fn create<S: StateStore, B: exsync::backend::MailboxBackend>(
        &mut self,
        engine: &SyncEngine<S, B>,
        user: &UserId,
        record: Record,
        at: DateTime<Utc>,
    ) -> AppId {
        self.next += 1;
        let id = AppId::new(format!("crm-{}-{}", self.next, APP_IDS.fetch_add(1, Ordering::Relaxed)));
        self.put(engine, user, &id, record, at);
        id
    }

    /// The application changes record `id` to `record` and reports it.
    pub fn put<S: StateStore, B: exsync::backend::MailboxBackend>(
        &mut self,
        engine: &SyncEngine<S, B>,
        user: &UserId,
        id: &AppId,
        record: Record,
        at: DateTime<Utc>,
    ) {
        self.records.insert(id.clone(), record.clone());
        engine.report(user, record.kind(), AppChange::upsert(id.clone(), record, at)).expect("reported");
    }

    /// The application deletes record `id` and reports it.
    pub fn delete<S: StateStore, B: exsync::backend::MailboxBackend>(
        &mut self,
        engine: &SyncEngine<S, B>,
        user: &UserId,
        kind: ObjectKind,
        id: &AppId,
        at: DateTime<Utc>,
    ) {
        self.records.remove(id);
        engine.report(user, kind, AppChange::delete(id.clone(), at)).expect("reported");
    }

    /// Applies and acknowledges everything the engine delivered; how many entries.
    pub fn apply<S: StateStore, B: exsync::backend::MailboxBackend>(
        &mut self,
        engine: &SyncEngine<S, B>,
        user: &UserId,
    ) -> usize {
        let entries = engine.pending(user, 10_000).expect("the inbox");
        for e in &entries {
            match &e.delivery {
                Delivery::Upsert(r) => {
                    self.records.insert(e.app_id.clone(), r.clone());
                }
                Delivery::Delete => {
                    self.records.remove(&e.app_id);
                }
            }
            engine.ack(user, e.seq, Some("v")).expect("acknowledged");
        }
        entries.len()
    }

    /// The records of `kind`, sorted by name.
    pub fn records_of(&self, kind: ObjectKind) -> Vec<Record> {
        let mut r: Vec<Record> = self.records.values().filter(|r| r.kind() == kind).cloned().collect();
        r.sort_by_key(name_of);
        r
    }

    /// The names of the records of `kind`, sorted.
    pub fn names(&self, kind: ObjectKind) -> Vec<String> {
        self.records_of(kind).iter().map(name_of).collect()
    }

    /// The id of the record named `name`.
    pub fn id_of(&self, name: &str) -> AppId {
        self.records.iter().find(|(_, r)| name_of(r) == name).map(|(id, _)| id.clone()).expect("a record of that name")
    }
}

/// Settings with `kind` synced as `edit` says and the other kind not synced.
pub fn settings_for(kind: ObjectKind, edit: impl FnOnce(&mut exsync::sync::SyncSettings)) -> UserSettings {
    let mut s = UserSettings::default();
    let off = exsync::sync::Direction::None;
    match kind {
        ObjectKind::Contacts => {
            edit(&mut s.contacts.sync);
            s.events.sync.direction = off;
        }
        ObjectKind::Events => {
            edit(&mut s.events.sync);
            s.contacts.sync.direction = off;
        }
    }
    s
}
