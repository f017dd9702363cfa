//! Strategies for the parts of requests that item and folder operations share: property paths,
//! item and folder shapes, folder ids and their mailboxes.
//!
//! Strategies taking `compat: bool` generate, when `compat` is true, only what the Exchange 2010 SP2
//! schema also accepts (older distinguished folder names, mailbox types and property sets), so the
//! same documents validate against both schemas.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

use exsync::ews::*;

use super::base::*;

/// Unindexed field URIs both schemas list (Exchange 2010 SP2 and current).
pub const FIELD_URIS: &[&str] = &[
    "folder:DisplayName",
    "folder:FolderClass",
    "folder:TotalCount",
    "folder:ChildFolderCount",
    "folder:UnreadCount",
    "item:Subject",
    "item:ItemClass",
    "item:DateTimeReceived",
    "item:DateTimeCreated",
    "item:LastModifiedTime",
    "item:Categories",
    "item:Body",
    "item:Size",
    "item:ItemId",
    "item:ParentFolderId",
    "item:Importance",
    "item:Sensitivity",
    "item:ReminderIsSet",
    "item:ReminderMinutesBeforeStart",
    "item:Culture",
    "calendar:Start",
    "calendar:End",
    "calendar:Location",
    "calendar:IsRecurring",
    "calendar:UID",
    "calendar:IsAllDayEvent",
    "calendar:Recurrence",
    "calendar:RequiredAttendees",
    "contacts:DisplayName",
    "contacts:GivenName",
    "contacts:Surname",
    "contacts:CompanyName",
    "contacts:EmailAddresses",
    "contacts:PhoneNumbers",
    "contacts:Birthday",
];

/// The distinguished folder names the Exchange 2010 SP2 schema lists.
pub const FOLDER_NAMES_2010: &[DistinguishedFolderName] = &[
    DistinguishedFolderName::Calendar,
    DistinguishedFolderName::Contacts,
    DistinguishedFolderName::Deleteditems,
    DistinguishedFolderName::Drafts,
    DistinguishedFolderName::Inbox,
    DistinguishedFolderName::Journal,
    DistinguishedFolderName::Notes,
    DistinguishedFolderName::Outbox,
    DistinguishedFolderName::Sentitems,
    DistinguishedFolderName::Tasks,
    DistinguishedFolderName::Msgfolderroot,
    DistinguishedFolderName::Publicfoldersroot,
    DistinguishedFolderName::Root,
    DistinguishedFolderName::Junkemail,
    DistinguishedFolderName::Searchfolders,
    DistinguishedFolderName::Voicemail,
    DistinguishedFolderName::Recoverableitemsroot,
    DistinguishedFolderName::Recoverableitemsdeletions,
    DistinguishedFolderName::Recoverableitemsversions,
    DistinguishedFolderName::Recoverableitemspurges,
    DistinguishedFolderName::Archiveroot,
    DistinguishedFolderName::Archivemsgfolderroot,
    DistinguishedFolderName::Archivedeleteditems,
    DistinguishedFolderName::Archiverecoverableitemsroot,
    DistinguishedFolderName::Archiverecoverableitemsdeletions,
    DistinguishedFolderName::Archiverecoverableitemsversions,
    DistinguishedFolderName::Archiverecoverableitemspurges,
];

/// An extended property path (only property sets Exchange 2010 SP2 knows when `compat`).
pub fn extended_field(compat: bool) -> impl Strategy<Value = ExtendedFieldUri> {
    extended_field_uri().prop_filter("Sharing is not in the 2010 SP2 schema", move |e| {
        !compat || e.is_supported_by(ExchangeVersion::Exchange2010Sp2)
    })
}

/// Any property path.
pub fn property_path(compat: bool) -> impl Strategy<Value = PropertyPath> {
    prop_oneof![
        proptest::sample::select(FIELD_URIS).prop_map(PropertyPath::field),
        (
            proptest::sample::select(DictionaryUri::ALL),
            prop_oneof![
                select(&["EmailAddress1", "BusinessPhone", "Business", "X-Custom"][..]).prop_map(str::to_owned),
                "[A-Za-z][A-Za-z0-9]{0,15}",
            ]
        )
            .prop_map(|(field_uri, field_index)| PropertyPath::Indexed { field_uri, field_index }),
        extended_field(compat).prop_map(PropertyPath::Extended),
    ]
}

/// A mailbox (fit for Exchange 2010 SP2 when `compat`).
pub fn mailbox_for(compat: bool) -> impl Strategy<Value = Mailbox> {
    mailbox().prop_map(move |mut m| {
        if compat {
            m.retain_supported(ExchangeVersion::Exchange2010Sp2);
        }
        m
    })
}

pub fn folder_name(compat: bool) -> BoxedStrategy<DistinguishedFolderName> {
    if compat {
        proptest::sample::select(FOLDER_NAMES_2010).boxed()
    } else {
        proptest::sample::select(DistinguishedFolderName::ALL).boxed()
    }
}

/// A folder by id, or a distinguished folder (possibly of another mailbox).
pub fn base_folder_id(compat: bool) -> impl Strategy<Value = BaseFolderId> {
    prop_oneof![
        folder_id().prop_map(BaseFolderId::Folder),
        (folder_name(compat), option::of(opaque_id()), option::of(mailbox_for(compat))).prop_map(
            |(id, change_key, mailbox)| BaseFolderId::Distinguished(DistinguishedFolderId { id, change_key, mailbox })
        ),
    ]
}

pub fn base_shape() -> impl Strategy<Value = BaseShape> {
    proptest::sample::select(BaseShape::ALL)
}

pub fn item_shape(compat: bool) -> impl Strategy<Value = ItemShape> {
    (
        base_shape(),
        option::of(any::<bool>()),
        option::of(proptest::sample::select(BodyTypeResponse::ALL)),
        vec(property_path(compat), 0..3),
    )
        .prop_map(|(base_shape, include_mime_content, body_type, additional_properties)| ItemShape {
            base_shape,
            include_mime_content,
            body_type,
            additional_properties,
        })
}

pub fn folder_shape(compat: bool) -> impl Strategy<Value = FolderShape> {
    (base_shape(), vec(property_path(compat), 0..3))
        .prop_map(|(base_shape, additional_properties)| FolderShape { base_shape, additional_properties })
}
