//! Occurrences of a recurring series as its master reports them: `OccurrenceInfoType` (first, last
//! and modified occurrences) and `DeletedOccurrenceInfoType`.

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter};

use super::datetime::EwsDateTime;
use super::ids::ItemId;

/// One occurrence of a series (`t:FirstOccurrence`, `t:LastOccurrence`, `t:Occurrence`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OccurrenceInfo {
    /// The occurrence's own id (GetItem on it returns the occurrence or exception).
    pub item_id: ItemId,
    /// When it starts.
    pub start: EwsDateTime,
    /// When it ends.
    pub end: EwsDateTime,
    /// When it would start had it not been moved; identifies the occurrence within the series.
    pub original_start: EwsDateTime,
}

impl ToXml for OccurrenceInfo {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        self.item_id.to_xml(w, "t:ItemId");
        w.value("t:Start", &self.start);
        w.value("t:End", &self.end);
        w.value("t:OriginalStart", &self.original_start);
        w.end(name);
    }
}

impl FromXml for OccurrenceInfo {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let (mut item_id, mut start, mut end, mut original_start) = (None, None, None, None);
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "ItemId" => item_id = Some(ItemId::from_xml(r, &c)?),
                "Start" => start = Some(r.value(&c)?),
                "End" => end = Some(r.value(&c)?),
                "OriginalStart" => original_start = Some(r.value(&c)?),
                _ => r.unknown(&c)?,
            }
        }
        Ok(OccurrenceInfo {
            item_id: item_id.ok_or_else(|| r.missing(el, "ItemId"))?,
            start: start.ok_or_else(|| r.missing(el, "Start"))?,
            end: end.ok_or_else(|| r.missing(el, "End"))?,
            original_start: original_start.ok_or_else(|| r.missing(el, "OriginalStart"))?,
        })
    }
}

/// An occurrence removed from a series (`t:DeletedOccurrence`): its original start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeletedOccurrence {
    /// The start of the deleted occurrence.
    pub start: EwsDateTime,
}

impl ToXml for DeletedOccurrence {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        w.value("t:Start", &self.start);
        w.end(name);
    }
}

impl FromXml for DeletedOccurrence {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut start = None;
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "Start" => start = Some(r.value(&c)?),
                _ => r.unknown(&c)?,
            }
        }
        Ok(DeletedOccurrence { start: start.ok_or_else(|| r.missing(el, "Start"))? })
    }
}
