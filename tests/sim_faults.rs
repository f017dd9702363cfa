//! Fault injection and counters of the simulator, over real HTTP.
#![cfg(feature = "sim")]

mod sim_client;

use std::time::{Duration, Instant};

use exsync::ews::*;
use exsync::sim::{Endpoint, Fault};
use sim_client::{Client, as_user, basic, fault, message, org, svc};

fn contacts() -> BaseFolderId {
    BaseFolderId::distinguished(DistinguishedFolderName::Contacts)
}

fn contact(name: &str) -> Item {
    Item::Contact(Box::new(Contact { display_name: Some(name.into()), ..Contact::default() }))
}

fn sync() -> Request<SyncFolderItems> {
    as_user("alice@contoso.com", SyncFolderItems::new(contacts(), ItemShape::new(BaseShape::IdOnly)))
}

#[tokio::test]
async fn server_busy_is_a_fault_with_back_off_then_clears() {
    let server = org().start().await.unwrap();
    let id = server
        .faults()
        .inject(Fault::server_busy(Duration::from_millis(1500)).on_operation("SyncFolderItems").times(2));
    let mut c = Client::connect(&server).await;
    for _ in 0..2 {
        let (status, r) = c.ews(&svc(), &sync()).await;
        assert_eq!(status, 500);
        assert!(r.server_version.is_some());
        let f = fault(r);
        assert_eq!(f.code(), ResponseCode::ErrorServerBusy);
        assert_eq!(f.back_off_milliseconds(), Some(1500));
    }
    let (status, r) = c.ews(&svc(), &sync()).await;
    assert_eq!(status, 200);
    message(r);
    assert_eq!(server.faults().fired(id), 2);
    assert_eq!(server.counters().faults_injected, 2);
}

#[tokio::test]
async fn http_statuses_carry_retry_after() {
    let server = org().start().await.unwrap();
    server.faults().inject(Fault::http_status(503, Some(Duration::from_millis(1200))));
    server.faults().inject(Fault::http_status(429, None).for_mailbox("alice@contoso.com"));
    let mut c = Client::connect(&server).await;
    let a = c.ews_raw(&svc(), &sync().to_xml_string()).await;
    assert_eq!(a.status, 503);
    assert_eq!(a.header_values("retry-after"), ["2"]);
    let a = c.ews_raw(&svc(), &sync().to_xml_string()).await;
    assert_eq!(a.status, 429);
    assert!(a.header_values("retry-after").is_empty());
    assert_eq!(c.ews(&svc(), &sync()).await.0, 200);
}

#[tokio::test]
async fn faults_select_by_mailbox_and_operation() {
    let server = org().start().await.unwrap();
    server
        .faults()
        .inject(Fault::http_status(503, None).for_mailbox("bob@contoso.com").on_operation("GetFolder").always());
    let mut c = Client::connect(&server).await;
    let get_folder = |who: &str| as_user(who, GetFolder::distinguished(&[DistinguishedFolderName::Inbox]));
    assert_eq!(c.ews(&svc(), &get_folder("alice@contoso.com")).await.0, 200);
    assert_eq!(c.ews(&svc(), &sync()).await.0, 200);
    for _ in 0..3 {
        assert_eq!(c.ews_raw(&svc(), &get_folder("bob@contoso.com").to_xml_string()).await.status, 503);
    }
    server.faults().clear();
    assert_eq!(c.ews(&svc(), &get_folder("bob@contoso.com")).await.0, 200);
}

#[tokio::test]
async fn latency_delays_the_answer() {
    let server = org().start().await.unwrap();
    server.faults().inject(Fault::latency(Duration::from_millis(60)).on_operation("SyncFolderItems"));
    let mut c = Client::connect(&server).await;
    let started = Instant::now();
    assert_eq!(c.ews(&svc(), &sync()).await.0, 200);
    assert!(started.elapsed() >= Duration::from_millis(60));
}

