//! FindItem and restrictions: round trips, schema validity of generated requests and responses, and
//! the reference samples.

mod common;

use common::checks::*;
use common::strategies::envelope::*;
use common::strategies::ops_folders::*;
use common::{Schema, schema_validation, shared_dir, validate, xmllint_available};
use exsync::ews::*;
use exsync::xml::{ToXml, XmlReader, XmlWriter};
use proptest::prelude::*;

fn find_item_response() -> impl Strategy<Value = Response<FindItemResponse>> {
    messages_response(find_item_content(), |messages| FindItemResponse { messages })
}

proptest! {
    #[test]
    fn request_round_trips(header in request_header(), op in find_item(false)) {
        check_request_round_trip(header, op)?;
    }

    #[test]
    fn compat_request_round_trips(header in request_header(), op in find_item(true)) {
        check_request_round_trip(header, op)?;
    }

    #[test]
    fn response_round_trips(resp in find_item_response()) {
        check_response_round_trip::<FindItem>(resp)?;
    }

    #[test]
    fn restriction_round_trips(r in restriction(false)) {
        let mut w = XmlWriter::new();
        r.to_xml(&mut w, "t:Restriction");
        let xml = w.into_string();
        prop_assert_eq!(XmlReader::document::<Restriction>(&xml, "Restriction").unwrap(), r.clone());
        let mut strict = XmlReader::new(&xml).unwrap().strict(true);
        prop_assert_eq!(strict.read_document::<Restriction>("Restriction").unwrap(), r);
    }
}

#[test]
fn generated_requests_validate_against_both_schemas() {
    let Some(shared) = schema_validation() else { return };
    validate_generated_requests(&shared, find_item(true).boxed(), find_item(false).boxed()).unwrap();
}

#[test]
fn generated_responses_validate() {
    let Some(shared) = schema_validation() else { return };
    let docs = response_docs::<FindItem>(generate(&find_item_response(), 32));
    assert!(docs.len() >= 16, "too few message bodies: {}", docs.len());
    validate(&shared, Schema::Current, &docs).unwrap();
}

#[test]
fn samples_parse_with_expected_codes() {
    let Some(shared) = shared_dir() else { return };
    let samples = samples(&shared, |_, body| body == "FindItem" || body == "FindItemResponse");
    assert_eq!(check_samples::<FindItem>(&shared, &samples), 22);
}

fn sample(name: &str) -> Option<String> {
    let shared = shared_dir()?;
    Some(std::fs::read_to_string(shared.join("ews/samples/FindItem").join(name)).unwrap())
}

#[test]
fn sample_paged_search_request() {
    let Some(xml) = sample("msdocs-perform-paged-searches-req.xml") else { return };
    let req = Request::<FindItem>::parse(&xml).unwrap();
    assert_eq!(req.header.version, ExchangeVersion::Exchange2007Sp1);
    let op = req.body;
    assert_eq!(op.traversal, ItemQueryTraversal::Shallow);
    assert_eq!(op.item_shape.base_shape, BaseShape::IdOnly);
    assert_eq!(op.item_shape.additional_properties, vec![PropertyPath::field("item:Subject")]);
    assert_eq!(
        op.view,
        Some(ItemView::IndexedPage(IndexedPageView {
            max_entries_returned: Some(6),
            offset: 0,
            base_point: IndexBasePoint::Beginning
        }))
    );
    assert_eq!(op.parent_folder_ids, vec![BaseFolderId::distinguished(DistinguishedFolderName::Inbox)]);
}

