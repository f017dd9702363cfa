//! The HTTP layer: one request, one response, over a pooled connection ([`super::pool`]), with
//! TLS, time-outs, a response size limit, the plain-HTTP rule and the wire trace. It follows no
//! redirects and retries nothing except a request that certainly never left (an idle pooled
//! connection the server had closed): deciding is the callers' business.
//!
//! Why not reqwest: NTLM authenticates a TCP connection with a three-step handshake, and an
//! NTLM-authenticated connection must then be reused; reqwest's pool is hidden and cannot promise
//! either. hyper 1's client connection API (`hyper::client::conn::http1`) over tokio `TcpStream`
//! and tokio-rustls gives the transport its own connections, each with its authentication state.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_LENGTH, HOST, USER_AGENT, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use rustls::ClientConfig;
use url::Url;

use super::auth::RequestAuth;
use super::error::{CallContext, TransportError};
use super::pool::{ConnectError, ConnectionAuth, Origin, Pool, PooledConnection, Scheme};
use super::retry::NetworkFailure;
use super::tls::TlsOptions;
use super::trace::{self, Direction};
use super::wire_trace::WireTracer;
use crate::ntlm::{NtlmClient, http_header};

/// The default `User-Agent`.
pub const DEFAULT_USER_AGENT: &str = concat!("exsync/", env!("CARGO_PKG_VERSION"));

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Trusted certificate authorities.
    pub tls: TlsOptions,
    /// Allow plain `http://` to loopback hosts (`localhost`, `127.0.0.0/8`, `::1`): for test
    /// servers only. Any other plain-HTTP request with credentials is refused.
    pub allow_insecure_loopback: bool,
    /// Time to open a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Time from sending a request to the end of its response.
    pub response_timeout: Duration,
    /// Largest response body accepted.
    pub max_response_bytes: usize,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Where to write the wire trace; `None` reads `EXSYNC_TRACE_DIR`.
    pub trace_dir: Option<PathBuf>,
    /// Fixed addresses for `host:port` (split DNS, test servers), like curl's `--resolve`.
    pub resolve: HashMap<String, SocketAddr>,
    /// Idle connections kept per origin.
    pub max_idle_per_origin: usize,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            tls: TlsOptions::default(),
            allow_insecure_loopback: false,
            connect_timeout: Duration::from_secs(30),
            response_timeout: Duration::from_secs(300),
            max_response_bytes: 64 * 1024 * 1024,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            trace_dir: None,
            resolve: HashMap::new(),
            max_idle_per_origin: 16,
        }
    }
}

/// Whether a request may go over plain HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlainHttp {
    /// Only to loopback hosts, and only with `allow_insecure_loopback`.
    LoopbackOnly,
    /// Anywhere: for the unauthenticated autodiscover redirect probe (the request must carry no
    /// credentials).
    UnauthenticatedProbe,
}

/// One request.
#[derive(Debug)]
pub(crate) struct HttpRequest {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
    pub context: CallContext,
    pub plain_http: PlainHttp,
}

/// One response.
#[derive(Debug, Clone)]
pub(crate) struct HttpResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl HttpResponse {
    /// The first value of `name` as text.
    pub fn header(&self, name: impl http::header::AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

struct Inner {
    options: HttpOptions,
    tls: Arc<ClientConfig>,
    pool: Pool,
    tracer: Option<WireTracer>,
    ntlm_handshakes: AtomicU64,
}

/// The HTTP client of one service account (cheap to clone; clones share the pool).
#[derive(Clone)]
pub struct HttpTransport {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpTransport")
            .field("allow_insecure_loopback", &self.inner.options.allow_insecure_loopback)
            .field("trace_dir", &self.inner.tracer.as_ref().map(|t| t.dir().to_owned()))
            .finish()
    }
}

/// A header value that holds a credential (kept out of hyper's debug output).
fn sensitive(value: &str) -> HeaderValue {
    // base64 and the scheme name only: always a valid header value.
    let mut v = HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static(""));
    v.set_sensitive(true);
    v
}

/// How a send failed before or while talking to the server.
enum SendFailure {
    /// The request was never handed to the connection: it may be sent again on another one.
    NotDispatched(String),
    Other(TransportError),
}

impl HttpTransport {
    /// A transport with `options` (fails on an unusable CA certificate).
    pub fn new(options: HttpOptions) -> Result<Self, TransportError> {
        let tls = options.tls.client_config()?;
        let trace_dir = options.trace_dir.clone().or_else(trace::trace_dir_from_env);
        let pool = Pool::new(options.max_idle_per_origin.max(1));
        Ok(HttpTransport {
            inner: Arc::new(Inner {
                tracer: trace_dir.map(WireTracer::new),
                options,
                tls,
                pool,
                ntlm_handshakes: AtomicU64::new(0),
            }),
        })
    }

