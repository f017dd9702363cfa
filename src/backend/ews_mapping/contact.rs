//! Canonical [`Contact`] ↔ EWS [`ews::Contact`].
//!
//! The canonical contact covers names, company, department, job title, up to three e-mail
//! addresses (`EmailAddress1`–`3`, in order), phone numbers, postal addresses, notes (the item
//! body, as text) and the birthday. Every other field of the Exchange item (file-as, manager,
//! categories, …) is left alone by updates: [`contact_item_updates`] overlays the canonical fields
//! on the item as it is on the server, and sends only what differs.
//!
//! Birthdays: Exchange keeps a date-time. exsync writes midnight UTC; when reading, a value set by
//! Outlook at local midnight (between UTC−11:59 and UTC+12:00) gives back the same date.
//!
//! ```
//! use exsync::backend::ews_mapping::{contact_from_ews, contact_item_updates, contact_to_ews};
//! use exsync::sync::{AppId, Contact};
//!
//! let c = Contact { given_name: Some("Ann".into()), emails: vec!["ann@contoso.com".into()], ..Contact::default() };
//! let item = contact_to_ews(&c, Some(&AppId::new("crm-1")));
//! assert_eq!(item.primary_email(), Some("ann@contoso.com"));
//! assert_eq!(contact_from_ews(&item), c);
//!
//! let mut renamed = c.clone();
//! renamed.given_name = Some("Anna".into());
//! let updates = contact_item_updates(&item, &renamed);
//! assert_eq!(updates.len(), 1); // only contacts:GivenName
//! ```

use chrono::{Duration, NaiveDate};

use crate::ews::{
    self, Body, EmailAddress, EmailAddressKey, EwsDateTime, ItemUpdate, PhoneNumber, PhoneNumberKey, PhysicalAddress,
    PhysicalAddressKey,
};
use crate::sync::{AddressKind, AppId, Contact, Email, Phone, PhoneKind, PostalAddress};

use super::tag::set_app_id;

/// The EWS key of a phone kind.
pub fn phone_key(kind: PhoneKind) -> PhoneNumberKey {
    match kind {
        PhoneKind::Mobile => PhoneNumberKey::MobilePhone,
        PhoneKind::Work => PhoneNumberKey::BusinessPhone,
        PhoneKind::Work2 => PhoneNumberKey::BusinessPhone2,
        PhoneKind::Home => PhoneNumberKey::HomePhone,
        PhoneKind::Home2 => PhoneNumberKey::HomePhone2,
        PhoneKind::WorkFax => PhoneNumberKey::BusinessFax,
        PhoneKind::HomeFax => PhoneNumberKey::HomeFax,
        PhoneKind::OtherFax => PhoneNumberKey::OtherFax,
        PhoneKind::Other => PhoneNumberKey::OtherTelephone,
        PhoneKind::Pager => PhoneNumberKey::Pager,
        PhoneKind::Assistant => PhoneNumberKey::AssistantPhone,
        PhoneKind::Car => PhoneNumberKey::CarPhone,
        PhoneKind::CompanyMain => PhoneNumberKey::CompanyMainPhone,
        PhoneKind::Callback => PhoneNumberKey::Callback,
        PhoneKind::Isdn => PhoneNumberKey::Isdn,
        PhoneKind::Primary => PhoneNumberKey::PrimaryPhone,
        PhoneKind::Radio => PhoneNumberKey::RadioPhone,
        PhoneKind::Telex => PhoneNumberKey::Telex,
        PhoneKind::TtyTdd => PhoneNumberKey::TtyTddPhone,
        PhoneKind::WorkMobile => PhoneNumberKey::BusinessMobile,
        PhoneKind::IpPhone => PhoneNumberKey::IpPhone,
        PhoneKind::Mms => PhoneNumberKey::Mms,
        PhoneKind::Msn => PhoneNumberKey::Msn,
    }
}

/// The phone kind of an EWS key (every key has one).
pub fn phone_kind(key: PhoneNumberKey) -> PhoneKind {
    PhoneKind::ALL.into_iter().find(|k| phone_key(*k) == key).unwrap_or(PhoneKind::Other)
}

