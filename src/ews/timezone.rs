//! Time zones: `TimeZoneDefinition` (Exchange 2010+, Windows time zone ids such as
//! `Pacific Standard Time`), used by `TimeZoneContext` and by calendar items' start and end zones.

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter};

/// A Windows time zone by id (`t:TimeZoneDefinition Id="…"`). Exchange fills in the periods and
/// transitions itself from the id; when it sends them they are read past.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct TimeZoneDefinition {
    /// Windows time zone id, e.g. `W. Europe Standard Time`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Display name, e.g. `(UTC+01:00) Amsterdam, Berlin, …`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl TimeZoneDefinition {
    /// A time zone by Windows id.
    pub fn by_id(id: impl Into<String>) -> Self {
        TimeZoneDefinition { id: Some(id.into()), name: None }
    }
}

impl ToXml for TimeZoneDefinition {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.empty(name, &[("Name", self.name.as_deref()), ("Id", self.id.as_deref())]);
    }
}

impl FromXml for TimeZoneDefinition {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let tz = TimeZoneDefinition { id: r.attr(el, "Id")?, name: r.attr(el, "Name")? };
        // Periods, TransitionsGroups and Transitions are derived from the id by Exchange.
        r.skip(el)?;
        Ok(tz)
    }
}
