//! One mailbox: its folder tree, its items and their change logs, and the EWS item operations with
//! Exchange's semantics (`CreateItem`, `GetItem`, `UpdateItem`, `DeleteItem`, `MoveItem`,
//! `FindItem`, `SyncFolderItems`, `GetFolder`, `FindFolder`, `CreateFolder`).
//!
//! Exchange behaviours kept here:
//! - ids are opaque and checked: an id this server could not have issued is
//!   `ErrorInvalidIdMalformed`, a well-formed id of nothing is `ErrorItemNotFound`;
//! - the change key changes on every modification, and moving an item (including
//!   `MoveToDeletedItems` and `SoftDelete`, which moves it to Recoverable Items) gives it a new id;
//! - contacts are created only in contact folders, calendar items only in calendar folders;
//! - `DateTimeCreated`, `LastModifiedTime`, `LastModifiedName`, `Size`, `ParentFolderId` are the
//!   server's, stamped from the injected clock; clients may not set them.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};

use crate::ews::{
    BaseFolderId, BaseItemId, CalendarView, ConflictResolution, DeleteType, DistinguishedFolderName, EwsDateTime,
    FieldOrder, Folder, FolderBase, FolderId, IndexedPageView, Item, ItemBase, ItemId, ItemUpdate, MaxChangesReturned,
    Restriction, SyncChange,
};
use crate::xml::XmlWriter;

use super::calendar_view;
use super::change_log::{ChangeLog, LogOp};
use super::clock::Clock;
use super::error::{ItemKind, StoreError};
use super::find::{self, FindPage};
use super::folder::{
    self as folders, CALENDAR_FOLDER_CLASS, CONTACT_FOLDER_CLASS, TASK_FOLDER_CLASS, WELL_KNOWN, class_is,
};
use super::side_door::SideDoor;
use super::sync_state::{NetChange, SyncState, next_page};
use super::tokens::{ObjectKind, Tokens};
use super::update::{self, UpdateOutcome};

mod exceptions;

/// A `SyncFolderItems` answer.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncPage {
    /// The state to send next time (opaque; base64).
    pub sync_state: String,
    /// Whether this page holds the last change (`IncludesLastItemInRange`); if not, sync again
    /// with [`sync_state`](Self::sync_state) for more.
    pub includes_last_item_in_range: bool,
    /// The changes, oldest first, one per item: `Create` (an item the client does not have, as it
    /// is now), `Update` (one it has that changed, as it is now), `Delete` (one it has that was
    /// deleted or moved out). Items come whole; the handler applies the requested shape.
    pub changes: Vec<SyncChange>,
}

/// An item the mailbox holds, with its change tracking.
#[derive(Debug, Clone)]
pub(super) struct LiveItem {
    /// The item, stamped with its id, change key, parent and times.
    pub(super) item: Item,
    /// The change number of its last modification (in its change key).
    pub(super) change_number: u64,
    /// For each property ever modified, the change number of its last modification.
    pub(super) property_changes: BTreeMap<String, u64>,
    /// For a recurring series, its modified and deleted occurrences.
    pub(super) exceptions: exceptions::Exceptions,
}

/// Every item number the mailbox issued: where it is, and the item while it exists.
#[derive(Debug, Clone)]
struct ItemRecord {
    folder: u64,
    id: String,
    live: Option<LiveItem>,
}

/// One user's mailbox.
pub struct MailboxStore {
    address: String,
    display_name: String,
    tokens: Tokens,
    clock: Arc<dyn Clock>,
    last_object: u64,
    last_change: u64,
    folders: BTreeMap<u64, folders::Folder>,
    distinguished: HashMap<DistinguishedFolderName, u64>,
    items: BTreeMap<u64, ItemRecord>,
}

impl fmt::Debug for MailboxStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailboxStore")
            .field("address", &self.address)
            .field("folders", &self.folders.len())
            .field("items", &self.items.values().filter(|r| r.live.is_some()).count())
            .field("last_change", &self.last_change)
            .finish()
    }
}

/// Writes the item's XML to measure it (`Size`).
fn xml_size(item: &Item) -> i32 {
    let mut w = XmlWriter::new();
    item.write(&mut w);
    i32::try_from(w.as_str().len()).unwrap_or(i32::MAX)
}

/// The item class an item gets when the client gives none.
fn default_item_class(item: &Item) -> &'static str {
    match item {
        Item::Contact(_) => "IPM.Contact",
        Item::CalendarItem(_) => "IPM.Appointment",
        Item::Other(o) => match o.element.as_str() {
            "Task" => "IPM.Task",
            "DistributionList" => "IPM.DistList",
            "PostItem" => "IPM.Post",
            _ => "IPM.Note",
        },
    }
}

/// The first server-maintained field the client set, as its field URI.
fn read_only_field_set(base: &ItemBase) -> Option<&'static str> {
    [
        (base.item_id.is_some(), "item:ItemId"),
        (base.parent_folder_id.is_some(), "item:ParentFolderId"),
        (base.size.is_some(), "item:Size"),
        (base.date_time_created.is_some(), "item:DateTimeCreated"),
        (base.last_modified_name.is_some(), "item:LastModifiedName"),
        (base.last_modified_time.is_some(), "item:LastModifiedTime"),
    ]
    .into_iter()
    .find_map(|(set, uri)| set.then_some(uri))
}

