//! Contact: round trip, schema validity of generated contacts (in `CreateItem` and `UpdateItem`
//! bodies), the real samples, field-by-field updates and errors on wrong values.

mod common;

use std::collections::BTreeMap;

use common::strategies::contact::*;
use common::{Schema, body_document, schema_validation, shared_dir, validate};
use exsync::ews::contact_update::changed_fields;
use exsync::ews::*;
use exsync::xml::{Element, FromXml, ToXml, XmlError, XmlErrorKind, XmlReader, XmlWriter};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

fn to_xml(c: &Contact) -> String {
    let mut w = XmlWriter::new();
    c.to_xml(&mut w, "t:Contact");
    w.into_string()
}

fn parse(xml: &str, strict: bool) -> Result<Contact, XmlError> {
    XmlReader::new(xml)?.strict(strict).read_document("Contact")
}

/// The names of the child elements of the document's root.
fn child_names(xml: &str) -> Vec<String> {
    let mut r = XmlReader::new(xml).unwrap();
    let root = r.root().unwrap();
    let mut out = Vec::new();
    while let Some(c) = r.next_child(&root).unwrap() {
        out.push(c.name().to_owned());
    }
    out
}

proptest! {
    #[test]
    fn round_trips_lenient_and_strict(c in contact()) {
        let xml = to_xml(&c);
        prop_assert_eq!(parse(&xml, false).unwrap(), c.clone());
        prop_assert_eq!(parse(&xml, true).unwrap(), c.clone());
        // As an item, and as JSON.
        let mut w = XmlWriter::new();
        Item::from(c.clone()).write(&mut w);
        let item_xml = w.into_string();
        let mut r = XmlReader::new(&item_xml).unwrap();
        let root = r.root().unwrap();
        prop_assert_eq!(Item::read(&mut r, &root).unwrap(), Some(Item::from(c.clone())));
        let json = serde_json::to_string(&c).unwrap();
        prop_assert_eq!(serde_json::from_str::<Contact>(&json).unwrap(), c);
    }

    #[test]
    fn applying_the_changed_fields_reproduces_the_edit((old, new) in contact_edit()) {
        let changed = changed_fields(&old, &new);
        prop_assert!(changed.iter().all(|f| !f.is_read_only()));
        let mut applied = old.clone();
        for f in &changed {
            match f.extract(&new) {
                // What a server receives: the path and a contact with just that value, through XML.
                Some(item) => {
                    let xml = to_xml(&item);
                    prop_assert_eq!(child_names(&xml).len(), 1, "{:?}: {}", f, xml);
                    let received = parse(&xml, true).unwrap();
                    prop_assert_eq!(ContactField::from_path(&f.path()), Some(f.clone()));
                    f.copy(&received, &mut applied);
                }
                None => {
                    prop_assert!(!f.is_set(&new));
                    f.clear(&mut applied);
                }
            }
        }
        prop_assert_eq!(changed_fields(&applied, &new), vec![]);
        prop_assert_eq!(changed_fields(&new, &new), vec![]);
    }

    #[test]
    fn cut_or_altered_documents_give_errors_not_panics(c in contact(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let xml = to_xml(&c);
        let at = cut.index(xml.len());
        if let Some(head) = xml.get(..at) {
            let _ = parse(head, false);
            let _ = parse(head, true);
        }
        let mut bytes = xml.into_bytes();
        bytes[at] = byte;
        if let Ok(altered) = String::from_utf8(bytes) {
            let _ = parse(&altered, false);
            let _ = parse(&altered, true);
        }
    }
}

/// `n` values of `strategy`, always the same ones.
fn generate<T: std::fmt::Debug>(strategy: impl Strategy<Value = T>, n: usize) -> Vec<T> {
    let mut runner = TestRunner::deterministic();
    (0..n).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect()
}

fn start_body(w: &mut XmlWriter, name: &str, attrs: &[(&str, Option<&str>)]) {
    w.declaration();
    let mut all = vec![("xmlns:m", Some(namespaces::MESSAGES)), ("xmlns:t", Some(namespaces::TYPES))];
    all.extend_from_slice(attrs);
    w.start(name, &all);
}

/// An `m:CreateItem` body saving `contacts` to the contacts folder.
fn create_item(contacts: &[Contact]) -> String {
    let mut w = XmlWriter::new();
    start_body(&mut w, "m:CreateItem", &[]);
    w.start("m:SavedItemFolderId", &[]);
    w.empty("t:DistinguishedFolderId", &[("Id", Some("contacts"))]);
    w.end("m:SavedItemFolderId");
    w.start("m:Items", &[]);
    for c in contacts {
        c.to_xml(&mut w, "t:Contact");
    }
    w.end("m:Items");
    w.end("m:CreateItem");
    w.into_string()
}

#[test]
fn generated_contacts_validate_against_both_schemas() {
    let Some(shared) = schema_validation() else { return };
    let contacts = generate(contact(), 64);
    // Everything the current schema knows.
    let current: Vec<(String, String)> = contacts
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("CreateItem-contact-{i}"), create_item(std::slice::from_ref(c))))
        .collect();
    validate(&shared, Schema::Current, &current).unwrap();
    // Restricted to what Exchange 2010 SP2 accepts: valid against both schemas.
    let older: Vec<(String, String)> = contacts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut c = c.clone();
            c.retain_supported(ExchangeVersion::Exchange2010Sp2);
            (format!("CreateItem-contact-2010sp2-{i}"), create_item(&[c]))
        })
        .collect();
    validate(&shared, Schema::Current, &older).unwrap();
    validate(&shared, Schema::Exchange2010Sp2, &older).unwrap();
}

