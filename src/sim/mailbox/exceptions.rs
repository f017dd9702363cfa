//! Exceptions of recurring series, as Exchange makes them: `UpdateItem` on one occurrence (by
//! `OccurrenceItemId` or by the occurrence's own id) turns it into a modified occurrence, and
//! `DeleteItem` on one removes it from the series. Either changes the master: its
//! `ModifiedOccurrences` / `DeletedOccurrences` list the exceptions, its change key changes, and
//! `SyncFolderItems` reports it as updated.
//!
//! A modified occurrence is kept as the updates applied to it: it reads as the series' occurrence
//! of that day as the series is now, with those updates over it (so a master's new subject shows in
//! occurrences that did not change their own). Changing the master's start, end or recurrence
//! drops its exceptions, as Exchange does. Like the `CalendarView`, occurrences are computed in
//! UTC (see [`calendar_view`](super::super::calendar_view)).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use crate::ews::{
    BaseItemId, CalendarItem, CalendarItemType, ConflictResolution, DeleteType, DeletedOccurrence, EwsDateTime, Item,
    ItemId, ItemUpdate, OccurrenceInfo,
};

use super::super::calendar_view;
use super::super::error::StoreError;
use super::super::tokens::{ObjectKind, occurrence_number, split_occurrence};
use super::super::update::{self, UpdateOutcome};
use super::MailboxStore;
use crate::ews::recurrence_expand::occurrence_day;

/// The exceptions of one series, by occurrence index (0 for the first).
#[derive(Debug, Clone, Default, PartialEq)]
pub(in crate::sim) struct Exceptions {
    /// Modified occurrences: the updates applied to each, in order.
    pub(in crate::sim) modified: BTreeMap<u32, Vec<ItemUpdate>>,
    /// Deleted occurrences.
    pub(in crate::sim) deleted: BTreeSet<u32>,
}

/// What an item id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::sim) enum Target {
    /// A stored item, by number.
    Item(u64),
    /// Occurrence `index` (0-based) of the series stored as `master`.
    Occurrence {
        /// The master's number.
        master: u64,
        /// The occurrence's index in the series.
        index: u32,
    },
}

impl MailboxStore {
    /// The stored series `master`, if it is a live recurring calendar item.
    fn series(&self, master: u64) -> Option<&CalendarItem> {
        match self.items.get(&master).and_then(|r| r.live.as_ref()).map(|l| &l.item) {
            Some(Item::CalendarItem(c)) if c.recurrence.is_some() => Some(c),
            _ => None,
        }
    }

