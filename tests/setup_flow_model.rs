//! State-machine property of the setup flow: under any sequence of the admin's actions (valid and
//! invalid input, going back, switching methods, validations passing and failing, saves), the flow
//! never panics, stays on an applicable step, and a saved configuration holds exactly what the
//! last passing validation checked: no credential, domain, test mailbox or EWS URL that changed
//! after it, and no wider sync scope.

mod setup_support;

use chrono::DateTime;
use exsync::autodiscover::Attempt;
use exsync::ews::ResponseCode;
use exsync::setup::*;
use exsync::transport::{Credentials, Secret};
use proptest::prelude::*;
use setup_support::{healthy, pox_answer, run};

const METHODS: [ConnectionMethod; 3] = [
    ConnectionMethod::ServiceAccount(ServiceAccountAuth::Ntlm),
    ConnectionMethod::ServiceAccount(ServiceAccountAuth::Basic),
    ConnectionMethod::OAuthAppOnly,
];
const SCOPES: [SyncScope; 4] =
    [SyncScope::CONTACTS, SyncScope::EVENTS, SyncScope::BOTH, SyncScope { contacts: false, events: false }];
const USERS: [&str; 4] = ["svc@contoso.com", r"contoso.com\svc", r"CONTOSO\svc", "no-domain"];
const PASSWORDS: [&str; 3] = ["pw-a", "pw-b", ""];
const SECRETS: [&str; 3] = ["secret-a", "secret-b", ""];
const DOMAINS: [&str; 5] = ["", "fabrikam.com", "contoso.com, fabrikam.com", "Fabrikam.com,contoso.com", "bad domain"];
const TARGETS: [(&str, Option<&str>); 4] = [
    ("alice@contoso.com", None),
    ("bob@fabrikam.com", None),
    ("alice@contoso.com", Some("https://mail.contoso.com/EWS/Exchange.asmx")),
    ("eve@northwind.example", None),
];

#[derive(Debug, Clone)]
enum Op {
    Scope(usize),
    Method(usize),
    User(usize),
    Password(usize),
    OAuth(usize),
    Domains(usize),
    Target(usize),
    Validate {
        pass: bool,
    },
    Save,
    Back,
    GoTo(usize),
    /// Completes whatever steps 1–6 miss with valid values (the admin clicking through).
    Fill,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (0..SCOPES.len()).prop_map(Op::Scope),
        1 => (0..METHODS.len()).prop_map(Op::Method),
        1 => (0..USERS.len()).prop_map(Op::User),
        1 => (0..PASSWORDS.len()).prop_map(Op::Password),
        1 => (0..SECRETS.len()).prop_map(Op::OAuth),
        1 => (0..DOMAINS.len()).prop_map(Op::Domains),
        1 => (0..TARGETS.len()).prop_map(Op::Target),
        1 => Just(Op::Back),
        1 => (0..SetupStep::ALL.len()).prop_map(Op::GoTo),
        4 => Just(Op::Fill),
        3 => any::<bool>().prop_map(|pass| Op::Validate { pass }),
        2 => Just(Op::Save),
    ]
}

/// What a passing validation checked.
#[derive(Debug, Clone)]
struct Checked {
    /// The secret and account of the credentials the analyzer signed in with.
    secret: String,
    account: Option<String>,
    method: ConnectionMethod,
    domains: AdditionalDomains,
    test_mailbox: String,
    ews_url: Option<String>,
    scope: SyncScope,
}

fn secret_and_account(c: &Credentials) -> (String, Option<String>) {
    match c {
        Credentials::Basic { user, password } | Credentials::Ntlm { user, password } => {
            (password.expose().to_owned(), Some(format!("{}@{}", user.user(), user.domain()).to_lowercase()))
        }
        Credentials::OAuthClientSecret { secret, .. } => (secret.expose().to_owned(), None),
        other => panic!("unexpected credentials {other:?}"),
    }
}

