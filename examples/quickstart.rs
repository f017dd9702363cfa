//! exsync in one run, with no Exchange needed: the built-in Exchange simulator stands in for the
//! organisation's server.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! It starts the simulator (contoso.com with a service account and two mailboxes), walks the
//! admin's setup (the seven steps, validation against the server by the connectivity analyzer,
//! saving to a SQLite file with the password sealed), checks and enrols two users, and syncs their
//! contacts and events both ways: the application's records go to Exchange, what the users have in
//! Outlook comes to the application, then both sides change (one record on both sides at once: a
//! conflict, decided by the policy) and a second sync brings them in step again. A progress bar
//! runs on stderr; what happened is printed on stdout.

use std::collections::BTreeMap;
use std::error::Error;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Duration as Span, DurationRound, Utc};
use exsync::backend::ews::EwsBackend;
use exsync::backend::ews_mapping::{contact_from_ews, contact_to_ews, event_from_ews, event_to_ews, overlay_contact};
use exsync::ews::{BaseFolderId, DistinguishedFolderName, Item, ItemId};
use exsync::setup::driver::{DriverOptions, check_enrolment, validate};
use exsync::setup::{
    ConnectionMethod, EncryptedSecretStore, SecretKey, ServiceAccountAuth, SetupConfig, SetupFlow, SyncScope,
};
use exsync::sim::{Clock, ManualClock, ServiceAccount, SimServer};
use exsync::store::{AppChange, Delivery, SqliteStore};
use exsync::sync::{
    AppId, Contact, Event, Fleet, FleetSummary, ObjectKind, Record, Resolution, SyncEngine, SyncProgress, UserId,
    UserSettings,
};
use exsync::transport::{EwsClient, EwsClientConfig, Secret};

/// The service account's password (it lives only in the simulator and, sealed, in the state file).
const PASSWORD: &str = "Quickstart-Passw0rd!";
/// The two users.
const ALICE: &str = "alice@contoso.com";
const BOB: &str = "bob@contoso.com";

