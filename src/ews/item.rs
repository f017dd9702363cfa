//! `ItemType`: the fields every item shares ([`ItemBase`]), the item body, and [`Item`], the
//! choice of item elements a response can hold.

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlErrorKind, XmlReader, XmlWriter, xml_enum, xml_names};

use super::calendar_item::CalendarItem;
use super::contact::Contact;
use super::datetime::EwsDateTime;
use super::envelope::ExchangeVersion;
use super::extended_property::ExtendedProperty;
use super::ids::{FolderId, ItemId};

xml_enum! {
    /// Sensitivity of an item (`SensitivityChoicesType`); `Private` hides event details from others.
    pub enum Sensitivity {
        Normal = "Normal",
        Personal = "Personal",
        Private = "Private",
        Confidential = "Confidential",
    }
}

xml_enum! {
    /// Importance of an item (`ImportanceChoicesType`).
    pub enum Importance {
        Low = "Low",
        Normal = "Normal",
        High = "High",
    }
}

xml_enum! {
    /// Format of a body (`BodyTypeType`).
    pub enum BodyType {
        Html = "HTML",
        Text = "Text",
    }
}

/// `t:Body`: notes of a contact, description of an event.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Body {
    /// HTML or text.
    pub body_type: BodyType,
    /// The content.
    pub content: String,
    /// Whether Exchange cut the body short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_truncated: Option<bool>,
}

impl Body {
    /// A plain-text body.
    pub fn text(content: impl Into<String>) -> Self {
        Body { body_type: BodyType::Text, content: content.into(), is_truncated: None }
    }
}

impl ToXml for Body {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        let trunc = self.is_truncated.map(|t| if t { "true" } else { "false" });
        w.start(name, &[("BodyType", Some(self.body_type.as_str())), ("IsTruncated", trunc)]);
        w.text(&self.content);
        w.end(name);
    }
}

impl FromXml for Body {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let body_type =
            r.attr_value(el, "BodyType")?.ok_or_else(|| r.error_on(el, XmlErrorKind::MissingAttribute("BodyType")))?;
        let is_truncated = r.attr_value(el, "IsTruncated")?;
        let content = r.text(el)?.into_owned();
        Ok(Body { body_type, content, is_truncated })
    }
}

xml_names! {
    /// The `ItemType` elements [`ItemBase`] reads.
    enum ItemElement {
        ItemId,
        ParentFolderId,
        ItemClass,
        Subject,
        Sensitivity,
        Body,
        DateTimeReceived,
        Size,
        Categories,
        Importance,
        DateTimeCreated,
        ReminderDueBy,
        ReminderIsSet,
        ReminderMinutesBeforeStart,
        HasAttachments,
        ExtendedProperty,
        Culture,
        LastModifiedName,
        LastModifiedTime,
    }
}

/// The `ItemType` fields exsync reads and writes, in schema order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemBase {
    /// Id and change key (absent on create).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_id: Option<ItemId>,
    /// The folder holding the item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_folder_id: Option<FolderId>,
    /// `IPM.Contact`, `IPM.Appointment`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_class: Option<String>,
    /// Subject (events) or display subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Sensitivity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<Sensitivity>,
    /// Body (notes, description).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    /// When the item arrived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_time_received: Option<EwsDateTime>,
    /// Size in bytes (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<i32>,
    /// Categories (colour labels).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub categories: Option<Vec<String>>,
    /// Importance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub importance: Option<Importance>,
    /// When the item was created (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_time_created: Option<EwsDateTime>,
    /// When the reminder is due.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder_due_by: Option<EwsDateTime>,
    /// Whether a reminder is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder_is_set: Option<bool>,
    /// Minutes before start the reminder fires (events).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder_minutes_before_start: Option<i32>,
    /// Whether the item has attachments (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_attachments: Option<bool>,
    /// Extended (MAPI) properties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extended_properties: Vec<ExtendedProperty>,
    /// Culture, e.g. `en-US`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub culture: Option<String>,
    /// Who changed the item last (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_name: Option<String>,
    /// When the item was changed last (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_time: Option<EwsDateTime>,
}

