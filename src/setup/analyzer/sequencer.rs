//! The analyzer's sans-IO sequencer: [`Analyzer::next_probe`] says which [`Probe`] to run (or hands
//! back the finished [`AnalyzerReport`]); the driver runs it and hands the [`ProbeResult`] and the
//! time it took to [`Analyzer::handle`].

use std::time::Duration;

use url::{Host, Url};

use super::advice::{self, AuthVerdict};
use super::probe::{EwsOutcome, EwsSeen, FolderKind, Probe, ProbeKind, ProbeResult};
use super::report::{AnalyzerReport, AnalyzerStep, AutodiscoverFinding, Findings, SkipReason, StepOutcome, StepReport};
use crate::autodiscover::{
    ApprovedHosts, AttemptRecord, AutodiscoverConfig, AutodiscoverError, AutodiscoverPlan, Refusal, Step,
};
use crate::setup::domains::MailboxAddress;
use crate::setup::scope::SyncScope;
use crate::transport::{Credentials, UserName};

/// What the analyzer checks, and with what.
#[derive(Debug, Clone)]
pub struct AnalyzerInput {
    /// The credentials to sign in with. For Basic and NTLM, the other user-name form is tried
    /// when this one is refused.
    pub credentials: Credentials,
    /// The mailbox to autodiscover, impersonate and read.
    pub test_mailbox: MailboxAddress,
    /// The EWS URL entered by hand; `None` to autodiscover it.
    pub ews_url: Option<Url>,
    /// Which folders to read (a folder outside the scope is skipped).
    pub scope: SyncScope,
    /// Autodiscover's settings (trusted domains, protocols, SRV lookup, …).
    pub autodiscover: AutodiscoverConfig,
    /// Hosts outside the trusted domains that autodiscover may send credentials to.
    pub approved_hosts: ApprovedHosts,
}

impl AnalyzerInput {
    /// Autodiscover with default settings, both folders.
    pub fn new(credentials: Credentials, test_mailbox: MailboxAddress) -> Self {
        AnalyzerInput {
            credentials,
            test_mailbox,
            ews_url: None,
            scope: SyncScope::BOTH,
            autodiscover: AutodiscoverConfig::default(),
            approved_hosts: ApprovedHosts::default(),
        }
    }
}

/// Why the analyzer could not start or could not take a result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnalyzerError {
    /// The hand-entered EWS URL cannot be used.
    #[error("the EWS URL {url} cannot be used: {reason}")]
    InvalidEwsUrl {
        /// The URL (user information removed).
        url: String,
        /// Why.
        reason: &'static str,
    },
    /// [`Analyzer::handle`] was called with no probe outstanding.
    #[error("no probe is in progress (call next_probe first)")]
    NoProbeInProgress,
    /// The result is of another kind than the probe outstanding.
    #[error("the analyzer expected a {expected:?} result and got a {got:?} result")]
    UnexpectedResult {
        /// The probe's kind.
        expected: ProbeKind,
        /// The result's kind.
        got: ProbeKind,
    },
}

/// The next thing to do.
#[derive(Debug, Clone)]
pub enum Next {
    /// Run this probe and report with [`Analyzer::handle`].
    Probe(Probe),
    /// Finished.
    Done(AnalyzerReport),
}

/// A running autodiscover plan.
struct AutodiscoverRun {
    plan: AutodiscoverPlan,
    credentials: Credentials,
}

/// Checks a hand-entered EWS URL: HTTPS (plain HTTP only to loopback hosts when the autodiscover
/// settings allow it, for test servers), a host, no user information.
pub(crate) fn check_ews_url(url: &Url, allow_http_loopback: bool) -> Result<(), &'static str> {
    if !url.username().is_empty() || url.password().is_some() {
        return Err("it carries a user name or password; enter the credentials in their own fields");
    }
    let Some(host) = url.host() else {
        return Err("it has no host");
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" => {
            let loopback = match host {
                Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
                Host::Ipv4(a) => a.is_loopback(),
                Host::Ipv6(a) => a.is_loopback(),
            };
            if loopback && allow_http_loopback {
                Ok(())
            } else {
                Err("it is not https://; credentials are only sent over TLS")
            }
        }
        _ => Err("it is not an https:// URL"),
    }
}

fn redacted(url: &Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.to_string()
}

/// The same credentials with the other user-name form, for Basic and NTLM.
fn alternate_credentials(credentials: &Credentials) -> Option<Credentials> {
    match credentials {
        Credentials::Basic { user, password } => {
            user.alternate().map(|user| Credentials::Basic { user, password: password.clone() })
        }
        Credentials::Ntlm { user, password } => {
            user.alternate().map(|user| Credentials::Ntlm { user, password: password.clone() })
        }
        _ => None,
    }
}

