//! Keeping the saved setup in the state store: [`SetupConfig::save_to`] writes the configuration
//! (secret references only) through [`StateStore::set_setup_config`], [`SetupConfig::load_from`]
//! reads it back, so that the whole setup survives a restart. The secrets themselves go to the
//! host's [`SecretStore`](super::SecretStore) when the flow saves; the default one seals them into
//! the same SQLite file ([`crate::store::secret_blobs`]).
//!
//! ```
//! # use exsync::setup::SetupConfig;
//! use exsync::store::MemoryStore;
//!
//! let state = MemoryStore::new();
//! assert!(SetupConfig::load_from(&state).unwrap().is_none());
//! ```

use super::config::SetupConfig;
use super::error::SetupError;
use crate::store::{StateStore, StoreError};

/// Why the setup could not be saved to or read from the state store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PersistError {
    /// The state store failed.
    #[error("the setup could not be kept in the state store: {0}")]
    Store(#[from] StoreError),
    /// The stored configuration cannot be read (damaged, or from a newer exsync).
    #[error("the stored setup cannot be used: {0}")]
    Config(#[from] SetupError),
}

impl SetupConfig {
    /// Writes the configuration into `store` (replacing the one there). It holds no secret.
    pub fn save_to(&self, store: &dyn StateStore) -> Result<(), PersistError> {
        let value = serde_json::to_value(self).map_err(|e| SetupError::UnreadableConfig {
            reason: format!("the configuration does not serialize: {e}"),
        })?;
        store.set_setup_config(&value)?;
        Ok(())
    }

    /// The configuration kept in `store`, if any (its secrets not loaded: see
    /// [`SetupConfig::load_secrets`] and [`SetupFlow::from_saved`](super::SetupFlow::from_saved)).
    pub fn load_from(store: &dyn StateStore) -> Result<Option<SetupConfig>, PersistError> {
        match store.setup_config()? {
            None => Ok(None),
            Some(value) => Ok(Some(SetupConfig::from_json(&value.to_string())?)),
        }
    }
}
