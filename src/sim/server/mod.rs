//! The simulator's network side: an Exchange server on loopback, speaking EWS over HTTP (or HTTPS
//! with a generated certificate), with autodiscover, an OAuth token endpoint, impersonation, fault
//! injection and counters, built on the [`Store`].
//!
//! Endpoints (all `POST`, paths case-insensitive as on IIS):
//! - `/EWS/Exchange.asmx`: `SyncFolderItems`, `GetItem`, `CreateItem`, `UpdateItem`, `DeleteItem`,
//!   `FindItem`, `GetFolder`, `FindFolder`, `CreateFolder`, `ResolveNames`, `ConvertId`, decoded
//!   strictly (schema violations are `ErrorSchemaValidation` faults with line and position), with
//!   `RequestServerVersion` checked against the [`ServerProfile`] and `ExchangeImpersonation`
//!   resolved against the directory;
//! - `/autodiscover/autodiscover.xml` (POX) and `/autodiscover/autodiscover.svc` (SOAP
//!   `GetUserSettings`);
//! - `/{tenant}/oauth2/v2.0/token`: client credentials with a secret or a certificate-signed
//!   assertion, issuing bearer tokens the EWS endpoint accepts.
//!
//! EWS and autodiscover need authentication: NTLM and Basic (a [`ServiceAccount`] by any of its
//! logon names) and Bearer (a token of an [`OAuthApp`]), chosen with [`AuthSchemes`]; refusals
//! are 401 with `WWW-Authenticate` for each enabled scheme. Authentication is per-connection
//! state: an NTLM handshake signs its connection in for the requests that follow on it, as on
//! IIS, and over TLS it must carry the channel bindings of the server's certificate (Extended
//! Protection).
//!
//! The control API drives the server from tests and benchmarks: [`SimServer::side_door`] changes
//! mailboxes as their owners would in Outlook, [`SimServer::faults`] injects throttling, HTTP
//! errors, latency, lost responses and invalid sync states, [`SimServer::counters`] tells what
//! the server saw.
//!
//! ```
//! use exsync::sim::{ServiceAccount, SimServer};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = SimServer::builder()
//!     .domain("contoso.com")
//!     .service_account(ServiceAccount::new("svc@contoso.com", "Passw0rd!").impersonating_all())
//!     .mailbox("alice@contoso.com")
//!     .start()
//!     .await?;
//!
//! // A GetFolder for Alice's contacts folder, impersonating her, over plain HTTP/1.1.
//! let soap = r#"<?xml version="1.0" encoding="utf-8"?>
//! <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
//!   xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"
//!   xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
//!   <soap:Header>
//!     <t:RequestServerVersion Version="Exchange2016"/>
//!     <t:ExchangeImpersonation><t:ConnectingSID>
//!       <t:PrimarySmtpAddress>alice@contoso.com</t:PrimarySmtpAddress>
//!     </t:ConnectingSID></t:ExchangeImpersonation>
//!   </soap:Header>
//!   <soap:Body>
//!     <m:GetFolder>
//!       <m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>
//!       <m:FolderIds><t:DistinguishedFolderId Id="contacts"/></m:FolderIds>
//!     </m:GetFolder>
//!   </soap:Body>
//! </soap:Envelope>"#;
//! let mut tcp = tokio::net::TcpStream::connect(server.local_addr()).await?;
//! let head = format!(
//!     "POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: {}\r\nAuthorization: Basic c3ZjQGNvbnRvc28uY29tOlBhc3N3MHJkIQ==\r\n\
//!      Content-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
//!     server.local_addr(),
//!     soap.len()
//! );
//! tcp.write_all(head.as_bytes()).await?;
//! tcp.write_all(soap.as_bytes()).await?;
//! let mut answer = String::new();
//! tcp.read_to_string(&mut answer).await?;
//! assert!(answer.starts_with("HTTP/1.1 200"));
//! assert!(answer.contains("<t:DisplayName>Contacts</t:DisplayName>"));
//! assert_eq!(server.counters().operation("GetFolder"), 1);
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod assertion;
mod auth;
mod autodiscover;
mod counters;
mod directory;
mod error;
mod ews_endpoint;
mod ews_operations;
mod faults;
mod impersonation;
mod listener;
mod oauth;
mod ops;
mod profile;
mod reply;
mod state;
mod tls;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::ntlm::NtlmTarget;
use crate::sim::{Clock, MailboxStore, SideDoor, Store, StoreError, SystemClock};
use crate::xml::Limits;

