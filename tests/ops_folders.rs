//! GetFolder, FindFolder and CreateFolder: round trips, schema validity of generated requests and
//! responses, and the reference samples (including CreateFolder and FindFolder errors).

mod common;

use common::checks::*;
use common::strategies::envelope::*;
use common::strategies::ops_folders::*;
use common::strategies::shapes::*;
use common::{Schema, body_document, schema_validation, shared_dir, validate, xmllint_available};
use exsync::ews::*;
use proptest::prelude::*;

fn get_folder_response() -> impl Strategy<Value = Response<GetFolderResponse>> {
    messages_response(folder_info(), |messages| GetFolderResponse { messages })
}

fn find_folder_response() -> impl Strategy<Value = Response<FindFolderResponse>> {
    messages_response(find_folder_content(), |messages| FindFolderResponse { messages })
}

fn create_folder_response() -> impl Strategy<Value = Response<CreateFolderResponse>> {
    messages_response(folder_info(), |messages| CreateFolderResponse { messages })
}

proptest! {
    #[test]
    fn get_folder_request_round_trips(header in request_header(), op in get_folder(false)) {
        check_request_round_trip(header, op)?;
    }

    #[test]
    fn find_folder_request_round_trips(header in request_header(), op in find_folder(false)) {
        check_request_round_trip(header, op)?;
    }

    #[test]
    fn create_folder_request_round_trips(header in request_header(), op in create_folder(false)) {
        check_request_round_trip(header, op)?;
    }

    #[test]
    fn get_folder_response_round_trips(resp in get_folder_response()) {
        check_response_round_trip::<GetFolder>(resp)?;
    }

    #[test]
    fn find_folder_response_round_trips(resp in find_folder_response()) {
        check_response_round_trip::<FindFolder>(resp)?;
    }

    #[test]
    fn create_folder_response_round_trips(resp in create_folder_response()) {
        check_response_round_trip::<CreateFolder>(resp)?;
    }

    /// Folders as a server sends them survive as CreateFolder's answer and as request content.
    #[test]
    fn any_folder_round_trips_in_a_request(header in request_header(), parent in base_folder_id(false), folders in proptest::collection::vec(folder(), 1..3)) {
        check_request_round_trip(header, CreateFolder::new(parent, folders))?;
    }
}

#[test]
fn generated_requests_validate_against_both_schemas() {
    let Some(shared) = schema_validation() else { return };
    validate_generated_requests(&shared, get_folder(true).boxed(), get_folder(false).boxed()).unwrap();
    validate_generated_requests(&shared, find_folder(true).boxed(), find_folder(false).boxed()).unwrap();
    validate_generated_requests(&shared, create_folder(true).boxed(), create_folder(false).boxed()).unwrap();
}

#[test]
fn generated_responses_validate() {
    let Some(shared) = schema_validation() else { return };
    let mut docs = response_docs::<GetFolder>(generate(&get_folder_response(), 32));
    docs.extend(response_docs::<FindFolder>(generate(&find_folder_response(), 32)));
    docs.extend(response_docs::<CreateFolder>(generate(&create_folder_response(), 32)));
    assert!(docs.len() >= 48, "too few message bodies: {}", docs.len());
    validate(&shared, Schema::Current, &docs).unwrap();
}

#[test]
fn samples_parse_with_expected_codes() {
    let Some(shared) = shared_dir() else { return };
    let get = samples(&shared, |_, body| body == "GetFolder" || body == "GetFolderResponse");
    assert_eq!(check_samples::<GetFolder>(&shared, &get), 28);

    let find = samples(&shared, |_, body| body == "FindFolder" || body == "FindFolderResponse");
    assert_eq!(check_samples::<FindFolder>(&shared, &find), 1);

    let create = samples(&shared, |file, body| {
        body == "CreateFolder" || body == "CreateFolderResponse" || (body == "Fault" && file.contains("create-folder"))
    });
    assert_eq!(check_samples::<CreateFolder>(&shared, &create), 13);
}

fn sample(path: &str) -> Option<String> {
    let shared = shared_dir()?;
    Some(std::fs::read_to_string(shared.join("ews/samples").join(path)).unwrap())
}

fn body<B>(resp: Response<B>) -> B {
    match resp.body {
        ResponseBody::Message(b) => b,
        ResponseBody::Fault(f) => panic!("unexpected fault {f}"),
    }
}

