//! Property paths: `t:FieldURI`, `t:IndexedFieldURI` and `t:ExtendedFieldURI`, used in item shapes,
//! updates, restrictions and extended properties.

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlErrorKind, XmlReader, XmlValue, XmlWriter, xml_enum};

use super::envelope::ExchangeVersion;
use super::field_uris::UNINDEXED_FIELD_URIS;

/// An unindexed field URI such as `item:Subject` or `calendar:Start`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FieldUri(pub String);

impl FieldUri {
    /// A field URI from its text (not checked; see [`FieldUri::is_known`]).
    pub fn new(uri: impl Into<String>) -> Self {
        FieldUri(uri.into())
    }

    /// Whether the schema lists this URI.
    pub fn is_known(&self) -> bool {
        UNINDEXED_FIELD_URIS.contains(&self.0.as_str())
    }

    /// Every URI the schema lists.
    pub fn known() -> impl Iterator<Item = FieldUri> {
        UNINDEXED_FIELD_URIS.iter().map(|u| FieldUri((*u).to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

xml_enum! {
    /// Dictionary fields addressed with an index (`DictionaryURIType`).
    pub enum DictionaryUri {
        InternetMessageHeader = "item:InternetMessageHeader",
        ImAddress = "contacts:ImAddress",
        PhysicalAddressStreet = "contacts:PhysicalAddress:Street",
        PhysicalAddressCity = "contacts:PhysicalAddress:City",
        PhysicalAddressState = "contacts:PhysicalAddress:State",
        PhysicalAddressCountryOrRegion = "contacts:PhysicalAddress:CountryOrRegion",
        PhysicalAddressPostalCode = "contacts:PhysicalAddress:PostalCode",
        PhoneNumber = "contacts:PhoneNumber",
        EmailAddress = "contacts:EmailAddress",
        DistributionListMember = "distributionlist:Members:Member",
    }
}

xml_enum! {
    /// Well-known MAPI property sets (`DistinguishedPropertySetType`).
    pub enum DistinguishedPropertySet {
        Meeting = "Meeting",
        Appointment = "Appointment",
        Common = "Common",
        PublicStrings = "PublicStrings",
        Address = "Address",
        InternetHeaders = "InternetHeaders",
        CalendarAssistant = "CalendarAssistant",
        UnifiedMessaging = "UnifiedMessaging",
        Task = "Task",
        Sharing = "Sharing",
    }
}

impl DistinguishedPropertySet {
    /// Whether a request written for `version` may name this set: `Sharing` is refused up to
    /// Exchange 2010 SP2.
    pub fn is_supported_by(&self, version: ExchangeVersion) -> bool {
        *self != DistinguishedPropertySet::Sharing || !version.is_exchange2010_sp2_or_older()
    }
}

xml_enum! {
    /// MAPI property types (`MapiPropertyTypeType`).
    pub enum MapiPropertyType {
        ApplicationTime = "ApplicationTime",
        ApplicationTimeArray = "ApplicationTimeArray",
        Binary = "Binary",
        BinaryArray = "BinaryArray",
        Boolean = "Boolean",
        Clsid = "CLSID",
        ClsidArray = "CLSIDArray",
        Currency = "Currency",
        CurrencyArray = "CurrencyArray",
        Double = "Double",
        DoubleArray = "DoubleArray",
        Error = "Error",
        Float = "Float",
        FloatArray = "FloatArray",
        Integer = "Integer",
        IntegerArray = "IntegerArray",
        Long = "Long",
        LongArray = "LongArray",
        Null = "Null",
        Object = "Object",
        ObjectArray = "ObjectArray",
        Short = "Short",
        ShortArray = "ShortArray",
        SystemTime = "SystemTime",
        SystemTimeArray = "SystemTimeArray",
        String = "String",
        StringArray = "StringArray",
    }
}

/// Which property set a named or numbered extended property lives in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PropertySet {
    /// A well-known set.
    Distinguished(DistinguishedPropertySet),
    /// A set by GUID.
    Guid(String),
}

/// How an extended property is named within its set.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PropertyKey {
    /// By string name, in a set.
    Name(PropertySet, String),
    /// By numeric id, in a set.
    Id(PropertySet, i32),
    /// By MAPI property tag (`0x3A45`), no set.
    Tag(String),
}

/// `t:ExtendedFieldURI`: a MAPI property.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExtendedFieldUri {
    /// The property's identity.
    pub key: PropertyKey,
    /// Its MAPI type.
    pub property_type: MapiPropertyType,
}

impl ExtendedFieldUri {
    /// A named string property in the set `guid`: how exsync tags the items it writes.
    pub fn named_string(guid: impl Into<String>, name: impl Into<String>) -> Self {
        ExtendedFieldUri {
            key: PropertyKey::Name(PropertySet::Guid(guid.into()), name.into()),
            property_type: MapiPropertyType::String,
        }
    }