type Engine = SyncEngine<Arc<SqliteStore>, EwsBackend>;
type Failure = Box<dyn Error>;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let mut out = std::io::stdout().lock();
    match run(&mut out, true).await {
        Ok(o) if o.in_step => std::process::ExitCode::SUCCESS,
        Ok(_) => {
            eprintln!("error: the two sides differ after the last sync");
            std::process::ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// What the run ended with (for the test that runs it).
#[derive(Debug)]
pub struct Outcome {
    /// Whether, for every user and kind, the application holds exactly what the mailbox holds.
    pub in_step: bool,
    /// Records per user and kind at the end (application side).
    pub counts: BTreeMap<(String, ObjectKind), usize>,
    /// Conflicts decided in the second sync.
    pub conflicts: usize,
    /// Progress events received.
    pub progress_events: usize,
}

/// The application's side: its records per user, as its own database would hold them.
#[derive(Debug, Default)]
struct App {
    records: BTreeMap<UserId, BTreeMap<AppId, Record>>,
}

impl App {
    /// The application creates or changes a record and reports it to exsync.
    fn put(
        &mut self,
        engine: &Engine,
        user: &UserId,
        id: &str,
        record: Record,
        at: DateTime<Utc>,
    ) -> Result<(), Failure> {
        let id = AppId::new(id);
        self.records.entry(user.clone()).or_default().insert(id.clone(), record.clone());
        engine.report(user, record.kind(), AppChange::upsert(id, record, at))?;
        Ok(())
    }

    /// The application deletes a record and reports it.
    fn delete(
        &mut self,
        engine: &Engine,
        user: &UserId,
        kind: ObjectKind,
        id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), Failure> {
        let id = AppId::new(id);
        self.records.entry(user.clone()).or_default().remove(&id);
        engine.report(user, kind, AppChange::delete(id, at))?;
        Ok(())
    }

    /// Applies what exsync delivered from Exchange and acknowledges each entry; the lines to show.
    fn apply(&mut self, engine: &Engine, user: &UserId) -> Result<Vec<String>, Failure> {
        let mut lines = Vec::new();
        for entry in engine.pending(user, 1_000)? {
            let mine = self.records.entry(user.clone()).or_default();
            match &entry.delivery {
                Delivery::Upsert(record) => {
                    let verb = if mine.contains_key(&entry.app_id) { "update" } else { "new" };
                    lines.push(format!("{verb:>6} {:<8} {}", kind_label(record.kind()), describe(record)));
                    mine.insert(entry.app_id.clone(), record.clone());
                }
                Delivery::Delete => {
                    let what = mine.remove(&entry.app_id).map(|r| describe(&r)).unwrap_or_default();
                    lines.push(format!("{:>6} {:<8} {what}", "delete", kind_label(entry.kind)));
                }
            }
            engine.ack(user, entry.seq, None)?;
        }
        Ok(lines)
    }

    fn of(&self, user: &UserId, kind: ObjectKind) -> Vec<Record> {
        let mut v: Vec<Record> = self
            .records
            .get(user)
            .map(|m| m.values().filter(|r| r.kind() == kind).cloned().map(Record::normalized).collect())
            .unwrap_or_default();
        v.sort_by_key(describe);
        v
    }
}

/// Runs the whole quickstart, writing what happens to `out`; the progress bar goes to stderr when
/// `bar` is set.
pub async fn run(out: &mut dyn Write, bar: bool) -> Result<Outcome, Failure> {
    writeln!(out, "exsync quickstart: two-way sync of contacts and events, against the built-in Exchange simulator\n")?;

    // The simulated world starts now (to the minute) and its clock moves a second per reading,
    // so "most recent change wins" has something to compare.
    let start = DateTime::<Utc>::from(std::time::SystemTime::now()).duration_trunc(Span::minutes(1))?;
    let clock = ManualClock::stepping(start, Span::seconds(1));

    // ---------------------------------------------------------------- 1. the Exchange server
    let server = SimServer::builder()
        .domain("contoso.com")
        .service_account(ServiceAccount::new("svc-crm@contoso.com", PASSWORD).impersonating_all())
        .mailbox_named(ALICE, "Alice Wong")
        .mailbox_named(BOB, "Bob Kelly")
        .clock(Arc::new(clock.clone()))
        .start()
        .await?;
    writeln!(out, "1. Exchange (simulated) answers at {}", server.ews_url())?;
    writeln!(out, "   service account contoso.com\\svc-crm may impersonate {ALICE} and {BOB}\n")?;

    // What the users already have in Outlook before exsync arrives.
    let outlook = Outlook { server: &server };
    outlook.create(ALICE, &contact("Dana", "Ruiz", "dana.ruiz@fabrikam.com", "Fabrikam", "Buyer"))?;
    outlook.create(ALICE, &contact("Erik", "Lund", "erik@northwind.example", "Northwind", "CTO"))?;
    outlook.create(ALICE, &meeting("Dentist", start, 2, 8))?;
    outlook.create(BOB, &contact("Omar", "Haddad", "omar@tailspin.example", "Tailspin", "Owner"))?;

    // ---------------------------------------------------------------- 2. the admin's setup
    writeln!(out, "2. Setup, as the admin walks it:")?;
    let mut flow = SetupFlow::new();
    flow.set_sync_scope(SyncScope::BOTH)?;
    flow.set_connection_method(ConnectionMethod::ServiceAccount(ServiceAccountAuth::Ntlm))?;
    flow.set_user_name("contoso.com\\svc-crm")?;
    flow.set_password(Secret::new(PASSWORD))?;
    flow.set_additional_domains("")?;
    flow.set_allow_http_loopback(true); // the simulator speaks plain HTTP on loopback
    flow.set_validation_target(ALICE, Some(&server.ews_url()))?;
    for step in flow.steps() {
        let state = if flow.is_complete(step) { "done" } else { "next" };
        writeln!(out, "   step {} {:<20} {state}", step.number(), step.name())?;
    }
    let options = DriverOptions { probe_timeout: Duration::from_secs(5), ..DriverOptions::default() };
    let report = validate(&mut flow, &options).await?;
    writeln!(out, "   validation:")?;
    for line in report.to_string().lines() {
        writeln!(out, "     {line}")?;
    }
    if !report.passed() {
        return Err("the setup's validation failed".into());
    }

    let dir = TempDir::new()?;
    let db_path = dir.0.join("exsync.db");
    let db = Arc::new(SqliteStore::open(&db_path)?);
    let key = host_key()?;
    let saved = flow.save(&EncryptedSecretStore::new(&key, &*db))?;
    saved.save_to(&*db)?;
    writeln!(out, "   saved to {} (the password sealed with the host's key)\n", db_path.display())?;

    // Later, as the application starts: the setup comes back from the file.
    let mut config = SetupConfig::load_from(&*db)?.ok_or("the setup was not saved")?;
    config.load_secrets(&EncryptedSecretStore::new(&key, &*db))?;

    // ---------------------------------------------------------------- 3. enrolment
    writeln!(out, "3. Enrolment:")?;
    let users = [UserId::new(ALICE), UserId::new(BOB)];
    let events: Arc<Mutex<Progress>> = Arc::default();
    let engine = Arc::new(engine(&config, db.clone(), clock.clone(), events.clone(), bar)?);
    for user in &users {
        let ok = check_enrolment(user.as_str(), &config, &options).await?;
        engine.enrol(user, &UserSettings::default())?;
        writeln!(out, "   {user}: enrolled ({})", ok.seen)?;
    }
    writeln!(out, "   both kinds both ways; deletions propagate; a conflict goes to the most recent change\n")?;

    // ---------------------------------------------------------------- 4. first sync
    let mut app = App::default();
    let (alice, bob) = (&users[0], &users[1]);
    let now = || clock.now();
    app.put(&engine, alice, "crm-c1", contact("Ann", "Lee", "ann.lee@contoso.com", "Contoso", "Sales"), now())?;
    app.put(&engine, alice, "crm-c2", contact("Dana", "Ruiz", "dana.ruiz@fabrikam.com", "Fabrikam", "Buyer"), now())?;
    app.put(&engine, alice, "crm-e1", meeting("Kick-off with Fabrikam", start, 1, 10), now())?;
    app.put(&engine, alice, "crm-e2", meeting("Quarterly review", start, 7, 14), now())?;
    app.put(&engine, bob, "crm-c3", contact("Ines", "Moreau", "ines@adatum.example", "Adatum", "Buyer"), now())?;
    app.put(&engine, bob, "crm-e3", meeting("Site visit at Adatum", start, 3, 9), now())?;
    writeln!(out, "4. First sync. The application has 6 records, Outlook has 4 items;")?;
    writeln!(out, "   Dana Ruiz is on both sides and is matched by her address, not copied.")?;
    let fleet = Fleet::new(engine.clone());
    let summary = fleet.sync_users(users.to_vec()).await;
    print_summary(out, &summary)?;
    for user in &users {
        print_applied(out, user, &app.apply(&engine, user)?)?;
    }
    writeln!(out)?;

    // ---------------------------------------------------------------- 5. changes on both sides
    writeln!(out, "5. Both sides change:")?;
    let ann = contact("Ann", "Lee", "ann.lee@contoso.com", "Contoso", "Head of Sales");
    app.put(&engine, alice, "crm-c1", ann, now())?;
    writeln!(out, "   application: Ann Lee is now Head of Sales")?;
    app.delete(&engine, alice, ObjectKind::Events, "crm-e2", now())?;
    writeln!(out, "   application: the Quarterly review is cancelled")?;
    let dana_app = contact("Dana", "Ruiz", "dana.ruiz@fabrikam.com", "Fabrikam", "Purchasing lead");
    app.put(&engine, alice, "crm-c2", dana_app, now())?;
    writeln!(out, "   application: Dana Ruiz is now Purchasing lead")?;
    let dana_outlook = contact("Dana", "Ruiz", "dana.ruiz@fabrikam.com", "Fabrikam", "Head of Purchasing");
    outlook.edit(ALICE, "Dana Ruiz", &dana_outlook)?;
    writeln!(out, "   Outlook (alice), a moment later: Dana Ruiz is Head of Purchasing  <- a conflict")?;
    outlook.create(ALICE, &meeting("Lunch with Erik", start, 2, 12))?;
    writeln!(out, "   Outlook (alice): a new meeting, Lunch with Erik")?;
    outlook.delete(ALICE, "Erik Lund")?;
    writeln!(out, "   Outlook (alice): Erik Lund is deleted")?;
    outlook.edit(BOB, "Site visit at Adatum", &meeting("Site visit at Adatum (moved)", start, 4, 9))?;
    writeln!(out, "   Outlook (bob): the site visit moves a day later")?;
    app.put(&engine, bob, "crm-c4", contact("Sven", "Berg", "sven@litware.example", "Litware", "CFO"), now())?;
    writeln!(out, "   application (bob): a new contact, Sven Berg\n")?;

    // ---------------------------------------------------------------- 6. second sync
    writeln!(out, "6. Second sync:")?;
    let summary = fleet.sync_users(users.to_vec()).await;
    print_summary(out, &summary)?;
    let mut conflicts = 0;
    for (_, result) in summary.users.iter().flat_map(|u| u.results.iter()) {
        for c in result.as_ref().map(|r| r.conflicts.as_slice()).unwrap_or_default() {
            conflicts += 1;
            let winner = match c.resolution {
                Resolution::KeepApp => "the application's change was written to Exchange",
                Resolution::KeepExchange => "Outlook's change went to the application",
                Resolution::Use(_) => "the host's merge went to both sides",
            };
            writeln!(out, "   conflict on {}: policy {:?}: {winner}", c.app_id, c.policy)?;
        }
    }
    for user in &users {
        print_applied(out, user, &app.apply(&engine, user)?)?;
    }
    writeln!(out)?;

    // ---------------------------------------------------------------- 7. where things stand
    writeln!(out, "7. Now both sides hold the same records:")?;
    let mut in_step = true;
    let mut counts = BTreeMap::new();
    for user in &users {
        for kind in ObjectKind::ALL {
            let mine = app.of(user, kind);
            let theirs = outlook.records(user.as_str(), kind)?;
            in_step &= mine == theirs;
            counts.insert((user.to_string(), kind), mine.len());
            let names: Vec<String> = mine.iter().map(describe).collect();
            let same = if mine == theirs { "same in Exchange" } else { "DIFFERENT in Exchange" };
            writeln!(out, "   {user} {:<8} ({same}): {}", kind.to_string(), names.join("; "))?;
        }
    }
    writeln!(out, "\n   status kept in the state file:")?;
    for s in engine.statuses()? {
        let last = s.last_success.map(|t| t.format("%H:%M:%S").to_string()).unwrap_or_else(|| "never".into());
        let error = s.last_error.as_ref().map(|e| e.message.as_str()).unwrap_or("none");
        writeln!(out, "   {} {:<8} last success {last}, last error: {error}", s.user, s.kind.to_string())?;
    }
    let seen = server.counters();
    writeln!(
        out,
        "\n   {} EWS requests in all ({} SyncFolderItems, {} GetItem, {} CreateItem, {} UpdateItem, {} DeleteItem)",
        seen.by_operation.values().sum::<u64>(),
        seen.operation("SyncFolderItems"),
        seen.operation("GetItem"),
        seen.operation("CreateItem"),
        seen.operation("UpdateItem"),
        seen.operation("DeleteItem"),
    )?;
    let progress_events = events.lock().map(|p| p.events).unwrap_or(0);
    drop(fleet);
    drop(engine);
    server.shutdown().await;
    writeln!(out, "done.")?;
    Ok(Outcome { in_step, counts, conflicts, progress_events })
}

/// The engine over the saved setup: the EWS backend of the service account, the SQLite state,
/// the simulator's clock, and a progress callback.
fn engine(
    config: &SetupConfig,
    db: Arc<SqliteStore>,
    clock: ManualClock,
    progress: Arc<Mutex<Progress>>,
    bar: bool,
) -> Result<Engine, Failure> {
    let mut client = EwsClientConfig::new(config.ews_url.clone(), config.credentials()?);
    client.http.allow_insecure_loopback = config.allow_http_loopback;
    let backend = EwsBackend::new(EwsClient::new(client)?);
    Ok(SyncEngine::new(db, backend).with_clock(move || clock.now()).with_progress(move |event: &SyncProgress| {
        if let Ok(mut p) = progress.lock() {
            p.take(event, bar);
        }
    }))
}

/// The progress bar: users done and items processed, drawn on stderr.
#[derive(Debug, Default)]
struct Progress {
    events: usize,
    users: (usize, usize),
    items: BTreeMap<(UserId, ObjectKind), (usize, usize)>,
}

impl Progress {
    fn take(&mut self, event: &SyncProgress, bar: bool) {
        self.events += 1;
        match event {
            SyncProgress::FleetStarted { users } => {
                self.users = (0, *users);
                self.items.clear();
            }
            SyncProgress::ItemsProcessed { user, kind, done, total } => {
                let entry = self.items.entry((user.clone(), *kind)).or_default();
                *entry = (*done, total.unwrap_or(*done).max(*done));
            }
            SyncProgress::UserDone { users_done, users_total, .. } => self.users = (*users_done, *users_total),
            _ => {}
        }
        if bar {
            self.draw(event);
        }
    }

    /// Redraws the bar in place on a terminal; elsewhere (a log, a pipe) writes a line per
    /// mailbox done.
    fn draw(&self, event: &SyncProgress) {
        use std::io::IsTerminal;
        let terminal = std::io::stderr().is_terminal();
        let (done, total) = self.items.values().fold((0, 0), |(d, t), (a, b)| (d + a, t + b));
        let (u, of) = self.users;
        let width = 30;
        let filled = (width * u).checked_div(of).unwrap_or(0);
        let bar =
            format!("[{}{}] {u}/{of} mailboxes, {done}/{total} items", "#".repeat(filled), "-".repeat(width - filled));
        let end = matches!(event, SyncProgress::AllDone { .. });
        let mut err = std::io::stderr().lock();
        let _ = if terminal {
            write!(err, "\r  {bar}{}", if end { "\n" } else { "" })
        } else if matches!(event, SyncProgress::UserDone { .. }) || end {
            writeln!(err, "  {bar}")
        } else {
            Ok(())
        };
        let _ = err.flush();
    }
}

/// One line per user and kind: what the sync did.
fn print_summary(out: &mut dyn Write, summary: &FleetSummary) -> Result<(), Failure> {
    for u in &summary.users {
        for (kind, result) in &u.results {
            match result {
                Ok(r) => writeln!(
                    out,
                    "   {} {:<8} Exchange: {} created, {} updated, {} deleted | application: {} new, {} updated, {} deleted | {} matched",
                    u.user,
                    kind.to_string(),
                    r.created,
                    r.updated,
                    r.deleted,
                    r.app_created,
                    r.app_updated,
                    r.app_deleted,
                    r.matched
                )?,
                Err(e) => writeln!(out, "   {} {kind}: FAILED: {e}", u.user)?,
            }
        }
    }
    Ok(())
}

fn print_applied(out: &mut dyn Write, user: &UserId, lines: &[String]) -> Result<(), Failure> {
    if !lines.is_empty() {
        writeln!(out, "   the application applies for {user}:")?;
        for l in lines {
            writeln!(out, "     {l}")?;
        }
    }
    Ok(())
}

/// The users' Outlook, reached through the simulator's side door (as if they edited there).
struct Outlook<'a> {
    server: &'a SimServer,
}

impl Outlook<'_> {
    fn create(&self, user: &str, record: &Record) -> Result<ItemId, Failure> {
        let item = match record {
            Record::Contact(c) => Item::Contact(Box::new(contact_to_ews(c, None))),
            Record::Event(e) => Item::CalendarItem(Box::new(event_to_ews(e, None))),
        };
        Ok(self.server.side_door(user, |door| door.create(&folder(record.kind()), item))?)
    }

    /// Finds the item described as `name` and replaces its content with `record`.
    fn edit(&self, user: &str, name: &str, record: &Record) -> Result<(), Failure> {
        let id = self.find(user, record.kind(), name)?;
        self.server.side_door(user, |door| {
            door.change(&id, |item| match (item, record) {
                (Item::Contact(c), Record::Contact(r)) => overlay_contact(c, r),
                (Item::CalendarItem(c), Record::Event(r)) => {
                    exsync::backend::ews_mapping::overlay_event(c, r);
                }
                _ => {}
            })
        })?;
        Ok(())
    }

    fn delete(&self, user: &str, name: &str) -> Result<(), Failure> {
        let kinds = ObjectKind::ALL;
        let id = kinds.iter().find_map(|k| self.find(user, *k, name).ok()).ok_or("no such item")?;
        self.server.side_door(user, |door| door.delete(&id))?;
        Ok(())
    }

    fn find(&self, user: &str, kind: ObjectKind, name: &str) -> Result<ItemId, Failure> {
        let items = self.items(user, kind)?;
        let found = items.into_iter().find(|(_, r)| describe(r).starts_with(name)).ok_or("no such item")?;
        Ok(found.0)
    }

    fn items(&self, user: &str, kind: ObjectKind) -> Result<Vec<(ItemId, Record)>, Failure> {
        let items = self.server.with_mailbox(user, |m| {
            m.items(&folder(kind)).map(|items| {
                items
                    .into_iter()
                    .filter_map(|item| {
                        let record = match item {
                            Item::Contact(c) => Record::from(contact_from_ews(c)),
                            Item::CalendarItem(c) => Record::from(event_from_ews(c).ok()?),
                            Item::Other(_) => return None,
                        };
                        Some((item.id()?.clone(), record.normalized()))
                    })
                    .collect::<Vec<_>>()
            })
        })??;
        Ok(items)
    }

    /// The records of the folder of `kind`, sorted as [`App::of`] sorts.
    fn records(&self, user: &str, kind: ObjectKind) -> Result<Vec<Record>, Failure> {
        let mut v: Vec<Record> = self.items(user, kind)?.into_iter().map(|(_, r)| r).collect();
        v.sort_by_key(describe);
        Ok(v)
    }
}

