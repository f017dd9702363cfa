//! [`ProbeRunner`]: runs one [`Probe`] with real I/O within the probe time budget, keeping one
//! EWS client and one autodiscover client per sign-in (so that an NTLM-signed-in connection is
//! reused from probe to probe, as the sync engine will use it).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::error::DriverError;
use super::options::DriverOptions;
use super::{dns, ews_probe, tls_probe};
use crate::autodiscover::{AutodiscoverClient, AutodiscoverConfig, Outcome, SrvResolver, SystemResolver};
use crate::setup::analyzer::advice::is_app;
use crate::setup::analyzer::{ConnectOutcome, DnsOutcome, EwsOutcome, HostLookup, Probe, ProbeResult, TlsOutcome};
use crate::transport::{Credentials, EwsClient, EwsClientConfig, TransportError};

/// Runs probes. See the module documentation.
pub(crate) struct ProbeRunner {
    options: DriverOptions,
    srv: Arc<dyn SrvResolver>,
    ews: HashMap<String, EwsClient>,
    autodiscover: HashMap<String, AutodiscoverClient>,
}

impl std::fmt::Debug for ProbeRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProbeRunner").field("options", &self.options).finish_non_exhaustive()
    }
}

/// The result a probe that ran out of time reports.
fn timed_out(probe: &Probe, after: Duration) -> ProbeResult {
    let detail = format!("timed out after {} s", after.as_secs_f32());
    match probe {
        Probe::Dns { hosts, srv } => ProbeResult::Dns(DnsOutcome {
            hosts: hosts.iter().map(|h| HostLookup { host: h.clone(), result: Err(detail.clone()) }).collect(),
            srv: srv.as_ref().map(|_| Err(detail.clone())),
        }),
        Probe::Autodiscover { .. } => ProbeResult::Autodiscover(Outcome::Network(detail)),
        Probe::Connect { .. } => ProbeResult::Connect(ConnectOutcome::Failed { detail }),
        Probe::TlsHandshake { .. } => ProbeResult::Tls(TlsOutcome::HandshakeFailed { detail }),
        Probe::Authenticate { .. } | Probe::Impersonate { .. } | Probe::ReadFolder { .. } => {
            ProbeResult::Ews(EwsOutcome::Network { detail })
        }
    }
}

impl ProbeRunner {
    /// A runner with `options`; fails when they are unusable (a CA certificate that does not read).
    pub(crate) fn new(options: DriverOptions) -> Result<Self, DriverError> {
        options.http.tls.client_config().map_err(|source| DriverError::Options { source })?;
        let srv: Arc<dyn SrvResolver> = match &options.srv_resolver {
            Some(r) => Arc::clone(r),
            None => Arc::new(
                SystemResolver::from_system()
                    .unwrap_or_else(|_| SystemResolver::with_nameservers(Vec::new(), Duration::from_secs(2))),
            ),
        };
        Ok(ProbeRunner { options, srv, ews: HashMap::new(), autodiscover: HashMap::new() })
    }

    /// Runs `probe`; never longer than the probe time budget.
    pub(crate) async fn run(&mut self, probe: &Probe) -> ProbeResult {
        let budget = self.options.probe_timeout;
        match tokio::time::timeout(budget, self.perform(probe)).await {
            Ok(result) => result,
            Err(_) => timed_out(probe, budget),
        }
    }

    async fn perform(&mut self, probe: &Probe) -> ProbeResult {
        // Each step inside gets a little less than the whole budget, so that its own time-out
        // (with the better message) fires first.
        let inner = self.options.probe_timeout.mul_f32(0.9);
        match probe {
            Probe::Dns { hosts, srv } => ProbeResult::Dns(
                dns::probe(&self.options.http.resolve, Some(&*self.srv), hosts, srv.as_deref(), inner).await,
            ),
            Probe::Connect { url } => {
                ProbeResult::Connect(tls_probe::connect_probe(&self.options.http, url, inner).await)
            }
            Probe::TlsHandshake { url } => ProbeResult::Tls(tls_probe::tls_probe(&self.options.http, url, inner).await),
            Probe::Autodiscover { attempt, credentials } => {
                let email = attempt_email(attempt);
                let outcome = match self.autodiscover_client(credentials) {
                    Ok(client) => match client.perform_attempt(attempt, &email).await {
                        Ok(outcome) => outcome,
                        Err(e) => Outcome::Network(e.to_string()),
                    },
                    Err(e) => Outcome::Network(e.to_string()),
                };
                ProbeResult::Autodiscover(outcome)
            }
            Probe::Authenticate { url, credentials, mailbox } => {
                ProbeResult::Ews(match self.ews_client(url, credentials) {
                    Ok(client) => ews_probe::authenticate(&client, mailbox).await,
                    Err(e) => e,
                })
            }
            Probe::Impersonate { url, credentials, mailbox } => {
                ProbeResult::Ews(match self.ews_client(url, credentials) {
                    Ok(client) => ews_probe::impersonate(&client, mailbox).await,
                    Err(e) => e,
                })
            }
            Probe::ReadFolder { url, credentials, mailbox, folder } => {
                ProbeResult::Ews(match self.ews_client(url, credentials) {
                    Ok(client) => ews_probe::read_folder(&client, mailbox, *folder).await,
                    Err(e) => e,
                })
            }
        }
    }

    /// The EWS client for `url` and `credentials` (made once). The analyzer only hands out an
    /// `http://` URL when its input allows plain HTTP to a loopback test server.
    fn ews_client(&mut self, url: &Url, credentials: &Credentials) -> Result<EwsClient, EwsOutcome> {
        let key = format!("{url} {credentials}");
        if let Some(c) = self.ews.get(&key) {
            return Ok(c.clone());
        }
        let mut config = EwsClientConfig::new(url.clone(), credentials.clone());
        config.http = self.options.http_for_probes(url.scheme() == "http");
        config.retry = self.options.retry();
        let client = EwsClient::new(config).map_err(|e| match e {
            TransportError::Config { .. } if is_app(credentials) => EwsOutcome::TokenRefused { detail: e.to_string() },
            other => ews_probe::outcome_of(other),
        })?;
        self.ews.insert(key, client.clone());
        Ok(client)
    }

    /// The autodiscover client for `credentials` (made once). The analyzer's plan refuses every
    /// plain-HTTP URL it would send credentials to unless its input allows loopback test servers.
    fn autodiscover_client(&mut self, credentials: &Credentials) -> Result<&AutodiscoverClient, TransportError> {
        let key = credentials.to_string();
        if !self.autodiscover.contains_key(&key) {
            let http = self.options.http_for_probes(true);
            let client =
                AutodiscoverClient::new(credentials, AutodiscoverConfig::default(), http, Arc::clone(&self.srv))?;
            self.autodiscover.insert(key.clone(), client);
        }
        Ok(&self.autodiscover[&key])
    }
}

/// The address an attempt asks for (for error contexts and the wire trace).
fn attempt_email(attempt: &crate::autodiscover::Attempt) -> String {
    use crate::autodiscover::Attempt;
    let email = match attempt {
        Attempt::Pox { request, .. } => request.email_address.clone(),
        Attempt::Soap { request, .. } => request.mailboxes.first().cloned(),
        Attempt::RedirectProbe { .. } | Attempt::SrvLookup { .. } => None,
    };
    email.unwrap_or_else(|| "the test mailbox".to_owned())
}
