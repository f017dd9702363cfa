//! The SQLite file as the [`SecretBlobs`] storage of the setup's default secret store: the
//! [`EncryptedSecretStore`](crate::setup::EncryptedSecretStore) seals each secret under the host's
//! key, and the sealed bytes go into the `secrets` table of the same file as the sync state. The
//! file never holds a secret in clear.
//!
//! ```
//! use exsync::setup::{EncryptedSecretStore, SecretKey, SecretRef, SecretStore};
//! use exsync::store::SqliteStore;
//! use exsync::transport::Secret;
//!
//! let db = SqliteStore::open_in_memory().unwrap();
//! let key = SecretKey::from_bytes(&[7; 32]).unwrap();
//! let secrets = EncryptedSecretStore::new(&key, &db);
//! let slot = SecretRef::new("default/service-account-password").unwrap();
//! secrets.put(&slot, &Secret::new("hunter2")).unwrap();
//! assert_eq!(secrets.get(&slot).unwrap().expose(), "hunter2");
//! assert_eq!(db.secret_references().unwrap(), vec![slot]);
//! ```

use rusqlite::OptionalExtension;

use super::StoreError;
use super::sqlite::SqliteStore;
use crate::setup::{SecretBlobs, SecretRef, SecretStoreError};

fn storage<'a>(reference: &'a SecretRef, operation: &'static str) -> impl Fn(rusqlite::Error) -> SecretStoreError + 'a {
    move |e| SecretStoreError::Storage { reference: reference.to_string(), operation, message: e.to_string() }
}

impl SqliteStore {
    /// The references of the sealed secrets held, in order.
    pub fn secret_references(&self) -> Result<Vec<SecretRef>, StoreError> {
        let conn = self.lock();
        let mut stmt =
            conn.prepare("SELECT reference FROM secrets ORDER BY reference").map_err(self.err("read secrets"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(self.err("read secrets"))?;
        let mut out = Vec::new();
        for row in rows {
            let name = row.map_err(self.err("read secrets"))?;
            let reference = SecretRef::new(name)
                .map_err(|e| StoreError::Corrupt { what: "secret reference", detail: e.to_string() })?;
            out.push(reference);
        }
        Ok(out)
    }
}

impl SecretBlobs for SqliteStore {
    fn read(&self, reference: &SecretRef) -> Result<Option<Vec<u8>>, SecretStoreError> {
        self.lock()
            .query_row("SELECT sealed FROM secrets WHERE reference = ?1", [reference.as_str()], |r| r.get(0))
            .optional()
            .map_err(storage(reference, "read"))
    }

    fn write(&self, reference: &SecretRef, blob: Vec<u8>) -> Result<(), SecretStoreError> {
        self.lock()
            .execute(
                "INSERT OR REPLACE INTO secrets (reference, sealed) VALUES (?1, ?2)",
                rusqlite::params![reference.as_str(), blob],
            )
            .map(|_| ())
            .map_err(storage(reference, "write"))
    }

    fn remove(&self, reference: &SecretRef) -> Result<bool, SecretStoreError> {
        self.lock()
            .execute("DELETE FROM secrets WHERE reference = ?1", [reference.as_str()])
            .map(|n| n > 0)
            .map_err(storage(reference, "remove"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup::{EncryptedSecretStore, SecretKey, SecretStore};
    use crate::transport::Secret;

    fn r(name: &str) -> SecretRef {
        SecretRef::new(name).unwrap()
    }

    #[test]
    fn blobs_round_trip_replace_and_remove() {
        let db = SqliteStore::open_in_memory().unwrap();
        assert_eq!(db.read(&r("a")).unwrap(), None);
        db.write(&r("a"), vec![1, 2, 3]).unwrap();
        db.write(&r("a"), vec![4]).unwrap();
        db.write(&r("b/c"), vec![]).unwrap();
        assert_eq!(db.read(&r("a")).unwrap(), Some(vec![4]));
        assert_eq!(db.read(&r("b/c")).unwrap(), Some(vec![]));
        assert_eq!(db.secret_references().unwrap(), vec![r("a"), r("b/c")]);
        assert!(db.remove(&r("a")).unwrap());
        assert!(!db.remove(&r("a")).unwrap());
        assert_eq!(db.secret_references().unwrap(), vec![r("b/c")]);
    }

    #[test]
    fn the_encrypted_store_seals_into_the_table() {
        let db = SqliteStore::open_in_memory().unwrap();
        let store = EncryptedSecretStore::new(&SecretKey::from_bytes(&[3; 32]).unwrap(), &db);
        store.put(&r("p/pw"), &Secret::new("Correct-Horse-42")).unwrap();
        let sealed = db.read(&r("p/pw")).unwrap().unwrap();
        assert_eq!(sealed[0], 1);
        assert!(!sealed.windows(5).any(|w| w == b"Horse"));
        assert_eq!(store.get(&r("p/pw")).unwrap().expose(), "Correct-Horse-42");
        let other = EncryptedSecretStore::new(&SecretKey::from_bytes(&[4; 32]).unwrap(), &db);
        assert!(matches!(other.get(&r("p/pw")), Err(SecretStoreError::Decrypt { .. })));
    }
}
