//! The HTTP side: the accept loop, one hyper HTTP/1.1 connection (plain or TLS) per client
//! connection with its own [`ConnectionAuth`], routing to the endpoints, body limits, counting, and
//! graceful shutdown.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::Service;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use super::auth::{AuthDecision, ConnectionAuth};
use super::counters::Endpoint;
use super::reply::Reply;
use super::state::Shared;
use super::{autodiscover, ews_endpoint, oauth};

/// How long a client may take to send a request's headers, or a TLS handshake.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long shutdown waits for open connections to finish their request.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// The error that makes hyper close a connection without answering (a lost response).
#[derive(Debug)]
pub(crate) struct ConnectionDropped;

impl std::fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the simulator dropped the connection (injected lost response or unreadable request)")
    }
}

impl std::error::Error for ConnectionDropped {}

/// Which endpoint a path is, with the tenant of a token request.
fn route(path: &str) -> (Endpoint, Option<String>) {
    let p = path.trim_end_matches('/');
    if p.eq_ignore_ascii_case("/EWS/Exchange.asmx") {
        return (Endpoint::Ews, None);
    }
    if p.eq_ignore_ascii_case("/autodiscover/autodiscover.xml") {
        return (Endpoint::AutodiscoverPox, None);
    }
    if p.eq_ignore_ascii_case("/autodiscover/autodiscover.svc") {
        return (Endpoint::AutodiscoverSoap, None);
    }
    let segments: Vec<&str> = p.trim_start_matches('/').split('/').collect();
    if let [tenant, "oauth2", "v2.0", "token"] = segments[..]
        && !tenant.is_empty()
    {
        return (Endpoint::Token, Some(tenant.to_owned()));
    }
    (Endpoint::Other, None)
}

/// The hyper service of one connection.
#[derive(Clone)]
struct ConnectionService {
    shared: Arc<Shared>,
    auth: Arc<Mutex<ConnectionAuth>>,
}

type Answer = Result<Response<Full<Bytes>>, ConnectionDropped>;

impl Service<Request<Incoming>> for ConnectionService {
    type Response = Response<Full<Bytes>>;
    type Error = ConnectionDropped;
    type Future = Pin<Box<dyn Future<Output = Answer> + Send>>;

    fn call(&self, req: Request<Incoming>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { this.handle(req).await })
    }
}

