//! The DNS probe and the address lookup the connect and TLS probes share: fixed addresses from
//! [`HttpOptions::resolve`](crate::transport::HttpOptions::resolve) first (as the HTTP layer uses
//! them), then the system resolver.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use crate::autodiscover::SrvResolver;
use crate::setup::analyzer::{DnsOutcome, HostLookup};

/// The fixed addresses for `host` (any port), in key order.
fn fixed_addresses(resolve: &HashMap<String, SocketAddr>, host: &str) -> Vec<IpAddr> {
    let mut keys: Vec<(&String, &SocketAddr)> = resolve
        .iter()
        .filter(|(k, _)| k.rsplit_once(':').is_some_and(|(h, _)| h.trim_matches(['[', ']']).eq_ignore_ascii_case(host)))
        .collect();
    keys.sort();
    let mut out = Vec::new();
    for (_, a) in keys {
        if !out.contains(&a.ip()) {
            out.push(a.ip());
        }
    }
    out
}

/// The socket address to connect to for `host:port`: the fixed one, else the first the system
/// resolver gives.
pub(crate) async fn socket_address(
    resolve: &HashMap<String, SocketAddr>,
    host: &str,
    port: u16,
) -> Result<SocketAddr, String> {
    if let Some(a) = resolve.get(&format!("{host}:{port}")) {
        return Ok(*a);
    }
    if let Ok(ip) = host.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    let mut addrs = tokio::net::lookup_host((host, port)).await.map_err(|e| format!("{host} does not resolve: {e}"))?;
    addrs.next().ok_or_else(|| format!("{host} has no address"))
}

/// One host's addresses.
async fn lookup(resolve: &HashMap<String, SocketAddr>, host: &str, timeout: Duration) -> HostLookup {
    let fixed = fixed_addresses(resolve, host);
    if !fixed.is_empty() {
        return HostLookup { host: host.to_owned(), result: Ok(fixed) };
    }
    let result = match tokio::time::timeout(timeout, tokio::net::lookup_host((host, 0))).await {
        Err(_) => Err(format!("no answer within {} s", timeout.as_secs_f32())),
        Ok(Err(e)) => Err(e.to_string()),
        Ok(Ok(addrs)) => {
            let mut ips: Vec<IpAddr> = Vec::new();
            for a in addrs {
                if !ips.contains(&a.ip()) {
                    ips.push(a.ip());
                }
            }
            Ok(ips)
        }
    };
    HostLookup { host: host.to_owned(), result }
}

/// Runs [`Probe::Dns`](crate::setup::analyzer::Probe::Dns): every host and the SRV name, at the
/// same time, each within `timeout`.
pub(crate) async fn probe(
    resolve: &HashMap<String, SocketAddr>,
    srv_resolver: Option<&dyn SrvResolver>,
    hosts: &[String],
    srv: Option<&str>,
    timeout: Duration,
) -> DnsOutcome {
    let lookups = async {
        let tasks: Vec<_> = hosts
            .iter()
            .map(|h| {
                let (resolve, host) = (resolve.clone(), h.clone());
                (h, tokio::spawn(async move { lookup(&resolve, &host, timeout).await }))
            })
            .collect();
        let mut out = Vec::with_capacity(tasks.len());
        for (host, task) in tasks {
            out.push(task.await.unwrap_or_else(|e| HostLookup {
                host: host.clone(),
                result: Err(format!("the lookup did not finish ({e})")),
            }));
        }
        out
    };
    let srv_lookup = async {
        let name = srv?;
        let Some(resolver) = srv_resolver else {
            return Some(Err("no DNS resolver for SRV records is configured".to_owned()));
        };
        Some(match tokio::time::timeout(timeout, resolver.lookup_srv(name)).await {
            Err(_) => Err(format!("no answer within {} s", timeout.as_secs_f32())),
            Ok(r) => r.map_err(|e| e.to_string()),
        })
    };
    let (hosts, srv) = tokio::join!(lookups, srv_lookup);
    DnsOutcome { hosts, srv }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_addresses_match_the_host_on_any_port() {
        let mut resolve = HashMap::new();
        resolve.insert("contoso.com:443".to_owned(), "127.0.0.1:8443".parse().unwrap());
        resolve.insert("Contoso.com:80".to_owned(), "127.0.0.1:8080".parse().unwrap());
        resolve.insert("mail.contoso.com:443".to_owned(), "127.0.0.2:443".parse().unwrap());
        assert_eq!(fixed_addresses(&resolve, "contoso.com"), vec![IpAddr::from([127, 0, 0, 1])]);
        assert_eq!(fixed_addresses(&resolve, "mail.contoso.com"), vec![IpAddr::from([127, 0, 0, 2])]);
        assert!(fixed_addresses(&resolve, "fabrikam.com").is_empty());
    }

    #[tokio::test]
    async fn socket_addresses() {
        let mut resolve = HashMap::new();
        resolve.insert("mail.contoso.com:443".to_owned(), "127.0.0.1:9443".parse().unwrap());
        assert_eq!(socket_address(&resolve, "mail.contoso.com", 443).await.unwrap().port(), 9443);
        assert_eq!(socket_address(&resolve, "127.0.0.1", 81).await.unwrap(), "127.0.0.1:81".parse().unwrap());
        assert_eq!(socket_address(&resolve, "[::1]", 81).await.unwrap(), "[::1]:81".parse().unwrap());
    }
}
