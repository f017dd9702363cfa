//! The engine end to end over the in-memory mailbox: two-way flow, first-sync matching, lost
//! creates, a process killed between execute and commit (the SQLite file reopened), lost cursors,
//! stale change keys, the empty-side guard, reset, dry runs, direction and window settings.
#![cfg(all(feature = "memory-backend", feature = "sqlite"))]

mod temp_db;

mod hooked_backend;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Duration, TimeZone, Utc};
use exsync::backend::memory::{Fault, MemoryMailbox, Operation};
use exsync::backend::*;
use exsync::store::*;
use exsync::sync::*;
use hooked_backend::{Call, Hooked};
use temp_db::TempDb;

fn alice() -> UserId {
    UserId::new("alice@contoso.com")
}

fn contacts() -> FolderScope {
    FolderScope::default_folder(ObjectKind::Contacts)
}

fn person(name: &str) -> Record {
    Record::from(Contact {
        given_name: Some(name.into()),
        emails: vec![format!("{}@contoso.com", name.to_lowercase()).as_str().into()],
        ..Contact::default()
    })
}

fn at(s: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap() + Duration::seconds(s)
}

fn run<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
}

type Engine = SyncEngine<Arc<dyn StateStore>, Arc<MemoryMailbox>>;

fn engine(store: Arc<dyn StateStore>, mailbox: &Arc<MemoryMailbox>) -> Engine {
    SyncEngine::new(store, mailbox.clone()).with_clock(|| Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap())
}

fn memory_engine() -> (Engine, Arc<MemoryMailbox>) {
    let mailbox = Arc::new(MemoryMailbox::new());
    let store: Arc<dyn StateStore> = Arc::new(MemoryStore::new());
    let e = engine(store, &mailbox);
    e.enrol(&alice(), &UserSettings::default()).unwrap();
    (e, mailbox)
}

/// Applies and acknowledges every pending entry; the application's records afterwards.
fn apply_all(e: &Engine, app: &mut std::collections::BTreeMap<AppId, Record>) {
    for entry in e.pending(&alice(), 1000).unwrap() {
        match entry.delivery {
            Delivery::Upsert(r) => {
                app.insert(entry.app_id.clone(), r);
            }
            Delivery::Delete => {
                app.remove(&entry.app_id);
            }
        }
        assert_eq!(e.ack(&alice(), entry.seq, Some("v")).unwrap(), AckOutcome::Acknowledged);
    }
}

fn names(items: &[RemoteItem]) -> Vec<String> {
    let mut v: Vec<String> = items
        .iter()
        .map(|i| match &i.record {
            Record::Contact(c) => c.given_name.clone().unwrap_or_default(),
            Record::Event(e) => e.subject.clone().unwrap_or_default(),
        })
        .collect();
    v.sort();
    v
}

#[test]
fn changes_flow_both_ways_and_echoes_stop() {
    run(async {
        let (e, mb) = memory_engine();
        let u = alice();
        let mut app = std::collections::BTreeMap::new();
        app.insert(AppId::new("crm-1"), person("Ann"));
        e.report(&u, ObjectKind::Contacts, AppChange::upsert(AppId::new("crm-1"), person("Ann"), at(0))).unwrap();
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        // The round's own write is listed by the follow-up round and linked at its change key.
        assert_eq!((r.mode, r.created, r.listed), (PlanMode::Full, 1, 1));
        let items = mb.items(&u, &contacts());
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].tag, Some(AppId::new("crm-1")));

        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!((r.mode, r.listed, r.created, r.delivered), (PlanMode::Incremental, 0, 0, 0));
        let m = e.store().mappings(&u, ObjectKind::Contacts).unwrap();
        assert_eq!(m[0].remote, items[0].id);

        // Outlook edits and adds; the application gets both.
        mb.modify(&u, &contacts(), &items[0].id.id, person("Anna"));
        let bob = mb.insert(&u, &contacts(), person("Bob"), None);
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!(r.delivered, 2);
        apply_all(&e, &mut app);
        assert_eq!(app[&AppId::new("crm-1")], person("Anna"));
        let bob_id = AppId::for_remote(u.as_str(), &bob.id);
        assert_eq!(app[&bob_id], person("Bob"));
        // The application echoes what it applied: still nothing to do.
        e.report(&u, ObjectKind::Contacts, AppChange::upsert(bob_id.clone(), person("Bob"), at(1))).unwrap();
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!((r.created, r.updated, r.delivered), (0, 0, 0));
        assert!(e.store().app_changes(&u, ObjectKind::Contacts).unwrap().is_empty());

        // The application deletes Bob: Exchange follows.
        e.report(&u, ObjectKind::Contacts, AppChange::delete(bob_id, at(2))).unwrap();
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!(r.deleted, 1);
        assert_eq!(names(&mb.items(&u, &contacts())), vec!["Anna"]);
        assert!(matches!(
            e.report(&u, ObjectKind::Events, AppChange::upsert(AppId::new("x"), person("x"), at(3))),
            Err(SyncError::WrongKind { .. })
        ));
        assert!(matches!(
            e.report(&UserId::new("eve@x"), ObjectKind::Contacts, AppChange::delete(AppId::new("x"), at(3))),
            Err(SyncError::NotEnrolled { .. })
        ));
    });
}

