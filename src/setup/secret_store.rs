//! Where the setup's secrets (the service account's password, the OAuth client secret or private
//! key) are kept: a [`SecretStore`] the host provides, addressed by [`SecretRef`]. The saved
//! configuration holds only the references.
//!
//! The default store, [`EncryptedSecretStore`], seals each secret with ChaCha20-Poly1305 under a
//! 256-bit [`SecretKey`] the host passes (from the OS keychain, a KMS, an environment secret), with
//! a fresh random nonce per write and the reference as associated data (so a sealed value moved
//! to another reference does not open). It keeps the sealed bytes in a [`SecretBlobs`] storage:
//! the SQLite state store's file ([`crate::store::secret_blobs`]), or [`MemorySecretBlobs`].
//!
//! ```
//! use exsync::setup::{EncryptedSecretStore, MemorySecretBlobs, SecretKey, SecretRef, SecretStore};
//! use exsync::transport::Secret;
//!
//! let key = SecretKey::from_bytes(&[7u8; 32]).unwrap();
//! let store = EncryptedSecretStore::new(&key, MemorySecretBlobs::default());
//! let slot = SecretRef::new("default/service-account-password").unwrap();
//! store.put(&slot, &Secret::new("hunter2")).unwrap();
//! assert_eq!(store.get(&slot).unwrap().expose(), "hunter2");
//!
//! let sealed = store.blobs().raw(&slot).unwrap();
//! assert!(!sealed.windows(7).any(|w| w == b"hunter2"));
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;

use base64::Engine as _;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use crate::transport::Secret;

/// Longest [`SecretRef`].
pub const MAX_REF_LEN: usize = 200;

/// The sealed format's version byte.
const FORMAT_V1: u8 = 1;
/// Associated-data prefix of the sealed format (followed by the reference).
const AAD_PREFIX: &[u8] = b"exsync secret v1\0";

/// Why a secret could not be stored or read. Never contains the secret or the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretStoreError {
    /// A reference that is empty, too long, or has characters outside `A-Z a-z 0-9 . _ / -`.
    #[error("{reference:?} is not a valid secret reference: {reason}")]
    InvalidReference {
        /// The reference.
        reference: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The host's key is not 32 bytes (or not base64).
    #[error("the secret-store key must be 32 bytes (256 bits); got {detail}")]
    InvalidKey {
        /// What was given (its length, or why it did not decode), never the key.
        detail: String,
    },
    /// Nothing is stored under the reference.
    #[error("no secret is stored under {reference}; run the setup again to enter it")]
    NotFound {
        /// The reference.
        reference: String,
    },
    /// A saved configuration's secret was used before being loaded from the store.
    #[error(
        "the secret under {reference} has not been loaded from the secret store yet (load the saved setup's secrets first)"
    )]
    NotLoaded {
        /// The reference.
        reference: String,
    },
    /// The sealed value did not open: the key differs from the one it was stored with, or the
    /// stored bytes were altered.
    #[error(
        "the secret under {reference} could not be decrypted: the key differs from the one it was stored with, \
         or the stored value was altered; pass the original key, or enter the secret again"
    )]
    Decrypt {
        /// The reference.
        reference: String,
    },
    /// The stored bytes are not in a format this version reads.
    #[error("the secret under {reference} is stored in an unknown format (version {version}); enter it again")]
    UnsupportedFormat {
        /// The reference.
        reference: String,
        /// The format byte found (0 when the value is too short to have one).
        version: u8,
    },
    /// The decrypted secret is not UTF-8 text.
    #[error("the secret under {reference} is not text; enter it again")]
    NotUtf8 {
        /// The reference.
        reference: String,
    },
    /// The system random generator or the cipher failed.
    #[error("the secret under {reference} could not be encrypted: {what} failed")]
    Encrypt {
        /// The reference.
        reference: String,
        /// `random nonce` or `cipher`.
        what: &'static str,
    },
    /// The underlying storage failed.
    #[error("the secret storage could not {operation} {reference}: {message}")]
    Storage {
        /// The reference.
        reference: String,
        /// `read`, `write` or `remove`.
        operation: &'static str,
        /// What the storage reported (no secret).
        message: String,
    },
}

/// The name a secret is stored under (`default/service-account-password`): 1 to
/// [`MAX_REF_LEN`] characters of `A-Z a-z 0-9 . _ / -`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SecretRef(String);

