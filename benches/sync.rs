//! The sync engine over EWS against the simulator: round trips per change, and an initial sync of
//! many mailboxes.
//!
//! ```text
//! cargo bench --bench sync                                  # 20 mailboxes in part (b)
//! EXSYNC_BENCH_MAILBOXES=1000 cargo bench --bench sync      # the issue's 1,000 mailboxes
//! ```
//!
//! (a) **Round trips for N changes** (N = 1, 100, 1000), counted by the simulator, against the
//! least the EWS batch limits allow for the same sync: up to 100 items per `CreateItem`,
//! `UpdateItem`, `DeleteItem` and `GetItem`, up to 512 changes per `SyncFolderItems` page.
//! - N records created, updated or deleted by the application: one `SyncFolderItems` to learn
//!   Exchange's side, ⌈N/100⌉ writes, and ⌈N/512⌉ `SyncFolderItems` pages listing exsync's own
//!   writes, so the cursor moves past them (else the next sync lists them);
//! - N items created in Outlook: ⌈N/512⌉ `SyncFolderItems` pages and ⌈N/100⌉ `GetItem`s (a sync
//!   answer carries no bodies).
//!
//! The ratio is printed per case; the target is at most 1.1. Criterion then times a sync of 100
//! application-side creates.
//!
//! (b) **Initial sync of many mailboxes** (`EXSYNC_BENCH_MAILBOXES`, default 20) × 200 contacts
//! and 200 events in Exchange, into an empty application with SQLite state: one `Fleet` run at the
//! default limits. The simulator runs in a child process (this binary again), so the peak RSS
//! printed (`VmHWM` of `/proc/self/status`) is the engine's side alone; the target is 256 MiB.
//! Items per second count the items listed and delivered to the application.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Utc};
use criterion::Criterion;
use exsync::backend::ews::EwsBackend;
use exsync::backend::ews_mapping::{contact_to_ews, event_to_ews};
use exsync::ews::{BaseFolderId, DistinguishedFolderName, Item};
use exsync::sim::{ServiceAccount, SimServer};
use exsync::store::{AppChange, MemoryStore, SqliteStore, StateStore};
use exsync::sync::{AppId, Contact, Direction, Event, Fleet, ObjectKind, Record, SyncEngine, UserId, UserSettings};
use exsync::transport::{ConcurrencyLimits, Credentials, EwsClient, EwsClientConfig, Secret, UserName};

const PASSWORD: &str = "Bench-Passw0rd!";
const ROLE: &str = "EXSYNC_BENCH_ROLE";

fn main() {
    if std::env::var(ROLE).as_deref() == Ok("server") {
        serve();
        return;
    }
    let quick = std::env::args().any(|a| a == "--test");
    let mailboxes = std::env::var("EXSYNC_BENCH_MAILBOXES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(if quick { 2 } else { 20 });
    initial_sync(mailboxes);

    let rt = runtime();
    round_trips(&rt);
    let mut c = Criterion::default().configure_from_args();
    time_creates(&mut c, &rt);
    c.final_summary();
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime")
}

fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from(SystemTime::now())
}

fn folder(kind: ObjectKind) -> BaseFolderId {
    BaseFolderId::distinguished(match kind {
        ObjectKind::Contacts => DistinguishedFolderName::Contacts,
        ObjectKind::Events => DistinguishedFolderName::Calendar,
    })
}

fn contact(i: usize, title: &str) -> Record {
    Record::from(Contact {
        given_name: Some(format!("Given{i}")),
        surname: Some(format!("Surname{i}")),
        company: Some("Fabrikam".into()),
        job_title: Some(title.into()),
        emails: vec![format!("person{i}@fabrikam.com").as_str().into()],
        ..Contact::default()
    })
}

fn event(i: usize) -> Record {
    let day = now().date_naive().and_hms_opt(8, 0, 0).unwrap_or_default().and_utc();
    let start = day + chrono::Duration::days(1 + (i as i64 % 180)) + chrono::Duration::minutes(30 * (i as i64 % 16));
    Record::from(Event {
        subject: Some(format!("Meeting {i}")),
        location: Some("Room 4".into()),
        body: Some("Agenda: the quarterly numbers.".into()),
        start,
        end: start + chrono::Duration::minutes(30),
        time_zone: Some("W. Europe Standard Time".into()),
        ..Event::default()
    })
}

fn item(record: &Record) -> Item {
    match record {
        Record::Contact(c) => Item::Contact(Box::new(contact_to_ews(c, None))),
        Record::Event(e) => Item::CalendarItem(Box::new(event_to_ews(e, None))),
    }
}

fn mailbox(i: usize) -> String {
    format!("user{i:05}@contoso.com")
}

fn org() -> exsync::sim::SimServerBuilder {
    SimServer::builder()
        .domain("contoso.com")
        .service_account(ServiceAccount::new("svc@contoso.com", PASSWORD).impersonating_all())
}

