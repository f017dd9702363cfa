//! The engine's connection to Exchange: built from the setup saved in the state store, it drives
//! syncs; and the enrolment check against that setup.

use std::sync::Arc;

use super::engine::EngineHandle;
use super::setup_driver::{no_saved_setup, secret_store};
use super::error::FfiError;
use crate::setup::SetupConfig;
use crate::setup::enrolment::check_domain;
use crate::store::StateStore;

/// A connected engine. The EWS mailbox backend has not landed in this build, so no connection can
/// be made yet: this type has no values.
pub(crate) enum Connection {}

/// Connects `engine` with the saved setup and `key`.
pub(crate) fn connect(engine: &EngineHandle, key: &[u8]) -> Result<(), FfiError> {
    let store = Arc::clone(&engine.state.lock("engine")?.store);
    let secrets = secret_store(&store, key)?;
    let mut config = SetupConfig::load_from(&*store)?.ok_or_else(no_saved_setup)?;
    config.load_secrets(&secrets)?;
    config.credentials()?;
    Err(FfiError::Unsupported(
        "connecting the engine to Exchange needs the EWS mailbox backend, which this build does not have yet".into(),
    ))
}

/// Syncs `kinds` of `user` over the connection.
pub(crate) fn sync(engine: &EngineHandle, _user: &str, _kinds: &[crate::sync::ObjectKind]) -> Result<(), FfiError> {
    let connection = engine.connection.lock("engine")?;
    match connection.as_ref() {
        None => Err(FfiError::wrong_state("the engine is not connected to Exchange; call exsync_engine_connect first")),
        Some(c) => match *c {},
    }
}

/// The saved setup in the engine's store, if any (secrets not loaded).
pub(crate) fn saved_setup(engine: &EngineHandle) -> Result<Option<SetupConfig>, FfiError> {
    let state = engine.state.lock("engine")?;
    match state.store.setup_config()? {
        None => Ok(None),
        Some(value) => Ok(Some(SetupConfig::from_json(&value.to_string())?)),
    }
}

/// Refuses `user` when a setup is saved and their domain is not one it allows.
pub(crate) fn check_enrolment(engine: &EngineHandle, user: &str) -> Result<(), FfiError> {
    if let Some(config) = saved_setup(engine)? {
        check_domain(user, &config.allowed_domains())?;
    }
    Ok(())
}
