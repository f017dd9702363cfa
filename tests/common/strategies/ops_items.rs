//! Strategies for the item operations (`SyncFolderItems`, `GetItem`, `CreateItem`, `UpdateItem`),
//! their responses, and the response parts they share (statuses, `MessageXml`, SOAP faults).

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

use exsync::ews::*;

use super::base::{item, item_id, opaque_id, smtp, text, word};

/// Field URIs that both the current and the Exchange 2010 SP2 schema list.
pub const COMMON_FIELD_URIS: &[&str] = &[
    "item:ItemId",
    "item:ParentFolderId",
    "item:ItemClass",
    "item:Subject",
    "item:Body",
    "item:Categories",
    "item:Importance",
    "item:Sensitivity",
    "item:ReminderIsSet",
    "item:ReminderMinutesBeforeStart",
    "item:LastModifiedTime",
    "item:Culture",
    "calendar:Start",
    "calendar:End",
    "calendar:IsAllDayEvent",
    "calendar:Location",
    "calendar:Recurrence",
    "calendar:UID",
    "calendar:RequiredAttendees",
    "contacts:DisplayName",
    "contacts:GivenName",
    "contacts:Surname",
    "contacts:CompanyName",
    "contacts:EmailAddresses",
    "contacts:PhoneNumbers",
    "contacts:Birthday",
];

/// Distinguished folders both schemas know.
pub const COMMON_FOLDERS: &[DistinguishedFolderName] = &[
    DistinguishedFolderName::Calendar,
    DistinguishedFolderName::Contacts,
    DistinguishedFolderName::Deleteditems,
    DistinguishedFolderName::Drafts,
    DistinguishedFolderName::Inbox,
    DistinguishedFolderName::Notes,
    DistinguishedFolderName::Sentitems,
    DistinguishedFolderName::Tasks,
    DistinguishedFolderName::Msgfolderroot,
    DistinguishedFolderName::Root,
];

/// A property path: a listed field URI, an indexed field, or a MAPI property.
pub fn property_path() -> impl Strategy<Value = PropertyPath> {
    prop_oneof![
        select(COMMON_FIELD_URIS).prop_map(PropertyPath::field),
        (select(DictionaryUri::ALL), "[A-Za-z][A-Za-z0-9]{0,15}")
            .prop_map(|(field_uri, field_index)| PropertyPath::Indexed { field_uri, field_index }),
        super::base::extended_field_uri().prop_map(PropertyPath::Extended),
    ]
}

pub fn item_shape() -> impl Strategy<Value = ItemShape> {
    (
        select(BaseShape::ALL),
        option::of(any::<bool>()),
        option::of(select(BodyTypeResponse::ALL)),
        vec(property_path(), 0..4),
    )
        .prop_map(|(base_shape, include_mime_content, body_type, additional_properties)| ItemShape {
            base_shape,
            include_mime_content,
            body_type,
            additional_properties,
        })
}

/// A folder by id, or a distinguished folder (possibly in another user's mailbox).
pub fn base_folder_id() -> impl Strategy<Value = BaseFolderId> {
    prop_oneof![
        super::base::folder_id().prop_map(BaseFolderId::Folder),
        (select(COMMON_FOLDERS), option::of(opaque_id()), option::of(smtp())).prop_map(|(id, change_key, smtp)| {
            BaseFolderId::Distinguished(DistinguishedFolderId {
                id,
                change_key,
                mailbox: smtp.map(|s| Mailbox {
                    name: None,
                    email_address: Some(s),
                    routing_type: None,
                    mailbox_type: None,
                    item_id: None,
                    original_display_name: None,
                }),
            })
        }),
    ]
}

pub fn request_header() -> impl Strategy<Value = RequestHeader> {
    (select(ExchangeVersion::STEP_DOWN), option::of(smtp())).prop_map(|(v, who)| match who {
        Some(who) => RequestHeader::impersonating(v, who),
        None => RequestHeader::new(v),
    })
}

pub fn max_changes() -> impl Strategy<Value = MaxChangesReturned> {
    prop_oneof![Just(1i64), Just(512i64), 1i64..=512].prop_map(|n| MaxChangesReturned::new(n).unwrap())
}

