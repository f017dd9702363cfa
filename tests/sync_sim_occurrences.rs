//! Exceptions of recurring series both ways, through the engine and the EWS backend against the
//! simulator: the application cancels and moves occurrences (written with `OccurrenceItemId`s
//! after the master's update), Outlook moves one (delivered to the application), a restored
//! occurrence is refused as unsupported, and a sync at rest writes nothing.
#![cfg(all(feature = "sim", feature = "sqlite"))]

mod sync_sim;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use exsync::ews::{CalendarItem, FieldUri, Item, ItemId, ItemUpdate, PropertyPath};
use exsync::store::MemoryStore;
use exsync::sync::*;
use sync_sim::*;

/// A daily series of five one-hour meetings at 09:00 UTC from the day after [`t0`].
fn standup() -> Event {
    series("Standup")
}

/// [`standup`] under another subject.
fn series(subject: &str) -> Event {
    let start = t0() + Duration::days(1);
    Event {
        subject: Some(subject.into()),
        start,
        end: start + Duration::hours(1),
        time_zone: Some("UTC".into()),
        recurrence: Some(Recurrence {
            rule: RecurrenceRule::Daily { interval: 1 },
            starts_on: start.date_naive(),
            ends: RecurrenceEnd::Count(5),
            exceptions: vec![],
        }),
        ..Event::default()
    }
}

/// The start of occurrence `n` (1 for the first) of [`standup`].
fn nth(n: i64) -> DateTime<Utc> {
    standup().start + Duration::days(n - 1)
}

fn with_exceptions(mut e: Event, exceptions: Vec<OccurrenceException>) -> Record {
    e.recurrence.as_mut().unwrap().exceptions = exceptions;
    Record::from(e).normalized()
}

/// The exceptions the mailbox's only series has.
fn exchange_exceptions(sim: &Sim) -> Vec<OccurrenceException> {
    match &sim.records(ALICE, ObjectKind::Events)[..] {
        [Record::Event(e)] => e.recurrence.as_ref().unwrap().exceptions.clone(),
        other => panic!("{other:?}"),
    }
}

/// The exceptions of the mailbox's series called `subject`.
fn exceptions_of(sim: &Sim, subject: &str) -> Vec<OccurrenceException> {
    match sim.records(ALICE, ObjectKind::Events).into_iter().find(|r| name_of(r) == subject) {
        Some(Record::Event(e)) => e.recurrence.as_ref().unwrap().exceptions.clone(),
        other => panic!("{other:?}"),
    }
}

/// As Outlook: the occurrence `n` of the series `master` moved to `start` for `hours` hours.
fn outlook_move(sim: &Sim, master: &ItemId, n: i32, start: DateTime<Utc>, hours: i64) {
    let set = |uri: &str, edit: &dyn Fn(&mut CalendarItem)| {
        let mut e = CalendarItem::default();
        edit(&mut e);
        ItemUpdate::set(PropertyPath::Field(FieldUri::new(uri)), Item::CalendarItem(Box::new(e)))
    };
    let updates = [
        set("calendar:Start", &|e| e.start = Some(exsync::ews::EwsDateTime::utc(start))),
        set("calendar:End", &|e| e.end = Some(exsync::ews::EwsDateTime::utc(start + Duration::hours(hours)))),
    ];
    sim.server.side_door(ALICE, |door| door.change_occurrence(master, n, &updates)).unwrap();
}

struct Case {
    sim: Sim,
    engine: SyncEngine<Arc<MemoryStore>, exsync::backend::ews::EwsBackend>,
    app: App,
    u: UserId,
}

impl Case {
    async fn new() -> Case {
        Case::with_policy(ConflictPolicy::MostRecent).await
    }

    async fn with_policy(policy: ConflictPolicy) -> Case {
        let sim = Sim::start().await;
        let engine = sim.engine(Arc::new(MemoryStore::new()));
        let u = alice();
        engine.enrol(&u, &settings_for(ObjectKind::Events, |s| s.conflict_policy = policy)).unwrap();
        Case { sim, engine, app: App::default(), u }
    }