    /// The settings.
    pub fn options(&self) -> &HttpOptions {
        &self.inner.options
    }

    /// The wire tracer, when tracing is on.
    pub fn tracer(&self) -> Option<&WireTracer> {
        self.inner.tracer.as_ref()
    }

    /// Connections opened so far.
    pub fn connections_opened(&self) -> u64 {
        self.inner.pool.opened()
    }

    /// NTLM handshakes completed so far (each signs one connection in).
    pub fn ntlm_handshakes(&self) -> u64 {
        self.inner.ntlm_handshakes.load(Ordering::Relaxed)
    }

    fn check_url(&self, req: &HttpRequest, auth: &RequestAuth<'_>) -> Result<Origin, TransportError> {
        let origin = Origin::of(&req.url).ok_or_else(|| TransportError::Config {
            reason: format!("{}: the URL is not an http(s) URL with a host", req.context),
        })?;
        if !req.url.username().is_empty() || req.url.password().is_some() {
            return Err(TransportError::Config {
                reason: format!(
                    "{}: the URL carries a user name or password; use the credentials setting",
                    req.context
                ),
            });
        }
        if origin.scheme == Scheme::Http {
            let allowed = match req.plain_http {
                PlainHttp::LoopbackOnly => self.inner.options.allow_insecure_loopback && origin.is_loopback(),
                PlainHttp::UnauthenticatedProbe => {
                    (matches!(auth, RequestAuth::None) && !req.headers.iter().any(|(k, _)| k == AUTHORIZATION))
                        || (self.inner.options.allow_insecure_loopback && origin.is_loopback())
                }
            };
            if !allowed {
                return Err(TransportError::InsecureUrl { context: Box::new(req.context.clone()) });
            }
        }
        Ok(origin)
    }

    /// Sends `req` and reads the whole response, authenticated as `auth` says.
    ///
    /// With [`RequestAuth::Header`] the header goes on the request, and connections where such
    /// credentials were accepted are preferred. With [`RequestAuth::Ntlm`] a connection the NTLM
    /// handshake already signed in is preferred and the request goes on it without an
    /// `Authorization` header; otherwise the handshake runs on the connection first (see
    /// [`HttpTransport::ntlm_handshake`]). A signed-in connection that meets a 401 signs in again,
    /// once; a 401 that comes back from here is the server's final word.
    pub(crate) async fn send(&self, req: &HttpRequest, auth: RequestAuth<'_>) -> Result<HttpResponse, TransportError> {
        let origin = self.check_url(req, &auth)?;
        let opts = &self.inner.options;
        let mut headers = HeaderMap::new();
        headers.insert(
            HOST,
            HeaderValue::from_str(&origin.host_header()).map_err(|_| TransportError::Config {
                reason: format!("{}: the host is not a valid header value", req.context),
            })?,
        );
        if let Ok(ua) = HeaderValue::from_str(&opts.user_agent) {
            headers.insert(USER_AGENT, ua);
        }
        for (k, v) in &req.headers {
            headers.append(k.clone(), v.clone());
        }
        let prefer = match &auth {
            RequestAuth::None => ConnectionAuth::Anonymous,
            RequestAuth::Header(value) => {
                headers.insert(AUTHORIZATION, value.clone());
                ConnectionAuth::Authenticated
            }
            RequestAuth::Ntlm(_) => ConnectionAuth::Ntlm,
        };
        let ntlm_allowed = matches!(auth, RequestAuth::Ntlm(_));
        // A pooled connection the server closed while idle fails before the request is handed
        // over: try the next one (at most a few times), then a fresh connection.
        let mut pooled_tries = 0;
        // Set once a signed-in connection met a 401: the next connection signs in again.
        let mut sign_in_again = false;
        loop {
            let reuse = if pooled_tries < 3 { self.inner.pool.checkout(&origin, prefer, ntlm_allowed) } else { None };
            let (mut conn, fresh) = match reuse {
                Some(c) => {
                    pooled_tries += 1;
                    (c, false)
                }
                None => {
                    pooled_tries = 3;
                    (self.connect(&origin, &req.context).await?, true)
                }
            };
            let result = match &auth {
                RequestAuth::Ntlm(client) if conn.auth == ConnectionAuth::Ntlm && !sign_in_again => {
                    match self.exchange(&mut conn, req, &headers, req.body.clone()).await {
                        Ok(resp) if resp.status == StatusCode::UNAUTHORIZED => {
                            // The server no longer takes this connection as signed in (an IIS
                            // application pool recycled, a load balancer moved the connection).
                            sign_in_again = true;
                            conn.auth = ConnectionAuth::Anonymous;
                            if conn.sender.is_closed() {
                                continue;
                            }
                            self.ntlm_handshake(&mut conn, req, &headers, client).await
                        }
                        other => other,
                    }
                }
                RequestAuth::Ntlm(client) => self.ntlm_handshake(&mut conn, req, &headers, client).await,
                RequestAuth::Header(_) => {
                    self.exchange(&mut conn, req, &headers, req.body.clone()).await.inspect(|resp| {
                        if resp.status != StatusCode::UNAUTHORIZED {
                            conn.auth = ConnectionAuth::Authenticated;
                        }
                    })
                }
                RequestAuth::None => self.exchange(&mut conn, req, &headers, req.body.clone()).await,
            };
            match result {
                Ok(resp) => {
                    self.inner.pool.checkin(conn);
                    return Ok(resp);
                }
                Err(SendFailure::NotDispatched(detail)) => {
                    if fresh {
                        return Err(TransportError::network(&req.context, NetworkFailure::NotSent, detail));
                    }
                }
                Err(SendFailure::Other(e)) => return Err(e),
            }
        }
    }