fn backend(url: &str) -> EwsBackend {
    let credentials = Credentials::Basic {
        user: UserName::parse("svc@contoso.com").expect("a user name"),
        password: Secret::new(PASSWORD),
    };
    let mut c = EwsClientConfig::new(url.parse().expect("a URL"), credentials);
    c.http.allow_insecure_loopback = true;
    c.http.response_timeout = Duration::from_secs(120);
    c.concurrency = ConcurrencyLimits::default();
    EwsBackend::new(EwsClient::new(c).expect("a usable client configuration"))
}

/// Peak resident set size of this process, in KiB (`VmHWM`).
fn peak_rss_kib(pid: Option<u32>) -> Option<u64> {
    let path = match pid {
        Some(p) => format!("/proc/{p}/status"),
        None => "/proc/self/status".to_owned(),
    };
    let status = std::fs::read_to_string(path).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

// ---------------------------------------------------------------------------------- (b)

/// The child process: a simulator with the mailboxes and their items; prints its URL, serves
/// until its standard input closes.
fn serve() {
    let n: usize = std::env::var("EXSYNC_BENCH_MAILBOXES").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let rt = runtime();
    let server = rt.block_on(org().start()).expect("the simulator starts");
    let contacts: Vec<Item> = (0..200).map(|i| item(&contact(i, "Buyer"))).collect();
    let events: Vec<Item> = (0..200).map(|i| item(&event(i))).collect();
    for m in 0..n {
        let address = mailbox(m);
        server.add_mailbox(&address, None).expect("a mailbox");
        server
            .side_door(&address, |door| {
                for c in &contacts {
                    door.create(&folder(ObjectKind::Contacts), c.clone())?;
                }
                for e in &events {
                    door.create(&folder(ObjectKind::Events), e.clone())?;
                }
                Ok(())
            })
            .expect("items");
    }
    println!("READY {}", server.ews_url());
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    while std::io::stdin().read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
        line.clear();
    }
    rt.block_on(server.shutdown());
}

