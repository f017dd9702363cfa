//! The admin's setup: the flow an admin walks through once to connect the application to Exchange
//! ([`SetupFlow`]), the connectivity analyzer ([`analyzer`]), the saved configuration
//! ([`SetupConfig`]) and the secret store it keeps secrets in ([`SecretStore`]), and the check that
//! decides whether a user can be enrolled ([`enrolment`]).
//!
//! Everything here but [`driver`] decides and does no I/O: the flow takes the admin's input and the
//! analyzer's report; the analyzer says which probe to run next and takes its outcome; a thin async
//! driver ([`driver`], with the HTTP client) runs the probes. That keeps every transition testable
//! and the flow usable from any UI (Rust, C or Python).
//!
//! - [`flow`]: the steps, going back, editing, and the rule that changed credentials or domains
//!   need validating again before saving;
//! - [`domains`]: email domains, the additional-domains list, mailbox addresses;
//! - [`connection`]: service account or OAuth 2.0, and the OAuth application's fields;
//! - [`analyzer`]: the analyzer's sequencer, probes and report;
//! - [`driver`]: the thin async driver that runs the analyzer's probes ([`validate`],
//!   [`run_analyzer`], [`check_enrolment`]);
//! - [`config`]: the saved configuration (secrets as references);
//! - [`persistence`]: keeping it in the state store;
//! - [`secret_store`]: the secret store trait and its default, encrypted with the host's key;
//! - [`enrolment`]: whether a user's mailbox can be enrolled;
//! - [`check_command`]: the connectivity check as a command (`examples/connectivity_check.rs`).

pub mod analyzer;
pub mod check_command;
pub mod config;
pub mod connection;
pub mod domains;
pub mod driver;
pub mod enrolment;
pub mod error;
pub mod flow;
pub mod persistence;
pub mod scope;
pub mod secret_store;

pub use analyzer::{
    Analyzer, AnalyzerError, AnalyzerInput, AnalyzerReport, AnalyzerStep, AutodiscoverFinding, CertificateProblem,
    ConnectOutcome, DnsOutcome, EwsOutcome, EwsSeen, Findings, FolderKind, HostLookup, Next, Probe, ProbeKind,
    ProbeResult, SkipReason, StepOutcome, StepReport, TlsOutcome,
};
pub use config::{CONFIG_VERSION, SavedConnection, SavedOAuthCredential, SetupConfig, StoredSecret, ValidationSummary};
pub use connection::{ConnectionMethod, OAuthApp, OAuthCredential, ServiceAccountAuth};
pub use domains::{
    AdditionalDomains, AllowedDomains, DomainError, DomainListError, EmailDomain, InvalidEntry, MailboxAddress,
};
pub use driver::{DriverError, DriverOptions, check_enrolment, run_analyzer, validate};
pub use enrolment::{Enrolled, Enrolment, EnrolmentCheck, EnrolmentError};
pub use error::{ChangedInput, Field, SetupError, ValidationNeeded};
pub use flow::{SetupFlow, SetupStep, ValidationStatus, ValidationTicket};
pub use persistence::PersistError;
pub use scope::SyncScope;
pub use secret_store::{
    EncryptedSecretStore, MemorySecretBlobs, SecretBlobs, SecretKey, SecretRef, SecretStore, SecretStoreError,
};
