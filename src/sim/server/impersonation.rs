//! Which mailbox a request acts on: the one its `ExchangeImpersonation` header names (if the caller
//! may impersonate it), else the caller's own; with Exchange's answers when that fails.
//!
//! - No impersonation right, or a grant that does not cover the mailbox:
//!   `ErrorImpersonateUserDenied`.
//! - A primary or other SMTP address no mailbox has: `ErrorNonExistentMailbox`.
//! - A principal name or SID no mailbox user has: `ErrorImpersonationFailed`.
//! - An app-only bearer token without the header: `ErrorInvalidExchangeImpersonationHeaderData`.
//!
//! All of these are SOAP faults, as Exchange sends them.

use crate::ews::{ConnectingSid, ExchangeImpersonation, ResponseCode};

use super::directory::{Directory, Principal};

/// A refusal: the code and the text Exchange sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) code: ResponseCode,
    pub(crate) text: String,
}

fn refuse(code: ResponseCode, text: impl Into<String>) -> Refusal {
    Refusal { code, text: text.into() }
}

/// The mailbox the request acts on (`None`: the caller has none and impersonates nobody).
pub(crate) fn acting_mailbox(
    directory: &Directory,
    principal: &Principal,
    impersonation: Option<&ExchangeImpersonation>,
) -> Result<Option<String>, Refusal> {
    let Some(imp) = impersonation else {
        if principal.is_app() {
            return Err(refuse(
                ResponseCode::ErrorInvalidExchangeImpersonationHeaderData,
                "ExchangeImpersonation SOAP header must be present for this type of OAuth token.",
            ));
        }
        return Ok(principal.own_mailbox().map(str::to_owned));
    };
    let denied = || {
        refuse(
            ResponseCode::ErrorImpersonateUserDenied,
            "The account does not have permission to impersonate the requested user.",
        )
    };
    if *principal.grant() == super::directory::ImpersonationGrant::None {
        return Err(denied());
    }
    let user = match &imp.connecting_sid {
        ConnectingSid::PrimarySmtpAddress(a) | ConnectingSid::SmtpAddress(a) => directory.user(a).ok_or_else(|| {
            refuse(ResponseCode::ErrorNonExistentMailbox, "The SMTP address has no mailbox associated with it.")
        })?,
        ConnectingSid::PrincipalName(upn) => directory.user_by_principal_name(upn).ok_or_else(|| {
            refuse(
                ResponseCode::ErrorImpersonationFailed,
                format!("Impersonation failed: no user has the principal name {}.", upn.trim()),
            )
        })?,
        ConnectingSid::Sid(sid) => directory.user_by_sid(sid).ok_or_else(|| {
            refuse(
                ResponseCode::ErrorImpersonationFailed,
                format!("Impersonation failed: no user has the SID {}.", sid.trim()),
            )
        })?,
    };
    if !principal.grant().covers(&user.address) {
        return Err(denied());
    }
    Ok(Some(user.address.clone()))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::sim::server::directory::{Account, ServiceAccount};
    use crate::transport::UserName;

    fn setup(grant: ServiceAccount) -> (Directory, Principal) {
        let mut d = Directory::new(vec!["contoso.com".into()], None, None, vec![], vec![], 3).unwrap();
        d.add_user("alice@contoso.com", None).unwrap();
        d.add_user("bob@contoso.com", None).unwrap();
        d.add_user("svc@contoso.com", None).unwrap();
        let upn = UserName::parse("svc@contoso.com").unwrap();
        (d, Principal::Account(Arc::new(Account { config: grant, upn })))
    }

    fn smtp(a: &str) -> ExchangeImpersonation {
        ExchangeImpersonation::smtp(a)
    }

    #[test]
    fn outcomes() {
        let (d, all) =
            setup(ServiceAccount::new("svc@contoso.com", "x").impersonating_all().with_mailbox("svc@contoso.com"));
        assert_eq!(acting_mailbox(&d, &all, None).unwrap().as_deref(), Some("svc@contoso.com"));
        assert_eq!(
            acting_mailbox(&d, &all, Some(&smtp("ALICE@contoso.com"))).unwrap().as_deref(),
            Some("alice@contoso.com")
        );
        let e = acting_mailbox(&d, &all, Some(&smtp("carol@contoso.com"))).unwrap_err();
        assert_eq!(e.code, ResponseCode::ErrorNonExistentMailbox);
        let sid = d.user("bob@contoso.com").unwrap().sid.clone();
        let by_sid = ExchangeImpersonation { connecting_sid: ConnectingSid::Sid(sid) };
        assert_eq!(acting_mailbox(&d, &all, Some(&by_sid)).unwrap().as_deref(), Some("bob@contoso.com"));
        let bad_sid = ExchangeImpersonation { connecting_sid: ConnectingSid::Sid("S-1-5-21-1-2-3-4".into()) };
        assert_eq!(acting_mailbox(&d, &all, Some(&bad_sid)).unwrap_err().code, ResponseCode::ErrorImpersonationFailed);
        let upn = ExchangeImpersonation { connecting_sid: ConnectingSid::PrincipalName("bob@contoso.com".into()) };
        assert_eq!(acting_mailbox(&d, &all, Some(&upn)).unwrap().as_deref(), Some("bob@contoso.com"));

        let (d, none) = setup(ServiceAccount::new("svc@contoso.com", "x"));
        assert_eq!(acting_mailbox(&d, &none, None).unwrap(), None);
        let e = acting_mailbox(&d, &none, Some(&smtp("alice@contoso.com"))).unwrap_err();
        assert_eq!(e.code, ResponseCode::ErrorImpersonateUserDenied);

        let (d, some) = setup(ServiceAccount::new("svc@contoso.com", "x").impersonating(["alice@contoso.com"]));
        assert!(acting_mailbox(&d, &some, Some(&smtp("alice@contoso.com"))).is_ok());
        let e = acting_mailbox(&d, &some, Some(&smtp("bob@contoso.com"))).unwrap_err();
        assert_eq!(e.code, ResponseCode::ErrorImpersonateUserDenied);
    }
}