impl ConnectionService {
    async fn handle(self, req: Request<Incoming>) -> Answer {
        let (parts, body) = req.into_parts();
        let (endpoint, tenant) = route(parts.uri.path());
        let body = match Limited::new(body, self.shared.max_body).collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
                self.shared.counters.request(endpoint, 0);
                let text =
                    format!("the request body is larger than the simulator's limit of {} bytes", self.shared.max_body);
                return Ok(self.respond(Reply::text(StatusCode::PAYLOAD_TOO_LARGE, text)));
            }
            Err(_) => return Err(ConnectionDropped),
        };
        self.shared.counters.request(endpoint, body.len());
        let reply = self.dispatch(&parts, endpoint, tenant, &body).await;
        if reply.lose {
            return Err(ConnectionDropped);
        }
        Ok(self.respond(reply))
    }

    async fn dispatch(
        &self,
        parts: &http::request::Parts,
        endpoint: Endpoint,
        tenant: Option<String>,
        body: &Bytes,
    ) -> Reply {
        let shared = &self.shared;
        if endpoint == Endpoint::Other {
            return Reply::text(StatusCode::NOT_FOUND, format!("the simulator has nothing at {}", parts.uri.path()));
        }
        if parts.method != Method::POST {
            if endpoint == Endpoint::AutodiscoverPox && parts.method == Method::GET {
                // Exchange answers a GET of autodiscover.xml (after authentication) with error 600.
                return match self.authenticate(&parts.headers) {
                    Ok(_) => autodiscover::serve_pox(shared, b""),
                    Err(refusal) => refusal,
                };
            }
            return Reply::text(StatusCode::METHOD_NOT_ALLOWED, "use POST").with_header(http::header::ALLOW, "POST");
        }
        if endpoint == Endpoint::Token {
            let tenant = tenant.unwrap_or_default();
            let url = format!("{}{}", shared.base_url, parts.uri.path());
            return oauth::serve(shared, &tenant, &url, body);
        }
        let principal = match self.authenticate(&parts.headers) {
            Ok(p) => p,
            Err(refusal) => return refusal,
        };
        match endpoint {
            Endpoint::Ews => ews_endpoint::serve(shared, &principal, &parts.headers, body).await,
            Endpoint::AutodiscoverPox => autodiscover::serve_pox(shared, body),
            _ => autodiscover::serve_soap(shared, body),
        }
    }

    fn authenticate(&self, headers: &http::HeaderMap) -> Result<super::directory::Principal, Reply> {
        // One request at a time per HTTP/1.1 connection: the lock is never contended.
        let mut auth = self.auth.lock().unwrap_or_else(|e| e.into_inner());
        match auth.authenticate(headers) {
            AuthDecision::Allow(p) => Ok(p),
            AuthDecision::Refuse(r) => Err(r),
        }
    }

    fn respond(&self, reply: Reply) -> Response<Full<Bytes>> {
        self.shared.counters.response(reply.body.len());
        let mut response = Response::new(Full::new(reply.body));
        *response.status_mut() = reply.status;
        let headers = response.headers_mut();
        for (name, value) in reply.headers {
            headers.append(name, value);
        }
        headers.insert(http::header::SERVER, http::HeaderValue::from_static("exsync-sim"));
        response
    }
}

/// Waits until shutdown is signalled (or the server is gone).
async fn stopped(rx: &mut watch::Receiver<bool>) {
    while !*rx.borrow_and_update() {
        if rx.changed().await.is_err() {
            return;
        }
    }
}

/// Serves one accepted connection until it ends or shutdown is signalled.
async fn serve_connection<I>(io: I, shared: Arc<Shared>, tls: bool, mut shutdown: watch::Receiver<bool>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let auth = ConnectionAuth::new(Arc::clone(&shared), tls);
    let service = ConnectionService { auth: Arc::new(Mutex::new(auth)), shared };
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT).keep_alive(true);
    let conn = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = stopped(&mut shutdown) => {
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(DRAIN_TIMEOUT, conn).await;
        }
    }
}

/// Accepts connections until shutdown, then lets open ones finish (for a short while).
pub(crate) async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    tls: Option<TlsAcceptor>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                shared.counters.connection();
                let (shared, stop) = (Arc::clone(&shared), shutdown.clone());
                match &tls {
                    None => {
                        connections.spawn(serve_connection(stream, shared, false, stop));
                    }
                    Some(acceptor) => {
                        let acceptor = acceptor.clone();
                        connections.spawn(async move {
                            if let Ok(Ok(tls)) = tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream)).await {
                                serve_connection(tls, shared, true, stop).await;
                            }
                        });
                    }
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = stopped(&mut shutdown) => break,
        }
    }
    drop(listener);
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(DRAIN_TIMEOUT + Duration::from_millis(500), drain).await.is_err() {
        connections.abort_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("/EWS/Exchange.asmx").0, Endpoint::Ews);
        assert_eq!(route("/ews/exchange.asmx/").0, Endpoint::Ews);
        assert_eq!(route("/Autodiscover/Autodiscover.xml").0, Endpoint::AutodiscoverPox);
        assert_eq!(route("/autodiscover/autodiscover.svc").0, Endpoint::AutodiscoverSoap);
        assert_eq!(route("/contoso.com/oauth2/v2.0/token"), (Endpoint::Token, Some("contoso.com".into())));
        assert_eq!(route("//oauth2/v2.0/token").0, Endpoint::Other);
        assert_eq!(route("/").0, Endpoint::Other);
    }
}
