//! Syncs a folder of JSON records with a mailbox: a way to try exsync without writing code.
//!
//! ```text
//! EXSYNC_PASSWORD='…' cargo run --example sync_dir -- --ews-url https://mail.contoso.com/EWS/Exchange.asmx \
//!     --user 'contoso.com\svc' --password-env EXSYNC_PASSWORD --mailbox alice@contoso.com \
//!     --records ./records --state ./exsync.db [--kind contacts|events|both] [--auth ntlm|basic] \
//!     [--ca-file PEM] [--allow-http]
//! ```
//!
//! The folder is the application's side. It holds `contacts/` and `events/`, one file per record,
//! named by the record's id (`crm-17.json`; characters other than letters, digits, `.`, `_`, `-`,
//! `@` and `+` are written `%XX`), each a record as exsync's JSON form has it
//! (`{"kind": "contact", "given_name": "Ann", "emails": [{"address": "ann@contoso.com"}], …}`).
//!
//! Each run:
//! 1. reports what changed in the folder since the last run: new and changed files (a file's
//!    version is the SHA-256 of its bytes; the state file keeps the version last synced) and
//!    deleted ones. A file that cannot be read as a record is named and left alone, never taken
//!    for a deletion;
//! 2. syncs with the mailbox (the service account impersonating `--mailbox`): the folder's changes
//!    go to Exchange, Exchange's come back;
//! 3. writes Exchange's changes to the folder (a new or changed item becomes a file, a deleted one
//!    removes its file) and acknowledges each, with the version of the file written.
//!
//! Running it again with nothing changed on either side writes nothing, to the mailbox or to the
//! folder. Exits 0 when everything synced, 1 when something failed (said on stderr), 2 when the
//! arguments are unusable.
//!
//! Against the simulator: `cargo run --example sim_server -- --port 8080 --service-account
//! svc@contoso.com:PASS --mailbox alice@contoso.com`, then `--ews-url
//! http://127.0.0.1:8080/EWS/Exchange.asmx --allow-http`.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use exsync::backend::ews::EwsBackend;
use exsync::store::{AppChange, AppOp, Delivery, SqliteStore, StateStore};
use exsync::sync::{AppId, Direction, ObjectKind, Record, SyncEngine, UserId, UserSettings};
use exsync::transport::{Credentials, EwsClient, EwsClientConfig, Secret, UserName};

/// How to call it.
pub const USAGE: &str = "usage: sync_dir --ews-url URL --user USER --password-env VAR --mailbox ADDRESS \
                         --records DIR --state FILE.db [--kind contacts|events|both] [--auth ntlm|basic] \
                         [--ca-file PEM] [--allow-http]";

type Failure = Box<dyn Error + Send + Sync>;
type Engine = SyncEngine<SqliteStore, EwsBackend>;

#[tokio::main]
async fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&options, |name| std::env::var(name).ok()).await {
        Ok(summary) => {
            print!("{summary}");
            if summary.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                for p in &summary.problems {
                    eprintln!("problem: {p}");
                }
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The EWS endpoint.
    pub ews_url: String,
    /// The service account.
    pub user: String,
    /// The environment variable holding its password.
    pub password_env: String,
    /// The mailbox synced.
    pub mailbox: String,
    /// The folder of records.
    pub records: PathBuf,
    /// The state file.
    pub state: PathBuf,
    /// The kinds synced.
    pub kinds: Vec<ObjectKind>,
    /// NTLM (default) or Basic.
    pub basic: bool,
    /// CA certificates (PEM files) trusted besides the public roots.
    pub ca_files: Vec<PathBuf>,
    /// Plain HTTP to a loopback test server.
    pub allow_http: bool,
}

impl Options {
    /// Reads the arguments; `Err("")` for `--help`.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
        let mut args = args.into_iter();
        let mut found: BTreeMap<&'static str, String> = BTreeMap::new();
        let mut kinds = ObjectKind::ALL.to_vec();
        let (mut basic, mut allow_http, mut ca_files) = (false, false, Vec::new());
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
            let name = match arg.as_str() {
                "--ews-url" => "--ews-url",
                "--user" => "--user",
                "--password-env" => "--password-env",
                "--mailbox" => "--mailbox",
                "--records" => "--records",
                "--state" => "--state",
                "--kind" => {
                    let v = value("--kind")?;
                    kinds = match v.as_str() {
                        "both" => ObjectKind::ALL.to_vec(),
                        other => vec![
                            ObjectKind::parse(other)
                                .ok_or_else(|| format!("--kind: {v:?} is not contacts, events or both"))?,
                        ],
                    };
                    continue;
                }
                "--auth" => {
                    let v = value("--auth")?;
                    basic = match v.to_ascii_lowercase().as_str() {
                        "basic" => true,
                        "ntlm" => false,
                        _ => return Err(format!("--auth: {v:?} is not ntlm or basic")),
                    };
                    continue;
                }
                "--ca-file" => {
                    ca_files.push(PathBuf::from(value("--ca-file")?));
                    continue;
                }
                "--allow-http" => {
                    allow_http = true;
                    continue;
                }
                "--password" => {
                    return Err("the password is not taken on the command line (it would show in the process \
                                list); put it in an environment variable and name it with --password-env"
                        .into());
                }
                "--help" | "-h" => return Err(String::new()),
                other => return Err(format!("unknown argument {other:?}")),
            };
            let v = value(name)?;
            if found.insert(name, v).is_some() {
                return Err(format!("{name} is given twice"));
            }
        }
        let mut take = |name: &str| found.remove(name).ok_or_else(|| format!("{name} is missing"));
        Ok(Options {
            ews_url: take("--ews-url")?,
            user: take("--user")?,
            password_env: take("--password-env")?,
            mailbox: take("--mailbox")?,
            records: PathBuf::from(take("--records")?),
            state: PathBuf::from(take("--state")?),
            kinds,
            basic,
            ca_files,
            allow_http,
        })
    }
}

