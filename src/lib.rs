//! # exsync
//!
//! Keeps each enrolled user's contacts and calendar events in step between an application and
//! Microsoft Exchange, through a service account that impersonates the users' mailboxes.
//!
//! The crate is layered (see `DESIGN.md` in the repository):
//! - [`xml`]: the bounded XML reader and writer under the protocol types;
//! - [`ews`]: Exchange Web Services as pure data: every request and response serializes and parses;
//! - [`transport`]: the transport's pure parts: user names and credentials, retry and throttling
//!   policy, server-version step-down, wire-trace naming and redaction;
//! - [`autodiscover`]: POX and SOAP autodiscover messages, and the sans-IO plan from an email address
//!   to the EWS URL;
//! - `sim` (feature `sim`): the EWS simulator's mailbox store, with Exchange's semantics;
//! - [`sync`]: the canonical records, settings, and the pure planner of the sync engine;
//! - [`backend`]: the mailbox trait the engine drives, and the record ↔ EWS mapping;
//! - [`store`]: durable sync state (SQLite by default, memory for tests).
#![deny(missing_docs)]

pub mod autodiscover;
pub mod backend;
pub mod ews;
#[cfg(feature = "sim")]
pub mod sim;
pub mod store;
pub mod sync;
pub mod transport;
pub mod xml;