pub use auth::{AuthScheme, AuthSchemes};
pub use autodiscover::AutodiscoverRedirect;
pub use counters::{CounterSnapshot, Endpoint};
pub use directory::{ImpersonationGrant, MailboxUser, OAuthApp, ServiceAccount};
pub use error::SimError;
pub use faults::{Fault, FaultAction, FaultId, FaultInjector, Trigger};
pub use oauth::JWT_BEARER_ASSERTION;
pub use profile::ServerProfile;

use directory::Directory;
use state::Shared;

/// The default seed of the store's ids, change keys and sync states.
const DEFAULT_SEED: u64 = 0x5EED_E5C4_A06E;

/// Configures a [`SimServer`]; get one with [`SimServer::builder`].
#[derive(Debug)]
pub struct SimServerBuilder {
    domains: Vec<String>,
    netbios: Option<String>,
    tenant_id: Option<String>,
    accounts: Vec<ServiceAccount>,
    apps: Vec<OAuthApp>,
    mailboxes: Vec<(String, Option<String>)>,
    profile: ServerProfile,
    auth: AuthSchemes,
    tls: bool,
    tls_host_names: Vec<String>,
    public_host: Option<String>,
    extended_protection: bool,
    bind: SocketAddr,
    seed: u64,
    clock: Option<Arc<dyn Clock>>,
    token_lifetime: Duration,
    max_body: usize,
}

impl Default for SimServerBuilder {
    fn default() -> Self {
        SimServerBuilder {
            domains: Vec::new(),
            netbios: None,
            tenant_id: None,
            accounts: Vec::new(),
            apps: Vec::new(),
            mailboxes: Vec::new(),
            profile: ServerProfile::default(),
            auth: AuthSchemes::default(),
            tls: false,
            tls_host_names: Vec::new(),
            public_host: None,
            extended_protection: true,
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            seed: DEFAULT_SEED,
            clock: None,
            token_lifetime: Duration::from_secs(3599),
            max_body: 32 * 1024 * 1024,
        }
    }
}

