//! The autodiscover plan: a sans-IO state machine from an email address to the EWS URL.
//!
//! [`AutodiscoverPlan::next_step`] yields the next [`Attempt`] (or the final result); the driver
//! performs it — HTTP POST with credentials for [`Attempt::Pox`] and [`Attempt::Soap`], an
//! unauthenticated GET that does not follow redirects for [`Attempt::RedirectProbe`], a DNS query
//! for [`Attempt::SrvLookup`] — and hands the [`Outcome`] and the time it took to
//! [`AutodiscoverPlan::handle`]. The driver never follows HTTP redirects itself: it reports them,
//! and the plan decides.
//!
//! For an address at `contoso.com` the order is (each protocol in [`AutodiscoverConfig::protocols`]
//! order, POX first by default):
//! 1. `https://contoso.com/autodiscover/autodiscover.xml` (and `.svc` for SOAP);
//! 2. `https://autodiscover.contoso.com/autodiscover/autodiscover.xml` (and `.svc`);
//! 3. `http://autodiscover.contoso.com/autodiscover/autodiscover.xml`, without credentials: only a
//!    redirect's `Location` is used;
//! 4. the `_autodiscover._tcp.contoso.com` SRV record, then its targets.
//!
//! `redirectAddr` answers start over for the new address, `redirectUrl` answers and HTTP redirects
//! go to the new URL; at most [`AutodiscoverConfig::max_hops`] redirects are followed, and a
//! redirect back to an address or URL already tried is a loop.
//!
//! Security: credentials go only over HTTPS (plain HTTP only to loopback hosts, and only when
//! [`AutodiscoverConfig::allow_http_loopback`] is set) and only to hosts in the user's email domain,
//! in [`AutodiscoverConfig::trusted_domains`], or approved by the caller's [`RedirectPolicy`]. No
//! request of any kind goes to `autodiscover.<public suffix>` (`autodiscover.com`,
//! `autodiscover.co.uk`: the 2021 "Autodiscover leak"), whatever the policy says. The EWS URL an
//! answer names is vetted the same way, since it will receive the credentials too. Every refusal is
//! recorded ([`AutodiscoverPlan::refusals`]), and so is every attempt
//! ([`AutodiscoverPlan::attempts`]) for the setup analyzer.
//!
//! ```
//! use std::time::Duration;
//! use exsync::autodiscover::plan::{Attempt, AutodiscoverConfig, AutodiscoverPlan, DenyAll, Outcome, Step};
//! use exsync::autodiscover::pox::PoxResponse;
//!
//! let mut plan = AutodiscoverPlan::new("alice@contoso.com", AutodiscoverConfig::default(), DenyAll).unwrap();
//! let Step::Attempt(Attempt::Pox { url, .. }) = plan.next_step() else { panic!() };
//! assert_eq!(url.as_str(), "https://contoso.com/autodiscover/autodiscover.xml");
//! plan.handle(Outcome::Network("connection refused".into()), Duration::from_millis(30)).unwrap();
//!
//! let Step::Attempt(Attempt::Soap { url, .. }) = plan.next_step() else { panic!() };
//! assert_eq!(url.as_str(), "https://contoso.com/autodiscover/autodiscover.svc");
//! plan.handle(Outcome::HttpStatus(404), Duration::from_millis(40)).unwrap();
//!
//! let Step::Attempt(Attempt::Pox { url, .. }) = plan.next_step() else { panic!() };
//! assert_eq!(url.as_str(), "https://autodiscover.contoso.com/autodiscover/autodiscover.xml");
//! let answer = r#"<Autodiscover><Response><Account><Action>settings</Action>
//!   <Protocol><Type>EXPR</Type><EwsUrl>https://mail.contoso.com/EWS/Exchange.asmx</EwsUrl></Protocol>
//!   </Account></Response></Autodiscover>"#;
//! plan.handle(Outcome::Pox(Box::new(PoxResponse::parse(answer).unwrap())), Duration::from_millis(80)).unwrap();
//! let Step::Done(Ok(found)) = plan.next_step() else { panic!() };
//! assert_eq!(found.ews_url.as_str(), "https://mail.contoso.com/EWS/Exchange.asmx");
//! assert_eq!(plan.attempts().len(), 3);
//! ```

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::net::IpAddr;
use std::time::{Duration, SystemTime};

use url::{Host, Url};

use crate::ews::ExchangeVersion;

use super::pox::{PoxAction, PoxRequest, PoxResponse};
use super::soap::{AutodiscoverErrorCode, GetUserSettingsReply, GetUserSettingsRequest, UserSettingName};

/// Which autodiscover protocol an attempt speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum AutodiscoverProtocol {
    /// POX (`autodiscover.xml`).
    Pox,
    /// SOAP `GetUserSettings` (`autodiscover.svc`).
    Soap,
}

impl AutodiscoverProtocol {
    fn file(self) -> &'static str {
        match self {
            AutodiscoverProtocol::Pox => "autodiscover.xml",
            AutodiscoverProtocol::Soap => "autodiscover.svc",
        }
    }
}

/// Which EWS URL to use when an answer has both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub enum EwsUrlPreference {
    /// The external URL (`EXPR` / `ExternalEwsUrl`), else the internal one.
    #[default]
    External,
    /// The internal URL (`EXCH` / `InternalEwsUrl`), else the external one.
    Internal,
}

/// The plan's settings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AutodiscoverConfig {
    /// Domains besides the user's own whose hosts may receive credentials (`contoso.net` also
    /// trusts `mail.contoso.net`).
    pub trusted_domains: Vec<String>,
    /// The protocols to try at each autodiscover host, in order.
    pub protocols: Vec<AutodiscoverProtocol>,
    /// Whether to try the unauthenticated HTTP redirect probe.
    pub redirect_probe: bool,
    /// Whether to look up the `_autodiscover._tcp` SRV record.
    pub srv_lookup: bool,
    /// Most redirects followed.
    pub max_hops: u32,
    /// Which EWS URL to prefer.
    pub prefer: EwsUrlPreference,
    /// `RequestedServerVersion` of SOAP requests.
    pub soap_version: ExchangeVersion,
    /// Allow plain `http://` with credentials to loopback hosts (test servers only).
    pub allow_http_loopback: bool,
}

