//! The state stores: the same behaviour from the memory store and the SQLite store (a proptest
//! runs random operations on both and compares everything observable), durability across
//! reopening the file (a process that dies between steps loses nothing), schema versions.
#![cfg(feature = "sqlite")]

mod temp_db;

use chrono::{TimeZone, Utc};
use exsync::backend::{Cursor, RemoteId};
use exsync::store::*;
use exsync::sync::*;
use proptest::prelude::*;
use temp_db::TempDb;

fn alice() -> UserId {
    UserId::new("alice@contoso.com")
}

fn contact(name: &str) -> Record {
    Record::from(Contact { given_name: Some(name.into()), ..Contact::default() })
}

fn at(s: i64) -> chrono::DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + s, 0).unwrap()
}

fn stores() -> Vec<(&'static str, Box<dyn StateStore>)> {
    vec![("memory", Box::new(MemoryStore::new())), ("sqlite", Box::new(SqliteStore::open_in_memory().unwrap()))]
}

#[test]
fn enrolment_settings_and_removal() {
    for (name, s) in stores() {
        assert!(matches!(
            s.push_app_change(&alice(), ObjectKind::Contacts, &AppChange::delete(AppId::new("a"), at(0))),
            Err(StoreError::NotEnrolled { .. })
        ));
        let mut settings = UserSettings::default();
        settings.events.window.days_ahead = 30;
        settings.contacts.folder = ContactsFolder::Named("CRM".into());
        s.enrol(&alice(), &settings).unwrap();
        s.enrol(&UserId::new("bob@contoso.com"), &UserSettings::default()).unwrap();
        assert_eq!(s.user_settings(&alice()).unwrap(), Some(settings), "{name}");
        assert_eq!(s.users().unwrap(), vec![alice(), UserId::new("bob@contoso.com")]);
        s.push_app_change(&alice(), ObjectKind::Contacts, &AppChange::delete(AppId::new("a"), at(0))).unwrap();
        assert!(s.remove_user(&alice()).unwrap());
        assert!(!s.remove_user(&alice()).unwrap());
        assert_eq!(s.user_settings(&alice()).unwrap(), None);
        assert!(s.app_changes(&alice(), ObjectKind::Contacts).unwrap().is_empty(), "{name}");
        assert_eq!(s.setup_config().unwrap(), None);
        let cfg = serde_json::json!({"ews_url": "https://mail.contoso.com/EWS/Exchange.asmx"});
        s.set_setup_config(&cfg).unwrap();
        assert_eq!(s.setup_config().unwrap(), Some(cfg));
    }
}

