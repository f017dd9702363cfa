//! EWS calls through the transport against the simulator: impersonation headers and outcomes,
//! throttling and lost responses with the simulator's fault injection (short injected waits),
//! and version step-down against older server profiles.
#![cfg(feature = "sim")]

mod sim_client;
mod transport_sim;

use std::time::Duration;

use exsync::ews::{BaseShape, ExchangeVersion, GetItem, ItemShape, ResponseCode};
use exsync::sim::{Fault, ServerProfile, SimServer};
use exsync::transport::{EwsClient, RetryError, RetryPolicy, TransportError};
use sim_client::org;
use transport_sim::{basic, client, config, contact_count, contacts, contacts_folder, create_contact, ntlm};

const ALICE: &str = "alice@contoso.com";
const BOB: &str = "bob@contoso.com";

// ------------------------------------------------------------------ impersonation

#[tokio::test]
async fn impersonation_reaches_the_server_with_its_routing_header() {
    let server = org().start().await.unwrap();
    let c = client(&server, ntlm(r"CONTOSO\svc"));
    c.call(ALICE, contacts_folder()).await.unwrap();
    c.call(BOB, create_contact("Mary", "Jackson")).await.unwrap();
    let seen = server.counters();
    assert_eq!((seen.mailbox(ALICE), seen.mailbox(BOB)), (1, 1), "each request acted for its mailbox");
    assert_eq!(seen.anchor_mailbox_mismatches, 0, "X-AnchorMailbox named the impersonated mailbox");
    assert_eq!((contact_count(&server, ALICE), contact_count(&server, BOB)), (0, 1));
}

