//! `exsync_engine_*`: the sync engine over a SQLite state store, for C.
//!
//! The application reports its changes (`exsync_engine_report`), runs `exsync_engine_sync`, then
//! applies what `exsync_engine_pending` returns and acknowledges each entry
//! (`exsync_engine_ack`). Records are JSON in the canonical shape (`{"kind": "contact", ...}` or
//! `{"kind": "event", ...}`), settings are the `UserSettings` JSON.

use std::ffi::{c_char, c_void};

use super::engine_connection;
use super::engine_state::{EngineState, Progress, exsync_progress_callback};
use super::error::{FfiError, exsync_result};
use super::handles::{Exclusive, ExclusiveGuard, Opaque, borrow, exsync_engine, free, into_raw};
use super::kinds::{kinds, one_kind};
use super::panic::{boundary, boundary_void};
use super::runtime::OwnedRuntime;
use super::strings::{bytes_arg, opt_str_arg, out_arg, str_arg, write_text};

/// The state behind an `exsync_engine` handle, and the runtime that drives its network calls.
pub(crate) struct EngineHandle {
    pub(crate) state: Exclusive<EngineState>,
    pub(crate) connection: Exclusive<Option<engine_connection::Connection>>,
    pub(crate) runtime: OwnedRuntime,
}

impl Opaque for exsync_engine {
    type Inner = EngineHandle;
}

/// The engine behind `engine`, for the length of a call.
///
/// # Safety
/// `engine` must be NULL or a live engine handle.
unsafe fn state<'a>(engine: *const exsync_engine) -> Result<ExclusiveGuard<'a, EngineState>, FfiError> {
    // SAFETY: the caller's contract.
    unsafe { borrow(engine, "engine") }?.state.lock("engine")
}

/// Opens (or creates) the SQLite state store at `path` (`":memory:"` for one in memory, for
/// tests) and hands out an engine in `*out` (NULL on failure). The engine is not connected to
/// Exchange yet: see `exsync_engine_connect`. Free it with `exsync_engine_free`.
///
/// # Safety
/// `path` must be NULL or NUL-terminated; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_open(path: *const c_char, out: *mut *mut exsync_engine) -> exsync_result {
    boundary("exsync_engine_open", || {
        // SAFETY: the caller's contract.
        let out = unsafe { out_arg(out, "out") }?;
        *out = std::ptr::null_mut();
        // SAFETY: the caller's contract.
        let path = unsafe { str_arg(path, "path") }?;
        let handle = EngineHandle {
            state: Exclusive::new(EngineState::open(path)?),
            connection: Exclusive::new(None),
            runtime: OwnedRuntime::new("engine", 1)?,
        };
        *out = into_raw::<exsync_engine>(handle);
        Ok(())
    })
}

/// Closes the store and frees the engine. NULL does nothing; freeing twice is undefined.
///
/// # Safety
/// `engine` must be NULL or a live engine handle, not used afterwards (nor from a callback).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_free(engine: *mut exsync_engine) {
    // SAFETY: the caller's contract.
    boundary_void("exsync_engine_free", || unsafe { free(engine) });
}

/// Connects the engine to Exchange with the setup saved in its store (`exsync_setup_save`),
/// reading the setup's secrets with `key` (the same 32 bytes). `EXSYNC_ERR_SETUP_CONFIG` when no
/// setup was saved, `EXSYNC_ERR_SECRET_STORE` with another key.
///
/// # Safety
/// `engine` must be NULL or a live engine handle; `key` NULL or `key_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_connect(
    engine: *mut exsync_engine,
    key: *const u8,
    key_len: usize,
) -> exsync_result {
    boundary("exsync_engine_connect", || {
        // SAFETY: the caller's contract.
        let (handle, key) = unsafe { (borrow(engine, "engine")?, bytes_arg(key, key_len, "key")?) };
        engine_connection::connect(handle, key)
    })
}

