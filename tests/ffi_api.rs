//! The C ABI driven from Rust through its exported functions: the setup flow's steps, the
//! simulator and its side door, the engine's store-side calls, the error codes and the last error.

use std::ffi::{CStr, CString, c_char};
use std::ptr::{null, null_mut};

use exsync::ffi::engine::*;
use exsync::ffi::error::{exsync_last_error_code, exsync_last_error_message, exsync_result_name};
use exsync::ffi::exsync_result::{self, *};
use exsync::ffi::kinds::{exsync_kind::*, exsync_method::*, exsync_step::*};
use exsync::ffi::setup::*;
use exsync::ffi::simulator::*;
use exsync::ffi::{exsync_engine, exsync_setup, exsync_simulator};

fn c(s: &str) -> CString {
    CString::new(s).unwrap()
}

fn last_message() -> String {
    let mut len = 0usize;
    let code = unsafe { exsync_last_error_message(null_mut(), 0, &mut len) };
    assert_eq!(code, EXSYNC_ERR_BUFFER_TOO_SMALL, "asking for the length");
    if len == 0 {
        return String::new();
    }
    let mut buf = vec![0 as c_char; len + 1];
    assert_eq!(unsafe { exsync_last_error_message(buf.as_mut_ptr(), buf.len(), &mut len) }, EXSYNC_OK);
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap().to_owned()
}

/// Calls a getter by the required-length protocol.
fn text(get: impl Fn(*mut c_char, usize, *mut usize) -> exsync_result) -> Result<String, (exsync_result, String)> {
    let mut len = 0usize;
    match get(null_mut(), 0, &mut len) {
        EXSYNC_ERR_BUFFER_TOO_SMALL => {}
        EXSYNC_OK => return Ok(String::new()),
        other => return Err((other, last_message())),
    }
    let mut buf = vec![0 as c_char; len + 1];
    let code = get(buf.as_mut_ptr(), buf.len(), &mut len);
    assert_eq!(code, EXSYNC_OK, "{}", last_message());
    Ok(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap().to_owned())
}

fn json(get: impl Fn(*mut c_char, usize, *mut usize) -> exsync_result) -> serde_json::Value {
    serde_json::from_str(&text(get).expect("the getter succeeds")).unwrap()
}

fn ok(code: exsync_result) {
    assert_eq!(code, EXSYNC_OK, "{}", last_message());
}

fn fails(code: exsync_result, expected: exsync_result, needle: &str) {
    assert_eq!(code, expected, "{}", last_message());
    assert_eq!(exsync_last_error_code(), expected);
    let message = last_message();
    assert!(message.contains(needle), "{message:?} does not mention {needle:?}");
}

fn new_setup() -> *mut exsync_setup {
    let mut s = null_mut();
    ok(unsafe { exsync_setup_new(&mut s) });
    s
}

fn step_of(s: *mut exsync_setup) -> u32 {
    let mut step = 0;
    ok(unsafe { exsync_setup_current_step(s, &mut step) });
    step
}

#[test]
fn setup_steps_back_go_to_and_state() {
    let s = new_setup();
    unsafe {
        assert_eq!(step_of(s), EXSYNC_STEP_SYNC_SCOPE as u32);
        fails(exsync_setup_set_sync_scope(s, 0), EXSYNC_ERR_SETUP_INVALID_INPUT, "sync scope");
        fails(exsync_setup_set_sync_scope(s, 9), EXSYNC_ERR_INVALID_ARGUMENT, "kinds");
        fails(exsync_setup_set_user_name(s, c("svc@contoso.com").as_ptr()), EXSYNC_ERR_SETUP_STEP, "cannot be reached");
        ok(exsync_setup_set_sync_scope(s, EXSYNC_KIND_ALL as u32));
        fails(exsync_setup_set_connection_method(s, 0), EXSYNC_ERR_INVALID_ARGUMENT, "method");
        ok(exsync_setup_set_connection_method(s, EXSYNC_METHOD_NTLM as u32));
        assert_eq!(step_of(s), EXSYNC_STEP_SERVICE_ACCOUNT as u32);
        fails(exsync_setup_set_user_name(s, c("not a user").as_ptr()), EXSYNC_ERR_SETUP_INVALID_INPUT, "user name");
        ok(exsync_setup_set_user_name(s, c(r"contoso.com\svc").as_ptr()));
        fails(exsync_setup_set_password(s, c("").as_ptr()), EXSYNC_ERR_SETUP_INVALID_INPUT, "password is required");
        ok(exsync_setup_set_password(s, c("S3cret!pw").as_ptr()));
        fails(
            exsync_setup_set_additional_domains(s, c("fabrikam.com, https://x.example").as_ptr()),
            EXSYNC_ERR_SETUP_INVALID_INPUT,
            "https://x.example",
        );
        ok(exsync_setup_set_additional_domains(s, c("Fabrikam.com").as_ptr()));
        assert_eq!(step_of(s), EXSYNC_STEP_VALIDATE as u32);
        fails(exsync_setup_go_to(s, EXSYNC_STEP_SAVE as u32), EXSYNC_ERR_SETUP_STEP, "validate");
        fails(exsync_setup_go_to(s, 0), EXSYNC_ERR_INVALID_ARGUMENT, "step");
        ok(exsync_setup_back(s));
        assert_eq!(step_of(s), EXSYNC_STEP_DOMAINS as u32);
        ok(exsync_setup_go_to(s, EXSYNC_STEP_CONNECTION_METHOD as u32));
        assert_eq!(step_of(s), EXSYNC_STEP_CONNECTION_METHOD as u32);
        // OAuth fields do not apply to a service account.
        let app = c(
            r#"{"tenant":"contoso.onmicrosoft.com","client_id":"00000000-0000-0000-0000-000000000001","client_secret":"zz-S3cret-value"}"#,
        );
        fails(exsync_setup_set_oauth_app(s, app.as_ptr()), EXSYNC_ERR_SETUP_INVALID_INPUT, "OAuth");

        let state = json(|b, n, l| exsync_setup_state(s, b, n, l));
        assert_eq!(state["current_step"]["number"], 2);
        assert_eq!(state["connection_method"], 2);
        assert_eq!(state["user_name"], r"contoso.com\svc");
        assert_eq!(state["has_password"], true);
        assert_eq!(state["additional_domains"], serde_json::json!(["fabrikam.com"]));
        assert_eq!(state["validation"]["status"], "not_run");
        assert_eq!(state["steps"][5]["reachable"], true);
        assert_eq!(state["steps"][6]["reachable"], false);
        assert!(!state.to_string().contains("S3cret"), "{state}");

        // Step 6: the test mailbox must be in an allowed domain.
        fails(
            exsync_setup_set_validation_target(s, c("eve@northwind.example").as_ptr(), null()),
            EXSYNC_ERR_SETUP_INVALID_INPUT,
            "test mailbox",
        );
        fails(exsync_setup_run_validation(s, &mut 0), EXSYNC_ERR_WRONG_STATE, "exsync_setup_start_validation");
        fails(exsync_setup_start_validation(s), EXSYNC_ERR_SETUP_INVALID_INPUT, "test mailbox is required");
        ok(exsync_setup_set_validation_target(
            s,
            c("alice@fabrikam.com").as_ptr(),
            c("https://mail.contoso.com/EWS/Exchange.asmx").as_ptr(),
        ));
        ok(exsync_setup_start_validation(s));
        let state = json(|b, n, l| exsync_setup_state(s, b, n, l));
        assert_eq!(state["validation_started"], true);
        assert_eq!(state["ews_url"], "https://mail.contoso.com/EWS/Exchange.asmx");
        fails(
            text(|b, n, l| exsync_setup_validation_report(s, b, n, l)).unwrap_err().0,
            EXSYNC_ERR_WRONG_STATE,
            "validation has not run",
        );
        fails(
            text(|b, n, l| exsync_setup_saved_config(s, b, n, l)).unwrap_err().0,
            EXSYNC_ERR_WRONG_STATE,
            "not been saved",
        );
        exsync_setup_free(s);
    }
}