impl ItemBase {
    /// Drops what a request written for `version` cannot carry. Up to Exchange 2010 SP2: the body's
    /// `IsTruncated` and the extended properties in a property set that version does not know
    /// (`Sharing`; see [`ExtendedFieldUri::is_supported_by`](super::ExtendedFieldUri::is_supported_by)).
    /// Every other `ItemType` field exsync models is in both schemas.
    pub fn retain_supported(&mut self, version: ExchangeVersion) {
        if !version.is_exchange2010_sp2_or_older() {
            return;
        }
        if let Some(b) = &mut self.body {
            b.is_truncated = None;
        }
        self.extended_properties.retain(|p| p.field.is_supported_by(version));
    }

    /// Writes the `ItemType` children in schema order.
    pub fn write_children(&self, w: &mut XmlWriter) {
        w.opt("t:ItemId", &self.item_id);
        w.opt("t:ParentFolderId", &self.parent_folder_id);
        w.opt_value("t:ItemClass", &self.item_class);
        w.opt_value("t:Subject", &self.subject);
        w.opt_value("t:Sensitivity", &self.sensitivity);
        w.opt("t:Body", &self.body);
        w.opt_value("t:DateTimeReceived", &self.date_time_received);
        w.opt_value("t:Size", &self.size);
        if let Some(c) = &self.categories {
            w.value_list("t:Categories", "t:String", c);
        }
        w.opt_value("t:Importance", &self.importance);
        w.opt_value("t:DateTimeCreated", &self.date_time_created);
        w.opt_value("t:ReminderDueBy", &self.reminder_due_by);
        w.opt_value("t:ReminderIsSet", &self.reminder_is_set);
        w.opt_value("t:ReminderMinutesBeforeStart", &self.reminder_minutes_before_start);
        w.opt_value("t:HasAttachments", &self.has_attachments);
        for p in &self.extended_properties {
            p.to_xml(w, "t:ExtendedProperty");
        }
        w.opt_value("t:Culture", &self.culture);
        w.opt_value("t:LastModifiedName", &self.last_modified_name);
        w.opt_value("t:LastModifiedTime", &self.last_modified_time);
    }

    /// Reads `c` if it is an `ItemType` field; `false` for other elements.
    pub fn read_child<'a>(&mut self, r: &mut XmlReader<'a>, c: &Element<'a>) -> Result<bool, XmlError> {
        use ItemElement as E;
        match ItemElement::from_name(c.name()) {
            Some(E::ItemId) => self.item_id = Some(ItemId::from_xml(r, c)?),
            Some(E::ParentFolderId) => self.parent_folder_id = Some(FolderId::from_xml(r, c)?),
            Some(E::ItemClass) => self.item_class = Some(r.value(c)?),
            Some(E::Subject) => self.subject = Some(r.value(c)?),
            Some(E::Sensitivity) => self.sensitivity = Some(r.value(c)?),
            Some(E::Body) => self.body = Some(Body::from_xml(r, c)?),
            Some(E::DateTimeReceived) => self.date_time_received = Some(r.value(c)?),
            Some(E::Size) => self.size = Some(r.value(c)?),
            Some(E::Categories) => self.categories = Some(r.value_list(c, "String")?),
            Some(E::Importance) => self.importance = Some(r.value(c)?),
            Some(E::DateTimeCreated) => self.date_time_created = Some(r.value(c)?),
            Some(E::ReminderDueBy) => self.reminder_due_by = Some(r.value(c)?),
            Some(E::ReminderIsSet) => self.reminder_is_set = Some(r.value(c)?),
            Some(E::ReminderMinutesBeforeStart) => self.reminder_minutes_before_start = Some(r.value(c)?),
            Some(E::HasAttachments) => self.has_attachments = Some(r.value(c)?),
            Some(E::ExtendedProperty) => self.extended_properties.push(ExtendedProperty::from_xml(r, c)?),
            Some(E::Culture) => self.culture = Some(r.value(c)?),
            Some(E::LastModifiedName) => self.last_modified_name = Some(r.value(c)?),
            Some(E::LastModifiedTime) => self.last_modified_time = Some(r.value(c)?),
            None => return Ok(false),
        }
        Ok(true)
    }
}

/// An item of a kind exsync does not model field by field (message, task, distribution list, …):
/// its element name and the shared fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherItem {
    /// The element's local name, e.g. `Message` or `DistributionList`.
    pub element: String,
    /// The shared fields.
    pub item: ItemBase,
}