#[test]
fn sample_restrictions() {
    let Some(xml) = sample("msdocs-recurrence-patterns-and-ews-req.xml") else { return };
    let op = Request::<FindItem>::parse(&xml).unwrap().body;
    assert_eq!(
        op.restriction.unwrap().expression,
        SearchExpression::and(vec![
            SearchExpression::is_greater_than(PropertyPath::field("calendar:Start"), "2014-07-01T07:00:00.000Z"),
            SearchExpression::is_less_than(PropertyPath::field("calendar:End"), "2014-07-31T07:00:00.000Z"),
        ])
    );

    let Some(xml) = sample("msdocs-access-a-calendar-as-a-delegate-req.xml") else { return };
    let op = Request::<FindItem>::parse(&xml).unwrap().body;
    assert_eq!(
        op.restriction.unwrap().expression,
        SearchExpression::contains(
            PropertyPath::field("item:Subject"),
            "building",
            ContainmentMode::Substring,
            ContainmentComparison::IgnoreCase
        )
    );
    assert_eq!(
        op.sort_order,
        vec![FieldOrder { order: SortDirection::Descending, path: PropertyPath::field("item:DateTimeReceived") }]
    );
    let BaseFolderId::Distinguished(d) = &op.parent_folder_ids[0] else { panic!("distinguished folder expected") };
    assert_eq!(d.id, DistinguishedFolderName::Calendar);
    assert_eq!(d.mailbox.as_ref().unwrap().email_address.as_deref(), Some("primary@contoso.com"));
}

#[test]
fn sample_grouped_search() {
    let Some(xml) = sample("msdocs-perform-grouped-searches-req.xml") else { return };
    let op = Request::<FindItem>::parse(&xml).unwrap().body;
    let Some(Grouping::GroupBy(g)) = op.grouping else { panic!("GroupBy expected") };
    assert_eq!(g.order, SortDirection::Descending);
    assert_eq!(g.path, PropertyPath::field("message:From"));
    assert_eq!(
        g.aggregate_on,
        AggregateOn { aggregate: Aggregate::Minimum, path: PropertyPath::field("item:DateTimeReceived") }
    );

    let Some(xml) = sample("msdocs-perform-grouped-searches-resp.xml") else { return };
    let resp = Request::<FindItem>::parse_response(&xml).unwrap();
    assert_eq!(resp.server_version.as_ref().unwrap().major_version, Some(15));
    let ResponseBody::Message(body) = resp.body else { panic!("message expected") };
    let root = body.messages[0].content.root_folder.as_ref().unwrap();
    assert_eq!(root.paging.indexed_paging_offset, Some(10));
    assert_eq!(root.paging.total_items_in_view, Some(8));
    assert_eq!(root.paging.next_offset(), None);
    let FindItemContents::Groups(groups) = &root.contents else { panic!("groups expected") };
    assert_eq!(
        groups.iter().map(|g| (g.group_index.as_str(), g.items.len())).collect::<Vec<_>>(),
        [("0", 5), ("1", 3)]
    );
    assert_eq!(body.items().count(), 8);
    assert_eq!(body.items().next().unwrap().base().subject.as_deref(), Some("Planning resources"));
}

#[test]
fn sample_responses() {
    let Some(xml) = sample("msdocs-querystring-querystringtype-resp.xml") else { return };
    let ResponseBody::Message(body) = Request::<FindItem>::parse_response(&xml).unwrap().body else { panic!() };
    let root = body.messages[0].content.root_folder.as_ref().unwrap();
    assert_eq!(
        root.paging,
        FindPaging {
            indexed_paging_offset: Some(1),
            total_items_in_view: Some(5),
            includes_last_item_in_range: Some(false),
            ..FindPaging::default()
        }
    );
    assert_eq!(root.paging.next_offset(), Some(1));
    let item = body.items().next().unwrap();
    assert_eq!(item.id(), Some(&ItemId::with_change_key("AAMkADEzOTExYjJkLTYx", "CQAAABY")));

    let Some(xml) = sample("msdocs-use-search-filters-with-ews-resp.xml") else { return };
    let ResponseBody::Message(body) = Request::<FindItem>::parse_response(&xml).unwrap().body else { panic!() };
    let values: Vec<_> = body.items().map(|i| i.base().extended_properties[0].single().unwrap().to_owned()).collect();
    assert_eq!(values, ["5", "6", "7"]);

    let Some(xml) = sample("msdocs-finditem-resp-2.xml") else { return };
    let ResponseBody::Message(body) = Request::<FindItem>::parse_response(&xml).unwrap().body else { panic!() };
    let status = &body.messages[0].status;
    assert_eq!((status.class, &status.code), (ResponseClass::Error, &ResponseCode::ErrorInvalidIdMalformed));
    assert_eq!(status.message_text.as_deref(), Some("Id is malformed."));
    assert!(body.messages[0].content.root_folder.is_none());
}

