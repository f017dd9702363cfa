//! The connectivity analyzer's sequencer, driven through every step's success and failure with a
//! scripted Exchange: order, skipping with reasons, the other user-name form, advice, protocol
//! misuse, and that no secret reaches the report.

mod setup_support;

use std::time::Duration;

use exsync::autodiscover::{Attempt, AttemptKind, AutodiscoverProtocol, Outcome};
use exsync::ews::ResponseCode;
use exsync::setup::*;
use exsync::transport::{Credentials, EWS_DEFAULT_SCOPE, OAuthAuthority, Secret, UserName, UserNameFormat};
use setup_support::{TOOK, autodiscover_at_subdomain, form, healthy, pox_answer, run};

const PASSWORD: &str = "Winter2026!secret";

fn ntlm(user: &str) -> Credentials {
    Credentials::Ntlm { user: UserName::parse(user).unwrap(), password: Secret::new(PASSWORD) }
}

fn oauth() -> Credentials {
    Credentials::OAuthClientSecret {
        authority: OAuthAuthority::global("contoso.onmicrosoft.com"),
        client_id: "6731de76-14a6-49ae-97bc-6eba6914391e".into(),
        secret: Secret::new("oauth-secret-value"),
        scope: EWS_DEFAULT_SCOPE.into(),
    }
}

fn input(credentials: Credentials) -> AnalyzerInput {
    AnalyzerInput::new(credentials, MailboxAddress::parse("alice@contoso.com").unwrap())
}

fn analyzer(credentials: Credentials) -> Analyzer {
    Analyzer::new(input(credentials)).unwrap()
}

fn with_url(credentials: Credentials, url: &str) -> Analyzer {
    let mut i = input(credentials);
    i.ews_url = Some(url.parse().unwrap());
    Analyzer::new(i).unwrap()
}

fn outcome(report: &AnalyzerReport, step: AnalyzerStep) -> &StepOutcome {
    &report.step(step).unwrap_or_else(|| panic!("{step:?} missing")).outcome
}

fn seen(report: &AnalyzerReport, step: AnalyzerStep) -> String {
    match outcome(report, step) {
        StepOutcome::Passed { seen, .. } | StepOutcome::Failed { seen, .. } => seen.clone(),
        other => panic!("{step:?} did not run: {other:?}"),
    }
}

fn advice(report: &AnalyzerReport, step: AnalyzerStep) -> String {
    match outcome(report, step) {
        StepOutcome::Failed { advice, .. } => advice.clone(),
        other => panic!("{step:?} did not fail: {other:?}"),
    }
}

fn assert_skipped_after(report: &AnalyzerReport, failed: AnalyzerStep) {
    for s in AnalyzerStep::ALL.iter().filter(|s| **s > failed) {
        assert_eq!(
            outcome(report, *s),
            &StepOutcome::Skipped { reason: SkipReason::EarlierStepFailed { step: failed } },
            "{s:?}"
        );
    }
}

fn ews_error(code: ResponseCode) -> ProbeResult {
    ProbeResult::Ews(EwsOutcome::Error { code, message: "as Exchange says it".into() })
}