fn apply(flow: &mut SetupFlow, op: &Op, checked: &mut Option<Checked>, store: &dyn SecretStore) {
    match op {
        Op::Scope(i) => drop(flow.set_sync_scope(SCOPES[*i])),
        Op::Method(i) => drop(flow.set_connection_method(METHODS[*i])),
        Op::User(i) => drop(flow.set_user_name(USERS[*i])),
        Op::Password(i) => drop(flow.set_password(Secret::new(PASSWORDS[*i]))),
        Op::OAuth(i) => drop(flow.set_oauth_app(OAuthApp {
            tenant: "contoso.onmicrosoft.com".into(),
            client_id: "6731de76-14a6-49ae-97bc-6eba6914391e".into(),
            credential: OAuthCredential::ClientSecret(Secret::new(SECRETS[*i])),
            authority_host: None,
        })),
        Op::Domains(i) => drop(flow.set_additional_domains(DOMAINS[*i])),
        Op::Target(i) => drop(flow.set_validation_target(TARGETS[*i].0, TARGETS[*i].1)),
        Op::Back => drop(flow.back()),
        Op::Fill => {
            if flow.sync_scope().is_none() {
                flow.set_sync_scope(SyncScope::BOTH).unwrap();
            }
            if flow.connection_method().is_none() {
                flow.set_connection_method(METHODS[0]).unwrap();
            }
            if flow.applies(SetupStep::ServiceAccount) && !flow.is_complete(SetupStep::ServiceAccount) {
                flow.set_user_name(USERS[0]).unwrap();
            }
            if !flow.is_complete(SetupStep::Credentials) {
                match flow.connection_method() {
                    Some(ConnectionMethod::OAuthAppOnly) => apply(flow, &Op::OAuth(0), checked, store),
                    _ => flow.set_password(Secret::new(PASSWORDS[0])).unwrap(),
                }
            }
            if !flow.is_complete(SetupStep::Domains) {
                flow.set_additional_domains(DOMAINS[2]).unwrap();
            }
            if flow.test_mailbox().is_none() {
                flow.set_validation_target(TARGETS[0].0, TARGETS[0].1).unwrap();
            }
            assert!(flow.can_reach(SetupStep::Validate));
        }
        Op::GoTo(i) => drop(flow.go_to(SetupStep::ALL[*i])),
        Op::Validate { pass } => {
            let Ok((ticket, mut analyzer)) = flow.start_validation() else { return };
            let mut used = None;
            let (report, _) = run(&mut analyzer, |p| {
                if let Probe::Authenticate { credentials, .. } = p {
                    used = Some(credentials.clone());
                }
                match p {
                    Probe::ReadFolder { .. } if !pass => ProbeResult::Ews(EwsOutcome::Error {
                        code: ResponseCode::ErrorAccessDenied,
                        message: "denied".into(),
                    }),
                    // Exchange in the test mailbox's own domain, so that autodiscover's answer is
                    // trusted whatever the service account's domain is.
                    Probe::Autodiscover { attempt: Attempt::Pox { url, .. }, .. } => {
                        match url.host_str().and_then(|h| h.strip_prefix("autodiscover.")) {
                            Some(domain) => ProbeResult::Autodiscover(pox_answer(&format!(
                                "https://mail.{domain}/EWS/Exchange.asmx"
                            ))),
                            None => healthy(p),
                        }
                    }
                    other => healthy(other),
                }
            });
            let status =
                flow.finish_validation(ticket, report.clone(), DateTime::from_timestamp(0, 0).unwrap()).unwrap();
            assert_eq!(status.is_passed(), *pass, "{report}");
            if *pass {
                assert!(flow.is_complete(SetupStep::Validate));
                assert_eq!(flow.current(), SetupStep::Save);
                let (secret, account) = secret_and_account(&used.expect("authentication ran"));
                *checked = Some(Checked {
                    secret,
                    account,
                    method: flow.connection_method().unwrap(),
                    domains: flow.additional_domains().unwrap().clone(),
                    test_mailbox: report.test_mailbox.clone(),
                    ews_url: flow.ews_url().map(ToString::to_string),
                    scope: flow.sync_scope().unwrap(),
                });
            }
        }
        Op::Save => {
            let Ok(config) = flow.save(store) else { return };
            assert!(flow.is_saved());
            let c = checked.as_ref().expect("a save needs a passing validation");
            let (secret, account) = secret_and_account(&config.credentials().unwrap());
            assert_eq!(secret, c.secret, "the saved secret is the one validated");
            assert_eq!(account, c.account, "the saved account is the one validated");
            let method = match &config.connection {
                SavedConnection::ServiceAccount { auth, .. } => ConnectionMethod::ServiceAccount(*auth),
                SavedConnection::OAuthAppOnly { .. } => ConnectionMethod::OAuthAppOnly,
            };
            assert_eq!(method, c.method);
            assert!(
                config.additional_domains.same_set(&c.domains),
                "{:?} vs {:?}",
                config.additional_domains,
                c.domains
            );
            assert_eq!(config.validated.test_mailbox.to_string(), c.test_mailbox);
            assert_eq!(config.ews_url_by_hand.as_ref().map(ToString::to_string), c.ews_url);
            assert!(c.scope.covers(config.scope), "saved scope {} was not validated ({})", config.scope, c.scope);
            let refs = config.secret_refs();
            assert_eq!(refs.len(), 1);
            assert_eq!(store.get(refs[0].1).unwrap().expose(), c.secret);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn saved_setups_hold_only_what_was_validated(ops in prop::collection::vec(op(), 1..40)) {
        let store = EncryptedSecretStore::new(&SecretKey::from_bytes(&[3; 32]).unwrap(), MemorySecretBlobs::default());
        let mut flow = SetupFlow::new();
        let mut checked = None;
        for op in &ops {
            apply(&mut flow, op, &mut checked, &store);
            prop_assert!(flow.applies(flow.current()), "current step {:?} does not apply", flow.current());
            prop_assert!(flow.can_reach(flow.current()), "current step {:?} unreachable after {:?}", flow.current(), op);
            if flow.is_saved() {
                prop_assert!(flow.validation_status().is_passed());
            }
        }
    }
}
