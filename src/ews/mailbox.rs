//! `EmailAddressType`: a mailbox or address as EWS names it (organizer, attendee, resolved name,
//! the owner of a distinguished folder).

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter, xml_enum};

use super::envelope::ExchangeVersion;
use super::ids::ItemId;

xml_enum! {
    /// What kind of address a [`Mailbox`] is (`MailboxTypeType`).
    pub enum MailboxType {
        Unknown = "Unknown",
        OneOff = "OneOff",
        Mailbox = "Mailbox",
        PublicDl = "PublicDL",
        PrivateDl = "PrivateDL",
        Contact = "Contact",
        PublicFolder = "PublicFolder",
        GroupMailbox = "GroupMailbox",
        ImplicitContact = "ImplicitContact",
    }
}

impl MailboxType {
    /// Whether a request written for `version` may carry this value: `GroupMailbox` and
    /// `ImplicitContact` are refused up to Exchange 2010 SP2.
    pub fn is_supported_by(&self, version: ExchangeVersion) -> bool {
        let later = matches!(self, MailboxType::GroupMailbox | MailboxType::ImplicitContact);
        !later || !version.is_exchange2010_sp2_or_older()
    }
}

/// An address (`t:Mailbox`, `t:Organizer/t:Mailbox`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Mailbox {
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// SMTP (or other routing type) address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    /// `SMTP`, `EX`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing_type: Option<String>,
    /// Kind of address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mailbox_type: Option<MailboxType>,
    /// The contact or group item this address came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_id: Option<ItemId>,
    /// The display name as originally given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_display_name: Option<String>,
}

impl Mailbox {
    /// A mailbox known by its SMTP address.
    pub fn smtp(address: impl Into<String>) -> Self {
        Mailbox { email_address: Some(address.into()), ..Mailbox::default() }
    }

    /// Drops what a request written for `version` cannot carry. Up to Exchange 2010 SP2: the mailbox
    /// types `GroupMailbox` and `ImplicitContact` (the type is left out) and `OriginalDisplayName`.
    pub fn retain_supported(&mut self, version: ExchangeVersion) {
        if !version.is_exchange2010_sp2_or_older() {
            return;
        }
        self.mailbox_type = self.mailbox_type.filter(|t| t.is_supported_by(version));
        self.original_display_name = None;
    }
}

impl ToXml for Mailbox {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        w.opt_value("t:Name", &self.name);
        w.opt_value("t:EmailAddress", &self.email_address);
        w.opt_value("t:RoutingType", &self.routing_type);
        w.opt_value("t:MailboxType", &self.mailbox_type);
        w.opt("t:ItemId", &self.item_id);
        w.opt_value("t:OriginalDisplayName", &self.original_display_name);
        w.end(name);
    }
}

impl FromXml for Mailbox {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut m = Mailbox::default();
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "Name" => m.name = Some(r.value(&c)?),
                "EmailAddress" => m.email_address = Some(r.value(&c)?),
                "RoutingType" => m.routing_type = Some(r.value(&c)?),
                "MailboxType" => m.mailbox_type = Some(r.value(&c)?),
                "ItemId" => m.item_id = Some(ItemId::from_xml(r, &c)?),
                "OriginalDisplayName" => m.original_display_name = Some(r.value(&c)?),
                _ => r.unknown(&c)?,
            }
        }
        Ok(m)
    }
}

/// Reads the single `t:Mailbox` inside `el` (as in `t:Organizer`).
pub(crate) fn read_single_mailbox<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Mailbox, XmlError> {
    let mut found = None;
    while let Some(c) = r.next_child(el)? {
        match c.name() {
            "Mailbox" if found.is_none() => found = Some(Mailbox::from_xml(r, &c)?),
            _ => r.unknown(&c)?,
        }
    }
    found.ok_or_else(|| r.missing(el, "Mailbox"))
}

/// Writes `<name><t:Mailbox>…</t:Mailbox></name>`.
pub(crate) fn write_single_mailbox(w: &mut XmlWriter, name: &str, m: &Mailbox) {
    w.start(name, &[]);
    m.to_xml(w, "t:Mailbox");
    w.end(name);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newer_mailbox_types_and_original_name_go_for_2010() {
        for t in MailboxType::ALL {
            let newer = matches!(t, MailboxType::GroupMailbox | MailboxType::ImplicitContact);
            assert_eq!(t.is_supported_by(ExchangeVersion::Exchange2010Sp2), !newer, "{t}");
            assert!(t.is_supported_by(ExchangeVersion::Exchange2013));
        }
        let m = Mailbox {
            name: Some("Team".into()),
            mailbox_type: Some(MailboxType::GroupMailbox),
            original_display_name: Some("Team (old)".into()),
            ..Mailbox::smtp("team@contoso.com")
        };
        let mut same = m.clone();
        same.retain_supported(ExchangeVersion::V2017_07_11);
        assert_eq!(same, m);
        let mut old = m.clone();
        old.retain_supported(ExchangeVersion::Exchange2010Sp2);
        assert_eq!(old, Mailbox { name: Some("Team".into()), ..Mailbox::smtp("team@contoso.com") });

        let mut plain = Mailbox { mailbox_type: Some(MailboxType::Mailbox), ..Mailbox::smtp("a@contoso.com") };
        let before = plain.clone();
        plain.retain_supported(ExchangeVersion::Exchange2010Sp2);
        assert_eq!(plain, before);
    }
}