impl Default for AutodiscoverConfig {
    fn default() -> Self {
        AutodiscoverConfig {
            trusted_domains: Vec::new(),
            protocols: vec![AutodiscoverProtocol::Pox, AutodiscoverProtocol::Soap],
            redirect_probe: true,
            srv_lookup: true,
            max_hops: 10,
            prefer: EwsUrlPreference::External,
            soap_version: ExchangeVersion::Exchange2010,
            allow_http_loopback: false,
        }
    }
}

/// The caller's say on hosts outside the trusted domains: whether credentials may go to `host`
/// (already lower case, IDNA-encoded) for `url`.
pub trait RedirectPolicy: Send + Sync {
    /// `true` to allow.
    fn approves(&self, host: &str, url: &Url) -> bool;
}

/// Approves nothing beyond the trusted domains.
#[derive(Debug, Clone, Copy, Default)]
pub struct DenyAll;

impl RedirectPolicy for DenyAll {
    fn approves(&self, _host: &str, _url: &Url) -> bool {
        false
    }
}

/// Approves listed hosts exactly and listed domains with their subdomains.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApprovedHosts {
    /// Hosts approved exactly (`autodiscover-s.outlook.com`).
    pub hosts: Vec<String>,
    /// Domains approved with every subdomain (`outlook.com`).
    pub domains: Vec<String>,
}

impl RedirectPolicy for ApprovedHosts {
    fn approves(&self, host: &str, _url: &Url) -> bool {
        self.hosts.iter().any(|h| normalize_domain(h).is_some_and(|h| h == host))
            || self.domains.iter().filter_map(|d| normalize_domain(d)).any(|d| in_domain(host, &d))
    }
}

impl<F> RedirectPolicy for F
where
    F: Fn(&str, &Url) -> bool + Send + Sync,
{
    fn approves(&self, host: &str, url: &Url) -> bool {
        self(host, url)
    }
}

/// One thing for the driver to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    /// POST `request` (POX) to `url` with credentials; report redirects, do not follow them.
    Pox {
        /// Where.
        url: Url,
        /// What.
        request: PoxRequest,
    },
    /// POST `request` (SOAP `GetUserSettings`) to `url` with credentials; report redirects.
    Soap {
        /// Where.
        url: Url,
        /// What.
        request: GetUserSettingsRequest,
    },
    /// GET `url` without credentials and without following redirects; only a 30x `Location`
    /// counts.
    RedirectProbe {
        /// Where.
        url: Url,
    },
    /// Look up the SRV records of `name`.
    SrvLookup {
        /// `_autodiscover._tcp.<domain>`.
        name: String,
    },
}

/// The kind of an [`Attempt`], for records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum AttemptKind {
    /// POX POST.
    Pox,
    /// SOAP POST.
    Soap,
    /// Unauthenticated GET.
    RedirectProbe,
    /// DNS SRV query.
    SrvLookup,
}

impl Attempt {
    /// Its kind.
    pub fn kind(&self) -> AttemptKind {
        match self {
            Attempt::Pox { .. } => AttemptKind::Pox,
            Attempt::Soap { .. } => AttemptKind::Soap,
            Attempt::RedirectProbe { .. } => AttemptKind::RedirectProbe,
            Attempt::SrvLookup { .. } => AttemptKind::SrvLookup,
        }
    }

    /// Whether the driver sends credentials.
    pub fn sends_credentials(&self) -> bool {
        matches!(self, Attempt::Pox { .. } | Attempt::Soap { .. })
    }

    /// The URL, for HTTP attempts.
    pub fn url(&self) -> Option<&Url> {
        match self {
            Attempt::Pox { url, .. } | Attempt::Soap { url, .. } | Attempt::RedirectProbe { url } => Some(url),
            Attempt::SrvLookup { .. } => None,
        }
    }

    /// The request body, for POST attempts.
    pub fn body(&self) -> Option<String> {
        match self {
            Attempt::Pox { request, .. } => Some(request.to_xml_string()),
            Attempt::Soap { request, .. } => Some(request.to_xml_string()),
            _ => None,
        }
    }

    /// The operation name for wire-trace files (`Autodiscover`, `GetUserSettings`,
    /// `AutodiscoverRedirect`).
    pub fn operation(&self) -> &'static str {
        match self {
            Attempt::Pox { .. } => "Autodiscover",
            Attempt::Soap { .. } => "GetUserSettings",
            Attempt::RedirectProbe { .. } => "AutodiscoverRedirect",
            Attempt::SrvLookup { .. } => "SrvLookup",
        }
    }

    fn target(&self) -> String {
        match self {
            Attempt::SrvLookup { name } => name.clone(),
            other => other.url().map(|u| u.to_string()).unwrap_or_default(),
        }
    }
}

/// A DNS SRV record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct SrvRecord {
    /// Priority (lower first).
    pub priority: u16,
    /// Weight (higher first among equal priorities).
    pub weight: u16,
    /// Port.
    pub port: u16,
    /// Target host.
    pub target: String,
}

/// What happened to an attempt, as the driver saw it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A POX answer (HTTP 200, parsed).
    Pox(Box<PoxResponse>),
    /// A SOAP answer or fault (parsed).
    Soap(Box<GetUserSettingsReply>),
    /// An HTTP redirect (301, 302, 303, 307, 308) to `location` (absolute or relative).
    Redirect {
        /// The status code.
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// Any other HTTP status without a usable body (401, 403, 404, 500, a 200 on the probe, …).
    HttpStatus(u16),
    /// A body that could not be read as the protocol's answer (HTML login page, …): the parse
    /// error's text.
    InvalidBody(String),
    /// Name resolution, connection, TLS or time-out failure: its text (no secrets).
    Network(String),
    /// The SRV records found (empty when there are none).
    Srv(Vec<SrvRecord>),
}

