//! NTLMv2 over HTTP for both ends, sans-IO: [`NtlmClient`] builds the client's NEGOTIATE and
//! AUTHENTICATE messages, [`NtlmAcceptor`] issues CHALLENGE messages and verifies AUTHENTICATE
//! messages for the EWS simulator, and the [`http_header`] helpers put the messages into and out
//! of `Authorization` / `WWW-Authenticate` headers. No function here performs I/O.
//!
//! Exchange on premises often has Basic switched off on EWS; NTLM is then the way in. NTLM
//! authenticates a *connection*: the three messages must travel on one TCP connection, and the
//! HTTP driver reuses that connection for later requests instead of signing in again.
//!
//! ```
//! use exsync::ntlm::{NtlmAcceptor, NtlmClient, NtlmTarget, http_header};
//! use exsync::transport::{Secret, UserName};
//!
//! let client = NtlmClient::new(UserName::parse(r"CONTOSO\alice").unwrap(), Secret::new("S3cret!"));
//! let mut acceptor = NtlmAcceptor::new(NtlmTarget {
//!     netbios_domain: "CONTOSO".into(),
//!     netbios_computer: "EXCH01".into(),
//!     dns_domain: "contoso.com".into(),
//!     dns_computer: "exch01.contoso.com".into(),
//! });
//!
//! // Client: `Authorization: NTLM <NEGOTIATE>`.
//! let authorization = http_header::header_value(&client.negotiate());
//! // Server: `401` with `WWW-Authenticate: NTLM <CHALLENGE>`.
//! let negotiate = http_header::message_from_authorization(&authorization).unwrap();
//! let www_authenticate = http_header::header_value(&acceptor.challenge(&negotiate).unwrap());
//! // Client: `Authorization: NTLM <AUTHENTICATE>` on the same connection.
//! let challenge = http_header::challenge_from_www_authenticate([www_authenticate.as_str()]).unwrap();
//! let authenticate = client.authenticate(&challenge).unwrap();
//! // Server: checks it against the account's password.
//! let principal = acceptor
//!     .verify(&authenticate, |who| (who.user() == "alice").then(|| Secret::new("S3cret!")))
//!     .unwrap();
//! assert_eq!(principal.to_string(), r"CONTOSO\alice");
//! ```
//!
//! # Why our own implementation on RustCrypto primitives
//!
//! The crates that encode NTLM messages were weighed (2026): `sspi` (Devolutions) is complete and
//! maintained, and has an acceptor, but it is an SSPI emulation with Kerberos, smart cards and
//! about 280 dependencies (its default features pull aws-lc), and needs Rust 1.93. `ntlmclient`
//! is client-only, cannot parse a message for an acceptor without panicking on unknown flag bits,
//! sends no MIC, draws its client challenge from `OsRng` (so the MS-NLMP test vectors cannot be
//! reproduced) and prints passwords in `Debug`. `ntlmssp` is client-only, equally untestable
//! against the vectors, and pins `zeroize < 1.9`, which conflicts with this crate's `zeroize`.
//! None covers the acceptor in a small package, and the messages themselves are a few fixed
//! layouts. So the message codec and both state machines are written here (about 1,100 lines
//! without tests), on small, widely used primitives from RustCrypto: `md4` (NTOWFv1), `md-5` and
//! `hmac` (NTOWFv2, NTProofStr, session keys, MIC, with constant-time comparison) and `rc4` (the
//! key exchange), plus `getrandom` for challenges. They are verified against MS-NLMP section
//! 4.2.4's published NTLMv2 example (byte for byte), a captured Windows exchange, and handshakes
//! with pyspnego (both directions) and curl (against the acceptor).
//!
//! # What is (not) supported
//!
//! NTLMv2 only: LM and NTLMv1 responses are refused by the acceptor and never sent by the client.
//! The client speaks Unicode only (every Windows since NT does); the acceptor also takes OEM
//! strings from clients that offer nothing else (curl), as long as they are ASCII, and refuses
//! other OEM text with [`NtlmError::Unsupported`]. Extended Protection is supported through
//! [`ChannelBindings`] (`tls-server-end-point`, computed with `ring`, already in the tree for
//! rustls). No signing or sealing (HTTP does not use them) and no target names (SPNs).

mod acceptor;
mod authenticate;
mod av_pairs;
mod challenge;
mod channel_bindings;
mod client;
mod error;
mod fields;
mod flags;
pub mod http_header;
mod negotiate;
mod ntlmv2;
mod source;

pub use acceptor::{NtlmAcceptor, NtlmPrincipal, NtlmTarget};
pub use channel_bindings::ChannelBindings;
pub use client::NtlmClient;
pub use error::{NtlmError, NtlmMessageKind};
pub use source::{FixedSource, NtlmSource, SystemSource};