#[test]
fn field_updates_round_trip_apply_and_validate_against_both_schemas() {
    let edits: Vec<(Contact, Contact)> = generate(contact_edit(), 48)
        .into_iter()
        .map(|(mut old, mut new)| {
            old.retain_supported(ExchangeVersion::Exchange2010Sp2);
            new.retain_supported(ExchangeVersion::Exchange2010Sp2);
            (old, new)
        })
        .collect();
    assert!(edits.iter().map(|(o, n)| changed_fields(o, n).len()).sum::<usize>() > 100);
    let id = |i: usize| ItemId::with_change_key(format!("AAMkAD{i}"), "EQAAABYA");
    let mut docs = Vec::new();
    for (n, chunk) in edits.chunks(8).enumerate() {
        // One change deleting every field (so that every path meets the schema), then one per edit.
        let every_path = ContactField::all().iter().map(|f| ItemUpdate::delete(f.path())).collect();
        let mut changes = vec![ItemChange::new(id(0), every_path)];
        for (i, (old, new)) in chunk.iter().enumerate() {
            let updates = contact_updates(old, new);
            if !updates.is_empty() {
                changes.push(ItemChange::new(id(i + 1), updates));
            }
        }
        let req = Request::new(
            RequestHeader::new(ExchangeVersion::Exchange2010Sp2),
            UpdateItem::new(ConflictResolution::AlwaysOverwrite, changes),
        );
        let xml = req.to_xml_string();

        // What the server reads, applied to the old contacts, gives the new ones.
        let parsed = Request::<UpdateItem>::parse_strict(&xml, Default::default()).unwrap();
        assert_eq!(parsed, req);
        let changes = &parsed.body.item_changes;
        let mut applied: Vec<Contact> = chunk.iter().map(|(old, _)| old.clone()).collect();
        for change in &changes[1..] {
            let i: usize = change.item_id.id_text()["AAMkAD".len()..].parse().unwrap();
            for u in &change.updates {
                assert!(apply_contact_update(&mut applied[i - 1], u).is_some(), "{u:?}");
            }
        }
        for (got, (_, new)) in applied.iter().zip(chunk) {
            assert_eq!(changed_fields(got, new), vec![]);
        }
        docs.push((format!("UpdateItem-contact-{n}"), body_document(&xml)));
    }

    let Some(shared) = schema_validation() else { return };
    validate(&shared, Schema::Current, &docs).unwrap();
    validate(&shared, Schema::Exchange2010Sp2, &docs).unwrap();
}