/// The EWS key of an address kind.
pub fn address_key(kind: AddressKind) -> PhysicalAddressKey {
    match kind {
        AddressKind::Home => PhysicalAddressKey::Home,
        AddressKind::Work => PhysicalAddressKey::Business,
        AddressKind::Other => PhysicalAddressKey::Other,
    }
}

/// The address kind of an EWS key.
pub fn address_kind(key: PhysicalAddressKey) -> AddressKind {
    match key {
        PhysicalAddressKey::Home => AddressKind::Home,
        PhysicalAddressKey::Business => AddressKind::Work,
        PhysicalAddressKey::Other => AddressKind::Other,
    }
}

/// The birthday as exsync writes it: midnight UTC of the date.
pub fn birthday_to_ews(date: NaiveDate) -> EwsDateTime {
    EwsDateTime::utc(date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
}

/// The date of a birthday as Exchange holds it (see the module docs).
pub fn birthday_from_ews(value: &EwsDateTime) -> NaiveDate {
    match value {
        EwsDateTime::Floating(t) => t.date(),
        EwsDateTime::Zoned(t) => (t.naive_utc() + Duration::hours(12)).date(),
    }
}

/// Sets the canonical fields of `item` from `c`, leaving the others as they are.
pub fn overlay_contact(item: &mut ews::Contact, c: &Contact) {
    item.display_name = c.display_name.clone();
    item.given_name = c.given_name.clone();
    item.middle_name = c.middle_name.clone();
    item.surname = c.surname.clone();
    item.nickname = c.nickname.clone();
    item.company_name = c.company.clone();
    item.department = c.department.clone();
    item.job_title = c.job_title.clone();
    item.email_addresses = c
        .emails
        .iter()
        .zip(EmailAddressKey::ALL)
        .map(|(e, key)| EmailAddress { name: e.name.clone(), ..EmailAddress::new(*key, e.address.clone()) })
        .collect();
    item.phone_numbers = c.phones.iter().map(|p| PhoneNumber::new(phone_key(p.kind), p.number.clone())).collect();
    item.physical_addresses = c
        .addresses
        .iter()
        .map(|a| PhysicalAddress {
            key: address_key(a.kind),
            street: a.street.clone(),
            city: a.city.clone(),
            state: a.region.clone(),
            country_or_region: a.country.clone(),
            postal_code: a.postal_code.clone(),
        })
        .collect();
    item.item.body = c.notes.as_ref().map(Body::text);
    item.birthday = c.birthday.map(birthday_to_ews);
}

/// A new EWS contact holding `c`, tagged with `app_id` when given (what CreateItem sends).
pub fn contact_to_ews(c: &Contact, app_id: Option<&AppId>) -> ews::Contact {
    let mut item = ews::Contact::default();
    overlay_contact(&mut item, c);
    if let Some(id) = app_id {
        set_app_id(&mut item.item, id);
    }
    item
}

/// The canonical contact of an EWS contact, normalized ([`Contact::normalize`]). E-mail addresses
/// come in key order; an empty body or address part counts as absent. The body is taken as text (the backend asks Exchange for text
/// bodies).
pub fn contact_from_ews(item: &ews::Contact) -> Contact {
    let non_empty = |s: &Option<String>| s.clone().filter(|v| !v.is_empty());
    let emails = EmailAddressKey::ALL
        .iter()
        .filter_map(|k| item.email(*k))
        .filter(|e| !e.address.is_empty())
        .map(|e| Email { address: e.address.clone(), name: e.name.clone() })
        .collect();
    let mut phones: Vec<Phone> = Vec::new();
    for p in &item.phone_numbers {
        let kind = phone_kind(p.key);
        if !p.number.is_empty() && !phones.iter().any(|q| q.kind == kind) {
            phones.push(Phone::new(kind, p.number.clone()));
        }
    }
    let mut addresses: Vec<PostalAddress> = Vec::new();
    for a in &item.physical_addresses {
        let pa = PostalAddress {
            kind: address_kind(a.key),
            street: non_empty(&a.street),
            city: non_empty(&a.city),
            region: non_empty(&a.state),
            postal_code: non_empty(&a.postal_code),
            country: non_empty(&a.country_or_region),
        };
        if !pa.is_empty() && !addresses.iter().any(|b| b.kind == pa.kind) {
            addresses.push(pa);
        }
    }
    let mut c = Contact {
        display_name: non_empty(&item.display_name),
        given_name: non_empty(&item.given_name),
        middle_name: non_empty(&item.middle_name),
        surname: non_empty(&item.surname),
        nickname: non_empty(&item.nickname),
        company: non_empty(&item.company_name),
        department: non_empty(&item.department),
        job_title: non_empty(&item.job_title),
        emails,
        phones,
        addresses,
        notes: item.item.body.as_ref().map(|b| b.content.clone()).filter(|n| !n.is_empty()),
        birthday: item.birthday.as_ref().map(birthday_from_ews),
    };
    c.normalize();
    c
}

/// The `UpdateItem` changes that give the server's item `current` the canonical fields of `new`:
/// only the fields that differ, every other field of `current` untouched.
pub fn contact_item_updates(current: &ews::Contact, new: &Contact) -> Vec<ItemUpdate> {
    let mut target = current.clone();
    overlay_contact(&mut target, new);
    ews::contact_updates(current, &target)
}

/// The changes between two canonical versions (when the server's item is not at hand): the
/// fields where `new` differs from `old`.
pub fn contact_record_updates(old: &Contact, new: &Contact) -> Vec<ItemUpdate> {
    contact_item_updates(&contact_to_ews(old, None), new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phone_kind_has_its_own_key() {
        let mut keys: Vec<_> = PhoneKind::ALL.iter().map(|k| phone_key(*k)).collect();
        for k in PhoneKind::ALL {
            assert_eq!(phone_kind(phone_key(k)), k);
        }
        keys.sort_by_key(|k| k.as_str());
        keys.dedup();
        assert_eq!(keys.len(), PhoneNumberKey::ALL.len());
    }

    #[test]
    fn birthdays_survive_local_midnights() {
        let d = NaiveDate::from_ymd_opt(1990, 6, 15).unwrap();
        assert_eq!(birthday_from_ews(&birthday_to_ews(d)), d);
        for s in ["1990-06-15T07:00:00Z", "1990-06-14T22:00:00Z", "1990-06-14T12:00:00Z", "1990-06-15T11:00:00Z"] {
            assert_eq!(birthday_from_ews(&EwsDateTime::parse(s).unwrap()), d, "{s}");
        }
        assert_eq!(birthday_from_ews(&EwsDateTime::parse("1990-06-15T23:30:00").unwrap()), d);
    }

    #[test]
    fn compacts_sparse_email_slots_and_drops_duplicates() {
        let mut item = ews::Contact::default();
        item.set_email(EmailAddressKey::EmailAddress3, "c@x").set_email(EmailAddressKey::EmailAddress2, "b@x");
        item.phone_numbers = vec![
            PhoneNumber::new(PhoneNumberKey::HomePhone, "1"),
            PhoneNumber::new(PhoneNumberKey::HomePhone, "2"),
            PhoneNumber::new(PhoneNumberKey::Pager, ""),
        ];
        let c = contact_from_ews(&item);
        assert_eq!(c.emails, vec![Email::from("b@x"), Email::from("c@x")]);
        assert_eq!(c.phones, vec![Phone::new(PhoneKind::Home, "1")]);
        // Writing back moves the addresses to slots 1 and 2 and clears slot 3.
        let updates = contact_item_updates(&item, &c);
        let paths: Vec<String> = updates.iter().map(|u| format!("{:?}", u.path())).collect();
        assert_eq!(updates.len(), 4, "{paths:?}"); // EmailAddress1, 3 (removed), 2 changed; phone entry
    }

    #[test]
    fn fields_outside_the_canonical_model_are_left_alone() {
        let mut current = contact_to_ews(&Contact { surname: Some("Lee".into()), ..Contact::default() }, None);
        current.manager = Some("Boss".into());
        current.file_as = Some("Lee".into());
        let new = Contact { surname: Some("Li".into()), ..Contact::default() };
        let updates = contact_item_updates(&current, &new);
        assert_eq!(updates.len(), 1);
        assert_eq!(updates[0].path(), &ews::ContactField::Surname.path());
        let mut on_server = current.clone();
        for u in &updates {
            ews::apply_contact_update(&mut on_server, u).unwrap();
        }
        assert_eq!(on_server.manager.as_deref(), Some("Boss"));
        assert_eq!(contact_from_ews(&on_server), new);
    }
}
