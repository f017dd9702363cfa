//! How the application connects (step 2 of the setup) and the OAuth 2.0 application's fields
//! (step 4 for Exchange Online): [`ConnectionMethod`], [`ServiceAccountAuth`], [`OAuthApp`].
//!
//! The checks here refuse what would certainly fail later, with the field named: a tenant of
//! `common` (app-only tokens need a specific tenant), a client id that is not a GUID, a client
//! secret that is the secret's *id* rather than its value, a thumbprint that is not 40 hex digits,
//! an encrypted or non-PEM private key.

use std::fmt;

use url::Url;

use super::domains::EmailDomain;
use super::error::{Field, SetupError};
use crate::transport::{Credentials, EWS_DEFAULT_SCOPE, OAuthAuthority, Secret};

/// Longest password or client secret accepted.
pub const MAX_SECRET_LEN: usize = 1024;
/// Longest PEM private key accepted.
pub const MAX_PEM_LEN: usize = 64 * 1024;

/// The HTTP authentication a service account uses against Exchange Server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceAccountAuth {
    /// HTTP Basic (over TLS).
    Basic,
    /// NTLMv2.
    Ntlm,
}

/// How the application signs in to Exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(tag = "method", content = "auth", rename_all = "snake_case")]
pub enum ConnectionMethod {
    /// A service account with a password, against Exchange Server.
    ServiceAccount(ServiceAccountAuth),
    /// OAuth 2.0 client credentials (app-only), for Exchange Online.
    #[serde(rename = "oauth_app_only")]
    OAuthAppOnly,
}

impl ConnectionMethod {
    /// Whether a service account (user name and password) is asked for.
    pub fn is_service_account(self) -> bool {
        matches!(self, ConnectionMethod::ServiceAccount(_))
    }
}

impl fmt::Display for ConnectionMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConnectionMethod::ServiceAccount(ServiceAccountAuth::Basic) => {
                "a service account with Basic authentication"
            }
            ConnectionMethod::ServiceAccount(ServiceAccountAuth::Ntlm) => "a service account with NTLM",
            ConnectionMethod::OAuthAppOnly => "OAuth 2.0 (app-only)",
        })
    }
}

/// How the OAuth 2.0 application proves itself.
#[derive(Debug, Clone)]
pub enum OAuthCredential {
    /// A client secret (its value, not its id).
    ClientSecret(Secret),
    /// A certificate uploaded to the app registration.
    Certificate {
        /// Its SHA-1 thumbprint, 40 hex digits (spaces and colons are removed).
        thumbprint: String,
        /// Its private key, PEM (unencrypted).
        private_key_pem: Secret,
    },
}

/// The OAuth 2.0 application registered in Microsoft Entra ID, with `full_access_as_app`.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    /// The tenant: its id (a GUID) or a verified domain (`contoso.onmicrosoft.com`).
    pub tenant: String,
    /// The application (client) id, a GUID.
    pub client_id: String,
    /// The client secret or certificate.
    pub credential: OAuthCredential,
    /// The identity platform's host for national clouds (`https://login.microsoftonline.us`);
    /// `None` for the global cloud.
    pub authority_host: Option<String>,
}

fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn same_secret(a: &Secret, b: &Secret) -> bool {
    let (a, b) = (a.expose().as_bytes(), b.expose().as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks a password (or client secret): present and not absurdly long. It is kept exactly as
/// typed (Active Directory passwords may begin or end with spaces).
pub(crate) fn check_password(field: Field, password: &Secret) -> Result<(), SetupError> {
    if password.is_empty() {
        return Err(SetupError::Required { field });
    }
    if password.expose().chars().count() > MAX_SECRET_LEN {
        return Err(SetupError::invalid(field, format!("it is longer than {MAX_SECRET_LEN} characters")));
    }
    Ok(())
}

pub(crate) fn secrets_equal(a: &Secret, b: &Secret) -> bool {
    same_secret(a, b)
}

fn check_tenant(tenant: &str) -> Result<String, SetupError> {
    let field = Field::Tenant;
    let t = tenant.trim();
    if t.is_empty() {
        return Err(SetupError::Required { field });
    }
    if ["common", "organizations", "consumers"].iter().any(|g| t.eq_ignore_ascii_case(g)) {
        return Err(SetupError::invalid(
            field,
            format!(
                "{t:?} is a multi-tenant alias; app-only access needs the tenant itself: its id (a GUID) or a \
                 verified domain such as contoso.onmicrosoft.com"
            ),
        ));
    }
    if is_guid(t) {
        return Ok(t.to_ascii_lowercase());
    }
    // Neither the value nor the domain parser's message (which quotes it) is repeated: it may be
    // the client secret, pasted into the wrong field.
    EmailDomain::parse(t).map(String::from).map_err(|_| {
        SetupError::invalid(
            field,
            "it is neither a tenant id (a GUID) nor a verified domain such as contoso.onmicrosoft.com (copy the \
             \"Directory (tenant) ID\" from the app registration's overview)",
        )
    })
}

fn check_client_id(client_id: &str) -> Result<String, SetupError> {
    let field = Field::ClientId;
    let c = client_id.trim();
    if c.is_empty() {
        return Err(SetupError::Required { field });
    }
    if !is_guid(c) {
        // Not repeated: it may be the client secret, pasted into the wrong field.
        return Err(SetupError::invalid(
            field,
            "it is not a GUID; copy the \"Application (client) ID\" from the app registration's overview \
             (00000000-0000-0000-0000-000000000000)",
        ));
    }
    Ok(c.to_ascii_lowercase())
}

fn check_client_secret(secret: &Secret) -> Result<(), SetupError> {
    let field = Field::ClientSecret;
    check_password(field, secret)?;
    let s = secret.expose();
    if s.trim() != s {
        return Err(SetupError::invalid(
            field,
            "it begins or ends with white space; paste the secret's value without surrounding spaces or line breaks",
        ));
    }
    if is_guid(s) {
        return Err(SetupError::invalid(
            field,
            "it looks like the secret's ID (a GUID); paste the secret's Value, shown once when it was created",
        ));
    }
    Ok(())
}

fn check_thumbprint(thumbprint: &str) -> Result<String, SetupError> {
    let field = Field::CertificateThumbprint;
    let t: String = thumbprint.chars().filter(|c| !c.is_whitespace() && *c != ':').collect();
    if t.is_empty() {
        return Err(SetupError::Required { field });
    }
    if t.len() != 40 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SetupError::invalid(
            field,
            "the thumbprint is the certificate's SHA-1 hash: 40 hexadecimal digits, as the app registration's \
             \"Certificates & secrets\" page shows it",
        ));
    }
    Ok(t.to_ascii_uppercase())
}

fn check_private_key(pem: &Secret) -> Result<(), SetupError> {
    let field = Field::PrivateKey;
    let p = pem.expose();
    if p.trim().is_empty() {
        return Err(SetupError::Required { field });
    }
    if p.len() > MAX_PEM_LEN {
        return Err(SetupError::invalid(field, "it is larger than 64 KiB; a private key is a few KiB of PEM text"));
    }
    if p.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || p.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(SetupError::invalid(
            field,
            "the private key is encrypted with a passphrase; export it without one (the secret store encrypts it)",
        ));
    }
    let begins = p.lines().any(|l| {
        let l = l.trim();
        l.starts_with("-----BEGIN ") && l.ends_with("PRIVATE KEY-----")
    });
    if !begins {
        return Err(SetupError::invalid(
            field,
            "it is not a PEM private key; it should begin with -----BEGIN PRIVATE KEY----- (the certificate alone \
             is not enough)",
        ));
    }
    Ok(())
}

