//! [`TransportError`]: every way an EWS call, a token request or an autodiscover request can fail,
//! each with its [`CallContext`] (operation, mailbox, URL without credentials) and a message that
//! says what the admin can do. No variant carries a password, token, key or `Authorization` value.

use std::fmt;
use std::time::Duration;

use crate::ews::{ResponseCode, SoapFault};
use crate::xml::XmlError;

use super::credentials::TokenProviderError;
use super::retry::{NetworkFailure, RetryError};
use super::trace::redact_url;
use super::version::VersionError;

/// What a failed request was: the operation, the mailbox it acted for, and where it went.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallContext {
    /// `GetItem`, `OAuthToken`, `Autodiscover`, …
    pub operation: String,
    /// The mailbox the request acted for, if any.
    pub mailbox: Option<String>,
    /// The URL, user info and secret query parameters removed.
    pub url: String,
}

impl CallContext {
    /// A context; `url` is redacted here.
    pub fn new(operation: impl Into<String>, mailbox: Option<&str>, url: &str) -> Self {
        CallContext {
            operation: operation.into(),
            mailbox: mailbox.map(str::to_owned),
            url: redact_url(url).into_owned(),
        }
    }
}

impl fmt::Display for CallContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.operation)?;
        if let Some(m) = &self.mailbox {
            write!(f, " for {m}")?;
        }
        write!(f, " at {}", self.url)
    }
}

/// Why a request failed. Every variant names the call ([`CallContext`]); the message says what
/// happened and what the admin can do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TransportError {
    /// The client configuration is unusable (bad URL, bad CA certificate, bad private key, …).
    #[error("invalid transport configuration: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },
    /// Plain `http://` was refused.
    #[error(
        "{context}: refused to send a request over plain http://; use https:// (plain HTTP is only allowed \
         for loopback test servers with allow_insecure_loopback)"
    )]
    InsecureUrl {
        /// The call.
        context: Box<CallContext>,
    },
    /// The server's TLS certificate was not accepted.
    #[error(
        "{context}: the server's TLS certificate was not accepted ({detail}); if Exchange uses an internal \
         certificate authority, add its CA certificate (PEM) to the client configuration"
    )]
    TlsCertificate {
        /// The call.
        context: Box<CallContext>,
        /// What the verifier said.
        detail: String,
    },
    /// A network failure: name resolution, connection, TLS handshake, time-out, connection reset.
    #[error("{context}: network failure{}: {detail}", match failure {
        NetworkFailure::NotSent => " before the request was sent",
        NetworkFailure::ResponseLost => " after the request was sent (no complete response)",
    })]
    Network {
        /// The call.
        context: Box<CallContext>,
        /// Whether the request may have reached the server.
        failure: NetworkFailure,
        /// What failed.
        detail: String,
    },
    /// The server refused the credentials (HTTP 401).
    #[error(
        "{context}: Exchange refused the credentials ({credentials}) with HTTP 401; check the password, \
         secret or certificate, and that the account may use EWS"
    )]
    Unauthorized {
        /// The call.
        context: Box<CallContext>,
        /// Scheme and principal (never the secret).
        credentials: String,
    },
    /// The server refused the request (HTTP 401) and does not offer the scheme the credentials
    /// use at all: Basic against an NTLM-only server, NTLM against a Basic-only one, …
    #[error(
        "{context}: the server does not accept {scheme} sign-ins here (it offers: {offered}), so {credentials} \
         cannot work; use credentials of an offered scheme, or have the Exchange admin enable {scheme} \
         authentication on the EWS and autodiscover virtual directories"
    )]
    SchemeNotOffered {
        /// The call.
        context: Box<CallContext>,
        /// Scheme and principal (never the secret).
        credentials: String,
        /// The HTTP scheme the credentials use (`Basic`, `NTLM`, `Bearer`).
        scheme: &'static str,
        /// The schemes the server's `WWW-Authenticate` headers list, comma separated.
        offered: String,
    },
    /// The NTLM handshake could not be carried through (a wrong password is
    /// [`TransportError::Unauthorized`] instead).
    #[error("{context}: the NTLM sign-in of {credentials} could not be completed: {reason}")]
    NtlmHandshake {
        /// The call.
        context: Box<CallContext>,
        /// Scheme and principal (never the secret).
        credentials: String,
        /// What went wrong, and what to check (never a message's bytes).
        reason: String,
    },
    /// The service account may not impersonate the mailbox.
    #[error(
        "{context}: the service account may not impersonate this mailbox ({code}); grant it the \
         ApplicationImpersonation role for this mailbox (New-ManagementRoleAssignment)"
    )]
    ImpersonationDenied {
        /// The call.
        context: Box<CallContext>,
        /// The code Exchange sent.
        code: ResponseCode,
    },
    /// The mailbox does not exist (or is not on this Exchange organisation).
    #[error("{context}: the mailbox does not exist on this Exchange server ({code}); check the address")]
    NonExistentMailbox {
        /// The call.
        context: Box<CallContext>,
        /// The code Exchange sent.
        code: ResponseCode,
    },
    /// Exchange kept throttling (or failing) until the retry budget was spent.
    #[error("{context}: {source}")]
    Throttled {
        /// The call.
        context: Box<CallContext>,
        /// Why retrying stopped (budget or attempts exhausted).
        #[source]
        source: RetryError,
    },
    /// A request that is not safe to repeat may or may not have been carried out.
    #[error(
        "{context}: the connection failed after the request was sent, so Exchange may or may not have \
         carried it out; it was not repeated (check the mailbox before trying again)"
    )]
    Ambiguous {
        /// The call.
        context: Box<CallContext>,
        /// What failed.
        detail: String,
    },
    /// No request version was accepted.
    #[error("{context}: {source}")]
    Version {
        /// The call.
        context: Box<CallContext>,
        /// The negotiator's verdict.
        #[source]
        source: VersionError,
    },
    /// Exchange answered with a SOAP fault the transport does not handle itself.
    #[error("{context}: {fault}")]
    Fault {
        /// The call.
        context: Box<CallContext>,
        /// The fault.
        fault: Box<SoapFault>,
    },
    /// An HTTP status that is not an EWS answer.
    #[error("{context}: HTTP {status}{}", http_hint(*status))]
    Http {
        /// The call.
        context: Box<CallContext>,
        /// The status code.
        status: u16,
    },
    /// The response body is not the expected document.
    #[error("{context}: the response is not a valid answer: {source}")]
    InvalidResponse {
        /// The call.
        context: Box<CallContext>,
        /// The parse error.
        #[source]
        source: XmlError,
    },
    /// The response body is larger than allowed.
    #[error("{context}: the response is larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The call.
        context: Box<CallContext>,
        /// The limit.
        limit: usize,
    },
    /// The token endpoint refused to issue a token.
    #[error(
        "{context}: the identity platform refused to issue a token (HTTP {status}{}); check the tenant, \
         client id, secret or certificate and the application's EWS permission (full_access_as_app)",
        if error.is_empty() { String::new() } else { format!(", {error}") }
    )]
    TokenRefused {
        /// The call.
        context: Box<CallContext>,
        /// HTTP status.
        status: u16,
        /// The `error` and `error_codes` fields of the answer (never a token).
        error: String,
    },
    /// The caller's bearer-token provider failed.
    #[error("{context}: {source}")]
    TokenProvider {
        /// The call.
        context: Box<CallContext>,
        /// The provider's error.
        #[source]
        source: TokenProviderError,
    },
    /// A feature the transport does not have yet.
    #[error("{context}: {what} is not supported yet")]
    Unsupported {
        /// The call.
        context: Box<CallContext>,
        /// What.
        what: String,
    },
}

