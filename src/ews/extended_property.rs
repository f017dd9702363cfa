//! `t:ExtendedProperty`: a MAPI property and its value(s) on an item. exsync tags each item it
//! writes with one, holding the application's record id.

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter};

use super::path::ExtendedFieldUri;

/// The value of an extended property: one value, or several for array types.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtendedValue {
    /// `t:Value`.
    Single(String),
    /// `t:Values/t:Value*` (at least one).
    Multi(Vec<String>),
}

/// An extended property on an item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExtendedProperty {
    /// Which property.
    pub field: ExtendedFieldUri,
    /// Its value.
    pub value: ExtendedValue,
}

impl ExtendedProperty {
    /// The single value, if this is a single-valued property.
    pub fn single(&self) -> Option<&str> {
        match &self.value {
            ExtendedValue::Single(v) => Some(v),
            ExtendedValue::Multi(_) => None,
        }
    }
}

impl ToXml for ExtendedProperty {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        self.field.to_xml(w, "t:ExtendedFieldURI");
        match &self.value {
            ExtendedValue::Single(v) => w.text_element("t:Value", v),
            ExtendedValue::Multi(vs) => {
                w.start("t:Values", &[]);
                for v in vs {
                    w.text_element("t:Value", v);
                }
                w.end("t:Values");
            }
        }
        w.end(name);
    }
}

impl FromXml for ExtendedProperty {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut field = None;
        let mut value = None;
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "ExtendedFieldURI" => field = Some(ExtendedFieldUri::from_xml(r, &c)?),
                "Value" => value = Some(ExtendedValue::Single(r.value(&c)?)),
                "Values" => {
                    let mut vs = Vec::new();
                    while let Some(v) = r.next_child(&c)? {
                        if v.name() == "Value" {
                            vs.push(r.value(&v)?);
                        } else {
                            r.unknown(&v)?;
                        }
                    }
                    value = Some(ExtendedValue::Multi(vs));
                }
                _ => r.unknown(&c)?,
            }
        }
        Ok(ExtendedProperty {
            field: field.ok_or_else(|| r.missing(el, "ExtendedFieldURI"))?,
            value: value.ok_or_else(|| r.missing(el, "Value"))?,
        })
    }
}
