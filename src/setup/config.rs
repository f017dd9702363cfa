//! The saved setup: [`SetupConfig`], persisted as JSON in the state store. Secrets are held as
//! [`StoredSecret`]s: in memory the value (once loaded), on disk only its [`SecretRef`] in the host's
//! [`SecretStore`].
//!
//! ```
//! use exsync::setup::{SecretRef, StoredSecret};
//! use exsync::transport::Secret;
//!
//! let s = StoredSecret::with_value(SecretRef::new("default/service-account-password").unwrap(), Secret::new("pw"));
//! assert_eq!(serde_json::to_string(&s).unwrap(), r#""default/service-account-password""#);
//! assert!(!format!("{s:?}").contains("pw\""));
//! ```

use std::fmt;

use chrono::{DateTime, Utc};
use url::Url;

use super::analyzer::AnalyzerInput;
use super::connection::ServiceAccountAuth;
use super::domains::{AdditionalDomains, AllowedDomains, EmailDomain, MailboxAddress};
use super::error::{Field, SetupError};
use super::scope::SyncScope;
use super::secret_store::{SecretRef, SecretStore, SecretStoreError};
use crate::autodiscover::{ApprovedHosts, AutodiscoverConfig};
use crate::transport::{Credentials, EWS_DEFAULT_SCOPE, OAuthAuthority, Secret, UserName};

/// The format version [`SetupConfig::to_json`] writes and [`SetupConfig::from_json`] reads.
pub const CONFIG_VERSION: u32 = 1;

/// A secret in a saved configuration: its reference in the secret store, and its value once
/// loaded. Serializes as the reference alone; `Debug` never shows the value. Equality compares the
/// references.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct StoredSecret {
    reference: SecretRef,
    #[serde(skip)]
    value: Option<Secret>,
}

impl StoredSecret {
    /// A reference whose value is not loaded.
    pub fn reference_only(reference: SecretRef) -> Self {
        StoredSecret { reference, value: None }
    }

    /// A reference with its value.
    pub fn with_value(reference: SecretRef, value: Secret) -> Self {
        StoredSecret { reference, value: Some(value) }
    }

    /// The reference.
    pub fn reference(&self) -> &SecretRef {
        &self.reference
    }

    /// The value, if loaded.
    pub fn value(&self) -> Option<&Secret> {
        self.value.as_ref()
    }

    /// Loads the value from `store`.
    pub fn load(&mut self, store: &dyn SecretStore) -> Result<(), SecretStoreError> {
        self.value = Some(store.get(&self.reference)?);
        Ok(())
    }
}

impl PartialEq for StoredSecret {
    fn eq(&self, other: &Self) -> bool {
        self.reference == other.reference
    }
}

impl Eq for StoredSecret {}

impl fmt::Debug for StoredSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredSecret")
            .field("reference", &self.reference)
            .field("value", &if self.value.is_some() { "***" } else { "(not loaded)" })
            .finish()
    }
}

/// The OAuth 2.0 application's credential, as saved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SavedOAuthCredential {
    /// A client secret.
    ClientSecret {
        /// The secret.
        secret: StoredSecret,
    },
    /// A certificate.
    Certificate {
        /// Its SHA-1 thumbprint (40 upper-case hex digits).
        thumbprint: String,
        /// Its private key (PEM).
        private_key: StoredSecret,
    },
}

/// How the application connects, as saved.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum SavedConnection {
    /// A service account (Exchange Server).
    ServiceAccount {
        /// Basic or NTLM.
        auth: ServiceAccountAuth,
        /// The user name as the admin entered it.
        user: UserName,
        /// The user name in the form Exchange accepted at validation (the other form when the
        /// entered one was refused).
        sign_in_as: UserName,
        /// The password.
        password: StoredSecret,
    },
    /// OAuth 2.0 client credentials (Exchange Online).
    #[serde(rename = "oauth_app_only")]
    OAuthAppOnly {
        /// The tenant id or domain.
        tenant: String,
        /// The application (client) id.
        client_id: String,
        /// The identity platform host for national clouds (`None`: global).
        authority_host: Option<String>,
        /// The secret or certificate.
        credential: SavedOAuthCredential,
    },
}

