//! What the analyzer reports: each [`AnalyzerStep`] in order with its [`StepOutcome`] (passed,
//! failed or skipped; time taken; what was seen; what the admin should do), and the [`Findings`]
//! later code uses (the EWS URL, the user-name form that worked). Everything serializes to JSON
//! for the C and Python bindings.

use std::fmt;
use std::time::Duration;

use url::Url;

use crate::autodiscover::{AttemptRecord, AutodiscoverProtocol, Refusal};
use crate::transport::{UserName, UserNameFormat};

/// A step of the connectivity analyzer, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnalyzerStep {
    /// The names autodiscover (or the hand-entered EWS URL) needs resolve.
    Dns,
    /// Autodiscover finds the EWS URL (which path answered).
    Autodiscover,
    /// A TCP connection to the EWS endpoint opens.
    EwsEndpoint,
    /// The endpoint's TLS certificate is valid for its name.
    TlsCertificate,
    /// Exchange accepts the credentials (which scheme, which user-name form).
    Authentication,
    /// The service account (or app) may impersonate the test mailbox.
    Impersonation,
    /// The test mailbox's Contacts folder can be read.
    ContactsFolder,
    /// The test mailbox's Calendar folder can be read.
    CalendarFolder,
}

impl AnalyzerStep {
    /// Every step, in order.
    pub const ALL: [AnalyzerStep; 8] = [
        AnalyzerStep::Dns,
        AnalyzerStep::Autodiscover,
        AnalyzerStep::EwsEndpoint,
        AnalyzerStep::TlsCertificate,
        AnalyzerStep::Authentication,
        AnalyzerStep::Impersonation,
        AnalyzerStep::ContactsFolder,
        AnalyzerStep::CalendarFolder,
    ];

    /// The step's name for people.
    pub fn name(self) -> &'static str {
        match self {
            AnalyzerStep::Dns => "DNS",
            AnalyzerStep::Autodiscover => "autodiscover",
            AnalyzerStep::EwsEndpoint => "EWS endpoint reachable",
            AnalyzerStep::TlsCertificate => "TLS certificate",
            AnalyzerStep::Authentication => "authentication",
            AnalyzerStep::Impersonation => "impersonation",
            AnalyzerStep::ContactsFolder => "contacts folder access",
            AnalyzerStep::CalendarFolder => "calendar folder access",
        }
    }

    /// Whether this step needs `earlier` to succeed: every step needs all the steps before it,
    /// except that the two folder checks are independent of each other.
    pub fn depends_on(self, earlier: AnalyzerStep) -> bool {
        earlier < self && !(self == AnalyzerStep::CalendarFolder && earlier == AnalyzerStep::ContactsFolder)
    }
}

impl fmt::Display for AnalyzerStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a step did not run.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SkipReason {
    /// A step it needs failed.
    EarlierStepFailed {
        /// The failed step.
        step: AnalyzerStep,
    },
    /// It does not apply here (EWS URL entered by hand, plain HTTP test server, sync scope).
    NotApplicable {
        /// Why.
        why: String,
    },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::EarlierStepFailed { step } => write!(f, "not run because the {} step failed", step.name()),
            SkipReason::NotApplicable { why } => f.write_str(why),
        }
    }
}

mod duration_ms {
    use std::time::Duration;

    pub fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        <u64 as serde::Deserialize>::deserialize(d).map(Duration::from_millis)
    }
}

/// How a step went.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum StepOutcome {
    /// It succeeded.
    Passed {
        /// Time taken (JSON: milliseconds).
        #[serde(rename = "took_ms", with = "duration_ms")]
        took: Duration,
        /// What was seen.
        seen: String,
    },
    /// It failed.
    Failed {
        /// Time taken (JSON: milliseconds).
        #[serde(rename = "took_ms", with = "duration_ms")]
        took: Duration,
        /// What was seen.
        seen: String,
        /// What the admin should do.
        advice: String,
    },
    /// It did not run.
    Skipped {
        /// Why.
        reason: SkipReason,
    },
}

impl StepOutcome {
    /// Time taken (zero when skipped).
    pub fn took(&self) -> Duration {
        match self {
            StepOutcome::Passed { took, .. } | StepOutcome::Failed { took, .. } => *took,
            StepOutcome::Skipped { .. } => Duration::ZERO,
        }
    }

    /// Whether it passed.
    pub fn is_passed(&self) -> bool {
        matches!(self, StepOutcome::Passed { .. })
    }

    /// Whether it failed.
    pub fn is_failed(&self) -> bool {
        matches!(self, StepOutcome::Failed { .. })
    }
}

/// One step's line of the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StepReport {
    /// The step.
    pub step: AnalyzerStep,
    /// How it went.
    #[serde(flatten)]
    pub outcome: StepOutcome,
}

