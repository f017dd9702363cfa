//! Typed errors of the XML layer: what went wrong and where (element path, line, column).

use std::fmt;

/// What went wrong while reading XML.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum XmlErrorKind {
    /// The bytes are not well-formed XML (the parser's own message).
    Syntax(String),
    /// A `<!DOCTYPE …>` (and with it any entity declaration) was present; they are refused.
    DtdRefused,
    /// An entity reference other than the five predefined ones or a character reference.
    UnknownEntity(String),
    /// Elements nest deeper than the configured limit.
    TooDeep {
        /// The configured limit.
        limit: usize,
    },
    /// The document is larger than the configured limit.
    TooLarge {
        /// The document's size in bytes.
        size: usize,
        /// The configured limit in bytes.
        limit: usize,
    },
    /// The document ended before its root element was closed.
    UnexpectedEof,
    /// A required child element is absent.
    MissingElement(&'static str),
    /// A required attribute is absent.
    MissingAttribute(&'static str),
    /// A value could not be read as the type the schema gives it.
    InvalidValue {
        /// The offending value (cut to 80 characters).
        value: String,
        /// What was expected, in words.
        expected: &'static str,
    },
    /// An element that does not belong here (strict mode), or a wrong root element.
    UnexpectedElement(String),
    /// Text where only elements are allowed (strict mode), or an element where only text is allowed.
    UnexpectedContent(&'static str),
}

impl fmt::Display for XmlErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XmlErrorKind::Syntax(m) => write!(f, "malformed XML: {m}"),
            XmlErrorKind::DtdRefused => f.write_str("a DOCTYPE or entity declaration is not accepted"),
            XmlErrorKind::UnknownEntity(e) => write!(f, "unknown entity reference &{e};"),
            XmlErrorKind::TooDeep { limit } => write!(f, "elements nest deeper than {limit} levels"),
            XmlErrorKind::TooLarge { size, limit } => {
                write!(f, "document of {size} bytes is larger than the limit of {limit} bytes")
            }
            XmlErrorKind::UnexpectedEof => f.write_str("the document ends before it is complete"),
            XmlErrorKind::MissingElement(n) => write!(f, "required element {n} is missing"),
            XmlErrorKind::MissingAttribute(n) => write!(f, "required attribute {n} is missing"),
            XmlErrorKind::InvalidValue { value, expected } => {
                write!(f, "value {value:?} is not {expected}")
            }
            XmlErrorKind::UnexpectedElement(n) => write!(f, "unexpected element {n}"),
            XmlErrorKind::UnexpectedContent(what) => write!(f, "unexpected {what}"),
        }
    }
}

/// An error reading XML, with the element path and the line and column where it happened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (at {path}, line {line}, column {column})")]
pub struct XmlError {
    /// What went wrong.
    pub kind: XmlErrorKind,
    /// Slash-separated path of the open elements, e.g. `/s:Envelope/s:Body/m:GetItemResponse`.
    pub path: String,
    /// 1-based line of the failure.
    pub line: u64,
    /// 1-based column (in bytes) of the failure.
    pub column: u64,
}

impl XmlError {
    /// Cuts a value for inclusion in an error message.
    pub(crate) fn shorten(value: &str) -> String {
        const MAX: usize = 80;
        if value.chars().count() <= MAX {
            value.to_owned()
        } else {
            let mut s: String = value.chars().take(MAX).collect();
            s.push('…');
            s
        }
    }
}
