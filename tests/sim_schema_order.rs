//! Schema checks of the simulator over real HTTP for GetFolder, FindFolder, FindItem, CreateFolder,
//! DeleteItem, ResolveNames and ConvertId: a request with children out of `xs:sequence` order (or
//! a child given twice, where the sequence has one element), with an unknown element, or without a
//! required part gets the SOAP fault `ErrorSchemaValidation` with the line and position of the
//! offending element, and the well-formed request still succeeds. Each bad request also fails
//! xmllint against Microsoft's schema in `../shared/ews/schema` (skipped, with the reason printed,
//! when `../shared` or xmllint is absent), so the simulator and the schema agree.
#![cfg(feature = "sim")]

mod common;
mod sim_client;

use std::ops::Range;

use common::{Schema, body_document, schema_validation, validate};
use exsync::ews::*;
use sim_client::{Client, as_user, fault, org, svc};

const ALICE: &str = "alice@contoso.com";

fn contacts() -> BaseFolderId {
    BaseFolderId::distinguished(DistinguishedFolderName::Contacts)
}

fn contact(name: &str) -> Item {
    Item::Contact(Box::new(Contact { display_name: Some(name.into()), ..Contact::default() }))
}

/// The byte range of the first element `qname` (start tag to end tag, or the empty tag).
fn span(xml: &str, qname: &str) -> Range<usize> {
    let open = format!("<{qname}");
    let start = xml
        .match_indices(&open)
        .map(|(i, _)| i)
        .find(|&i| matches!(xml.as_bytes()[i + open.len()], b' ' | b'>' | b'/'))
        .unwrap_or_else(|| panic!("no <{qname}> in {xml}"));
    let tag_end = start + xml[start..].find('>').unwrap() + 1;
    if xml[..tag_end].ends_with("/>") {
        return start..tag_end;
    }
    let close = format!("</{qname}>");
    start..start + xml[start..].find(&close).unwrap() + close.len()
}

/// A bad variant of a request and the byte offset the fault must point at.
struct Bad {
    what: String,
    xml: String,
    at: usize,
}

/// Moves element `a` to just after element `b`: the moved element is then out of order.
fn moved_after(xml: &str, a: &str, b: &str) -> Bad {
    let ra = span(xml, a);
    let element = xml[ra.clone()].to_owned();
    let without = format!("{}{}", &xml[..ra.start], &xml[ra.end..]);
    let at = span(&without, b).end;
    Bad { what: format!("{a} after {b}"), xml: format!("{}{element}{}", &without[..at], &without[at..]), at }
}

/// Repeats element `a` (for a sequence of a single element).
fn repeated(xml: &str, a: &str) -> Bad {
    let r = span(xml, a);
    Bad { what: format!("{a} twice"), xml: format!("{}{}{}", &xml[..r.end], &xml[r.clone()], &xml[r.end..]), at: r.end }
}

/// Puts an element the schema does not know before element `before`.
fn unknown_before(xml: &str, before: &str) -> Bad {
    let at = span(xml, before).start;
    Bad { what: format!("unknown element before {before}"), xml: format!("{}<m:Bogus/>{}", &xml[..at], &xml[at..]), at }
}

/// Leaves out the required element `a`; the fault points at the operation's element.
fn without(xml: &str, a: &str, operation: &str) -> Bad {
    let r = span(xml, a);
    let xml = format!("{}{}", &xml[..r.start], &xml[r.end..]);
    let at = span(&xml, &format!("m:{operation}")).start;
    Bad { what: format!("without {a}"), xml, at }
}

fn line_and_position(xml: &str, offset: usize) -> (u64, u64) {
    let before = &xml[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let column = offset - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column as u64)
}

/// One operation's well-formed request and its three kinds of bad variants.
struct Case {
    operation: &'static str,
    good: String,
    bad: Vec<Bad>,
}

impl Case {
    fn new(operation: &'static str, good: String, order: Bad, unknown_at: &str, required: &str) -> Case {
        let bad = vec![order, unknown_before(&good, unknown_at), without(&good, required, operation)];
        Case { operation, good, bad }
    }
}

