//! What every connection of a running server shares.

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use crate::ntlm::{ChannelBindings, NtlmTarget};
use crate::sim::{Clock, Store};
use crate::xml::Limits;

use super::auth::AuthSchemes;
use super::autodiscover::AutodiscoverRedirect;
use super::counters::Counters;
use super::directory::Directory;
use super::faults::FaultInjector;
use super::oauth::IssuedTokens;
use super::profile::ServerProfile;

/// The state of a running server.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) store: Mutex<Store>,
    pub(crate) directory: RwLock<Directory>,
    pub(crate) profile: ServerProfile,
    pub(crate) auth: AuthSchemes,
    /// The names the NTLM acceptors announce.
    pub(crate) ntlm_target: NtlmTarget,
    /// The channel bindings of the server's certificate, which NTLM sign-ins over TLS must carry
    /// (`None` without TLS, or with Extended Protection off).
    pub(crate) channel_bindings: Option<ChannelBindings>,
    /// Bumped to sign every NTLM connection out ([`SimServer::expire_ntlm_sign_ins`]); a
    /// connection's sign-in holds while the generation it was made in is current.
    ///
    /// [`SimServer::expire_ntlm_sign_ins`]: super::SimServer::expire_ntlm_sign_ins
    pub(crate) ntlm_generation: AtomicU64,
    pub(crate) faults: FaultInjector,
    pub(crate) counters: Counters,
    pub(crate) tokens: IssuedTokens,
    pub(crate) redirects: Mutex<HashMap<String, AutodiscoverRedirect>>,
    /// `http://127.0.0.1:port` or `https://…`.
    pub(crate) base_url: String,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) xml_limits: Limits,
    /// The largest request body accepted (413 beyond).
    pub(crate) max_body: usize,
    pub(crate) token_lifetime: Duration,
}

impl Shared {
    /// The store, locked. The store is plain data: a panic in a handler cannot leave it
    /// half-changed (every store operation checks before it changes), so a poisoned lock is used
    /// as is.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The directory, to read.
    pub(crate) fn directory(&self) -> RwLockReadGuard<'_, Directory> {
        self.directory.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The directory, to add mailbox users.
    pub(crate) fn directory_mut(&self) -> RwLockWriteGuard<'_, Directory> {
        self.directory.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The autodiscover redirects, locked.
    pub(crate) fn redirects(&self) -> MutexGuard<'_, HashMap<String, AutodiscoverRedirect>> {
        self.redirects.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The EWS URL.
    pub(crate) fn ews_url(&self) -> String {
        format!("{}/EWS/Exchange.asmx", self.base_url)
    }
}
