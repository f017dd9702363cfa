//! Meeting attendees (`AttendeeType`) and their responses (`ResponseTypeType`).

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter, xml_enum};

use super::datetime::EwsDateTime;
use super::envelope::ExchangeVersion;
use super::mailbox::Mailbox;

xml_enum! {
    /// How an attendee (or the mailbox owner, as `MyResponseType`) answered a meeting
    /// (`ResponseTypeType`).
    pub enum ResponseType {
        Unknown = "Unknown",
        /// The mailbox owner organizes the meeting.
        Organizer = "Organizer",
        Tentative = "Tentative",
        Accept = "Accept",
        Decline = "Decline",
        NoResponseReceived = "NoResponseReceived",
    }
}

/// `t:Attendee`: a required or optional attendee, or a resource (room, equipment).
///
/// `proposed_start` and `proposed_end` (a new time the attendee proposed) are newer than the
/// Exchange 2010 SP2 schema: [`Attendee::retain_supported`] drops them for such servers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Attendee {
    /// Who.
    pub mailbox: Mailbox,
    /// Their answer (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_type: Option<ResponseType>,
    /// When they answered (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_response_time: Option<EwsDateTime>,
    /// The start they proposed instead (Exchange 2013+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_start: Option<EwsDateTime>,
    /// The end they proposed instead (Exchange 2013+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_end: Option<EwsDateTime>,
}

impl Attendee {
    /// An attendee known by mailbox, without response.
    pub fn new(mailbox: Mailbox) -> Self {
        Attendee { mailbox, ..Attendee::default() }
    }

    /// An attendee known by SMTP address.
    pub fn smtp(address: impl Into<String>) -> Self {
        Attendee::new(Mailbox::smtp(address))
    }

    /// Drops what a request written for `version` cannot carry. Up to Exchange 2010 SP2: the
    /// proposed start and end, and the newer parts of the mailbox (see
    /// [`Mailbox::retain_supported`]).
    pub fn retain_supported(&mut self, version: ExchangeVersion) {
        if !version.is_exchange2010_sp2_or_older() {
            return;
        }
        self.mailbox.retain_supported(version);
        self.proposed_start = None;
        self.proposed_end = None;
    }
}

impl ToXml for Attendee {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        self.mailbox.to_xml(w, "t:Mailbox");
        w.opt_value("t:ResponseType", &self.response_type);
        w.opt_value("t:LastResponseTime", &self.last_response_time);
        w.opt_value("t:ProposedStart", &self.proposed_start);
        w.opt_value("t:ProposedEnd", &self.proposed_end);
        w.end(name);
    }
}

impl FromXml for Attendee {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut mailbox = None;
        let mut a = Attendee::default();
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "Mailbox" if mailbox.is_none() => mailbox = Some(Mailbox::from_xml(r, &c)?),
                "ResponseType" => a.response_type = Some(r.value(&c)?),
                "LastResponseTime" => a.last_response_time = Some(r.value(&c)?),
                "ProposedStart" => a.proposed_start = Some(r.value(&c)?),
                "ProposedEnd" => a.proposed_end = Some(r.value(&c)?),
                _ => r.unknown(&c)?,
            }
        }
        a.mailbox = mailbox.ok_or_else(|| r.missing(el, "Mailbox"))?;
        Ok(a)
    }
}

/// Writes `<name>` with `t:Attendee` children (`NonEmptyArrayOfAttendeesType`); nothing when the
/// list is empty, since the schema has no empty form.
pub(crate) fn write_attendees(w: &mut XmlWriter, name: &str, attendees: &[Attendee]) {
    if !attendees.is_empty() {
        w.list(name, "t:Attendee", attendees);
    }
}
