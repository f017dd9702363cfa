//! HTTP authentication, as per-connection state.
//!
//! Each accepted TCP (or TLS) connection gets one [`ConnectionAuth`], owned by that connection's
//! hyper service and consulted for every request on it. Basic and Bearer are per-request schemes
//! (every request carries its credentials), so they keep no state; the struct exists for the
//! connection-oriented scheme to come:
//!
//! **Adding NTLM** (module `crate::ntlm`, not present yet). NTLM authenticates a *connection*:
//! the client sends `Authorization: NTLM <type 1>`, the server answers 401 with
//! `WWW-Authenticate: NTLM <type 2 challenge>`, the client sends `<type 3>` on the same
//! connection, and from then on requests on that connection need no `Authorization` header. To add
//! it: keep the acceptor's handshake state and the authenticated [`Principal`] as fields of
//! [`ConnectionAuth`]; in [`ConnectionAuth::authenticate`], route `NTLM`/`Negotiate` credentials
//! to the acceptor (answering the challenge with [`AuthDecision::Refuse`] carrying the type 2
//! message) and accept a request without credentials when the connection is authenticated;
//! verify the type 3 response against [`Directory::account_by_logon`](super::directory::Directory)
//! and the account's password; then allow [`AuthScheme::Ntlm`] in
//! [`SimServerBuilder::start`](super::SimServerBuilder::start), which refuses it today with
//! [`SimError::NtlmUnavailable`](super::SimError::NtlmUnavailable).
//!
//! Refusals are HTTP 401 with one `WWW-Authenticate` header per enabled scheme.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use http::{HeaderMap, StatusCode};

use super::directory::Principal;
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
    /// `NTLM`: not available in this build (see the module documentation).
    Ntlm,
}

/// Which schemes a server accepts (to mimic servers that accept only one). The default accepts
/// Basic and Bearer.
///
/// ```
/// use exsync::sim::{AuthScheme, AuthSchemes};
///
/// let only_basic = AuthSchemes::only(AuthScheme::Basic);
/// assert!(only_basic.accepts(AuthScheme::Basic));
/// assert!(!only_basic.accepts(AuthScheme::Bearer));
/// assert!(AuthSchemes::default().accepts(AuthScheme::Bearer));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthSchemes {
    basic: bool,
    bearer: bool,
    ntlm: bool,
}

impl Default for AuthSchemes {
    fn default() -> Self {
        AuthSchemes { basic: true, bearer: true, ntlm: false }
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
}

impl ConnectionAuth {
    /// The state of a new connection: nothing authenticated yet.
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        ConnectionAuth { shared }
    }

    /// The 401 answer, listing the enabled schemes; `bearer_error` adds `error="invalid_token"`.
    fn challenge(&self, bearer_error: bool) -> Reply {
        self.shared.counters.unauthorized();
        let host = self.shared.base_url.split("://").nth(1).unwrap_or("127.0.0.1").to_owned();
        let mut reply = Reply::empty(StatusCode::UNAUTHORIZED);
        let schemes = self.shared.auth;
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
            return AuthDecision::Refuse(self.challenge(false));
        };
        let (scheme, credentials) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
        let schemes = self.shared.auth;
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
        // A disabled scheme, or one the simulator does not speak (NTLM and Negotiate land here
        // until the NTLM acceptor exists; see the module documentation).
        AuthDecision::Refuse(self.challenge(false))
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
