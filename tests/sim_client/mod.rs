//! A tiny HTTP/1.1 client for the simulator's tests and benchmarks (hyper's connection-level
//! client, one keep-alive connection per `Client`), and the organisation most tests start from.
#![allow(dead_code)]

use std::sync::Arc;

use base64::Engine;
use bytes::Bytes;
use exsync::ews::{Operation, Request, RequestHeader, Response};
use exsync::sim::{OAuthApp, ServiceAccount, SimServer, SimServerBuilder};
use http::{HeaderMap, Method};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;

/// The service account's password in [`org`].
pub const PASSWORD: &str = "Sync-Passw0rd!";
/// The OAuth app's client id in [`org`].
pub const APP_ID: &str = "0e3a7f9c-2b61-4c1e-9a4e-3f1d2c5b6a70";
/// The OAuth app's secret in [`org`].
pub const APP_SECRET: &str = "app-s3cret~value";

/// The test key and certificate of the app (generated once with openssl).
pub const APP_KEY_PEM: &str = include_str!("../fixtures/sim_app_key.pem");
/// The app's certificate.
pub const APP_CERT_PEM: &str = include_str!("../fixtures/sim_app_cert.pem");
/// A key the app never registered.
pub const OTHER_KEY_PEM: &str = include_str!("../fixtures/sim_other_key.pem");

/// contoso.com with `svc@contoso.com` (impersonates everyone), `limited@contoso.com` (only alice),
/// `plain@contoso.com` (no right, own mailbox), mailboxes alice, bob, plain, and an OAuth app with
/// a secret and a certificate that impersonates everyone.
pub fn org() -> SimServerBuilder {
    SimServer::builder()
        .domain("contoso.com")
        .service_account(ServiceAccount::new("svc@contoso.com", PASSWORD).impersonating_all())
        .service_account(ServiceAccount::new("limited@contoso.com", PASSWORD).impersonating(["alice@contoso.com"]))
        .service_account(ServiceAccount::new("plain@contoso.com", PASSWORD).with_mailbox("plain@contoso.com"))
        .mailbox_named("alice@contoso.com", "Alice Wong")
        .mailbox_named("bob@contoso.com", "Bob Kelly")
        .mailbox("plain@contoso.com")
        .oauth_app(OAuthApp::new(APP_ID).with_secret(APP_SECRET).with_certificate_pem(APP_CERT_PEM).impersonating_all())
}

/// `Basic …` for `user` and `password`.
pub fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}")))
}

/// `Basic …` of the all-mailbox service account.
pub fn svc() -> String {
    basic("svc@contoso.com", PASSWORD)
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// Every value of header `name`.
    pub fn header_values(&self, name: &str) -> Vec<String> {
        self.headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
    }
}

/// One HTTP/1.1 connection.
pub struct Client {
    sender: SendRequest<Full<Bytes>>,
    host: String,
}

impl Client {
    /// A plain connection to the server.
    pub async fn connect(server: &SimServer) -> Client {
        let tcp = TcpStream::connect(server.local_addr()).await.expect("connect to the simulator");
        let (sender, conn) = http1::handshake(TokioIo::new(tcp)).await.expect("HTTP handshake");
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Client { sender, host: server.local_addr().to_string() }
    }

    /// A TLS connection trusting `ca_pem`, to `server_name`.
    pub async fn connect_tls(server: &SimServer, ca_pem: &str, server_name: &str) -> Result<Client, std::io::Error> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
            roots.add(cert.expect("CA PEM")).expect("CA certificate");
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let tcp = TcpStream::connect(server.local_addr()).await?;
        let name = ServerName::try_from(server_name.to_owned()).expect("server name");
        let tls = connector.connect(name, tcp).await?;
        let (sender, conn) = http1::handshake(TokioIo::new(tls)).await.map_err(std::io::Error::other)?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Client { sender, host: server.local_addr().to_string() })
    }

    /// Sends a request; `Err` when the connection closed without an answer.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<Bytes>,
    ) -> Result<Answer, hyper::Error> {
        self.sender.ready().await?;
        let mut req = http::Request::builder().method(method).uri(path).header("host", &self.host);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = req.body(Full::new(body.into())).expect("request");
        let resp = self.sender.send_request(req).await?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.into_body().collect().await?.to_bytes();
        Ok(Answer { status, headers, body: String::from_utf8_lossy(&body).into_owned() })
    }

    /// POSTs `body` to `path` with `Authorization: auth` (none when empty).
    pub async fn post(&mut self, path: &str, auth: &str, body: impl Into<Bytes>) -> Result<Answer, hyper::Error> {
        let mut headers = vec![("content-type", "text/xml; charset=utf-8")];
        if !auth.is_empty() {
            headers.push(("authorization", auth));
        }
        self.send(Method::POST, path, &headers, body).await
    }

    /// POSTs a SOAP document to the EWS endpoint.
    pub async fn ews_raw(&mut self, auth: &str, xml: &str) -> Answer {
        self.post("/EWS/Exchange.asmx", auth, xml.to_owned()).await.expect("an answer")
    }

    /// POSTs an EWS request and parses the answer.
    pub async fn ews<O: Operation>(&mut self, auth: &str, req: &Request<O>) -> (u16, Response<O::Response>) {
        let a = self.ews_raw(auth, &req.to_xml_string()).await;
        let parsed = Request::<O>::parse_response(&a.body)
            .unwrap_or_else(|e| panic!("unparseable answer ({e}), status {}: {}", a.status, a.body));
        (a.status, parsed)
    }
}

/// An EWS request for `O` impersonating `mailbox` (Exchange2016).
pub fn as_user<O: Operation>(mailbox: &str, body: O) -> Request<O> {
    Request::new(RequestHeader::impersonating(exsync::ews::ExchangeVersion::Exchange2016, mailbox), body)
}

/// The operation's answer of a response (panics on a fault).
pub fn message<B: std::fmt::Debug>(r: Response<B>) -> B {
    match r.body {
        exsync::ews::ResponseBody::Message(b) => b,
        exsync::ews::ResponseBody::Fault(f) => panic!("expected an answer, got {f}"),
    }
}

/// The SOAP fault of a response (panics on an answer).
pub fn fault<B: std::fmt::Debug>(r: Response<B>) -> exsync::ews::SoapFault {
    match r.body {
        exsync::ews::ResponseBody::Fault(f) => f,
        exsync::ews::ResponseBody::Message(b) => panic!("expected a fault, got {b:?}"),
    }
}