/// What one kind's run did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct KindSummary {
    /// Files reported as new.
    pub reported_new: usize,
    /// Files reported as changed.
    pub reported_changed: usize,
    /// Files reported as deleted.
    pub reported_deleted: usize,
    /// Items created, updated and deleted in Exchange.
    pub exchange: (usize, usize, usize),
    /// Files written from Exchange's changes.
    pub files_written: usize,
    /// Files removed for Exchange's deletions.
    pub files_removed: usize,
}

/// What the run did.
#[derive(Debug, Default)]
pub struct Summary {
    /// Per kind.
    pub kinds: BTreeMap<ObjectKind, KindSummary>,
    /// What went wrong (unreadable files, records Exchange refused, failed syncs).
    pub problems: Vec<String>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (kind, s) in &self.kinds {
            let (c, u, d) = s.exchange;
            writeln!(
                f,
                "{kind}: folder changes {} new, {} changed, {} deleted; Exchange {c} created, {u} updated, {d} \
                 deleted; written to the folder {}, removed {}",
                s.reported_new, s.reported_changed, s.reported_deleted, s.files_written, s.files_removed
            )?;
        }
        Ok(())
    }
}

/// Runs one sync of the folder with the mailbox; `env` reads the password's variable.
pub async fn run(options: &Options, env: impl Fn(&str) -> Option<String>) -> Result<Summary, Failure> {
    let password = env(&options.password_env)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| format!("the environment variable {} holds no password", options.password_env))?;
    let user = UserName::parse(&options.user)?;
    let password = Secret::new(password);
    let credentials =
        if options.basic { Credentials::Basic { user, password } } else { Credentials::Ntlm { user, password } };
    let url = options.ews_url.parse().map_err(|e| format!("--ews-url {:?}: {e}", options.ews_url))?;
    let mut config = EwsClientConfig::new(url, credentials);
    config.http.allow_insecure_loopback = options.allow_http;
    for path in &options.ca_files {
        let pem = std::fs::read_to_string(path).map_err(|e| format!("--ca-file {}: {e}", path.display()))?;
        config.http.tls.extra_ca_pem.push(pem);
    }
    let backend = EwsBackend::new(EwsClient::new(config)?);
    let store = SqliteStore::open(&options.state)?;
    let engine = SyncEngine::new(store, backend);

    let mailbox = UserId::new(options.mailbox.trim());
    let mut settings = UserSettings::default();
    for kind in ObjectKind::ALL {
        if !options.kinds.contains(&kind) {
            match kind {
                ObjectKind::Contacts => settings.contacts.sync.direction = Direction::None,
                ObjectKind::Events => settings.events.sync.direction = Direction::None,
            }
        }
    }
    if engine.store().user_settings(&mailbox)?.as_ref() != Some(&settings) {
        engine.enrol(&mailbox, &settings)?;
    }

    let mut summary = Summary::default();
    for &kind in &options.kinds {
        let folder = options.records.join(kind.as_str());
        std::fs::create_dir_all(&folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        let mut s = KindSummary::default();
        report_folder(&engine, &mailbox, kind, &folder, &mut s, &mut summary.problems)?;
        match engine.sync(&mailbox, kind).await {
            Ok(r) => {
                s.exchange = (r.created, r.updated, r.deleted);
                for f in &r.failures {
                    summary.problems.push(format!("{kind} {}: {}", f.app_id, f.error));
                }
            }
            Err(e) => summary.problems.push(format!("{kind}: {e}")),
        }
        // Deliveries wait in the state file until applied: apply them even after a failed sync.
        apply_deliveries(&engine, &mailbox, kind, &folder, &mut s)?;
        summary.kinds.insert(kind, s);
    }
    Ok(summary)
}

