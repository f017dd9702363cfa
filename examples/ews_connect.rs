//! Checks a service account against a real Exchange server: reads the impersonated mailbox's
//! contacts and calendar folders with `GetFolder` and prints what the server said.
//!
//! ```text
//! EXSYNC_EWS_URL=https://mail.contoso.com/EWS/Exchange.asmx \
//! EXSYNC_USER='CONTOSO\svc-sync' EXSYNC_PASSWORD=... EXSYNC_MAILBOX=alice@contoso.com \
//! [EXSYNC_CA_PEM=/path/to/internal-ca.pem] [EXSYNC_TRACE_DIR=/tmp/ews-trace] \
//! cargo run --example ews_connect
//! ```
//! The password comes from the environment (not the command line, where `ps` would show it). With
//! `EXSYNC_TRACE_DIR` every request and response is written there, credentials redacted.

use std::process::ExitCode;

use exsync::ews::{DistinguishedFolderName, GetFolder};
use exsync::transport::{Credentials, EwsClient, EwsClientConfig, Secret, UserName};

fn var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name} (see the example's documentation)"))
}

async fn run() -> Result<(), String> {
    let url = var("EXSYNC_EWS_URL")?.parse().map_err(|e| format!("EXSYNC_EWS_URL: {e}"))?;
    let user = UserName::parse(&var("EXSYNC_USER")?).map_err(|e| format!("EXSYNC_USER: {e}"))?;
    let password = Secret::new(var("EXSYNC_PASSWORD")?);
    let mailbox = var("EXSYNC_MAILBOX")?;
    let mut config = EwsClientConfig::new(url, Credentials::Basic { user, password });
    // A quick check: give up after 30 s of retries rather than the default 5 minutes.
    config.retry.budget = std::time::Duration::from_secs(30);
    if let Ok(path) = std::env::var("EXSYNC_CA_PEM") {
        let pem = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        config.http.tls.extra_ca_pem.push(pem);
    }
    let client = EwsClient::new(config).map_err(|e| e.to_string())?;
    let op = GetFolder::distinguished(&[DistinguishedFolderName::Contacts, DistinguishedFolderName::Calendar]);
    let reply = client.call(&mailbox, op).await.map_err(|e| e.to_string())?;
    println!("request version: {}", reply.request_version);
    if let Some(v) = &reply.server_version {
        println!(
            "server: {}.{} build {}.{} ({})",
            v.major_version.unwrap_or(0),
            v.minor_version.unwrap_or(0),
            v.major_build_number.unwrap_or(0),
            v.minor_build_number.unwrap_or(0),
            v.version.as_deref().unwrap_or("?")
        );
    }
    for (name, m) in ["contacts", "calendar"].iter().zip(&reply.response.messages) {
        let found = m.content.folders.as_ref().map_or(0, Vec::len);
        println!("{name}: {} ({} folder(s))", m.status.code, found);
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ews_connect: {e}");
            ExitCode::FAILURE
        }
    }
}