#[tokio::test]
async fn impersonation_outcomes_are_typed() {
    let server = org().start().await.unwrap();
    // `limited` may impersonate only alice; `plain` no one.
    let limited = client(&server, ntlm("limited@contoso.com"));
    limited.call(ALICE, contacts_folder()).await.unwrap();
    let e = limited.call(BOB, contacts_folder()).await.unwrap_err();
    match &e {
        TransportError::ImpersonationDenied { context, code } => {
            assert_eq!(context.mailbox.as_deref(), Some(BOB));
            assert_eq!(*code, ResponseCode::ErrorImpersonateUserDenied);
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("ApplicationImpersonation"), "{e}");
    let e = client(&server, basic("plain@contoso.com")).call(ALICE, contacts_folder()).await.unwrap_err();
    assert!(matches!(e, TransportError::ImpersonationDenied { .. }), "{e}");

    let e = client(&server, ntlm(r"CONTOSO\svc")).call("ghost@contoso.com", contacts_folder()).await.unwrap_err();
    match &e {
        TransportError::NonExistentMailbox { context, .. } => {
            assert_eq!(context.mailbox.as_deref(), Some("ghost@contoso.com"))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.counters().operation("GetFolder"), 4, "none of them was retried");
}

// ------------------------------------------------------------------ throttling

/// A client whose own exponential back-off (5 s) would not fit its budget (1 s): a retry that
/// succeeds must have waited what the server said.
fn impatient(server: &SimServer) -> EwsClient {
    let mut cfg = config(server, ntlm(r"CONTOSO\svc"));
    cfg.retry = RetryPolicy {
        budget: Duration::from_secs(1),
        max_attempts: 4,
        base_delay: Duration::from_secs(5),
        max_delay: Duration::from_secs(5),
    };
    EwsClient::new(cfg).unwrap()
}

#[tokio::test]
async fn server_busy_is_retried_after_the_servers_back_off() {
    let server = org().start().await.unwrap();
    let busy = server.faults().inject(Fault::server_busy(Duration::from_millis(20)).on_operation("GetFolder").times(2));
    let reply = impatient(&server).call(ALICE, contacts_folder()).await.unwrap();
    assert_eq!(reply.attempts, 3);
    assert_eq!(server.faults().fired(busy), 2);
    assert_eq!(server.counters().ntlm_sign_ins, 1, "retries reuse the signed-in connection");

    // A back-off longer than the budget ends the call at once.
    server.faults().inject(Fault::server_busy(Duration::from_secs(30)).on_operation("GetFolder").times(1));
    let e = impatient(&server).call(ALICE, contacts_folder()).await.unwrap_err();
    match e {
        TransportError::Throttled { source: RetryError::BudgetExhausted { wait, .. }, .. } => {
            assert!(wait >= Duration::from_secs(30))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn http_503_and_429_are_retried_after_retry_after() {
    let server = org().start().await.unwrap();
    server.faults().inject(Fault::http_status(503, Some(Duration::ZERO)).on_operation("GetFolder").times(1));
    server.faults().inject(Fault::http_status(429, Some(Duration::ZERO)).on_operation("GetFolder").times(1));
    let reply = impatient(&server).call(ALICE, contacts_folder()).await.unwrap();
    assert_eq!(reply.attempts, 3);
    assert_eq!(server.counters().faults_injected, 2);

    server.faults().inject(Fault::http_status(429, Some(Duration::from_secs(120))).on_operation("GetFolder").times(1));
    let e = impatient(&server).call(ALICE, contacts_folder()).await.unwrap_err();
    match e {
        TransportError::Throttled { source: RetryError::BudgetExhausted { wait, .. }, .. } => {
            assert_eq!(wait, Duration::from_secs(120))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_lost_response_makes_a_create_ambiguous_but_a_read_is_retried() {
    let server = org().start().await.unwrap();
    let c = client(&server, basic("svc@contoso.com"));
    server.faults().inject(Fault::lose_response().on_operation("CreateItem").times(1));
    let e = c.call(ALICE, create_contact("Dorothy", "Vaughan")).await.unwrap_err();
    assert!(matches!(e, TransportError::Ambiguous { .. }), "{e}");
    assert!(e.to_string().contains("CreateItem for alice@contoso.com"), "{e}");
    assert_eq!(server.counters().operation("CreateItem"), 1, "not sent again");
    assert_eq!(contact_count(&server, ALICE), 1, "although the server carried it out");

    let id = server.with_mailbox(ALICE, |m| m.items(&contacts()).unwrap()[0].id().cloned()).unwrap().unwrap();
    server.faults().inject(Fault::lose_response().on_operation("GetItem").times(1));
    let reply = c.call(ALICE, GetItem::new(vec![id], ItemShape::new(BaseShape::AllProperties))).await.unwrap();
    assert_eq!(reply.attempts, 2);
    assert_eq!(reply.response.items().count(), 1);
    assert_eq!(server.counters().operation("GetItem"), 2);
}

// ------------------------------------------------------------------ versions

#[tokio::test]
async fn the_request_version_steps_down_to_what_the_server_accepts() {
    for (profile, expected, major) in [
        (ServerProfile::Exchange2010Sp2, ExchangeVersion::Exchange2010Sp2, 14),
        (ServerProfile::Exchange2013, ExchangeVersion::Exchange2013Sp1, 15),
    ] {
        let server = org().server_profile(profile).start().await.unwrap();
        let c = client(&server, ntlm(r"CONTOSO\svc"));
        let first = c.call(ALICE, contacts_folder()).await.unwrap();
        assert_eq!(first.request_version, expected, "{profile:?}");
        assert!(first.attempts > 1, "{profile:?}: stepped down");
        assert_eq!(first.server_version.and_then(|v| v.major_version), Some(major));
        // Remembered: the next call starts at the accepted version.
        let second = c.call(BOB, create_contact("Annie", "Easley")).await.unwrap();
        assert_eq!((second.request_version, second.attempts), (expected, 1), "{profile:?}");
        assert_eq!(c.known_versions().version_for(&server.ews_url()), expected);
        let seen = server.counters();
        assert_eq!(seen.operation("GetFolder"), u64::from(first.attempts));
        assert_eq!(seen.ntlm_sign_ins, 1, "{profile:?}: every attempt on the one signed-in connection");
    }
}

#[tokio::test]
async fn a_known_version_is_used_from_the_first_request() {
    let server = org().server_profile(ServerProfile::Exchange2010Sp2).start().await.unwrap();
    let mut cfg = config(&server, basic("svc@contoso.com"));
    cfg.version = Some(ExchangeVersion::Exchange2010Sp2);
    let reply = EwsClient::new(cfg).unwrap().call(ALICE, contacts_folder()).await.unwrap();
    assert_eq!((reply.request_version, reply.attempts), (ExchangeVersion::Exchange2010Sp2, 1));
}
