//! An HTTP answer before it becomes a hyper response: status, headers, body, and whether the
//! connection is to be dropped instead (a lost response).

use bytes::Bytes;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};

/// Content type of SOAP and POX answers.
pub(crate) const XML: &str = "text/xml; charset=utf-8";

/// What to answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Bytes,
    /// Close the connection without answering.
    pub(crate) lose: bool,
}

impl Reply {
    /// An answer with `status` and `body` of `content_type`.
    pub(crate) fn new(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Self {
        Reply {
            status,
            headers: vec![(CONTENT_TYPE, HeaderValue::from_static(content_type))],
            body: body.into(),
            lose: false,
        }
    }

    /// An XML answer.
    pub(crate) fn xml(status: StatusCode, body: String) -> Self {
        Self::new(status, XML, body)
    }

    /// A JSON answer.
    pub(crate) fn json(status: StatusCode, value: &serde_json::Value) -> Self {
        Self::new(status, "application/json; charset=utf-8", value.to_string())
    }

    /// A plain-text answer.
    pub(crate) fn text(status: StatusCode, text: impl Into<String>) -> Self {
        Self::new(status, "text/plain; charset=utf-8", text.into())
    }

    /// An answer without body.
    pub(crate) fn empty(status: StatusCode) -> Self {
        Reply { status, headers: Vec::new(), body: Bytes::new(), lose: false }
    }

    /// Adds a header (values the simulator builds are always valid header text).
    pub(crate) fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }

    /// No answer at all: the connection closes.
    pub(crate) fn lost() -> Self {
        Reply { status: StatusCode::INTERNAL_SERVER_ERROR, headers: Vec::new(), body: Bytes::new(), lose: true }
    }
}
