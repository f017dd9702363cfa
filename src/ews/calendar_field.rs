//! The fields of a [`CalendarItem`] as UpdateItem addresses them: [`CalendarField`] names a field
//! (its `t:FieldURI` or `t:ExtendedFieldURI` path), carries it from one item to another, and
//! [`changed_fields`] lists what a sync engine must send to turn one version into another.
//!
//! An UpdateItem `t:SetItemField` holds the path and a `t:CalendarItem` with only that field;
//! [`CalendarField::extract`] builds that item, and `None` from it means the field is unset in the
//! new version, which is a `t:DeleteItemField`.
//!
//! ```
//! use exsync::ews::calendar_field::changed_fields;
//! use exsync::ews::{CalendarField, CalendarItem, EwsDateTime, PropertyPath};
//!
//! let mut old = CalendarItem::default();
//! old.item.subject = Some("Weekly Update Meeting".into());
//! old.location = Some("Room 1".into());
//! old.start = EwsDateTime::parse("2014-03-27T19:33:00-07:00");
//! old.item.last_modified_name = Some("Mack".into());
//!
//! let mut new = old.clone();
//! new.item.subject = Some("Weekly Update Meeting: Mandatory".into());
//! new.location = None;
//! new.item.last_modified_name = Some("Sadie".into()); // read-only: never sent
//!
//! let changed = changed_fields(&old, &new);
//! assert_eq!(changed, vec![CalendarField::Subject, CalendarField::Location]);
//! assert_eq!(changed[0].path(), PropertyPath::field("item:Subject"));
//! let set = changed[0].extract(&new).unwrap(); // SetItemField with this item
//! assert_eq!(set.item.subject, new.item.subject);
//! assert_eq!(set.start, None);
//! assert!(changed[1].extract(&new).is_none()); // DeleteItemField
//! ```

use serde::{Deserialize, Serialize};

use super::calendar_item::CalendarItem;
use super::path::{ExtendedFieldUri, FieldUri, PropertyPath};

/// A field holder: whether it carries a value.
trait Slot {
    fn is_set(&self) -> bool;
}

impl<T> Slot for Option<T> {
    fn is_set(&self) -> bool {
        self.is_some()
    }
}

impl<T> Slot for Vec<T> {
    fn is_set(&self) -> bool {
        !self.is_empty()
    }
}

/// Read-only (returned by Exchange, never sent in an update).
const RO: u8 = 0;
/// Settable in UpdateItem (`t:SetItemField`).
const UPD: u8 = 1;
/// Settable and removable (`t:DeleteItemField`).
const DEL: u8 = 3;

