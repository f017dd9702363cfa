"""Contacts through exchangelib, impersonating Alice: create, get, find, update, delete."""

import datetime

import pytest
from exchangelib import Contact
from exchangelib.errors import DoesNotExist, ErrorItemNotFound
from exchangelib.indexed_properties import EmailAddress, PhoneNumber, PhysicalAddress

from conftest import ALICE, delegate, impersonating


def dana(folder) -> Contact:
    return Contact(
        folder=folder,
        given_name="Dana",
        surname="Ruiz",
        display_name="Dana Ruiz",
        company_name="Fabrikam",
        job_title="Buyer",
        email_addresses=[EmailAddress(label="EmailAddress1", email="dana@fabrikam.com")],
        phone_numbers=[
            PhoneNumber(label="MobilePhone", phone_number="+1 425 555 0101"),
            PhoneNumber(label="BusinessPhone", phone_number="+1 425 555 0199"),
        ],
        physical_addresses=[
            PhysicalAddress(label="Business", street="1 Main St", city="Redmond", state="WA", zipcode="98052")
        ],
        birthday=datetime.date(1985, 4, 12),
        body="Met at the trade fair.",
    )


def test_create_then_get_reads_back_every_field(alice):
    created = dana(alice.contacts)
    created.save()
    assert created.id and created.changekey

    got = alice.contacts.get(id=created.id)
    assert got.id == created.id
    assert got.changekey == created.changekey
    assert got.display_name == "Dana Ruiz"
    assert (got.given_name, got.surname) == ("Dana", "Ruiz")
    assert (got.company_name, got.job_title) == ("Fabrikam", "Buyer")
    assert [(e.label, e.email) for e in got.email_addresses] == [("EmailAddress1", "dana@fabrikam.com")]
    assert sorted((p.label, p.phone_number) for p in got.phone_numbers) == [
        ("BusinessPhone", "+1 425 555 0199"),
        ("MobilePhone", "+1 425 555 0101"),
    ]
    (address,) = got.physical_addresses
    assert (address.label, address.street, address.city, address.state, address.zipcode) == (
        "Business",
        "1 Main St",
        "Redmond",
        "WA",
        "98052",
    )
    assert got.birthday == datetime.date(1985, 4, 12)
    assert got.body == "Met at the trade fair."
    assert got.parent_folder_id.id == alice.contacts.id


def test_bulk_create_and_fetch(alice):
    names = [f"Bulk Contact {i:02}" for i in range(7)]
    results = alice.bulk_create(
        folder=alice.contacts, items=[Contact(display_name=n, given_name=n.split()[-1]) for n in names]
    )
    assert len(results) == 7
    assert all(not isinstance(r, Exception) for r in results), results
    fetched = list(alice.fetch(ids=[(r.id, r.changekey) for r in results]))
    assert [c.display_name for c in fetched] == names
    assert alice.contacts.all().count() == 7


def test_filter_by_display_name_and_page_through_all(alice):
    alice.bulk_create(
        folder=alice.contacts,
        items=[Contact(display_name=f"Person {i:02}", company_name="Odd" if i % 2 else "Even") for i in range(23)],
    )
    exact = list(alice.contacts.filter(display_name="Person 07"))
    assert [c.display_name for c in exact] == ["Person 07"]
    assert exact[0].company_name == "Odd"

    odd = alice.contacts.filter(company_name="Odd")
    assert odd.count() == 11
    assert sorted(c.display_name for c in odd) == [f"Person {i:02}" for i in range(1, 23, 2)]

    prefix = alice.contacts.filter(display_name__startswith="Person 1")
    assert sorted(c.display_name for c in prefix) == [f"Person {i}" for i in range(10, 20)]

    # .all() pages with IndexedPageItemView; small pages make it take several requests.
    everything = alice.contacts.all()
    everything.page_size = 5
    names = [c.display_name for c in everything.only("display_name")]
    assert sorted(names) == [f"Person {i:02}" for i in range(23)]
    assert len(names) == 23

    assert not alice.contacts.filter(display_name="Nobody").exists()

    # order_by sends a SortOrder; paging applies to the sorted list.
    by_name = alice.contacts.all().order_by("-display_name").only("display_name")
    by_name.page_size = 4
    assert [c.display_name for c in by_name] == [f"Person {i:02}" for i in reversed(range(23))]
    by_company = alice.contacts.all().order_by("company_name", "-display_name")
    assert [c.display_name for c in by_company][:3] == ["Person 22", "Person 20", "Person 18"]
    assert [c.display_name for c in by_company[:2]] == ["Person 22", "Person 20"]


def test_update_sets_and_deletes_fields(alice):
    c = dana(alice.contacts)
    c.save()
    first_key = c.changekey

    c.job_title = "Head of Purchasing"
    c.phone_numbers = [PhoneNumber(label="MobilePhone", phone_number="+1 425 555 0111")]
    c.save(update_fields=["job_title", "phone_numbers"])
    assert c.changekey != first_key

    got = alice.contacts.get(id=c.id)
    assert got.job_title == "Head of Purchasing"
    assert [(p.label, p.phone_number) for p in got.phone_numbers] == [("MobilePhone", "+1 425 555 0111")]
    assert got.company_name == "Fabrikam"

    # Setting a field to None sends DeleteItemField.
    c.company_name = None
    c.birthday = None
    c.save(update_fields=["company_name", "birthday"])
    got = alice.contacts.get(id=c.id)
    assert got.company_name is None
    assert got.birthday is None
    assert got.job_title == "Head of Purchasing"
    assert got.changekey == c.changekey


def test_delete(alice):
    keep, drop = Contact(folder=alice.contacts, display_name="Keep"), Contact(folder=alice.contacts, display_name="Drop")
    keep.save()
    drop.save()
    drop_id = drop.id
    drop.delete()
    with pytest.raises(ErrorItemNotFound):
        alice.contacts.get(id=drop_id)
    with pytest.raises(DoesNotExist):
        alice.contacts.get(display_name="Drop")
    (result,) = alice.fetch(ids=[(drop_id, None)])
    assert isinstance(result, ErrorItemNotFound)
    assert [c.display_name for c in alice.contacts.all()] == ["Keep"]

    alice.bulk_delete(ids=[keep])
    assert alice.contacts.all().count() == 0


def test_delegate_sign_in_sees_what_impersonation_wrote(sim, alice):
    c = Contact(folder=alice.contacts, display_name="Shared View", company_name="Contoso")
    c.save()
    own = delegate(sim)
    assert own.primary_smtp_address == ALICE
    got = own.contacts.get(id=c.id)
    assert (got.display_name, got.company_name) == ("Shared View", "Contoso")
    got.company_name = "Contoso Ltd"
    got.save(update_fields=["company_name"])
    assert alice.contacts.get(id=c.id).company_name == "Contoso Ltd"


def test_a_second_mailbox_is_separate(sim, alice):
    Contact(folder=alice.contacts, display_name="Only Alice's").save()
    bob = impersonating(sim, "bob@contoso.com")
    assert bob.contacts.all().count() == 0
    assert alice.contacts.all().count() == 1