/// Why a URL was not used.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum RefusalReason {
    /// Credentials would have gone over plain HTTP.
    NotHttps,
    /// The URL carries a user name or password.
    EmbeddedCredentials,
    /// The URL is not absolute, has no host, or does not parse.
    InvalidUrl,
    /// The host is `autodiscover.<public suffix>` or under it.
    PublicSuffixAutodiscover,
    /// The host is itself a public suffix.
    PublicSuffixHost,
    /// The host is outside the trusted domains and the policy did not approve it.
    UntrustedHost,
    /// An address from a redirect is not an email address.
    InvalidAddress,
}

impl fmt::Display for RefusalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RefusalReason::NotHttps => "credentials are only sent over HTTPS",
            RefusalReason::EmbeddedCredentials => "the URL carries credentials of its own",
            RefusalReason::InvalidUrl => "the URL is not a valid absolute URL",
            RefusalReason::PublicSuffixAutodiscover => {
                "the host is autodiscover.<public suffix>, which nobody's Exchange legitimately uses"
            }
            RefusalReason::PublicSuffixHost => "the host is a public suffix",
            RefusalReason::UntrustedHost => {
                "the host is outside the user's and the configured domains, and the redirect policy did not approve it"
            }
            RefusalReason::InvalidAddress => "the redirect address is not a valid email address",
        })
    }
}

/// Where a refused URL came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum TargetSource {
    /// One of the standard URLs for a domain.
    Candidate,
    /// An HTTP redirect's `Location`.
    HttpRedirect,
    /// The redirect probe's `Location`.
    RedirectProbe,
    /// A POX `redirectUrl` or SOAP `RedirectUrl` answer.
    RedirectUrl,
    /// A POX `redirectAddr` or SOAP `RedirectAddress` answer.
    RedirectAddress,
    /// An SRV record's target.
    SrvRecord,
    /// The EWS URL of an answer.
    EwsUrl,
}

/// A URL (or address) the plan refused to use.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Refusal {
    /// The URL or address (user info removed).
    pub target: String,
    /// Where it came from.
    pub source: TargetSource,
    /// Why it was refused.
    pub reason: RefusalReason,
    /// The URL that sent the client there, if any.
    pub from: Option<String>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "refused {} ({:?}", self.target, self.source)?;
        if let Some(from) = &self.from {
            write!(f, " from {from}")?;
        }
        write!(f, "): {}", self.reason)
    }
}

/// What an attempt came to, for the setup analyzer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptResult {
    /// An EWS URL was found.
    Found {
        /// The EWS URL.
        ews_url: String,
    },
    /// The answer had settings but no EWS URL usable here.
    NoEwsUrl,
    /// Redirect to another address.
    RedirectAddress {
        /// The address.
        to: String,
    },
    /// Redirect to another autodiscover URL (answer or HTTP 30x).
    RedirectUrl {
        /// The URL (user info removed).
        to: String,
        /// The HTTP status, for HTTP redirects.
        status: Option<u16>,
    },
    /// The server reported an error.
    ServerError {
        /// Code and message.
        detail: String,
    },
    /// An HTTP status without a usable answer.
    HttpStatus {
        /// The status.
        status: u16,
    },
    /// The body was not an autodiscover answer.
    InvalidBody {
        /// Why.
        detail: String,
    },
    /// A network failure.
    Network {
        /// What.
        detail: String,
    },
    /// SRV records found.
    SrvRecords {
        /// `target:port` of each, in the order tried.
        targets: Vec<String>,
    },
    /// The answer's redirect was refused (see [`AutodiscoverPlan::refusals`]).
    Refused,
}

impl fmt::Display for AttemptResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttemptResult::Found { ews_url } => write!(f, "found EWS at {ews_url}"),
            AttemptResult::NoEwsUrl => f.write_str("answered without an EWS URL"),
            AttemptResult::RedirectAddress { to } => write!(f, "redirected to address {to}"),
            AttemptResult::RedirectUrl { to, status: Some(s) } => write!(f, "HTTP {s} redirect to {to}"),
            AttemptResult::RedirectUrl { to, status: None } => write!(f, "redirected to {to}"),
            AttemptResult::ServerError { detail } => write!(f, "server error {detail}"),
            AttemptResult::HttpStatus { status: 401 } => f.write_str("HTTP 401: the credentials were refused"),
            AttemptResult::HttpStatus { status } => write!(f, "HTTP {status}"),
            AttemptResult::InvalidBody { detail } => write!(f, "not an autodiscover answer: {detail}"),
            AttemptResult::Network { detail } => write!(f, "network failure: {detail}"),
            AttemptResult::SrvRecords { targets } if targets.is_empty() => f.write_str("no SRV record"),
            AttemptResult::SrvRecords { targets } => write!(f, "SRV records: {}", targets.join(", ")),
            AttemptResult::Refused => f.write_str("its redirect was refused"),
        }
    }
}

/// One attempt as performed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AttemptRecord {
    /// What kind.
    pub kind: AttemptKind,
    /// The URL (user info removed) or SRV name.
    pub target: String,
    /// The address asked for.
    pub email: String,
    /// What came of it.
    pub result: AttemptResult,
    /// How long it took (as the driver measured).
    pub duration: Duration,
}

impl fmt::Display for AttemptRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} {} for {}: {} ({} ms)",
            self.kind,
            self.target,
            self.email,
            self.result,
            self.duration.as_millis()
        )
    }
}

/// What autodiscover found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Discovery {
    /// The EWS URL to use.
    pub ews_url: Url,
    /// The external EWS URL, if the answer had one.
    pub external_ews_url: Option<String>,
    /// The internal EWS URL, if the answer had one.
    pub internal_ews_url: Option<String>,
    /// The address the answer is for (after any `redirectAddr`).
    pub email: String,
    /// The protocol that answered.
    pub protocol: AutodiscoverProtocol,
    /// The autodiscover URL that answered.
    pub endpoint: Url,
    /// The schema versions the server accepts (SOAP `EwsSupportedSchemas`), if sent.
    pub ews_supported_schemas: Option<String>,
}

