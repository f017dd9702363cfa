//! SyncFolderItems, GetItem, CreateItem and UpdateItem: round trips of generated requests and
//! responses (SOAP faults included), schema validity of what exsync writes, and every well-formed
//! reference sample of these operations.

mod common;

use std::fmt::Debug;
use std::path::Path;

use common::checks::*;
use common::strategies::envelope::{request_header, response};
use common::strategies::ops_items::*;
use common::{Schema, schema_validation, shared_dir, validate};
use exsync::ews::*;
use exsync::xml::{ToXml, XmlErrorKind};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Helpers shared by the four operations.

/// Validates 64 generated requests that Exchange 2010 SP2 accepts against both schemas and 64
/// unrestricted ones against the current schema; one xmllint run per batch.
fn validate_requests<O: Operation, S: Strategy<Value = O>>(compat: S, full: S) {
    let Some(shared) = schema_validation() else { return };
    validate_generated_requests(&shared, compat, full).unwrap();
}

/// Validates 32 generated response bodies (root `m:{Op}Response`) against the current schema.
fn validate_responses<O: Operation>(strategy: impl Strategy<Value = O::Response>) {
    let Some(shared) = schema_validation() else { return };
    let message = strategy.prop_map(|body| Response { server_version: None, body: ResponseBody::Message(body) });
    validate(&shared, Schema::Current, &response_docs::<O>(generate(&message, 32))).unwrap();
}

