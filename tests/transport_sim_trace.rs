//! The wire trace of a real session: an NTLM-signed-in client over HTTPS against the simulator
//! (GetFolder, CreateItem, SyncFolderItems, GetItem). Every message is written, the NTLM legs
//! included, with credentials and NTLM messages redacted; every SOAP request and answer in it
//! validates against Microsoft's EWS schema.
#![cfg(feature = "sim")]

mod common;
mod sim_client;
mod transport_sim;

use std::path::{Path, PathBuf};

use common::{Schema, body_document, schema_validation, validate};
use exsync::ews::{BaseShape, GetItem, Item, ItemShape, SyncFolderItems};
use exsync::transport::EwsClient;
use sim_client::{PASSWORD, org};
use transport_sim::{config, contacts, contacts_folder, create_contact, ntlm};

const ALICE: &str = "alice@contoso.com";

fn trace_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("exsync-trace-sim-session-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[tokio::test]
async fn an_ntlm_session_is_traced_redacted_and_schema_valid() {
    let server = org().tls(true).start().await.unwrap();
    let dir = trace_dir();
    let mut cfg = config(&server, ntlm(r"CONTOSO\svc"));
    cfg.http.trace_dir = Some(dir.clone());
    let client = EwsClient::new(cfg).unwrap();
    client.call(ALICE, contacts_folder()).await.unwrap();
    let created = client.call(ALICE, create_contact("Margaret", "Hamilton")).await.unwrap();
    let id = created.response.items().next().and_then(Item::id).cloned().expect("the new contact's id");
    client.call(ALICE, SyncFolderItems::new(contacts(), ItemShape::new(BaseShape::IdOnly))).await.unwrap();
    client.call(ALICE, GetItem::new(vec![id], ItemShape::new(BaseShape::AllProperties))).await.unwrap();

    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let expected: Vec<String> =
        [(1, "GetFolder"), (2, "GetFolder"), (3, "CreateItem"), (4, "SyncFolderItems"), (5, "GetItem")]
            .iter()
            .flat_map(|(n, op)| {
                ["request.headers", "request.xml", "response.headers", "response.xml"]
                    .map(|f| format!("{n:04}-{op}-{f}"))
            })
            .collect();
    assert_eq!(names, expected);

    // The NEGOTIATE leg: no body, the NTLM message redacted; the CHALLENGE answer likewise.
    assert_eq!(read(&dir, "0001-GetFolder-request.xml"), "");
    let negotiate = read(&dir, "0001-GetFolder-request.headers");
    assert!(negotiate.contains("authorization: NTLM ***\n"), "{negotiate}");
    assert!(negotiate.contains("content-length: 0\n"), "{negotiate}");
    let challenge = read(&dir, "0001-GetFolder-response.headers");
    assert!(challenge.starts_with("HTTP/1.1 401 Unauthorized\n"), "{challenge}");
    assert!(challenge.contains("www-authenticate: NTLM ***\n"), "{challenge}");
    // The AUTHENTICATE leg carries the request; later requests ride the signed-in connection.
    assert!(read(&dir, "0002-GetFolder-request.headers").contains("authorization: NTLM ***\n"));
    assert!(read(&dir, "0002-GetFolder-response.headers").starts_with("HTTP/1.1 200 OK\n"));
    for later in ["0003-CreateItem-request.headers", "0004-SyncFolderItems-request.headers"] {
        assert!(!read(&dir, later).contains("authorization"), "{later} needs no credentials");
    }
    for name in &names {
        let text = read(&dir, name);
        assert!(!text.contains(PASSWORD), "{name} leaks the password");
        // base64 of "NTLMSSP": no NTLM message appears in any file.
        assert!(!text.contains("TlRMTVNT"), "{name} leaks an NTLM message");
    }
    assert!(client.http().tracer().unwrap().failure().is_none());

    if let Some(shared) = schema_validation() {
        let mut envelopes = Vec::new();
        let mut bodies = Vec::new();
        for name in names.iter().filter(|n| n.ends_with(".xml")) {
            let xml = read(&dir, name);
            if xml.is_empty() {
                continue;
            }
            if name.contains("-request") {
                envelopes.push((name.clone(), xml.clone()));
            }
            bodies.push((name.clone(), body_document(&xml)));
        }
        assert_eq!(bodies.len(), 8, "four requests and their four answers");
        validate(&shared, Schema::Envelope, &envelopes).unwrap();
        validate(&shared, Schema::Current, &bodies).unwrap();
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