/// What the last passing validation established.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ValidationSummary {
    /// When it finished.
    pub at: DateTime<Utc>,
    /// The mailbox tested.
    pub test_mailbox: MailboxAddress,
    /// The authentication scheme accepted.
    pub auth_scheme: Option<String>,
    /// The server's version, if reported.
    pub server_version: Option<String>,
    /// The autodiscover URL that answered, when autodiscover ran.
    pub autodiscover_endpoint: Option<Url>,
}

/// The saved setup. See the module documentation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SetupConfig {
    /// Format version ([`CONFIG_VERSION`]).
    pub version: u32,
    /// The profile this setup belongs to (secret references start with it).
    pub profile: String,
    /// What syncs.
    pub scope: SyncScope,
    /// How the application connects.
    pub connection: SavedConnection,
    /// The users' email domains besides the service account's.
    pub additional_domains: AdditionalDomains,
    /// The EWS URL as entered by hand, if it was.
    pub ews_url_by_hand: Option<Url>,
    /// The EWS URL validated (found by autodiscover or entered by hand).
    pub ews_url: Url,
    /// Whether plain HTTP to loopback hosts is allowed (test servers only).
    #[serde(default)]
    pub allow_http_loopback: bool,
    /// What the validation established.
    pub validated: ValidationSummary,
}

#[derive(serde::Deserialize)]
struct VersionOnly {
    version: u32,
}

fn secret_error(field: Field) -> impl Fn(SecretStoreError) -> SetupError {
    move |source| SetupError::SecretStore { field, source }
}

fn loaded(field: Field, s: &StoredSecret) -> Result<Secret, SetupError> {
    s.value().cloned().ok_or_else(|| SetupError::SecretStore {
        field,
        source: SecretStoreError::NotLoaded { reference: s.reference().to_string() },
    })
}

/// The hosts autodiscover may send an OAuth 2.0 token to besides the user's domains: Exchange
/// Online's own (`autodiscover-s.outlook.com`, `outlook.office365.com`).
pub(crate) fn exchange_online_hosts() -> ApprovedHosts {
    ApprovedHosts { hosts: Vec::new(), domains: vec!["outlook.com".into(), "office365.com".into()] }
}

/// The DNS domain of a service account's user name, when it has one that is an email domain.
pub(crate) fn user_domain(user: &UserName) -> Option<EmailDomain> {
    if user.has_netbios_domain() { None } else { EmailDomain::parse(user.domain()).ok() }
}

