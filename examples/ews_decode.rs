//! Prints EWS SOAP requests and responses as JSON: the typed value exsync parses from each file.
//!
//! ```text
//! cargo run --example ews_decode -- capture/0001-SyncFolderItems-response.xml ...
//! ```
//! Exits non-zero if any file could not be read or decoded (the error says where it failed).

use std::process::ExitCode;

use exsync::ews::decode::decode;

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() || files.iter().any(|f| f == "-h" || f == "--help") {
        eprintln!("usage: ews_decode FILE...\nprints each EWS SOAP request or response as JSON");
        return ExitCode::from(2);
    }
    let mut failed = 0;
    for file in &files {
        let text = match std::fs::read(file) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("{file}: not UTF-8 text: {e}");
                    failed += 1;
                    continue;
                }
            },
            Err(e) => {
                eprintln!("{file}: cannot read: {e}");
                failed += 1;
                continue;
            }
        };
        match decode(&text) {
            Ok(value) => {
                let json = serde_json::json!({ "file": file, "decoded": value });
                println!("{}", serde_json::to_string_pretty(&json).expect("decoded values serialize"));
            }
            Err(e) => {
                eprintln!("{file}: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} file(s) failed", files.len());
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