macro_rules! calendar_fields {
    ($( $variant:ident = $uri:literal => $($field:ident).+ , $flags:expr ;)+) => {
        /// A field of a calendar item with a field URI: the [`ItemBase`](super::ItemBase) fields,
        /// the `CalendarItemType` fields, and extended properties by their
        /// [`ExtendedFieldUri`].
        ///
        /// Which fields may be updated and removed follows Exchange's own property definitions (the
        /// EWS Managed API's `CanUpdate`/`CanDelete`); [`changed_fields`] only reports those.
        /// `IntendedFreeBusyStatus` has no calendar field URI and is not listed.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum CalendarField {
            $(
                #[doc = concat!("`", $uri, "`")]
                $variant,
            )+
            /// An extended (MAPI) property.
            Extended(ExtendedFieldUri),
        }

        impl CalendarField {
            /// Every field with an unindexed field URI, in schema order (extended properties are
            /// not listed).
            pub const ALL: &'static [CalendarField] = &[$(CalendarField::$variant),+];

            /// The field URI, e.g. `calendar:Start`; `None` for an extended property.
            pub fn uri(&self) -> Option<&'static str> {
                match self {
                    $(CalendarField::$variant => Some($uri),)+
                    CalendarField::Extended(_) => None,
                }
            }

            fn flags(&self) -> u8 {
                match self {
                    $(CalendarField::$variant => $flags,)+
                    CalendarField::Extended(_) => DEL,
                }
            }

            /// Whether `item` holds a value for this field (a list field: a non-empty list).
            pub fn is_set(&self, item: &CalendarItem) -> bool {
                match self {
                    $(CalendarField::$variant => Slot::is_set(&item.$($field).+),)+
                    CalendarField::Extended(f) => item.item.extended_properties.iter().any(|p| &p.field == f),
                }
            }

            /// Sets this field of `to` to its value in `from` (unsetting it when `from` has none),
            /// as a server applies a `SetItemField` or `DeleteItemField`.
            pub fn copy(&self, from: &CalendarItem, to: &mut CalendarItem) {
                match self {
                    $(CalendarField::$variant => to.$($field).+ = from.$($field).+.clone(),)+
                    CalendarField::Extended(f) => {
                        to.item.extended_properties.retain(|p| &p.field != f);
                        to.item
                            .extended_properties
                            .extend(from.item.extended_properties.iter().filter(|p| &p.field == f).cloned());
                    }
                }
            }

            /// Whether this field holds the same value in `a` and `b`.
            pub fn same(&self, a: &CalendarItem, b: &CalendarItem) -> bool {
                match self {
                    $(CalendarField::$variant => a.$($field).+ == b.$($field).+,)+
                    CalendarField::Extended(f) => {
                        let of = |c: &CalendarItem| {
                            c.item.extended_properties.iter().filter(|p| &p.field == f).map(|p| p.value.clone()).collect::<Vec<_>>()
                        };
                        of(a) == of(b)
                    }
                }
            }
        }
    };
}

