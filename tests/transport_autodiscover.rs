//! The autodiscover driver against canned HTTPS and HTTP servers standing in for contoso.com's
//! hosts (test CA from rcgen, feature `sim`) and a fake SRV resolver.
#![cfg(feature = "sim")]

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::canned_server::{Canned, CannedServer, Recorded, TestPki};
use exsync::autodiscover::plan::{
    AttemptKind, AttemptResult, AutodiscoverProtocol, RefusalReason, SrvRecord, TargetSource,
};
use exsync::autodiscover::srv::{SrvError, SrvFuture, SrvResolver};
use exsync::autodiscover::{AutodiscoverClient, AutodiscoverConfig, AutodiscoverError, DenyAll};
use exsync::transport::{Credentials, HttpOptions, Secret, UserName};

const HOSTS: &[&str] = &[
    "contoso.com",
    "autodiscover.contoso.com",
    "mail.contoso.com",
    "autodiscover-s.contoso.com",
    "autodiscover.fabrikam.net",
];

fn pox_settings(ews_url: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account><AccountType>email</AccountType><Action>settings</Action>
      <Protocol><Type>EXPR</Type><EwsUrl>{ews_url}</EwsUrl></Protocol>
    </Account>
  </Response>
</Autodiscover>"#
    )
}

fn pox_redirect_url(url: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account><Action>redirectUrl</Action><RedirectUrl>{url}</RedirectUrl></Account>
  </Response>
</Autodiscover>"#
    )
}

fn soap_settings(address: &str, ews_url: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing">
  <s:Body>
    <GetUserSettingsResponseMessage xmlns="http://schemas.microsoft.com/exchange/2010/Autodiscover"
        xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
      <Response>
        <ErrorCode>NoError</ErrorCode><ErrorMessage/>
        <UserResponses><UserResponse>
          <ErrorCode>NoError</ErrorCode><ErrorMessage>No error.</ErrorMessage>
          <RedirectTarget i:nil="true"/><UserSettingErrors/>
          <UserSettings>
            <UserSetting i:type="StringSetting"><Name>AutoDiscoverSMTPAddress</Name><Value>{address}</Value></UserSetting>
            <UserSetting i:type="StringSetting"><Name>ExternalEwsUrl</Name><Value>{ews_url}</Value></UserSetting>
          </UserSettings>
        </UserResponse></UserResponses>
      </Response>
    </GetUserSettingsResponseMessage>
  </s:Body>
</s:Envelope>"#
    )
}

#[derive(Default)]
struct FakeResolver {
    records: Vec<SrvRecord>,
    asked: Mutex<Vec<String>>,
}

impl SrvResolver for FakeResolver {
    fn lookup_srv<'a>(&'a self, name: &'a str) -> SrvFuture<'a> {
        self.asked.lock().unwrap().push(name.to_owned());
        let records = self.records.clone();
        Box::pin(async move {
            if records.is_empty() {
                Err(SrvError::Timeout { name: "x".into(), timeout: Duration::ZERO })
            } else {
                Ok(records)
            }
        })
    }
}

/// An HTTPS server for every host in [`HOSTS`] and a plain-HTTP server for the redirect probe.
struct World {
    https: CannedServer,
    http: CannedServer,
    ca_pem: String,
}

type Route = dyn Fn(&str, &Recorded) -> Canned + Send + Sync;

async fn world(https: Arc<Route>, probe: Canned) -> World {
    let pki = TestPki::new(HOSTS);
    let server = CannedServer::start_tls(
        move |r, _| {
            let host = r.header("host").unwrap_or("").to_owned();
            https(&host, r)
        },
        pki.server.clone(),
    )
    .await;
    let http = CannedServer::script(vec![probe]).await;
    World { https: server, http, ca_pem: pki.ca_pem }
}

fn client(w: &World, config: AutodiscoverConfig, resolver: Arc<FakeResolver>) -> AutodiscoverClient {
    let mut http = HttpOptions::default();
    http.tls.extra_ca_pem.push(w.ca_pem.clone());
    http.connect_timeout = Duration::from_secs(2);
    for host in HOSTS {
        http.resolve.insert(format!("{host}:443"), w.https.addr);
    }
    http.resolve.insert("autodiscover.contoso.com:80".into(), w.http.addr);
    let creds = Credentials::Basic { user: UserName::parse("svc@contoso.com").unwrap(), password: Secret::new("pw") };
    AutodiscoverClient::new(&creds, config, http, resolver).unwrap()
}

