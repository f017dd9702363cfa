//! Connections: one TCP (and TLS) connection per `PooledConnection`, driven by hyper's HTTP/1.1
//! client connection API, kept in a small `Pool` per origin for reuse.
//!
//! Each pooled connection carries its `ConnectionAuth` state. HTTP Basic and bearer tokens
//! authenticate every request and do not care which connection carries it; NTLM authenticates
//! the *connection* with a three-step handshake (Negotiate, Challenge, Authenticate) that must
//! stay on one TCP connection, after which the connection is reused without further
//! `Authorization` headers. That is why the transport owns its connections instead of using a
//! client with a hidden pool: the HTTP layer checks out a connection, runs the NTLM handshake on
//! it unless its state is already `ConnectionAuth::Ntlm`, marks it so, and the pool hands such
//! connections out first to later NTLM requests.
//!
//! A TLS connection also keeps the channel bindings of the certificate the server presented on
//! it (`tls-server-end-point`, RFC 5929), which the NTLM handshake on that connection sends
//! (Extended Protection).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rustls::ClientConfig;
use rustls_pki_types::ServerName;
use tokio::net::TcpStream;
use url::{Host, Url};

use crate::ntlm::ChannelBindings;

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Scheme {
    Http,
    Https,
}

/// Where a connection goes: scheme, host (lower case, IPv6 without brackets) and port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Origin {
    pub scheme: Scheme,
    pub host: String,
    pub port: u16,
}

impl Origin {
    /// The origin of an `http` or `https` URL; `None` for other schemes or URLs without a host.
    pub fn of(url: &Url) -> Option<Origin> {
        let scheme = match url.scheme() {
            "http" => Scheme::Http,
            "https" => Scheme::Https,
            _ => return None,
        };
        let host = match url.host()? {
            Host::Domain(d) => d.trim_end_matches('.').to_ascii_lowercase(),
            Host::Ipv4(a) => a.to_string(),
            Host::Ipv6(a) => a.to_string(),
        };
        Some(Origin { scheme, host, port: url.port_or_known_default()? })
    }

    /// Whether the host is a loopback name or address (`localhost`, `127.0.0.0/8`, `::1`).
    pub fn is_loopback(&self) -> bool {
        if self.host == "localhost" {
            return true;
        }
        self.host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }

    /// The `Host` header value.
    pub fn host_header(&self) -> String {
        let host = if self.host.contains(':') { format!("[{}]", self.host) } else { self.host.clone() };
        let default = match self.scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        };
        if self.port == default { host } else { format!("{host}:{}", self.port) }
    }
}

/// How far a connection is authenticated (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConnectionAuth {
    /// No authenticated exchange has happened on it yet.
    Anonymous,
    /// A request with per-request credentials (Basic, Bearer) was accepted on it.
    Authenticated,
    /// An NTLM handshake completed on it: the server takes later requests on it as the account's,
    /// with no `Authorization` header.
    Ntlm,
}

/// One HTTP/1.1 connection.
pub(crate) struct PooledConnection {
    pub sender: SendRequest<Full<Bytes>>,
    pub origin: Origin,
    pub auth: ConnectionAuth,
    /// Requests sent on it so far.
    pub uses: u32,
    /// For TLS: the `tls-server-end-point` bindings of the server's certificate on this
    /// connection (`None` over plain HTTP, or when the certificate could not be read).
    pub channel_bindings: Option<ChannelBindings>,
}

/// Why a connection could not be opened. None of these reached the server with a request.
#[derive(Debug)]
pub(crate) enum ConnectError {
    /// Name resolution, TCP or HTTP handshake failed.
    Network(String),
    /// The TLS handshake failed over the server's certificate.
    Certificate(String),
    /// Timed out.
    Timeout,
}

/// Opens connections and keeps idle ones per origin.
pub(crate) struct Pool {
    idle: Mutex<HashMap<Origin, Vec<PooledConnection>>>,
    max_idle_per_origin: usize,
    opened: AtomicU64,
}

impl Pool {
    pub fn new(max_idle_per_origin: usize) -> Self {
        Pool { idle: Mutex::new(HashMap::new()), max_idle_per_origin, opened: AtomicU64::new(0) }
    }

    /// Connections opened so far (for tests and diagnostics).
    pub fn opened(&self) -> u64 {
        self.opened.load(Ordering::Relaxed)
    }

