//! Response shapes: which properties an item or folder answer carries (`ItemShape`, `FolderShape`).

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter, xml_enum};

use super::ops::schema_order::SequenceOrder;

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
        // Schema positions: BaseShape, IncludeMimeContent, BodyType, … (eight elements exsync does
        // not model, skipped when lenient), AdditionalProperties.
        let mut order = SequenceOrder::default();
        let mut base = None;
        let mut s = ItemShape::new(BaseShape::IdOnly);
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "BaseShape" => {
                    order.check(r, &c, 0)?;
                    base = Some(r.value(&c)?);
                }
                "IncludeMimeContent" => {
                    order.check(r, &c, 1)?;
                    s.include_mime_content = Some(r.value(&c)?);
                }
                "BodyType" => {
                    order.check(r, &c, 2)?;
                    s.body_type = Some(r.value(&c)?);
                }
                "AdditionalProperties" => {
                    order.check(r, &c, 11)?;
                    s.additional_properties = read_paths(r, &c)?;
                }
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
        let mut order = SequenceOrder::default();
        let mut base = None;
        let mut additional_properties = Vec::new();
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "BaseShape" => {
                    order.check(r, &c, 0)?;
                    base = Some(r.value(&c)?);
                }
                "AdditionalProperties" => {
                    order.check(r, &c, 1)?;
                    additional_properties = read_paths(r, &c)?;
                }
                _ => r.unknown(&c)?,
            }
        }
        Ok(FolderShape { base_shape: base.ok_or_else(|| r.missing(el, "BaseShape"))?, additional_properties })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: FromXml>(xml: &str, root: &'static str, strict: bool) -> Result<T, XmlError> {
        XmlReader::new(xml)?.strict(strict).read_document(root)
    }

    #[test]
    fn strict_shapes_follow_schema_order() {
        let paths = "<t:AdditionalProperties><t:FieldURI FieldURI=\"item:Subject\"/></t:AdditionalProperties>";
        let swapped = format!("<m:ItemShape>{paths}<t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>");
        let e = read::<ItemShape>(&swapped, "ItemShape", true).unwrap_err();
        assert_eq!(e.kind, crate::xml::XmlErrorKind::UnexpectedElement("t:BaseShape".into()));
        assert_eq!(read::<ItemShape>(&swapped, "ItemShape", false).unwrap().additional_properties.len(), 1);
        let body_after_paths =
            format!("<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>{paths}<t:BodyType>Text</t:BodyType></m:ItemShape>");
        assert!(read::<ItemShape>(&body_after_paths, "ItemShape", true).is_err());

        let swapped = format!("<m:FolderShape>{paths}<t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>");
        assert!(read::<FolderShape>(&swapped, "FolderShape", true).is_err());
        assert!(read::<FolderShape>(&swapped, "FolderShape", false).is_ok());
        let twice =
            "<m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>";
        assert!(read::<FolderShape>(twice, "FolderShape", true).is_err());
        let ordered = format!("<m:FolderShape><t:BaseShape>IdOnly</t:BaseShape>{paths}</m:FolderShape>");
        assert_eq!(read::<FolderShape>(&ordered, "FolderShape", true).unwrap().additional_properties.len(), 1);
    }
}
