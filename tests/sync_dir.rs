//! `examples/sync_dir.rs` against the simulator: a folder of JSON records synced with a mailbox
//! both ways; a second run with nothing changed writes nothing (no EWS write request, no file
//! touched); local edits, deletions and new files reach Exchange; Outlook's edits and deletions
//! reach the folder; an unreadable file is left alone and not taken for a deletion. The example's
//! code is compiled into this test; the built binary runs end to end when a full `cargo test` has
//! built it.
#![cfg(all(feature = "sim", feature = "sqlite"))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use exsync::backend::ews_mapping::{app_id_of, contact_from_ews, contact_to_ews, event_from_ews, overlay_contact};
use exsync::ews::{BaseFolderId, DistinguishedFolderName, Item, ItemId};
use exsync::sim::{ServiceAccount, SimServer};
use exsync::sync::{AppId, Contact, Event, ObjectKind, Record};

#[allow(dead_code)]
#[path = "../examples/sync_dir.rs"]
mod sync_dir;

use sync_dir::{Options, decode_id, file_name};

const ALICE: &str = "alice@contoso.com";
const PASSWORD: &str = "Dir-Passw0rd!";

async fn server() -> SimServer {
    SimServer::builder()
        .domain("contoso.com")
        .service_account(ServiceAccount::new("svc@contoso.com", PASSWORD).impersonating_all())
        .mailbox_named(ALICE, "Alice Wong")
        .start()
        .await
        .unwrap()
}

/// A fresh directory under the system's temporary one, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("exsync-sync-dir-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn args(server: &SimServer, dir: &Path, extra: &[&str]) -> Vec<String> {
    let records = dir.join("records");
    let state = dir.join("state.db");
    let mut v: Vec<String> = [
        "--ews-url",
        &server.ews_url(),
        "--user",
        r"contoso.com\svc",
        "--password-env",
        "EXSYNC_TEST_PASSWORD",
        "--mailbox",
        ALICE,
        "--records",
        records.to_str().unwrap(),
        "--state",
        state.to_str().unwrap(),
        "--allow-http",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

async fn run(options: &Options) -> sync_dir::Summary {
    sync_dir::run(options, |name| (name == "EXSYNC_TEST_PASSWORD").then(|| PASSWORD.to_owned())).await.unwrap()
}

fn contact(given: &str, surname: &str, email: &str) -> Record {
    Record::from(Contact {
        given_name: Some(given.into()),
        surname: Some(surname.into()),
        emails: vec![email.into()],
        ..Contact::default()
    })
}

fn event(subject: &str) -> Record {
    let start = chrono::DateTime::<chrono::Utc>::from(SystemTime::now()) + chrono::Duration::days(3);
    let start = start.date_naive().and_hms_opt(10, 0, 0).unwrap().and_utc();
    Record::from(Event {
        subject: Some(subject.into()),
        start,
        end: start + chrono::Duration::hours(1),
        time_zone: Some("W. Europe Standard Time".into()),
        ..Event::default()
    })
}

fn write_record(dir: &Path, kind: &str, id: &str, record: &Record) {
    let folder = dir.join("records").join(kind);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(file_name(&AppId::new(id))), serde_json::to_vec_pretty(record).unwrap()).unwrap();
}

/// Every file of the records folder: path → (bytes, modification time).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    for kind in ["contacts", "events"] {
        let Ok(entries) = std::fs::read_dir(dir.join("records").join(kind)) else { continue };
        for e in entries {
            let p = e.unwrap().path();
            out.insert(p.clone(), (std::fs::read(&p).unwrap(), std::fs::metadata(&p).unwrap().modified().unwrap()));
        }
    }
    out
}

fn folder(kind: ObjectKind) -> BaseFolderId {
    BaseFolderId::distinguished(match kind {
        ObjectKind::Contacts => DistinguishedFolderName::Contacts,
        ObjectKind::Events => DistinguishedFolderName::Calendar,
    })
}

/// The mailbox's items of `kind`: (id, record, tag).
fn exchange(server: &SimServer, kind: ObjectKind) -> Vec<(ItemId, Record, Option<AppId>)> {
    server
        .with_mailbox(ALICE, |m| {
            m.items(&folder(kind))
                .unwrap()
                .into_iter()
                .map(|item| {
                    let record = match item {
                        Item::Contact(c) => Record::from(contact_from_ews(c)),
                        Item::CalendarItem(c) => Record::from(event_from_ews(c).unwrap()),
                        Item::Other(_) => panic!("another kind"),
                    };
                    (item.id().unwrap().clone(), record.normalized(), app_id_of(item.base()))
                })
                .collect()
        })
        .unwrap()
}

fn given_names(server: &SimServer) -> Vec<String> {
    let mut v: Vec<String> = exchange(server, ObjectKind::Contacts)
        .into_iter()
        .map(|(_, r, _)| r.as_contact().unwrap().given_name.clone().unwrap_or_default())
        .collect();
    v.sort();
    v
}

fn writes(server: &SimServer) -> u64 {
    let c = server.counters();
    c.operation("CreateItem") + c.operation("UpdateItem") + c.operation("DeleteItem")
}