fn check_authority_host(host: &str) -> Result<String, SetupError> {
    let field = Field::AuthorityHost;
    let h = host.trim();
    let url = Url::parse(h).map_err(|_| {
        SetupError::invalid(field, format!("{h:?} is not a URL; write it as https://login.microsoftonline.us"))
    })?;
    if url.scheme() != "https" {
        return Err(SetupError::invalid(field, "the authority host must use https://"));
    }
    if url.host_str().is_none() || !url.username().is_empty() || url.password().is_some() {
        return Err(SetupError::invalid(field, "the authority host must name a host and nothing else"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(SetupError::invalid(
            field,
            "write only the host (https://login.microsoftonline.us), without the tenant or a path",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

impl OAuthApp {
    /// Checks every field and returns the app with its fields normalized (ids lower-cased,
    /// thumbprint upper-cased without separators, authority host without a trailing slash).
    pub fn validated(self) -> Result<OAuthApp, SetupError> {
        let tenant = check_tenant(&self.tenant)?;
        let client_id = check_client_id(&self.client_id)?;
        let credential = match self.credential {
            OAuthCredential::ClientSecret(secret) => {
                check_client_secret(&secret)?;
                OAuthCredential::ClientSecret(secret)
            }
            OAuthCredential::Certificate { thumbprint, private_key_pem } => {
                let thumbprint = check_thumbprint(&thumbprint)?;
                check_private_key(&private_key_pem)?;
                OAuthCredential::Certificate { thumbprint, private_key_pem }
            }
        };
        let authority_host = match self.authority_host.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(h) => Some(check_authority_host(h)?),
        };
        Ok(OAuthApp { tenant, client_id, credential, authority_host })
    }

    /// Where tokens come from.
    pub fn authority(&self) -> OAuthAuthority {
        OAuthAuthority {
            host: self.authority_host.clone().unwrap_or_else(|| OAuthAuthority::GLOBAL_HOST.to_owned()),
            tenant: self.tenant.clone(),
        }
    }

    /// The transport's credentials for this app (scope [`EWS_DEFAULT_SCOPE`]).
    pub fn credentials(&self) -> Credentials {
        let (authority, client_id, scope) = (self.authority(), self.client_id.clone(), EWS_DEFAULT_SCOPE.to_owned());
        match &self.credential {
            OAuthCredential::ClientSecret(secret) => {
                Credentials::OAuthClientSecret { authority, client_id, secret: secret.clone(), scope }
            }
            OAuthCredential::Certificate { thumbprint, private_key_pem } => Credentials::OAuthCertificate {
                authority,
                client_id,
                thumbprint: thumbprint.clone(),
                private_key_pem: private_key_pem.clone(),
                scope,
            },
        }
    }

    /// Whether both describe the same app with the same credential (secrets compared without
    /// early exit).
    pub fn same_as(&self, other: &OAuthApp) -> bool {
        let credential = match (&self.credential, &other.credential) {
            (OAuthCredential::ClientSecret(a), OAuthCredential::ClientSecret(b)) => same_secret(a, b),
            (
                OAuthCredential::Certificate { thumbprint: ta, private_key_pem: ka },
                OAuthCredential::Certificate { thumbprint: tb, private_key_pem: kb },
            ) => ta == tb && same_secret(ka, kb),
            _ => false,
        };
        credential
            && self.tenant == other.tenant
            && self.client_id == other.client_id
            && self.authority_host == other.authority_host
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "6731de76-14a6-49ae-97bc-6eba6914391e";
    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n";

    fn app(credential: OAuthCredential) -> OAuthApp {
        OAuthApp { tenant: "contoso.onmicrosoft.com".into(), client_id: APP.into(), credential, authority_host: None }
    }

    fn field_of(r: Result<OAuthApp, SetupError>) -> Field {
        r.unwrap_err().field().unwrap()
    }

    #[test]
    fn valid_apps_are_normalized() {
        let a = OAuthApp {
            tenant: " 72F988BF-86F1-41AF-91AB-2D7CD011DB47 ".into(),
            client_id: APP.to_uppercase(),
            credential: OAuthCredential::Certificate {
                thumbprint: "ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01".into(),
                private_key_pem: Secret::new(KEY),
            },
            authority_host: Some("https://login.microsoftonline.us/".into()),
        }
        .validated()
        .unwrap();
        assert_eq!(a.tenant, "72f988bf-86f1-41af-91ab-2d7cd011db47");
        assert_eq!(a.client_id, APP);
        let OAuthCredential::Certificate { thumbprint, .. } = &a.credential else { panic!() };
        assert_eq!(thumbprint, "ABCDEF0123456789ABCDEF0123456789ABCDEF01");
        assert_eq!(
            a.authority().token_endpoint(),
            "https://login.microsoftonline.us/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token"
        );
        assert!(matches!(a.credentials(), Credentials::OAuthCertificate { .. }));

        let s = app(OAuthCredential::ClientSecret(Secret::new("Zx8Q~abc.def"))).validated().unwrap();
        assert_eq!(s.tenant, "contoso.onmicrosoft.com");
        assert_eq!(s.authority().host, OAuthAuthority::GLOBAL_HOST);
        assert!(matches!(s.credentials(), Credentials::OAuthClientSecret { .. }));
        assert!(s.same_as(&s.clone()));
        assert!(!s.same_as(&app(OAuthCredential::ClientSecret(Secret::new("Zx8Q~abc.deF")))));
    }

    #[test]
    fn every_invalid_field_is_named() {
        let secret = || OAuthCredential::ClientSecret(Secret::new("value"));
        let with = |tenant: &str, client: &str| OAuthApp {
            tenant: tenant.into(),
            client_id: client.into(),
            credential: secret(),
            authority_host: None,
        };
        assert_eq!(with("", APP).validated().unwrap_err(), SetupError::Required { field: Field::Tenant });
        assert_eq!(field_of(with("common", APP).validated()), Field::Tenant);
        assert_eq!(field_of(with("Organizations", APP).validated()), Field::Tenant);
        assert_eq!(field_of(with("contoso onmicrosoft", APP).validated()), Field::Tenant);
        assert_eq!(with("contoso.com", " ").validated().unwrap_err(), SetupError::Required { field: Field::ClientId });
        assert_eq!(field_of(with("contoso.com", "my-app").validated()), Field::ClientId);
        assert_eq!(field_of(with("contoso.com", &APP[1..]).validated()), Field::ClientId);

        for bad in ["", " value", "value\n", "2d5ab1a6-8d8e-4f1c-9d3b-6f1c8e2a9b70"] {
            let e = app(OAuthCredential::ClientSecret(Secret::new(bad))).validated().unwrap_err();
            assert_eq!(e.field(), Some(Field::ClientSecret), "{bad:?}");
        }
        let long = "x".repeat(MAX_SECRET_LEN + 1);
        assert_eq!(field_of(app(OAuthCredential::ClientSecret(Secret::new(long))).validated()), Field::ClientSecret);

        let cert = |t: &str, k: &str| {
            app(OAuthCredential::Certificate { thumbprint: t.into(), private_key_pem: Secret::new(k) }).validated()
        };
        let good_t = "ABCDEF0123456789ABCDEF0123456789ABCDEF01";
        assert_eq!(cert("", KEY).unwrap_err(), SetupError::Required { field: Field::CertificateThumbprint });
        assert_eq!(field_of(cert("ABCDEF", KEY)), Field::CertificateThumbprint);
        assert_eq!(field_of(cert(&good_t.replace('A', "G"), KEY)), Field::CertificateThumbprint);
        assert_eq!(cert(good_t, "  ").unwrap_err(), SetupError::Required { field: Field::PrivateKey });
        assert_eq!(
            field_of(cert(good_t, "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----")),
            Field::PrivateKey
        );
        assert_eq!(field_of(cert(good_t, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nx\n")), Field::PrivateKey);
        assert!(cert(good_t, "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----").is_ok());

        for bad in [
            "login.microsoftonline.us",
            "http://login.microsoftonline.us",
            "https://login.microsoftonline.us/tenant",
            "https://u:p@login.microsoftonline.us",
        ] {
            let mut a = app(secret());
            a.authority_host = Some(bad.into());
            assert_eq!(field_of(a.validated()), Field::AuthorityHost, "{bad}");
        }
        let mut a = app(secret());
        a.authority_host = Some("  ".into());
        assert_eq!(a.validated().unwrap().authority_host, None);
    }

    #[test]
    fn errors_never_show_secrets() {
        let e = app(OAuthCredential::ClientSecret(Secret::new(" s3cr3t-value "))).validated().unwrap_err();
        assert!(!format!("{e} {e:?}").contains("s3cr3t"));
        let a = app(OAuthCredential::ClientSecret(Secret::new("s3cr3t-value")));
        assert!(!format!("{a:?}").contains("s3cr3t"));
    }

    #[test]
    fn method_display_and_serde() {
        let m = ConnectionMethod::ServiceAccount(ServiceAccountAuth::Ntlm);
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"method":"service_account","auth":"ntlm"}"#);
        assert_eq!(serde_json::to_string(&ConnectionMethod::OAuthAppOnly).unwrap(), r#"{"method":"oauth_app_only"}"#);
        assert!(m.is_service_account());
        assert_eq!(ConnectionMethod::OAuthAppOnly.to_string(), "OAuth 2.0 (app-only)");
    }
}
