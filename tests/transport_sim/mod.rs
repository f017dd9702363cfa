//! Helpers for the tests of the transport against the simulator over real HTTP: client
//! configurations with short waits, credentials of the simulated organisation
//! ([`crate::sim_client::org`]), and a few requests.
#![allow(dead_code)]

use std::time::Duration;

use exsync::ews::{
    BaseFolderId, Contact, CreateItem, DistinguishedFolderName, Folder, GetFolder, GetFolderResponse, Item,
};
use exsync::sim::SimServer;
use exsync::transport::{Credentials, EwsClient, EwsClientConfig, RetryPolicy, Secret, UserName};

use crate::sim_client::PASSWORD;

/// Retries with millisecond waits and a small budget, so that failing paths end quickly.
pub fn short_retries() -> RetryPolicy {
    RetryPolicy {
        budget: Duration::from_secs(3),
        max_attempts: 5,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(10),
    }
}

/// A client configuration for `server`'s EWS URL: plain HTTP to loopback allowed, the server's
/// CA trusted (and only it) when it serves TLS, short time-outs and retries.
pub fn config(server: &SimServer, credentials: Credentials) -> EwsClientConfig {
    let mut c = EwsClientConfig::new(server.ews_url().parse().expect("the simulator's URL"), credentials);
    c.http.allow_insecure_loopback = true;
    if let Some(ca) = server.ca_certificate_pem() {
        c.http.tls.webpki_roots = false;
        c.http.tls.extra_ca_pem.push(ca.to_owned());
    }
    c.http.connect_timeout = Duration::from_secs(2);
    c.http.response_timeout = Duration::from_secs(5);
    c.retry = short_retries();
    c.jitter_seed = Some(11);
    c
}

/// A client for `server` signing in with `credentials`.
pub fn client(server: &SimServer, credentials: Credentials) -> EwsClient {
    EwsClient::new(config(server, credentials)).expect("a usable configuration")
}

/// NTLM credentials of `user` (UPN or `DOMAIN\user`) with the organisation's password.
pub fn ntlm(user: &str) -> Credentials {
    ntlm_with(user, PASSWORD)
}

/// NTLM credentials of `user` with `password`.
pub fn ntlm_with(user: &str, password: &str) -> Credentials {
    Credentials::Ntlm { user: UserName::parse(user).expect("a user name"), password: Secret::new(password) }
}

/// Basic credentials of `user` with the organisation's password.
pub fn basic(user: &str) -> Credentials {
    basic_with(user, PASSWORD)
}

/// Basic credentials of `user` with `password`.
pub fn basic_with(user: &str, password: &str) -> Credentials {
    Credentials::Basic { user: UserName::parse(user).expect("a user name"), password: Secret::new(password) }
}

/// `GetFolder` of the contacts folder.
pub fn contacts_folder() -> GetFolder {
    GetFolder::distinguished(&[DistinguishedFolderName::Contacts])
}

/// The display name of the one folder of a `GetFolder` answer.
pub fn folder_name(response: &GetFolderResponse) -> Option<String> {
    response.folders().next().and_then(Folder::display_name).map(str::to_owned)
}

/// The contacts folder.
pub fn contacts() -> BaseFolderId {
    BaseFolderId::distinguished(DistinguishedFolderName::Contacts)
}

/// `CreateItem` of one contact named `given surname` in the contacts folder.
pub fn create_contact(given: &str, surname: &str) -> CreateItem {
    CreateItem::save_only(contacts(), vec![Item::Contact(Box::new(Contact::with_name(given, surname)))])
}

/// How many items the contacts folder of `mailbox` holds.
pub fn contact_count(server: &SimServer, mailbox: &str) -> usize {
    server
        .with_mailbox(mailbox, |m| m.items(&contacts()).map(|items| items.len()))
        .expect("the mailbox exists")
        .expect("the folder exists")
}