#[test]
fn healthy_exchange_passes_every_step_in_order() {
    let mut a = analyzer(ntlm("svc@contoso.com"));
    let (report, probes) = run(&mut a, healthy);
    assert!(report.passed(), "{report}");
    assert_eq!(report.steps.iter().map(|s| s.step).collect::<Vec<_>>(), AnalyzerStep::ALL.to_vec());
    assert!(report.first_failure().is_none());

    // DNS asks for the domain, its autodiscover host and the SRV record.
    let Probe::Dns { hosts, srv } = &probes[0] else { panic!() };
    assert_eq!(hosts, &["contoso.com", "autodiscover.contoso.com"]);
    assert_eq!(srv.as_deref(), Some("_autodiscover._tcp.contoso.com"));

    // Autodiscover tried contoso.com (POX, SOAP) before autodiscover.contoso.com answered.
    let ad: Vec<&Attempt> = probes
        .iter()
        .filter_map(|p| match p {
            Probe::Autodiscover { attempt, .. } => Some(attempt),
            _ => None,
        })
        .collect();
    assert_eq!(ad.len(), 3);
    assert_eq!(ad[2].url().unwrap().as_str(), "https://autodiscover.contoso.com/autodiscover/autodiscover.xml");
    let found = report.findings.autodiscover.as_ref().unwrap();
    assert_eq!(found.protocol, AutodiscoverProtocol::Pox);
    assert_eq!(found.endpoint.as_str(), "https://autodiscover.contoso.com/autodiscover/autodiscover.xml");
    assert_eq!(found.attempts.len(), 3);
    assert!(seen(&report, AnalyzerStep::Autodiscover).contains("autodiscover.contoso.com"));
    assert_eq!(outcome(&report, AnalyzerStep::Autodiscover).took(), 3 * TOOK);

    // The rest uses the URL found.
    assert_eq!(report.findings.ews_url.as_ref().unwrap().as_str(), "https://mail.contoso.com/EWS/Exchange.asmx");
    let tail: Vec<ProbeKind> = probes[4..].iter().map(Probe::kind).collect();
    assert_eq!(
        tail,
        [ProbeKind::Connect, ProbeKind::Tls, ProbeKind::Ews, ProbeKind::Ews, ProbeKind::Ews, ProbeKind::Ews]
    );
    assert!(matches!(&probes[8], Probe::ReadFolder { folder: FolderKind::Contacts, .. }));
    assert!(matches!(&probes[9], Probe::ReadFolder { folder: FolderKind::Calendar, .. }));
    assert_eq!(report.findings.auth_scheme.as_deref(), Some("NTLM"));
    assert_eq!(report.findings.user_name_form, Some(UserNameFormat::Upn));
    assert_eq!(report.findings.server_version.as_deref(), Some("15.2.1544.4"));
    assert!(seen(&report, AnalyzerStep::ContactsFolder).contains("(12 items)"));
    assert!(seen(&report, AnalyzerStep::TlsCertificate).contains("Contoso Issuing CA"));
    assert_eq!(report.total_time(), TOOK * probes.len() as u32);
}

#[test]
fn dns_failure_skips_everything_after_it() {
    let mut a = analyzer(ntlm("svc@contoso.com"));
    let (report, probes) = run(&mut a, |p| match p {
        Probe::Dns { hosts, .. } => ProbeResult::Dns(DnsOutcome {
            hosts: hosts.iter().map(|h| HostLookup { host: h.clone(), result: Err("NXDOMAIN".into()) }).collect(),
            srv: Some(Ok(Vec::new())),
        }),
        other => panic!("nothing runs after DNS fails: {other:?}"),
    });
    assert_eq!(probes.len(), 1);
    assert!(!report.passed());
    assert_eq!(report.first_failure().unwrap().step, AnalyzerStep::Dns);
    assert!(seen(&report, AnalyzerStep::Dns).contains("autodiscover.contoso.com does not resolve (NXDOMAIN)"));
    assert!(advice(&report, AnalyzerStep::Dns).contains("autodiscover.<your domain>"));
    assert_skipped_after(&report, AnalyzerStep::Dns);
    assert!(report.to_string().contains("not run because the DNS step failed"));
}

#[test]
fn dns_passes_on_an_srv_record_alone() {
    let mut a = analyzer(ntlm("svc@contoso.com"));
    let (report, _) = run(&mut a, |p| match p {
        Probe::Dns { hosts, .. } => ProbeResult::Dns(DnsOutcome {
            hosts: hosts.iter().map(|h| HostLookup { host: h.clone(), result: Ok(vec![]) }).collect(),
            srv: Some(Ok(vec![exsync::autodiscover::SrvRecord {
                priority: 0,
                weight: 0,
                port: 443,
                target: "mail.contoso.net".into(),
            }])),
        }),
        other => healthy(other),
    });
    assert!(outcome(&report, AnalyzerStep::Dns).is_passed());
    assert!(seen(&report, AnalyzerStep::Dns).contains("SRV record points to mail.contoso.net:443"));
}

