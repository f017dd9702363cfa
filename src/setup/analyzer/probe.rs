//! What the analyzer asks its driver to do ([`Probe`]) and what the driver reports back
//! ([`ProbeResult`]).
//!
//! The driver contract, probe by probe:
//! - [`Probe::Dns`]: resolve each host (A and AAAA) and, if asked, the SRV name; report every
//!   answer or failure in a [`DnsOutcome`].
//! - [`Probe::Autodiscover`]: perform the autodiscover [`Attempt`] exactly as
//!   [`AutodiscoverPlan`](crate::autodiscover::AutodiscoverPlan) documents it, sending
//!   `credentials` only when [`Attempt::sends_credentials`]; report the autodiscover
//!   [`Outcome`].
//! - [`Probe::Connect`]: open a TCP connection to the URL's host and port (DNS included); report
//!   a [`ConnectOutcome`].
//! - [`Probe::TlsHandshake`]: complete a TLS handshake with the URL's host, verifying the chain
//!   against the trust store and the name; report a [`TlsOutcome`] with what the certificate says.
//! - [`Probe::Authenticate`]: send one small EWS request without impersonation (`ResolveNames`
//!   for the test mailbox) with `credentials` (for OAuth 2.0, fetch the token first); report an
//!   [`EwsOutcome`]: any SOAP answer, even an error response code, means the credentials were
//!   accepted.
//! - [`Probe::Impersonate`]: `GetFolder` of the mailbox's root (`msgfolderroot`) with the
//!   `ExchangeImpersonation` header naming `mailbox`.
//! - [`Probe::ReadFolder`]: `GetFolder` of the distinguished folder with impersonation, then
//!   `FindItem` returning at most one item; report its display name and total count.
//!
//! Network failures, time-outs and TLS errors are reported as such (their text must not contain
//! a secret); HTTP 401 as [`EwsOutcome::Unauthorized`]; an EWS `ResponseCode` other than
//! `NoError` as [`EwsOutcome::Error`].

use std::fmt;
use std::net::{IpAddr, SocketAddr};

use chrono::{DateTime, Utc};
use url::Url;

use crate::autodiscover::{Attempt, Outcome, SrvRecord};
use crate::ews::ResponseCode;
use crate::setup::domains::MailboxAddress;
use crate::transport::Credentials;

/// A distinguished folder the analyzer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FolderKind {
    /// `contacts`.
    Contacts,
    /// `calendar`.
    Calendar,
}

impl FolderKind {
    /// The EWS `DistinguishedFolderId` value.
    pub fn distinguished_id(self) -> &'static str {
        match self {
            FolderKind::Contacts => "contacts",
            FolderKind::Calendar => "calendar",
        }
    }
}

impl fmt::Display for FolderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FolderKind::Contacts => "Contacts",
            FolderKind::Calendar => "Calendar",
        })
    }
}

/// One thing for the driver to do. See the module documentation for each.
#[derive(Debug, Clone)]
pub enum Probe {
    /// Resolve `hosts` (and the SRV record `srv`).
    Dns {
        /// Host names to resolve.
        hosts: Vec<String>,
        /// An SRV name to look up (`_autodiscover._tcp.contoso.com`).
        srv: Option<String>,
    },
    /// Perform an autodiscover attempt.
    Autodiscover {
        /// The attempt.
        attempt: Attempt,
        /// The credentials to send (only for attempts that send them).
        credentials: Credentials,
    },
    /// Open a TCP connection.
    Connect {
        /// The EWS URL.
        url: Url,
    },
    /// Complete and verify a TLS handshake.
    TlsHandshake {
        /// The EWS URL.
        url: Url,
    },
    /// Send one request with `credentials`, without impersonation.
    Authenticate {
        /// The EWS URL.
        url: Url,
        /// The credentials (the user-name form being tried).
        credentials: Credentials,
        /// The test mailbox (the request's subject).
        mailbox: MailboxAddress,
    },
    /// Open `mailbox`'s root folder with impersonation.
    Impersonate {
        /// The EWS URL.
        url: Url,
        /// The credentials.
        credentials: Credentials,
        /// The mailbox impersonated.
        mailbox: MailboxAddress,
    },
    /// Read `folder` of `mailbox` with impersonation.
    ReadFolder {
        /// The EWS URL.
        url: Url,
        /// The credentials.
        credentials: Credentials,
        /// The mailbox impersonated.
        mailbox: MailboxAddress,
        /// The folder.
        folder: FolderKind,
    },
}

/// The kind of a [`Probe`] or [`ProbeResult`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeKind {
    /// DNS.
    Dns,
    /// Autodiscover.
    Autodiscover,
    /// TCP connect.
    Connect,
    /// TLS handshake.
    Tls,
    /// An EWS request (authentication, impersonation, folder read).
    Ews,
}

impl Probe {
    /// The kind of result it expects.
    pub fn kind(&self) -> ProbeKind {
        match self {
            Probe::Dns { .. } => ProbeKind::Dns,
            Probe::Autodiscover { .. } => ProbeKind::Autodiscover,
            Probe::Connect { .. } => ProbeKind::Connect,
            Probe::TlsHandshake { .. } => ProbeKind::Tls,
            Probe::Authenticate { .. } | Probe::Impersonate { .. } | Probe::ReadFolder { .. } => ProbeKind::Ews,
        }
    }

