//! Hostile and broken input: every failure is a typed error with a path, never a panic or a hang.

use exsync::ews::{DeleteItem, DeleteItemResponse, Request, Response};
use exsync::xml::{Limits, XmlErrorKind, XmlReader};
use proptest::prelude::*;

const RESPONSE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
  <s:Header><h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/></s:Header>
  <s:Body>
    <m:DeleteItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
      <m:ResponseMessages>
        <m:DeleteItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:DeleteItemResponseMessage>
        <m:DeleteItemResponseMessage ResponseClass="Error"><m:MessageText>The specified object was not found in the store.</m:MessageText><m:ResponseCode>ErrorItemNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:DeleteItemResponseMessage>
      </m:ResponseMessages>
    </m:DeleteItemResponse>
  </s:Body>
</s:Envelope>"#;

fn parse(xml: &str) -> Result<Response<DeleteItemResponse>, exsync::xml::XmlError> {
    Response::parse(xml, "DeleteItemResponse")
}

#[test]
fn the_reference_response_parses_with_results_in_order() {
    let r = parse(RESPONSE).unwrap();
    let exsync::ews::ResponseBody::Message(m) = r.body else { panic!("expected a message") };
    assert_eq!(m.messages.len(), 2);
    assert!(m.messages[0].status.code.is_success());
    assert_eq!(m.messages[1].status.code, exsync::ews::ResponseCode::ErrorItemNotFound);
    assert_eq!(r.server_version.unwrap().version.as_deref(), Some("V2017_07_11"));
}

#[test]
fn doctype_and_entity_declarations_are_refused() {
    let billion_laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>&lol2;</s:Body></s:Envelope>"#;
    let e = parse(billion_laughs).unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::DtdRefused);
    assert_eq!(e.line, 2);

    let external = r#"<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>"#;
    assert_eq!(parse(external).unwrap_err().kind, XmlErrorKind::DtdRefused);
}

#[test]
fn undeclared_entities_are_refused_with_their_path() {
    let xml = RESPONSE.replace("was not found", "was &xxe; found");
    let e = parse(&xml).unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::UnknownEntity("xxe".into()));
    assert!(e.path.ends_with("/m:DeleteItemResponseMessage/m:MessageText"), "{}", e.path);
}

#[test]
fn nesting_depth_is_bounded() {
    let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
    let mut r = XmlReader::new(&deep).unwrap();
    let root = r.root().unwrap();
    let e = r.skip(&root).unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::TooDeep { limit: Limits::default().max_depth });
    // Through the public parse path too.
    let body = format!(
        "<s:Envelope><s:Body><m:DeleteItemResponse>{}</m:DeleteItemResponse></s:Body></s:Envelope>",
        "<x>".repeat(200)
    );
    assert!(matches!(parse(&body).unwrap_err().kind, XmlErrorKind::TooDeep { .. }));
}

#[test]
fn document_size_is_bounded() {
    let limits = Limits { max_depth: 64, max_bytes: 1024 };
    let big = format!("<a>{}</a>", "x".repeat(2000));
    let e = XmlReader::with_limits(&big, limits).unwrap_err();
    assert!(matches!(e.kind, XmlErrorKind::TooLarge { size: 2007, limit: 1024 }));
    let e = Request::<DeleteItem>::parse_strict(&big, limits).unwrap_err();
    assert!(matches!(e.kind, XmlErrorKind::TooLarge { .. }));
}

#[test]
fn truncated_documents_give_typed_errors_at_every_cut() {
    for cut in 0..RESPONSE.len() {
        if !RESPONSE.is_char_boundary(cut) {
            continue;
        }
        let e = parse(&RESPONSE[..cut]).expect_err("a truncated document must not parse");
        assert!(e.line >= 1 && e.column >= 1);
    }
}

#[test]
fn wrong_values_name_the_element() {
    let xml = RESPONSE.replace("ResponseClass=\"Success\"", "ResponseClass=\"Great\"");
    let e = parse(&xml).unwrap_err();
    assert!(matches!(e.kind, XmlErrorKind::InvalidValue { ref value, .. } if value == "Great"));
    assert!(e.path.ends_with("/m:ResponseMessages/m:DeleteItemResponseMessage"), "{}", e.path);
    assert!(e.to_string().contains("line 7"), "{e}");
}

#[test]
fn garbage_and_wrong_documents_are_errors() {
    for bad in [
        "",
        "   ",
        "not xml",
        "<",
        "<a",
        "<a></b>",
        "<a/><b/>",
        "<?xml version=\"1.0\"?>",
        "<html><body>502 Bad Gateway</body></html>",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} parsed");
    }
    let e = parse("<html><body>502 Bad Gateway</body></html>").unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::UnexpectedElement("html".into()));
}

#[test]
fn strict_reading_refuses_unknown_elements_with_position() {
    let req = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Body><m:DeleteItem DeleteType="HardDelete"><m:ItemIds><t:ItemId Id="A"/><t:Bogus/></m:ItemIds></m:DeleteItem></soap:Body></soap:Envelope>"#;
    assert_eq!(Request::<DeleteItem>::parse(req).unwrap().body.item_ids.len(), 1);
    let e = Request::<DeleteItem>::parse_strict(req, Limits::default()).unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::UnexpectedElement("t:Bogus".into()));
    assert_eq!((e.line, e.column), (1, req.find("<t:Bogus").unwrap() as u64 + 1));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        let _ = parse(&s);
        let _ = Request::<DeleteItem>::parse_strict(&s, Limits::default());
    }

    #[test]
    fn mutated_responses_never_panic(pos in 0usize..RESPONSE.len(), insert in "[<>/&;=\"a-z:!\\[\\]-]{1,6}") {
        let mut s = RESPONSE.to_owned();
        let mut p = pos;
        while !s.is_char_boundary(p) { p -= 1; }
        s.insert_str(p, &insert);
        let _ = parse(&s);
    }
}