    /// The original start and end of occurrence `index` of `series`.
    fn original_span(series: &CalendarItem, index: u32) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let (start, end) = calendar_view::span(series)?;
        let day = occurrence_day(series.recurrence.as_ref()?, index)?;
        let begins = day.and_time(start.time()).and_utc();
        Some((begins, begins + (end - start)))
    }

    /// What `id` names: an item, or an occurrence that the series has (not deleted).
    pub(in crate::sim) fn target(&self, id: &BaseItemId) -> Result<Target, StoreError> {
        let occurrence = |master: u64, index: u32, text: &str| -> Result<Target, StoreError> {
            let Some(series) = self.series(master) else {
                return Err(StoreError::NotRecurringMaster { id: text.to_owned() });
            };
            if let Some(zone) = calendar_view::non_utc_zone(series) {
                return Err(StoreError::SeriesTimeZoneUnsupported { zone });
            }
            if Self::original_span(series, index).is_none() {
                return Err(StoreError::OccurrenceOutOfRange { index: i64::from(index) + 1 });
            }
            if self.live(master).exceptions.deleted.contains(&index) {
                return Err(StoreError::OccurrenceDeleted { index: i64::from(index) + 1 });
            }
            Ok(Target::Occurrence { master, index })
        };
        match id {
            BaseItemId::Item(i) => match self.occurrence_number_of(&i.id)? {
                Some(number) => {
                    let (master, index) = split_occurrence(number);
                    if self.items.get(&master).and_then(|r| r.live.as_ref()).is_none() {
                        return Err(self.item_not_found(&i.id));
                    }
                    occurrence(master, index, &i.id)
                }
                None => self.resolve_item(i).map(Target::Item),
            },
            BaseItemId::Occurrence(o) => {
                let master = self.resolve_item(&ItemId::new(o.recurring_master_id.clone()))?;
                let index = u32::try_from(o.instance_index - 1)
                    .map_err(|_| StoreError::OccurrenceOutOfRange { index: i64::from(o.instance_index) })?;
                occurrence(master, index, &o.recurring_master_id)
            }
            BaseItemId::RecurringMaster(m) => {
                let Some(number) = self.occurrence_number_of(&m.occurrence_id)? else {
                    return Err(StoreError::NotAnOccurrence { id: m.occurrence_id.clone() });
                };
                let (master, _) = split_occurrence(number);
                self.resolve_item(&ItemId::new(self.items.get(&master).map(|r| r.id.clone()).unwrap_or_default()))
                    .map(Target::Item)
            }
        }
    }

    /// The occurrence number an occurrence id of this mailbox carries; `None` for other ids.
    fn occurrence_number_of(&self, id: &str) -> Result<Option<u64>, StoreError> {
        let d = self.tokens.decode_id(id).ok_or_else(|| StoreError::MalformedId { id: id.to_owned() })?;
        if d.kind != ObjectKind::Occurrence {
            return Ok(None);
        }
        if d.mailbox_tag != self.tokens.mailbox_tag() {
            return Err(StoreError::OtherMailbox { id: id.to_owned(), mailbox: self.address.clone() });
        }
        Ok(Some(d.number))
    }

    /// The id of occurrence `index` of `master`, with the master's change key.
    fn occurrence_id(&self, master: u64, index: u32, with_change_key: bool) -> ItemId {
        let change_key =
            if with_change_key { self.live(master).item.id().and_then(|i| i.change_key.clone()) } else { None };
        ItemId { id: self.tokens.id(ObjectKind::Occurrence, occurrence_number(master, index)), change_key }
    }

    /// Occurrence `index` of series `master` as it reads now: `Occurrence`, or `Exception` with its
    /// updates applied.
    pub(in crate::sim) fn render_occurrence(&self, master: u64, index: u32) -> Result<CalendarItem, StoreError> {
        let series =
            self.series(master).ok_or_else(|| StoreError::NotRecurringMaster { id: self.items[&master].id.clone() })?;
        let (start, end) = Self::original_span(series, index)
            .ok_or(StoreError::OccurrenceOutOfRange { index: i64::from(index) + 1 })?;
        let id = self.occurrence_id(master, index, true);
        let plain = calendar_view::occurrence(series, id.clone(), start, end);
        let Some(updates) = self.live(master).exceptions.modified.get(&index) else { return Ok(plain) };
        let Item::CalendarItem(mut c) = update::apply(&Item::CalendarItem(Box::new(plain)), updates)? else {
            return Err(StoreError::NotRecurringMaster { id: id.id });
        };
        c.item.item_id = Some(id);
        c.calendar_item_type = Some(CalendarItemType::Exception);
        c.original_start = Some(EwsDateTime::utc(start));
        c.recurrence_id = Some(EwsDateTime::utc(start));
        c.recurrence = None;
        Ok(*c)
    }

    /// `GetItem` of any item id: an item, or an occurrence (plain or modified) of a series.
    pub fn item_by(&self, id: &BaseItemId) -> Result<Cow<'_, Item>, StoreError> {
        match self.target(id)? {
            Target::Item(n) => Ok(Cow::Borrowed(&self.live(n).item)),
            Target::Occurrence { master, index } => {
                Ok(Cow::Owned(Item::CalendarItem(Box::new(self.render_occurrence(master, index)?))))
            }
        }
    }

    /// `UpdateItem` of any item id. On an occurrence, the updates make it (or keep it) a modified
    /// occurrence, and the master changes; the answer is the occurrence's id with the master's new
    /// change key. A change key the client names is the master's, checked as for items.
    pub fn update_by(
        &mut self,
        id: &BaseItemId,
        updates: &[ItemUpdate],
        resolution: ConflictResolution,
    ) -> Result<UpdateOutcome, StoreError> {
        let (master, index) = match self.target(id)? {
            Target::Item(n) => {
                let item_id = self.live(n).item.id().cloned().expect("stamped");
                let item_id = ItemId { change_key: id.change_key().map(str::to_owned), ..item_id };
                return self.update_item(&item_id, updates, resolution);
            }
            Target::Occurrence { master, index } => (master, index),
        };
        if let Some(ck) = id.change_key() {
            let client_cn = self
                .tokens
                .decode_change_key(ck)
                .ok_or_else(|| StoreError::InvalidChangeKey { change_key: ck.to_owned() })?;
            if client_cn != self.live(master).change_number && resolution == ConflictResolution::NeverOverwrite {
                return Err(StoreError::IrresolvableConflict {
                    id: id.id_text().to_owned(),
                    change_key: ck.to_owned(),
                });
            }
        }
        // The occurrence as it would read, checked before anything is kept.
        let before = self.render_occurrence(master, index)?;
        let after = update::apply(&Item::CalendarItem(Box::new(before)), updates)?;
        update::check_calendar(&after)?;
        if matches!(&after, Item::CalendarItem(c) if c.recurrence.is_some()) {
            return Err(StoreError::OccurrenceRecurrence);
        }
        let mut exceptions = self.live(master).exceptions.clone();
        exceptions.modified.entry(index).or_default().extend(updates.iter().cloned());
        self.set_exceptions(master, exceptions)?;
        Ok(UpdateOutcome { item_id: self.occurrence_id(master, index, true), conflicts: 0 })
    }

    /// `DeleteItem` of any item id. On an occurrence, it is removed from its series (however
    /// `how` says to delete), and the master changes.
    pub fn delete_by(&mut self, id: &BaseItemId, how: DeleteType) -> Result<(), StoreError> {
        match self.target(id)? {
            Target::Item(n) => {
                let item_id = self.live(n).item.id().cloned().expect("stamped");
                self.delete_item(&item_id, how)
            }
            Target::Occurrence { master, index } => {
                let mut exceptions = self.live(master).exceptions.clone();
                exceptions.modified.remove(&index);
                exceptions.deleted.insert(index);
                self.set_exceptions(master, exceptions)
            }
        }
    }

    /// Stores the exceptions of `master` and rewrites its `ModifiedOccurrences` and
    /// `DeletedOccurrences` (a modification of the master: new change key, logged).
    fn set_exceptions(&mut self, master: u64, exceptions: Exceptions) -> Result<(), StoreError> {
        let Item::CalendarItem(series) = &self.live(master).item else {
            return Err(StoreError::NotRecurringMaster { id: self.items[&master].id.clone() });
        };
        let mut series = series.clone();
        self.items.get_mut(&master).and_then(|r| r.live.as_mut()).expect("live master").exceptions = exceptions;
        let mut modified = Vec::new();
        for &index in self.live(master).exceptions.modified.keys() {
            let o = self.render_occurrence(master, index)?;
            let (Some(start), Some(end), Some(original_start)) = (o.start, o.end, o.original_start) else { continue };
            modified.push(OccurrenceInfo {
                item_id: self.occurrence_id(master, index, false),
                start,
                end,
                original_start,
            });
        }
        let deleted = self
            .live(master)
            .exceptions
            .deleted
            .iter()
            .filter_map(|&i| Self::original_span(&series, i))
            .map(|(start, _)| DeletedOccurrence { start: EwsDateTime::utc(start) })
            .collect();
        series.modified_occurrences = modified;
        series.deleted_occurrences = deleted;
        self.modify(master, Item::CalendarItem(series));
        Ok(())
    }

    /// After the master `before` was updated to `after`: whether the exceptions made here no
    /// longer hold (its start, end or recurrence changed), in which case they are dropped from
    /// `after`, as Exchange does.
    pub(in crate::sim) fn exceptions_outlived(&self, number: u64, before: &Item, after: &mut Item) -> bool {
        let tracked = &self.live(number).exceptions;
        if tracked.modified.is_empty() && tracked.deleted.is_empty() {
            return false;
        }
        let (Item::CalendarItem(b), Item::CalendarItem(a)) = (before, after) else { return false };
        if b.recurrence == a.recurrence && b.start == a.start && b.end == a.end {
            return false;
        }
        a.modified_occurrences.clear();
        a.deleted_occurrences.clear();
        true
    }

    /// The occurrences of series `master` (number `n`) overlapping `[from, to)` for a
    /// `CalendarView`: deleted ones left out, modified ones where they are now.
    pub(in crate::sim) fn view_occurrences(
        &self,
        n: u64,
        series: &CalendarItem,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, u32, CalendarItem)>, StoreError> {
        let exceptions = &self.live(n).exceptions;
        let change_key = series.item.item_id.as_ref().and_then(|i| i.change_key.clone());
        let mut out = Vec::new();
        for (index, start, end) in calendar_view::occurrences_in(series, from, to)? {
            if exceptions.deleted.contains(&index) || exceptions.modified.contains_key(&index) {
                continue;
            }
            let id = ItemId { change_key: change_key.clone(), ..self.occurrence_id(n, index, false) };
            out.push((start, index, calendar_view::occurrence(series, id, start, end)));
        }
        for &index in exceptions.modified.keys() {
            let o = self.render_occurrence(n, index)?;
            if let Some((start, end)) = calendar_view::span(&o)
                && calendar_view::overlaps(start, end, from, to)
            {
                out.push((start, index, o));
            }
        }
        Ok(out)
    }
}