    /// Signs `conn` in with NTLM while sending `req` (MS-NTHT), three messages on this one
    /// connection:
    ///
    /// 1. the request with `Authorization: NTLM <NEGOTIATE>` and an **empty body**
    ///    (`Content-Length: 0`), as Windows' own HTTP stack (WinINet: Internet Explorer and
    ///    Outlook, see Microsoft KB 251404) and curl send it: the server answers it with a 401
    ///    anyway, so the body would cross the network for nothing, and a request with no body
    ///    cannot be carried out by mistake, which keeps a create safe to send again if this leg
    ///    fails;
    /// 2. the server's 401 with `WWW-Authenticate: NTLM <CHALLENGE>`;
    /// 3. the request again with `Authorization: NTLM <AUTHENTICATE>` and its **full body**; its
    ///    answer is the request's answer, and unless it is a 401 the connection is signed in
    ///    for later requests ([`ConnectionAuth::Ntlm`]).
    ///
    /// Over TLS the AUTHENTICATE message carries the channel bindings of the certificate the
    /// server presented on this connection (Extended Protection). A first answer that is not a
    /// 401 means the URL needs no sign-in: the request is then sent as it is. A 401 that does
    /// not offer NTLM is returned for the caller to explain; a refused AUTHENTICATE (wrong
    /// password) is returned as the 401 it is.
    async fn ntlm_handshake(
        &self,
        conn: &mut PooledConnection,
        req: &HttpRequest,
        headers: &HeaderMap,
        client: &NtlmClient,
    ) -> Result<HttpResponse, SendFailure> {
        let bound;
        let client = match conn.channel_bindings {
            Some(bindings) => {
                bound = client.clone().with_channel_bindings(bindings);
                &bound
            }
            None => client,
        };
        let failed = |reason: String| {
            SendFailure::Other(TransportError::NtlmHandshake {
                context: Box::new(req.context.clone()),
                credentials: format!("NTLM as {}", client.user()),
                reason,
            })
        };
        let mut leg = headers.clone();
        leg.insert(AUTHORIZATION, sensitive(&http_header::header_value(&client.negotiate())));
        let first = match self.exchange(conn, req, &leg, Bytes::new()).await {
            Ok(resp) => resp,
            // The request itself has not been sent yet: only its empty NEGOTIATE leg.
            Err(SendFailure::Other(TransportError::Network {
                failure: NetworkFailure::ResponseLost, detail, ..
            })) => {
                return Err(SendFailure::Other(TransportError::network(
                    &req.context,
                    NetworkFailure::NotSent,
                    format!("the connection failed during the NTLM handshake, before the request was sent: {detail}"),
                )));
            }
            Err(other) => return Err(other),
        };
        if first.status != StatusCode::UNAUTHORIZED {
            return self.exchange(conn, req, headers, req.body.clone()).await;
        }
        let offered: Vec<&str> =
            first.headers.get_all(WWW_AUTHENTICATE).iter().filter_map(|v| v.to_str().ok()).collect();
        if !http_header::offers_ntlm(offered.iter().copied()) {
            return Ok(first);
        }
        let challenge =
            http_header::challenge_from_www_authenticate(offered.iter().copied()).map_err(|e| failed(e.to_string()))?;
        let authenticate = client.authenticate(&challenge).map_err(|e| failed(e.to_string()))?;
        let mut leg = headers.clone();
        leg.insert(AUTHORIZATION, sensitive(&http_header::header_value(&authenticate)));
        let answer = match self.exchange(conn, req, &leg, req.body.clone()).await {
            Ok(resp) => resp,
            Err(SendFailure::NotDispatched(detail)) => {
                return Err(failed(format!(
                    "the server closed the connection after its NTLM challenge ({detail}); the three NTLM \
                     messages must travel on one kept-alive connection, so check that no proxy or load \
                     balancer in between closes connections or spreads them over servers"
                )));
            }
            Err(other) => return Err(other),
        };
        if answer.status != StatusCode::UNAUTHORIZED {
            conn.auth = ConnectionAuth::Ntlm;
            self.inner.ntlm_handshakes.fetch_add(1, Ordering::Relaxed);
        }
        Ok(answer)
    }