    /// Whether a request written for `version` may name this property: not when it is in a
    /// distinguished property set that `version` does not know (see
    /// [`DistinguishedPropertySet::is_supported_by`]).
    pub fn is_supported_by(&self, version: ExchangeVersion) -> bool {
        match &self.key {
            PropertyKey::Name(PropertySet::Distinguished(set), _)
            | PropertyKey::Id(PropertySet::Distinguished(set), _) => set.is_supported_by(version),
            PropertyKey::Name(PropertySet::Guid(_), _)
            | PropertyKey::Id(PropertySet::Guid(_), _)
            | PropertyKey::Tag(_) => true,
        }
    }
}

impl ToXml for ExtendedFieldUri {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        let (dist, guid, tag, pname, pid);
        let set_attrs = |set: &PropertySet| match set {
            PropertySet::Distinguished(d) => (Some(d.as_str()), None),
            PropertySet::Guid(g) => (None, Some(g.clone())),
        };
        let id_text;
        match &self.key {
            PropertyKey::Name(set, n) => {
                (dist, guid) = set_attrs(set);
                (tag, pname, pid) = (None, Some(n.as_str()), None);
            }
            PropertyKey::Id(set, i) => {
                (dist, guid) = set_attrs(set);
                id_text = i.to_string();
                (tag, pname, pid) = (None, None, Some(id_text.as_str()));
            }
            PropertyKey::Tag(t) => {
                (dist, guid) = (None, None);
                (tag, pname, pid) = (Some(t.as_str()), None, None);
            }
        }
        w.empty(
            name,
            &[
                ("DistinguishedPropertySetId", dist),
                ("PropertySetId", guid.as_deref()),
                ("PropertyTag", tag),
                ("PropertyName", pname),
                ("PropertyId", pid),
                ("PropertyType", Some(self.property_type.as_str())),
            ],
        );
    }
}

impl FromXml for ExtendedFieldUri {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let [dist, guid, tag, name, id, ptype] = r.attrs(
            el,
            [
                "DistinguishedPropertySetId",
                "PropertySetId",
                "PropertyTag",
                "PropertyName",
                "PropertyId",
                "PropertyType",
            ],
        )?;
        fn typed<T: XmlValue>(r: &XmlReader<'_>, el: &Element<'_>, v: Option<String>) -> Result<Option<T>, XmlError> {
            match v {
                None => Ok(None),
                Some(v) => T::parse_xml(&v).map(Some).ok_or_else(|| r.invalid(el, &v, T::EXPECTED)),
            }
        }
        let property_type: MapiPropertyType =
            typed(r, el, ptype)?.ok_or_else(|| r.error_on(el, XmlErrorKind::MissingAttribute("PropertyType")))?;
        let set = match (typed::<DistinguishedPropertySet>(r, el, dist)?, guid) {
            (Some(d), _) => Some(PropertySet::Distinguished(d)),
            (None, Some(g)) => Some(PropertySet::Guid(g)),
            (None, None) => None,
        };
        let key = match (tag, name, typed::<i32>(r, el, id)?, set) {
            (Some(t), _, _, _) => PropertyKey::Tag(t),
            (None, Some(n), _, Some(s)) => PropertyKey::Name(s, n),
            (None, None, Some(i), Some(s)) => PropertyKey::Id(s, i),
            _ => {
                return Err(r.error_on(
                    el,
                    XmlErrorKind::MissingAttribute("PropertyTag or property set with PropertyName/PropertyId"),
                ));
            }
        };
        r.skip(el)?;
        Ok(ExtendedFieldUri { key, property_type })
    }
}

