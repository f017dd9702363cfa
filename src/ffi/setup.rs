//! `exsync_setup_*`: the admin's setup flow ([`SetupFlow`]) over C.
//!
//! Steps, numbered as `exsync_step`: 1 sync scope, 2 connection method, 3 service account user
//! name (service accounts only), 4 password or OAuth 2.0 application, 5 additional domains,
//! 6 validate, 7 save. Each setter belongs to a step; it may be called for the current step or any
//! earlier one (editing), refuses invalid input with `EXSYNC_ERR_SETUP_INVALID_INPUT` (the message
//! names the field), and on success moves to the following step. A step whose earlier steps are
//! incomplete gives `EXSYNC_ERR_SETUP_STEP`. Changing the credentials or domains after a validation
//! requires validating again before saving (`EXSYNC_ERR_SETUP_VALIDATION_REQUIRED`).

use std::ffi::c_char;

use super::error::{FfiError, exsync_result};
use super::handles::{Exclusive, ExclusiveGuard, Opaque, borrow, exsync_engine, exsync_setup, free, into_raw};
use super::kinds;
use super::panic::{boundary, boundary_void};
use super::setup_state::{SetupState, oauth_app};
use super::strings::{bytes_arg, opt_str_arg, out_arg, str_arg, write_text};
use crate::setup::SetupFlow;
use crate::transport::Secret;

/// The state behind an `exsync_setup` handle.
pub(crate) struct SetupHandle {
    state: Exclusive<SetupState>,
}

impl Opaque for exsync_setup {
    type Inner = SetupHandle;
}

impl SetupHandle {
    fn new(flow: SetupFlow) -> Self {
        SetupHandle { state: Exclusive::new(SetupState::new(flow)) }
    }
}

/// The flow behind `setup`, for the length of a call.
///
/// # Safety
/// `setup` must be NULL or a live setup handle.
unsafe fn state<'a>(setup: *const exsync_setup) -> Result<ExclusiveGuard<'a, SetupState>, FfiError> {
    // SAFETY: the caller's contract.
    unsafe { borrow(setup, "setup") }?.state.lock("setup")
}

/// Writes a text result of `setup` by the output buffer protocol.
///
/// # Safety
/// As the getters: `setup` NULL or live, `buf` NULL or `buf_len` writable bytes, `out_len` NULL or
/// writable.
unsafe fn get_text(
    setup: *const exsync_setup,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
    get: impl FnOnce(&SetupState) -> Result<String, FfiError>,
) -> Result<(), FfiError> {
    // SAFETY: the caller's contract.
    let text = get(&*unsafe { state(setup) }?)?;
    // SAFETY: the caller's contract.
    unsafe { write_text(&text, buf, buf_len, out_len) }
}

/// A new setup flow for the `default` profile, at step 1, in `*out` (NULL on failure). Free it
/// with `exsync_setup_free`.
///
/// # Safety
/// `out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_new(out: *mut *mut exsync_setup) -> exsync_result {
    boundary("exsync_setup_new", || {
        // SAFETY: the caller's contract.
        let out = unsafe { out_arg(out, "out") }?;
        *out = into_raw::<exsync_setup>(SetupHandle::new(SetupFlow::new()));
        Ok(())
    })
}

/// A new setup flow for `profile` (1–64 of `A-Z a-z 0-9 . _ -`; it names the profile's secrets,
/// so that one host can keep several setups), in `*out` (NULL on failure).
///
/// # Safety
/// `profile` must be NULL or NUL-terminated; `out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_new_for_profile(
    profile: *const c_char,
    out: *mut *mut exsync_setup,
) -> exsync_result {
    boundary("exsync_setup_new_for_profile", || {
        // SAFETY: the caller's contract.
        let out = unsafe { out_arg(out, "out") }?;
        *out = std::ptr::null_mut();
        // SAFETY: the caller's contract.
        let profile = unsafe { str_arg(profile, "profile") }?;
        let flow = SetupFlow::for_profile(profile).map_err(|e| FfiError::invalid("profile", e.to_string()))?;
        *out = into_raw::<exsync_setup>(SetupHandle::new(flow));
        Ok(())
    })
}

/// Frees a setup handle (its secrets are wiped from memory). NULL does nothing; freeing twice is
/// undefined.
///
/// # Safety
/// `setup` must be NULL or a live setup handle, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_free(setup: *mut exsync_setup) {
    // SAFETY: the caller's contract.
    boundary_void("exsync_setup_free", || unsafe { free(setup) });
}

