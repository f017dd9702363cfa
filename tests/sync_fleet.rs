//! Many users at once over the in-memory mailbox: per-user status (after success, after a
//! failure with its EWS code, across reopening the SQLite file), progress events (order and
//! counts), the engine's concurrency bounds (per service account, per mailbox, a folder never
//! twice at once) and one user's failure (or panic) not stopping the others.
#![cfg(all(feature = "memory-backend", feature = "sqlite"))]

mod temp_db;

mod hooked_backend;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use exsync::backend::memory::{Fault, MemoryMailbox, Operation};
use exsync::backend::*;
use exsync::store::{AppChange, MemoryStore, SqliteStore, StateStore};
use exsync::sync::*;
use hooked_backend::{Call, Hooked};
use temp_db::TempDb;

fn user(name: &str) -> UserId {
    UserId::new(format!("{name}@contoso.com"))
}

fn person(name: &str) -> Record {
    Record::from(Contact {
        given_name: Some(name.into()),
        emails: vec![format!("{}@example.com", name.to_lowercase()).as_str().into()],
        ..Contact::default()
    })
}

fn meeting(subject: &str, day: u32) -> Record {
    Record::from(Event {
        subject: Some(subject.into()),
        start: Utc.with_ymd_and_hms(2026, 6, day, 9, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2026, 6, day, 10, 0, 0).unwrap(),
        ..Event::default()
    })
}

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

fn contacts() -> FolderScope {
    FolderScope::default_folder(ObjectKind::Contacts)
}

fn events() -> FolderScope {
    FolderScope::default_folder(ObjectKind::Events)
}

/// A multi-threaded runtime with timers (the mailbox's latency needs them).
fn run<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap().block_on(f)
}

type Engine<S> = SyncEngine<S, Arc<MemoryMailbox>>;

fn engine<S: StateStore>(store: S, mailbox: &Arc<MemoryMailbox>) -> Engine<S> {
    SyncEngine::new(store, mailbox.clone()).with_clock(noon)
}

fn limits(account: usize, mailbox: usize) -> SyncLimits {
    SyncLimits { per_service_account: account.try_into().unwrap(), per_mailbox: mailbox.try_into().unwrap() }
}

/// Gives each user `n` application contacts, `n` Outlook contacts and `n` Outlook events.
fn populate<S: StateStore>(e: &Engine<S>, mb: &MemoryMailbox, users: &[UserId], n: usize) {
    for u in users {
        e.enrol(u, &UserSettings::default()).unwrap();
        for i in 0..n {
            let id = AppId::new(format!("crm-{i}"));
            e.report(u, ObjectKind::Contacts, AppChange::upsert(id, person(&format!("App{i}")), noon())).unwrap();
            mb.insert(u, &contacts(), person(&format!("Outlook{i}")), None);
            mb.insert(u, &events(), meeting(&format!("Meeting {i}"), 2 + i as u32), None);
        }
    }
}

/// Collects progress events.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<SyncProgress>>>);

impl Recorder {
    fn sink(&self) -> impl Fn(&SyncProgress) + Send + Sync + 'static {
        let events = self.0.clone();
        move |p: &SyncProgress| events.lock().unwrap().push(p.clone())
    }
    fn events(&self) -> Vec<SyncProgress> {
        self.0.lock().unwrap().clone()
    }
}

#[test]
fn status_after_success_counts_each_action() {
    run(async {
        let mb = Arc::new(MemoryMailbox::new());
        let e = engine(MemoryStore::new(), &mb);
        let u = user("alice");
        populate(&e, &mb, std::slice::from_ref(&u), 2);
        // Before any sync: both kinds, never attempted.
        let before = e.status(&u).unwrap();
        assert_eq!(before.iter().map(|s| s.kind).collect::<Vec<_>>(), ObjectKind::ALL.to_vec());
        assert!(before.iter().all(|s| s.last_attempt.is_none() && s.totals == RunCounts::default()));

        e.sync_user(&u).await.unwrap();
        let [c, ev] = <[SyncStatus; 2]>::try_from(e.status(&u).unwrap()).unwrap();
        assert_eq!((c.last_success, c.last_attempt), (Some(noon()), Some(noon())));
        let run = c.last_run.unwrap();
        assert_eq!((run.exchange_created, run.app_created, run.app_updated, run.app_deleted), (2, 2, 0, 0));
        assert_eq!((run.failed, run.conflicts), (0, 0));
        assert!(c.last_error.is_none() && !c.is_failing());
        assert_eq!(ev.last_run.unwrap().app_created, 2);

        // Outlook edits one contact and deletes another: counted as updates and deletes for the app.
        let items = mb.items(&u, &contacts());
        let outlook: Vec<_> = items.iter().filter(|i| i.tag.is_none()).collect();
        mb.modify(&u, &contacts(), &outlook[0].id.id, person("Changed"));
        mb.remove(&u, &contacts(), &outlook[1].id.id);
        e.sync(&u, ObjectKind::Contacts).await.unwrap();
        let c = e.store().status(&u, ObjectKind::Contacts).unwrap().unwrap();
        let run = c.last_run.unwrap();
        assert_eq!((run.app_created, run.app_updated, run.app_deleted, run.exchange_created), (0, 1, 1, 0));
        assert_eq!((c.totals.app_created, c.totals.app_updated, c.totals.app_deleted), (2, 1, 1));
        assert_eq!(c.totals.exchange_created, 2);
    });
}