/// An item element: a contact, a calendar item, or another kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Item {
    /// `t:Contact`.
    Contact(Box<Contact>),
    /// `t:CalendarItem`.
    CalendarItem(Box<CalendarItem>),
    /// Any other item element.
    Other(Box<OtherItem>),
}

/// The item elements of the schema's item choice (`ArrayOfRealItemsType`).
const ITEM_ELEMENTS: &[&str] = &[
    "Item",
    "Message",
    "SharingMessage",
    "CalendarItem",
    "Contact",
    "DistributionList",
    "MeetingMessage",
    "MeetingRequest",
    "MeetingResponse",
    "MeetingCancellation",
    "Task",
    "PostItem",
    "RoleMember",
    "Network",
    "Person",
];

impl Item {
    /// The shared fields.
    pub fn base(&self) -> &ItemBase {
        match self {
            Item::Contact(c) => &c.item,
            Item::CalendarItem(c) => &c.item,
            Item::Other(o) => &o.item,
        }
    }

    /// The shared fields, mutably.
    pub fn base_mut(&mut self) -> &mut ItemBase {
        match self {
            Item::Contact(c) => &mut c.item,
            Item::CalendarItem(c) => &mut c.item,
            Item::Other(o) => &mut o.item,
        }
    }

    /// The item's id, if it has one.
    pub fn id(&self) -> Option<&ItemId> {
        self.base().item_id.as_ref()
    }

    /// Drops what a request written for `version` cannot carry, so that a client stepping down to
    /// an older server (see [`ExchangeVersion::STEP_DOWN`]) can send any item: a contact as
    /// [`Contact::retain_supported`], a calendar item as [`CalendarItem::retain_supported`], any
    /// other kind as [`ItemBase::retain_supported`]. Nothing changes for Exchange 2013 and newer.
    pub fn retain_supported(&mut self, version: ExchangeVersion) {
        match self {
            Item::Contact(c) => c.retain_supported(version),
            Item::CalendarItem(c) => c.retain_supported(version),
            Item::Other(o) => o.item.retain_supported(version),
        }
    }

    /// Writes the item as `t:Contact`, `t:CalendarItem` or `t:{element}`.
    pub fn write(&self, w: &mut XmlWriter) {
        match self {
            Item::Contact(c) => c.to_xml(w, "t:Contact"),
            Item::CalendarItem(c) => c.to_xml(w, "t:CalendarItem"),
            Item::Other(o) => {
                let name = format!("t:{}", o.element);
                w.start(&name, &[]);
                o.item.write_children(w);
                w.end(&name);
            }
        }
    }

    /// Reads `el` if it is an item element; `None` otherwise.
    pub fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Option<Self>, XmlError> {
        Ok(Some(match el.name() {
            "Contact" => Item::Contact(Box::new(Contact::from_xml(r, el)?)),
            "CalendarItem" => Item::CalendarItem(Box::new(CalendarItem::from_xml(r, el)?)),
            name if ITEM_ELEMENTS.contains(&name) => {
                let mut item = ItemBase::default();
                while let Some(c) = r.next_child(el)? {
                    if !item.read_child(r, &c)? {
                        r.skip(&c)?;
                    }
                }
                Item::Other(Box::new(OtherItem { element: name.to_owned(), item }))
            }
            _ => return Ok(None),
        }))
    }
}

/// Writes `<name>` holding items (`ArrayOfRealItemsType`, `NonEmptyArrayOfAllItemsType`).
pub(crate) fn write_items(w: &mut XmlWriter, name: &str, items: &[Item]) {
    w.start(name, &[]);
    for i in items {
        i.write(w);
    }
    w.end(name);
}

