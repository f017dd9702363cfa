//! The thin async driver of the connectivity analyzer: it runs each [`Probe`] the sans-IO
//! [`Analyzer`] asks for with real I/O and hands back the outcome, until the report is done.
//!
//! - DNS: the system resolver (`tokio::net::lookup_host`), fixed addresses from
//!   [`HttpOptions::resolve`](crate::transport::HttpOptions::resolve) first, the autodiscover SRV
//!   record through an [`SrvResolver`](crate::autodiscover::SrvResolver);
//! - autodiscover: each attempt through [`AutodiscoverClient`](crate::autodiscover::AutodiscoverClient)
//!   (the analyzer's plan decides which URL answered and which redirects are refused);
//! - the EWS endpoint: a TCP connection, then a TLS handshake verified against the trusted
//!   authorities, reporting the certificate's subject, issuer, end date and the protocol, or why
//!   it was refused (expired, unknown or self-signed issuer, wrong name, …);
//! - EWS through [`EwsClient`](crate::transport::EwsClient): signing in (`ResolveNames` as the
//!   account), impersonating the test mailbox, reading its contacts and calendar folders.
//!
//! Every probe has a time budget ([`DriverOptions::probe_timeout`]): a server that does not answer
//! is reported as timed out, never waited for. A step that fails is not an error: it is in the
//! report, with what the admin should do.
//!
//! Entry points: [`validate`] finishes a [`SetupFlow`]'s validation step; [`run_analyzer`] runs the
//! analyzer at any time (for a saved setup, with [`SetupConfig::analyzer_input`]);
//! [`check_enrolment`] checks that a user can be enrolled (domain allowed, impersonation works).
//!
//! ```
//! use exsync::setup::driver::{DriverOptions, run_analyzer};
//! use exsync::setup::{AnalyzerInput, AnalyzerStep, MailboxAddress};
//! use exsync::transport::{Credentials, Secret, UserName};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let credentials = Credentials::Ntlm { user: UserName::parse(r"contoso.com\svc").unwrap(), password: Secret::new("pw") };
//! let mut input = AnalyzerInput::new(credentials, MailboxAddress::parse("alice@contoso.com").unwrap());
//! // Nothing listens on port 1: the endpoint step fails and the later ones are skipped.
//! input.ews_url = Some("https://127.0.0.1:1/EWS/Exchange.asmx".parse().unwrap());
//! let report = run_analyzer(input, &DriverOptions::default()).await.unwrap();
//! assert!(!report.passed());
//! assert_eq!(report.first_failure().unwrap().step, AnalyzerStep::EwsEndpoint);
//! println!("{report}");
//! # }
//! ```

mod certificate;
mod dns;
mod error;
mod ews_probe;
mod options;
mod runner;
mod tls_probe;

use std::time::{Instant, SystemTime};

use chrono::{DateTime, Utc};

pub use error::DriverError;
pub use options::DriverOptions;

use runner::ProbeRunner;

use super::analyzer::{Analyzer, AnalyzerInput, AnalyzerReport, Next, Probe};
use super::config::SetupConfig;
use super::enrolment::{Enrolled, Enrolment, EnrolmentError};
use super::flow::SetupFlow;

/// Runs `analyzer` to its report with real I/O.
pub async fn drive(mut analyzer: Analyzer, options: &DriverOptions) -> Result<AnalyzerReport, DriverError> {
    let mut runner = ProbeRunner::new(options.clone())?;
    loop {
        match analyzer.next_probe() {
            Next::Done(report) => return Ok(report),
            Next::Probe(probe) => {
                let started = Instant::now();
                let result = runner.run(&probe).await;
                analyzer.handle(result, started.elapsed())?;
            }
        }
    }
}

/// Runs the connectivity analyzer on `input` (at setup or any time later) and returns its report.
pub async fn run_analyzer(input: AnalyzerInput, options: &DriverOptions) -> Result<AnalyzerReport, DriverError> {
    drive(Analyzer::new(input)?, options).await
}

/// The setup's validation step: starts the validation of `flow`, runs the analyzer, and records
/// the report in the flow (a passing report moves it to the save step; the findings, such as the
/// user-name form that worked, are saved with it). Returns the report, passed or failed.
pub async fn validate(flow: &mut SetupFlow, options: &DriverOptions) -> Result<AnalyzerReport, DriverError> {
    let (ticket, analyzer) = flow.start_validation()?;
    let report = drive(analyzer, options).await?;
    flow.finish_validation(ticket, report.clone(), DateTime::<Utc>::from(SystemTime::now()))?;
    Ok(report)
}

/// Runs the enrolment check's impersonation probe and judges it.
pub async fn run_enrolment(enrolment: Enrolment, options: &DriverOptions) -> Result<Enrolled, EnrolmentError> {
    let mut runner =
        ProbeRunner::new(options.clone()).map_err(|e| EnrolmentError::CannotCheck { reason: e.to_string() })?;
    let probe: Probe = enrolment.probe();
    let result = runner.run(&probe).await;
    enrolment.finish(result)
}

/// Whether the user `address` can be enrolled with the saved setup `config` (its secrets loaded):
/// their domain must be the service account's or an additional domain, and impersonating their
/// mailbox must work. [`EnrolmentError::failed_check`] names the check that failed.
pub async fn check_enrolment(
    address: &str,
    config: &SetupConfig,
    options: &DriverOptions,
) -> Result<Enrolled, EnrolmentError> {
    run_enrolment(Enrolment::for_config(address, config)?, options).await
}
