//! `exsync_simulator_*`: a simulated Exchange server on loopback (EWS, autodiscover, NTLM and
//! Basic sign-in, impersonation), so that C and Python users can test without Exchange, and its
//! side door: changes made as if the mailbox owner made them in Outlook, as canonical record JSON
//! (the same shape the engine delivers).
//!
//! Available when libexsync is built with the `sim` feature (on by default); otherwise
//! `exsync_simulator_start` returns `EXSYNC_ERR_UNSUPPORTED`.

use std::ffi::c_char;

use super::error::exsync_result;
use super::handles::{Opaque, borrow, exsync_simulator, free, into_raw};
use super::kinds::one_kind;
use super::panic::{boundary, boundary_void};
use super::strings::{out_arg, str_arg, write_text};

#[cfg(not(feature = "sim"))]
use super::simulator_absent::SimHandle;
#[cfg(feature = "sim")]
use super::simulator_state::SimHandle;

impl Opaque for exsync_simulator {
    type Inner = SimHandle;
}

/// Starts a simulator on a free loopback port and hands out its handle in `*out` (NULL on
/// failure). `config_json`:
///
/// ```json
/// {"domains": ["contoso.com"], "service_account": "svc@contoso.com", "password": "...",
///  "mailboxes": ["alice@contoso.com"], "impersonate": null, "tls": false, "port": 0, "seed": null}
/// ```
///
/// `domains`, `service_account` and `password` are required; the service account may impersonate
/// every mailbox unless `impersonate` lists the addresses it may. The server accepts NTLM, Basic
/// and Bearer sign-in, over plain HTTP unless `tls` is true. Free it with `exsync_simulator_free`.
///
/// # Safety
/// `config_json` must be NULL or a NUL-terminated string; `out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_simulator_start(
    config_json: *const c_char,
    out: *mut *mut exsync_simulator,
) -> exsync_result {
    boundary("exsync_simulator_start", || {
        // SAFETY: the caller's contract.
        let out = unsafe { out_arg(out, "out") }?;
        *out = std::ptr::null_mut();
        // SAFETY: the caller's contract.
        let config = unsafe { str_arg(config_json, "config_json") }?;
        *out = into_raw::<exsync_simulator>(SimHandle::start(config)?);
        Ok(())
    })
}

/// Stops the server, letting open requests finish. Later calls on the handle but `_free` give
/// `EXSYNC_ERR_WRONG_STATE`, as does stopping it again.
///
/// # Safety
/// `sim` must be NULL or a live simulator handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_simulator_stop(sim: *mut exsync_simulator) -> exsync_result {
    // SAFETY: the caller's contract.
    boundary("exsync_simulator_stop", || unsafe { borrow(sim, "sim") }?.stop())
}

/// Stops the server if it runs and frees the handle. NULL does nothing; freeing twice is undefined.
///
/// # Safety
/// `sim` must be NULL or a live simulator handle, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_simulator_free(sim: *mut exsync_simulator) {
    // SAFETY: the caller's contract.
    boundary_void("exsync_simulator_free", || unsafe { free(sim) });
}

/// The EWS endpoint's URL (`http://127.0.0.1:PORT/EWS/Exchange.asmx`), by the output buffer
/// protocol.
///
/// # Safety
/// `sim` must be NULL or a live simulator handle; `buf` NULL or `buf_len` writable bytes;
/// `out_len` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_simulator_ews_url(
    sim: *const exsync_simulator,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> exsync_result {
    boundary("exsync_simulator_ews_url", || {
        // SAFETY: the caller's contract.
        let url = unsafe { borrow(sim, "sim") }?.ews_url()?;
        // SAFETY: the caller's contract.
        unsafe { write_text(&url, buf, buf_len, out_len) }
    })
}

/// The PEM certificate of the authority that signed the server's certificate (with `"tls": true`;
/// `EXSYNC_ERR_WRONG_STATE` over plain HTTP), by the output buffer protocol.
///
/// # Safety
/// As `exsync_simulator_ews_url`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_simulator_ca_certificate(
    sim: *const exsync_simulator,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> exsync_result {
    boundary("exsync_simulator_ca_certificate", || {
        // SAFETY: the caller's contract.
        let pem = unsafe { borrow(sim, "sim") }?.ca_certificate()?;
        // SAFETY: the caller's contract.
        unsafe { write_text(&pem, buf, buf_len, out_len) }
    })
}

