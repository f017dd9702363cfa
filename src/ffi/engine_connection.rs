//! The engine's connection to Exchange: built from the setup saved in the state store (its
//! secrets read with the host's key), an [`EwsBackend`] under a [`SyncEngine`] whose progress
//! events reach the C callback on the calling thread; and the enrolment check against the saved
//! setup (its domains, and, once connected, impersonating the user's mailbox).

use std::sync::Arc;

use super::engine::EngineHandle;
use super::engine_state::{EventSlot, progress_sink};
use super::error::FfiError;
use super::setup_driver::{no_saved_setup, secret_store};
use crate::backend::ews::EwsBackend;
use crate::setup::driver::check_enrolment as check_with_probe;
use crate::setup::enrolment::check_domain;
use crate::setup::{DriverOptions, SetupConfig};
use crate::store::SqliteStore;
use crate::sync::{ObjectKind, SyncEngine};
use crate::transport::{EwsClient, EwsClientConfig};

/// A connected engine.
pub(crate) struct Connection {
    engine: SyncEngine<Arc<SqliteStore>, EwsBackend>,
    /// Where the engine's progress events go during a sync.
    events: EventSlot,
    /// The saved setup, its secrets loaded (for enrolment checks).
    config: SetupConfig,
    /// How enrolment probes run (trusted CAs).
    options: DriverOptions,
}

/// Connects `engine` with the saved setup and `key`.
pub(crate) fn connect(engine: &EngineHandle, key: &[u8]) -> Result<(), FfiError> {
    let mut connection = engine.connection.lock("engine")?;
    let (store, extra_ca, budget) = {
        let state = engine.state.lock("engine")?;
        (Arc::clone(&state.store), state.extra_ca_pem.clone(), state.request_budget)
    };
    let secrets = secret_store(&store, key)?;
    let mut config = SetupConfig::load_from(&*store)?.ok_or_else(no_saved_setup)?;
    config.load_secrets(&secrets)?;
    let mut client_config = EwsClientConfig::new(config.ews_url.clone(), config.credentials()?);
    client_config.http.allow_insecure_loopback = config.allow_http_loopback;
    client_config.http.tls.extra_ca_pem.extend(extra_ca.iter().cloned());
    if let Some(budget) = budget {
        client_config.retry.budget = budget;
    }
    let client = engine
        .runtime
        .block_on(async { EwsClient::new(client_config) })?
        .map_err(|e| FfiError::invalid("the saved setup's connection", e.to_string()))?;
    let (events, sink) = progress_sink();
    let sync_engine = SyncEngine::new(store, EwsBackend::new(client)).with_progress(sink);
    let mut options = DriverOptions::default();
    options.http.tls.extra_ca_pem.extend(extra_ca);
    *connection = Some(Connection { engine: sync_engine, events, config, options });
    Ok(())
}

/// Syncs `kinds` of `user` over the connection.
pub(crate) fn sync(engine: &EngineHandle, user: &str, kinds: &[ObjectKind]) -> Result<(), FfiError> {
    let connection = engine.connection.lock("engine")?;
    let c = connection.as_ref().ok_or_else(|| {
        FfiError::wrong_state("the engine is not connected to Exchange; call exsync_engine_connect first")
    })?;
    engine.state.lock("engine")?.sync(&engine.runtime, &c.engine, &c.events, user, kinds)
}

/// The saved setup in the engine's store, if any (secrets not loaded).
fn saved_setup(engine: &EngineHandle) -> Result<Option<SetupConfig>, FfiError> {
    let store = Arc::clone(&engine.state.lock("engine")?.store);
    Ok(SetupConfig::load_from(&*store)?)
}

/// Refuses `user` when their domain is not one the saved setup allows, or, once connected, when
/// their mailbox cannot be impersonated. Without a saved setup there is nothing to check against.
pub(crate) fn check_enrolment(engine: &EngineHandle, user: &str) -> Result<(), FfiError> {
    let connection = engine.connection.lock("engine")?;
    if let Some(c) = connection.as_ref() {
        engine.runtime.block_on(check_with_probe(user, &c.config, &c.options))??;
        return Ok(());
    }
    drop(connection);
    if let Some(config) = saved_setup(engine)? {
        check_domain(user, &config.allowed_domains())?;
    }
    Ok(())
}
