//! Service accounts that accept only one user-name form (`ServiceAccount::accepting_only`), over
//! the wire with Basic and NTLM: the accepted form signs in, the other is refused with HTTP 401,
//! and an unrestricted account takes both. Also the public host name the simulator can give
//! itself in the URLs it hands out.
#![cfg(feature = "sim")]

mod sim_client;
mod transport_sim;

use exsync::sim::{ServiceAccount, SimServer};
use exsync::transport::{Credentials, TransportError, UserNameFormat};
use sim_client::PASSWORD;
use transport_sim::{basic, client, config, contacts_folder, ntlm};

async fn server() -> SimServer {
    SimServer::builder()
        .domain("contoso.com")
        .service_account(
            ServiceAccount::new("upn@contoso.com", PASSWORD).impersonating_all().accepting_only(UserNameFormat::Upn),
        )
        .service_account(
            ServiceAccount::new("legacy@contoso.com", PASSWORD)
                .impersonating_all()
                .accepting_only(UserNameFormat::DownLevel),
        )
        .service_account(ServiceAccount::new("both@contoso.com", PASSWORD).impersonating_all())
        .mailbox("alice@contoso.com")
        .start()
        .await
        .unwrap()
}

async fn signs_in(server: &SimServer, credentials: Credentials) -> Result<(), TransportError> {
    client(server, credentials).call("alice@contoso.com", contacts_folder()).await.map(|_| ())
}

#[tokio::test]
async fn only_the_accepted_form_signs_in() {
    let server = server().await;
    for scheme in [basic as fn(&str) -> Credentials, ntlm] {
        for ok in ["upn@contoso.com", r"CONTOSO\legacy", r"contoso.com\legacy", "both@contoso.com", r"CONTOSO\both"] {
            signs_in(&server, scheme(ok)).await.unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        for refused in [r"CONTOSO\upn", r"contoso.com\upn", "legacy@contoso.com"] {
            let e = signs_in(&server, scheme(refused)).await.unwrap_err();
            assert!(matches!(e, TransportError::Unauthorized { .. }), "{refused}: {e}");
        }
    }
    assert!(server.counters().ntlm_refusals >= 3);
}

#[tokio::test]
async fn a_public_host_name_is_in_the_urls_and_the_certificate() {
    let server = SimServer::builder()
        .domain("contoso.com")
        .service_account(ServiceAccount::new("svc@contoso.com", PASSWORD).impersonating_all())
        .mailbox("alice@contoso.com")
        .public_host_name("Mail.Contoso.com")
        .tls(true)
        .start()
        .await
        .unwrap();
    let port = server.local_addr().port();
    assert_eq!(server.ews_url(), format!("https://mail.contoso.com:{port}/EWS/Exchange.asmx"));
    let mut cfg = config(&server, basic("svc@contoso.com"));
    cfg.http.resolve.insert(format!("mail.contoso.com:{port}"), server.local_addr());
    exsync::transport::EwsClient::new(cfg).unwrap().call("alice@contoso.com", contacts_folder()).await.unwrap();

    let bad = SimServer::builder().domain("contoso.com").public_host_name("not a host").start().await;
    assert!(matches!(bad, Err(exsync::sim::SimError::InvalidDomain { .. })));
}
