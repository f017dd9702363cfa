//! HTTP authentication, as per-connection state.
//!
//! Each accepted TCP (or TLS) connection gets one [`ConnectionAuth`], owned by that connection's
//! hyper service and consulted for every request on it. Basic and Bearer are per-request schemes:
//! every request carries its credentials, and nothing is remembered.
//!
//! NTLM authenticates the *connection*, as IIS does for Exchange: the client sends
//! `Authorization: NTLM <NEGOTIATE>`, the connection's [`NtlmAcceptor`] answers 401 with
//! `WWW-Authenticate: NTLM <CHALLENGE>`, the client sends `<AUTHENTICATE>` on the same connection
//! with the real request, and once the acceptor verifies it against the service account's
//! password (the account named by its UPN, `svc@contoso.com`, or down-level, `CONTOSO\svc` or
//! `contoso.com\svc`), the connection is signed in: later requests on it need no `Authorization`
//! header. A new NEGOTIATE on a signed-in connection starts over, and
//! [`SimServer::expire_ntlm_sign_ins`](super::SimServer::expire_ntlm_sign_ins) signs every
//! connection out (as an IIS application pool recycle does). Over TLS, the AUTHENTICATE
//! message must carry the channel bindings of the server's certificate (Extended Protection)
//! unless the server was built without
//! ([`SimServerBuilder::ntlm_extended_protection`](super::SimServerBuilder::ntlm_extended_protection)).
//!
//! Refusals are HTTP 401 with one `WWW-Authenticate` header per enabled scheme (`NTLM` first, as
//! IIS lists Windows authentication first).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use http::{HeaderMap, StatusCode};

use crate::ntlm::{NtlmAcceptor, NtlmPrincipal, http_header};

use super::directory::{Account, Directory, Principal};
use super::reply::Reply;
use super::state::Shared;

/// An HTTP authentication scheme the simulator can accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthScheme {
    /// `Basic`: a service account's logon name and password.
    Basic,
    /// `Bearer`: an access token from the simulator's own token endpoint.
    Bearer,
    /// `NTLM`: a service account's NTLMv2 handshake, which signs the connection in.
    Ntlm,
}

/// Which schemes a server accepts (to mimic servers that accept only one). The default accepts
/// all three: NTLM, Basic and Bearer.
///
/// ```
/// use exsync::sim::{AuthScheme, AuthSchemes};
///
/// let only_basic = AuthSchemes::only(AuthScheme::Basic);
/// assert!(only_basic.accepts(AuthScheme::Basic));
/// assert!(!only_basic.accepts(AuthScheme::Bearer));
/// let ntlm_only = AuthSchemes::only(AuthScheme::Ntlm);
/// assert!(ntlm_only.accepts(AuthScheme::Ntlm) && !ntlm_only.accepts(AuthScheme::Basic));
/// assert!(AuthSchemes::default().accepts(AuthScheme::Ntlm));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthSchemes {
    basic: bool,
    bearer: bool,
    ntlm: bool,
}

impl Default for AuthSchemes {
    fn default() -> Self {
        AuthSchemes { basic: true, bearer: true, ntlm: true }
    }
}

impl AuthSchemes {
    /// No scheme (add some with [`AuthSchemes::with`]).
    pub fn none() -> Self {
        AuthSchemes { basic: false, bearer: false, ntlm: false }
    }

    /// Only `scheme`.
    pub fn only(scheme: AuthScheme) -> Self {
        Self::none().with(scheme)
    }

    /// These schemes and `scheme`.
    pub fn with(mut self, scheme: AuthScheme) -> Self {
        *self.slot(scheme) = true;
        self
    }

    /// These schemes without `scheme`.
    pub fn without(mut self, scheme: AuthScheme) -> Self {
        *self.slot(scheme) = false;
        self
    }

