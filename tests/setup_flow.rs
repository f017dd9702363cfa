//! The setup flow's state machine: every step and transition, going back and editing, every
//! invalid input with the field it names, and the rule that changed inputs need validating again.

mod setup_support;

use chrono::{DateTime, Utc};
use exsync::ews::ResponseCode;
use exsync::setup::*;
use exsync::transport::{Secret, UserNameError};
use setup_support::{healthy, run};

const NTLM: ConnectionMethod = ConnectionMethod::ServiceAccount(ServiceAccountAuth::Ntlm);
const BASIC: ConnectionMethod = ConnectionMethod::ServiceAccount(ServiceAccountAuth::Basic);
const APP: &str = "6731de76-14a6-49ae-97bc-6eba6914391e";

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600, 0).unwrap()
}

fn oauth_app(secret: &str) -> OAuthApp {
    OAuthApp {
        tenant: "contoso.onmicrosoft.com".into(),
        client_id: APP.into(),
        credential: OAuthCredential::ClientSecret(Secret::new(secret)),
        authority_host: None,
    }
}

/// A flow with steps 1–5 done for an NTLM service account.
fn up_to_validate() -> SetupFlow {
    let mut f = SetupFlow::new();
    f.set_sync_scope(SyncScope::BOTH).unwrap();
    f.set_connection_method(NTLM).unwrap();
    f.set_user_name("svc@contoso.com").unwrap();
    f.set_password(Secret::new("pw-1")).unwrap();
    f.set_additional_domains("fabrikam.com").unwrap();
    f
}

/// Runs validation against `respond` and records the report.
fn validate_with(f: &mut SetupFlow, respond: impl FnMut(&Probe) -> ProbeResult) -> ValidationStatus {
    let (ticket, mut analyzer) = f.start_validation().unwrap();
    let (report, _) = run(&mut analyzer, respond);
    f.finish_validation(ticket, report, now()).unwrap()
}

fn validated() -> SetupFlow {
    let mut f = up_to_validate();
    f.set_validation_target("alice@contoso.com", None).unwrap();
    assert!(validate_with(&mut f, healthy).is_passed());
    f
}

