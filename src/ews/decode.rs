//! Decoding any EWS SOAP document without knowing in advance which operation it carries: the body
//! element names the operation, and the matching request or response type reads it. Used by the
//! `ews_decode` example (reading captured traffic) and by servers dispatching requests.

use serde::Serialize;

use crate::xml::{XmlError, XmlErrorKind, XmlReader};

use super::envelope::{Request, Response};
use super::fault::SoapFault;
use super::operation::Operation;
use super::ops::*;

/// Finds the local name of the SOAP Body's first element.
pub fn body_element_name(xml: &str) -> Result<String, XmlError> {
    let mut r = XmlReader::new(xml)?;
    let root = r.root()?;
    if root.name() != "Envelope" {
        return Err(r.error_on(&root, XmlErrorKind::UnexpectedElement(root.qualified_name().to_owned())));
    }
    while let Some(c) = r.next_child(&root)? {
        if c.name() == "Body" {
            return match r.next_child(&c)? {
                Some(b) => Ok(b.name().to_owned()),
                None => Err(r.missing(&c, "a body element")),
            };
        }
        r.skip(&c)?;
    }
    Err(r.missing(&root, "Body"))
}

/// The error a strict reader gives for the SOAP Body's first element when no request type reads
/// it (an element the schema does not have there): `UnexpectedElement` at its line and column, or
/// the error met on the way to it.
pub fn unexpected_body_element(xml: &str) -> XmlError {
    fn locate(xml: &str) -> Result<XmlError, XmlError> {
        let mut r = XmlReader::new(xml)?;
        let root = r.root()?;
        while let Some(c) = r.next_child(&root)? {
            if c.name() == "Body" {
                return match r.next_child(&c)? {
                    Some(b) => Ok(r.error_on(&b, XmlErrorKind::UnexpectedElement(b.qualified_name().to_owned()))),
                    None => Err(r.missing(&c, "a body element")),
                };
            }
            r.skip(&c)?;
        }
        Err(r.missing(&root, "Body"))
    }
    locate(xml).unwrap_or_else(|e| e)
}

macro_rules! operations {
    ($($op:ident),+ $(,)?) => {
        /// A request of any supported operation.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[non_exhaustive]
        pub enum AnyRequest {
            $(
                #[doc = concat!("A `", stringify!($op), "` request.")]
                $op(Box<Request<$op>>),
            )+
        }

        /// A response of any supported operation.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[non_exhaustive]
        pub enum AnyResponse {
            $(
                #[doc = concat!("A `", stringify!($op), "Response`.")]
                $op(Box<Response<<$op as Operation>::Response>>),
            )+
            /// A SOAP fault (the operation is not named in a fault).
            Fault(Box<Response<SoapFault>>),
        }

        /// The names of the operations this module decodes.
        pub const OPERATIONS: &[&str] = &[$(<$op as Operation>::NAME),+];

        /// Decodes a request document (lenient: unknown elements are skipped).
        pub fn decode_request(xml: &str) -> Result<AnyRequest, DecodeError> {
            let name = body_element_name(xml)?;
            $(
                if name == <$op as Operation>::NAME {
                    return Ok(AnyRequest::$op(Box::new(Request::<$op>::parse(xml)?)));
                }
            )+
            Err(DecodeError::UnsupportedOperation(name))
        }

        /// Decodes a response document, or a fault.
        pub fn decode_response(xml: &str) -> Result<AnyResponse, DecodeError> {
            let name = body_element_name(xml)?;
            if name == "Fault" {
                let r = Response::<SoapFault>::parse(xml, "Fault")?;
                return Ok(AnyResponse::Fault(Box::new(r)));
            }
            $(
                if name.strip_suffix("Response") == Some(<$op as Operation>::NAME) {
                    return Ok(AnyResponse::$op(Box::new(Request::<$op>::parse_response(xml)?)));
                }
            )+
            Err(DecodeError::UnsupportedOperation(name))
        }
    };
}

operations!(
    SyncFolderItems,
    GetItem,
    CreateItem,
    UpdateItem,
    DeleteItem,
    FindItem,
    GetFolder,
    FindFolder,
    CreateFolder,
    ResolveNames,
    ConvertId,
);

/// A decoded SOAP document: a request or a response.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decoded {
    /// A request.
    Request(AnyRequest),
    /// A response or fault.
    Response(AnyResponse),
}

/// Decodes any request or response document.
pub fn decode(xml: &str) -> Result<Decoded, DecodeError> {
    let name = body_element_name(xml)?;
    if name == "Fault" || name.ends_with("Response") {
        decode_response(xml).map(Decoded::Response)
    } else {
        decode_request(xml).map(Decoded::Request)
    }
}

/// Why a document could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The XML is malformed or does not match the operation's schema.
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// The body element is not one of [`OPERATIONS`] (or their responses).
    #[error("operation {0} is not supported by exsync")]
    UnsupportedOperation(String),
}