    async fn connect(&self, origin: &Origin, context: &CallContext) -> Result<PooledConnection, TransportError> {
        let opts = &self.inner.options;
        let addr = opts.resolve.get(&format!("{}:{}", origin.host, origin.port)).copied();
        self.inner.pool.connect(origin, addr, &self.inner.tls, opts.connect_timeout).await.map_err(|e| match e {
            ConnectError::Network(detail) => TransportError::network(context, NetworkFailure::NotSent, detail),
            ConnectError::Certificate(detail) => {
                TransportError::TlsCertificate { context: Box::new(context.clone()), detail }
            }
            ConnectError::Timeout => TransportError::timeout(context, NetworkFailure::NotSent, opts.connect_timeout),
        })
    }

    /// One request and its response on `conn`, with `body` (and its `Content-Length`), both
    /// written to the wire trace. A request that never left is not traced.
    async fn exchange(
        &self,
        conn: &mut PooledConnection,
        req: &HttpRequest,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<HttpResponse, SendFailure> {
        let opts = &self.inner.options;
        let mut headers = headers.clone();
        headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
        let path = match req.url.query() {
            Some(q) => format!("{}?{q}", req.url.path()),
            None => req.url.path().to_owned(),
        };
        let mut builder = http::Request::builder().method(req.method.clone()).uri(path);
        if let Some(h) = builder.headers_mut() {
            *h = headers.clone();
        }
        let request = builder.body(Full::new(body.clone())).map_err(|e| {
            SendFailure::Other(TransportError::Config {
                reason: format!("{}: cannot build the request: {e}", req.context),
            })
        })?;
        let lost = |detail: String| {
            SendFailure::Other(TransportError::network(&req.context, NetworkFailure::ResponseLost, detail))
        };
        let work = async {
            if conn.sender.ready().await.is_err() {
                return Err(SendFailure::NotDispatched("the connection closed".into()));
            }
            conn.uses += 1;
            let response = match conn.sender.try_send_request(request).await {
                Ok(r) => r,
                Err(mut e) => {
                    let detail = e.error().to_string();
                    return Err(if e.take_message().is_some() {
                        SendFailure::NotDispatched(detail)
                    } else {
                        lost(detail)
                    });
                }
            };
            let (parts, body) = response.into_parts();
            let body = match Limited::new(body, opts.max_response_bytes).collect().await {
                Ok(b) => b.to_bytes(),
                Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
                    return Err(SendFailure::Other(TransportError::ResponseTooLarge {
                        context: Box::new(req.context.clone()),
                        limit: opts.max_response_bytes,
                    }));
                }
                Err(e) => return Err(lost(format!("the response body was cut off: {e}"))),
            };
            Ok(HttpResponse { status: parts.status, headers: parts.headers, body })
        };
        let result = match tokio::time::timeout(opts.response_timeout, work).await {
            Ok(r) => r,
            Err(_) => Err(SendFailure::Other(TransportError::timeout(
                &req.context,
                NetworkFailure::ResponseLost,
                opts.response_timeout,
            ))),
        };
        if let Some(t) = &self.inner.tracer {
            if !matches!(result, Err(SendFailure::NotDispatched(_))) {
                let seq = t.next_exchange();
                let line = trace::request_line(req.method.as_str(), req.url.as_str(), "HTTP/1.1");
                t.write(seq, &req.context.operation, Direction::Request, &line, &headers, &body);
                if let Ok(response) = &result {
                    let line = trace::status_line(
                        "HTTP/1.1",
                        response.status.as_u16(),
                        response.status.canonical_reason().unwrap_or(""),
                    );
                    t.write(seq, &req.context.operation, Direction::Response, &line, &response.headers, &response.body);
                }
            }
        }
        result
    }
}