async fn cases(server: &exsync::sim::SimServer) -> Vec<Case> {
    let item = server.side_door(ALICE, |d| d.create(&contacts(), contact("To delete"))).unwrap();
    let kept = server.side_door(ALICE, |d| d.create(&contacts(), contact("To convert"))).unwrap();

    let get_folder =
        as_user(ALICE, GetFolder::new(vec![contacts()], FolderShape::new(BaseShape::Default))).to_xml_string();
    let find_folder = as_user(ALICE, FindFolder::by_display_name(contacts(), "Synced")).to_xml_string();
    let find_item = as_user(
        ALICE,
        FindItem::new(contacts(), ItemShape::new(BaseShape::IdOnly))
            .with_view(ItemView::IndexedPage(IndexedPageView::first(10))),
    )
    .to_xml_string();
    let create_folder = as_user(ALICE, CreateFolder::contacts_folder(contacts(), "Synced")).to_xml_string();
    let delete_item = as_user(ALICE, DeleteItem::new(vec![item], DeleteType::HardDelete)).to_xml_string();
    let mut resolve = ResolveNames::new("bob", true);
    resolve.parent_folder_ids = vec![contacts()];
    let resolve_names = as_user(ALICE, resolve).to_xml_string();
    let convert_id =
        as_user(ALICE, ConvertId::new(IdFormat::HexEntryId, vec![AlternateId::new(IdFormat::EwsId, kept.id, ALICE)]))
            .to_xml_string();

    vec![
        Case::new(
            "GetFolder",
            get_folder.clone(),
            moved_after(&get_folder, "m:FolderShape", "m:FolderIds"),
            "m:FolderIds",
            "m:FolderIds",
        ),
        Case::new(
            "FindFolder",
            find_folder.clone(),
            moved_after(&find_folder, "m:Restriction", "m:ParentFolderIds"),
            "m:ParentFolderIds",
            "m:ParentFolderIds",
        ),
        Case::new(
            "FindItem",
            find_item.clone(),
            moved_after(&find_item, "m:ItemShape", "m:IndexedPageItemView"),
            "m:ParentFolderIds",
            "m:ParentFolderIds",
        ),
        Case::new(
            "CreateFolder",
            create_folder.clone(),
            moved_after(&create_folder, "m:ParentFolderId", "m:Folders"),
            "m:Folders",
            "m:Folders",
        ),
        Case::new("DeleteItem", delete_item.clone(), repeated(&delete_item, "m:ItemIds"), "m:ItemIds", "m:ItemIds"),
        Case::new(
            "ResolveNames",
            resolve_names.clone(),
            moved_after(&resolve_names, "m:ParentFolderIds", "m:UnresolvedEntry"),
            "m:UnresolvedEntry",
            "m:UnresolvedEntry",
        ),
        Case::new("ConvertId", convert_id.clone(), repeated(&convert_id, "m:SourceIds"), "m:SourceIds", "m:SourceIds"),
    ]
}

#[tokio::test]
async fn requests_breaking_the_schema_get_error_schema_validation_with_the_position() {
    let server = org().start().await.unwrap();
    let cases = cases(&server).await;
    let mut c = Client::connect(&server).await;
    for case in &cases {
        for bad in &case.bad {
            let what = format!("{} {}", case.operation, bad.what);
            let a = c.ews_raw(&svc(), &bad.xml).await;
            assert_eq!(a.status, 500, "{what}: {}", a.body);
            let r = Request::<GetFolder>::parse_response(&a.body).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(r.server_version.is_some(), "{what}");
            let f = fault(r);
            assert_eq!(f.code(), ResponseCode::ErrorSchemaValidation, "{what}");
            assert_eq!(f.schema_position(), Some(line_and_position(&bad.xml, bad.at)), "{what}: {f:?}");
            assert!(f.message_xml.as_ref().and_then(|m| m.violation()).is_some(), "{what}");
        }
        // The well-formed request still goes through (sent last: DeleteItem deletes).
        let a = c.ews_raw(&svc(), &case.good).await;
        assert_eq!(a.status, 200, "{}: {}", case.operation, a.body);
        assert!(!a.body.contains("ErrorSchemaValidation"), "{}", case.operation);
        assert!(a.body.contains(&format!("{}Response", case.operation)), "{}: {}", case.operation, a.body);
        // Every message succeeds: in particular the item to delete survived the refused DeleteItems.
        assert!(!a.body.contains("ResponseClass=\"Error\""), "{}: {}", case.operation, a.body);
    }
    assert_eq!(server.counters().operation("DeleteItem"), 4);
}

#[tokio::test]
async fn the_schema_refuses_the_same_requests() {
    let Some(shared) = schema_validation() else { return };
    let server = org().start().await.unwrap();
    for case in cases(&server).await {
        let good = body_document(&case.good);
        validate(&shared, Schema::Current, &[(case.operation.to_owned(), good)])
            .unwrap_or_else(|e| panic!("{}: the well-formed request fails the schema: {e}", case.operation));
        for bad in &case.bad {
            let doc = body_document(&bad.xml);
            assert!(
                validate(&shared, Schema::Current, &[(case.operation.to_owned(), doc)]).is_err(),
                "{} {}: xmllint accepts what the simulator refuses",
                case.operation,
                bad.what
            );
        }
    }
}