#[test]
fn hand_entered_url_skips_autodiscover_and_resolves_its_host() {
    let mut a = with_url(ntlm("svc@contoso.com"), "https://ex01.corp.contoso.com/EWS/Exchange.asmx");
    let (report, probes) = run(&mut a, healthy);
    assert!(report.passed(), "{report}");
    let Probe::Dns { hosts, srv } = &probes[0] else { panic!() };
    assert_eq!(hosts, &["ex01.corp.contoso.com"]);
    assert_eq!(srv, &None);
    assert!(!probes.iter().any(|p| p.kind() == ProbeKind::Autodiscover));
    assert!(matches!(
        outcome(&report, AnalyzerStep::Autodiscover),
        StepOutcome::Skipped { reason: SkipReason::NotApplicable { why } } if why.contains("entered by hand")
    ));
    assert_eq!(report.findings.ews_url.as_ref().unwrap().host_str(), Some("ex01.corp.contoso.com"));
    assert!(report.findings.autodiscover.is_none());

    // A hand-entered host that does not resolve gets advice about that host.
    let mut a = with_url(ntlm("svc@contoso.com"), "https://ex01.corp.contoso.com/EWS/Exchange.asmx");
    let (report, _) = run(&mut a, |p| match p {
        Probe::Dns { hosts, .. } => ProbeResult::Dns(DnsOutcome {
            hosts: hosts.iter().map(|h| HostLookup { host: h.clone(), result: Err("SERVFAIL".into()) }).collect(),
            srv: None,
        }),
        other => healthy(other),
    });
    assert!(advice(&report, AnalyzerStep::Dns).contains("internal DNS server"));
}

#[test]
fn ip_address_url_skips_dns_and_loopback_http_skips_tls() {
    let mut a = with_url(ntlm("svc@contoso.com"), "https://192.0.2.10/EWS/Exchange.asmx");
    let (report, _) = run(&mut a, healthy);
    assert!(report.passed());
    assert!(matches!(
        outcome(&report, AnalyzerStep::Dns),
        StepOutcome::Skipped { reason: SkipReason::NotApplicable { .. } }
    ));

    let mut i = input(ntlm("svc@contoso.com"));
    i.ews_url = Some("http://127.0.0.1:8080/EWS/Exchange.asmx".parse().unwrap());
    let err = Analyzer::new(i.clone()).unwrap_err();
    assert!(matches!(err, AnalyzerError::InvalidEwsUrl { .. }), "{err}");
    i.autodiscover.allow_http_loopback = true;
    let mut a = Analyzer::new(i).unwrap();
    let (report, probes) = run(&mut a, healthy);
    assert!(report.passed(), "{report}");
    assert!(!probes.iter().any(|p| p.kind() == ProbeKind::Tls));
    assert!(matches!(
        outcome(&report, AnalyzerStep::TlsCertificate),
        StepOutcome::Skipped { reason: SkipReason::NotApplicable { why } } if why.contains("plain HTTP")
    ));

    for bad in
        ["http://mail.contoso.com/EWS/Exchange.asmx", "ftp://mail.contoso.com/x", "https://u:p@mail.contoso.com/EWS"]
    {
        let mut i = input(ntlm("svc@contoso.com"));
        i.ews_url = Some(bad.parse().unwrap());
        let err = Analyzer::new(i).unwrap_err();
        assert!(!err.to_string().contains("u:p"), "{err}");
    }
}

#[test]
fn autodiscover_refusing_one_form_retries_with_the_other() {
    let mut a = analyzer(ntlm("svc@contoso.com"));
    let (report, probes) = run(&mut a, |p| match p {
        Probe::Autodiscover { attempt, credentials } => ProbeResult::Autodiscover(match attempt {
            Attempt::Pox { .. } | Attempt::Soap { .. } if form(credentials) == Some(UserNameFormat::Upn) => {
                Outcome::HttpStatus(401)
            }
            other => autodiscover_at_subdomain(other),
        }),
        Probe::Authenticate { credentials, .. } => {
            assert_eq!(form(credentials), Some(UserNameFormat::DownLevel), "the form that worked is used");
            healthy(p)
        }
        other => healthy(other),
    });
    assert!(report.passed(), "{report}");
    let forms: Vec<_> = probes
        .iter()
        .filter(|p| p.kind() == ProbeKind::Autodiscover)
        .map(|p| form(p.credentials().unwrap()).unwrap())
        .collect();
    assert!(forms.iter().take_while(|f| **f == UserNameFormat::Upn).count() >= 4);
    assert_eq!(forms.last(), Some(&UserNameFormat::DownLevel));
    let s = seen(&report, AnalyzerStep::Autodiscover);
    assert!(s.contains(r"trying NTLM as contoso.com\svc"), "{s}");
    // Both runs' attempts are kept.
    assert_eq!(report.findings.autodiscover.as_ref().unwrap().attempts.len(), forms.len());
    assert_eq!(report.findings.user_name.as_ref().unwrap().to_string(), r"contoso.com\svc");
    assert_eq!(report.findings.user_name_form, Some(UserNameFormat::DownLevel));
    assert!(
        seen(&report, AnalyzerStep::Authentication).contains("the down-level form worked; the UPN form was refused")
    );
}

