//! The admin's setup flow and the connectivity analyzer.
pub mod domains;
pub mod secret_store;

pub use domains::{
    AdditionalDomains, AllowedDomains, DomainError, DomainListError, EmailDomain, InvalidEntry, MailboxAddress,
};
pub use secret_store::{
    EncryptedSecretStore, MemorySecretBlobs, SecretBlobs, SecretKey, SecretRef, SecretStore, SecretStoreError,
};
