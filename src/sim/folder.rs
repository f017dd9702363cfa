//! Folders: the well-known tree every mailbox starts with, and what `GetFolder` shows of a folder.

use std::collections::BTreeSet;

use crate::ews::{DistinguishedFolderName, FolderId};

use super::change_log::ChangeLog;

/// Folder class of contact folders.
pub const CONTACT_FOLDER_CLASS: &str = "IPF.Contact";
/// Folder class of calendar folders.
pub const CALENDAR_FOLDER_CLASS: &str = "IPF.Appointment";
/// Folder class of task folders.
pub const TASK_FOLDER_CLASS: &str = "IPF.Task";
/// Folder class of mail folders.
pub const MAIL_FOLDER_CLASS: &str = "IPF.Note";

/// A folder as `GetFolder` and `FindFolder` show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderInfo {
    /// The folder's id and current change key.
    pub folder_id: FolderId,
    /// The parent's id (none for the mailbox root).
    pub parent_folder_id: Option<FolderId>,
    /// The display name (`Contacts`, `Calendar`, a user's sub-folder name).
    pub display_name: String,
    /// `IPF.Contact`, `IPF.Appointment`, `IPF.Note`, …; none for the roots.
    pub folder_class: Option<String>,
    /// Which well-known folder this is, if any.
    pub distinguished: Option<DistinguishedFolderName>,
    /// Items in the folder.
    pub total_count: u32,
    /// Direct sub-folders.
    pub child_folder_count: u32,
    /// Unread items (the store has no read state, so always 0).
    pub unread_count: u32,
}

impl FolderInfo {
    /// Whether the folder holds contacts (`IPF.Contact` or a subclass).
    pub fn is_contacts(&self) -> bool {
        class_is(self.folder_class.as_deref(), CONTACT_FOLDER_CLASS)
    }

    /// Whether the folder holds calendar items (`IPF.Appointment` or a subclass).
    pub fn is_calendar(&self) -> bool {
        class_is(self.folder_class.as_deref(), CALENDAR_FOLDER_CLASS)
    }
}

/// Whether `class` is `base` or a subclass of it (`IPF.Contact.Custom`).
pub(crate) fn class_is(class: Option<&str>, base: &str) -> bool {
    class.is_some_and(|c| {
        c.get(..base.len()).is_some_and(|head| head.eq_ignore_ascii_case(base))
            && (c.len() == base.len() || c.as_bytes()[base.len()] == b'.')
    })
}

/// A folder in the store.
#[derive(Debug, Clone)]
pub(crate) struct Folder {
    /// The folder's object number.
    pub(crate) number: u64,
    /// The parent's object number.
    pub(crate) parent: Option<u64>,
    /// Display name.
    pub(crate) display_name: String,
    /// Folder class.
    pub(crate) folder_class: Option<String>,
    /// Which well-known folder this is.
    pub(crate) distinguished: Option<DistinguishedFolderName>,
    /// Change number of the folder's last change (for its change key).
    pub(crate) change_number: u64,
    /// The items in it (object numbers).
    pub(crate) items: BTreeSet<u64>,
    /// Its item change log.
    pub(crate) log: ChangeLog,
}

/// The well-known folders a new mailbox has: name, parent, display name, folder class. Parents come
/// before their children.
pub(crate) const WELL_KNOWN: &[(DistinguishedFolderName, Option<DistinguishedFolderName>, &str, Option<&str>)] = {
    use DistinguishedFolderName as D;
    &[
        (D::Root, None, "", None),
        (D::Msgfolderroot, Some(D::Root), "Top of Information Store", None),
        (D::Calendar, Some(D::Msgfolderroot), "Calendar", Some(CALENDAR_FOLDER_CLASS)),
        (D::Contacts, Some(D::Msgfolderroot), "Contacts", Some(CONTACT_FOLDER_CLASS)),
        (D::Deleteditems, Some(D::Msgfolderroot), "Deleted Items", Some(MAIL_FOLDER_CLASS)),
        (D::Drafts, Some(D::Msgfolderroot), "Drafts", Some(MAIL_FOLDER_CLASS)),
        (D::Inbox, Some(D::Msgfolderroot), "Inbox", Some(MAIL_FOLDER_CLASS)),
        (D::Journal, Some(D::Msgfolderroot), "Journal", Some("IPF.Journal")),
        (D::Junkemail, Some(D::Msgfolderroot), "Junk Email", Some(MAIL_FOLDER_CLASS)),
        (D::Notes, Some(D::Msgfolderroot), "Notes", Some("IPF.StickyNote")),
        (D::Outbox, Some(D::Msgfolderroot), "Outbox", Some(MAIL_FOLDER_CLASS)),
        (D::Sentitems, Some(D::Msgfolderroot), "Sent Items", Some(MAIL_FOLDER_CLASS)),
        (D::Tasks, Some(D::Msgfolderroot), "Tasks", Some(TASK_FOLDER_CLASS)),
        (D::Recoverableitemsroot, Some(D::Root), "Recoverable Items", None),
        (D::Recoverableitemsdeletions, Some(D::Recoverableitemsroot), "Deletions", None),
        (D::Recoverableitemsversions, Some(D::Recoverableitemsroot), "Versions", None),
        (D::Recoverableitemspurges, Some(D::Recoverableitemsroot), "Purges", None),
    ]
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_classes_match_with_subclasses() {
        assert!(class_is(Some("IPF.Contact"), CONTACT_FOLDER_CLASS));
        assert!(class_is(Some("ipf.contact.MOC.QuickContacts"), CONTACT_FOLDER_CLASS));
        assert!(!class_is(Some("IPF.ContactX"), CONTACT_FOLDER_CLASS));
        assert!(!class_is(Some("IPF.Note"), CONTACT_FOLDER_CLASS));
        assert!(!class_is(None, CONTACT_FOLDER_CLASS));
    }

    #[test]
    fn well_known_parents_come_first() {
        for (i, (_, parent, _, _)) in WELL_KNOWN.iter().enumerate() {
            if let Some(p) = parent {
                assert!(WELL_KNOWN[..i].iter().any(|(n, ..)| n == p));
            }
        }
    }
}