#[test]
fn autodiscover_refusing_both_forms_fails_with_advice() {
    let mut a = analyzer(ntlm(r"contoso.com\svc"));
    let (report, probes) = run(&mut a, |p| match p {
        Probe::Autodiscover { attempt, .. } => ProbeResult::Autodiscover(match attempt {
            Attempt::Pox { .. } | Attempt::Soap { .. } => Outcome::HttpStatus(401),
            Attempt::RedirectProbe { .. } => Outcome::HttpStatus(404),
            Attempt::SrvLookup { .. } => Outcome::Srv(Vec::new()),
        }),
        other => healthy(other),
    });
    assert_eq!(report.first_failure().unwrap().step, AnalyzerStep::Autodiscover);
    assert!(advice(&report, AnalyzerStep::Autodiscover).contains("with both user-name forms"));
    assert!(probes.iter().any(|p| p.credentials().is_some_and(|c| form(c) == Some(UserNameFormat::Upn))));
    assert_skipped_after(&report, AnalyzerStep::Autodiscover);
    let s = seen(&report, AnalyzerStep::Autodiscover);
    assert!(s.contains("HTTP 401"), "{s}");
}

#[test]
fn autodiscover_with_nothing_answering_fails_once() {
    let mut a = analyzer(ntlm("svc@contoso.com"));
    let (report, probes) = run(&mut a, |p| match p {
        Probe::Autodiscover { attempt, .. } => ProbeResult::Autodiscover(match attempt {
            Attempt::SrvLookup { .. } => Outcome::Srv(Vec::new()),
            _ => Outcome::Network("connection timed out".into()),
        }),
        other => healthy(other),
    });
    // No 401: the other form is not tried.
    assert!(
        probes
            .iter()
            .filter(|p| p.kind() == ProbeKind::Autodiscover)
            .all(|p| form(p.credentials().unwrap()) == Some(UserNameFormat::Upn))
    );
    assert!(advice(&report, AnalyzerStep::Autodiscover).contains("enter the EWS URL by hand"));
    assert_skipped_after(&report, AnalyzerStep::Autodiscover);
}

#[test]
fn autodiscover_refused_redirects_are_reported() {
    let mut a = analyzer(ntlm("svc@contoso.com"));
    let (report, _) = run(&mut a, |p| match p {
        Probe::Autodiscover { attempt, .. } => ProbeResult::Autodiscover(match attempt {
            Attempt::Pox { url, .. } if url.host_str() == Some("contoso.com") => Outcome::Redirect {
                status: 302,
                location: "https://evil.example.net/autodiscover/autodiscover.xml".into(),
            },
            Attempt::SrvLookup { .. } => Outcome::Srv(Vec::new()),
            _ => Outcome::HttpStatus(404),
        }),
        other => healthy(other),
    });
    assert!(seen(&report, AnalyzerStep::Autodiscover).contains("evil.example.net"));
    assert!(advice(&report, AnalyzerStep::Autodiscover).contains("redirects were refused"));
}

