//! The wire-trace writer: when a trace directory is set (in the configuration or with
//! `EXSYNC_TRACE_DIR`), every request and response body goes to `NNNN-<Operation>-request.xml` /
//! `-response.xml` exactly as it went over the wire, with the start line and headers in a
//! `.headers` file beside each, secrets redacted (see [`super::trace`]).
//!
//! A trace that cannot be written does not fail the call (the request may already have been
//! carried out); the first failure is kept and can be read with [`WireTracer::failure`].

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use http::HeaderMap;

use super::trace::{self, Direction, TraceFileNames, TraceSequence};

/// Writes traced messages into one directory.
#[derive(Debug)]
pub struct WireTracer {
    dir: PathBuf,
    seq: TraceSequence,
    failure: Mutex<Option<String>>,
}

impl WireTracer {
    /// A tracer writing into `dir` (created when the first message is written).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        WireTracer { dir: dir.into(), seq: TraceSequence::new(), failure: Mutex::new(None) }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The next exchange number (a request and its response share it).
    pub fn next_exchange(&self) -> u32 {
        self.seq.next()
    }

    /// The first write failure, if any.
    pub fn failure(&self) -> Option<String> {
        self.failure.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Writes one message: `start_line` and `headers` (redacted here) and the body (its secret
    /// form or JSON fields redacted here).
    pub fn write(
        &self,
        seq: u32,
        operation: &str,
        direction: Direction,
        start_line: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) {
        let names = TraceFileNames::new(seq, operation, direction);
        let text = trace::headers_text(start_line, headers.iter().map(|(k, v)| (k.as_str(), v.as_bytes())));
        let content_type = headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let body_text = String::from_utf8_lossy(body);
        let redacted = trace::redact_body(content_type, &body_text);
        let bytes: &[u8] = if matches!(redacted, std::borrow::Cow::Borrowed(_)) { body } else { redacted.as_bytes() };
        if let Err(e) = trace::write_message(&self.dir, &names, &text, bytes) {
            let mut f = self.failure.lock().unwrap_or_else(|p| p.into_inner());
            f.get_or_insert_with(|| e.to_string());
        }
    }
}