/// Trusts `ca_pem` (a PEM CA certificate, such as an on-premises Exchange's internal CA or the
/// simulator's) besides the public roots for the connections `exsync_engine_connect` makes from
/// now on. A certificate that does not read is refused with `EXSYNC_ERR_INVALID_ARGUMENT` (and
/// not kept).
///
/// # Safety
/// `engine` must be NULL or a live engine handle; `ca_pem` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_trust_ca_pem(
    engine: *mut exsync_engine,
    ca_pem: *const c_char,
) -> exsync_result {
    boundary("exsync_engine_trust_ca_pem", || {
        // SAFETY: the caller's contract.
        let (mut s, pem) = unsafe { (state(engine)?, str_arg(ca_pem, "ca_pem")?) };
        s.extra_ca_pem.push(super::setup_driver::checked_ca_pem(pem)?);
        Ok(())
    })
}

/// Sets how long one Exchange request may take, retries and back-off waits included, for the
/// connections `exsync_engine_connect` makes from now on: `milliseconds` from 1 to 3,600,000 (the
/// default is 300,000, five minutes). A sync against an Exchange server that does not answer then
/// fails after about this long instead of waiting out the default. Out of range:
/// `EXSYNC_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// `engine` must be NULL or a live engine handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_set_request_budget(
    engine: *mut exsync_engine,
    milliseconds: u32,
) -> exsync_result {
    boundary("exsync_engine_set_request_budget", || {
        if !(1..=3_600_000).contains(&milliseconds) {
            return Err(FfiError::invalid("milliseconds", format!("{milliseconds} is not between 1 and 3600000")));
        }
        // SAFETY: the caller's contract.
        let mut s = unsafe { state(engine)? };
        s.request_budget = Some(std::time::Duration::from_millis(u64::from(milliseconds)));
        Ok(())
    })
}

/// Enrols `user` (their mailbox address) or replaces their settings. `settings_json` NULL or
/// empty gives the defaults; otherwise `{"contacts": {"sync": {"direction": "both",
/// "propagate_deletes": true, "conflict_policy": "most_recent", "empty_side_guard_min": 5},
/// "folder": "default"}, "events": {"sync": {...}, "window": {"days_back": 30, "days_ahead": 365}}}`
/// (any field may be left out). Directions: `none`, `exchange_to_app`, `app_to_exchange`, `both`;
/// conflict policies: `app_wins`, `exchange_wins`, `most_recent`. When a setup is saved, the user's
/// domain must be one it allows, and once the engine is connected, the service account must be
/// able to impersonate the user's mailbox (`EXSYNC_ERR_ENROLMENT`, the message says which check
/// failed).
///
/// # Safety
/// `engine` must be NULL or a live engine handle; `user` NULL or NUL-terminated; `settings_json`
/// NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_enrol(
    engine: *mut exsync_engine,
    user: *const c_char,
    settings_json: *const c_char,
) -> exsync_result {
    boundary("exsync_engine_enrol", || {
        // SAFETY: the caller's contract.
        let (handle, user, settings) = unsafe {
            (borrow(engine, "engine")?, str_arg(user, "user")?, opt_str_arg(settings_json, "settings_json")?)
        };
        engine_connection::check_enrolment(handle, user)?;
        handle.state.lock("engine")?.enrol(user, settings)
    })
}

/// An enrolled user's settings as JSON (`EXSYNC_ERR_NOT_ENROLLED` otherwise), by the output
/// buffer protocol.
///
/// # Safety
/// `engine` must be NULL or a live engine handle; `user` NULL or NUL-terminated; `buf` NULL or
/// `buf_len` writable bytes; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_user_settings(
    engine: *const exsync_engine,
    user: *const c_char,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> exsync_result {
    boundary("exsync_engine_user_settings", || {
        // SAFETY: the caller's contract.
        let (s, user) = unsafe { (state(engine)?, str_arg(user, "user")?) };
        let text = s.user_settings_json(user)?;
        // SAFETY: the caller's contract.
        unsafe { write_text(&text, buf, buf_len, out_len) }
    })
}

/// The enrolled users, as a JSON array of addresses, by the output buffer protocol.
///
/// # Safety
/// `engine` must be NULL or a live engine handle; `buf` NULL or `buf_len` writable bytes;
/// `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_users(
    engine: *const exsync_engine,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> exsync_result {
    boundary("exsync_engine_users", || {
        // SAFETY: the caller's contract.
        let text = unsafe { state(engine) }?.users_json()?;
        // SAFETY: the caller's contract.
        unsafe { write_text(&text, buf, buf_len, out_len) }
    })
}

