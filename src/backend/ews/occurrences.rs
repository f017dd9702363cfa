//! Writing the exceptions of a series, after the master's own update: a cancelled occurrence is a
//! `DeleteItem` of its `OccurrenceItemId`, a moved one an `UpdateItem` of its start and end
//! through it (both saved only, no meeting messages, up to [`MAX_BATCH`] occurrences a call). Then
//! one `GetItem` (ids only) of the masters gives the change key they ended at, which is what the
//! engine keeps.
//!
//! An occurrence is named by its position in the series (`InstanceIndex`, 1 for the first): the
//! day of its original start, counted in days from the series' first occurrence, among the days
//! the recurrence falls on. Restoring a cancelled occurrence is not possible in Exchange and is
//! refused before anything is sent (see
//! [`occurrence_edits`](crate::backend::ews_mapping::occurrence_edits)).

use chrono::{DateTime, Utc};

use crate::backend::ews_mapping::{OccurrenceEdit, recurrence_to_ews};
use crate::backend::{BackendError, ItemResult, MAX_BATCH, RemoteId};
use crate::ews::recurrence_expand::{occurrence_day, occurrence_index};
use crate::ews::{
    self, BaseItemId, BaseShape, CalendarItem, ConflictResolution, DeleteItem, DeleteType, EwsDateTime, FieldUri,
    GetItem, Item, ItemId, ItemShape, ItemUpdate, OccurrenceItemId, PropertyPath, ResponseCode,
    SendMeetingCancellations, UpdateItem,
};
use crate::sync::{Event, UserId};
use crate::transport::EwsClient;

use super::items;
use super::status::{self, Failing};

/// The exception edits of one series the engine wrote: result slot, master id, the series as
/// written, and the edits.
#[derive(Debug, Clone)]
pub struct SeriesEdits {
    /// Where the item's result goes.
    pub slot: usize,
    /// The master's id.
    pub master: String,
    /// The series as the application has it now.
    pub event: Event,
    /// The occurrences to cancel or move.
    pub edits: Vec<OccurrenceEdit>,
}

/// The `OccurrenceItemId` of the occurrence of series `event` (master `master`) that originally
/// starts at `original_start`; a readable reason when the series has none then.
pub fn occurrence_id(master: &str, event: &Event, original_start: DateTime<Utc>) -> Result<OccurrenceItemId, String> {
    let none = || format!("the series has no occurrence starting at {}", original_start.to_rfc3339());
    let recurrence =
        recurrence_to_ews(event.recurrence.as_ref().ok_or_else(|| "the event is not a series".to_owned())?);
    let first = occurrence_day(&recurrence, 0).ok_or_else(none)?;
    // Whole days from the first occurrence, to the nearest day (a daylight-saving shift moves
    // the UTC time by an hour, never the day).
    let minutes = (original_start - event.start).num_minutes();
    let days = (minutes + 720).div_euclid(1440);
    let day = first.checked_add_signed(chrono::Duration::days(days)).ok_or_else(none)?;
    let index = occurrence_index(&recurrence, day).ok_or_else(none)?;
    let instance = i32::try_from(index + 1).map_err(|_| none())?;
    Ok(OccurrenceItemId::new(master, instance))
}