/// Why autodiscover did not find an EWS URL (or the plan was misused).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AutodiscoverError {
    /// The address to discover is not an email address.
    #[error("{email:?} is not an email address ({reason}); autodiscover needs user@domain")]
    InvalidEmail {
        /// The address.
        email: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A redirect led back to an address or URL already tried.
    #[error(
        "autodiscover for {email} went in a loop: {target} was already tried (the Exchange autodiscover \
         configuration redirects in a circle; configure the EWS URL by hand or fix the redirects)"
    )]
    RedirectLoop {
        /// The address being discovered.
        email: String,
        /// The address or URL seen twice.
        target: String,
    },
    /// More redirects than allowed.
    #[error(
        "autodiscover for {email} was redirected more than {limit} times; configure the EWS URL by hand or \
         fix the redirects"
    )]
    TooManyRedirects {
        /// The address being discovered.
        email: String,
        /// The limit.
        limit: u32,
    },
    /// Every attempt failed.
    #[error(
        "autodiscover found no EWS URL for {email} after {attempts} attempt(s){}{}; see the attempt list, \
         or configure the EWS URL by hand",
        if *.unauthorized { " (the credentials were refused with HTTP 401 at least once)" } else { "" },
        if *.refused > 0 { format!(" and {} refused redirect(s)", .refused) } else { String::new() }
    )]
    NotFound {
        /// The address.
        email: String,
        /// Attempts made.
        attempts: usize,
        /// Redirects and URLs refused.
        refused: usize,
        /// Whether some endpoint answered HTTP 401.
        unauthorized: bool,
    },
    /// [`AutodiscoverPlan::handle`] was called with no attempt outstanding.
    #[error("no autodiscover attempt is in progress (call next_step first)")]
    NoAttemptInProgress,
}

/// The next thing to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Perform this attempt and report with [`AutodiscoverPlan::handle`].
    Attempt(Attempt),
    /// Finished.
    Done(Result<Discovery, AutodiscoverError>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pending {
    Http { protocol: AutodiscoverProtocol, url: Url, source: TargetSource, from: Option<String> },
    Probe { url: Url },
    Srv { name: String },
}

/// Lower case, without a trailing dot, IDNA-encoded; `None` if not a domain name.
fn normalize_domain(d: &str) -> Option<String> {
    let d = d.trim().trim_end_matches('.');
    if d.is_empty() {
        return None;
    }
    match Host::parse(d).ok()? {
        Host::Domain(s) => Some(s.to_ascii_lowercase()),
        _ => None,
    }
}

fn in_domain(host: &str, domain: &str) -> bool {
    host == domain || host.strip_suffix(domain).is_some_and(|rest| rest.ends_with('.'))
}

/// Whether `host` is `autodiscover.<public suffix>` or a name under it.
pub fn is_public_suffix_autodiscover(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match psl::domain_str(&host) {
        Some(registrable) => registrable.split('.').next() == Some("autodiscover"),
        None => false,
    }
}

/// Whether `host` is itself a (known) public suffix, such as `com` or `co.uk`.
pub fn is_public_suffix(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    psl::suffix(host.as_bytes()).is_some_and(|s| s.is_known() && s.as_bytes() == host.as_bytes())
}

fn redact_userinfo(url: &Url) -> String {
    if url.username().is_empty() && url.password().is_none() {
        return url.to_string();
    }
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.to_string()
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost"),
        Some(Host::Ipv4(a)) => IpAddr::V4(a).is_loopback(),
        Some(Host::Ipv6(a)) => IpAddr::V6(a).is_loopback(),
        None => false,
    }
}

fn split_email(email: &str) -> Result<(String, String), AutodiscoverError> {
    let invalid = |reason| AutodiscoverError::InvalidEmail { email: email.to_owned(), reason };
    let email = email.trim();
    let (local, domain) = email.rsplit_once('@').ok_or_else(|| invalid("no @"))?;
    if local.is_empty() {
        return Err(invalid("nothing before the @"));
    }
    if local.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("white space or control characters"));
    }
    let domain = normalize_domain(domain).ok_or_else(|| invalid("the domain is not a domain name"))?;
    if !domain.contains('.') && domain != "localhost" {
        return Err(invalid("the domain has a single label"));
    }
    Ok((local.to_owned(), domain))
}

/// The sans-IO autodiscover state machine. See the module documentation.
pub struct AutodiscoverPlan {
    config: AutodiscoverConfig,
    policy: Box<dyn RedirectPolicy>,
    original_email: String,
    email: String,
    trusted: Vec<String>,
    queue: VecDeque<Pending>,
    outstanding: Option<(Attempt, Pending)>,
    hops: u32,
    visited_emails: HashSet<String>,
    tried: HashSet<(AttemptKind, String, String)>,
    records: Vec<AttemptRecord>,
    refusals: Vec<Refusal>,
    unauthorized: bool,
    done: Option<Result<Discovery, AutodiscoverError>>,
}

impl fmt::Debug for AutodiscoverPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AutodiscoverPlan")
            .field("email", &self.email)
            .field("hops", &self.hops)
            .field("queued", &self.queue.len())
            .field("attempts", &self.records.len())
            .field("refusals", &self.refusals.len())
            .finish()
    }
}

impl AutodiscoverPlan {
    /// A plan for `email`.
    pub fn new(
        email: &str,
        config: AutodiscoverConfig,
        policy: impl RedirectPolicy + 'static,
    ) -> Result<Self, AutodiscoverError> {
        let (_, domain) = split_email(email)?;
        let mut trusted = vec![domain];
        trusted.extend(config.trusted_domains.iter().filter_map(|d| normalize_domain(d)));
        let email = email.trim().to_owned();
        let mut plan = AutodiscoverPlan {
            config,
            policy: Box::new(policy),
            original_email: email.clone(),
            email: email.clone(),
            trusted,
            queue: VecDeque::new(),
            outstanding: None,
            hops: 0,
            visited_emails: HashSet::from([email.to_lowercase()]),
            tried: HashSet::new(),
            records: Vec::new(),
            refusals: Vec::new(),
            unauthorized: false,
            done: None,
        };
        plan.queue_domain_candidates();
        Ok(plan)
    }

