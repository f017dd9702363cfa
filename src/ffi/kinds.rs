//! The numbered values C passes as plain integers: object kinds (a bit set), connection methods and
//! setup steps. Arguments are `uint32_t` and checked here, so an unknown number is
//! `EXSYNC_ERR_INVALID_ARGUMENT`, never undefined behaviour.

use super::error::FfiError;
use crate::setup::{ConnectionMethod, ServiceAccountAuth, SetupStep, SyncScope};
use crate::sync::ObjectKind;

/// Object kinds, combinable as bits (`EXSYNC_KIND_CONTACTS | EXSYNC_KIND_EVENTS`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum exsync_kind {
    /// Contacts.
    EXSYNC_KIND_CONTACTS = 1,
    /// Calendar events.
    EXSYNC_KIND_EVENTS = 2,
    /// Both.
    EXSYNC_KIND_ALL = 3,
}

/// How the application signs in to Exchange (setup step 2).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum exsync_method {
    /// A service account with HTTP Basic authentication (over TLS), Exchange Server.
    EXSYNC_METHOD_BASIC = 1,
    /// A service account with NTLMv2, Exchange Server.
    EXSYNC_METHOD_NTLM = 2,
    /// OAuth 2.0 client credentials (app-only), Exchange Online.
    EXSYNC_METHOD_OAUTH = 3,
}

/// The setup's steps, numbered 1 to 7 in order.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum exsync_step {
    /// 1: contacts, events, or both.
    EXSYNC_STEP_SYNC_SCOPE = 1,
    /// 2: service account or OAuth 2.0.
    EXSYNC_STEP_CONNECTION_METHOD = 2,
    /// 3: the service account's user name (service accounts only).
    EXSYNC_STEP_SERVICE_ACCOUNT = 3,
    /// 4: the password, or the OAuth 2.0 application.
    EXSYNC_STEP_CREDENTIALS = 4,
    /// 5: the users' email domains besides the service account's.
    EXSYNC_STEP_DOMAINS = 5,
    /// 6: the connectivity analyzer.
    EXSYNC_STEP_VALIDATE = 6,
    /// 7: persist the configuration.
    EXSYNC_STEP_SAVE = 7,
}

/// The object kinds in a kind bit set (1, 2 or 3).
pub(crate) fn kinds(bits: u32, param: &'static str) -> Result<Vec<ObjectKind>, FfiError> {
    match bits {
        1 => Ok(vec![ObjectKind::Contacts]),
        2 => Ok(vec![ObjectKind::Events]),
        3 => Ok(ObjectKind::ALL.to_vec()),
        other => {
            Err(FfiError::invalid(param, format!("{other} is not EXSYNC_KIND_CONTACTS (1), _EVENTS (2) or _ALL (3)")))
        }
    }
}

/// Exactly one object kind (1 or 2).
pub(crate) fn one_kind(bits: u32, param: &'static str) -> Result<ObjectKind, FfiError> {
    match bits {
        1 => Ok(ObjectKind::Contacts),
        2 => Ok(ObjectKind::Events),
        other => {
            Err(FfiError::invalid(param, format!("{other} is not EXSYNC_KIND_CONTACTS (1) or EXSYNC_KIND_EVENTS (2)")))
        }
    }
}

/// A sync scope from a kind bit set.
pub(crate) fn scope(bits: u32, param: &'static str) -> Result<SyncScope, FfiError> {
    if bits > 3 {
        return Err(FfiError::invalid(
            param,
            format!("{bits} has bits other than EXSYNC_KIND_CONTACTS | EXSYNC_KIND_EVENTS"),
        ));
    }
    Ok(SyncScope { contacts: bits & 1 != 0, events: bits & 2 != 0 })
}

/// A connection method by number.
pub(crate) fn method(value: u32) -> Result<ConnectionMethod, FfiError> {
    match value {
        1 => Ok(ConnectionMethod::ServiceAccount(ServiceAccountAuth::Basic)),
        2 => Ok(ConnectionMethod::ServiceAccount(ServiceAccountAuth::Ntlm)),
        3 => Ok(ConnectionMethod::OAuthAppOnly),
        other => {
            Err(FfiError::invalid("method", format!("{other} is not EXSYNC_METHOD_BASIC (1), _NTLM (2) or _OAUTH (3)")))
        }
    }
}

/// A step by number (1–7).
pub(crate) fn step(value: u32) -> Result<SetupStep, FfiError> {
    SetupStep::ALL
        .into_iter()
        .find(|s| u32::from(s.number()) == value)
        .ok_or_else(|| FfiError::invalid("step", format!("{value} is not a step number (1 to 7)")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_the_rust_values() {
        assert_eq!(step(exsync_step::EXSYNC_STEP_SAVE as u32).unwrap(), SetupStep::Save);
        assert_eq!(step(exsync_step::EXSYNC_STEP_SERVICE_ACCOUNT as u32).unwrap(), SetupStep::ServiceAccount);
        assert!(step(0).is_err() && step(8).is_err());
        assert_eq!(kinds(exsync_kind::EXSYNC_KIND_ALL as u32, "k").unwrap(), ObjectKind::ALL.to_vec());
        assert!(one_kind(3, "k").is_err());
        assert_eq!(scope(2, "s").unwrap(), SyncScope::EVENTS);
        assert!(scope(4, "s").is_err());
        assert_eq!(method(exsync_method::EXSYNC_METHOD_OAUTH as u32).unwrap(), ConnectionMethod::OAuthAppOnly);
        assert!(method(4).is_err());
    }
}