/// The step the admin is on (1–7, see `exsync_step`), in `*out_step`.
///
/// # Safety
/// `setup` must be NULL or a live setup handle; `out_step` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_current_step(setup: *const exsync_setup, out_step: *mut u32) -> exsync_result {
    boundary("exsync_setup_current_step", || {
        // SAFETY: the caller's contract.
        let out = unsafe { out_arg(out_step, "out_step") }?;
        // SAFETY: the caller's contract.
        *out = u32::from(unsafe { state(setup) }?.flow.current().number());
        Ok(())
    })
}

/// Moves to `step` (1–7): back to edit it, or forward over completed steps.
///
/// # Safety
/// `setup` must be NULL or a live setup handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_go_to(setup: *mut exsync_setup, step: u32) -> exsync_result {
    boundary("exsync_setup_go_to", || {
        let step = kinds::step(step)?;
        // SAFETY: the caller's contract.
        Ok(unsafe { state(setup) }?.flow.go_to(step)?)
    })
}

/// Moves to the previous step that applies (`EXSYNC_ERR_SETUP_STEP` on step 1).
///
/// # Safety
/// `setup` must be NULL or a live setup handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_back(setup: *mut exsync_setup) -> exsync_result {
    // SAFETY: the caller's contract.
    boundary("exsync_setup_back", || unsafe { state(setup) }?.flow.back().map(|_| ()).map_err(FfiError::from))
}

/// Step 1: what syncs, as `exsync_kind` bits (`EXSYNC_KIND_CONTACTS`, `EXSYNC_KIND_EVENTS`, or
/// both); 0 is refused.
///
/// # Safety
/// `setup` must be NULL or a live setup handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_set_sync_scope(setup: *mut exsync_setup, kinds: u32) -> exsync_result {
    boundary("exsync_setup_set_sync_scope", || {
        let scope = kinds::scope(kinds, "kinds")?;
        // SAFETY: the caller's contract.
        Ok(unsafe { state(setup) }?.flow.set_sync_scope(scope)?)
    })
}

/// Step 2: how to connect (`exsync_method`). Switching between a service account and OAuth 2.0
/// drops the other method's credentials.
///
/// # Safety
/// `setup` must be NULL or a live setup handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_set_connection_method(setup: *mut exsync_setup, method: u32) -> exsync_result {
    boundary("exsync_setup_set_connection_method", || {
        let method = kinds::method(method)?;
        // SAFETY: the caller's contract.
        Ok(unsafe { state(setup) }?.flow.set_connection_method(method)?)
    })
}

/// Step 3: the service account's user name, as a UPN (`svc@contoso.com`) or down-level name
/// (`contoso.com\svc`, `CONTOSO\svc`).
///
/// # Safety
/// `setup` must be NULL or a live setup handle; `user_name` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_set_user_name(
    setup: *mut exsync_setup,
    user_name: *const c_char,
) -> exsync_result {
    boundary("exsync_setup_set_user_name", || {
        // SAFETY: the caller's contract.
        let (mut s, name) = unsafe { (state(setup)?, str_arg(user_name, "user_name")?) };
        Ok(s.flow.set_user_name(name)?)
    })
}

/// Step 4 for a service account: its password, kept exactly as typed (never handed back, never in
/// a message).
///
/// # Safety
/// `setup` must be NULL or a live setup handle; `password` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_set_password(setup: *mut exsync_setup, password: *const c_char) -> exsync_result {
    boundary("exsync_setup_set_password", || {
        // SAFETY: the caller's contract.
        let (mut s, password) = unsafe { (state(setup)?, str_arg(password, "password")?) };
        Ok(s.flow.set_password(Secret::new(password))?)
    })
}

/// Step 4 for OAuth 2.0: the application registered in Microsoft Entra ID, as JSON:
/// `{"tenant": "contoso.onmicrosoft.com", "client_id": "GUID", "client_secret": "..."}` or, with a
/// certificate, `"certificate_thumbprint"` and `"private_key_pem"` instead of `"client_secret"`;
/// optional `"authority_host"` for national clouds. Errors never quote the JSON.
///
/// # Safety
/// `setup` must be NULL or a live setup handle; `app_json` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_set_oauth_app(
    setup: *mut exsync_setup,
    app_json: *const c_char,
) -> exsync_result {
    boundary("exsync_setup_set_oauth_app", || {
        // SAFETY: the caller's contract.
        let (mut s, text) = unsafe { (state(setup)?, str_arg(app_json, "app_json")?) };
        Ok(s.flow.set_oauth_app(oauth_app(text)?)?)
    })
}