#[test]
fn first_sync_links_existing_contacts_instead_of_duplicating() {
    run(async {
        let (e, mb) = memory_engine();
        let u = alice();
        for n in ["Ann", "Bob", "Cy"] {
            mb.insert(&u, &contacts(), person(n), None);
        }
        for (id, n) in [("crm-1", "Ann"), ("crm-2", "Bob"), ("crm-4", "Dee")] {
            e.report(&u, ObjectKind::Contacts, AppChange::upsert(AppId::new(id), person(n), at(0))).unwrap();
        }
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!((r.matched, r.created, r.delivered), (2, 1, 1));
        assert_eq!(names(&mb.items(&u, &contacts())), vec!["Ann", "Bob", "Cy", "Dee"]);
        assert_eq!(e.store().mappings(&u, ObjectKind::Contacts).unwrap().len(), 4);
    });
}

#[test]
fn a_create_whose_answer_is_lost_is_found_by_its_tag() {
    run(async {
        let (e, mb) = memory_engine();
        let u = alice();
        e.report(&u, ObjectKind::Contacts, AppChange::upsert(AppId::new("crm-1"), person("Ann"), at(0))).unwrap();
        mb.inject(Operation::Create, Fault::AppliedThenLost);
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!((r.created, r.recovered, r.failures.len()), (1, 1, 0));
        assert!(mb.calls().contains(&Operation::FindByTag));
        // Lost before it was applied: not found, stays queued, created by the next sync.
        e.report(&u, ObjectKind::Contacts, AppChange::upsert(AppId::new("crm-2"), person("Bob"), at(1))).unwrap();
        mb.inject(Operation::Create, Fault::LostBeforeApplied);
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!((r.created, r.failures.len()), (0, 1));
        assert_eq!(e.store().app_changes(&u, ObjectKind::Contacts).unwrap().len(), 1);
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!(r.created, 1);
        assert_eq!(names(&mb.items(&u, &contacts())), vec!["Ann", "Bob"]);
    });
}

/// A store that "dies" instead of committing while `dead` is set.
struct Killable {
    inner: Arc<dyn StateStore>,
    dead: Arc<AtomicBool>,
}