#[test]
fn oauth_setup_and_secret_free_errors() {
    let s = new_setup();
    unsafe {
        ok(exsync_setup_set_sync_scope(s, EXSYNC_KIND_CONTACTS as u32));
        ok(exsync_setup_set_connection_method(s, EXSYNC_METHOD_OAUTH as u32));
        // The user-name step does not apply to OAuth 2.0.
        assert_eq!(step_of(s), EXSYNC_STEP_CREDENTIALS as u32);
        fails(exsync_setup_set_user_name(s, c("svc@contoso.com").as_ptr()), EXSYNC_ERR_SETUP_STEP, "does not apply");
        let bad = c(
            r#"{"tenant":"contoso.onmicrosoft.com","client_id":"x","client_secret":"zz-S3cret-value","extra":"zz-S3cret-value"}"#,
        );
        fails(exsync_setup_set_oauth_app(s, bad.as_ptr()), EXSYNC_ERR_INVALID_JSON, "app_json");
        assert!(!last_message().contains("S3cret"));
        let common = c(
            r#"{"tenant":"common","client_id":"00000000-0000-0000-0000-000000000001","client_secret":"zz-S3cret-value"}"#,
        );
        fails(exsync_setup_set_oauth_app(s, common.as_ptr()), EXSYNC_ERR_SETUP_INVALID_INPUT, "tenant");
        let app = c(
            r#"{"tenant":"contoso.onmicrosoft.com","client_id":"00000000-0000-0000-0000-000000000001","client_secret":"zz-S3cret-value"}"#,
        );
        ok(exsync_setup_set_oauth_app(s, app.as_ptr()));
        assert_eq!(step_of(s), EXSYNC_STEP_DOMAINS as u32);
        fails(exsync_setup_set_additional_domains(s, c("").as_ptr()), EXSYNC_ERR_SETUP_INVALID_INPUT, "domains");
        ok(exsync_setup_set_additional_domains(s, c("contoso.com").as_ptr()));
        let state = json(|b, n, l| exsync_setup_state(s, b, n, l));
        assert_eq!(state["oauth_app"]["credential"]["kind"], "client_secret");
        assert_eq!(state["steps"][2]["applies"], false);
        assert!(!state.to_string().contains("S3cret"));
        exsync_setup_free(s);
        let mut p = null_mut();
        fails(exsync_setup_new_for_profile(c("bad profile!").as_ptr(), &mut p), EXSYNC_ERR_INVALID_ARGUMENT, "profile");
        assert!(p.is_null());
        ok(exsync_setup_new_for_profile(c("crm-eu").as_ptr(), &mut p));
        assert_eq!(json(|b, n, l| exsync_setup_state(p, b, n, l))["profile"], "crm-eu");
        exsync_setup_free(p);
    }
}

fn start_sim() -> *mut exsync_simulator {
    let config = c(
        r#"{"domains":["contoso.com"],"service_account":"svc@contoso.com","password":"Passw0rd!","mailboxes":["alice@contoso.com"]}"#,
    );
    let mut sim = null_mut();
    ok(unsafe { exsync_simulator_start(config.as_ptr(), &mut sim) });
    sim
}

