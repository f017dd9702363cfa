//! Every real EWS sample in `../shared/ews/samples` whose operation exsync supports decodes, and the
//! response codes are the ones the manifest records.

mod common;

use exsync::ews::decode::{AnyResponse, Decoded, OPERATIONS, decode};
use exsync::ews::{ResponseBody, ResponseCode};
use serde_json::Value;

/// The response codes a decoded document carries, in order.
fn codes_of(d: &Decoded) -> Vec<ResponseCode> {
    let Decoded::Response(r) = d else { return Vec::new() };
    let json = match r {
        AnyResponse::Fault(f) => match &f.body {
            ResponseBody::Fault(f) | ResponseBody::Message(f) => {
                let local = f.fault_code.rsplit(':').next().unwrap_or_default();
                return vec![f.code(), ResponseCode::parse(local)];
            }
        },
        other => serde_json::to_value(other).unwrap(),
    };
    let mut out = Vec::new();
    collect_codes(&json, &mut out);
    out
}

fn collect_codes(v: &Value, out: &mut Vec<ResponseCode>) {
    match v {
        Value::Object(m) => {
            if let (Some(Value::String(code)), Some(Value::String(_))) = (m.get("code"), m.get("class")) {
                out.push(ResponseCode::parse(code));
            }
            if let Some(Value::String(code)) = m.get("fault").and_then(|f| f.get("response_code")) {
                out.push(ResponseCode::parse(code));
            }
            for x in m.values() {
                collect_codes(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_codes(x, out)),
        _ => {}
    }
}

/// Documentation samples that are broken as published; each must give a typed error, not a value.
const BROKEN_AS_PUBLISHED: &[(&str, &str)] = &[
    ("GetItem/msdocs-verifying-the-results-of-an-ews-or-ews-managed-api-call-resp-2.xml", "a bare s:Body, no envelope"),
    ("CreateItem/msdocs-send-email-messages-req.xml", "RequestServerVersion typo \"Exchange207_SP1\""),
    (
        "errors/evo-ex2010sp2-create-folder-with-invalid-distinguished-parent-id-CreateFolder-req.xml",
        "a deliberately invalid DistinguishedFolderId (the request of an error test)",
    ),
];

#[test]
fn supported_samples_decode_with_their_codes() {
    let Some(shared) = common::shared_dir() else { return };
    let samples = shared.join("ews/samples");
    let manifest: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(samples.join("MANIFEST.json")).unwrap()).unwrap();
    let mut decoded = 0;
    let mut failures = Vec::new();
    for entry in &manifest {
        let body = entry["body"].as_str().unwrap();
        let op = body.strip_suffix("Response").unwrap_or(body);
        if entry["wellformed"] != Value::Bool(true) || !(OPERATIONS.contains(&op) || body == "Fault") {
            continue;
        }
        let file = entry["file"].as_str().unwrap();
        let xml = std::fs::read_to_string(samples.join(file)).unwrap();
        if let Some((_, why)) = BROKEN_AS_PUBLISHED.iter().find(|(f, _)| *f == file) {
            assert!(decode(&xml).is_err(), "{file} ({why}) should not decode");
            continue;
        }
        match decode(&xml) {
            Ok(d) => {
                decoded += 1;
                let want: Vec<ResponseCode> = entry["codes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| ResponseCode::parse(c.as_str().unwrap()))
                    .collect();
                let got = codes_of(&d);
                // The manifest lists each distinct code once; a fault's template code is a placeholder.
                let mut got_distinct = got.clone();
                got_distinct.dedup();
                if !want.iter().any(|c| c.as_str().starts_with('{')) && !want.iter().all(|c| got.contains(c)) {
                    failures.push(format!("{file}: codes {got_distinct:?}, manifest says {want:?}"));
                }
            }
            Err(e) => failures.push(format!("{file}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{} sample(s) failed:\n{}", failures.len(), failures.join("\n"));
    assert!(decoded > 0, "no sample was decoded");
    eprintln!("decoded {decoded} samples");
}

#[test]
fn schema_faults_carry_line_and_position_in_both_styles() {
    let Some(shared) = common::shared_dir() else { return };
    let samples = shared.join("ews/samples/errors");
    for (file, want) in [
        ("ewsrs-fault-ErrorSchemaValidation-resp.xml", (2, 630)),
        ("evo-ex2007sp1-create-folder-with-invalid-distinguished-parent-id-Fault-resp.xml", (2, 630)),
    ] {
        let xml = std::fs::read_to_string(samples.join(file)).unwrap();
        let Decoded::Response(AnyResponse::Fault(r)) = decode(&xml).unwrap() else { panic!("{file}: not a fault") };
        let ResponseBody::Fault(f) = r.body else { panic!("{file}: not a fault body") };
        assert_eq!(f.code(), ResponseCode::ErrorSchemaValidation, "{file}");
        assert_eq!(f.schema_position(), Some(want), "{file}");
    }
}
