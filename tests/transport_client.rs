//! EwsClient against canned responses: Basic auth, impersonation and affinity headers, version
//! step-down, throttling and retries, ambiguous creates, plain HTTP refused, concurrency limits.

mod common;

use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::canned_server::{Canned, CannedServer, Recorded};
use exsync::ews::{
    BaseFolderId, Contact, ContactsFolder, CreateItem, DistinguishedFolderName, Folder, FolderInfo, GetFolder,
    GetFolderResponse, Item, ItemInfoContent, MessageXml, MessageXmlEntry, Request, Response, ResponseBody,
    ResponseCode, ResponseMessage, ResponseStatus, ServerVersionInfo, SoapFault,
};
use exsync::transport::{
    ConcurrencyLimits, Credentials, EwsClient, EwsClientConfig, NetworkFailure, RetryError, RetryPolicy, Secret,
    TransportError, UserName,
};

const PASSWORD: &str = "s3cr3t-Pa55";

fn basic() -> Credentials {
    Credentials::Basic { user: UserName::parse("svc-sync@contoso.com").unwrap(), password: Secret::new(PASSWORD) }
}

fn config(server: &CannedServer, credentials: Credentials) -> EwsClientConfig {
    let mut c = EwsClientConfig::new(server.url("/EWS/Exchange.asmx"), credentials);
    c.http.allow_insecure_loopback = true;
    c.http.response_timeout = Duration::from_secs(5);
    c.retry = RetryPolicy {
        budget: Duration::from_secs(3),
        max_attempts: 6,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(10),
    };
    c.jitter_seed = Some(7);
    c
}

fn server_version() -> ServerVersionInfo {
    ServerVersionInfo {
        major_version: Some(15),
        minor_version: Some(1),
        major_build_number: Some(2507),
        minor_build_number: Some(6),
        version: Some("V2017_07_11".into()),
    }
}

fn folder_ok() -> String {
    let folder = Folder::Contacts(ContactsFolder::default());
    let msg =
        ResponseMessage { status: ResponseStatus::success(), content: FolderInfo { folders: Some(vec![folder]) } };
    Response {
        server_version: Some(server_version()),
        body: ResponseBody::Message(GetFolderResponse { messages: vec![msg] }),
    }
    .to_xml_string("GetFolderResponse")
}

fn back_off(ms: u64) -> MessageXml {
    MessageXml {
        entries: vec![MessageXmlEntry {
            element: "Value".into(),
            attributes: vec![("Name".into(), "BackOffMilliseconds".into())],
            value: ms.to_string(),
            is_xml: false,
        }],
    }
}

fn fault(code: ResponseCode, back_off_ms: Option<u64>) -> String {
    let f = SoapFault::ews(code, "The server cannot service this request right now.", back_off_ms.map(back_off));
    Response::<GetFolderResponse> { server_version: None, body: ResponseBody::Fault(f) }
        .to_xml_string("GetFolderResponse")
}

fn folder_error(code: ResponseCode, back_off_ms: Option<u64>) -> String {
    let mut status = ResponseStatus::error(code, "refused");
    status.message_xml = back_off_ms.map(back_off);
    let msg = ResponseMessage { status, content: FolderInfo { folders: None } };
    Response {
        server_version: Some(server_version()),
        body: ResponseBody::Message(GetFolderResponse { messages: vec![msg] }),
    }
    .to_xml_string("GetFolderResponse")
}

fn get_folder() -> GetFolder {
    GetFolder::distinguished(&[DistinguishedFolderName::Contacts])
}

fn create_contact() -> CreateItem {
    CreateItem::save_only(
        BaseFolderId::distinguished(DistinguishedFolderName::Contacts),
        vec![Item::Contact(Box::new(Contact::with_name("Ada", "Lovelace")))],
    )
}

fn create_ok() -> String {
    let msg = ResponseMessage { status: ResponseStatus::success(), content: ItemInfoContent { items: vec![] } };
    Response {
        server_version: Some(server_version()),
        body: ResponseBody::Message(exsync::ews::CreateItemResponse { messages: vec![msg] }),
    }
    .to_xml_string("CreateItemResponse")
}