#[test]
fn endpoint_unreachable_and_tls_problems() {
    let url = "https://mail.contoso.com/EWS/Exchange.asmx";
    let mut a = with_url(ntlm("svc@contoso.com"), url);
    let (report, _) = run(&mut a, |p| match p {
        Probe::Connect { .. } => ProbeResult::Connect(ConnectOutcome::Failed { detail: "connection refused".into() }),
        other => healthy(other),
    });
    assert!(seen(&report, AnalyzerStep::EwsEndpoint).contains("mail.contoso.com:443: connection refused"));
    assert!(advice(&report, AnalyzerStep::EwsEndpoint).contains("firewall"));
    assert_skipped_after(&report, AnalyzerStep::EwsEndpoint);

    let cases = [
        (CertificateProblem::Expired, "renew"),
        (CertificateProblem::NotYetValid, "clock"),
        (CertificateProblem::UnknownIssuer, "trust store"),
        (CertificateProblem::SelfSigned, "self-signed"),
        (CertificateProblem::NameMismatch, "mail.contoso.com"),
        (CertificateProblem::Revoked, "revoked"),
        (CertificateProblem::Other, "issuing authority"),
    ];
    for (problem, hint) in cases {
        let mut a = with_url(ntlm("svc@contoso.com"), url);
        let (report, _) = run(&mut a, |p| match p {
            Probe::TlsHandshake { .. } => {
                ProbeResult::Tls(TlsOutcome::Invalid { problem, detail: "verifier text".into() })
            }
            other => healthy(other),
        });
        assert!(advice(&report, AnalyzerStep::TlsCertificate).contains(hint), "{problem:?}");
        assert!(seen(&report, AnalyzerStep::TlsCertificate).contains("verifier text"));
        assert_skipped_after(&report, AnalyzerStep::TlsCertificate);
    }
    let mut a = with_url(ntlm("svc@contoso.com"), url);
    let (report, _) = run(&mut a, |p| match p {
        Probe::TlsHandshake { .. } => {
            ProbeResult::Tls(TlsOutcome::HandshakeFailed { detail: "protocol version".into() })
        }
        other => healthy(other),
    });
    assert!(advice(&report, AnalyzerStep::TlsCertificate).contains("TLS 1.2"));
}

#[test]
fn authentication_tries_the_other_form_and_records_it() {
    let mut a = with_url(ntlm("svc@contoso.com"), "https://mail.contoso.com/EWS/Exchange.asmx");
    let (report, probes) = run(&mut a, |p| match p {
        Probe::Authenticate { credentials, .. } if form(credentials) == Some(UserNameFormat::Upn) => {
            ProbeResult::Ews(EwsOutcome::Unauthorized { detail: Some("NTLM".into()) })
        }
        Probe::Impersonate { credentials, .. } | Probe::ReadFolder { credentials, .. } => {
            assert_eq!(form(credentials), Some(UserNameFormat::DownLevel));
            healthy(p)
        }
        other => healthy(other),
    });
    assert!(report.passed(), "{report}");
    assert_eq!(probes.iter().filter(|p| matches!(p, Probe::Authenticate { .. })).count(), 2);
    let s = seen(&report, AnalyzerStep::Authentication);
    assert!(s.contains("refused NTLM as svc@contoso.com with HTTP 401 (NTLM)"), "{s}");
    assert!(s.contains("the down-level form worked; the UPN form was refused"), "{s}");
    assert_eq!(outcome(&report, AnalyzerStep::Authentication).took(), 2 * TOOK);
    assert_eq!(report.findings.user_name_form, Some(UserNameFormat::DownLevel));
}

#[test]
fn authentication_refused_in_both_forms_fails() {
    let mut a = with_url(ntlm("svc@contoso.com"), "https://mail.contoso.com/EWS/Exchange.asmx");
    let (report, probes) = run(&mut a, |p| match p {
        Probe::Authenticate { .. } => ProbeResult::Ews(EwsOutcome::Unauthorized { detail: None }),
        other => healthy(other),
    });
    assert_eq!(probes.iter().filter(|p| matches!(p, Probe::Authenticate { .. })).count(), 2);
    let adv = advice(&report, AnalyzerStep::Authentication);
    assert!(adv.contains("both user-name forms were tried") && adv.contains("NTLM authentication"), "{adv}");
    assert_skipped_after(&report, AnalyzerStep::Authentication);
    assert!(report.findings.user_name.is_none());
}

#[test]
fn netbios_names_have_no_other_form() {
    let mut a = with_url(ntlm(r"CONTOSO\svc"), "https://mail.contoso.com/EWS/Exchange.asmx");
    let (report, probes) = run(&mut a, |p| match p {
        Probe::Authenticate { .. } => ProbeResult::Ews(EwsOutcome::Unauthorized { detail: None }),
        other => healthy(other),
    });
    assert_eq!(probes.iter().filter(|p| matches!(p, Probe::Authenticate { .. })).count(), 1);
    assert!(!advice(&report, AnalyzerStep::Authentication).contains("both user-name forms"));
}

