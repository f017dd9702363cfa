//! Saving the setup: secrets only through the secret store, the configuration as JSON with
//! references, reopening and editing a saved setup, and the enrolment check built on it.

mod setup_support;

use chrono::{DateTime, Utc};
use exsync::ews::ResponseCode;
use exsync::setup::*;
use exsync::transport::{Credentials, Secret, UserNameFormat};
use setup_support::{form, healthy, run};

const PASSWORD: &str = "Correct-Horse-42";
const CLIENT_SECRET: &str = "Zx8Q~client.secret.value";
const KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";

type Store = EncryptedSecretStore<MemorySecretBlobs>;

fn store(key: u8) -> Store {
    EncryptedSecretStore::new(&SecretKey::from_bytes(&[key; 32]).unwrap(), MemorySecretBlobs::default())
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600, 0).unwrap()
}

fn validate(f: &mut SetupFlow, respond: impl FnMut(&Probe) -> ProbeResult) {
    let (ticket, mut analyzer) = f.start_validation().unwrap();
    let (report, _) = run(&mut analyzer, respond);
    assert!(f.finish_validation(ticket, report, now()).unwrap().is_passed());
}

/// A service-account setup validated where Exchange accepts only the down-level form.
fn service_account_flow() -> SetupFlow {
    let mut f = SetupFlow::new();
    f.set_sync_scope(SyncScope::BOTH).unwrap();
    f.set_connection_method(ConnectionMethod::ServiceAccount(ServiceAccountAuth::Ntlm)).unwrap();
    f.set_user_name("svc@contoso.com").unwrap();
    f.set_password(Secret::new(PASSWORD)).unwrap();
    f.set_additional_domains("fabrikam.com").unwrap();
    f.set_validation_target("alice@contoso.com", None).unwrap();
    validate(&mut f, |p| match p {
        Probe::Authenticate { credentials, .. } if form(credentials) == Some(UserNameFormat::Upn) => {
            ProbeResult::Ews(EwsOutcome::Unauthorized { detail: None })
        }
        other => healthy(other),
    });
    f
}

fn oauth_flow(credential: OAuthCredential) -> SetupFlow {
    let mut f = SetupFlow::new();
    f.set_sync_scope(SyncScope::CONTACTS).unwrap();
    f.set_connection_method(ConnectionMethod::OAuthAppOnly).unwrap();
    f.set_oauth_app(OAuthApp {
        tenant: "contoso.onmicrosoft.com".into(),
        client_id: "6731de76-14a6-49ae-97bc-6eba6914391e".into(),
        credential,
        authority_host: None,
    })
    .unwrap();
    f.set_additional_domains("contoso.com").unwrap();
    f.set_validation_target("alice@contoso.com", Some("https://outlook.office365.com/EWS/Exchange.asmx")).unwrap();
    validate(&mut f, healthy);
    f
}

#[test]
fn saving_keeps_secrets_in_the_store_only() {
    let mut f = service_account_flow();
    let s = store(7);
    let config = f.save(&s).unwrap();
    assert!(f.is_saved());
    assert!(f.is_complete(SetupStep::Save));

    let refs = s.blobs().references();
    assert_eq!(refs.iter().map(SecretRef::as_str).collect::<Vec<_>>(), ["default/service-account-password"]);
    let sealed = s.blobs().raw(&refs[0]).unwrap();
    assert!(!sealed.windows(PASSWORD.len()).any(|w| w == PASSWORD.as_bytes()));
    assert_eq!(s.get(&refs[0]).unwrap().expose(), PASSWORD);

    let json = config.to_json();
    assert!(!json.contains(PASSWORD), "{json}");
    assert!(!format!("{config:?}").contains(PASSWORD));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["connection"]["method"], "service_account");
    assert_eq!(v["connection"]["auth"], "ntlm");
    assert_eq!(v["connection"]["user"], "svc@contoso.com");
    assert_eq!(v["connection"]["sign_in_as"], r"contoso.com\svc", "the form that worked is recorded");
    assert_eq!(v["connection"]["password"], "default/service-account-password");
    assert_eq!(v["additional_domains"], serde_json::json!(["fabrikam.com"]));
    assert_eq!(v["ews_url"], "https://mail.contoso.com/EWS/Exchange.asmx");
    assert_eq!(v["ews_url_by_hand"], serde_json::Value::Null);
    assert_eq!(v["validated"]["test_mailbox"], "alice@contoso.com");
    assert_eq!(v["validated"]["auth_scheme"], "NTLM");
    assert_eq!(v["validated"]["at"], "2026-01-01T00:00:00Z");
    assert_eq!(
        v["validated"]["autodiscover_endpoint"],
        "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"
    );
    assert_eq!(v["scope"], serde_json::json!({"contacts": true, "events": true}));

    // The saved config signs in with the form that worked.
    let Credentials::Ntlm { user, password } = config.credentials().unwrap() else { panic!() };
    assert_eq!(user.to_string(), r"contoso.com\svc");
    assert_eq!(password.expose(), PASSWORD);
}