    /// The address being discovered now (changes on `redirectAddr`).
    pub fn email(&self) -> &str {
        &self.email
    }

    /// Every attempt so far, in order.
    pub fn attempts(&self) -> &[AttemptRecord] {
        &self.records
    }

    /// Every refused URL or address so far, in order.
    pub fn refusals(&self) -> &[Refusal] {
        &self.refusals
    }

    /// Redirects followed so far.
    pub fn hops(&self) -> u32 {
        self.hops
    }

    fn domain(&self) -> String {
        split_email(&self.email).map(|(_, d)| d).unwrap_or_default()
    }

    fn queue_domain_candidates(&mut self) {
        let domain = self.domain();
        let mut out = Vec::new();
        for host in [domain.clone(), format!("autodiscover.{domain}")] {
            for &protocol in &self.config.protocols {
                if let Ok(url) = Url::parse(&format!("https://{host}/autodiscover/{}", protocol.file())) {
                    out.push(Pending::Http { protocol, url, source: TargetSource::Candidate, from: None });
                }
            }
        }
        if self.config.redirect_probe {
            if let Ok(url) = Url::parse(&format!("http://autodiscover.{domain}/autodiscover/autodiscover.xml")) {
                out.push(Pending::Probe { url });
            }
        }
        if self.config.srv_lookup {
            out.push(Pending::Srv { name: format!("_autodiscover._tcp.{domain}") });
        }
        self.queue = out.into();
    }

    /// Checks a URL that would receive credentials (or, with `credentials` false, any request).
    fn vet(&self, url: &Url, credentials: bool) -> Result<(), RefusalReason> {
        if !url.username().is_empty() || url.password().is_some() {
            return Err(RefusalReason::EmbeddedCredentials);
        }
        let host = match url.host() {
            Some(Host::Domain(d)) => d.trim_end_matches('.').to_ascii_lowercase(),
            Some(Host::Ipv4(a)) => a.to_string(),
            Some(Host::Ipv6(a)) => a.to_string(),
            None => return Err(RefusalReason::InvalidUrl),
        };
        if matches!(url.host(), Some(Host::Domain(_))) {
            if is_public_suffix_autodiscover(&host) {
                return Err(RefusalReason::PublicSuffixAutodiscover);
            }
            if is_public_suffix(&host) {
                return Err(RefusalReason::PublicSuffixHost);
            }
        }
        if !credentials {
            return match url.scheme() {
                "http" | "https" => Ok(()),
                _ => Err(RefusalReason::InvalidUrl),
            };
        }
        match url.scheme() {
            "https" => {}
            "http" if self.config.allow_http_loopback && is_loopback(url) => {}
            "http" => return Err(RefusalReason::NotHttps),
            _ => return Err(RefusalReason::InvalidUrl),
        }
        if self.trusted.iter().any(|d| in_domain(&host, d)) || self.policy.approves(&host, url) {
            Ok(())
        } else {
            Err(RefusalReason::UntrustedHost)
        }
    }

    fn refuse(&mut self, target: String, source: TargetSource, reason: RefusalReason, from: Option<String>) {
        self.refusals.push(Refusal { target, source, reason, from });
    }

    fn finish(&mut self, result: Result<Discovery, AutodiscoverError>) {
        self.queue.clear();
        self.done = Some(result);
    }

    /// The next attempt, or the result. Calling it again before [`AutodiscoverPlan::handle`]
    /// returns the same attempt.
    pub fn next_step(&mut self) -> Step {
        if let Some(done) = &self.done {
            return Step::Done(done.clone());
        }
        if let Some((attempt, _)) = &self.outstanding {
            return Step::Attempt(attempt.clone());
        }
        while let Some(p) = self.queue.pop_front() {
            let attempt = match &p {
                Pending::Http { protocol, url, source, from } => {
                    if let Err(reason) = self.vet(url, true) {
                        self.refuse(redact_userinfo(url), *source, reason, from.clone());
                        continue;
                    }
                    match protocol {
                        AutodiscoverProtocol::Pox => {
                            Attempt::Pox { url: url.clone(), request: PoxRequest::new(self.email.clone()) }
                        }
                        AutodiscoverProtocol::Soap => Attempt::Soap {
                            url: url.clone(),
                            request: GetUserSettingsRequest::new(self.email.clone(), self.config.soap_version)
                                .to(url.as_str()),
                        },
                    }
                }
                Pending::Probe { url } => {
                    if let Err(reason) = self.vet(url, false) {
                        self.refuse(redact_userinfo(url), TargetSource::Candidate, reason, None);
                        continue;
                    }
                    Attempt::RedirectProbe { url: url.clone() }
                }
                Pending::Srv { name } => Attempt::SrvLookup { name: name.clone() },
            };
            let key = (attempt.kind(), attempt.target(), self.email.to_lowercase());
            if !self.tried.insert(key) {
                continue;
            }
            self.outstanding = Some((attempt.clone(), p));
            return Step::Attempt(attempt);
        }
        let err = AutodiscoverError::NotFound {
            email: self.original_email.clone(),
            attempts: self.records.len(),
            refused: self.refusals.len(),
            unauthorized: self.unauthorized,
        };
        self.finish(Err(err.clone()));
        Step::Done(Err(err))
    }

    fn record(&mut self, attempt: &Attempt, email: String, result: AttemptResult, duration: Duration) {
        let target = match attempt.url() {
            Some(u) => redact_userinfo(u),
            None => attempt.target(),
        };
        self.records.push(AttemptRecord { kind: attempt.kind(), target, email, result, duration });
    }

    /// Counts a redirect; `false` (and the plan finished) past the limit.
    fn hop(&mut self) -> bool {
        self.hops += 1;
        if self.hops > self.config.max_hops {
            let limit = self.config.max_hops;
            self.finish(Err(AutodiscoverError::TooManyRedirects { email: self.original_email.clone(), limit }));
            return false;
        }
        true
    }