impl StateStore for Killable {
    fn setup_config(&self) -> Result<Option<serde_json::Value>, StoreError> {
        self.inner.setup_config()
    }
    fn set_setup_config(&self, c: &serde_json::Value) -> Result<(), StoreError> {
        self.inner.set_setup_config(c)
    }
    fn enrol(&self, u: &UserId, s: &UserSettings) -> Result<(), StoreError> {
        self.inner.enrol(u, s)
    }
    fn user_settings(&self, u: &UserId) -> Result<Option<UserSettings>, StoreError> {
        self.inner.user_settings(u)
    }
    fn users(&self) -> Result<Vec<UserId>, StoreError> {
        self.inner.users()
    }
    fn remove_user(&self, u: &UserId) -> Result<bool, StoreError> {
        self.inner.remove_user(u)
    }
    fn push_app_change(&self, u: &UserId, k: ObjectKind, c: &AppChange) -> Result<u64, StoreError> {
        self.inner.push_app_change(u, k, c)
    }
    fn app_changes(&self, u: &UserId, k: ObjectKind) -> Result<Vec<OutboxEntry>, StoreError> {
        self.inner.app_changes(u, k)
    }
    fn inbox(&self, u: &UserId, k: Option<ObjectKind>, l: usize) -> Result<Vec<InboxEntry>, StoreError> {
        self.inner.inbox(u, k, l)
    }
    fn ack(&self, u: &UserId, s: u64, v: Option<&str>) -> Result<AckOutcome, StoreError> {
        self.inner.ack(u, s, v)
    }
    fn cursor(&self, u: &UserId, k: ObjectKind) -> Result<Option<Cursor>, StoreError> {
        self.inner.cursor(u, k)
    }
    fn mappings(&self, u: &UserId, k: ObjectKind) -> Result<Vec<Mapping>, StoreError> {
        self.inner.mappings(u, k)
    }
    fn commit(&self, u: &UserId, k: ObjectKind, c: &Commit) -> Result<(), StoreError> {
        if self.dead.load(Ordering::SeqCst) {
            return Err(StoreError::Corrupt { what: "process", detail: "killed before commit".into() });
        }
        self.inner.commit(u, k, c)
    }
    fn reset(&self, u: &UserId, k: ObjectKind) -> Result<(), StoreError> {
        self.inner.reset(u, k)
    }
    fn record_run(&self, u: &UserId, k: ObjectKind, r: &RunRecord) -> Result<SyncStatus, StoreError> {
        if self.dead.load(Ordering::SeqCst) {
            return Err(StoreError::Corrupt { what: "process", detail: "killed before recording".into() });
        }
        self.inner.record_run(u, k, r)
    }
    fn status(&self, u: &UserId, k: ObjectKind) -> Result<Option<SyncStatus>, StoreError> {
        self.inner.status(u, k)
    }
    fn statuses(&self) -> Result<Vec<SyncStatus>, StoreError> {
        self.inner.statuses()
    }
}

#[test]
fn killed_between_execute_and_commit_nothing_is_lost_or_doubled() {
    run(async {
        let db = TempDb::new("kill");
        let mb = Arc::new(MemoryMailbox::new());
        let u = alice();
        let dead = Arc::new(AtomicBool::new(false));
        {
            let store: Arc<dyn StateStore> = Arc::new(SqliteStore::open(db.path()).unwrap());
            let e = engine(Arc::new(Killable { inner: store, dead: dead.clone() }), &mb);
            e.enrol(&u, &UserSettings::default()).unwrap();
            for i in 0..5 {
                let id = AppId::new(format!("crm-{i}"));
                e.report(&u, ObjectKind::Contacts, AppChange::upsert(id, person(&format!("P{i}")), at(i))).unwrap();
            }
            mb.insert(&u, &contacts(), person("Outlook"), None);
            dead.store(true, Ordering::SeqCst);
            // The writes reach Exchange, then the process dies before committing.
            assert!(matches!(e.sync(&u, ObjectKind::Contacts).await, Err(SyncError::Store(_))));
            assert_eq!(mb.items(&u, &contacts()).len(), 6);
        }
        // A new process opens the same file.
        let store: Arc<dyn StateStore> = Arc::new(SqliteStore::open(db.path()).unwrap());
        let e = engine(store, &mb);
        assert_eq!(e.store().app_changes(&u, ObjectKind::Contacts).unwrap().len(), 5);
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!((r.created, r.matched, r.delivered), (0, 5, 1), "{r:?}");
        assert_eq!(mb.items(&u, &contacts()).len(), 6);
        assert!(e.store().app_changes(&u, ObjectKind::Contacts).unwrap().is_empty());
        assert_eq!(e.store().mappings(&u, ObjectKind::Contacts).unwrap().len(), 6);
    });
}

#[test]
fn a_lost_cursor_resyncs_the_folder_by_id_and_tag() {
    run(async {
        let (e, mb) = memory_engine();
        let u = alice();
        let mut app = std::collections::BTreeMap::new();
        for n in ["Ann", "Bob"] {
            app.insert(AppId::new(n), person(n));
            e.report(&u, ObjectKind::Contacts, AppChange::upsert(AppId::new(n), person(n), at(0))).unwrap();
        }
        let cy = mb.insert(&u, &contacts(), person("Cy"), None);
        e.sync(&u, ObjectKind::Contacts).await.unwrap();
        apply_all(&e, &mut app);
        // While the cursor is lost, Outlook deletes Bob and edits Cy.
        let bob = mb.items(&u, &contacts()).into_iter().find(|i| i.tag == Some(AppId::new("Bob"))).unwrap();
        mb.remove(&u, &contacts(), &bob.id.id);
        mb.modify(&u, &contacts(), &cy.id, person("Cyrus"));
        mb.invalidate_cursors();
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!(r.mode, PlanMode::Full);
        apply_all(&e, &mut app);
        let mut got: Vec<_> = app.values().cloned().collect();
        got.sort_by_key(|r| format!("{r:?}"));
        assert_eq!(got, vec![person("Ann"), person("Cyrus")]);
        assert_eq!(r.created, 0);
    });
}