impl SetupConfig {
    /// The configuration as JSON (secret references only).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the configuration is plain data")
    }

    /// Reads a configuration written by [`SetupConfig::to_json`]. Secrets are not loaded.
    pub fn from_json(json: &str) -> Result<Self, SetupError> {
        let bad = |e: serde_json::Error| SetupError::UnreadableConfig { reason: e.to_string() };
        let v: VersionOnly = serde_json::from_str(json).map_err(bad)?;
        if v.version != CONFIG_VERSION {
            return Err(SetupError::UnsupportedConfigVersion { found: v.version, supported: CONFIG_VERSION });
        }
        serde_json::from_str(json).map_err(bad)
    }

    /// Every secret reference the configuration uses, with its field.
    pub fn secret_refs(&self) -> Vec<(Field, &SecretRef)> {
        match &self.connection {
            SavedConnection::ServiceAccount { password, .. } => vec![(Field::Password, password.reference())],
            SavedConnection::OAuthAppOnly { credential: SavedOAuthCredential::ClientSecret { secret }, .. } => {
                vec![(Field::ClientSecret, secret.reference())]
            }
            SavedConnection::OAuthAppOnly {
                credential: SavedOAuthCredential::Certificate { private_key, .. }, ..
            } => {
                vec![(Field::PrivateKey, private_key.reference())]
            }
        }
    }

    /// Loads every secret from `store`.
    pub fn load_secrets(&mut self, store: &dyn SecretStore) -> Result<(), SetupError> {
        match &mut self.connection {
            SavedConnection::ServiceAccount { password, .. } => {
                password.load(store).map_err(secret_error(Field::Password))
            }
            SavedConnection::OAuthAppOnly { credential: SavedOAuthCredential::ClientSecret { secret }, .. } => {
                secret.load(store).map_err(secret_error(Field::ClientSecret))
            }
            SavedConnection::OAuthAppOnly {
                credential: SavedOAuthCredential::Certificate { private_key, .. }, ..
            } => private_key.load(store).map_err(secret_error(Field::PrivateKey)),
        }
    }

    /// The transport's credentials (the service account in the form that worked). The secrets
    /// must be loaded ([`SetupConfig::load_secrets`]).
    pub fn credentials(&self) -> Result<Credentials, SetupError> {
        Ok(match &self.connection {
            SavedConnection::ServiceAccount { auth, sign_in_as, password, .. } => {
                let password = loaded(Field::Password, password)?;
                let user = sign_in_as.clone();
                match auth {
                    ServiceAccountAuth::Basic => Credentials::Basic { user, password },
                    ServiceAccountAuth::Ntlm => Credentials::Ntlm { user, password },
                }
            }
            SavedConnection::OAuthAppOnly { tenant, client_id, authority_host, credential } => {
                let authority = OAuthAuthority {
                    host: authority_host.clone().unwrap_or_else(|| OAuthAuthority::GLOBAL_HOST.to_owned()),
                    tenant: tenant.clone(),
                };
                let (client_id, scope) = (client_id.clone(), EWS_DEFAULT_SCOPE.to_owned());
                match credential {
                    SavedOAuthCredential::ClientSecret { secret } => Credentials::OAuthClientSecret {
                        authority,
                        client_id,
                        secret: loaded(Field::ClientSecret, secret)?,
                        scope,
                    },
                    SavedOAuthCredential::Certificate { thumbprint, private_key } => Credentials::OAuthCertificate {
                        authority,
                        client_id,
                        thumbprint: thumbprint.clone(),
                        private_key_pem: loaded(Field::PrivateKey, private_key)?,
                        scope,
                    },
                }
            }
        })
    }

    /// The domains users may be enrolled from.
    pub fn allowed_domains(&self) -> AllowedDomains {
        let service_account = match &self.connection {
            SavedConnection::ServiceAccount { user, sign_in_as, .. } => {
                user_domain(user).or_else(|| user_domain(sign_in_as))
            }
            SavedConnection::OAuthAppOnly { .. } => None,
        };
        AllowedDomains { service_account, additional: self.additional_domains.clone() }
    }

    /// The analyzer's input for running it again later, with the saved test mailbox or another.
    /// The secrets must be loaded.
    pub fn analyzer_input(&self, test_mailbox: Option<MailboxAddress>) -> Result<AnalyzerInput, SetupError> {
        let mut autodiscover = AutodiscoverConfig {
            trusted_domains: self.allowed_domains().all().into_iter().map(String::from).collect(),
            ..AutodiscoverConfig::default()
        };
        autodiscover.allow_http_loopback = self.allow_http_loopback;
        let approved_hosts = match self.connection {
            SavedConnection::OAuthAppOnly { .. } => exchange_online_hosts(),
            SavedConnection::ServiceAccount { .. } => ApprovedHosts::default(),
        };
        Ok(AnalyzerInput {
            credentials: self.credentials()?,
            test_mailbox: test_mailbox.unwrap_or_else(|| self.validated.test_mailbox.clone()),
            ews_url: self.ews_url_by_hand.clone(),
            scope: self.scope,
            autodiscover,
            approved_hosts,
        })
    }
}