calendar_fields! {
    ItemClass = "item:ItemClass" => item.item_class, UPD;
    Subject = "item:Subject" => item.subject, DEL;
    Sensitivity = "item:Sensitivity" => item.sensitivity, UPD;
    Body = "item:Body" => item.body, DEL;
    Categories = "item:Categories" => item.categories, DEL;
    Importance = "item:Importance" => item.importance, UPD;
    ReminderDueBy = "item:ReminderDueBy" => item.reminder_due_by, UPD;
    ReminderIsSet = "item:ReminderIsSet" => item.reminder_is_set, UPD;
    ReminderMinutesBeforeStart = "item:ReminderMinutesBeforeStart" => item.reminder_minutes_before_start, UPD;
    Culture = "item:Culture" => item.culture, UPD;
    ItemId = "item:ItemId" => item.item_id, RO;
    ParentFolderId = "item:ParentFolderId" => item.parent_folder_id, RO;
    DateTimeReceived = "item:DateTimeReceived" => item.date_time_received, RO;
    Size = "item:Size" => item.size, RO;
    DateTimeCreated = "item:DateTimeCreated" => item.date_time_created, RO;
    HasAttachments = "item:HasAttachments" => item.has_attachments, RO;
    LastModifiedName = "item:LastModifiedName" => item.last_modified_name, RO;
    LastModifiedTime = "item:LastModifiedTime" => item.last_modified_time, RO;
    Uid = "calendar:UID" => uid, RO;
    RecurrenceId = "calendar:RecurrenceId" => recurrence_id, RO;
    DateTimeStamp = "calendar:DateTimeStamp" => date_time_stamp, RO;
    Start = "calendar:Start" => start, UPD;
    End = "calendar:End" => end, UPD;
    OriginalStart = "calendar:OriginalStart" => original_start, RO;
    IsAllDayEvent = "calendar:IsAllDayEvent" => is_all_day_event, UPD;
    LegacyFreeBusyStatus = "calendar:LegacyFreeBusyStatus" => legacy_free_busy_status, UPD;
    Location = "calendar:Location" => location, DEL;
    When = "calendar:When" => when, DEL;
    IsMeeting = "calendar:IsMeeting" => is_meeting, RO;
    IsCancelled = "calendar:IsCancelled" => is_cancelled, RO;
    IsRecurring = "calendar:IsRecurring" => is_recurring, RO;
    MeetingRequestWasSent = "calendar:MeetingRequestWasSent" => meeting_request_was_sent, RO;
    IsResponseRequested = "calendar:IsResponseRequested" => is_response_requested, UPD;
    CalendarItemType = "calendar:CalendarItemType" => calendar_item_type, RO;
    MyResponseType = "calendar:MyResponseType" => my_response_type, UPD;
    Organizer = "calendar:Organizer" => organizer, RO;
    RequiredAttendees = "calendar:RequiredAttendees" => required_attendees, DEL;
    OptionalAttendees = "calendar:OptionalAttendees" => optional_attendees, DEL;
    Resources = "calendar:Resources" => resources, DEL;
    ConflictingMeetingCount = "calendar:ConflictingMeetingCount" => conflicting_meeting_count, RO;
    AdjacentMeetingCount = "calendar:AdjacentMeetingCount" => adjacent_meeting_count, RO;
    ConflictingMeetings = "calendar:ConflictingMeetings" => conflicting_meetings, RO;
    AdjacentMeetings = "calendar:AdjacentMeetings" => adjacent_meetings, RO;
    Duration = "calendar:Duration" => duration, RO;
    TimeZone = "calendar:TimeZone" => time_zone, RO;
    AppointmentReplyTime = "calendar:AppointmentReplyTime" => appointment_reply_time, RO;
    AppointmentSequenceNumber = "calendar:AppointmentSequenceNumber" => appointment_sequence_number, RO;
    AppointmentState = "calendar:AppointmentState" => appointment_state, RO;
    Recurrence = "calendar:Recurrence" => recurrence, DEL;
    FirstOccurrence = "calendar:FirstOccurrence" => first_occurrence, RO;
    LastOccurrence = "calendar:LastOccurrence" => last_occurrence, RO;
    ModifiedOccurrences = "calendar:ModifiedOccurrences" => modified_occurrences, RO;
    DeletedOccurrences = "calendar:DeletedOccurrences" => deleted_occurrences, RO;
    MeetingTimeZone = "calendar:MeetingTimeZone" => meeting_time_zone, UPD;
    StartTimeZone = "calendar:StartTimeZone" => start_time_zone, UPD;
    EndTimeZone = "calendar:EndTimeZone" => end_time_zone, UPD;
    ConferenceType = "calendar:ConferenceType" => conference_type, UPD;
    AllowNewTimeProposal = "calendar:AllowNewTimeProposal" => allow_new_time_proposal, UPD;
    IsOnlineMeeting = "calendar:IsOnlineMeeting" => is_online_meeting, UPD;
    MeetingWorkspaceUrl = "calendar:MeetingWorkspaceUrl" => meeting_workspace_url, DEL;
    NetShowUrl = "calendar:NetShowUrl" => net_show_url, DEL;
    StartWallClock = "calendar:StartWallClock" => start_wall_clock, RO;
    EndWallClock = "calendar:EndWallClock" => end_wall_clock, RO;
    StartTimeZoneId = "calendar:StartTimeZoneId" => start_time_zone_id, RO;
    EndTimeZoneId = "calendar:EndTimeZoneId" => end_time_zone_id, RO;
    JoinOnlineMeetingUrl = "calendar:JoinOnlineMeetingUrl" => join_online_meeting_url, RO;
    IsOrganizer = "calendar:IsOrganizer" => is_organizer, RO;
    DoNotForwardMeeting = "calendar:DoNotForwardMeeting" => do_not_forward_meeting, RO;
}

impl CalendarField {
    /// The property path (`t:FieldURI` or `t:ExtendedFieldURI`).
    pub fn path(&self) -> PropertyPath {
        match self {
            CalendarField::Extended(e) => PropertyPath::Extended(e.clone()),
            other => PropertyPath::Field(FieldUri::new(other.uri().unwrap_or_default())),
        }
    }