fn version_of(r: &Recorded) -> String {
    let i = r.body.find("RequestServerVersion Version=\"").expect("version") + "RequestServerVersion Version=\"".len();
    r.body[i..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn basic_auth_impersonation_and_server_version() {
    let server = CannedServer::script(vec![Canned::xml(folder_ok())]).await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    let reply = client.call("alice@contoso.com", get_folder()).await.unwrap();
    assert_eq!(reply.server_version, Some(server_version()));
    assert_eq!(reply.attempts, 1);
    assert!(matches!(reply.response.messages[0].content.folders.as_deref(), Some([Folder::Contacts(_)])));
    client.call("bob@contoso.com", get_folder()).await.unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let r = &reqs[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/EWS/Exchange.asmx"));
    assert_eq!(r.header("authorization"), Some("Basic c3ZjLXN5bmNAY29udG9zby5jb206czNjcjN0LVBhNTU="));
    assert_eq!(r.header("x-anchormailbox"), Some("alice@contoso.com"));
    assert_eq!(r.header("content-type"), Some("text/xml; charset=utf-8"));
    let sent = Request::<GetFolder>::parse(&r.body).unwrap();
    assert_eq!(sent.header.impersonation, Some(exsync::ews::ExchangeImpersonation::smtp("alice@contoso.com")));
    assert_eq!(version_of(r), "V2017_07_11");
    assert_eq!(reqs[1].header("x-anchormailbox"), Some("bob@contoso.com"));
    assert!(reqs[1].body.contains("<t:PrimarySmtpAddress>bob@contoso.com</t:PrimarySmtpAddress>"));
    // One connection carried both requests.
    assert_eq!(server.connections(), 1);
    assert_eq!(client.http().connections_opened(), 1);
    assert!(!format!("{client:?}").contains(PASSWORD));
}

#[tokio::test]
async fn affinity_cookies_are_kept_per_mailbox() {
    let server = CannedServer::start(|r, _| {
        let c = Canned::xml(folder_ok());
        if r.header("x-anchormailbox") == Some("alice@contoso.com") && r.header("cookie").is_none() {
            c.with_header("set-cookie", "X-BackEndOverrideCookie=EXCH01.contoso.com~1941997312; path=/EWS; secure")
                .with_header("set-cookie", "exchangecookie=a1b2c3; expires=Fri, 01-Jan-2100 00:00:00 GMT; path=/")
        } else {
            c
        }
    })
    .await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    client.call("alice@contoso.com", get_folder()).await.unwrap();
    client.call("Alice@Contoso.com", get_folder()).await.unwrap();
    client.call("bob@contoso.com", get_folder()).await.unwrap();
    let reqs = server.requests();
    assert_eq!(reqs[0].header("cookie"), None);
    assert_eq!(
        reqs[1].header("cookie"),
        Some("X-BackEndOverrideCookie=EXCH01.contoso.com~1941997312; exchangecookie=a1b2c3")
    );
    assert_eq!(reqs[2].header("cookie"), None, "bob gets none of alice's cookies");
    assert_eq!(reqs[0].header("x-preferserveraffinity"), Some("true"));
}

#[tokio::test]
async fn version_steps_down_and_is_remembered() {
    let server = CannedServer::script(vec![
        Canned::status_xml(500, fault(ResponseCode::ErrorInvalidServerVersion, None)),
        Canned::xml(folder_error(ResponseCode::ErrorInvalidSchemaVersionForMailboxVersion, None)),
        Canned::xml(folder_ok()),
    ])
    .await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    let reply = client.call("alice@contoso.com", get_folder()).await.unwrap();
    assert_eq!(reply.request_version, exsync::ews::ExchangeVersion::Exchange2013Sp1);
    assert_eq!(reply.attempts, 3);
    client.call("alice@contoso.com", get_folder()).await.unwrap();
    let versions: Vec<String> = server.requests().iter().map(version_of).collect();
    assert_eq!(versions, ["V2017_07_11", "Exchange2016", "Exchange2013_SP1", "Exchange2013_SP1"]);
    assert!(client.known_versions().is_confirmed(client.endpoint().as_str()));
}

#[tokio::test]
async fn version_ladder_exhausted_is_a_clear_error() {
    let server =
        CannedServer::script(vec![Canned::status_xml(500, fault(ResponseCode::ErrorIncorrectSchemaVersion, None))])
            .await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    let err = client.call("alice@contoso.com", get_folder()).await.unwrap_err();
    assert!(matches!(err, TransportError::Version { .. }), "{err}");
    assert!(err.to_string().contains("Exchange2010_SP2"), "{err}");
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn server_busy_fault_in_http_500_waits_back_off() {
    let server = CannedServer::script(vec![
        Canned::status_xml(500, fault(ResponseCode::ErrorServerBusy, Some(30))),
        Canned::xml(folder_ok()),
    ])
    .await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    let started = Instant::now();
    let reply = client.call("alice@contoso.com", get_folder()).await.unwrap();
    assert_eq!(reply.attempts, 2);
    assert!(started.elapsed() >= Duration::from_millis(30), "waited BackOffMilliseconds");
}

#[tokio::test]
async fn server_busy_in_a_response_message_is_retried() {
    let server = CannedServer::script(vec![
        Canned::xml(folder_error(ResponseCode::ErrorServerBusy, Some(5))),
        Canned::xml(folder_ok()),
    ])
    .await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    assert_eq!(client.call("alice@contoso.com", get_folder()).await.unwrap().attempts, 2);
}

#[tokio::test]
async fn http_503_and_429_honour_retry_after() {
    let server = CannedServer::script(vec![
        Canned::status(503).with_header("retry-after", "0"),
        Canned::status(429).with_header("retry-after", "0"),
        Canned::xml(folder_ok()),
    ])
    .await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    assert_eq!(client.call("alice@contoso.com", get_folder()).await.unwrap().attempts, 3);
}

#[tokio::test]
async fn a_back_off_past_the_budget_gives_up_at_once() {
    let server =
        CannedServer::script(vec![Canned::status_xml(500, fault(ResponseCode::ErrorServerBusy, Some(60_000)))]).await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    let err = client.call("alice@contoso.com", get_folder()).await.unwrap_err();
    match &err {
        TransportError::Throttled { source: RetryError::BudgetExhausted { wait, .. }, context } => {
            assert!(*wait >= Duration::from_secs(60));
            assert_eq!(context.mailbox.as_deref(), Some("alice@contoso.com"));
            assert_eq!(context.operation, "GetFolder");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("GetFolder for alice@contoso.com"), "{err}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_count_errors_lower_the_account_limit() {
    let server = CannedServer::script(vec![
        Canned::xml(folder_error(ResponseCode::ErrorExceededConnectionCount, None)),
        Canned::xml(folder_ok()),
    ])
    .await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    assert_eq!(client.account_concurrency(), 10);
    client.call("alice@contoso.com", get_folder()).await.unwrap();
    assert_eq!(client.account_concurrency(), 5);
}

#[tokio::test]
async fn lost_response_is_retried_for_reads_but_ambiguous_for_creates() {
    let server = CannedServer::script(vec![Canned::Hangup, Canned::xml(folder_ok())]).await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    assert_eq!(client.call("alice@contoso.com", get_folder()).await.unwrap().attempts, 2);

    let server = CannedServer::script(vec![Canned::Hangup, Canned::xml(create_ok())]).await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    let err = client.call("alice@contoso.com", create_contact()).await.unwrap_err();
    assert!(matches!(err, TransportError::Ambiguous { .. }), "{err}");
    assert!(err.to_string().contains("CreateItem for alice@contoso.com"), "{err}");
    assert_eq!(server.requests().len(), 1, "a create is not sent twice");
}

#[tokio::test]
async fn a_create_refused_for_load_is_sent_again() {
    let busy = {
        let mut status = ResponseStatus::error(ResponseCode::ErrorServerBusy, "busy");
        status.message_xml = Some(back_off(1));
        let msg = ResponseMessage { status, content: ItemInfoContent { items: vec![] } };
        Response {
            server_version: None,
            body: ResponseBody::Message(exsync::ews::CreateItemResponse { messages: vec![msg] }),
        }
        .to_xml_string("CreateItemResponse")
    };
    let server = CannedServer::script(vec![Canned::xml(busy), Canned::xml(create_ok())]).await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    assert_eq!(client.call("alice@contoso.com", create_contact()).await.unwrap().attempts, 2);
}

#[tokio::test]
async fn timed_out_response_is_ambiguous_for_a_create() {
    let server =
        CannedServer::script(vec![Canned::Delay(Duration::from_secs(5), Box::new(Canned::xml(create_ok())))]).await;
    let mut cfg = config(&server, basic());
    cfg.http.response_timeout = Duration::from_millis(100);
    let client = EwsClient::new(cfg).unwrap();
    let err = client.call("alice@contoso.com", create_contact()).await.unwrap_err();
    assert!(matches!(err, TransportError::Ambiguous { .. }), "{err}");
}

#[tokio::test]
async fn refused_connections_are_retried_then_reported() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut cfg = EwsClientConfig::new(format!("http://127.0.0.1:{port}/EWS/Exchange.asmx").parse().unwrap(), basic());
    cfg.http.allow_insecure_loopback = true;
    cfg.retry = RetryPolicy {
        budget: Duration::from_secs(2),
        max_attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
    };
    let client = EwsClient::new(cfg).unwrap();
    let err = client.call("alice@contoso.com", create_contact()).await.unwrap_err();
    match err {
        TransportError::Network { failure: NetworkFailure::NotSent, .. } => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn basic_401_is_unauthorized_without_retry_or_secret() {
    let server =
        CannedServer::script(vec![Canned::status(401).with_header("www-authenticate", "Basic realm=\"x\"")]).await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    let err = client.call("alice@contoso.com", get_folder()).await.unwrap_err();
    assert!(matches!(err, TransportError::Unauthorized { .. }), "{err}");
    let text = format!("{err} {err:?}");
    assert!(text.contains("svc-sync@contoso.com") && !text.contains(PASSWORD) && !text.contains("c3ZjLXN5"), "{text}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn impersonation_and_mailbox_errors_are_typed() {
    let server = CannedServer::script(vec![
        Canned::xml(folder_error(ResponseCode::ErrorImpersonateUserDenied, None)),
        Canned::status_xml(500, fault(ResponseCode::ErrorNonExistentMailbox, None)),
        Canned::status(404),
        Canned::xml("<html>login</html>"),
    ])
    .await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    let e = client.call("alice@contoso.com", get_folder()).await.unwrap_err();
    assert!(matches!(e, TransportError::ImpersonationDenied { .. }), "{e}");
    assert!(e.to_string().contains("ApplicationImpersonation"), "{e}");
    let e = client.call("ghost@contoso.com", get_folder()).await.unwrap_err();
    assert!(matches!(e, TransportError::NonExistentMailbox { .. }), "{e}");
    let e = client.call("alice@contoso.com", get_folder()).await.unwrap_err();
    assert!(matches!(e, TransportError::Http { status: 404, .. }), "{e}");
    let e = client.call("alice@contoso.com", get_folder()).await.unwrap_err();
    assert!(matches!(e, TransportError::InvalidResponse { .. }), "{e}");
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn plain_http_is_refused_unless_allowed_for_loopback() {
    let server = CannedServer::script(vec![Canned::xml(folder_ok())]).await;
    let mut cfg = config(&server, basic());
    cfg.http.allow_insecure_loopback = false;
    let client = EwsClient::new(cfg).unwrap();
    let e = client.call("alice@contoso.com", get_folder()).await.unwrap_err();
    assert!(matches!(e, TransportError::InsecureUrl { .. }), "{e}");

    let mut cfg = EwsClientConfig::new("http://mail.contoso.com/EWS/Exchange.asmx".parse().unwrap(), basic());
    cfg.http.allow_insecure_loopback = true;
    cfg.http.resolve.insert("mail.contoso.com:80".into(), server.addr);
    let client = EwsClient::new(cfg).unwrap();
    let e = client.call("alice@contoso.com", get_folder()).await.unwrap_err();
    assert!(matches!(e, TransportError::InsecureUrl { .. }), "{e}");
    assert!(server.requests().is_empty(), "nothing went over plain HTTP");
}

#[tokio::test]
async fn bad_mailbox_names_are_refused_before_sending() {
    let server = CannedServer::script(vec![Canned::xml(folder_ok())]).await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    let e = client.call("alice@contoso.com\r\nX-Evil: 1", get_folder()).await.unwrap_err();
    assert!(matches!(e, TransportError::Config { .. }), "{e}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn ntlm_against_a_basic_only_server_says_so() {
    let server =
        CannedServer::script(vec![Canned::status(401).with_header("www-authenticate", "Basic realm=\"x\"")]).await;
    let creds = Credentials::Ntlm { user: UserName::parse(r"CONTOSO\svc").unwrap(), password: Secret::new(PASSWORD) };
    let client = EwsClient::new(config(&server, creds)).unwrap();
    let e = client.call("alice@contoso.com", get_folder()).await.unwrap_err();
    assert!(matches!(e, TransportError::SchemeNotOffered { scheme: "NTLM", .. }), "{e}");
    let text = e.to_string();
    assert!(text.contains(r"CONTOSO\svc") && text.contains("Basic") && !text.contains(PASSWORD), "{text}");
    let sent = server.requests();
    assert_eq!(sent.len(), 1, "only the NEGOTIATE leg");
    assert!(sent[0].header("authorization").unwrap().starts_with("NTLM TlRMTVNTUAAB"));
    assert!(sent[0].body.is_empty(), "the NEGOTIATE leg carries no body");
}

#[tokio::test]
async fn one_request_at_a_time_per_mailbox() {
    let arrivals: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let seen = arrivals.clone();
    let server = CannedServer::start(move |_, _| {
        seen.lock().unwrap().push(Instant::now());
        Canned::Delay(Duration::from_millis(60), Box::new(Canned::xml(folder_ok())))
    })
    .await;
    let mut cfg = config(&server, basic());
    cfg.concurrency = ConcurrencyLimits {
        per_service_account: NonZeroU32::new(4).unwrap(),
        per_mailbox: NonZeroU32::new(1).unwrap(),
    };
    let client = EwsClient::new(cfg).unwrap();
    let (a, b, c) = tokio::join!(
        client.call("alice@contoso.com", get_folder()),
        client.call("alice@contoso.com", get_folder()),
        client.call("bob@contoso.com", get_folder()),
    );
    a.unwrap();
    b.unwrap();
    c.unwrap();
    let reqs = server.requests();
    let at = arrivals.lock().unwrap().clone();
    let alice: Vec<Instant> = reqs
        .iter()
        .zip(&at)
        .filter(|(r, _)| r.header("x-anchormailbox") == Some("alice@contoso.com"))
        .map(|(_, t)| *t)
        .collect();
    assert_eq!(alice.len(), 2);
    let gap = if alice[1] > alice[0] { alice[1] - alice[0] } else { alice[0] - alice[1] };
    assert!(gap >= Duration::from_millis(60), "alice's second request waited for the first: {gap:?}");
    assert!(server.connections() >= 2, "bob's request ran beside alice's");
}

#[tokio::test]
async fn a_connection_the_server_closes_is_not_reused() {
    let server = CannedServer::script(vec![Canned::xml(folder_ok()).with_header("connection", "close")]).await;
    let client = EwsClient::new(config(&server, basic())).unwrap();
    for _ in 0..3 {
        assert_eq!(client.call("alice@contoso.com", get_folder()).await.unwrap().attempts, 1);
    }
    assert_eq!(server.connections(), 3);
}