/// Removes a user and everything stored for them; `*out_removed` is 1 if they were enrolled.
///
/// # Safety
/// `engine` must be NULL or a live engine handle; `user` NULL or NUL-terminated; `out_removed`
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_remove_user(
    engine: *mut exsync_engine,
    user: *const c_char,
    out_removed: *mut i32,
) -> exsync_result {
    boundary("exsync_engine_remove_user", || {
        // SAFETY: the caller's contract.
        let (s, user, out) = unsafe { (state(engine)?, str_arg(user, "user")?, out_arg(out_removed, "out_removed")?) };
        *out = i32::from(s.remove_user(user)?);
        Ok(())
    })
}

/// Reports one change of the application's for `user` and `kind` (`EXSYNC_KIND_CONTACTS` or
/// `EXSYNC_KIND_EVENTS`), queued durably until a sync sends it; its outbox position in
/// `*out_seq`. `change_json`: `{"app_id": "crm-1", "op": {"upsert": RECORD}}` or
/// `{"app_id": "crm-1", "op": "delete"}`, with optional `"version"` (the application's version
/// of the record) and `"changed_at"` (RFC 3339; default now).
///
/// # Safety
/// `engine` must be NULL or a live engine handle; the strings NULL or NUL-terminated; `out_seq`
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_report(
    engine: *mut exsync_engine,
    user: *const c_char,
    kind: u32,
    change_json: *const c_char,
    out_seq: *mut u64,
) -> exsync_result {
    boundary("exsync_engine_report", || {
        // SAFETY: the caller's contract.
        let (s, user, change, out) = unsafe {
            (state(engine)?, str_arg(user, "user")?, str_arg(change_json, "change_json")?, out_arg(out_seq, "out_seq")?)
        };
        *out = s.report(user, one_kind(kind, "kind")?, change)?;
        Ok(())
    })
}

/// Syncs `kinds` (`exsync_kind` bits) of `user` with Exchange: lists Exchange's changes, plans,
/// writes the application's changes, and queues Exchange's for `exsync_engine_pending`. Blocks
/// until done, calling the progress callback on this thread. Read what it did with
/// `exsync_engine_last_sync_report`. `EXSYNC_ERR_WRONG_STATE` before `exsync_engine_connect`.
///
/// # Safety
/// `engine` must be NULL or a live engine handle; `user` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_sync(
    engine: *mut exsync_engine,
    user: *const c_char,
    kinds_bits: u32,
) -> exsync_result {
    boundary("exsync_engine_sync", || {
        // SAFETY: the caller's contract.
        let (handle, user) = unsafe { (borrow(engine, "engine")?, str_arg(user, "user")?) };
        engine_connection::sync(handle, user, &kinds(kinds_bits, "kinds")?)
    })
}

/// The reports of the last `exsync_engine_sync` on this engine, as a JSON array (one per kind
/// synced, in order): `{"user", "kind", "mode", "listed", "created", "updated", "deleted",
/// "delivered", "matched", "recovered", "conflicts", "skipped", "failures"}`. After a failed sync,
/// the reports of the kinds done before the failure. By the output buffer protocol;
/// `EXSYNC_ERR_WRONG_STATE` before any sync.
///
/// # Safety
/// As `exsync_engine_users`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_last_sync_report(
    engine: *const exsync_engine,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> exsync_result {
    boundary("exsync_engine_last_sync_report", || {
        // SAFETY: the caller's contract.
        let text = unsafe { state(engine) }?
            .last_reports
            .clone()
            .ok_or_else(|| FfiError::wrong_state("no sync has run on this engine yet"))?;
        // SAFETY: the caller's contract.
        unsafe { write_text(&text, buf, buf_len, out_len) }
    })
}

