"""Calendar items through exchangelib, impersonating Alice: single, recurring and with attendees;
create, get, find, update, delete."""

import datetime

import pytest
from exchangelib import Attendee, CalendarItem, EWSDate, EWSDateTime, EWSTimeZone, Mailbox
from exchangelib.errors import ErrorItemNotFound
from exchangelib.items import SEND_TO_NONE
from exchangelib.recurrence import DailyPattern, Recurrence, WeeklyPattern
from exchangelib.fields import MONDAY, WEDNESDAY

UTC = EWSTimeZone("UTC")
BERLIN = EWSTimeZone("Europe/Berlin")


def at(day: int, hour: int, minute: int = 0, tz=UTC) -> EWSDateTime:
    return EWSDateTime(2027, 3, day, hour, minute, tzinfo=tz)


def meeting(folder, subject="Quarterly review", day=15) -> CalendarItem:
    return CalendarItem(
        folder=folder,
        subject=subject,
        start=at(day, 9),
        end=at(day, 10, 30),
        location="Room 4",
        body="Agenda: numbers.",
        categories=["Customer"],
        reminder_is_set=True,
        reminder_minutes_before_start=15,
        legacy_free_busy_status="Busy",
    )


def test_create_then_get_reads_back_every_field(alice):
    item = meeting(alice.calendar)
    item.save(send_meeting_invitations=SEND_TO_NONE)
    assert item.id and item.changekey

    got = alice.calendar.get(id=item.id)
    assert got.subject == "Quarterly review"
    assert got.start == at(15, 9)
    assert got.end == at(15, 10, 30)
    assert got.location == "Room 4"
    assert got.body == "Agenda: numbers."
    assert got.categories == ["Customer"]
    assert got.reminder_is_set is True
    assert got.reminder_minutes_before_start == 15
    assert got.legacy_free_busy_status == "Busy"
    assert got.is_all_day is False
    # What Exchange maintains itself.
    assert got.type == "Single"
    assert got.is_meeting is False
    assert got.my_response_type == "Organizer"
    assert got.organizer.email_address == "alice@contoso.com"
    assert got.duration == "PT1H30M"
    assert got.uid
    assert got.parent_folder_id.id == alice.calendar.id


def test_time_zone_and_all_day(alice):
    local = CalendarItem(
        folder=alice.calendar, subject="Berlin standup", start=at(16, 9, tz=BERLIN), end=at(16, 9, 15, tz=BERLIN)
    )
    local.save(send_meeting_invitations=SEND_TO_NONE)
    got = alice.calendar.get(id=local.id)
    # 09:00 in Berlin in March (CET, UTC+1) is 08:00 UTC.
    assert got.start == at(16, 8)
    assert got.end == at(16, 8, 15)

    holiday = CalendarItem(
        folder=alice.calendar,
        subject="Holiday",
        start=EWSDate(2027, 3, 19),
        end=EWSDate(2027, 3, 20),
        is_all_day=True,
        legacy_free_busy_status="OOF",
    )
    holiday.save(send_meeting_invitations=SEND_TO_NONE)
    got = alice.calendar.get(id=holiday.id)
    assert got.is_all_day is True
    assert got.legacy_free_busy_status == "OOF"
    assert got.start == EWSDate(2027, 3, 19)
    assert got.end == EWSDate(2027, 3, 20)


def test_attendees(alice):
    item = meeting(alice.calendar, "Kick-off")
    item.required_attendees = [
        Attendee(mailbox=Mailbox(email_address="bob@contoso.com", name="Bob"), response_type="Unknown"),
        Attendee(mailbox=Mailbox(email_address="dana@fabrikam.com", name="Dana Ruiz"), response_type="Unknown"),
    ]
    item.optional_attendees = [Attendee(mailbox=Mailbox(email_address="erin@contoso.com"), response_type="Unknown")]
    item.save(send_meeting_invitations=SEND_TO_NONE)

    got = alice.calendar.get(id=item.id)
    assert got.is_meeting is True
    assert sorted(a.mailbox.email_address for a in got.required_attendees) == [
        "bob@contoso.com",
        "dana@fabrikam.com",
    ]
    assert [a.mailbox.email_address for a in got.optional_attendees] == ["erin@contoso.com"]
    assert {a.mailbox.email_address: a.mailbox.name for a in got.required_attendees}["dana@fabrikam.com"] == "Dana Ruiz"

    got.optional_attendees = None
    got.required_attendees = [Attendee(mailbox=Mailbox(email_address="bob@contoso.com"), response_type="Unknown")]
    got.save(update_fields=["required_attendees", "optional_attendees"], send_meeting_invitations=SEND_TO_NONE)
    again = alice.calendar.get(id=item.id)
    assert [a.mailbox.email_address for a in again.required_attendees] == ["bob@contoso.com"]
    assert not again.optional_attendees