#[test]
fn search_by_extended_property() {
    let tag = ExtendedFieldUri::named_string("c11ff724-aa03-4555-9952-8fa248a11c3e", "exsync-id");
    let folder = BaseFolderId::Folder(FolderId::new("AAMkAGI2"));
    let op = FindItem::by_extended_property(folder.clone(), tag.clone(), "rec-42", IndexedPageView::first(50));
    assert_eq!(op.item_shape.additional_properties, vec![PropertyPath::Extended(tag.clone())]);
    assert_eq!(
        op.restriction,
        Some(Restriction::new(SearchExpression::Compare {
            operator: ComparisonOperator::IsEqualTo,
            path: PropertyPath::Extended(tag),
            value: FieldUriOrConstant::Constant("rec-42".to_owned()),
        }))
    );
    let req = Request::new(RequestHeader::impersonating(ExchangeVersion::Exchange2013, "bob@contoso.com"), op);
    let xml = req.to_xml_string();
    assert!(xml.contains(concat!(
        r#"<m:IndexedPageItemView MaxEntriesReturned="50" Offset="0" BasePoint="Beginning"/><m:Restriction><t:IsEqualTo>"#,
        r#"<t:ExtendedFieldURI PropertySetId="c11ff724-aa03-4555-9952-8fa248a11c3e" PropertyName="exsync-id" PropertyType="String"/>"#,
        r#"<t:FieldURIOrConstant><t:Constant Value="rec-42"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>"#,
        r#"<m:ParentFolderIds><t:FolderId Id="AAMkAGI2"/></m:ParentFolderIds>"#
    )));
    assert_eq!(Request::<FindItem>::parse_strict(&xml, Default::default()).unwrap(), req);

    let start = EwsDateTime::parse("2024-03-01T00:00:00Z").unwrap();
    let end = EwsDateTime::parse("2024-04-01T00:00:00Z").unwrap();
    let cal = FindItem::calendar_view(folder, start, end, ItemShape::new(BaseShape::Default));
    let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), cal).to_xml_string();
    assert!(xml.contains(r#"<m:CalendarView StartDate="2024-03-01T00:00:00Z" EndDate="2024-04-01T00:00:00Z"/>"#));

    let Some(shared) = shared_dir() else { return };
    if xmllint_available() {
        let docs = vec![("by-extended-property".to_owned(), common::body_document(&req.to_xml_string()))];
        validate(&shared, Schema::Current, &docs).unwrap();
        validate(&shared, Schema::Exchange2010Sp2, &docs).unwrap();
    }
}

#[test]
fn strict_parsing_refuses_what_the_schema_does() {
    let base = |inner: &str| {
        format!(
            r#"<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:m="m" xmlns:t="t"><s:Body><m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>{inner}</m:FindItem></s:Body></s:Envelope>"#
        )
    };
    let ok = base(r#"<m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds>"#);
    assert!(Request::<FindItem>::parse_strict(&ok, Default::default()).is_ok());
    for bad in [
        // No parent folder.
        base(""),
        // An empty And.
        base(
            r#"<m:Restriction><t:And/></m:Restriction><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds>"#,
        ),
        // An empty restriction.
        base(r#"<m:Restriction/><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds>"#),
        // A comparison without right-hand side.
        base(
            r#"<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="item:Subject"/></t:IsEqualTo></m:Restriction><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds>"#,
        ),
        // An unknown field URI.
        base(
            r#"<m:Restriction><t:Exists><t:FieldURI FieldURI="item:Nope"/></t:Exists></m:Restriction><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds>"#,
        ),
        // An unknown element.
        base(r#"<m:Bogus/><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds>"#),
    ] {
        assert!(Request::<FindItem>::parse_strict(&bad, Default::default()).is_err(), "{bad}");
    }
    // Missing Traversal is an error even leniently.
    let no_traversal = ok.replace(r#" Traversal="Shallow""#, "");
    assert!(Request::<FindItem>::parse(&no_traversal).is_err());
}
