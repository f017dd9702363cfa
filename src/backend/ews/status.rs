//! What Exchange's answers mean to the engine: an item's `ResponseCode` and a failed call's
//! [`TransportError`], as [`BackendError`]s.
//!
//! - `ErrorItemNotFound` → [`BackendError::NotFound`]; `ErrorIrresolvableConflict` (an update
//!   based on an old change key under `NeverOverwrite`) → [`BackendError::StaleChangeKey`];
//!   `ErrorInvalidSyncStateData` → [`BackendError::InvalidCursor`];
//! - impersonation and mailbox refusals → [`BackendError::Denied`]; load and passing store
//!   failures → [`BackendError::Transient`] (the code in the detail);
//! - any other code → [`BackendError::Exchange`], the code kept;
//! - a write whose answer was lost or unreadable (the connection broke after sending, a garbled
//!   or cut answer, an HTTP 5xx without a SOAP body) → [`BackendError::Ambiguous`]: Exchange may
//!   have carried it out. A read in the same case is [`BackendError::Transient`].

use crate::backend::BackendError;
use crate::ews::{ResponseCode, ResponseStatus};
use crate::sync::{ObjectKind, UserId};
use crate::transport::TransportError;
use crate::transport::retry::NetworkFailure;

/// Whether a call changes the mailbox (then a lost answer leaves the outcome unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// `SyncFolderItems`, `GetItem`, `FindItem`, `FindFolder`: safe to repeat.
    Read,
    /// `CreateItem`, `UpdateItem`, `DeleteItem`.
    Write,
}

/// Who and what a failure is about.
#[derive(Debug, Clone, Copy)]
pub struct Failing<'a> {
    /// Whose mailbox.
    pub user: &'a UserId,
    /// The engine's name of the call (`list_changes`, `create`, …).
    pub operation: &'static str,
    /// The folder's kind.
    pub kind: ObjectKind,
    /// Read or write.
    pub call: CallKind,
}

/// Codes that say the request was not carried out for now and may succeed later.
fn is_passing(code: &ResponseCode) -> bool {
    code.is_throttling()
        || matches!(
            code,
            ResponseCode::ErrorMailboxStoreUnavailable
                | ResponseCode::ErrorMailboxMoveInProgress
                | ResponseCode::ErrorInternalServerTransientError
                | ResponseCode::ErrorBatchProcessingStopped
                | ResponseCode::ErrorConnectionFailed
                | ResponseCode::ErrorADUnavailable
        )
}

/// Codes that say the service account may not act on the mailbox.
fn is_refusal(code: &ResponseCode) -> bool {
    matches!(
        code,
        ResponseCode::ErrorAccessDenied
            | ResponseCode::ErrorImpersonateUserDenied
            | ResponseCode::ErrorImpersonationDenied
            | ResponseCode::ErrorImpersonationFailed
            | ResponseCode::ErrorInvalidExchangeImpersonationHeaderData
            | ResponseCode::ErrorNonExistentMailbox
            | ResponseCode::ErrorInvalidMailbox
    )
}

/// The error for an EWS `code` with Exchange's `text`, about `item` if the code is about one.
pub fn from_code(f: Failing<'_>, item: Option<&str>, code: &ResponseCode, text: &str) -> BackendError {
    let user = f.user.clone();
    let item_or = |fallback: &str| item.unwrap_or(fallback).to_owned();
    let detail = if text.is_empty() { code.as_str().to_owned() } else { format!("{code}: {text}") };
    match code {
        ResponseCode::ErrorItemNotFound => BackendError::NotFound { user, item: item_or("(unknown item)") },
        ResponseCode::ErrorIrresolvableConflict => {
            BackendError::StaleChangeKey { user, item: item_or("(unknown item)") }
        }
        ResponseCode::ErrorInvalidSyncStateData => BackendError::InvalidCursor { user, kind: f.kind },
        c if is_refusal(c) => BackendError::Denied { user, detail, code: Some(c.as_str().to_owned()) },
        c if is_passing(c) => {
            BackendError::Transient { user, operation: f.operation, detail, code: Some(c.as_str().to_owned()) }
        }
        c => BackendError::Exchange {
            user,
            operation: f.operation,
            code: c.clone(),
            message: if text.is_empty() { "no message".to_owned() } else { text.to_owned() },
        },
    }
}

/// The error of one item's failed response message.
pub fn from_status(f: Failing<'_>, item: Option<&str>, status: &ResponseStatus) -> BackendError {
    from_code(f, item, &status.code, status.message_text.as_deref().unwrap_or(""))
}

