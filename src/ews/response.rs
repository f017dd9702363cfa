//! The parts every EWS response message shares: `ResponseClass`, `ResponseCode`, `MessageText`,
//! `DescriptiveLinkKey` and `MessageXml`, and the per-operation message list in input order.

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter, xml_enum};

use super::response_code::ResponseCode;

xml_enum! {
    /// Whether a response message reports success, a warning or an error (`ResponseClassType`).
    pub enum ResponseClass {
        Success = "Success",
        Warning = "Warning",
        Error = "Error",
    }
}

/// One element of a `MessageXml` detail: `<t:Value Name="BackOffMilliseconds">5000</t:Value>`,
/// `<t:LineNumber>2</t:LineNumber>`, `<t:FieldURI FieldURI="item:Subject"/>`, …
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageXmlEntry {
    /// Local name of the element.
    pub element: String,
    /// Its attributes (name, value), in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(String, String)>,
    /// Its text (for simple elements), or its raw inner XML when it holds elements.
    pub value: String,
    /// `true` when `value` is raw inner XML rather than text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_xml: bool,
}

/// Machine-readable details of an error (`MessageXml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageXml {
    /// The detail elements, in document order.
    pub entries: Vec<MessageXmlEntry>,
}

impl MessageXml {
    /// The value of `<t:Value Name="name">`, or of an element called `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| {
                (e.element == "Value" && e.attributes.iter().any(|(k, v)| k == "Name" && v == name))
                    || e.element == name
            })
            .map(|e| e.value.as_str())
    }

    /// `BackOffMilliseconds` of a throttling error.
    pub fn back_off_milliseconds(&self) -> Option<u64> {
        self.get("BackOffMilliseconds")?.trim().parse().ok()
    }

    /// `LineNumber` and `LinePosition` of a schema validation error.
    pub fn schema_position(&self) -> Option<(u64, u64)> {
        Some((self.get("LineNumber")?.trim().parse().ok()?, self.get("LinePosition")?.trim().parse().ok()?))
    }

    /// `Violation` text of a schema validation error.
    pub fn violation(&self) -> Option<&str> {
        self.get("Violation")
    }
}

impl ToXml for MessageXml {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        for e in &self.entries {
            let qname = format!("t:{}", e.element);
            let attrs: Vec<(&str, Option<&str>)> =
                e.attributes.iter().map(|(k, v)| (k.as_str(), Some(v.as_str()))).collect();
            w.start(&qname, &attrs);
            if e.is_xml {
                w.raw(&e.value);
            } else {
                w.text(&e.value);
            }
            w.end(&qname);
        }
        w.end(name);
    }
}

impl FromXml for MessageXml {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut entries = Vec::new();
        while let Some(c) = r.next_child(el)? {
            let attributes = r.attributes(&c)?;
            let inner = r.inner_xml(&c)?;
            let (value, is_xml) = if inner.contains('<') {
                (inner.to_owned(), true)
            } else {
                let unescaped =
                    quick_xml::escape::unescape(inner).map_err(|_| r.invalid(&c, inner, "text with valid escapes"))?;
                (unescaped.into_owned(), false)
            };
            entries.push(MessageXmlEntry { element: c.name().to_owned(), attributes, value, is_xml });
        }
        Ok(MessageXml { entries })
    }
}

/// The shared head of every response message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseStatus {
    /// Success, Warning or Error.
    pub class: ResponseClass,
    /// The code (`NoError` on success).
    pub code: ResponseCode,
    /// Human-readable text Exchange gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_text: Option<String>,
    /// `DescriptiveLinkKey` (unused by Exchange, usually 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub descriptive_link_key: Option<i32>,
    /// Machine-readable details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_xml: Option<MessageXml>,
}

impl ResponseStatus {
    /// A `Success`/`NoError` status.
    pub fn success() -> Self {
        ResponseStatus {
            class: ResponseClass::Success,
            code: ResponseCode::NoError,
            message_text: None,
            descriptive_link_key: None,
            message_xml: None,
        }
    }

    /// An `Error` status with `code` and `text`.
    pub fn error(code: ResponseCode, text: impl Into<String>) -> Self {
        ResponseStatus {
            class: ResponseClass::Error,
            code,
            message_text: Some(text.into()),
            descriptive_link_key: Some(0),
            message_xml: None,
        }
    }

    /// `true` unless the class is `Error`.
    pub fn is_ok(&self) -> bool {
        self.class != ResponseClass::Error
    }

    /// Writes the shared child elements (the caller has opened the message element).
    pub fn write_children(&self, w: &mut XmlWriter) {
        w.opt_value("m:MessageText", &self.message_text);
        w.value("m:ResponseCode", &self.code);
        w.opt_value("m:DescriptiveLinkKey", &self.descriptive_link_key);
        w.opt("m:MessageXml", &self.message_xml);
    }

