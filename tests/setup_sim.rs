//! The setup's validation, the connectivity analyzer and the enrolment check against the
//! simulator over real HTTPS: both user-name forms (and servers that take only one), wrong
//! password, no impersonation grant, unknown mailbox, a domain not registered, autodiscover
//! failures, TLS failures, a server that does not answer, and a whole setup saved to SQLite and
//! reopened.
#![cfg(feature = "sim")]

mod setup_sim_support;

use std::time::Duration;

use exsync::autodiscover::AutodiscoverProtocol;
use exsync::ews::ResponseCode;
use exsync::setup::driver::{DriverOptions, check_enrolment, run_analyzer, validate};
use exsync::setup::*;
use exsync::sim::{AutodiscoverRedirect, OAuthApp as SimApp, ServiceAccount, SimServer};
use exsync::store::SqliteStore;
use exsync::transport::{Secret, UserNameFormat};
use setup_sim_support::{PASSWORD, flow, options, options_without_autodiscover, org, svc};

use ServiceAccountAuth::{Basic, Ntlm};

fn outcome(report: &AnalyzerReport, step: AnalyzerStep) -> &StepOutcome {
    &report.step(step).unwrap_or_else(|| panic!("{step} is in the report")).outcome
}

fn seen(report: &AnalyzerReport, step: AnalyzerStep) -> String {
    match outcome(report, step) {
        StepOutcome::Passed { seen, .. } | StepOutcome::Failed { seen, .. } => seen.clone(),
        StepOutcome::Skipped { reason } => panic!("{step} was skipped: {reason}"),
    }
}

fn advice(report: &AnalyzerReport, step: AnalyzerStep) -> String {
    match outcome(report, step) {
        StepOutcome::Failed { advice, .. } => advice.clone(),
        other => panic!("{step} did not fail: {other:?}\n{report}"),
    }
}

/// The report failed at `step`, and every later step that depends on it was skipped for it.
fn failed_at(report: &AnalyzerReport, step: AnalyzerStep) {
    assert!(!report.passed(), "{report}");
    assert_eq!(report.first_failure().map(|s| s.step), Some(step), "{report}");
    for later in AnalyzerStep::ALL.into_iter().filter(|s| s.depends_on(step)) {
        assert_eq!(
            *outcome(report, later),
            StepOutcome::Skipped { reason: SkipReason::EarlierStepFailed { step } },
            "{later}\n{report}"
        );
    }
}

/// No secret anywhere in what the report shows.
fn no_secret(report: &AnalyzerReport, secret: &str) {
    assert!(!report.to_string().contains(secret));
    assert!(!report.to_json().contains(secret));
    assert!(!format!("{report:?}").contains(secret));
}

#[tokio::test]
async fn upn_with_ntlm_and_autodiscover_passes_every_step() {
    let server = org(svc()).start().await.unwrap();
    let mut f = flow(Ntlm, "svc@contoso.com", PASSWORD, "alice@contoso.com", None);
    let report = validate(&mut f, &options(&server)).await.unwrap();
    assert!(report.passed(), "{report}");
    assert!(f.validation_status().is_passed());
    assert_eq!(f.current(), SetupStep::Save);
    for step in AnalyzerStep::ALL {
        assert!(outcome(&report, step).is_passed(), "{step}: {report}");
    }
    let found = &report.findings;
    assert_eq!(found.ews_url.as_ref().unwrap().as_str(), server.ews_url());
    let ad = found.autodiscover.as_ref().unwrap();
    assert_eq!(ad.endpoint.as_str(), "https://contoso.com/autodiscover/autodiscover.xml");
    assert_eq!(ad.protocol, AutodiscoverProtocol::Pox);
    assert_eq!(found.auth_scheme.as_deref(), Some("NTLM"));
    assert_eq!(found.user_name_form, Some(UserNameFormat::Upn));
    assert!(found.server_version.as_deref().is_some_and(|v| v.starts_with("15.")), "{found:?}");
    assert!(seen(&report, AnalyzerStep::Dns).contains("contoso.com resolves to 127.0.0.1"));
    let tls = seen(&report, AnalyzerStep::TlsCertificate);
    assert!(tls.contains("issued by CN=exsync simulator CA") && tls.contains("TLS 1."), "{tls}");
    assert!(seen(&report, AnalyzerStep::Impersonation).contains("alice@contoso.com"));
    assert!(seen(&report, AnalyzerStep::ContactsFolder).contains("\"Contacts\" (0 items)"));
    assert!(seen(&report, AnalyzerStep::CalendarFolder).contains("\"Calendar\""));
    no_secret(&report, PASSWORD);
    // One NTLM sign-in per connection, reused across the EWS probes.
    assert!(server.counters().ntlm_sign_ins >= 1);
    assert_eq!(server.counters().ntlm_refusals, 0);
}