impl SimServerBuilder {
    /// Adds an accepted domain (the first one also gives the NetBIOS name, `contoso.com` →
    /// `CONTOSO`, unless [`netbios_name`](Self::netbios_name) sets it).
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domains.push(domain.into());
        self
    }

    /// The organisation's NetBIOS domain name, for down-level logon names (`CONTOSO\svc`).
    pub fn netbios_name(mut self, name: impl Into<String>) -> Self {
        self.netbios = Some(name.into());
        self
    }

    /// The tenant id the token endpoint answers for (besides the accepted domains); by default one
    /// derived from the seed.
    pub fn tenant_id(mut self, id: impl Into<String>) -> Self {
        self.tenant_id = Some(id.into());
        self
    }

    /// Adds a service account.
    pub fn service_account(mut self, account: ServiceAccount) -> Self {
        self.accounts.push(account);
        self
    }

    /// Registers an OAuth app with the token endpoint.
    pub fn oauth_app(mut self, app: OAuthApp) -> Self {
        self.apps.push(app);
        self
    }

    /// Adds a mailbox (its display name is made from the address: `alice.wong@…` → `Alice Wong`).
    pub fn mailbox(mut self, address: impl Into<String>) -> Self {
        self.mailboxes.push((address.into(), None));
        self
    }

    /// Adds a mailbox with a display name.
    pub fn mailbox_named(mut self, address: impl Into<String>, display_name: impl Into<String>) -> Self {
        self.mailboxes.push((address.into(), Some(display_name.into())));
        self
    }

    /// The Exchange release to answer as (default: Exchange 2019).
    pub fn server_profile(mut self, profile: ServerProfile) -> Self {
        self.profile = profile;
        self
    }

    /// The authentication schemes accepted (default: NTLM, Basic and Bearer).
    pub fn auth(mut self, schemes: AuthSchemes) -> Self {
        self.auth = schemes;
        self
    }

    /// Serves HTTPS with a generated certificate (default: plain HTTP).
    pub fn tls(mut self, on: bool) -> Self {
        self.tls = on;
        self
    }

    /// Adds a DNS name to the generated server certificate (besides `localhost` and
    /// `127.0.0.1`), so that clients can reach the server as `autodiscover.contoso.com` or
    /// `mail.contoso.com` (with the name resolved to the server's address, e.g. with
    /// `HttpOptions::resolve`).
    pub fn tls_host_name(mut self, name: impl Into<String>) -> Self {
        self.tls_host_names.push(name.into());
        self
    }

    /// The host name the server gives itself in the URLs it hands out (the EWS URL autodiscover
    /// answers with, [`SimServer::ews_url`], [`SimServer::token_url`]), as a real Exchange
    /// publishes `https://mail.contoso.com/EWS/Exchange.asmx`; with TLS the certificate names it
    /// too. Clients resolve it to the server's address (e.g. with `HttpOptions::resolve`, for
    /// `name:port`). Default: the listening IP address.
    pub fn public_host_name(mut self, name: impl Into<String>) -> Self {
        self.public_host = Some(name.into());
        self
    }

    /// Whether NTLM sign-ins over TLS must carry the channel bindings of the server's certificate,
    /// as Exchange's Extended Protection set to *Require* (the default since Exchange 2019 CU14)
    /// demands. Default: on. Off, channel bindings are not checked.
    pub fn ntlm_extended_protection(mut self, required: bool) -> Self {
        self.extended_protection = required;
        self
    }

    /// Listens on `127.0.0.1:port` (default: port 0, any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.bind.set_port(port);
        self
    }

    /// Listens on `addr`.
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// The seed of ids, change keys, sync states and SIDs (servers with the same seed issue the
    /// same strings).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The clock items are stamped from and tokens and assertions are timed by (default: the
    /// system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// How long issued bearer tokens are valid (default: 3599 s).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// The largest request body accepted, in bytes (default 32 MiB; larger ones get 413).
    pub fn max_request_bytes(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Checks the configuration, opens the socket and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<SimServer, SimError> {
        if self.auth.is_empty() {
            return Err(SimError::NoAuthScheme);
        }
        if let Some(name) = &self.public_host {
            if !matches!(url::Host::parse(name.trim()), Ok(url::Host::Domain(_))) {
                return Err(SimError::InvalidDomain { domain: name.clone() });
            }
        }
        let mut directory =
            Directory::new(self.domains, self.netbios, self.tenant_id, self.accounts, self.apps, self.seed)?;
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let mut store = Store::new(self.seed, Arc::clone(&clock));
        for (address, name) in &self.mailboxes {
            let user = directory.add_user(address, name.as_deref())?;
            store
                .add_mailbox(&user.address, &user.display_name)
                .map_err(|source| SimError::Store { mailbox: user.address.clone(), source })?;
        }
        directory.check_references()?;

        let listener =
            TcpListener::bind(self.bind).await.map_err(|source| SimError::Bind { addr: self.bind, source })?;
        let local = listener.local_addr().map_err(|source| SimError::Bind { addr: self.bind, source })?;
        let host = if local.ip().is_unspecified() { IpAddr::V4(Ipv4Addr::LOCALHOST) } else { local.ip() };
        let url_host = match (&self.public_host, host) {
            (Some(name), _) => name.trim().to_ascii_lowercase(),
            (None, IpAddr::V6(v6)) => format!("[{v6}]"),
            (None, v4) => v4.to_string(),
        };
        let tls = if self.tls {
            let mut hosts = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
            let public = self.public_host.iter().map(|h| h.trim().to_ascii_lowercase());
            for name in std::iter::once(host.to_string()).chain(public).chain(self.tls_host_names) {
                if !hosts.contains(&name) {
                    hosts.push(name);
                }
            }
            Some(tls::setup(&hosts)?)
        } else {
            None
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let ntlm_target = {
            let dns_domain = directory.domains[0].clone();
            NtlmTarget {
                netbios_domain: directory.netbios.clone(),
                netbios_computer: "EXCH01".to_owned(),
                dns_computer: format!("exch01.{dns_domain}"),
                dns_domain,
            }
        };
        let channel_bindings = tls.as_ref().filter(|_| self.extended_protection).map(|t| t.channel_bindings);
        let shared = Arc::new(Shared {
            store: Mutex::new(store),
            directory: RwLock::new(directory),
            profile: self.profile,
            auth: self.auth,
            ntlm_target,
            channel_bindings,
            ntlm_generation: AtomicU64::new(0),
            faults: FaultInjector::default(),
            counters: counters::Counters::default(),
            tokens: oauth::IssuedTokens::default(),
            redirects: Mutex::new(HashMap::new()),
            base_url: format!("{scheme}://{url_host}:{}", local.port()),
            clock,
            xml_limits: Limits { max_depth: 64, max_bytes: self.max_body },
            max_body: self.max_body,
            token_lifetime: self.token_lifetime,
        });
        let (stop, stopped) = watch::channel(false);
        let acceptor = tls.as_ref().map(|t| tokio_rustls::TlsAcceptor::from(Arc::clone(&t.config)));
        let task = tokio::spawn(listener::accept_loop(listener, Arc::clone(&shared), acceptor, stopped));
        Ok(SimServer {
            shared,
            local,
            ca_pem: tls.as_ref().map(|t| t.ca_pem.clone()),
            server_pem: tls.map(|t| t.server_pem),
            stop,
            task: Some(task),
        })
    }
}

/// A running simulated Exchange server. Dropping it stops it (abruptly); [`SimServer::shutdown`]
/// stops it gracefully.
#[derive(Debug)]
pub struct SimServer {
    shared: Arc<Shared>,
    local: SocketAddr,
    ca_pem: Option<String>,
    server_pem: Option<String>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl SimServer {
    /// A builder with no domain, account or mailbox, NTLM, Basic and Bearer accepted, plain HTTP
    /// on a free loopback port, answering as Exchange 2019.
    pub fn builder() -> SimServerBuilder {
        SimServerBuilder::default()
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// `http://127.0.0.1:port` (or `https://…`, and the
    /// [public host name](SimServerBuilder::public_host_name) instead of the address when set).
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The EWS endpoint: `{base}/EWS/Exchange.asmx`.
    pub fn ews_url(&self) -> String {
        self.shared.ews_url()
    }

    /// The POX autodiscover endpoint: `{base}/autodiscover/autodiscover.xml`.
    pub fn autodiscover_url(&self) -> String {
        format!("{}/autodiscover/autodiscover.xml", self.shared.base_url)
    }

    /// The SOAP autodiscover endpoint: `{base}/autodiscover/autodiscover.svc`.
    pub fn autodiscover_soap_url(&self) -> String {
        format!("{}/autodiscover/autodiscover.svc", self.shared.base_url)
    }

    /// The token endpoint for `tenant` (the tenant id, an accepted domain, or
    /// `{netbios}.onmicrosoft.com`): `{base}/{tenant}/oauth2/v2.0/token`. Client assertions must
    /// name this URL as their `aud`.
    pub fn token_url(&self, tenant: &str) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.shared.base_url, tenant)
    }

    /// The tenant id.
    pub fn tenant_id(&self) -> String {
        self.shared.directory().tenant_id.clone()
    }

    /// The CA certificate (PEM) that signed the server's certificate, for clients to trust; `None`
    /// without TLS.
    pub fn ca_certificate_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The server's own certificate (PEM); `None` without TLS.
    pub fn server_certificate_pem(&self) -> Option<&str> {
        self.server_pem.as_deref()
    }

    /// The release the server answers as.
    pub fn profile(&self) -> ServerProfile {
        self.shared.profile
    }

    /// The fault injector (clones arm the same server).
    pub fn faults(&self) -> FaultInjector {
        self.shared.faults.clone()
    }

    /// What the server has seen so far.
    pub fn counters(&self) -> CounterSnapshot {
        self.shared.counters.snapshot()
    }

    /// Sets every counter back to zero.
    pub fn reset_counters(&self) {
        self.shared.counters.reset();
    }

    /// Changes mailbox `address` as its owner would in Outlook (no change-key checks), with the
    /// same change tracking EWS clients see.
    ///
    /// ```
    /// # use exsync::sim::{ServiceAccount, SimServer};
    /// use exsync::ews::{BaseFolderId, Contact, DistinguishedFolderName, Item};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let server = SimServer::builder().domain("contoso.com").mailbox("alice@contoso.com")
    /// #     .service_account(ServiceAccount::new("svc@contoso.com", "pw")).start().await?;
    /// let contacts = BaseFolderId::distinguished(DistinguishedFolderName::Contacts);
    /// let id = server.side_door("alice@contoso.com", |door| {
    ///     let c = Contact { display_name: Some("Dana Ruiz".into()), ..Contact::default() };
    ///     door.create(&contacts, Item::Contact(Box::new(c)))
    /// })?;
    /// let count = server.with_mailbox("alice@contoso.com", |m| m.items(&contacts).map(|i| i.len()))??;
    /// assert_eq!(count, 1);
    /// # let _ = id;
    /// # Ok(())
    /// # }
    /// ```
    pub fn side_door<R>(
        &self,
        address: &str,
        change: impl FnOnce(&mut SideDoor<'_>) -> Result<R, StoreError>,
    ) -> Result<R, SimError> {
        let mut store = self.shared.store();
        let mailbox =
            store.mailbox_mut(address).map_err(|source| SimError::Store { mailbox: address.to_owned(), source })?;
        let mut door = mailbox.side_door();
        change(&mut door).map_err(|source| SimError::Store { mailbox: address.to_owned(), source })
    }

    /// Reads mailbox `address`.
    pub fn with_mailbox<R>(&self, address: &str, read: impl FnOnce(&MailboxStore) -> R) -> Result<R, SimError> {
        let store = self.shared.store();
        let mailbox =
            store.mailbox(address).map_err(|source| SimError::Store { mailbox: address.to_owned(), source })?;
        Ok(read(mailbox))
    }

    /// Adds a mailbox while the server runs.
    pub fn add_mailbox(&self, address: &str, display_name: Option<&str>) -> Result<MailboxUser, SimError> {
        let mut directory = self.shared.directory_mut();
        let mut store = self.shared.store();
        let user = directory.add_user(address, display_name)?;
        store
            .add_mailbox(&user.address, &user.display_name)
            .map_err(|source| SimError::Store { mailbox: user.address.clone(), source })?;
        Ok(user)
    }

    /// The directory entry of mailbox `address` (its SID and principal name, for impersonation by
    /// those).
    pub fn mailbox_user(&self, address: &str) -> Option<MailboxUser> {
        self.shared.directory().user(address).cloned()
    }

    /// Makes autodiscover answer requests for `address` with `redirect`.
    pub fn autodiscover_redirect(&self, address: &str, redirect: AutodiscoverRedirect) {
        self.shared.redirects().insert(address.trim().to_ascii_lowercase(), redirect);
    }

    /// Removes every autodiscover redirect.
    pub fn clear_autodiscover_redirects(&self) {
        self.shared.redirects().clear();
    }

    /// Signs every NTLM-authenticated connection out, as an IIS application pool recycle does:
    /// the next request on such a connection gets a 401 offering NTLM, and the client must run
    /// the handshake again.
    pub fn expire_ntlm_sign_ins(&self) {
        self.shared.ntlm_generation.fetch_add(1, Ordering::Relaxed);
    }

    /// Forgets every issued bearer token (as after a key rollover): clients must get new ones.
    pub fn revoke_tokens(&self) {
        self.shared.tokens.revoke_all();
    }

    /// Stops accepting connections, lets open requests finish (at most about two seconds), and
    /// waits for the server task to end.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for SimServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