fn user_of(credentials: &Credentials) -> Option<&UserName> {
    match credentials {
        Credentials::Basic { user, .. } | Credentials::Ntlm { user, .. } => Some(user),
        _ => None,
    }
}

fn form_name(user: &UserName) -> &'static str {
    match user.format() {
        crate::transport::UserNameFormat::Upn => "UPN",
        crate::transport::UserNameFormat::DownLevel => "down-level",
    }
}

/// The connectivity analyzer's sequencer. See the [module documentation](super).
pub struct Analyzer {
    input: AnalyzerInput,
    /// The credentials in use (switches to the other user-name form when that one worked).
    credentials: Credentials,
    /// The other user-name form, while not yet tried.
    alternate: Option<Credentials>,
    /// Notes on forms refused, for the step that finally succeeds or fails.
    form_notes: Vec<String>,
    steps: Vec<StepReport>,
    cursor: usize,
    outstanding: Option<Probe>,
    step_took: Duration,
    autodiscover: Option<AutodiscoverRun>,
    earlier_attempts: Vec<AttemptRecord>,
    earlier_refusals: Vec<Refusal>,
    findings: Findings,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("test_mailbox", &self.input.test_mailbox)
            .field("credentials", &self.credentials)
            .field("step", &AnalyzerStep::ALL.get(self.cursor))
            .field("outstanding", &self.outstanding.as_ref().map(Probe::kind))
            .finish_non_exhaustive()
    }
}

impl Analyzer {
    /// An analyzer for `input`.
    pub fn new(input: AnalyzerInput) -> Result<Self, AnalyzerError> {
        if let Some(url) = &input.ews_url {
            check_ews_url(url, input.autodiscover.allow_http_loopback)
                .map_err(|reason| AnalyzerError::InvalidEwsUrl { url: redacted(url), reason })?;
        }
        let credentials = input.credentials.clone();
        let alternate = alternate_credentials(&credentials);
        Ok(Analyzer {
            input,
            credentials,
            alternate,
            form_notes: Vec::new(),
            steps: Vec::new(),
            cursor: 0,
            outstanding: None,
            step_took: Duration::ZERO,
            autodiscover: None,
            earlier_attempts: Vec::new(),
            earlier_refusals: Vec::new(),
            findings: Findings::default(),
        })
    }

    /// The steps reported so far.
    pub fn steps(&self) -> &[StepReport] {
        &self.steps
    }

    /// The step running now (`None` when finished).
    pub fn current_step(&self) -> Option<AnalyzerStep> {
        AnalyzerStep::ALL.get(self.cursor).copied()
    }

    /// The next probe to run, or the report. Calling it again before [`Analyzer::handle`] returns
    /// the same probe.
    pub fn next_probe(&mut self) -> Next {
        loop {
            if let Some(p) = &self.outstanding {
                return Next::Probe(p.clone());
            }
            let Some(step) = self.current_step() else {
                return Next::Done(self.report());
            };
            if let Some(failed) = self.blocking_failure(step) {
                self.finish(StepOutcome::Skipped { reason: SkipReason::EarlierStepFailed { step: failed } });
                continue;
            }
            match self.start(step) {
                Some(probe) => self.outstanding = Some(probe),
                None => continue,
            }
        }
    }

    /// Reports the result of the probe last returned by [`Analyzer::next_probe`] and how long it took.
    pub fn handle(&mut self, result: ProbeResult, took: Duration) -> Result<(), AnalyzerError> {
        let probe = self.outstanding.take().ok_or(AnalyzerError::NoProbeInProgress)?;
        if probe.kind() != result.kind() {
            let err = AnalyzerError::UnexpectedResult { expected: probe.kind(), got: result.kind() };
            self.outstanding = Some(probe);
            return Err(err);
        }
        self.step_took += took;
        if let ProbeResult::Ews(EwsOutcome::Ok(EwsSeen { server_version: Some(v), .. })) = &result {
            self.findings.server_version.get_or_insert_with(|| v.clone());
        }
        match (probe, result) {
            (Probe::Dns { .. }, ProbeResult::Dns(outcome)) => {
                let hand_entered = self.input.ews_url.is_some();
                self.finish_with(advice::dns(&outcome, hand_entered));
            }
            (Probe::Autodiscover { .. }, ProbeResult::Autodiscover(outcome)) => {
                if let Some(run) = &mut self.autodiscover {
                    // The plan has an attempt outstanding (it produced this probe), so this cannot fail.
                    let _ = run.plan.handle(outcome, took);
                }
            }
            (Probe::Connect { url }, ProbeResult::Connect(outcome)) => {
                self.finish_with(advice::connect(&url, &outcome))
            }
            (Probe::TlsHandshake { url }, ProbeResult::Tls(outcome)) => self.finish_with(advice::tls(&url, &outcome)),
            (Probe::Authenticate { credentials, .. }, ProbeResult::Ews(outcome)) => {
                self.handle_authentication(credentials, &outcome);
            }
            (Probe::Impersonate { credentials, mailbox, .. }, ProbeResult::Ews(outcome)) => {
                self.finish_with(advice::impersonation(&credentials, &mailbox, &outcome));
            }
            (Probe::ReadFolder { credentials, mailbox, folder, .. }, ProbeResult::Ews(outcome)) => {
                self.finish_with(advice::folder(&credentials, &mailbox, folder, &outcome));
            }
            _ => unreachable!("kinds were checked above"),
        }
        Ok(())
    }