/// Up to `limit` of Exchange's changes for the application to apply, oldest first, as a JSON
/// array of `{"seq": 7, "user", "kind": "contacts", "app_id", "delivery": {"upsert": RECORD} or
/// "delete"}`. Apply each, then acknowledge it with `exsync_engine_ack`. Delivery is at least
/// once: an entry stays until acknowledged. By the output buffer protocol (asking again is safe).
///
/// # Safety
/// `engine` must be NULL or a live engine handle; `user` NULL or NUL-terminated; `buf` NULL or
/// `buf_len` writable bytes; `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_pending(
    engine: *const exsync_engine,
    user: *const c_char,
    limit: u32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> exsync_result {
    boundary("exsync_engine_pending", || {
        // SAFETY: the caller's contract.
        let (s, user) = unsafe { (state(engine)?, str_arg(user, "user")?) };
        let text = s.pending_json(user, limit as usize)?;
        // SAFETY: the caller's contract.
        unsafe { write_text(&text, buf, buf_len, out_len) }
    })
}

/// Acknowledges the pending entry `seq` of `user` as applied, with the application's new version
/// of the record (`app_version`, may be NULL). `*out_acknowledged` is 1 when the entry was pending,
/// 0 when it was acknowledged before or a newer change of the record replaced it.
///
/// # Safety
/// `engine` must be NULL or a live engine handle; `user` NULL or NUL-terminated; `app_version`
/// NULL or NUL-terminated; `out_acknowledged` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_ack(
    engine: *mut exsync_engine,
    user: *const c_char,
    seq: u64,
    app_version: *const c_char,
    out_acknowledged: *mut i32,
) -> exsync_result {
    boundary("exsync_engine_ack", || {
        // SAFETY: the caller's contract.
        let (s, user, version, out) = unsafe {
            (
                state(engine)?,
                str_arg(user, "user")?,
                opt_str_arg(app_version, "app_version")?,
                out_arg(out_acknowledged, "out_acknowledged")?,
            )
        };
        *out = i32::from(s.ack(user, seq, version)?);
        Ok(())
    })
}

/// The sync status of enrolled `user`, one per object kind, as a JSON array of `{"user", "kind",
/// "last_attempt", "last_success", "last_run": {"listed", "exchange_created", "exchange_updated",
/// "exchange_deleted", "app_created", "app_updated", "app_deleted", "matched", "recovered",
/// "conflicts", ...}, "totals": {...}, "last_error": {"kind", "message", "at", ...} or null,
/// "consecutive_failures"}` (times RFC 3339, null when never), by the output buffer protocol.
/// Works without a connection. `EXSYNC_ERR_NOT_ENROLLED` for a user not enrolled.
///
/// # Safety
/// As `exsync_engine_pending`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_status(
    engine: *const exsync_engine,
    user: *const c_char,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> exsync_result {
    boundary("exsync_engine_status", || {
        // SAFETY: the caller's contract.
        let (s, user) = unsafe { (state(engine)?, str_arg(user, "user")?) };
        let text = s.status_json(user)?;
        // SAFETY: the caller's contract.
        unsafe { write_text(&text, buf, buf_len, out_len) }
    })
}

/// Sets (or, with a NULL `callback`, clears) the progress callback. During `exsync_engine_sync`
/// it is called on the thread that called `exsync_engine_sync`, with `userdata` and one event as
/// JSON, valid during the call only. Per kind synced, in order: `{"event": "folder_started",
/// "user", "kind"}`, `{"event": "page_fetched", "user", "kind", "changes", "listed", "more"}` per
/// page of Exchange changes, `{"event": "items_processed", "user", "kind", "done", "total"}`, and
/// `{"event": "folder_done", "user", "kind", "outcome": {"synced": {counts}} or {"failed":
/// {error}}}`. The callback must not call back into this engine (`EXSYNC_ERR_WRONG_STATE`) nor
/// free it.
///
/// # Safety
/// `engine` must be NULL or a live engine handle; `callback` NULL or a function that is safe to
/// call with `userdata` on the threads that call `exsync_engine_sync`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_engine_set_progress(
    engine: *mut exsync_engine,
    callback: exsync_progress_callback,
    userdata: *mut c_void,
) -> exsync_result {
    boundary("exsync_engine_set_progress", || {
        // SAFETY: the caller's contract.
        unsafe { state(engine) }?.progress = Progress::new(callback, userdata);
        Ok(())
    })
}