#[test]
fn authentication_outcomes() {
    let url = "https://mail.contoso.com/EWS/Exchange.asmx";
    // Any SOAP answer proves the credentials were accepted...
    let mut a = with_url(ntlm("svc@contoso.com"), url);
    let (report, _) = run(&mut a, |p| match p {
        Probe::Authenticate { .. } => ews_error(ResponseCode::ErrorNameResolutionNoResults),
        other => healthy(other),
    });
    assert!(outcome(&report, AnalyzerStep::Authentication).is_passed());
    assert!(seen(&report, AnalyzerStep::Authentication).contains("ErrorNameResolutionNoResults"));
    // ...except a disabled account, and transient or HTTP-level failures.
    let cases: Vec<(ProbeResult, &str)> = vec![
        (ews_error(ResponseCode::ErrorAccountDisabled), "enable the service account"),
        (ews_error(ResponseCode::ErrorServerBusy), "run the analyzer again in a few minutes"),
        (ProbeResult::Ews(EwsOutcome::HttpStatus { status: 403 }), "Set-CASMailbox"),
        (ProbeResult::Ews(EwsOutcome::HttpStatus { status: 404 }), "/EWS/Exchange.asmx"),
        (ProbeResult::Ews(EwsOutcome::HttpStatus { status: 503 }), "event log"),
        (ProbeResult::Ews(EwsOutcome::InvalidBody { detail: "HTML".into() }), "login page"),
        (ProbeResult::Ews(EwsOutcome::Network { detail: "reset".into() }), "proxies"),
    ];
    for (result, hint) in cases {
        let mut a = with_url(ntlm("svc@contoso.com"), url);
        let (report, _) = run(&mut a, |p| match p {
            Probe::Authenticate { .. } => result.clone(),
            other => healthy(other),
        });
        assert!(advice(&report, AnalyzerStep::Authentication).contains(hint), "{result:?}: {report}");
        assert_skipped_after(&report, AnalyzerStep::Authentication);
    }
}

#[test]
fn oauth_failures_get_application_advice() {
    let url = "https://outlook.office365.com/EWS/Exchange.asmx";
    let mut a = with_url(oauth(), url);
    let (report, probes) = run(&mut a, |p| match p {
        Probe::Authenticate { .. } => ProbeResult::Ews(EwsOutcome::TokenRefused {
            detail: "AADSTS7000215: Invalid client secret provided".into(),
        }),
        other => healthy(other),
    });
    assert_eq!(probes.iter().filter(|p| matches!(p, Probe::Authenticate { .. })).count(), 1);
    assert!(seen(&report, AnalyzerStep::Authentication).contains("AADSTS7000215"));
    assert!(advice(&report, AnalyzerStep::Authentication).contains("client secret has not expired"));

    let mut a = with_url(oauth(), url);
    let (report, _) = run(&mut a, |p| match p {
        Probe::Authenticate { .. } => ProbeResult::Ews(EwsOutcome::Unauthorized { detail: None }),
        other => healthy(other),
    });
    assert!(advice(&report, AnalyzerStep::Authentication).contains("full_access_as_app"));

    let mut a = with_url(oauth(), url);
    let (report, _) = run(&mut a, |p| match p {
        Probe::Impersonate { .. } => ews_error(ResponseCode::ErrorImpersonateUserDenied),
        other => healthy(other),
    });
    assert!(advice(&report, AnalyzerStep::Impersonation).contains("application access policy"));
    assert_eq!(report.findings.auth_scheme.as_deref(), Some("OAuth client secret"));
    assert_eq!(report.findings.user_name, None);
}

