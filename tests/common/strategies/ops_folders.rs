//! Strategies for FindItem, GetFolder, FindFolder, CreateFolder, ResolveNames and ConvertId, their
//! parts (restrictions, views, folders), generic response messages and SOAP faults, plus the checks
//! the tests of these operations share (round trips, batched validation, the reference samples).
//!
//! Strategies taking `compat: bool` generate, when `compat` is true, only what the Exchange 2010 SP2
//! schema also accepts (older distinguished folder names, mailbox types and property sets, no
//! Exchange 2013+ elements or attributes), so the same documents validate against both schemas.

use std::fmt::Debug;
use std::path::Path;

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde::Serialize;
use serde::de::DeserializeOwned;

use exsync::ews::*;

use super::base::*;
use crate::common::{Schema, body_document, validate, xmllint_available};

// ---------------------------------------------------------------------------------------------
// Paths, ids, mailboxes

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
    "calendar:Start",
    "calendar:End",
    "calendar:Location",
    "calendar:IsRecurring",
    "calendar:UID",
    "contacts:DisplayName",
    "contacts:GivenName",
    "contacts:Surname",
    "contacts:CompanyName",
    "contacts:EmailAddresses",
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
            prop_oneof![Just("EmailAddress1"), Just("BusinessPhone"), Just("Business"), Just("X-Custom")]
        )
            .prop_map(|(field_uri, i)| PropertyPath::Indexed { field_uri, field_index: i.to_owned() }),
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

// ---------------------------------------------------------------------------------------------
// Restrictions

/// A constant for the right of a comparison.
pub fn constant() -> impl Strategy<Value = String> {
    prop_oneof![text(), Just("2014-07-01T07:00:00.000Z".to_owned()), (0i64..100_000).prop_map(|n| n.to_string())]
}

fn leaf_expression(compat: bool) -> impl Strategy<Value = SearchExpression> {
    prop_oneof![
        (
            proptest::sample::select(ComparisonOperator::ALL),
            property_path(compat),
            prop_oneof![
                3 => constant().prop_map(FieldUriOrConstant::Constant),
                1 => property_path(compat).prop_map(FieldUriOrConstant::Path),
            ],
        )
            .prop_map(|(operator, path, value)| SearchExpression::Compare { operator, path, value }),
        property_path(compat).prop_map(SearchExpression::Exists),
        (
            property_path(compat),
            prop_oneof![(0u32..0xFFFF).prop_map(|b| format!("0x{b:X}")), (0u32..99).prop_map(|b| b.to_string())]
        )
            .prop_map(|(path, bitmask)| SearchExpression::Excludes { path, bitmask }),
        (
            property_path(compat),
            text(),
            option::of(proptest::sample::select(ContainmentMode::ALL)),
            option::of(proptest::sample::select(ContainmentComparison::ALL)),
        )
            .prop_map(|(path, constant, mode, comparison)| SearchExpression::Contains {
                path,
                constant,
                mode,
                comparison
            }),
    ]
}

/// A search expression up to three levels deep.
pub fn search_expression(compat: bool) -> impl Strategy<Value = SearchExpression> {
    leaf_expression(compat).prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| SearchExpression::Not(Box::new(e))),
            vec(inner.clone(), 1..4).prop_map(SearchExpression::And),
            vec(inner, 1..4).prop_map(SearchExpression::Or),
        ]
    })
}

pub fn restriction(compat: bool) -> impl Strategy<Value = Restriction> {
    search_expression(compat).prop_map(Restriction::new)
}

// ---------------------------------------------------------------------------------------------
// Views

pub fn max_entries() -> impl Strategy<Value = Option<i32>> {
    option::of(1i32..1000)
}

pub fn indexed_page_view() -> impl Strategy<Value = IndexedPageView> {
    (max_entries(), 0i32..10_000, proptest::sample::select(IndexBasePoint::ALL)).prop_map(
        |(max_entries_returned, offset, base_point)| IndexedPageView { max_entries_returned, offset, base_point },
    )
}