#[test]
fn json_round_trip_and_loading_secrets() {
    let mut f = service_account_flow();
    let s = store(7);
    let config = f.save(&s).unwrap();
    let mut back = SetupConfig::from_json(&config.to_json()).unwrap();
    assert_eq!(back, config);
    let e = back.credentials().unwrap_err();
    assert!(
        matches!(&e, SetupError::SecretStore { field: Field::Password, source: SecretStoreError::NotLoaded { .. } }),
        "{e}"
    );
    back.load_secrets(&s).unwrap();
    assert!(back.credentials().is_ok());

    // With another key the secret does not open, and the error names the field.
    let other = store(8);
    other.blobs().set_raw(
        &SecretRef::new("default/service-account-password").unwrap(),
        s.blobs().raw(&SecretRef::new("default/service-account-password").unwrap()).unwrap(),
    );
    let mut again = SetupConfig::from_json(&config.to_json()).unwrap();
    let e = again.load_secrets(&other).unwrap_err();
    assert!(matches!(e, SetupError::SecretStore { field: Field::Password, source: SecretStoreError::Decrypt { .. } }));
    assert!(matches!(
        SetupFlow::from_saved(&again, &other),
        Err(SetupError::SecretStore { field: Field::Password, .. })
    ));
    let e = again.load_secrets(&store(9)).unwrap_err();
    assert!(matches!(e, SetupError::SecretStore { source: SecretStoreError::NotFound { .. }, .. }));

    // Versions and garbage.
    let newer = config.to_json().replace("\"version\": 1", "\"version\": 2");
    assert_eq!(SetupConfig::from_json(&newer), Err(SetupError::UnsupportedConfigVersion { found: 2, supported: 1 }));
    assert!(matches!(SetupConfig::from_json("{}"), Err(SetupError::UnreadableConfig { .. })));
    assert!(matches!(SetupConfig::from_json("[1,2"), Err(SetupError::UnreadableConfig { .. })));
    let bad_domain = config.to_json().replace("\"fabrikam.com\"", "\"fab rikam.com\"");
    assert!(matches!(SetupConfig::from_json(&bad_domain), Err(SetupError::UnreadableConfig { .. })));
}

#[test]
fn reopening_a_saved_setup_and_editing_it() {
    let mut f = service_account_flow();
    let s = store(3);
    let config = f.save(&s).unwrap();
    let loaded = SetupConfig::from_json(&config.to_json()).unwrap();

    let mut g = SetupFlow::from_saved(&loaded, &s).unwrap();
    assert_eq!(g.current(), SetupStep::Save);
    assert!(g.is_saved());
    assert!(g.validation_status().is_passed());
    assert!(SetupStep::ALL.iter().all(|st| g.is_complete(*st)));
    assert!(g.has_password());
    assert_eq!(g.test_mailbox().unwrap().to_string(), "alice@contoso.com");
    assert!(g.last_report().is_none(), "a reopened setup has no report of this session");
    // Saving again unchanged gives the same configuration.
    assert_eq!(g.save(&s).unwrap(), config);

    // Editing the domains needs a new validation before saving.
    g.go_to(SetupStep::Domains).unwrap();
    g.set_additional_domains("fabrikam.com, northwind.example").unwrap();
    assert!(!g.is_saved());
    assert!(matches!(g.save(&s), Err(SetupError::ValidationRequired { reason: ValidationNeeded::Changed { .. } })));
    validate(&mut g, healthy);
    let edited = g.save(&s).unwrap();
    assert_eq!(edited.additional_domains.to_string(), "fabrikam.com, northwind.example");
    // This validation accepted the UPN form.
    let SavedConnection::ServiceAccount { sign_in_as, .. } = &edited.connection else { panic!() };
    assert_eq!(sign_in_as.to_string(), "svc@contoso.com");
}

