//! The state behind an `exsync_engine` handle: the SQLite state store, the connection to Exchange
//! once made, the progress callback, and the JSON of what the engine reports.

use std::ffi::{CString, c_char, c_void};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::FfiError;
use super::json;
use super::runtime::OwnedRuntime;
use crate::backend::MailboxBackend;
use crate::store::{AckOutcome, AppChange, AppOp, InboxEntry, SqliteStore, StateStore, StoreError};
use crate::sync::{
    AppId, ObjectKind, SyncEngine, SyncError, SyncProgress, SyncReport, SyncStatus, UserId, UserSettings,
};
use tokio::sync::mpsc;

/// The progress callback: called on the thread that runs the sync, with `userdata` as given and
/// one event as JSON (valid during the call only).
pub type exsync_progress_callback = Option<unsafe extern "C" fn(userdata: *mut c_void, event_json: *const c_char)>;

/// A progress callback and its `userdata`.
#[derive(Clone, Copy)]
pub(crate) struct Progress {
    callback: unsafe extern "C" fn(*mut c_void, *const c_char),
    userdata: *mut c_void,
}

// SAFETY: the callback is only called on the thread that calls into the engine (inside a blocking
// call), as the header documents; the pointer is the caller's to make usable there.
unsafe impl Send for Progress {}

impl Progress {
    pub(crate) fn new(callback: exsync_progress_callback, userdata: *mut c_void) -> Option<Self> {
        callback.map(|callback| Progress { callback, userdata })
    }

    /// Hands `event` to the callback (a panic-free call: the callback is C).
    pub(crate) fn emit(&self, event: &Value) {
        let Ok(text) = CString::new(event.to_string()) else { return };
        // SAFETY: the host registered this callback for this userdata; the string lives for the call.
        unsafe { (self.callback)(self.userdata, text.as_ptr()) };
    }
}

/// What the engine handle keeps.
pub(crate) struct EngineState {
    pub(crate) store: Arc<SqliteStore>,
    pub(crate) progress: Option<Progress>,
    pub(crate) last_reports: Option<String>,
    /// CA certificates (PEM) to trust besides the public roots when connecting.
    pub(crate) extra_ca_pem: Vec<String>,
    /// The time one Exchange request may take, retries and waits included (`None`: the
    /// transport's default of 5 minutes).
    pub(crate) request_budget: Option<std::time::Duration>,
}

impl EngineState {
    pub(crate) fn open(path: &str) -> Result<Self, FfiError> {
        let store = if path == ":memory:" { SqliteStore::open_in_memory()? } else { SqliteStore::open(path)? };
        Ok(EngineState {
            store: Arc::new(store),
            progress: None,
            last_reports: None,
            extra_ca_pem: Vec::new(),
            request_budget: None,
        })
    }

    /// Enrols `user` (or replaces their settings) with settings JSON (`None`: the defaults).
    pub(crate) fn enrol(&self, user: &str, settings_json: Option<&str>) -> Result<(), FfiError> {
        let settings: UserSettings = match settings_json.map(str::trim).filter(|s| !s.is_empty()) {
            None => UserSettings::default(),
            Some(text) => json::parse(text, "settings_json")?,
        };
        Ok(self.store.enrol(&user_id(user)?, &settings)?)
    }

    pub(crate) fn user_settings_json(&self, user: &str) -> Result<String, FfiError> {
        let user = user_id(user)?;
        let settings = self.store.user_settings(&user)?.ok_or(StoreError::NotEnrolled { user })?;
        json::to_text(&settings)
    }

    pub(crate) fn users_json(&self) -> Result<String, FfiError> {
        json::to_text(&self.store.users()?)
    }

    pub(crate) fn remove_user(&self, user: &str) -> Result<bool, FfiError> {
        Ok(self.store.remove_user(&user_id(user)?)?)
    }

