//! `t:Contact` (`ContactItemType`).

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter};

use super::item::ItemBase;

/// A contact item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    /// The `ItemType` fields.
    pub item: ItemBase,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

impl ToXml for Contact {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        self.item.write_children(w);
        w.opt_value("t:DisplayName", &self.display_name);
        w.end(name);
    }
}

impl FromXml for Contact {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut c = Contact::default();
        while let Some(ch) = r.next_child(el)? {
            match ch.name() {
                "DisplayName" => c.display_name = Some(r.value(&ch)?),
                _ => {
                    if !c.item.read_child(r, &ch)? {
                        r.unknown(&ch)?;
                    }
                }
            }
        }
        Ok(c)
    }
}