#[test]
fn switching_to_oauth_removes_the_password_from_the_store() {
    let mut f = service_account_flow();
    let s = store(4);
    f.save(&s).unwrap();
    f.go_to(SetupStep::ConnectionMethod).unwrap();
    f.set_connection_method(ConnectionMethod::OAuthAppOnly).unwrap();
    f.set_oauth_app(OAuthApp {
        tenant: "contoso.onmicrosoft.com".into(),
        client_id: "6731de76-14a6-49ae-97bc-6eba6914391e".into(),
        credential: OAuthCredential::ClientSecret(Secret::new(CLIENT_SECRET)),
        authority_host: None,
    })
    .unwrap();
    f.set_additional_domains("contoso.com, fabrikam.com").unwrap();
    f.set_validation_target("alice@contoso.com", None).unwrap();
    validate(&mut f, healthy);
    let config = f.save(&s).unwrap();
    let refs: Vec<String> = s.blobs().references().iter().map(ToString::to_string).collect();
    assert_eq!(refs, ["default/oauth-client-secret"]);
    assert_eq!(config.allowed_domains().to_string(), "contoso.com, fabrikam.com");
    assert!(!config.to_json().contains(CLIENT_SECRET));
}

#[test]
fn oauth_setups_save_and_reopen() {
    for (credential, name, secret) in [
        (OAuthCredential::ClientSecret(Secret::new(CLIENT_SECRET)), "default/oauth-client-secret", CLIENT_SECRET),
        (
            OAuthCredential::Certificate {
                thumbprint: "ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01".into(),
                private_key_pem: Secret::new(KEY_PEM),
            },
            "default/oauth-private-key",
            KEY_PEM,
        ),
    ] {
        let mut f = oauth_flow(credential);
        let s = store(5);
        let config = f.save(&s).unwrap();
        let json = config.to_json();
        assert!(!json.contains(secret.trim()), "{json}");
        assert!(json.contains(name));
        assert_eq!(config.ews_url_by_hand.as_ref().unwrap().host_str(), Some("outlook.office365.com"));
        assert_eq!(config.allowed_domains().service_account, None);
        let mut loaded = SetupConfig::from_json(&json).unwrap();
        loaded.load_secrets(&s).unwrap();
        match loaded.credentials().unwrap() {
            Credentials::OAuthClientSecret { secret: got, client_id, .. } => {
                assert_eq!(got.expose(), CLIENT_SECRET);
                assert_eq!(client_id, "6731de76-14a6-49ae-97bc-6eba6914391e");
            }
            Credentials::OAuthCertificate { thumbprint, private_key_pem, .. } => {
                assert_eq!(thumbprint, "ABCDEF0123456789ABCDEF0123456789ABCDEF01");
                assert_eq!(private_key_pem.expose(), KEY_PEM);
            }
            other => panic!("{other:?}"),
        }
        let g = SetupFlow::from_saved(&loaded, &s).unwrap();
        assert_eq!(g.connection_method(), Some(ConnectionMethod::OAuthAppOnly));
        assert!(g.oauth_app().unwrap().same_as(f.oauth_app().unwrap()));

        // The analyzer can run again later from the saved setup.
        let input = loaded.analyzer_input(None).unwrap();
        assert_eq!(input.test_mailbox.to_string(), "alice@contoso.com");
        assert_eq!(input.scope, SyncScope::CONTACTS);
        assert_eq!(input.approved_hosts.domains, ["outlook.com", "office365.com"]);
        let mut a = Analyzer::new(input).unwrap();
        let (report, _) = run(&mut a, healthy);
        assert!(report.passed());
    }
}

#[test]
fn profiles_keep_separate_secrets() {
    let s = store(6);
    let mut a = SetupFlow::for_profile("tenant-a").unwrap();
    a.set_sync_scope(SyncScope::BOTH).unwrap();
    a.set_connection_method(ConnectionMethod::ServiceAccount(ServiceAccountAuth::Basic)).unwrap();
    a.set_user_name("svc@contoso.com").unwrap();
    a.set_password(Secret::new("pw-a")).unwrap();
    a.set_additional_domains("").unwrap();
    a.set_validation_target("alice@contoso.com", Some("https://mail.contoso.com/EWS/Exchange.asmx")).unwrap();
    validate(&mut a, healthy);
    let ca = a.save(&s).unwrap();
    let mut b = service_account_flow();
    b.save(&s).unwrap();
    let refs: Vec<String> = s.blobs().references().iter().map(ToString::to_string).collect();
    assert_eq!(refs, ["default/service-account-password", "tenant-a/service-account-password"]);
    assert_eq!(ca.profile, "tenant-a");
    let reopened = SetupFlow::from_saved(&ca, &s).unwrap();
    assert_eq!(reopened.profile(), "tenant-a");
    let mut bad = ca.clone();
    bad.profile = "../x".into();
    assert!(matches!(SetupFlow::from_saved(&bad, &s), Err(SetupError::UnreadableConfig { .. })));
}

