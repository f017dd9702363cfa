//! Authentication of EWS and autodiscover requests: the `Authorization` header for HTTP Basic,
//! OAuth 2.0 client credentials ([`super::oauth`]) and a caller's [`BearerTokenProvider`], and
//! the [`NtlmClient`] for NTLM.
//!
//! Token schemes may be asked for a fresh token once after an HTTP 401 ([`Authenticator::refreshable`]).
//! NTLM is connection-bound (see [`super::pool`]): the HTTP layer runs its handshake on the
//! connection that carries the request ([`RequestAuth::Ntlm`]), and re-runs it once itself when
//! an authenticated connection meets a 401, so a 401 that reaches the caller is final.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::header::WWW_AUTHENTICATE;
use http::{HeaderMap, HeaderValue};

use super::credentials::{BearerTokenProvider, Credentials, Secret};
use super::error::{CallContext, TransportError};
use super::http::HttpTransport;
use super::oauth::{self, ClientProof, OAuthClient};
use crate::ntlm::NtlmClient;

/// How one request is authenticated.
pub(crate) enum RequestAuth<'a> {
    /// No credentials (token requests, the autodiscover redirect probe).
    None,
    /// An `Authorization` header on the request itself (Basic, Bearer).
    Header(HeaderValue),
    /// NTLM: the connection carrying the request is signed in by a handshake, once.
    Ntlm(&'a NtlmClient),
}

