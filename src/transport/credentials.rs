//! What the service account signs in with: [`Secret`] (a password, client secret, private key or
//! token that never shows in `Debug`, `Display` or error text and is wiped from memory on drop) and
//! [`Credentials`] (Basic, NTLM, OAuth 2.0 client credentials, or a caller's bearer-token provider).
//!
//! ```
//! use exsync::transport::{Credentials, Secret, UserName};
//!
//! let creds = Credentials::Ntlm {
//!     user: UserName::parse(r"CONTOSO\svc-sync").unwrap(),
//!     password: Secret::new("hunter2"),
//! };
//! let shown = format!("{creds:?} {creds}");
//! assert!(!shown.contains("hunter2"));
//! assert!(shown.contains(r"CONTOSO\svc-sync"));
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::SystemTime;

use zeroize::Zeroizing;

use super::user_name::UserName;

/// What `Debug` and `Display` print in place of a secret.
pub const REDACTED: &str = "***";

/// A secret string: password, client secret, PEM private key or access token.
///
/// `Debug` and `Display` print `***`; the memory is overwritten with zeros when the value is
/// dropped. It deliberately has no `Serialize`, `PartialEq` or `Deref`: reading the value takes an
/// explicit [`Secret::expose`].
#[derive(Clone, Default)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The secret itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(Zeroizing::new(s))
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// The Microsoft identity platform authority tokens come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct OAuthAuthority {
    /// The authority host, e.g. `https://login.microsoftonline.com` (national clouds have their
    /// own).
    pub host: String,
    /// The tenant: its GUID or a verified domain (`contoso.onmicrosoft.com`).
    pub tenant: String,
}

impl OAuthAuthority {
    /// The global Azure cloud's authority host.
    pub const GLOBAL_HOST: &'static str = "https://login.microsoftonline.com";

    /// `tenant` on the global cloud.
    pub fn global(tenant: impl Into<String>) -> Self {
        OAuthAuthority { host: Self::GLOBAL_HOST.to_owned(), tenant: tenant.into() }
    }

    /// The v2.0 token endpoint: `{host}/{tenant}/oauth2/v2.0/token`.
    pub fn token_endpoint(&self) -> String {
        format!("{}/{}/oauth2/v2.0/token", self.host.trim_end_matches('/'), self.tenant)
    }
}

/// The scope EWS tokens are requested for (`https://outlook.office365.com/.default`).
pub const EWS_DEFAULT_SCOPE: &str = "https://outlook.office365.com/.default";

/// An access token and when it expires.
#[derive(Debug, Clone)]
pub struct BearerToken {
    /// The token.
    pub token: Secret,
    /// When it stops being valid, if known.
    pub expires_at: Option<SystemTime>,
}

/// Why a bearer-token provider could not supply a token. Its message must not contain the token
/// or any other secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the bearer-token provider failed: {message}")]
pub struct TokenProviderError {
    /// What went wrong, for the admin.
    pub message: String,
}

/// The future a [`BearerTokenProvider`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<BearerToken, TokenProviderError>> + Send + 'a>>;

/// A caller-supplied source of access tokens (for applications that manage tokens themselves).
pub trait BearerTokenProvider: Send + Sync {
    /// A token valid now. `refresh` is `true` when the server refused the previous token (HTTP
    /// 401): the provider should not hand out the same one again.
    fn token(&self, refresh: bool) -> TokenFuture<'_>;
}

/// How the service account authenticates.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// HTTP Basic.
    Basic {
        /// The account.
        user: UserName,
        /// Its password.
        password: Secret,
    },
    /// NTLMv2 (the usual on-premises choice where Basic is off).
    Ntlm {
        /// The account.
        user: UserName,
        /// Its password.
        password: Secret,
    },
    /// OAuth 2.0 client credentials with a client secret.
    OAuthClientSecret {
        /// Where tokens come from.
        authority: OAuthAuthority,
        /// The application (client) id.
        client_id: String,
        /// The client secret.
        secret: Secret,
        /// The scope, usually [`EWS_DEFAULT_SCOPE`].
        scope: String,
    },
    /// OAuth 2.0 client credentials with a certificate (a signed JWT client assertion).
    OAuthCertificate {
        /// Where tokens come from.
        authority: OAuthAuthority,
        /// The application (client) id.
        client_id: String,
        /// SHA-1 thumbprint of the certificate, hex (sent as the assertion's `x5t`).
        thumbprint: String,
        /// The certificate's private key, PEM.
        private_key_pem: Secret,
        /// The scope, usually [`EWS_DEFAULT_SCOPE`].
        scope: String,
    },
    /// Tokens from the caller's own provider.
    Bearer(Arc<dyn BearerTokenProvider>),
}