/// Parents under which `t:Contact` is a contact item (elsewhere, e.g. in entity extraction, the
/// name means something else).
const ITEM_PARENTS: &[&str] = &["Items", "Resolution", "SetItemField", "AppendToItemField"];

fn find_contacts<'a>(r: &mut XmlReader<'a>, el: &Element<'a>, out: &mut Vec<Contact>) -> Result<(), XmlError> {
    while let Some(c) = r.next_child(el)? {
        if c.name() == "Contact" && ITEM_PARENTS.contains(&el.name()) {
            out.push(Contact::from_xml(r, &c)?);
        } else {
            find_contacts(r, &c, out)?;
        }
    }
    Ok(())
}

fn contacts_in(xml: &str, strict: bool) -> Result<Vec<Contact>, XmlError> {
    let mut r = XmlReader::new(xml)?.strict(strict);
    let root = r.root()?;
    let mut out = Vec::new();
    find_contacts(&mut r, &root, &mut out)?;
    r.finish()?;
    Ok(out)
}

#[test]
fn contacts_in_the_real_samples() {
    let Some(shared) = shared_dir() else { return };
    let samples = shared.join("ews/samples");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(samples.join("MANIFEST.json")).unwrap()).unwrap();
    let mut found: BTreeMap<String, Result<Vec<Contact>, XmlError>> = BTreeMap::new();
    for entry in manifest.as_array().unwrap() {
        if entry["wellformed"] != serde_json::Value::Bool(true) {
            continue;
        }
        let file = entry["file"].as_str().unwrap();
        let xml = std::fs::read_to_string(samples.join(file)).unwrap();
        match contacts_in(&xml, false) {
            Ok(v) if v.is_empty() => {}
            res => {
                found.insert(file.to_owned(), res);
            }
        }
    }
    let ok = |file: &str| -> &Vec<Contact> {
        match found.get(file) {
            Some(Ok(v)) => v,
            other => panic!("{file}: {other:?}"),
        }
    };

    let tanja = &ok("CreateItem/msdocs-createitem-contact-req.xml")[0];
    assert_eq!(tanja.file_as.as_deref(), Some("SampleContact"));
    assert_eq!(tanja.given_name.as_deref(), Some("Tanja"));
    assert_eq!(tanja.surname.as_deref(), Some("Plate"));
    assert_eq!(tanja.company_name.as_deref(), Some("Blue Yonder Airlines"));
    assert_eq!(tanja.job_title.as_deref(), Some("Manager"));
    assert_eq!(tanja.primary_email(), Some("tplate@example.com"));
    assert_eq!(tanja.phone(PhoneNumberKey::BusinessPhone), Some("4255550199"));
    let work = tanja.address(PhysicalAddressKey::Business).unwrap();
    assert_eq!(work.street.as_deref(), Some("1234 56th Ave"));
    assert_eq!(work.city.as_deref(), Some("La Habra"));
    assert_eq!(work.state.as_deref(), Some("CA"));
    assert_eq!(work.country_or_region.as_deref(), Some("USA"));
    assert_eq!(work.postal_code, None);

    let brian = &ok("CreateItem/msdocs-access-contacts-as-a-delegate-req.xml")[0];
    assert_eq!(brian.file_as_mapping, Some(FileAsMapping::LastCommaFirst));
    assert_eq!(brian.middle_name.as_deref(), Some("David"));
    assert_eq!(brian.email(EmailAddressKey::EmailAddress2).unwrap().address, "brian_2@contoso.com");
    let keys: Vec<PhoneNumberKey> = brian.phone_numbers.iter().map(|p| p.key).collect();
    assert_eq!(keys, [PhoneNumberKey::BusinessPhone, PhoneNumberKey::HomePhone, PhoneNumberKey::CarPhone]);
    assert_eq!(brian.phone(PhoneNumberKey::CarPhone), Some("425-555-0130"));

    let batch = ok("CreateItem/msdocs-process-contacts-in-batches-req.xml");
    let names: Vec<&str> = batch.iter().filter_map(|c| c.display_name.as_deref()).collect();
    assert_eq!(names, ["Sadie Daniels", "Alfred Welker", "Hope Gross"]);
    assert_eq!(batch[2].primary_email(), Some("hope@contoso.com"));

    let empty = &ok("CreateItem/msdocs-createitem-contact-req-2.xml")[0];
    assert_eq!(empty.item.item_class.as_deref(), Some("IPM.Contact"));

    let updated = &ok("UpdateItem/msdocs-updateitem-contact-req.xml")[0];
    assert_eq!(updated.email(EmailAddressKey::EmailAddress1).unwrap().address, "changedemail@example.com");
    let created = &ok("CreateItem/msdocs-createitem-contact-resp.xml")[0];
    assert_eq!(created.item.item_id, Some(ItemId::with_change_key("AAAtA=", "EQAAAB")));
    assert!(ok("UpdateItem/msdocs-updateitem-contact-resp.xml")[0].item.item_id.is_some());

    let resolved = &ok("ResolveNames/msdocs-resolvenames-resp.xml")[0];
    assert_eq!(resolved.display_name.as_deref(), Some("User2"));
    assert_eq!(resolved.primary_email(), Some("SMTP:User2@example.com"));
    assert_eq!(resolved.contact_source, Some(ContactSource::ActiveDirectory));

    // Published with elided lines and a shortened photo; the lenient reader takes what is there.
    let sadie = &ok("ResolveNames/msdocs-get-user-photos-resp.xml")[0];
    assert_eq!(sadie.given_name.as_deref(), Some("Sadie"));
    assert_eq!(sadie.initials.as_deref(), Some(""));
    assert_eq!(sadie.company_name.as_deref(), Some("CONTOSO"));
    assert!(sadie.photo.as_deref().unwrap().starts_with("/9j/4AAQ"));
    let hope = &ok("GetItem/msdocs-get-user-photos-resp.xml")[0];
    assert_eq!(hope.item.subject.as_deref(), Some("Hope Gross"));
    assert_eq!(hope.item.sensitivity, Some(Sensitivity::Normal));
    assert_eq!(hope.has_picture, Some(true));

    // The documentation's intentionally invalid request: EmailAddress4 is not a key. Leniently the
    // entry is skipped; strictly it is an error naming the entry.
    let file = "UpdateItem/msdocs-updateitem-contact-req-2.xml";
    assert_eq!(ok(file)[0], Contact::default());
    let bad = contacts_in(&std::fs::read_to_string(samples.join(file)).unwrap(), true).unwrap_err();
    assert!(matches!(&bad.kind, XmlErrorKind::InvalidValue { value, .. } if value == "EmailAddress4"), "{bad}");
    assert!(bad.path.ends_with("/t:Contact/t:EmailAddresses/t:Entry"), "{}", bad.path);
    assert_eq!(bad.line, 17);

    // Nothing fails, and every contact found survives a strict round trip.
    let failures: Vec<_> = found.iter().filter(|(_, r)| r.is_err()).map(|(f, _)| f.as_str()).collect();
    assert_eq!(failures, Vec::<&str>::new());
    let all: Vec<&Contact> = found.values().filter_map(|r| r.as_ref().ok()).flatten().collect();
    assert_eq!(all.len(), 13);
    for c in all {
        assert_eq!(&parse(&to_xml(c), true).unwrap(), c);
    }
}