def test_recurring_series(alice):
    series = CalendarItem(
        folder=alice.calendar,
        subject="Weekly sync",
        start=at(1, 14),
        end=at(1, 14, 30),
        recurrence=Recurrence(
            pattern=WeeklyPattern(interval=1, weekdays=[MONDAY, WEDNESDAY], first_day_of_week=MONDAY),
            start=datetime.date(2027, 3, 1),
            number=10,
        ),
    )
    series.save(send_meeting_invitations=SEND_TO_NONE)
    got = alice.calendar.get(id=series.id)
    assert got.type == "RecurringMaster"
    pattern = got.recurrence.pattern
    assert isinstance(pattern, WeeklyPattern)
    assert pattern.interval == 1
    assert sorted(pattern.weekdays) == [1, 3]  # exchangelib reads weekdays back as ISO numbers
    assert pattern.first_day_of_week == 1
    assert got.recurrence.boundary.number == 10
    assert got.recurrence.boundary.start == datetime.date(2027, 3, 1)

    daily = CalendarItem(
        folder=alice.calendar,
        subject="Daily check",
        start=at(1, 8),
        end=at(1, 8, 10),
        recurrence=Recurrence(pattern=DailyPattern(interval=2), start=datetime.date(2027, 3, 1), end=datetime.date(2027, 3, 31)),
    )
    daily.save(send_meeting_invitations=SEND_TO_NONE)
    got = alice.calendar.get(id=daily.id)
    assert isinstance(got.recurrence.pattern, DailyPattern)
    assert got.recurrence.pattern.interval == 2
    assert got.recurrence.boundary.end == datetime.date(2027, 3, 31)

    # Changing the pattern of the series.
    got.recurrence = Recurrence(pattern=DailyPattern(interval=3), start=datetime.date(2027, 3, 1), number=5)
    got.save(update_fields=["recurrence"], send_meeting_invitations=SEND_TO_NONE)
    again = alice.calendar.get(id=daily.id)
    assert again.recurrence.pattern.interval == 3
    assert again.recurrence.boundary.number == 5


def test_bulk_create_filter_and_page(alice):
    items = [meeting(None, f"Visit {i:02}", day=1 + i) for i in range(12)]
    results = alice.bulk_create(folder=alice.calendar, items=items, send_meeting_invitations=SEND_TO_NONE)
    assert all(not isinstance(r, Exception) for r in results), results

    (hit,) = alice.calendar.filter(subject="Visit 05")
    assert hit.start == at(6, 9)
    assert sorted(i.subject for i in alice.calendar.filter(subject__contains="Visit 1")) == ["Visit 10", "Visit 11"]

    everything = alice.calendar.all()
    everything.page_size = 5
    assert sorted(i.subject for i in everything) == [f"Visit {i:02}" for i in range(12)]
    latest_first = alice.calendar.all().order_by("-start")
    latest_first.page_size = 5
    assert [i.subject for i in latest_first] == [f"Visit {i:02}" for i in reversed(range(12))]
    assert [i.subject for i in alice.calendar.filter(start__gte=at(10, 0)).order_by("start")] == [
        f"Visit {i:02}" for i in range(9, 12)
    ]
    assert alice.calendar.all().count() == 12


