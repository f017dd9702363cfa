//! What can go wrong when a simulated server is configured, started or driven.

use std::net::SocketAddr;

use crate::sim::StoreError;
use crate::transport::UserNameError;

/// An error from [`SimServer`](super::SimServer) and its builder. Messages say what was wrong and
/// how to fix the configuration; they never contain a password, secret or token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// The listening socket could not be opened.
    #[error("the simulator could not listen on {addr}: {source}; choose another port or 0 for any free one")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// An address or account name uses a domain the organisation does not accept.
    #[error(
        "{what} {name} is not in an accepted domain of the organisation ({accepted}); add its domain with .domain(…)"
    )]
    DomainNotAccepted {
        /// What it is (`mailbox`, `service account`).
        what: &'static str,
        /// The address or name.
        name: String,
        /// The accepted domains, comma separated.
        accepted: String,
    },
    /// The organisation has no accepted domain.
    #[error("the organisation has no accepted domain; add one with .domain(\"contoso.com\")")]
    NoDomain,
    /// A domain name is not a DNS name.
    #[error("{domain:?} is not a valid DNS domain name")]
    InvalidDomain {
        /// The domain as given.
        domain: String,
    },
    /// A mailbox address is not an SMTP address.
    #[error("{address:?} is not an SMTP address (user@domain)")]
    InvalidAddress {
        /// The address as given.
        address: String,
    },
    /// A service account's name could not be read.
    #[error("the service account name {name:?} is invalid: {source}")]
    ServiceAccountName {
        /// The name as given.
        name: String,
        /// Why.
        #[source]
        source: UserNameError,
    },
    /// Two service accounts or two apps share a name.
    #[error("{what} {name} is configured twice")]
    Duplicate {
        /// `service account`, `app`, `mailbox`.
        what: &'static str,
        /// The name.
        name: String,
    },
    /// A service account's own mailbox or an impersonation grant names a mailbox that is not
    /// configured.
    #[error("{owner} refers to mailbox {address}, which is not configured; add it with .mailbox(…)")]
    UnknownMailbox {
        /// The account or app.
        owner: String,
        /// The address.
        address: String,
    },
    /// An app's certificate could not be read.
    #[error("the certificate of app {client_id} could not be read: {reason}")]
    AppCertificate {
        /// The app's client id.
        client_id: String,
        /// Why.
        reason: String,
    },
    /// No authentication scheme is enabled, so no request could ever be served.
    #[error("no authentication scheme is enabled; enable NTLM, Basic or Bearer")]
    NoAuthScheme,
    /// The TLS certificate could not be made or the TLS configuration built.
    #[error("the simulator's TLS setup failed: {reason}")]
    Tls {
        /// Why.
        reason: String,
    },
    /// The mailbox store refused a change made through the control API.
    #[error("mailbox {mailbox}: {source}")]
    Store {
        /// The mailbox acted on.
        mailbox: String,
        /// What the store said.
        #[source]
        source: StoreError,
    },
    /// The server was shut down.
    #[error("the simulator has been shut down")]
    ShutDown,
}