    async fn sync(&mut self) -> SyncReport {
        let r = self.engine.sync(&self.u, ObjectKind::Events).await.expect("the sync runs");
        self.app.apply(&self.engine, &self.u);
        r
    }

    fn put(&mut self, id: &AppId, record: Record) {
        let now = self.sim.now();
        self.app.put(&self.engine, &self.u, id, record, now);
    }

    fn assert_in_step(&self) {
        assert_eq!(self.sim.records(ALICE, ObjectKind::Events), self.app.records_of(ObjectKind::Events));
    }

    /// A sync at rest: nothing written, nothing delivered.
    async fn assert_at_rest(&mut self) {
        let writes = self.sim.writes();
        let r = self.sync().await;
        assert!(r.failures.is_empty(), "{:?}", r.failures);
        assert_eq!((r.created, r.updated, r.deleted, r.delivered), (0, 0, 0, 0), "{r:?}");
        assert_eq!(self.sim.writes(), writes, "a sync at rest writes");
    }
}

#[tokio::test]
async fn the_application_cancels_and_moves_occurrences() {
    let mut c = Case::new().await;
    let now = c.sim.now();
    let id = c.app.create(&c.engine, &c.u, Record::from(standup()), now);
    let r = c.sync().await;
    assert_eq!(r.created, 1, "{r:?}");
    c.assert_in_step();

    // The application cancels the 3rd occurrence.
    let cancelled = OccurrenceException::Cancelled { original_start: nth(3) };
    c.put(&id, with_exceptions(standup(), vec![cancelled]));
    let deletes = c.sim.calls("DeleteItem");
    let r = c.sync().await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_eq!(r.updated, 1, "{r:?}");
    assert_eq!(c.sim.calls("DeleteItem"), deletes + 1);
    assert_eq!(exchange_exceptions(&c.sim), vec![cancelled]);
    let master = ItemId::new(c.sim.id_of(ALICE, ObjectKind::Events, "Standup"));
    let gone = c.sim.server.with_mailbox(ALICE, |m| {
        m.item_by(&exsync::ews::BaseItemId::Occurrence(exsync::ews::OccurrenceItemId::new(master.id.clone(), 3)))
            .map(|_| ())
            .unwrap_err()
            .response_code()
    });
    assert_eq!(gone.unwrap().as_str(), "ErrorCalendarOccurrenceIsDeletedFromRecurrence");
    c.assert_in_step();
    c.assert_at_rest().await;

    // Then it moves the 2nd to the afternoon (and keeps the 3rd cancelled).
    let moved = OccurrenceException::Moved {
        original_start: nth(2),
        start: nth(2) + Duration::hours(6),
        end: nth(2) + Duration::hours(7),
    };
    c.put(&id, with_exceptions(standup(), vec![moved, cancelled]));
    let r = c.sync().await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_eq!(r.updated, 1, "{r:?}");
    assert_eq!(exchange_exceptions(&c.sim), vec![moved, cancelled]);
    c.assert_in_step();
    c.assert_at_rest().await;
}

#[tokio::test]
async fn exceptions_go_both_ways_in_one_sync() {
    let mut c = Case::new().await;
    let now = c.sim.now();
    let standup_id = c.app.create(&c.engine, &c.u, Record::from(standup()), now);
    c.app.create(&c.engine, &c.u, Record::from(series("Review")), now);
    assert_eq!(c.sync().await.created, 2);
    let review = ItemId::new(c.sim.id_of(ALICE, ObjectKind::Events, "Review"));

    // Outlook moves the 4th Review an hour later; the application cancels the 2nd Standup.
    outlook_move(&c.sim, &review, 4, nth(4) + Duration::hours(1), 1);
    let cancelled = OccurrenceException::Cancelled { original_start: nth(2) };
    c.put(&standup_id, with_exceptions(standup(), vec![cancelled]));

    let r = c.sync().await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_eq!((r.updated, r.delivered, r.conflicts.len()), (1, 1, 0), "{r:?}");
    assert_eq!(exceptions_of(&c.sim, "Standup"), vec![cancelled]);
    let moved = OccurrenceException::Moved {
        original_start: nth(4),
        start: nth(4) + Duration::hours(1),
        end: nth(4) + Duration::hours(2),
    };
    assert_eq!(exceptions_of(&c.sim, "Review"), vec![moved]);
    let received = c.app.records_of(ObjectKind::Events).into_iter().find(|r| name_of(r) == "Review").unwrap();
    assert_eq!(received, with_exceptions(series("Review"), vec![moved]));
    c.assert_in_step();
    c.assert_at_rest().await;
}

