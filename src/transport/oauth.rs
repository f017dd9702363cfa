//! OAuth 2.0 client credentials against the Microsoft identity platform: the token request (a form
//! POST to `{host}/{tenant}/oauth2/v2.0/token` with a client secret or a signed JWT client
//! assertion), and a token cache that refreshes before the token expires.
//!
//! The client assertion is an RS256 JWT signed with the certificate's private key (PKCS#8 or
//! PKCS#1 PEM); its header's `x5t` is the base64url SHA-1 thumbprint of the certificate, and its
//! claims are `aud` (the token endpoint), `iss` = `sub` (the client id), `jti`, `nbf`, `iat` and
//! `exp` (ten minutes).
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use exsync::transport::oauth::x5t_from_thumbprint;
//!
//! assert_eq!(x5t_from_thumbprint("00:01:02:03:04:05:06:07:08:09:0A:0B:0C:0D:0E:0F:10:11:12:13").unwrap(),
//!            "AAECAwQFBgcICQoLDA0ODxAREhM");
//! assert!(x5t_from_thumbprint("abc").is_err());
//! ```

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderValue, Method};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;
use url::Url;

use super::auth::RequestAuth;
use super::credentials::{OAuthAuthority, Secret};
use super::error::{CallContext, TransportError};
use super::http::{HttpRequest, HttpTransport, PlainHttp};

/// The operation name of token requests (in errors and trace file names).
pub const TOKEN_OPERATION: &str = "OAuthToken";

/// `client_assertion_type` of a JWT client assertion.
pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Lifetime of a client assertion.
const ASSERTION_LIFETIME: Duration = Duration::from_secs(600);

