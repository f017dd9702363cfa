//! `DeleteItem`: delete items by id.

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlErrorKind, XmlReader, XmlWriter, xml_enum};

use super::schema_order::SequenceOrder;

use crate::ews::base_item_id::{BaseItemId, read_item_ids, write_item_ids};
use crate::ews::operation::Operation;
use crate::ews::response::{ResponseMessage, response_messages_xml};

xml_enum! {
    /// How items are deleted (`DisposalType`).
    pub enum DeleteType {
        HardDelete = "HardDelete",
        SoftDelete = "SoftDelete",
        MoveToDeletedItems = "MoveToDeletedItems",
    }
}

xml_enum! {
    /// Whether deleting a meeting sends cancellations (`CalendarItemCreateOrDeleteOperationType`).
    pub enum SendMeetingCancellations {
        SendToNone = "SendToNone",
        SendOnlyToAll = "SendOnlyToAll",
        SendToAllAndSaveCopy = "SendToAllAndSaveCopy",
    }
}

xml_enum! {
    /// Which occurrences of a recurring task are deleted (`AffectedTaskOccurrencesType`).
    pub enum AffectedTaskOccurrences {
        AllOccurrences = "AllOccurrences",
        SpecifiedOccurrenceOnly = "SpecifiedOccurrenceOnly",
    }
}

/// The `DeleteItem` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteItem {
    /// The items (at least one).
    pub item_ids: Vec<BaseItemId>,
    /// How to delete.
    pub delete_type: DeleteType,
    /// Cancellations for meetings (required by Exchange when deleting calendar items).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_meeting_cancellations: Option<SendMeetingCancellations>,
    /// Occurrences of tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affected_task_occurrences: Option<AffectedTaskOccurrences>,
}

impl DeleteItem {
    /// Deletes `item_ids` the way `delete_type` says.
    pub fn new<I: Into<BaseItemId>>(item_ids: Vec<I>, delete_type: DeleteType) -> Self {
        let item_ids = item_ids.into_iter().map(Into::into).collect();
        DeleteItem { item_ids, delete_type, send_meeting_cancellations: None, affected_task_occurrences: None }
    }
}

impl ToXml for DeleteItem {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(
            name,
            &[
                ("DeleteType", Some(self.delete_type.as_str())),
                ("SendMeetingCancellations", self.send_meeting_cancellations.map(|s| s.as_str())),
                ("AffectedTaskOccurrences", self.affected_task_occurrences.map(|s| s.as_str())),
            ],
        );
        write_item_ids(w, "m:ItemIds", &self.item_ids);
        w.end(name);
    }
}

impl FromXml for DeleteItem {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let delete_type = r
            .attr_value(el, "DeleteType")?
            .ok_or_else(|| r.error_on(el, XmlErrorKind::MissingAttribute("DeleteType")))?;
        let mut req = DeleteItem {
            item_ids: Vec::new(),
            delete_type,
            send_meeting_cancellations: r.attr_value(el, "SendMeetingCancellations")?,
            affected_task_occurrences: r.attr_value(el, "AffectedTaskOccurrences")?,
        };
        let mut order = SequenceOrder::default();
        let mut seen = false;
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "ItemIds" => {
                    // The only element of the sequence: a second one is refused.
                    order.check(r, &c, 0)?;
                    seen = true;
                    req.item_ids = read_item_ids(r, &c)?;
                }
                _ => r.unknown(&c)?,
            }
        }
        if !seen || (r.is_strict() && req.item_ids.is_empty()) {
            return Err(r.missing(el, "ItemIds"));
        }
        Ok(req)
    }
}

/// The `DeleteItem` response: one message per id, in request order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeleteItemResponse {
    /// Per-item results.
    pub messages: Vec<ResponseMessage<()>>,
}

response_messages_xml!(DeleteItemResponse, "DeleteItemResponseMessage");

impl Operation for DeleteItem {
    const NAME: &'static str = "DeleteItem";
    type Response = DeleteItemResponse;
}
