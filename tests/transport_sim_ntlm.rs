//! NTLM on the wire, against the simulator: one handshake per connection and the connection
//! reused after it, a second sign-in (once) when a signed-in connection meets a 401, concurrent
//! calls, the request body on the AUTHENTICATE leg, NTLM over TLS with channel bindings
//! (Extended Protection), and handshakes that cannot complete (against canned servers).
#![cfg(feature = "sim")]

mod common;
mod sim_client;
mod transport_sim;

use std::time::Duration;

use common::canned_server::{Canned, CannedServer};
use exsync::ntlm::{ChannelBindings, NtlmAcceptor, NtlmClient, NtlmTarget, http_header};
use exsync::sim::{Endpoint, Fault};
use exsync::transport::{Secret, TransportError, UserName};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use sim_client::{Client, PASSWORD, as_user, org};
use transport_sim::{client, contact_count, contacts_folder, create_contact, folder_name, ntlm};

const ALICE: &str = "alice@contoso.com";
const BOB: &str = "bob@contoso.com";

#[tokio::test]
async fn one_handshake_signs_the_connection_in_for_every_later_request() {
    let server = org().start().await.unwrap();
    let c = client(&server, ntlm(r"CONTOSO\svc"));
    for i in 0..3 {
        c.call(ALICE, contacts_folder()).await.unwrap();
        c.call(BOB, create_contact("Ada", &format!("Lovelace {i}"))).await.unwrap();
    }
    let seen = server.counters();
    assert_eq!(seen.connections, 1);
    assert_eq!((seen.ntlm_challenges, seen.ntlm_sign_ins), (1, 1));
    assert_eq!(seen.endpoint(Endpoint::Ews), 7, "the NEGOTIATE leg, then six requests without a handshake");
    assert_eq!(seen.unauthorized, 1, "only the CHALLENGE answer");
    assert_eq!((c.http().connections_opened(), c.http().ntlm_handshakes()), (1, 1));
    assert_eq!(contact_count(&server, BOB), 3, "each create carried out once");
}

#[tokio::test]
async fn the_body_travels_only_with_the_authenticate_leg() {
    let server = org().start().await.unwrap();
    let c = client(&server, ntlm("svc@contoso.com"));
    let create = create_contact("Grace", "Hopper");
    let body_len = as_user(ALICE, create.clone()).to_xml_string().len() as u64;
    c.call(ALICE, create).await.unwrap();
    let seen = server.counters();
    assert_eq!(seen.endpoint(Endpoint::Ews), 2);
    assert_eq!(seen.operation("CreateItem"), 1);
    // One SOAP body went over the wire (its version header may differ by a few bytes).
    assert!(seen.bytes_in.abs_diff(body_len) < 32, "{} bytes received, one body is {body_len}", seen.bytes_in);
    assert_eq!(contact_count(&server, ALICE), 1);
}

#[tokio::test]
async fn a_signed_in_connection_that_meets_401_signs_in_again_once() {
    let server = org().start().await.unwrap();
    let c = client(&server, ntlm(r"CONTOSO\svc"));
    c.call(ALICE, contacts_folder()).await.unwrap();
    // IIS recycled: the connection is no longer signed in.
    server.expire_ntlm_sign_ins();
    let reply = c.call(ALICE, contacts_folder()).await.unwrap();
    assert_eq!(reply.attempts, 1, "the second sign-in is part of the attempt");
    let seen = server.counters();
    assert_eq!((seen.ntlm_sign_ins, seen.connections), (2, 1), "signed in again on the same connection");
    assert_eq!(c.http().ntlm_handshakes(), 2);
    c.call(ALICE, contacts_folder()).await.unwrap();
    assert_eq!(server.counters().ntlm_sign_ins, 2);

    // A server that keeps answering 401 gets one second sign-in, not a loop.
    server.reset_counters();
    server.faults().inject(Fault::http_status(401, None).on_operation("GetFolder").always());
    let e = c.call(ALICE, contacts_folder()).await.unwrap_err();
    assert!(matches!(e, TransportError::Unauthorized { .. }), "{e}");
    let seen = server.counters();
    assert_eq!(seen.ntlm_challenges, 1, "one second handshake");
    assert_eq!(seen.operation("GetFolder"), 2, "the request on the signed-in connection, then the AUTHENTICATE leg");
}

#[tokio::test]
async fn concurrent_calls_sign_each_connection_in_once() {
    let server = org().start().await.unwrap();
    let c = client(&server, ntlm(r"CONTOSO\svc"));
    let mailboxes = [ALICE, BOB, "plain@contoso.com"];
    let calls = mailboxes.map(|m| {
        let c = c.clone();
        async move { c.call(m, contacts_folder()).await }
    });
    for r in futures_join_all(calls).await {
        assert_eq!(folder_name(&r.unwrap().response).as_deref(), Some("Contacts"));
    }
    let first = server.counters();
    assert!(first.connections >= 1 && first.connections <= 3);
    assert_eq!(first.ntlm_sign_ins, first.connections, "one handshake per connection");
    for m in mailboxes.iter().cycle().take(6) {
        c.call(m, contacts_folder()).await.unwrap();
    }
    let later = server.counters();
    assert_eq!((later.ntlm_sign_ins, later.connections), (first.ntlm_sign_ins, first.connections), "all reused");
}

/// Runs the futures concurrently and collects their outputs in order.
async fn futures_join_all<F>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("the task ran"));
    }
    out
}

#[tokio::test]
async fn ntlm_over_tls_carries_the_channel_bindings_of_the_servers_certificate() {
    let server = org().tls(true).start().await.unwrap();
    let c = client(&server, ntlm(r"CONTOSO\svc"));
    for _ in 0..2 {
        let reply = c.call(ALICE, contacts_folder()).await.unwrap();
        assert_eq!(folder_name(&reply.response).as_deref(), Some("Contacts"));
    }
    let seen = server.counters();
    assert_eq!((seen.ntlm_sign_ins, seen.ntlm_refusals, seen.connections), (1, 0, 1));
}

