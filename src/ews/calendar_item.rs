//! `t:CalendarItem` (`CalendarItemType`): appointments, meetings, recurring masters, occurrences
//! and exceptions.
//!
//! Fields are written in the schema's order after the [`ItemBase`] fields. Most are optional; lists
//! (attendees, occurrences, conflicting meetings) are empty when absent, since the schema has no
//! empty form of them.
//!
//! ```
//! use exsync::ews::{Attendee, CalendarItem, EwsDateTime, LegacyFreeBusy};
//! use exsync::xml::{ToXml, XmlReader, XmlWriter};
//!
//! let mut event = CalendarItem::default();
//! event.item.subject = Some("Planning Meeting".into());
//! event.start = EwsDateTime::parse("2006-11-02T14:00:00Z");
//! event.end = EwsDateTime::parse("2006-11-02T15:00:00Z");
//! event.legacy_free_busy_status = Some(LegacyFreeBusy::Busy);
//! event.required_attendees = vec![Attendee::smtp("user1@example.com")];
//!
//! let mut w = XmlWriter::new();
//! event.to_xml(&mut w, "t:CalendarItem");
//! let xml = w.into_string();
//! assert!(xml.starts_with("<t:CalendarItem><t:Subject>Planning Meeting</t:Subject><t:Start>"));
//! assert_eq!(XmlReader::document::<CalendarItem>(&xml, "CalendarItem").unwrap(), event);
//! ```
//!
//! ## Schema versions
//! Every field up to `net_show_url` exists in the Exchange 2010 SP2 schema. The fields after it
//! (`start_wall_clock` … `do_not_forward_meeting`) were added in later versions (Exchange 2013 and
//! newer), and so were the enum values [`LegacyFreeBusy::WorkingElsewhere`],
//! [`MailboxType::GroupMailbox`](super::MailboxType) and `ImplicitContact`, and [`Attendee`]'s
//! proposed start and end. [`CalendarItem::retain_supported`] drops them all before a request to
//! an Exchange 2010 SP2 server.
//!
//! Four newer complex elements are not modelled: `InboxReminders`, `EnhancedLocation`,
//! `OnlineMeetingSettings` and `CalendarActivityData`. A lenient reader skips them; a strict one
//! refuses them, as it does any element it does not know.

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlErrorKind, XmlReader, XmlWriter, xml_enum};

use super::attendee::{Attendee, ResponseType, write_attendees};
use super::datetime::EwsDateTime;
use super::envelope::ExchangeVersion;
use super::item::{Item, ItemBase, read_items, write_items};
use super::mailbox::{Mailbox, read_single_mailbox, write_single_mailbox};
use super::occurrence::{DeletedOccurrence, OccurrenceInfo};
use super::recurrence::Recurrence;
use super::timezone::{MeetingTimeZone, TimeZoneDefinition};

xml_enum! {
    /// How the time of an event shows to others (`LegacyFreeBusyType`).
    pub enum LegacyFreeBusy {
        Free = "Free",
        Tentative = "Tentative",
        Busy = "Busy",
        /// Out of office.
        Oof = "OOF",
        /// Working elsewhere (newer than Exchange 2010 SP2).
        WorkingElsewhere = "WorkingElsewhere",
        NoData = "NoData",
    }
}

impl LegacyFreeBusy {
    /// Whether a request written for `version` may carry this value: `WorkingElsewhere` is refused
    /// up to Exchange 2010 SP2.
    pub fn is_supported_by(&self, version: ExchangeVersion) -> bool {
        *self != LegacyFreeBusy::WorkingElsewhere || !version.is_exchange2010_sp2_or_older()
    }
}

xml_enum! {
    /// What a calendar item is within a series, if any (`CalendarItemTypeType`).
    pub enum CalendarItemType {
        /// A one-off appointment or meeting.
        Single = "Single",
        /// An unmodified occurrence of a series.
        Occurrence = "Occurrence",
        /// A modified occurrence of a series.
        Exception = "Exception",
        /// The series itself, holding the recurrence.
        RecurringMaster = "RecurringMaster",
    }
}