fn folder(kind: ObjectKind) -> BaseFolderId {
    BaseFolderId::distinguished(match kind {
        ObjectKind::Contacts => DistinguishedFolderName::Contacts,
        ObjectKind::Events => DistinguishedFolderName::Calendar,
    })
}

fn contact(given: &str, surname: &str, email: &str, company: &str, title: &str) -> Record {
    Record::from(Contact {
        given_name: Some(given.into()),
        surname: Some(surname.into()),
        company: Some(company.into()),
        job_title: Some(title.into()),
        emails: vec![email.into()],
        ..Contact::default()
    })
}

/// An hour-long meeting `days` after `start`, at `hour` UTC.
fn meeting(subject: &str, start: DateTime<Utc>, days: i64, hour: u32) -> Record {
    let at = start.date_naive().and_hms_opt(hour, 0, 0).unwrap_or_default().and_utc() + Span::days(days);
    Record::from(Event {
        subject: Some(subject.into()),
        location: Some("Contoso HQ".into()),
        start: at,
        end: at + Span::hours(1),
        time_zone: Some("W. Europe Standard Time".into()),
        ..Event::default()
    })
}

fn kind_label(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Contacts => "contact",
        ObjectKind::Events => "event",
    }
}

/// A record in a few words.
fn describe(record: &Record) -> String {
    match record {
        Record::Contact(c) => format!(
            "{} {} ({}, {})",
            c.given_name.as_deref().unwrap_or(""),
            c.surname.as_deref().unwrap_or(""),
            c.job_title.as_deref().unwrap_or("-"),
            c.company.as_deref().unwrap_or("-")
        ),
        Record::Event(e) => format!("{} ({})", e.subject.as_deref().unwrap_or(""), e.start.format("%a %d %b %H:%M")),
    }
}

/// The host's key that seals the secrets in the state file. A real application keeps it in its
/// own key store (an environment variable, a KMS); here it is made for the run.
fn host_key() -> Result<SecretKey, Failure> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|e| format!("no randomness for the key: {e}"))?;
    Ok(SecretKey::from_bytes(&bytes)?)
}

/// A directory removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> std::io::Result<Self> {
        let mut suffix = [0u8; 8];
        let _ = getrandom::getrandom(&mut suffix);
        let name = format!("exsync-quickstart-{}-{:016x}", std::process::id(), u64::from_le_bytes(suffix));
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
