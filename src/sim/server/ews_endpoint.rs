//! `POST /EWS/Exchange.asmx`: a SOAP request decoded strictly with the `ews` types, checked as
//! Exchange checks it, carried out against the store, answered with the typed response.
//!
//! In order:
//! 1. the document must be well-formed and follow the schema (unknown element, wrong order,
//!    missing required part, bad value, a `RequestServerVersion` that is no `ExchangeVersionType`
//!    value): otherwise a SOAP fault `ErrorSchemaValidation` with `LineNumber`, `LinePosition` and
//!    `Violation`;
//! 2. the version must be one the server release accepts (`ErrorInvalidServerVersion`), and the
//!    request may not carry elements its version's schema lacks (`ErrorIncorrectSchemaVersion`);
//! 3. impersonation is resolved (see [`impersonation`](super::impersonation));
//! 4. armed faults are consulted;
//! 5. the operation runs and its response is sent with `ServerVersionInfo`.
//!
//! An EWS operation the simulator does not implement is refused with the fault
//! `ErrorInvalidOperation` (not `ErrorInvalidRequest`, which clients such as exchangelib read as
//! "try an older `RequestServerVersion`"); a body element that is no EWS request is a schema
//! violation.
//!
//! Every answer, faults included, carries `ServerVersionInfo` in its SOAP header.

use std::sync::Arc;

use http::{HeaderMap, StatusCode};

use crate::ews::decode::{body_element_name, unexpected_body_element};
use crate::ews::{
    ConvertId, CreateFolder, CreateItem, DeleteItem, FindFolder, FindItem, GetFolder, GetItem, MessageXml,
    MessageXmlEntry, Operation, Request, ResolveNames, Response, ResponseBody, ResponseCode, SoapFault,
    SyncFolderItems, UpdateItem,
};
use crate::xml::{XmlError, XmlErrorKind};

use super::directory::Principal;
use super::ews_operations::is_ews_request;
use super::faults::FaultAction;
use super::impersonation::acting_mailbox;
use super::ops::{OpContext, SimOperation};
use super::reply::Reply;
use super::state::Shared;

/// The text of `ErrorIncorrectSchemaVersion` (as Exchange sends it).
const INCORRECT_SCHEMA_VERSION: &str = "The request is valid but does not specify the correct server version in the \
     RequestServerVersion SOAP header.  Ensure that the RequestServerVersion SOAP header is set with the correct \
     RequestServerVersionValue.";

fn entry(element: &str, value: impl Into<String>) -> MessageXmlEntry {
    MessageXmlEntry { element: element.to_owned(), attributes: Vec::new(), value: value.into(), is_xml: false }
}

/// A SOAP fault answer (HTTP 500), with the server's version header.
fn fault_reply(shared: &Shared, fault: SoapFault) -> Reply {
    let response: Response<SoapFault> =
        Response { server_version: Some(shared.profile.server_version_info()), body: ResponseBody::Fault(fault) };
    Reply::xml(StatusCode::INTERNAL_SERVER_ERROR, response.to_xml_string("Fault"))
}

/// `ErrorSchemaValidation` for a parse error.
fn schema_fault(shared: &Shared, e: &XmlError) -> Reply {
    let violation = match &e.kind {
        XmlErrorKind::Syntax(_) | XmlErrorKind::UnexpectedEof | XmlErrorKind::DtdRefused => e.kind.to_string(),
        kind => format!("{kind} in {}", e.path),
    };
    let mut fault = SoapFault::ews(
        ResponseCode::ErrorSchemaValidation,
        format!("The request failed schema validation: {violation}"),
        Some(MessageXml {
            entries: vec![
                entry("LineNumber", e.line.to_string()),
                entry("LinePosition", e.column.to_string()),
                entry("Violation", violation),
            ],
        }),
    );
    fault.message = Some("The request failed schema validation.".to_owned());
    fault_reply(shared, fault)
}

/// Line and column (1-based) of byte `offset` in `bytes`.
fn position(bytes: &[u8], offset: usize) -> (u64, u64) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    let column = before.iter().rev().take_while(|b| **b != b'\n').count() as u64 + 1;
    (line, column)
}

/// Serves one EWS request by `principal`.
pub(crate) async fn serve(shared: &Arc<Shared>, principal: &Principal, headers: &HeaderMap, body: &[u8]) -> Reply {
    let xml = match std::str::from_utf8(body) {
        Ok(x) => x,
        Err(e) => {
            let (line, column) = position(body, e.valid_up_to());
            let err = XmlError {
                kind: XmlErrorKind::Syntax("the request is not valid UTF-8".to_owned()),
                path: "/".to_owned(),
                line,
                column,
            };
            return schema_fault(shared, &err);
        }
    };
    let name = match body_element_name(xml) {
        Ok(n) => n,
        Err(e) => return schema_fault(shared, &e),
    };
    macro_rules! dispatch {
        ($($op:ident),+) => {
            match name.as_str() {
                $(n if n == <$op as Operation>::NAME => run::<$op>(shared, principal, headers, xml).await,)+
                other => {
                    shared.counters.operation(other);
                    unimplemented(shared, other, xml)
                }
            }
        };
    }
    dispatch!(
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
        ConvertId
    )
}