#[test]
fn simulator_side_door_and_stop() {
    unsafe {
        let mut sim: *mut exsync_simulator = null_mut();
        fails(exsync_simulator_start(c("{").as_ptr(), &mut sim), EXSYNC_ERR_INVALID_JSON, "config_json");
        let no_domain = c(r#"{"domains":[],"service_account":"svc@contoso.com","password":"Passw0rd!"}"#);
        fails(exsync_simulator_start(no_domain.as_ptr(), &mut sim), EXSYNC_ERR_INVALID_JSON, "domains");
        let foreign = c(
            r#"{"domains":["contoso.com"],"service_account":"svc@contoso.com","password":"Passw0rd!","mailboxes":["bob@fabrikam.com"]}"#,
        );
        assert_eq!(exsync_simulator_start(foreign.as_ptr(), &mut sim), EXSYNC_ERR_SIM_CONFIG, "{}", last_message());
        assert!(!last_message().contains("Passw0rd"));
        assert!(sim.is_null());

        let sim = start_sim();
        let url = text(|b, n, l| exsync_simulator_ews_url(sim, b, n, l)).unwrap();
        assert!(url.starts_with("http://127.0.0.1:") && url.ends_with("/EWS/Exchange.asmx"), "{url}");
        fails(
            text(|b, n, l| exsync_simulator_last_created_id(sim, b, n, l)).unwrap_err().0,
            EXSYNC_ERR_WRONG_STATE,
            "no item",
        );
        let contact = c(r#"{"kind":"contact","given_name":"Dana","surname":"Ruiz"}"#);
        let alice = c("alice@contoso.com");
        ok(exsync_simulator_create_item(sim, alice.as_ptr(), contact.as_ptr()));
        let id = text(|b, n, l| exsync_simulator_last_created_id(sim, b, n, l)).unwrap();
        let items = json(|b, n, l| exsync_simulator_items(sim, alice.as_ptr(), EXSYNC_KIND_CONTACTS as u32, b, n, l));
        assert_eq!(items[0]["id"], id.as_str());
        assert_eq!(items[0]["record"]["given_name"], "Dana");
        assert_eq!(items[0]["tag"], serde_json::Value::Null);
        let renamed = c(r#"{"kind":"contact","given_name":"Dana","surname":"Ruiz-Ortiz"}"#);
        ok(exsync_simulator_update_item(sim, alice.as_ptr(), c(&id).as_ptr(), renamed.as_ptr()));
        let event = c(r#"{"kind":"event","subject":"x"}"#);
        fails(
            exsync_simulator_update_item(sim, alice.as_ptr(), c(&id).as_ptr(), event.as_ptr()),
            EXSYNC_ERR_INVALID_ARGUMENT,
            "kind differs",
        );
        let items = json(|b, n, l| exsync_simulator_items(sim, alice.as_ptr(), EXSYNC_KIND_CONTACTS as u32, b, n, l));
        assert_eq!(items[0]["record"]["surname"], "Ruiz-Ortiz");
        fails(
            exsync_simulator_create_item(sim, c("nobody@contoso.com").as_ptr(), contact.as_ptr()),
            EXSYNC_ERR_SIM_MAILBOX,
            "nobody@contoso.com",
        );
        ok(exsync_simulator_add_mailbox(sim, c("bob@contoso.com").as_ptr()));
        ok(exsync_simulator_create_item(sim, c("bob@contoso.com").as_ptr(), contact.as_ptr()));
        ok(exsync_simulator_delete_item(sim, alice.as_ptr(), c(&id).as_ptr()));
        let items = json(|b, n, l| exsync_simulator_items(sim, alice.as_ptr(), EXSYNC_KIND_CONTACTS as u32, b, n, l));
        assert_eq!(items, serde_json::json!([]));
        fails(
            text(|b, n, l| exsync_simulator_items(sim, alice.as_ptr(), 3, b, n, l)).unwrap_err().0,
            EXSYNC_ERR_INVALID_ARGUMENT,
            "kind",
        );
        fails(
            text(|b, n, l| exsync_simulator_ca_certificate(sim, b, n, l)).unwrap_err().0,
            EXSYNC_ERR_WRONG_STATE,
            "plain HTTP",
        );
        ok(exsync_simulator_stop(sim));
        fails(exsync_simulator_stop(sim), EXSYNC_ERR_WRONG_STATE, "already stopped");
        fails(text(|b, n, l| exsync_simulator_ews_url(sim, b, n, l)).unwrap_err().0, EXSYNC_ERR_WRONG_STATE, "stopped");
        exsync_simulator_free(sim);
        exsync_simulator_free(null_mut());
    }
}

fn open_engine() -> *mut exsync_engine {
    let mut e = null_mut();
    ok(unsafe { exsync_engine_open(c(":memory:").as_ptr(), &mut e) });
    e
}

#[test]
fn engine_store_side_calls() {
    unsafe {
        let e = open_engine();
        let alice = c("alice@contoso.com");
        let change = c(r#"{"app_id":"crm-1","op":{"upsert":{"kind":"contact","given_name":"Ann"}}}"#);
        let mut seq = 0u64;
        fails(
            exsync_engine_report(e, alice.as_ptr(), 1, change.as_ptr(), &mut seq),
            EXSYNC_ERR_NOT_ENROLLED,
            "alice@contoso.com",
        );
        fails(
            exsync_engine_enrol(e, alice.as_ptr(), c(r#"{"contacts":{"sync":{"direction":"sideways"}}}"#).as_ptr()),
            EXSYNC_ERR_INVALID_JSON,
            "settings_json",
        );
        fails(exsync_engine_enrol(e, c("  ").as_ptr(), null()), EXSYNC_ERR_INVALID_ARGUMENT, "user");
        ok(exsync_engine_enrol(
            e,
            alice.as_ptr(),
            c(r#"{"events":{"sync":{"direction":"exchange_to_app"}}}"#).as_ptr(),
        ));
        let settings = json(|b, n, l| exsync_engine_user_settings(e, alice.as_ptr(), b, n, l));
        assert_eq!(settings["events"]["sync"]["direction"], "exchange_to_app");
        assert_eq!(settings["contacts"]["sync"]["direction"], "both");
        assert_eq!(json(|b, n, l| exsync_engine_users(e, b, n, l)), serde_json::json!(["alice@contoso.com"]));

        ok(exsync_engine_report(e, alice.as_ptr(), EXSYNC_KIND_CONTACTS as u32, change.as_ptr(), &mut seq));
        assert!(seq > 0);
        fails(
            exsync_engine_report(e, alice.as_ptr(), EXSYNC_KIND_EVENTS as u32, change.as_ptr(), &mut seq),
            EXSYNC_ERR_SYNC_WRONG_KIND,
            "contacts",
        );
        fails(
            exsync_engine_report(e, alice.as_ptr(), EXSYNC_KIND_ALL as u32, change.as_ptr(), &mut seq),
            EXSYNC_ERR_INVALID_ARGUMENT,
            "kind",
        );
        let delete = c(r#"{"app_id":"crm-2","op":"delete","changed_at":"2026-01-05T09:00:00Z","version":"7"}"#);
        ok(exsync_engine_report(e, alice.as_ptr(), EXSYNC_KIND_CONTACTS as u32, delete.as_ptr(), &mut seq));
        fails(
            exsync_engine_report(e, alice.as_ptr(), 1, c(r#"{"app_id":"","op":"delete"}"#).as_ptr(), &mut seq),
            EXSYNC_ERR_INVALID_JSON,
            "app_id",
        );

        assert_eq!(json(|b, n, l| exsync_engine_pending(e, alice.as_ptr(), 10, b, n, l)), serde_json::json!([]));
        let mut acked = 7;
        ok(exsync_engine_ack(e, alice.as_ptr(), 12345, null(), &mut acked));
        assert_eq!(acked, 0);
        fails(
            exsync_engine_sync(e, alice.as_ptr(), EXSYNC_KIND_ALL as u32),
            EXSYNC_ERR_WRONG_STATE,
            "exsync_engine_connect",
        );
        fails(
            text(|b, n, l| exsync_engine_last_sync_report(e, b, n, l)).unwrap_err().0,
            EXSYNC_ERR_WRONG_STATE,
            "no sync",
        );

        let mut removed = 0;
        ok(exsync_engine_remove_user(e, alice.as_ptr(), &mut removed));
        assert_eq!(removed, 1);
        ok(exsync_engine_remove_user(e, alice.as_ptr(), &mut removed));
        assert_eq!(removed, 0);
        exsync_engine_free(e);
        exsync_engine_free(null_mut());

        let mut bad = null_mut();
        fails(exsync_engine_open(c("/nonexistent-dir/x/state.db").as_ptr(), &mut bad), EXSYNC_ERR_STORE, "state.db");
        assert!(bad.is_null());
    }
}

#[test]
fn last_error_protocol_and_code_names() {
    unsafe {
        fails(exsync_setup_new(null_mut()), EXSYNC_ERR_NULL_ARGUMENT, "exsync_setup_new: out must not be NULL");
        // Reading the message does not clear it; a too-small buffer reports the length.
        let mut small = [0 as c_char; 4];
        let mut len = 0;
        assert_eq!(exsync_last_error_message(small.as_mut_ptr(), small.len(), &mut len), EXSYNC_ERR_BUFFER_TOO_SMALL);
        assert!(len > 4);
        assert_eq!(exsync_last_error_code(), EXSYNC_ERR_NULL_ARGUMENT);
        let s = new_setup();
        assert_eq!(exsync_last_error_code(), EXSYNC_OK);
        assert_eq!(last_message(), "");
        let bad = b"svc\xff@contoso.com\0";
        fails(exsync_setup_set_user_name(s, bad.as_ptr().cast()), EXSYNC_ERR_INVALID_UTF8, "user_name");
        fails(exsync_setup_set_user_name(s, null()), EXSYNC_ERR_NULL_ARGUMENT, "user_name");
        fails(exsync_setup_set_user_name(null_mut(), c("x").as_ptr()), EXSYNC_ERR_NULL_ARGUMENT, "setup");
        exsync_setup_free(s);
        let name = |code: i32| CStr::from_ptr(exsync_result_name(code)).to_str().unwrap().to_owned();
        assert_eq!(name(0), "EXSYNC_OK");
        assert_eq!(name(7), "EXSYNC_ERR_UNSUPPORTED");
        assert_eq!(name(402), "EXSYNC_ERR_SIM_MAILBOX");
        assert_eq!(name(-1), "EXSYNC_ERR_UNKNOWN");
    }
}

#[test]
fn every_code_is_in_the_header_with_its_number() {
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/exsync.h")).unwrap();
    for code in exsync_result::ALL {
        let line = format!("{} = {},", code.name(), code as i32);
        assert!(header.contains(&line), "the header lacks {line}");
    }
}

#[test]
fn setup_validates_against_the_simulator_saves_and_reopens() {
    unsafe {
        let sim = start_sim();
        let url = text(|b, n, l| exsync_simulator_ews_url(sim, b, n, l)).unwrap();
        let e = open_engine();
        let key = [7u8; 32];
        let s = new_setup();
        ok(exsync_setup_set_sync_scope(s, EXSYNC_KIND_ALL as u32));
        ok(exsync_setup_set_connection_method(s, EXSYNC_METHOD_NTLM as u32));
        ok(exsync_setup_set_user_name(s, c(r"contoso.com\svc").as_ptr()));
        ok(exsync_setup_set_password(s, c("wrong-password").as_ptr()));
        ok(exsync_setup_set_additional_domains(s, c("").as_ptr()));
        ok(exsync_setup_set_allow_http_loopback(s, 1));
        ok(exsync_setup_set_validation_target(s, c("alice@contoso.com").as_ptr(), c(&url).as_ptr()));
        fails(
            exsync_setup_save(s, e, key.as_ptr(), key.len()),
            EXSYNC_ERR_SETUP_VALIDATION_REQUIRED,
            "not been validated",
        );

        // A wrong password fails a step (not the call); the report says which.
        let mut passed = 7;
        ok(exsync_setup_validate(s, &mut passed));
        assert_eq!(passed, 0);
        let report = json(|b, n, l| exsync_setup_validation_report(s, b, n, l));
        assert!(report.to_string().contains("\"failed\""), "{report}");
        assert!(!report.to_string().contains("wrong-password"));
        assert_eq!(step_of(s), EXSYNC_STEP_VALIDATE as u32);
        fails(exsync_setup_save(s, e, key.as_ptr(), key.len()), EXSYNC_ERR_SETUP_VALIDATION_REQUIRED, "failed");

        // Back to step 4, the right password, validate again in two calls.
        ok(exsync_setup_go_to(s, EXSYNC_STEP_CREDENTIALS as u32));
        ok(exsync_setup_set_password(s, c("Passw0rd!").as_ptr()));
        ok(exsync_setup_go_to(s, EXSYNC_STEP_VALIDATE as u32));
        ok(exsync_setup_start_validation(s));
        ok(exsync_setup_run_validation(s, &mut passed));
        assert_eq!(passed, 1, "{}", text(|b, n, l| exsync_setup_validation_report(s, b, n, l)).unwrap());
        fails(exsync_setup_run_validation(s, &mut passed), EXSYNC_ERR_WRONG_STATE, "start");
        assert_eq!(step_of(s), EXSYNC_STEP_SAVE as u32);
        let state = json(|b, n, l| exsync_setup_state(s, b, n, l));
        assert_eq!(state["validation"]["status"], "passed");

        // Save: a key of the wrong length is refused; then saved, secrets sealed, no password.
        fails(exsync_setup_save(s, e, key.as_ptr(), 5), EXSYNC_ERR_INVALID_ARGUMENT, "32 bytes");
        fails(exsync_setup_save(s, null_mut(), key.as_ptr(), 32), EXSYNC_ERR_NULL_ARGUMENT, "engine");
        ok(exsync_setup_save(s, e, key.as_ptr(), key.len()));
        let config = text(|b, n, l| exsync_setup_saved_config(s, b, n, l)).unwrap();
        assert!(config.contains("default/service-account-password") && !config.contains("Passw0rd"), "{config}");
        assert_eq!(json(|b, n, l| exsync_setup_state(s, b, n, l))["saved"], true);
        exsync_setup_free(s);

        // Reopen with the key; another key cannot read the password.
        let mut reopened = null_mut();
        ok(exsync_setup_open_saved(e, key.as_ptr(), key.len(), &mut reopened));
        assert_eq!(step_of(reopened), EXSYNC_STEP_SAVE as u32);
        assert_eq!(json(|b, n, l| exsync_setup_state(reopened, b, n, l))["has_password"], true);
        exsync_setup_free(reopened);
        let other = [8u8; 32];
        fails(exsync_setup_open_saved(e, other.as_ptr(), 32, &mut reopened), EXSYNC_ERR_SECRET_STORE, "decrypted");
        assert!(reopened.is_null());
        let empty = open_engine();
        fails(exsync_setup_open_saved(empty, key.as_ptr(), 32, &mut reopened), EXSYNC_ERR_SETUP_CONFIG, "no setup");
        exsync_engine_free(empty);

        // With a saved setup, only users of its domains can be enrolled.
        fails(exsync_engine_enrol(e, c("eve@fabrikam.com").as_ptr(), null()), EXSYNC_ERR_ENROLMENT, "fabrikam.com");
        ok(exsync_engine_enrol(e, c("alice@contoso.com").as_ptr(), null()));
        let status = json(|b, n, l| exsync_engine_status(e, c("alice@contoso.com").as_ptr(), b, n, l));
        assert_eq!(status[0]["kind"], "contacts");
        assert_eq!(status[1]["last_attempt"], serde_json::Value::Null);
        fails(
            text(|b, n, l| exsync_engine_status(e, c("bob@contoso.com").as_ptr(), b, n, l)).unwrap_err().0,
            EXSYNC_ERR_NOT_ENROLLED,
            "bob",
        );
        exsync_engine_free(e);
        exsync_simulator_free(sim);
    }
}

#[test]
fn connected_engine_syncs_both_ways_with_the_simulator() {
    unsafe {
        let sim = start_sim();
        let url = text(|b, n, l| exsync_simulator_ews_url(sim, b, n, l)).unwrap();
        let dir = std::env::temp_dir().join(format!("exsync-ffi-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = c(dir.join("state.db").to_str().unwrap());
        let mut e = null_mut();
        ok(exsync_engine_open(path.as_ptr(), &mut e));
        let key = [3u8; 32];
        let s = new_setup();
        ok(exsync_setup_set_sync_scope(s, EXSYNC_KIND_ALL as u32));
        ok(exsync_setup_set_connection_method(s, EXSYNC_METHOD_BASIC as u32));
        ok(exsync_setup_set_user_name(s, c("svc@contoso.com").as_ptr()));
        ok(exsync_setup_set_password(s, c("Passw0rd!").as_ptr()));
        ok(exsync_setup_set_additional_domains(s, c("").as_ptr()));
        ok(exsync_setup_set_allow_http_loopback(s, 1));
        ok(exsync_setup_set_validation_target(s, c("alice@contoso.com").as_ptr(), c(&url).as_ptr()));
        let mut passed = 0;
        ok(exsync_setup_validate(s, &mut passed));
        assert_eq!(passed, 1);
        ok(exsync_setup_save(s, e, key.as_ptr(), key.len()));
        exsync_setup_free(s);
        // A new engine on the same file connects with the saved setup.
        exsync_engine_free(e);
        ok(exsync_engine_open(path.as_ptr(), &mut e));
        ok(exsync_engine_connect(e, key.as_ptr(), key.len()));
        let alice = c("alice@contoso.com");
        fails(exsync_engine_enrol(e, c("ghost@contoso.com").as_ptr(), null()), EXSYNC_ERR_ENROLMENT, "ghost");
        ok(exsync_engine_enrol(e, alice.as_ptr(), null()));

        // Application → Exchange.
        let mut seq = 0;
        let ann = c(r#"{"app_id":"crm-1","op":{"upsert":{"kind":"contact","given_name":"Ann","surname":"Lee"}}}"#);
        ok(exsync_engine_report(e, alice.as_ptr(), EXSYNC_KIND_CONTACTS as u32, ann.as_ptr(), &mut seq));
        ok(exsync_engine_sync(e, alice.as_ptr(), EXSYNC_KIND_ALL as u32));
        let reports = json(|b, n, l| exsync_engine_last_sync_report(e, b, n, l));
        assert_eq!(reports[0]["created"], 1, "{reports}");
        assert_eq!(reports[1]["kind"], "events");
        let items = json(|b, n, l| exsync_simulator_items(sim, alice.as_ptr(), EXSYNC_KIND_CONTACTS as u32, b, n, l));
        assert_eq!(items[0]["tag"], "crm-1", "{items}");

        // Exchange → application: an edit in Outlook comes back as a pending upsert.
        let id = items[0]["id"].as_str().unwrap().to_owned();
        let edited = c(r#"{"kind":"contact","given_name":"Ann","surname":"Lee-Park"}"#);
        ok(exsync_simulator_update_item(sim, alice.as_ptr(), c(&id).as_ptr(), edited.as_ptr()));
        ok(exsync_engine_sync(e, alice.as_ptr(), EXSYNC_KIND_CONTACTS as u32));
        let pending = json(|b, n, l| exsync_engine_pending(e, alice.as_ptr(), 10, b, n, l));
        assert_eq!(pending[0]["app_id"], "crm-1", "{pending}");
        assert_eq!(pending[0]["delivery"]["upsert"]["surname"], "Lee-Park");
        let mut acked = 0;
        ok(exsync_engine_ack(e, alice.as_ptr(), pending[0]["seq"].as_u64().unwrap(), c("v2").as_ptr(), &mut acked));
        assert_eq!(acked, 1);
        assert_eq!(json(|b, n, l| exsync_engine_pending(e, alice.as_ptr(), 10, b, n, l)), serde_json::json!([]));
        let status = json(|b, n, l| exsync_engine_status(e, alice.as_ptr(), b, n, l));
        assert_eq!(status[0]["totals"]["exchange_created"], 1, "{status}");
        assert_eq!(status[0]["consecutive_failures"], 0);

        ok(exsync_simulator_stop(sim));
        exsync_engine_free(e);
        exsync_simulator_free(sim);
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[test]
fn validation_over_https_trusts_the_simulators_ca() {
    unsafe {
        let config = c(
            r#"{"domains":["contoso.com"],"service_account":"svc@contoso.com","password":"Passw0rd!","mailboxes":["alice@contoso.com"],"tls":true}"#,
        );
        let mut sim = null_mut();
        ok(exsync_simulator_start(config.as_ptr(), &mut sim));
        let url = text(|b, n, l| exsync_simulator_ews_url(sim, b, n, l)).unwrap();
        assert!(url.starts_with("https://"), "{url}");
        let ca = text(|b, n, l| exsync_simulator_ca_certificate(sim, b, n, l)).unwrap();
        assert!(ca.contains("BEGIN CERTIFICATE"));
        let s = new_setup();
        ok(exsync_setup_set_sync_scope(s, EXSYNC_KIND_CONTACTS as u32));
        ok(exsync_setup_set_connection_method(s, EXSYNC_METHOD_NTLM as u32));
        ok(exsync_setup_set_user_name(s, c("svc@contoso.com").as_ptr()));
        ok(exsync_setup_set_password(s, c("Passw0rd!").as_ptr()));
        ok(exsync_setup_set_additional_domains(s, c("").as_ptr()));
        ok(exsync_setup_set_validation_target(s, c("alice@contoso.com").as_ptr(), c(&url).as_ptr()));
        // Without the simulator's CA the certificate step fails.
        let mut passed = 7;
        ok(exsync_setup_validate(s, &mut passed));
        assert_eq!(passed, 0);
        ok(exsync_setup_trust_ca_pem(s, c(&ca).as_ptr()));
        ok(exsync_setup_validate(s, &mut passed));
        assert_eq!(passed, 1, "{}", text(|b, n, l| exsync_setup_validation_report(s, b, n, l)).unwrap());
        // The engine trusts it too, and connects.
        let e = open_engine();
        let key = [5u8; 32];
        ok(exsync_setup_save(s, e, key.as_ptr(), 32));
        ok(exsync_engine_trust_ca_pem(e, c(&ca).as_ptr()));
        ok(exsync_engine_connect(e, key.as_ptr(), 32));
        ok(exsync_engine_enrol(e, c("alice@contoso.com").as_ptr(), null()));
        ok(exsync_engine_sync(e, c("alice@contoso.com").as_ptr(), EXSYNC_KIND_CONTACTS as u32));
        exsync_engine_free(e);
        exsync_setup_free(s);
        exsync_simulator_free(sim);
    }
}

#[test]
fn an_ews_url_that_does_not_parse_is_not_quoted_with_its_password() {
    let s = new_setup();
    unsafe {
        ok(exsync_setup_set_sync_scope(s, EXSYNC_KIND_ALL as u32));
        ok(exsync_setup_set_connection_method(s, EXSYNC_METHOD_NTLM as u32));
        ok(exsync_setup_set_user_name(s, c(r"contoso.com\svc").as_ptr()));
        ok(exsync_setup_set_password(s, c("Pa55-word").as_ptr()));
        ok(exsync_setup_set_additional_domains(s, c("").as_ptr()));
        // An admin pastes a URL with the credentials in it, and a port out of range: it does not
        // parse, and the refusal must not repeat the password.
        for url in [
            "https://svc:Pa55-word@mail.contoso.com:99999/EWS/Exchange.asmx",
            "svc:Pa55-word@mail.contoso.com/EWS/Exchange.asmx",
            "https://contoso.com%5Csvc:Pa55-word@[mail/EWS",
        ] {
            fails(
                exsync_setup_set_validation_target(s, c("alice@contoso.com").as_ptr(), c(url).as_ptr()),
                EXSYNC_ERR_SETUP_INVALID_INPUT,
                "EWS URL",
            );
            let message = last_message();
            assert!(!message.contains("Pa55"), "{message}");
        }
        let state = json(|b, n, l| exsync_setup_state(s, b, n, l));
        assert!(!state.to_string().contains("Pa55"), "{state}");
        exsync_setup_free(s);
    }
}

#[test]
fn a_key_length_beyond_any_buffer_is_refused() {
    let mut engine = null_mut();
    ok(unsafe { exsync_engine_open(c(":memory:").as_ptr(), &mut engine) });
    let key = [7u8; 32];
    let s = new_setup();
    unsafe {
        // A length that no buffer can have (a negative number cast to size_t, say) is an
        // argument error, not undefined behaviour.
        for len in [usize::MAX, isize::MAX as usize + 1] {
            fails(exsync_engine_connect(engine, key.as_ptr(), len), EXSYNC_ERR_INVALID_ARGUMENT, "key");
            fails(exsync_setup_save(s, engine, key.as_ptr(), len), EXSYNC_ERR_INVALID_ARGUMENT, "key");
            let mut out = null_mut();
            fails(exsync_setup_open_saved(engine, key.as_ptr(), len, &mut out), EXSYNC_ERR_INVALID_ARGUMENT, "key");
            assert!(out.is_null());
        }
        exsync_setup_free(s);
        exsync_engine_free(engine);
    }
}

#[test]
fn a_ca_certificate_that_does_not_read_is_refused_when_given() {
    let s = new_setup();
    let mut engine = null_mut();
    ok(unsafe { exsync_engine_open(c(":memory:").as_ptr(), &mut engine) });
    unsafe {
        for pem in ["not a certificate", "", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"] {
            fails(exsync_setup_trust_ca_pem(s, c(pem).as_ptr()), EXSYNC_ERR_INVALID_ARGUMENT, "ca_pem");
            fails(exsync_engine_trust_ca_pem(engine, c(pem).as_ptr()), EXSYNC_ERR_INVALID_ARGUMENT, "ca_pem");
        }
        // Refused, so not kept: the setup's validation is not spoilt by it. Against a closed port
        // the validation runs (and fails at the endpoint) instead of failing on the certificate.
        ok(exsync_setup_set_sync_scope(s, EXSYNC_KIND_ALL as u32));
        ok(exsync_setup_set_connection_method(s, EXSYNC_METHOD_NTLM as u32));
        ok(exsync_setup_set_user_name(s, c(r"contoso.com\svc").as_ptr()));
        ok(exsync_setup_set_password(s, c("pw").as_ptr()));
        ok(exsync_setup_set_additional_domains(s, c("").as_ptr()));
        ok(exsync_setup_set_validation_target(
            s,
            c("alice@contoso.com").as_ptr(),
            c("https://127.0.0.1:1/EWS/Exchange.asmx").as_ptr(),
        ));
        let mut passed = 7;
        ok(exsync_setup_validate(s, &mut passed));
        assert_eq!(passed, 0);
        exsync_setup_free(s);
        exsync_engine_free(engine);
    }
}

/// A setup filled in for the simulator at `url` with the service account as `user`, validated.
unsafe fn validated_setup(url: &str, user: &str) -> *mut exsync_setup {
    let s = new_setup();
    unsafe {
        ok(exsync_setup_set_sync_scope(s, EXSYNC_KIND_ALL as u32));
        ok(exsync_setup_set_connection_method(s, EXSYNC_METHOD_NTLM as u32));
        ok(exsync_setup_set_user_name(s, c(user).as_ptr()));
        ok(exsync_setup_set_password(s, c("Passw0rd!").as_ptr()));
        ok(exsync_setup_set_additional_domains(s, c("").as_ptr()));
        ok(exsync_setup_set_allow_http_loopback(s, 1));
        ok(exsync_setup_set_validation_target(s, c("alice@contoso.com").as_ptr(), c(url).as_ptr()));
        let mut passed = 0;
        ok(exsync_setup_validate(s, &mut passed));
        assert_eq!(passed, 1, "{}", text(|b, n, l| exsync_setup_validation_report(s, b, n, l)).unwrap());
    }
    s
}

#[test]
fn a_save_the_store_refuses_leaves_the_setup_unsaved_and_the_saved_one_intact() {
    unsafe {
        let sim = start_sim();
        let url = text(|b, n, l| exsync_simulator_ews_url(sim, b, n, l)).unwrap();
        let path = std::env::temp_dir().join(format!("exsync-ffi-save-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let mut e = null_mut();
        ok(exsync_engine_open(c(path.to_str().unwrap()).as_ptr(), &mut e));
        let key = [7u8; 32];
        let first = validated_setup(&url, r"contoso.com\svc");
        ok(exsync_setup_save(first, e, key.as_ptr(), key.len()));
        exsync_setup_free(first);

        // The store refuses to write the next configuration (as a full disk would).
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute_batch("CREATE TRIGGER refuse BEFORE INSERT ON setup BEGIN SELECT RAISE(ABORT, 'disk full'); END;")
            .unwrap();
        let second = validated_setup(&url, "svc@contoso.com");
        assert_ne!(exsync_setup_save(second, e, key.as_ptr(), key.len()), EXSYNC_OK);
        let state = json(|b, n, l| exsync_setup_state(second, b, n, l));
        assert_eq!(state["saved"], false, "{state}");
        assert!(text(|b, n, l| exsync_setup_saved_config(second, b, n, l)).is_err());
        exsync_setup_free(second);

        // What was saved before is still there, whole.
        let mut reopened = null_mut();
        ok(exsync_setup_open_saved(e, key.as_ptr(), key.len(), &mut reopened));
        let state = json(|b, n, l| exsync_setup_state(reopened, b, n, l));
        assert_eq!(state["user_name"], r"contoso.com\svc", "{state}");
        assert_eq!(state["has_password"], true);
        exsync_setup_free(reopened);
        exsync_engine_free(e);
        exsync_simulator_free(sim);
        drop(db);
        let _ = std::fs::remove_file(&path);
    }
}

#[test]
fn a_client_secret_pasted_into_the_wrong_field_is_not_repeated() {
    let s = new_setup();
    unsafe {
        ok(exsync_setup_set_sync_scope(s, EXSYNC_KIND_CONTACTS as u32));
        ok(exsync_setup_set_connection_method(s, EXSYNC_METHOD_OAUTH as u32));
        // Entra ID shows the client secret's value once; an admin pastes it into the client id, or
        // the tenant, field.
        let secret = "Xq78Q~aBcDeFgHiJkLmNoPqRsTuVwXyZ0123.-_z";
        for app in [
            format!(r#"{{"tenant":"contoso.onmicrosoft.com","client_id":"{secret}","client_secret":"{secret}"}}"#),
            format!(
                r#"{{"tenant":"{secret}","client_id":"00000000-0000-0000-0000-000000000001","client_secret":"x"}}"#
            ),
            r#"{"tenant":"Xq78Q","client_id":"00000000-0000-0000-0000-000000000001","client_secret":"x"}"#.to_owned(),
        ] {
            fails(exsync_setup_set_oauth_app(s, c(&app).as_ptr()), EXSYNC_ERR_SETUP_INVALID_INPUT, "is invalid");
            let message = last_message();
            assert!(!message.contains("Xq78Q"), "{message}");
        }
        exsync_setup_free(s);
    }
}

#[test]
fn a_request_budget_bounds_a_sync_against_a_server_that_is_gone() {
    unsafe {
        fails(exsync_engine_set_request_budget(null_mut(), 1000), EXSYNC_ERR_NULL_ARGUMENT, "engine");
        let sim = start_sim();
        let url = text(|b, n, l| exsync_simulator_ews_url(sim, b, n, l)).unwrap();
        let e = open_engine();
        fails(exsync_engine_set_request_budget(e, 0), EXSYNC_ERR_INVALID_ARGUMENT, "milliseconds");
        fails(exsync_engine_set_request_budget(e, 3_600_001), EXSYNC_ERR_INVALID_ARGUMENT, "milliseconds");
        let key = [9u8; 32];
        let s = new_setup();
        ok(exsync_setup_set_sync_scope(s, EXSYNC_KIND_ALL as u32));
        ok(exsync_setup_set_connection_method(s, EXSYNC_METHOD_BASIC as u32));
        ok(exsync_setup_set_user_name(s, c("svc@contoso.com").as_ptr()));
        ok(exsync_setup_set_password(s, c("Passw0rd!").as_ptr()));
        ok(exsync_setup_set_additional_domains(s, c("").as_ptr()));
        ok(exsync_setup_set_allow_http_loopback(s, 1));
        ok(exsync_setup_set_validation_target(s, c("alice@contoso.com").as_ptr(), c(&url).as_ptr()));
        let mut passed = 0;
        ok(exsync_setup_validate(s, &mut passed));
        assert_eq!(passed, 1);
        ok(exsync_setup_save(s, e, key.as_ptr(), key.len()));
        exsync_setup_free(s);
        ok(exsync_engine_set_request_budget(e, 500));
        ok(exsync_engine_connect(e, key.as_ptr(), key.len()));
        let alice = c("alice@contoso.com");
        ok(exsync_engine_enrol(e, alice.as_ptr(), null()));

        // Exchange goes away: the sync fails within the budget (the default would retry for
        // five minutes), with a sync error, and the engine stays usable.
        ok(exsync_simulator_stop(sim));
        let started = std::time::Instant::now();
        let code = exsync_engine_sync(e, alice.as_ptr(), EXSYNC_KIND_CONTACTS as u32);
        assert_ne!(code, EXSYNC_OK);
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "took {:?}", started.elapsed());
        let status = json(|b, n, l| exsync_engine_status(e, alice.as_ptr(), b, n, l));
        assert_eq!(status[0]["consecutive_failures"], 1, "{status}");
        exsync_engine_free(e);
        exsync_simulator_free(sim);
    }
}
