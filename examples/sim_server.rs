//! Runs the EWS simulator until Ctrl-C, so any EWS client can be pointed at it.
//!
//! ```text
//! cargo run --example sim_server -- --port 8080 \
//!     --service-account svc@contoso.com:PASS --mailbox alice@contoso.com --mailbox bob@contoso.com \
//!     [--user carol@contoso.com:PASS] [--domain contoso.net] [--tls] [--profile 2010sp2|2013|2016|2019] \
//!     [--ntlm-only | --basic-only]
//! ```
//!
//! The domains of the service accounts and mailboxes are accepted domains; `--domain` adds more.
//! Service accounts may impersonate every mailbox. A `--user` is a mailbox whose owner signs in
//! with a password and acts on their own mailbox (no impersonation right). The server accepts NTLM (service accounts by
//! UPN, `CONTOSO\svc` or `contoso.com\svc`), Basic and OAuth bearer tokens; `--ntlm-only`
//! accepts only NTLM, as an Exchange server with Basic switched off on EWS, and `--basic-only`
//! only Basic. Over `--tls`, NTLM sign-ins must carry channel bindings (Extended Protection).
//!
//! With curl, for example: `curl --ntlm -u 'CONTOSO\svc:PASS' -H 'Content-Type: text/xml'
//! --data @request.xml http://127.0.0.1:8080/EWS/Exchange.asmx`.

use std::process::ExitCode;

use exsync::sim::{AuthScheme, AuthSchemes, ServerProfile, ServiceAccount, SimServer};

const USAGE: &str = "usage: sim_server [--port N] --service-account UPN:PASSWORD [--service-account …] \
                     --mailbox ADDRESS [--mailbox …] [--user ADDRESS:PASSWORD …] [--domain DOMAIN …] [--tls] \
                     [--profile 2010sp2|2013|2016|2019] [--ntlm-only | --basic-only]";

#[derive(Debug, Default)]
struct Options {
    port: u16,
    accounts: Vec<(String, String)>,
    users: Vec<(String, String)>,
    mailboxes: Vec<String>,
    domains: Vec<String>,
    tls: bool,
    profile: Option<ServerProfile>,
    only: Option<AuthScheme>,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut o = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => {
                let v = value("--port")?;
                o.port = v.parse().map_err(|_| format!("--port: {v:?} is not a port number (0–65535)"))?;
            }
            "--service-account" => {
                let v = value("--service-account")?;
                let (upn, password) = v
                    .split_once(':')
                    .ok_or_else(|| format!("--service-account: write it as UPN:PASSWORD, not {v:?}"))?;
                o.accounts.push((upn.to_owned(), password.to_owned()));
            }
            "--user" => {
                let v = value("--user")?;
                let (address, password) =
                    v.split_once(':').ok_or_else(|| format!("--user: write it as ADDRESS:PASSWORD, not {v:?}"))?;
                o.users.push((address.to_owned(), password.to_owned()));
            }
            "--mailbox" => o.mailboxes.push(value("--mailbox")?),
            "--domain" => o.domains.push(value("--domain")?),
            "--tls" => o.tls = true,
            "--ntlm-only" | "--basic-only" => {
                let scheme = if arg == "--ntlm-only" { AuthScheme::Ntlm } else { AuthScheme::Basic };
                if o.only.is_some_and(|s| s != scheme) {
                    return Err("give at most one of --ntlm-only and --basic-only".to_owned());
                }
                o.only = Some(scheme);
            }
            "--profile" => {
                let v = value("--profile")?;
                o.profile = Some(match v.to_ascii_lowercase().as_str() {
                    "2010sp2" => ServerProfile::Exchange2010Sp2,
                    "2013" => ServerProfile::Exchange2013,
                    "2016" => ServerProfile::Exchange2016,
                    "2019" => ServerProfile::Exchange2019,
                    _ => return Err(format!("--profile: {v:?} is not one of 2010sp2, 2013, 2016, 2019")),
                });
            }
            "--help" | "-h" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if o.accounts.is_empty() {
        return Err("give at least one --service-account UPN:PASSWORD".to_owned());
    }
    if o.mailboxes.is_empty() && o.users.is_empty() {
        return Err("give at least one --mailbox ADDRESS or --user ADDRESS:PASSWORD".to_owned());
    }
    Ok(o)
}

/// The accepted domains: the ones given, then those of the accounts and mailboxes.
fn domains(o: &Options) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let derived = o
        .accounts
        .iter()
        .map(|(u, _)| u.as_str())
        .chain(o.mailboxes.iter().map(String::as_str))
        .chain(o.users.iter().map(|(a, _)| a.as_str()));
    let derived = derived.filter_map(|a| a.rsplit_once('@').map(|(_, d)| d.to_owned()));
    for d in o.domains.iter().cloned().chain(derived) {
        if !out.iter().any(|x| x.eq_ignore_ascii_case(&d)) {
            out.push(d);
        }
    }
    out
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut builder = SimServer::builder().port(options.port).tls(options.tls);
    for d in domains(&options) {
        builder = builder.domain(d);
    }
    for (upn, password) in &options.accounts {
        builder = builder.service_account(ServiceAccount::new(upn.clone(), password.as_str()).impersonating_all());
    }
    for (address, password) in &options.users {
        builder = builder
            .service_account(ServiceAccount::new(address.clone(), password.as_str()).with_mailbox(address.clone()))
            .mailbox(address.clone());
    }
    for m in &options.mailboxes {
        builder = builder.mailbox(m.clone());
    }
    if let Some(p) = options.profile {
        builder = builder.server_profile(p);
    }
    if let Some(scheme) = options.only {
        builder = builder.auth(AuthSchemes::only(scheme));
    }
    let server = match builder.start().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("EWS:                {}", server.ews_url());
    println!("Autodiscover POX:   {}", server.autodiscover_url());
    println!("Autodiscover SOAP:  {}", server.autodiscover_soap_url());
    println!("OAuth token:        {}", server.token_url(&server.tenant_id()));
    println!("Server profile:     {:?}", server.profile());
    println!(
        "Sign-in:            {}",
        match options.only {
            Some(AuthScheme::Ntlm) => "NTLM only",
            Some(AuthScheme::Basic) => "Basic only",
            _ => "NTLM, Basic, OAuth bearer tokens",
        }
    );
    if let Some(ca) = server.ca_certificate_pem() {
        println!("Trust this CA certificate:\n{ca}");
    }
    println!("Serving until Ctrl-C.");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("error: cannot wait for Ctrl-C ({e}); stopping");
    }
    let seen = server.counters();
    server.shutdown().await;
    println!(
        "Stopped after {} requests ({} bytes in, {} bytes out).",
        seen.http_requests, seen.bytes_in, seen.bytes_out
    );
    ExitCode::SUCCESS
}
