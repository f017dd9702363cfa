//! The wire trace: request and response bodies as sent, headers beside them, secrets redacted,
//! requests valid against the EWS schema.

mod common;

use std::time::Duration;

use common::canned_server::{Canned, CannedServer};
use common::{Schema, body_document, schema_validation, validate};
use exsync::ews::{
    BaseFolderId, Contact, CreateItem, CreateItemResponse, DistinguishedFolderName, GetFolder, Item, ItemInfoContent,
    Response, ResponseBody, ResponseMessage, ResponseStatus,
};
use exsync::transport::{Credentials, EwsClient, EwsClientConfig, RetryPolicy, Secret, UserName};

const PASSWORD: &str = "tr4ce-Pa55";

fn create_ok() -> String {
    let msg = ResponseMessage { status: ResponseStatus::success(), content: ItemInfoContent { items: vec![] } };
    Response { server_version: None, body: ResponseBody::Message(CreateItemResponse { messages: vec![msg] }) }
        .to_xml_string("CreateItemResponse")
}

fn trace_dir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("exsync-trace-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[tokio::test]
async fn every_exchange_is_traced_with_secrets_redacted() {
    let server = CannedServer::start(|r, _| {
        let c = Canned::xml(create_ok());
        if r.header("cookie").is_none() {
            c.with_header("set-cookie", "X-BackEndOverrideCookie=EXCH01~19; path=/")
        } else {
            c
        }
    })
    .await;
    let dir = trace_dir("ews");
    let creds = Credentials::Basic { user: UserName::parse(r"CONTOSO\svc").unwrap(), password: Secret::new(PASSWORD) };
    let mut cfg = EwsClientConfig::new(server.url("/EWS/Exchange.asmx"), creds);
    cfg.http.allow_insecure_loopback = true;
    cfg.http.trace_dir = Some(dir.clone());
    cfg.retry = RetryPolicy { budget: Duration::from_secs(2), ..RetryPolicy::default() };
    let client = EwsClient::new(cfg).unwrap();
    let create = CreateItem::save_only(
        BaseFolderId::distinguished(DistinguishedFolderName::Contacts),
        vec![Item::Contact(Box::new(Contact::with_name("Grace", "Hopper")))],
    );
    client.call("alice@contoso.com", create.clone()).await.unwrap();
    client.call("alice@contoso.com", GetFolder::distinguished(&[DistinguishedFolderName::Calendar])).await.unwrap_err();

    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "0001-CreateItem-request.headers",
            "0001-CreateItem-request.xml",
            "0001-CreateItem-response.headers",
            "0001-CreateItem-response.xml",
            "0002-GetFolder-request.headers",
            "0002-GetFolder-request.xml",
            "0002-GetFolder-response.headers",
            "0002-GetFolder-response.xml",
        ]
    );
    let read = |n: &str| std::fs::read_to_string(dir.join(n)).unwrap();
    let reqs = server.requests();
    assert_eq!(read("0001-CreateItem-request.xml"), reqs[0].body, "the body exactly as sent");
    assert_eq!(read("0001-CreateItem-response.xml"), create_ok());
    let h1 = read("0001-CreateItem-request.headers");
    assert!(h1.starts_with(&format!("POST {} HTTP/1.1\n", server.url("/EWS/Exchange.asmx"))), "{h1}");
    assert!(h1.contains("authorization: Basic ***\n"), "{h1}");
    assert!(h1.contains("x-anchormailbox: alice@contoso.com\n"), "{h1}");
    let r1 = read("0001-CreateItem-response.headers");
    assert!(r1.starts_with("HTTP/1.1 200 OK\n"), "{r1}");
    assert!(r1.contains("set-cookie: X-BackEndOverrideCookie=***; path=/"), "{r1}");
    let h2 = read("0002-GetFolder-request.headers");
    assert!(h2.contains("cookie: X-BackEndOverrideCookie=***\n"), "{h2}");
    for name in &names {
        let text = read(name);
        assert!(!text.contains(PASSWORD) && !text.contains("EXCH01~19"), "{name} leaks a secret:\n{text}");
        let basic = reqs[0].header("authorization").unwrap().trim_start_matches("Basic ");
        assert!(!text.contains(basic), "{name} leaks the Basic credentials");
    }
    assert!(client.http().tracer().unwrap().failure().is_none());

    if let Some(shared) = schema_validation() {
        for name in ["0001-CreateItem-request.xml", "0002-GetFolder-request.xml"] {
            let xml = read(name);
            validate(&shared, Schema::Envelope, &[(name.to_owned(), xml.clone())]).unwrap();
            validate(&shared, Schema::Current, &[(name.to_owned(), body_document(&xml))]).unwrap();
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn an_unwritable_trace_dir_does_not_fail_the_call() {
    let server = CannedServer::script(vec![Canned::xml(create_ok())]).await;
    let blocker = trace_dir("blocked");
    std::fs::write(&blocker, "a file, not a directory").unwrap();
    let creds =
        Credentials::Basic { user: UserName::parse("svc@contoso.com").unwrap(), password: Secret::new(PASSWORD) };
    let mut cfg = EwsClientConfig::new(server.url("/EWS/Exchange.asmx"), creds);
    cfg.http.allow_insecure_loopback = true;
    cfg.http.trace_dir = Some(blocker.join("sub"));
    let client = EwsClient::new(cfg).unwrap();
    let create = CreateItem::save_only(BaseFolderId::distinguished(DistinguishedFolderName::Contacts), vec![]);
    client.call("alice@contoso.com", create).await.unwrap();
    let failure = client.http().tracer().unwrap().failure().unwrap();
    assert!(failure.contains("cannot write the wire trace"), "{failure}");
    std::fs::remove_file(&blocker).unwrap();
}
