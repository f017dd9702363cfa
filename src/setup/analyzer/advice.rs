//! How each probe's result reads in the report: what was seen, and on failure what the admin
//! should do. Pure text decisions, kept apart from the sequencing.

use url::Url;

use super::probe::{CertificateProblem, ConnectOutcome, DnsOutcome, EwsOutcome, EwsSeen, FolderKind, TlsOutcome};
use crate::autodiscover::{AttemptRecord, AutodiscoverError, Refusal};
use crate::ews::ResponseCode;
use crate::setup::domains::MailboxAddress;
use crate::transport::Credentials;

/// A failed step's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub seen: String,
    pub advice: String,
}

fn fail(seen: impl Into<String>, advice: impl Into<String>) -> Failure {
    Failure { seen: seen.into(), advice: advice.into() }
}

/// Whether the credentials are an application's (OAuth 2.0 or a caller's token provider).
pub(crate) fn is_app(credentials: &Credentials) -> bool {
    !matches!(credentials, Credentials::Basic { .. } | Credentials::Ntlm { .. })
}

fn host_port(url: &Url) -> String {
    format!("{}:{}", url.host_str().unwrap_or("?"), url.port_or_known_default().unwrap_or(443))
}

pub(crate) fn dns(outcome: &DnsOutcome, hand_entered: bool) -> Result<String, Failure> {
    let mut parts = Vec::new();
    let mut any = false;
    for h in &outcome.hosts {
        match &h.result {
            Ok(addrs) if !addrs.is_empty() => {
                any = true;
                let list: Vec<String> = addrs.iter().map(ToString::to_string).collect();
                parts.push(format!("{} resolves to {}", h.host, list.join(", ")));
            }
            Ok(_) => parts.push(format!("{} has no address", h.host)),
            Err(e) => parts.push(format!("{} does not resolve ({e})", h.host)),
        }
    }
    match &outcome.srv {
        Some(Ok(records)) if !records.is_empty() => {
            any = true;
            let list: Vec<String> = records.iter().map(|r| format!("{}:{}", r.target, r.port)).collect();
            parts.push(format!("SRV record points to {}", list.join(", ")));
        }
        Some(Ok(_)) => parts.push("no autodiscover SRV record".to_owned()),
        Some(Err(e)) => parts.push(format!("the SRV lookup failed ({e})")),
        None => {}
    }
    if parts.is_empty() {
        parts.push("no name was resolved".to_owned());
    }
    let seen = parts.join("; ");
    if any {
        return Ok(seen);
    }
    let advice = if hand_entered {
        "the EWS URL's host does not resolve from this machine: check its spelling, and that this machine uses \
         a DNS server that knows it (an internal name needs the internal DNS server)"
    } else {
        "none of the names autodiscover uses resolves from this machine: create autodiscover.<your domain> \
         pointing to Exchange (for Exchange Online, a CNAME to autodiscover.outlook.com), check this machine's \
         DNS server, or enter the EWS URL by hand"
    };
    Err(fail(seen, advice))
}

pub(crate) fn autodiscover_failed(
    error: &AutodiscoverError,
    attempts: &[AttemptRecord],
    refusals: &[Refusal],
    tried_both_forms: bool,
) -> Failure {
    let mut seen: Vec<String> = attempts.iter().map(ToString::to_string).collect();
    seen.extend(refusals.iter().map(ToString::to_string));
    if seen.is_empty() {
        seen.push(error.to_string());
    }
    let mut advice = match error {
        AutodiscoverError::NotFound { unauthorized: true, .. } => format!(
            "an autodiscover endpoint refused the credentials (HTTP 401){}: check the password, that the account \
             is neither locked nor expired, and that the endpoint accepts this authentication scheme; or enter \
             the EWS URL by hand",
            if tried_both_forms { " with both user-name forms" } else { "" }
        ),
        AutodiscoverError::NotFound { .. } => "no autodiscover endpoint answered: check that \
             https://autodiscover.<your domain>/autodiscover/autodiscover.xml is published and reachable from this \
             machine, or enter the EWS URL by hand"
            .to_owned(),
        other => other.to_string(),
    };
    if !refusals.is_empty() {
        advice.push_str(
            "; some redirects were refused because their hosts are outside your domains: if they are yours, add \
             the domain to the additional domains or approve the host",
        );
    }
    fail(seen.join("; "), advice)
}

