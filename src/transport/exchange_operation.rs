//! What the transport needs to know about each EWS operation beyond its XML: whether repeating it
//! is harmless ([`Idempotency`]) and where its response messages' statuses are (to find throttling,
//! version and impersonation errors reported per message).

use crate::ews::{
    ConvertId, CreateFolder, CreateItem, DeleteItem, FindFolder, FindItem, GetFolder, GetItem, Operation, ResolveNames,
    ResponseStatus, SyncFolderItems, UpdateItem,
};

use super::retry::Idempotency;

/// An EWS operation the client can call.
pub trait ExchangeOperation: Operation {
    /// Whether a request whose response was lost may be sent again. Creates, updates and deletes
    /// may not: a lost response leaves the outcome unknown (`TransportError::Ambiguous`).
    fn idempotency(&self) -> Idempotency;

    /// The statuses of the response's messages, in order.
    fn statuses(response: &Self::Response) -> Vec<&ResponseStatus>;
}

macro_rules! exchange_operations {
    ($($op:ident => $idem:ident),+ $(,)?) => {
        $(
            impl ExchangeOperation for $op {
                fn idempotency(&self) -> Idempotency {
                    Idempotency::$idem
                }

                fn statuses(response: &Self::Response) -> Vec<&ResponseStatus> {
                    response.messages.iter().map(|m| &m.status).collect()
                }
            }
        )+
    };
}

exchange_operations!(
    SyncFolderItems => Idempotent,
    GetItem => Idempotent,
    FindItem => Idempotent,
    GetFolder => Idempotent,
    FindFolder => Idempotent,
    ResolveNames => Idempotent,
    ConvertId => Idempotent,
    CreateItem => NonIdempotent,
    CreateFolder => NonIdempotent,
    UpdateItem => NonIdempotent,
    DeleteItem => NonIdempotent,
);