    /// The field a path names, if it is one of a calendar item's.
    pub fn from_path(path: &PropertyPath) -> Option<CalendarField> {
        match path {
            PropertyPath::Field(f) => CalendarField::ALL.iter().find(|c| c.uri() == Some(f.as_str())).cloned(),
            PropertyPath::Extended(e) => Some(CalendarField::Extended(e.clone())),
            PropertyPath::Indexed { .. } => None,
        }
    }

    /// Whether UpdateItem may set this field (`t:SetItemField`).
    pub fn is_updatable(&self) -> bool {
        self.flags() & UPD != 0
    }

    /// Whether UpdateItem may remove this field (`t:DeleteItemField`).
    pub fn is_deletable(&self) -> bool {
        self.flags() & DEL == DEL
    }

    /// The item a `t:SetItemField` for this field carries: a calendar item holding only this
    /// field's value from `item`. `None` when `item` has no value for it (send a
    /// `t:DeleteItemField` instead).
    pub fn extract(&self, item: &CalendarItem) -> Option<CalendarItem> {
        if !self.is_set(item) {
            return None;
        }
        let mut only = CalendarItem::default();
        self.copy(item, &mut only);
        Some(only)
    }
}

/// The fields an UpdateItem must touch to turn `old` into `new`, in schema order (extended
/// properties last, in the order they first appear).
///
/// Only updatable fields are considered: read-only ones (ids, timestamps, organizer, occurrences…)
/// are never reported. A field set in `new` is reported when its value differs from `old`'s. A field
/// unset in `new` but set in `old` is reported only if Exchange lets it be removed
/// ([`CalendarField::is_deletable`]); otherwise `None` means "not known here" and the server's value
/// stays. For each reported field, [`CalendarField::extract`] on `new` gives the `SetItemField`
/// item, or `None` for a `DeleteItemField`.
pub fn changed_fields(old: &CalendarItem, new: &CalendarItem) -> Vec<CalendarField> {
    let mut out = Vec::new();
    let extended = old
        .item
        .extended_properties
        .iter()
        .chain(&new.item.extended_properties)
        .map(|p| CalendarField::Extended(p.field.clone()));
    let mut seen_extended: Vec<CalendarField> = Vec::new();
    for f in CalendarField::ALL.iter().cloned().chain(extended) {
        if matches!(f, CalendarField::Extended(_)) {
            if seen_extended.contains(&f) {
                continue;
            }
            seen_extended.push(f.clone());
        }
        if !f.is_updatable() || f.same(old, new) {
            continue;
        }
        if f.is_set(new) || (f.is_deletable() && f.is_set(old)) {
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_uri_is_in_the_schema_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for f in CalendarField::ALL {
            let PropertyPath::Field(uri) = f.path() else { panic!("{f:?} has no field URI") };
            assert!(uri.is_known(), "{uri:?} is not in the schema");
            assert!(seen.insert(uri.clone()), "{uri:?} twice");
            assert_eq!(CalendarField::from_path(&f.path()).as_ref(), Some(f));
        }
        assert_eq!(CalendarField::from_path(&PropertyPath::field("contacts:GivenName")), None);
    }

    #[test]
    fn deletable_fields_are_updatable() {
        for f in CalendarField::ALL {
            assert!(!f.is_deletable() || f.is_updatable(), "{f:?}");
        }
    }

    #[test]
    fn unset_fields_that_cannot_be_removed_stay() {
        let old = CalendarItem {
            start: crate::ews::EwsDateTime::parse("2014-01-01T10:00:00Z"),
            is_response_requested: Some(true),
            ..CalendarItem::default()
        };
        assert!(changed_fields(&old, &CalendarItem::default()).is_empty());
        assert_eq!(
            changed_fields(&CalendarItem::default(), &old),
            vec![CalendarField::Start, CalendarField::IsResponseRequested]
        );
    }
}