/// A calendar item (`CalendarItemType`). Reminder, sensitivity, categories, body and subject are
/// in [`ItemBase`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalendarItem {
    /// The `ItemType` fields.
    pub item: ItemBase,
    /// iCalendar UID, shared by all copies of a meeting (settable on create only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// iCalendar RECURRENCE-ID of an occurrence or exception (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence_id: Option<EwsDateTime>,
    /// iCalendar DTSTAMP (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_time_stamp: Option<EwsDateTime>,
    /// Start (of the first occurrence, for a recurring master).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<EwsDateTime>,
    /// End.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<EwsDateTime>,
    /// Original start of an occurrence or exception (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_start: Option<EwsDateTime>,
    /// Whether the event lasts whole days (start and end then fall on midnight).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_all_day_event: Option<bool>,
    /// How the time shows to others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legacy_free_busy_status: Option<LegacyFreeBusy>,
    /// Location.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Free-text description of when (meeting requests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Whether the item has attendees (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_meeting: Option<bool>,
    /// Whether the meeting was cancelled (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_cancelled: Option<bool>,
    /// Whether the item is part of a series (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_recurring: Option<bool>,
    /// Whether the meeting request went out (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_request_was_sent: Option<bool>,
    /// Whether attendees are asked to respond.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_response_requested: Option<bool>,
    /// Single, occurrence, exception or recurring master (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar_item_type: Option<CalendarItemType>,
    /// The mailbox owner's own response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub my_response_type: Option<ResponseType>,
    /// The organizer (read-only; the mailbox that creates a meeting organizes it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organizer: Option<Mailbox>,
    /// Required attendees.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub required_attendees: Vec<Attendee>,
    /// Optional attendees.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub optional_attendees: Vec<Attendee>,
    /// Resources (rooms, equipment).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<Attendee>,
    /// How many meetings overlap this one (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflicting_meeting_count: Option<i32>,
    /// How many meetings touch this one (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adjacent_meeting_count: Option<i32>,
    /// The overlapping meetings (read-only; GetItem on a single item only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicting_meetings: Vec<Item>,
    /// The adjacent meetings (read-only; GetItem on a single item only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub adjacent_meetings: Vec<Item>,
    /// Length as an `xs:duration` text, e.g. `PT30M` (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Display name of the item's time zone (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// When the owner last replied (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_reply_time: Option<EwsDateTime>,
    /// Sequence number of the meeting's versions (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_sequence_number: Option<i32>,
    /// Bit mask: 1 meeting, 2 received, 4 cancelled (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_state: Option<i32>,
    /// The recurrence of a recurring master (calendar patterns only, see
    /// [`RecurrencePattern::is_valid_for_calendar`](super::RecurrencePattern::is_valid_for_calendar)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<Recurrence>,
    /// The series' first occurrence (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_occurrence: Option<OccurrenceInfo>,
    /// The series' last occurrence, if it ends (read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_occurrence: Option<OccurrenceInfo>,
    /// Occurrences changed from the pattern: exceptions (read-only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub modified_occurrences: Vec<OccurrenceInfo>,
    /// Occurrences removed from the series (read-only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub deleted_occurrences: Vec<DeletedOccurrence>,
    /// The Exchange 2007 time zone of the item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_time_zone: Option<MeetingTimeZone>,
    /// The time zone of the start (Exchange 2010+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time_zone: Option<TimeZoneDefinition>,
    /// The time zone of the end (Exchange 2010+).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time_zone: Option<TimeZoneDefinition>,
    /// 0 NetMeeting, 1 NetShow, 2 Chat.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conference_type: Option<i32>,
    /// Whether attendees may propose another time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_new_time_proposal: Option<bool>,
    /// Whether the meeting is online.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_online_meeting: Option<bool>,
    /// URL of the meeting workspace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_workspace_url: Option<String>,
    /// URL of a NetShow online meeting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub net_show_url: Option<String>,
    /// Start in the start time zone's wall-clock time (newer than 2010 SP2; read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_wall_clock: Option<EwsDateTime>,
    /// End in the end time zone's wall-clock time (newer than 2010 SP2; read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_wall_clock: Option<EwsDateTime>,
    /// Windows id of the start time zone (newer than 2010 SP2; read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time_zone_id: Option<String>,
    /// Windows id of the end time zone (newer than 2010 SP2; read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time_zone_id: Option<String>,
    /// Free/busy status the organizer intended (newer than 2010 SP2; read-only, no field URI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intended_free_busy_status: Option<LegacyFreeBusy>,
    /// URL to join the online meeting (newer than 2010 SP2; read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_online_meeting_url: Option<String>,
    /// Whether the mailbox owner organizes the meeting (newer than 2010 SP2; read-only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_organizer: Option<bool>,
    /// Whether attendees are asked not to forward the meeting (newer than 2010 SP2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub do_not_forward_meeting: Option<bool>,
}