pub(crate) fn connect(url: &Url, outcome: &ConnectOutcome) -> Result<String, Failure> {
    match outcome {
        ConnectOutcome::Connected { address: Some(a) } => Ok(format!("connected to {} ({a})", host_port(url))),
        ConnectOutcome::Connected { address: None } => Ok(format!("connected to {}", host_port(url))),
        ConnectOutcome::Failed { detail } => Err(fail(
            format!("could not connect to {}: {detail}", host_port(url)),
            "check that a firewall or proxy lets this machine reach the Exchange server on that port, and that \
             the EWS URL is the one published for clients outside the server",
        )),
    }
}

pub(crate) fn tls(url: &Url, outcome: &TlsOutcome) -> Result<String, Failure> {
    let host = url.host_str().unwrap_or("?");
    match outcome {
        TlsOutcome::Valid { subject, issuer, not_after, protocol } => {
            let mut seen = format!("certificate for {subject} issued by {issuer}");
            if let Some(t) = not_after {
                seen.push_str(&format!(", valid until {}", t.format("%Y-%m-%d")));
            }
            if let Some(p) = protocol {
                seen.push_str(&format!(", {p}"));
            }
            Ok(seen)
        }
        TlsOutcome::Invalid { problem, detail } => {
            let advice = match problem {
                CertificateProblem::Expired => "the server's certificate has expired: renew it and bind the new \
                     one to IIS on Exchange (Enable-ExchangeCertificate -Services IIS)"
                    .to_owned(),
                CertificateProblem::NotYetValid => {
                    "the certificate is not valid yet: check this machine's clock, or wait for its start date"
                        .to_owned()
                }
                CertificateProblem::UnknownIssuer | CertificateProblem::SelfSigned => "the certificate comes from \
                     an authority this machine does not trust (Exchange's default certificate is self-signed): \
                     install a certificate from a trusted authority on Exchange, or add your organisation's \
                     authority to this machine's trust store"
                    .to_owned(),
                CertificateProblem::NameMismatch => format!(
                    "the certificate does not name {host}: use the EWS URL whose host the certificate names, or add \
                     {host} to the certificate's subject alternative names"
                ),
                CertificateProblem::Revoked => "the certificate was revoked: install a new one on Exchange".to_owned(),
                CertificateProblem::Other => {
                    "the certificate could not be verified: check it with the issuing authority".to_owned()
                }
            };
            Err(fail(format!("the certificate of {host} is not valid: {detail}"), advice))
        }
        TlsOutcome::HandshakeFailed { detail } => Err(fail(
            format!("the TLS handshake with {host} failed: {detail}"),
            "the server and this machine share no TLS version or cipher: enable TLS 1.2 on Exchange (and its \
             load balancer), or check for a proxy that intercepts TLS",
        )),
    }
}

/// Failures any EWS probe can meet; `None` for outcomes the step judges itself.
fn ews_common(outcome: &EwsOutcome, what: &str) -> Option<Failure> {
    Some(match outcome {
        EwsOutcome::Network { detail } => fail(
            format!("{what}: the connection failed: {detail}"),
            "run the analyzer again; if it keeps failing, check proxies and firewalls between this machine and \
             Exchange",
        ),
        EwsOutcome::HttpStatus { status } => fail(
            format!("{what}: Exchange answered HTTP {status}"),
            match status {
                403 => "the EWS virtual directory refuses this client (it may require client certificates or \
                        block EWS for this account): check the EWS virtual directory's settings and \
                        Set-CASMailbox -EwsEnabled"
                    .to_owned(),
                404 => "the URL is not an EWS endpoint: check the EWS URL (it ends in /EWS/Exchange.asmx)".to_owned(),
                500..=599 => {
                    "Exchange reported a server error: check its event log, then run the analyzer again".to_owned()
                }
                _ => "check the EWS URL and run the analyzer again".to_owned(),
            },
        ),
        EwsOutcome::InvalidBody { detail } => fail(
            format!("{what}: the answer is not an EWS response ({detail})"),
            "something other than Exchange answered (a login page, a proxy): check the EWS URL and that no proxy \
             rewrites the request",
        ),
        EwsOutcome::Error { code, message } if is_transient(code) => fail(
            format!("{what}: Exchange answered {} ({message})", code.as_str()),
            "Exchange is busy or the mailbox is moving: run the analyzer again in a few minutes",
        ),
        _ => return None,
    })
}