/// Step 5: the users' email domains besides the service account's, comma-separated (may be empty
/// when every user is in the service account's domain). The message of a refusal names every
/// invalid entry.
///
/// # Safety
/// `setup` must be NULL or a live setup handle; `domains` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_set_additional_domains(
    setup: *mut exsync_setup,
    domains: *const c_char,
) -> exsync_result {
    boundary("exsync_setup_set_additional_domains", || {
        // SAFETY: the caller's contract.
        let (mut s, list) = unsafe { (state(setup)?, str_arg(domains, "domains")?) };
        Ok(s.flow.set_additional_domains(list)?)
    })
}

/// Allows plain HTTP to loopback hosts (`allow` non-zero) for the EWS URL and autodiscover: for
/// test servers such as the simulator only.
///
/// # Safety
/// `setup` must be NULL or a live setup handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_set_allow_http_loopback(setup: *mut exsync_setup, allow: i32) -> exsync_result {
    boundary("exsync_setup_set_allow_http_loopback", || {
        // SAFETY: the caller's contract.
        unsafe { state(setup) }?.flow.set_allow_http_loopback(allow != 0);
        Ok(())
    })
}

/// Trusts `ca_pem` (a PEM CA certificate, such as an on-premises Exchange's internal CA or the
/// simulator's, from `exsync_simulator_ca_certificate`) besides the public roots when validating.
/// A certificate that does not read is refused with `EXSYNC_ERR_INVALID_ARGUMENT` (and not kept).
///
/// # Safety
/// `setup` must be NULL or a live setup handle; `ca_pem` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_trust_ca_pem(setup: *mut exsync_setup, ca_pem: *const c_char) -> exsync_result {
    boundary("exsync_setup_trust_ca_pem", || {
        // SAFETY: the caller's contract.
        let (mut s, pem) = unsafe { (state(setup)?, str_arg(ca_pem, "ca_pem")?) };
        s.options.http.tls.extra_ca_pem.push(super::setup_driver::checked_ca_pem(pem)?);
        Ok(())
    })
}

/// Step 6's fields: the mailbox to test with (in an allowed domain), and the EWS URL when it is
/// entered by hand (NULL or empty to find it by autodiscover).
///
/// # Safety
/// `setup` must be NULL or a live setup handle; `test_mailbox` NULL or NUL-terminated; `ews_url`
/// NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_set_validation_target(
    setup: *mut exsync_setup,
    test_mailbox: *const c_char,
    ews_url: *const c_char,
) -> exsync_result {
    boundary("exsync_setup_set_validation_target", || {
        // SAFETY: the caller's contract.
        let (mut s, mailbox, url) =
            unsafe { (state(setup)?, str_arg(test_mailbox, "test_mailbox")?, opt_str_arg(ews_url, "ews_url")?) };
        Ok(s.flow.set_validation_target(mailbox, url)?)
    })
}

/// Step 6: checks the inputs and starts a validation (without I/O yet); run it with
/// `exsync_setup_run_validation`. Starting again replaces a validation not yet run.
///
/// # Safety
/// `setup` must be NULL or a live setup handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_start_validation(setup: *mut exsync_setup) -> exsync_result {
    boundary("exsync_setup_start_validation", || {
        // SAFETY: the caller's contract.
        let mut s = unsafe { state(setup) }?;
        let started = s.flow.start_validation()?;
        s.pending = Some(started);
        Ok(())
    })
}

/// Step 6: runs the validation `exsync_setup_start_validation` started: the connectivity analyzer
/// (DNS, autodiscover, EWS endpoint, TLS, sign-in, impersonation, folder access), blocking until
/// its report is in. `*out_passed` is 1 when every step passed (the flow moves to step 7), 0 when
/// one failed (read why with `exsync_setup_validation_report`). A failed step is not an error code.
/// `EXSYNC_ERR_WRONG_STATE` when no validation was started.
///
/// # Safety
/// `setup` must be NULL or a live setup handle; `out_passed` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_run_validation(setup: *mut exsync_setup, out_passed: *mut i32) -> exsync_result {
    boundary("exsync_setup_run_validation", || {
        // SAFETY: the caller's contract.
        let out = unsafe { out_arg(out_passed, "out_passed") }?;
        *out = 0;
        // SAFETY: the caller's contract.
        let mut s = unsafe { state(setup) }?;
        *out = i32::from(super::setup_driver::run(&mut s)?);
        Ok(())
    })
}

