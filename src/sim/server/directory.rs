//! The simulated organisation's directory: accepted domains, service accounts (with passwords and
//! impersonation grants), registered OAuth apps, and the mailbox users (address, principal name,
//! SID), as Active Directory and Exchange know them.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use crate::transport::{Secret, UserName, UserNameFormat};

use super::error::SimError;

/// Which mailboxes an account or app may impersonate (Exchange's `ApplicationImpersonation` role
/// and its management scope).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ImpersonationGrant {
    /// No impersonation right (the default, as for a new account in Exchange).
    #[default]
    None,
    /// Every mailbox of the organisation.
    AllMailboxes,
    /// Only these mailboxes (SMTP addresses; compared without case).
    Mailboxes(BTreeSet<String>),
}

impl ImpersonationGrant {
    /// A grant on the listed mailboxes.
    pub fn mailboxes<I, S>(addresses: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        ImpersonationGrant::Mailboxes(addresses.into_iter().map(|a| a.as_ref().to_ascii_lowercase()).collect())
    }

    /// Whether the grant covers the mailbox `address`.
    pub fn covers(&self, address: &str) -> bool {
        match self {
            ImpersonationGrant::None => false,
            ImpersonationGrant::AllMailboxes => true,
            ImpersonationGrant::Mailboxes(set) => set.contains(&address.to_ascii_lowercase()),
        }
    }
}

/// A service account: the Windows account an application signs in with.
///
/// It is known by its user principal name (`svc@contoso.com`) and by its down-level logon names
/// (`CONTOSO\svc` with the organisation's NetBIOS name, `contoso.com\svc` with its UPN domain).
///
/// ```
/// use exsync::sim::ServiceAccount;
///
/// let svc = ServiceAccount::new("svc@contoso.com", "P@ssw0rd").impersonating_all();
/// assert!(!format!("{svc:?}").contains("P@ssw0rd"));
/// ```
#[derive(Clone)]
pub struct ServiceAccount {
    pub(crate) name: String,
    pub(crate) password: Secret,
    pub(crate) mailbox: Option<String>,
    pub(crate) grant: ImpersonationGrant,
    pub(crate) accepts: Option<UserNameFormat>,
}

impl fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("name", &self.name)
            .field("password", &self.password)
            .field("mailbox", &self.mailbox)
            .field("grant", &self.grant)
            .field("accepts", &self.accepts)
            .finish()
    }
}

impl ServiceAccount {
    /// An account with user principal name `upn` and `password`, no mailbox of its own and no
    /// impersonation right.
    pub fn new(upn: impl Into<String>, password: impl Into<Secret>) -> Self {
        ServiceAccount {
            name: upn.into(),
            password: password.into(),
            mailbox: None,
            grant: ImpersonationGrant::None,
            accepts: None,
        }
    }

    /// Accepts sign-ins (Basic and NTLM) only by logon names of `format`: the UPN
    /// (`svc@contoso.com`), or the down-level names (`CONTOSO\svc`, `contoso.com\svc`), as some
    /// networks do; a sign-in by the other form is refused with HTTP 401. By default both forms
    /// are accepted.
    ///
    /// ```
    /// use exsync::sim::ServiceAccount;
    /// use exsync::transport::UserNameFormat;
    ///
    /// let svc = ServiceAccount::new("svc@contoso.com", "pw").accepting_only(UserNameFormat::DownLevel);
    /// assert_eq!(svc.accepted_format(), Some(UserNameFormat::DownLevel));
    /// ```
    pub fn accepting_only(mut self, format: UserNameFormat) -> Self {
        self.accepts = Some(format);
        self
    }

    /// The only logon-name form accepted, if restricted ([`ServiceAccount::accepting_only`]).
    pub fn accepted_format(&self) -> Option<UserNameFormat> {
        self.accepts
    }

    /// Gives the account a mailbox of its own (it must be configured with `mailbox(…)` too):
    /// requests without impersonation act on it.
    pub fn with_mailbox(mut self, address: impl Into<String>) -> Self {
        self.mailbox = Some(address.into());
        self
    }

    /// Lets the account impersonate every mailbox.
    pub fn impersonating_all(mut self) -> Self {
        self.grant = ImpersonationGrant::AllMailboxes;
        self
    }

