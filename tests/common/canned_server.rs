//! A small HTTP(S) server on loopback that answers with canned responses and records every
//! request (with the connection it came on), for transport and autodiscover tests.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `GET`, `POST`, …
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers in order (names lower case).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
    /// Which accepted connection carried it (0, 1, …).
    pub connection: usize,
}

impl Recorded {
    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(k, _)| *k == name).map(|(_, v)| v.as_str())
    }

    /// The value of form field `name` (for `application/x-www-form-urlencoded` bodies).
    pub fn form(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.body.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
    }
}

/// What the server does with a request.
#[derive(Debug, Clone)]
pub enum Canned {
    /// Answer.
    Respond {
        /// Status code.
        status: u16,
        /// Headers.
        headers: Vec<(String, String)>,
        /// Body.
        body: String,
    },
    /// Close the connection without answering (the request was received).
    Hangup,
    /// Wait, then do the inner thing.
    Delay(Duration, Box<Canned>),
}

impl Canned {
    /// `200` with an XML body.
    pub fn xml(body: impl Into<String>) -> Canned {
        Canned::status_xml(200, body)
    }

    /// `status` with an XML body.
    pub fn status_xml(status: u16, body: impl Into<String>) -> Canned {
        Canned::Respond {
            status,
            headers: vec![("content-type".into(), "text/xml; charset=utf-8".into())],
            body: body.into(),
        }
    }

    /// `status` with a JSON body.
    pub fn json(status: u16, body: impl Into<String>) -> Canned {
        Canned::Respond { status, headers: vec![("content-type".into(), "application/json".into())], body: body.into() }
    }

    /// `status` with no body.
    pub fn status(status: u16) -> Canned {
        Canned::Respond { status, headers: Vec::new(), body: String::new() }
    }

    /// Adds a header.
    pub fn with_header(self, name: &str, value: &str) -> Canned {
        match self {
            Canned::Respond { status, mut headers, body } => {
                headers.push((name.to_owned(), value.to_owned()));
                Canned::Respond { status, headers, body }
            }
            other => other,
        }
    }
}

/// Decides the answer to the `n`th request (0-based) from the request itself.
pub type Handler = Arc<dyn Fn(&Recorded, usize) -> Canned + Send + Sync>;

/// A running server; it stops when dropped.
pub struct CannedServer {
    /// Where it listens.
    pub addr: SocketAddr,
    tls: bool,
    requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for CannedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl CannedServer {
    /// A plain-HTTP server on 127.0.0.1.
    pub async fn start(handler: impl Fn(&Recorded, usize) -> Canned + Send + Sync + 'static) -> Self {
        Self::start_with(Arc::new(handler), None).await
    }

    /// An HTTPS server on 127.0.0.1 with `tls`.
    pub async fn start_tls(
        handler: impl Fn(&Recorded, usize) -> Canned + Send + Sync + 'static,
        tls: Arc<rustls::ServerConfig>,
    ) -> Self {
        Self::start_with(Arc::new(handler), Some(tls)).await
    }

    /// Answers every request with the next of `answers` (the last one repeats).
    pub async fn script(answers: Vec<Canned>) -> Self {
        assert!(!answers.is_empty());
        Self::start(move |_, n| answers[n.min(answers.len() - 1)].clone()).await
    }

    async fn start_with(handler: Handler, tls: Option<Arc<rustls::ServerConfig>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let connections = Arc::new(AtomicUsize::new(0));
        let (reqs, conns, is_tls) = (requests.clone(), connections.clone(), tls.is_some());
        let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let connection = conns.fetch_add(1, Ordering::SeqCst);
                let (handler, reqs, acceptor) = (handler.clone(), reqs.clone(), acceptor.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let (handler, reqs) = (handler.clone(), reqs.clone());
                        async move { answer(req, connection, &handler, &reqs).await }
                    });
                    let builder = hyper::server::conn::http1::Builder::new();
                    match acceptor {
                        Some(a) => {
                            if let Ok(tls) = a.accept(stream).await {
                                let _ = builder.serve_connection(TokioIo::new(tls), service).await;
                            }
                        }
                        None => {
                            let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                        }
                    }
                });
            }
        });
        CannedServer { addr, tls: is_tls, requests, connections, task }
    }

    /// `http://127.0.0.1:port{path}` (or `https://localhost:port{path}` for TLS servers).
    pub fn url(&self, path: &str) -> url::Url {
        let base = if self.tls {
            format!("https://localhost:{}", self.addr.port())
        } else {
            format!("http://127.0.0.1:{}", self.addr.port())
        };
        url::Url::parse(&format!("{base}{path}")).unwrap()
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn answer(
    req: hyper::Request<hyper::body::Incoming>,
    connection: usize,
    handler: &Handler,
    reqs: &Mutex<Vec<Recorded>>,
) -> Result<hyper::Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_default(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: String::from_utf8_lossy(&body).into_owned(),
        connection,
    };
    let n = {
        let mut r = reqs.lock().unwrap();
        r.push(recorded.clone());
        r.len() - 1
    };
    let mut canned = handler(&recorded, n);
    loop {
        match canned {
            Canned::Delay(d, inner) => {
                tokio::time::sleep(d).await;
                canned = *inner;
            }
            Canned::Hangup => return Err(std::io::Error::other("hang up")),
            Canned::Respond { status, headers, body } => {
                let mut b = hyper::Response::builder().status(status);
                for (k, v) in headers {
                    b = b.header(k, v);
                }
                return Ok(b.body(Full::new(Bytes::from(body))).unwrap());
            }
        }
    }
}

/// A test certificate authority and a server certificate it signed for `names`.
#[cfg(feature = "sim")]
pub struct TestPki {
    /// The CA certificate, PEM.
    pub ca_pem: String,
    /// A server configuration presenting the server certificate.
    pub server: Arc<rustls::ServerConfig>,
}

#[cfg(feature = "sim")]
impl TestPki {
    /// A fresh CA and a server certificate for `names` (DNS names or IP addresses).
    pub fn new(names: &[&str]) -> Self {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(rcgen::DnType::CommonName, "exsync test CA");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf_key = KeyPair::generate().unwrap();
        let leaf_params = CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
        let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
        let key = rustls_pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![leaf.der().clone()], key)
            .unwrap();
        TestPki { ca_pem: ca_cert.pem(), server: Arc::new(server) }
    }
}