    /// The credentials the probe uses, if any.
    pub fn credentials(&self) -> Option<&Credentials> {
        match self {
            Probe::Autodiscover { credentials, .. }
            | Probe::Authenticate { credentials, .. }
            | Probe::Impersonate { credentials, .. }
            | Probe::ReadFolder { credentials, .. } => Some(credentials),
            _ => None,
        }
    }
}

/// One host's resolution.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HostLookup {
    /// The host.
    pub host: String,
    /// Its addresses, or why it did not resolve (`NXDOMAIN`, `timed out`).
    pub result: Result<Vec<IpAddr>, String>,
}

/// What a [`Probe::Dns`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DnsOutcome {
    /// Each host asked for.
    pub hosts: Vec<HostLookup>,
    /// The SRV records, or why the lookup failed; `None` when none was asked for.
    pub srv: Option<Result<Vec<SrvRecord>, String>>,
}

/// What a [`Probe::Connect`] found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConnectOutcome {
    /// Connected.
    Connected {
        /// The address connected to, if known.
        address: Option<SocketAddr>,
    },
    /// Could not connect (refused, timed out, unreachable, name not resolved).
    Failed {
        /// What happened.
        detail: String,
    },
}

/// What is wrong with a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateProblem {
    /// Past its end date.
    Expired,
    /// Before its start date.
    NotYetValid,
    /// Issued by a CA this machine does not trust.
    UnknownIssuer,
    /// Self-signed (Exchange's default certificate).
    SelfSigned,
    /// Does not name the host.
    NameMismatch,
    /// Revoked by its issuer.
    Revoked,
    /// Something else (bad signature, unsupported algorithm, …).
    Other,
}

/// What a [`Probe::TlsHandshake`] found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TlsOutcome {
    /// The handshake completed and the certificate verified.
    Valid {
        /// The certificate's subject.
        subject: String,
        /// Its issuer.
        issuer: String,
        /// When it expires, if read.
        not_after: Option<DateTime<Utc>>,
        /// The TLS version negotiated (`TLSv1.3`).
        protocol: Option<String>,
    },
    /// The certificate did not verify.
    Invalid {
        /// What is wrong.
        problem: CertificateProblem,
        /// The verifier's text.
        detail: String,
    },
    /// The handshake failed before the certificate could be judged (no common protocol version
    /// or cipher, connection reset).
    HandshakeFailed {
        /// What happened.
        detail: String,
    },
}

/// What a successful EWS probe saw.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EwsSeen {
    /// The server's version (`ServerVersionInfo`), if sent.
    pub server_version: Option<String>,
    /// The folder's display name (folder reads).
    pub folder_name: Option<String>,
    /// The folder's item count (folder reads).
    pub item_count: Option<u32>,
}

/// What an EWS probe ([`Probe::Authenticate`], [`Probe::Impersonate`], [`Probe::ReadFolder`])
/// came to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EwsOutcome {
    /// `NoError`.
    Ok(EwsSeen),
    /// HTTP 401: the credentials (or token) were refused.
    Unauthorized {
        /// The `WWW-Authenticate` challenge or error text, if any (no secret).
        detail: Option<String>,
    },
    /// The identity platform refused to issue a token (OAuth 2.0).
    TokenRefused {
        /// Its error (`AADSTS7000215: Invalid client secret provided`).
        detail: String,
    },
    /// An EWS error response code (or SOAP fault code).
    Error {
        /// The code.
        code: ResponseCode,
        /// Its message text.
        message: String,
    },
    /// Another HTTP status without an EWS answer.
    HttpStatus {
        /// The status.
        status: u16,
    },
    /// A body that is not an EWS answer (an HTML login page).
    InvalidBody {
        /// Why.
        detail: String,
    },
    /// A network, TLS or time-out failure.
    Network {
        /// What happened.
        detail: String,
    },
}

/// What the driver reports for a probe.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeResult {
    /// For [`Probe::Dns`].
    Dns(DnsOutcome),
    /// For [`Probe::Autodiscover`].
    Autodiscover(Outcome),
    /// For [`Probe::Connect`].
    Connect(ConnectOutcome),
    /// For [`Probe::TlsHandshake`].
    Tls(TlsOutcome),
    /// For [`Probe::Authenticate`], [`Probe::Impersonate`] and [`Probe::ReadFolder`].
    Ews(EwsOutcome),
}

impl ProbeResult {
    /// Its kind.
    pub fn kind(&self) -> ProbeKind {
        match self {
            ProbeResult::Dns(_) => ProbeKind::Dns,
            ProbeResult::Autodiscover(_) => ProbeKind::Autodiscover,
            ProbeResult::Connect(_) => ProbeKind::Connect,
            ProbeResult::Tls(_) => ProbeKind::Tls,
            ProbeResult::Ews(_) => ProbeKind::Ews,
        }
    }
}