def test_update_and_delete(alice):
    item = meeting(alice.calendar)
    item.save(send_meeting_invitations=SEND_TO_NONE)
    key = item.changekey

    item.subject = "Quarterly review (moved)"
    item.start, item.end = at(17, 13), at(17, 14)
    item.location = None
    item.save(update_fields=["subject", "start", "end", "location"], send_meeting_invitations=SEND_TO_NONE)
    assert item.changekey != key

    got = alice.calendar.get(id=item.id)
    assert got.subject == "Quarterly review (moved)"
    assert (got.start, got.end) == (at(17, 13), at(17, 14))
    assert got.location is None
    assert got.body == "Agenda: numbers."

    item_id = item.id
    item.delete(send_meeting_cancellations=SEND_TO_NONE)
    with pytest.raises(ErrorItemNotFound):
        alice.calendar.get(id=item_id)
    assert alice.calendar.all().count() == 0


def test_calendar_view_expands_series(alice):
    """exchangelib's view() is FindItem with a CalendarView, then GetItem on the occurrences' ids."""
    CalendarItem(folder=alice.calendar, subject="One-off", start=at(3, 12), end=at(3, 13)).save(
        send_meeting_invitations=SEND_TO_NONE
    )
    CalendarItem(folder=alice.calendar, subject="Outside", start=at(25, 12), end=at(25, 13)).save(
        send_meeting_invitations=SEND_TO_NONE
    )
    series = CalendarItem(
        folder=alice.calendar,
        subject="Weekly sync",
        location="Room 2",
        start=at(1, 14),
        end=at(1, 14, 30),
        recurrence=Recurrence(
            pattern=WeeklyPattern(interval=1, weekdays=[MONDAY, WEDNESDAY], first_day_of_week=MONDAY),
            start=datetime.date(2027, 3, 1),
            number=10,
        ),
    )
    series.save(send_meeting_invitations=SEND_TO_NONE)

    window = alice.calendar.view(start=at(1, 0), end=at(11, 0))
    got = [(i.subject, i.start, i.type) for i in window]
    assert got == [
        ("Weekly sync", at(1, 14), "Occurrence"),
        ("One-off", at(3, 12), "Single"),
        ("Weekly sync", at(3, 14), "Occurrence"),
        ("Weekly sync", at(8, 14), "Occurrence"),
        ("Weekly sync", at(10, 14), "Occurrence"),
    ]
    occurrences = [i for i in alice.calendar.view(start=at(1, 0), end=at(31, 0)) if i.type == "Occurrence"]
    # 1, 3, 8, 10, 15, 17, 22, 24 and 29 March; the 10th, on the 31st, is past the window.
    assert [o.start.day for o in occurrences] == [1, 3, 8, 10, 15, 17, 22, 24, 29]
    assert all(o.location == "Room 2" and o.end - o.start == datetime.timedelta(minutes=30) for o in occurrences)
    assert len({o.id for o in occurrences}) == 9 and series.id not in {o.id for o in occurrences}

    # An occurrence's id reads back on its own.
    third = alice.calendar.get(id=occurrences[2].id)
    assert (third.subject, third.start, third.type) == ("Weekly sync", at(8, 14), "Occurrence")

    # Moving the series moves its occurrences.
    series.start, series.end = at(1, 16), at(1, 17)
    series.save(update_fields=["start", "end"], send_meeting_invitations=SEND_TO_NONE)
    assert [i.start for i in alice.calendar.view(start=at(8, 0), end=at(9, 0))] == [at(8, 16)]
    assert [i.subject for i in alice.calendar.view(start=at(20, 0), end=at(21, 0))] == []

    # Deleting one occurrence makes a deleted occurrence of the series, as Exchange does.
    [first] = alice.calendar.view(start=at(1, 0), end=at(2, 0))
    first.delete(send_meeting_cancellations=SEND_TO_NONE)
    assert list(alice.calendar.view(start=at(1, 0), end=at(2, 0))) == []
    assert [i.start for i in alice.calendar.view(start=at(8, 0), end=at(9, 0))] == [at(8, 16)]
    master = alice.calendar.get(id=series.id)
    assert [d.start for d in master.deleted_occurrences] == [at(1, 16)]