impl CalendarItem {
    /// Drops what a request written for `version` cannot carry. Up to Exchange 2010 SP2: the
    /// calendar fields newer than that schema (`start_wall_clock` … `do_not_forward_meeting`), the
    /// free/busy status [`LegacyFreeBusy::WorkingElsewhere`] (the status is left out, so the server
    /// applies its default), attendees' proposed start and end, the newer parts of every mailbox
    /// (see [`Mailbox::retain_supported`]), the newer parts of the item fields (see
    /// [`ItemBase::retain_supported`]) and of the conflicting and adjacent meetings (see
    /// [`Item::retain_supported`]).
    pub fn retain_supported(&mut self, version: ExchangeVersion) {
        if !version.is_exchange2010_sp2_or_older() {
            return;
        }
        self.item.retain_supported(version);
        self.legacy_free_busy_status = self.legacy_free_busy_status.filter(|f| f.is_supported_by(version));
        if let Some(o) = &mut self.organizer {
            o.retain_supported(version);
        }
        for a in self.required_attendees.iter_mut().chain(&mut self.optional_attendees).chain(&mut self.resources) {
            a.retain_supported(version);
        }
        for i in self.conflicting_meetings.iter_mut().chain(&mut self.adjacent_meetings) {
            i.retain_supported(version);
        }
        self.start_wall_clock = None;
        self.end_wall_clock = None;
        self.start_time_zone_id = None;
        self.end_time_zone_id = None;
        self.intended_free_busy_status = None;
        self.join_online_meeting_url = None;
        self.is_organizer = None;
        self.do_not_forward_meeting = None;
    }

    /// Whether anything newer than the Exchange 2010 SP2 schema is set: whether
    /// [`CalendarItem::retain_supported`] would drop anything for that version.
    pub fn needs_newer_than_exchange2010(&self) -> bool {
        let mut older = self.clone();
        older.retain_supported(ExchangeVersion::Exchange2010Sp2);
        older != *self
    }

    /// Writes the `CalendarItemType` children after the item fields, in schema order.
    pub fn write_children(&self, w: &mut XmlWriter) {
        self.item.write_children(w);
        w.opt_value("t:UID", &self.uid);
        w.opt_value("t:RecurrenceId", &self.recurrence_id);
        w.opt_value("t:DateTimeStamp", &self.date_time_stamp);
        w.opt_value("t:Start", &self.start);
        w.opt_value("t:End", &self.end);
        w.opt_value("t:OriginalStart", &self.original_start);
        w.opt_value("t:IsAllDayEvent", &self.is_all_day_event);
        w.opt_value("t:LegacyFreeBusyStatus", &self.legacy_free_busy_status);
        w.opt_value("t:Location", &self.location);
        w.opt_value("t:When", &self.when);
        w.opt_value("t:IsMeeting", &self.is_meeting);
        w.opt_value("t:IsCancelled", &self.is_cancelled);
        w.opt_value("t:IsRecurring", &self.is_recurring);
        w.opt_value("t:MeetingRequestWasSent", &self.meeting_request_was_sent);
        w.opt_value("t:IsResponseRequested", &self.is_response_requested);
        w.opt_value("t:CalendarItemType", &self.calendar_item_type);
        w.opt_value("t:MyResponseType", &self.my_response_type);
        if let Some(o) = &self.organizer {
            write_single_mailbox(w, "t:Organizer", o);
        }
        write_attendees(w, "t:RequiredAttendees", &self.required_attendees);
        write_attendees(w, "t:OptionalAttendees", &self.optional_attendees);
        write_attendees(w, "t:Resources", &self.resources);
        w.opt_value("t:ConflictingMeetingCount", &self.conflicting_meeting_count);
        w.opt_value("t:AdjacentMeetingCount", &self.adjacent_meeting_count);
        if !self.conflicting_meetings.is_empty() {
            write_items(w, "t:ConflictingMeetings", &self.conflicting_meetings);
        }
        if !self.adjacent_meetings.is_empty() {
            write_items(w, "t:AdjacentMeetings", &self.adjacent_meetings);
        }
        w.opt_value("t:Duration", &self.duration);
        w.opt_value("t:TimeZone", &self.time_zone);
        w.opt_value("t:AppointmentReplyTime", &self.appointment_reply_time);
        w.opt_value("t:AppointmentSequenceNumber", &self.appointment_sequence_number);
        w.opt_value("t:AppointmentState", &self.appointment_state);
        w.opt("t:Recurrence", &self.recurrence);
        w.opt("t:FirstOccurrence", &self.first_occurrence);
        w.opt("t:LastOccurrence", &self.last_occurrence);
        // `NonEmptyArrayOf…` types: left out when empty.
        if !self.modified_occurrences.is_empty() {
            w.list("t:ModifiedOccurrences", "t:Occurrence", &self.modified_occurrences);
        }
        if !self.deleted_occurrences.is_empty() {
            w.list("t:DeletedOccurrences", "t:DeletedOccurrence", &self.deleted_occurrences);
        }
        w.opt("t:MeetingTimeZone", &self.meeting_time_zone);
        w.opt("t:StartTimeZone", &self.start_time_zone);
        w.opt("t:EndTimeZone", &self.end_time_zone);
        w.opt_value("t:ConferenceType", &self.conference_type);
        w.opt_value("t:AllowNewTimeProposal", &self.allow_new_time_proposal);
        w.opt_value("t:IsOnlineMeeting", &self.is_online_meeting);
        w.opt_value("t:MeetingWorkspaceUrl", &self.meeting_workspace_url);
        w.opt_value("t:NetShowUrl", &self.net_show_url);
        w.opt_value("t:StartWallClock", &self.start_wall_clock);
        w.opt_value("t:EndWallClock", &self.end_wall_clock);
        w.opt_value("t:StartTimeZoneId", &self.start_time_zone_id);
        w.opt_value("t:EndTimeZoneId", &self.end_time_zone_id);
        w.opt_value("t:IntendedFreeBusyStatus", &self.intended_free_busy_status);
        w.opt_value("t:JoinOnlineMeetingUrl", &self.join_online_meeting_url);
        w.opt_value("t:IsOrganizer", &self.is_organizer);
        w.opt_value("t:DoNotForwardMeeting", &self.do_not_forward_meeting);
    }