    fn slot(&mut self, scheme: AuthScheme) -> &mut bool {
        match scheme {
            AuthScheme::Basic => &mut self.basic,
            AuthScheme::Bearer => &mut self.bearer,
            AuthScheme::Ntlm => &mut self.ntlm,
        }
    }

    /// Whether `scheme` is accepted.
    pub fn accepts(&self, scheme: AuthScheme) -> bool {
        match scheme {
            AuthScheme::Basic => self.basic,
            AuthScheme::Bearer => self.bearer,
            AuthScheme::Ntlm => self.ntlm,
        }
    }

    /// Whether no scheme is accepted.
    pub fn is_empty(&self) -> bool {
        !(self.basic || self.bearer || self.ntlm)
    }
}

/// What authentication decided for a request.
#[derive(Debug)]
pub(crate) enum AuthDecision {
    /// Go on, as this principal.
    Allow(Principal),
    /// Answer this (401) instead.
    Refuse(Reply),
}

/// Compares secrets without stopping at the first difference.
pub(crate) fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The authentication state of one connection.
#[derive(Debug)]
pub(crate) struct ConnectionAuth {
    shared: Arc<Shared>,
    /// Whether the connection is TLS (channel bindings are then checked).
    tls: bool,
    /// The connection's NTLM acceptor, made at the first NEGOTIATE message.
    ntlm: Option<NtlmAcceptor>,
    /// Who the NTLM handshake signed the connection in as, and in which generation.
    signed_in: Option<(Principal, u64)>,
}

/// The service account an NTLM principal names, by any of its logon names.
fn ntlm_account<'d>(directory: &'d Directory, who: &NtlmPrincipal) -> Option<&'d Arc<Account>> {
    directory.account_by_logon(&who.user_name()?.to_string())
}

impl ConnectionAuth {
    /// The state of a new connection: nothing authenticated yet.
    pub(crate) fn new(shared: Arc<Shared>, tls: bool) -> Self {
        ConnectionAuth { shared, tls, ntlm: None, signed_in: None }
    }

    /// The 401 answer, listing the enabled schemes; `bearer_error` adds `error="invalid_token"`.
    fn challenge(&self, bearer_error: bool) -> Reply {
        self.shared.counters.unauthorized();
        let host = self.shared.base_url.split("://").nth(1).unwrap_or("127.0.0.1").to_owned();
        let mut reply = Reply::empty(StatusCode::UNAUTHORIZED);
        let schemes = self.shared.auth;
        if schemes.accepts(AuthScheme::Ntlm) {
            reply = reply.with_header(WWW_AUTHENTICATE, "NTLM");
        }
        if schemes.accepts(AuthScheme::Basic) {
            reply = reply.with_header(WWW_AUTHENTICATE, &format!("Basic realm=\"{host}\""));
        }
        if schemes.accepts(AuthScheme::Bearer) {
            let error = if bearer_error { ", error=\"invalid_token\"" } else { "" };
            reply = reply.with_header(WWW_AUTHENTICATE, &format!("Bearer realm=\"{host}\"{error}"));
        }
        reply
    }