impl fmt::Display for StepReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.step.name();
        match &self.outcome {
            StepOutcome::Passed { took, seen } => write!(f, "[passed]  {name} ({} ms): {seen}", took.as_millis()),
            StepOutcome::Failed { took, seen, advice } => {
                write!(f, "[FAILED]  {name} ({} ms): {seen}\n          what to do: {advice}", took.as_millis())
            }
            StepOutcome::Skipped { reason } => write!(f, "[skipped] {name}: {reason}"),
        }
    }
}

/// Which autodiscover path answered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AutodiscoverFinding {
    /// The protocol that answered.
    pub protocol: AutodiscoverProtocol,
    /// The autodiscover URL that answered.
    pub endpoint: Url,
    /// The address the answer is for (after any redirect).
    pub email: String,
    /// Every attempt, in order (including those of a run with the other user-name form).
    pub attempts: Vec<AttemptRecord>,
    /// URLs and addresses refused for safety.
    pub refusals: Vec<Refusal>,
}

/// What the analyzer learned, for the setup and the sync engine.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Findings {
    /// The EWS URL used (found by autodiscover or entered by hand).
    pub ews_url: Option<Url>,
    /// What autodiscover found, when it ran and succeeded.
    pub autodiscover: Option<AutodiscoverFinding>,
    /// The authentication scheme Exchange accepted (`NTLM`, `Basic`, `OAuth client secret`, …).
    pub auth_scheme: Option<String>,
    /// The service account's user name in the form Exchange accepted.
    pub user_name: Option<UserName>,
    /// That form.
    pub user_name_form: Option<UserNameFormat>,
    /// The Exchange version the server reported, if any.
    pub server_version: Option<String>,
}

/// The analyzer's report: every step in order, and the findings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AnalyzerReport {
    /// The mailbox tested.
    pub test_mailbox: String,
    /// Who signed in (never a secret): `NTLM as contoso.com\svc`.
    pub signed_in_as: String,
    /// Every step, in [`AnalyzerStep::ALL`] order.
    pub steps: Vec<StepReport>,
    /// What was learned.
    pub findings: Findings,
}

impl AnalyzerReport {
    /// Whether every step passed or was not applicable.
    pub fn passed(&self) -> bool {
        self.steps.len() == AnalyzerStep::ALL.len()
            && self.steps.iter().all(|s| match &s.outcome {
                StepOutcome::Passed { .. } => true,
                StepOutcome::Skipped { reason } => matches!(reason, SkipReason::NotApplicable { .. }),
                StepOutcome::Failed { .. } => false,
            })
    }

    /// The first failed step.
    pub fn first_failure(&self) -> Option<&StepReport> {
        self.steps.iter().find(|s| s.outcome.is_failed())
    }

    /// The line of `step`.
    pub fn step(&self, step: AnalyzerStep) -> Option<&StepReport> {
        self.steps.iter().find(|s| s.step == step)
    }

    /// Total time of all steps.
    pub fn total_time(&self) -> Duration {
        self.steps.iter().map(|s| s.outcome.took()).sum()
    }

    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the report is plain data")
    }
}

impl fmt::Display for AnalyzerReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "connectivity analyzer for {} (signed in with {})", self.test_mailbox, self.signed_in_as)?;
        for s in &self.steps {
            writeln!(f, "{s}")?;
        }
        write!(f, "{} in {} ms", if self.passed() { "passed" } else { "FAILED" }, self.total_time().as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies() {
        use AnalyzerStep::*;
        assert!(Autodiscover.depends_on(Dns));
        assert!(CalendarFolder.depends_on(Impersonation));
        assert!(!CalendarFolder.depends_on(ContactsFolder));
        assert!(!ContactsFolder.depends_on(CalendarFolder));
        assert!(!Dns.depends_on(Dns));
        assert!(!Dns.depends_on(Autodiscover));
        for (i, s) in AnalyzerStep::ALL.iter().enumerate() {
            for e in &AnalyzerStep::ALL[..i] {
                assert_eq!(s.depends_on(*e), !(*s == CalendarFolder && *e == ContactsFolder));
            }
        }
    }

    #[test]
    fn json_shape() {
        let r = StepReport {
            step: AnalyzerStep::TlsCertificate,
            outcome: StepOutcome::Failed {
                took: Duration::from_millis(42),
                seen: "expired".into(),
                advice: "renew".into(),
            },
        };
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"step": "tls_certificate", "status": "failed", "took_ms": 42, "seen": "expired", "advice": "renew"})
        );
        assert_eq!(serde_json::from_value::<StepReport>(json).unwrap(), r);
        let s = StepReport {
            step: AnalyzerStep::Impersonation,
            outcome: StepOutcome::Skipped { reason: SkipReason::EarlierStepFailed { step: AnalyzerStep::Dns } },
        };
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"step": "impersonation", "status": "skipped", "reason": {"kind": "earlier_step_failed", "step": "dns"}})
        );
        assert_eq!(serde_json::from_value::<StepReport>(json).unwrap(), s);
        assert_eq!(s.to_string(), "[skipped] impersonation: not run because the DNS step failed");
    }
}
