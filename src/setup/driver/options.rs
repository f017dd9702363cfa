//! How the driver runs the probes: [`DriverOptions`].

use std::sync::Arc;
use std::time::Duration;

use crate::autodiscover::SrvResolver;
use crate::transport::{HttpOptions, RetryPolicy};

/// How the analyzer's probes run: TLS trust, fixed addresses, time-outs, the SRV resolver.
#[derive(Clone)]
pub struct DriverOptions {
    /// The HTTP layer's settings for autodiscover and EWS: trusted CAs (an on-premises Exchange
    /// often has an internal CA), fixed addresses for `host:port` (`resolve`, which the DNS,
    /// connect and TLS probes honour too), user agent, wire trace. Its time-outs are capped by
    /// `probe_timeout`.
    pub http: HttpOptions,
    /// The most one probe may take (one DNS round, one connect, one handshake, one autodiscover
    /// attempt, one EWS check); a probe that runs out is reported as timed out. Default 20 s.
    pub probe_timeout: Duration,
    /// Resolves the autodiscover SRV record; `None`: the system's name servers
    /// ([`SystemResolver`](crate::autodiscover::SystemResolver)).
    pub srv_resolver: Option<Arc<dyn SrvResolver>>,
}

impl Default for DriverOptions {
    fn default() -> Self {
        DriverOptions { http: HttpOptions::default(), probe_timeout: Duration::from_secs(20), srv_resolver: None }
    }
}

impl std::fmt::Debug for DriverOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DriverOptions")
            .field("http", &self.http)
            .field("probe_timeout", &self.probe_timeout)
            .field("srv_resolver", &self.srv_resolver.as_ref().map(|_| "custom"))
            .finish()
    }
}

impl DriverOptions {
    /// Options that trust `ca_pem` (a PEM CA certificate) besides the public roots.
    pub fn trusting(ca_pem: impl Into<String>) -> Self {
        let mut o = DriverOptions::default();
        o.http.tls.extra_ca_pem.push(ca_pem.into());
        o
    }

    /// The HTTP settings with time-outs no longer than a probe may take, and plain HTTP to
    /// loopback allowed when `plain_http_loopback` (the analyzer has already vetted every URL it
    /// sends credentials to; the HTTP layer still refuses plain HTTP to any other host).
    pub(crate) fn http_for_probes(&self, plain_http_loopback: bool) -> HttpOptions {
        let mut http = self.http.clone();
        http.connect_timeout = http.connect_timeout.min(self.probe_timeout);
        http.response_timeout = http.response_timeout.min(self.probe_timeout);
        http.allow_insecure_loopback |= plain_http_loopback;
        http
    }

    /// Retries for EWS probes: a couple of attempts within the probe's time.
    pub(crate) fn retry(&self) -> RetryPolicy {
        RetryPolicy {
            budget: self.probe_timeout,
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(2),
        }
    }
}