/// A path to a property: the `t:Path` substitution group.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PropertyPath {
    /// `t:FieldURI FieldURI="item:Subject"`.
    Field(FieldUri),
    /// `t:IndexedFieldURI FieldURI="contacts:EmailAddress" FieldIndex="EmailAddress1"`.
    Indexed {
        /// The dictionary.
        field_uri: DictionaryUri,
        /// The key within it.
        field_index: String,
    },
    /// `t:ExtendedFieldURI …`.
    Extended(ExtendedFieldUri),
}

impl PropertyPath {
    /// `t:FieldURI` for `uri`.
    pub fn field(uri: &str) -> Self {
        PropertyPath::Field(FieldUri::new(uri))
    }

    /// Writes the path element (its name comes from the variant).
    pub fn write(&self, w: &mut XmlWriter) {
        match self {
            PropertyPath::Field(f) => w.empty("t:FieldURI", &[("FieldURI", Some(f.as_str()))]),
            PropertyPath::Indexed { field_uri, field_index } => w.empty(
                "t:IndexedFieldURI",
                &[("FieldURI", Some(field_uri.as_str())), ("FieldIndex", Some(field_index))],
            ),
            PropertyPath::Extended(e) => e.to_xml(w, "t:ExtendedFieldURI"),
        }
    }

    /// Reads `el` if it is one of the path elements; `None` otherwise.
    pub fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Option<Self>, XmlError> {
        let p = match el.name() {
            "FieldURI" => {
                let uri = FieldUri(r.required_attr(el, "FieldURI")?);
                if r.is_strict() && !uri.is_known() {
                    return Err(r.invalid(el, uri.as_str(), "an UnindexedFieldURIType value"));
                }
                r.skip(el)?;
                PropertyPath::Field(uri)
            }
            "IndexedFieldURI" => {
                let field_uri = r
                    .attr_value(el, "FieldURI")?
                    .ok_or_else(|| r.error_on(el, XmlErrorKind::MissingAttribute("FieldURI")))?;
                let field_index = r.required_attr(el, "FieldIndex")?;
                r.skip(el)?;
                PropertyPath::Indexed { field_uri, field_index }
            }
            "ExtendedFieldURI" => PropertyPath::Extended(ExtendedFieldUri::from_xml(r, el)?),
            _ => return Ok(None),
        };
        Ok(Some(p))
    }
}

/// Writes `<name>` with a list of paths (`AdditionalProperties` and the like).
pub(crate) fn write_paths(w: &mut XmlWriter, name: &str, paths: &[PropertyPath]) {
    w.start(name, &[]);
    for p in paths {
        p.write(w);
    }
    w.end(name);
}

/// Reads a list of paths.
pub(crate) fn read_paths<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Vec<PropertyPath>, XmlError> {
    r.choice_list(el, PropertyPath::read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sharing_property_set_is_newer_than_2010() {
        let sharing = PropertySet::Distinguished(DistinguishedPropertySet::Sharing);
        let uris = [
            (
                ExtendedFieldUri {
                    key: PropertyKey::Name(sharing.clone(), "n".into()),
                    property_type: MapiPropertyType::String,
                },
                false,
            ),
            (ExtendedFieldUri { key: PropertyKey::Id(sharing, 3), property_type: MapiPropertyType::Long }, false),
            (ExtendedFieldUri::named_string("c11ff724-aa03-4555-9952-8fa248a11c3e", "n"), true),
            (
                ExtendedFieldUri {
                    key: PropertyKey::Id(PropertySet::Distinguished(DistinguishedPropertySet::Task), 3),
                    property_type: MapiPropertyType::Long,
                },
                true,
            ),
            (
                ExtendedFieldUri { key: PropertyKey::Tag("0x0037".into()), property_type: MapiPropertyType::String },
                true,
            ),
        ];
        for (uri, in_2010) in uris {
            assert_eq!(uri.is_supported_by(ExchangeVersion::Exchange2010Sp2), in_2010, "{uri:?}");
            assert!(uri.is_supported_by(ExchangeVersion::Exchange2013), "{uri:?}");
        }
    }
}