/// How long before expiry a cached token is replaced (at most; at least half its lifetime is used).
const REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// The JWT header's `x5t`: base64url of the certificate's SHA-1 thumbprint, given in hex (colons,
/// spaces and case ignored).
pub fn x5t_from_thumbprint(thumbprint: &str) -> Result<String, TransportError> {
    let hex: String = thumbprint.chars().filter(|c| !matches!(c, ':' | ' ' | '-')).collect();
    let bad = || TransportError::config("the certificate thumbprint must be 40 hexadecimal digits (its SHA-1 hash)");
    if hex.len() != 40 {
        return Err(bad());
    }
    let bytes: Vec<u8> =
        (0..20).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)).collect::<Result<_, _>>().map_err(|_| bad())?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Reads an RSA private key from PEM (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`).
pub fn rsa_key_from_pem(pem: &Secret) -> Result<RsaKeyPair, TransportError> {
    let der = PrivateKeyDer::from_pem_slice(pem.expose().as_bytes())
        .map_err(|_| TransportError::config("the certificate's private key is not a PEM private key"))?;
    let key = match &der {
        PrivateKeyDer::Pkcs8(k) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()),
        PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der()),
        _ => return Err(TransportError::config("the certificate's private key must be an RSA key (PKCS#8 or PKCS#1)")),
    };
    key.map_err(|e| TransportError::config(format!("the certificate's private key is not a usable RSA key: {e}")))
}

fn seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A signed client assertion (RS256 JWT) for `client_id` at the token endpoint `audience`.
pub fn client_assertion(
    key: &RsaKeyPair,
    x5t: &str,
    client_id: &str,
    audience: &str,
    now: SystemTime,
) -> Result<String, TransportError> {
    let rng = SystemRandom::new();
    let mut jti = [0u8; 16];
    rng.fill(&mut jti).map_err(|_| TransportError::config("no system randomness for the client assertion"))?;
    let jti: String = jti.iter().map(|b| format!("{b:02x}")).collect();
    let header = serde_json::json!({ "alg": "RS256", "typ": "JWT", "x5t": x5t });
    let now_s = seconds(now);
    let claims = serde_json::json!({
        "aud": audience,
        "iss": client_id,
        "sub": client_id,
        "jti": jti,
        "nbf": now_s,
        "iat": now_s,
        "exp": now_s + ASSERTION_LIFETIME.as_secs(),
    });
    let signing_input =
        format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
    let mut signature = vec![0u8; key.public().modulus_len()];
    key.sign(&RSA_PKCS1_SHA256, &rng, signing_input.as_bytes(), &mut signature)
        .map_err(|_| TransportError::config("signing the client assertion failed"))?;
    Ok(format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

/// How the application proves who it is.
pub(crate) enum ClientProof {
    Secret(Secret),
    Certificate { key: Box<RsaKeyPair>, x5t: String },
}

struct CachedToken {
    token: Secret,
    refresh_at: Instant,
}

/// Fetches and caches tokens for one application.
pub(crate) struct OAuthClient {
    endpoint: Url,
    client_id: String,
    scope: String,
    proof: ClientProof,
    cache: tokio::sync::Mutex<Option<CachedToken>>,
}

#[derive(serde::Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    expires_in: Option<serde_json::Value>,
    error: Option<String>,
    error_codes: Option<Vec<i64>>,
}

impl OAuthClient {
    pub fn new(
        authority: &OAuthAuthority,
        client_id: &str,
        scope: &str,
        proof: ClientProof,
    ) -> Result<Self, TransportError> {
        let endpoint = Url::parse(&authority.token_endpoint()).map_err(|e| {
            TransportError::config(format!("the OAuth authority gives no valid token endpoint ({e}): {authority:?}"))
        })?;
        Ok(OAuthClient {
            endpoint,
            client_id: client_id.to_owned(),
            scope: scope.to_owned(),
            proof,
            cache: tokio::sync::Mutex::new(None),
        })
    }

    /// A token valid now: the cached one unless it is due for refresh or is `refused` (the token
    /// the server just answered 401 to).
    pub async fn token(&self, http: &HttpTransport, refused: Option<&Secret>) -> Result<Secret, TransportError> {
        let mut cache = self.cache.lock().await;
        if let Some(c) = cache.as_ref() {
            let was_refused = refused.is_some_and(|r| r.expose() == c.token.expose());
            if !was_refused && Instant::now() < c.refresh_at {
                return Ok(c.token.clone());
            }
        }
        let fetched_at = Instant::now();
        let (token, lifetime) = self.fetch(http).await?;
        let margin = REFRESH_MARGIN.min(lifetime / 2);
        *cache = Some(CachedToken { token: token.clone(), refresh_at: fetched_at + lifetime - margin });
        Ok(token)
    }

    fn form(&self) -> Result<String, TransportError> {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "client_credentials");
        form.append_pair("client_id", &self.client_id);
        form.append_pair("scope", &self.scope);
        match &self.proof {
            ClientProof::Secret(s) => {
                form.append_pair("client_secret", s.expose());
            }
            ClientProof::Certificate { key, x5t } => {
                let jwt = client_assertion(key, x5t, &self.client_id, self.endpoint.as_str(), SystemTime::now())?;
                form.append_pair("client_assertion_type", JWT_BEARER_ASSERTION);
                form.append_pair("client_assertion", &jwt);
            }
        }
        Ok(form.finish())
    }

    async fn fetch(&self, http: &HttpTransport) -> Result<(Secret, Duration), TransportError> {
        let context = CallContext::new(TOKEN_OPERATION, None, self.endpoint.as_str());
        let req = HttpRequest {
            method: Method::POST,
            url: self.endpoint.clone(),
            headers: vec![
                (CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded")),
                (ACCEPT, HeaderValue::from_static("application/json")),
            ],
            body: Bytes::from(self.form()?),
            context: context.clone(),
            plain_http: PlainHttp::LoopbackOnly,
        };
        let resp = http.send(&req, RequestAuth::None).await?;
        let answer: Option<TokenAnswer> = serde_json::from_slice(&resp.body).ok();
        let status = resp.status.as_u16();
        match answer {
            Some(TokenAnswer { access_token: Some(token), expires_in, .. }) if resp.status.is_success() => {
                let secs = match expires_in {
                    Some(serde_json::Value::Number(n)) => n.as_u64(),
                    Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
                    _ => None,
                };
                // Tokens without a stated lifetime are kept for a conservative five minutes.
                let lifetime = Duration::from_secs(secs.unwrap_or(300).max(1));
                Ok((Secret::new(token), lifetime))
            }
            Some(a) => {
                let mut error = a.error.unwrap_or_default();
                if let Some(codes) = a.error_codes.filter(|c| !c.is_empty()) {
                    let codes: Vec<String> = codes.iter().map(|c| format!("AADSTS{c}")).collect();
                    error = format!("{error} ({})", codes.join(", "));
                }
                Err(TransportError::TokenRefused { context: Box::new(context), status, error: error.trim().to_owned() })
            }
            None => Err(TransportError::TokenRefused {
                context: Box::new(context),
                status,
                error: "the answer is not JSON".into(),
            }),
        }
    }
}