    /// Reads `c` if it is a `CalendarItemType` or `ItemType` field; `false` for other elements.
    pub fn read_child<'a>(&mut self, r: &mut XmlReader<'a>, c: &Element<'a>) -> Result<bool, XmlError> {
        match c.name() {
            "UID" => self.uid = Some(r.value(c)?),
            "RecurrenceId" => self.recurrence_id = Some(r.value(c)?),
            "DateTimeStamp" => self.date_time_stamp = Some(r.value(c)?),
            "Start" => self.start = Some(r.value(c)?),
            "End" => self.end = Some(r.value(c)?),
            "OriginalStart" => self.original_start = Some(r.value(c)?),
            "IsAllDayEvent" => self.is_all_day_event = Some(r.value(c)?),
            "LegacyFreeBusyStatus" => self.legacy_free_busy_status = Some(r.value(c)?),
            "Location" => self.location = Some(r.value(c)?),
            "When" => self.when = Some(r.value(c)?),
            "IsMeeting" => self.is_meeting = Some(r.value(c)?),
            "IsCancelled" => self.is_cancelled = Some(r.value(c)?),
            "IsRecurring" => self.is_recurring = Some(r.value(c)?),
            "MeetingRequestWasSent" => self.meeting_request_was_sent = Some(r.value(c)?),
            "IsResponseRequested" => self.is_response_requested = Some(r.value(c)?),
            "CalendarItemType" => self.calendar_item_type = Some(r.value(c)?),
            "MyResponseType" => self.my_response_type = Some(r.value(c)?),
            "Organizer" => self.organizer = Some(read_single_mailbox(r, c)?),
            "RequiredAttendees" => self.required_attendees = r.list(c, "Attendee")?,
            "OptionalAttendees" => self.optional_attendees = r.list(c, "Attendee")?,
            "Resources" => self.resources = r.list(c, "Attendee")?,
            "ConflictingMeetingCount" => self.conflicting_meeting_count = Some(r.value(c)?),
            "AdjacentMeetingCount" => self.adjacent_meeting_count = Some(r.value(c)?),
            "ConflictingMeetings" => self.conflicting_meetings = read_items(r, c)?,
            "AdjacentMeetings" => self.adjacent_meetings = read_items(r, c)?,
            "Duration" => self.duration = Some(r.value(c)?),
            "TimeZone" => self.time_zone = Some(r.value(c)?),
            "AppointmentReplyTime" => self.appointment_reply_time = Some(r.value(c)?),
            "AppointmentSequenceNumber" => self.appointment_sequence_number = Some(r.value(c)?),
            "AppointmentState" => self.appointment_state = Some(r.value(c)?),
            "Recurrence" => {
                let rec = Recurrence::from_xml(r, c)?;
                if r.is_strict() && !rec.pattern.is_valid_for_calendar() {
                    // A task pattern: TaskRecurrenceType, not RecurrenceType.
                    let what = format!("{} (a task pattern) in a calendar item", rec.pattern.element_name());
                    return Err(r.error_on(c, XmlErrorKind::UnexpectedElement(what)));
                }
                self.recurrence = Some(rec);
            }
            "FirstOccurrence" => self.first_occurrence = Some(OccurrenceInfo::from_xml(r, c)?),
            "LastOccurrence" => self.last_occurrence = Some(OccurrenceInfo::from_xml(r, c)?),
            "ModifiedOccurrences" => self.modified_occurrences = r.list(c, "Occurrence")?,
            "DeletedOccurrences" => self.deleted_occurrences = r.list(c, "DeletedOccurrence")?,
            "MeetingTimeZone" => self.meeting_time_zone = Some(MeetingTimeZone::from_xml(r, c)?),
            "StartTimeZone" => self.start_time_zone = Some(TimeZoneDefinition::from_xml(r, c)?),
            "EndTimeZone" => self.end_time_zone = Some(TimeZoneDefinition::from_xml(r, c)?),
            "ConferenceType" => self.conference_type = Some(r.value(c)?),
            "AllowNewTimeProposal" => self.allow_new_time_proposal = Some(r.value(c)?),
            "IsOnlineMeeting" => self.is_online_meeting = Some(r.value(c)?),
            "MeetingWorkspaceUrl" => self.meeting_workspace_url = Some(r.value(c)?),
            "NetShowUrl" => self.net_show_url = Some(r.value(c)?),
            "StartWallClock" => self.start_wall_clock = Some(r.value(c)?),
            "EndWallClock" => self.end_wall_clock = Some(r.value(c)?),
            "StartTimeZoneId" => self.start_time_zone_id = Some(r.value(c)?),
            "EndTimeZoneId" => self.end_time_zone_id = Some(r.value(c)?),
            "IntendedFreeBusyStatus" => self.intended_free_busy_status = Some(r.value(c)?),
            "JoinOnlineMeetingUrl" => self.join_online_meeting_url = Some(r.value(c)?),
            "IsOrganizer" => self.is_organizer = Some(r.value(c)?),
            "DoNotForwardMeeting" => self.do_not_forward_meeting = Some(r.value(c)?),
            _ => return self.item.read_child(r, c),
        }
        Ok(true)
    }
}