fn changes(f: &SetupFlow) -> Vec<ChangedInput> {
    match f.validation_status() {
        ValidationStatus::Outdated { changes } => changes,
        ValidationStatus::Passed { .. } => Vec::new(),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_new_flow_starts_at_step_one_and_nothing_later_is_reachable() {
    let mut f = SetupFlow::new();
    assert_eq!(f.current(), SetupStep::SyncScope);
    assert_eq!(f.profile(), "default");
    assert_eq!(f.steps(), SetupStep::ALL.to_vec());
    assert_eq!(SetupStep::ALL.map(SetupStep::number), [1, 2, 3, 4, 5, 6, 7]);
    for step in &SetupStep::ALL[1..] {
        assert_eq!(f.go_to(*step), Err(SetupError::StepNotReachable { step: *step, missing: SetupStep::SyncScope }));
        assert!(!f.can_reach(*step));
    }
    assert!(f.can_reach(SetupStep::SyncScope));
    assert_eq!(f.back(), Err(SetupError::NoPreviousStep { step: SetupStep::SyncScope }));
    let missing = |e: SetupError| match e {
        SetupError::StepNotReachable { missing, .. } => missing,
        other => panic!("{other:?}"),
    };
    assert_eq!(missing(f.set_connection_method(NTLM).unwrap_err()), SetupStep::SyncScope);
    assert_eq!(missing(f.set_user_name("svc@contoso.com").unwrap_err()), SetupStep::SyncScope);
    assert_eq!(missing(f.set_password(Secret::new("x")).unwrap_err()), SetupStep::SyncScope);
    assert_eq!(missing(f.set_oauth_app(oauth_app("v")).unwrap_err()), SetupStep::SyncScope);
    assert_eq!(missing(f.set_additional_domains("a.com").unwrap_err()), SetupStep::SyncScope);
    assert_eq!(missing(f.set_validation_target("a@a.com", None).unwrap_err()), SetupStep::SyncScope);
    assert_eq!(missing(f.start_validation().unwrap_err()), SetupStep::SyncScope);
    let store = EncryptedSecretStore::new(&SecretKey::from_bytes(&[1; 32]).unwrap(), MemorySecretBlobs::default());
    assert_eq!(missing(f.save(&store).unwrap_err()), SetupStep::SyncScope);
    assert_eq!(f.validation_status(), ValidationStatus::NotRun);
    assert_eq!(f.validation_needed(), Some(ValidationNeeded::NeverRun));
}

#[test]
fn service_account_path_walks_the_steps_in_order() {
    let mut f = SetupFlow::new();
    let err = f.set_sync_scope(SyncScope { contacts: false, events: false }).unwrap_err();
    assert_eq!(err.field(), Some(Field::SyncScope));
    assert_eq!(f.current(), SetupStep::SyncScope);

    f.set_sync_scope(SyncScope::CONTACTS).unwrap();
    assert_eq!(f.current(), SetupStep::ConnectionMethod);
    f.set_connection_method(BASIC).unwrap();
    assert_eq!(f.current(), SetupStep::ServiceAccount);
    f.set_user_name("  svc@contoso.com ").unwrap();
    assert_eq!(f.current(), SetupStep::Credentials);
    assert_eq!(f.user_name().unwrap().to_string(), "svc@contoso.com");
    f.set_password(Secret::new(" spaces kept ")).unwrap();
    assert_eq!(f.current(), SetupStep::Domains);
    assert!(f.has_password());
    f.set_additional_domains("").unwrap();
    assert_eq!(f.current(), SetupStep::Validate);
    assert_eq!(f.allowed_domains().to_string(), "contoso.com");
    for step in &SetupStep::ALL[..5] {
        assert!(f.is_complete(*step), "{step:?}");
    }
    assert!(!f.is_complete(SetupStep::Validate));
    assert_eq!(
        f.go_to(SetupStep::Save),
        Err(SetupError::StepNotReachable { step: SetupStep::Save, missing: SetupStep::Validate })
    );
}

#[test]
fn every_invalid_input_names_its_field() {
    let mut f = up_to_validate();
    let field = |r: Result<(), SetupError>| r.unwrap_err().field().unwrap();

    assert!(matches!(
        f.set_user_name("svc").unwrap_err(),
        SetupError::InvalidUserName { field: Field::UserName, source: UserNameError::NoSeparator }
    ));
    assert_eq!(field(f.set_user_name("")), Field::UserName);
    assert_eq!(field(f.set_user_name(r"a@b\c")), Field::UserName);
    assert_eq!(f.set_password(Secret::new("")).unwrap_err(), SetupError::Required { field: Field::Password });
    assert_eq!(field(f.set_password(Secret::new("x".repeat(1025)))), Field::Password);
    let e = f.set_additional_domains("ok.com, bad domain.com").unwrap_err();
    assert!(
        matches!(&e, SetupError::InvalidDomains { field: Field::AdditionalDomains, source } if source.invalid[0].position == 2)
    );
    assert!(e.to_string().contains("\"bad domain.com\""), "{e}");
    assert_eq!(field(f.set_validation_target("alice", None)), Field::TestMailbox);
    assert!(matches!(
        f.set_validation_target("alice@", None),
        Err(SetupError::InvalidAddress { field: Field::TestMailbox, .. })
    ));
    let e = f.set_validation_target("eve@northwind.example", None).unwrap_err();
    assert_eq!(e.field(), Some(Field::TestMailbox));
    assert!(e.to_string().contains("allowed: contoso.com, fabrikam.com"), "{e}");
    for bad in [
        "mail.contoso.com/EWS/Exchange.asmx",
        "ftp://mail.contoso.com/EWS",
        "http://mail.contoso.com/EWS/Exchange.asmx",
        "https://svc:pw@mail.contoso.com/EWS/Exchange.asmx",
        "http://127.0.0.1:8080/EWS/Exchange.asmx",
    ] {
        let e = f.set_validation_target("alice@contoso.com", Some(bad)).unwrap_err();
        assert_eq!(e.field(), Some(Field::EwsUrl), "{bad}");
        assert!(!e.to_string().contains(":pw@"), "{e}");
    }
    assert_eq!(f.test_mailbox(), None, "a refused target leaves the fields as they were");
    f.set_allow_http_loopback(true);
    f.set_validation_target("alice@contoso.com", Some("http://127.0.0.1:8080/EWS/Exchange.asmx")).unwrap();
    f.set_validation_target("Alice@Fabrikam.com", Some("  ")).unwrap();
    assert_eq!(f.ews_url(), None);
    assert_eq!(f.test_mailbox().unwrap().to_string(), "Alice@fabrikam.com");

    // Nothing the errors say contains a secret.
    let e = f.set_password(Secret::new("s".repeat(2000))).unwrap_err();
    assert!(!e.to_string().contains("sss"));
    assert!(!format!("{f:?}").contains("pw-1"));
}

#[test]
fn oauth_path_skips_the_user_name_and_needs_domains() {
    let mut f = SetupFlow::new();
    f.set_sync_scope(SyncScope::EVENTS).unwrap();
    f.set_connection_method(ConnectionMethod::OAuthAppOnly).unwrap();
    assert_eq!(f.current(), SetupStep::Credentials, "step 3 is skipped");
    assert!(!f.steps().contains(&SetupStep::ServiceAccount));
    assert!(!f.applies(SetupStep::ServiceAccount));
    let not_applicable =
        SetupError::StepNotApplicable { step: SetupStep::ServiceAccount, method: ConnectionMethod::OAuthAppOnly };
    assert_eq!(f.set_user_name("svc@contoso.com"), Err(not_applicable.clone()));
    assert_eq!(f.go_to(SetupStep::ServiceAccount), Err(not_applicable.clone()));
    assert!(not_applicable.to_string().contains("does not apply to OAuth 2.0"));
    assert_eq!(f.set_password(Secret::new("pw")).unwrap_err().field(), Some(Field::Password));

    assert_eq!(f.set_oauth_app(oauth_app("")).unwrap_err(), SetupError::Required { field: Field::ClientSecret });
    let mut bad = oauth_app("v");
    bad.client_id = "not-a-guid".into();
    assert_eq!(f.set_oauth_app(bad).unwrap_err().field(), Some(Field::ClientId));
    assert_eq!(f.current(), SetupStep::Credentials);
    f.set_oauth_app(oauth_app("value-1")).unwrap();
    assert_eq!(f.current(), SetupStep::Domains);
    assert_eq!(f.oauth_app().unwrap().client_id, APP);

    let e = f.set_additional_domains(" , ").unwrap_err();
    assert_eq!(e.field(), Some(Field::AdditionalDomains));
    assert!(e.to_string().contains("OAuth 2.0"), "{e}");
    assert_eq!(f.additional_domains(), None, "the refused list was not kept");
    f.set_additional_domains("contoso.com").unwrap();
    assert_eq!(f.current(), SetupStep::Validate);
    assert_eq!(f.allowed_domains().service_account, None);

    // back() skips the step that does not apply.
    f.go_to(SetupStep::Credentials).unwrap();
    assert_eq!(f.back(), Ok(SetupStep::ConnectionMethod));
    assert_eq!(f.back(), Ok(SetupStep::SyncScope));
}

#[test]
fn service_account_credentials_are_refused_for_oauth_and_vice_versa() {
    let mut f = up_to_validate();
    let e = f.set_oauth_app(oauth_app("v")).unwrap_err();
    assert_eq!(e.field(), Some(Field::ClientId));
    assert!(e.to_string().contains("choose OAuth 2.0"), "{e}");
}

#[test]
fn netbios_user_names_need_additional_domains() {
    let mut f = SetupFlow::new();
    f.set_sync_scope(SyncScope::BOTH).unwrap();
    f.set_connection_method(NTLM).unwrap();
    f.set_user_name(r"CONTOSO\svc").unwrap();
    f.set_password(Secret::new("pw")).unwrap();
    let e = f.set_additional_domains("").unwrap_err();
    assert!(e.to_string().contains("CONTOSO is not an email domain"), "{e}");
    f.set_additional_domains("contoso.com").unwrap();
    assert!(f.is_complete(SetupStep::Domains));

    // A user name change that leaves nobody enrollable makes step 5 incomplete again.
    let mut f = up_to_validate();
    f.set_additional_domains("").unwrap();
    f.set_user_name(r"CONTOSO\svc").unwrap();
    assert!(!f.is_complete(SetupStep::Domains));
    assert_eq!(
        f.go_to(SetupStep::Validate),
        Err(SetupError::StepNotReachable { step: SetupStep::Validate, missing: SetupStep::Domains })
    );
}

#[test]
fn going_back_and_forward() {
    let mut f = up_to_validate();
    assert_eq!(f.back(), Ok(SetupStep::Domains));
    assert_eq!(f.back(), Ok(SetupStep::Credentials));
    assert_eq!(f.back(), Ok(SetupStep::ServiceAccount));
    f.go_to(SetupStep::Validate).unwrap();
    assert_eq!(f.current(), SetupStep::Validate);
    f.go_to(SetupStep::SyncScope).unwrap();
    // Editing an earlier step moves to the step after it; later values are kept.
    f.set_sync_scope(SyncScope::CONTACTS).unwrap();
    assert_eq!(f.current(), SetupStep::ConnectionMethod);
    assert_eq!(f.user_name().unwrap().to_string(), "svc@contoso.com");
    // Editing may also be done from a later step without going back first.
    f.go_to(SetupStep::Validate).unwrap();
    f.set_user_name(r"contoso.com\svc").unwrap();
    assert_eq!(f.current(), SetupStep::Credentials);
}

#[test]
fn switching_method_drops_the_other_methods_credentials() {
    let mut f = up_to_validate();
    f.set_connection_method(BASIC).unwrap();
    assert!(f.has_password(), "Basic and NTLM share the user name and password");
    assert_eq!(f.user_name().unwrap().to_string(), "svc@contoso.com");

    f.set_connection_method(ConnectionMethod::OAuthAppOnly).unwrap();
    assert!(!f.has_password());
    assert_eq!(f.user_name(), None);
    assert!(!f.is_complete(SetupStep::Credentials));
    f.set_oauth_app(oauth_app("v-1")).unwrap();

    f.set_connection_method(NTLM).unwrap();
    assert!(f.oauth_app().is_none());
    assert_eq!(f.current(), SetupStep::ServiceAccount);
    assert_eq!(
        f.go_to(SetupStep::Domains),
        Err(SetupError::StepNotReachable { step: SetupStep::Domains, missing: SetupStep::ServiceAccount })
    );
}

#[test]
fn validation_passes_and_moves_to_save() {
    let mut f = up_to_validate();
    assert_eq!(f.start_validation().unwrap_err(), SetupError::Required { field: Field::TestMailbox });
    f.set_validation_target("alice@contoso.com", None).unwrap();
    let status = validate_with(&mut f, healthy);
    assert_eq!(status, ValidationStatus::Passed { at: now() });
    assert_eq!(f.current(), SetupStep::Save);
    assert!(f.is_complete(SetupStep::Validate));
    assert!(f.can_reach(SetupStep::Save));
    assert!(f.last_report().unwrap().passed());
    assert_eq!(f.validation_needed(), None);
    assert!(!f.is_saved());
}

#[test]
fn a_failed_validation_stays_and_blocks_saving() {
    let mut f = up_to_validate();
    f.set_validation_target("alice@contoso.com", None).unwrap();
    let status = validate_with(&mut f, |p| match p {
        Probe::Impersonate { .. } => ProbeResult::Ews(EwsOutcome::Error {
            code: ResponseCode::ErrorImpersonateUserDenied,
            message: "denied".into(),
        }),
        other => healthy(other),
    });
    assert_eq!(status, ValidationStatus::Failed { step: AnalyzerStep::Impersonation });
    assert_eq!(f.current(), SetupStep::Validate);
    let store = EncryptedSecretStore::new(&SecretKey::from_bytes(&[1; 32]).unwrap(), MemorySecretBlobs::default());
    let e = f.save(&store).unwrap_err();
    assert_eq!(
        e,
        SetupError::ValidationRequired { reason: ValidationNeeded::Failed { step: AnalyzerStep::Impersonation } }
    );
    assert!(e.to_string().contains("failed at impersonation"), "{e}");
    assert!(store.blobs().references().is_empty(), "nothing was stored");
    // Validating again after the fix passes.
    assert!(validate_with(&mut f, healthy).is_passed());
}

#[test]
fn changes_after_validation_require_validating_again() {
    // Credentials.
    let mut f = validated();
    f.set_password(Secret::new("pw-1")).unwrap();
    assert!(f.validation_status().is_passed(), "the same password is no change");
    f.set_password(Secret::new("pw-2")).unwrap();
    assert_eq!(changes(&f), [ChangedInput::Credentials]);
    assert!(validate_with(&mut f, healthy).is_passed());
    f.set_user_name("svc@contoso.com").unwrap();
    assert!(f.validation_status().is_passed());
    f.set_user_name(r"contoso.com\svc").unwrap();
    assert_eq!(changes(&f), [ChangedInput::Credentials]);

    // Domains (order does not matter).
    let mut f = validated();
    f.set_additional_domains("FABRIKAM.com,").unwrap();
    assert!(f.validation_status().is_passed());
    f.set_additional_domains("fabrikam.com, northwind.example").unwrap();
    assert_eq!(changes(&f), [ChangedInput::Domains]);
    let store = EncryptedSecretStore::new(&SecretKey::from_bytes(&[1; 32]).unwrap(), MemorySecretBlobs::default());
    let e = f.save(&store).unwrap_err();
    assert!(e.to_string().contains("the additional domains changed since the last validation"), "{e}");

    // Method.
    let mut f = validated();
    f.set_connection_method(NTLM).unwrap();
    assert!(f.validation_status().is_passed());
    f.set_connection_method(BASIC).unwrap();
    assert_eq!(changes(&f), [ChangedInput::ConnectionMethod]);
    f.set_password(Secret::new("pw-9")).unwrap();
    assert_eq!(changes(&f), [ChangedInput::ConnectionMethod, ChangedInput::Credentials]);

    // Scope: narrowing keeps the validation, widening does not, narrowing back restores it.
    let mut f = up_to_validate();
    f.go_to(SetupStep::SyncScope).unwrap();
    f.set_sync_scope(SyncScope::CONTACTS).unwrap();
    f.go_to(SetupStep::Validate).unwrap();
    f.set_validation_target("alice@contoso.com", None).unwrap();
    assert!(validate_with(&mut f, healthy).is_passed());
    f.set_sync_scope(SyncScope::BOTH).unwrap();
    assert_eq!(changes(&f), [ChangedInput::ScopeWidened]);
    f.set_sync_scope(SyncScope::CONTACTS).unwrap();
    assert!(f.validation_status().is_passed());
    let mut f = validated();
    f.set_sync_scope(SyncScope::EVENTS).unwrap();
    assert!(f.validation_status().is_passed());

    // Test mailbox and EWS URL.
    let mut f = validated();
    f.set_validation_target("alice@contoso.com", None).unwrap();
    assert!(f.validation_status().is_passed());
    f.set_validation_target("bob@contoso.com", Some("https://mail.contoso.com/EWS/Exchange.asmx")).unwrap();
    assert_eq!(changes(&f), [ChangedInput::TestMailbox, ChangedInput::EwsUrl]);
    assert!(!f.is_complete(SetupStep::Validate));
    assert!(validate_with(&mut f, healthy).is_passed());
}

#[test]
fn a_report_for_changed_inputs_is_refused() {
    let mut f = up_to_validate();
    f.set_validation_target("alice@contoso.com", None).unwrap();
    let (ticket, mut analyzer) = f.start_validation().unwrap();
    let (report, _) = run(&mut analyzer, healthy);
    f.set_password(Secret::new("changed while it ran")).unwrap();
    assert_eq!(f.finish_validation(ticket, report.clone(), now()), Err(SetupError::StaleValidation));
    assert_eq!(f.validation_status(), ValidationStatus::NotRun);

    // A report for another mailbox is refused too.
    let (ticket, _) = f.start_validation().unwrap();
    let mut other = report;
    other.test_mailbox = "bob@contoso.com".into();
    assert_eq!(f.finish_validation(ticket, other, now()), Err(SetupError::StaleValidation));
}

#[test]
fn the_analyzer_is_set_up_from_the_flow() {
    let mut f = up_to_validate();
    f.set_validation_target("bob@fabrikam.com", None).unwrap();
    let (ticket, mut analyzer) = f.start_validation().unwrap();
    let (report, probes) = run(&mut analyzer, healthy);
    // Autodiscover for the test mailbox's domain, signed in as the service account.
    assert!(matches!(&probes[0], Probe::Dns { hosts, .. } if hosts[0] == "fabrikam.com"));
    assert_eq!(report.signed_in_as, "NTLM as svc@contoso.com");
    assert_eq!(report.test_mailbox, "bob@fabrikam.com");
    f.finish_validation(ticket, report, now()).unwrap();

    // The domains changed after validation must still hold the test mailbox.
    f.set_additional_domains("").unwrap();
    assert_eq!(f.start_validation().unwrap_err().field(), Some(Field::TestMailbox));
}

#[test]
fn profiles_name_valid_references() {
    assert_eq!(SetupFlow::for_profile("crm-eu.1").unwrap().profile(), "crm-eu.1");
    for bad in ["", "a/b", "a b", &"p".repeat(65)] {
        assert!(SetupFlow::for_profile(bad).is_err(), "{bad:?}");
    }
    assert_eq!(SetupFlow::default().profile(), "default");
}