fn requests_to(w: &World, host: &str) -> Vec<Recorded> {
    w.https.requests().into_iter().filter(|r| r.header("host") == Some(host)).collect()
}

#[tokio::test]
async fn pox_answer_at_the_autodiscover_host() {
    let w = world(
        Arc::new(|host, r| match (host, r.path.as_str()) {
            ("autodiscover.contoso.com", "/autodiscover/autodiscover.xml") => {
                Canned::xml(pox_settings("https://mail.contoso.com/EWS/Exchange.asmx"))
            }
            _ => Canned::status(404),
        }),
        Canned::status(404),
    )
    .await;
    let c = client(&w, AutodiscoverConfig::default(), Arc::default());
    let report = c.discover("alice@contoso.com", DenyAll).await.unwrap();
    let found = report.result.unwrap();
    assert_eq!(found.ews_url.as_str(), "https://mail.contoso.com/EWS/Exchange.asmx");
    assert_eq!(found.protocol, AutodiscoverProtocol::Pox);
    let kinds: Vec<(AttemptKind, &str)> = report.attempts.iter().map(|a| (a.kind, a.target.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (AttemptKind::Pox, "https://contoso.com/autodiscover/autodiscover.xml"),
            (AttemptKind::Soap, "https://contoso.com/autodiscover/autodiscover.svc"),
            (AttemptKind::Pox, "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"),
        ]
    );
    assert_eq!(report.attempts[0].result, AttemptResult::HttpStatus { status: 404 });
    let pox = &requests_to(&w, "autodiscover.contoso.com")[0];
    assert_eq!(pox.method, "POST");
    assert_eq!(pox.header("authorization"), Some("Basic c3ZjQGNvbnRvc28uY29tOnB3"));
    assert!(pox.body.contains("<EMailAddress>alice@contoso.com</EMailAddress>"), "{}", pox.body);
    let soap = &requests_to(&w, "contoso.com")[1];
    assert!(soap.header("soapaction").is_some_and(|a| a.ends_with("/GetUserSettings\"")));
    assert!(soap.body.contains("GetUserSettingsRequestMessage"), "{}", soap.body);
}

#[tokio::test]
async fn soap_answer() {
    let w = world(
        Arc::new(|host, r| match (host, r.path.as_str()) {
            ("contoso.com", "/autodiscover/autodiscover.svc") => {
                Canned::xml(soap_settings("alice@contoso.com", "https://mail.contoso.com/EWS/Exchange.asmx"))
            }
            _ => Canned::status(404),
        }),
        Canned::status(404),
    )
    .await;
    let c = client(&w, AutodiscoverConfig::default(), Arc::default());
    let found = c.discover("alice@contoso.com", DenyAll).await.unwrap().result.unwrap();
    assert_eq!(found.protocol, AutodiscoverProtocol::Soap);
    assert_eq!(found.ews_url.as_str(), "https://mail.contoso.com/EWS/Exchange.asmx");
}

#[tokio::test]
async fn redirect_probe_without_credentials_then_pox() {
    let w = world(
        Arc::new(|host, r| match (host, r.path.as_str()) {
            ("autodiscover-s.contoso.com", "/autodiscover/autodiscover.xml") => {
                Canned::xml(pox_settings("https://mail.contoso.com/EWS/Exchange.asmx"))
            }
            _ => Canned::status(401),
        }),
        Canned::status(302).with_header("location", "https://autodiscover-s.contoso.com/autodiscover/autodiscover.xml"),
    )
    .await;
    let c = client(&w, AutodiscoverConfig::default(), Arc::default());
    let report = c.discover("alice@contoso.com", DenyAll).await.unwrap();
    assert_eq!(
        report.result.unwrap().endpoint.as_str(),
        "https://autodiscover-s.contoso.com/autodiscover/autodiscover.xml"
    );
    let probe = &w.http.requests()[0];
    assert_eq!((probe.method.as_str(), probe.path.as_str()), ("GET", "/autodiscover/autodiscover.xml"));
    assert_eq!(probe.header("authorization"), None, "the plain-HTTP probe carries no credentials");
    assert_eq!(probe.header("host"), Some("autodiscover.contoso.com"));
    assert!(report.attempts.iter().any(|a| a.kind == AttemptKind::RedirectProbe
        && matches!(&a.result, AttemptResult::RedirectUrl { status: Some(302), .. })));
}