/// The distinct codes of a response, in order of appearance (a fault's: its code).
fn codes<R: Messages>(resp: &Response<R>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let all: Vec<String> = match &resp.body {
        ResponseBody::Message(b) => message_codes(b).iter().map(|c| c.as_str().to_owned()).collect(),
        ResponseBody::Fault(f) => vec![f.code().as_str().to_owned()],
    };
    for c in all {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Parses every sample of `O` (requests as `O`, responses as `O::Response`), checks the response
/// codes against the manifest, and re-serializes what was read: it must parse to the same value.
/// Samples that are not namespace-well-formed may fail (one is a bare `s:Body` fragment). Returns
/// how many samples were read.
fn check_item_samples<O>(shared: &Path) -> usize
where
    O: Operation + PartialEq,
    O::Response: Messages + PartialEq,
{
    let mut read = 0;
    for s in &operation_samples::<O>(shared) {
        if s.is_request {
            assert_eq!(s.body, O::NAME);
            let req = match Request::<O>::parse(&s.xml) {
                Ok(req) => req,
                Err(e) if s.namespace_error => {
                    eprintln!("{}: not namespace-well-formed, skipped ({e})", s.file);
                    continue;
                }
                // A documentation typo in RequestServerVersion: the body must still read.
                Err(e) if e.path.contains("soap:Header") && matches!(e.kind, XmlErrorKind::InvalidValue { .. }) => {
                    let body = body_only::<O>(&s.xml).unwrap_or_else(|e| panic!("{}: {e}", s.file));
                    Request::new(RequestHeader::new(ExchangeVersion::Exchange2007Sp1), body)
                }
                Err(e) => panic!("{}: {e}", s.file),
            };
            let again = Request::<O>::parse(&req.to_xml_string()).unwrap();
            assert_eq!(again, req, "{}", s.file);
        } else {
            let resp = match Request::<O>::parse_response(&s.xml) {
                Ok(resp) => resp,
                Err(e) if s.namespace_error => {
                    eprintln!("{}: not namespace-well-formed, skipped ({e})", s.file);
                    continue;
                }
                Err(e) => panic!("{}: {e}", s.file),
            };
            assert_eq!(codes(&resp), s.codes, "{}", s.file);
            let again = Request::<O>::parse_response(&resp.to_xml_string(&O::response_name())).unwrap();
            assert_eq!(again, resp, "{}", s.file);
        }
        read += 1;
    }
    read
}

/// The operation element of a request envelope, read without its headers.
fn body_only<O: Operation>(xml: &str) -> Result<O, exsync::xml::XmlError> {
    let mut r = exsync::xml::XmlReader::new(xml)?;
    let root = r.root()?;
    while let Some(c) = r.next_child(&root)? {
        if c.name() == "Body" {
            if let Some(b) = r.next_child(&c)? {
                return O::from_xml(&mut r, &b);
            }
        }
    }
    Err(r.missing(&root, "Body"))
}

/// Parses the schema-valid request samples of `O` that `select` picks with the strict reader;
/// returns how many there were.
fn strict_request_samples<O: Operation + PartialEq>(shared: &Path, select: impl Fn(&Sample) -> bool) -> usize {
    let list: Vec<Sample> = operation_samples::<O>(shared).into_iter().filter(|s| s.is_request && select(s)).collect();
    for s in &list {
        let strict =
            Request::<O>::parse_strict(&s.xml, Default::default()).unwrap_or_else(|e| panic!("{}: {e}", s.file));
        assert_eq!(strict, Request::<O>::parse(&s.xml).unwrap(), "{}", s.file);
    }
    list.len()
}

fn read_sample(shared: &Path, file: &str) -> String {
    std::fs::read_to_string(shared.join("ews/samples").join(file)).unwrap()
}

fn message<T: Debug>(resp: &Response<T>) -> &T {
    match &resp.body {
        ResponseBody::Message(m) => m,
        ResponseBody::Fault(f) => panic!("unexpected fault {f}"),
    }
}

fn other(element: &str, base: ItemBase) -> Item {
    Item::Other(Box::new(OtherItem { element: element.into(), item: base }))
}

// ---------------------------------------------------------------------------------------------

mod sync_folder_items {
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn request_round_trips(header in request_header(), op in sync_folder_items(false)) {
            check_request_round_trip(header, op)?;
        }

        #[test]
        fn response_round_trips(resp in response(sync_folder_items_response())) {
            check_response_round_trip::<SyncFolderItems>(resp)?;
        }
    }

    #[test]
    fn generated_requests_validate_against_both_schemas() {
        validate_requests(sync_folder_items(true), sync_folder_items(false));
    }

    #[test]
    fn generated_responses_validate() {
        validate_responses::<SyncFolderItems>(sync_folder_items_response());
    }

    #[test]
    fn max_changes_returned_is_checked() {
        assert_eq!(MaxChangesReturned::new(1).unwrap().get(), 1);
        assert_eq!(MaxChangesReturned::new(512).unwrap().get(), 512);
        assert_eq!(MaxChangesReturned::new(0), Err(MaxChangesOutOfRange(0)));
        assert_eq!(MaxChangesReturned::new(513), Err(MaxChangesOutOfRange(513)));
        assert_eq!(MaxChangesReturned::new(-5), Err(MaxChangesOutOfRange(-5)));
        assert_eq!(MaxChangesReturned::try_from(70_000i64), Err(MaxChangesOutOfRange(70_000)));
        assert_eq!(MaxChangesReturned::clamped(9999), MaxChangesReturned::MAX);
        assert_eq!(MaxChangesReturned::default(), MaxChangesReturned::MAX);
        assert!(MaxChangesOutOfRange(600).to_string().contains("600"));
        // JSON goes through the same check.
        assert!(serde_json::from_str::<MaxChangesReturned>("0").is_err());
        assert_eq!(serde_json::from_str::<MaxChangesReturned>("42").unwrap().get(), 42);
    }

    fn with_max(text: &str) -> String {
        let op = SyncFolderItems::new(
            BaseFolderId::distinguished(DistinguishedFolderName::Calendar),
            ItemShape::new(BaseShape::IdOnly),
        );
        Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op)
            .to_xml_string()
            .replace("<m:MaxChangesReturned>512<", &format!("<m:MaxChangesReturned>{text}<"))
    }

    #[test]
    fn strict_reader_rejects_out_of_range_max_changes() {
        for bad in ["0", "513", "-1", "100000"] {
            let xml = with_max(bad);
            let err = Request::<SyncFolderItems>::parse_strict(&xml, Default::default()).unwrap_err();
            assert!(matches!(err.kind, XmlErrorKind::InvalidValue { .. }), "{bad}: {err}");
            assert!(err.to_string().contains(bad), "{err}");
            // The lenient reader brings the value into range.
            let lenient = Request::<SyncFolderItems>::parse(&xml).unwrap();
            let n = lenient.body.max_changes_returned.get();
            assert_eq!(n, if bad == "0" || bad == "-1" { 1 } else { 512 });
        }
        assert!(Request::<SyncFolderItems>::parse(&with_max("ten")).is_err());
        assert_eq!(
            Request::<SyncFolderItems>::parse_strict(&with_max(" 7 "), Default::default())
                .unwrap()
                .body
                .max_changes_returned
                .get(),
            7
        );
    }

    #[test]
    fn strict_reader_rejects_out_of_order_elements() {
        let op = SyncFolderItems::new(
            BaseFolderId::distinguished(DistinguishedFolderName::Contacts),
            ItemShape::new(BaseShape::IdOnly),
        )
        .with_sync_state("S1");
        let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op.clone()).to_xml_string();
        let swapped = xml
            .replace("<m:SyncState>S1</m:SyncState>", "")
            .replace("</m:SyncFolderItems>", "<m:SyncState>S1</m:SyncState></m:SyncFolderItems>");
        let err = Request::<SyncFolderItems>::parse_strict(&swapped, Default::default()).unwrap_err();
        assert!(matches!(err.kind, XmlErrorKind::UnexpectedElement(ref n) if n == "m:SyncState"), "{err}");
        assert_eq!(Request::<SyncFolderItems>::parse(&swapped).unwrap().body, op);
        let missing = xml.replace("<m:MaxChangesReturned>512</m:MaxChangesReturned>", "");
        let err = Request::<SyncFolderItems>::parse(&missing).unwrap_err();
        assert_eq!(err.kind, XmlErrorKind::MissingElement("MaxChangesReturned"));
    }

    #[test]
    fn builder_writes_schema_order() {
        let op = SyncFolderItems::new(
            BaseFolderId::distinguished(DistinguishedFolderName::Calendar),
            ItemShape::new(BaseShape::IdOnly),
        )
        .with_sync_state("H4sI")
        .with_ignore(vec![ItemId::new("I1")])
        .with_max_changes(MaxChangesReturned::new(10).unwrap())
        .with_scope(SyncFolderItemsScope::NormalItems);
        let mut w = exsync::xml::XmlWriter::new();
        op.to_xml(&mut w, "m:SyncFolderItems");
        assert_eq!(
            w.into_string(),
            "<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>\
             <m:SyncFolderId><t:DistinguishedFolderId Id=\"calendar\"/></m:SyncFolderId>\
             <m:SyncState>H4sI</m:SyncState><m:Ignore><t:ItemId Id=\"I1\"/></m:Ignore>\
             <m:MaxChangesReturned>10</m:MaxChangesReturned><m:SyncScope>NormalItems</m:SyncScope>\
             </m:SyncFolderItems>"
        );
    }

    #[test]
    fn samples_parse() {
        let Some(shared) = shared_dir() else { return };
        let n = check_item_samples::<SyncFolderItems>(&shared);
        assert!(n >= 7, "{n}"); // all 7 in the reference set
        // The request samples are schema-valid, so a strict reader accepts them too.
        let strict = strict_request_samples::<SyncFolderItems>(&shared, |_| true);
        assert_eq!(strict, 3);
    }

    #[test]
    fn sample_values() {
        let Some(shared) = shared_dir() else { return };
        let req =
            Request::<SyncFolderItems>::parse(&read_sample(&shared, "SyncFolderItems/msdocs-syncfolderitems-req.xml"))
                .unwrap()
                .body;
        assert_eq!(req.item_shape, ItemShape::new(BaseShape::Default));
        assert_eq!(req.sync_folder_id, BaseFolderId::distinguished(DistinguishedFolderName::Sentitems));
        assert_eq!(req.sync_state.as_deref(), Some("AEbJ94eMOAAA="));
        assert_eq!(req.ignore, vec![ItemId::with_change_key("AQApAHRAA==", "CQAAABY")]);
        assert_eq!(req.max_changes_returned.get(), 100);
        assert_eq!(req.sync_scope, None);

        let req = Request::<SyncFolderItems>::parse(&read_sample(
            &shared,
            "SyncFolderItems/msdocs-synchronize-items-req-2.xml",
        ))
        .unwrap();
        assert_eq!(req.header.version, ExchangeVersion::Exchange2010Sp2);
        assert_eq!(req.body.sync_scope, Some(SyncFolderItemsScope::NormalItems));
        assert_eq!(req.body.max_changes_returned.get(), 10);

        let resp = Response::<SyncFolderItemsResponse>::parse(
            &read_sample(&shared, "SyncFolderItems/msdocs-syncfolderitems-resp.xml"),
            "SyncFolderItemsResponse",
        )
        .unwrap();
        let m = &message(&resp).messages[0];
        assert_eq!(m.status, ResponseStatus::success());
        assert_eq!(m.content.sync_state.as_deref(), Some("H4sIAAAAA="));
        assert_eq!(m.content.includes_last_item_in_range, Some(true));
        let [SyncChange::Create(Item::Other(created))] = &m.content.changes[..] else {
            panic!("{:?}", m.content.changes)
        };
        assert_eq!(created.element, "MeetingRequest");
        assert_eq!(created.item.subject.as_deref(), Some("Budget Q3"));
        assert_eq!(created.item.item_id, Some(ItemId::with_change_key("AQApAHRwA==", "CwAAABYA")));

        let resp = Response::<SyncFolderItemsResponse>::parse(
            &read_sample(&shared, "SyncFolderItems/msdocs-synchronize-items-resp-2.xml"),
            "SyncFolderItemsResponse",
        )
        .unwrap();
        let changes = &message(&resp).messages[0].content.changes;
        let kinds: Vec<&str> = changes
            .iter()
            .map(|c| match c {
                SyncChange::Create(_) => "create",
                SyncChange::Update(_) => "update",
                SyncChange::Delete(_) => "delete",
                SyncChange::ReadFlagChange { .. } => "read",
            })
            .collect();
        assert_eq!(kinds, ["update", "create", "create", "read", "delete"]);
        assert_eq!(changes[0].item_id().unwrap().id, "q04QAAAA==");
        assert_eq!(
            changes[3],
            SyncChange::ReadFlagChange { item_id: ItemId::with_change_key(" q07AAAAA==", "CQAAAA=="), is_read: true }
        );
        assert_eq!(changes[4], SyncChange::Delete(ItemId::with_change_key(" q1AwAAAA==", "CQAAAA==")));
        let SyncChange::Update(updated) = &changes[0] else { unreachable!() };
        assert_eq!(updated.base().subject.as_deref(), Some("RE: Company Soccer Team"));
        assert_eq!(updated.base().size, Some(23110));
    }

    #[test]
    fn server_busy_sample() {
        let Some(shared) = shared_dir() else { return };
        let xml = read_sample(&shared, "SyncFolderItems/ewsrs-ErrorServerBusy-BackOffMilliseconds-resp.xml");
        let resp = Request::<SyncFolderItems>::parse_response(&xml).unwrap();
        assert_eq!(resp.server_version.as_ref().unwrap().version.as_deref(), Some("V2018_01_08"));
        let m = &message(&resp).messages[0];
        assert_eq!(m.status.class, ResponseClass::Error);
        assert_eq!(m.status.code, ResponseCode::ErrorServerBusy);
        assert!(m.status.code.is_throttling());
        assert_eq!(m.status.message_xml.as_ref().unwrap().back_off_milliseconds(), Some(5000));
        assert_eq!(m.content.sync_state.as_deref(), Some(""));
        assert_eq!(m.content.includes_last_item_in_range, Some(true));
        assert!(m.content.changes.is_empty());
        // Written again, the empty state stays and no Changes element appears.
        let again = resp.to_xml_string("SyncFolderItemsResponse");
        assert!(again.contains("<m:SyncState></m:SyncState><m:IncludesLastItemInRange>true"));
        assert!(!again.contains("Changes"));
    }
}