/// Step 6 in one call: `exsync_setup_start_validation`, then `exsync_setup_run_validation`.
///
/// # Safety
/// `setup` must be NULL or a live setup handle; `out_passed` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_validate(setup: *mut exsync_setup, out_passed: *mut i32) -> exsync_result {
    boundary("exsync_setup_validate", || {
        // SAFETY: the caller's contract.
        let out = unsafe { out_arg(out_passed, "out_passed") }?;
        *out = 0;
        // SAFETY: the caller's contract.
        let mut s = unsafe { state(setup) }?;
        let started = s.flow.start_validation()?;
        s.pending = Some(started);
        *out = i32::from(super::setup_driver::run(&mut s)?);
        Ok(())
    })
}

/// Where the flow stands, as JSON, by the output buffer protocol:
/// `{"profile", "current_step": {"number", "id", "name"}, "steps": [{"number", "id", "name",
/// "applies", "complete", "reachable"}], "sync_scope": {"contacts", "events"} or null,
/// "connection_method": 1-3 or null, "user_name", "has_password", "oauth_app" (no secret),
/// "additional_domains": [...], "allowed_domains": [...], "test_mailbox", "ews_url",
/// "validation": {"status": "not_run" | "passed" (with "at") | "failed" (with "step") |
/// "outdated" (with "changes")}, "validation_started", "saved"}`.
///
/// # Safety
/// `setup` must be NULL or a live setup handle; `buf` NULL or `buf_len` writable bytes; `out_len`
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_state(
    setup: *const exsync_setup,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> exsync_result {
    // SAFETY: the caller's contract.
    boundary("exsync_setup_state", || unsafe { get_text(setup, buf, buf_len, out_len, SetupState::state_json) })
}

/// The last validation's report as JSON (each step's name, status, time taken, what was seen and
/// what to do; the findings: EWS URL, auth scheme, user-name form), by the output buffer protocol.
/// `EXSYNC_ERR_WRONG_STATE` before a validation ran.
///
/// # Safety
/// As `exsync_setup_state`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_validation_report(
    setup: *const exsync_setup,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> exsync_result {
    // SAFETY: the caller's contract.
    boundary("exsync_setup_validation_report", || unsafe {
        get_text(setup, buf, buf_len, out_len, SetupState::report_json)
    })
}

/// Step 7: saves the setup into `engine`'s state store: the configuration, and its secrets sealed
/// (ChaCha20-Poly1305) under `key` (32 bytes the host keeps, e.g. in the OS keychain) in the same
/// SQLite file. Needs a passing validation of the current inputs. The engine can then connect with
/// `exsync_engine_connect` and the same key.
///
/// # Safety
/// `setup` and `engine` must be NULL or live handles; `key` NULL or `key_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_save(
    setup: *mut exsync_setup,
    engine: *mut exsync_engine,
    key: *const u8,
    key_len: usize,
) -> exsync_result {
    boundary("exsync_setup_save", || {
        // SAFETY: the caller's contract.
        let (mut s, engine, key) =
            unsafe { (state(setup)?, borrow(engine, "engine")?, bytes_arg(key, key_len, "key")?) };
        super::setup_driver::save(&mut s, engine, key)
    })
}

/// The configuration the last save (or `exsync_setup_open_saved`) produced, as JSON: secret
/// references only, never a secret. By the output buffer protocol; `EXSYNC_ERR_WRONG_STATE` before.
///
/// # Safety
/// As `exsync_setup_state`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_saved_config(
    setup: *const exsync_setup,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> exsync_result {
    // SAFETY: the caller's contract.
    boundary("exsync_setup_saved_config", || unsafe { get_text(setup, buf, buf_len, out_len, SetupState::saved_json) })
}

/// Reopens the setup saved in `engine`'s state store for editing (every step complete and
/// validated, at step 7), reading its secrets with `key`; a new handle in `*out` (NULL on
/// failure). `EXSYNC_ERR_SETUP_CONFIG` when nothing was saved; `EXSYNC_ERR_SECRET_STORE` with a
/// different key.
///
/// # Safety
/// `engine` must be NULL or a live engine handle; `key` NULL or `key_len` readable bytes; `out`
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_setup_open_saved(
    engine: *mut exsync_engine,
    key: *const u8,
    key_len: usize,
    out: *mut *mut exsync_setup,
) -> exsync_result {
    boundary("exsync_setup_open_saved", || {
        // SAFETY: the caller's contract.
        let out = unsafe { out_arg(out, "out") }?;
        *out = std::ptr::null_mut();
        // SAFETY: the caller's contract.
        let (engine, key) = unsafe { (borrow(engine, "engine")?, bytes_arg(key, key_len, "key")?) };
        let state = super::setup_driver::open_saved(engine, key)?;
        *out = into_raw::<exsync_setup>(SetupHandle { state: Exclusive::new(state) });
        Ok(())
    })
}
