//! The transport layer's pure parts: who signs in ([`UserName`], [`Secret`], [`Credentials`]), when
//! to retry and how many requests to run at once ([`retry`]), which request version each endpoint
//! accepts ([`version`]), and how the wire trace names and redacts what it writes ([`trace`]).
//!
//! None of it performs I/O: the HTTP driver (reqwest, TLS, NTLM, OAuth token requests) feeds these
//! state machines what happened and does what they decide.

pub mod credentials;
pub mod retry;
pub mod trace;
pub mod user_name;
pub mod version;

pub use credentials::{
    BearerToken, BearerTokenProvider, Credentials, EWS_DEFAULT_SCOPE, OAuthAuthority, Secret, TokenFuture,
    TokenProviderError,
};
pub use retry::{
    AccountConcurrency, AdaptiveLimit, AdaptivePolicy, Backoff, ConcurrencyLimits, Idempotency, NetworkFailure,
    RetryCause, RetryContext, RetryDecision, RetryError, RetryPolicy,
};
pub use trace::TraceError;
pub use user_name::{NamePart, UserName, UserNameError, UserNameFormat};
pub use version::{VersionError, VersionNegotiator};