    /// Follows a redirect to another URL (same protocol). Returns the record's result.
    fn redirect_to_url(
        &mut self,
        protocol: AutodiscoverProtocol,
        base: &Url,
        location: &str,
        source: TargetSource,
        status: Option<u16>,
    ) -> AttemptResult {
        let from = Some(redact_userinfo(base));
        let url = match base.join(location.trim()) {
            Ok(u) => u,
            Err(_) => {
                self.refuse(location.trim().to_owned(), source, RefusalReason::InvalidUrl, from);
                return AttemptResult::Refused;
            }
        };
        let shown = redact_userinfo(&url);
        if let Err(reason) = self.vet(&url, true) {
            self.refuse(shown, source, reason, from);
            return AttemptResult::Refused;
        }
        let kind = match protocol {
            AutodiscoverProtocol::Pox => AttemptKind::Pox,
            AutodiscoverProtocol::Soap => AttemptKind::Soap,
        };
        if self.tried.contains(&(kind, url.to_string(), self.email.to_lowercase())) {
            self.finish(Err(AutodiscoverError::RedirectLoop {
                email: self.original_email.clone(),
                target: shown.clone(),
            }));
            return AttemptResult::RedirectUrl { to: shown, status };
        }
        if self.hop() {
            self.queue.push_front(Pending::Http { protocol, url, source, from });
        }
        AttemptResult::RedirectUrl { to: shown, status }
    }

    /// Follows a redirect to another address.
    fn redirect_to_address(&mut self, address: &str, from: &Url) -> AttemptResult {
        let address = address.trim().to_owned();
        if split_email(&address).is_err() {
            self.refuse(
                address.clone(),
                TargetSource::RedirectAddress,
                RefusalReason::InvalidAddress,
                Some(redact_userinfo(from)),
            );
            return AttemptResult::Refused;
        }
        if !self.visited_emails.insert(address.to_lowercase()) {
            self.finish(Err(AutodiscoverError::RedirectLoop {
                email: self.original_email.clone(),
                target: address.clone(),
            }));
            return AttemptResult::RedirectAddress { to: address };
        }
        if self.hop() {
            self.email = address.clone();
            self.queue_domain_candidates();
        }
        AttemptResult::RedirectAddress { to: address }
    }

    /// Vets and accepts an EWS URL; `None` when refused or not a URL.
    fn accept_ews_url(&mut self, candidates: &[&str], endpoint: &Url) -> Option<Url> {
        for c in candidates {
            let from = Some(redact_userinfo(endpoint));
            match Url::parse(c.trim()) {
                Ok(url) => match self.vet(&url, true) {
                    Ok(()) => return Some(url),
                    Err(reason) => self.refuse(redact_userinfo(&url), TargetSource::EwsUrl, reason, from),
                },
                Err(_) => self.refuse(c.trim().to_owned(), TargetSource::EwsUrl, RefusalReason::InvalidUrl, from),
            }
        }
        None
    }

    fn handle_pox(&mut self, url: &Url, resp: &PoxResponse) -> AttemptResult {
        if let Some(e) = resp.error() {
            return AttemptResult::ServerError { detail: e.summary() };
        }
        let account = resp.account.as_ref();
        match resp.action() {
            Some(PoxAction::RedirectAddr) => match account.and_then(|a| a.redirect_addr.as_deref()) {
                Some(addr) => self.redirect_to_address(addr, url),
                None => AttemptResult::InvalidBody { detail: "redirectAddr without RedirectAddr".into() },
            },
            Some(PoxAction::RedirectUrl) => match account.and_then(|a| a.redirect_url.clone()) {
                Some(to) => self.redirect_to_url(AutodiscoverProtocol::Pox, url, &to, TargetSource::RedirectUrl, None),
                None => AttemptResult::InvalidBody { detail: "redirectUrl without RedirectUrl".into() },
            },
            _ => {
                if let Some(addr) = resp.mobile_sync.as_ref().and_then(|m| m.redirect.clone()) {
                    return self.redirect_to_address(&addr, url);
                }
                let preferred = resp.ews_url(self.config.prefer);
                let (external, internal) = resp.ews_urls();
                let other = if preferred == external { internal } else { external };
                let candidates: Vec<&str> = preferred.into_iter().chain(other).collect();
                if candidates.is_empty() {
                    return AttemptResult::NoEwsUrl;
                }
                match self.accept_ews_url(&candidates, url) {
                    Some(ews_url) => {
                        let found = Discovery {
                            ews_url: ews_url.clone(),
                            external_ews_url: external.map(str::to_owned),
                            internal_ews_url: internal.map(str::to_owned),
                            email: self.email.clone(),
                            protocol: AutodiscoverProtocol::Pox,
                            endpoint: url.clone(),
                            ews_supported_schemas: None,
                        };
                        self.finish(Ok(found));
                        AttemptResult::Found { ews_url: ews_url.to_string() }
                    }
                    None => AttemptResult::Refused,
                }
            }
        }
    }