#[tokio::test]
async fn untrusted_and_plain_http_redirects_are_refused_then_srv_finds_it() {
    let w = world(
        Arc::new(|host, r| match (host, r.path.as_str()) {
            ("contoso.com", "/autodiscover/autodiscover.xml") => {
                Canned::xml(pox_redirect_url("http://autodiscover.contoso.com/autodiscover/autodiscover.xml"))
            }
            ("mail.contoso.com", "/autodiscover/autodiscover.xml") => {
                Canned::xml(pox_settings("https://mail.contoso.com/EWS/Exchange.asmx"))
            }
            _ => Canned::status(404),
        }),
        Canned::status(301).with_header("location", "https://autodiscover.fabrikam.net/autodiscover/autodiscover.xml"),
    )
    .await;
    let resolver = Arc::new(FakeResolver {
        records: vec![SrvRecord { priority: 0, weight: 0, port: 443, target: "mail.contoso.com.".into() }],
        asked: Mutex::default(),
    });
    let c = client(&w, AutodiscoverConfig::default(), resolver.clone());
    let report = c.discover("alice@contoso.com", DenyAll).await.unwrap();
    assert_eq!(report.result.unwrap().ews_url.as_str(), "https://mail.contoso.com/EWS/Exchange.asmx");
    assert_eq!(*resolver.asked.lock().unwrap(), ["_autodiscover._tcp.contoso.com"]);
    let reasons: Vec<(TargetSource, RefusalReason)> =
        report.refusals.iter().map(|r| (r.source, r.reason.clone())).collect();
    assert_eq!(
        reasons,
        [
            (TargetSource::RedirectUrl, RefusalReason::NotHttps),
            (TargetSource::RedirectProbe, RefusalReason::UntrustedHost)
        ]
    );
    assert!(requests_to(&w, "autodiscover.fabrikam.net").is_empty(), "no request went to the untrusted host");
    assert_eq!(w.http.requests().len(), 1, "only the probe used plain HTTP");
}

#[tokio::test]
async fn nothing_found_reports_every_attempt_and_the_401() {
    let w = world(Arc::new(|_, _| Canned::status(401)), Canned::status(404)).await;
    let dir = std::env::temp_dir().join(format!("exsync-ad-trace-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let config = AutodiscoverConfig::default();
    let c = {
        let mut http = HttpOptions::default();
        http.tls.extra_ca_pem.push(w.ca_pem.clone());
        http.trace_dir = Some(dir.clone());
        for host in HOSTS {
            http.resolve.insert(format!("{host}:443"), w.https.addr);
        }
        http.resolve.insert("autodiscover.contoso.com:80".into(), w.http.addr);
        let creds =
            Credentials::Basic { user: UserName::parse("svc@contoso.com").unwrap(), password: Secret::new("pw") };
        AutodiscoverClient::new(&creds, config, http, Arc::new(FakeResolver::default())).unwrap()
    };
    let report = c.discover("alice@contoso.com", DenyAll).await.unwrap();
    match report.result {
        Err(AutodiscoverError::NotFound { attempts, unauthorized: true, .. }) => assert_eq!(attempts, 6),
        other => panic!("{other:?}"),
    }
    assert!(matches!(report.attempts.last().unwrap().result, AttemptResult::Network { .. }), "the SRV lookup failed");
    let headers = std::fs::read_to_string(dir.join("0001-Autodiscover-request.headers")).unwrap();
    assert!(headers.contains("authorization: Basic ***"), "{headers}");
    assert!(dir.join("0002-GetUserSettings-response.xml").exists());
    assert!(dir.join("0005-AutodiscoverRedirect-request.headers").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn an_invalid_address_is_reported_without_any_request() {
    let w = world(Arc::new(|_, _| Canned::status(404)), Canned::status(404)).await;
    let c = client(&w, AutodiscoverConfig::default(), Arc::default());
    let report = c.discover("not-an-address", DenyAll).await.unwrap();
    assert!(matches!(report.result, Err(AutodiscoverError::InvalidEmail { .. })));
    assert!(w.https.requests().is_empty());
}
