//! # exsync
//!
//! Keeps each enrolled user's contacts and calendar events in step between an application and
//! Microsoft Exchange, through a service account that impersonates the users' mailboxes.
//!
//! The crate is layered (see `DESIGN.md` in the repository):
//! - [`xml`]: the bounded XML reader and writer under the protocol types;
//! - [`ews`]: Exchange Web Services as pure data: every request and response serializes and parses;
//! - [`transport`]: user names and credentials, retry and throttling policy, server-version
//!   step-down, wire-trace redaction, and the HTTPS driver over them ([`transport::EwsClient`]);
//! - [`autodiscover`]: POX and SOAP autodiscover messages, the sans-IO plan from an email address
//!   to the EWS URL, and its driver ([`autodiscover::AutodiscoverClient`]);
//! - [`ntlm`]: NTLMv2 messages for the HTTP client and the simulator's acceptor, sans-IO;
//! - [`setup`]: the admin's setup flow (a sans-IO state machine), the connectivity analyzer's
//!   sequencer and report, additional-domain parsing, the saved configuration and its secret store;
//! - `sim` (feature `sim`): the EWS simulator: a mailbox store with Exchange's semantics, served on
//!   loopback by `SimServer` (EWS, autodiscover, OAuth token endpoint);
//! - [`sync`]: the canonical records, settings, and the pure planner of the sync engine;
//! - [`backend`]: the mailbox trait the engine drives, and the record ↔ EWS mapping;
//! - [`store`]: durable sync state (SQLite by default, memory for tests);
//! - `ffi` (feature `sqlite`, on by default): the C ABI (`include/exsync.h`), opaque handles,
//!   numbered error codes, JSON in and out.
#![deny(missing_docs)]

pub mod autodiscover;
pub mod backend;
pub mod ews;
#[cfg(feature = "sqlite")]
pub mod ffi;
pub mod ntlm;
pub mod setup;
#[cfg(feature = "sim")]
pub mod sim;
pub mod store;
pub mod sync;
pub mod transport;
pub mod xml;

/// The README's Rust example, run as a doc test so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;