fn initial_sync(mailboxes: usize) {
    println!(
        "(b) initial sync: {mailboxes} mailboxes x (200 contacts + 200 events), SQLite state, Fleet at default limits"
    );
    let exe = std::env::current_exe().expect("this binary");
    let started = Instant::now();
    let mut child = Command::new(exe)
        .env(ROLE, "server")
        .env("EXSYNC_BENCH_MAILBOXES", mailboxes.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the simulator process starts");
    let mut out = BufReader::new(child.stdout.take().expect("its output"));
    let mut line = String::new();
    out.read_line(&mut line).expect("its first line");
    let url = line.trim().strip_prefix("READY ").expect("READY and the URL").to_owned();
    println!("    simulator ready in {:.1} s (child process {})", started.elapsed().as_secs_f64(), child.id());

    let dir = std::env::temp_dir().join(format!("exsync-bench-sync-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let rt = runtime();
    let store = SqliteStore::open(dir.join("state.db")).expect("the state file");
    let engine = SyncEngine::new(store, backend(&url));
    for m in 0..mailboxes {
        engine.enrol(&UserId::new(mailbox(m)), &UserSettings::default()).expect("enrolled");
    }
    let fleet = Fleet::new(Arc::new(engine));
    let before = peak_rss_kib(None).unwrap_or(0);
    let t = Instant::now();
    let summary = rt.block_on(fleet.sync_all()).expect("the users");
    let secs = t.elapsed().as_secs_f64();
    let peak = peak_rss_kib(None).unwrap_or(0);
    let server_peak = peak_rss_kib(Some(child.id()));
    drop(child.stdin.take());
    let _ = child.wait();

    let totals = summary.totals;
    let items = totals.app_created;
    println!(
        "    {} users synced ({} failed) in {secs:.1} s: {} listed, {} delivered to the application",
        summary.users.len(),
        summary.failed_users(),
        totals.listed,
        items
    );
    if let Some((user, kind, e)) = summary.failures().next() {
        println!("    first failure: {user} {kind}: {e}");
    }
    println!("    {:.0} items per second", items as f64 / secs.max(1e-9));
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "    peak RSS of the engine's process: {:.1} MiB (before the run {:.1} MiB); target <= 256 MiB: {}",
        mib(peak),
        mib(before),
        if mib(peak) <= 256.0 { "met" } else { "MISSED" }
    );
    if let Some(s) = server_peak {
        println!("    (the simulator's process, for comparison: {:.1} MiB)", mib(s));
    }
    let expected = (mailboxes * 400) as u64;
    if items != expected {
        println!("    WARNING: {items} items delivered, {expected} expected");
    }
    drop(fleet);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------------- (a)

/// EWS requests of the sync operations between two counter snapshots.
fn requests(server: &SimServer, before: &exsync::sim::CounterSnapshot) -> (u64, String) {
    let after = server.counters();
    let mut total = 0;
    let mut parts = Vec::new();
    for op in ["SyncFolderItems", "GetItem", "CreateItem", "UpdateItem", "DeleteItem", "FindItem", "FindFolder"] {
        let n = after.operation(op) - before.operation(op);
        if n > 0 {
            total += n;
            parts.push(format!("{op} {n}"));
        }
    }
    (total, parts.join(", "))
}

fn ceil(n: usize, per: usize) -> u64 {
    n.div_ceil(per) as u64
}

fn contacts_only() -> UserSettings {
    let mut s = UserSettings::default();
    s.events.sync.direction = Direction::None;
    s
}

fn round_trips(rt: &tokio::runtime::Runtime) {
    println!("\n(a) round trips for N changes against the least the batch limits allow (target <= 1.1x)");
    println!("    {:<34} {:>5} {:>8} {:>8} {:>6}  requests", "case", "N", "used", "minimum", "ratio");
    let server = rt.block_on(org().start()).expect("the simulator starts");
    let engine = SyncEngine::new(MemoryStore::new(), backend(&server.ews_url()));
    let mut worst: f64 = 0.0;
    let mut report = |case: &str, n: usize, used: (u64, String), min: u64| {
        let ratio = used.0 as f64 / min as f64;
        worst = worst.max(ratio);
        println!("    {case:<34} {n:>5} {:>8} {min:>8} {ratio:>5.2}x  {}", used.0, used.1);
    };
    for n in [1usize, 100, 1000] {
        let address = format!("rt{n}@contoso.com");
        server.add_mailbox(&address, None).expect("a mailbox");
        let user = UserId::new(address.as_str());
        engine.enrol(&user, &contacts_only()).expect("enrolled");
        rt.block_on(engine.sync(&user, ObjectKind::Contacts)).expect("the first, empty sync");
        let id = |i: usize| AppId::new(format!("crm-{i}"));
        // Forced: deleting every record is meant here, past the empty-side guard.
        let sync = |engine: &SyncEngine<MemoryStore, EwsBackend>| {
            let before = server.counters();
            let r = rt.block_on(engine.sync_forced(&user, ObjectKind::Contacts)).expect("a sync");
            assert!(r.failures.is_empty(), "{:?}", r.failures);
            requests(&server, &before)
        };
        let listing = 1 + ceil(n, 512);

        for i in 0..n {
            engine
                .report(&user, ObjectKind::Contacts, AppChange::upsert(id(i), contact(i, "Buyer"), now()))
                .expect("queued");
        }
        report("application creates", n, sync(&engine), listing + ceil(n, 100));
        for i in 0..n {
            engine
                .report(&user, ObjectKind::Contacts, AppChange::upsert(id(i), contact(i, "CFO"), now()))
                .expect("queued");
        }
        report("application updates", n, sync(&engine), listing + ceil(n, 100));
        for i in 0..n {
            engine.report(&user, ObjectKind::Contacts, AppChange::delete(id(i), now())).expect("queued");
        }
        report("application deletes", n, sync(&engine), listing + ceil(n, 100));

        server
            .side_door(&address, |door| {
                for i in 0..n {
                    door.create(&folder(ObjectKind::Contacts), item(&contact(100_000 + i, "Owner")))?;
                }
                Ok(())
            })
            .expect("Outlook's items");
        report("Outlook creates", n, sync(&engine), ceil(n, 512) + ceil(n, 100));
        // The application applies what came.
        for e in engine.pending(&user, usize::MAX).expect("the inbox") {
            engine.ack(&user, e.seq, None).expect("acknowledged");
        }
    }
    println!("    worst ratio {worst:.2}x: target {}", if worst <= 1.1 { "met" } else { "MISSED" });
    rt.block_on(server.shutdown());
}

/// Criterion: the wall time of syncing 100 new application records to a fresh mailbox.
fn time_creates(c: &mut Criterion, rt: &tokio::runtime::Runtime) {
    let server = rt.block_on(org().start()).expect("the simulator starts");
    let engine = SyncEngine::new(MemoryStore::new(), backend(&server.ews_url()));
    let mut next = 0usize;
    let mut group = c.benchmark_group("sync");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    group.throughput(criterion::Throughput::Elements(100));
    group.bench_function("100 application creates to a fresh mailbox", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                next += 1;
                let address = format!("timed{next}@contoso.com");
                server.add_mailbox(&address, None).expect("a mailbox");
                let user = UserId::new(address.as_str());
                engine.enrol(&user, &contacts_only()).expect("enrolled");
                for i in 0..100 {
                    let change = AppChange::upsert(AppId::new(format!("crm-{i}")), contact(i, "Buyer"), now());
                    engine.report(&user, ObjectKind::Contacts, change).expect("queued");
                }
                let t = Instant::now();
                let r = rt.block_on(engine.sync(&user, ObjectKind::Contacts)).expect("a sync");
                spent += t.elapsed();
                assert_eq!(r.created, 100);
                let _ = engine.store().remove_user(&user);
            }
            spent
        })
    });
    group.finish();
    rt.block_on(server.shutdown());
}