impl From<CalendarItem> for Item {
    fn from(c: CalendarItem) -> Self {
        Item::CalendarItem(Box::new(c))
    }
}

impl ToXml for CalendarItem {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        self.write_children(w);
        w.end(name);
    }
}

impl FromXml for CalendarItem {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut c = CalendarItem::default();
        while let Some(ch) = r.next_child(el)? {
            if !c.read_child(r, &ch)? {
                r.unknown(&ch)?;
            }
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::MailboxType;
    use crate::ews::{DayOfWeek, DaysOfWeek, EwsDate, RecurrencePattern, RecurrenceRange};

    fn parse(xml: &str, strict: bool) -> Result<CalendarItem, XmlError> {
        XmlReader::new(xml)?.strict(strict).read_document("CalendarItem")
    }

    #[test]
    fn fields_follow_schema_order() {
        let c = CalendarItem {
            item: ItemBase { subject: Some("s".into()), ..ItemBase::default() },
            net_show_url: Some("u".into()),
            recurrence: Some(Recurrence {
                pattern: RecurrencePattern::Weekly {
                    interval: 1,
                    days_of_week: DaysOfWeek(vec![DayOfWeek::Saturday]),
                    first_day_of_week: None,
                },
                range: RecurrenceRange::NoEnd { start_date: EwsDate::parse("2014-03-08").unwrap() },
            }),
            start: EwsDateTime::parse("2014-03-08T13:00:00Z"),
            uid: Some("uid".into()),
            required_attendees: vec![Attendee::smtp("a@b.c")],
            ..CalendarItem::default()
        };
        let mut w = XmlWriter::new();
        c.to_xml(&mut w, "t:CalendarItem");
        let xml = w.into_string();
        let order = ["t:Subject", "t:UID", "t:Start", "t:RequiredAttendees", "t:Recurrence", "t:NetShowUrl"];
        let positions: Vec<usize> = order.iter().map(|e| xml.find(&format!("<{e}>")).unwrap()).collect();
        assert!(positions.windows(2).all(|p| p[0] < p[1]), "{xml}");
        assert_eq!(parse(&xml, true).unwrap(), c);
        assert!(!c.needs_newer_than_exchange2010());
    }

    #[test]
    fn retain_supported_makes_an_item_fit_for_2010() {
        let newer_mailbox =
            Mailbox { mailbox_type: Some(MailboxType::ImplicitContact), ..Mailbox::smtp("o@contoso.com") };
        let t = EwsDateTime::parse("2024-05-01T09:00:00Z");
        let nested = CalendarItem {
            legacy_free_busy_status: Some(LegacyFreeBusy::WorkingElsewhere),
            start_wall_clock: t,
            ..CalendarItem::default()
        };
        let c = CalendarItem {
            item: ItemBase {
                subject: Some("s".into()),
                body: Some(crate::ews::Body { is_truncated: Some(false), ..crate::ews::Body::text("b") }),
                ..ItemBase::default()
            },
            start: t,
            legacy_free_busy_status: Some(LegacyFreeBusy::WorkingElsewhere),
            organizer: Some(Mailbox { original_display_name: Some("O".into()), ..Mailbox::smtp("o@contoso.com") }),
            required_attendees: vec![Attendee { proposed_end: t, ..Attendee::new(newer_mailbox.clone()) }],
            optional_attendees: vec![Attendee::new(newer_mailbox.clone())],
            resources: vec![Attendee::new(newer_mailbox)],
            conflicting_meetings: vec![Item::CalendarItem(Box::new(nested.clone()))],
            adjacent_meetings: vec![Item::CalendarItem(Box::new(nested))],
            net_show_url: Some("u".into()),
            start_wall_clock: t,
            end_wall_clock: t,
            start_time_zone_id: Some("UTC".into()),
            end_time_zone_id: Some("UTC".into()),
            intended_free_busy_status: Some(LegacyFreeBusy::Busy),
            join_online_meeting_url: Some("u".into()),
            is_organizer: Some(true),
            do_not_forward_meeting: Some(false),
            ..CalendarItem::default()
        };
        assert!(c.needs_newer_than_exchange2010());
        let mut same = c.clone();
        same.retain_supported(ExchangeVersion::Exchange2013);
        assert_eq!(same, c);

        let mut old = c.clone();
        old.retain_supported(ExchangeVersion::Exchange2010Sp2);
        assert!(!old.needs_newer_than_exchange2010());
        let expected = CalendarItem {
            item: ItemBase {
                subject: Some("s".into()),
                body: Some(crate::ews::Body::text("b")),
                ..ItemBase::default()
            },
            start: t,
            organizer: Some(Mailbox::smtp("o@contoso.com")),
            required_attendees: vec![Attendee::smtp("o@contoso.com")],
            optional_attendees: vec![Attendee::smtp("o@contoso.com")],
            resources: vec![Attendee::smtp("o@contoso.com")],
            conflicting_meetings: vec![Item::CalendarItem(Box::default())],
            adjacent_meetings: vec![Item::CalendarItem(Box::default())],
            net_show_url: Some("u".into()),
            ..CalendarItem::default()
        };
        assert_eq!(old, expected);
        assert!(LegacyFreeBusy::WorkingElsewhere.is_supported_by(ExchangeVersion::Exchange2013));
        assert!(LegacyFreeBusy::Oof.is_supported_by(ExchangeVersion::Exchange2010Sp2));
    }

    #[test]
    fn strict_reader_refuses_task_patterns_and_unknown_elements() {
        let xml = "<CalendarItem><Recurrence><DailyRegeneration><Interval>2</Interval></DailyRegeneration>\
                   <NoEndRecurrence><StartDate>2014-01-01</StartDate></NoEndRecurrence></Recurrence></CalendarItem>";
        let lenient = parse(xml, false).unwrap();
        assert!(lenient.recurrence.unwrap().pattern.is_regenerating());
        let e = parse(xml, true).unwrap_err();
        assert!(matches!(e.kind, XmlErrorKind::UnexpectedElement(_)), "{e}");

        let xml = "<CalendarItem><EnhancedLocation><DisplayName>x</DisplayName></EnhancedLocation></CalendarItem>";
        assert_eq!(parse(xml, false).unwrap(), CalendarItem::default());
        assert!(parse(xml, true).is_err());
    }
}
