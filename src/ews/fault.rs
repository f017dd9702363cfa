//! SOAP faults as Exchange sends them (`ErrorSchemaValidation`, `ErrorServerBusy`,
//! `ErrorInvalidServerVersion`, …), with the EWS response code and `MessageXml` details.

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter};

use super::namespaces;
use super::response::MessageXml;
use super::response_code::ResponseCode;

/// A `soap:Fault`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoapFault {
    /// `faultcode` as sent, e.g. `a:ErrorSchemaValidation` or `s:Client`.
    pub fault_code: String,
    /// `faultstring`: the human-readable reason.
    pub fault_string: String,
    /// `faultactor`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault_actor: Option<String>,
    /// `detail/ResponseCode`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_code: Option<ResponseCode>,
    /// `detail/Message`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `detail/Line` (Exchange 2007 puts a schema error's line here), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// `detail/Position` (Exchange 2007), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u64>,
    /// `detail/MessageXml`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_xml: Option<MessageXml>,
}

impl SoapFault {
    /// The EWS code: `detail/ResponseCode`, else the local part of `faultcode`.
    pub fn code(&self) -> ResponseCode {
        if let Some(c) = &self.response_code {
            return c.clone();
        }
        let local = self.fault_code.rsplit(':').next().unwrap_or(&self.fault_code);
        ResponseCode::parse(local)
    }

    /// Line and position of the request's schema violation (`ErrorSchemaValidation`), from
    /// `MessageXml` (Exchange 2010+) or the detail's `Line`/`Position` (Exchange 2007).
    pub fn schema_position(&self) -> Option<(u64, u64)> {
        self.message_xml.as_ref().and_then(MessageXml::schema_position).or(match (self.line, self.position) {
            (Some(l), Some(p)) => Some((l, p)),
            _ => None,
        })
    }

    /// `BackOffMilliseconds` of a throttling fault.
    pub fn back_off_milliseconds(&self) -> Option<u64> {
        self.message_xml.as_ref().and_then(MessageXml::back_off_milliseconds)
    }

    /// A fault as Exchange writes it for an EWS error code.
    pub fn ews(code: ResponseCode, text: impl Into<String>, message_xml: Option<MessageXml>) -> Self {
        let text = text.into();
        SoapFault {
            fault_code: format!("a:{}", code.as_str()),
            fault_string: text.clone(),
            fault_actor: None,
            response_code: Some(code),
            message: Some(text),
            line: None,
            position: None,
            message_xml,
        }
    }
}

impl std::fmt::Display for SoapFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SOAP fault {}: {}", self.code(), self.fault_string)
    }
}

impl ToXml for SoapFault {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        let ns = if self.fault_code.starts_with("a:") { Some(namespaces::TYPES) } else { None };
        w.start("faultcode", &[("xmlns:a", ns)]);
        w.text(&self.fault_code);
        w.end("faultcode");
        w.text_element("faultstring", &self.fault_string);
        w.opt_value("faultactor", &self.fault_actor);
        let has_detail = self.response_code.is_some()
            || self.message.is_some()
            || self.line.is_some()
            || self.position.is_some()
            || self.message_xml.is_some();
        if has_detail {
            w.start("detail", &[]);
            if let Some(c) = &self.response_code {
                w.start("e:ResponseCode", &[("xmlns:e", Some(namespaces::ERRORS))]);
                w.text(c.as_str());
                w.end("e:ResponseCode");
            }
            if let Some(m) = &self.message {
                w.start("e:Message", &[("xmlns:e", Some(namespaces::ERRORS))]);
                w.text(m);
                w.end("e:Message");
            }
            for (el, v) in [("e:Line", self.line), ("e:Position", self.position)] {
                if let Some(v) = v {
                    w.start(el, &[("xmlns:e", Some(namespaces::ERRORS))]);
                    w.text(&v.to_string());
                    w.end(el);
                }
            }
            w.opt("t:MessageXml", &self.message_xml);
            w.end("detail");
        }
        w.end(name);
    }
}

impl FromXml for SoapFault {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut f = SoapFault {
            fault_code: String::new(),
            fault_string: String::new(),
            fault_actor: None,
            response_code: None,
            message: None,
            line: None,
            position: None,
            message_xml: None,
        };
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "faultcode" => f.fault_code = r.value::<String>(&c)?.trim().to_owned(),
                "faultstring" => f.fault_string = r.value(&c)?,
                "faultactor" => f.fault_actor = Some(r.value(&c)?),
                "detail" => {
                    while let Some(d) = r.next_child(&c)? {
                        match d.name() {
                            "ResponseCode" => f.response_code = Some(r.value(&d)?),
                            "Message" => f.message = Some(r.value(&d)?),
                            "Line" => f.line = Some(r.value(&d)?),
                            "Position" => f.position = Some(r.value(&d)?),
                            "MessageXml" => f.message_xml = Some(MessageXml::from_xml(r, &d)?),
                            _ => r.unknown(&d)?,
                        }
                    }
                }
                _ => r.unknown(&c)?,
            }
        }
        Ok(f)
    }
}