/// Runs an NTLM handshake by hand on a TLS connection to `server`, with `bindings` in the
/// AUTHENTICATE message; the status of the answer to it.
async fn handshake_over_tls(server: &exsync::sim::SimServer, bindings: Option<ChannelBindings>) -> u16 {
    let mut c = Client::connect_tls(server, server.ca_certificate_pem().unwrap(), "localhost").await.unwrap();
    let mut ntlm = NtlmClient::new(UserName::parse(r"CONTOSO\svc").unwrap(), Secret::new(PASSWORD));
    if let Some(b) = bindings {
        ntlm = ntlm.with_channel_bindings(b);
    }
    let xml = as_user(ALICE, contacts_folder()).to_xml_string();
    let first = c.post("/EWS/Exchange.asmx", &http_header::header_value(&ntlm.negotiate()), "").await.unwrap();
    assert_eq!(first.status, 401);
    let offered = first.header_values("www-authenticate");
    let challenge = http_header::challenge_from_www_authenticate(offered.iter().map(String::as_str)).unwrap();
    let authenticate = ntlm.authenticate(&challenge).unwrap();
    c.post("/EWS/Exchange.asmx", &http_header::header_value(&authenticate), xml).await.unwrap().status
}

#[tokio::test]
async fn extended_protection_refuses_missing_or_foreign_channel_bindings() {
    let server = org().tls(true).start().await.unwrap();
    let certificate = CertificateDer::from_pem_slice(server.server_certificate_pem().unwrap().as_bytes()).unwrap();
    let right = ChannelBindings::tls_server_end_point(&certificate).unwrap();
    let foreign = ChannelBindings::from_application_data(b"tls-server-end-point:another certificate");
    assert_eq!(handshake_over_tls(&server, None).await, 401);
    assert_eq!(handshake_over_tls(&server, Some(foreign)).await, 401);
    assert_eq!(handshake_over_tls(&server, Some(right)).await, 200);
    let seen = server.counters();
    assert_eq!((seen.ntlm_refusals, seen.ntlm_sign_ins), (2, 1));

    // Extended Protection off: bindings are not checked.
    let lax = org().tls(true).ntlm_extended_protection(false).start().await.unwrap();
    assert_eq!(handshake_over_tls(&lax, None).await, 200);
}

#[tokio::test]
async fn a_create_whose_authenticate_leg_is_lost_is_ambiguous() {
    let server = org().start().await.unwrap();
    server.faults().inject(Fault::lose_response().on_operation("CreateItem").times(1));
    let c = client(&server, ntlm(r"CONTOSO\svc"));
    let e = c.call(ALICE, create_contact("Katherine", "Johnson")).await.unwrap_err();
    assert!(matches!(e, TransportError::Ambiguous { .. }), "{e}");
    assert_eq!(contact_count(&server, ALICE), 1, "the server did carry it out");
    assert_eq!(server.counters().operation("CreateItem"), 1, "and it was not sent again");
    // The next call signs a new connection in.
    c.call(ALICE, contacts_folder()).await.unwrap();
    let seen = server.counters();
    assert_eq!((seen.connections, seen.ntlm_sign_ins), (2, 2));
}

/// A CHALLENGE header value from a real acceptor.
fn challenge_header() -> String {
    let target = NtlmTarget {
        netbios_domain: "CONTOSO".into(),
        netbios_computer: "EXCH01".into(),
        dns_domain: "contoso.com".into(),
        dns_computer: "exch01.contoso.com".into(),
    };
    let negotiate = NtlmClient::new(UserName::parse(r"CONTOSO\svc").unwrap(), Secret::new(PASSWORD)).negotiate();
    http_header::header_value(&NtlmAcceptor::new(target).challenge(&negotiate).unwrap())
}

#[tokio::test]
async fn handshakes_that_cannot_complete_are_typed_errors() {
    // The server closes the connection after its challenge (a proxy without keep-alive).
    let closing = CannedServer::script(vec![
        Canned::status(401).with_header("www-authenticate", &challenge_header()).with_header("connection", "close"),
    ])
    .await;
    let mut cfg = config_for(&closing);
    cfg.retry.max_attempts = 1;
    let e = exsync::transport::EwsClient::new(cfg).unwrap().call(ALICE, contacts_folder()).await.unwrap_err();
    match &e {
        TransportError::NtlmHandshake { reason, credentials, .. } => {
            assert!(reason.contains("closed the connection after its NTLM challenge"), "{reason}");
            assert_eq!(credentials, r"NTLM as CONTOSO\svc");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(closing.requests().len(), 1);

    // A challenge that is not an NTLM message.
    let garbled =
        CannedServer::script(vec![Canned::status(401).with_header("www-authenticate", "NTLM AAAAAAAA")]).await;
    let e = exsync::transport::EwsClient::new(config_for(&garbled)).unwrap().call(ALICE, contacts_folder()).await;
    match e.unwrap_err() {
        TransportError::NtlmHandshake { reason, .. } => assert!(reason.contains("malformed"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(garbled.requests().len(), 1, "not retried");
}

fn config_for(server: &CannedServer) -> exsync::transport::EwsClientConfig {
    let mut cfg = exsync::transport::EwsClientConfig::new(server.url("/EWS/Exchange.asmx"), ntlm(r"CONTOSO\svc"));
    cfg.http.allow_insecure_loopback = true;
    cfg.http.response_timeout = Duration::from_secs(5);
    cfg.retry = transport_sim::short_retries();
    cfg
}
