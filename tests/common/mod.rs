//! Shared helpers for integration tests: where `../shared` is, schema validation with xmllint, the
//! strategies and the checks the operation tests share.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use exsync::ews::namespaces;

pub mod canned_server;
pub mod checks;
pub mod strategies;

/// `../shared` beside the repository, or `None` (with the reason printed) when it is absent, as in a
/// user's fresh clone. In CI (`CI=true`) its absence is a failure.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("ews/schema/messages.xsd").is_file() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("../shared/ews is missing, but CI must have it");
    }
    eprintln!("SKIPPED: ../shared/ews is not beside this checkout; reference-data tests do not run");
    None
}

/// Whether xmllint is installed (CI installs it; without it, validation tests are skipped locally).
pub fn xmllint_available() -> bool {
    let ok = Command::new("xmllint").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("xmllint is missing, but .ci/run installs it");
        }
        eprintln!("SKIPPED: xmllint is not installed (apt-get install libxml2-utils)");
    }
    ok
}

/// `../shared` when schema validation can run (it is there and xmllint is installed); `None`, with
/// the reason printed, when not.
pub fn schema_validation() -> Option<PathBuf> {
    shared_dir().filter(|_| xmllint_available())
}

/// Which schema to validate against.
#[derive(Clone, Copy, Debug)]
pub enum Schema {
    /// The current schema (Exchange 2019 CU15; all versions up to V2017_07_11).
    Current,
    /// Exchange 2010 SP2.
    Exchange2010Sp2,
    /// The SOAP envelope with its headers (lenient about the body's content).
    Envelope,
}

/// The SOAP Body's first child as a standalone document, with the EWS namespaces declared on it.
pub fn body_document(envelope: &str) -> String {
    let start = envelope.find("<soap:Body>").expect("envelope has soap:Body") + "<soap:Body>".len();
    let end = envelope.rfind("</soap:Body>").expect("envelope closes soap:Body");
    let inner = &envelope[start..end];
    let name_end = inner.find([' ', '>', '/']).expect("body element has a name");
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{} xmlns:m=\"{}\" xmlns:t=\"{}\"{}",
        &inner[..name_end],
        namespaces::MESSAGES,
        namespaces::TYPES,
        &inner[name_end..]
    )
}

/// Validates every document in one xmllint run; returns the failures' report.
pub fn validate(shared: &Path, schema: Schema, docs: &[(String, String)]) -> Result<(), String> {
    if docs.is_empty() {
        return Ok(());
    }
    let xsd = match schema {
        Schema::Current => shared.join("ews/schema/ews-messages-validate.xsd"),
        Schema::Exchange2010Sp2 => shared.join("ews/schema/exchange2010sp2/ews-messages-validate.xsd"),
        Schema::Envelope => shared.join("ews/schema/ews-envelope-validate.xsd"),
    };
    let dir = tempdir();
    let mut files = Vec::new();
    for (i, (name, xml)) in docs.iter().enumerate() {
        let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        let path = dir.join(format!("{i:05}-{safe}.xml"));
        std::fs::write(&path, xml).unwrap();
        files.push(path);
    }
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&xsd)
        .args(&files)
        .output()
        .expect("xmllint runs");
    let _ = std::fs::remove_dir_all(&dir);
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: Vec<&str> =
        stderr.lines().filter(|l| !l.contains("validates") && !l.contains("Skipping import")).take(40).collect();
    Err(format!("{schema:?} schema validation failed:\n{}", report.join("\n")))
}

fn tempdir() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir =
        std::env::temp_dir().join(format!("exsync-test-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
