"""Two-way sync from Python against the simulator: the application's changes reach Exchange (seen
through the simulator's listing), Exchange's changes reach the application's inbox and are
acknowledged; progress events reach a Python callable."""

from __future__ import annotations

import gc
import threading
from datetime import datetime, timedelta, timezone

import pytest

import exsync
from exsync import CallError, Contact, ErrorCode, Event, Kind, ProgressEvent

from conftest import ALICE

UTC = timezone.utc


@pytest.fixture
def connected(saved_engine, key):
    saved_engine.connect(key)
    saved_engine.enrol(ALICE)
    return saved_engine


def tagged(sim, kind, tag):
    return [i for i in sim.items(ALICE, kind) if i.tag == tag]


def test_round_trip_of_contacts_both_ways(connected, sim):
    engine = connected
    events: list[ProgressEvent] = []
    engine.set_progress(lambda event: events.append(event))
    gc.collect()  # the engine keeps the callback (and its C wrapper) alive, not the caller

    seq = engine.report_upsert(ALICE, "crm-1", Contact(given_name="Ann", surname="Lee"), version="v1")
    assert seq >= 1
    dana_id = sim.create_item(ALICE, Contact(given_name="Dana", surname="Ruiz"))

    reports = engine.sync(ALICE)
    assert [r.kind for r in reports] == [Kind.CONTACTS, Kind.EVENTS]
    contacts = reports[0]
    assert (contacts.user, contacts.created, contacts.delivered) == (ALICE, 1, 1)
    assert engine.last_sync_report() == reports

    # The application's contact is in Exchange, tagged with the application's id.
    [ann] = tagged(sim, Kind.CONTACTS, "crm-1")
    assert (ann.record.given_name, ann.record.surname) == ("Ann", "Lee")

    # Exchange's contact waits in the application's inbox until acknowledged.
    [dana] = engine.pending(ALICE)
    assert dana.kind is Kind.CONTACTS and not dana.is_delete
    assert (dana.record.given_name, dana.record.surname) == ("Dana", "Ruiz")
    assert engine.pending(ALICE) == [dana]  # asking again is safe
    assert engine.ack(ALICE, dana, app_version="v1") is True
    assert engine.pending(ALICE) == []
    assert engine.ack(ALICE, dana.seq) is False

    # Progress: per kind, started then done, with the events in between.
    names = [(e.event, e.kind) for e in events]
    assert names[0] == ("folder_started", Kind.CONTACTS)
    assert ("folder_done", Kind.CONTACTS) in names and names[-1] == ("folder_done", Kind.EVENTS)
    assert all(e.user == ALICE for e in events)
    assert any(e.event == "page_fetched" for e in events)

    [status_contacts, status_events] = engine.status(ALICE)
    assert status_contacts.kind is Kind.CONTACTS and status_contacts.last_success is not None
    assert status_contacts.last_run.exchange_created == 1
    assert status_contacts.last_run.app_created == 1
    assert status_contacts.last_error is None and status_contacts.consecutive_failures == 0
    assert status_events.last_success is not None

    # Changes and deletions, both ways.
    engine.report_upsert(ALICE, "crm-1", Contact(given_name="Ann", surname="Lee-Smith"), version="v2")
    sim.update_item(ALICE, dana_id, Contact(given_name="Dana", surname="Ruiz", company="Fabrikam"))
    reports = engine.sync(ALICE, Kind.CONTACTS)
    assert [r.kind for r in reports] == [Kind.CONTACTS]
    assert reports[0].updated == 1
    [ann] = tagged(sim, Kind.CONTACTS, "crm-1")
    assert ann.record.surname == "Lee-Smith"
    [dana_update] = engine.pending(ALICE)
    assert dana_update.app_id == dana.app_id and dana_update.record.company == "Fabrikam"
    assert engine.ack(ALICE, dana_update)

    engine.report_delete(ALICE, Kind.CONTACTS, "crm-1")
    sim.delete_item(ALICE, dana_id)
    reports = engine.sync(ALICE, Kind.CONTACTS)
    assert reports[0].deleted == 1
    assert tagged(sim, Kind.CONTACTS, "crm-1") == []
    [dana_gone] = engine.pending(ALICE)
    assert dana_gone.is_delete and dana_gone.app_id == dana.app_id
    assert engine.ack(ALICE, dana_gone)


