"""The dataclasses against the library's JSON: records written through the simulator's side door
read back equal, unknown fields survive, and times must carry their zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

import exsync
from exsync import Attendee, Contact, Email, Event, Kind, Phone, PostalAddress
from exsync.records import PendingChange, SimItem, SyncStatus, parse_time, record_from_dict

from conftest import ALICE

UTC = timezone.utc


def test_a_contact_goes_through_exchange_and_back_unchanged(sim):
    ann = Contact(
        given_name="Ann",
        surname="Lee",
        company="Contoso",
        job_title="Buyer",
        emails=[Email("ann@fabrikam.com", name="Ann Lee")],
        phones=[Phone("mobile", "+1 555 0100"), Phone("work", "+1 555 0101")],
        addresses=[PostalAddress("work", street="1 Main St", city="Springfield", country="US")],
        notes="Met at the fair",
        birthday=date(1990, 4, 1),
    )
    item_id = sim.create_item(ALICE, ann)
    [item] = sim.items(ALICE, Kind.CONTACTS)
    assert isinstance(item, SimItem)
    assert item.id == item_id and item.tag is None and item.unmapped is None
    got = item.record
    assert isinstance(got, Contact)
    for name in ("given_name", "surname", "company", "job_title", "emails", "phones", "addresses", "notes", "birthday"):
        assert getattr(got, name) == getattr(ann, name), name


def test_an_event_goes_through_exchange_and_back_unchanged(sim):
    start = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    review = Event(
        start=start,
        end=start + timedelta(hours=1),
        subject="Quarterly review",
        location="Room 4",
        attendees=[Attendee("bob@contoso.com", "required"), Attendee("carol@contoso.com", "optional")],
        show_as="tentative",
        reminder_minutes=15,
        recurrence={
            "rule": {"every": "weekly", "interval": 1, "days": ["monday"]},
            "starts_on": "2026-03-02",
            "ends": {"count": 4},
        },
    )
    sim.create_item(ALICE, review)
    [item] = sim.items(ALICE, Kind.EVENTS)
    got = item.record
    assert isinstance(got, Event)
    assert (got.start, got.end) == (review.start, review.end)
    assert got.start.tzinfo is not None
    for name in ("subject", "location", "show_as", "reminder_minutes"):
        assert getattr(got, name) == getattr(review, name), name
    assert [(a.email, a.role) for a in got.attendees] == [(a.email, a.role) for a in review.attendees]
    assert got.recurrence["rule"] == review.recurrence["rule"]
    assert got.recurrence["ends"] == {"count": 4}


def test_the_side_door_updates_and_deletes(sim):
    item_id = sim.create_item(ALICE, {"kind": "contact", "given_name": "Dana"})
    sim.update_item(ALICE, item_id, Contact(given_name="Dana", surname="Ruiz"))
    [item] = sim.items(ALICE, Kind.CONTACTS)
    assert item.record.surname == "Ruiz"
    sim.delete_item(ALICE, item_id)
    assert sim.items(ALICE, Kind.CONTACTS) == []


def test_fields_this_package_does_not_know_are_kept():
    data = {"kind": "contact", "given_name": "Ann", "pronouns": "she/her"}
    contact = record_from_dict(data)
    assert contact.extra == {"pronouns": "she/her"}
    assert contact.to_dict() == data
    event = record_from_dict(
        {"kind": "event", "start": "2026-01-10T09:00:00Z", "end": "2026-01-10T10:00:00Z", "show_as": "busy",
         "color": "blue"}
    )
    assert event.to_dict()["color"] == "blue"


def test_times_must_carry_their_zone():
    naive = Event(start=datetime(2026, 1, 10, 9), end=datetime(2026, 1, 10, 10))
    with pytest.raises(ValueError, match="timezone-aware"):
        naive.to_dict()
    with pytest.raises(TypeError):
        Event(start="2026-01-10", end="2026-01-10").to_dict()
    other_zone = timezone(timedelta(hours=2))
    e = Event(start=datetime(2026, 1, 10, 11, tzinfo=other_zone), end=datetime(2026, 1, 10, 12, tzinfo=other_zone))
    assert e.to_dict()["start"] == "2026-01-10T09:00:00Z"
    assert parse_time("2026-12-05T02:18:05.174296395Z") == datetime(2026, 12, 5, 2, 18, 5, 174296, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_time("2026-12-05T02:18:05")


def test_pending_changes_read_both_deliveries():
    upsert = PendingChange.from_dict(
        {"seq": 3, "user": ALICE, "kind": "contacts", "app_id": "crm-1",
         "delivery": {"upsert": {"kind": "contact", "given_name": "Ann"}}}
    )
    assert upsert.kind is Kind.CONTACTS and not upsert.is_delete and upsert.record.given_name == "Ann"
    delete = PendingChange.from_dict({"seq": 4, "user": ALICE, "kind": "events", "app_id": "crm-2", "delivery": "delete"})
    assert delete.is_delete and delete.record is None and delete.kind is Kind.EVENTS
    with pytest.raises(ValueError):
        PendingChange.from_dict({"seq": 5, "user": ALICE, "kind": "events", "app_id": "x", "delivery": "archive"})


def test_a_status_never_synced(engine):
    engine.enrol(ALICE)
    statuses = engine.status(ALICE)
    assert [s.kind for s in statuses] == [Kind.CONTACTS, Kind.EVENTS]
    for s in statuses:
        assert isinstance(s, SyncStatus)
        assert s.user == ALICE and s.last_attempt is None and s.last_run is None and s.last_error is None
        assert s.totals.listed == 0 and s.consecutive_failures == 0


def test_app_changes_write_the_documented_shape():
    change = exsync.AppChange("crm-1", Contact(given_name="Ann"), version="v3",
                              changed_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert change.to_dict() == {
        "app_id": "crm-1",
        "op": {"upsert": {"kind": "contact", "given_name": "Ann"}},
        "version": "v3",
        "changed_at": "2026-01-02T03:04:05Z",
    }
    assert exsync.AppChange("crm-1").to_dict() == {"app_id": "crm-1", "op": "delete"}