/// Reports the folder's new, changed and deleted files since the versions last synced or queued.
fn report_folder(
    engine: &Engine,
    user: &UserId,
    kind: ObjectKind,
    folder: &Path,
    s: &mut KindSummary,
    problems: &mut Vec<String>,
) -> Result<(), Failure> {
    let store = engine.store();
    // The version each record was last synced at, then what is queued since (the latest wins).
    let mut known: BTreeMap<AppId, Option<String>> =
        store.mappings(user, kind)?.into_iter().map(|m| (m.app_id, m.app_version)).collect();
    let synced: BTreeSet<AppId> = known.keys().cloned().collect();
    for e in store.app_changes(user, kind)? {
        let version = match e.change.op {
            AppOp::Upsert(_) => e.change.version,
            AppOp::Delete => None,
        };
        match version {
            Some(v) => known.insert(e.change.app_id, Some(v)),
            None => known.remove(&e.change.app_id),
        };
    }

    // Records whose Exchange change waits to be written here: a missing file is not a deletion.
    let waiting: BTreeSet<AppId> = store.inbox(user, Some(kind), usize::MAX)?.into_iter().map(|e| e.app_id).collect();
    let mut present = BTreeSet::new();
    for (id, path) in record_files(folder)? {
        present.insert(id.clone());
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let version = version_of(&bytes);
        if known.get(&id).is_some_and(|v| v.as_deref() == Some(version.as_str())) {
            continue;
        }
        let record = match serde_json::from_slice::<Record>(&bytes) {
            Ok(r) if r.kind() == kind => r,
            Ok(r) => {
                problems.push(format!("{}: holds {} (not {kind}); left alone", path.display(), r.kind()));
                continue;
            }
            Err(e) => {
                problems.push(format!("{}: not a record ({e}); left alone", path.display()));
                continue;
            }
        };
        if synced.contains(&id) {
            s.reported_changed += 1;
        } else {
            s.reported_new += 1;
        }
        engine.report(user, kind, AppChange::upsert(id, record, modified_at(&path)).with_version(version))?;
    }
    for id in known.keys().filter(|id| !present.contains(*id) && !waiting.contains(*id)) {
        s.reported_deleted += 1;
        engine.report(
            user,
            kind,
            AppChange::delete(id.clone(), DateTime::<Utc>::from(std::time::SystemTime::now())),
        )?;
    }
    Ok(())
}

/// Writes Exchange's changes to the folder and acknowledges each with the file's version.
fn apply_deliveries(
    engine: &Engine,
    user: &UserId,
    kind: ObjectKind,
    folder: &Path,
    s: &mut KindSummary,
) -> Result<(), Failure> {
    loop {
        let entries = engine.store().inbox(user, Some(kind), 500)?;
        if entries.is_empty() {
            return Ok(());
        }
        for e in &entries {
            let path = folder.join(file_name(&e.app_id));
            match &e.delivery {
                Delivery::Upsert(record) => {
                    let mut bytes = serde_json::to_vec_pretty(record)?;
                    bytes.push(b'\n');
                    write_atomically(&path, &bytes)?;
                    s.files_written += 1;
                    engine.ack(user, e.seq, Some(&version_of(&bytes)))?;
                }
                Delivery::Delete => {
                    match std::fs::remove_file(&path) {
                        Ok(()) => s.files_removed += 1,
                        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                        Err(err) => return Err(format!("{}: {err}", path.display()).into()),
                    }
                    engine.ack(user, e.seq, None)?;
                }
            }
        }
    }
}

/// The record files of `folder`: (record id, path), by id. Hidden files and files not ending in
/// `.json` are not records.
fn record_files(folder: &Path) -> Result<Vec<(AppId, PathBuf)>, Failure> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(|e| format!("{}: {e}", folder.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(stem) = name.strip_suffix(".json") else { continue };
        if stem.is_empty() || stem.starts_with('.') || !entry.file_type()?.is_file() {
            continue;
        }
        if let Some(id) = decode_id(stem) {
            out.push((AppId::new(id), entry.path()));
        }
    }
    out.sort();
    Ok(out)
}

/// The file name of record `id`.
pub fn file_name(id: &AppId) -> String {
    let mut name = String::new();
    for b in id.as_str().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@' | b'+') {
            name.push(char::from(b));
        } else {
            name.push_str(&format!("%{b:02X}"));
        }
    }
    // A leading dot would hide the file.
    if name.starts_with('.') {
        name.replace_range(0..1, "%2E");
    }
    name + ".json"
}

/// The record id a file name stem stands for (`None` for a malformed `%XX`).
pub fn decode_id(stem: &str) -> Option<String> {
    let bytes = stem.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A file's version: the SHA-256 of its bytes, in hex.
fn version_of(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes).as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// When the file was last modified (the change's time for "most recent change wins").
fn modified_at(path: &Path) -> DateTime<Utc> {
    let at = std::fs::metadata(path).and_then(|m| m.modified()).unwrap_or_else(|_| std::time::SystemTime::now());
    DateTime::<Utc>::from(at)
}

/// Writes `bytes` to `path` through a hidden temporary file and a rename, so a crash leaves the
/// old file or the new one, never half of one.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("record");
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(())
}