/// The error of a failed call.
pub fn from_transport(f: Failing<'_>, e: TransportError) -> BackendError {
    let user = f.user.clone();
    let write = f.call == CallKind::Write;
    let detail = e.to_string();
    let code = transport_code(&e);
    let passing = BackendError::Transient {
        user: user.clone(),
        operation: f.operation,
        detail: detail.clone(),
        code: code.clone(),
    };
    let unknown = BackendError::Ambiguous { user: user.clone(), operation: f.operation, detail: detail.clone() };
    match &e {
        TransportError::Ambiguous { .. } => unknown,
        TransportError::Network { failure: NetworkFailure::ResponseLost, .. } if write => unknown,
        TransportError::InvalidResponse { .. } | TransportError::ResponseTooLarge { .. } if write => unknown,
        TransportError::Http { status, .. } if write && *status >= 500 => unknown,
        TransportError::Network { .. }
        | TransportError::Throttled { .. }
        | TransportError::InvalidResponse { .. }
        | TransportError::ResponseTooLarge { .. }
        | TransportError::TokenProvider { .. } => passing,
        TransportError::Http { status, .. } if *status >= 500 || *status == 429 => passing,
        TransportError::ImpersonationDenied { .. }
        | TransportError::NonExistentMailbox { .. }
        | TransportError::Unauthorized { .. }
        | TransportError::SchemeNotOffered { .. }
        | TransportError::NtlmHandshake { .. }
        | TransportError::TokenRefused { .. } => BackendError::Denied { user, detail, code },
        TransportError::Http { status: 403, .. } => BackendError::Denied { user, detail, code },
        TransportError::Fault { fault, .. } => {
            let code = fault.code();
            from_code(f, None, &code, &detail)
        }
        _ => BackendError::Exchange {
            user,
            operation: f.operation,
            code: ResponseCode::Other("transport".to_owned()),
            message: detail,
        },
    }
}

/// The EWS code behind a transport error, when Exchange sent one.
fn transport_code(e: &TransportError) -> Option<String> {
    match e {
        TransportError::ImpersonationDenied { code, .. } | TransportError::NonExistentMailbox { code, .. } => {
            Some(code.as_str().to_owned())
        }
        TransportError::Fault { fault, .. } => Some(fault.code().as_str().to_owned()),
        TransportError::Throttled { .. } => Some(ResponseCode::ErrorServerBusy.as_str().to_owned()),
        _ => None,
    }
}

/// The error of an answer that does not hold what the request asked for (fewer messages than
/// items, an item without id).
pub fn malformed(f: Failing<'_>, what: &str) -> BackendError {
    let detail = format!("the answer is incomplete: {what}");
    match f.call {
        CallKind::Write => BackendError::Ambiguous { user: f.user.clone(), operation: f.operation, detail },
        CallKind::Read => BackendError::Transient { user: f.user.clone(), operation: f.operation, detail, code: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(call: CallKind) -> Failing<'static> {
        static U: std::sync::OnceLock<UserId> = std::sync::OnceLock::new();
        Failing { user: U.get_or_init(|| UserId::new("a@b.c")), operation: "update", kind: ObjectKind::Events, call }
    }

    #[test]
    fn codes_with_their_own_meaning() {
        let r = f(CallKind::Write);
        assert!(matches!(
            from_code(r, Some("i"), &ResponseCode::ErrorIrresolvableConflict, "x"),
            BackendError::StaleChangeKey { item, .. } if item == "i"
        ));
        assert!(matches!(from_code(r, Some("i"), &ResponseCode::ErrorItemNotFound, ""), BackendError::NotFound { .. }));
        assert!(matches!(
            from_code(r, None, &ResponseCode::ErrorInvalidSyncStateData, ""),
            BackendError::InvalidCursor { kind: ObjectKind::Events, .. }
        ));
        assert!(from_code(r, None, &ResponseCode::ErrorServerBusy, "").is_retryable());
        assert!(matches!(from_code(r, None, &ResponseCode::ErrorAccessDenied, ""), BackendError::Denied { .. }));
        let other = from_code(r, Some("i"), &ResponseCode::ErrorInvalidPropertySet, "bad");
        assert_eq!(other.ews_code(), Some(&ResponseCode::ErrorInvalidPropertySet));
        assert!(other.to_string().contains("ErrorInvalidPropertySet: bad"), "{other}");
        assert!(!other.is_retryable());
    }

    #[test]
    fn incomplete_answers_to_writes_are_ambiguous() {
        assert!(matches!(malformed(f(CallKind::Write), "x"), BackendError::Ambiguous { .. }));
        assert!(matches!(malformed(f(CallKind::Read), "x"), BackendError::Transient { .. }));
    }
}