pub fn fractional_page_view() -> impl Strategy<Value = FractionalPageView> {
    (max_entries(), 0i32..100, 1i32..100).prop_map(|(max_entries_returned, numerator, denominator)| {
        FractionalPageView { max_entries_returned, numerator, denominator }
    })
}

pub fn item_view(compat: bool) -> BoxedStrategy<ItemView> {
    let common = prop_oneof![
        indexed_page_view().prop_map(ItemView::IndexedPage),
        fractional_page_view().prop_map(ItemView::FractionalPage),
        (max_entries(), date_time(), date_time()).prop_map(|(max_entries_returned, start_date, end_date)| {
            ItemView::Calendar(CalendarView { max_entries_returned, start_date, end_date })
        }),
        (max_entries(), option::of(text()), option::of(text())).prop_map(
            |(max_entries_returned, initial_name, final_name)| {
                ItemView::Contacts(ContactsView { max_entries_returned, initial_name, final_name })
            }
        ),
    ];
    if compat {
        return common.boxed();
    }
    prop_oneof![
        4 => common,
        1 => (max_entries(), proptest::sample::select(IndexBasePoint::ALL), restriction(false)).prop_map(
            |(max_entries_returned, base_point, condition)| {
                ItemView::SeekToCondition(SeekToConditionPageView { max_entries_returned, base_point, condition })
            }
        ),
    ]
    .boxed()
}

pub fn grouping(compat: bool) -> impl Strategy<Value = Grouping> {
    let extras = if compat {
        Just((None, None, None)).boxed()
    } else {
        (option::of(any::<bool>()), option::of(0u32..50), option::of(0u32..50)).boxed()
    };
    prop_oneof![
        (
            proptest::sample::select(SortDirection::ALL),
            property_path(compat),
            proptest::sample::select(Aggregate::ALL),
            property_path(compat),
            extras,
        )
            .prop_map(|(order, path, aggregate, agg_path, (c, i, m))| Grouping::GroupBy(GroupBy {
                order,
                path,
                aggregate_on: AggregateOn { aggregate, path: agg_path },
                use_collapsible_groups: c,
                items_per_group: i,
                max_items_per_group: m,
            })),
        proptest::sample::select(SortDirection::ALL)
            .prop_map(|order| Grouping::Distinguished { order, standard: StandardGroupBy::ConversationTopic }),
    ]
}

pub fn query_string(compat: bool) -> impl Strategy<Value = QueryString> {
    let attrs = if compat {
        Just((None, None, None)).boxed()
    } else {
        (option::of(any::<bool>()), option::of(any::<bool>()), option::of(any::<bool>())).boxed()
    };
    (text(), attrs).prop_map(|(query, (reset_cache, return_highlight_terms, return_deleted_items))| QueryString {
        query,
        reset_cache,
        return_highlight_terms,
        return_deleted_items,
    })
}

// ---------------------------------------------------------------------------------------------
// Requests

pub fn find_item(compat: bool) -> impl Strategy<Value = FindItem> {
    (
        proptest::sample::select(ItemQueryTraversal::ALL),
        item_shape(compat),
        option::of(item_view(compat)),
        option::of(grouping(compat)),
        option::of(restriction(compat)),
        vec(
            (proptest::sample::select(SortDirection::ALL), property_path(compat))
                .prop_map(|(order, path)| FieldOrder { order, path }),
            0..3,
        ),
        vec(base_folder_id(compat), 1..3),
        option::of(query_string(compat)),
    )
        .prop_map(
            |(traversal, item_shape, view, grouping, restriction, sort_order, parent_folder_ids, query_string)| {
                FindItem {
                    traversal,
                    item_shape,
                    view,
                    grouping,
                    restriction,
                    sort_order,
                    parent_folder_ids,
                    query_string,
                }
            },
        )
}

pub fn get_folder(compat: bool) -> impl Strategy<Value = GetFolder> {
    (folder_shape(compat), vec(base_folder_id(compat), 1..4))
        .prop_map(|(folder_shape, folder_ids)| GetFolder { folder_shape, folder_ids })
}

