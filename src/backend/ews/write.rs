//! Writing items: `CreateItem`, `UpdateItem` and `DeleteItem`, up to [`MAX_BATCH`] items a call,
//! saving only (no meeting invitations, updates or cancellations are sent).
//!
//! - A create goes to the scope's folder (`SavedItemFolderId`) with the exsync tag.
//! - An update sends only the fields that changed: against the content last synced when the
//!   engine knows it and the change key it was seen at, else against the item read anew. It names
//!   the change key (`ConflictResolution="NeverOverwrite"`), so an item changed meanwhile fails
//!   with [`BackendError::StaleChangeKey`] instead of being overwritten, and it (re)writes the tag.
//! - A delete moves the item to Deleted Items, as Outlook's Delete key does.
//!
//! - The exceptions of a series a create or update brings (cancelled or moved occurrences) are
//!   written after the master's own create or update, through [`occurrences`]; the change key
//!   reported is the master's after them. Bringing a cancelled occurrence back (or undoing a move
//!   by dropping it) is [`BackendError::Unsupported`]: Exchange cannot restore an occurrence.
//!
//! A record Exchange would refuse is refused before sending ([`BackendError::Rejected`]). A call
//! whose answer was lost fails for each of its items with [`BackendError::Ambiguous`].

use crate::backend::ews_mapping::{
    MappingError, OccurrenceEdit, app_id_field, contact_item_updates, contact_record_updates, event_from_ews,
    event_item_updates, event_record_updates, occurrence_edits, set_app_id,
};
use crate::backend::{BackendError, FolderScope, ItemChange, ItemResult, MAX_BATCH, NewItem, RemoteId};
use crate::ews::{
    self, BaseFolderId, CalendarItem, ConflictResolution, CreateItem, DeleteItem, DeleteType, Item, ItemId, ItemUpdate,
    PropertyPath, SendMeetingCancellations, UpdateItem,
};
use crate::sync::{AppId, ObjectKind, Record, UserId};
use crate::transport::EwsClient;

use super::items;
use super::occurrences::{self, SeriesEdits};
use super::read::get_items;
use super::status::{self, CallKind, Failing};

/// Checks that `record` belongs in the folder and that Exchange would take it.
fn check(f: Failing<'_>, record: &Record) -> Result<(), BackendError> {
    if record.kind() != f.kind {
        return Err(BackendError::Rejected {
            user: f.user.clone(),
            operation: f.operation,
            reason: format!("a {} record cannot be written to the {} folder", record.kind(), f.kind),
            code: None,
        });
    }
    record.validate().map_err(|e| BackendError::Rejected {
        user: f.user.clone(),
        operation: f.operation,
        reason: e.to_string(),
        code: None,
    })
}

fn unsupported(e: MappingError) -> BackendError {
    BackendError::Unsupported { what: e.to_string() }
}

/// Fills `out` at `slots` with one result per message of a batch answer, or with the call's error.
fn settle<C>(
    f: Failing<'_>,
    out: &mut [Option<ItemResult<C>>],
    slots: &[usize],
    answer: Result<Vec<ItemResult<C>>, BackendError>,
) {
    let results: Vec<ItemResult<C>> = match answer {
        Ok(r) if r.len() == slots.len() => r,
        Ok(r) => {
            let e = status::malformed(f, &format!("{} answers for {} items", r.len(), slots.len()));
            slots.iter().map(|_| Err(e.clone())).collect()
        }
        Err(e) => slots.iter().map(|_| Err(e.clone())).collect(),
    };
    for (slot, r) in slots.iter().zip(results) {
        out[*slot] = Some(r);
    }
}

/// The id an item answer carries.
fn answered_id(f: Failing<'_>, items: &[Item]) -> ItemResult<RemoteId> {
    items.first().and_then(items::remote_id).ok_or_else(|| status::malformed(f, "an answer without the item's id"))
}

/// The `CreateItem` of `items` in `folder`: saved only, no meeting invitations sent.
pub fn create_request(folder: &BaseFolderId, items: Vec<Item>) -> CreateItem {
    CreateItem::save_only(folder.clone(), items)
}

/// The `UpdateItem` of `changes`: saved only, no meeting updates or cancellations sent.
pub fn update_request(resolution: ConflictResolution, changes: Vec<ews::ItemChange>) -> UpdateItem {
    UpdateItem::save_only(resolution, changes)
}