def test_round_trip_of_events(connected, sim):
    engine = connected
    start = (datetime.now(UTC) + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    engine.report_upsert(ALICE, "meeting-1", Event(start=start, end=start + timedelta(hours=1), subject="Kick-off"))
    sim.create_item(ALICE, Event(start=start + timedelta(days=1), end=start + timedelta(days=1, hours=2),
                                 subject="Site visit", location="Plant 2"))
    reports = engine.sync(ALICE, Kind.EVENTS)
    assert (reports[0].kind, reports[0].created, reports[0].delivered) == (Kind.EVENTS, 1, 1)
    [kickoff] = tagged(sim, Kind.EVENTS, "meeting-1")
    assert kickoff.record.subject == "Kick-off" and kickoff.record.start == start
    [visit] = engine.pending(ALICE)
    assert visit.kind is Kind.EVENTS and visit.record.location == "Plant 2"
    assert engine.ack(ALICE, visit)


def test_the_outbox_and_setup_survive_reopening_the_store(tmp_path, validated_setup, sim, key):
    path = tmp_path / "state.sqlite"
    with exsync.Engine(path) as engine:
        validated_setup.save(engine, key)
        engine.enrol(ALICE)
        engine.report_upsert(ALICE, "crm-9", Contact(given_name="Kept"))
    with exsync.Engine(path) as engine:
        assert engine.users() == [ALICE]
        engine.connect(key)
        engine.sync(ALICE, Kind.CONTACTS)
    [kept] = tagged(sim, Kind.CONTACTS, "crm-9")
    assert kept.record.given_name == "Kept"


def test_sync_errors_are_typed(connected, saved_engine):
    with pytest.raises(exsync.StoreError) as e:
        connected.sync("bob@contoso.com")
    assert e.value.code == ErrorCode.NOT_ENROLLED
    assert e.value.reports == []
    with pytest.raises(exsync.SetupError) as e:
        connected.enrol("mallory@elsewhere.example")
    assert e.value.code == ErrorCode.ENROLMENT


def test_an_exception_in_the_callback_is_raised_after_the_sync(connected, sim):
    seen = []

    def fail(event):
        seen.append(event)
        raise KeyError("the application's handler failed")

    connected.set_progress(fail)
    connected.report_upsert(ALICE, "crm-1", Contact(given_name="Ann"))
    with pytest.raises(KeyError, match="handler failed"):
        connected.sync(ALICE)
    assert len(seen) == 1  # no more calls after the first exception
    # The sync itself went through.
    assert len(tagged(sim, Kind.CONTACTS, "crm-1")) == 1
    connected.set_progress(None)
    connected.sync(ALICE)
    assert len(seen) == 1


def test_the_callback_cannot_call_back_into_its_engine(connected):
    def reenter(event):
        connected.users()

    connected.set_progress(reenter)
    with pytest.raises(CallError) as e:
        connected.sync(ALICE)
    assert e.value.code == ErrorCode.WRONG_STATE

    def close_it(event):
        connected.close()

    connected.set_progress(close_it)
    with pytest.raises(CallError) as e:
        connected.sync(ALICE)
    assert e.value.code == ErrorCode.WRONG_STATE and "callback" in e.value.message
    assert not connected.closed
    assert connected.users() == [ALICE]


def test_closing_from_another_thread_waits_for_a_running_sync(connected, sim):
    in_sync = threading.Event()
    release = threading.Event()

    def hold(event):
        in_sync.set()
        release.wait(timeout=30)

    connected.set_progress(hold)
    outcome = []
    syncer = threading.Thread(target=lambda: outcome.append(connected.sync(ALICE, Kind.CONTACTS)))
    syncer.start()
    assert in_sync.wait(timeout=30)
    closer = threading.Thread(target=connected.close)
    closer.start()
    closer.join(timeout=0.3)
    assert closer.is_alive(), "close() did not wait for the sync"
    with pytest.raises(exsync.HandleClosedError):
        connected.users()
    release.set()
    syncer.join(timeout=30)
    closer.join(timeout=30)
    assert not syncer.is_alive() and not closer.is_alive()
    assert outcome and outcome[0][0].kind is Kind.CONTACTS
    assert connected.closed


def test_sync_over_tls_trusting_the_simulators_ca(key):
    from conftest import PASSWORD, fill_steps

    with exsync.Simulator(
        domains=["contoso.com"], service_account="svc@contoso.com", password=PASSWORD, mailboxes=[ALICE], tls=True
    ) as sim, exsync.Engine() as engine, exsync.Setup() as setup:
        fill_steps(setup, sim)
        setup.set_allow_http_loopback(False)
        setup.trust_ca_pem(sim.ca_certificate)
        assert setup.validate(), setup.validation_report()
        setup.save(engine, key)
        engine.connect(key)
        with pytest.raises(exsync.SetupError) as e:
            engine.enrol(ALICE)  # the impersonation check cannot trust the server's certificate
        assert e.value.code == ErrorCode.ENROLMENT and "certificate" in e.value.message
        engine.trust_ca_pem(sim.ca_certificate)
        engine.connect(key)
        engine.enrol(ALICE)
        engine.report_upsert(ALICE, "crm-tls", Contact(given_name="Tia"))
        [report] = engine.sync(ALICE, Kind.CONTACTS)
        assert report.created == 1
        assert [i.record.given_name for i in tagged(sim, Kind.CONTACTS, "crm-tls")] == ["Tia"]