fn contact_result(inner: &str, strict: bool) -> Result<Contact, XmlError> {
    let xml = format!(
        "<m:Items xmlns:m=\"{}\" xmlns:t=\"{}\">\n<t:Contact>\n{inner}\n</t:Contact>\n</m:Items>",
        namespaces::MESSAGES,
        namespaces::TYPES
    );
    let mut r = XmlReader::new(&xml).unwrap().strict(strict);
    let root = r.root().unwrap();
    let c = r.next_child(&root).unwrap().unwrap();
    Contact::from_xml(&mut r, &c)
}

fn contact_error(inner: &str, strict: bool) -> XmlError {
    contact_result(inner, strict).unwrap_err()
}

#[test]
fn wrong_values_are_errors_with_a_path() {
    // A key names an entry as an element name names a field: an unknown one is an error with the
    // entry's path when strict; the lenient reader skips that entry and keeps the others.
    let phones = "<t:PhoneNumbers><t:Entry Key=\"Pager\">1</t:Entry><t:Entry Key=\"FaxMachine\">2</t:Entry>\
        <t:Entry Key=\"IPPhone\">3</t:Entry></t:PhoneNumbers>";
    let e = contact_error(phones, true);
    assert!(matches!(&e.kind, XmlErrorKind::InvalidValue { value, .. } if value == "FaxMachine"), "{e}");
    assert_eq!(e.path, "/m:Items/t:Contact/t:PhoneNumbers/t:Entry");
    assert_eq!(e.line, 3);
    let lenient = contact_result(phones, false).unwrap();
    assert_eq!(
        lenient.phone_numbers,
        [PhoneNumber::new(PhoneNumberKey::Pager, "1"), PhoneNumber::new(PhoneNumberKey::IpPhone, "3")]
    );

    for strict in [false, true] {
        let e = contact_error(
            "<t:PhysicalAddresses><t:Entry><t:City>Oslo</t:City></t:Entry></t:PhysicalAddresses>",
            strict,
        );
        assert_eq!(e.kind, XmlErrorKind::MissingAttribute("Key"));
        assert_eq!(e.path, "/m:Items/t:Contact/t:PhysicalAddresses/t:Entry");

        let e = contact_error(
            "<t:EmailAddresses><t:Entry Key=\"EmailAddress1\" MailboxType=\"Robot\">a@b.c</t:Entry></t:EmailAddresses>",
            strict,
        );
        assert!(matches!(&e.kind, XmlErrorKind::InvalidValue { value, .. } if value == "Robot"), "{e}");
        assert!(e.path.ends_with("/t:EmailAddresses/t:Entry"), "{}", e.path);

        for (inner, value) in [
            ("<t:Birthday>1990-02-30T00:00:00Z</t:Birthday>", "1990-02-30T00:00:00Z"),
            ("<t:WeddingAnniversary>last June</t:WeddingAnniversary>", "last June"),
            ("<t:FileAsMapping>Sideways</t:FileAsMapping>", "Sideways"),
            ("<t:PostalAddressIndex>Work</t:PostalAddressIndex>", "Work"),
            ("<t:ContactSource>Phonebook</t:ContactSource>", "Phonebook"),
            ("<t:HasPicture>yes</t:HasPicture>", "yes"),
        ] {
            let e = contact_error(inner, strict);
            assert!(matches!(&e.kind, XmlErrorKind::InvalidValue { value: v, .. } if v == value), "{e}");
            assert!(e.path.starts_with("/m:Items/t:Contact"), "{}", e.path);
            assert_eq!(e.line, 3, "{e}");
        }

        let e = contact_error("<t:ManagerMailbox/>", strict);
        assert_eq!(e.kind, XmlErrorKind::MissingElement("Mailbox"));
    }
}