impl SecretRef {
    /// Validates `name`.
    pub fn new(name: impl Into<String>) -> Result<Self, SecretStoreError> {
        let name = name.into();
        let invalid = |reason| SecretStoreError::InvalidReference { reference: name.clone(), reason };
        if name.is_empty() {
            return Err(invalid("it is empty"));
        }
        if name.len() > MAX_REF_LEN {
            return Err(invalid("it is longer than 200 characters"));
        }
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-')) {
            return Err(invalid("only letters, digits and . _ / - are allowed"));
        }
        Ok(SecretRef(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretRef({:?})", self.0)
    }
}

impl TryFrom<String> for SecretRef {
    type Error = SecretStoreError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        SecretRef::new(s)
    }
}

impl From<SecretRef> for String {
    fn from(r: SecretRef) -> String {
        r.0
    }
}

/// Keeps secrets under references. The host may provide its own (an OS keychain, a vault); the
/// default is [`EncryptedSecretStore`].
pub trait SecretStore: Send + Sync {
    /// Stores `secret` under `reference`, replacing what was there.
    fn put(&self, reference: &SecretRef, secret: &Secret) -> Result<(), SecretStoreError>;
    /// The secret under `reference` ([`SecretStoreError::NotFound`] when there is none).
    fn get(&self, reference: &SecretRef) -> Result<Secret, SecretStoreError>;
    /// Removes the secret under `reference`; `true` if there was one.
    fn delete(&self, reference: &SecretRef) -> Result<bool, SecretStoreError>;
}

/// Where [`EncryptedSecretStore`] keeps its sealed bytes: the SQLite state store
/// ([`SqliteStore`](crate::store::SqliteStore), feature `sqlite`), or memory in tests. Implemented
/// for references and `Arc`s of a storage too, so that the state store can be shared.
pub trait SecretBlobs: Send + Sync {
    /// The bytes under `reference`, if any.
    fn read(&self, reference: &SecretRef) -> Result<Option<Vec<u8>>, SecretStoreError>;
    /// Stores `blob` under `reference`, replacing what was there.
    fn write(&self, reference: &SecretRef, blob: Vec<u8>) -> Result<(), SecretStoreError>;
    /// Removes what is under `reference`; `true` if there was something.
    fn remove(&self, reference: &SecretRef) -> Result<bool, SecretStoreError>;
}

impl<T: SecretBlobs + ?Sized> SecretBlobs for &T {
    fn read(&self, reference: &SecretRef) -> Result<Option<Vec<u8>>, SecretStoreError> {
        (**self).read(reference)
    }
    fn write(&self, reference: &SecretRef, blob: Vec<u8>) -> Result<(), SecretStoreError> {
        (**self).write(reference, blob)
    }
    fn remove(&self, reference: &SecretRef) -> Result<bool, SecretStoreError> {
        (**self).remove(reference)
    }
}

impl<T: SecretBlobs + ?Sized> SecretBlobs for std::sync::Arc<T> {
    fn read(&self, reference: &SecretRef) -> Result<Option<Vec<u8>>, SecretStoreError> {
        (**self).read(reference)
    }
    fn write(&self, reference: &SecretRef, blob: Vec<u8>) -> Result<(), SecretStoreError> {
        (**self).write(reference, blob)
    }
    fn remove(&self, reference: &SecretRef) -> Result<bool, SecretStoreError> {
        (**self).remove(reference)
    }
}

/// Sealed secrets in memory.
#[derive(Default)]
pub struct MemorySecretBlobs {
    blobs: Mutex<BTreeMap<SecretRef, Vec<u8>>>,
}

impl MemorySecretBlobs {
    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<SecretRef, Vec<u8>>> {
        // A panic while holding the lock cannot leave the map half-updated (each operation is one
        // map call), so a poisoned lock is still usable.
        self.blobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The sealed bytes under `reference` (for inspection and tests).
    pub fn raw(&self, reference: &SecretRef) -> Option<Vec<u8>> {
        self.map().get(reference).cloned()
    }

    /// Replaces the sealed bytes under `reference` as they are (for tests of tampering).
    pub fn set_raw(&self, reference: &SecretRef, blob: Vec<u8>) {
        self.map().insert(reference.clone(), blob);
    }

    /// The references held.
    pub fn references(&self) -> Vec<SecretRef> {
        self.map().keys().cloned().collect()
    }
}

impl fmt::Debug for MemorySecretBlobs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemorySecretBlobs").field("references", &self.references()).finish()
    }
}

impl SecretBlobs for MemorySecretBlobs {
    fn read(&self, reference: &SecretRef) -> Result<Option<Vec<u8>>, SecretStoreError> {
        Ok(self.raw(reference))
    }

    fn write(&self, reference: &SecretRef, blob: Vec<u8>) -> Result<(), SecretStoreError> {
        self.set_raw(reference, blob);
        Ok(())
    }

    fn remove(&self, reference: &SecretRef) -> Result<bool, SecretStoreError> {
        Ok(self.map().remove(reference).is_some())
    }
}

