//! Response shapes: which properties an item or folder answer carries (`ItemShape`, `FolderShape`).

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter, xml_enum};

use super::path::{PropertyPath, read_paths, write_paths};

xml_enum! {
    /// The base set of properties returned (`DefaultShapeNamesType`).
    pub enum BaseShape {
        IdOnly = "IdOnly",
        Default = "Default",
        AllProperties = "AllProperties",
    }
}

xml_enum! {
    /// Body format asked for (`BodyTypeResponseType`).
    pub enum BodyTypeResponse {
        Best = "Best",
        Html = "HTML",
        Text = "Text",
    }
}

/// `m:ItemShape`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemShape {
    /// Base set of properties.
    pub base_shape: BaseShape,
    /// Whether to include the MIME content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_mime_content: Option<bool>,
    /// Body format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_type: Option<BodyTypeResponse>,
    /// Properties in addition to the base shape (none: element left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_properties: Vec<PropertyPath>,
}

impl ItemShape {
    /// A shape with `base` and nothing else.
    pub fn new(base: BaseShape) -> Self {
        ItemShape { base_shape: base, include_mime_content: None, body_type: None, additional_properties: Vec::new() }
    }
}

impl ToXml for ItemShape {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        w.value("t:BaseShape", &self.base_shape);
        w.opt_value("t:IncludeMimeContent", &self.include_mime_content);
        w.opt_value("t:BodyType", &self.body_type);
        if !self.additional_properties.is_empty() {
            write_paths(w, "t:AdditionalProperties", &self.additional_properties);
        }
        w.end(name);
    }
}

impl FromXml for ItemShape {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut base = None;
        let mut s = ItemShape::new(BaseShape::IdOnly);
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "BaseShape" => base = Some(r.value(&c)?),
                "IncludeMimeContent" => s.include_mime_content = Some(r.value(&c)?),
                "BodyType" => s.body_type = Some(r.value(&c)?),
                "AdditionalProperties" => s.additional_properties = read_paths(r, &c)?,
                _ => r.unknown(&c)?,
            }
        }
        s.base_shape = base.ok_or_else(|| r.missing(el, "BaseShape"))?;
        Ok(s)
    }
}

/// `m:FolderShape`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderShape {
    /// Base set of properties.
    pub base_shape: BaseShape,
    /// Properties in addition to the base shape.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_properties: Vec<PropertyPath>,
}

impl FolderShape {
    /// A shape with `base` and nothing else.
    pub fn new(base: BaseShape) -> Self {
        FolderShape { base_shape: base, additional_properties: Vec::new() }
    }
}

impl ToXml for FolderShape {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        w.value("t:BaseShape", &self.base_shape);
        if !self.additional_properties.is_empty() {
            write_paths(w, "t:AdditionalProperties", &self.additional_properties);
        }
        w.end(name);
    }
}

impl FromXml for FolderShape {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut base = None;
        let mut additional_properties = Vec::new();
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "BaseShape" => base = Some(r.value(&c)?),
                "AdditionalProperties" => additional_properties = read_paths(r, &c)?,
                _ => r.unknown(&c)?,
            }
        }
        Ok(FolderShape { base_shape: base.ok_or_else(|| r.missing(el, "BaseShape"))?, additional_properties })
    }
}