/// The `DeleteItem` of `ids` (without change keys) to Deleted Items; for events, no meeting
/// cancellations sent.
pub fn delete_request(kind: ObjectKind, ids: &[RemoteId]) -> DeleteItem {
    let ids = ids.iter().map(|r| ItemId::new(r.id.clone())).collect();
    let mut op = DeleteItem::new(ids, DeleteType::MoveToDeletedItems);
    if kind == ObjectKind::Events {
        op.send_meeting_cancellations = Some(SendMeetingCancellations::SendToNone);
    }
    op
}

/// [`MailboxBackend::create`](crate::backend::MailboxBackend::create) in `folder`.
pub async fn create(
    client: &EwsClient,
    user: &UserId,
    scope: &FolderScope,
    folder: &BaseFolderId,
    new: &[NewItem],
) -> Result<Vec<ItemResult<RemoteId>>, BackendError> {
    let f = Failing { user, operation: "create", kind: scope.kind, call: CallKind::Write };
    let mut out: Vec<Option<ItemResult<RemoteId>>> = (0..new.len()).map(|_| None).collect();
    let mut ready: Vec<(usize, Item)> = Vec::new();
    let mut edits: Vec<(usize, Vec<OccurrenceEdit>)> = Vec::new();
    for (i, n) in new.iter().enumerate() {
        let prepared = check(f, &n.record).and_then(|()| {
            let item = items::new_item(&n.record, &n.tag).map_err(unsupported)?;
            Ok((item, items::new_item_edits(&n.record).map_err(unsupported)?))
        });
        match prepared {
            Ok((item, occurrence_edits)) => {
                ready.push((i, item));
                if !occurrence_edits.is_empty() {
                    edits.push((i, occurrence_edits));
                }
            }
            Err(e) => out[i] = Some(Err(e)),
        }
    }
    for batch in ready.chunks(MAX_BATCH) {
        let slots: Vec<usize> = batch.iter().map(|(i, _)| *i).collect();
        let op = create_request(folder, batch.iter().map(|(_, item)| item.clone()).collect());
        let answer = client.call(user.as_str(), op).await.map_err(|e| status::from_transport(f, e)).map(|reply| {
            reply
                .response
                .messages
                .iter()
                .map(|m| {
                    if m.status.is_ok() {
                        answered_id(f, &m.content.items)
                    } else {
                        Err(status::from_status(f, None, &m.status))
                    }
                })
                .collect()
        });
        settle(f, &mut out, &slots, answer);
    }

    // A new series' exceptions, once it exists. If they fail, the series exists but not as
    // asked: the create is reported as ambiguous, so that the engine finds it by its tag (and
    // never creates it twice) and the next round compares it again.
    let series: Vec<SeriesEdits> = edits
        .into_iter()
        .filter_map(|(slot, edits)| match (&out[slot], &new[slot].record) {
            (Some(Ok(master)), Record::Event(event)) => {
                Some(SeriesEdits { slot, master: master.id.clone(), event: (**event).clone(), edits })
            }
            _ => None,
        })
        .collect();
    if !series.is_empty() {
        for (slot, r) in occurrences::apply(client, user, f, &series).await {
            out[slot] = Some(r.map_err(|e| BackendError::Ambiguous {
                user: user.clone(),
                operation: f.operation,
                detail: format!("the series was created, its exceptions were not all written: {e}"),
            }));
        }
    }
    Ok(out.into_iter().map(|r| r.unwrap_or_else(|| Err(status::malformed(f, "an item left unanswered")))).collect())
}

/// The `SetItemField` of the exsync tag, on an item element of `kind`.
fn tag_update(kind: ObjectKind, tag: &AppId) -> ItemUpdate {
    let mut base = ews::ItemBase::default();
    set_app_id(&mut base, tag);
    let item = match kind {
        ObjectKind::Contacts => Item::Contact(Box::new(ews::Contact { item: base, ..ews::Contact::default() })),
        ObjectKind::Events => Item::CalendarItem(Box::new(CalendarItem { item: base, ..CalendarItem::default() })),
    };
    ItemUpdate::set(PropertyPath::Extended(app_id_field()), item)
}

/// What an update is computed against.
enum Before<'a> {
    /// The content last synced, at the change key of the change.
    Synced(&'a Record),
    /// The item as read now.
    Current(Item),
}