/// Reads a list of items.
pub(crate) fn read_items<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Vec<Item>, XmlError> {
    r.choice_list(el, Item::read)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::{
        Attendee, DistinguishedPropertySet, ExtendedFieldUri, ExtendedValue, MapiPropertyType, PhoneNumberKey,
        PropertyKey, PropertySet,
    };

    fn property(set: PropertySet, name: &str) -> ExtendedProperty {
        ExtendedProperty {
            field: ExtendedFieldUri {
                key: PropertyKey::Name(set, name.into()),
                property_type: MapiPropertyType::String,
            },
            value: ExtendedValue::Single("v".into()),
        }
    }

    /// Item fields with both of the parts Exchange 2010 SP2 lacks.
    fn newer_base() -> ItemBase {
        let sharing = PropertySet::Distinguished(DistinguishedPropertySet::Sharing);
        let common = PropertySet::Distinguished(DistinguishedPropertySet::Common);
        ItemBase {
            subject: Some("s".into()),
            body: Some(Body { is_truncated: Some(true), ..Body::text("b") }),
            extended_properties: vec![
                property(sharing.clone(), "a"),
                property(common, "b"),
                property(PropertySet::Guid("c11ff724-aa03-4555-9952-8fa248a11c3e".into()), "c"),
                ExtendedProperty {
                    field: ExtendedFieldUri { key: PropertyKey::Id(sharing, 7), property_type: MapiPropertyType::Long },
                    value: ExtendedValue::Single("1".into()),
                },
                ExtendedProperty {
                    field: ExtendedFieldUri {
                        key: PropertyKey::Tag("0x3a45".into()),
                        property_type: MapiPropertyType::String,
                    },
                    value: ExtendedValue::Single("t".into()),
                },
            ],
            ..ItemBase::default()
        }
    }

    #[test]
    fn item_base_drops_truncation_flag_and_sharing_properties_for_2010() {
        let newer = newer_base();
        for v in [ExchangeVersion::Exchange2013, ExchangeVersion::Exchange2016, ExchangeVersion::V2017_07_11] {
            let mut kept = newer.clone();
            kept.retain_supported(v);
            assert_eq!(kept, newer, "{v}");
        }
        for v in [ExchangeVersion::Exchange2007Sp1, ExchangeVersion::Exchange2010, ExchangeVersion::Exchange2010Sp2] {
            let mut old = newer.clone();
            old.retain_supported(v);
            assert_eq!(old.body, Some(Body::text("b")), "{v}");
            assert_eq!(old.subject, newer.subject);
            let names: Vec<&str> = old
                .extended_properties
                .iter()
                .map(|p| match &p.field.key {
                    PropertyKey::Name(_, n) | PropertyKey::Tag(n) => n.as_str(),
                    PropertyKey::Id(..) => "id",
                })
                .collect();
            assert_eq!(names, ["b", "c", "0x3a45"], "{v}");
        }
    }

    #[test]
    fn item_dispatches_by_kind() {
        let mut contact = Contact { item: newer_base(), ..Contact::default() };
        contact.set_phone(PhoneNumberKey::Msn, "1").set_phone(PhoneNumberKey::HomePhone, "2");
        let calendar = CalendarItem {
            item: newer_base(),
            is_organizer: Some(true),
            required_attendees: vec![Attendee {
                proposed_start: EwsDateTime::parse("2024-01-01T10:00:00Z"),
                ..Attendee::smtp("a@contoso.com")
            }],
            ..CalendarItem::default()
        };
        let other = Item::Other(Box::new(OtherItem { element: "Task".into(), item: newer_base() }));
        let mut base = newer_base();
        base.retain_supported(ExchangeVersion::Exchange2010Sp2);

        for item in [Item::from(contact), Item::CalendarItem(Box::new(calendar)), other] {
            let mut same = item.clone();
            same.retain_supported(ExchangeVersion::Exchange2013Sp1);
            assert_eq!(same, item);
            let mut old = item.clone();
            old.retain_supported(ExchangeVersion::Exchange2010Sp2);
            assert_eq!(old.base(), &base);
            match &old {
                Item::Contact(c) => assert_eq!(c.phone(PhoneNumberKey::Msn), None),
                Item::CalendarItem(c) => {
                    assert_eq!(c.is_organizer, None);
                    assert_eq!(c.required_attendees, vec![Attendee::smtp("a@contoso.com")]);
                }
                Item::Other(o) => assert_eq!(o.element, "Task"),
            }
            // Already valid for Exchange 2010 SP2: a second pass changes nothing.
            let mut again = old.clone();
            again.retain_supported(ExchangeVersion::Exchange2010Sp2);
            assert_eq!(again, old);
        }
    }
}
