//! The simulator's OAuth 2.0 token endpoint, `POST /{tenant}/oauth2/v2.0/token`, for the client
//! credentials grant as Entra ID serves it: the app proves itself with a `client_secret` or a
//! `client_assertion` (an RS256 JWT signed by its certificate's key), asks for a `scope` ending in
//! `/.default`, and gets `{token_type, expires_in, ext_expires_in, access_token}`, or an error
//! `{error, error_description}` (`invalid_client` with HTTP 401 for bad proof; `invalid_request`,
//! `unauthorized_client`, `unsupported_grant_type`, `invalid_scope` with HTTP 400).
//!
//! Tokens are opaque random strings the EWS endpoint accepts as `Authorization: Bearer` until they
//! expire (by the simulator's clock).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use http::StatusCode;
use ring::rand::{SecureRandom, SystemRandom};
use serde_json::json;

use super::assertion::verify;
use super::auth::same_secret;
use super::directory::RegisteredApp;
use super::reply::Reply;
use super::state::Shared;

/// The client assertion type of a JWT assertion.
pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

struct Issued {
    app: Arc<RegisteredApp>,
    expires_at: DateTime<Utc>,
}

/// The tokens issued and not yet expired.
#[derive(Default)]
pub(crate) struct IssuedTokens {
    tokens: Mutex<HashMap<String, Issued>>,
}

impl fmt::Debug for IssuedTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.tokens.lock().map(|t| t.len()).unwrap_or(0);
        f.debug_struct("IssuedTokens").field("count", &n).finish()
    }
}

impl IssuedTokens {
    /// A new token for `app`, valid for `lifetime` from `now`.
    fn issue(&self, app: Arc<RegisteredApp>, now: DateTime<Utc>, lifetime: Duration) -> Option<String> {
        let mut bytes = [0u8; 32];
        SystemRandom::new().fill(&mut bytes).ok()?;
        let token = format!("sim.{}", URL_SAFE_NO_PAD.encode(bytes));
        let expires_at = now + chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::hours(1));
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.retain(|_, t| t.expires_at > now);
        tokens.insert(token.clone(), Issued { app, expires_at });
        Some(token)
    }

    /// The app a token was issued to, if it is known and not expired at `now`.
    pub(crate) fn principal(&self, token: &str, now: DateTime<Utc>) -> Option<Arc<RegisteredApp>> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.get(token).filter(|t| t.expires_at > now).map(|t| Arc::clone(&t.app))
    }

    /// Forgets every token (clients must get new ones).
    pub(crate) fn revoke_all(&self) {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

fn error(status: StatusCode, code: &str, description: impl Into<String>) -> Reply {
    Reply::json(status, &json!({ "error": code, "error_description": description.into() }))
}

fn missing(name: &str) -> Reply {
    error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        format!("AADSTS900144: The request body must contain the following parameter: '{name}'."),
    )
}

/// Answers a token request for `tenant` (the path segment) posted to `url`.
pub(crate) fn serve(shared: &Shared, tenant: &str, url: &str, body: &[u8]) -> Reply {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    let field = |k: &str| form.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let directory = shared.directory();
    if !directory.is_tenant(tenant) {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            format!("AADSTS90002: Tenant '{tenant}' not found. Check the tenant id or domain in the token URL."),
        );
    }
    match field("grant_type") {
        None => return missing("grant_type"),
        Some("client_credentials") => {}
        Some(other) => {
            return error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                format!("AADSTS70003: The app requested an unsupported grant type '{other}'; use client_credentials."),
            );
        }
    }
    let Some(client_id) = field("client_id") else { return missing("client_id") };
    let Some(scope) = field("scope") else { return missing("scope") };
    if !scope.split_whitespace().all(|s| s.ends_with("/.default")) {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            format!(
                "AADSTS1002012: The provided value for scope {scope} is not valid. Client credential flows must have a \
                 scope value with /.default suffixed to the resource identifier (application ID URI)."
            ),
        );
    }
    let Some(app) = directory.app(client_id) else {
        return error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            format!(
                "AADSTS700016: Application with identifier '{client_id}' was not found in the directory '{tenant}'."
            ),
        );
    };
    let proven = if let Some(secret) = field("client_secret") {
        let ok = app.app.secrets.iter().any(|s| same_secret(s.expose().as_bytes(), secret.as_bytes()));
        if !ok {
            return error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the \
                 client secret value, not the client secret ID, for a secret added to app '"
                    .to_owned()
                    + client_id
                    + "'.",
            );
        }
        true
    } else if let Some(assertion) = field("client_assertion") {
        if field("client_assertion_type") != Some(JWT_BEARER_ASSERTION) {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                format!("AADSTS50027: client_assertion_type must be '{JWT_BEARER_ASSERTION}'."),
            );
        }
        if let Err(e) = verify(assertion, &app.certificates, url, &app.app.client_id, shared.clock.now()) {
            return error(StatusCode::UNAUTHORIZED, "invalid_client", e.to_string());
        }
        true
    } else {
        false
    };
    if !proven {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or \
             'client_secret'.",
        );
    }
    let Some(token) = shared.tokens.issue(Arc::clone(app), shared.clock.now(), shared.token_lifetime) else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "temporarily_unavailable", "No randomness for a token.");
    };
    let expires_in = shared.token_lifetime.as_secs();
    Reply::json(
        StatusCode::OK,
        &json!({
            "token_type": "Bearer",
            "expires_in": expires_in,
            "ext_expires_in": expires_in,
            "access_token": token,
        }),
    )
}