    /// The first failed step `step` depends on (directly, or through a step skipped for it).
    fn blocking_failure(&self, step: AnalyzerStep) -> Option<AnalyzerStep> {
        self.steps.iter().filter(|r| step.depends_on(r.step)).find_map(|r| match &r.outcome {
            StepOutcome::Failed { .. } => Some(r.step),
            StepOutcome::Skipped { reason: SkipReason::EarlierStepFailed { step } } => Some(*step),
            _ => None,
        })
    }

    fn finish(&mut self, outcome: StepOutcome) {
        let step = AnalyzerStep::ALL[self.cursor];
        self.steps.push(StepReport { step, outcome });
        self.cursor += 1;
        self.step_took = Duration::ZERO;
        self.form_notes.clear();
    }

    fn skip(&mut self, why: impl Into<String>) {
        self.finish(StepOutcome::Skipped { reason: SkipReason::NotApplicable { why: why.into() } });
    }

    fn finish_with(&mut self, verdict: Result<String, advice::Failure>) {
        let took = self.step_took;
        let mut notes = self.form_notes.join("; ");
        if !notes.is_empty() {
            notes.push_str("; ");
        }
        self.finish(match verdict {
            Ok(seen) => StepOutcome::Passed { took, seen: format!("{notes}{seen}") },
            Err(f) => StepOutcome::Failed { took, seen: format!("{notes}{}", f.seen), advice: f.advice },
        });
    }

    /// The EWS URL; when none is known (which the step order rules out), the current step fails
    /// and `None` is returned.
    fn ews_url(&mut self) -> Option<Url> {
        let url = self.findings.ews_url.clone();
        if url.is_none() {
            self.finish_with(Err(advice::Failure {
                seen: "no EWS URL is known".into(),
                advice: "enter the EWS URL by hand".into(),
            }));
        }
        url
    }

    /// Starts `step`: its first probe, or `None` when it finished without one (skipped).
    fn start(&mut self, step: AnalyzerStep) -> Option<Probe> {
        let mailbox = self.input.test_mailbox.clone();
        match step {
            AnalyzerStep::Dns => match &self.input.ews_url {
                Some(url) => match url.host() {
                    Some(Host::Domain(d)) => Some(Probe::Dns { hosts: vec![d.to_owned()], srv: None }),
                    _ => {
                        self.skip("the EWS URL names an IP address; there is no name to resolve");
                        None
                    }
                },
                None => {
                    let domain = mailbox.domain().as_str();
                    let srv = self.input.autodiscover.srv_lookup.then(|| format!("_autodiscover._tcp.{domain}"));
                    Some(Probe::Dns { hosts: vec![domain.to_owned(), format!("autodiscover.{domain}")], srv })
                }
            },
            AnalyzerStep::Autodiscover => {
                if let Some(url) = self.input.ews_url.clone() {
                    self.skip(format!("the EWS URL was entered by hand: {url}"));
                    self.findings.ews_url = Some(url);
                    return None;
                }
                self.poll_autodiscover()
            }
            AnalyzerStep::EwsEndpoint => Some(Probe::Connect { url: self.ews_url()? }),
            AnalyzerStep::TlsCertificate => {
                let url = self.ews_url()?;
                if url.scheme() == "http" {
                    self.skip("the EWS URL is plain HTTP on a loopback test server; there is no certificate");
                    return None;
                }
                Some(Probe::TlsHandshake { url })
            }
            AnalyzerStep::Authentication => {
                Some(Probe::Authenticate { url: self.ews_url()?, credentials: self.credentials.clone(), mailbox })
            }
            AnalyzerStep::Impersonation => {
                Some(Probe::Impersonate { url: self.ews_url()?, credentials: self.credentials.clone(), mailbox })
            }
            AnalyzerStep::ContactsFolder | AnalyzerStep::CalendarFolder => {
                let (folder, on) = if step == AnalyzerStep::ContactsFolder {
                    (FolderKind::Contacts, self.input.scope.contacts)
                } else {
                    (FolderKind::Calendar, self.input.scope.events)
                };
                if !on {
                    let kind = if folder == FolderKind::Contacts { "contacts" } else { "events" };
                    self.skip(format!("{kind} sync is off"));
                    return None;
                }
                Some(Probe::ReadFolder { url: self.ews_url()?, credentials: self.credentials.clone(), mailbox, folder })
            }
        }
    }

