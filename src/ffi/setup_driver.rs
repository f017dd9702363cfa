//! The setup's I/O over C: running a started validation with the analyzer's driver, saving the
//! setup into an engine's state store, and reopening it.

use super::engine::EngineHandle;
use super::error::FfiError;
use super::setup_state::SetupState;

/// Runs the pending validation; whether it passed.
pub(crate) fn run(state: &mut SetupState) -> Result<bool, FfiError> {
    if state.pending.is_none() {
        return Err(FfiError::wrong_state("no validation was started; call exsync_setup_start_validation first"));
    }
    Err(FfiError::Unsupported(
        "running the connectivity analyzer needs the setup driver, which this build does not have yet".into(),
    ))
}

/// Saves the setup into `engine`'s store with its secrets sealed under `key`.
pub(crate) fn save(_state: &mut SetupState, _engine: &EngineHandle, _key: &[u8]) -> Result<(), FfiError> {
    Err(FfiError::Unsupported(
        "saving the setup needs the SQLite secret store, which this build does not have yet".into(),
    ))
}

/// Reopens the setup saved in `engine`'s store.
pub(crate) fn open_saved(_engine: &EngineHandle, _key: &[u8]) -> Result<SetupState, FfiError> {
    Err(FfiError::Unsupported(
        "reopening the setup needs the SQLite secret store, which this build does not have yet".into(),
    ))
}