// ---------------------------------------------------------------------------------------------

mod get_item {
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn request_round_trips(header in request_header(), op in get_item(false)) {
            check_request_round_trip(header, op)?;
        }

        #[test]
        fn response_round_trips(resp in response(get_item_response())) {
            check_response_round_trip::<GetItem>(resp)?;
        }
    }

    #[test]
    fn generated_requests_validate_against_both_schemas() {
        validate_requests(get_item(true), get_item(false));
    }

    #[test]
    fn generated_responses_validate() {
        validate_responses::<GetItem>(get_item_response());
    }

    #[test]
    fn strict_reader_requires_ids() {
        let op = GetItem::new(vec![ItemId::new("A1")], ItemShape::new(BaseShape::IdOnly));
        let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op).to_xml_string();
        let empty = xml.replace(r#"<t:ItemId Id="A1"/>"#, "");
        let err = Request::<GetItem>::parse_strict(&empty, Default::default()).unwrap_err();
        assert_eq!(err.kind, XmlErrorKind::MissingElement("ItemIds"));
        assert!(Request::<GetItem>::parse(&empty).unwrap().body.item_ids.is_empty());
        let without = xml.replace(r#"<m:ItemIds><t:ItemId Id="A1"/></m:ItemIds>"#, "");
        assert_eq!(Request::<GetItem>::parse(&without).unwrap_err().kind, XmlErrorKind::MissingElement("ItemIds"));
    }

    #[test]
    fn error_message_keeps_empty_items() {
        let resp = GetItemResponse {
            messages: vec![
                ResponseMessage {
                    status: ResponseStatus::success(),
                    content: ItemInfoContent {
                        items: vec![other(
                            "Message",
                            ItemBase { item_id: Some(ItemId::new("A")), ..Default::default() },
                        )],
                    },
                },
                ResponseMessage {
                    status: ResponseStatus::error(ResponseCode::ErrorItemNotFound, "not found"),
                    content: ItemInfoContent::default(),
                },
            ],
        };
        let mut w = exsync::xml::XmlWriter::new();
        resp.to_xml(&mut w, "m:GetItemResponse");
        let xml = w.into_string();
        assert!(xml.contains("<m:ResponseCode>ErrorItemNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Items></m:Items>"), "{xml}");
        let ids: Vec<_> = resp.items().map(|i| i.id().unwrap().id.as_str()).collect();
        assert_eq!(ids, ["A"]);
    }

    #[test]
    fn samples_parse() {
        let Some(shared) = shared_dir() else { return };
        let n = check_item_samples::<GetItem>(&shared);
        assert!(n >= 33, "{n}"); // 34, less one bare `s:Body` fragment
        // exsync reads `t:ItemId` only; the one sample asking for an occurrence by index is left out.
        let strict = strict_request_samples::<GetItem>(&shared, |s| !s.xml.contains("OccurrenceItemId"));
        assert_eq!(strict, 15);
    }

    #[test]
    fn sample_values() {
        let Some(shared) = shared_dir() else { return };
        let req = Request::<GetItem>::parse(&read_sample(&shared, "GetItem/msdocs-getitem-calendar-item-req.xml"))
            .unwrap()
            .body;
        assert_eq!(req.item_ids, vec![BaseItemId::Item(ItemId::with_change_key("AsdD89=", "Jajs3=="))]);
        assert_eq!(req.item_shape.base_shape, BaseShape::IdOnly);
        assert_eq!(req.item_shape.additional_properties, vec![PropertyPath::field("item:Subject")]);

        let resp =
            Request::<GetItem>::parse_response(&read_sample(&shared, "GetItem/msdocs-getitem-calendar-item-resp.xml"))
                .unwrap();
        let items: Vec<&Item> = message(&resp).items().collect();
        assert_eq!(items.len(), 1);
        assert!(matches!(items[0], Item::CalendarItem(_)), "{:?}", items[0]);
        assert!(items[0].id().is_some());

        let resp = Request::<GetItem>::parse_response(&read_sample(
            &shared,
            "GetItem/msdocs-getitem-email-message-resp-2.xml",
        ))
        .unwrap();
        let m = &message(&resp).messages[0];
        assert_eq!(m.status.code, ResponseCode::ErrorInvalidPropertyRequest);
        assert!(m.content.items.is_empty());
    }
}

