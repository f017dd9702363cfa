//! The autodiscover driver against the simulator over HTTPS, as `contoso.com` and
//! `autodiscover.contoso.com` (the simulator's certificate names them; the client resolves them
//! to its address): POX and SOAP, signed in with NTLM (channel bindings included) or Basic, and
//! a server that does not take the scheme.
#![cfg(feature = "sim")]

mod sim_client;
mod transport_sim;

use std::sync::Arc;
use std::time::Duration;

use exsync::autodiscover::plan::{AttemptResult, AutodiscoverProtocol};
use exsync::autodiscover::srv::{SrvFuture, SrvResolver};
use exsync::autodiscover::{AutodiscoverClient, AutodiscoverConfig};
use exsync::sim::{AuthScheme, AuthSchemes, Endpoint, SimServer, SimServerBuilder};
use exsync::transport::{Credentials, EwsClient, HttpOptions};
use sim_client::org;
use transport_sim::{basic, config, contacts_folder, ntlm};

/// A resolver for runs without SRV lookups: it must not be asked.
struct NoSrv;

impl SrvResolver for NoSrv {
    fn lookup_srv<'a>(&'a self, name: &'a str) -> SrvFuture<'a> {
        Box::pin(async move { panic!("SRV lookup of {name} was not configured") })
    }
}

/// The simulator answers with its own EWS URL on 127.0.0.1, outside contoso.com: the admin
/// approves that host (and nothing else).
fn approve_loopback() -> impl Fn(&str, &url::Url) -> bool + Send + Sync + 'static {
    |host: &str, _: &url::Url| host == "127.0.0.1"
}

async fn contoso_over_tls(builder: SimServerBuilder) -> SimServer {
    builder.tls(true).tls_host_name("contoso.com").tls_host_name("autodiscover.contoso.com").start().await.unwrap()
}

fn autodiscover(
    server: &SimServer,
    credentials: &Credentials,
    protocols: Vec<AutodiscoverProtocol>,
) -> AutodiscoverClient {
    let mut http = HttpOptions::default();
    http.tls.webpki_roots = false;
    http.tls.extra_ca_pem.push(server.ca_certificate_pem().unwrap().to_owned());
    http.connect_timeout = Duration::from_secs(2);
    http.response_timeout = Duration::from_secs(5);
    for host in ["contoso.com", "autodiscover.contoso.com"] {
        http.resolve.insert(format!("{host}:443"), server.local_addr());
    }
    let config =
        AutodiscoverConfig { protocols, srv_lookup: false, redirect_probe: false, ..AutodiscoverConfig::default() };
    AutodiscoverClient::new(credentials, config, http, Arc::new(NoSrv)).unwrap()
}

#[tokio::test]
async fn pox_with_ntlm_finds_the_ews_url_and_the_url_works() {
    let server = contoso_over_tls(org()).await;
    let creds = ntlm(r"CONTOSO\svc");
    let report = autodiscover(&server, &creds, vec![AutodiscoverProtocol::Pox])
        .discover("alice@contoso.com", approve_loopback())
        .await
        .unwrap();
    let found = report.result.unwrap();
    assert_eq!(found.protocol, AutodiscoverProtocol::Pox);
    assert_eq!(found.ews_url.as_str(), server.ews_url());
    assert_eq!(found.endpoint.as_str(), "https://contoso.com/autodiscover/autodiscover.xml");
    let seen = server.counters();
    assert_eq!((seen.endpoint(Endpoint::AutodiscoverPox), seen.ntlm_sign_ins, seen.ntlm_refusals), (2, 1, 0));

    // The URL found serves EWS to the same credentials.
    let mut cfg = config(&server, creds);
    cfg.endpoint = found.ews_url;
    EwsClient::new(cfg).unwrap().call("alice@contoso.com", contacts_folder()).await.unwrap();
}

#[tokio::test]
async fn soap_with_basic_and_with_ntlm() {
    let server = contoso_over_tls(org()).await;
    for creds in [basic("svc@contoso.com"), ntlm("svc@contoso.com")] {
        let report = autodiscover(&server, &creds, vec![AutodiscoverProtocol::Soap])
            .discover("bob@contoso.com", approve_loopback())
            .await
            .unwrap();
        let found = report.result.unwrap_or_else(|e| panic!("{creds}: {e}"));
        assert_eq!(found.protocol, AutodiscoverProtocol::Soap);
        assert_eq!(found.ews_url.as_str(), server.ews_url());
        assert_eq!(found.email, "bob@contoso.com");
    }
    assert_eq!(server.counters().ntlm_sign_ins, 1);
}

#[tokio::test]
async fn a_server_that_does_not_take_the_scheme_finds_nothing() {
    let server = contoso_over_tls(org().auth(AuthSchemes::only(AuthScheme::Ntlm))).await;
    let report = autodiscover(&server, &basic("svc@contoso.com"), vec![AutodiscoverProtocol::Pox])
        .discover("alice@contoso.com", approve_loopback())
        .await
        .unwrap();
    assert!(report.result.is_err());
    assert!(!report.attempts.is_empty());
    for a in &report.attempts {
        assert_eq!(a.result, AttemptResult::HttpStatus { status: 401 }, "{a}");
    }
    assert_eq!(server.counters().ntlm_sign_ins, 0);
}