#[test]
fn a_stale_change_key_is_reread_and_decided_by_policy() {
    run(async {
        for (policy, expect) in [(ConflictPolicy::AppWins, "App"), (ConflictPolicy::ExchangeWins, "Outlook")] {
            let mb = Arc::new(MemoryMailbox::new());
            // Outlook edits an item right before exsync's update reaches it.
            let edit: Arc<std::sync::Mutex<Option<(String, Record)>>> = Arc::default();
            let (inner, pending) = (mb.clone(), edit.clone());
            let racing = Hooked::new(mb.clone(), move |call, u, s| {
                let edit = if call == Call::Update { pending.lock().unwrap().take() } else { None };
                if let Some((id, record)) = edit {
                    inner.modify(u, s, &id, record);
                }
            });
            let e = SyncEngine::new(MemoryStore::new(), racing);
            let u = alice();
            let mut settings = UserSettings::default();
            settings.contacts.sync.conflict_policy = policy;
            e.enrol(&u, &settings).unwrap();
            e.report(&u, ObjectKind::Contacts, AppChange::upsert(AppId::new("c"), person("Start"), at(0))).unwrap();
            e.sync(&u, ObjectKind::Contacts).await.unwrap();
            let id = mb.items(&u, &contacts())[0].id.id.clone();
            e.report(&u, ObjectKind::Contacts, AppChange::upsert(AppId::new("c"), person("App"), at(1))).unwrap();
            *edit.lock().unwrap() = Some((id, person("Outlook")));
            let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
            assert_eq!(r.conflicts.len(), 1, "{policy:?}: {r:?}");
            assert!(r.failures.is_empty());
            assert_eq!(names(&mb.items(&u, &contacts())), vec![expect]);
            let mut app = std::collections::BTreeMap::new();
            for entry in e.pending(&u, 10).unwrap() {
                if let Delivery::Upsert(rec) = entry.delivery {
                    app.insert(entry.app_id, rec);
                }
            }
            if policy == ConflictPolicy::ExchangeWins {
                assert_eq!(app.get(&AppId::new("c")), Some(&person("Outlook")));
            } else {
                assert!(app.is_empty());
            }
        }
    });
}