#[test]
fn status_after_a_failure_keeps_the_ews_code() {
    run(async {
        let mb = Arc::new(MemoryMailbox::new());
        let e = engine(MemoryStore::new(), &mb);
        let u = user("alice");
        populate(&e, &mb, std::slice::from_ref(&u), 1);

        mb.inject_for(&u, Operation::ListChanges, Fault::ServerBusy);
        let err = e.sync(&u, ObjectKind::Contacts).await.unwrap_err();
        assert!(matches!(&err, SyncError::Listing { source, .. } if source.server_code() == Some("ErrorServerBusy")));
        let s = e.store().status(&u, ObjectKind::Contacts).unwrap().unwrap();
        let last = s.last_error.clone().unwrap();
        assert_eq!(
            (last.kind, last.code.as_deref(), last.at),
            (FailureKind::Transient, Some("ErrorServerBusy"), noon())
        );
        assert_eq!(last.message, err.to_string());
        assert!(last.message.contains("alice@contoso.com"), "{}", last.message);
        assert_eq!((s.last_success, s.last_attempt, s.consecutive_failures), (None, Some(noon()), 1));
        assert!(s.is_failing());

        mb.inject_for(&u, Operation::ListChanges, Fault::ImpersonationDenied);
        e.sync(&u, ObjectKind::Contacts).await.unwrap_err();
        let s = e.store().status(&u, ObjectKind::Contacts).unwrap().unwrap();
        let last = s.last_error.unwrap();
        assert_eq!((last.kind, last.code.as_deref()), (FailureKind::Denied, Some("ErrorImpersonateUserDenied")));
        assert_eq!(s.consecutive_failures, 2);

        // A run that commits but cannot write one record: a success, with the record's error kept.
        mb.inject_for(&u, Operation::Create, Fault::Rejected);
        let r = e.sync(&u, ObjectKind::Contacts).await.unwrap();
        assert_eq!(r.failures.len(), 1);
        let s = e.store().status(&u, ObjectKind::Contacts).unwrap().unwrap();
        assert_eq!((s.last_success, s.consecutive_failures), (Some(noon()), 0));
        assert_eq!(s.last_run.unwrap().failed, 1);
        let last = s.last_error.unwrap();
        assert_eq!(last.kind, FailureKind::Rejected);
        assert!(last.message.contains("crm-0"), "{}", last.message);

        // Not enrolled: an error, and no status kept for a stranger.
        let stranger = user("mallory");
        assert!(matches!(e.sync(&stranger, ObjectKind::Contacts).await, Err(SyncError::NotEnrolled { .. })));
        assert!(matches!(e.status(&stranger), Err(SyncError::NotEnrolled { .. })));
        assert!(e.store().status(&stranger, ObjectKind::Contacts).unwrap().is_none());
    });
}