#[test]
fn newer_and_unknown_elements_are_skipped_only_when_lenient() {
    let xml = "<t:Contact xmlns:t=\"urn:t\"><t:DisplayName>Ann</t:DisplayName>\
        <t:AbchEmailAddresses><t:Entry Key=\"Personal\">a@b.c</t:Entry></t:AbchEmailAddresses>\
        <t:Surname>Lee</t:Surname><t:AccountName>ann</t:AccountName><t:ConversationGuid>x</t:ConversationGuid>\
        </t:Contact>";
    let c = parse(xml, false).unwrap();
    assert_eq!(c.display_name.as_deref(), Some("Ann"));
    assert_eq!(c.surname.as_deref(), Some("Lee"));
    assert_eq!(c.email_addresses, vec![]);
    let e = parse(xml, true).unwrap_err();
    assert_eq!(e.kind, XmlErrorKind::UnexpectedElement("t:AbchEmailAddresses".into()));

    // Out of schema order, or repeated: the strict reader refuses, the lenient one takes it.
    for (xml, culprit) in [
        (
            "<t:Contact xmlns:t=\"urn:t\"><t:Surname>Lee</t:Surname><t:GivenName>Ann</t:GivenName></t:Contact>",
            "t:GivenName",
        ),
        ("<t:Contact xmlns:t=\"urn:t\"><t:Surname>Lee</t:Surname><t:Surname>Li</t:Surname></t:Contact>", "t:Surname"),
        ("<t:Contact xmlns:t=\"urn:t\"><t:FileAs>Lee</t:FileAs><t:Subject>Ann</t:Subject></t:Contact>", "t:Subject"),
    ] {
        assert!(parse(xml, false).is_ok());
        let e = parse(xml, true).unwrap_err();
        assert_eq!(e.kind, XmlErrorKind::UnexpectedElement(culprit.into()), "{xml}");
        assert!(e.path.ends_with(culprit), "{}", e.path);
    }

    // A dictionary needs at least one entry; only the strict reader insists.
    let empty = "<t:Contact xmlns:t=\"urn:t\"><t:PhoneNumbers/></t:Contact>";
    assert_eq!(parse(empty, false).unwrap(), Contact::default());
    assert_eq!(parse(empty, true).unwrap_err().kind, XmlErrorKind::MissingElement("Entry"));
}

