//! The EWS probes through [`EwsClient`]: signing in (`ResolveNames` without impersonation),
//! impersonating the test mailbox (`GetFolder` of its root), and reading its contacts and calendar
//! folders (`GetFolder`, then `FindItem` for at most one item). Each answer or failure becomes an
//! [`EwsOutcome`]; no text carries a secret (the transport's errors never do).

use crate::ews::{
    BaseFolderId, BaseShape, DistinguishedFolderName, FindItem, GetFolder, IndexedPageView, ItemShape, ItemView,
    ResolveNames, ResolveNamesSearchScope, ResponseStatus, ServerVersionInfo,
};
use crate::setup::analyzer::{EwsOutcome, EwsSeen, FolderKind};
use crate::setup::domains::MailboxAddress;
use crate::transport::{EwsClient, EwsReply, ExchangeOperation, TransportError};

/// `Exchange2016 15.1.2507.6 (V2017_07_11)`-like text of `ServerVersionInfo`.
fn version_text(v: &ServerVersionInfo) -> Option<String> {
    let numbers: Vec<String> = [v.major_version, v.minor_version, v.major_build_number, v.minor_build_number]
        .iter()
        .map_while(|n| n.map(|n| n.to_string()))
        .collect();
    match (numbers.is_empty(), &v.version) {
        (true, None) => None,
        (true, Some(s)) => Some(s.clone()),
        (false, None) => Some(numbers.join(".")),
        (false, Some(s)) => Some(format!("{} ({s})", numbers.join("."))),
    }
}

/// The first error among the answer's messages.
fn first_error<O: ExchangeOperation>(reply: &EwsReply<O::Response>) -> Option<EwsOutcome> {
    O::statuses(&reply.response).into_iter().find(|s| !s.is_ok()).map(|s: &ResponseStatus| EwsOutcome::Error {
        code: s.code.clone(),
        message: s.message_text.clone().unwrap_or_default(),
    })
}

fn seen<R>(reply: &EwsReply<R>) -> EwsSeen {
    EwsSeen { server_version: reply.server_version.as_ref().and_then(version_text), ..EwsSeen::default() }
}

/// A transport failure as an outcome.
pub(crate) fn outcome_of(e: TransportError) -> EwsOutcome {
    match e {
        TransportError::Unauthorized { .. } => EwsOutcome::Unauthorized { detail: None },
        TransportError::SchemeNotOffered { scheme, offered, .. } => EwsOutcome::Unauthorized {
            detail: Some(format!("the server does not offer {scheme} sign-ins here; it offers {offered}")),
        },
        TransportError::NtlmHandshake { reason, .. } => {
            EwsOutcome::Unauthorized { detail: Some(format!("the NTLM sign-in could not be completed: {reason}")) }
        }
        TransportError::ImpersonationDenied { code, .. } | TransportError::NonExistentMailbox { code, .. } => {
            let message = match code.as_str() {
                "ErrorNonExistentMailbox" => "the SMTP address has no mailbox associated with it".to_owned(),
                "ErrorImpersonateUserDenied" | "ErrorImpersonationDenied" => {
                    "the account does not have permission to impersonate the requested user".to_owned()
                }
                other => other.to_owned(),
            };
            EwsOutcome::Error { code, message }
        }
        TransportError::Fault { fault, .. } => EwsOutcome::Error { code: fault.code(), message: fault.fault_string },
        TransportError::Http { status, .. } => EwsOutcome::HttpStatus { status },
        TransportError::InvalidResponse { source, .. } => EwsOutcome::InvalidBody { detail: source.to_string() },
        e @ TransportError::ResponseTooLarge { .. } => EwsOutcome::InvalidBody { detail: e.to_string() },
        e @ TransportError::Version { .. } => EwsOutcome::InvalidBody { detail: e.to_string() },
        TransportError::TokenRefused { status, error, .. } => EwsOutcome::TokenRefused {
            detail: if error.is_empty() { format!("HTTP {status}") } else { format!("HTTP {status}: {error}") },
        },
        TransportError::TokenProvider { source, .. } => EwsOutcome::TokenRefused { detail: source.to_string() },
        other => EwsOutcome::Network { detail: other.to_string() },
    }
}

