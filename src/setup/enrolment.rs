//! Enrolling a user: their email domain must be the service account's domain or one of the
//! additional domains (a pure check, [`check_domain`]), and impersonating their mailbox must work
//! (one probe, [`Enrolment`]). A refusal says which check failed ([`EnrolmentError::failed_check`]).
//!
//! ```
//! use exsync::setup::{AdditionalDomains, AllowedDomains, EnrolmentCheck, enrolment::check_domain};
//!
//! let allowed = AllowedDomains {
//!     service_account: Some("contoso.com".parse().unwrap()),
//!     additional: AdditionalDomains::parse("fabrikam.com").unwrap(),
//! };
//! assert!(check_domain("Bob@Fabrikam.com", &allowed).is_ok());
//! let refused = check_domain("eve@northwind.example", &allowed).unwrap_err();
//! assert_eq!(refused.failed_check(), Some(EnrolmentCheck::Domain));
//! ```

use url::Url;

use super::analyzer::advice;
use super::analyzer::{Probe, ProbeKind, ProbeResult};
use super::config::SetupConfig;
use super::domains::{AllowedDomains, DomainError, MailboxAddress};
use super::error::SetupError;
use crate::transport::Credentials;

/// The checks an enrolment goes through, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentCheck {
    /// The address is a mailbox address.
    Address,
    /// Its domain is allowed.
    Domain,
    /// Its mailbox can be impersonated.
    Impersonation,
}

/// Why a user was not enrolled. [`EnrolmentError::failed_check`] says which check failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnrolmentError {
    /// The address is not a mailbox address.
    #[error("{address:?} cannot be enrolled: {source}")]
    InvalidAddress {
        /// The address as given.
        address: String,
        /// Why.
        #[source]
        source: DomainError,
    },
    /// The address's domain is neither the service account's nor an additional domain.
    #[error(
        "{address} cannot be enrolled: its domain {domain} is neither the service account's domain nor one of \
         the additional domains (allowed: {allowed}); add {domain} to the additional domains in the setup"
    )]
    DomainNotAllowed {
        /// The address.
        address: String,
        /// Its domain (ASCII form).
        domain: String,
        /// The allowed domains, comma-separated.
        allowed: String,
    },
    /// Impersonating the mailbox failed.
    #[error("{address} cannot be enrolled: {seen}; {advice}")]
    ImpersonationFailed {
        /// The address.
        address: String,
        /// What Exchange answered.
        seen: String,
        /// What the admin should do.
        advice: String,
    },
    /// The saved setup cannot be used (its secrets are not loaded).
    #[error("the saved setup cannot be used to enrol users: {source}")]
    Setup {
        /// Why.
        #[source]
        source: SetupError,
    },
    /// The check could not run (the driver's settings are unusable).
    #[error("the enrolment check could not run: {reason}")]
    CannotCheck {
        /// Why.
        reason: String,
    },
    /// [`Enrolment::finish`] got a result of another kind than the impersonation probe's.
    #[error("the enrolment check expected the impersonation probe's result and got a {got:?} result")]
    UnexpectedResult {
        /// The result's kind.
        got: ProbeKind,
    },
}

impl EnrolmentError {
    /// The check that failed (`None` when the check could not run).
    pub fn failed_check(&self) -> Option<EnrolmentCheck> {
        match self {
            EnrolmentError::InvalidAddress { .. } => Some(EnrolmentCheck::Address),
            EnrolmentError::DomainNotAllowed { .. } => Some(EnrolmentCheck::Domain),
            EnrolmentError::ImpersonationFailed { .. } => Some(EnrolmentCheck::Impersonation),
            EnrolmentError::Setup { .. }
            | EnrolmentError::CannotCheck { .. }
            | EnrolmentError::UnexpectedResult { .. } => None,
        }
    }
}

/// The domain rule: `address` must be a mailbox address in one of the `allowed` domains. Returns
/// the address normalized.
pub fn check_domain(address: &str, allowed: &AllowedDomains) -> Result<MailboxAddress, EnrolmentError> {
    let mailbox = MailboxAddress::parse(address)
        .map_err(|source| EnrolmentError::InvalidAddress { address: address.trim().to_owned(), source })?;
    if allowed.permits(mailbox.domain()) {
        Ok(mailbox)
    } else {
        Err(EnrolmentError::DomainNotAllowed {
            address: mailbox.to_string(),
            domain: mailbox.domain().to_string(),
            allowed: allowed.to_string(),
        })
    }
}

/// A user enrolled: both checks passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    /// The mailbox.
    pub mailbox: MailboxAddress,
    /// What Exchange answered.
    pub seen: String,
}

/// The enrolment check for one user, sans-IO: the domain rule when created, then one impersonation
/// probe for the driver ([`Enrolment::probe`]) whose result [`Enrolment::finish`] judges.
#[derive(Debug, Clone)]
pub struct Enrolment {
    mailbox: MailboxAddress,
    ews_url: Url,
    credentials: Credentials,
}

impl Enrolment {
    /// Checks the domain rule and prepares the impersonation probe.
    pub fn new(
        address: &str,
        allowed: &AllowedDomains,
        ews_url: Url,
        credentials: Credentials,
    ) -> Result<Self, EnrolmentError> {
        let mailbox = check_domain(address, allowed)?;
        Ok(Enrolment { mailbox, ews_url, credentials })
    }

    /// [`Enrolment::new`] with a saved setup's domains, EWS URL and credentials (its secrets must
    /// be loaded).
    pub fn for_config(address: &str, config: &SetupConfig) -> Result<Self, EnrolmentError> {
        let mailbox = check_domain(address, &config.allowed_domains())?;
        let credentials = config.credentials().map_err(|source| EnrolmentError::Setup { source })?;
        Ok(Enrolment { mailbox, ews_url: config.ews_url.clone(), credentials })
    }

    /// The mailbox being enrolled.
    pub fn mailbox(&self) -> &MailboxAddress {
        &self.mailbox
    }

    /// The probe for the driver: impersonate the mailbox.
    pub fn probe(&self) -> Probe {
        Probe::Impersonate {
            url: self.ews_url.clone(),
            credentials: self.credentials.clone(),
            mailbox: self.mailbox.clone(),
        }
    }

    /// Judges the probe's result.
    pub fn finish(self, result: ProbeResult) -> Result<Enrolled, EnrolmentError> {
        let ProbeResult::Ews(outcome) = result else {
            return Err(EnrolmentError::UnexpectedResult { got: result.kind() });
        };
        match advice::impersonation(&self.credentials, &self.mailbox, &outcome) {
            Ok(seen) => Ok(Enrolled { mailbox: self.mailbox, seen }),
            Err(f) => Err(EnrolmentError::ImpersonationFailed {
                address: self.mailbox.to_string(),
                seen: f.seen,
                advice: f.advice,
            }),
        }
    }
}