impl MailboxStore {
    /// A mailbox with the well-known folders and no items.
    pub(super) fn new(address: &str, display_name: &str, tokens: Tokens, clock: Arc<dyn Clock>) -> Self {
        let mut m = MailboxStore {
            address: address.to_owned(),
            display_name: display_name.to_owned(),
            tokens,
            clock,
            last_object: 0,
            last_change: 0,
            folders: BTreeMap::new(),
            distinguished: HashMap::new(),
            items: BTreeMap::new(),
        };
        for &(name, parent, display, class) in WELL_KNOWN {
            let parent = parent.map(|p| m.distinguished[&p]);
            m.add_folder(parent, display.to_owned(), class.map(str::to_owned), Some(name), Vec::new());
        }
        m
    }

    /// The mailbox's primary SMTP address.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The owner's display name (stamped as `LastModifiedName`).
    pub fn display_name(&self) -> &str {
        &self.display_name
    }

    /// The latest change number (every modification of the mailbox takes the next one).
    pub fn last_change_number(&self) -> u64 {
        self.last_change
    }

    /// The tag of this mailbox inside the ids it issues.
    pub(super) fn mailbox_tag(&self) -> u64 {
        self.tokens.mailbox_tag()
    }

    /// Changes made as if the owner did them in Outlook, for tests and benchmarks.
    pub fn side_door(&mut self) -> SideDoor<'_> {
        SideDoor::new(self)
    }

    fn next_object(&mut self) -> u64 {
        self.last_object += 1;
        self.last_object
    }

    fn next_change(&mut self) -> u64 {
        self.last_change += 1;
        self.last_change
    }

    fn now(&self) -> EwsDateTime {
        EwsDateTime::utc(self.clock.now().trunc_subsecs(0))
    }

    // ---------------------------------------------------------------- folders

    fn add_folder(
        &mut self,
        parent: Option<u64>,
        display_name: String,
        folder_class: Option<String>,
        distinguished: Option<DistinguishedFolderName>,
        extended_properties: Vec<crate::ews::ExtendedProperty>,
    ) -> u64 {
        let number = self.next_object();
        let change_number = self.next_change();
        self.folders.insert(
            number,
            folders::Folder {
                number,
                parent,
                display_name,
                folder_class,
                distinguished,
                extended_properties,
                change_number,
                items: BTreeSet::new(),
                log: ChangeLog::default(),
            },
        );
        if let Some(d) = distinguished {
            self.distinguished.insert(d, number);
        }
        number
    }

    fn folder_id_of(&self, number: u64) -> FolderId {
        let change_number = self.folders.get(&number).map_or(0, |f| f.change_number);
        FolderId {
            id: self.tokens.id(ObjectKind::Folder, number),
            change_key: Some(self.tokens.change_key(change_number)),
        }
    }

    fn folder_not_found(&self, folder: impl Into<String>) -> StoreError {
        StoreError::FolderNotFound { folder: folder.into(), mailbox: self.address.clone() }
    }

    /// The folder's number.
    pub(super) fn resolve_folder(&self, folder: &BaseFolderId) -> Result<u64, StoreError> {
        match folder {
            BaseFolderId::Folder(f) => {
                let d = self.tokens.decode_id(&f.id).ok_or_else(|| StoreError::MalformedId { id: f.id.clone() })?;
                if d.kind != ObjectKind::Folder {
                    return Err(StoreError::ItemIdForFolderId { id: f.id.clone() });
                }
                if d.mailbox_tag != self.tokens.mailbox_tag() {
                    return Err(StoreError::OtherMailbox { id: f.id.clone(), mailbox: self.address.clone() });
                }
                self.folders.contains_key(&d.number).then_some(d.number).ok_or_else(|| self.folder_not_found(&f.id))
            }
            BaseFolderId::Distinguished(d) => {
                let other = d.mailbox.as_ref().and_then(|m| m.email_address.as_deref());
                if let Some(other) = other.filter(|a| !a.eq_ignore_ascii_case(&self.address)) {
                    return Err(StoreError::OtherMailbox { id: other.to_owned(), mailbox: self.address.clone() });
                }
                self.distinguished.get(&d.id).copied().ok_or_else(|| self.folder_not_found(d.id.as_str()))
            }
        }
    }

    /// The folder as `GetFolder` shows it with `AllProperties`.
    fn folder_element(&self, number: u64) -> Folder {
        let f = &self.folders[&number];
        let children = self.folders.values().filter(|c| c.parent == Some(number)).count();
        let base = FolderBase {
            folder_id: Some(self.folder_id_of(number)),
            parent_folder_id: f.parent.map(|p| self.folder_id_of(p)),
            folder_class: f.folder_class.clone(),
            display_name: Some(f.display_name.clone()),
            total_count: Some(i32::try_from(f.items.len()).unwrap_or(i32::MAX)),
            child_folder_count: Some(i32::try_from(children).unwrap_or(i32::MAX)),
            extended_properties: f.extended_properties.clone(),
            distinguished_folder_id: f.distinguished,
            ..FolderBase::default()
        };
        folders::element_for(f.folder_class.as_deref(), base)
    }

    /// `GetFolder`: a folder by id or well-known name: a `t:ContactsFolder`, `t:CalendarFolder`,
    /// `t:TasksFolder` or `t:Folder` by its class, with its id, parent, class, display name and
    /// counts.
    pub fn folder(&self, folder: &BaseFolderId) -> Result<Folder, StoreError> {
        self.resolve_folder(folder).map(|n| self.folder_element(n))
    }

    /// The id (with change key) of a well-known folder, if the mailbox has it.
    pub fn folder_id(&self, name: DistinguishedFolderName) -> Option<FolderId> {
        self.distinguished.get(&name).map(|&n| self.folder_id_of(n))
    }

    /// `FindFolder`: the sub-folders of `parent`, directly under it (`Shallow`) or at any depth
    /// (`Deep`, parents before their children), in creation order.
    pub fn child_folders(&self, parent: &BaseFolderId, deep: bool) -> Result<Vec<Folder>, StoreError> {
        let root = self.resolve_folder(parent)?;
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(p) = stack.pop() {
            if p != root {
                out.push(self.folder_element(p));
            }
            if p == root || deep {
                let children = self.folders.values().filter(|f| f.parent == Some(p)).map(|f| f.number);
                let children: Vec<u64> = children.collect();
                stack.extend(children.into_iter().rev());
            }
        }
        Ok(out)
    }

    /// The sub-folder of `parent` named `display_name` (case-insensitively), if any.
    pub fn find_folder(&self, parent: &BaseFolderId, display_name: &str) -> Result<Option<Folder>, StoreError> {
        let p = self.resolve_folder(parent)?;
        Ok(self.child_named(p, display_name).map(|n| self.folder_element(n)))
    }

    fn child_named(&self, parent: u64, name: &str) -> Option<u64> {
        let wanted = name.to_lowercase();
        self.folders
            .values()
            .find(|f| f.parent == Some(parent) && f.display_name.to_lowercase() == wanted)
            .map(|f| f.number)
    }

    /// `CreateFolder`: a sub-folder of `parent` from a folder element of the request. Its class is
    /// the element's `FolderClass`, else the element's kind (`ContactsFolder` → `IPF.Contact`,
    /// `CalendarFolder` → `IPF.Appointment`, `Folder` → `IPF.Note`). A sibling with the same name
    /// (ignoring case) is `ErrorFolderExists`; a missing display name or a server-maintained field
    /// (id, parent, counts) is `ErrorFolderSavePropertyError`. Returns the new folder.
    pub fn create_folder(&mut self, parent: &BaseFolderId, folder: &Folder) -> Result<Folder, StoreError> {
        let p = self.resolve_folder(parent)?;
        let base = folder.base();
        let name = base
            .display_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .ok_or(StoreError::FolderSave { reason: "the folder has no display name" })?;
        if base.folder_id.is_some()
            || base.parent_folder_id.is_some()
            || base.total_count.is_some()
            || base.child_folder_count.is_some()
            || base.distinguished_folder_id.is_some()
        {
            return Err(StoreError::FolderSave { reason: "the folder sets a field the server maintains" });
        }
        if self.child_named(p, name).is_some() {
            return Err(StoreError::FolderExists { name: name.to_owned() });
        }
        let class = folders::class_for_new(folder);
        let n = self.add_folder(Some(p), name.to_owned(), Some(class), None, base.extended_properties.clone());
        Ok(self.folder_element(n))
    }

    fn is_within(&self, mut folder: u64, ancestor: DistinguishedFolderName) -> bool {
        let Some(&target) = self.distinguished.get(&ancestor) else { return false };
        loop {
            if folder == target {
                return true;
            }
            match self.folders.get(&folder).and_then(|f| f.parent) {
                Some(p) => folder = p,
                None => return false,
            }
        }
    }

    // ---------------------------------------------------------------- items

    fn item_not_found(&self, id: &str) -> StoreError {
        StoreError::ItemNotFound { id: id.to_owned(), mailbox: self.address.clone() }
    }

    /// The number of a live item.
    pub(super) fn resolve_item(&self, id: &ItemId) -> Result<u64, StoreError> {
        let number = self.decode_item_number(&id.id)?;
        match self.items.get(&number) {
            Some(r) if r.live.is_some() => Ok(number),
            _ => Err(self.item_not_found(&id.id)),
        }
    }

    fn decode_item_number(&self, id: &str) -> Result<u64, StoreError> {
        let d = self.tokens.decode_id(id).ok_or_else(|| StoreError::MalformedId { id: id.to_owned() })?;
        match d.kind {
            ObjectKind::Item => {}
            ObjectKind::Occurrence => return Err(StoreError::OccurrenceChangeUnsupported { id: id.to_owned() }),
            ObjectKind::Folder => return Err(StoreError::FolderIdForItemId { id: id.to_owned() }),
        }
        if d.mailbox_tag != self.tokens.mailbox_tag() {
            return Err(StoreError::OtherMailbox { id: id.to_owned(), mailbox: self.address.clone() });
        }
        Ok(d.number)
    }

    pub(super) fn live(&self, number: u64) -> &LiveItem {
        self.items[&number].live.as_ref().expect("resolve_item returns live items only")
    }

    /// `GetItem`: the item as stored (the handler applies the response shape). The change key in
    /// `id` is not checked, as Exchange does not for reads.
    pub fn item(&self, id: &ItemId) -> Result<&Item, StoreError> {
        self.resolve_item(id).map(|n| &self.live(n).item)
    }

    /// `GetItem` of an item or of one occurrence of a recurring series (an id a
    /// [`calendar_view`](Self::calendar_view) handed out): an occurrence is made from its series
    /// as it is now, and is gone when the series no longer has it.
    pub fn item_or_occurrence(&self, id: &ItemId) -> Result<Cow<'_, Item>, StoreError> {
        self.item_by(&BaseItemId::Item(id.clone()))
    }

    /// `FindItem` with a `CalendarView` on a calendar folder: the single items and the
    /// occurrences of series overlapping the window, in start order (series themselves are not
    /// listed), at most `MaxEntriesReturned` of them. Series are expanded only in UTC
    /// ([`StoreError::SeriesTimeZoneUnsupported`] otherwise); the occurrences' ids are read with
    /// [`item_or_occurrence`](Self::item_or_occurrence).
    pub fn calendar_view(&self, folder: &BaseFolderId, view: &CalendarView) -> Result<FindPage, StoreError> {
        let f = self.resolve_folder(folder)?;
        let class = self.folders[&f].folder_class.as_deref();
        if !class_is(class, CALENDAR_FOLDER_CLASS) {
            return Err(StoreError::NotCalendarFolder { folder_class: class.map(str::to_owned) });
        }
        // A window without zone is read as UTC (the zone exchangelib and exsync send in TimeZoneContext).
        let utc = |t: &EwsDateTime| match t {
            EwsDateTime::Floating(f) => Some(f.and_utc()),
            zoned => zoned.to_utc(),
        };
        let (Some(from), Some(to)) = (utc(&view.start_date), utc(&view.end_date)) else {
            return Err(StoreError::EndBeforeStart);
        };
        if to < from {
            return Err(StoreError::EndBeforeStart);
        }
        let mut entries: Vec<(DateTime<Utc>, u64, u32, Item)> = Vec::new();
        for &n in &self.folders[&f].items {
            let Item::CalendarItem(c) = &self.live(n).item else { continue };
            if c.recurrence.is_some() {
                for (start, index, o) in self.view_occurrences(n, c, from, to)? {
                    entries.push((start, n, index, Item::CalendarItem(Box::new(o))));
                }
            } else if let Some((start, end)) = calendar_view::span(c)
                && calendar_view::overlaps(start, end, from, to)
            {
                entries.push((start, n, 0, Item::CalendarItem(c.clone())));
            }
        }
        entries.sort_by_key(|e| (e.0, e.1, e.2));
        let total = entries.len();
        let max = match view.max_entries_returned {
            None => usize::MAX,
            Some(m) => usize::try_from(m)
                .ok()
                .filter(|m| *m >= 1)
                .ok_or(StoreError::InvalidPaging { offset: 0, max_entries: Some(m) })?,
        };
        let items: Vec<Item> = entries.into_iter().take(max).map(|e| e.3).collect();
        Ok(FindPage {
            indexing_offset: items.len(),
            total_items_in_view: total,
            includes_last_item_in_range: items.len() == total,
            items,
        })
    }

    /// The items in a folder, in creation order.
    pub fn items(&self, folder: &BaseFolderId) -> Result<Vec<&Item>, StoreError> {
        let f = self.resolve_folder(folder)?;
        Ok(self.folders[&f].items.iter().map(|n| &self.live(*n).item).collect())
    }

    /// Stamps the server's fields on an item.
    fn stamp(&self, item: &mut Item, number: u64, folder: u64, change_number: u64, now: EwsDateTime) {
        let parent = self.folder_id_of(folder);
        let base = item.base_mut();
        base.item_id = Some(ItemId::with_change_key(
            self.tokens.id(ObjectKind::Item, number),
            self.tokens.change_key(change_number),
        ));
        base.parent_folder_id = Some(parent);
        base.last_modified_time = Some(now);
        base.last_modified_name = Some(self.display_name.clone());
        base.has_attachments.get_or_insert(false);
        base.size = None;
        if let Item::CalendarItem(c) = item {
            super::calendar_stamp::stamp_calendar(c, &self.address, &self.display_name);
        }
        let size = xml_size(item);
        item.base_mut().size = Some(size);
    }

    fn check_folder_takes(&self, folder: u64, item: &Item) -> Result<(), StoreError> {
        let class = self.folders[&folder].folder_class.as_deref();
        let (kind, needed) = match item {
            Item::Contact(_) => (ItemKind::Contact, CONTACT_FOLDER_CLASS),
            Item::CalendarItem(_) => (ItemKind::CalendarItem, CALENDAR_FOLDER_CLASS),
            Item::Other(o) if o.element == "Task" => (ItemKind::Task, TASK_FOLDER_CLASS),
            Item::Other(_) => return Ok(()),
        };
        if class_is(class, needed) {
            Ok(())
        } else {
            Err(StoreError::WrongFolderClass { kind, folder_class: class.map(str::to_owned) })
        }
    }

    /// Puts `item` into `folder` under a new number; logs it. `created` keeps the creation time of
    /// a moved item.
    fn insert(
        &mut self,
        folder: u64,
        mut item: Item,
        property_changes: BTreeMap<String, u64>,
        created: Option<EwsDateTime>,
    ) -> ItemId {
        let number = self.next_object();
        let cn = self.next_change();
        let now = self.now();
        let class = default_item_class(&item);
        if let Item::CalendarItem(c) = &mut item {
            c.uid.get_or_insert_with(|| self.tokens.calendar_uid(number));
        }
        {
            let base = item.base_mut();
            base.date_time_created = Some(created.unwrap_or(now));
            base.date_time_received.get_or_insert(now);
            base.item_class.get_or_insert_with(|| class.to_owned());
        }
        self.stamp(&mut item, number, folder, cn, now);
        let id = item.id().cloned().expect("stamped");
        let f = self.folders.get_mut(&folder).expect("resolved folder");
        f.items.insert(number);
        f.log.push(cn, number, LogOp::Added);
        self.items.insert(
            number,
            ItemRecord {
                folder,
                id: id.id.clone(),
                live: Some(LiveItem { item, change_number: cn, property_changes, exceptions: Default::default() }),
            },
        );
        id
    }

    /// Replaces a live item's content; bumps its change key; logs the change.
    pub(super) fn modify(&mut self, number: u64, mut item: Item) -> ItemId {
        let cn = self.next_change();
        let now = self.now();
        let folder = self.items[&number].folder;
        let old = &self.live(number).item;
        let changed = update::changed_properties(old, &item);
        {
            let (created, received) = (old.base().date_time_created, old.base().date_time_received);
            let base = item.base_mut();
            base.date_time_created = created;
            base.date_time_received = received;
        }
        self.stamp(&mut item, number, folder, cn, now);
        let id = item.id().cloned().expect("stamped");
        let live = self.items.get_mut(&number).and_then(|r| r.live.as_mut()).expect("live item");
        for k in changed {
            live.property_changes.insert(k, cn);
        }
        live.item = item;
        live.change_number = cn;
        self.folders.get_mut(&folder).expect("item's folder").log.push(cn, number, LogOp::Modified);
        id
    }

    /// Takes a live item out of its folder for good; logs the removal.
    fn remove(&mut self, number: u64) -> LiveItem {
        let cn = self.next_change();
        let record = self.items.get_mut(&number).expect("known item");
        let live = record.live.take().expect("live item");
        let f = self.folders.get_mut(&record.folder).expect("item's folder");
        f.items.remove(&number);
        f.log.push(cn, number, LogOp::Removed);
        live
    }

    /// Moves a live item: it leaves its folder and arrives in `to` with a new id.
    fn relocate(&mut self, number: u64, to: u64) -> ItemId {
        let live = self.remove(number);
        let created = live.item.base().date_time_created;
        self.insert(to, live.item, live.property_changes, created)
    }

    fn soft_delete(&mut self, number: u64) {
        let folder = self.items[&number].folder;
        match self.distinguished.get(&DistinguishedFolderName::Recoverableitemsdeletions) {
            Some(&dumpster) if !self.is_within(folder, DistinguishedFolderName::Recoverableitemsroot) => {
                self.relocate(number, dumpster);
            }
            _ => {
                self.remove(number);
            }
        }
    }

    /// Checks and stores a new item (shared by `CreateItem` and the side door).
    pub(super) fn create(&mut self, folder: &BaseFolderId, item: Item) -> Result<ItemId, StoreError> {
        let f = self.resolve_folder(folder)?;
        self.check_folder_takes(f, &item)?;
        if let Some(uri) = read_only_field_set(item.base()) {
            return Err(StoreError::InvalidPropertySet { path: uri.to_owned() });
        }
        update::check_calendar(&item)?;
        Ok(self.insert(f, item, BTreeMap::new(), None))
    }

    /// `CreateItem`: stores `item` in `folder` and returns its new id and change key. The item must
    /// not carry server-maintained fields (`ErrorInvalidPropertySet`); contacts need a contact
    /// folder and calendar items a calendar folder.
    pub fn create_item(&mut self, folder: &BaseFolderId, item: Item) -> Result<ItemId, StoreError> {
        self.create(folder, item)
    }

    /// `UpdateItem`: applies `updates` in order. If `id` carries a change key that is not the
    /// item's current one, `NeverOverwrite` fails with `ErrorIrresolvableConflict`; the other
    /// resolutions apply the update and count the conflicting properties. No change is made when
    /// any update fails.
    pub fn update_item(
        &mut self,
        id: &ItemId,
        updates: &[ItemUpdate],
        resolution: ConflictResolution,
    ) -> Result<UpdateOutcome, StoreError> {
        let number = self.resolve_item(id)?;
        let live = self.live(number);
        let mut conflicts = 0;
        if let Some(ck) = &id.change_key {
            let client_cn = self
                .tokens
                .decode_change_key(ck)
                .ok_or_else(|| StoreError::InvalidChangeKey { change_key: ck.clone() })?;
            if client_cn != live.change_number {
                if resolution == ConflictResolution::NeverOverwrite {
                    return Err(StoreError::IrresolvableConflict { id: id.id.clone(), change_key: ck.clone() });
                }
                let touched: BTreeSet<String> = updates.iter().map(|u| update::property_key(u.path())).collect();
                conflicts =
                    touched.iter().filter(|k| live.property_changes.get(*k).is_some_and(|&cn| cn > client_cn)).count()
                        as u32;
            }
        }
        let mut updated = update::apply(&live.item, updates)?;
        update::check_calendar(&updated)?;
        let outlived = self.exceptions_outlived(number, &live.item, &mut updated);
        let item_id = self.modify(number, updated);
        if outlived && let Some(live) = self.items.get_mut(&number).and_then(|r| r.live.as_mut()) {
            live.exceptions = Default::default();
        }
        Ok(UpdateOutcome { item_id, conflicts })
    }

    /// `DeleteItem`. `HardDelete` removes the item; `SoftDelete` moves it to Recoverable
    /// Items\Deletions (from there, it removes it); `MoveToDeletedItems` moves it to Deleted Items
    /// (from there, it soft-deletes). Any move gives the item a new id; in the source folder's
    /// sync it appears as deleted.
    pub fn delete_item(&mut self, id: &ItemId, how: DeleteType) -> Result<(), StoreError> {
        let number = self.resolve_item(id)?;
        let folder = self.items[&number].folder;
        match how {
            DeleteType::HardDelete => {
                self.remove(number);
            }
            DeleteType::SoftDelete => self.soft_delete(number),
            DeleteType::MoveToDeletedItems => match self.distinguished.get(&DistinguishedFolderName::Deleteditems) {
                Some(&deleted) if folder != deleted => {
                    self.relocate(number, deleted);
                }
                _ => self.soft_delete(number),
            },
        }
        Ok(())
    }

    /// `MoveItem`: the item leaves its folder and arrives in `to` with a new id, which is returned.
    /// Moving to the folder it is in changes nothing.
    pub fn move_item(&mut self, id: &ItemId, to: &BaseFolderId) -> Result<ItemId, StoreError> {
        let number = self.resolve_item(id)?;
        let dest = self.resolve_folder(to)?;
        if self.items[&number].folder == dest {
            return Ok(self.live(number).item.id().cloned().expect("stamped"));
        }
        Ok(self.relocate(number, dest))
    }

    /// `FindItem` (shallow, `IndexedPageItemView`): the items of `folder` matching `restriction`
    /// (all, without one), in creation order, paged by `view`. The sync engine finds its own items
    /// by their tag this way (`IsEqualTo` on an extended property).
    pub fn find_items(
        &self,
        folder: &BaseFolderId,
        restriction: Option<&Restriction>,
        view: &IndexedPageView,
    ) -> Result<FindPage, StoreError> {
        self.find_items_sorted(folder, restriction, &[], view)
    }

    /// `FindItem` with a `SortOrder`: as [`find_items`](Self::find_items), with the matching
    /// items sorted by `order` (first key first; text ignoring case, numbers and date-times by
    /// value; items without the property first in ascending order; ties in creation order) before
    /// the page is cut.
    pub fn find_items_sorted(
        &self,
        folder: &BaseFolderId,
        restriction: Option<&Restriction>,
        order: &[FieldOrder],
        view: &IndexedPageView,
    ) -> Result<FindPage, StoreError> {
        let f = self.resolve_folder(folder)?;
        let mut matching: Vec<&Item> = self.folders[&f]
            .items
            .iter()
            .map(|n| &self.live(*n).item)
            .filter(|i| restriction.is_none_or(|r| find::restriction_matches(r, i)))
            .collect();
        find::sort_items(&mut matching, order);
        let (range, includes_last) = find::window(view, matching.len())?;
        let items: Vec<Item> = matching[range].iter().map(|i| (*i).clone()).collect();
        Ok(FindPage {
            indexing_offset: view.offset.max(0) as usize + items.len(),
            total_items_in_view: matching.len(),
            includes_last_item_in_range: includes_last,
            items,
        })
    }

    /// `SyncFolderItems`: the changes in `folder` since `sync_state` (none or empty: from the
    /// beginning, so every item present comes as a Create), at most `max_changes`, one
    /// per item, collapsed as Exchange does: created and changed since the state is one Create;
    /// created and deleted since the state is nothing. Changes to the `ignore` items are not
    /// reported, and the new state counts them as seen. Any state this server issued for the folder
    /// stays valid, so a client can replay from an older one; a state that is corrupted, from
    /// another mailbox or server, or for another folder is `ErrorInvalidSyncStateData`.
    pub fn changes_since(
        &self,
        folder: &BaseFolderId,
        sync_state: Option<&str>,
        max_changes: MaxChangesReturned,
        ignore: &[ItemId],
    ) -> Result<SyncPage, StoreError> {
        let f = self.resolve_folder(folder)?;
        let state = match sync_state.map(str::trim).filter(|s| !s.is_empty()) {
            None => SyncState::initial(f),
            Some(text) => SyncState::decode(text, self.tokens.sync_state_key())
                .filter(|s| {
                    s.folder == f && s.watermark <= self.last_change && s.ahead.values().all(|&c| c <= self.last_change)
                })
                .ok_or(StoreError::InvalidSyncState)?,
        };
        let ignored = ignore.iter().map(|id| self.decode_item_number(&id.id)).collect::<Result<BTreeSet<_>, _>>()?;
        let page = next_page(&self.folders[&f].log, self.last_change, &state, usize::from(max_changes.get()), &ignored);
        let changes = page
            .changes
            .iter()
            .map(|&(number, change)| {
                let record = &self.items[&number];
                match change {
                    NetChange::Create => SyncChange::Create(self.live(number).item.clone()),
                    NetChange::Update => SyncChange::Update(self.live(number).item.clone()),
                    NetChange::Delete => SyncChange::Delete(ItemId::new(record.id.clone())),
                }
            })
            .collect();
        Ok(SyncPage {
            sync_state: page.state.encode(self.tokens.sync_state_key()),
            includes_last_item_in_range: page.includes_last,
            changes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::{CalendarItem, Contact, DistinguishedFolderId, Mailbox, OtherItem};
    use crate::sim::clock::ManualClock;
    use crate::sim::codec::MacKey;
    use chrono::{Duration, TimeZone, Utc};

    fn mailbox() -> (MailboxStore, ManualClock) {
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2025, 5, 1, 8, 0, 0).unwrap());
        let tokens = Tokens::new(MacKey::from_seed(3), "alice@contoso.com");
        (MailboxStore::new("alice@contoso.com", "Alice Wong", tokens, Arc::new(clock.clone())), clock)
    }

    fn well_known(name: DistinguishedFolderName) -> BaseFolderId {
        BaseFolderId::distinguished(name)
    }

    fn contact(name: &str) -> Item {
        Item::Contact(Box::new(Contact { display_name: Some(name.into()), ..Contact::default() }))
    }

    fn names(folders: &[Folder]) -> Vec<&str> {
        folders.iter().filter_map(Folder::display_name).collect()
    }

    #[test]
    fn new_mailboxes_have_the_well_known_tree() {
        let (m, _) = mailbox();
        let root = m.folder(&well_known(DistinguishedFolderName::Root)).unwrap();
        assert_eq!(root.base().parent_folder_id, None);
        assert_eq!(root.base().distinguished_folder_id, Some(DistinguishedFolderName::Root));
        let top = m.folder(&well_known(DistinguishedFolderName::Msgfolderroot)).unwrap();
        assert_eq!(top.base().parent_folder_id.as_ref().map(|f| &f.id), root.id().map(|f| &f.id));
        let contacts = m.folder(&well_known(DistinguishedFolderName::Contacts)).unwrap();
        assert_eq!(contacts.element_name(), "ContactsFolder");
        assert_eq!(contacts.base().folder_class.as_deref(), Some("IPF.Contact"));
        assert_eq!(contacts.base().parent_folder_id.as_ref().unwrap().id, top.id().unwrap().id);
        assert_eq!(contacts.base().total_count, Some(0));
        let calendar = m.folder(&well_known(DistinguishedFolderName::Calendar)).unwrap();
        assert_eq!(calendar.element_name(), "CalendarFolder");
        assert_eq!(m.folder(&well_known(DistinguishedFolderName::Tasks)).unwrap().element_name(), "TasksFolder");
        assert_eq!(m.folder(&well_known(DistinguishedFolderName::Inbox)).unwrap().element_name(), "Folder");
        let shallow = m.child_folders(&well_known(DistinguishedFolderName::Root), false).unwrap();
        let deep = m.child_folders(&well_known(DistinguishedFolderName::Root), true).unwrap();
        assert_eq!(names(&shallow), vec!["Top of Information Store", "Recoverable Items"]);
        let deep_names = names(&deep);
        assert_eq!(deep_names.len(), WELL_KNOWN.len() - 1);
        assert_eq!(&deep_names[..3], &["Top of Information Store", "Calendar", "Contacts"]);
        let top_pos = deep_names.iter().position(|n| *n == "Recoverable Items").unwrap();
        assert_eq!(deep_names[top_pos + 1], "Deletions");
        assert_eq!(top.base().child_folder_count, Some(11));
        assert!(matches!(
            m.folder(&well_known(DistinguishedFolderName::Archiveroot)),
            Err(StoreError::FolderNotFound { .. })
        ));
    }

    #[test]
    fn distinguished_folders_of_other_mailboxes_are_refused() {
        let (m, _) = mailbox();
        let mut d = DistinguishedFolderId::new(DistinguishedFolderName::Contacts);
        d.mailbox = Some(Mailbox::smtp("ALICE@contoso.com"));
        assert!(m.folder(&BaseFolderId::Distinguished(d.clone())).is_ok());
        d.mailbox = Some(Mailbox::smtp("bob@contoso.com"));
        assert!(matches!(m.folder(&BaseFolderId::Distinguished(d)), Err(StoreError::OtherMailbox { .. })));
    }

    #[test]
    fn created_folders_keep_their_element_and_properties() {
        let (mut m, _) = mailbox();
        let contacts = well_known(DistinguishedFolderName::Contacts);
        let made = m.create_folder(&contacts, &Folder::contacts("Clients")).unwrap();
        assert_eq!(made.element_name(), "ContactsFolder");
        assert_eq!(made.display_name(), Some("Clients"));
        assert!(made.id().and_then(|i| i.change_key.as_ref()).is_some());
        let e = m.create_folder(&contacts, &Folder::generic("  ", None)).unwrap_err();
        assert_eq!(e.response_code().as_str(), "ErrorFolderSavePropertyError");
        let mut with_id = Folder::generic("X", None);
        with_id.base_mut().folder_id = Some(FolderId::new("AAMk"));
        assert!(matches!(m.create_folder(&contacts, &with_id), Err(StoreError::FolderSave { .. })));
        let plain = m.create_folder(&contacts, &Folder::generic("Notes", None)).unwrap();
        assert_eq!(plain.base().folder_class.as_deref(), Some("IPF.Note"));
        assert_eq!(m.folder(&contacts).unwrap().base().child_folder_count, Some(2));
    }

    #[test]
    fn created_items_are_stamped_by_the_server() {
        let (mut m, clock) = mailbox();
        let contacts = well_known(DistinguishedFolderName::Contacts);
        let id = m.create_item(&contacts, contact("Dana")).unwrap();
        let item = m.item(&id).unwrap();
        let base = item.base();
        assert_eq!(base.item_id.as_ref(), Some(&id));
        assert_eq!(
            base.parent_folder_id.as_ref().unwrap().id,
            m.folder_id(DistinguishedFolderName::Contacts).unwrap().id
        );
        assert_eq!(base.item_class.as_deref(), Some("IPM.Contact"));
        assert_eq!(base.last_modified_name.as_deref(), Some("Alice Wong"));
        assert_eq!(base.date_time_created.unwrap().to_string(), "2025-05-01T08:00:00Z");
        assert_eq!(base.last_modified_time, base.date_time_created);
        assert!(base.size.unwrap() > 0);
        assert_eq!(m.folder(&contacts).unwrap().base().total_count, Some(1));

        clock.advance(Duration::minutes(10));
        let id2 = m.side_door().change(&id, |i| i.base_mut().subject = Some("x".into())).unwrap();
        assert_eq!(id2.id, id.id);
        assert_ne!(id2.change_key, id.change_key);
        let base = m.item(&id2).unwrap().base();
        assert_eq!(base.last_modified_time.unwrap().to_string(), "2025-05-01T08:10:00Z");
        assert_eq!(base.date_time_created.unwrap().to_string(), "2025-05-01T08:00:00Z");
    }

    #[test]
    fn calendar_items_get_a_uid_unless_they_bring_one() {
        let (mut m, _) = mailbox();
        let calendar = well_known(DistinguishedFolderName::Calendar);
        let a = m.create_item(&calendar, Item::CalendarItem(Box::default())).unwrap();
        let b = m.create_item(&calendar, Item::CalendarItem(Box::default())).unwrap();
        let uid = |m: &MailboxStore, id: &ItemId| match m.item(id).unwrap() {
            Item::CalendarItem(c) => c.uid.clone().unwrap(),
            _ => unreachable!(),
        };
        assert_ne!(uid(&m, &a), uid(&m, &b));
        let own = CalendarItem { uid: Some("event-42@crm.example".into()), ..CalendarItem::default() };
        let c = m.create_item(&calendar, Item::CalendarItem(Box::new(own))).unwrap();
        assert_eq!(uid(&m, &c), "event-42@crm.example");
    }

    #[test]
    fn clients_may_not_set_server_fields_on_create() {
        let (mut m, _) = mailbox();
        let mut c = contact("Dana");
        c.base_mut().last_modified_time = EwsDateTime::parse("2020-01-01T00:00:00Z");
        let err = m.create_item(&well_known(DistinguishedFolderName::Contacts), c).unwrap_err();
        assert_eq!(err, StoreError::InvalidPropertySet { path: "item:LastModifiedTime".into() });
    }

    #[test]
    fn kinds_need_their_folder_class() {
        let (mut m, _) = mailbox();
        let inbox = well_known(DistinguishedFolderName::Inbox);
        let e = m.create_item(&inbox, contact("x")).unwrap_err();
        assert_eq!(e.response_code().as_str(), "ErrorCannotCreateContactInNonContactFolder");
        let e = m.create_item(&inbox, Item::CalendarItem(Box::default())).unwrap_err();
        assert_eq!(e.response_code().as_str(), "ErrorCannotCreateCalendarItemInNonCalendarFolder");
        let task = Item::Other(Box::new(OtherItem { element: "Task".into(), item: ItemBase::default() }));
        assert!(m.create_item(&inbox, task.clone()).is_err());
        assert!(m.create_item(&well_known(DistinguishedFolderName::Tasks), task).is_ok());
        let message = Item::Other(Box::new(OtherItem { element: "Message".into(), item: ItemBase::default() }));
        let id = m.create_item(&inbox, message).unwrap();
        assert_eq!(m.item(&id).unwrap().base().item_class.as_deref(), Some("IPM.Note"));
    }

    #[test]
    fn soft_deleted_items_go_to_recoverable_items_and_then_away() {
        let (mut m, _) = mailbox();
        let contacts = well_known(DistinguishedFolderName::Contacts);
        let dumpster = well_known(DistinguishedFolderName::Recoverableitemsdeletions);
        let id = m.create_item(&contacts, contact("x")).unwrap();
        m.delete_item(&id, DeleteType::SoftDelete).unwrap();
        assert!(matches!(m.item(&id), Err(StoreError::ItemNotFound { .. })));
        let moved = m.items(&dumpster).unwrap()[0].id().cloned().unwrap();
        assert_ne!(moved.id, id.id);
        m.delete_item(&moved, DeleteType::SoftDelete).unwrap();
        assert!(m.items(&dumpster).unwrap().is_empty());
    }

    #[test]
    fn deleting_from_deleted_items_soft_deletes() {
        let (mut m, _) = mailbox();
        let contacts = well_known(DistinguishedFolderName::Contacts);
        let deleted = well_known(DistinguishedFolderName::Deleteditems);
        let id = m.create_item(&contacts, contact("x")).unwrap();
        m.delete_item(&id, DeleteType::MoveToDeletedItems).unwrap();
        let in_deleted = m.items(&deleted).unwrap()[0].id().cloned().unwrap();
        m.delete_item(&in_deleted, DeleteType::MoveToDeletedItems).unwrap();
        assert!(m.items(&deleted).unwrap().is_empty());
        assert_eq!(m.items(&well_known(DistinguishedFolderName::Recoverableitemsdeletions)).unwrap().len(), 1);
    }

    #[test]
    fn moving_to_the_same_folder_changes_nothing() {
        let (mut m, _) = mailbox();
        let contacts = well_known(DistinguishedFolderName::Contacts);
        let id = m.create_item(&contacts, contact("x")).unwrap();
        let before = m.last_change_number();
        assert_eq!(m.move_item(&id, &contacts).unwrap(), id);
        assert_eq!(m.last_change_number(), before);
    }

    #[test]
    fn folder_and_item_ids_are_not_interchangeable() {
        let (mut m, _) = mailbox();
        let contacts = well_known(DistinguishedFolderName::Contacts);
        let id = m.create_item(&contacts, contact("x")).unwrap();
        let folder_id = m.folder_id(DistinguishedFolderName::Contacts).unwrap();
        assert!(matches!(m.item(&ItemId::new(folder_id.id)), Err(StoreError::FolderIdForItemId { .. })));
        let as_folder = BaseFolderId::Folder(FolderId::new(id.id));
        assert!(matches!(m.folder(&as_folder), Err(StoreError::ItemIdForFolderId { .. })));
    }
}