    /// An idle connection to `origin` that is still open: the most recently used one in state
    /// `prefer` when there is one, else the most recently used one, never one NTLM signed in
    /// unless `ntlm_allowed` (a request without credentials must not ride on a sign-in).
    pub fn checkout(&self, origin: &Origin, prefer: ConnectionAuth, ntlm_allowed: bool) -> Option<PooledConnection> {
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        let list = idle.get_mut(origin)?;
        list.retain(|c| !c.sender.is_closed());
        let usable = |c: &PooledConnection| ntlm_allowed || c.auth != ConnectionAuth::Ntlm;
        let preferred = list.iter().rposition(|c| c.auth == prefer && usable(c));
        preferred.or_else(|| list.iter().rposition(usable)).map(|i| list.swap_remove(i))
    }

    /// Returns a connection after a complete exchange; closed or surplus ones are dropped.
    pub fn checkin(&self, conn: PooledConnection) {
        if conn.sender.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        let list = idle.entry(conn.origin.clone()).or_default();
        if list.len() < self.max_idle_per_origin {
            list.push(conn);
        }
    }

    /// Opens a new connection to `origin` (at `addr` when given instead of resolving the host).
    pub async fn connect(
        &self,
        origin: &Origin,
        addr: Option<SocketAddr>,
        tls: &Arc<ClientConfig>,
        timeout: Duration,
    ) -> Result<PooledConnection, ConnectError> {
        let conn =
            tokio::time::timeout(timeout, open(origin, addr, tls)).await.map_err(|_| ConnectError::Timeout)??;
        self.opened.fetch_add(1, Ordering::Relaxed);
        Ok(conn)
    }
}

async fn tcp(origin: &Origin, addr: Option<SocketAddr>) -> Result<TcpStream, ConnectError> {
    let addrs: Vec<SocketAddr> = match addr {
        Some(a) => vec![a],
        None => tokio::net::lookup_host((origin.host.as_str(), origin.port))
            .await
            .map_err(|e| ConnectError::Network(format!("cannot resolve {}: {e}", origin.host)))?
            .collect(),
    };
    let mut last = format!("{} resolves to no address", origin.host);
    for a in addrs {
        match TcpStream::connect(a).await {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => last = format!("cannot connect to {a}: {e}"),
        }
    }
    Err(ConnectError::Network(last))
}

async fn open(
    origin: &Origin,
    addr: Option<SocketAddr>,
    tls: &Arc<ClientConfig>,
) -> Result<PooledConnection, ConnectError> {
    let stream = tcp(origin, addr).await?;
    let builder = hyper::client::conn::http1::Builder::new();
    let handshake_err = |e: hyper::Error| ConnectError::Network(format!("HTTP handshake failed: {e}"));
    let (sender, channel_bindings) = match origin.scheme {
        Scheme::Http => {
            let (sender, conn) = builder.handshake(TokioIo::new(stream)).await.map_err(handshake_err)?;
            tokio::spawn(conn);
            (sender, None)
        }
        Scheme::Https => {
            let name = ServerName::try_from(origin.host.clone())
                .map_err(|_| ConnectError::Network(format!("{} is not a valid TLS server name", origin.host)))?;
            let tls_stream =
                tokio_rustls::TlsConnector::from(tls.clone()).connect(name, stream).await.map_err(|e| {
                    match super::tls::certificate_problem(&e) {
                        Some(detail) => ConnectError::Certificate(detail),
                        None => ConnectError::Network(format!("TLS handshake with {} failed: {e}", origin.host)),
                    }
                })?;
            let channel_bindings = tls_stream
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|chain| chain.first())
                .and_then(|leaf| ChannelBindings::tls_server_end_point(leaf).ok());
            let (sender, conn) = builder.handshake(TokioIo::new(tls_stream)).await.map_err(handshake_err)?;
            tokio::spawn(conn);
            (sender, channel_bindings)
        }
    };
    Ok(PooledConnection { sender, origin: origin.clone(), auth: ConnectionAuth::Anonymous, uses: 0, channel_bindings })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        let o = Origin::of(&Url::parse("https://Mail.Contoso.com/EWS/Exchange.asmx").unwrap()).unwrap();
        assert_eq!((o.scheme, o.host.as_str(), o.port), (Scheme::Https, "mail.contoso.com", 443));
        assert_eq!(o.host_header(), "mail.contoso.com");
        assert!(!o.is_loopback());
        let v6 = Origin::of(&Url::parse("http://[::1]:8080/x").unwrap()).unwrap();
        assert_eq!(v6.host_header(), "[::1]:8080");
        assert!(v6.is_loopback());
        assert!(Origin::of(&Url::parse("http://127.0.0.2/").unwrap()).unwrap().is_loopback());
        assert!(Origin::of(&Url::parse("http://localhost/").unwrap()).unwrap().is_loopback());
        assert!(!Origin::of(&Url::parse("http://localhost.contoso.com/").unwrap()).unwrap().is_loopback());
        assert!(Origin::of(&Url::parse("ftp://x/").unwrap()).is_none());
    }
}
