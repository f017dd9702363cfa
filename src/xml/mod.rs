//! The XML layer under the EWS types: a bounded pull reader for typed decoding, a writer that keeps
//! the caller's element order, and the traits that tie types to both.
//!
//! ```
//! use exsync::xml::{XmlReader, XmlWriter};
//!
//! let mut w = XmlWriter::new();
//! w.start("t:Subject", &[]);
//! w.text("Q3 review & planning");
//! w.end("t:Subject");
//! let xml = w.into_string();
//! assert_eq!(xml, "<t:Subject>Q3 review &amp; planning</t:Subject>");
//!
//! let mut r = XmlReader::new(&xml).unwrap();
//! let root = r.root().unwrap();
//! assert_eq!(root.name(), "Subject");
//! assert_eq!(r.text(&root).unwrap(), "Q3 review & planning");
//! ```

mod enum_value;
mod error;
mod lexer;
mod names;
mod reader;
mod writer;

pub(crate) use enum_value::xml_enum;
pub use error::{XmlError, XmlErrorKind};
pub(crate) use names::{NameTable, xml_names};
pub use reader::{Element, FromXml, Limits, XmlReader, XmlValue};
pub use writer::{ToXml, XmlWriter};