pub fn find_folder(compat: bool) -> impl Strategy<Value = FindFolder> {
    (
        proptest::sample::select(FolderQueryTraversal::ALL),
        folder_shape(compat),
        option::of(prop_oneof![
            indexed_page_view().prop_map(FolderView::IndexedPage),
            fractional_page_view().prop_map(FolderView::FractionalPage),
        ]),
        option::of(restriction(compat)),
        vec(base_folder_id(compat), 1..3),
    )
        .prop_map(|(traversal, folder_shape, view, restriction, parent_folder_ids)| FindFolder {
            traversal,
            folder_shape,
            view,
            restriction,
            parent_folder_ids,
        })
}

/// A folder as a client creates it: name, class and extended properties only.
pub fn new_folder(compat: bool) -> impl Strategy<Value = Folder> {
    (
        0..4usize,
        word(),
        option::of(prop_oneof![Just("IPF.Contact"), Just("IPF.Appointment"), Just("IPF.Note"), Just("IPF.Task")]),
        vec(
            (extended_field(compat), text())
                .prop_map(|(field, v)| ExtendedProperty { field, value: ExtendedValue::Single(v) }),
            0..2,
        ),
    )
        .prop_map(|(kind, name, class, props)| {
            let mut base = FolderBase::named(name, class);
            base.extended_properties = props;
            match kind {
                0 => Folder::Generic(GenericFolder { base, unread_count: None }),
                1 => Folder::Contacts(ContactsFolder { base, ..ContactsFolder::default() }),
                2 => Folder::Calendar(CalendarFolder { base, ..CalendarFolder::default() }),
                _ => Folder::Other(OtherFolder { element: "TasksFolder".to_owned(), base, unread_count: None }),
            }
        })
}

pub fn create_folder(compat: bool) -> impl Strategy<Value = CreateFolder> {
    (base_folder_id(compat), vec(new_folder(compat), 1..3))
        .prop_map(|(parent_folder_id, folders)| CreateFolder { parent_folder_id, folders })
}

pub fn resolve_names(compat: bool) -> impl Strategy<Value = ResolveNames> {
    (
        any::<bool>(),
        option::of(proptest::sample::select(ResolveNamesSearchScope::ALL)),
        option::of(base_shape()),
        vec(base_folder_id(compat), 0..3),
        word(),
    )
        .prop_map(
            |(return_full_contact_data, search_scope, contact_data_shape, parent_folder_ids, unresolved_entry)| {
                ResolveNames {
                    return_full_contact_data,
                    search_scope,
                    contact_data_shape,
                    parent_folder_ids,
                    unresolved_entry,
                }
            },
        )
}

pub fn id_format() -> impl Strategy<Value = IdFormat> {
    proptest::sample::select(IdFormat::ALL)
}

pub fn alternate_id_base() -> impl Strategy<Value = AlternateIdBase> {
    prop_oneof![
        3 => (id_format(), opaque_id(), smtp(), option::of(any::<bool>()))
            .prop_map(|(format, id, mailbox, is_archive)| AlternateIdBase::Mailbox(AlternateId { format, id, mailbox, is_archive })),
        1 => (id_format(), opaque_id())
            .prop_map(|(format, folder_id)| AlternateIdBase::PublicFolder(AlternatePublicFolderId { format, folder_id })),
        1 => (id_format(), opaque_id(), opaque_id()).prop_map(|(format, folder_id, item_id)| {
            AlternateIdBase::PublicFolderItem(AlternatePublicFolderItemId { format, folder_id, item_id })
        }),
    ]
}

pub fn convert_id() -> impl Strategy<Value = ConvertId> {
    (id_format(), vec(alternate_id_base(), 1..4))
        .prop_map(|(destination_format, source_ids)| ConvertId { destination_format, source_ids })
}

// ---------------------------------------------------------------------------------------------
// Response parts

pub fn find_paging() -> impl Strategy<Value = FindPaging> {
    (
        option::of(0i32..1000),
        option::of(0i32..100),
        option::of(1i32..100),
        option::of(any::<bool>()),
        option::of(0i32..5000),
    )
        .prop_map(|(a, b, c, d, e)| FindPaging {
            indexed_paging_offset: a,
            numerator_offset: b,
            absolute_denominator: c,
            includes_last_item_in_range: d,
            total_items_in_view: e,
        })
}

