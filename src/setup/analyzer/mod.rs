//! The connectivity analyzer: checks, in order, everything the application needs from Exchange, and
//! reports each step (name; passed, failed or skipped; time taken; what was seen; what the admin
//! should do when it failed):
//!
//! DNS → autodiscover (which path answered) → EWS endpoint reachable → TLS certificate valid →
//! authentication (which scheme, which user-name form) → impersonation of a test mailbox → read
//! access to its contacts and calendar folders.
//!
//! A step whose prerequisite failed is skipped with the failed step as the reason (the two folder
//! checks do not depend on each other). A step that does not apply is skipped with why: autodiscover
//! when the EWS URL was entered by hand, the certificate on a plain-HTTP loopback test server, a
//! folder whose kind does not sync.
//!
//! When Basic or NTLM credentials are refused with HTTP 401 (by every autodiscover endpoint, or
//! by EWS), the analyzer tries the other user-name form (`svc@contoso.com` ↔ `contoso.com\svc`)
//! once, and the report's [`Findings`] record the form that worked.
//!
//! The analyzer does no I/O ([`Analyzer`] is a sans-IO sequencer): a driver asks
//! [`Analyzer::next_probe`] for a [`Probe`], runs it, and reports the [`ProbeResult`] and the time it
//! took to [`Analyzer::handle`], until [`Next::Done`] hands over the [`AnalyzerReport`]. It can be
//! run at setup and at any time later.
//!
//! ```
//! use std::time::Duration;
//! use exsync::setup::{Analyzer, AnalyzerInput, AnalyzerStep, MailboxAddress, Next, Probe, ProbeResult};
//! use exsync::setup::{ConnectOutcome, DnsOutcome, EwsOutcome, EwsSeen, HostLookup, TlsOutcome};
//! use exsync::transport::{Credentials, Secret, UserName};
//!
//! let credentials = Credentials::Ntlm {
//!     user: UserName::parse("svc@contoso.com").unwrap(),
//!     password: Secret::new("pw"),
//! };
//! let mut input = AnalyzerInput::new(credentials, MailboxAddress::parse("alice@contoso.com").unwrap());
//! input.ews_url = Some("https://mail.contoso.com/EWS/Exchange.asmx".parse().unwrap());
//! let mut analyzer = Analyzer::new(input).unwrap();
//!
//! let report = loop {
//!     let result = match analyzer.next_probe() {
//!         Next::Done(report) => break report,
//!         Next::Probe(Probe::Dns { hosts, .. }) => ProbeResult::Dns(DnsOutcome {
//!             hosts: hosts.into_iter().map(|host| HostLookup { host, result: Ok(vec![[192, 0, 2, 7].into()]) }).collect(),
//!             srv: None,
//!         }),
//!         Next::Probe(Probe::Connect { .. }) => ProbeResult::Connect(ConnectOutcome::Connected { address: None }),
//!         Next::Probe(Probe::TlsHandshake { .. }) => ProbeResult::Tls(TlsOutcome::Valid {
//!             subject: "CN=mail.contoso.com".into(),
//!             issuer: "CN=Contoso CA".into(),
//!             not_after: None,
//!             protocol: Some("TLSv1.3".into()),
//!         }),
//!         // Authentication, impersonation and the two folder reads all succeed.
//!         Next::Probe(_) => ProbeResult::Ews(EwsOutcome::Ok(EwsSeen::default())),
//!     };
//!     analyzer.handle(result, Duration::from_millis(5)).unwrap();
//! };
//! assert!(report.passed());
//! assert!(!report.step(AnalyzerStep::Autodiscover).unwrap().outcome.is_passed()); // skipped: URL given
//! assert_eq!(report.findings.auth_scheme.as_deref(), Some("NTLM"));
//! assert!(report.to_json().contains("\"status\": \"passed\""));
//! ```

pub(crate) mod advice;
pub mod probe;
pub mod report;
pub mod sequencer;

pub use probe::{
    CertificateProblem, ConnectOutcome, DnsOutcome, EwsOutcome, EwsSeen, FolderKind, HostLookup, Probe, ProbeKind,
    ProbeResult, TlsOutcome,
};
pub use report::{AnalyzerReport, AnalyzerStep, AutodiscoverFinding, Findings, SkipReason, StepOutcome, StepReport};
pub use sequencer::{Analyzer, AnalyzerError, AnalyzerInput, Next};