/// The schemes a `401` offers in its `WWW-Authenticate` headers (`Negotiate`, `NTLM`, `Basic`, …),
/// in order. Auth-params (`realm="…"`, `charset=…`) are skipped, commas inside quotes respected.
pub(crate) fn offered_schemes(headers: &HeaderMap) -> Vec<String> {
    let mut schemes = Vec::new();
    for value in headers.get_all(WWW_AUTHENTICATE).iter().filter_map(|v| v.to_str().ok()) {
        let mut in_quotes = false;
        let mut start = 0;
        let mut entries = Vec::new();
        for (i, c) in value.char_indices() {
            match c {
                '"' => in_quotes = !in_quotes,
                ',' if !in_quotes => {
                    entries.push(&value[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        entries.push(&value[start..]);
        for entry in entries {
            let first = entry.split_whitespace().next().unwrap_or("");
            if !first.is_empty() && !first.contains('=') && !first.contains('"') {
                schemes.push(first.to_owned());
            }
        }
    }
    schemes
}

/// The credential a request was sent with, so that a 401 can ask for a different one.
#[derive(Clone, Default)]
pub(crate) struct UsedToken(Option<Secret>);

enum Scheme {
    Basic(HeaderValue),
    Ntlm(Box<NtlmClient>),
    OAuth(Box<OAuthClient>),
    Provider(Arc<dyn BearerTokenProvider>),
}

/// Produces `Authorization` headers for one set of credentials.
pub(crate) struct Authenticator {
    scheme: Scheme,
    /// `scheme as principal`, for errors.
    described: String,
}

fn sensitive(value: &str, context: &CallContext) -> Result<HeaderValue, TransportError> {
    let mut v = HeaderValue::from_str(value).map_err(|_| TransportError::Config {
        reason: format!("{context}: the credentials contain characters that cannot go in an HTTP header"),
    })?;
    v.set_sensitive(true);
    Ok(v)
}

impl Authenticator {
    /// The authenticator for `credentials`.
    pub fn new(credentials: &Credentials, context: &CallContext) -> Result<Self, TransportError> {
        let described = credentials.to_string();
        let scheme = match credentials {
            Credentials::Basic { user, password } => {
                let raw = format!("{user}:{}", password.expose());
                let encoded = zeroize::Zeroizing::new(format!("Basic {}", STANDARD.encode(raw.as_bytes())));
                drop(zeroize::Zeroizing::new(raw));
                Scheme::Basic(sensitive(&encoded, context)?)
            }
            Credentials::Ntlm { user, password } => {
                Scheme::Ntlm(Box::new(NtlmClient::new(user.clone(), password.clone())))
            }
            Credentials::OAuthClientSecret { authority, client_id, secret, scope } => Scheme::OAuth(Box::new(
                OAuthClient::new(authority, client_id, scope, ClientProof::Secret(secret.clone()))?,
            )),
            Credentials::OAuthCertificate { authority, client_id, thumbprint, private_key_pem, scope } => {
                let key = Box::new(oauth::rsa_key_from_pem(private_key_pem)?);
                let x5t = oauth::x5t_from_thumbprint(thumbprint)?;
                Scheme::OAuth(Box::new(OAuthClient::new(
                    authority,
                    client_id,
                    scope,
                    ClientProof::Certificate { key, x5t },
                )?))
            }
            Credentials::Bearer(p) => Scheme::Provider(p.clone()),
        };
        Ok(Authenticator { scheme, described })
    }

    /// `scheme as principal` (never a secret).
    pub fn describe(&self) -> &str {
        &self.described
    }

    /// Whether a 401 may be cured by a fresh token.
    pub fn refreshable(&self) -> bool {
        matches!(self.scheme, Scheme::OAuth(_) | Scheme::Provider(_))
    }

    /// The HTTP scheme name the credentials travel in: `Basic`, `NTLM` or `Bearer`.
    pub fn http_scheme(&self) -> &'static str {
        match self.scheme {
            Scheme::Basic(_) => "Basic",
            Scheme::Ntlm(_) => "NTLM",
            Scheme::OAuth(_) | Scheme::Provider(_) => "Bearer",
        }
    }

    /// When a 401's `WWW-Authenticate` headers list schemes and ours is not among them, the
    /// error that says so (retrying or refreshing cannot help); `None` otherwise.
    pub fn scheme_not_offered(&self, headers: &HeaderMap, context: &CallContext) -> Option<TransportError> {
        let offered = offered_schemes(headers);
        let ours = self.http_scheme();
        if offered.is_empty() || offered.iter().any(|s| s.eq_ignore_ascii_case(ours)) {
            return None;
        }
        Some(TransportError::SchemeNotOffered {
            context: Box::new(context.clone()),
            credentials: self.described.clone(),
            scheme: ours,
            offered: offered.join(", "),
        })
    }

    /// How the next request is authenticated, and the token it holds. With `refused` (the token
    /// of a request that got 401), a different token is fetched.
    pub async fn authorization(
        &self,
        http: &HttpTransport,
        refused: Option<&UsedToken>,
        context: &CallContext,
    ) -> Result<(RequestAuth<'_>, UsedToken), TransportError> {
        match &self.scheme {
            Scheme::Basic(v) => Ok((RequestAuth::Header(v.clone()), UsedToken(None))),
            Scheme::Ntlm(client) => Ok((RequestAuth::Ntlm(client), UsedToken(None))),
            Scheme::OAuth(client) => {
                let token = client.token(http, refused.and_then(|u| u.0.as_ref())).await?;
                let v = sensitive(&format!("Bearer {}", token.expose()), context)?;
                Ok((RequestAuth::Header(v), UsedToken(Some(token))))
            }
            Scheme::Provider(p) => {
                let t = p
                    .token(refused.is_some())
                    .await
                    .map_err(|source| TransportError::TokenProvider { context: Box::new(context.clone()), source })?;
                let v = sensitive(&format!("Bearer {}", t.token.expose()), context)?;
                Ok((RequestAuth::Header(v), UsedToken(Some(t.token))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(WWW_AUTHENTICATE, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn offered_schemes_skip_parameters() {
        let h = headers(&[
            "Negotiate",
            "NTLM",
            r#"Basic realm="mail, contoso", charset="UTF-8""#,
            "Bearer realm=\"x\", error=\"invalid_token\"",
        ]);
        assert_eq!(offered_schemes(&h), ["Negotiate", "NTLM", "Basic", "Bearer"]);
        assert_eq!(offered_schemes(&headers(&["Negotiate, NTLM TlRMTVNTUAACAAAA"])), ["Negotiate", "NTLM"]);
        assert!(offered_schemes(&HeaderMap::new()).is_empty());
    }

    #[test]
    fn a_scheme_the_server_does_not_offer_is_named() {
        let context =
            CallContext::new("GetItem", Some("alice@contoso.com"), "https://mail.contoso.com/EWS/Exchange.asmx");
        let creds = Credentials::Ntlm {
            user: crate::transport::UserName::parse(r"CONTOSO\svc").unwrap(),
            password: Secret::new("pw-not-shown"),
        };
        let auth = Authenticator::new(&creds, &context).unwrap();
        assert_eq!(auth.http_scheme(), "NTLM");
        assert!(!auth.refreshable());
        assert!(auth.scheme_not_offered(&headers(&["Negotiate", "NTLM"]), &context).is_none());
        assert!(auth.scheme_not_offered(&HeaderMap::new(), &context).is_none());
        let e = auth.scheme_not_offered(&headers(&[r#"Basic realm="x""#]), &context).unwrap();
        let text = e.to_string();
        assert!(text.contains("NTLM") && text.contains("Basic") && text.contains(r"CONTOSO\svc"), "{text}");
        assert!(!text.contains("pw-not-shown"));
    }
}