    fn new_plan(&self) -> Result<AutodiscoverPlan, AutodiscoverError> {
        AutodiscoverPlan::new(
            &self.input.test_mailbox.to_string(),
            self.input.autodiscover.clone(),
            self.input.approved_hosts.clone(),
        )
    }

    /// The autodiscover step's next probe, or its end. When every endpoint failed and at least one
    /// refused the credentials with HTTP 401, it runs once more with the other user-name form.
    fn poll_autodiscover(&mut self) -> Option<Probe> {
        loop {
            if self.autodiscover.is_none() {
                match self.new_plan() {
                    Ok(plan) => {
                        self.autodiscover = Some(AutodiscoverRun { plan, credentials: self.credentials.clone() })
                    }
                    Err(e) => {
                        let f = advice::autodiscover_failed(&e, &[], &[], false);
                        self.finish_with(Err(f));
                        return None;
                    }
                }
            }
            let run = self.autodiscover.as_mut().expect("created above");
            match run.plan.next_step() {
                Step::Attempt(attempt) => {
                    return Some(Probe::Autodiscover { attempt, credentials: run.credentials.clone() });
                }
                Step::Done(result) => {
                    let run = self.autodiscover.take().expect("present");
                    let mut attempts = std::mem::take(&mut self.earlier_attempts);
                    attempts.extend_from_slice(run.plan.attempts());
                    let mut refusals = std::mem::take(&mut self.earlier_refusals);
                    refusals.extend_from_slice(run.plan.refusals());
                    match result {
                        Ok(found) => {
                            let seen = format!(
                                "{:?} autodiscover at {} answered for {}: EWS at {} (after {} attempt(s))",
                                found.protocol,
                                found.endpoint,
                                found.email,
                                found.ews_url,
                                attempts.len()
                            );
                            self.findings.ews_url = Some(found.ews_url.clone());
                            self.findings.autodiscover = Some(AutodiscoverFinding {
                                protocol: found.protocol,
                                endpoint: found.endpoint,
                                email: found.email,
                                attempts,
                                refusals,
                            });
                            self.finish_with(Ok(seen));
                            return None;
                        }
                        Err(AutodiscoverError::NotFound { unauthorized: true, .. }) if self.alternate.is_some() => {
                            let alternate = self.alternate.take().expect("checked");
                            self.form_notes.push(format!(
                                "autodiscover refused {} (HTTP 401); trying {}",
                                run.credentials, alternate
                            ));
                            self.credentials = alternate;
                            self.earlier_attempts = attempts;
                            self.earlier_refusals = refusals;
                        }
                        Err(e) => {
                            let f = advice::autodiscover_failed(&e, &attempts, &refusals, self.tried_both_forms());
                            self.finish_with(Err(f));
                            return None;
                        }
                    }
                }
            }
        }
    }

    /// Whether both user-name forms have been tried (the other form exists and was used up).
    fn tried_both_forms(&self) -> bool {
        self.alternate.is_none() && alternate_credentials(&self.input.credentials).is_some()
    }

    fn handle_authentication(&mut self, tried: Credentials, outcome: &EwsOutcome) {
        match advice::authentication(&tried, outcome) {
            AuthVerdict::Accepted(seen) => {
                self.findings.auth_scheme = Some(tried.scheme().to_owned());
                let seen = match (user_of(&tried), user_of(&self.input.credentials)) {
                    (Some(used), Some(given)) => {
                        self.findings.user_name = Some(used.clone());
                        self.findings.user_name_form = Some(used.format());
                        if used == given {
                            seen
                        } else {
                            format!(
                                "{seen} (the {} form worked; the {} form was refused)",
                                form_name(used),
                                form_name(given)
                            )
                        }
                    }
                    _ => seen,
                };
                self.credentials = tried;
                self.finish_with(Ok(seen));
            }
            AuthVerdict::Refused(seen) => match self.alternate.take() {
                Some(alternate) => {
                    self.form_notes.push(format!("{seen}; trying {alternate}"));
                    self.credentials = alternate;
                }
                None => {
                    let f = advice::authentication_refused(&tried, seen, self.tried_both_forms());
                    self.finish_with(Err(f));
                }
            },
            AuthVerdict::Failed(f) => self.finish_with(Err(f)),
        }
    }

    fn report(&self) -> AnalyzerReport {
        AnalyzerReport {
            test_mailbox: self.input.test_mailbox.to_string(),
            signed_in_as: self.input.credentials.to_string(),
            steps: self.steps.clone(),
            findings: self.findings.clone(),
        }
    }
}
