//! The admin's setup flow and the connectivity analyzer.
pub mod domains;

pub use domains::{
    AdditionalDomains, AllowedDomains, DomainError, DomainListError, EmailDomain, InvalidEntry, MailboxAddress,
};