/// The host's 256-bit key for [`EncryptedSecretStore`]. Wiped from memory on drop; never printed.
#[derive(Clone)]
pub struct SecretKey(Zeroizing<[u8; 32]>);

impl SecretKey {
    /// The key's length in bytes.
    pub const LEN: usize = 32;

    /// A key from 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SecretStoreError> {
        let arr: [u8; 32] =
            bytes.try_into().map_err(|_| SecretStoreError::InvalidKey { detail: format!("{} bytes", bytes.len()) })?;
        Ok(SecretKey(Zeroizing::new(arr)))
    }

    /// A key from standard base64 (44 characters with padding), surrounding white space ignored.
    pub fn from_base64(text: &str) -> Result<Self, SecretStoreError> {
        let bytes = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|_| SecretStoreError::InvalidKey { detail: "text that is not base64".to_owned() })?,
        );
        SecretKey::from_bytes(&bytes)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

/// The default [`SecretStore`]: ChaCha20-Poly1305 under the host's key, sealed bytes in `B`. See
/// the module documentation.
///
/// Sealed format: one version byte (1), the 12-byte nonce, the ciphertext and its 16-byte tag; the
/// associated data is `exsync secret v1\0` followed by the reference.
pub struct EncryptedSecretStore<B: SecretBlobs> {
    key: LessSafeKey,
    blobs: B,
    rng: SystemRandom,
}

impl<B: SecretBlobs> fmt::Debug for EncryptedSecretStore<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptedSecretStore").field("key", &"***").finish_non_exhaustive()
    }
}

fn aad(reference: &SecretRef) -> Vec<u8> {
    let mut out = AAD_PREFIX.to_vec();
    out.extend_from_slice(reference.as_str().as_bytes());
    out
}

impl<B: SecretBlobs> EncryptedSecretStore<B> {
    /// A store sealing with `key`, keeping the sealed bytes in `blobs`.
    pub fn new(key: &SecretKey, blobs: B) -> Self {
        let unbound = UnboundKey::new(&CHACHA20_POLY1305, &key.0[..]).expect("a 32-byte key fits ChaCha20-Poly1305");
        EncryptedSecretStore { key: LessSafeKey::new(unbound), blobs, rng: SystemRandom::new() }
    }

    /// The storage underneath.
    pub fn blobs(&self) -> &B {
        &self.blobs
    }

    fn seal(&self, reference: &SecretRef, secret: &Secret) -> Result<Vec<u8>, SecretStoreError> {
        let failed = |what| SecretStoreError::Encrypt { reference: reference.to_string(), what };
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| failed("random nonce"))?;
        let mut in_out = Zeroizing::new(secret.expose().as_bytes().to_vec());
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad(reference)), &mut *in_out)
            .map_err(|_| failed("cipher"))?;
        let mut blob = Vec::with_capacity(1 + NONCE_LEN + in_out.len());
        blob.push(FORMAT_V1);
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&in_out);
        Ok(blob)
    }

    fn open(&self, reference: &SecretRef, blob: &[u8]) -> Result<Secret, SecretStoreError> {
        let version = blob.first().copied().unwrap_or(0);
        if version != FORMAT_V1 || blob.len() < 1 + NONCE_LEN + CHACHA20_POLY1305.tag_len() {
            return Err(SecretStoreError::UnsupportedFormat { reference: reference.to_string(), version });
        }
        let nonce: [u8; NONCE_LEN] = blob[1..1 + NONCE_LEN].try_into().expect("length checked");
        let mut in_out = Zeroizing::new(blob[1 + NONCE_LEN..].to_vec());
        let plain = self
            .key
            .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::from(aad(reference)), &mut in_out[..])
            .map_err(|_| SecretStoreError::Decrypt { reference: reference.to_string() })?;
        let text =
            std::str::from_utf8(plain).map_err(|_| SecretStoreError::NotUtf8 { reference: reference.to_string() })?;
        Ok(Secret::new(text))
    }
}

impl<B: SecretBlobs> SecretStore for EncryptedSecretStore<B> {
    fn put(&self, reference: &SecretRef, secret: &Secret) -> Result<(), SecretStoreError> {
        let blob = self.seal(reference, secret)?;
        self.blobs.write(reference, blob)
    }

    fn get(&self, reference: &SecretRef) -> Result<Secret, SecretStoreError> {
        match self.blobs.read(reference)? {
            Some(blob) => self.open(reference, &blob),
            None => Err(SecretStoreError::NotFound { reference: reference.to_string() }),
        }
    }

