//! The transport layer: who signs in ([`UserName`], [`Secret`], [`Credentials`]), when to retry and
//! how many requests to run at once ([`retry`]), which request version each endpoint accepts
//! ([`version`]), how the wire trace names and redacts what it writes ([`trace`]) — the pure parts —
//! and the I/O driver over them: [`EwsClient`] ([`client`]) on the HTTP layer ([`http`], [`pool`],
//! [`tls`]) with authentication ([`oauth`]), server affinity ([`cookies`]) and the wire-trace writer
//! ([`wire_trace`]).
//!
//! The driver uses hyper 1's client connection API (`hyper::client::conn::http1`) over tokio
//! `TcpStream` and tokio-rustls, with its own small connection pool, instead of reqwest: NTLM's
//! three-step handshake must stay on one TCP connection and an NTLM-authenticated connection must
//! be reused, which a hidden pool cannot guarantee. Each pooled connection carries its
//! authentication state (see [`pool`]).

pub(crate) mod auth;
pub mod client;
pub mod cookies;
pub mod credentials;
pub mod error;
pub mod exchange_operation;
mod gate;
pub mod http;
pub mod oauth;
pub mod pool;
pub mod retry;
pub mod tls;
pub mod trace;
pub mod user_name;
pub mod version;
pub mod wire_trace;

pub use client::{EwsClient, EwsClientConfig, EwsReply};
pub use credentials::{
    BearerToken, BearerTokenProvider, Credentials, EWS_DEFAULT_SCOPE, OAuthAuthority, Secret, TokenFuture,
    TokenProviderError,
};
pub use error::{CallContext, TransportError};
pub use exchange_operation::ExchangeOperation;
pub use http::{HttpOptions, HttpTransport};
pub use retry::{
    AccountConcurrency, AdaptiveLimit, AdaptivePolicy, Backoff, ConcurrencyLimits, Idempotency, NetworkFailure,
    RetryCause, RetryContext, RetryDecision, RetryError, RetryPolicy,
};
pub use tls::TlsOptions;
pub use trace::TraceError;
pub use user_name::{NamePart, UserName, UserNameError, UserNameFormat};
pub use version::{VersionError, VersionNegotiator};
