//! The saved setup in one SQLite file: the configuration through the state store, the secrets
//! sealed by the default secret store into the file's `secrets` table, reopened after a restart;
//! the file's raw bytes never hold a secret in clear.

mod setup_support;

mod temp_db;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use exsync::setup::*;
use exsync::store::schema::{CURRENT_VERSION, MIGRATIONS};
use exsync::store::{SqliteStore, StateStore};
use exsync::transport::{Credentials, Secret, UserNameFormat};
use setup_support::{form, healthy, run};
use temp_db::TempDb;

const PASSWORD: &str = "Correct-Horse-42-unique";
const CLIENT_SECRET: &str = "Zx8Q~client.secret.value-unique";

fn key(k: u8) -> SecretKey {
    SecretKey::from_bytes(&[k; 32]).unwrap()
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600, 0).unwrap()
}

/// Every byte of the database: the file and its WAL and shared-memory files.
fn raw_bytes(db: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        if let Ok(bytes) = std::fs::read(PathBuf::from(p)) {
            out.extend(bytes);
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// A service-account setup validated (scripted) where Exchange accepts only the down-level form.
fn validated_flow() -> SetupFlow {
    let mut f = SetupFlow::new();
    f.set_sync_scope(SyncScope::BOTH).unwrap();
    f.set_connection_method(ConnectionMethod::ServiceAccount(ServiceAccountAuth::Ntlm)).unwrap();
    f.set_user_name("svc@contoso.com").unwrap();
    f.set_password(Secret::new(PASSWORD)).unwrap();
    f.set_additional_domains("fabrikam.com").unwrap();
    f.set_validation_target("alice@contoso.com", None).unwrap();
    let (ticket, mut analyzer) = f.start_validation().unwrap();
    let (report, _) = run(&mut analyzer, |p| match p {
        Probe::Authenticate { credentials, .. } if form(credentials) == Some(UserNameFormat::Upn) => {
            ProbeResult::Ews(EwsOutcome::Unauthorized { detail: None })
        }
        other => healthy(other),
    });
    assert!(f.finish_validation(ticket, report, now()).unwrap().is_passed());
    f
}

#[test]
fn the_whole_setup_survives_a_restart() {
    let dir = TempDb::new("restart");
    let saved = {
        let db = SqliteStore::open(dir.path()).unwrap();
        let secrets = EncryptedSecretStore::new(&key(7), &db);
        let mut flow = validated_flow();
        let config = flow.save(&secrets).unwrap();
        config.save_to(&db).unwrap();
        config
    };

    // A new process: open the file, read the setup, and reopen the flow with the same key.
    let db = SqliteStore::open(dir.path()).unwrap();
    let loaded = SetupConfig::load_from(&db).unwrap().expect("a saved setup");
    assert_eq!(loaded, saved);
    assert_eq!(
        db.secret_references().unwrap().iter().map(SecretRef::as_str).collect::<Vec<_>>(),
        ["default/service-account-password"]
    );
    let secrets = EncryptedSecretStore::new(&key(7), &db);
    let flow = SetupFlow::from_saved(&loaded, &secrets).unwrap();
    assert_eq!(flow.current(), SetupStep::Save);
    assert!(flow.validation_status().is_passed());
    assert_eq!(flow.additional_domains().unwrap().to_string(), "fabrikam.com");
    let mut with_secrets = loaded.clone();
    with_secrets.load_secrets(&secrets).unwrap();
    match with_secrets.credentials().unwrap() {
        Credentials::Ntlm { user, password } => {
            assert_eq!(user.to_string(), r"contoso.com\svc", "the form that worked is what signs in");
            assert_eq!(password.expose(), PASSWORD);
        }
        other => panic!("{other:?}"),
    }

    // Another key does not open the secrets.
    let wrong = EncryptedSecretStore::new(&key(8), &db);
    let e = SetupFlow::from_saved(&loaded, &wrong).unwrap_err();
    assert!(matches!(e, SetupError::SecretStore { source: SecretStoreError::Decrypt { .. }, .. }), "{e}");
    assert!(!e.to_string().contains(PASSWORD));
}

#[test]
fn the_file_never_holds_a_secret_in_clear() {
    let dir = TempDb::new("raw");
    let db = SqliteStore::open(dir.path()).unwrap();
    let secrets = EncryptedSecretStore::new(&key(9), &db);
    let mut flow = validated_flow();
    flow.save(&secrets).unwrap().save_to(&db).unwrap();

    // Switch to OAuth 2.0 with a client secret, validate again, save: the password is removed.
    flow.go_to(SetupStep::ConnectionMethod).unwrap();
    flow.set_connection_method(ConnectionMethod::OAuthAppOnly).unwrap();
    flow.set_oauth_app(OAuthApp {
        tenant: "contoso.onmicrosoft.com".into(),
        client_id: "6731de76-14a6-49ae-97bc-6eba6914391e".into(),
        credential: OAuthCredential::ClientSecret(Secret::new(CLIENT_SECRET)),
        authority_host: None,
    })
    .unwrap();
    flow.set_additional_domains("contoso.com").unwrap();
    flow.set_validation_target("alice@contoso.com", Some("https://outlook.office365.com/EWS/Exchange.asmx")).unwrap();
    let (ticket, mut analyzer) = flow.start_validation().unwrap();
    let (report, _) = run(&mut analyzer, healthy);
    flow.finish_validation(ticket, report, now()).unwrap();
    flow.save(&secrets).unwrap().save_to(&db).unwrap();
    assert_eq!(
        db.secret_references().unwrap().iter().map(SecretRef::as_str).collect::<Vec<_>>(),
        ["default/oauth-client-secret"]
    );

    for bytes in [raw_bytes(&dir.path()), {
        drop(db); // closing checkpoints the WAL into the main file
        raw_bytes(&dir.path())
    }] {
        // The file holds the setup (so these are the right bytes) but no secret in clear.
        assert!(contains(&bytes, "default/oauth-client-secret"));
        assert!(contains(&bytes, "6731de76-14a6-49ae-97bc-6eba6914391e"));
        assert!(!contains(&bytes, PASSWORD));
        assert!(!contains(&bytes, CLIENT_SECRET));
    }
}

#[test]
fn a_first_version_file_gains_the_secrets_table() {
    let dir = TempDb::new("migrate");
    {
        let conn = rusqlite::Connection::open(dir.path()).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch("PRAGMA user_version = 1").unwrap();
        conn.execute("INSERT INTO setup (id, config) VALUES (1, '{\"kept\": true}')", []).unwrap();
    }
    let db = SqliteStore::open(dir.path()).unwrap();
    assert_eq!(db.schema_version().unwrap(), CURRENT_VERSION);
    const { assert!(CURRENT_VERSION >= 2) };
    assert_eq!(db.setup_config().unwrap().unwrap()["kept"], true);
    assert!(db.secret_references().unwrap().is_empty());
    // A configuration that is not a setup is refused with a typed error, not a panic.
    assert!(matches!(SetupConfig::load_from(&db), Err(PersistError::Config(SetupError::UnreadableConfig { .. }))));
}

#[test]
fn an_empty_store_has_no_setup() {
    let db = SqliteStore::open_in_memory().unwrap();
    assert!(SetupConfig::load_from(&db).unwrap().is_none());
}
