//! The `Operation` trait: a request body type and the response type it is answered with.

use crate::xml::{FromXml, ToXml};

/// An EWS operation: the request body (`m:{NAME}`) and its response body (`m:{NAME}Response`).
pub trait Operation: ToXml + FromXml + Clone + std::fmt::Debug {
    /// The operation name, e.g. `SyncFolderItems`; also the SOAP body element's local name.
    const NAME: &'static str;
    /// The body element of the answer (`m:{NAME}Response`).
    type Response: ToXml + FromXml + Clone + std::fmt::Debug;

    /// The local name of the response element.
    fn response_name() -> String {
        format!("{}Response", Self::NAME)
    }
}