#[tokio::test]
async fn a_lost_response_still_makes_the_change() {
    let server = org().start().await.unwrap();
    server.faults().inject(Fault::lose_response().on_operation("CreateItem"));
    let mut c = Client::connect(&server).await;
    let create = as_user("alice@contoso.com", CreateItem::save_only(contacts(), vec![contact("Lost")]));
    let sent = c.post("/EWS/Exchange.asmx", &svc(), create.to_xml_string()).await;
    assert!(sent.is_err(), "the connection closes without an answer: {sent:?}");
    let stored = server.with_mailbox("alice@contoso.com", |m| m.items(&contacts()).map(|i| i.len())).unwrap();
    assert_eq!(stored.unwrap(), 1);
    // A new connection works; the retried create makes a second item, as on Exchange.
    let mut c = Client::connect(&server).await;
    assert_eq!(c.ews(&svc(), &create).await.0, 200);
    let stored = server.with_mailbox("alice@contoso.com", |m| m.items(&contacts()).map(|i| i.len())).unwrap();
    assert_eq!(stored.unwrap(), 2);
}

#[tokio::test]
async fn a_one_off_invalid_sync_state() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let (_, r) = c.ews(&svc(), &sync()).await;
    let state = message(r).messages.remove(0).content.sync_state.unwrap();
    server.faults().inject(Fault::invalid_sync_state().for_mailbox("alice@contoso.com"));
    let again = as_user(
        "alice@contoso.com",
        SyncFolderItems::new(contacts(), ItemShape::new(BaseShape::IdOnly)).with_sync_state(state.clone()),
    );
    let (status, r) = c.ews(&svc(), &again).await;
    assert_eq!(status, 200);
    assert_eq!(message(r).messages[0].status.code, ResponseCode::ErrorInvalidSyncStateData);
    let (_, r) = c.ews(&svc(), &again).await;
    assert_eq!(message(r).messages[0].status.code, ResponseCode::NoError);
}

#[tokio::test]
async fn probabilistic_faults_repeat_with_the_seed() {
    let run = || async {
        let server = org().start().await.unwrap();
        server.faults().inject(Fault::http_status(503, None).with_probability(0.5, 1234));
        let mut c = Client::connect(&server).await;
        let mut pattern = Vec::new();
        for _ in 0..16 {
            pattern.push(c.ews_raw(&svc(), &sync().to_xml_string()).await.status);
        }
        pattern
    };
    let a = run().await;
    assert_eq!(a, run().await);
    assert!(a.contains(&503) && a.contains(&200), "{a:?}");
}

#[tokio::test]
async fn counters_count_requests_operations_mailboxes_and_bytes() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let body = sync().to_xml_string();
    c.ews_raw(&svc(), &body).await;
    let answer = c.ews_raw(&svc(), &body).await;
    c.ews(&svc(), &as_user("bob@contoso.com", GetFolder::distinguished(&[DistinguishedFolderName::Inbox]))).await;
    c.ews_raw(&basic("svc@contoso.com", "nope"), &body).await;
    c.post("/elsewhere", "", "").await.unwrap();
    let n = server.counters();
    assert_eq!(n.http_requests, 5);
    assert_eq!(n.endpoint(Endpoint::Ews), 4);
    assert_eq!(n.endpoint(Endpoint::Other), 1);
    assert_eq!(n.operation("SyncFolderItems"), 2);
    assert_eq!(n.operation("GetFolder"), 1);
    assert_eq!(n.mailbox("alice@contoso.com"), 2);
    assert_eq!(n.mailbox("Bob@Contoso.com"), 1);
    assert_eq!(n.unauthorized, 1);
    assert!(n.bytes_in >= 3 * body.len() as u64);
    assert!(n.bytes_out >= 2 * answer.body.len() as u64);
    server.reset_counters();
    assert_eq!(server.counters(), Default::default());
}

#[tokio::test]
async fn shutdown_is_graceful_and_prompt() {
    let server = org().start().await.unwrap();
    let addr = server.local_addr();
    let mut c = Client::connect(&server).await;
    assert_eq!(c.ews(&svc(), &sync()).await.0, 200);
    server.shutdown().await;
    assert!(c.post("/EWS/Exchange.asmx", &svc(), sync().to_xml_string()).await.is_err());
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