#[test]
fn sample_get_folder_values() {
    let Some(xml) = sample("GetFolder/msdocs-getfolder-req.xml") else { return };
    let op = Request::<GetFolder>::parse(&xml).unwrap().body;
    assert_eq!(op, GetFolder::distinguished(&[DistinguishedFolderName::Inbox]));

    let Some(xml) = sample("GetFolder/msdocs-work-with-hidden-folders-req.xml") else { return };
    let op = Request::<GetFolder>::parse(&xml).unwrap().body;
    assert_eq!(
        op.folder_shape.additional_properties,
        vec![PropertyPath::Extended(ExtendedFieldUri {
            key: PropertyKey::Tag("4340".to_owned()),
            property_type: MapiPropertyType::Boolean
        })]
    );
    assert_eq!(op.folder_ids, vec![BaseFolderId::Folder(FolderId::new("IQywAAAA=="))]);

    let Some(xml) = sample("GetFolder/evo-ex2010sp2-move-folder-to-valid-folder-GetFolder-resp.xml") else { return };
    let resp = Request::<GetFolder>::parse_response(&xml).unwrap();
    assert_eq!(resp.server_version.as_ref().unwrap().version.as_deref(), Some("Exchange2010_SP2"));
    let b = body(resp);
    let folders: Vec<_> = b.folders().collect();
    assert_eq!(folders.len(), 1);
    let Folder::Generic(f) = folders[0] else { panic!("t:Folder expected") };
    assert_eq!(f.base.display_name.as_deref(), Some("non-distinguished-folder-subfolder"));
    assert_eq!((f.base.total_count, f.base.child_folder_count, f.unread_count), (Some(0), Some(1), Some(0)));
    let rights = f.base.effective_rights.unwrap();
    assert!(rights.create_hierarchy && rights.read && rights.view_private_items.is_none());
    assert_eq!(
        f.base.folder_id.as_ref().unwrap().change_key.as_deref(),
        Some("AQAAABYAAABPRrS+NgN2TLdvauFC2S+xAACqkvLG")
    );

    let Some(xml) = sample("GetFolder/exchangelib-permissionset-effectiverights-resp.xml") else { return };
    let b = body(Request::<GetFolder>::parse_response(&xml).unwrap());
    let Folder::Calendar(c) = b.folders().next().unwrap() else { panic!("t:CalendarFolder expected") };
    assert_eq!(c.base.display_name.as_deref(), Some("My Calendar"));
    assert_eq!(c.base.folder_class.as_deref(), Some("IPF.Appointment"));
    assert_eq!(c.base.effective_rights.unwrap().view_private_items, Some(false));

    let Some(xml) = sample("GetFolder/msdocs-work-with-search-folders-resp.xml") else { return };
    let b = body(Request::<GetFolder>::parse_response(&xml).unwrap());
    let Folder::Other(s) = b.folders().next().unwrap() else { panic!("t:SearchFolder expected") };
    assert_eq!((s.element.as_str(), s.base.total_count, s.unread_count), ("SearchFolder", Some(8), Some(0)));

    let Some(xml) = sample("GetFolder/msdocs-work-with-hidden-folders-resp.xml") else { return };
    let b = body(Request::<GetFolder>::parse_response(&xml).unwrap());
    let f = b.folders().next().unwrap();
    assert_eq!(f.base().extended_properties[0].single(), Some("false"));

    let Some(xml) = sample("GetFolder/evo-ex2010sp2-hard-delete-distinguished-folder-subfolder-GetFolder-resp.xml")
    else {
        return;
    };
    let b = body(Request::<GetFolder>::parse_response(&xml).unwrap());
    assert_eq!(b.messages[0].status.code, ResponseCode::ErrorItemNotFound);
    assert!(!b.messages[0].status.is_ok());
}

#[test]
fn sample_create_folder_values() {
    let Some(xml) = sample("errors/evo-ex2010sp2-create-existing-folder-CreateFolder-req.xml") else { return };
    let req = Request::<CreateFolder>::parse(&xml).unwrap();
    assert_eq!(req.header.version, ExchangeVersion::Exchange2010Sp2);
    assert_eq!(req.body.parent_folder_id, BaseFolderId::distinguished(DistinguishedFolderName::Msgfolderroot));
    assert_eq!(req.body.folders, vec![Folder::generic("inbox", None)]);

    let Some(xml) = sample("errors/evo-ex2010sp2-create-existing-folder-CreateFolder-resp.xml") else { return };
    let b = body(Request::<CreateFolder>::parse_response(&xml).unwrap());
    let m = &b.messages[0];
    assert_eq!((m.status.class, &m.status.code), (ResponseClass::Error, &ResponseCode::ErrorFolderExists));
    assert_eq!(m.status.message_text.as_deref(), Some("A folder with the specified name already exists."));
    // Exchange sends an empty <m:Folders/> with this error; it is kept.
    assert_eq!(m.content.folders, Some(vec![]));
    let again =
        Response { server_version: None, body: ResponseBody::Message(b.clone()) }.to_xml_string("CreateFolderResponse");
    assert!(again.contains(
        "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Folders></m:Folders></m:CreateFolderResponseMessage>"
    ));

    let Some(xml) =
        sample("errors/evo-ex2010sp2-create-folder-with-invalid-non-distinguished-parent-id-CreateFolder-resp.xml")
    else {
        return;
    };
    let b = body(Request::<CreateFolder>::parse_response(&xml).unwrap());
    assert_eq!(b.messages[0].status.code, ResponseCode::ErrorParentFolderNotFound);

    let Some(xml) = sample("errors/evo-ex2010sp2-create-folder-with-invalid-distinguished-parent-id-Fault-resp.xml")
    else {
        return;
    };
    let ResponseBody::Fault(f) = Request::<CreateFolder>::parse_response(&xml).unwrap().body else {
        panic!("fault expected")
    };
    assert_eq!(f.code(), ResponseCode::ErrorSchemaValidation);
    assert_eq!(f.message_xml.as_ref().unwrap().schema_position(), Some((2, 630)));

    // The request behind that fault names a folder the schema does not know: refused here too.
    let Some(xml) =
        sample("errors/evo-ex2010sp2-create-folder-with-invalid-distinguished-parent-id-CreateFolder-req.xml")
    else {
        return;
    };
    assert!(Request::<CreateFolder>::parse(&xml).is_err());
}