/// The field changes that turn the item into `record`, and the tag.
/// Also the occurrence edits the update brings (applied after it).
fn field_updates(
    kind: ObjectKind,
    before: &Before<'_>,
    record: &Record,
    tag: &AppId,
) -> ItemResult<(Vec<ItemUpdate>, Vec<OccurrenceEdit>)> {
    let edits = |old: Option<&crate::sync::Recurrence>, new: &crate::sync::Event| {
        occurrence_edits(old, new.recurrence.as_ref(), new.end - new.start).map_err(unsupported)
    };
    let (mut updates, edits) = match (before, record) {
        (Before::Synced(Record::Contact(old)), Record::Contact(new)) => (contact_record_updates(old, new), Vec::new()),
        (Before::Current(Item::Contact(current)), Record::Contact(new)) => {
            (contact_item_updates(current, new), Vec::new())
        }
        (Before::Synced(Record::Event(old)), Record::Event(new)) => {
            (event_record_updates(old, new), edits(old.recurrence.as_ref(), new)?)
        }
        (Before::Current(Item::CalendarItem(current)), Record::Event(new)) => {
            let old = event_from_ews(current).map_err(unsupported)?;
            (event_item_updates(current, new), edits(old.recurrence.as_ref(), new)?)
        }
        _ => {
            return Err(BackendError::Unsupported { what: "an update between records of different kinds".to_owned() });
        }
    };
    updates.push(tag_update(kind, tag));
    Ok((updates, edits))
}

/// [`MailboxBackend::update`](crate::backend::MailboxBackend::update).
pub async fn update(
    client: &EwsClient,
    user: &UserId,
    scope: &FolderScope,
    changes: &[ItemChange],
) -> Result<Vec<ItemResult<RemoteId>>, BackendError> {
    let kind = scope.kind;
    let f = Failing { user, operation: "update", kind, call: CallKind::Write };
    let mut out: Vec<Option<ItemResult<RemoteId>>> = (0..changes.len()).map(|_| None).collect();

    // Changes without a known base (or change key) are computed against the item read now.
    let unknown: Vec<usize> = changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.base.is_none() || c.id.change_key.is_none())
        .map(|(i, _)| i)
        .collect();
    let ids: Vec<String> = unknown.iter().map(|i| changes[*i].id.id.clone()).collect();
    let mut current: Vec<Option<ItemResult<Item>>> = (0..changes.len()).map(|_| None).collect();
    if !ids.is_empty() {
        match get_items(client, user, kind, &ids, "update").await {
            Ok(found) => {
                for (i, r) in unknown.iter().zip(found) {
                    current[*i] = Some(r);
                }
            }
            Err(e) => {
                for i in &unknown {
                    current[*i] = Some(Err(e.clone()));
                }
            }
        }
    }

    let mut ready: Vec<(usize, ews::ItemChange)> = Vec::new();
    let mut edits: Vec<(usize, Vec<OccurrenceEdit>)> = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        let prepared = check(f, &c.record).and_then(|()| {
            let (before, change_key) = match current[i].take() {
                None => (Before::Synced(c.base.as_ref().unwrap_or(&c.record)), c.id.change_key.clone()),
                Some(Err(e)) => return Err(e),
                Some(Ok(item)) => {
                    let now = items::remote_id(&item).ok_or_else(|| status::malformed(f, "an item without id"))?;
                    if c.id.change_key.as_ref().is_some_and(|ck| now.change_key.as_ref() != Some(ck)) {
                        return Err(BackendError::StaleChangeKey { user: user.clone(), item: c.id.id.clone() });
                    }
                    if !items::is_of_kind(&item, kind) {
                        return Err(BackendError::NotFound { user: user.clone(), item: c.id.id.clone() });
                    }
                    (Before::Current(item), now.change_key)
                }
            };
            let (updates, occurrence_edits) = field_updates(kind, &before, &c.record, &c.tag)?;
            if !occurrence_edits.is_empty() {
                edits.push((i, occurrence_edits));
            }
            let id = match change_key {
                Some(ck) => ItemId::with_change_key(c.id.id.clone(), ck),
                None => ItemId::new(c.id.id.clone()),
            };
            Ok(ews::ItemChange::new(id, updates))
        });
        match prepared {
            Ok(change) => ready.push((i, change)),
            Err(e) => out[i] = Some(Err(e)),
        }
    }

    // Changes naming their change key never overwrite a newer version; the others (the server
    // gave none) are applied as they are.
    let (keyed, unkeyed): (Vec<_>, Vec<_>) = ready.into_iter().partition(|(_, c)| c.item_id.change_key().is_some());
    for (group, resolution) in
        [(keyed, ConflictResolution::NeverOverwrite), (unkeyed, ConflictResolution::AlwaysOverwrite)]
    {
        for batch in group.chunks(MAX_BATCH) {
            let slots: Vec<usize> = batch.iter().map(|(i, _)| *i).collect();
            let op = update_request(resolution, batch.iter().map(|(_, c)| c.clone()).collect());
            let answer = client.call(user.as_str(), op).await.map_err(|e| status::from_transport(f, e)).map(|reply| {
                reply
                    .response
                    .messages
                    .iter()
                    .zip(batch)
                    .map(|(m, (_, c))| {
                        if m.status.is_ok() {
                            answered_id(f, &m.content.items)
                        } else {
                            Err(status::from_status(f, Some(c.item_id.id_text()), &m.status))
                        }
                    })
                    .collect::<Vec<_>>()
            });
            let answer = answer.and_then(|r| {
                if r.len() == slots.len() { Ok(r) } else { Err(status::malformed(f, "fewer answers than changes")) }
            });
            settle(f, &mut out, &slots, answer);
        }
    }

    // The exceptions, once their master is written.
    let series: Vec<SeriesEdits> = edits
        .into_iter()
        .filter_map(|(slot, edits)| match (&out[slot], &changes[slot].record) {
            (Some(Ok(master)), Record::Event(event)) => {
                Some(SeriesEdits { slot, master: master.id.clone(), event: (**event).clone(), edits })
            }
            _ => None,
        })
        .collect();
    if !series.is_empty() {
        for (slot, r) in occurrences::apply(client, user, f, &series).await {
            out[slot] = Some(r);
        }
    }
    Ok(out.into_iter().map(|r| r.unwrap_or_else(|| Err(status::malformed(f, "a change left unanswered")))).collect())
}