fn http_hint(status: u16) -> &'static str {
    match status {
        403 => " (forbidden: EWS may be disabled for the account or blocked by a policy)",
        404 => " (not found: check the EWS URL, usually https://<server>/EWS/Exchange.asmx)",
        407 => " (a proxy wants authentication)",
        500..=599 => " (server error)",
        300..=399 => " (a redirect: check the EWS URL)",
        _ => "",
    }
}

impl TransportError {
    /// The call the error is about (`None` for configuration errors).
    pub fn context(&self) -> Option<&CallContext> {
        match self {
            TransportError::Config { .. } => None,
            TransportError::InsecureUrl { context }
            | TransportError::TlsCertificate { context, .. }
            | TransportError::Network { context, .. }
            | TransportError::Unauthorized { context, .. }
            | TransportError::SchemeNotOffered { context, .. }
            | TransportError::NtlmHandshake { context, .. }
            | TransportError::ImpersonationDenied { context, .. }
            | TransportError::NonExistentMailbox { context, .. }
            | TransportError::Throttled { context, .. }
            | TransportError::Ambiguous { context, .. }
            | TransportError::Version { context, .. }
            | TransportError::Fault { context, .. }
            | TransportError::Http { context, .. }
            | TransportError::InvalidResponse { context, .. }
            | TransportError::ResponseTooLarge { context, .. }
            | TransportError::TokenRefused { context, .. }
            | TransportError::TokenProvider { context, .. }
            | TransportError::Unsupported { context, .. } => Some(&**context),
        }
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        TransportError::Config { reason: reason.into() }
    }

    pub(crate) fn network(context: &CallContext, failure: NetworkFailure, detail: impl Into<String>) -> Self {
        TransportError::Network { context: Box::new(context.clone()), failure, detail: detail.into() }
    }

    pub(crate) fn timeout(context: &CallContext, failure: NetworkFailure, after: Duration) -> Self {
        Self::network(context, failure, format!("timed out after {after:?}"))
    }
}