/// The `UpdateItem` changes that move an occurrence to `start`..`end`.
pub fn move_updates(start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<ItemUpdate> {
    let field = |uri: &str, edit: &dyn Fn(&mut CalendarItem)| {
        let mut c = CalendarItem::default();
        edit(&mut c);
        ItemUpdate::set(PropertyPath::Field(FieldUri::new(uri)), Item::CalendarItem(Box::new(c)))
    };
    vec![
        field("calendar:Start", &|c| c.start = Some(EwsDateTime::utc(start))),
        field("calendar:End", &|c| c.end = Some(EwsDateTime::utc(end))),
    ]
}

/// One occurrence write: which series (index into the list) and what.
enum Write {
    Cancel(usize, OccurrenceItemId),
    Move(usize, ews::ItemChange),
}

/// Applies the edits of `series` (whose masters were written); one result per series, by slot:
/// the master's id and final change key, or the first failure.
pub async fn apply(
    client: &EwsClient,
    user: &UserId,
    f: Failing<'_>,
    series: &[SeriesEdits],
) -> Vec<(usize, ItemResult<RemoteId>)> {
    let mut failed: Vec<Option<BackendError>> = series.iter().map(|_| None).collect();
    let mut cancels = Vec::new();
    let mut moves = Vec::new();
    for (s, x) in series.iter().enumerate() {
        for edit in &x.edits {
            let original = match edit {
                OccurrenceEdit::Cancel { original_start } | OccurrenceEdit::Move { original_start, .. } => {
                    *original_start
                }
            };
            let id = match occurrence_id(&x.master, &x.event, original) {
                Ok(id) => id,
                Err(reason) => {
                    failed[s].get_or_insert(BackendError::Rejected {
                        user: user.clone(),
                        operation: f.operation,
                        reason,
                        code: None,
                    });
                    continue;
                }
            };
            match *edit {
                OccurrenceEdit::Cancel { .. } => cancels.push(Write::Cancel(s, id)),
                OccurrenceEdit::Move { start, end, .. } => {
                    moves.push(Write::Move(s, ews::ItemChange::new(id, move_updates(start, end))))
                }
            }
        }
    }
    // Series with an edit that cannot be named send none of theirs.
    cancels.retain(|w| matches!(w, Write::Cancel(s, _) | Write::Move(s, _) if failed[*s].is_none()));
    moves.retain(|w| matches!(w, Write::Cancel(s, _) | Write::Move(s, _) if failed[*s].is_none()));

    for batch in moves.chunks(MAX_BATCH) {
        let changes: Vec<ews::ItemChange> =
            batch.iter().filter_map(|w| if let Write::Move(_, c) = w { Some(c.clone()) } else { None }).collect();
        let op = UpdateItem::save_only(ConflictResolution::AlwaysOverwrite, changes);
        let answer = client.call(user.as_str(), op).await.map(|r| r.response.messages);
        record(f, &mut failed, series, batch, answer.map(|m| m.into_iter().map(|m| m.status).collect()), None);
    }
    for batch in cancels.chunks(MAX_BATCH) {
        let ids: Vec<BaseItemId> = batch
            .iter()
            .filter_map(|w| if let Write::Cancel(_, id) = w { Some(id.clone().into()) } else { None })
            .collect();
        let mut op = DeleteItem::new(ids, DeleteType::MoveToDeletedItems);
        op.send_meeting_cancellations = Some(SendMeetingCancellations::SendToNone);
        let answer = client.call(user.as_str(), op).await.map(|r| r.response.messages);
        // Cancelling an occurrence already gone (a retry after a partial failure) is done.
        let done = Some(ResponseCode::ErrorCalendarOccurrenceIsDeletedFromRecurrence);
        record(f, &mut failed, series, batch, answer.map(|m| m.into_iter().map(|m| m.status).collect()), done);
    }

    // The masters' change keys after their exceptions.
    let ok: Vec<usize> = (0..series.len()).filter(|s| failed[*s].is_none()).collect();
    let mut keys: Vec<Option<ItemResult<RemoteId>>> = series.iter().map(|_| None).collect();
    for batch in ok.chunks(MAX_BATCH) {
        let ids: Vec<ItemId> = batch.iter().map(|s| ItemId::new(series[*s].master.clone())).collect();
        let op = GetItem::new(ids, ItemShape::new(BaseShape::IdOnly));
        match client.call(user.as_str(), op).await {
            Ok(reply) if reply.response.messages.len() == batch.len() => {
                for (s, m) in batch.iter().zip(reply.response.messages) {
                    keys[*s] = Some(if m.status.is_ok() {
                        m.content
                            .items
                            .first()
                            .and_then(items::remote_id)
                            .ok_or_else(|| status::malformed(f, "an answer without the item's id"))
                    } else {
                        Err(status::from_status(f, Some(&series[*s].master), &m.status))
                    });
                }
            }
            Ok(_) => {
                let e = status::malformed(f, "fewer answers than items");
                batch.iter().for_each(|s| keys[*s] = Some(Err(e.clone())));
            }
            Err(e) => {
                let e = status::from_transport(f, e);
                batch.iter().for_each(|s| keys[*s] = Some(Err(e.clone())));
            }
        }
    }
    series
        .iter()
        .enumerate()
        .map(|(s, x)| {
            let r = match failed[s].take() {
                Some(e) => Err(e),
                None => keys[s].take().unwrap_or_else(|| Err(status::malformed(f, "a series left unanswered"))),
            };
            (x.slot, r)
        })
        .collect()
}

/// Notes the first failure of each series of `batch` from the answer's statuses (`also_ok`: a
/// code that counts as done).
fn record(
    f: Failing<'_>,
    failed: &mut [Option<BackendError>],
    series: &[SeriesEdits],
    batch: &[Write],
    answer: Result<Vec<ews::ResponseStatus>, crate::transport::TransportError>,
    also_ok: Option<ResponseCode>,
) {
    let which = |w: &Write| match w {
        Write::Cancel(s, _) | Write::Move(s, _) => *s,
    };
    match answer {
        Ok(statuses) if statuses.len() == batch.len() => {
            for (w, st) in batch.iter().zip(statuses) {
                let s = which(w);
                if !st.is_ok() && also_ok.as_ref() != Some(&st.code) {
                    failed[s].get_or_insert(status::from_status(f, Some(&series[s].master), &st));
                }
            }
        }
        Ok(_) => {
            let e = status::malformed(f, "fewer answers than occurrences");
            batch.iter().for_each(|w| {
                failed[which(w)].get_or_insert(e.clone());
            });
        }
        Err(e) => {
            let e = status::from_transport(f, e);
            batch.iter().for_each(|w| {
                failed[which(w)].get_or_insert(e.clone());
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{Recurrence, RecurrenceEnd, RecurrenceRule};
    use chrono::TimeZone;

    fn series() -> Event {
        let start = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap();
        Event {
            start,
            end: start + chrono::Duration::minutes(30),
            recurrence: Some(Recurrence {
                rule: RecurrenceRule::Daily { interval: 2 },
                starts_on: start.date_naive(),
                ends: RecurrenceEnd::Count(4),
                exceptions: vec![],
            }),
            ..Event::default()
        }
    }

    #[test]
    fn occurrences_are_named_by_their_position() {
        let e = series();
        let at = |d, h| Utc.with_ymd_and_hms(2027, 3, d, h, 0, 0).unwrap();
        assert_eq!(occurrence_id("m", &e, at(1, 9)).unwrap(), OccurrenceItemId::new("m", 1));
        assert_eq!(occurrence_id("m", &e, at(5, 9)).unwrap(), OccurrenceItemId::new("m", 3));
        // An hour off (daylight saving) is still that day's occurrence.
        assert_eq!(occurrence_id("m", &e, at(7, 10)).unwrap(), OccurrenceItemId::new("m", 4));
        assert!(occurrence_id("m", &e, at(2, 9)).unwrap_err().contains("no occurrence"));
        assert!(occurrence_id("m", &e, at(9, 9)).is_err(), "past the count");
        assert!(occurrence_id("m", &Event { recurrence: None, ..e }, at(1, 9)).is_err());
    }

    #[test]
    fn a_move_sets_start_and_end() {
        let u = move_updates(
            Utc.with_ymd_and_hms(2027, 3, 1, 15, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2027, 3, 1, 16, 0, 0).unwrap(),
        );
        let paths: Vec<String> = u.iter().map(|u| format!("{:?}", u.path())).collect();
        assert_eq!(paths.len(), 2);
        assert!(paths[0].contains("calendar:Start") && paths[1].contains("calendar:End"), "{paths:?}");
    }
}
