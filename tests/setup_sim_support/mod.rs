//! Helpers for the setup tests against the simulator: contoso.com over HTTPS, published as
//! `mail.contoso.com` with autodiscover at `contoso.com`, the driver's options that reach it
//! (the simulator's CA trusted, the names resolved to its address, no SRV record), and setup
//! flows filled in up to validation.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use exsync::autodiscover::srv::{SrvFuture, SrvResolver};
use exsync::setup::driver::DriverOptions;
use exsync::setup::{ConnectionMethod, ServiceAccountAuth, SetupFlow, SyncScope};
use exsync::sim::{ServiceAccount, SimServer, SimServerBuilder};
use exsync::transport::Secret;

/// The service accounts' password.
pub const PASSWORD: &str = "Setup-Passw0rd!";

/// A DNS without autodiscover SRV records.
pub struct NoSrvRecords;

impl SrvResolver for NoSrvRecords {
    fn lookup_srv<'a>(&'a self, _name: &'a str) -> SrvFuture<'a> {
        Box::pin(async { Ok(Vec::new()) })
    }
}

/// contoso.com (and fabrikam.com) over HTTPS as `mail.contoso.com`, with mailboxes alice and bob
/// and `account` as its only service account.
pub fn org(account: ServiceAccount) -> SimServerBuilder {
    SimServer::builder()
        .domain("contoso.com")
        .domain("fabrikam.com")
        .service_account(account)
        .mailbox_named("alice@contoso.com", "Alice Wong")
        .mailbox("bob@contoso.com")
        .mailbox("carol@fabrikam.com")
        .tls(true)
        .public_host_name("mail.contoso.com")
        .tls_host_name("contoso.com")
        .tls_host_name("autodiscover.contoso.com")
}

/// `svc@contoso.com`, allowed to impersonate everyone.
pub fn svc() -> ServiceAccount {
    ServiceAccount::new("svc@contoso.com", PASSWORD).impersonating_all()
}

/// A loopback port nothing listens on.
pub fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

/// Options that reach `server`: its CA trusted (and only it); `contoso.com`,
/// `autodiscover.contoso.com` (HTTPS) and `mail.contoso.com` resolved to it; plain HTTP to the
/// autodiscover hosts resolved to a closed port; no SRV record; 5-second probes.
pub fn options(server: &SimServer) -> DriverOptions {
    let mut o = DriverOptions::trusting(server.ca_certificate_pem().expect("TLS").to_owned());
    o.http.tls.webpki_roots = false;
    o.probe_timeout = Duration::from_secs(5);
    o.srv_resolver = Some(Arc::new(NoSrvRecords));
    let at = server.local_addr();
    let closed = closed_port();
    for host in ["contoso.com", "autodiscover.contoso.com"] {
        o.http.resolve.insert(format!("{host}:443"), at);
        o.http.resolve.insert(format!("{host}:80"), closed);
    }
    o.http.resolve.insert(format!("mail.contoso.com:{}", at.port()), at);
    o
}

/// The same options with nothing answering autodiscover (every autodiscover host resolves to a
/// closed port).
pub fn options_without_autodiscover(server: &SimServer) -> DriverOptions {
    let mut o = options(server);
    let closed = closed_port();
    for host in ["contoso.com", "autodiscover.contoso.com"] {
        o.http.resolve.insert(format!("{host}:443"), closed);
        o.http.resolve.insert(format!("{host}:80"), closed);
    }
    o
}

/// A flow filled in to the validation step: both kinds, `auth` as `user` with `password`,
/// additional domain fabrikam.com, test mailbox `mailbox`, the EWS URL entered by hand or not.
pub fn flow(auth: ServiceAccountAuth, user: &str, password: &str, mailbox: &str, ews_url: Option<&str>) -> SetupFlow {
    let mut f = SetupFlow::new();
    f.set_sync_scope(SyncScope::BOTH).unwrap();
    f.set_connection_method(ConnectionMethod::ServiceAccount(auth)).unwrap();
    f.set_user_name(user).unwrap();
    f.set_password(Secret::new(password)).unwrap();
    f.set_additional_domains("fabrikam.com").unwrap();
    f.set_validation_target(mailbox, ews_url).unwrap();
    f
}