fn is_transient(code: &ResponseCode) -> bool {
    matches!(
        code,
        ResponseCode::ErrorServerBusy
            | ResponseCode::ErrorMailboxStoreUnavailable
            | ResponseCode::ErrorMailboxMoveInProgress
            | ResponseCode::ErrorServiceUnavailable
            | ResponseCode::ErrorADUnavailable
    )
}

fn version_note(seen: &EwsSeen) -> String {
    seen.server_version.as_ref().map(|v| format!("; server version {v}")).unwrap_or_default()
}

/// What an authentication attempt came to.
pub(crate) enum AuthVerdict {
    /// Accepted; what was seen.
    Accepted(String),
    /// HTTP 401 (another form may be tried).
    Refused(String),
    /// Failed for good.
    Failed(Failure),
}

pub(crate) fn authentication(credentials: &Credentials, outcome: &EwsOutcome) -> AuthVerdict {
    let who = credentials.to_string();
    match outcome {
        EwsOutcome::Ok(seen) => AuthVerdict::Accepted(format!("Exchange accepted {who}{}", version_note(seen))),
        EwsOutcome::Error { code: ResponseCode::ErrorAccountDisabled, message } => AuthVerdict::Failed(fail(
            format!("Exchange refused {who}: the account is disabled ({message})"),
            "enable the service account in Active Directory",
        )),
        EwsOutcome::Error { code, .. } if !is_transient(code) => AuthVerdict::Accepted(format!(
            "Exchange accepted {who} (it answered the test request with {})",
            code.as_str()
        )),
        EwsOutcome::Unauthorized { detail } => {
            let detail = detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default();
            AuthVerdict::Refused(format!("Exchange refused {who} with HTTP 401{detail}"))
        }
        EwsOutcome::TokenRefused { detail } => AuthVerdict::Failed(fail(
            format!("the identity platform refused to issue a token for {who}: {detail}"),
            "check the tenant and the application (client) id, that the client secret has not expired (or that \
             the certificate is uploaded to the app registration), and that the app is enabled",
        )),
        other => AuthVerdict::Failed(
            ews_common(other, &format!("signing in as {who}"))
                .unwrap_or_else(|| fail(format!("signing in as {who}: {other:?}"), "run the analyzer again")),
        ),
    }
}

pub(crate) fn authentication_refused(credentials: &Credentials, seen: String, tried_both_forms: bool) -> Failure {
    let advice = if is_app(credentials) {
        "Exchange refused the application's token: grant the app the full_access_as_app application permission \
         of Office 365 Exchange Online, have an administrator consent to it, and wait a few minutes for it to \
         take effect"
            .to_owned()
    } else {
        format!(
            "check the password{}, that the account is neither locked nor expired and may sign in to Exchange, \
             and that the EWS virtual directory accepts {} authentication",
            if tried_both_forms { " (both user-name forms were tried)" } else { "" },
            credentials.scheme()
        )
    };
    fail(seen, advice)
}