pub fn effective_rights() -> impl Strategy<Value = EffectiveRights> {
    (any::<[bool; 6]>(), option::of(any::<bool>())).prop_map(|(b, view_private_items)| EffectiveRights {
        create_associated: b[0],
        create_contents: b[1],
        create_hierarchy: b[2],
        delete: b[3],
        modify: b[4],
        read: b[5],
        view_private_items,
    })
}

/// The shared folder fields, as a server sends them.
pub fn folder_base() -> impl Strategy<Value = FolderBase> {
    (
        (
            option::of(folder_id()),
            option::of(folder_id()),
            option::of(word()),
            option::of(text()),
            option::of(0i32..5000),
        ),
        (
            option::of(0i32..50),
            vec(extended_property(), 0..2),
            option::of(effective_rights()),
            option::of(proptest::sample::select(DistinguishedFolderName::ALL)),
            option::of(vec(word(), 0..3)),
        ),
    )
        .prop_map(|(a, b)| FolderBase {
            folder_id: a.0,
            parent_folder_id: a.1,
            folder_class: a.2,
            display_name: a.3,
            total_count: a.4,
            child_folder_count: b.0,
            extended_properties: b.1,
            effective_rights: b.2,
            distinguished_folder_id: b.3,
            replica_list: b.4,
        })
}

/// Any folder, as a server sends it.
pub fn folder() -> impl Strategy<Value = Folder> {
    prop_oneof![
        (folder_base(), option::of(0i32..500))
            .prop_map(|(base, unread_count)| Folder::Generic(GenericFolder { base, unread_count })),
        (
            folder_base(),
            option::of(proptest::sample::select(PermissionReadAccess::ALL)),
            option::of(word()),
            option::of(text())
        )
            .prop_map(|(base, sharing_effective_rights, source_id, account_name)| {
                Folder::Contacts(ContactsFolder { base, sharing_effective_rights, source_id, account_name })
            }),
        (folder_base(), option::of(proptest::sample::select(CalendarPermissionReadAccess::ALL))).prop_map(
            |(base, sharing_effective_rights)| Folder::Calendar(CalendarFolder { base, sharing_effective_rights })
        ),
        (prop_oneof![Just("SearchFolder"), Just("TasksFolder")], folder_base(), option::of(0i32..500)).prop_map(
            |(element, base, unread_count)| Folder::Other(OtherFolder {
                element: element.to_owned(),
                base,
                unread_count
            })
        ),
    ]
}

pub fn folders() -> impl Strategy<Value = Option<Vec<Folder>>> {
    option::of(vec(folder(), 0..3))
}

pub fn folder_info() -> impl Strategy<Value = FolderInfo> {
    folders().prop_map(|folders| FolderInfo { folders })
}

pub fn find_folder_content() -> impl Strategy<Value = FindFolderContent> {
    option::of((find_paging(), folders()).prop_map(|(paging, folders)| FindFolderRoot { paging, folders }))
        .prop_map(|root_folder| FindFolderContent { root_folder })
}

pub fn find_item_content() -> impl Strategy<Value = FindItemContent> {
    let contents = prop_oneof![
        vec(item(), 0..3).prop_map(FindItemContents::Items),
        vec((text(), vec(item(), 0..3)).prop_map(|(group_index, items)| GroupedItems { group_index, items }), 0..3)
            .prop_map(FindItemContents::Groups),
    ];
    (
        option::of((find_paging(), contents).prop_map(|(paging, contents)| FindItemRoot { paging, contents })),
        option::of(vec((text(), text()).prop_map(|(scope, value)| HighlightTerm { scope, value }), 0..3)),
    )
        .prop_map(|(root_folder, highlight_terms)| FindItemContent { root_folder, highlight_terms })
}