// ---------------------------------------------------------------------------------------------

mod create_item {
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn request_round_trips(header in request_header(), op in create_item(false)) {
            check_request_round_trip(header, op)?;
        }

        #[test]
        fn response_round_trips(resp in response(create_item_response())) {
            check_response_round_trip::<CreateItem>(resp)?;
        }
    }

    #[test]
    fn generated_requests_validate_against_both_schemas() {
        validate_requests(create_item(true), create_item(false));
    }

    #[test]
    fn generated_responses_validate() {
        validate_responses::<CreateItem>(create_item_response());
    }

    #[test]
    fn save_only_sends_nothing() {
        let folder = BaseFolderId::distinguished(DistinguishedFolderName::Contacts);
        let op = CreateItem::save_only(folder.clone(), vec![other("Item", ItemBase::default())]);
        assert_eq!(op.message_disposition, Some(MessageDisposition::SaveOnly));
        assert_eq!(op.send_meeting_invitations, Some(SendMeetingInvitations::SendToNone));
        assert_eq!(op.saved_item_folder_id, Some(folder.clone()));
        let plain = CreateItem::new(vec![other("Item", ItemBase::default())])
            .with_saved_item_folder(folder)
            .with_message_disposition(MessageDisposition::SaveOnly)
            .with_meeting_invitations(SendMeetingInvitations::SendToNone);
        assert_eq!(plain, op);
        let mut w = exsync::xml::XmlWriter::new();
        op.to_xml(&mut w, "m:CreateItem");
        assert_eq!(
            w.into_string(),
            "<m:CreateItem MessageDisposition=\"SaveOnly\" SendMeetingInvitations=\"SendToNone\">\
             <m:SavedItemFolderId><t:DistinguishedFolderId Id=\"contacts\"/></m:SavedItemFolderId>\
             <m:Items><t:Item></t:Item></m:Items></m:CreateItem>"
        );
    }

    #[test]
    fn strict_reader_rejects_wrong_order_and_empty_items() {
        let op = CreateItem::save_only(
            BaseFolderId::distinguished(DistinguishedFolderName::Contacts),
            vec![other("Item", ItemBase { subject: Some("s".into()), ..Default::default() })],
        );
        let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op.clone()).to_xml_string();
        let folder = r#"<m:SavedItemFolderId><t:DistinguishedFolderId Id="contacts"/></m:SavedItemFolderId>"#;
        let swapped = xml.replace(folder, "").replace("</m:Items>", &format!("</m:Items>{folder}"));
        assert!(Request::<CreateItem>::parse_strict(&swapped, Default::default()).is_err());
        assert_eq!(Request::<CreateItem>::parse(&swapped).unwrap().body, op);
        let empty = xml.replace("<t:Item><t:Subject>s</t:Subject></t:Item>", "");
        assert_eq!(
            Request::<CreateItem>::parse_strict(&empty, Default::default()).unwrap_err().kind,
            XmlErrorKind::MissingElement("Items")
        );
    }

    #[test]
    fn samples_parse() {
        let Some(shared) = shared_dir() else { return };
        let n = check_item_samples::<CreateItem>(&shared);
        assert!(n >= 42, "{n}"); // all 42
    }

    #[test]
    fn sample_values() {
        let Some(shared) = shared_dir() else { return };
        let req =
            Request::<CreateItem>::parse(&read_sample(&shared, "CreateItem/msdocs-createitem-calendar-item-req.xml"))
                .unwrap()
                .body;
        assert_eq!(req.send_meeting_invitations, Some(SendMeetingInvitations::SendToAllAndSaveCopy));
        assert_eq!(req.message_disposition, None);
        assert_eq!(req.saved_item_folder_id, Some(BaseFolderId::distinguished(DistinguishedFolderName::Calendar)));
        let [Item::CalendarItem(event)] = &req.items[..] else { panic!("{:?}", req.items) };
        assert_eq!(event.item.subject.as_deref(), Some("Planning Meeting"));
        assert_eq!(event.item.reminder_minutes_before_start, Some(60));

        let resp = Request::<CreateItem>::parse_response(&read_sample(
            &shared,
            "CreateItem/msdocs-createitem-contact-resp.xml",
        ))
        .unwrap();
        let ids: Vec<&ItemId> = message(&resp).items().map(|i| i.id().unwrap()).collect();
        assert_eq!(ids, [&ItemId::with_change_key("AAAtA=", "EQAAAB")]);
        assert!(matches!(message(&resp).messages[0].content.items[0], Item::Contact(_)));

        let resp = Request::<CreateItem>::parse_response(&read_sample(
            &shared,
            "CreateItem/msdocs-createitem-contact-resp-2.xml",
        ))
        .unwrap();
        let m = &message(&resp).messages[0];
        assert_eq!(m.status.code, ResponseCode::ErrorCannotCreateContactInNonContactFolder);
        assert_eq!(m.status.message_text.as_deref(), Some("Cannot create a contact in a non-contact Folder."));
        assert_eq!(m.status.descriptive_link_key, Some(0));
        assert_eq!(message(&resp).items().count(), 0);
    }
}