#[tokio::test]
async fn the_application_winning_a_conflict_moves_outlooks_occurrence_back() {
    let mut c = Case::with_policy(ConflictPolicy::AppWins).await;
    let now = c.sim.now();
    let id = c.app.create(&c.engine, &c.u, Record::from(standup()), now);
    c.sync().await;
    let master = ItemId::new(c.sim.id_of(ALICE, ObjectKind::Events, "Standup"));

    // Both change the same series: Outlook moves the 4th, the application cancels the 2nd.
    outlook_move(&c.sim, &master, 4, nth(4) + Duration::hours(3), 1);
    let cancelled = OccurrenceException::Cancelled { original_start: nth(2) };
    c.put(&id, with_exceptions(standup(), vec![cancelled]));
    let r = c.sync().await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_eq!(r.conflicts.len(), 1, "{r:?}");
    // The application's version is Exchange's now: the 4th is back at its time.
    assert_eq!(exchange_exceptions(&c.sim), vec![cancelled]);
    c.assert_in_step();
    c.assert_at_rest().await;
}

#[tokio::test]
async fn outlook_cancels_an_occurrence_and_the_application_receives_it() {
    let mut c = Case::new().await;
    let now = c.sim.now();
    c.app.create(&c.engine, &c.u, Record::from(standup()), now);
    c.sync().await;
    let master = ItemId::new(c.sim.id_of(ALICE, ObjectKind::Events, "Standup"));
    c.sim.server.side_door(ALICE, |door| door.delete_occurrence(&master, 5)).unwrap();
    let r = c.sync().await;
    assert_eq!(r.delivered, 1, "{r:?}");
    let expected = with_exceptions(standup(), vec![OccurrenceException::Cancelled { original_start: nth(5) }]);
    assert_eq!(c.app.records_of(ObjectKind::Events), vec![expected]);
    c.assert_in_step();
    c.assert_at_rest().await;
}

#[tokio::test]
async fn a_series_created_with_exceptions_gets_them() {
    let mut c = Case::new().await;
    let now = c.sim.now();
    let cancelled = OccurrenceException::Cancelled { original_start: nth(3) };
    let moved = OccurrenceException::Moved {
        original_start: nth(5),
        start: nth(5) - Duration::hours(2),
        end: nth(5) - Duration::hours(1),
    };
    c.app.create(&c.engine, &c.u, with_exceptions(standup(), vec![cancelled, moved]), now);
    let r = c.sync().await;
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert_eq!(r.created, 1, "{r:?}");
    assert_eq!(exchange_exceptions(&c.sim), vec![cancelled, moved]);
    c.assert_in_step();
    c.assert_at_rest().await;
}

#[tokio::test]
async fn a_restored_occurrence_is_unsupported() {
    let mut c = Case::new().await;
    let now = c.sim.now();
    let cancelled = OccurrenceException::Cancelled { original_start: nth(2) };
    let id = c.app.create(&c.engine, &c.u, Record::from(standup()), now);
    c.sync().await;
    c.put(&id, with_exceptions(standup(), vec![cancelled]));
    c.sync().await;
    assert_eq!(exchange_exceptions(&c.sim), vec![cancelled]);

    // The application brings the occurrence back: Exchange cannot.
    c.put(&id, Record::from(standup()));
    let writes = c.sim.writes();
    let r = c.sync().await;
    let text = format!("{:?}", r.failures);
    assert!(text.contains("restoring the occurrence"), "{text}");
    assert_eq!(c.sim.writes(), writes, "nothing is sent");
    assert_eq!(exchange_exceptions(&c.sim), vec![cancelled]);
}