pub fn resolve_names_content() -> impl Strategy<Value = ResolveNamesContent> {
    option::of(
        (
            find_paging(),
            vec(
                (mailbox(), option::of(super::contact::contact()))
                    .prop_map(|(mailbox, contact)| Resolution { mailbox, contact }),
                0..3,
            ),
        )
            .prop_map(|(paging, resolutions)| ResolutionSet { paging, resolutions }),
    )
    .prop_map(|resolution_set| ResolveNamesContent { resolution_set })
}

pub fn convert_id_content() -> impl Strategy<Value = ConvertIdContent> {
    option::of(alternate_id_base()).prop_map(|alternate_id| ConvertIdContent { alternate_id })
}

// ---------------------------------------------------------------------------------------------
// Response envelopes

pub fn response_code() -> impl Strategy<Value = ResponseCode> {
    proptest::sample::select(ResponseCode::KNOWN)
}

pub fn message_xml() -> impl Strategy<Value = MessageXml> {
    prop_oneof![
        (0u64..60_000).prop_map(|ms| MessageXml {
            entries: vec![MessageXmlEntry {
                element: "Value".to_owned(),
                attributes: vec![("Name".to_owned(), "BackOffMilliseconds".to_owned())],
                value: ms.to_string(),
                is_xml: false,
            }],
        }),
        (1u64..500, 1u64..500, text()).prop_map(|(l, p, v)| MessageXml {
            entries: vec![
                MessageXmlEntry {
                    element: "LineNumber".to_owned(),
                    attributes: vec![],
                    value: l.to_string(),
                    is_xml: false
                },
                MessageXmlEntry {
                    element: "LinePosition".to_owned(),
                    attributes: vec![],
                    value: p.to_string(),
                    is_xml: false
                },
                MessageXmlEntry { element: "Violation".to_owned(), attributes: vec![], value: v, is_xml: false },
            ],
        }),
    ]
}

/// The status of a response message: success, a warning or an error.
pub fn response_status() -> impl Strategy<Value = ResponseStatus> {
    prop_oneof![
        2 => Just(ResponseStatus::success()),
        1 => (response_code(), option::of(text()), option::of(0i32..2)).prop_map(|(code, message_text, descriptive_link_key)| {
            ResponseStatus { class: ResponseClass::Warning, code, message_text, descriptive_link_key, message_xml: None }
        }),
        2 => (response_code(), text(), option::of(message_xml())).prop_map(|(code, text, message_xml)| ResponseStatus {
            message_xml,
            ..ResponseStatus::error(code, text)
        }),
    ]
}

pub fn messages<C: Debug + Clone>(content: impl Strategy<Value = C>) -> impl Strategy<Value = Vec<ResponseMessage<C>>> {
    vec((response_status(), content).prop_map(|(status, content)| ResponseMessage { status, content }), 1..4)
}

pub fn soap_fault() -> impl Strategy<Value = SoapFault> {
    prop_oneof![
        (response_code(), text(), option::of(message_xml())).prop_map(|(c, t, x)| SoapFault::ews(c, t, x)),
        (text(), option::of(text())).prop_map(|(fault_string, fault_actor)| SoapFault {
            fault_code: "soap:Client".to_owned(),
            fault_string,
            fault_actor,
            response_code: None,
            message: None,
            line: None,
            position: None,
            message_xml: None,
        }),
    ]
}

pub fn server_version() -> impl Strategy<Value = ServerVersionInfo> {
    (
        option::of(8i32..16),
        option::of(0i32..3),
        option::of(0i32..3000),
        option::of(0i32..100),
        option::of(Just("V2017_07_11".to_owned())),
    )
        .prop_map(|(a, b, c, d, version)| ServerVersionInfo {
            major_version: a,
            minor_version: b,
            major_build_number: c,
            minor_build_number: d,
            version,
        })
}

/// A whole response: mostly the operation's answer (built by `body` from messages), sometimes a fault.
pub fn response<B: Debug + Clone, C: Debug + Clone>(
    content: impl Strategy<Value = C>,
    body: fn(Vec<ResponseMessage<C>>) -> B,
) -> impl Strategy<Value = Response<B>> {
    (
        option::of(server_version()),
        prop_oneof![
            4 => messages(content).prop_map(move |m| ResponseBody::Message(body(m))),
            1 => soap_fault().prop_map(ResponseBody::Fault),
        ],
    )
        .prop_map(|(server_version, body)| Response { server_version, body })
}