#[test]
fn status_survives_reopening_the_sqlite_file_and_old_files_migrate() {
    run(async {
        let db = TempDb::new("status");
        // A database of the first schema version, as an older exsync left it.
        {
            let conn = rusqlite::Connection::open(db.path()).unwrap();
            conn.execute_batch(exsync::store::schema::MIGRATIONS[0]).unwrap();
            conn.execute_batch("PRAGMA user_version = 1").unwrap();
        }
        let mb = Arc::new(MemoryMailbox::new());
        let (a, b) = (user("alice"), user("bob"));
        let before = {
            let e = engine(SqliteStore::open(db.path()).unwrap(), &mb);
            assert_eq!(e.store().schema_version().unwrap(), exsync::store::schema::CURRENT_VERSION);
            populate(&e, &mb, &[a.clone(), b.clone()], 2);
            e.sync_user(&a).await.unwrap();
            mb.inject_for(&b, Operation::ListChanges, Fault::ServerBusy);
            e.sync(&b, ObjectKind::Contacts).await.unwrap_err();
            e.sync(&b, ObjectKind::Events).await.unwrap();
            e.statuses().unwrap()
        };
        assert_eq!(before.len(), 4);
        let e = engine(SqliteStore::open(db.path()).unwrap(), &mb);
        assert_eq!(e.statuses().unwrap(), before);
        let bob_contacts = e.store().status(&b, ObjectKind::Contacts).unwrap().unwrap();
        let last = bob_contacts.last_error.unwrap();
        assert_eq!((last.kind, last.code.as_deref()), (FailureKind::Transient, Some("ErrorServerBusy")));
        assert_eq!(e.store().status(&a, ObjectKind::Events).unwrap().unwrap().last_run.unwrap().app_created, 2);
        // Removing a user removes their status.
        assert!(e.store().remove_user(&b).unwrap());
        assert!(e.store().status(&b, ObjectKind::Contacts).unwrap().is_none());
        assert_eq!(e.store().statuses().unwrap().len(), 2);
    });
}

#[test]
fn progress_events_come_in_order_with_counts() {
    run(async {
        let mb = Arc::new(MemoryMailbox::new());
        let rec = Recorder::default();
        let e = engine(MemoryStore::new(), &mb).with_sizes(2, 2).with_limits(limits(1, 1)).with_progress(rec.sink());
        let users = [user("alice"), user("bob")];
        populate(&e, &mb, &users, 3);
        let fleet = Fleet::new(Arc::new(e));
        let summary = fleet.sync_all().await.unwrap();
        assert_eq!(summary.failed_users(), 0);
        let events = rec.events();
        for ev in &events {
            let json = serde_json::to_string(ev).unwrap();
            assert_eq!(&serde_json::from_str::<SyncProgress>(&json).unwrap(), ev);
        }
        assert_eq!(events.first(), Some(&SyncProgress::FleetStarted { users: 2 }));
        assert!(matches!(events.last(), Some(SyncProgress::AllDone { users: 2, failed_users: 0, .. })));
        if let Some(SyncProgress::AllDone { totals, .. }) = events.last() {
            assert_eq!(*totals, summary.totals);
            assert_eq!((totals.exchange_created, totals.app_created), (6, 12));
        }

        // One user after the other (one at a time), each kind in order.
        let mut i = 1;
        for (n, u) in users.iter().enumerate() {
            assert_eq!(events[i], SyncProgress::UserStarted { user: u.clone() });
            i += 1;
            let mut outcomes = Vec::new();
            for kind in ObjectKind::ALL {
                assert_eq!(events[i], SyncProgress::FolderStarted { user: u.clone(), kind });
                i += 1;
                let (mut pages, mut listed, mut last_done, mut total) = (0, 0, 0, 0);
                loop {
                    match &events[i] {
                        SyncProgress::PageFetched { user: who, kind: k, changes, listed: so_far, .. } => {
                            assert_eq!((who, *k), (u, kind));
                            assert!(*changes <= 2);
                            listed += changes;
                            assert_eq!(*so_far, listed);
                            pages += 1;
                        }
                        SyncProgress::ItemsProcessed { user: who, kind: k, done, total: t } => {
                            assert_eq!((who, *k), (u, kind));
                            let t = t.unwrap();
                            assert!(*done >= last_done && t >= total && *done <= t, "{done}/{t}");
                            (last_done, total) = (*done, t);
                        }
                        SyncProgress::FolderDone { user: who, kind: k, outcome } => {
                            assert_eq!((who, *k), (u, kind));
                            let FolderOutcome::Synced(counts) = outcome else { panic!("{outcome:?}") };
                            assert_eq!(counts.listed as usize, listed);
                            outcomes.push(KindOutcome { kind, outcome: outcome.clone() });
                            i += 1;
                            break;
                        }
                        other => panic!("unexpected {other:?}"),
                    }
                    i += 1;
                }
                // Three Outlook items (and for contacts, the echo of three creates) in pages of two.
                assert!(pages >= 2, "{pages} pages");
                assert_eq!(last_done, total, "the bar ends full");
                assert!(total >= 3);
            }
            assert_eq!(
                events[i],
                SyncProgress::UserDone { user: u.clone(), outcomes, users_done: n + 1, users_total: 2 }
            );
            i += 1;
        }
        assert_eq!(i, events.len() - 1);
    });
}

