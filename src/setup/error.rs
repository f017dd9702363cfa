//! The setup flow's error: [`SetupError`], which names the [`Field`] or [`SetupStep`] it is about.

use std::fmt;

use super::analyzer::AnalyzerStep;
use super::connection::ConnectionMethod;
use super::domains::{DomainError, DomainListError};
use super::flow::SetupStep;
use super::secret_store::SecretStoreError;
use crate::transport::UserNameError;

/// An input field of the setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Field {
    /// Contacts / events (step 1).
    SyncScope,
    /// Service account or OAuth 2.0 (step 2).
    ConnectionMethod,
    /// The service account's user name (step 3).
    UserName,
    /// The service account's password (step 4).
    Password,
    /// The Microsoft Entra tenant (step 4, OAuth 2.0).
    Tenant,
    /// The application (client) id (step 4, OAuth 2.0).
    ClientId,
    /// The client secret (step 4, OAuth 2.0).
    ClientSecret,
    /// The certificate's thumbprint (step 4, OAuth 2.0).
    CertificateThumbprint,
    /// The certificate's private key (step 4, OAuth 2.0).
    PrivateKey,
    /// The identity platform's host for national clouds (step 4, OAuth 2.0).
    AuthorityHost,
    /// The additional email domains (step 5).
    AdditionalDomains,
    /// The mailbox the analyzer tests with (step 6).
    TestMailbox,
    /// The EWS URL, when entered by hand (step 6).
    EwsUrl,
}

impl Field {
    /// The step the field belongs to.
    pub fn step(self) -> SetupStep {
        match self {
            Field::SyncScope => SetupStep::SyncScope,
            Field::ConnectionMethod => SetupStep::ConnectionMethod,
            Field::UserName => SetupStep::ServiceAccount,
            Field::Password
            | Field::Tenant
            | Field::ClientId
            | Field::ClientSecret
            | Field::CertificateThumbprint
            | Field::PrivateKey
            | Field::AuthorityHost => SetupStep::Credentials,
            Field::AdditionalDomains => SetupStep::Domains,
            Field::TestMailbox | Field::EwsUrl => SetupStep::Validate,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::SyncScope => "sync scope",
            Field::ConnectionMethod => "connection method",
            Field::UserName => "service account user name",
            Field::Password => "password",
            Field::Tenant => "tenant",
            Field::ClientId => "application (client) id",
            Field::ClientSecret => "client secret",
            Field::CertificateThumbprint => "certificate thumbprint",
            Field::PrivateKey => "certificate private key",
            Field::AuthorityHost => "authority host",
            Field::AdditionalDomains => "additional domains",
            Field::TestMailbox => "test mailbox",
            Field::EwsUrl => "EWS URL",
        })
    }
}

/// An input that changed since the last validation, so that validation must run again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangedInput {
    /// More kinds of items sync than were checked.
    ScopeWidened,
    /// The connection method or its scheme.
    ConnectionMethod,
    /// The user name, password, or OAuth 2.0 application.
    Credentials,
    /// The additional domains.
    Domains,
    /// The test mailbox.
    TestMailbox,
    /// The hand-entered EWS URL.
    EwsUrl,
}

impl fmt::Display for ChangedInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChangedInput::ScopeWidened => "the sync scope now includes items not checked",
            ChangedInput::ConnectionMethod => "the connection method changed",
            ChangedInput::Credentials => "the credentials changed",
            ChangedInput::Domains => "the additional domains changed",
            ChangedInput::TestMailbox => "the test mailbox changed",
            ChangedInput::EwsUrl => "the EWS URL changed",
        })
    }
}

/// Why the configuration cannot be saved yet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ValidationNeeded {
    /// The analyzer has not run on these inputs.
    NeverRun,
    /// It ran and a step failed.
    Failed {
        /// The first failed step.
        step: AnalyzerStep,
    },
    /// Inputs changed since it passed.
    Changed {
        /// What changed.
        changes: Vec<ChangedInput>,
    },
}

