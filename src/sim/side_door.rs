//! The side door: changes made as if the mailbox owner did them in Outlook, bypassing EWS (no
//! change-key checks, no request), with the same change tracking, so sync clients see them.

use std::mem;

use crate::ews::{
    BaseFolderId, BaseItemId, ConflictResolution, DeleteType, Item, ItemId, ItemUpdate, OccurrenceItemId,
};

use super::error::StoreError;
use super::mailbox::MailboxStore;

/// Owner edits of a mailbox; get one with [`MailboxStore::side_door`].
///
/// ```
/// use exsync::ews::{BaseFolderId, Contact, DistinguishedFolderName, Item};
/// use exsync::sim::Store;
///
/// let mut store = Store::with_system_clock(1);
/// let alice = store.add_mailbox("alice@contoso.com", "Alice").unwrap();
/// let contacts = BaseFolderId::distinguished(DistinguishedFolderName::Contacts);
/// let mut door = alice.side_door();
/// let id = door.create(&contacts, Item::Contact(Box::default())).unwrap();
/// let id = door
///     .change(&id, |item| {
///         if let Item::Contact(c) = item {
///             c.display_name = Some("Dana".into());
///         }
///     })
///     .unwrap();
/// door.delete(&id).unwrap();
/// ```
#[derive(Debug)]
pub struct SideDoor<'a> {
    mailbox: &'a mut MailboxStore,
}

impl<'a> SideDoor<'a> {
    pub(super) fn new(mailbox: &'a mut MailboxStore) -> Self {
        SideDoor { mailbox }
    }

    /// Creates an item in a folder (the folder must take its kind, as in Outlook); returns its id.
    pub fn create(&mut self, folder: &BaseFolderId, item: Item) -> Result<ItemId, StoreError> {
        self.mailbox.create(folder, item)
    }

    /// Edits an item in place, whatever change key the caller last saw; returns the id with the new
    /// change key. The server's fields (id, parent, times, size) are re-stamped after `edit`; an
    /// edit that turns the item into another kind is refused (`ErrorInvalidPropertySet`).
    pub fn change(&mut self, id: &ItemId, edit: impl FnOnce(&mut Item)) -> Result<ItemId, StoreError> {
        let number = self.mailbox.resolve_item(id)?;
        let before = &self.mailbox.live(number).item;
        let mut after = before.clone();
        edit(&mut after);
        if mem::discriminant(before) != mem::discriminant(&after) {
            return Err(StoreError::InvalidPropertySet { path: "item kind".to_owned() });
        }
        super::update::check_calendar(&after)?;
        Ok(self.mailbox.modify(number, after))
    }

    /// Deletes an item the way Outlook's Delete key does: to Deleted Items (from Deleted Items,
    /// to Recoverable Items).
    pub fn delete(&mut self, id: &ItemId) -> Result<(), StoreError> {
        self.mailbox.delete_item(id, DeleteType::MoveToDeletedItems)
    }

    /// Deletes an item in the given way (`HardDelete` is Shift+Delete and purge).
    pub fn delete_with(&mut self, id: &ItemId, how: DeleteType) -> Result<(), StoreError> {
        self.mailbox.delete_item(id, how)
    }

    /// Edits occurrence `instance_index` (1 for the first) of the series `master` as Outlook does
    /// (it becomes a modified occurrence, the master changes); returns the occurrence's id.
    pub fn change_occurrence(
        &mut self,
        master: &ItemId,
        instance_index: i32,
        updates: &[ItemUpdate],
    ) -> Result<ItemId, StoreError> {
        let id = BaseItemId::Occurrence(OccurrenceItemId::new(master.id.clone(), instance_index));
        self.mailbox.update_by(&id, updates, ConflictResolution::AlwaysOverwrite).map(|o| o.item_id)
    }

    /// Deletes occurrence `instance_index` (1 for the first) of the series `master` from it.
    pub fn delete_occurrence(&mut self, master: &ItemId, instance_index: i32) -> Result<(), StoreError> {
        let id = BaseItemId::Occurrence(OccurrenceItemId::new(master.id.clone(), instance_index));
        self.mailbox.delete_by(&id, DeleteType::MoveToDeletedItems)
    }

    /// Drags an item to another folder; returns its new id.
    pub fn move_item(&mut self, id: &ItemId, to: &BaseFolderId) -> Result<ItemId, StoreError> {
        self.mailbox.move_item(id, to)
    }

    /// The mailbox, to read it.
    pub fn mailbox(&self) -> &MailboxStore {
        self.mailbox
    }
}