pub fn sync_folder_items() -> impl Strategy<Value = SyncFolderItems> {
    (
        item_shape(),
        base_folder_id(),
        option::of(opaque_id()),
        vec(item_id(), 0..4),
        max_changes(),
        option::of(select(SyncFolderItemsScope::ALL)),
    )
        .prop_map(|(item_shape, sync_folder_id, sync_state, ignore, max_changes_returned, sync_scope)| {
            SyncFolderItems { item_shape, sync_folder_id, sync_state, ignore, max_changes_returned, sync_scope }
        })
}

pub fn get_item() -> impl Strategy<Value = GetItem> {
    (item_shape(), vec(item_id(), 1..5)).prop_map(|(item_shape, item_ids)| GetItem { item_shape, item_ids })
}

pub fn create_item() -> impl Strategy<Value = CreateItem> {
    (
        option::of(select(MessageDisposition::ALL)),
        option::of(select(SendMeetingInvitations::ALL)),
        option::of(base_folder_id()),
        vec(item(), 1..4),
    )
        .prop_map(|(message_disposition, send_meeting_invitations, saved_item_folder_id, items)| CreateItem {
            message_disposition,
            send_meeting_invitations,
            saved_item_folder_id,
            items,
        })
}

pub fn item_update() -> impl Strategy<Value = ItemUpdate> {
    prop_oneof![
        (property_path(), item()).prop_map(|(path, item)| ItemUpdate::Set { path, item }),
        (property_path(), item()).prop_map(|(path, item)| ItemUpdate::Append { path, item }),
        property_path().prop_map(|path| ItemUpdate::Delete { path }),
    ]
}

pub fn item_change() -> impl Strategy<Value = ItemChange> {
    (item_id(), vec(item_update(), 1..4)).prop_map(|(item_id, updates)| ItemChange { item_id, updates })
}

pub fn update_item() -> impl Strategy<Value = UpdateItem> {
    (
        select(ConflictResolution::ALL),
        option::of(select(MessageDisposition::ALL)),
        option::of(select(SendMeetingInvitationsOrCancellations::ALL)),
        option::of(any::<bool>()),
        option::of(base_folder_id()),
        vec(item_change(), 1..4),
    )
        .prop_map(|(conflict_resolution, md, send, suppress_read_receipts, saved_item_folder_id, item_changes)| {
            UpdateItem {
                conflict_resolution,
                message_disposition: md,
                send_meeting_invitations_or_cancellations: send,
                suppress_read_receipts,
                saved_item_folder_id,
                item_changes,
            }
        })
}

/// `MessageXml` details as Exchange sends them: back-off times, schema error positions, violations.
pub fn message_xml() -> impl Strategy<Value = MessageXml> {
    let entry = prop_oneof![
        (0u64..600_000).prop_map(|ms| MessageXmlEntry {
            element: "Value".into(),
            attributes: vec![("Name".into(), "BackOffMilliseconds".into())],
            value: ms.to_string(),
            is_xml: false,
        }),
        (select(&["LineNumber", "LinePosition"][..]), 1u32..5000).prop_map(|(e, n)| MessageXmlEntry {
            element: e.into(),
            attributes: Vec::new(),
            value: n.to_string(),
            is_xml: false,
        }),
        word().prop_map(|v| MessageXmlEntry {
            element: "Violation".into(),
            attributes: Vec::new(),
            value: v,
            is_xml: false
        }),
    ];
    vec(entry, 0..3).prop_map(|entries| MessageXml { entries })
}

/// A response message status: success, or a warning or error with a code the schema lists.
pub fn response_status() -> impl Strategy<Value = ResponseStatus> {
    let code = select(ResponseCode::KNOWN).prop_filter("an error code", |c| !c.is_success());
    prop_oneof![
        2 => Just(ResponseStatus::success()),
        3 => (
            select(&[ResponseClass::Warning, ResponseClass::Error][..]),
            code,
            option::of(text()),
            option::of(0i32..2),
            option::of(message_xml()),
        )
            .prop_map(|(class, code, message_text, descriptive_link_key, message_xml)| ResponseStatus {
                class,
                code,
                message_text,
                descriptive_link_key,
                message_xml,
            }),
    ]
}

/// A message with `content` when the status is not an error, and `empty` content when it is.
fn message<C: Clone + std::fmt::Debug + Default>(
    content: impl Strategy<Value = C>,
) -> impl Strategy<Value = ResponseMessage<C>> {
    (response_status(), content).prop_map(|(status, content)| {
        let content = if status.is_ok() { content } else { C::default() };
        ResponseMessage { status, content }
    })
}

