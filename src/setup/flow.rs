//! The admin's setup flow as a sans-IO state machine: [`SetupFlow`].
//!
//! Steps, in order ([`SetupStep`]): 1. what syncs; 2. connection method; 3. service account user
//! name (service accounts only); 4. password, or the OAuth 2.0 application; 5. additional domains;
//! 6. validate (the connectivity analyzer); 7. save.
//!
//! Each setter belongs to a step. It may be called for the current step or any earlier one
//! (editing), refuses invalid input with a [`SetupError`] naming the [`Field`], and on success moves
//! to the following step. [`SetupFlow::go_to`] and [`SetupFlow::back`] move freely among reachable
//! steps. A step is reachable when every applicable step before it is complete.
//!
//! Changing the credentials (method, user name, password, OAuth application), the domains, the
//! test mailbox or the EWS URL, or widening the sync scope, after a validation requires validating
//! again before saving; [`SetupFlow::validation_status`] says what changed. Validation hands the
//! caller an [`Analyzer`] to run with its I/O driver, and the finished report back
//! ([`SetupFlow::finish_validation`]); a report for inputs that changed while it ran is refused.
//!
//! ```
//! use std::time::Duration;
//! use chrono::DateTime;
//! use exsync::setup::*;
//! use exsync::transport::Secret;
//!
//! let mut flow = SetupFlow::new();
//! flow.set_sync_scope(SyncScope::BOTH).unwrap();
//! flow.set_connection_method(ConnectionMethod::ServiceAccount(ServiceAccountAuth::Ntlm)).unwrap();
//! flow.set_user_name("svc@contoso.com").unwrap();
//! flow.set_password(Secret::new("pw")).unwrap();
//! let err = flow.set_additional_domains("fabrikam.com, https://northwind.example").unwrap_err();
//! assert_eq!(err.field(), Some(Field::AdditionalDomains));
//! flow.set_additional_domains("Fabrikam.com").unwrap();
//! assert_eq!(flow.current(), SetupStep::Validate);
//!
//! flow.set_validation_target("alice@fabrikam.com", Some("https://mail.contoso.com/EWS/Exchange.asmx")).unwrap();
//! let (ticket, mut analyzer) = flow.start_validation().unwrap();
//! let report = loop {
//!     let result = match analyzer.next_probe() {
//!         Next::Done(report) => break report,
//!         Next::Probe(Probe::Dns { hosts, .. }) => ProbeResult::Dns(DnsOutcome {
//!             hosts: hosts.into_iter().map(|host| HostLookup { host, result: Ok(vec![[192, 0, 2, 7].into()]) }).collect(),
//!             srv: None,
//!         }),
//!         Next::Probe(Probe::Connect { .. }) => ProbeResult::Connect(ConnectOutcome::Connected { address: None }),
//!         Next::Probe(Probe::TlsHandshake { .. }) => ProbeResult::Tls(TlsOutcome::Valid {
//!             subject: "CN=mail.contoso.com".into(), issuer: "CN=CA".into(), not_after: None, protocol: None,
//!         }),
//!         Next::Probe(_) => ProbeResult::Ews(EwsOutcome::Ok(EwsSeen::default())),
//!     };
//!     analyzer.handle(result, Duration::from_millis(3)).unwrap();
//! };
//! let now = DateTime::from_timestamp(1_767_225_600, 0).unwrap(); // the caller's clock
//! assert!(flow.finish_validation(ticket, report, now).unwrap().is_passed());
//!
//! let store = EncryptedSecretStore::new(&SecretKey::from_bytes(&[9; 32]).unwrap(), MemorySecretBlobs::default());
//! let config = flow.save(&store).unwrap();
//! assert!(!config.to_json().contains("\"pw\""));
//!
//! // Changing the domains requires validating again.
//! flow.set_additional_domains("fabrikam.com, northwind.example").unwrap();
//! assert!(matches!(flow.save(&store), Err(SetupError::ValidationRequired { .. })));
//! ```

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use url::Url;