    /// Authenticates a request on this connection.
    pub(crate) fn authenticate(&mut self, headers: &HeaderMap) -> AuthDecision {
        let Some(value) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
            let generation = self.shared.ntlm_generation.load(Ordering::Relaxed);
            return match &self.signed_in {
                Some((p, signed_in)) if *signed_in == generation => AuthDecision::Allow(p.clone()),
                _ => {
                    self.signed_in = None;
                    AuthDecision::Refuse(self.challenge(false))
                }
            };
        };
        let (scheme, credentials) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
        let schemes = self.shared.auth;
        if scheme.eq_ignore_ascii_case("NTLM") && schemes.accepts(AuthScheme::Ntlm) {
            return self.ntlm(value);
        }
        if scheme.eq_ignore_ascii_case("Basic") && schemes.accepts(AuthScheme::Basic) {
            return match self.basic(credentials.trim()) {
                Some(p) => AuthDecision::Allow(p),
                None => AuthDecision::Refuse(self.challenge(false)),
            };
        }
        if scheme.eq_ignore_ascii_case("Bearer") && schemes.accepts(AuthScheme::Bearer) {
            let now = self.shared.clock.now();
            return match self.shared.tokens.principal(credentials.trim(), now) {
                Some(app) => AuthDecision::Allow(Principal::App(app)),
                None => AuthDecision::Refuse(self.challenge(true)),
            };
        }
        // A disabled scheme, or one the simulator does not speak (Negotiate, Digest, …).
        AuthDecision::Refuse(self.challenge(false))
    }

    /// One NTLM step: a NEGOTIATE message gets the CHALLENGE, an AUTHENTICATE message answering
    /// it signs the connection in. Anything else, or a failed verification, is refused.
    fn ntlm(&mut self, authorization: &str) -> AuthDecision {
        let Ok(message) = http_header::message_from_authorization(authorization) else {
            return AuthDecision::Refuse(self.challenge(false));
        };
        // MS-NLMP 2.2.1: the message type follows the 8-byte signature.
        match message.get(8..12) {
            Some([1, 0, 0, 0]) => {
                self.signed_in = None;
                let shared = &self.shared;
                let acceptor = self.ntlm.get_or_insert_with(|| {
                    let acceptor = NtlmAcceptor::new(shared.ntlm_target.clone());
                    match (self.tls, shared.channel_bindings) {
                        (true, Some(bindings)) => acceptor.with_channel_bindings(bindings),
                        _ => acceptor,
                    }
                });
                match acceptor.challenge(&message) {
                    Ok(challenge) => {
                        shared.counters.unauthorized();
                        shared.counters.ntlm_challenge();
                        AuthDecision::Refuse(
                            Reply::empty(StatusCode::UNAUTHORIZED)
                                .with_header(WWW_AUTHENTICATE, &http_header::header_value(&challenge)),
                        )
                    }
                    Err(_) => {
                        shared.counters.ntlm_refusal();
                        AuthDecision::Refuse(self.challenge(false))
                    }
                }
            }
            Some([3, 0, 0, 0]) => {
                let Some(acceptor) = self.ntlm.as_mut() else {
                    self.shared.counters.ntlm_refusal();
                    return AuthDecision::Refuse(self.challenge(false));
                };
                let account = {
                    let directory = self.shared.directory();
                    let lookup = |who: &NtlmPrincipal| ntlm_account(&directory, who).map(|a| a.config.password.clone());
                    acceptor.verify(&message, lookup).ok().and_then(|who| ntlm_account(&directory, &who).cloned())
                };
                match account {
                    Some(account) => {
                        let principal = Principal::Account(account);
                        let generation = self.shared.ntlm_generation.load(Ordering::Relaxed);
                        self.signed_in = Some((principal.clone(), generation));
                        self.shared.counters.ntlm_sign_in();
                        AuthDecision::Allow(principal)
                    }
                    None => {
                        self.shared.counters.ntlm_refusal();
                        AuthDecision::Refuse(self.challenge(false))
                    }
                }
            }
            _ => {
                self.shared.counters.ntlm_refusal();
                AuthDecision::Refuse(self.challenge(false))
            }
        }
    }

    fn basic(&self, credentials: &str) -> Option<Principal> {
        let decoded = STANDARD.decode(credentials).ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (logon, password) = text.split_once(':')?;
        let directory = self.shared.directory();
        let account = directory.account_by_logon(logon)?;
        same_secret(account.config.password.expose().as_bytes(), password.as_bytes())
            .then(|| Principal::Account(Arc::clone(account)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        let s = AuthSchemes::default().without(AuthScheme::Basic);
        assert!(!s.accepts(AuthScheme::Basic) && s.accepts(AuthScheme::Bearer));
        assert!(AuthSchemes::none().is_empty());
        assert!(!AuthSchemes::only(AuthScheme::Ntlm).is_empty());
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"ab"));
    }
}