#[test]
fn concurrency_bounds_are_respected() {
    run(async {
        for (account, mailbox) in [(3, 1), (4, 2)] {
            let mb = Arc::new(MemoryMailbox::new());
            mb.set_latency(Duration::from_millis(2));
            let e = engine(MemoryStore::new(), &mb).with_limits(limits(account, mailbox));
            let users: Vec<UserId> = (0..10).map(|i| user(&format!("u{i:02}"))).collect();
            populate(&e, &mb, &users, 2);
            let summary = Fleet::new(Arc::new(e)).sync_all().await.unwrap();
            assert_eq!((summary.users.len(), summary.failed_users()), (10, 0));
            assert_eq!(mb.peak_in_flight(), account, "runs at once for the service account");
            assert_eq!(mb.peak_in_flight_per_mailbox(), mailbox, "runs at once in one mailbox");
            assert_eq!(mb.peak_in_flight_per_folder(), 1, "a folder is never synced twice at once");
            for u in &users {
                assert_eq!(mb.items(u, &contacts()).len(), 4);
            }
        }
    });
}

#[test]
fn a_mailbox_is_never_synced_twice_at_once() {
    run(async {
        let mb = Arc::new(MemoryMailbox::new());
        mb.set_latency(Duration::from_millis(2));
        let e = engine(MemoryStore::new(), &mb).with_limits(limits(8, 1));
        let users = [user("alice"), user("bob")];
        populate(&e, &mb, &users, 3);
        let fleet = Fleet::new(Arc::new(e));
        let engine = fleet.engine().clone();
        let alice = users[0].clone();
        // Two fleet runs and direct syncs of alice, all at once.
        let direct = {
            let engine = engine.clone();
            tokio::spawn(async move {
                for _ in 0..3 {
                    engine.sync(&alice, ObjectKind::Events).await.unwrap();
                    engine.sync_full(&alice, ObjectKind::Contacts).await.unwrap();
                }
            })
        };
        let (one, two) = tokio::join!(fleet.sync_all(), fleet.sync_all());
        direct.await.unwrap();
        assert_eq!((one.unwrap().failed_users(), two.unwrap().failed_users()), (0, 0));
        assert_eq!(mb.peak_in_flight_per_mailbox(), 1);
        assert_eq!(mb.peak_in_flight(), 2, "the two mailboxes did sync side by side");
        // Nothing was created twice.
        for u in &users {
            assert_eq!(mb.items(u, &contacts()).len(), 6);
        }
    });
}

#[test]
fn one_failing_user_does_not_stop_the_others() {
    run(async {
        let mb = Arc::new(MemoryMailbox::new());
        mb.set_latency(Duration::from_millis(1));
        let rec = Recorder::default();
        let e = engine(MemoryStore::new(), &mb).with_limits(limits(3, 1)).with_progress(rec.sink());
        let users: Vec<UserId> = ["ann", "bob", "cy", "dee", "eve"].into_iter().map(user).collect();
        populate(&e, &mb, &users, 2);
        let bob = user("bob");
        mb.inject_for(&bob, Operation::ListChanges, Fault::ImpersonationDenied);
        mb.inject_for(&bob, Operation::ListChanges, Fault::ImpersonationDenied);
        let fleet = Fleet::new(Arc::new(e));
        let summary = fleet.sync_all().await.unwrap();
        assert_eq!(summary.users.iter().map(|u| &u.user).collect::<Vec<_>>(), users.iter().collect::<Vec<_>>());
        assert_eq!(summary.failed_users(), 1);
        let failures: Vec<_> = summary.failures().map(|(u, k, e)| (u.clone(), k, FailureKind::of_sync(e))).collect();
        assert_eq!(
            failures,
            vec![
                (bob.clone(), ObjectKind::Contacts, FailureKind::Denied),
                (bob.clone(), ObjectKind::Events, FailureKind::Denied)
            ]
        );
        for s in fleet.engine().statuses().unwrap() {
            if s.user == bob {
                let last = s.last_error.unwrap();
                assert_eq!(last.code.as_deref(), Some("ErrorImpersonateUserDenied"));
                assert!(s.last_success.is_none());
            } else {
                assert_eq!(s.last_success, Some(noon()), "{}", s.user);
                assert!(s.last_error.is_none());
            }
        }
        for u in users.iter().filter(|u| **u != bob) {
            assert_eq!(mb.items(u, &contacts()).len(), 4);
        }
        let bob_done = rec
            .events()
            .into_iter()
            .find_map(|p| match p {
                SyncProgress::UserDone { user, outcomes, .. } if user == bob => Some(outcomes),
                _ => None,
            })
            .unwrap();
        assert!(
            bob_done.iter().all(|o| matches!(&o.outcome, FolderOutcome::Failed(e) if e.kind == FailureKind::Denied))
        );
        assert!(matches!(rec.events().last(), Some(SyncProgress::AllDone { users: 5, failed_users: 1, .. })));
    });
}

