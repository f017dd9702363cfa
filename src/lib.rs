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
//! - [`setup`]: the admin's setup flow (a sans-IO state machine), the connectivity analyzer's
//!   sequencer and report, additional-domain parsing, the saved configuration and its secret store;
//! - `sim` (feature `sim`): the EWS simulator's mailbox store, with Exchange's semantics.
#![deny(missing_docs)]

pub mod autodiscover;
pub mod ews;
pub mod setup;
#[cfg(feature = "sim")]
pub mod sim;
pub mod transport;
pub mod xml;