// ---------------------------------------------------------------------------------------------
// Shared checks

/// `n` values of `strategy`, the same on every run.
pub fn generate<S: Strategy>(strategy: &S, n: usize) -> Vec<S::Value> {
    let mut runner = TestRunner::deterministic();
    (0..n).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect()
}

/// The value survives JSON (the serde form the types are printed in).
pub fn check_json_round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(v: &T) -> Result<(), TestCaseError> {
    let json = serde_json::to_string(v).map_err(|e| TestCaseError::fail(format!("to JSON: {e}")))?;
    let back: T = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("from JSON: {e}\n{json}")))?;
    prop_assert_eq!(&back, v, "{}", json);
    Ok(())
}

/// `parse(serialize(req)) == req`, leniently and strictly; the operation also survives JSON.
pub fn check_request_round_trip<O: Operation + PartialEq + Serialize + DeserializeOwned>(
    op: O,
    who: String,
) -> Result<(), TestCaseError> {
    check_json_round_trip(&op)?;
    let req = Request::new(RequestHeader::impersonating(ExchangeVersion::Exchange2016, who), op);
    let xml = req.to_xml_string();
    let lenient = Request::<O>::parse(&xml).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
    prop_assert_eq!(&lenient, &req, "{}", xml);
    let strict = Request::<O>::parse_strict(&xml, Default::default())
        .map_err(|e| TestCaseError::fail(format!("strict: {e}\n{xml}")))?;
    prop_assert_eq!(&strict, &req, "{}", xml);
    Ok(())
}

/// `Response::parse(serialize(resp)) == resp`; the operation's answer also survives JSON.
pub fn check_response_round_trip<O: Operation>(resp: Response<O::Response>) -> Result<(), TestCaseError>
where
    O::Response: PartialEq + Serialize + DeserializeOwned,
{
    if let ResponseBody::Message(b) = &resp.body {
        check_json_round_trip(b)?;
    }
    let xml = resp.to_xml_string(&O::response_name());
    let back = Request::<O>::parse_response(&xml).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
    prop_assert_eq!(&back, &resp, "{}", xml);
    Ok(())
}

/// The request bodies of `ops` as standalone documents for validation.
pub fn request_docs<O: Operation>(ops: Vec<O>, version: ExchangeVersion) -> Vec<(String, String)> {
    ops.into_iter()
        .enumerate()
        .map(|(i, op)| {
            let req = Request::new(RequestHeader::new(version), op);
            (format!("{}-{i}", O::NAME), body_document(&req.to_xml_string()))
        })
        .collect()
}

/// The response bodies (faults left out) as standalone documents for validation.
pub fn response_docs<O: Operation>(responses: Vec<Response<O::Response>>) -> Vec<(String, String)> {
    responses
        .into_iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.body, ResponseBody::Message(_)))
        .map(|(i, r)| (format!("{}-{i}", O::response_name()), body_document(&r.to_xml_string(&O::response_name()))))
        .collect()
}

/// 64 generated requests: 2010 SP2-compatible ones against both schemas, unrestricted ones against
/// the current schema.
pub fn validate_generated_requests<O: Operation, S: Strategy<Value = O>>(
    shared: &Path,
    compat: S,
    full: S,
) -> Result<(), String> {
    let compat_docs = request_docs(generate(&compat, 64), ExchangeVersion::Exchange2010Sp2);
    validate(shared, Schema::Current, &compat_docs)?;
    validate(shared, Schema::Exchange2010Sp2, &compat_docs)?;
    validate(shared, Schema::Current, &request_docs(generate(&full, 64), ExchangeVersion::Exchange2016))
}

/// One reference sample from `MANIFEST.json`.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Path below `ews/samples/`.
    pub file: String,
    /// Local name of the SOAP body's child (`FindItem`, `FindItemResponse`, `Fault`, …).
    pub body: String,
    /// Whether it is a request.
    pub is_request: bool,
    /// The response codes it carries.
    pub codes: Vec<String>,
    /// Whether its body validates against the current schema (as recorded in the manifest).
    pub body_valid: bool,
    /// The document.
    pub xml: String,
}

