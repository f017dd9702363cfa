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
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, HOST, USER_AGENT};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use http_body_util::{BodyExt, Full, Limited};
use rustls::ClientConfig;
use url::Url;

use super::error::{CallContext, TransportError};
use super::pool::{ConnectError, ConnectionAuth, Origin, Pool, PooledConnection, Scheme};
use super::retry::NetworkFailure;
use super::tls::TlsOptions;
use super::trace::{self, Direction};
use super::wire_trace::WireTracer;

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
        Ok(HttpTransport { inner: Arc::new(Inner { tracer: trace_dir.map(WireTracer::new), options, tls, pool }) })
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

    fn check_url(&self, req: &HttpRequest) -> Result<Origin, TransportError> {
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
                    !req.headers.iter().any(|(k, _)| k == http::header::AUTHORIZATION)
                        || (self.inner.options.allow_insecure_loopback && origin.is_loopback())
                }
            };
            if !allowed {
                return Err(TransportError::InsecureUrl { context: Box::new(req.context.clone()) });
            }
        }
        Ok(origin)
    }

    /// Sends `req` and reads the whole response. `authenticated` says whether the request carries
    /// credentials (pooled connections already authenticated are then preferred, and the
    /// connection is marked authenticated when the server accepts them).
    pub(crate) async fn send(&self, req: &HttpRequest, authenticated: bool) -> Result<HttpResponse, TransportError> {
        let origin = self.check_url(req)?;
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
        headers.insert(CONTENT_LENGTH, HeaderValue::from(req.body.len()));
        let seq = self.inner.tracer.as_ref().map(|t| {
            let seq = t.next_exchange();
            let line = trace::request_line(req.method.as_str(), req.url.as_str(), "HTTP/1.1");
            t.write(seq, &req.context.operation, Direction::Request, &line, &headers, &req.body);
            seq
        });
        // A pooled connection the server closed while idle fails before the request is handed
        // over: try the next one (at most a few times), then a fresh connection.
        let mut pooled_tries = 0;
        let response = loop {
            let reuse = if pooled_tries < 3 { self.inner.pool.checkout(&origin, authenticated) } else { None };
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
            match self.exchange(&mut conn, req, &headers).await {
                Ok(resp) => {
                    if authenticated && resp.status != StatusCode::UNAUTHORIZED {
                        conn.auth = ConnectionAuth::Authenticated;
                    }
                    self.inner.pool.checkin(conn);
                    break resp;
                }
                Err(SendFailure::NotDispatched(detail)) => {
                    if fresh {
                        return Err(TransportError::network(&req.context, NetworkFailure::NotSent, detail));
                    }
                }
                Err(SendFailure::Other(e)) => return Err(e),
            }
        };
        if let (Some(t), Some(seq)) = (&self.inner.tracer, seq) {
            let line = trace::status_line(
                "HTTP/1.1",
                response.status.as_u16(),
                response.status.canonical_reason().unwrap_or(""),
            );
            t.write(seq, &req.context.operation, Direction::Response, &line, &response.headers, &response.body);
        }
        Ok(response)
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

    async fn exchange(
        &self,
        conn: &mut PooledConnection,
        req: &HttpRequest,
        headers: &HeaderMap,
    ) -> Result<HttpResponse, SendFailure> {
        let opts = &self.inner.options;
        let path = match req.url.query() {
            Some(q) => format!("{}?{q}", req.url.path()),
            None => req.url.path().to_owned(),
        };
        let mut builder = http::Request::builder().method(req.method.clone()).uri(path);
        if let Some(h) = builder.headers_mut() {
            *h = headers.clone();
        }
        let request = builder.body(Full::new(req.body.clone())).map_err(|e| {
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
        match tokio::time::timeout(opts.response_timeout, work).await {
            Ok(r) => r,
            Err(_) => Err(SendFailure::Other(TransportError::timeout(
                &req.context,
                NetworkFailure::ResponseLost,
                opts.response_timeout,
            ))),
        }
    }
}