#[test]
fn an_emptied_folder_stops_the_sync_until_forced() {
    run(async {
        let (e, mb) = memory_engine();
        let u = alice();
        for i in 0..6 {
            e.report(
                &u,
                ObjectKind::Contacts,
                AppChange::upsert(AppId::new(format!("c{i}")), person(&format!("P{i}")), at(i)),
            )
            .unwrap();
        }
        e.sync(&u, ObjectKind::Contacts).await.unwrap();
        for i in mb.items(&u, &contacts()) {
            mb.remove(&u, &contacts(), &i.id.id);
        }
        let err = e.sync(&u, ObjectKind::Contacts).await.unwrap_err();
        assert!(matches!(err, SyncError::Plan(PlanError::EmptySide { linked: 6, .. })), "{err}");
        assert!(e.pending(&u, 10).unwrap().is_empty());
        // Still stopped on the next try (the cursor did not move).
        assert!(e.sync(&u, ObjectKind::Contacts).await.is_err());
        let r = e.sync_forced(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!(r.delivered, 6);
    });
}

#[test]
fn reset_rebuilds_the_map_without_touching_data() {
    run(async {
        let (e, mb) = memory_engine();
        let u = alice();
        for n in ["Ann", "Bob"] {
            e.report(&u, ObjectKind::Contacts, AppChange::upsert(AppId::new(n), person(n), at(0))).unwrap();
        }
        mb.insert(&u, &contacts(), person("Cy"), None);
        e.sync(&u, ObjectKind::Contacts).await.unwrap();
        let before = mb.items(&u, &contacts());
        // The application re-reports its records (one it never had, one unknown to Exchange).
        for n in ["Ann", "Bob", "Dee"] {
            e.report(&u, ObjectKind::Contacts, AppChange::upsert(AppId::new(n), person(n), at(1))).unwrap();
        }
        let calls_before = mb.calls().len();
        let r = e.reset(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!(r.mode, PlanMode::Rebuild);
        assert_eq!((r.created, r.updated, r.deleted, r.delivered, r.matched), (0, 0, 0, 0, 2));
        assert!(mb.calls()[calls_before..].iter().all(|c| *c == Operation::ListChanges));
        assert_eq!(mb.items(&u, &contacts()), before);
        assert_eq!(e.store().mappings(&u, ObjectKind::Contacts).unwrap().len(), 2);
        assert_eq!(r.skipped.len(), 2); // Dee (app) and Cy (Exchange)
        // Dee stays queued and is created by the next sync.
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!(r.created, 1);
    });
}

#[test]
fn a_dry_run_changes_nothing() {
    run(async {
        let (e, mb) = memory_engine();
        let u = alice();
        e.report(&u, ObjectKind::Contacts, AppChange::upsert(AppId::new("a"), person("Ann"), at(0))).unwrap();
        mb.insert(&u, &contacts(), person("Bob"), None);
        let plan = e.dry_run(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!(plan.actions.len(), 2);
        assert_eq!(mb.items(&u, &contacts()).len(), 1);
        assert_eq!(e.store().app_changes(&u, ObjectKind::Contacts).unwrap().len(), 1);
        assert_eq!(e.store().cursor(&u, ObjectKind::Contacts).unwrap(), None);
        assert!(e.pending(&u, 10).unwrap().is_empty());
    });
}

#[test]
fn settings_direction_window_and_folder_apply() {
    run(async {
        let (e, mb) = memory_engine();
        let u = alice();
        let mut s = UserSettings::default();
        s.contacts.sync.direction = Direction::ExchangeToApp;
        s.contacts.folder = ContactsFolder::Named("CRM".into());
        s.events.window = EventWindow { days_back: 1, days_ahead: 7 };
        e.enrol(&u, &s).unwrap();
        let crm = FolderScope { kind: ObjectKind::Contacts, contacts_folder: ContactsFolder::Named("CRM".into()) };
        mb.insert(&u, &crm, person("InCrm"), None);
        mb.insert(&u, &contacts(), person("Elsewhere"), None);
        e.report(&u, ObjectKind::Contacts, AppChange::upsert(AppId::new("a"), person("AppOnly"), at(0))).unwrap();
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!((r.created, r.delivered), (0, 1));
        assert_eq!(r.skipped, vec![Skip { subject: Subject::App(AppId::new("a")), reason: SkipReason::Direction }]);

        // Engine clock: 2026-06-01T12:00Z; window: May 31 12:00 to June 8 12:00.
        let ev = |s: &str, day: u32| {
            Record::from(Event {
                subject: Some(s.into()),
                start: Utc.with_ymd_and_hms(2026, 6, day, 9, 0, 0).unwrap(),
                end: Utc.with_ymd_and_hms(2026, 6, day, 10, 0, 0).unwrap(),
                ..Event::default()
            })
        };
        e.report(&u, ObjectKind::Events, AppChange::upsert(AppId::new("soon"), ev("Soon", 3), at(0))).unwrap();
        e.report(&u, ObjectKind::Events, AppChange::upsert(AppId::new("later"), ev("Later", 20), at(0))).unwrap();
        let r = e.sync(&u, ObjectKind::Events).await.unwrap();
        assert_eq!(r.created, 1);
        assert_eq!(
            r.skipped,
            vec![Skip { subject: Subject::App(AppId::new("later")), reason: SkipReason::OutOfWindow }]
        );
        assert_eq!(names(&mb.items(&u, &FolderScope::default_folder(ObjectKind::Events))), vec!["Soon"]);
    });
}

#[test]
fn failed_writes_keep_the_change_queued_and_report_why() {
    run(async {
        let (e, mb) = memory_engine();
        let u = alice();
        e.report(&u, ObjectKind::Contacts, AppChange::upsert(AppId::new("a"), person("Ann"), at(0))).unwrap();
        mb.inject(Operation::Create, Fault::Rejected);
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert!(matches!(&r.failures[..], [Failure { error: BackendError::Rejected { .. }, .. }]));
        assert_eq!(e.store().app_changes(&u, ObjectKind::Contacts).unwrap().len(), 1);
        mb.inject(Operation::ListChanges, Fault::Transient);
        assert!(matches!(e.sync(&u, ObjectKind::Contacts).await, Err(SyncError::Listing { .. })));
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!(r.created, 1);
    });
}