impl Credentials {
    /// The scheme's name, for messages (`Basic`, `NTLM`, `OAuth client secret`, …).
    pub fn scheme(&self) -> &'static str {
        match self {
            Credentials::Basic { .. } => "Basic",
            Credentials::Ntlm { .. } => "NTLM",
            Credentials::OAuthClientSecret { .. } => "OAuth client secret",
            Credentials::OAuthCertificate { .. } => "OAuth certificate",
            Credentials::Bearer(_) => "bearer-token provider",
        }
    }

    /// The account or application the credentials name (never a secret).
    pub fn principal(&self) -> String {
        match self {
            Credentials::Basic { user, .. } | Credentials::Ntlm { user, .. } => user.to_string(),
            Credentials::OAuthClientSecret { authority, client_id, .. }
            | Credentials::OAuthCertificate { authority, client_id, .. } => {
                format!("application {client_id} in tenant {}", authority.tenant)
            }
            Credentials::Bearer(_) => "the caller's token provider".to_owned(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Basic { user, .. } => {
                f.debug_struct("Basic").field("user", user).field("password", &REDACTED).finish()
            }
            Credentials::Ntlm { user, .. } => {
                f.debug_struct("Ntlm").field("user", user).field("password", &REDACTED).finish()
            }
            Credentials::OAuthClientSecret { authority, client_id, scope, .. } => f
                .debug_struct("OAuthClientSecret")
                .field("authority", authority)
                .field("client_id", client_id)
                .field("secret", &REDACTED)
                .field("scope", scope)
                .finish(),
            Credentials::OAuthCertificate { authority, client_id, thumbprint, scope, .. } => f
                .debug_struct("OAuthCertificate")
                .field("authority", authority)
                .field("client_id", client_id)
                .field("thumbprint", thumbprint)
                .field("private_key_pem", &REDACTED)
                .field("scope", scope)
                .finish(),
            Credentials::Bearer(_) => f.write_str("Bearer(<provider>)"),
        }
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} as {}", self.scheme(), self.principal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed;
    impl BearerTokenProvider for Fixed {
        fn token(&self, _refresh: bool) -> TokenFuture<'_> {
            Box::pin(async { Ok(BearerToken { token: Secret::new("eyJ0eXAi.tok"), expires_at: None }) })
        }
    }

    #[test]
    fn nothing_secret_is_printed() {
        let all = [
            Credentials::Basic { user: UserName::parse("svc@contoso.com").unwrap(), password: Secret::new("pw-basic") },
            Credentials::Ntlm { user: UserName::parse(r"CONTOSO\svc").unwrap(), password: Secret::new("pw-ntlm") },
            Credentials::OAuthClientSecret {
                authority: OAuthAuthority::global("contoso.onmicrosoft.com"),
                client_id: "app-1".into(),
                secret: Secret::new("cs-secret"),
                scope: EWS_DEFAULT_SCOPE.into(),
            },
            Credentials::OAuthCertificate {
                authority: OAuthAuthority::global("t"),
                client_id: "app-2".into(),
                thumbprint: "AB12".into(),
                private_key_pem: Secret::new("-----BEGIN PRIVATE KEY-----xyz"),
                scope: EWS_DEFAULT_SCOPE.into(),
            },
            Credentials::Bearer(Arc::new(Fixed)),
        ];
        for c in &all {
            let shown = format!("{c:?} {c:#?} {c}");
            for secret in ["pw-basic", "pw-ntlm", "cs-secret", "PRIVATE KEY", "eyJ0eXAi"] {
                assert!(!shown.contains(secret), "{shown}");
            }
        }
        assert!(format!("{:?}", all[0]).contains("svc@contoso.com"));
        assert_eq!(format!("{}", all[2]), "OAuth client secret as application app-1 in tenant contoso.onmicrosoft.com");
    }

    #[test]
    fn secret_exposes_only_on_request() {
        let s = Secret::new("p");
        assert_eq!(format!("{s} {s:?}"), "*** ***");
        assert_eq!(s.expose(), "p");
        assert!(!s.is_empty());
    }

    #[test]
    fn token_endpoint() {
        let a = OAuthAuthority { host: "https://login.microsoftonline.us/".into(), tenant: "t1".into() };
        assert_eq!(a.token_endpoint(), "https://login.microsoftonline.us/t1/oauth2/v2.0/token");
    }
}