#[test]
fn sample_find_folder_error() {
    let Some(xml) = sample("errors/exchangelib-FindFolder-ErrorTooManyObjectsOpened-resp.xml") else { return };
    let b = body(Request::<FindFolder>::parse_response(&xml).unwrap());
    let m = &b.messages[0];
    assert_eq!((m.status.class, &m.status.code), (ResponseClass::Error, &ResponseCode::ErrorTooManyObjectsOpened));
    assert!(m.content.root_folder.is_none());
    assert_eq!(b.folders().count(), 0);
}

#[test]
fn sync_folder_helpers() {
    let contacts = BaseFolderId::distinguished(DistinguishedFolderName::Contacts);
    let create = CreateFolder::contacts_folder(contacts.clone(), "Synced");
    let xml =
        Request::new(RequestHeader::impersonating(ExchangeVersion::Exchange2010Sp2, "al@contoso.com"), create.clone())
            .to_xml_string();
    assert!(xml.contains(concat!(
        r#"<m:CreateFolder><m:ParentFolderId><t:DistinguishedFolderId Id="contacts"/></m:ParentFolderId>"#,
        "<m:Folders><t:ContactsFolder><t:FolderClass>IPF.Contact</t:FolderClass><t:DisplayName>Synced</t:DisplayName>",
        "</t:ContactsFolder></m:Folders></m:CreateFolder>"
    )));
    let find =
        FindFolder::by_display_name(contacts, "Synced").with_view(FolderView::IndexedPage(IndexedPageView::first(2)));
    let get = GetFolder::distinguished(&[DistinguishedFolderName::Contacts, DistinguishedFolderName::Calendar]);
    let calendar =
        CreateFolder::calendar_folder(BaseFolderId::distinguished(DistinguishedFolderName::Calendar), "Team");
    assert_eq!(calendar.folders[0].base().folder_class.as_deref(), Some("IPF.Appointment"));

    let Some(shared) = shared_dir() else { return };
    if xmllint_available() {
        let docs = vec![
            ("create".to_owned(), body_document(&xml)),
            (
                "calendar".to_owned(),
                body_document(
                    &Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), calendar).to_xml_string(),
                ),
            ),
            (
                "find".to_owned(),
                body_document(&Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), find).to_xml_string()),
            ),
            (
                "get".to_owned(),
                body_document(&Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), get).to_xml_string()),
            ),
        ];
        validate(&shared, Schema::Current, &docs).unwrap();
        validate(&shared, Schema::Exchange2010Sp2, &docs).unwrap();
    }

    // The answer a simulator gives: the new folder's id.
    let answer = CreateFolderResponse {
        messages: vec![ResponseMessage {
            status: ResponseStatus::success(),
            content: FolderInfo {
                folders: Some(vec![Folder::Contacts(ContactsFolder {
                    base: FolderBase { folder_id: Some(FolderId::new("AAMkNew")), ..FolderBase::default() },
                    ..ContactsFolder::default()
                })]),
            },
        }],
    };
    let xml = Response { server_version: None, body: ResponseBody::Message(answer.clone()) }
        .to_xml_string("CreateFolderResponse");
    assert!(xml.contains(r#"<m:Folders><t:ContactsFolder><t:FolderId Id="AAMkNew"/></t:ContactsFolder></m:Folders>"#));
    let back = body(Request::<CreateFolder>::parse_response(&xml).unwrap());
    assert_eq!(back.folders().next().unwrap().id(), Some(&FolderId::new("AAMkNew")));
    assert_eq!(back, answer);
}

#[test]
fn folders_serialize_to_json() {
    let f = Folder::contacts("Synced");
    let json = serde_json::to_string(&f).unwrap();
    assert_eq!(json, r#"{"kind":"contacts","base":{"folder_class":"IPF.Contact","display_name":"Synced"}}"#);
    assert_eq!(serde_json::from_str::<Folder>(&json).unwrap(), f);
}