#[test]
fn commits_link_unlink_consume_deliver_and_move_the_cursor() {
    for (name, s) in stores() {
        let u = alice();
        let k = ObjectKind::Contacts;
        s.enrol(&u, &UserSettings::default()).unwrap();
        let s1 = s.push_app_change(&u, k, &AppChange::upsert(AppId::new("a"), contact("A"), at(1))).unwrap();
        let s2 = s
            .push_app_change(&u, k, &AppChange::upsert(AppId::new("b"), contact("B"), at(2)).with_version("v2"))
            .unwrap();
        assert!(s2 > s1);
        let outbox = s.app_changes(&u, k).unwrap();
        assert_eq!(outbox.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![s1, s2], "{name}");
        assert_eq!(outbox[1].change.version.as_deref(), Some("v2"));
        assert!(s.app_changes(&u, ObjectKind::Events).unwrap().is_empty());

        let link_a = Mapping::new(AppId::new("a"), RemoteId::new("item-1", "ck1"), contact("A"), None);
        let commit = Commit {
            cursor: Some(Cursor("c1".into())),
            links: vec![link_a.clone()],
            consumed: vec![s1],
            deliveries: vec![(AppId::new("x"), Delivery::Upsert(contact("X1")))],
            ..Commit::default()
        };
        s.commit(&u, k, &commit).unwrap();
        assert_eq!(s.cursor(&u, k).unwrap(), Some(Cursor("c1".into())));
        assert_eq!(s.cursor(&u, ObjectKind::Events).unwrap(), None);
        assert_eq!(s.mappings(&u, k).unwrap(), vec![link_a.clone()]);
        assert_eq!(s.app_changes(&u, k).unwrap().len(), 1);
        let first = s.inbox(&u, None, 10).unwrap();
        assert_eq!(first.len(), 1);

        // A newer delivery of the same record replaces the pending one; linking another id to
        // the same item moves the link.
        let link_b = Mapping::new(AppId::new("b"), RemoteId::new("item-1", "ck2"), contact("B"), Some("v2".into()));
        let commit = Commit {
            links: vec![link_b.clone()],
            deliveries: vec![(AppId::new("x"), Delivery::Delete), (AppId::new("b"), Delivery::Upsert(contact("B")))],
            ..Commit::default()
        };
        s.commit(&u, k, &commit).unwrap();
        assert_eq!(s.mappings(&u, k).unwrap(), vec![link_b.clone()], "{name}");
        let inbox = s.inbox(&u, Some(k), 10).unwrap();
        assert_eq!(inbox.len(), 2);
        assert_eq!(inbox[0].app_id, AppId::new("x"));
        assert_eq!(inbox[0].delivery, Delivery::Delete);
        assert!(inbox[0].seq > first[0].seq);
        assert_eq!(s.inbox(&u, Some(k), 1).unwrap().len(), 1);
        assert!(s.inbox(&u, Some(ObjectKind::Events), 10).unwrap().is_empty());

        // Acknowledging: the replaced entry is superseded; the upsert records the app version.
        assert_eq!(s.ack(&u, first[0].seq, None).unwrap(), AckOutcome::Superseded);
        assert_eq!(s.ack(&UserId::new("eve@x"), inbox[1].seq, None).unwrap(), AckOutcome::Superseded);
        assert_eq!(s.ack(&u, inbox[1].seq, Some("v3")).unwrap(), AckOutcome::Acknowledged);
        assert_eq!(s.ack(&u, inbox[1].seq, Some("v4")).unwrap(), AckOutcome::Superseded);
        assert_eq!(s.mappings(&u, k).unwrap()[0].app_version.as_deref(), Some("v3"));
        // Applying the delivery replaced the record: its change queued before is dropped.
        assert!(s.app_changes(&u, k).unwrap().is_empty(), "{name}");
        s.push_app_change(&u, k, &AppChange::delete(AppId::new("b"), at(3))).unwrap();

        // Unlinks; reset forgets map and cursor but keeps the queues.
        s.commit(&u, k, &Commit { unlinks: vec![AppId::new("b")], ..Commit::default() }).unwrap();
        assert!(s.mappings(&u, k).unwrap().is_empty());
        s.commit(&u, k, &Commit { links: vec![link_a.clone()], ..Commit::default() }).unwrap();
        s.reset(&u, k).unwrap();
        assert!(s.mappings(&u, k).unwrap().is_empty());
        assert_eq!(s.cursor(&u, k).unwrap(), None);
        assert_eq!(s.app_changes(&u, k).unwrap().len(), 1);
        assert_eq!(s.inbox(&u, None, 10).unwrap().len(), 1);
        assert!(matches!(s.commit(&UserId::new("eve@x"), k, &Commit::default()), Err(StoreError::NotEnrolled { .. })));
    }
}