/// The answer to a body element the simulator has no operation for: an EWS operation it does
/// not implement gets `ErrorInvalidOperation` (a fault, as Exchange refuses an operation it will
/// not carry out, and one clients do not take for a version mismatch); any other element breaks
/// the schema (`ErrorSchemaValidation` at the element).
fn unimplemented(shared: &Shared, element: &str, xml: &str) -> Reply {
    if is_ews_request(element) {
        return fault_reply(
            shared,
            SoapFault::ews(
                ResponseCode::ErrorInvalidOperation,
                format!("The simulator does not implement the operation {element}."),
                None,
            ),
        );
    }
    schema_fault(shared, &unexpected_body_element(xml))
}

async fn run<O: SimOperation>(shared: &Arc<Shared>, principal: &Principal, headers: &HeaderMap, xml: &str) -> Reply {
    shared.counters.operation(O::NAME);
    let request = match Request::<O>::parse_strict(xml, shared.xml_limits) {
        Ok(r) => r,
        Err(e) => return schema_fault(shared, &e),
    };
    let version = request.header.version;
    if !shared.profile.accepts(version) {
        return fault_reply(
            shared,
            SoapFault::ews(ResponseCode::ErrorInvalidServerVersion, "The specified server version is invalid.", None),
        );
    }
    if request.body.uses_newer_schema(version) {
        return fault_reply(
            shared,
            SoapFault::ews(ResponseCode::ErrorIncorrectSchemaVersion, INCORRECT_SCHEMA_VERSION, None),
        );
    }
    let mailbox = {
        let directory = shared.directory();
        match acting_mailbox(&directory, principal, request.header.impersonation.as_ref()) {
            Ok(m) => m,
            Err(r) => return fault_reply(shared, SoapFault::ews(r.code, r.text, None)),
        }
    };
    if let Some(m) = &mailbox {
        shared.counters.mailbox(m);
        if request.header.impersonation.is_some() {
            let anchor = headers.get("x-anchormailbox").and_then(|v| v.to_str().ok());
            if !anchor.is_some_and(|a| a.trim().eq_ignore_ascii_case(m)) {
                shared.counters.anchor_mismatch();
            }
        }
    } else if O::NEEDS_MAILBOX {
        return fault_reply(
            shared,
            SoapFault::ews(
                ResponseCode::ErrorMissingEmailAddress,
                "When making a request as an account that does not have a mailbox, you must specify the mailbox \
                 primary SMTP address for any distinguished folder Ids.",
                None,
            ),
        );
    }

    let decision = shared.faults.decide(O::NAME, mailbox.as_deref());
    for _ in 0..decision.fired {
        shared.counters.fault();
    }
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    let mut invalid_sync_state = false;
    let mut lose = false;
    match decision.action {
        Some(FaultAction::ServerBusy { back_off }) => {
            let ms = back_off.as_millis().to_string();
            let xml = MessageXml {
                entries: vec![MessageXmlEntry {
                    element: "Value".to_owned(),
                    attributes: vec![("Name".to_owned(), "BackOffMilliseconds".to_owned())],
                    value: ms.clone(),
                    is_xml: false,
                }],
            };
            let text = format!(
                "The server cannot service this request right now. Try again later. Suggested backoff time {ms} ms."
            );
            return fault_reply(shared, SoapFault::ews(ResponseCode::ErrorServerBusy, text, Some(xml)));
        }
        Some(FaultAction::HttpStatus { status, retry_after }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let mut reply = Reply::text(status, format!("{} (injected by the simulator)", status));
            if let Some(after) = retry_after {
                let secs = after.as_secs() + u64::from(after.subsec_nanos() > 0);
                reply = reply.with_header(http::header::RETRY_AFTER, &secs.to_string());
            }
            return reply;
        }
        Some(FaultAction::InvalidSyncState) => invalid_sync_state = true,
        Some(FaultAction::LoseResponse) => lose = true,
        Some(FaultAction::Latency(_)) | None => {}
    }

    let response = {
        let directory = shared.directory();
        let mut store = shared.store();
        let mut cx = OpContext {
            store: &mut store,
            mailbox: mailbox.as_deref(),
            version,
            directory: &directory,
            invalid_sync_state,
        };
        request.body.execute(&mut cx)
    };
    if lose {
        return Reply::lost();
    }
    let response: Response<O::Response> =
        Response { server_version: Some(shared.profile.server_version_info()), body: ResponseBody::Message(response) };
    Reply::xml(StatusCode::OK, response.to_xml_string(&O::response_name()))
}

#[cfg(test)]
mod tests {
    use super::position;

    #[test]
    fn positions_are_one_based() {
        assert_eq!(position(b"abc", 0), (1, 1));
        assert_eq!(position(b"ab\ncd", 4), (2, 2));
        assert_eq!(position(b"ab\n", 99), (2, 1));
    }
}
