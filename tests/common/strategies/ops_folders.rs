//! Strategies for FindItem, GetFolder, FindFolder, CreateFolder, ResolveNames and ConvertId and
//! their parts (restrictions, views, folders, resolutions).
//!
//! Strategies taking `compat: bool` generate, when `compat` is true, only what the Exchange 2010 SP2
//! schema also accepts (older distinguished folder names, mailbox types and property sets, no
//! Exchange 2013+ elements or attributes), so the same documents validate against both schemas.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

use exsync::ews::*;

use super::base::*;
use super::shapes::*;

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
