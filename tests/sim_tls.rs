//! The simulator over HTTPS with its generated certificate.
#![cfg(feature = "sim")]

mod sim_client;

use exsync::ews::{DistinguishedFolderName, GetFolder};
use sim_client::{Client, as_user, message, org, svc};

#[tokio::test]
async fn https_with_the_generated_ca() {
    let server = org().tls(true).start().await.unwrap();
    assert!(server.ews_url().starts_with("https://127.0.0.1:"));
    let ca = server.ca_certificate_pem().unwrap().to_owned();
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_ne!(server.server_certificate_pem(), Some(ca.as_str()));
    let get = as_user("alice@contoso.com", GetFolder::distinguished(&[DistinguishedFolderName::Contacts]));
    for name in ["127.0.0.1", "localhost"] {
        let mut c = Client::connect_tls(&server, &ca, name).await.unwrap();
        let (status, r) = c.ews(&svc(), &get).await;
        assert_eq!(status, 200, "{name}");
        message(r);
    }
    // A client that does not trust the CA cannot connect; another server's CA is no help.
    let other = org().tls(true).start().await.unwrap();
    let foreign_ca = other.ca_certificate_pem().unwrap().to_owned();
    assert!(Client::connect_tls(&server, &foreign_ca, "localhost").await.is_err());
    assert!(Client::connect_tls(&server, &ca, "mail.contoso.com").await.is_err());
    // Plain HTTP to the TLS port gets no answer.
    let mut plain = Client::connect(&server).await;
    assert!(plain.post("/EWS/Exchange.asmx", &svc(), "x").await.is_err());
}

#[tokio::test]
async fn plain_servers_have_no_certificate() {
    let server = org().start().await.unwrap();
    assert!(server.ca_certificate_pem().is_none());
    assert!(server.ews_url().starts_with("http://"));
}
