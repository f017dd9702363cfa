//! ResolveNames: round trips, schema validity of generated requests and responses, and the
//! reference samples (including the multiple-results warning).

mod common;

use common::checks::*;
use common::strategies::envelope::*;
use common::strategies::ops_folders::*;
use common::{Schema, schema_validation, shared_dir, validate, xmllint_available};
use exsync::ews::*;
use proptest::prelude::*;

fn resolve_names_response() -> impl Strategy<Value = Response<ResolveNamesResponse>> {
    messages_response(resolve_names_content(), |messages| ResolveNamesResponse { messages })
}

proptest! {
    #[test]
    fn request_round_trips(header in request_header(), op in resolve_names(false)) {
        check_request_round_trip(header, op)?;
    }

    #[test]
    fn response_round_trips(resp in resolve_names_response()) {
        check_response_round_trip::<ResolveNames>(resp)?;
    }
}

#[test]
fn generated_requests_validate_against_both_schemas() {
    let Some(shared) = schema_validation() else { return };
    validate_generated_requests(&shared, resolve_names(true).boxed(), resolve_names(false).boxed()).unwrap();
}

#[test]
fn generated_responses_validate() {
    let Some(shared) = schema_validation() else { return };
    let docs = response_docs::<ResolveNames>(generate(&resolve_names_response(), 32));
    assert!(docs.len() >= 16, "too few message bodies: {}", docs.len());
    validate(&shared, Schema::Current, &docs).unwrap();
}

#[test]
fn samples_parse_with_expected_codes() {
    let Some(shared) = shared_dir() else { return };
    let samples = samples(&shared, |_, body| body == "ResolveNames" || body == "ResolveNamesResponse");
    assert_eq!(check_samples::<ResolveNames>(&shared, &samples), 11);
}

fn sample(name: &str) -> Option<String> {
    let shared = shared_dir()?;
    Some(std::fs::read_to_string(shared.join("ews/samples/ResolveNames").join(name)).unwrap())
}

#[test]
fn sample_requests() {
    let Some(xml) = sample("msdocs-resolvenames-req.xml") else { return };
    assert_eq!(Request::<ResolveNames>::parse(&xml).unwrap().body, ResolveNames::new("User2", true));

    let Some(xml) = sample("msdocs-get-user-photos-req.xml") else { return };
    let op = Request::<ResolveNames>::parse(&xml).unwrap().body;
    assert_eq!(op.contact_data_shape, Some(BaseShape::AllProperties));
    assert_eq!(op.unresolved_entry, "sadie");

    let Some(xml) = sample("msdocs-access-contacts-as-a-delegate-req.xml") else { return };
    let op = Request::<ResolveNames>::parse(&xml).unwrap().body;
    assert_eq!(op.search_scope, Some(ResolveNamesSearchScope::Contacts));
    assert_eq!(
        op.parent_folder_ids,
        vec![BaseFolderId::Distinguished(DistinguishedFolderId {
            id: DistinguishedFolderName::Contacts,
            change_key: None,
            mailbox: Some(Mailbox::smtp("primary@contoso.com")),
        })]
    );
}

fn message(xml: &str) -> ResponseMessage<ResolveNamesContent> {
    match Request::<ResolveNames>::parse_response(xml).unwrap().body {
        ResponseBody::Message(mut b) => {
            assert_eq!(b.messages.len(), 1);
            b.messages.remove(0)
        }
        ResponseBody::Fault(f) => panic!("unexpected fault {f}"),
    }
}

#[test]
fn sample_responses() {
    let Some(xml) = sample("msdocs-resolvenames-resp.xml") else { return };
    let m = message(&xml);
    assert_eq!(m.status, ResponseStatus::success());
    let set = m.content.resolution_set.unwrap();
    assert_eq!((set.paging.total_items_in_view, set.paging.includes_last_item_in_range), (Some(1), Some(true)));
    let r = &set.resolutions[0];
    assert_eq!(r.mailbox.email_address.as_deref(), Some("User2@example.com"));
    assert_eq!(r.mailbox.mailbox_type, Some(MailboxType::Mailbox));
    assert_eq!(r.contact.as_ref().unwrap().display_name.as_deref(), Some("User2"));

    // Several matches: a warning, with the candidates.
    let Some(xml) = sample("exchangelib-ErrorNameResolutionMultipleResults-resp.xml") else { return };
    let m = message(&xml);
    assert_eq!(m.status.class, ResponseClass::Warning);
    assert_eq!(m.status.code, ResponseCode::ErrorNameResolutionMultipleResults);
    assert!(m.status.is_ok());
    let names: Vec<_> = m
        .content
        .resolution_set
        .as_ref()
        .unwrap()
        .resolutions
        .iter()
        .map(|r| r.mailbox.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["John Doe", "John Deer"]);

    let Some(xml) = sample("msdocs-access-contacts-as-a-delegate-resp.xml") else { return };
    let m = message(&xml);
    let set = m.content.resolution_set.unwrap();
    assert_eq!(set.resolutions.len(), 2);
    assert_eq!(set.resolutions[0].mailbox.mailbox_type, Some(MailboxType::Contact));
    assert_eq!(set.resolutions[0].mailbox.item_id.as_ref().unwrap().id, "iMihAAA=");

    // No match: an error without resolution set.
    let Some(xml) = sample("msdocs-resolve-ambiguous-names-resp-2.xml") else { return };
    let m = message(&xml);
    assert_eq!((m.status.class, &m.status.code), (ResponseClass::Error, &ResponseCode::ErrorNameResolutionNoResults));
    assert!(m.content.resolution_set.is_none());
}

#[test]
fn warning_with_results_as_a_simulator_sends_it() {
    let resolutions: Vec<_> = ["anne@contoso.com", "anna@contoso.com"]
        .iter()
        .map(|a| Resolution { mailbox: Mailbox { name: Some("Ann".into()), ..Mailbox::smtp(*a) }, contact: None })
        .collect();
    let answer = ResolveNamesResponse {
        messages: vec![ResponseMessage {
            status: ResponseStatus {
                class: ResponseClass::Warning,
                code: ResponseCode::ErrorNameResolutionMultipleResults,
                message_text: Some("Multiple results were found.".into()),
                descriptive_link_key: Some(0),
                message_xml: None,
            },
            content: ResolveNamesContent {
                resolution_set: Some(ResolutionSet {
                    paging: FindPaging {
                        total_items_in_view: Some(2),
                        includes_last_item_in_range: Some(true),
                        ..FindPaging::default()
                    },
                    resolutions,
                }),
            },
        }],
    };
    let xml = Response { server_version: None, body: ResponseBody::Message(answer.clone()) }
        .to_xml_string("ResolveNamesResponse");
    assert!(xml.contains(concat!(
        r#"<m:ResolveNamesResponseMessage ResponseClass="Warning"><m:MessageText>Multiple results were found.</m:MessageText>"#,
        "<m:ResponseCode>ErrorNameResolutionMultipleResults</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>",
        r#"<m:ResolutionSet IncludesLastItemInRange="true" TotalItemsInView="2"><t:Resolution><t:Mailbox><t:Name>Ann</t:Name>"#
    )));
    let ResponseBody::Message(back) = Request::<ResolveNames>::parse_response(&xml).unwrap().body else { panic!() };
    assert_eq!(back.resolutions().count(), 2);
    assert_eq!(back, answer);

    let Some(shared) = shared_dir() else { return };
    if xmllint_available() {
        validate(&shared, Schema::Current, &[("warning".to_owned(), common::body_document(&xml))]).unwrap();
    }
}