    /// Lets the account impersonate only the listed mailboxes.
    pub fn impersonating<I, S>(mut self, addresses: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.grant = ImpersonationGrant::mailboxes(addresses);
        self
    }

    /// Sets the impersonation grant.
    pub fn with_grant(mut self, grant: ImpersonationGrant) -> Self {
        self.grant = grant;
        self
    }

    /// The user principal name as configured.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// An app registered with the simulator's OAuth token endpoint (an Entra ID app registration): a
/// client id, client secrets and/or certificates it proves itself with, and which mailboxes its
/// tokens may impersonate (`full_access_as_app` with an application access policy).
///
/// ```
/// use exsync::sim::OAuthApp;
///
/// let app = OAuthApp::new("0e3a7f9c-2b61-4c1e-9a4e-3f1d2c5b6a70").with_secret("s3cret").impersonating_all();
/// assert!(!format!("{app:?}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct OAuthApp {
    pub(crate) client_id: String,
    pub(crate) secrets: Vec<Secret>,
    pub(crate) certificate_pems: Vec<String>,
    pub(crate) grant: ImpersonationGrant,
}

impl fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthApp")
            .field("client_id", &self.client_id)
            .field("secrets", &self.secrets.len())
            .field("certificates", &self.certificate_pems.len())
            .field("grant", &self.grant)
            .finish()
    }
}

impl OAuthApp {
    /// An app with `client_id` and no way to prove itself yet.
    pub fn new(client_id: impl Into<String>) -> Self {
        OAuthApp {
            client_id: client_id.into(),
            secrets: Vec::new(),
            certificate_pems: Vec::new(),
            grant: ImpersonationGrant::None,
        }
    }

    /// Adds a client secret.
    pub fn with_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.secrets.push(secret.into());
        self
    }

    /// Adds a certificate (PEM) whose key signs the app's client assertions.
    pub fn with_certificate_pem(mut self, pem: impl Into<String>) -> Self {
        self.certificate_pems.push(pem.into());
        self
    }

    /// Lets the app's tokens impersonate every mailbox.
    pub fn impersonating_all(mut self) -> Self {
        self.grant = ImpersonationGrant::AllMailboxes;
        self
    }

    /// Lets the app's tokens impersonate only the listed mailboxes.
    pub fn impersonating<I, S>(mut self, addresses: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.grant = ImpersonationGrant::mailboxes(addresses);
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }
}

/// A registered app as the token endpoint checks it: certificates parsed.
#[derive(Debug)]
pub(crate) struct RegisteredApp {
    pub(crate) app: OAuthApp,
    pub(crate) certificates: Vec<CertificateDer<'static>>,
}

/// A service account with its parsed name.
#[derive(Debug)]
pub(crate) struct Account {
    pub(crate) config: ServiceAccount,
    pub(crate) upn: UserName,
}

/// A mailbox user as the directory knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxUser {
    /// Primary SMTP address.
    pub address: String,
    /// Display name.
    pub display_name: String,
    /// User principal name (the address, as is usual).
    pub principal_name: String,
    /// Security identifier (`S-1-5-21-…`), derived from the organisation's seed.
    pub sid: String,
}

/// Who a request is made by, once authenticated.
#[derive(Debug, Clone)]
pub(crate) enum Principal {
    /// A service account (Basic or NTLM).
    Account(Arc<Account>),
    /// An app, by a bearer token the token endpoint issued.
    App(Arc<RegisteredApp>),
}

impl Principal {
    /// The impersonation grant.
    pub(crate) fn grant(&self) -> &ImpersonationGrant {
        match self {
            Principal::Account(a) => &a.config.grant,
            Principal::App(a) => &a.app.grant,
        }
    }

    /// The principal's own mailbox, if it has one.
    pub(crate) fn own_mailbox(&self) -> Option<&str> {
        match self {
            Principal::Account(a) => a.config.mailbox.as_deref(),
            Principal::App(_) => None,
        }
    }

    /// Whether this is an app-only token (which must impersonate).
    pub(crate) fn is_app(&self) -> bool {
        matches!(self, Principal::App(_))
    }
}

/// The organisation: what does not change while the server runs, plus the mailbox users (which the
/// control API may add to).
#[derive(Debug)]
pub(crate) struct Directory {
    pub(crate) domains: Vec<String>,
    pub(crate) netbios: String,
    pub(crate) tenant_id: String,
    pub(crate) accounts: Vec<Arc<Account>>,
    pub(crate) apps: Vec<Arc<RegisteredApp>>,
    pub(crate) seed: u64,
    users: Vec<MailboxUser>,
}

