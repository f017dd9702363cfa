//! What a mailbox backend call can fail with: one enum for whole calls and for single items of a
//! batch, so the engine decides the same way for both.

use crate::ews::ResponseCode;
use crate::sync::{ObjectKind, UserId};

/// A backend failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendError {
    /// The request may or may not have been applied (the connection broke after sending, a timeout
    /// waiting for the answer). The engine finds out by reading back (for creates: by the tag).
    #[error(
        "{operation} for {user}: the answer was lost, the change may have been applied ({detail}); exsync checks and retries"
    )]
    Ambiguous {
        /// Whose mailbox.
        user: UserId,
        /// Which call.
        operation: &'static str,
        /// What happened.
        detail: String,
    },
    /// The mailbox no longer knows the sync cursor; the folder must be resynced from scratch.
    #[error("the {kind} sync state of {user} is no longer valid on the server; exsync resyncs the folder")]
    InvalidCursor {
        /// Whose mailbox.
        user: UserId,
        /// Which folder.
        kind: ObjectKind,
    },
    /// The item changed since the version an update was based on.
    #[error(
        "item {item} of {user} changed on the server since it was read; exsync re-reads it and applies the conflict policy"
    )]
    StaleChangeKey {
        /// Whose mailbox.
        user: UserId,
        /// The item id.
        item: String,
    },
    /// The item does not exist (any more).
    #[error("item {item} of {user} does not exist on the server")]
    NotFound {
        /// Whose mailbox.
        user: UserId,
        /// The item id.
        item: String,
    },
    /// The server refused the content (a value out of range, a field it does not support). Retrying
    /// the same content fails again.
    #[error("{operation} for {user} was refused: {reason}; correct the record in the application")]
    Rejected {
        /// Whose mailbox.
        user: UserId,
        /// Which call.
        operation: &'static str,
        /// The server's reason.
        reason: String,
        /// The server's error code, when it sent one (EWS: the `ResponseCode`, e.g.
        /// `ErrorInvalidPropertyValue`).
        code: Option<String>,
    },
    /// A passing failure (throttled, server busy, connection refused before sending): nothing was
    /// applied; the next sync retries.
    #[error("{operation} for {user} failed for now ({detail}); the next sync retries")]
    Transient {
        /// Whose mailbox.
        user: UserId,
        /// Which call.
        operation: &'static str,
        /// What happened.
        detail: String,
        /// The server's error code, when it sent one (EWS: the `ResponseCode`, e.g.
        /// `ErrorServerBusy`).
        code: Option<String>,
    },
    /// The service account may not act on the mailbox (impersonation denied, mailbox gone).
    #[error("access to the mailbox of {user} was denied ({detail}); check the service account's impersonation rights")]
    Denied {
        /// Whose mailbox.
        user: UserId,
        /// What the server said.
        detail: String,
        /// The server's error code, when it sent one (EWS: the `ResponseCode`, e.g.
        /// `ErrorImpersonateUserDenied`).
        code: Option<String>,
    },
    /// Exchange answered the call or the item with an error code that has no more specific
    /// meaning above; the code is kept as Exchange sent it. Retrying the same request fails
    /// again; the change stays queued.
    #[error("{operation} for {user}: Exchange answered {code}: {message}")]
    Exchange {
        /// Whose mailbox.
        user: UserId,
        /// Which call.
        operation: &'static str,
        /// The EWS `ResponseCode`.
        code: ResponseCode,
        /// Exchange's `MessageText` (or what exsync knows of the code).
        message: String,
    },
    /// The backend cannot do this (e.g. restore a cancelled occurrence).
    #[error("not supported by this mailbox backend: {what}")]
    Unsupported {
        /// What was asked.
        what: String,
    },
}

impl BackendError {
    /// Whether the same call may succeed later without any change (transient and ambiguous
    /// failures).
    pub fn is_retryable(&self) -> bool {
        matches!(self, BackendError::Transient { .. } | BackendError::Ambiguous { .. })
    }

    /// The error code the server sent, when there was one (EWS: the `ResponseCode` string).
    pub fn server_code(&self) -> Option<&str> {
        match self {
            BackendError::Rejected { code, .. }
            | BackendError::Transient { code, .. }
            | BackendError::Denied { code, .. } => code.as_deref(),
            BackendError::Exchange { code, .. } => Some(code.as_str()),
            _ => None,
        }
    }

    /// The EWS `ResponseCode` Exchange answered, when the error carries one.
    pub fn ews_code(&self) -> Option<&ResponseCode> {
        match self {
            BackendError::Exchange { code, .. } => Some(code),
            _ => None,
        }
    }
}
