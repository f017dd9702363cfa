//! Strategies for contacts: every field of `Contact`, with schema-valid values (dictionary keys
//! unique per dictionary, in varying order; URIs for `xs:anyURI`, base64 for `xs:base64Binary`).

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};

use exsync::ews::*;

use super::base::*;

/// A valid `xs:base64Binary` value (padding bits zero, as the lexical space requires).
pub fn base64() -> impl Strategy<Value = String> {
    "([A-Za-z0-9+/]{4}){0,12}([A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?"
}

/// A web page address.
pub fn url() -> impl Strategy<Value = String> {
    "https?://[a-z]{1,10}\\.(example\\.com|contoso\\.com)(/[a-z0-9_-]{1,8}){0,2}"
}

/// A phone number as people type them.
pub fn phone_text() -> impl Strategy<Value = String> {
    prop_oneof!["\\+?[0-9]{3,12}", "\\([0-9]{3}\\) [0-9]{3}-[0-9]{4}", "[0-9]{3}-[0-9]{3}-[0-9]{4} x[0-9]{1,4}", text()]
}

/// A dictionary: a subset of `keys` in random order, each with a value from `value`.
fn dictionary<K, T, S>(keys: &'static [K], value: impl Fn(K) -> S) -> impl Strategy<Value = Vec<T>>
where
    K: Copy + std::fmt::Debug + 'static,
    T: std::fmt::Debug + Clone,
    S: Strategy<Value = T>,
{
    subsequence(keys.to_vec(), 0..=keys.len().min(5))
        .prop_shuffle()
        .prop_flat_map(move |ks| ks.into_iter().map(&value).collect::<Vec<_>>())
}

pub fn email_addresses() -> BoxedStrategy<Vec<EmailAddress>> {
    dictionary(EmailAddressKey::ALL, |key| {
        (
            prop_oneof![smtp(), smtp().prop_map(|s| format!("SMTP:{s}")), text()],
            option::of(text()),
            option::of(prop_oneof![Just("SMTP".to_owned()), Just("EX".to_owned())]),
            option::of(select(MailboxType::ALL)),
        )
            .prop_map(move |(address, name, routing_type, mailbox_type)| EmailAddress {
                key,
                address,
                name,
                routing_type,
                mailbox_type,
            })
    })
    .boxed()
}

pub fn phone_numbers() -> impl Strategy<Value = Vec<PhoneNumber>> {
    dictionary(PhoneNumberKey::ALL, |key| phone_text().prop_map(move |number| PhoneNumber { key, number }))
}

pub fn im_addresses() -> impl Strategy<Value = Vec<ImAddress>> {
    dictionary(ImAddressKey::ALL, |key| {
        prop_oneof![smtp().prop_map(|s| format!("sip:{s}")), text()].prop_map(move |address| ImAddress { key, address })
    })
}

pub fn physical_addresses() -> BoxedStrategy<Vec<PhysicalAddress>> {
    dictionary(PhysicalAddressKey::ALL, |key| {
        (option::of(text()), option::of(text()), option::of(text()), option::of(text()), option::of("[0-9A-Z -]{0,10}"))
            .prop_map(move |(street, city, state, country_or_region, postal_code)| PhysicalAddress {
                key,
                street,
                city,
                state,
                country_or_region,
                postal_code,
            })
    })
    .boxed()
}

pub fn complete_name() -> BoxedStrategy<CompleteName> {
    (
        (option::of(text()), option::of(text()), option::of(text()), option::of(text()), option::of(text())),
        (option::of(text()), option::of(text()), option::of(text()), option::of(text()), option::of(text())),
    )
        .prop_map(|(a, b)| CompleteName {
            title: a.0,
            first_name: a.1,
            middle_name: a.2,
            last_name: a.3,
            suffix: a.4,
            initials: b.0,
            full_name: b.1,
            nickname: b.2,
            yomi_first_name: b.3,
            yomi_last_name: b.4,
        })
        .boxed()
}

/// Any contact, every field exercised (read-only and directory fields included, as a server sends
/// them).
pub fn contact() -> BoxedStrategy<Contact> {
    let names = (
        option::of(text()),
        option::of(select(FileAsMapping::ALL)),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(complete_name()),
        option::of(text()),
    )
        .boxed();
    let dictionaries = (email_addresses(), physical_addresses(), phone_numbers(), im_addresses()).boxed();
    let work = (
        option::of(text()),
        option::of(date_time()),
        option::of(url()),
        option::of(vec(text(), 0..3)),
        option::of(vec(word(), 0..3)),
        option::of(select(ContactSource::ALL)),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(text()),
    )
        .boxed();
    let personal = (
        option::of(select(PhysicalAddressIndex::ALL)),
        option::of(text()),
        option::of(text()),
        option::of(text()),
        option::of(date_time()),
        option::of(any::<bool>()),
    )
        .boxed();
    let directory = (
        (option::of(text()), option::of(text()), option::of(text()), option::of(word()), option::of(text())),
        (
            option::of(base64()),
            option::of(vec(base64(), 0..3)),
            option::of(vec(base64(), 0..2)),
            option::of(opaque_id()),
            option::of(mailbox()),
            option::of(vec(mailbox(), 0..3)),
        ),
    )
        .boxed();
    let base = item_base()
        .prop_map(|mut b| {
            b.item_class = b.item_class.map(|_| "IPM.Contact".to_owned());
            b
        })
        .boxed();
    (base, names, dictionaries, work, personal, directory)
        .prop_map(|(item, n, d, w, p, (dir, bin))| Contact {
            item,
            file_as: n.0,
            file_as_mapping: n.1,
            display_name: n.2,
            given_name: n.3,
            initials: n.4,
            middle_name: n.5,
            nickname: n.6,
            complete_name: n.7,
            company_name: n.8,
            email_addresses: d.0,
            physical_addresses: d.1,
            phone_numbers: d.2,
            assistant_name: w.0,
            birthday: w.1,
            business_home_page: w.2,
            children: w.3,
            companies: w.4,
            contact_source: w.5,
            department: w.6,
            generation: w.7,
            im_addresses: d.3,
            job_title: w.8,
            manager: w.9,
            mileage: w.10,
            office_location: w.11,
            postal_address_index: p.0,
            profession: p.1,
            spouse_name: p.2,
            surname: p.3,
            wedding_anniversary: p.4,
            has_picture: p.5,
            phonetic_full_name: dir.0,
            phonetic_first_name: dir.1,
            phonetic_last_name: dir.2,
            alias: dir.3,
            notes: dir.4,
            photo: bin.0,
            user_smime_certificate: bin.1,
            ms_exchange_certificate: bin.2,
            directory_id: bin.3,
            manager_mailbox: bin.4,
            direct_reports: bin.5,
        })
        .boxed()
}

/// A contact as a sync engine writes it: no read-only fields.
pub fn writable_contact() -> impl Strategy<Value = Contact> {
    contact().prop_map(|mut c| {
        c.strip_read_only();
        c
    })
}

/// A pair of contacts where the second is an edit of the first: each writable field either kept or
/// taken from another generated contact.
pub fn contact_edit() -> impl Strategy<Value = (Contact, Contact)> {
    (writable_contact(), writable_contact(), vec(any::<bool>(), 64)).prop_map(|(old, other, keep)| {
        let mut new = old.clone();
        for (i, f) in ContactField::all().into_iter().filter(|f| !f.is_read_only()).enumerate() {
            if !keep[i % keep.len()] {
                f.copy(&other, &mut new);
            }
        }
        if !keep[63] {
            new.item.extended_properties = other.item.extended_properties.clone();
        }
        (old, new)
    })
}