#[test]
fn a_reopened_file_holds_everything_committed_and_nothing_else() {
    let db = TempDb::new("reopen");
    let u = alice();
    let k = ObjectKind::Events;
    let event = Record::from(Event { subject: Some("Standup".into()), start: at(0), end: at(900), ..Event::default() });
    let (seq_a, seq_b);
    {
        let s = SqliteStore::open(db.path()).unwrap();
        s.enrol(&u, &UserSettings::default()).unwrap();
        seq_a = s.push_app_change(&u, k, &AppChange::upsert(AppId::new("e1"), event.clone(), at(1))).unwrap();
        seq_b = s.push_app_change(&u, k, &AppChange::delete(AppId::new("e2"), at(2))).unwrap();
        let commit = Commit {
            cursor: Some(Cursor("after-round-1".into())),
            links: vec![Mapping::new(
                AppId::new("e1"),
                RemoteId::new("item-9", "ck3"),
                event.clone(),
                Some("7".into()),
            )],
            consumed: vec![seq_a],
            deliveries: vec![(AppId::new("e3"), Delivery::Upsert(event.clone()))],
            ..Commit::default()
        };
        s.commit(&u, k, &commit).unwrap();
        // The process dies here, before a second round commits: dropping the store without more.
    }
    let s = SqliteStore::open(db.path()).unwrap();
    assert_eq!(s.schema_version().unwrap(), exsync::store::schema::CURRENT_VERSION);
    assert_eq!(s.cursor(&u, k).unwrap(), Some(Cursor("after-round-1".into())));
    let maps = s.mappings(&u, k).unwrap();
    assert_eq!(maps.len(), 1);
    assert_eq!(maps[0].record, event);
    assert_eq!(maps[0].hash, event.content_hash());
    assert_eq!(maps[0].app_version.as_deref(), Some("7"));
    let outbox = s.app_changes(&u, k).unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].seq, seq_b);
    let inbox = s.inbox(&u, None, 10).unwrap();
    assert_eq!(inbox.len(), 1);
    // Sequence numbers keep growing across reopening (no reuse of an acknowledged seq).
    let seq_c = s.push_app_change(&u, k, &AppChange::delete(AppId::new("e4"), at(3))).unwrap();
    assert!(seq_c > seq_b);
    s.ack(&u, inbox[0].seq, None).unwrap();
    drop(s);
    let s = SqliteStore::open(db.path()).unwrap();
    assert!(s.inbox(&u, None, 10).unwrap().is_empty());
}

#[test]
fn newer_schemas_are_refused_and_damage_is_reported() {
    let db = TempDb::new("schema");
    {
        let s = SqliteStore::open(db.path()).unwrap();
        s.enrol(&alice(), &UserSettings::default()).unwrap();
    }
    {
        let conn = rusqlite::Connection::open(db.path()).unwrap();
        conn.execute("UPDATE users SET settings = 'not json'", []).unwrap();
    }
    let s = SqliteStore::open(db.path()).unwrap();
    let err = s.user_settings(&alice()).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { what: "user settings", .. }), "{err}");
    drop(s);
    {
        let conn = rusqlite::Connection::open(db.path()).unwrap();
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
    }
    let err = SqliteStore::open(db.path()).unwrap_err();
    assert!(matches!(err, StoreError::NewerSchema { found: 99, .. }));
    assert!(err.to_string().contains("upgrade exsync"), "{err}");
}

/// One step of the model-based test.
#[derive(Debug, Clone)]
enum Op {
    Push {
        kind: usize,
        app: u8,
        delete: bool,
    },
    Commit {
        kind: usize,
        clear: bool,
        link: Option<(u8, u8)>,
        unlink: Option<u8>,
        consume: usize,
        deliver: Option<(u8, bool)>,
        cursor: Option<u8>,
    },
    Ack {
        nth: usize,
        version: Option<u8>,
    },
    Reset {
        kind: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..2usize, 0..6u8, any::<bool>()).prop_map(|(kind, app, delete)| Op::Push { kind, app, delete }),
        (
            0..2usize,
            proptest::option::of((0..6u8, 0..4u8)),
            proptest::option::of(0..6u8),
            0..3usize,
            proptest::option::of((0..6u8, any::<bool>())),
            proptest::option::of(0..4u8),
            (0..8u8).prop_map(|x| x == 0)
        )
            .prop_map(|(kind, link, unlink, consume, deliver, cursor, clear)| Op::Commit {
                kind,
                clear,
                link,
                unlink,
                consume,
                deliver,
                cursor
            }),
        (0..4usize, proptest::option::of(0..3u8)).prop_map(|(nth, version)| Op::Ack { nth, version }),
        (0..2usize).prop_map(|kind| Op::Reset { kind }),
    ]
}