#[test]
fn a_panicking_sync_or_progress_callback_stops_no_one() {
    run(async {
        let mb = Arc::new(MemoryMailbox::new());
        let users = [user("ann"), user("bob"), user("cy")];
        let bob = users[1].clone();
        let seen = Arc::new(AtomicU32::new(0));
        let counter = seen.clone();
        // The listing panics for Bob (a bug somewhere below the engine).
        let victim = bob.clone();
        let exploding = Hooked::new(mb.clone(), move |call, u, _| {
            assert!(!(call == Call::ListChanges && *u == victim), "boom");
        });
        let e =
            SyncEngine::new(MemoryStore::new(), exploding).with_clock(noon).with_progress(move |p: &SyncProgress| {
                counter.fetch_add(1, Ordering::Relaxed);
                // The host's callback has a bug on every page.
                assert!(!matches!(p, SyncProgress::PageFetched { .. }), "callback bug");
            });
        for u in &users {
            e.enrol(u, &UserSettings::default()).unwrap();
            e.report(u, ObjectKind::Contacts, AppChange::upsert(AppId::new("crm-1"), person("Ann"), noon())).unwrap();
        }
        let fleet = Fleet::new(Arc::new(e));
        let summary = fleet.sync_all().await.unwrap();
        assert_eq!(summary.failed_users(), 1);
        let bob_out = summary.users.iter().find(|u| u.user == bob).unwrap();
        assert_eq!(bob_out.results.len(), 2);
        assert!(bob_out.results.iter().all(|(_, r)| matches!(r, Err(SyncError::Internal { .. }))));
        let s = fleet.engine().store().status(&bob, ObjectKind::Contacts).unwrap().unwrap();
        assert_eq!(s.last_error.unwrap().kind, FailureKind::Internal);
        for u in users.iter().filter(|u| **u != bob) {
            assert_eq!(mb.items(u, &contacts()).len(), 1, "{u} synced");
        }
        assert!(seen.load(Ordering::Relaxed) > 10);
    });
}

#[test]
fn named_users_are_synced_once_and_strangers_fail() {
    run(async {
        let mb = Arc::new(MemoryMailbox::new());
        let e = engine(MemoryStore::new(), &mb);
        let ann = user("ann");
        populate(&e, &mb, std::slice::from_ref(&ann), 1);
        let mut settings = UserSettings::default();
        settings.events.sync.direction = Direction::None;
        e.enrol(&ann, &settings).unwrap();
        let fleet = Fleet::new(Arc::new(e));
        let summary = fleet.sync_users(vec![user("ghost"), ann.clone(), ann.clone()]).await;
        assert_eq!(summary.users.len(), 2);
        let ann_out = summary.users.iter().find(|u| u.user == ann).unwrap();
        // Events are not synced for ann: only contacts ran.
        assert_eq!(ann_out.results.iter().map(|(k, _)| *k).collect::<Vec<_>>(), vec![ObjectKind::Contacts]);
        assert!(!ann_out.failed());
        let ghost = summary.users.iter().find(|u| u.user == user("ghost")).unwrap();
        assert!(ghost.results.iter().all(|(_, r)| matches!(r, Err(SyncError::NotEnrolled { .. }))));
        assert_eq!(summary.failed_users(), 1);
        assert_eq!(fleet.engine().store().status(&ann, ObjectKind::Events).unwrap(), None);
    });
}