    /// Queues one change of the application's; its outbox position.
    pub(crate) fn report(&self, user: &str, kind: ObjectKind, change_json: &str) -> Result<u64, FfiError> {
        let change: ChangeJson = json::parse(change_json, "change_json")?;
        let change = AppChange {
            app_id: change.app_id,
            version: change.version,
            changed_at: change.changed_at.unwrap_or_else(now),
            op: change.op,
        };
        if change.app_id.as_str().is_empty() {
            return Err(FfiError::Json { param: "change_json", detail: "\"app_id\" must not be empty".into() });
        }
        // The engine's checks (kind, enrolment) without needing a backend.
        if let AppOp::Upsert(r) = &change.op {
            if r.kind() != kind {
                let user = user_id(user)?;
                return Err(SyncError::WrongKind { user, expected: kind, got: r.kind() }.into());
            }
        }
        Ok(self.store.push_app_change(&user_id(user)?, kind, &change)?)
    }

    pub(crate) fn pending_json(&self, user: &str, limit: usize) -> Result<String, FfiError> {
        let entries = self.store.inbox(&user_id(user)?, None, limit)?;
        json::to_text(&entries.iter().map(entry_json).collect::<Vec<_>>())
    }

    pub(crate) fn ack(&self, user: &str, seq: u64, app_version: Option<&str>) -> Result<bool, FfiError> {
        Ok(self.store.ack(&user_id(user)?, seq, app_version)? == AckOutcome::Acknowledged)
    }

    /// Syncs `kinds` of `user` with `engine` (built with [`progress_sink`]'s sink on `events`),
    /// blocking on `runtime`; the engine's progress events reach the C callback on this thread.
    /// Keeps the reports' JSON.
    pub(crate) fn sync<B: MailboxBackend>(
        &mut self,
        runtime: &OwnedRuntime,
        engine: &SyncEngine<Arc<SqliteStore>, B>,
        events: &EventSlot,
        user: &str,
        kinds: &[ObjectKind],
    ) -> Result<(), FfiError> {
        let user = user_id(user)?;
        self.last_reports = None;
        let progress = self.progress;
        let (tx, mut rx) = mpsc::unbounded_channel::<Value>();
        if let Ok(mut slot) = events.lock() {
            *slot = Some(tx);
        }
        let outcome = runtime.block_on(async {
            let run = async {
                let mut reports = Vec::new();
                for kind in kinds {
                    match engine.sync(&user, *kind).await {
                        Ok(report) => reports.push(report_json(&report)),
                        Err(e) => {
                            if let SyncError::StatusNotRecorded { report, .. } = &e {
                                reports.push(report_json(report));
                            }
                            return (reports, Err(e));
                        }
                    }
                }
                (reports, Ok(()))
            };
            tokio::pin!(run);
            loop {
                tokio::select! {
                    out = &mut run => break out,
                    Some(event) = rx.recv() => if let Some(p) = &progress { p.emit(&event) },
                }
            }
        });
        if let Ok(mut slot) = events.lock() {
            *slot = None;
        }
        while let Ok(event) = rx.try_recv() {
            if let Some(p) = &progress {
                p.emit(&event);
            }
        }
        let (reports, result) = outcome?;
        self.last_reports = Some(json::to_text(&reports)?);
        result.map_err(FfiError::from)
    }

    /// The sync status of an enrolled user, one per object kind, as JSON.
    pub(crate) fn status_json(&self, user: &str) -> Result<String, FfiError> {
        let user = user_id(user)?;
        if self.store.user_settings(&user)?.is_none() {
            return Err(StoreError::NotEnrolled { user }.into());
        }
        let mut out = Vec::new();
        for kind in ObjectKind::ALL {
            out.push(self.store.status(&user, kind)?.unwrap_or_else(|| SyncStatus::never(user.clone(), kind)));
        }
        json::to_text(&out)
    }
}

/// Where a connected engine's progress sink sends events during a sync (`None` between syncs).
pub(crate) type EventSlot = Arc<Mutex<Option<mpsc::UnboundedSender<Value>>>>;

/// A slot and the sink to build a [`SyncEngine`] with ([`SyncEngine::with_progress`]): events go
/// to the sync that is running, as JSON.
pub(crate) fn progress_sink() -> (EventSlot, impl Fn(&SyncProgress) + Send + Sync + 'static) {
    let slot: EventSlot = Arc::new(Mutex::new(None));
    let sink = Arc::clone(&slot);
    (slot, move |event: &SyncProgress| {
        if let Ok(guard) = sink.lock() {
            if let Some(tx) = guard.as_ref() {
                let _ = tx.send(serde_json::to_value(event).unwrap_or(Value::Null));
            }
        }
    })
}

fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from(std::time::SystemTime::now())
}

/// A user id from the caller's text (an address; empty is refused).
pub(crate) fn user_id(text: &str) -> Result<UserId, FfiError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(FfiError::invalid("user", "the user's mailbox address is empty"));
    }
    Ok(UserId::new(t))
}

/// A change as C reports it: `changed_at` defaults to now.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeJson {
    app_id: AppId,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    changed_at: Option<DateTime<Utc>>,
    op: AppOp,
}

/// `{"seq", "user", "kind", "app_id", "delivery": {"upsert": record} | "delete"}`.
fn entry_json(e: &InboxEntry) -> Value {
    json!({"seq": e.seq, "user": e.user, "kind": e.kind, "app_id": e.app_id, "delivery": e.delivery})
}

/// A sync run's report as JSON.
pub(crate) fn report_json(r: &SyncReport) -> Value {
    json!({
        "user": r.user,
        "kind": r.kind,
        "mode": r.mode,
        "listed": r.listed,
        "created": r.created,
        "updated": r.updated,
        "deleted": r.deleted,
        "delivered": r.delivered,
        "matched": r.matched,
        "recovered": r.recovered,
        "conflicts": r.conflicts,
        "skipped": r.skipped,
        "failures": r.failures.iter().map(|f| json!({"app_id": f.app_id, "error": f.error.to_string()})).collect::<Vec<_>>(),
    })
}

#[cfg(all(test, feature = "memory-backend"))]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::backend::memory::MemoryMailbox;

    static EVENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

    unsafe extern "C" fn record(_userdata: *mut c_void, event: *const c_char) {
        let text = unsafe { std::ffi::CStr::from_ptr(event) }.to_str().unwrap().to_owned();
        EVENTS.lock().unwrap().push(text);
    }

    #[test]
    fn sync_reports_json_and_progress() {
        let mut state = EngineState::open(":memory:").unwrap();
        state.enrol("alice@contoso.com", None).unwrap();
        let change = r#"{"app_id":"crm-1","op":{"upsert":{"kind":"contact","given_name":"Ann"}}}"#;
        state.report("alice@contoso.com", ObjectKind::Contacts, change).unwrap();
        state.progress = Progress::new(Some(record), std::ptr::null_mut());
        let (slot, sink) = progress_sink();
        let engine = SyncEngine::new(Arc::clone(&state.store), MemoryMailbox::new()).with_progress(sink);
        let rt = OwnedRuntime::new("test", 1).unwrap();
        state.sync(&rt, &engine, &slot, "alice@contoso.com", &ObjectKind::ALL).unwrap();
        let reports: Value = serde_json::from_str(state.last_reports.as_deref().unwrap()).unwrap();
        assert_eq!(reports[0]["kind"], "contacts");
        assert_eq!(reports[0]["created"], 1);
        assert_eq!(reports[1]["kind"], "events");
        let events: Vec<Value> = EVENTS.lock().unwrap().iter().map(|e| serde_json::from_str(e).unwrap()).collect();
        assert_eq!(events[0]["event"], "folder_started", "{events:?}");
        assert_eq!(events[0]["kind"], "contacts", "{events:?}");
        assert!(events.iter().any(|e| e["event"] == "folder_done" && e["kind"] == "events"), "{events:?}");
        assert_eq!(state.pending_json("alice@contoso.com", 10).unwrap(), "[]");
        let status: Value = serde_json::from_str(&state.status_json("alice@contoso.com").unwrap()).unwrap();
        assert_eq!(status[0]["kind"], "contacts");
        assert_eq!(status[0]["last_run"]["exchange_created"], 1, "{status}");
        assert!(state.status_json("bob@contoso.com").is_err());
        let err = state.sync(&rt, &engine, &slot, "bob@contoso.com", &ObjectKind::ALL).unwrap_err();
        assert_eq!(err.code(), super::super::exsync_result::EXSYNC_ERR_NOT_ENROLLED);
    }
}
