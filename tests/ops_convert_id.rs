//! ConvertId: round trips, schema validity of generated requests and responses, and the reference
//! samples.

mod common;

use common::checks::*;
use common::strategies::envelope::*;
use common::strategies::ops_folders::*;
use common::{Schema, body_document, schema_validation, shared_dir, validate, xmllint_available};
use exsync::ews::*;
use proptest::prelude::*;

fn convert_id_response() -> impl Strategy<Value = Response<ConvertIdResponse>> {
    messages_response(convert_id_content(), |messages| ConvertIdResponse { messages })
}

proptest! {
    #[test]
    fn request_round_trips(header in request_header(), op in convert_id()) {
        check_request_round_trip(header, op)?;
    }

    #[test]
    fn response_round_trips(resp in convert_id_response()) {
        check_response_round_trip::<ConvertId>(resp)?;
    }
}

#[test]
fn generated_requests_validate_against_both_schemas() {
    let Some(shared) = schema_validation() else { return };
    validate_generated_requests(&shared, convert_id().boxed(), convert_id().boxed()).unwrap();
}

#[test]
fn generated_responses_validate() {
    let Some(shared) = schema_validation() else { return };
    let docs = response_docs::<ConvertId>(generate(&convert_id_response(), 32));
    assert!(docs.len() >= 16, "too few message bodies: {}", docs.len());
    validate(&shared, Schema::Current, &docs).unwrap();
}

#[test]
fn samples_parse_with_expected_codes() {
    let Some(shared) = shared_dir() else { return };
    let samples = samples(&shared, |_, body| body == "ConvertId" || body == "ConvertIdResponse");
    assert_eq!(check_samples::<ConvertId>(&shared, &samples), 2);
}

fn sample(name: &str) -> Option<String> {
    let shared = shared_dir()?;
    Some(std::fs::read_to_string(shared.join("ews/samples/ConvertId").join(name)).unwrap())
}

#[test]
fn sample_responses() {
    let Some(xml) = sample("msdocs-convertid-resp.xml") else { return };
    let resp = Request::<ConvertId>::parse_response(&xml).unwrap();
    assert_eq!(resp.server_version.as_ref().unwrap().version.as_deref(), Some("Exchange2010"));
    let ResponseBody::Message(b) = resp.body else { panic!("message expected") };
    assert_eq!(
        b.ids().collect::<Vec<_>>(),
        [Some(&AlternateIdBase::Mailbox(AlternateId::new(IdFormat::OwaId, "RgAAAAAS2%2", "user@example.com")))]
    );

    let Some(xml) = sample("exchangelib-ErrorInvalidSmtpAddress-resp.xml") else { return };
    let ResponseBody::Message(b) = Request::<ConvertId>::parse_response(&xml).unwrap().body else { panic!() };
    let m = &b.messages[0];
    assert_eq!((m.status.class, &m.status.code), (ResponseClass::Error, &ResponseCode::ErrorInvalidSmtpAddress));
    assert_eq!(b.ids().collect::<Vec<_>>(), [None]);
}

#[test]
fn response_ids_carry_their_schema_type() {
    let answer = ConvertIdResponse {
        messages: vec![
            ResponseMessage {
                status: ResponseStatus::success(),
                content: ConvertIdContent {
                    alternate_id: Some(AlternateIdBase::Mailbox(AlternateId {
                        is_archive: Some(false),
                        ..AlternateId::new(IdFormat::EwsId, "AAMkAD=", "alice@contoso.com")
                    })),
                },
            },
            ResponseMessage {
                status: ResponseStatus::success(),
                content: ConvertIdContent {
                    alternate_id: Some(AlternateIdBase::PublicFolderItem(AlternatePublicFolderItemId {
                        format: IdFormat::EntryId,
                        folder_id: "AQEu".into(),
                        item_id: "AQEuAAA".into(),
                    })),
                },
            },
        ],
    };
    let xml = Response { server_version: None, body: ResponseBody::Message(answer.clone()) }
        .to_xml_string("ConvertIdResponse");
    assert!(xml.contains(concat!(
        r#"<m:AlternateId xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="t:AlternateIdType" "#,
        r#"Format="EwsId" Id="AAMkAD=" Mailbox="alice@contoso.com" IsArchive="false"/>"#
    )));
    assert!(xml.contains(
        r#"xsi:type="t:AlternatePublicFolderItemIdType" Format="EntryId" FolderId="AQEu" ItemId="AQEuAAA"/>"#
    ));
    let ResponseBody::Message(back) = Request::<ConvertId>::parse_response(&xml).unwrap().body else { panic!() };
    assert_eq!(back, answer);

    // Without xsi:type the kind is told by the attributes.
    let untyped = xml.replace(r#" xsi:type="t:AlternatePublicFolderItemIdType""#, "");
    let ResponseBody::Message(back) = Request::<ConvertId>::parse_response(&untyped).unwrap().body else { panic!() };
    assert_eq!(back, answer);

    let Some(shared) = shared_dir() else { return };
    if xmllint_available() {
        validate(&shared, Schema::Current, &[("typed".to_owned(), body_document(&xml))]).unwrap();
        let req = Request::new(
            RequestHeader::new(ExchangeVersion::Exchange2010Sp2),
            ConvertId::new(
                IdFormat::HexEntryId,
                vec![AlternateId::new(IdFormat::EwsId, "AAMkAD=", "alice@contoso.com")],
            ),
        );
        let docs = [("request".to_owned(), body_document(&req.to_xml_string()))];
        validate(&shared, Schema::Current, &docs).unwrap();
        validate(&shared, Schema::Exchange2010Sp2, &docs).unwrap();
    }
}
