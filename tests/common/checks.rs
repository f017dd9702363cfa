//! Checks the operation tests share: round trips (XML with lenient and strict readers, JSON),
//! documents for batched schema validation, and the reference samples of `MANIFEST.json`.

use std::fmt::Debug;
use std::path::Path;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde::Serialize;
use serde::de::DeserializeOwned;

use exsync::ews::*;

use crate::common::{Schema, body_document, validate, xmllint_available};

/// `n` values of `strategy`, the same on every run.
pub fn generate<S: Strategy>(strategy: &S, n: usize) -> Vec<S::Value> {
    let mut runner = TestRunner::deterministic();
    (0..n).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect()
}

/// The value survives JSON (the serde form the types are printed in).
pub fn check_json_round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(v: &T) -> Result<(), TestCaseError> {
    let json = serde_json::to_string(v).map_err(|e| TestCaseError::fail(format!("to JSON: {e}")))?;
    let back: T = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("from JSON: {e}\n{json}")))?;
    prop_assert_eq!(&back, v, "{}", json);
    Ok(())
}

/// `parse(serialize(req)) == req`, leniently and strictly; the operation also survives JSON.
pub fn check_request_round_trip<O: Operation + PartialEq + Serialize + DeserializeOwned>(
    header: RequestHeader,
    op: O,
) -> Result<(), TestCaseError> {
    check_json_round_trip(&op)?;
    let req = Request::new(header, op);
    let xml = req.to_xml_string();
    let lenient = Request::<O>::parse(&xml).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
    prop_assert_eq!(&lenient, &req, "{}", xml);
    let strict = Request::<O>::parse_strict(&xml, Default::default())
        .map_err(|e| TestCaseError::fail(format!("strict: {e}\n{xml}")))?;
    prop_assert_eq!(&strict, &req, "{}", xml);
    Ok(())
}

/// `Response::parse(serialize(resp)) == resp`, through `Request::parse_response` too; the
/// operation's answer also survives JSON.
pub fn check_response_round_trip<O: Operation>(resp: Response<O::Response>) -> Result<(), TestCaseError>
where
    O::Response: PartialEq + Serialize + DeserializeOwned,
{
    if let ResponseBody::Message(b) = &resp.body {
        check_json_round_trip(b)?;
    }
    let name = O::response_name();
    let xml = resp.to_xml_string(&name);
    let back = Response::<O::Response>::parse(&xml, &name).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
    prop_assert_eq!(&back, &resp, "{}", xml);
    let back = Request::<O>::parse_response(&xml).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
    prop_assert_eq!(&back, &resp, "{}", xml);
    Ok(())
}

/// The request bodies of `ops` as standalone documents for validation.
pub fn request_docs<O: Operation>(ops: Vec<O>, version: ExchangeVersion) -> Vec<(String, String)> {
    ops.into_iter()
        .enumerate()
        .map(|(i, op)| {
            let req = Request::new(RequestHeader::new(version), op);
            (format!("{}-{i}", O::NAME), body_document(&req.to_xml_string()))
        })
        .collect()
}

/// The response bodies (faults left out) as standalone documents for validation.
pub fn response_docs<O: Operation>(responses: Vec<Response<O::Response>>) -> Vec<(String, String)> {
    responses
        .into_iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.body, ResponseBody::Message(_)))
        .map(|(i, r)| (format!("{}-{i}", O::response_name()), body_document(&r.to_xml_string(&O::response_name()))))
        .collect()
}

/// 64 generated requests: 2010 SP2-compatible ones against both schemas, unrestricted ones against
/// the current schema.
pub fn validate_generated_requests<O: Operation, S: Strategy<Value = O>>(
    shared: &Path,
    compat: S,
    full: S,
) -> Result<(), String> {
    let compat_docs = request_docs(generate(&compat, 64), ExchangeVersion::Exchange2010Sp2);
    validate(shared, Schema::Current, &compat_docs)?;
    validate(shared, Schema::Exchange2010Sp2, &compat_docs)?;
    validate(shared, Schema::Current, &request_docs(generate(&full, 64), ExchangeVersion::Exchange2016))
}

/// An operation's response: its messages, one per request entry.
pub trait Messages {
    /// What a message carries besides its status.
    type Content;
    /// The messages.
    fn messages(&self) -> &[ResponseMessage<Self::Content>];
}

macro_rules! messages {
    ($($response:ty => $content:ty),+ $(,)?) => {
        $(impl Messages for $response {
            type Content = $content;
            fn messages(&self) -> &[ResponseMessage<$content>] {
                &self.messages
            }
        })+
    };
}

messages! {
    SyncFolderItemsResponse => SyncFolderItemsContent,
    GetItemResponse => ItemInfoContent,
    CreateItemResponse => ItemInfoContent,
    UpdateItemResponse => UpdateItemContent,
    DeleteItemResponse => (),
    FindItemResponse => FindItemContent,
    GetFolderResponse => FolderInfo,
    FindFolderResponse => FindFolderContent,
    CreateFolderResponse => FolderInfo,
    ResolveNamesResponse => ResolveNamesContent,
    ConvertIdResponse => ConvertIdContent,
}