    fn handle_soap(&mut self, url: &Url, reply: &GetUserSettingsReply) -> AttemptResult {
        let msg = match reply {
            GetUserSettingsReply::Fault(f) => return AttemptResult::ServerError { detail: f.to_string() },
            GetUserSettingsReply::Message(m) => m,
        };
        if msg.error_code != AutodiscoverErrorCode::NoError {
            let detail = format!("{}: {}", msg.error_code, msg.error_message.as_deref().unwrap_or("").trim());
            return AttemptResult::ServerError { detail };
        }
        let Some(user) = msg.user_responses.first() else {
            return AttemptResult::InvalidBody { detail: "no UserResponse".into() };
        };
        match &user.error_code {
            AutodiscoverErrorCode::NoError => {
                let external = user.setting(&UserSettingName::ExternalEwsUrl);
                let internal = user.setting(&UserSettingName::InternalEwsUrl);
                let candidates: Vec<&str> = match self.config.prefer {
                    EwsUrlPreference::External => external.into_iter().chain(internal).collect(),
                    EwsUrlPreference::Internal => internal.into_iter().chain(external).collect(),
                };
                if candidates.is_empty() {
                    return AttemptResult::NoEwsUrl;
                }
                match self.accept_ews_url(&candidates, url) {
                    Some(ews_url) => {
                        let email = user
                            .setting(&UserSettingName::AutoDiscoverSMTPAddress)
                            .map(str::to_owned)
                            .unwrap_or_else(|| self.email.clone());
                        let found = Discovery {
                            ews_url: ews_url.clone(),
                            external_ews_url: external.map(str::to_owned),
                            internal_ews_url: internal.map(str::to_owned),
                            email,
                            protocol: AutodiscoverProtocol::Soap,
                            endpoint: url.clone(),
                            ews_supported_schemas: user
                                .setting(&UserSettingName::EwsSupportedSchemas)
                                .map(str::to_owned),
                        };
                        self.finish(Ok(found));
                        AttemptResult::Found { ews_url: ews_url.to_string() }
                    }
                    None => AttemptResult::Refused,
                }
            }
            AutodiscoverErrorCode::RedirectAddress => match user.redirect_target.clone() {
                Some(addr) => self.redirect_to_address(&addr, url),
                None => AttemptResult::InvalidBody { detail: "RedirectAddress without RedirectTarget".into() },
            },
            AutodiscoverErrorCode::RedirectUrl => match user.redirect_target.clone() {
                Some(to) => self.redirect_to_url(AutodiscoverProtocol::Soap, url, &to, TargetSource::RedirectUrl, None),
                None => AttemptResult::InvalidBody { detail: "RedirectUrl without RedirectTarget".into() },
            },
            code => AttemptResult::ServerError {
                detail: format!("{code}: {}", user.error_message.as_deref().unwrap_or("").trim()),
            },
        }
    }

    fn handle_srv(&mut self, records: &[SrvRecord]) -> AttemptResult {
        let mut sorted = records.to_vec();
        sorted.sort_by(|a, b| a.priority.cmp(&b.priority).then(b.weight.cmp(&a.weight)));
        let mut targets = Vec::new();
        let mut pending = Vec::new();
        for r in &sorted {
            let host = r.target.trim().trim_end_matches('.');
            if host.is_empty() {
                continue;
            }
            targets.push(format!("{host}:{}", r.port));
            let authority = if r.port == 443 || r.port == 0 { host.to_owned() } else { format!("{host}:{}", r.port) };
            for protocol in self.config.protocols.clone() {
                match Url::parse(&format!("https://{authority}/autodiscover/{}", protocol.file())) {
                    Ok(url) => {
                        pending.push(Pending::Http { protocol, url, source: TargetSource::SrvRecord, from: None })
                    }
                    Err(_) => self.refuse(authority.clone(), TargetSource::SrvRecord, RefusalReason::InvalidUrl, None),
                }
            }
        }
        for p in pending.into_iter().rev() {
            self.queue.push_front(p);
        }
        AttemptResult::SrvRecords { targets }
    }

    fn handle_probe_redirect(&mut self, base: &Url, location: &str, status: u16) -> AttemptResult {
        let from = Some(redact_userinfo(base));
        let url = match base.join(location.trim()) {
            Ok(u) => u,
            Err(_) => {
                self.refuse(location.trim().to_owned(), TargetSource::RedirectProbe, RefusalReason::InvalidUrl, from);
                return AttemptResult::Refused;
            }
        };
        let shown = redact_userinfo(&url);
        if let Err(reason) = self.vet(&url, true) {
            self.refuse(shown, TargetSource::RedirectProbe, reason, from);
            return AttemptResult::Refused;
        }
        if !self.hop() {
            return AttemptResult::RedirectUrl { to: shown, status: Some(status) };
        }
        // The Location names the POX endpoint; SOAP lives beside it.
        let mut pending = Vec::new();
        for &protocol in &self.config.protocols {
            let target = match protocol {
                AutodiscoverProtocol::Pox => Some(url.clone()),
                AutodiscoverProtocol::Soap => {
                    let path = url.path().to_ascii_lowercase();
                    path.ends_with("/autodiscover.xml").then(|| {
                        let mut u = url.clone();
                        let p = url.path();
                        u.set_path(&format!("{}autodiscover.svc", &p[..p.len() - "autodiscover.xml".len()]));
                        u
                    })
                }
            };
            if let Some(u) = target {
                pending.push(Pending::Http {
                    protocol,
                    url: u,
                    source: TargetSource::RedirectProbe,
                    from: from.clone(),
                });
            }
        }
        for p in pending.into_iter().rev() {
            self.queue.push_front(p);
        }
        AttemptResult::RedirectUrl { to: shown, status: Some(status) }
    }

    /// Reports what happened to the attempt last returned by [`AutodiscoverPlan::next_step`], and
    /// how long it took.
    pub fn handle(&mut self, outcome: Outcome, duration: Duration) -> Result<(), AutodiscoverError> {
        let (attempt, pending) = self.outstanding.take().ok_or(AutodiscoverError::NoAttemptInProgress)?;
        let email = self.email.clone();
        let result = match (&pending, &outcome) {
            (_, Outcome::Network(detail)) => AttemptResult::Network { detail: detail.clone() },
            (_, Outcome::InvalidBody(detail)) => AttemptResult::InvalidBody { detail: detail.clone() },
            (_, Outcome::HttpStatus(status)) => {
                if *status == 401 && attempt.sends_credentials() {
                    self.unauthorized = true;
                }
                AttemptResult::HttpStatus { status: *status }
            }
            (Pending::Http { protocol, url, .. }, Outcome::Redirect { status, location }) => {
                self.redirect_to_url(*protocol, &url.clone(), location, TargetSource::HttpRedirect, Some(*status))
            }
            (Pending::Probe { url }, Outcome::Redirect { status, location }) => {
                self.handle_probe_redirect(&url.clone(), location, *status)
            }
            (Pending::Http { protocol: AutodiscoverProtocol::Pox, url, .. }, Outcome::Pox(resp)) => {
                self.handle_pox(&url.clone(), resp)
            }
            (Pending::Http { protocol: AutodiscoverProtocol::Soap, url, .. }, Outcome::Soap(reply)) => {
                self.handle_soap(&url.clone(), reply)
            }
            (Pending::Srv { .. }, Outcome::Srv(records)) => self.handle_srv(records),
            (_, other) => AttemptResult::InvalidBody {
                detail: format!("unexpected outcome for this attempt: {}", outcome_name(other)),
            },
        };
        self.record(&attempt, email, result, duration);
        Ok(())
    }
}

