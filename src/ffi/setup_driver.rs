//! The setup's I/O over C: running a started validation with the analyzer's driver
//! ([`crate::setup::driver`]), saving the setup into an engine's state store (the configuration,
//! and its secrets sealed into the same SQLite file), and reopening it.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use super::engine::EngineHandle;
use super::error::FfiError;
use super::runtime::OwnedRuntime;
use super::setup_state::SetupState;
use crate::setup::driver::drive;
use crate::setup::{
    EncryptedSecretStore, SecretBlobs, SecretKey, SecretRef, SecretStore, SecretStoreError, SetupConfig, SetupFlow,
};
use crate::store::SqliteStore;
use crate::transport::{Secret, TlsOptions};

/// The engine's SQLite store as the secret store's blob storage.
pub(crate) struct SharedBlobs(pub(crate) Arc<SqliteStore>);

impl SecretBlobs for SharedBlobs {
    fn read(&self, reference: &SecretRef) -> Result<Option<Vec<u8>>, SecretStoreError> {
        self.0.read(reference)
    }
    fn write(&self, reference: &SecretRef, blob: Vec<u8>) -> Result<(), SecretStoreError> {
        self.0.write(reference, blob)
    }
    fn remove(&self, reference: &SecretRef) -> Result<bool, SecretStoreError> {
        self.0.remove(reference)
    }
}

/// The secret store over `store`, sealed under `key` (32 bytes).
pub(crate) fn secret_store(
    store: &Arc<SqliteStore>,
    key: &[u8],
) -> Result<EncryptedSecretStore<SharedBlobs>, FfiError> {
    if key.len() != 32 {
        return Err(FfiError::invalid("key", format!("the key must be 32 bytes; got {}", key.len())));
    }
    let key = SecretKey::from_bytes(key)?;
    Ok(EncryptedSecretStore::new(&key, SharedBlobs(Arc::clone(store))))
}

/// `ca_pem` when it reads as PEM CA certificates (one or more); refused otherwise, so that a
/// certificate that does not read is never kept to spoil every later validation or connection.
pub(crate) fn checked_ca_pem(ca_pem: &str) -> Result<String, FfiError> {
    let alone = TlsOptions { webpki_roots: false, extra_ca_pem: vec![ca_pem.to_owned()] };
    alone.client_config().map_err(|e| FfiError::invalid("ca_pem", e.to_string()))?;
    Ok(ca_pem.to_owned())
}

/// Runs the pending validation; whether it passed.
pub(crate) fn run(state: &mut SetupState) -> Result<bool, FfiError> {
    let (ticket, analyzer) = state
        .pending
        .take()
        .ok_or_else(|| FfiError::wrong_state("no validation was started; call exsync_setup_start_validation first"))?;
    if state.runtime.is_none() {
        state.runtime = Some(OwnedRuntime::new("setup", 1)?);
    }
    let options = state.options.clone();
    let runtime = state.runtime.as_ref().expect("made above");
    let report = runtime.block_on(drive(analyzer, &options))??;
    let status = state.flow.finish_validation(ticket, report, DateTime::<Utc>::from(std::time::SystemTime::now()))?;
    Ok(status.is_passed())
}

/// Saves the setup into `engine`'s store with its secrets sealed under `key`. The flow is marked
/// saved only once the configuration is in the store, and the secrets the new configuration no
/// longer uses are removed only then: a save the store refuses leaves the flow unsaved and the
/// configuration saved before usable.
pub(crate) fn save(state: &mut SetupState, engine: &EngineHandle, key: &[u8]) -> Result<(), FfiError> {
    let store = Arc::clone(&engine.state.lock("engine")?.store);
    let secrets = DeferredDeletes::new(secret_store(&store, key)?);
    let mut flow = state.flow.clone();
    let config = flow.save(&secrets)?;
    config.save_to(&*store)?;
    state.flow = flow;
    state.saved = Some(config);
    secrets.apply()?;
    Ok(())
}

/// A secret store whose deletions wait for [`DeferredDeletes::apply`].
struct DeferredDeletes<S> {
    inner: S,
    deletes: Mutex<Vec<SecretRef>>,
}

impl<S: SecretStore> DeferredDeletes<S> {
    fn new(inner: S) -> Self {
        DeferredDeletes { inner, deletes: Mutex::new(Vec::new()) }
    }

    /// Makes the deletions asked for.
    fn apply(&self) -> Result<(), SecretStoreError> {
        let deletes = std::mem::take(&mut *self.deletes.lock().unwrap_or_else(|p| p.into_inner()));
        for reference in &deletes {
            self.inner.delete(reference)?;
        }
        Ok(())
    }
}

impl<S: SecretStore> SecretStore for DeferredDeletes<S> {
    fn put(&self, reference: &SecretRef, secret: &Secret) -> Result<(), SecretStoreError> {
        self.deletes.lock().unwrap_or_else(|p| p.into_inner()).retain(|r| r != reference);
        self.inner.put(reference, secret)
    }
    fn get(&self, reference: &SecretRef) -> Result<Secret, SecretStoreError> {
        self.inner.get(reference)
    }
    /// Records the deletion; whether a secret is there now (one that does not open, sealed under
    /// another key, counts).
    fn delete(&self, reference: &SecretRef) -> Result<bool, SecretStoreError> {
        let present = !matches!(self.inner.get(reference), Err(SecretStoreError::NotFound { .. }));
        self.deletes.lock().unwrap_or_else(|p| p.into_inner()).push(reference.clone());
        Ok(present)
    }
}

/// Reopens the setup saved in `engine`'s store.
pub(crate) fn open_saved(engine: &EngineHandle, key: &[u8]) -> Result<SetupState, FfiError> {
    let store = Arc::clone(&engine.state.lock("engine")?.store);
    let secrets = secret_store(&store, key)?;
    let config = SetupConfig::load_from(&*store)?.ok_or_else(no_saved_setup)?;
    let flow = SetupFlow::from_saved(&config, &secrets)?;
    let mut state = SetupState::new(flow);
    state.saved = Some(config);
    Ok(state)
}

/// The error for a store without a saved setup.
pub(crate) fn no_saved_setup() -> FfiError {
    FfiError::Setup(crate::setup::SetupError::UnreadableConfig {
        reason: "no setup is saved in this state store; run the setup and save it first".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::MemorySecretBlobs;

    #[test]
    fn deletions_wait_for_apply() {
        let reference = SecretRef::new("default/service-account-password").unwrap();
        let key = SecretKey::from_bytes(&[1; 32]).unwrap();
        let deferred = DeferredDeletes::new(EncryptedSecretStore::new(&key, MemorySecretBlobs::default()));
        deferred.put(&reference, &Secret::new("pw")).unwrap();
        assert!(deferred.delete(&reference).unwrap());
        assert_eq!(deferred.get(&reference).unwrap().expose(), "pw");
        deferred.apply().unwrap();
        assert!(matches!(deferred.get(&reference), Err(SecretStoreError::NotFound { .. })));
        // A secret written again after its deletion was asked for stays.
        assert!(!deferred.delete(&reference).unwrap());
        deferred.put(&reference, &Secret::new("pw2")).unwrap();
        deferred.apply().unwrap();
        assert_eq!(deferred.get(&reference).unwrap().expose(), "pw2");
    }
}