#[test]
fn a_failing_secret_store_is_reported_with_the_field() {
    struct Broken;
    impl SecretStore for Broken {
        fn put(&self, reference: &SecretRef, _: &Secret) -> Result<(), SecretStoreError> {
            Err(SecretStoreError::Storage {
                reference: reference.to_string(),
                operation: "write",
                message: "disk full".into(),
            })
        }
        fn get(&self, reference: &SecretRef) -> Result<Secret, SecretStoreError> {
            Err(SecretStoreError::NotFound { reference: reference.to_string() })
        }
        fn delete(&self, _: &SecretRef) -> Result<bool, SecretStoreError> {
            Ok(false)
        }
    }
    let mut f = service_account_flow();
    let e = f.save(&Broken).unwrap_err();
    assert!(matches!(&e, SetupError::SecretStore { field: Field::Password, source: SecretStoreError::Storage { .. } }));
    assert!(e.to_string().contains("disk full"), "{e}");
    assert!(!f.is_saved());
}

#[test]
fn enrolment_checks_the_domain_then_impersonation() {
    let mut f = service_account_flow();
    let s = store(2);
    let mut config = f.save(&s).unwrap();

    // The domain rule needs no I/O.
    assert!(enrolment::check_domain("bob@FABRIKAM.com", &config.allowed_domains()).is_ok());
    let e = enrolment::check_domain("eve@northwind.example", &config.allowed_domains()).unwrap_err();
    assert_eq!(e.failed_check(), Some(EnrolmentCheck::Domain));
    assert!(e.to_string().contains("allowed: contoso.com, fabrikam.com"), "{e}");
    let e = enrolment::check_domain("not an address", &config.allowed_domains()).unwrap_err();
    assert_eq!(e.failed_check(), Some(EnrolmentCheck::Address));
    let e = enrolment::check_domain("bob@sub.contoso.com", &config.allowed_domains()).unwrap_err();
    assert_eq!(e.failed_check(), Some(EnrolmentCheck::Domain), "subdomains are not included");

    // Without loaded secrets the check cannot run.
    let unloaded = SetupConfig::from_json(&config.to_json()).unwrap();
    let e = Enrolment::for_config("bob@contoso.com", &unloaded).unwrap_err();
    assert_eq!(e.failed_check(), None);
    // The domain rule comes first even then.
    let e = Enrolment::for_config("eve@northwind.example", &unloaded).unwrap_err();
    assert_eq!(e.failed_check(), Some(EnrolmentCheck::Domain));

    config.load_secrets(&s).unwrap();
    let check = Enrolment::for_config(" Bob@Fabrikam.com ", &config).unwrap();
    assert_eq!(check.mailbox().to_string(), "Bob@fabrikam.com");
    let Probe::Impersonate { url, credentials, mailbox } = check.probe() else { panic!() };
    assert_eq!(url.as_str(), "https://mail.contoso.com/EWS/Exchange.asmx");
    assert_eq!(form(&credentials), Some(UserNameFormat::DownLevel));
    assert_eq!(mailbox.to_string(), "Bob@fabrikam.com");
    let enrolled = check.clone().finish(ProbeResult::Ews(EwsOutcome::Ok(EwsSeen::default()))).unwrap();
    assert!(enrolled.seen.contains("act as Bob@fabrikam.com"));

    let e = check
        .clone()
        .finish(ProbeResult::Ews(EwsOutcome::Error {
            code: ResponseCode::ErrorNonExistentMailbox,
            message: "none".into(),
        }))
        .unwrap_err();
    assert_eq!(e.failed_check(), Some(EnrolmentCheck::Impersonation));
    assert!(e.to_string().contains("has no mailbox for Bob@fabrikam.com"), "{e}");
    let e = check
        .clone()
        .finish(ProbeResult::Ews(EwsOutcome::Error {
            code: ResponseCode::ErrorImpersonateUserDenied,
            message: "no".into(),
        }))
        .unwrap_err();
    assert!(e.to_string().contains("ApplicationImpersonation"), "{e}");
    assert!(!e.to_string().contains(PASSWORD));
    let e = check.finish(ProbeResult::Connect(ConnectOutcome::Connected { address: None })).unwrap_err();
    assert_eq!(e, EnrolmentError::UnexpectedResult { got: ProbeKind::Connect });
}