fn outcome_name(o: &Outcome) -> &'static str {
    match o {
        Outcome::Pox(_) => "a POX answer",
        Outcome::Soap(_) => "a SOAP answer",
        Outcome::Redirect { .. } => "a redirect",
        Outcome::HttpStatus(_) => "an HTTP status",
        Outcome::InvalidBody(_) => "an invalid body",
        Outcome::Network(_) => "a network failure",
        Outcome::Srv(_) => "SRV records",
    }
}

/// Autodiscover results by email domain, each valid for a time to live. The clock is the caller's
/// (`now` arguments), so tests and the driver agree on time.
#[derive(Debug, Clone)]
pub struct AutodiscoverCache {
    ttl: Duration,
    entries: HashMap<String, (Discovery, SystemTime)>,
}

impl From<PoxResponse> for Outcome {
    fn from(r: PoxResponse) -> Self {
        Outcome::Pox(Box::new(r))
    }
}

impl From<GetUserSettingsReply> for Outcome {
    fn from(r: GetUserSettingsReply) -> Self {
        Outcome::Soap(Box::new(r))
    }
}

impl AutodiscoverCache {
    /// An empty cache whose entries live `ttl`.
    pub fn new(ttl: Duration) -> Self {
        AutodiscoverCache { ttl, entries: HashMap::new() }
    }

    /// The time to live.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    fn key(email_or_domain: &str) -> Option<String> {
        let domain = email_or_domain.rsplit_once('@').map_or(email_or_domain, |(_, d)| d);
        normalize_domain(domain)
    }

    /// The result for the domain of `email` (an address or a bare domain), if stored less than the
    /// TTL ago. A `now` before the time of storing (the clock went back) counts as expired.
    pub fn get(&self, email: &str, now: SystemTime) -> Option<&Discovery> {
        let (d, at) = self.entries.get(&Self::key(email)?)?;
        match now.duration_since(*at) {
            Ok(age) if age < self.ttl => Some(d),
            _ => None,
        }
    }

    /// Stores `discovery` for the domain of `email` (the address autodiscover started from).
    pub fn insert(&mut self, email: &str, discovery: Discovery, now: SystemTime) {
        if let Some(k) = Self::key(email) {
            self.entries.insert(k, (discovery, now));
        }
    }

    /// Forgets the domain of `email` (after EWS at the cached URL failed, say).
    pub fn remove(&mut self, email: &str) {
        if let Some(k) = Self::key(email) {
            self.entries.remove(&k);
        }
    }

    /// Drops expired entries.
    pub fn purge_expired(&mut self, now: SystemTime) {
        let ttl = self.ttl;
        self.entries.retain(|_, (_, at)| now.duration_since(*at).is_ok_and(|age| age < ttl));
    }

    /// Entries held (expired ones included until purged).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is held.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_suffix_checks() {
        assert!(is_public_suffix_autodiscover("autodiscover.com"));
        assert!(is_public_suffix_autodiscover("Autodiscover.co.uk."));
        assert!(is_public_suffix_autodiscover("www.autodiscover.com.br"));
        assert!(!is_public_suffix_autodiscover("autodiscover.contoso.com"));
        assert!(!is_public_suffix_autodiscover("contoso.com"));
        assert!(is_public_suffix("com"));
        assert!(is_public_suffix("co.uk"));
        assert!(!is_public_suffix("contoso.com"));
        assert!(!is_public_suffix("localhost"));
    }

    #[test]
    fn domains() {
        assert!(in_domain("mail.contoso.com", "contoso.com"));
        assert!(in_domain("contoso.com", "contoso.com"));
        assert!(!in_domain("evilcontoso.com", "contoso.com"));
        assert_eq!(normalize_domain("Bücher.Example."), Some("xn--bcher-kva.example".into()));
        assert_eq!(normalize_domain("10.0.0.1"), None);
    }

    #[test]
    fn emails() {
        assert!(split_email("alice@contoso.com").is_ok());
        for bad in ["alice", "@contoso.com", "alice@", "alice@com", "al ice@contoso.com", "alice@[10.0.0.1]"] {
            assert!(matches!(split_email(bad), Err(AutodiscoverError::InvalidEmail { .. })), "{bad}");
        }
    }

    #[test]
    fn handle_without_attempt_is_an_error() {
        let mut p = AutodiscoverPlan::new("a@contoso.com", AutodiscoverConfig::default(), DenyAll).unwrap();
        assert_eq!(p.handle(Outcome::HttpStatus(404), Duration::ZERO), Err(AutodiscoverError::NoAttemptInProgress));
    }

    #[test]
    fn cache_ttl() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        let mut c = AutodiscoverCache::new(Duration::from_secs(60));
        let d = Discovery {
            ews_url: Url::parse("https://mail.contoso.com/EWS/Exchange.asmx").unwrap(),
            external_ews_url: None,
            internal_ews_url: None,
            email: "a@contoso.com".into(),
            protocol: AutodiscoverProtocol::Pox,
            endpoint: Url::parse("https://contoso.com/autodiscover/autodiscover.xml").unwrap(),
            ews_supported_schemas: None,
        };
        c.insert("a@Contoso.com", d.clone(), t0);
        assert_eq!(c.get("b@contoso.COM", t0 + Duration::from_secs(59)), Some(&d));
        assert_eq!(c.get("contoso.com", t0), Some(&d));
        assert_eq!(c.get("b@contoso.com", t0 + Duration::from_secs(60)), None);
        assert_eq!(c.get("b@contoso.com", t0 - Duration::from_secs(1)), None);
        assert_eq!(c.get("b@fabrikam.com", t0), None);
        c.purge_expired(t0 + Duration::from_secs(61));
        assert!(c.is_empty());
    }
}