/// The codes of a response's messages, in order.
pub fn message_codes<R: Messages>(r: &R) -> Vec<ResponseCode> {
    r.messages().iter().map(|m| m.status.code.clone()).collect()
}

/// One reference sample from `MANIFEST.json`.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Path below `ews/samples/`.
    pub file: String,
    /// Local name of the SOAP body's child (`FindItem`, `FindItemResponse`, `Fault`, …).
    pub body: String,
    /// Whether it is a request.
    pub is_request: bool,
    /// The response codes it carries.
    pub codes: Vec<String>,
    /// Whether its body validates against the current schema (as recorded in the manifest).
    pub body_valid: bool,
    /// Well-formed XML 1.0, but not namespace-well-formed (an undeclared prefix).
    pub namespace_error: bool,
    /// The document.
    pub xml: String,
}

/// The well-formed samples for which `keep(file, body)` holds.
pub fn samples(shared: &Path, keep: impl Fn(&str, &str) -> bool) -> Vec<Sample> {
    let dir = shared.join("ews/samples");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("MANIFEST.json")).unwrap()).unwrap();
    let mut out = Vec::new();
    for e in manifest.as_array().unwrap() {
        let (file, body) = (e["file"].as_str().unwrap(), e["body"].as_str().unwrap());
        if e["wellformed"] != serde_json::Value::Bool(true) || !keep(file, body) {
            continue;
        }
        out.push(Sample {
            file: file.to_owned(),
            body: body.to_owned(),
            is_request: e["kind"] == "request",
            codes: e["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect(),
            body_valid: e["validation"]["body"] == "pass",
            namespace_error: e["validation"]["wellformed"] == "ns-error",
            xml: std::fs::read_to_string(dir.join(file)).unwrap(),
        });
    }
    out
}

/// The well-formed samples of operation `O`: its requests and responses.
pub fn operation_samples<O: Operation>(shared: &Path) -> Vec<Sample> {
    let response = O::response_name();
    let out = samples(shared, |_, body| body == O::NAME || body == response);
    assert!(!out.is_empty(), "no samples of {}", O::NAME);
    out
}

/// The codes of a response: each message's code, or the fault's detail code and fault code.
pub fn response_codes<B: Messages>(resp: &Response<B>) -> Vec<String> {
    let mut codes: Vec<String> = match &resp.body {
        ResponseBody::Message(b) => message_codes(b).iter().map(|c| c.as_str().to_owned()).collect(),
        ResponseBody::Fault(f) => {
            let local = f.fault_code.rsplit(':').next().unwrap_or(&f.fault_code).to_owned();
            f.response_code.iter().map(|c| c.as_str().to_owned()).chain([local]).collect()
        }
    };
    codes.dedup();
    codes
}

/// Parses the samples of operation `O` (requests leniently and strictly, responses; requests the
/// schema refuses must be refused by the strict parser), checks their codes against the manifest
/// and that what they parse to survives a round trip; the re-serialized bodies of samples that
/// validated are validated again. Returns how many samples were read.
pub fn check_samples<O: Operation + PartialEq>(shared: &Path, samples: &[Sample]) -> usize
where
    O::Response: PartialEq + Messages,
{
    let mut docs = Vec::new();
    for s in samples {
        if s.is_request && !s.body_valid {
            // A request the schema refuses (e.g. an unknown distinguished folder name): a server must
            // refuse it too.
            assert!(Request::<O>::parse_strict(&s.xml, Default::default()).is_err(), "{}", s.file);
        } else if s.is_request {
            assert_eq!(s.body, O::NAME, "{}", s.file);
            let req = Request::<O>::parse(&s.xml).unwrap_or_else(|e| panic!("{}: {e}", s.file));
            if let Err(e) = Request::<O>::parse_strict(&s.xml, Default::default()) {
                panic!("{} (strict): {e}", s.file);
            }
            assert!(s.codes.is_empty() || s.codes == ["NoError"], "{}: {:?}", s.file, s.codes);
            let xml = req.to_xml_string();
            assert_eq!(Request::<O>::parse(&xml).unwrap(), req, "{}", s.file);
            if s.body_valid {
                docs.push((s.file.clone(), body_document(&xml)));
            }
        } else {
            let resp = Request::<O>::parse_response(&s.xml).unwrap_or_else(|e| panic!("{}: {e}", s.file));
            let mut want = s.codes.clone();
            want.dedup();
            assert_eq!(response_codes(&resp), want, "{}", s.file);
            let xml = resp.to_xml_string(&O::response_name());
            assert_eq!(Request::<O>::parse_response(&xml).unwrap(), resp, "{}", s.file);
            if s.body_valid && matches!(resp.body, ResponseBody::Message(_)) {
                docs.push((s.file.clone(), body_document(&xml)));
            }
        }
    }
    if xmllint_available() {
        validate(shared, Schema::Current, &docs).unwrap();
    }
    samples.len()
}