/// The well-formed samples for which `keep(file, body)` holds.
pub fn samples(shared: &Path, keep: impl Fn(&str, &str) -> bool) -> Vec<Sample> {
    let dir = shared.join("ews/samples");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("MANIFEST.json")).unwrap()).unwrap();
    let mut out = Vec::new();
    for e in manifest.as_array().unwrap() {
        let (file, body) = (e["file"].as_str().unwrap(), e["body"].as_str().unwrap());
        if e["wellformed"] != serde_json::Value::Bool(true) || !keep(file, body) {
            continue;
        }
        out.push(Sample {
            file: file.to_owned(),
            body: body.to_owned(),
            is_request: e["kind"] == "request",
            codes: e["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect(),
            body_valid: e["validation"]["body"] == "pass",
            xml: std::fs::read_to_string(dir.join(file)).unwrap(),
        });
    }
    out
}

/// The codes of a response: each message's code, or the fault's detail code and fault code.
pub fn response_codes<B>(resp: &Response<B>, message_codes: impl Fn(&B) -> Vec<ResponseCode>) -> Vec<String> {
    let mut codes: Vec<String> = match &resp.body {
        ResponseBody::Message(b) => message_codes(b).iter().map(|c| c.as_str().to_owned()).collect(),
        ResponseBody::Fault(f) => {
            let local = f.fault_code.rsplit(':').next().unwrap_or(&f.fault_code).to_owned();
            f.response_code.iter().map(|c| c.as_str().to_owned()).chain([local]).collect()
        }
    };
    codes.dedup();
    codes
}

/// Parses the samples of operation `O` (requests leniently and strictly, responses; requests the
/// schema refuses must be refused by the strict parser), checks their codes against the manifest and that what they parse to survives a round trip; the re-serialized
/// bodies of samples that validated are validated again. Returns how many samples were read.
pub fn check_samples<O: Operation + PartialEq>(
    shared: &Path,
    samples: &[Sample],
    message_codes: impl Fn(&O::Response) -> Vec<ResponseCode>,
) -> usize
where
    O::Response: PartialEq,
{
    let mut docs = Vec::new();
    for s in samples {
        if s.is_request && !s.body_valid {
            // A request the schema refuses (e.g. an unknown distinguished folder name): a server must
            // refuse it too.
            assert!(Request::<O>::parse_strict(&s.xml, Default::default()).is_err(), "{}", s.file);
        } else if s.is_request {
            assert_eq!(s.body, O::NAME, "{}", s.file);
            let req = Request::<O>::parse(&s.xml).unwrap_or_else(|e| panic!("{}: {e}", s.file));
            if let Err(e) = Request::<O>::parse_strict(&s.xml, Default::default()) {
                panic!("{} (strict): {e}", s.file);
            }
            assert!(s.codes.is_empty() || s.codes == ["NoError"], "{}: {:?}", s.file, s.codes);
            let xml = req.to_xml_string();
            assert_eq!(Request::<O>::parse(&xml).unwrap(), req, "{}", s.file);
            if s.body_valid {
                docs.push((s.file.clone(), body_document(&xml)));
            }
        } else {
            let resp = Request::<O>::parse_response(&s.xml).unwrap_or_else(|e| panic!("{}: {e}", s.file));
            let mut want = s.codes.clone();
            want.dedup();
            assert_eq!(response_codes(&resp, &message_codes), want, "{}", s.file);
            let xml = resp.to_xml_string(&O::response_name());
            assert_eq!(Request::<O>::parse_response(&xml).unwrap(), resp, "{}", s.file);
            if s.body_valid && matches!(resp.body, ResponseBody::Message(_)) {
                docs.push((s.file.clone(), body_document(&xml)));
            }
        }
    }
    if xmllint_available() {
        validate(shared, Schema::Current, &docs).unwrap();
    }
    samples.len()
}
