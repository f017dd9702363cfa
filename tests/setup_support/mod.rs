//! Helpers shared by the setup tests: a scripted Exchange that answers the analyzer's probes, and a
//! loop that drives an analyzer with it.
#![allow(dead_code)]

use std::time::Duration;

use exsync::autodiscover::{Attempt, Outcome, PoxResponse};
use exsync::setup::{
    Analyzer, AnalyzerReport, ConnectOutcome, DnsOutcome, EwsOutcome, EwsSeen, FolderKind, HostLookup, Next, Probe,
    ProbeResult, TlsOutcome,
};
use exsync::transport::{Credentials, UserNameFormat};

/// Every probe takes this long in the scripted runs.
pub const TOOK: Duration = Duration::from_millis(10);

/// A POX autodiscover answer naming `ews_url`.
pub fn pox_answer(ews_url: &str) -> Outcome {
    let xml = format!(
        r#"<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
        <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
        <Account><Action>settings</Action><Protocol><Type>EXPR</Type><EwsUrl>{ews_url}</EwsUrl></Protocol></Account>
        </Response></Autodiscover>"#
    );
    Outcome::Pox(Box::new(PoxResponse::parse(&xml).expect("valid POX answer")))
}

/// The user-name form the credentials use, if they are a service account's.
pub fn form(credentials: &Credentials) -> Option<UserNameFormat> {
    match credentials {
        Credentials::Basic { user, .. } | Credentials::Ntlm { user, .. } => Some(user.format()),
        _ => None,
    }
}

/// A healthy Exchange: every name resolves, autodiscover answers at `autodiscover.<domain>` with
/// POX, TLS verifies, and every EWS request succeeds.
pub fn healthy(probe: &Probe) -> ProbeResult {
    match probe {
        Probe::Dns { hosts, .. } => ProbeResult::Dns(DnsOutcome {
            hosts: hosts
                .iter()
                .map(|h| HostLookup { host: h.clone(), result: Ok(vec![[192, 0, 2, 10].into()]) })
                .collect(),
            srv: None,
        }),
        Probe::Autodiscover { attempt, .. } => ProbeResult::Autodiscover(autodiscover_at_subdomain(attempt)),
        Probe::Connect { .. } => {
            ProbeResult::Connect(ConnectOutcome::Connected { address: Some("192.0.2.10:443".parse().unwrap()) })
        }
        Probe::TlsHandshake { .. } => ProbeResult::Tls(TlsOutcome::Valid {
            subject: "CN=mail.contoso.com".into(),
            issuer: "CN=Contoso Issuing CA".into(),
            not_after: None,
            protocol: Some("TLSv1.3".into()),
        }),
        Probe::Authenticate { .. } => ProbeResult::Ews(EwsOutcome::Ok(EwsSeen {
            server_version: Some("15.2.1544.4".into()),
            ..EwsSeen::default()
        })),
        Probe::Impersonate { .. } => ProbeResult::Ews(EwsOutcome::Ok(EwsSeen::default())),
        Probe::ReadFolder { folder, .. } => ProbeResult::Ews(EwsOutcome::Ok(EwsSeen {
            folder_name: Some(folder.to_string()),
            item_count: Some(if *folder == FolderKind::Contacts { 12 } else { 40 }),
            ..EwsSeen::default()
        })),
    }
}

/// Autodiscover where only `https://autodiscover.<domain>/autodiscover/autodiscover.xml` answers.
pub fn autodiscover_at_subdomain(attempt: &Attempt) -> Outcome {
    match attempt {
        Attempt::Pox { url, .. } if url.host_str().is_some_and(|h| h.starts_with("autodiscover.")) => {
            pox_answer("https://mail.contoso.com/EWS/Exchange.asmx")
        }
        Attempt::SrvLookup { .. } => Outcome::Srv(Vec::new()),
        _ => Outcome::Network("connection refused".into()),
    }
}

/// Runs `analyzer` to the end, answering with `respond`; returns the report and every probe run.
pub fn run(analyzer: &mut Analyzer, mut respond: impl FnMut(&Probe) -> ProbeResult) -> (AnalyzerReport, Vec<Probe>) {
    let mut probes = Vec::new();
    for _ in 0..200 {
        match analyzer.next_probe() {
            Next::Done(report) => return (report, probes),
            Next::Probe(p) => {
                let result = respond(&p);
                probes.push(p);
                analyzer.handle(result, TOOK).expect("the result matches the probe");
            }
        }
    }
    panic!("the analyzer did not finish within 200 probes");
}