#[test]
fn elements_are_written_in_schema_order() {
    let mut c = Contact::with_name("Ann", "Lee");
    c.item.body = Some(Body::text("met at the fair"));
    c.item.categories = Some(vec!["Friends".into()]);
    c.file_as = Some("Lee, Ann".into());
    c.company_name = Some("Contoso".into());
    c.set_phone(PhoneNumberKey::MobilePhone, "+47 1234");
    c.set_address(PhysicalAddress::new(PhysicalAddressKey::Home).with(PhysicalAddressPart::PostalCode, "0150"));
    c.set_email(EmailAddressKey::EmailAddress2, "ann@contoso.com");
    c.set_im(ImAddressKey::ImAddress1, "sip:ann@contoso.com");
    c.birthday = EwsDateTime::parse("1990-05-17T00:00:00Z");
    c.postal_address_index = Some(PhysicalAddressIndex::Home);
    c.children = Some(vec![]);
    c.has_picture = Some(false);
    assert_eq!(
        child_names(&to_xml(&c)),
        [
            "Body",
            "Categories",
            "FileAs",
            "DisplayName",
            "GivenName",
            "CompanyName",
            "EmailAddresses",
            "PhysicalAddresses",
            "PhoneNumbers",
            "Birthday",
            "Children",
            "ImAddresses",
            "PostalAddressIndex",
            "Surname",
            "HasPicture",
        ]
    );
    assert_eq!(c.postal_address().and_then(|a| a.postal_code.as_deref()), Some("0150"));
    assert_eq!(c.primary_email(), Some("ann@contoso.com"));
    assert!(c.remove_phone(PhoneNumberKey::MobilePhone));
    assert!(!c.remove_phone(PhoneNumberKey::MobilePhone));

    // Read-only fields go before a create.
    c.has_picture = Some(true);
    c.contact_source = Some(ContactSource::Store);
    c.item.item_id = Some(ItemId::new("AAMk"));
    c.strip_read_only();
    assert_eq!((c.has_picture, c.contact_source, &c.item.item_id), (None, None, &None));
}

#[test]
fn older_versions_lose_what_they_do_not_know() {
    let mut c = Contact::default();
    c.set_phone(PhoneNumberKey::IpPhone, "1").set_phone(PhoneNumberKey::HomePhone, "2");
    c.set_email_entry(EmailAddress {
        mailbox_type: Some(MailboxType::GroupMailbox),
        ..EmailAddress::new(EmailAddressKey::EmailAddress1, "g@contoso.com")
    });
    let mut newest = c.clone();
    newest.retain_supported(ExchangeVersion::V2017_07_11);
    assert_eq!(newest, c);
    c.retain_supported(ExchangeVersion::Exchange2010Sp2);
    assert_eq!(c.phone_numbers, vec![PhoneNumber::new(PhoneNumberKey::HomePhone, "2")]);
    assert_eq!(c.email_addresses[0].mailbox_type, None);
}