#[test]
fn impersonation_failures() {
    let url = "https://mail.contoso.com/EWS/Exchange.asmx";
    let cases = [
        (ResponseCode::ErrorImpersonateUserDenied, "New-ManagementRoleAssignment"),
        (ResponseCode::ErrorImpersonationDenied, "ApplicationImpersonation"),
        (ResponseCode::ErrorNonExistentMailbox, "has no mailbox for alice@contoso.com"),
        (ResponseCode::ErrorImpersonationFailed, "account is enabled"),
        (ResponseCode::ErrorMailboxMoveInProgress, "in a few minutes"),
        (ResponseCode::ErrorInvalidRequest, "impersonation rights"),
    ];
    for (code, hint) in cases {
        let mut a = with_url(ntlm("svc@contoso.com"), url);
        let (report, probes) = run(&mut a, |p| match p {
            Probe::Impersonate { mailbox, .. } => {
                assert_eq!(mailbox.to_string(), "alice@contoso.com");
                ews_error(code.clone())
            }
            other => healthy(other),
        });
        assert!(advice(&report, AnalyzerStep::Impersonation).contains(hint), "{code:?}: {report}");
        assert!(seen(&report, AnalyzerStep::Impersonation).contains(code.as_str()));
        assert_skipped_after(&report, AnalyzerStep::Impersonation);
        assert!(!probes.iter().any(|p| matches!(p, Probe::ReadFolder { .. })));
    }
    let mut a = with_url(ntlm("svc@contoso.com"), url);
    let (report, _) = run(&mut a, |p| match p {
        Probe::Impersonate { .. } => ProbeResult::Ews(EwsOutcome::Unauthorized { detail: None }),
        other => healthy(other),
    });
    assert!(advice(&report, AnalyzerStep::Impersonation).contains("authentication settings"));
}

#[test]
fn folder_checks_are_independent_of_each_other() {
    let url = "https://mail.contoso.com/EWS/Exchange.asmx";
    let mut a = with_url(ntlm("svc@contoso.com"), url);
    let (report, _) = run(&mut a, |p| match p {
        Probe::ReadFolder { folder: FolderKind::Contacts, .. } => ews_error(ResponseCode::ErrorAccessDenied),
        other => healthy(other),
    });
    assert!(!report.passed());
    assert!(advice(&report, AnalyzerStep::ContactsFolder).contains("ApplicationImpersonation scope"));
    assert!(outcome(&report, AnalyzerStep::CalendarFolder).is_passed(), "the calendar check still runs");

    let mut a = with_url(ntlm("svc@contoso.com"), url);
    let (report, _) = run(&mut a, |p| match p {
        Probe::ReadFolder { folder: FolderKind::Calendar, .. } => ews_error(ResponseCode::ErrorFolderNotFound),
        other => healthy(other),
    });
    assert!(outcome(&report, AnalyzerStep::ContactsFolder).is_passed());
    assert!(advice(&report, AnalyzerStep::CalendarFolder).contains("no default Calendar folder"));

    let mut a = with_url(oauth(), url);
    let (report, _) = run(&mut a, |p| match p {
        Probe::ReadFolder { folder: FolderKind::Calendar, .. } => ews_error(ResponseCode::ErrorAccessDenied),
        Probe::ReadFolder { .. } => ProbeResult::Ews(EwsOutcome::Unauthorized { detail: None }),
        other => healthy(other),
    });
    assert!(advice(&report, AnalyzerStep::CalendarFolder).contains("RBAC for applications"));
    assert!(advice(&report, AnalyzerStep::ContactsFolder).contains("authentication settings"));
}

#[test]
fn folders_outside_the_scope_are_skipped() {
    let mut i = input(ntlm("svc@contoso.com"));
    i.ews_url = Some("https://mail.contoso.com/EWS/Exchange.asmx".parse().unwrap());
    i.scope = SyncScope::CONTACTS;
    let mut a = Analyzer::new(i.clone()).unwrap();
    let (report, probes) = run(&mut a, healthy);
    assert!(report.passed());
    assert!(!probes.iter().any(|p| matches!(p, Probe::ReadFolder { folder: FolderKind::Calendar, .. })));
    assert!(matches!(
        outcome(&report, AnalyzerStep::CalendarFolder),
        StepOutcome::Skipped { reason: SkipReason::NotApplicable { why } } if why == "events sync is off"
    ));
    i.scope = SyncScope::EVENTS;
    let mut a = Analyzer::new(i).unwrap();
    let (report, _) = run(&mut a, healthy);
    assert!(matches!(outcome(&report, AnalyzerStep::ContactsFolder), StepOutcome::Skipped { .. }));
    assert!(outcome(&report, AnalyzerStep::CalendarFolder).is_passed());
}