pub(crate) fn impersonation(
    credentials: &Credentials,
    mailbox: &MailboxAddress,
    outcome: &EwsOutcome,
) -> Result<String, Failure> {
    let what = format!("impersonating {mailbox}");
    if let Some(f) = ews_common(outcome, &what) {
        return Err(f);
    }
    let app = is_app(credentials);
    match outcome {
        EwsOutcome::Ok(_) => Ok(format!("Exchange let {} act as {mailbox}", credentials.principal())),
        EwsOutcome::Error { code, message } => {
            let seen = format!("{what}: Exchange answered {} ({message})", code.as_str());
            let advice = match code {
                ResponseCode::ErrorImpersonateUserDenied | ResponseCode::ErrorImpersonationDenied if app => {
                    "the application may not act as this mailbox: grant it full_access_as_app with admin consent; \
                     if an application access policy restricts the app, add the mailbox to the policy's group"
                        .to_owned()
                }
                ResponseCode::ErrorImpersonateUserDenied | ResponseCode::ErrorImpersonationDenied => format!(
                    "grant the service account the ApplicationImpersonation role, for example: \
                     New-ManagementRoleAssignment -Name exsync-impersonation -Role ApplicationImpersonation -User \
                     {} (limit it with -CustomRecipientWriteScope if needed, and include this mailbox)",
                    credentials.principal()
                ),
                ResponseCode::ErrorNonExistentMailbox => format!(
                    "Exchange has no mailbox for {mailbox}: check the address (it must be the mailbox's primary \
                     SMTP address or an alias) and that the mailbox exists"
                ),
                ResponseCode::ErrorImpersonationFailed => {
                    "Exchange could not act as the mailbox's owner: check that the user's account is enabled and \
                     that the mailbox is not disconnected"
                        .to_owned()
                }
                _ => "check the mailbox and the impersonation rights, then run the analyzer again".to_owned(),
            };
            Err(fail(seen, advice))
        }
        EwsOutcome::Unauthorized { .. } | EwsOutcome::TokenRefused { .. } => Err(fail(
            format!("{what}: the credentials were refused, although they were accepted a moment ago"),
            "the EWS endpoint authenticates impersonated requests differently: check the EWS virtual directory's \
             authentication settings, then run the analyzer again",
        )),
        other => Err(fail(format!("{what}: {other:?}"), "run the analyzer again")),
    }
}

pub(crate) fn folder(
    credentials: &Credentials,
    mailbox: &MailboxAddress,
    kind: FolderKind,
    outcome: &EwsOutcome,
) -> Result<String, Failure> {
    let what = format!("reading {mailbox}'s {kind} folder");
    if let Some(f) = ews_common(outcome, &what) {
        return Err(f);
    }
    match outcome {
        EwsOutcome::Ok(seen) => {
            let name = seen.folder_name.as_deref().unwrap_or(match kind {
                FolderKind::Contacts => "Contacts",
                FolderKind::Calendar => "Calendar",
            });
            Ok(match seen.item_count {
                Some(n) => format!("read {mailbox}'s folder \"{name}\" ({n} items)"),
                None => format!("read {mailbox}'s folder \"{name}\""),
            })
        }
        EwsOutcome::Error { code, message } => {
            let seen = format!("{what}: Exchange answered {} ({message})", code.as_str());
            let advice = match code {
                ResponseCode::ErrorFolderNotFound => format!(
                    "the mailbox has no default {kind} folder: the mailbox may never have been opened; have the \
                     user sign in to Outlook on the web once"
                ),
                ResponseCode::ErrorAccessDenied if is_app(credentials) => {
                    "the application may act as the mailbox but not read this folder: check application access \
                     policies and RBAC for applications scoped to this mailbox"
                        .to_owned()
                }
                ResponseCode::ErrorAccessDenied => {
                    "impersonation works but reading the folder is refused: check that the ApplicationImpersonation \
                     scope includes this mailbox and that no folder permission denies it"
                        .to_owned()
                }
                _ => "check the mailbox's folders and permissions, then run the analyzer again".to_owned(),
            };
            Err(fail(seen, advice))
        }
        other => Err(fail(
            format!("{what}: the credentials were refused ({other:?})"),
            "check the EWS virtual directory's authentication settings, then run the analyzer again",
        )),
    }
}