impl fmt::Display for ValidationNeeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValidationNeeded::NeverRun => f.write_str("the connection has not been validated"),
            ValidationNeeded::Failed { step } => {
                write!(f, "the last validation failed at {}", step.name())
            }
            ValidationNeeded::Changed { changes } => {
                let list: Vec<String> = changes.iter().map(ToString::to_string).collect();
                write!(f, "{} since the last validation", list.join(", "))
            }
        }
    }
}

/// Why a setup action was refused. Input errors name the [`Field`] ([`SetupError::field`]); none
/// contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// A required field is empty.
    #[error("the {field} is required")]
    Required {
        /// The field.
        field: Field,
    },
    /// A field's value is refused.
    #[error("the {field} is invalid: {reason}")]
    Invalid {
        /// The field.
        field: Field,
        /// Why, and how to write it.
        reason: String,
    },
    /// The user name could not be read.
    #[error("the {field} is invalid: {source}")]
    InvalidUserName {
        /// The field ([`Field::UserName`]).
        field: Field,
        /// Why.
        #[source]
        source: UserNameError,
    },
    /// Entries of the additional domains are invalid.
    #[error("the {field} are invalid: {source}")]
    InvalidDomains {
        /// The field ([`Field::AdditionalDomains`]).
        field: Field,
        /// Every invalid entry.
        #[source]
        source: DomainListError,
    },
    /// An address or domain is invalid.
    #[error("the {field} is invalid: {source}")]
    InvalidAddress {
        /// The field.
        field: Field,
        /// Why.
        #[source]
        source: DomainError,
    },
    /// The step does not apply to the chosen connection method (the user name with OAuth 2.0,
    /// OAuth fields with a service account).
    #[error("the {} step does not apply to {method}", step.name())]
    StepNotApplicable {
        /// The step.
        step: SetupStep,
        /// The connection method chosen.
        method: ConnectionMethod,
    },
    /// An earlier step is not complete yet.
    #[error("the {} step cannot be reached yet: complete the {} step first", step.name(), missing.name())]
    StepNotReachable {
        /// The step asked for.
        step: SetupStep,
        /// The first earlier step that is incomplete.
        missing: SetupStep,
    },
    /// Going back from the first step.
    #[error("there is no step before the {} step", step.name())]
    NoPreviousStep {
        /// The current step.
        step: SetupStep,
    },
    /// Saving (or finishing) needs a passing validation of the current inputs.
    #[error("validate the connection before saving: {reason}")]
    ValidationRequired {
        /// Why.
        reason: ValidationNeeded,
    },
    /// An analyzer report was handed in for inputs that changed after it started.
    #[error("the validation that just finished was for inputs that have changed since; validate again")]
    StaleValidation,
    /// A saved configuration could not be reopened or saved because of the secret store.
    #[error("the {field} could not be kept in the secret store: {source}")]
    SecretStore {
        /// The field whose secret it is.
        field: Field,
        /// What the store reported.
        #[source]
        source: SecretStoreError,
    },
    /// A saved configuration that is not valid JSON of the expected shape.
    #[error("the saved setup could not be read: {reason}")]
    UnreadableConfig {
        /// The parser's message.
        reason: String,
    },
    /// A configuration of a format this version does not read.
    #[error("the saved setup has format version {found}; this version of exsync reads version {supported}")]
    UnsupportedConfigVersion {
        /// The version found.
        found: u32,
        /// The version supported.
        supported: u32,
    },
}

impl SetupError {
    /// The field the error is about, if it is about one.
    pub fn field(&self) -> Option<Field> {
        match self {
            SetupError::Required { field }
            | SetupError::Invalid { field, .. }
            | SetupError::InvalidUserName { field, .. }
            | SetupError::InvalidDomains { field, .. }
            | SetupError::InvalidAddress { field, .. }
            | SetupError::SecretStore { field, .. } => Some(*field),
            _ => None,
        }
    }

    pub(crate) fn invalid(field: Field, reason: impl Into<String>) -> Self {
        SetupError::Invalid { field, reason: reason.into() }
    }
}