pub fn item_info_content() -> impl Strategy<Value = ItemInfoContent> {
    vec(item(), 0..3).prop_map(|items| ItemInfoContent { items })
}

pub fn sync_change() -> impl Strategy<Value = SyncChange> {
    prop_oneof![
        item().prop_map(SyncChange::Create),
        item().prop_map(SyncChange::Update),
        item_id().prop_map(SyncChange::Delete),
        (item_id(), any::<bool>()).prop_map(|(item_id, is_read)| SyncChange::ReadFlagChange { item_id, is_read }),
    ]
}

pub fn sync_folder_items_message() -> impl Strategy<Value = ResponseMessage<SyncFolderItemsContent>> {
    (
        response_status(),
        prop_oneof![Just(String::new()), opaque_id()],
        option::of(any::<bool>()),
        vec(sync_change(), 0..5),
    )
        .prop_map(|(status, state, last, changes)| {
            let content = if status.is_ok() {
                SyncFolderItemsContent {
                    sync_state: Some(state),
                    includes_last_item_in_range: Some(last.unwrap_or(true)),
                    changes,
                }
            } else {
                // Exchange's throttling answers carry an empty state and IncludesLastItemInRange.
                SyncFolderItemsContent {
                    sync_state: last.map(|_| String::new()),
                    includes_last_item_in_range: last,
                    changes: Vec::new(),
                }
            };
            ResponseMessage { status, content }
        })
}

pub fn sync_folder_items_response() -> impl Strategy<Value = SyncFolderItemsResponse> {
    vec(sync_folder_items_message(), 1..3).prop_map(|messages| SyncFolderItemsResponse { messages })
}

pub fn get_item_response() -> impl Strategy<Value = GetItemResponse> {
    vec(message(item_info_content()), 1..4).prop_map(|messages| GetItemResponse { messages })
}

pub fn create_item_response() -> impl Strategy<Value = CreateItemResponse> {
    vec(message(item_info_content()), 1..4).prop_map(|messages| CreateItemResponse { messages })
}

pub fn update_item_content() -> impl Strategy<Value = UpdateItemContent> {
    (vec(item(), 0..2), option::of((0i32..5).prop_map(|count| ConflictResults { count })))
        .prop_map(|(items, conflict_results)| UpdateItemContent { items, conflict_results })
}

pub fn update_item_response() -> impl Strategy<Value = UpdateItemResponse> {
    vec(message(update_item_content()), 1..4).prop_map(|messages| UpdateItemResponse { messages })
}

pub fn server_version() -> impl Strategy<Value = ServerVersionInfo> {
    (
        option::of(prop_oneof![Just(14), Just(15)]),
        option::of(0i32..21),
        option::of(0i32..3000),
        option::of(0i32..100),
        option::of(select(&["V2017_07_11", "V2018_01_08", "Exchange2010_SP2"][..]).prop_map(str::to_owned)),
    )
        .prop_map(|(a, b, c, d, version)| ServerVersionInfo {
            major_version: a,
            minor_version: b,
            major_build_number: c,
            minor_build_number: d,
            version,
        })
}

/// A SOAP fault: an EWS error with its details, or a bare SOAP `Client`/`Server` fault.
pub fn soap_fault() -> impl Strategy<Value = SoapFault> {
    let code = select(ResponseCode::KNOWN).prop_filter("an error code", |c| !c.is_success());
    prop_oneof![
        (code, text(), option::of(message_xml())).prop_map(|(code, text, mx)| SoapFault::ews(code, text, mx)),
        (
            select(&["s:Client", "s:Server", "Client"][..]),
            text(),
            option::of(text()),
            option::of((1u64..500, 1u64..5000))
        )
            .prop_map(|(c, s, actor, pos)| SoapFault {
                fault_code: c.to_owned(),
                fault_string: s,
                fault_actor: actor,
                response_code: None,
                message: None,
                line: pos.map(|p| p.0),
                position: pos.map(|p| p.1),
                message_xml: None,
            }),
    ]
}

/// A whole response: an answer `body` or, one time in five, a SOAP fault.
pub fn response<B: Clone + std::fmt::Debug>(body: impl Strategy<Value = B>) -> impl Strategy<Value = Response<B>> {
    (
        option::of(server_version()),
        prop_oneof![
            4 => body.prop_map(ResponseBody::Message),
            1 => soap_fault().prop_map(ResponseBody::Fault),
        ],
    )
        .prop_map(|(server_version, body)| Response { server_version, body })
}