    fn delete(&self, reference: &SecretRef) -> Result<bool, SecretStoreError> {
        self.blobs.remove(reference)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(key: u8) -> EncryptedSecretStore<MemorySecretBlobs> {
        EncryptedSecretStore::new(&SecretKey::from_bytes(&[key; 32]).unwrap(), MemorySecretBlobs::default())
    }

    fn r(name: &str) -> SecretRef {
        SecretRef::new(name).unwrap()
    }

    #[test]
    fn round_trip_and_fresh_nonces() {
        let s = store(1);
        s.put(&r("a/pw"), &Secret::new("pässwörd ✓")).unwrap();
        assert_eq!(s.get(&r("a/pw")).unwrap().expose(), "pässwörd ✓");
        let first = s.blobs().raw(&r("a/pw")).unwrap();
        s.put(&r("a/pw"), &Secret::new("pässwörd ✓")).unwrap();
        let second = s.blobs().raw(&r("a/pw")).unwrap();
        assert_ne!(first, second, "each write has its own nonce");
        assert_eq!(first.len(), 1 + 12 + "pässwörd ✓".len() + 16);
        assert_eq!(first[0], 1);
        s.put(&r("empty"), &Secret::new("")).unwrap();
        assert!(s.get(&r("empty")).unwrap().is_empty());
    }

    #[test]
    fn wrong_key_tampering_and_moved_values_do_not_open() {
        let s = store(1);
        s.put(&r("a"), &Secret::new("secret-a")).unwrap();
        let blob = s.blobs().raw(&r("a")).unwrap();

        let other = store(2);
        other.blobs().set_raw(&r("a"), blob.clone());
        assert_eq!(other.get(&r("a")).unwrap_err(), SecretStoreError::Decrypt { reference: "a".into() });

        for i in 1..blob.len() {
            let mut t = blob.clone();
            t[i] ^= 0x01;
            s.blobs().set_raw(&r("a"), t);
            assert_eq!(s.get(&r("a")).unwrap_err(), SecretStoreError::Decrypt { reference: "a".into() }, "byte {i}");
        }
        let mut t = blob.clone();
        t[0] = 9;
        s.blobs().set_raw(&r("a"), t);
        assert_eq!(
            s.get(&r("a")).unwrap_err(),
            SecretStoreError::UnsupportedFormat { reference: "a".into(), version: 9 }
        );
        s.blobs().set_raw(&r("a"), vec![1, 2, 3]);
        assert!(matches!(s.get(&r("a")), Err(SecretStoreError::UnsupportedFormat { version: 1, .. })));
        s.blobs().set_raw(&r("a"), vec![]);
        assert!(matches!(s.get(&r("a")), Err(SecretStoreError::UnsupportedFormat { version: 0, .. })));

        // The reference is bound in: the same bytes under another name do not open.
        s.blobs().set_raw(&r("b"), blob);
        assert_eq!(s.get(&r("b")).unwrap_err(), SecretStoreError::Decrypt { reference: "b".into() });
    }

    #[test]
    fn missing_and_delete() {
        let s = store(3);
        assert_eq!(s.get(&r("x")).unwrap_err(), SecretStoreError::NotFound { reference: "x".into() });
        s.put(&r("x"), &Secret::new("v")).unwrap();
        assert!(s.delete(&r("x")).unwrap());
        assert!(!s.delete(&r("x")).unwrap());
        assert!(s.blobs().references().is_empty());
    }

    #[test]
    fn references_are_validated() {
        for bad in ["", "a b", "a:b", "ü", &"a".repeat(201)] {
            assert!(matches!(SecretRef::new(bad), Err(SecretStoreError::InvalidReference { .. })), "{bad:?}");
        }
        assert!(SecretRef::new("default/oauth-client-secret.v1_x").is_ok());
        assert!(serde_json::from_str::<SecretRef>("\"a b\"").is_err());
        assert_eq!(serde_json::to_string(&r("a/b")).unwrap(), "\"a/b\"");
    }

    #[test]
    fn keys() {
        assert!(matches!(SecretKey::from_bytes(&[0; 31]), Err(SecretStoreError::InvalidKey { .. })));
        let b64 = base64::engine::general_purpose::STANDARD.encode([5u8; 32]);
        assert!(SecretKey::from_base64(&format!(" {b64}\n")).is_ok());
        let short = base64::engine::general_purpose::STANDARD.encode([5u8; 16]);
        let e = SecretKey::from_base64(&short).unwrap_err();
        assert_eq!(e.to_string(), "the secret-store key must be 32 bytes (256 bits); got 16 bytes");
        assert!(SecretKey::from_base64("not base64!").is_err());
        let k = SecretKey::from_bytes(&[0xAB; 32]).unwrap();
        assert_eq!(format!("{k:?}"), "SecretKey(***)");
        assert!(!format!("{:?}", store(0xAB)).contains("171"));
    }
}