/// Everything observable of one user.
fn observe(s: &dyn StateStore) -> String {
    let u = alice();
    let mut out = String::new();
    for k in ObjectKind::ALL {
        let outbox: Vec<_> = s.app_changes(&u, k).unwrap().into_iter().map(|e| (e.seq, e.change)).collect();
        out += &format!(
            "{k}: cursor {:?}\nmap {:?}\noutbox {:?}\n",
            s.cursor(&u, k).unwrap(),
            s.mappings(&u, k).unwrap(),
            outbox
        );
    }
    out += &format!("inbox {:?}\n", s.inbox(&u, None, 100).unwrap());
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn sqlite_behaves_like_the_memory_model(ops in proptest::collection::vec(op(), 1..30)) {
        let model = MemoryStore::new();
        let db = TempDb::new("model");
        let mut real = SqliteStore::open(db.path()).unwrap();
        let u = alice();
        for s in [&model as &dyn StateStore, &real] {
            s.enrol(&u, &UserSettings::default()).unwrap();
        }
        for (i, op) in ops.iter().enumerate() {
            for s in [&model as &dyn StateStore, &real] {
                match op.clone() {
                    Op::Push { kind, app, delete } => {
                        let id = AppId::new(format!("a{app}"));
                        let c = if delete { AppChange::delete(id, at(i as i64)) } else { AppChange::upsert(id, contact(&format!("n{i}")), at(i as i64)) };
                        s.push_app_change(&u, ObjectKind::ALL[kind], &c).unwrap();
                    }
                    Op::Commit { kind, clear, link, unlink, consume, deliver, cursor } => {
                        let k = ObjectKind::ALL[kind];
                        let consumed = s.app_changes(&u, k).unwrap().iter().take(consume).map(|e| e.seq).collect();
                        let commit = Commit {
                            cursor: cursor.map(|c| Cursor(format!("c{c}"))),
                            clear_map: clear,
                            unlinks: unlink.map(|a| AppId::new(format!("a{a}"))).into_iter().collect(),
                            links: link
                                .map(|(a, r)| Mapping::new(AppId::new(format!("a{a}")), RemoteId::new(format!("r{r}"), format!("ck{i}")), contact("m"), None))
                                .into_iter()
                                .collect(),
                            consumed,
                            deliveries: deliver
                                .map(|(a, del)| (AppId::new(format!("a{a}")), if del { Delivery::Delete } else { Delivery::Upsert(contact("d")) }))
                                .into_iter()
                                .collect(),
                        };
                        s.commit(&u, k, &commit).unwrap();
                    }
                    Op::Ack { nth, version } => {
                        let inbox = s.inbox(&u, None, 100).unwrap();
                        let seq = inbox.get(nth).map_or(9999, |e| e.seq);
                        s.ack(&u, seq, version.map(|v| format!("v{v}")).as_deref()).unwrap();
                    }
                    Op::Reset { kind } => s.reset(&u, ObjectKind::ALL[kind]).unwrap(),
                }
            }
            prop_assert_eq!(observe(&model), observe(&real), "after step {} {:?}", i, op);
            // Every few steps the process "restarts": the file must hold the same.
            if i % 7 == 6 {
                drop(real);
                real = SqliteStore::open(db.path()).unwrap();
                prop_assert_eq!(observe(&model), observe(&real), "after reopening at step {}", i);
            }
        }
    }
}