#[tokio::test]
async fn down_level_with_basic_and_a_hand_entered_url_passes() {
    let server = org(svc()).start().await.unwrap();
    let mut f = flow(Basic, r"contoso.com\svc", PASSWORD, "bob@contoso.com", Some(&server.ews_url()));
    let report = validate(&mut f, &options(&server)).await.unwrap();
    assert!(report.passed(), "{report}");
    assert!(!outcome(&report, AnalyzerStep::Autodiscover).is_passed());
    assert_eq!(report.findings.user_name_form, Some(UserNameFormat::DownLevel));
    assert_eq!(report.findings.auth_scheme.as_deref(), Some("Basic"));
    assert!(report.findings.autodiscover.is_none());
}

#[tokio::test]
async fn a_server_that_takes_only_the_down_level_form_records_it() {
    let account = svc().accepting_only(UserNameFormat::DownLevel);
    let server = org(account).start().await.unwrap();
    // Through autodiscover: autodiscover itself refuses the UPN and the analyzer switches forms.
    let mut f = flow(Ntlm, "svc@contoso.com", PASSWORD, "alice@contoso.com", None);
    let report = validate(&mut f, &options(&server)).await.unwrap();
    assert!(report.passed(), "{report}");
    assert!(seen(&report, AnalyzerStep::Autodiscover).contains("trying NTLM as contoso.com\\svc"), "{report}");
    assert_eq!(report.findings.user_name.as_ref().unwrap().to_string(), r"contoso.com\svc");
    assert_eq!(report.findings.user_name_form, Some(UserNameFormat::DownLevel));

    // With the URL entered by hand, the sign-in step switches.
    let mut f = flow(Basic, "svc@contoso.com", PASSWORD, "alice@contoso.com", Some(&server.ews_url()));
    let report = validate(&mut f, &options(&server)).await.unwrap();
    assert!(report.passed(), "{report}");
    let auth = seen(&report, AnalyzerStep::Authentication);
    assert!(auth.contains("the down-level form worked; the UPN form was refused"), "{auth}");
    let config = f
        .save(&EncryptedSecretStore::new(&SecretKey::from_bytes(&[1; 32]).unwrap(), MemorySecretBlobs::default()))
        .unwrap();
    match &config.connection {
        SavedConnection::ServiceAccount { user, sign_in_as, .. } => {
            assert_eq!(user.to_string(), "svc@contoso.com");
            assert_eq!(sign_in_as.to_string(), r"contoso.com\svc");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_server_that_takes_only_the_upn_records_it() {
    let server = org(svc().accepting_only(UserNameFormat::Upn)).start().await.unwrap();
    let mut f = flow(Ntlm, r"contoso.com\svc", PASSWORD, "alice@contoso.com", Some(&server.ews_url()));
    let report = validate(&mut f, &options(&server)).await.unwrap();
    assert!(report.passed(), "{report}");
    assert_eq!(report.findings.user_name_form, Some(UserNameFormat::Upn));
    assert_eq!(report.findings.user_name.as_ref().unwrap().to_string(), "svc@contoso.com");
    assert!(server.counters().ntlm_refusals >= 1);
}

#[tokio::test]
async fn a_wrong_password_fails_sign_in_with_both_forms() {
    let server = org(svc()).start().await.unwrap();
    let wrong = "Not-The-Passw0rd";
    let mut f = flow(Ntlm, "svc@contoso.com", wrong, "alice@contoso.com", Some(&server.ews_url()));
    let report = validate(&mut f, &options(&server)).await.unwrap();
    failed_at(&report, AnalyzerStep::Authentication);
    assert!(seen(&report, AnalyzerStep::Authentication).contains("HTTP 401"));
    assert!(advice(&report, AnalyzerStep::Authentication).contains("both user-name forms were tried"));
    assert_eq!(f.validation_status(), ValidationStatus::Failed { step: AnalyzerStep::Authentication });
    no_secret(&report, wrong);

    // Through autodiscover, the autodiscover step is where the credentials are refused.
    let mut f = flow(Basic, "svc@contoso.com", wrong, "alice@contoso.com", None);
    let report = validate(&mut f, &options(&server)).await.unwrap();
    failed_at(&report, AnalyzerStep::Autodiscover);
    assert!(advice(&report, AnalyzerStep::Autodiscover).contains("refused the credentials (HTTP 401) with both"));
    no_secret(&report, wrong);
}

#[tokio::test]
async fn no_impersonation_grant_fails_at_impersonation() {
    let server = org(ServiceAccount::new("svc@contoso.com", PASSWORD)).start().await.unwrap();
    let mut f = flow(Ntlm, "svc@contoso.com", PASSWORD, "alice@contoso.com", None);
    let report = validate(&mut f, &options(&server)).await.unwrap();
    failed_at(&report, AnalyzerStep::Impersonation);
    assert!(outcome(&report, AnalyzerStep::Authentication).is_passed());
    assert!(seen(&report, AnalyzerStep::Impersonation).contains("ErrorImpersonateUserDenied"));
    assert!(advice(&report, AnalyzerStep::Impersonation).contains("ApplicationImpersonation"));
}

#[tokio::test]
async fn an_unknown_mailbox_fails_at_impersonation() {
    let server = org(svc()).start().await.unwrap();
    let mut f = flow(Ntlm, "svc@contoso.com", PASSWORD, "ghost@contoso.com", Some(&server.ews_url()));
    let report = validate(&mut f, &options(&server)).await.unwrap();
    failed_at(&report, AnalyzerStep::Impersonation);
    assert!(seen(&report, AnalyzerStep::Impersonation).contains("ErrorNonExistentMailbox"));
    assert!(advice(&report, AnalyzerStep::Impersonation).contains("no mailbox for ghost@contoso.com"));

    // Autodiscover does not know it either.
    let mut f = flow(Ntlm, "svc@contoso.com", PASSWORD, "ghost@contoso.com", None);
    let report = validate(&mut f, &options(&server)).await.unwrap();
    failed_at(&report, AnalyzerStep::Autodiscover);
}

#[tokio::test]
async fn autodiscover_that_nobody_answers_fails_with_advice() {
    let server = org(svc()).start().await.unwrap();
    let mut f = flow(Ntlm, "svc@contoso.com", PASSWORD, "alice@contoso.com", None);
    let report = validate(&mut f, &options_without_autodiscover(&server)).await.unwrap();
    failed_at(&report, AnalyzerStep::Autodiscover);
    assert!(outcome(&report, AnalyzerStep::Dns).is_passed());
    let what = seen(&report, AnalyzerStep::Autodiscover);
    assert!(what.contains("https://contoso.com/autodiscover/autodiscover.xml"), "{what}");
    assert!(what.contains("network failure"), "{what}");
    assert!(advice(&report, AnalyzerStep::Autodiscover).contains("enter the EWS URL by hand"));
}

#[tokio::test]
async fn autodiscover_redirects_outside_the_domains_are_refused() {
    let server = org(svc()).start().await.unwrap();
    server.autodiscover_redirect(
        "alice@contoso.com",
        AutodiscoverRedirect::Url("https://autodiscover.northwind.example/autodiscover/autodiscover.xml".into()),
    );
    let mut f = flow(Ntlm, "svc@contoso.com", PASSWORD, "alice@contoso.com", None);
    let report = validate(&mut f, &options(&server)).await.unwrap();
    failed_at(&report, AnalyzerStep::Autodiscover);
    let what = seen(&report, AnalyzerStep::Autodiscover);
    assert!(what.contains("refused https://autodiscover.northwind.example/"), "{what}");
    assert!(advice(&report, AnalyzerStep::Autodiscover).contains("redirects were refused"));
}

#[tokio::test]
async fn an_untrusted_certificate_fails_the_tls_step() {
    let server = org(svc()).start().await.unwrap();
    let mut o = options(&server);
    o.http.tls = exsync::transport::TlsOptions::default(); // the public roots only
    let mut f = flow(Ntlm, "svc@contoso.com", PASSWORD, "alice@contoso.com", Some(&server.ews_url()));
    let report = validate(&mut f, &o).await.unwrap();
    failed_at(&report, AnalyzerStep::TlsCertificate);
    assert!(outcome(&report, AnalyzerStep::EwsEndpoint).is_passed());
    let what = seen(&report, AnalyzerStep::TlsCertificate);
    assert!(what.contains("not valid") && what.contains("issued by CN=exsync simulator CA"), "{what}");
    assert!(advice(&report, AnalyzerStep::TlsCertificate).contains("does not trust"));
    assert_eq!(server.counters().ntlm_sign_ins, 0, "no credentials went to the untrusted server");
}

#[tokio::test]
async fn a_certificate_for_another_name_fails_the_tls_step() {
    let server = org(svc()).start().await.unwrap();
    let mut o = options(&server);
    let port = server.local_addr().port();
    o.http.resolve.insert(format!("exchange.contoso.com:{port}"), server.local_addr());
    let url = format!("https://exchange.contoso.com:{port}/EWS/Exchange.asmx");
    let mut f = flow(Ntlm, "svc@contoso.com", PASSWORD, "alice@contoso.com", Some(&url));
    let report = validate(&mut f, &o).await.unwrap();
    failed_at(&report, AnalyzerStep::TlsCertificate);
    assert!(advice(&report, AnalyzerStep::TlsCertificate).contains("does not name exchange.contoso.com"));
    let what = seen(&report, AnalyzerStep::TlsCertificate);
    assert!(what.contains("names localhost, mail.contoso.com, contoso.com"), "{what}");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_step_by_step() {
    // Accepts connections and says nothing.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    let options = DriverOptions { probe_timeout: Duration::from_millis(700), ..DriverOptions::default() };
    let credentials = exsync::transport::Credentials::Ntlm {
        user: exsync::transport::UserName::parse("svc@contoso.com").unwrap(),
        password: Secret::new(PASSWORD),
    };
    let mut input = AnalyzerInput::new(credentials, MailboxAddress::parse("alice@contoso.com").unwrap());
    input.ews_url = Some(format!("https://{addr}/EWS/Exchange.asmx").parse().unwrap());
    let started = std::time::Instant::now();
    let report = tokio::time::timeout(Duration::from_secs(20), run_analyzer(input, &options))
        .await
        .expect("the analyzer never hangs")
        .unwrap();
    failed_at(&report, AnalyzerStep::TlsCertificate);
    assert!(seen(&report, AnalyzerStep::TlsCertificate).contains("no handshake within"), "{report}");
    assert!(started.elapsed() < Duration::from_secs(5));
    silent.abort();
}

#[tokio::test]
async fn plain_http_to_a_loopback_test_server_skips_the_certificate() {
    let server = SimServer::builder()
        .domain("contoso.com")
        .service_account(svc())
        .mailbox("alice@contoso.com")
        .start()
        .await
        .unwrap();
    let mut f = flow(Ntlm, "svc@contoso.com", PASSWORD, "alice@contoso.com", None);
    // Refused until plain HTTP to loopback is allowed.
    assert!(f.set_validation_target("alice@contoso.com", Some(&server.ews_url())).is_err());
    f.set_allow_http_loopback(true);
    f.set_validation_target("alice@contoso.com", Some(&server.ews_url())).unwrap();
    let report = validate(&mut f, &DriverOptions::default()).await.unwrap();
    assert!(report.passed(), "{report}");
    assert!(matches!(outcome(&report, AnalyzerStep::TlsCertificate), StepOutcome::Skipped { .. }));
    assert!(matches!(outcome(&report, AnalyzerStep::Dns), StepOutcome::Skipped { .. }));
}

#[tokio::test]
async fn an_oauth_app_validates_with_a_token_from_the_identity_platform() {
    const APP: &str = "0e3a7f9c-2b61-4c1e-9a4e-3f1d2c5b6a70";
    const SECRET: &str = "app-s3cret~value";
    let server = org(svc()).oauth_app(SimApp::new(APP).with_secret(SECRET).impersonating_all()).start().await.unwrap();
    let mut f = SetupFlow::new();
    f.set_sync_scope(SyncScope::CONTACTS).unwrap();
    f.set_connection_method(ConnectionMethod::OAuthAppOnly).unwrap();
    let port = server.local_addr().port();
    f.set_oauth_app(OAuthApp {
        tenant: "contoso.com".into(),
        client_id: APP.into(),
        credential: OAuthCredential::ClientSecret(Secret::new(SECRET)),
        authority_host: Some(format!("https://mail.contoso.com:{port}")),
    })
    .unwrap();
    f.set_additional_domains("contoso.com").unwrap();
    f.set_validation_target("alice@contoso.com", Some(&server.ews_url())).unwrap();
    let report = validate(&mut f, &options(&server)).await.unwrap();
    assert!(report.passed(), "{report}");
    assert_eq!(report.findings.auth_scheme.as_deref(), Some("OAuth client secret"));
    assert!(matches!(outcome(&report, AnalyzerStep::CalendarFolder), StepOutcome::Skipped { .. }));
    no_secret(&report, SECRET);

    // A wrong secret: the identity platform refuses the token.
    f.go_to(SetupStep::Credentials).unwrap();
    f.set_oauth_app(OAuthApp {
        tenant: "contoso.com".into(),
        client_id: APP.into(),
        credential: OAuthCredential::ClientSecret(Secret::new("wrong-secret")),
        authority_host: Some(format!("https://mail.contoso.com:{port}")),
    })
    .unwrap();
    let report = validate(&mut f, &options(&server)).await.unwrap();
    failed_at(&report, AnalyzerStep::Authentication);
    assert!(seen(&report, AnalyzerStep::Authentication).contains("refused to issue a token"), "{report}");
}

#[tokio::test]
async fn enrolment_names_the_check_that_failed() {
    let account =
        ServiceAccount::new("svc@contoso.com", PASSWORD).impersonating(["alice@contoso.com", "carol@fabrikam.com"]);
    let server = org(account).start().await.unwrap();
    let o = options(&server);
    let mut f = flow(Ntlm, "svc@contoso.com", PASSWORD, "alice@contoso.com", None);
    assert!(validate(&mut f, &o).await.unwrap().passed());
    let store = EncryptedSecretStore::new(&SecretKey::from_bytes(&[2; 32]).unwrap(), MemorySecretBlobs::default());
    let config = f.save(&store).unwrap();

    let ok = check_enrolment("Alice@Contoso.com", &config, &o).await.unwrap();
    assert_eq!(ok.mailbox.to_string(), "Alice@contoso.com", "the domain is normalized, the local part kept");
    let ok = check_enrolment("carol@fabrikam.com", &config, &o).await.unwrap();
    assert!(ok.seen.contains("act as carol@fabrikam.com"), "{}", ok.seen);

    let e = check_enrolment("eve@northwind.example", &config, &o).await.unwrap_err();
    assert_eq!(e.failed_check(), Some(EnrolmentCheck::Domain));
    assert!(e.to_string().contains("add northwind.example to the additional domains"), "{e}");

    let e = check_enrolment("bob@contoso.com", &config, &o).await.unwrap_err();
    assert_eq!(e.failed_check(), Some(EnrolmentCheck::Impersonation));
    assert!(e.to_string().contains("ErrorImpersonateUserDenied"), "{e}");

    let e = check_enrolment("dave@contoso.com", &config, &o).await.unwrap_err();
    assert_eq!(e.failed_check(), Some(EnrolmentCheck::Impersonation));
    assert!(e.to_string().contains(ResponseCode::ErrorNonExistentMailbox.as_str()), "{e}");

    let e = check_enrolment("not an address", &config, &o).await.unwrap_err();
    assert_eq!(e.failed_check(), Some(EnrolmentCheck::Address));

    // Options that cannot be used: the check could not run, and no check is named.
    let mut broken = o.clone();
    broken.http.tls.extra_ca_pem = vec!["not a certificate".into()];
    let e = check_enrolment("alice@contoso.com", &config, &broken).await.unwrap_err();
    assert_eq!(e.failed_check(), None, "{e}");
}

#[tokio::test]
async fn a_whole_setup_validated_saved_to_sqlite_and_reopened() {
    let server = org(svc().accepting_only(UserNameFormat::DownLevel)).start().await.unwrap();
    let o = options(&server);
    let dir = std::env::temp_dir().join(format!("exsync-setup-sim-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.db");
    let key = SecretKey::from_base64(&base64_key()).unwrap();

    // 1–7: the admin's steps, validation against the server, saving.
    {
        let mut f = flow(Ntlm, "svc@contoso.com", PASSWORD, "alice@contoso.com", None);
        assert!(f.save(&EncryptedSecretStore::new(&key, MemorySecretBlobs::default())).is_err(), "not validated");
        let report = validate(&mut f, &o).await.unwrap();
        assert!(report.passed(), "{report}");
        let db = SqliteStore::open(&path).unwrap();
        let secrets = EncryptedSecretStore::new(&key, &db);
        let config = f.save(&secrets).unwrap();
        config.save_to(&db).unwrap();
    }

    // A restart: everything comes back from the file and the key.
    let db = SqliteStore::open(&path).unwrap();
    let secrets = EncryptedSecretStore::new(&key, &db);
    let mut config = SetupConfig::load_from(&db).unwrap().expect("saved");
    assert_eq!(config.ews_url.as_str(), server.ews_url());
    assert_eq!(
        config.validated.autodiscover_endpoint.as_ref().unwrap().as_str(),
        "https://contoso.com/autodiscover/autodiscover.xml"
    );
    let reopened = SetupFlow::from_saved(&config, &secrets).unwrap();
    assert_eq!(reopened.current(), SetupStep::Save);
    assert!(reopened.validation_status().is_passed());
    config.load_secrets(&secrets).unwrap();

    // The analyzer runs again later from the saved setup, signing in with the form that worked.
    let input = config.analyzer_input(None).unwrap();
    let report = run_analyzer(input, &o).await.unwrap();
    assert!(report.passed(), "{report}");
    assert!(report.signed_in_as.contains(r"contoso.com\svc"), "{}", report.signed_in_as);
    assert!(check_enrolment("bob@contoso.com", &config, &o).await.is_ok());

    let raw = std::fs::read(&path).unwrap();
    assert!(!raw.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()));
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
}

fn base64_key() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode([0x5a; 32])
}