use super::analyzer::sequencer::check_ews_url;
use super::analyzer::{Analyzer, AnalyzerInput, AnalyzerReport, AnalyzerStep};
use super::config::{
    CONFIG_VERSION, SavedConnection, SavedOAuthCredential, SetupConfig, StoredSecret, ValidationSummary,
    exchange_online_hosts, user_domain,
};
use super::connection::{
    ConnectionMethod, OAuthApp, OAuthCredential, ServiceAccountAuth, check_password, secrets_equal,
};
use super::domains::{AdditionalDomains, AllowedDomains, MailboxAddress};
use super::error::{ChangedInput, Field, SetupError, ValidationNeeded};
use super::scope::SyncScope;
use super::secret_store::{SecretRef, SecretStore, SecretStoreError};
use crate::autodiscover::{ApprovedHosts, AutodiscoverConfig};
use crate::transport::{Credentials, Secret, UserName};

/// A step of the setup, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetupStep {
    /// 1. Contacts, events, or both.
    SyncScope,
    /// 2. Service account (Basic or NTLM) or OAuth 2.0.
    ConnectionMethod,
    /// 3. The service account's user name (service accounts only).
    ServiceAccount,
    /// 4. The password, or the OAuth 2.0 application (tenant, client id, secret or certificate).
    Credentials,
    /// 5. The users' email domains besides the service account's.
    Domains,
    /// 6. The connectivity analyzer.
    Validate,
    /// 7. Persist the configuration.
    Save,
}

impl SetupStep {
    /// Every step, in order.
    pub const ALL: [SetupStep; 7] = [
        SetupStep::SyncScope,
        SetupStep::ConnectionMethod,
        SetupStep::ServiceAccount,
        SetupStep::Credentials,
        SetupStep::Domains,
        SetupStep::Validate,
        SetupStep::Save,
    ];

    /// The step's name for people.
    pub fn name(self) -> &'static str {
        match self {
            SetupStep::SyncScope => "sync scope",
            SetupStep::ConnectionMethod => "connection method",
            SetupStep::ServiceAccount => "service account",
            SetupStep::Credentials => "credentials",
            SetupStep::Domains => "additional domains",
            SetupStep::Validate => "validate",
            SetupStep::Save => "save",
        }
    }

    /// Its number in the flow as the issue numbers them (1–7).
    pub fn number(self) -> u8 {
        self as u8 + 1
    }
}

