//! Folders: the well-known tree every mailbox starts with, folder classes, and the folder element
//! (`t:Folder`, `t:ContactsFolder`, …) `GetFolder` shows for a folder.

use std::collections::BTreeSet;

use crate::ews::{
    self, CalendarFolder, ContactsFolder, DistinguishedFolderName, ExtendedProperty, FolderBase, GenericFolder,
    OtherFolder,
};

use super::change_log::ChangeLog;

/// Folder class of contact folders.
pub(crate) const CONTACT_FOLDER_CLASS: &str = "IPF.Contact";
/// Folder class of calendar folders.
pub(crate) const CALENDAR_FOLDER_CLASS: &str = "IPF.Appointment";
/// Folder class of task folders.
pub(crate) const TASK_FOLDER_CLASS: &str = "IPF.Task";
/// Folder class of mail folders.
pub(crate) const MAIL_FOLDER_CLASS: &str = "IPF.Note";

/// The folder class a `CreateFolder` folder element gets: its own `FolderClass`, else the one its
/// element implies (`ContactsFolder` → `IPF.Contact`, `CalendarFolder` → `IPF.Appointment`,
/// `TasksFolder` → `IPF.Task`, `Folder` → `IPF.Note`).
pub(crate) fn class_for_new(folder: &ews::Folder) -> String {
    if let Some(c) = folder.base().folder_class.as_deref().filter(|c| !c.trim().is_empty()) {
        return c.to_owned();
    }
    match folder {
        ews::Folder::Contacts(_) => CONTACT_FOLDER_CLASS,
        ews::Folder::Calendar(_) => CALENDAR_FOLDER_CLASS,
        ews::Folder::Other(o) if o.element == "TasksFolder" => TASK_FOLDER_CLASS,
        _ => MAIL_FOLDER_CLASS,
    }
    .to_owned()
}

/// The folder element for a folder of this class, holding `base` (`ContactsFolder` for contact
/// folders, `CalendarFolder` for calendars, `TasksFolder` for task folders, `Folder` otherwise).
pub(crate) fn element_for(class: Option<&str>, base: FolderBase) -> ews::Folder {
    if class_is(class, CONTACT_FOLDER_CLASS) {
        ews::Folder::Contacts(ContactsFolder { base, ..ContactsFolder::default() })
    } else if class_is(class, CALENDAR_FOLDER_CLASS) {
        ews::Folder::Calendar(CalendarFolder { base, ..CalendarFolder::default() })
    } else if class_is(class, TASK_FOLDER_CLASS) {
        ews::Folder::Other(OtherFolder { element: "TasksFolder".to_owned(), base, unread_count: Some(0) })
    } else {
        ews::Folder::Generic(GenericFolder { base, unread_count: Some(0) })
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
    /// Extended properties given at creation.
    pub(crate) extended_properties: Vec<ExtendedProperty>,
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
    fn new_folders_get_the_class_of_their_element() {
        assert_eq!(class_for_new(&ews::Folder::contacts("A")), "IPF.Contact");
        assert_eq!(class_for_new(&ews::Folder::calendar("A")), "IPF.Appointment");
        assert_eq!(class_for_new(&ews::Folder::generic("A", None)), "IPF.Note");
        assert_eq!(class_for_new(&ews::Folder::generic("A", Some("IPF.Contact"))), "IPF.Contact");
        let tasks = ews::Folder::Other(OtherFolder {
            element: "TasksFolder".into(),
            base: FolderBase::named("T", None),
            unread_count: None,
        });
        assert_eq!(class_for_new(&tasks), "IPF.Task");
        assert!(matches!(element_for(Some("IPF.Contact.X"), FolderBase::default()), ews::Folder::Contacts(_)));
        assert!(matches!(element_for(Some("IPF.Appointment"), FolderBase::default()), ews::Folder::Calendar(_)));
        assert!(matches!(element_for(None, FolderBase::default()), ews::Folder::Generic(_)));
        assert_eq!(element_for(Some("IPF.Task"), FolderBase::default()).element_name(), "TasksFolder");
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
