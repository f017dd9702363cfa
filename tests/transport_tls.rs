//! TLS: verification against the Mozilla roots and custom CA certificates (an internal CA made
//! with rcgen, feature `sim`).
#![cfg(feature = "sim")]

mod common;

use common::canned_server::{Canned, CannedServer, TestPki};
use exsync::ews::{DistinguishedFolderName, GetFolder};
use exsync::transport::{Credentials, EwsClient, EwsClientConfig, Secret, TlsOptions, TransportError, UserName};

fn basic() -> Credentials {
    Credentials::Basic { user: UserName::parse("svc@contoso.com").unwrap(), password: Secret::new("pw") }
}

#[tokio::test]
async fn custom_ca_is_trusted_and_unknown_issuers_are_refused() {
    let pki = TestPki::new(&["localhost"]);
    let server = CannedServer::start_tls(|_, _| Canned::status(404), pki.server.clone()).await;
    let op = || GetFolder::distinguished(&[DistinguishedFolderName::Contacts]);

    let mut cfg = EwsClientConfig::new(server.url("/EWS/Exchange.asmx"), basic());
    cfg.http.tls.extra_ca_pem.push(pki.ca_pem.clone());
    let client = EwsClient::new(cfg).unwrap();
    let e = client.call("alice@contoso.com", op()).await.unwrap_err();
    assert!(matches!(e, TransportError::Http { status: 404, .. }), "TLS worked, the server answered: {e}");
    assert_eq!(server.requests()[0].header("authorization"), Some("Basic c3ZjQGNvbnRvc28uY29tOnB3"));

    let client = EwsClient::new(EwsClientConfig::new(server.url("/EWS/Exchange.asmx"), basic())).unwrap();
    let e = client.call("alice@contoso.com", op()).await.unwrap_err();
    assert!(matches!(e, TransportError::TlsCertificate { .. }), "{e}");
    assert!(e.to_string().contains("CA certificate"), "{e}");

    // A certificate for another name is refused even with its CA trusted.
    let other = TestPki::new(&["mail.contoso.com"]);
    let server = CannedServer::start_tls(|_, _| Canned::status(404), other.server.clone()).await;
    let mut cfg = EwsClientConfig::new(server.url("/EWS/Exchange.asmx"), basic());
    cfg.http.tls.extra_ca_pem.push(other.ca_pem.clone());
    let e = EwsClient::new(cfg).unwrap().call("alice@contoso.com", op()).await.unwrap_err();
    assert!(matches!(e, TransportError::TlsCertificate { .. }), "{e}");
    assert_eq!(server.requests().len(), 0);
}

#[test]
fn bad_ca_pem_is_a_configuration_error() {
    let tls = TlsOptions {
        webpki_roots: true,
        extra_ca_pem: vec!["-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n".into()],
    };
    assert!(matches!(tls.client_config(), Err(TransportError::Config { .. })));
    let empty = TlsOptions { webpki_roots: false, extra_ca_pem: vec![] };
    assert!(matches!(empty.client_config(), Err(TransportError::Config { .. })));
}