fn read_record(path: &Path) -> Record {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[tokio::test]
async fn a_folder_and_a_mailbox_in_step_both_ways_and_a_second_run_writes_nothing() {
    let server = server().await;
    let scratch = Scratch::new("both-ways");
    let dir = &scratch.0;
    write_record(dir, "contacts", "crm-1", &contact("Ann", "Lee", "ann@contoso.com"));
    write_record(dir, "contacts", "crm/2", &contact("Bea", "Ruiz", "bea@fabrikam.com"));
    write_record(dir, "events", "crm-3", &event("Kick-off"));
    let dana = server
        .side_door(ALICE, |d| {
            d.create(
                &folder(ObjectKind::Contacts),
                Item::Contact(Box::new(contact_to_ews(
                    contact("Dana", "Moe", "dana@contoso.com").as_contact().unwrap(),
                    None,
                ))),
            )
        })
        .unwrap();
    let options = Options::parse(args(&server, dir, &[])).unwrap();

    // First run: the folder's records go to Exchange, Dana comes to the folder.
    let s = run(&options).await;
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    let c = &s.kinds[&ObjectKind::Contacts];
    assert_eq!((c.reported_new, c.exchange.0, c.files_written), (2, 2, 1), "{s}");
    assert_eq!(s.kinds[&ObjectKind::Events].exchange.0, 1);
    assert_eq!(given_names(&server), ["Ann", "Bea", "Dana"]);
    let tags: Vec<_> = exchange(&server, ObjectKind::Contacts).into_iter().filter_map(|(_, _, t)| t).collect();
    assert!(tags.contains(&AppId::new("crm/2")), "the record id with a slash is the tag: {tags:?}");
    let files = snapshot(dir);
    assert_eq!(files.len(), 4, "{:?}", files.keys());
    assert!(files.keys().any(|p| p.ends_with("contacts/crm%2F2.json")));
    let dana_file = files
        .keys()
        .find(|p| read_record(p).as_contact().is_some_and(|c| c.given_name.as_deref() == Some("Dana")))
        .expect("Dana's file")
        .clone();

    // Second run, nothing changed: no EWS write, no file touched.
    let before = writes(&server);
    let s = run(&options).await;
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    for k in s.kinds.values() {
        assert_eq!(*k, sync_dir::KindSummary::default(), "{s}");
    }
    assert_eq!(writes(&server), before, "no CreateItem, UpdateItem or DeleteItem");
    assert_eq!(snapshot(dir), files, "no file written, removed or touched");

    // Local changes: an edit, a deletion, a new file.
    write_record(dir, "contacts", "crm-1", &contact("Anna", "Lee", "ann@contoso.com"));
    std::fs::remove_file(dir.join("records/contacts/crm%2F2.json")).unwrap();
    write_record(dir, "contacts", "crm-4", &contact("Cy", "Ng", "cy@contoso.com"));
    let s = run(&options).await;
    let c = &s.kinds[&ObjectKind::Contacts];
    assert_eq!((c.reported_new, c.reported_changed, c.reported_deleted), (1, 1, 1), "{s}");
    assert_eq!(c.exchange, (1, 1, 1), "{s}");
    assert_eq!(given_names(&server), ["Anna", "Cy", "Dana"]);

    // Outlook's changes: Dana edited, Cy deleted.
    let edited = contact("Dana", "Moe-Berg", "dana@contoso.com");
    server
        .side_door(ALICE, |d| {
            d.change(&dana, |item| {
                if let Item::Contact(c) = item {
                    overlay_contact(c, edited.as_contact().unwrap());
                }
            })
        })
        .unwrap();
    let cy = exchange(&server, ObjectKind::Contacts)
        .into_iter()
        .find(|(_, _, t)| t.as_ref() == Some(&AppId::new("crm-4")))
        .unwrap()
        .0;
    server.side_door(ALICE, |d| d.delete(&cy)).unwrap();
    let s = run(&options).await;
    let c = &s.kinds[&ObjectKind::Contacts];
    assert_eq!((c.files_written, c.files_removed), (1, 1), "{s}");
    assert_eq!(read_record(&dana_file).as_contact().unwrap().surname.as_deref(), Some("Moe-Berg"));
    assert!(!dir.join("records/contacts/crm-4.json").exists());

    // And again nothing to do.
    let (before, files) = (writes(&server), snapshot(dir));
    let s = run(&options).await;
    assert!(s.kinds.values().all(|k| *k == sync_dir::KindSummary::default()), "{s}");
    assert_eq!(writes(&server), before);
    assert_eq!(snapshot(dir), files);
}

#[tokio::test]
async fn an_unreadable_file_is_named_and_left_alone_not_deleted() {
    let server = server().await;
    let scratch = Scratch::new("unreadable");
    let dir = &scratch.0;
    write_record(dir, "contacts", "crm-1", &contact("Ann", "Lee", "ann@contoso.com"));
    let options = Options::parse(args(&server, dir, &["--kind", "contacts", "--auth", "basic"])).unwrap();
    assert!(run(&options).await.problems.is_empty());
    assert_eq!(given_names(&server), ["Ann"]);

    let path = dir.join("records/contacts/crm-1.json");
    std::fs::write(&path, b"{ half a reco").unwrap();
    std::fs::write(dir.join("records/contacts/crm-9.json"), serde_json::to_vec(&event("Wrong folder")).unwrap())
        .unwrap();
    let s = run(&options).await;
    assert_eq!(s.problems.len(), 2, "{:?}", s.problems);
    assert!(s.problems.iter().any(|p| p.contains("crm-1.json: not a record")), "{:?}", s.problems);
    assert!(s.problems.iter().any(|p| p.contains("crm-9.json: holds events (not contacts)")), "{:?}", s.problems);
    assert_eq!(given_names(&server), ["Ann"], "not deleted in Exchange");
    assert_eq!(std::fs::read(&path).unwrap(), b"{ half a reco", "the file is left as it is");
    assert_eq!(s.kinds.len(), 1, "events are not synced with --kind contacts");
}

#[tokio::test]
async fn a_wrong_password_or_a_missing_variable_is_an_error() {
    let server = server().await;
    let scratch = Scratch::new("password");
    let options = Options::parse(args(&server, &scratch.0, &[])).unwrap();
    let e = sync_dir::run(&options, |_| None).await.unwrap_err();
    assert!(e.to_string().contains("EXSYNC_TEST_PASSWORD holds no password"), "{e}");
    let s = sync_dir::run(&options, |_| Some("Not-The-Passw0rd".into())).await.unwrap();
    assert_eq!(s.problems.len(), 2, "{:?}", s.problems);
    assert!(s.problems.iter().all(|p| p.contains("denied")), "{:?}", s.problems);
    assert!(!s.problems.iter().any(|p| p.contains("Not-The-Passw0rd")), "no password in messages: {:?}", s.problems);
}

#[test]
fn arguments() {
    let base =
        ["--ews-url", "u", "--user", "s", "--password-env", "P", "--mailbox", "m", "--records", "r", "--state", "f"];
    let parse = |extra: &[&str]| Options::parse(base.iter().chain(extra).map(|s| s.to_string()));
    let o = parse(&[]).unwrap();
    assert_eq!(o.kinds, ObjectKind::ALL.to_vec());
    assert!(!o.basic && !o.allow_http);
    assert_eq!(parse(&["--kind", "events"]).unwrap().kinds, vec![ObjectKind::Events]);
    assert!(parse(&["--kind", "tasks"]).unwrap_err().contains("not contacts, events or both"));
    assert!(parse(&["--password", "x"]).unwrap_err().contains("--password-env"));
    assert!(parse(&["--user", "again"]).unwrap_err().contains("given twice"));
    assert!(parse(&["--bogus"]).unwrap_err().contains("unknown argument"));
    assert!(Options::parse(["--user".to_string(), "s".into()]).unwrap_err().contains("--ews-url is missing"));
    assert_eq!(Options::parse(["--help".to_string()]).unwrap_err(), "");
}

#[test]
fn file_names_round_trip() {
    for id in ["crm-1", "crm/2", "exsync:0123abcd", "a b%c", ".hidden", "ü@x+y"] {
        let name = file_name(&AppId::new(id));
        assert!(!name.starts_with('.') && !name.contains('/') && !name.contains(':'), "{name}");
        assert_eq!(decode_id(name.strip_suffix(".json").unwrap()).as_deref(), Some(id));
    }
    assert_eq!(decode_id("bad%zz"), None);
    assert_eq!(decode_id("cut%4"), None);
}

/// A built example binary next to this test's binary (`target/<profile>/examples/<name>`).
fn example(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let path = exe.parent()?.parent()?.join("examples").join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    path.is_file().then_some(path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_built_example_twice() {
    let Some(bin) = example("sync_dir") else {
        println!("skipped: the sync_dir example is not built (run `cargo test` or `cargo build --examples` first)");
        return;
    };
    let server = Arc::new(server().await);
    let scratch = Scratch::new("binary");
    let dir = scratch.0.clone();
    write_record(&dir, "contacts", "crm-1", &contact("Ann", "Lee", "ann@contoso.com"));
    let argv = args(&server, &dir, &[]);
    let run_bin = move || {
        let out = std::process::Command::new(&bin)
            .args(&argv)
            .env("EXSYNC_TEST_PASSWORD", PASSWORD)
            .output()
            .expect("the example starts");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let first = tokio::task::spawn_blocking(run_bin.clone()).await.unwrap();
    assert_eq!(first.0, Some(0), "{first:?}");
    assert!(first.1.contains("contacts: folder changes 1 new, 0 changed, 0 deleted; Exchange 1 created"), "{first:?}");
    let before = (writes(&server), snapshot(&dir));
    let second = tokio::task::spawn_blocking(run_bin).await.unwrap();
    assert_eq!(second.0, Some(0), "{second:?}");
    assert_eq!((writes(&server), snapshot(&dir)), before);
    assert!(!first.1.contains(PASSWORD) && !first.2.contains(PASSWORD));
}
