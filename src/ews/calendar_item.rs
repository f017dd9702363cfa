//! `t:CalendarItem` (`CalendarItemType`).

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter};

use super::item::ItemBase;

/// A calendar item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalendarItem {
    /// The `ItemType` fields.
    pub item: ItemBase,
    /// Location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl ToXml for CalendarItem {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        self.item.write_children(w);
        w.opt_value("t:Location", &self.location);
        w.end(name);
    }
}

impl FromXml for CalendarItem {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut c = CalendarItem::default();
        while let Some(ch) = r.next_child(el)? {
            match ch.name() {
                "Location" => c.location = Some(r.value(&ch)?),
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