    /// Starts a status from a message element's `ResponseClass` attribute.
    pub fn from_attributes<'a>(r: &XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let class = r
            .attr_value(el, "ResponseClass")?
            .ok_or_else(|| r.error_on(el, crate::xml::XmlErrorKind::MissingAttribute("ResponseClass")))?;
        Ok(ResponseStatus {
            class,
            code: if class == ResponseClass::Error {
                ResponseCode::Other(String::new())
            } else {
                ResponseCode::NoError
            },
            message_text: None,
            descriptive_link_key: None,
            message_xml: None,
        })
    }

    /// Reads `c` if it is one of the shared children; returns `false` for other elements.
    pub fn read_child<'a>(&mut self, r: &mut XmlReader<'a>, c: &Element<'a>) -> Result<bool, XmlError> {
        match c.name() {
            "MessageText" => self.message_text = Some(r.value(c)?),
            "ResponseCode" => self.code = r.value(c)?,
            "DescriptiveLinkKey" => self.descriptive_link_key = Some(r.value(c)?),
            "MessageXml" => self.message_xml = Some(MessageXml::from_xml(r, c)?),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// The operation-specific part of a response message.
pub trait MessageContent: Sized + Default {
    /// Writes the operation's children after the shared ones.
    fn write_content(&self, w: &mut XmlWriter);
    /// Reads one operation child; `false` when `c` is not one.
    fn read_content<'a>(&mut self, r: &mut XmlReader<'a>, c: &Element<'a>) -> Result<bool, XmlError>;
}

impl MessageContent for () {
    fn write_content(&self, _w: &mut XmlWriter) {}
    fn read_content<'a>(&mut self, _r: &mut XmlReader<'a>, _c: &Element<'a>) -> Result<bool, XmlError> {
        Ok(false)
    }
}

/// One response message: the shared status and the operation's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseMessage<C> {
    /// Class, code, text and details.
    #[serde(flatten)]
    pub status: ResponseStatus,
    /// What the operation returned for this input.
    pub content: C,
}

impl<C: MessageContent> ToXml for ResponseMessage<C> {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[("ResponseClass", Some(self.status.class.as_str()))]);
        self.status.write_children(w);
        self.content.write_content(w);
        w.end(name);
    }
}

impl<C: MessageContent> FromXml for ResponseMessage<C> {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut status = ResponseStatus::from_attributes(r, el)?;
        let mut content = C::default();
        while let Some(c) = r.next_child(el)? {
            if !status.read_child(r, &c)? && !content.read_content(r, &c)? {
                r.unknown(&c)?;
            }
        }
        Ok(ResponseMessage { status, content })
    }
}

/// Implements `ToXml` and `FromXml` for an operation's response type, a struct whose one field
/// `messages` holds its `ResponseMessage`s, each written as `m:{message}` (e.g.
/// `GetItemResponseMessage`).
macro_rules! response_messages_xml {
    ($response:ident, $message:literal) => {
        impl $crate::xml::ToXml for $response {
            fn to_xml(&self, w: &mut $crate::xml::XmlWriter, name: &str) {
                w.start(name, &[]);
                $crate::ews::response::write_messages(w, $message, &self.messages);
                w.end(name);
            }
        }

        impl $crate::xml::FromXml for $response {
            fn from_xml<'a>(
                r: &mut $crate::xml::XmlReader<'a>,
                el: &$crate::xml::Element<'a>,
            ) -> Result<Self, $crate::xml::XmlError> {
                Ok($response { messages: $crate::ews::response::read_messages(r, el)? })
            }
        }
    };
}
pub(crate) use response_messages_xml;

/// Writes `<m:ResponseMessages>` with one `<m:{message}>` per entry, in input order.
pub fn write_messages<C: MessageContent>(w: &mut XmlWriter, message: &str, messages: &[ResponseMessage<C>]) {
    w.start("m:ResponseMessages", &[]);
    let qname = format!("m:{message}");
    for m in messages {
        m.to_xml(w, &qname);
    }
    w.end("m:ResponseMessages");
}

/// Reads the messages of an operation response element (`<m:XResponse><m:ResponseMessages>…`).
pub fn read_messages<'a, C: MessageContent>(
    r: &mut XmlReader<'a>,
    el: &Element<'a>,
) -> Result<Vec<ResponseMessage<C>>, XmlError> {
    let mut out = Vec::new();
    while let Some(c) = r.next_child(el)? {
        if c.name() == "ResponseMessages" {
            while let Some(m) = r.next_child(&c)? {
                if m.name().ends_with("ResponseMessage") {
                    out.push(ResponseMessage::from_xml(r, &m)?);
                } else {
                    r.unknown(&m)?;
                }
            }
        } else {
            r.unknown(&c)?;
        }
    }
    Ok(out)
}
