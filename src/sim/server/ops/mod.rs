//! The EWS operations from the server side: each request type, decoded by the `ews` layer, is
//! carried out against the [`Store`] and answered with its typed response, one response message
//! per input, in input order.

mod convert_id;
mod find_item;
mod folders;
mod items;
mod resolve_names;
pub(crate) mod shape;
mod sync_folder_items;

use crate::ews::{ExchangeVersion, Operation, ResponseCode, ResponseMessage, ResponseStatus};
use crate::sim::{MailboxStore, Store, StoreError};

use super::directory::Directory;

/// What an operation runs with.
pub(crate) struct OpContext<'a> {
    /// The organisation's mailboxes.
    pub(crate) store: &'a mut Store,
    /// The mailbox the request acts on (impersonated, or the caller's own), if any.
    pub(crate) mailbox: Option<&'a str>,
    /// The request's `RequestServerVersion`.
    pub(crate) version: ExchangeVersion,
    /// The directory (for `ResolveNames`).
    pub(crate) directory: &'a Directory,
    /// A fault asks `SyncFolderItems` to answer `ErrorInvalidSyncStateData`.
    pub(crate) invalid_sync_state: bool,
}

impl OpContext<'_> {
    /// The mailbox acted on.
    pub(crate) fn mailbox(&self) -> Result<&MailboxStore, StoreError> {
        let address = self.mailbox.unwrap_or_default();
        self.store.mailbox(address)
    }

    /// The mailbox acted on, to change it.
    pub(crate) fn mailbox_mut(&mut self) -> Result<&mut MailboxStore, StoreError> {
        let address = self.mailbox.unwrap_or_default();
        self.store.mailbox_mut(address)
    }
}

/// An EWS operation the simulator carries out.
pub(crate) trait SimOperation: Operation + Send + 'static {
    /// Whether the operation needs a mailbox to act on.
    const NEEDS_MAILBOX: bool = true;

    /// Whether the request carries elements the schema of `version` does not have (Exchange
    /// answers `ErrorIncorrectSchemaVersion`).
    fn uses_newer_schema(&self, _version: ExchangeVersion) -> bool {
        false
    }

    /// Carries out the request.
    fn execute(&self, cx: &mut OpContext<'_>) -> Self::Response;
}

/// The text Exchange gives with a code, where the simulator knows it; otherwise the store's own
/// description.
pub(crate) fn message_text(e: &StoreError) -> String {
    let known = match e.response_code() {
        ResponseCode::ErrorItemNotFound | ResponseCode::ErrorFolderNotFound => {
            "The specified object was not found in the store."
        }
        ResponseCode::ErrorIrresolvableConflict => {
            "The send or update operation could not be performed because the change key passed in the request does \
             not match the current change key for the item."
        }
        ResponseCode::ErrorInvalidSyncStateData => "Synchronization state data is corrupt or otherwise invalid.",
        ResponseCode::ErrorInvalidIdMalformed => "Id is malformed.",
        ResponseCode::ErrorAccessDenied => "Access is denied. Check credentials and try again.",
        ResponseCode::ErrorFolderExists => "A folder with the same name already exists.",
        ResponseCode::ErrorInvalidChangeKey => "The change key is invalid.",
        ResponseCode::ErrorNonExistentMailbox => "The SMTP address has no mailbox associated with it.",
        _ => return e.to_string(),
    };
    known.to_owned()
}

/// An error message for `e` with the operation's empty content.
pub(crate) fn error_message<C: Default>(e: &StoreError) -> ResponseMessage<C> {
    ResponseMessage { status: ResponseStatus::error(e.response_code(), message_text(e)), content: C::default() }
}

/// An error message with `code` and `text`.
pub(crate) fn error_with<C: Default>(code: ResponseCode, text: impl Into<String>) -> ResponseMessage<C> {
    ResponseMessage { status: ResponseStatus::error(code, text), content: C::default() }
}

/// A success message with `content`.
pub(crate) fn success<C>(content: C) -> ResponseMessage<C> {
    ResponseMessage { status: ResponseStatus::success(), content }
}

/// A success or error message from a result.
pub(crate) fn message<C: Default>(r: Result<C, StoreError>) -> ResponseMessage<C> {
    match r {
        Ok(c) => success(c),
        Err(e) => error_message(&e),
    }
}
