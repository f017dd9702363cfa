//! Strategies for what every operation shares: request headers, response statuses and messages,
//! `MessageXml` details, SOAP faults, server versions and whole responses.

use std::fmt::Debug;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

use exsync::ews::*;

use super::base::{smtp, text, word};

/// A header for one of the versions a client steps down through, impersonating or not.
pub fn request_header() -> impl Strategy<Value = RequestHeader> {
    (select(ExchangeVersion::STEP_DOWN), option::of(smtp())).prop_map(|(v, who)| match who {
        Some(who) => RequestHeader::impersonating(v, who),
        None => RequestHeader::new(v),
    })
}

/// Any response code the schema lists, `NoError` included.
pub fn response_code() -> impl Strategy<Value = ResponseCode> {
    select(ResponseCode::KNOWN)
}

/// A response code other than `NoError`.
pub fn error_code() -> impl Strategy<Value = ResponseCode> {
    response_code().prop_filter("an error code", |c| !c.is_success())
}

/// `MessageXml` details as Exchange sends them: back-off times, schema error positions, violations.
pub fn message_xml() -> impl Strategy<Value = MessageXml> {
    let entry = prop_oneof![
        (0u64..600_000).prop_map(|ms| MessageXmlEntry {
            element: "Value".into(),
            attributes: vec![("Name".into(), "BackOffMilliseconds".into())],
            value: ms.to_string(),
            is_xml: false,
        }),
        (select(&["LineNumber", "LinePosition"][..]), 1u32..5000).prop_map(|(e, n)| MessageXmlEntry {
            element: e.into(),
            attributes: Vec::new(),
            value: n.to_string(),
            is_xml: false,
        }),
        prop_oneof![word(), text()].prop_map(|v| MessageXmlEntry {
            element: "Violation".into(),
            attributes: Vec::new(),
            value: v,
            is_xml: false
        }),
    ];
    vec(entry, 0..3).prop_map(|entries| MessageXml { entries })
}

/// A response message status: success, or a warning or error with a code the schema lists.
pub fn response_status() -> impl Strategy<Value = ResponseStatus> {
    prop_oneof![
        2 => Just(ResponseStatus::success()),
        3 => (
            select(&[ResponseClass::Warning, ResponseClass::Error][..]),
            error_code(),
            option::of(text()),
            option::of(0i32..2),
            option::of(message_xml()),
        )
            .prop_map(|(class, code, message_text, descriptive_link_key, message_xml)| ResponseStatus {
                class,
                code,
                message_text,
                descriptive_link_key,
                message_xml,
            }),
    ]
}

/// A message with `content` when the status is not an error, and empty content when it is (as
/// Exchange answers most errors).
pub fn message<C: Clone + Debug + Default>(
    content: impl Strategy<Value = C>,
) -> impl Strategy<Value = ResponseMessage<C>> {
    (response_status(), content).prop_map(|(status, content)| {
        let content = if status.is_ok() { content } else { C::default() };
        ResponseMessage { status, content }
    })
}

/// One to three messages.
pub fn messages<C: Clone + Debug + Default>(
    content: impl Strategy<Value = C>,
) -> impl Strategy<Value = Vec<ResponseMessage<C>>> {
    vec(message(content), 1..4)
}

pub fn server_version() -> impl Strategy<Value = ServerVersionInfo> {
    (
        option::of(prop_oneof![Just(8), Just(14), Just(15)]),
        option::of(0i32..21),
        option::of(0i32..3000),
        option::of(0i32..100),
        option::of(select(&["V2017_07_11", "V2018_01_08", "Exchange2010_SP2"][..]).prop_map(str::to_owned)),
    )
        .prop_map(|(a, b, c, d, version)| ServerVersionInfo {
            major_version: a,
            minor_version: b,
            major_build_number: c,
            minor_build_number: d,
            version,
        })
}

/// A SOAP fault: an EWS error with its details, or a bare SOAP `Client`/`Server` fault.
pub fn soap_fault() -> impl Strategy<Value = SoapFault> {
    prop_oneof![
        (error_code(), text(), option::of(message_xml())).prop_map(|(code, text, mx)| SoapFault::ews(code, text, mx)),
        (
            select(&["s:Client", "s:Server", "soap:Client", "Client"][..]),
            text(),
            option::of(text()),
            option::of((1u64..500, 1u64..5000))
        )
            .prop_map(|(c, s, actor, pos)| SoapFault {
                fault_code: c.to_owned(),
                fault_string: s,
                fault_actor: actor,
                response_code: None,
                message: None,
                line: pos.map(|p| p.0),
                position: pos.map(|p| p.1),
                message_xml: None,
            }),
    ]
}

/// A whole response: an answer `body` or, one time in five, a SOAP fault.
pub fn response<B: Clone + Debug>(body: impl Strategy<Value = B>) -> impl Strategy<Value = Response<B>> {
    (
        option::of(server_version()),
        prop_oneof![
            4 => body.prop_map(ResponseBody::Message),
            1 => soap_fault().prop_map(ResponseBody::Fault),
        ],
    )
        .prop_map(|(server_version, body)| Response { server_version, body })
}

/// A whole response whose answer `body` builds from [`messages`] of `content`.
pub fn messages_response<B: Clone + Debug, C: Clone + Debug + Default>(
    content: impl Strategy<Value = C>,
    body: fn(Vec<ResponseMessage<C>>) -> B,
) -> impl Strategy<Value = Response<B>> {
    response(messages(content).prop_map(body))
}