/// [`MailboxBackend::delete`](crate::backend::MailboxBackend::delete): to Deleted Items.
pub async fn delete(
    client: &EwsClient,
    user: &UserId,
    scope: &FolderScope,
    ids: &[RemoteId],
) -> Result<Vec<ItemResult<()>>, BackendError> {
    let f = Failing { user, operation: "delete", kind: scope.kind, call: CallKind::Write };
    let mut out = Vec::with_capacity(ids.len());
    for batch in ids.chunks(MAX_BATCH) {
        let op = delete_request(scope.kind, batch);
        let answer = client.call(user.as_str(), op).await.map_err(|e| status::from_transport(f, e));
        let results: Vec<ItemResult<()>> = match answer {
            Ok(reply) if reply.response.messages.len() == batch.len() => reply
                .response
                .messages
                .iter()
                .zip(batch)
                .map(
                    |(m, id)| {
                        if m.status.is_ok() { Ok(()) } else { Err(status::from_status(f, Some(&id.id), &m.status)) }
                    },
                )
                .collect(),
            Ok(_) => {
                let e = status::malformed(f, "fewer answers than items");
                batch.iter().map(|_| Err(e.clone())).collect()
            }
            Err(e) => batch.iter().map(|_| Err(e.clone())).collect(),
        };
        out.extend(results);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::{DistinguishedFolderName, ExchangeVersion, Request, RequestHeader};

    fn header() -> RequestHeader {
        RequestHeader::impersonating(ExchangeVersion::Exchange2016, "a@b.c")
    }

    #[test]
    fn writes_send_no_meeting_messages() {
        let calendar = BaseFolderId::distinguished(DistinguishedFolderName::Calendar);
        let item = Item::CalendarItem(Box::default());
        let create = Request::new(header(), create_request(&calendar, vec![item])).to_xml_string();
        assert!(create.contains(r#"SendMeetingInvitations="SendToNone""#), "{create}");
        assert!(create.contains(r#"<m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/>"#), "{create}");
        let change = ews::ItemChange::new(
            ItemId::with_change_key("i", "ck"),
            vec![tag_update(ObjectKind::Events, &AppId::new("x"))],
        );
        let update =
            Request::new(header(), update_request(ConflictResolution::NeverOverwrite, vec![change])).to_xml_string();
        assert!(update.contains(r#"ConflictResolution="NeverOverwrite""#), "{update}");
        assert!(update.contains(r#"SendMeetingInvitationsOrCancellations="SendToNone""#), "{update}");
        assert!(update.contains(r#"<t:ItemId Id="i" ChangeKey="ck"/>"#), "{update}");
        let ids = [RemoteId::new("i", "ck")];
        let delete = Request::new(header(), delete_request(ObjectKind::Events, &ids)).to_xml_string();
        assert!(delete.contains(r#"SendMeetingCancellations="SendToNone""#), "{delete}");
        assert!(delete.contains(r#"DeleteType="MoveToDeletedItems""#), "{delete}");
        assert!(delete.contains(r#"<t:ItemId Id="i"/>"#), "{delete}");
        let delete = Request::new(header(), delete_request(ObjectKind::Contacts, &ids)).to_xml_string();
        assert!(!delete.contains("SendMeetingCancellations"), "{delete}");
    }
}