#[test]
fn protocol_misuse_is_refused_without_losing_the_probe() {
    let mut a = analyzer(ntlm("svc@contoso.com"));
    assert_eq!(
        a.handle(ProbeResult::Connect(ConnectOutcome::Connected { address: None }), TOOK),
        Err(AnalyzerError::NoProbeInProgress)
    );
    let Next::Probe(first) = a.next_probe() else { panic!() };
    let Next::Probe(again) = a.next_probe() else { panic!() };
    assert_eq!(first.kind(), ProbeKind::Dns);
    assert_eq!(again.kind(), ProbeKind::Dns, "next is idempotent");
    assert_eq!(a.current_step(), Some(AnalyzerStep::Dns));
    let err = a.handle(ProbeResult::Tls(TlsOutcome::HandshakeFailed { detail: "x".into() }), TOOK).unwrap_err();
    assert_eq!(err, AnalyzerError::UnexpectedResult { expected: ProbeKind::Dns, got: ProbeKind::Tls });
    assert!(matches!(a.next_probe(), Next::Probe(Probe::Dns { .. })), "the probe is still outstanding");
    let (report, _) = run(&mut a, healthy);
    assert!(report.passed());
    assert!(matches!(a.next_probe(), Next::Done(_)), "done stays done");
    assert_eq!(a.handle(ProbeResult::Dns(DnsOutcome::default()), TOOK), Err(AnalyzerError::NoProbeInProgress));
    assert_eq!(a.steps().len(), AnalyzerStep::ALL.len());
}

#[test]
fn no_secret_reaches_probes_debug_reports_or_errors() {
    for creds in [ntlm("svc@contoso.com"), oauth()] {
        let mut a = analyzer(creds);
        let (report, probes) = run(&mut a, |p| match p {
            Probe::Authenticate { .. } => ProbeResult::Ews(EwsOutcome::Unauthorized { detail: None }),
            other => healthy(other),
        });
        let mut shown = format!("{report}\n{}\n{report:?}\n{a:?}", report.to_json());
        for p in &probes {
            shown.push_str(&format!("{p:?}"));
        }
        assert!(!shown.contains(PASSWORD) && !shown.contains("oauth-secret-value"), "{shown}");
    }
}

#[test]
fn report_json_round_trips_with_every_step() {
    let mut a = analyzer(ntlm("svc@contoso.com"));
    let (report, _) = run(&mut a, |p| match p {
        Probe::Impersonate { .. } => ews_error(ResponseCode::ErrorImpersonateUserDenied),
        other => healthy(other),
    });
    let json = report.to_json();
    let back: AnalyzerReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, report);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let steps = v["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 8);
    assert_eq!(steps[0]["step"], "dns");
    assert_eq!(steps[0]["status"], "passed");
    assert_eq!(steps[0]["took_ms"], 10);
    assert_eq!(steps[5]["status"], "failed");
    assert!(steps[5]["advice"].as_str().unwrap().contains("ApplicationImpersonation"));
    assert_eq!(steps[6]["reason"]["step"], "impersonation");
    assert_eq!(v["findings"]["user_name"], "svc@contoso.com");
    assert_eq!(
        v["findings"]["autodiscover"]["attempts"].as_array().unwrap()[2]["kind"],
        serde_json::json!(AttemptKind::Pox)
    );
}

#[test]
fn durations_add_up_per_step() {
    let mut a = with_url(ntlm("svc@contoso.com"), "https://mail.contoso.com/EWS/Exchange.asmx");
    let mut n = 0u64;
    loop {
        match a.next_probe() {
            Next::Done(report) => {
                for s in &report.steps {
                    if let StepOutcome::Passed { took, .. } = &s.outcome {
                        assert!(*took > Duration::ZERO, "{:?}", s.step);
                    }
                }
                let expected: u64 = (1..=n).sum();
                assert_eq!(report.total_time(), Duration::from_millis(expected));
                break;
            }
            Next::Probe(p) => {
                n += 1;
                let r = healthy(&p);
                a.handle(r, Duration::from_millis(n)).unwrap();
            }
        }
    }
}

#[test]
fn pox_answer_helper_is_a_real_answer() {
    // Guards the scripted Exchange itself: the answer parses to settings with an EWS URL.
    let Outcome::Pox(r) = pox_answer("https://x.contoso.com/EWS/Exchange.asmx") else { panic!() };
    assert!(format!("{r:?}").contains("x.contoso.com"));
}
