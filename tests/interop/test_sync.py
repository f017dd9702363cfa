"""SyncFolderItems through exchangelib's sync_items: an initial full sync, then the creates,
updates and deletes made since, whether by the same client or by another one (a second
exchangelib account on the same mailbox, standing in for the owner's Outlook)."""

import datetime

import pytest
from exchangelib import CalendarItem, Contact, EWSDateTime, EWSTimeZone
from exchangelib.errors import ErrorInvalidSyncStateData
from exchangelib.items import SEND_TO_NONE

from conftest import delegate, impersonating

UTC = EWSTimeZone("UTC")


def drain(folder, **kwargs):
    """Runs sync_items to the end; returns the changes as (type, item) pairs, (type, id) for deletes."""
    out = []
    for change_type, item in folder.sync_items(**kwargs):
        if change_type == "delete":
            out.append((change_type, item.id))
        else:
            out.append((change_type, item))
    return out


def contacts_folder(account):
    return account.contacts


def calendar_folder(account):
    return account.calendar


def new_contact(i: int) -> Contact:
    return Contact(display_name=f"Synced {i:02}", company_name="Initial")


def new_event(i: int) -> CalendarItem:
    start = EWSDateTime(2027, 4, 1 + i, 10, 0, tzinfo=UTC)
    return CalendarItem(subject=f"Synced {i:02}", start=start, end=start + datetime.timedelta(hours=1), location="Initial")


KINDS = {
    "contacts": (contacts_folder, new_contact, "display_name", "company_name"),
    "calendar": (calendar_folder, new_event, "subject", "location"),
}


def create(account, folder, items):
    kwargs = {"send_meeting_invitations": SEND_TO_NONE} if folder is account.calendar else {}
    results = account.bulk_create(folder=folder, items=items, **kwargs)
    assert all(not isinstance(r, Exception) for r in results), results
    return results


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_initial_sync_then_changes(sim, alice, kind):
    get_folder, make, name_field, value_field = KINDS[kind]
    folder = get_folder(alice)
    created = create(alice, folder, [make(i) for i in range(5)])

    initial = drain(folder)
    assert [t for t, _ in initial] == ["create"] * 5
    assert sorted(getattr(i, name_field) for _, i in initial) == [f"Synced {i:02}" for i in range(5)]
    assert all(getattr(i, value_field) == "Initial" for _, i in initial)
    first_state = folder.item_sync_state
    assert first_state

    # Nothing changed: nothing to report, and the state stays usable.
    assert drain(folder) == []

    # Another client (the owner, signed in to her own mailbox) creates, updates and deletes.
    other = delegate(sim)
    other_folder = get_folder(other)
    (added,) = create(other, other_folder, [make(10)])
    changed = other_folder.get(id=created[1].id)
    setattr(changed, value_field, "Changed")
    kwargs = {"send_meeting_invitations": SEND_TO_NONE} if kind == "calendar" else {}
    changed.save(update_fields=[value_field], **kwargs)
    gone = other_folder.get(id=created[2].id)
    gone.delete()

    changes = drain(folder)
    by_type = {}
    for t, payload in changes:
        by_type.setdefault(t, []).append(payload)
    assert sorted(by_type) == ["create", "delete", "update"], changes
    (c,) = by_type["create"]
    assert (c.id, getattr(c, name_field)) == (added.id, "Synced 10")
    (u,) = by_type["update"]
    assert (u.id, getattr(u, value_field)) == (created[1].id, "Changed")
    assert u.changekey == changed.changekey
    assert by_type["delete"] == [created[2].id]

    # Replaying from the older state (a client that did not save the newest one) still works.
    replay = drain(folder, sync_state=first_state)
    assert sorted(t for t, _ in replay) == ["create", "delete", "update"]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_paged_sync(alice, kind):
    get_folder, make, name_field, _ = KINDS[kind]
    folder = get_folder(alice)
    create(alice, folder, [make(i) for i in range(12)])
    # exchangelib keeps asking while IncludesLastItemInRange is false.
    changes = drain(folder, max_changes_returned=5)
    assert len(changes) == 12
    assert sorted(getattr(i, name_field) for _, i in changes) == [f"Synced {i:02}" for i in range(12)]
    assert drain(folder, max_changes_returned=5) == []


def test_sync_with_only_fields_and_ignore(alice):
    folder = alice.contacts
    create(alice, folder, [new_contact(i) for i in range(3)])
    drain(folder)
    mine = Contact(folder=folder, display_name="Made here")
    mine.save()
    theirs = Contact(folder=folder, display_name="Made elsewhere")
    theirs.save()
    # A client ignores the changes it made itself.
    changes = drain(folder, only_fields=["display_name"], ignore=[mine])
    assert [(t, i.display_name, i.company_name) for t, i in changes] == [("create", "Made elsewhere", None)]


def test_the_owner_edits_and_a_second_impersonating_client_syncs(sim, alice):
    """Two independent sync clients on one mailbox each keep their own state."""
    first, second = alice.contacts, impersonating(sim).contacts
    c = Contact(folder=first, display_name="Shared")
    c.save()
    assert [t for t, _ in drain(first)] == ["create"]
    assert [t for t, _ in drain(second)] == ["create"]
    c.display_name = "Shared (renamed)"
    c.save(update_fields=["display_name"])
    assert [(t, i.display_name) for t, i in drain(second)] == [("update", "Shared (renamed)")]
    assert [(t, i.display_name) for t, i in drain(first)] == [("update", "Shared (renamed)")]


def test_a_foreign_sync_state_is_refused(alice):
    with pytest.raises(ErrorInvalidSyncStateData):
        drain(alice.contacts, sync_state="H4sIAAAAAAAEAO29B2AcSZYlJi9tynt/SvVK1+B0oQiAYBMk2JBAEOzBiM3mkuwdaUcjKasqgcplVmVdZhZAzO2dvPfee++999577733")