/// Whether `d` looks like a DNS domain name.
fn is_dns_name(d: &str) -> bool {
    d.len() <= 253
        && d.contains('.')
        && d.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// Splits `user@domain`.
fn split_address(address: &str) -> Option<(&str, &str)> {
    let (user, domain) = address.rsplit_once('@')?;
    (!user.is_empty() && !user.contains(char::is_whitespace) && is_dns_name(domain)).then_some((user, domain))
}

/// SplitMix64 step: the simulator's deterministic mixing of seeds into identifiers.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A display name from an address's user part: `alice.wong` → `Alice Wong`.
fn display_name_of(user: &str) -> String {
    user.split(['.', '_', '-'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Directory {
    /// Checks and assembles the configuration.
    pub(crate) fn new(
        domains: Vec<String>,
        netbios: Option<String>,
        tenant_id: Option<String>,
        accounts: Vec<ServiceAccount>,
        apps: Vec<OAuthApp>,
        seed: u64,
    ) -> Result<Self, SimError> {
        let domains: Vec<String> = domains.iter().map(|d| d.trim().to_ascii_lowercase()).collect();
        if domains.is_empty() {
            return Err(SimError::NoDomain);
        }
        if let Some(bad) = domains.iter().find(|d| !is_dns_name(d)) {
            return Err(SimError::InvalidDomain { domain: bad.clone() });
        }
        let netbios = netbios.unwrap_or_else(|| domains[0].split('.').next().unwrap_or("").to_ascii_uppercase());
        let tenant_id = tenant_id.unwrap_or_else(|| {
            let (a, b) = (mix(seed ^ 0x7E4A), mix(seed ^ 0x7E4B));
            format!(
                "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                a >> 32,
                (a >> 16) & 0xffff,
                a & 0xfff,
                (b >> 48) & 0xfff,
                b & 0xffff_ffff_ffff
            )
        });
        let mut dir =
            Directory { domains, netbios, tenant_id, accounts: Vec::new(), apps: Vec::new(), seed, users: Vec::new() };
        for a in accounts {
            let upn = UserName::parse(&a.name)
                .map_err(|source| SimError::ServiceAccountName { name: a.name.clone(), source })?;
            if upn.format() != UserNameFormat::Upn {
                return Err(SimError::ServiceAccountName {
                    name: a.name.clone(),
                    source: crate::transport::UserNameError::NoSeparator,
                });
            }
            if !dir.accepts_domain(upn.domain()) {
                return Err(dir.not_accepted("service account", &a.name));
            }
            if dir.accounts.iter().any(|x| x.upn.same_account(&upn)) {
                return Err(SimError::Duplicate { what: "service account", name: a.name.clone() });
            }
            dir.accounts.push(Arc::new(Account { config: a, upn }));
        }
        for app in apps {
            if dir.apps.iter().any(|x| x.app.client_id.eq_ignore_ascii_case(&app.client_id)) {
                return Err(SimError::Duplicate { what: "app", name: app.client_id.clone() });
            }
            let mut certificates = Vec::new();
            for pem in &app.certificate_pems {
                let der = CertificateDer::from_pem_slice(pem.as_bytes()).map_err(|e| SimError::AppCertificate {
                    client_id: app.client_id.clone(),
                    reason: format!("not a PEM certificate ({e})"),
                })?;
                webpki::EndEntityCert::try_from(&der).map_err(|e| SimError::AppCertificate {
                    client_id: app.client_id.clone(),
                    reason: format!("not an X.509 certificate webpki accepts ({e})"),
                })?;
                certificates.push(der);
            }
            dir.apps.push(Arc::new(RegisteredApp { app, certificates }));
        }
        Ok(dir)
    }

    fn not_accepted(&self, what: &'static str, name: &str) -> SimError {
        SimError::DomainNotAccepted { what, name: name.to_owned(), accepted: self.domains.join(", ") }
    }

    /// Whether `domain` is an accepted domain.
    pub(crate) fn accepts_domain(&self, domain: &str) -> bool {
        self.domains.iter().any(|d| d.eq_ignore_ascii_case(domain))
    }

    /// Checks the accounts' and apps' references to mailboxes (once the mailboxes are added).
    pub(crate) fn check_references(&self) -> Result<(), SimError> {
        let grants = self
            .accounts
            .iter()
            .map(|a| (a.config.name.clone(), a.config.mailbox.as_slice().to_vec(), &a.config.grant))
            .chain(self.apps.iter().map(|a| (a.app.client_id.clone(), Vec::new(), &a.app.grant)));
        for (owner, own, grant) in grants {
            let listed: Vec<String> = match grant {
                ImpersonationGrant::Mailboxes(s) => s.iter().cloned().collect(),
                _ => Vec::new(),
            };
            for address in own.iter().chain(&listed) {
                if self.user(address).is_none() {
                    return Err(SimError::UnknownMailbox { owner: owner.clone(), address: address.clone() });
                }
            }
        }
        Ok(())
    }

    /// Adds a mailbox user; returns the entry.
    pub(crate) fn add_user(&mut self, address: &str, display_name: Option<&str>) -> Result<MailboxUser, SimError> {
        let address = address.trim();
        let (user, domain) =
            split_address(address).ok_or_else(|| SimError::InvalidAddress { address: address.to_owned() })?;
        if !self.accepts_domain(domain) {
            return Err(self.not_accepted("mailbox", address));
        }
        if self.user(address).is_some() {
            return Err(SimError::Duplicate { what: "mailbox", name: address.to_owned() });
        }
        let rid = 1104 + self.users.len() as u64;
        let (a, b, c) = (mix(self.seed) as u32, mix(self.seed ^ 1) as u32, mix(self.seed ^ 2) as u32);
        let entry = MailboxUser {
            address: address.to_owned(),
            display_name: display_name.map(str::to_owned).unwrap_or_else(|| display_name_of(user)),
            principal_name: address.to_owned(),
            sid: format!("S-1-5-21-{a}-{b}-{c}-{rid}"),
        };
        self.users.push(entry.clone());
        Ok(entry)
    }

    /// Every mailbox user, in the order added.
    pub(crate) fn users(&self) -> &[MailboxUser] {
        &self.users
    }

    /// A mailbox user by primary SMTP address.
    pub(crate) fn user(&self, address: &str) -> Option<&MailboxUser> {
        self.users.iter().find(|u| u.address.eq_ignore_ascii_case(address.trim()))
    }

    /// A mailbox user by user principal name.
    pub(crate) fn user_by_principal_name(&self, upn: &str) -> Option<&MailboxUser> {
        self.users.iter().find(|u| u.principal_name.eq_ignore_ascii_case(upn.trim()))
    }

    /// A mailbox user by SID.
    pub(crate) fn user_by_sid(&self, sid: &str) -> Option<&MailboxUser> {
        self.users.iter().find(|u| u.sid.eq_ignore_ascii_case(sid.trim()))
    }

    /// The service account a logon name denotes: its UPN, `NETBIOS\user` or `upn-domain\user`
    /// (case-insensitive), unless the account accepts only the other form.
    pub(crate) fn account_by_logon(&self, logon: &str) -> Option<&Arc<Account>> {
        let name = UserName::parse(logon).ok()?;
        self.accounts.iter().find(|a| {
            if !a.upn.user().eq_ignore_ascii_case(name.user()) {
                return false;
            }
            if a.config.accepts.is_some_and(|only| only != name.format()) {
                return false;
            }
            match name.format() {
                UserNameFormat::Upn => a.upn.domain().eq_ignore_ascii_case(name.domain()),
                UserNameFormat::DownLevel => {
                    name.domain().eq_ignore_ascii_case(&self.netbios)
                        || a.upn.domain().eq_ignore_ascii_case(name.domain())
                }
            }
        })
    }

    /// A registered app by client id.
    pub(crate) fn app(&self, client_id: &str) -> Option<&Arc<RegisteredApp>> {
        self.apps.iter().find(|a| a.app.client_id.eq_ignore_ascii_case(client_id.trim()))
    }

    /// Whether `tenant` names this organisation's tenant: its id, an accepted domain, or
    /// `{first label}.onmicrosoft.com`.
    pub(crate) fn is_tenant(&self, tenant: &str) -> bool {
        let t = tenant.trim();
        t.eq_ignore_ascii_case(&self.tenant_id)
            || self.accepts_domain(t)
            || t.eq_ignore_ascii_case(&format!("{}.onmicrosoft.com", self.netbios.to_ascii_lowercase()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> Directory {
        let mut d = Directory::new(
            vec!["contoso.com".into(), "contoso.net".into()],
            None,
            None,
            vec![ServiceAccount::new("svc@contoso.com", "pw").impersonating_all()],
            vec![],
            7,
        )
        .unwrap();
        d.add_user("alice.wong@contoso.com", None).unwrap();
        d
    }

    #[test]
    fn logon_names_in_every_form() {
        let d = dir();
        for ok in ["svc@contoso.com", "SVC@Contoso.com", r"CONTOSO\svc", r"contoso\SVC", r"contoso.com\svc"] {
            assert!(d.account_by_logon(ok).is_some(), "{ok}");
        }
        for bad in ["svc@contoso.net", r"FABRIKAM\svc", r"contoso.net\svc", "other@contoso.com", "svc"] {
            assert!(d.account_by_logon(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn accounts_accepting_one_form_only() {
        let d = Directory::new(
            vec!["contoso.com".into()],
            None,
            None,
            vec![
                ServiceAccount::new("upn@contoso.com", "pw").accepting_only(UserNameFormat::Upn),
                ServiceAccount::new("legacy@contoso.com", "pw").accepting_only(UserNameFormat::DownLevel),
            ],
            vec![],
            7,
        )
        .unwrap();
        assert!(d.account_by_logon("upn@contoso.com").is_some());
        assert!(d.account_by_logon(r"CONTOSO\upn").is_none());
        assert!(d.account_by_logon(r"contoso.com\upn").is_none());
        assert!(d.account_by_logon("legacy@contoso.com").is_none());
        assert!(d.account_by_logon(r"CONTOSO\legacy").is_some());
        assert!(d.account_by_logon(r"contoso.com\legacy").is_some());
    }

    #[test]
    fn users_get_names_and_sids() {
        let d = dir();
        let u = d.user("ALICE.WONG@contoso.com").unwrap();
        assert_eq!(u.display_name, "Alice Wong");
        assert!(u.sid.starts_with("S-1-5-21-"));
        assert_eq!(d.user_by_sid(&u.sid).unwrap().address, u.address);
        assert_eq!(d.user_by_principal_name("alice.wong@contoso.com").unwrap().address, u.address);
    }

    #[test]
    fn configuration_errors_are_clear() {
        let mut d = dir();
        let e = d.add_user("bob@fabrikam.com", None).unwrap_err();
        assert!(e.to_string().contains("contoso.com, contoso.net"));
        assert!(matches!(d.add_user("no-at-sign", None), Err(SimError::InvalidAddress { .. })));
        assert!(matches!(d.add_user("alice.wong@contoso.com", None), Err(SimError::Duplicate { .. })));
        let e = Directory::new(vec![], None, None, vec![], vec![], 1).unwrap_err();
        assert!(matches!(e, SimError::NoDomain));
        let e = Directory::new(
            vec!["contoso.com".into()],
            None,
            None,
            vec![ServiceAccount::new(r"CONTOSO\svc", "x")],
            vec![],
            1,
        )
        .unwrap_err();
        assert!(matches!(e, SimError::ServiceAccountName { .. }));
        let stray = ServiceAccount::new("svc@contoso.com", "x").with_mailbox("ghost@contoso.com");
        let d = Directory::new(vec!["contoso.com".into()], None, None, vec![stray], vec![], 1).unwrap();
        assert!(matches!(d.check_references(), Err(SimError::UnknownMailbox { .. })));
    }

    #[test]
    fn tenants() {
        let d = dir();
        assert!(d.is_tenant(&d.tenant_id.clone()));
        assert!(d.is_tenant("contoso.com"));
        assert!(d.is_tenant("contoso.onmicrosoft.com"));
        assert!(!d.is_tenant("fabrikam.com"));
    }

    #[test]
    fn grants() {
        let g = ImpersonationGrant::mailboxes(["Alice@contoso.com"]);
        assert!(g.covers("alice@CONTOSO.com"));
        assert!(!g.covers("bob@contoso.com"));
        assert!(ImpersonationGrant::AllMailboxes.covers("x@y.z"));
        assert!(!ImpersonationGrant::None.covers("x@y.z"));
    }
}