/// Adds a mailbox (in one of the configured domains) while the server runs.
///
/// # Safety
/// `sim` must be NULL or a live simulator handle; `address` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_simulator_add_mailbox(
    sim: *mut exsync_simulator,
    address: *const c_char,
) -> exsync_result {
    boundary("exsync_simulator_add_mailbox", || {
        // SAFETY: the caller's contract.
        let (sim, address) = unsafe { (borrow(sim, "sim")?, str_arg(address, "address")?) };
        sim.add_mailbox(address)
    })
}

/// Side door: creates an item in `mailbox` as its owner would in Outlook, from a canonical record
/// (`{"kind": "contact", "given_name": "Ann", ...}` or `{"kind": "event", ...}`, the shape
/// `exsync_engine_pending` delivers): a contact in the contacts folder, an event in the calendar.
/// Read its id with `exsync_simulator_last_created_id`.
///
/// # Safety
/// `sim` must be NULL or a live simulator handle; the strings NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_simulator_create_item(
    sim: *mut exsync_simulator,
    mailbox: *const c_char,
    record_json: *const c_char,
) -> exsync_result {
    boundary("exsync_simulator_create_item", || {
        // SAFETY: the caller's contract.
        let (sim, mailbox, record) =
            unsafe { (borrow(sim, "sim")?, str_arg(mailbox, "mailbox")?, str_arg(record_json, "record_json")?) };
        sim.create_item(mailbox, record)
    })
}

/// The Exchange id of the item the last successful `exsync_simulator_create_item` on this handle
/// made (`EXSYNC_ERR_WRONG_STATE` before any), by the output buffer protocol.
///
/// # Safety
/// As `exsync_simulator_ews_url`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_simulator_last_created_id(
    sim: *const exsync_simulator,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> exsync_result {
    boundary("exsync_simulator_last_created_id", || {
        // SAFETY: the caller's contract.
        let id = unsafe { borrow(sim, "sim") }?.last_created_id()?;
        // SAFETY: the caller's contract.
        unsafe { write_text(&id, buf, buf_len, out_len) }
    })
}

/// Side door: sets the fields of item `item_id` to those of a canonical record of the same kind,
/// as the owner would in Outlook (no change-key check).
///
/// # Safety
/// `sim` must be NULL or a live simulator handle; the strings NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_simulator_update_item(
    sim: *mut exsync_simulator,
    mailbox: *const c_char,
    item_id: *const c_char,
    record_json: *const c_char,
) -> exsync_result {
    boundary("exsync_simulator_update_item", || {
        // SAFETY: the caller's contract.
        let (sim, mailbox, id, record) = unsafe {
            (
                borrow(sim, "sim")?,
                str_arg(mailbox, "mailbox")?,
                str_arg(item_id, "item_id")?,
                str_arg(record_json, "record_json")?,
            )
        };
        sim.update_item(mailbox, id, record)
    })
}

/// Side door: deletes item `item_id` as Outlook's Delete key does (to Deleted Items).
///
/// # Safety
/// `sim` must be NULL or a live simulator handle; the strings NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_simulator_delete_item(
    sim: *mut exsync_simulator,
    mailbox: *const c_char,
    item_id: *const c_char,
) -> exsync_result {
    boundary("exsync_simulator_delete_item", || {
        // SAFETY: the caller's contract.
        let (sim, mailbox, id) =
            unsafe { (borrow(sim, "sim")?, str_arg(mailbox, "mailbox")?, str_arg(item_id, "item_id")?) };
        sim.delete_item(mailbox, id)
    })
}

/// The items of `mailbox`'s contacts folder (`EXSYNC_KIND_CONTACTS`) or calendar
/// (`EXSYNC_KIND_EVENTS`), in creation order, as a JSON array of
/// `{"id": "...", "change_key": "...", "tag": "crm-1" or null, "record": {...}}` (`tag` is the
/// application's id when exsync wrote the item; an item exsync cannot read has `"record": null`
/// and an `"unmapped"` reason), by the output buffer protocol.
///
/// # Safety
/// As `exsync_simulator_ews_url`; `mailbox` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_simulator_items(
    sim: *const exsync_simulator,
    mailbox: *const c_char,
    kind: u32,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> exsync_result {
    boundary("exsync_simulator_items", || {
        // SAFETY: the caller's contract.
        let (sim, mailbox) = unsafe { (borrow(sim, "sim")?, str_arg(mailbox, "mailbox")?) };
        let text = sim.items_json(mailbox, one_kind(kind, "kind")?)?;
        // SAFETY: the caller's contract.
        unsafe { write_text(&text, buf, buf_len, out_len) }
    })
}