// ---------------------------------------------------------------------------------------------

mod update_item {
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn request_round_trips(header in request_header(), op in update_item(false)) {
            check_request_round_trip(header, op)?;
        }

        #[test]
        fn response_round_trips(resp in response(update_item_response())) {
            check_response_round_trip::<UpdateItem>(resp)?;
        }
    }

    #[test]
    fn generated_requests_validate_against_both_schemas() {
        validate_requests(update_item(true), update_item(false));
    }

    #[test]
    fn generated_responses_validate() {
        validate_responses::<UpdateItem>(update_item_response());
    }

    #[test]
    fn writes_changes_in_schema_order() {
        let subject = other("Message", ItemBase { subject: Some("New".into()), ..Default::default() });
        let body = other("Message", ItemBase { body: Some(Body::text("more")), ..Default::default() });
        let op = UpdateItem::save_only(
            ConflictResolution::AutoResolve,
            vec![ItemChange::new(
                ItemId::with_change_key("I1", "C1"),
                vec![
                    ItemUpdate::set(PropertyPath::field("item:Subject"), subject),
                    ItemUpdate::append(PropertyPath::field("item:Body"), body),
                    ItemUpdate::delete(PropertyPath::field("item:Categories")),
                ],
            )],
        )
        .with_saved_item_folder(BaseFolderId::distinguished(DistinguishedFolderName::Sentitems));
        assert_eq!(op.item_changes[0].updates[2].path(), &PropertyPath::field("item:Categories"));
        let mut w = exsync::xml::XmlWriter::new();
        op.to_xml(&mut w, "m:UpdateItem");
        assert_eq!(
            w.into_string(),
            "<m:UpdateItem ConflictResolution=\"AutoResolve\" MessageDisposition=\"SaveOnly\" \
             SendMeetingInvitationsOrCancellations=\"SendToNone\">\
             <m:SavedItemFolderId><t:DistinguishedFolderId Id=\"sentitems\"/></m:SavedItemFolderId>\
             <m:ItemChanges><t:ItemChange><t:ItemId Id=\"I1\" ChangeKey=\"C1\"/><t:Updates>\
             <t:SetItemField><t:FieldURI FieldURI=\"item:Subject\"/><t:Message><t:Subject>New</t:Subject></t:Message></t:SetItemField>\
             <t:AppendToItemField><t:FieldURI FieldURI=\"item:Body\"/><t:Message><t:Body BodyType=\"Text\">more</t:Body></t:Message></t:AppendToItemField>\
             <t:DeleteItemField><t:FieldURI FieldURI=\"item:Categories\"/></t:DeleteItemField>\
             </t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>"
        );
        let op2 = UpdateItem::new(ConflictResolution::AlwaysOverwrite, op.item_changes.clone())
            .with_message_disposition(MessageDisposition::SendAndSaveCopy)
            .with_meeting_updates(SendMeetingInvitationsOrCancellations::SendOnlyToChanged);
        assert_eq!(op2.saved_item_folder_id, None);
        assert_eq!(
            op2.send_meeting_invitations_or_cancellations,
            Some(SendMeetingInvitationsOrCancellations::SendOnlyToChanged)
        );
    }

    #[test]
    fn malformed_updates_are_rejected() {
        let op = UpdateItem::new(
            ConflictResolution::AlwaysOverwrite,
            vec![ItemChange::new(ItemId::new("I1"), vec![ItemUpdate::delete(PropertyPath::field("item:Body"))])],
        );
        let xml = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), op).to_xml_string();
        // No ConflictResolution.
        let no_attr = xml.replace(" ConflictResolution=\"AlwaysOverwrite\"", "");
        assert_eq!(
            Request::<UpdateItem>::parse(&no_attr).unwrap_err().kind,
            XmlErrorKind::MissingAttribute("ConflictResolution")
        );
        // A SetItemField without its item.
        let set = xml.replace("DeleteItemField", "SetItemField");
        assert_eq!(Request::<UpdateItem>::parse(&set).unwrap_err().kind, XmlErrorKind::MissingElement("Item"));
        // No path.
        let no_path = xml.replace(r#"<t:FieldURI FieldURI="item:Body"/>"#, "");
        assert_eq!(Request::<UpdateItem>::parse(&no_path).unwrap_err().kind, XmlErrorKind::MissingElement("Path"));
        // Empty Updates: strict refuses, lenient reads no updates.
        let empty = xml.replace(r#"<t:DeleteItemField><t:FieldURI FieldURI="item:Body"/></t:DeleteItemField>"#, "");
        assert_eq!(
            Request::<UpdateItem>::parse_strict(&empty, Default::default()).unwrap_err().kind,
            XmlErrorKind::MissingElement("Updates")
        );
        assert!(Request::<UpdateItem>::parse(&empty).unwrap().body.item_changes[0].updates.is_empty());
        // An unknown field URI is refused by the strict reader.
        let unknown = xml.replace("item:Body", "item:NoSuchField");
        assert!(Request::<UpdateItem>::parse_strict(&unknown, Default::default()).is_err());
        assert!(Request::<UpdateItem>::parse(&unknown).is_ok());
    }

    #[test]
    fn conflict_results_round_trip() {
        let resp = UpdateItemResponse {
            messages: vec![ResponseMessage {
                status: ResponseStatus::success(),
                content: UpdateItemContent { items: Vec::new(), conflict_results: Some(ConflictResults { count: 2 }) },
            }],
        };
        let mut w = exsync::xml::XmlWriter::new();
        resp.to_xml(&mut w, "m:UpdateItemResponse");
        let xml = w.into_string();
        assert!(
            xml.contains("<m:Items></m:Items><m:ConflictResults><t:Count>2</t:Count></m:ConflictResults>"),
            "{xml}"
        );
        let back: UpdateItemResponse = exsync::xml::XmlReader::document(&xml, "UpdateItemResponse").unwrap();
        assert_eq!(back, resp);
    }

    #[test]
    fn samples_parse() {
        let Some(shared) = shared_dir() else { return };
        let n = check_item_samples::<UpdateItem>(&shared);
        assert!(n >= 16, "{n}"); // all 16
    }

    #[test]
    fn sample_values() {
        let Some(shared) = shared_dir() else { return };
        let req =
            Request::<UpdateItem>::parse(&read_sample(&shared, "UpdateItem/msdocs-updateitem-req.xml")).unwrap().body;
        assert_eq!(req.conflict_resolution, ConflictResolution::AutoResolve);
        assert_eq!(req.message_disposition, Some(MessageDisposition::SaveOnly));
        let change = &req.item_changes[0];
        assert_eq!(change.item_id, BaseItemId::Item(ItemId::with_change_key("AAAtAEFkb...", "CQAAABYAAAB...")));
        let [ItemUpdate::Set { path, item }] = &change.updates[..] else { panic!("{:?}", change.updates) };
        assert_eq!(path, &PropertyPath::field("item:Sensitivity"));
        assert_eq!(item, &other("Message", ItemBase { sensitivity: Some(Sensitivity::Normal), ..Default::default() }));

        let req =
            Request::<UpdateItem>::parse(&read_sample(&shared, "UpdateItem/msdocs-updateitem-req-3.xml")).unwrap().body;
        assert_eq!(req.item_changes[0].updates, vec![ItemUpdate::delete(PropertyPath::field("item:Body"))]);

        let req = Request::<UpdateItem>::parse(&read_sample(&shared, "UpdateItem/msdocs-updateitem-contact-req.xml"))
            .unwrap()
            .body;
        assert_eq!(req.conflict_resolution, ConflictResolution::AlwaysOverwrite);
        let ItemUpdate::Set { path, item } = &req.item_changes[0].updates[0] else { panic!() };
        assert_eq!(
            path,
            &PropertyPath::Indexed { field_uri: DictionaryUri::EmailAddress, field_index: "EmailAddress1".into() }
        );
        assert!(matches!(item, Item::Contact(_)));

        let resp =
            Request::<UpdateItem>::parse_response(&read_sample(&shared, "UpdateItem/msdocs-updateitem-resp.xml"))
                .unwrap();
        let ids: Vec<&ItemId> = message(&resp).items().map(|i| i.id().unwrap()).collect();
        assert_eq!(ids, [&ItemId::with_change_key("AAAtAEFkbW...", "CQAAABYAAA...")]);
        assert_eq!(resp.server_version.as_ref().unwrap().major_build_number, Some(664));
    }

    #[test]
    fn schema_fault_sample() {
        let Some(shared) = shared_dir() else { return };
        let resp =
            Request::<UpdateItem>::parse_response(&read_sample(&shared, "errors/msdocs-updateitem-contact-resp.xml"))
                .unwrap();
        let ResponseBody::Fault(f) = &resp.body else { panic!("{:?}", resp.body) };
        assert_eq!(f.code(), ResponseCode::ErrorSchemaValidation);
        assert_eq!(f.fault_string, "The request failed schema validation.");
        assert!(f.message.as_deref().unwrap().contains("EmailAddress4"));
    }
}
