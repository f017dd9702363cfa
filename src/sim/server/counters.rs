//! What the server has seen: connections, requests by endpoint, EWS operation and mailbox, refused
//! authentications, NTLM handshakes, injected faults, and bytes in and out.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// The endpoints the simulator serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `/EWS/Exchange.asmx`.
    Ews,
    /// `/autodiscover/autodiscover.xml` (POX).
    AutodiscoverPox,
    /// `/autodiscover/autodiscover.svc` (SOAP).
    AutodiscoverSoap,
    /// `/{tenant}/oauth2/v2.0/token`.
    Token,
    /// Any other path (answered 404).
    Other,
}

/// A snapshot of the counters (see [`SimServer::counters`](super::SimServer::counters)).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CounterSnapshot {
    /// HTTP requests received (every endpoint, including refused ones).
    pub http_requests: u64,
    /// Requests by endpoint.
    pub by_endpoint: BTreeMap<Endpoint, u64>,
    /// EWS requests by operation name (`SyncFolderItems`, …), counted once the body names it.
    pub by_operation: BTreeMap<String, u64>,
    /// EWS requests by the mailbox they act on (lower-case address), counted once impersonation
    /// is resolved.
    pub by_mailbox: BTreeMap<String, u64>,
    /// Requests answered 401 (NTLM CHALLENGE answers included).
    pub unauthorized: u64,
    /// TCP connections accepted.
    pub connections: u64,
    /// NTLM CHALLENGE messages sent (one per NEGOTIATE message answered).
    pub ntlm_challenges: u64,
    /// NTLM handshakes completed: connections signed in (each handshake signs in one).
    pub ntlm_sign_ins: u64,
    /// NTLM messages refused: wrong password, unknown account, missing or wrong channel
    /// bindings, malformed or out-of-order messages.
    pub ntlm_refusals: u64,
    /// Faults injected (each firing counts once).
    pub faults_injected: u64,
    /// Impersonated requests whose `X-AnchorMailbox` header was missing or named another mailbox.
    pub anchor_mailbox_mismatches: u64,
    /// Request body bytes received.
    pub bytes_in: u64,
    /// Response body bytes sent.
    pub bytes_out: u64,
}

impl CounterSnapshot {
    /// Requests of the EWS operation `name`.
    pub fn operation(&self, name: &str) -> u64 {
        self.by_operation.get(name).copied().unwrap_or(0)
    }

    /// EWS requests acting on mailbox `address`.
    pub fn mailbox(&self, address: &str) -> u64 {
        self.by_mailbox.get(&address.to_ascii_lowercase()).copied().unwrap_or(0)
    }

    /// Requests to `endpoint`.
    pub fn endpoint(&self, endpoint: Endpoint) -> u64 {
        self.by_endpoint.get(&endpoint).copied().unwrap_or(0)
    }
}

/// The live counters.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    inner: Mutex<CounterSnapshot>,
}

impl Counters {
    fn with(&self, f: impl FnOnce(&mut CounterSnapshot)) {
        // Plain numbers: a panic elsewhere cannot leave them half-written.
        f(&mut self.inner.lock().unwrap_or_else(|e| e.into_inner()));
    }

    pub(crate) fn request(&self, endpoint: Endpoint, bytes_in: usize) {
        self.with(|c| {
            c.http_requests += 1;
            *c.by_endpoint.entry(endpoint).or_default() += 1;
            c.bytes_in += bytes_in as u64;
        });
    }

    pub(crate) fn response(&self, bytes_out: usize) {
        self.with(|c| c.bytes_out += bytes_out as u64);
    }

    pub(crate) fn operation(&self, name: &str) {
        self.with(|c| *c.by_operation.entry(name.to_owned()).or_default() += 1);
    }

    pub(crate) fn mailbox(&self, address: &str) {
        self.with(|c| *c.by_mailbox.entry(address.to_ascii_lowercase()).or_default() += 1);
    }

    pub(crate) fn unauthorized(&self) {
        self.with(|c| c.unauthorized += 1);
    }

    pub(crate) fn connection(&self) {
        self.with(|c| c.connections += 1);
    }

    pub(crate) fn ntlm_challenge(&self) {
        self.with(|c| c.ntlm_challenges += 1);
    }

    pub(crate) fn ntlm_sign_in(&self) {
        self.with(|c| c.ntlm_sign_ins += 1);
    }

    pub(crate) fn ntlm_refusal(&self) {
        self.with(|c| c.ntlm_refusals += 1);
    }

    pub(crate) fn fault(&self) {
        self.with(|c| c.faults_injected += 1);
    }

    pub(crate) fn anchor_mismatch(&self) {
        self.with(|c| c.anchor_mailbox_mismatches += 1);
    }

    pub(crate) fn snapshot(&self) -> CounterSnapshot {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn reset(&self) {
        self.with(|c| *c = CounterSnapshot::default());
    }
}
