//! Authentication of EWS and autodiscover requests: the `Authorization` header for HTTP Basic,
//! OAuth 2.0 client credentials ([`super::oauth`]) and a caller's [`BearerTokenProvider`].
//!
//! Token schemes may be asked for a fresh token once after an HTTP 401 ([`Authenticator::refreshable`]).
//! NTLM is connection-bound (see [`super::pool`]): its handshake will run on a checked-out
//! connection before the request; until the NTLM message builder lands, NTLM credentials are
//! refused with [`TransportError::Unsupported`] when the client is built.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::HeaderValue;

use super::credentials::{BearerTokenProvider, Credentials, Secret};
use super::error::{CallContext, TransportError};
use super::http::HttpTransport;
use super::oauth::{self, ClientProof, OAuthClient};

/// The credential a request was sent with, so that a 401 can ask for a different one.
#[derive(Clone, Default)]
pub(crate) struct UsedToken(Option<Secret>);

enum Scheme {
    Basic(HeaderValue),
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
    /// The authenticator for `credentials`; NTLM is [`TransportError::Unsupported`] for now.
    pub fn new(credentials: &Credentials, context: &CallContext) -> Result<Self, TransportError> {
        let described = credentials.to_string();
        let scheme = match credentials {
            Credentials::Basic { user, password } => {
                let raw = format!("{user}:{}", password.expose());
                let encoded = zeroize::Zeroizing::new(format!("Basic {}", STANDARD.encode(raw.as_bytes())));
                drop(zeroize::Zeroizing::new(raw));
                Scheme::Basic(sensitive(&encoded, context)?)
            }
            Credentials::Ntlm { .. } => {
                return Err(TransportError::Unsupported {
                    context: Box::new(context.clone()),
                    what: "NTLM authentication (use Basic or OAuth until the NTLM handshake is available)".into(),
                });
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
        !matches!(self.scheme, Scheme::Basic(_))
    }

    /// The `Authorization` value for the next request, and the token it holds. With `refused`
    /// (the token of a request that got 401), a different token is fetched.
    pub async fn authorization(
        &self,
        http: &HttpTransport,
        refused: Option<&UsedToken>,
        context: &CallContext,
    ) -> Result<(HeaderValue, UsedToken), TransportError> {
        match &self.scheme {
            Scheme::Basic(v) => Ok((v.clone(), UsedToken(None))),
            Scheme::OAuth(client) => {
                let token = client.token(http, refused.and_then(|u| u.0.as_ref())).await?;
                let v = sensitive(&format!("Bearer {}", token.expose()), context)?;
                Ok((v, UsedToken(Some(token))))
            }
            Scheme::Provider(p) => {
                let t = p
                    .token(refused.is_some())
                    .await
                    .map_err(|source| TransportError::TokenProvider { context: Box::new(context.clone()), source })?;
                let v = sensitive(&format!("Bearer {}", t.token.expose()), context)?;
                Ok((v, UsedToken(Some(t.token))))
            }
        }
    }
}