/// [`Probe::Authenticate`](crate::setup::analyzer::Probe::Authenticate): `ResolveNames` of the
/// test mailbox in the directory, as the account itself.
pub(crate) async fn authenticate(client: &EwsClient, mailbox: &MailboxAddress) -> EwsOutcome {
    let address = mailbox.to_string();
    let op = ResolveNames::new(address.clone(), false).with_scope(ResolveNamesSearchScope::ActiveDirectory);
    match client.call_as_account(&address, op).await {
        Ok(reply) => first_error::<ResolveNames>(&reply).unwrap_or_else(|| EwsOutcome::Ok(seen(&reply))),
        Err(e) => outcome_of(e),
    }
}

/// [`Probe::Impersonate`](crate::setup::analyzer::Probe::Impersonate): `GetFolder` of the
/// mailbox's `msgfolderroot`, impersonating it.
pub(crate) async fn impersonate(client: &EwsClient, mailbox: &MailboxAddress) -> EwsOutcome {
    let op = GetFolder::distinguished(&[DistinguishedFolderName::Msgfolderroot]);
    match client.call(&mailbox.to_string(), op).await {
        Ok(reply) => first_error::<GetFolder>(&reply).unwrap_or_else(|| EwsOutcome::Ok(seen(&reply))),
        Err(e) => outcome_of(e),
    }
}

/// [`Probe::ReadFolder`](crate::setup::analyzer::Probe::ReadFolder): `GetFolder` of the folder,
/// then `FindItem` of at most one item in it, impersonating the mailbox.
pub(crate) async fn read_folder(client: &EwsClient, mailbox: &MailboxAddress, folder: FolderKind) -> EwsOutcome {
    let name = match folder {
        FolderKind::Contacts => DistinguishedFolderName::Contacts,
        FolderKind::Calendar => DistinguishedFolderName::Calendar,
    };
    let address = mailbox.to_string();
    let reply = match client.call(&address, GetFolder::distinguished(&[name])).await {
        Ok(r) => r,
        Err(e) => return outcome_of(e),
    };
    if let Some(error) = first_error::<GetFolder>(&reply) {
        return error;
    }
    let mut seen = seen(&reply);
    let info = reply.response.folders().next();
    seen.folder_name = info.and_then(|f| f.display_name()).map(str::to_owned);
    let folder_count = info.and_then(|f| f.base().total_count).and_then(|n| u32::try_from(n).ok());
    let find = FindItem::new(BaseFolderId::distinguished(name), ItemShape::new(BaseShape::IdOnly))
        .with_view(ItemView::IndexedPage(IndexedPageView::first(1)));
    match client.call(&address, find).await {
        Ok(found) => {
            if let Some(error) = first_error::<FindItem>(&found) {
                return error;
            }
            let in_view = found
                .response
                .messages
                .iter()
                .filter_map(|m| m.content.root_folder.as_ref())
                .find_map(|r| r.paging.total_items_in_view)
                .and_then(|n| u32::try_from(n).ok());
            seen.item_count = in_view.or(folder_count);
            EwsOutcome::Ok(seen)
        }
        Err(e) => outcome_of(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        let v = ServerVersionInfo {
            major_version: Some(15),
            minor_version: Some(2),
            major_build_number: Some(1544),
            minor_build_number: Some(4),
            version: Some("V2017_07_11".into()),
        };
        assert_eq!(version_text(&v).unwrap(), "15.2.1544.4 (V2017_07_11)");
        assert_eq!(version_text(&ServerVersionInfo::default()), None);
        let only = ServerVersionInfo { version: Some("Exchange2016".into()), ..ServerVersionInfo::default() };
        assert_eq!(version_text(&only).unwrap(), "Exchange2016");
    }
}