impl fmt::Display for SetupStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Binds a validation run to the inputs it started with; see [`SetupFlow::start_validation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidationTicket {
    revision: u64,
}

/// Where validation stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidationStatus {
    /// Never ran on this flow.
    NotRun,
    /// Passed on the current inputs.
    Passed {
        /// When it finished.
        at: DateTime<Utc>,
    },
    /// Ran and failed.
    Failed {
        /// The first failed step.
        step: AnalyzerStep,
    },
    /// Passed, but inputs changed since.
    Outdated {
        /// What changed.
        changes: Vec<ChangedInput>,
    },
}

impl ValidationStatus {
    /// Whether the current inputs are validated.
    pub fn is_passed(&self) -> bool {
        matches!(self, ValidationStatus::Passed { .. })
    }
}

#[derive(Debug, Clone)]
struct ValidationRecord {
    at: DateTime<Utc>,
    scope: SyncScope,
    failed: Option<AnalyzerStep>,
    /// The report, when the validation ran in this flow (not for a reopened saved setup).
    report: Option<AnalyzerReport>,
    /// The EWS URL validated.
    ews_url: Option<Url>,
    /// The service account's user name in the form that worked.
    sign_in_as: Option<UserName>,
    test_mailbox: MailboxAddress,
    auth_scheme: Option<String>,
    server_version: Option<String>,
    autodiscover_endpoint: Option<Url>,
}

/// The setup flow. See the module documentation.
#[derive(Debug, Clone)]
pub struct SetupFlow {
    profile: String,
    current: SetupStep,
    scope: Option<SyncScope>,
    method: Option<ConnectionMethod>,
    user: Option<UserName>,
    password: Option<Secret>,
    oauth: Option<OAuthApp>,
    domains: Option<AdditionalDomains>,
    test_mailbox: Option<MailboxAddress>,
    ews_url: Option<Url>,
    allow_http_loopback: bool,
    revision: u64,
    validation: Option<ValidationRecord>,
    changes: BTreeSet<ChangedInput>,
    saved: bool,
}

impl Default for SetupFlow {
    fn default() -> Self {
        SetupFlow::new()
    }
}

const DEFAULT_PROFILE: &str = "default";

/// `text` (a URL that did not parse) to quote in a message: whatever may be a user name and
/// password, from after `://` (or the start) to the last `@`, is shown as `***`.
fn without_user_info(text: &str) -> String {
    let Some(at) = text.rfind('@') else { return text.to_owned() };
    let start = text.find("://").map_or(0, |i| i + 3).min(at);
    format!("{}***{}", &text[..start], &text[at..])
}

fn secret_ref(profile: &str, name: &str) -> SecretRef {
    SecretRef::new(format!("{profile}/{name}")).expect("profile names are checked to make valid references")
}

/// The reference names a profile's secrets use.
const SECRET_NAMES: [(&str, Field); 3] = [
    ("service-account-password", Field::Password),
    ("oauth-client-secret", Field::ClientSecret),
    ("oauth-private-key", Field::PrivateKey),
];

impl SetupFlow {
    /// A new flow for the `default` profile, at step 1.
    pub fn new() -> Self {
        SetupFlow {
            profile: DEFAULT_PROFILE.to_owned(),
            current: SetupStep::SyncScope,
            scope: None,
            method: None,
            user: None,
            password: None,
            oauth: None,
            domains: None,
            test_mailbox: None,
            ews_url: None,
            allow_http_loopback: false,
            revision: 0,
            validation: None,
            changes: BTreeSet::new(),
            saved: false,
        }
    }

    /// A new flow for `profile` (1–64 characters of `A-Z a-z 0-9 . _ -`), which names its secrets
    /// in the secret store, so that one host can keep several setups.
    pub fn for_profile(profile: &str) -> Result<Self, SecretStoreError> {
        let ok = !profile.is_empty()
            && profile.len() <= 64
            && profile.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !ok {
            return Err(SecretStoreError::InvalidReference {
                reference: profile.to_owned(),
                reason: "a profile name is 1 to 64 letters, digits, '.', '_' or '-'",
            });
        }
        let mut flow = SetupFlow::new();
        flow.profile = profile.to_owned();
        Ok(flow)
    }

    /// Reopens a saved setup for editing: every step is complete and validated, the current step
    /// is [`SetupStep::Save`], and the secrets are read from `store`.
    pub fn from_saved(config: &SetupConfig, store: &dyn SecretStore) -> Result<Self, SetupError> {
        if config.version != CONFIG_VERSION {
            return Err(SetupError::UnsupportedConfigVersion { found: config.version, supported: CONFIG_VERSION });
        }
        let mut flow = SetupFlow::for_profile(&config.profile)
            .map_err(|e| SetupError::UnreadableConfig { reason: e.to_string() })?;
        let mut config = config.clone();
        config.load_secrets(store)?;
        flow.scope = Some(config.scope);
        let sign_in_as = match &config.connection {
            SavedConnection::ServiceAccount { auth, user, sign_in_as, password } => {
                flow.method = Some(ConnectionMethod::ServiceAccount(*auth));
                flow.user = Some(user.clone());
                flow.password = password.value().cloned();
                Some(sign_in_as.clone())
            }
            SavedConnection::OAuthAppOnly { tenant, client_id, authority_host, credential } => {
                flow.method = Some(ConnectionMethod::OAuthAppOnly);
                let credential = match credential {
                    SavedOAuthCredential::ClientSecret { secret } => {
                        OAuthCredential::ClientSecret(secret.value().cloned().unwrap_or_default())
                    }
                    SavedOAuthCredential::Certificate { thumbprint, private_key } => OAuthCredential::Certificate {
                        thumbprint: thumbprint.clone(),
                        private_key_pem: private_key.value().cloned().unwrap_or_default(),
                    },
                };
                flow.oauth = Some(OAuthApp {
                    tenant: tenant.clone(),
                    client_id: client_id.clone(),
                    credential,
                    authority_host: authority_host.clone(),
                });
                None
            }
        };
        flow.domains = Some(config.additional_domains.clone());
        flow.test_mailbox = Some(config.validated.test_mailbox.clone());
        flow.ews_url = config.ews_url_by_hand.clone();
        flow.allow_http_loopback = config.allow_http_loopback;
        flow.validation = Some(ValidationRecord {
            at: config.validated.at,
            scope: config.scope,
            failed: None,
            report: None,
            ews_url: Some(config.ews_url.clone()),
            sign_in_as,
            test_mailbox: config.validated.test_mailbox.clone(),
            auth_scheme: config.validated.auth_scheme.clone(),
            server_version: config.validated.server_version.clone(),
            autodiscover_endpoint: config.validated.autodiscover_endpoint.clone(),
        });
        flow.saved = true;
        flow.current = SetupStep::Save;
        Ok(flow)
    }

    /// Allows plain HTTP to loopback hosts (for the EWS URL and autodiscover): test servers only.
    pub fn set_allow_http_loopback(&mut self, allow: bool) {
        if self.allow_http_loopback != allow {
            self.allow_http_loopback = allow;
            self.changed(ChangedInput::EwsUrl);
        }
    }

    // ----- where the flow is -----

    /// The profile.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// The step the admin is on.
    pub fn current(&self) -> SetupStep {
        self.current
    }

    /// Whether `step` applies to the chosen connection method (the user-name step does not apply
    /// to OAuth 2.0).
    pub fn applies(&self, step: SetupStep) -> bool {
        step != SetupStep::ServiceAccount || self.method.is_none_or(ConnectionMethod::is_service_account)
    }

    /// The steps that apply, in order.
    pub fn steps(&self) -> Vec<SetupStep> {
        SetupStep::ALL.into_iter().filter(|s| self.applies(*s)).collect()
    }

    /// Whether `step` is complete (for [`SetupStep::Validate`]: validated on the current inputs;
    /// for [`SetupStep::Save`]: saved since the last change).
    pub fn is_complete(&self, step: SetupStep) -> bool {
        match step {
            SetupStep::SyncScope => self.scope.is_some(),
            SetupStep::ConnectionMethod => self.method.is_some(),
            SetupStep::ServiceAccount => self.user.is_some(),
            SetupStep::Credentials => match self.method {
                Some(ConnectionMethod::ServiceAccount(_)) => self.password.is_some(),
                Some(ConnectionMethod::OAuthAppOnly) => self.oauth.is_some(),
                None => false,
            },
            SetupStep::Domains => self.domains.is_some() && self.domains_rule().is_ok(),
            SetupStep::Validate => self.validation_needed().is_none(),
            SetupStep::Save => self.saved,
        }
    }

    /// Whether the configuration has been saved since the last change.
    pub fn is_saved(&self) -> bool {
        self.saved
    }

    fn ensure_applies(&self, step: SetupStep) -> Result<(), SetupError> {
        match self.method {
            Some(method) if !self.applies(step) => Err(SetupError::StepNotApplicable { step, method }),
            _ => Ok(()),
        }
    }

    /// Checks that `step` applies and that every applicable step before it is complete.
    fn ensure_reachable(&self, step: SetupStep) -> Result<(), SetupError> {
        self.ensure_applies(step)?;
        match self.steps().into_iter().take_while(|s| *s < step).find(|s| !self.is_complete(*s)) {
            Some(missing) => Err(SetupError::StepNotReachable { step, missing }),
            None => Ok(()),
        }
    }

    /// Whether `step` can be shown now.
    pub fn can_reach(&self, step: SetupStep) -> bool {
        self.ensure_reachable(step).is_ok()
    }

    /// Moves to `step` (any reachable step: back to edit, or forward over completed steps).
    pub fn go_to(&mut self, step: SetupStep) -> Result<(), SetupError> {
        self.ensure_reachable(step)?;
        self.current = step;
        Ok(())
    }

    /// Moves to the previous applicable step.
    pub fn back(&mut self) -> Result<SetupStep, SetupError> {
        let previous = self.steps().into_iter().rev().find(|s| *s < self.current);
        match previous {
            Some(step) => {
                self.current = step;
                Ok(step)
            }
            None => Err(SetupError::NoPreviousStep { step: self.current }),
        }
    }

    fn advance_past(&mut self, step: SetupStep) {
        self.current = self.steps().into_iter().find(|s| *s > step).unwrap_or(SetupStep::Save);
    }

    /// Records a change of `what`: a validation started before it no longer matches, a passed one
    /// is outdated, and the configuration needs saving again.
    fn changed(&mut self, what: ChangedInput) {
        self.revision += 1;
        self.saved = false;
        if self.validation.is_some() && what != ChangedInput::ScopeWidened {
            self.changes.insert(what);
        }
    }

    // ----- step 1 -----

    /// The sync scope, if chosen.
    pub fn sync_scope(&self) -> Option<SyncScope> {
        self.scope
    }

    /// Step 1: what syncs (at least one kind).
    pub fn set_sync_scope(&mut self, scope: SyncScope) -> Result<(), SetupError> {
        self.ensure_reachable(SetupStep::SyncScope)?;
        if scope.is_empty() {
            return Err(SetupError::invalid(Field::SyncScope, "enable contacts, events, or both"));
        }
        if self.scope != Some(scope) {
            self.scope = Some(scope);
            self.changed(ChangedInput::ScopeWidened);
        }
        self.advance_past(SetupStep::SyncScope);
        Ok(())
    }

    // ----- step 2 -----

    /// The connection method, if chosen.
    pub fn connection_method(&self) -> Option<ConnectionMethod> {
        self.method
    }

    /// Step 2: how to connect. Switching between a service account and OAuth 2.0 drops the other
    /// method's credentials; switching between Basic and NTLM keeps the user name and password.
    pub fn set_connection_method(&mut self, method: ConnectionMethod) -> Result<(), SetupError> {
        self.ensure_reachable(SetupStep::ConnectionMethod)?;
        if self.method != Some(method) {
            let was_account = self.method.map(ConnectionMethod::is_service_account);
            if was_account.is_some_and(|a| a != method.is_service_account()) {
                self.user = None;
                self.password = None;
                self.oauth = None;
            }
            self.method = Some(method);
            self.changed(ChangedInput::ConnectionMethod);
        }
        self.advance_past(SetupStep::ConnectionMethod);
        Ok(())
    }

    // ----- step 3 -----

    /// The service account's user name as entered.
    pub fn user_name(&self) -> Option<&UserName> {
        self.user.as_ref()
    }

    /// Step 3: the service account's user name, as a UPN (`svc@contoso.com`) or down-level name
    /// (`contoso.com\svc`, `CONTOSO\svc`).
    pub fn set_user_name(&mut self, user_name: &str) -> Result<(), SetupError> {
        self.ensure_reachable(SetupStep::ServiceAccount)?;
        let user = UserName::parse(user_name.trim())
            .map_err(|source| SetupError::InvalidUserName { field: Field::UserName, source })?;
        if self.user.as_ref() != Some(&user) {
            self.user = Some(user);
            self.changed(ChangedInput::Credentials);
        }
        self.advance_past(SetupStep::ServiceAccount);
        Ok(())
    }

    // ----- step 4 -----

    /// Whether a password has been entered (it is never handed back).
    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }

    /// Step 4 for a service account: its password, kept exactly as typed.
    pub fn set_password(&mut self, password: Secret) -> Result<(), SetupError> {
        self.ensure_reachable(SetupStep::Credentials)?;
        if self.method == Some(ConnectionMethod::OAuthAppOnly) {
            return Err(SetupError::invalid(
                Field::Password,
                "OAuth 2.0 uses the application's client secret or certificate, not a password",
            ));
        }
        check_password(Field::Password, &password)?;
        if !self.password.as_ref().is_some_and(|p| secrets_equal(p, &password)) {
            self.password = Some(password);
            self.changed(ChangedInput::Credentials);
        }
        self.advance_past(SetupStep::Credentials);
        Ok(())
    }

    /// The OAuth 2.0 application, if entered (its `Debug` does not show secrets).
    pub fn oauth_app(&self) -> Option<&OAuthApp> {
        self.oauth.as_ref()
    }

    /// Step 4 for OAuth 2.0: the application (tenant, client id, client secret or certificate).
    pub fn set_oauth_app(&mut self, app: OAuthApp) -> Result<(), SetupError> {
        self.ensure_reachable(SetupStep::Credentials)?;
        if let Some(method @ ConnectionMethod::ServiceAccount(_)) = self.method {
            return Err(SetupError::Invalid {
                field: Field::ClientId,
                reason: format!("the connection method is {method}; choose OAuth 2.0 to enter an application"),
            });
        }
        let app = app.validated()?;
        if !self.oauth.as_ref().is_some_and(|a| a.same_as(&app)) {
            self.oauth = Some(app);
            self.changed(ChangedInput::Credentials);
        }
        self.advance_past(SetupStep::Credentials);
        Ok(())
    }

    // ----- step 5 -----

    /// The additional domains, if entered.
    pub fn additional_domains(&self) -> Option<&AdditionalDomains> {
        self.domains.as_ref()
    }

    /// The domains users may be enrolled from, with what is entered so far.
    pub fn allowed_domains(&self) -> AllowedDomains {
        let service_account = match self.method {
            Some(ConnectionMethod::ServiceAccount(_)) => self.user.as_ref().and_then(user_domain),
            _ => None,
        };
        AllowedDomains { service_account, additional: self.domains.clone().unwrap_or_default() }
    }

    /// The rule that someone must be enrollable.
    fn domains_rule(&self) -> Result<(), SetupError> {
        if !self.allowed_domains().is_empty() {
            return Ok(());
        }
        let reason = match (&self.method, &self.user) {
            (Some(ConnectionMethod::OAuthAppOnly), _) => {
                "list the users' email domains: with OAuth 2.0 there is no service account domain to go by".to_owned()
            }
            (_, Some(user)) => format!(
                "the service account's domain {} is not an email domain; list the users' email domains",
                user.domain()
            ),
            _ => "list the users' email domains".to_owned(),
        };
        Err(SetupError::Invalid { field: Field::AdditionalDomains, reason })
    }

    /// Step 5: the users' email domains besides the service account's, comma-separated (may be
    /// empty when every user is in the service account's domain).
    pub fn set_additional_domains(&mut self, list: &str) -> Result<(), SetupError> {
        self.ensure_reachable(SetupStep::Domains)?;
        let domains = AdditionalDomains::parse(list)
            .map_err(|source| SetupError::InvalidDomains { field: Field::AdditionalDomains, source })?;
        self.set_domains(domains)
    }

    /// Step 5 with an already parsed list.
    pub fn set_domains(&mut self, domains: AdditionalDomains) -> Result<(), SetupError> {
        self.ensure_reachable(SetupStep::Domains)?;
        let previous = self.domains.replace(domains.clone());
        if let Err(e) = self.domains_rule() {
            self.domains = previous;
            return Err(e);
        }
        if !previous.is_some_and(|p| p.same_set(&domains)) {
            self.changed(ChangedInput::Domains);
        }
        self.advance_past(SetupStep::Domains);
        Ok(())
    }

    // ----- step 6 -----

    /// The test mailbox, if entered.
    pub fn test_mailbox(&self) -> Option<&MailboxAddress> {
        self.test_mailbox.as_ref()
    }

    /// The hand-entered EWS URL, if any.
    pub fn ews_url(&self) -> Option<&Url> {
        self.ews_url.as_ref()
    }

    fn check_test_mailbox(&self, mailbox: &MailboxAddress) -> Result<(), SetupError> {
        let allowed = self.allowed_domains();
        if allowed.permits(mailbox.domain()) {
            return Ok(());
        }
        Err(SetupError::Invalid {
            field: Field::TestMailbox,
            reason: format!(
                "{mailbox} is in {}, which is neither the service account's domain nor an additional domain \
                 (allowed: {allowed}); test with a mailbox in an allowed domain, or add {} to the additional domains",
                mailbox.domain(),
                mailbox.domain()
            ),
        })
    }

    /// Step 6's fields: the mailbox to test with (in an allowed domain), and the EWS URL when it is
    /// entered by hand (`None` or empty to autodiscover it).
    pub fn set_validation_target(&mut self, test_mailbox: &str, ews_url: Option<&str>) -> Result<(), SetupError> {
        self.ensure_reachable(SetupStep::Validate)?;
        let mailbox = MailboxAddress::parse(test_mailbox)
            .map_err(|source| SetupError::InvalidAddress { field: Field::TestMailbox, source })?;
        self.check_test_mailbox(&mailbox)?;
        let url = match ews_url.map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(text) => {
                let url = Url::parse(text).map_err(|e| {
                    let shown = without_user_info(text);
                    SetupError::invalid(
                        Field::EwsUrl,
                        format!("{shown:?} is not a URL ({e}); write it as https://mail.contoso.com/EWS/Exchange.asmx"),
                    )
                })?;
                check_ews_url(&url, self.allow_http_loopback).map_err(|r| SetupError::invalid(Field::EwsUrl, r))?;
                Some(url)
            }
        };
        if self.test_mailbox.as_ref() != Some(&mailbox) {
            self.test_mailbox = Some(mailbox);
            self.changed(ChangedInput::TestMailbox);
        }
        if self.ews_url != url {
            self.ews_url = url;
            self.changed(ChangedInput::EwsUrl);
        }
        self.current = SetupStep::Validate;
        Ok(())
    }

    fn credentials(&self) -> Option<Credentials> {
        match self.method? {
            ConnectionMethod::ServiceAccount(auth) => {
                let (user, password) = (self.user.clone()?, self.password.clone()?);
                Some(match auth {
                    ServiceAccountAuth::Basic => Credentials::Basic { user, password },
                    ServiceAccountAuth::Ntlm => Credentials::Ntlm { user, password },
                })
            }
            ConnectionMethod::OAuthAppOnly => self.oauth.as_ref().map(OAuthApp::credentials),
        }
    }

    /// Step 6: starts validation. Returns the ticket to hand back with the report, and the
    /// [`Analyzer`] for the caller's driver to run.
    pub fn start_validation(&mut self) -> Result<(ValidationTicket, Analyzer), SetupError> {
        self.ensure_reachable(SetupStep::Validate)?;
        let mailbox = self.test_mailbox.clone().ok_or(SetupError::Required { field: Field::TestMailbox })?;
        self.check_test_mailbox(&mailbox)?;
        let (Some(credentials), Some(scope)) = (self.credentials(), self.scope) else {
            // Reachability guarantees both; answer as the missing step would.
            return Err(SetupError::StepNotReachable { step: SetupStep::Validate, missing: SetupStep::Credentials });
        };
        let autodiscover = AutodiscoverConfig {
            trusted_domains: self.allowed_domains().all().into_iter().map(String::from).collect(),
            allow_http_loopback: self.allow_http_loopback,
            ..AutodiscoverConfig::default()
        };
        let approved_hosts = match self.method {
            Some(ConnectionMethod::OAuthAppOnly) => exchange_online_hosts(),
            _ => ApprovedHosts::default(),
        };
        let input = AnalyzerInput {
            credentials,
            test_mailbox: mailbox,
            ews_url: self.ews_url.clone(),
            scope,
            autodiscover,
            approved_hosts,
        };
        let analyzer = Analyzer::new(input).map_err(|e| SetupError::invalid(Field::EwsUrl, e.to_string()))?;
        self.current = SetupStep::Validate;
        Ok((ValidationTicket { revision: self.revision }, analyzer))
    }

    /// Step 6: records the analyzer's report for the validation `ticket` started. A passing report
    /// moves the flow to [`SetupStep::Save`]; a failing one stays at [`SetupStep::Validate`]. A
    /// report for inputs that changed since it started is refused ([`SetupError::StaleValidation`]).
    pub fn finish_validation(
        &mut self,
        ticket: ValidationTicket,
        report: AnalyzerReport,
        now: DateTime<Utc>,
    ) -> Result<ValidationStatus, SetupError> {
        let mailbox = self.test_mailbox.clone().ok_or(SetupError::StaleValidation)?;
        if ticket.revision != self.revision || report.test_mailbox != mailbox.to_string() {
            return Err(SetupError::StaleValidation);
        }
        let scope = self.scope.unwrap_or(SyncScope::BOTH);
        let failed = if report.passed() {
            None
        } else {
            Some(report.first_failure().map(|s| s.step).unwrap_or(AnalyzerStep::Dns))
        };
        let f = &report.findings;
        self.validation = Some(ValidationRecord {
            at: now,
            scope,
            failed,
            ews_url: f.ews_url.clone(),
            sign_in_as: f.user_name.clone(),
            test_mailbox: mailbox,
            auth_scheme: f.auth_scheme.clone(),
            server_version: f.server_version.clone(),
            autodiscover_endpoint: f.autodiscover.as_ref().map(|a| a.endpoint.clone()),
            report: Some(report),
        });
        self.changes.clear();
        self.saved = false;
        self.current = if failed.is_none() { SetupStep::Save } else { SetupStep::Validate };
        Ok(self.validation_status())
    }

    /// The last analyzer report of this flow, if validation ran.
    pub fn last_report(&self) -> Option<&AnalyzerReport> {
        self.validation.as_ref().and_then(|v| v.report.as_ref())
    }

    /// Why saving needs a validation first, or `None` when the current inputs are validated.
    pub fn validation_needed(&self) -> Option<ValidationNeeded> {
        let Some(v) = &self.validation else {
            return Some(ValidationNeeded::NeverRun);
        };
        if let Some(step) = v.failed {
            return Some(ValidationNeeded::Failed { step });
        }
        let mut changes: Vec<ChangedInput> = self.changes.iter().copied().collect();
        if self.scope.is_some_and(|s| !v.scope.covers(s)) {
            changes.insert(0, ChangedInput::ScopeWidened);
        }
        if changes.is_empty() { None } else { Some(ValidationNeeded::Changed { changes }) }
    }

    /// Where validation stands.
    pub fn validation_status(&self) -> ValidationStatus {
        match (self.validation_needed(), &self.validation) {
            (None, Some(v)) => ValidationStatus::Passed { at: v.at },
            (Some(ValidationNeeded::Failed { step }), _) => ValidationStatus::Failed { step },
            (Some(ValidationNeeded::Changed { changes }), _) => ValidationStatus::Outdated { changes },
            _ => ValidationStatus::NotRun,
        }
    }

    // ----- step 7 -----

    /// Step 7: stores the secrets in `store` (removing this profile's secrets the configuration no
    /// longer uses, such as the password after a switch to OAuth 2.0) and
    /// returns the configuration to persist. Needs a passing validation of the current inputs.
    pub fn save(&mut self, store: &dyn SecretStore) -> Result<SetupConfig, SetupError> {
        self.ensure_reachable(SetupStep::Validate)?;
        if let Some(reason) = self.validation_needed() {
            return Err(SetupError::ValidationRequired { reason });
        }
        let v = self.validation.clone().ok_or(SetupError::ValidationRequired { reason: ValidationNeeded::NeverRun })?;
        let Some(ews_url) = v.ews_url.clone().or_else(|| self.ews_url.clone()) else {
            return Err(SetupError::ValidationRequired { reason: ValidationNeeded::NeverRun });
        };
        let put = |name: &str, field: Field, secret: &Secret| -> Result<StoredSecret, SetupError> {
            let reference = secret_ref(&self.profile, name);
            store.put(&reference, secret).map_err(|source| SetupError::SecretStore { field, source })?;
            Ok(StoredSecret::with_value(reference, secret.clone()))
        };
        let connection = match self.method {
            Some(ConnectionMethod::ServiceAccount(auth)) => {
                let user = self.user.clone().ok_or(SetupError::Required { field: Field::UserName })?;
                let password = self.password.as_ref().ok_or(SetupError::Required { field: Field::Password })?;
                let sign_in_as = v.sign_in_as.clone().unwrap_or_else(|| user.clone());
                SavedConnection::ServiceAccount {
                    auth,
                    user,
                    sign_in_as,
                    password: put(SECRET_NAMES[0].0, Field::Password, password)?,
                }
            }
            Some(ConnectionMethod::OAuthAppOnly) => {
                let app = self.oauth.as_ref().ok_or(SetupError::Required { field: Field::ClientId })?;
                let credential = match &app.credential {
                    OAuthCredential::ClientSecret(secret) => SavedOAuthCredential::ClientSecret {
                        secret: put(SECRET_NAMES[1].0, Field::ClientSecret, secret)?,
                    },
                    OAuthCredential::Certificate { thumbprint, private_key_pem } => SavedOAuthCredential::Certificate {
                        thumbprint: thumbprint.clone(),
                        private_key: put(SECRET_NAMES[2].0, Field::PrivateKey, private_key_pem)?,
                    },
                };
                SavedConnection::OAuthAppOnly {
                    tenant: app.tenant.clone(),
                    client_id: app.client_id.clone(),
                    authority_host: app.authority_host.clone(),
                    credential,
                }
            }
            None => return Err(SetupError::Required { field: Field::ConnectionMethod }),
        };
        let config = SetupConfig {
            version: CONFIG_VERSION,
            profile: self.profile.clone(),
            scope: self.scope.ok_or(SetupError::Required { field: Field::SyncScope })?,
            connection,
            additional_domains: self.domains.clone().unwrap_or_default(),
            ews_url_by_hand: self.ews_url.clone(),
            ews_url,
            allow_http_loopback: self.allow_http_loopback,
            validated: ValidationSummary {
                at: v.at,
                test_mailbox: v.test_mailbox.clone(),
                auth_scheme: v.auth_scheme.clone(),
                server_version: v.server_version.clone(),
                autodiscover_endpoint: v.autodiscover_endpoint.clone(),
            },
        };
        let used: Vec<&SecretRef> = config.secret_refs().into_iter().map(|(_, r)| r).collect();
        for (name, field) in SECRET_NAMES {
            let reference = secret_ref(&self.profile, name);
            if !used.contains(&&reference) {
                store.delete(&reference).map_err(|source| SetupError::SecretStore { field, source })?;
            }
        }
        self.saved = true;
        self.current = SetupStep::Save;
        Ok(config)
    }
}
