//! The sync engine over EWS against the simulator, scenario by scenario, for contacts and for
//! events: every direction, deletions propagated or not, every conflict policy, first-sync
//! matching, reset, the empty-side guard, a change key gone stale between reading and writing, a
//! forgotten sync state, a lost CreateItem answer, and throttling. Each asserts on what the
//! simulated mailbox holds (read from its store, not through EWS) and on what the application
//! received.
#![cfg(all(feature = "sim", feature = "sqlite"))]

mod gated_store;
mod sync_sim;

mod hooked_backend;

use std::sync::Arc;
use std::time::Duration;

use exsync::backend::ews::EwsBackend;
use exsync::backend::*;
use exsync::sim::Fault;
use exsync::store::*;
use exsync::sync::*;
use gated_store::{Gate, GatedStore};
use hooked_backend::{Call, Hooked};
use sync_sim::*;

/// A record of `kind` called `name` (events: on day `i` after the start, at 10:00).
fn sample(kind: ObjectKind, name: &str, i: i64) -> Record {
    match kind {
        ObjectKind::Contacts => person(name, "Lee", &format!("{}@fabrikam.com", name.to_lowercase())),
        ObjectKind::Events => meeting(name, i + 1, 10),
    }
}

/// `record` with a detail changed that matching does not look at (job title, location).
fn touched(record: &Record, detail: &str) -> Record {
    match record {
        Record::Contact(c) => Record::from(Contact { job_title: Some(detail.into()), ..(**c).clone() }),
        Record::Event(e) => Record::from(Event { location: Some(detail.into()), ..(**e).clone() }),
    }
}

/// That detail.
fn detail(record: &Record) -> Option<String> {
    match record {
        Record::Contact(c) => c.job_title.clone(),
        Record::Event(e) => e.location.clone(),
    }
}

/// One user, one kind, the engine over EWS and the application's side.
struct Case<B: MailboxBackend = EwsBackend> {
    sim: Sim,
    engine: SyncEngine<Arc<MemoryStore>, B>,
    app: App,
    u: UserId,
    kind: ObjectKind,
}

impl Case {
    async fn new(kind: ObjectKind, edit: impl FnOnce(&mut SyncSettings)) -> Case {
        let sim = Sim::start().await;
        let engine = sim.engine(Arc::new(MemoryStore::new()));
        Case::with(sim, engine, kind, edit)
    }
}

impl<B: MailboxBackend> Case<B> {
    fn with(
        sim: Sim,
        engine: SyncEngine<Arc<MemoryStore>, B>,
        kind: ObjectKind,
        edit: impl FnOnce(&mut SyncSettings),
    ) -> Self {
        let u = alice();
        engine.enrol(&u, &settings_for(kind, edit)).unwrap();
        Case { sim, engine, app: App::default(), u, kind }
    }

    /// Syncs, then the application applies what it received.
    async fn sync(&mut self) -> SyncReport {
        let r = self.engine.sync(&self.u, self.kind).await.expect("the sync runs");
        assert!(r.failures.is_empty(), "{:?}", r.failures);
        self.app.apply(&self.engine, &self.u);
        r
    }

    fn app_create(&mut self, name: &str, i: i64) -> AppId {
        let now = self.sim.now();
        self.app.create(&self.engine, &self.u, sample(self.kind, name, i), now)
    }

    fn app_put(&mut self, id: &AppId, record: Record) {
        let now = self.sim.now();
        self.app.put(&self.engine, &self.u, id, record, now);
    }

    fn app_delete(&mut self, id: &AppId) {
        let now = self.sim.now();
        self.app.delete(&self.engine, &self.u, self.kind, id, now);
    }

    fn outlook_create(&self, name: &str, i: i64) -> String {
        self.sim.outlook_create(ALICE, &sample(self.kind, name, i)).id
    }

    fn outlook_put(&self, name: &str, record: &Record) {
        let id = self.sim.id_of(ALICE, self.kind, name);
        self.sim.outlook_edit(ALICE, &id, record);
    }

    fn outlook_delete(&self, name: &str) {
        let id = self.sim.id_of(ALICE, self.kind, name);
        self.sim.outlook_delete(ALICE, &id);
    }

    /// The names in the mailbox.
    fn exchange(&self) -> Vec<String> {
        self.sim.names(ALICE, self.kind)
    }

    /// The names in the application.
    fn application(&self) -> Vec<String> {
        self.app.names(self.kind)
    }

    /// The mailbox's record called `name`.
    fn exchange_record(&self, name: &str) -> Record {
        self.sim.records(ALICE, self.kind).into_iter().find(|r| name_of(r) == name).expect("in the mailbox")
    }

    /// The application's record called `name`.
    fn app_record(&self, name: &str) -> Record {
        self.app.records_of(self.kind).into_iter().find(|r| name_of(r) == name).expect("in the application")
    }

    fn links(&self) -> usize {
        self.engine.store().mappings(&self.u, self.kind).unwrap().len()
    }

    /// Both sides hold the same records, each linked once.
    fn assert_in_step(&self) {
        assert_eq!(self.sim.records(ALICE, self.kind), self.app.records_of(self.kind), "the two sides differ");
        assert_eq!(self.links(), self.app.records_of(self.kind).len(), "links");
        let tags: Vec<_> = self.sim.items(ALICE, self.kind).into_iter().filter_map(|(_, _, t)| t).collect();
        let mut unique = tags.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), tags.len(), "a tag on two items: {tags:?}");
    }
}

macro_rules! for_both_kinds {
    ($($name:ident),* $(,)?) => {
        mod contacts {
            $( #[tokio::test] async fn $name() { super::$name(exsync::sync::ObjectKind::Contacts).await } )*
        }
        mod events {
            $( #[tokio::test] async fn $name() { super::$name(exsync::sync::ObjectKind::Events).await } )*
        }
    };
}

for_both_kinds!(
    direction_none_moves_nothing,
    exchange_to_app_delivers_and_sends_nothing,
    app_to_exchange_writes_and_delivers_nothing,
    both_ways_carry_creates_edits_and_deletes,
    without_delete_propagation_records_are_unlinked,
    app_wins_a_conflict,
    exchange_wins_a_conflict,
    the_most_recent_change_wins,
    the_host_decides_with_a_merge,
    the_first_sync_matches_instead_of_duplicating,
    reset_rebuilds_the_links_touching_nothing,
    the_empty_side_guard_stops_mass_deletion,
    a_change_key_gone_stale_applies_the_policy,
    a_forgotten_sync_state_resyncs_without_duplicates,
    a_lost_create_answer_is_found_by_its_tag,
    throttling_and_busy_gateways_are_ridden_out,
);

// ------------------------------------------------------------------------------- directions

async fn direction_none_moves_nothing(kind: ObjectKind) {
    let mut c = Case::new(kind, |s| s.direction = Direction::None).await;
    c.app_create("Ann", 0);
    c.outlook_create("Raj", 1);
    let r = c.sync().await;
    assert_eq!((r.listed, r.created, r.delivered), (0, 0, 0), "{r:?}");
    assert_eq!(c.exchange(), vec!["Raj"]);
    assert_eq!(c.application(), vec!["Ann"]);
    assert_eq!((c.sim.calls("SyncFolderItems"), c.sim.writes()), (0, 0), "Exchange was not asked");
}

async fn exchange_to_app_delivers_and_sends_nothing(kind: ObjectKind) {
    let mut c = Case::new(kind, |s| s.direction = Direction::ExchangeToApp).await;
    let ann = c.app_create("Ann", 0);
    c.outlook_create("Raj", 1);
    let r = c.sync().await;
    assert_eq!((r.created, r.delivered), (0, 1), "{r:?}");
    assert!(r.skipped.iter().any(|s| s.subject == Subject::App(ann.clone()) && s.reason == SkipReason::Direction));
    assert_eq!(c.exchange(), vec!["Raj"]);
    assert_eq!(c.application(), vec!["Ann", "Raj"]);

    // Outlook's edit arrives; the application's edit of the same record does not go out.
    let edited = touched(&c.exchange_record("Raj"), "from Outlook");
    c.outlook_put("Raj", &edited);
    c.sync().await;
    assert_eq!(c.app_record("Raj"), edited);
    let raj = c.app.id_of("Raj");
    c.app_put(&raj, touched(&edited, "from the app"));
    let r = c.sync().await;
    assert_eq!(r.updated, 0);
    assert_eq!(detail(&c.exchange_record("Raj")).as_deref(), Some("from Outlook"));

    // Outlook's deletion arrives.
    c.outlook_delete("Raj");
    c.sync().await;
    assert_eq!(c.application(), vec!["Ann"]);
    assert_eq!(c.sim.writes(), 0, "nothing was written to Exchange");
}

async fn app_to_exchange_writes_and_delivers_nothing(kind: ObjectKind) {
    let mut c = Case::new(kind, |s| s.direction = Direction::AppToExchange).await;
    let ann = c.app_create("Ann", 0);
    c.outlook_create("Raj", 1);
    let r = c.sync().await;
    assert_eq!((r.created, r.delivered), (1, 0), "{r:?}");
    assert_eq!(c.exchange(), vec!["Ann", "Raj"]);
    assert_eq!(c.application(), vec!["Ann"]);
    assert!(c.engine.pending(&c.u, 10).unwrap().is_empty(), "the inbox stays empty");

    // Outlook's edit is not delivered; the application's next edit overwrites it.
    c.outlook_put("Ann", &touched(&sample(kind, "Ann", 0), "from Outlook"));
    let r = c.sync().await;
    assert_eq!(r.delivered, 0);
    let mine = touched(&sample(kind, "Ann", 0), "from the app");
    c.app_put(&ann, mine.clone());
    let r = c.sync().await;
    assert_eq!(r.updated, 1, "{r:?}");
    assert_eq!(c.exchange_record("Ann"), mine);

    // The application's deletion goes out; Outlook's does not come in.
    c.app_delete(&ann);
    c.outlook_delete("Raj");
    let r = c.sync().await;
    assert_eq!((r.deleted, r.delivered), (1, 0), "{r:?}");
    assert!(c.exchange().is_empty());
    assert!(c.application().is_empty());
}

async fn both_ways_carry_creates_edits_and_deletes(kind: ObjectKind) {
    let mut c = Case::new(kind, |_| {}).await;
    let ann = c.app_create("Ann", 0);
    c.app_create("Bea", 1);
    c.outlook_create("Raj", 2);
    c.outlook_create("Sam", 3);
    let r = c.sync().await;
    assert_eq!((r.created, r.delivered), (2, 2), "{r:?}");
    c.assert_in_step();

    // Edits both ways (different records).
    c.app_put(&ann, touched(&sample(kind, "Ann", 0), "edited in the app"));
    c.outlook_put("Raj", &touched(&sample(kind, "Raj", 2), "edited in Outlook"));
    let r = c.sync().await;
    assert_eq!((r.updated, r.delivered, r.conflicts.len()), (1, 1, 0), "{r:?}");
    c.assert_in_step();
    assert_eq!(detail(&c.exchange_record("Ann")).as_deref(), Some("edited in the app"));
    assert_eq!(detail(&c.app_record("Raj")).as_deref(), Some("edited in Outlook"));

    // Deletions both ways.
    c.app_delete(&ann);
    c.outlook_delete("Sam");
    let r = c.sync().await;
    assert_eq!((r.deleted, r.delivered), (1, 1), "{r:?}");
    assert_eq!(c.exchange(), vec!["Bea", "Raj"]);
    c.assert_in_step();

    // At rest: another sync writes and delivers nothing.
    let writes = c.sim.writes();
    let r = c.sync().await;
    assert_eq!((r.created, r.updated, r.deleted, r.delivered), (0, 0, 0, 0), "{r:?}");
    assert_eq!(c.sim.writes(), writes);
}

async fn without_delete_propagation_records_are_unlinked(kind: ObjectKind) {
    let mut c = Case::new(kind, |s| s.propagate_deletes = false).await;
    let ann = c.app_create("Ann", 0);
    c.outlook_create("Raj", 1);
    c.sync().await;
    assert_eq!(c.links(), 2);

    c.app_delete(&ann);
    c.outlook_delete("Raj");
    let r = c.sync().await;
    assert_eq!((r.deleted, r.delivered), (0, 0), "{r:?}");
    assert_eq!(c.exchange(), vec!["Ann"], "the application's deletion stays in the application");
    assert_eq!(c.application(), vec!["Raj"], "Outlook's deletion stays in Outlook");
    assert_eq!(c.links(), 0);

    // The surviving item comes back as a new record once it changes again.
    c.outlook_put("Ann", &touched(&sample(kind, "Ann", 0), "changed again"));
    let r = c.sync().await;
    assert_eq!(r.delivered, 1, "{r:?}");
    assert_eq!(c.application(), vec!["Ann", "Raj"]);
    // The item carries exsync's tag: it comes back under the id the application gave it.
    assert_eq!(c.app.id_of("Ann"), ann);
    assert_eq!(c.links(), 1);
    assert_eq!(c.sim.calls("DeleteItem"), 0);
}

// -------------------------------------------------------------------------------- conflicts

/// Ann linked on both sides, then edited in the application and (later) in Outlook.
async fn conflict(kind: ObjectKind, policy: ConflictPolicy, app_last: bool) -> Case {
    let mut c = Case::new(kind, |s| s.conflict_policy = policy).await;
    let ann = c.app_create("Ann", 0);
    c.sync().await;
    let base = sample(kind, "Ann", 0);
    if app_last {
        c.outlook_put("Ann", &touched(&base, "Outlook"));
        c.app_put(&ann, touched(&base, "app"));
    } else {
        c.app_put(&ann, touched(&base, "app"));
        c.outlook_put("Ann", &touched(&base, "Outlook"));
    }
    c
}

async fn app_wins_a_conflict(kind: ObjectKind) {
    let mut c = conflict(kind, ConflictPolicy::AppWins, false).await;
    let r = c.sync().await;
    assert_eq!(r.conflicts.len(), 1, "{r:?}");
    assert_eq!(r.conflicts[0].resolution, Resolution::KeepApp);
    assert_eq!(detail(&c.exchange_record("Ann")).as_deref(), Some("app"));
    assert_eq!(detail(&c.app_record("Ann")).as_deref(), Some("app"));
    c.assert_in_step();
}

async fn exchange_wins_a_conflict(kind: ObjectKind) {
    let mut c = conflict(kind, ConflictPolicy::ExchangeWins, true).await;
    let r = c.sync().await;
    assert_eq!(r.conflicts[0].resolution, Resolution::KeepExchange, "{r:?}");
    assert_eq!(detail(&c.app_record("Ann")).as_deref(), Some("Outlook"));
    assert_eq!(detail(&c.exchange_record("Ann")).as_deref(), Some("Outlook"));
    assert_eq!(c.sim.calls("UpdateItem"), 0);
    c.assert_in_step();
}

async fn the_most_recent_change_wins(kind: ObjectKind) {
    for app_last in [true, false] {
        let mut c = conflict(kind, ConflictPolicy::MostRecent, app_last).await;
        let r = c.sync().await;
        let (winner, resolution) =
            if app_last { ("app", Resolution::KeepApp) } else { ("Outlook", Resolution::KeepExchange) };
        assert_eq!(r.conflicts[0].resolution, resolution, "{r:?}");
        assert_eq!(detail(&c.exchange_record("Ann")).as_deref(), Some(winner));
        c.assert_in_step();
    }
}

async fn the_host_decides_with_a_merge(kind: ObjectKind) {
    let sim = Sim::start().await;
    let merge = |x: &Conflict<'_>| -> Resolution {
        let (Some(app), Some(ex)) = (x.app, x.exchange) else { return Resolution::KeepExchange };
        Resolution::Use(touched(app, &format!("{} + {}", detail(app).unwrap(), detail(ex).unwrap())))
    };
    let engine = sim.engine(Arc::new(MemoryStore::new())).with_resolver(merge);
    let mut c = Case::with(sim, engine, kind, |s| s.conflict_policy = ConflictPolicy::HostDecides);
    let ann = c.app_create("Ann", 0);
    c.sync().await;
    let base = sample(kind, "Ann", 0);
    c.app_put(&ann, touched(&base, "app"));
    c.outlook_put("Ann", &touched(&base, "Outlook"));
    let r = c.sync().await;
    assert!(matches!(r.conflicts[0].resolution, Resolution::Use(_)), "{r:?}");
    assert_eq!(detail(&c.exchange_record("Ann")).as_deref(), Some("app + Outlook"));
    assert_eq!(detail(&c.app_record("Ann")).as_deref(), Some("app + Outlook"));
    c.assert_in_step();

    // Without a resolver the sync stops and changes nothing.
    let sim = Sim::start().await;
    let engine = sim.engine(Arc::new(MemoryStore::new()));
    let mut c = Case::with(sim, engine, kind, |s| s.conflict_policy = ConflictPolicy::HostDecides);
    let ann = c.app_create("Ann", 0);
    c.sync().await;
    c.app_put(&ann, touched(&base, "app"));
    c.outlook_put("Ann", &touched(&base, "Outlook"));
    let writes = c.sim.writes();
    let e = c.engine.sync(&c.u, kind).await.unwrap_err();
    assert!(matches!(e, SyncError::Plan(PlanError::NoResolver { .. })), "{e}");
    assert_eq!(c.sim.writes(), writes);
}

// --------------------------------------------------------------------- matching and reset

async fn the_first_sync_matches_instead_of_duplicating(kind: ObjectKind) {
    let mut c = Case::new(kind, |_| {}).await;
    c.outlook_create("Ann", 0);
    c.outlook_create("Bea", 1);
    c.outlook_create("Raj", 2);
    // The application already holds Ann as she is, Bea with another detail, and Zoe.
    c.app_create("Ann", 0);
    let bea = c.app_create("Bea", 1);
    c.app_put(&bea, touched(&sample(kind, "Bea", 1), "app's detail"));
    c.app_create("Zoe", 3);
    let r = c.sync().await;
    assert_eq!(r.matched, 2, "{r:?}");
    assert_eq!((r.created, r.delivered), (1, 1), "Zoe created, Raj delivered: {r:?}");
    assert_eq!(c.exchange(), vec!["Ann", "Bea", "Raj", "Zoe"]);
    assert_eq!(c.application(), vec!["Ann", "Bea", "Raj", "Zoe"]);
    // Bea differed: decided as a conflict (the application changed last).
    assert_eq!(detail(&c.exchange_record("Bea")).as_deref(), Some("app's detail"));
    c.assert_in_step();
    assert_eq!(c.sim.calls("CreateItem"), 1);
}

async fn reset_rebuilds_the_links_touching_nothing(kind: ObjectKind) {
    let mut c = Case::new(kind, |_| {}).await;
    c.app_create("Ann", 0);
    c.app_create("Bea", 1);
    c.outlook_create("Raj", 2);
    c.sync().await;
    c.assert_in_step();
    let writes = c.sim.writes();

    // The application reports every record it holds, then resets.
    let all: Vec<(AppId, Record)> = c.app.records.iter().map(|(i, r)| (i.clone(), r.clone())).collect();
    for (id, record) in all {
        c.app_put(&id, record);
    }
    let r = c.engine.reset(&c.u, kind).await.unwrap();
    assert_eq!((r.mode, r.matched), (PlanMode::Rebuild, 3), "{r:?}");
    assert_eq!(c.links(), 3);
    assert_eq!(c.sim.writes(), writes, "a reset writes nothing");
    assert!(c.engine.pending(&c.u, 10).unwrap().is_empty(), "and delivers nothing");
    let r = c.sync().await;
    assert_eq!((r.created, r.updated, r.deleted, r.delivered), (0, 0, 0, 0), "{r:?}");
    c.assert_in_step();
}

async fn the_empty_side_guard_stops_mass_deletion(kind: ObjectKind) {
    let mut c = Case::new(kind, |_| {}).await;
    let names = ["Ann", "Bea", "Cal", "Dan", "Eve"];
    for (i, n) in names.iter().enumerate() {
        c.outlook_create(n, i as i64);
    }
    c.sync().await;
    assert_eq!(c.links(), 5);

    // Outlook's folder emptied: the engine stops and reports.
    for n in names {
        c.outlook_delete(n);
    }
    let e = c.engine.sync(&c.u, kind).await.unwrap_err();
    assert!(matches!(e, SyncError::Plan(PlanError::EmptySide { side: "Exchange", linked: 5, .. })), "{e}");
    assert!(c.engine.pending(&c.u, 10).unwrap().is_empty(), "no deletion delivered");
    assert_eq!(c.application().len(), 5);
    // Confirmed by the host: the deletions go through.
    c.engine.sync_forced(&c.u, kind).await.unwrap();
    assert_eq!(c.app.apply(&c.engine, &c.u), 5);
    assert!(c.application().is_empty());

    // The application's side emptied: Exchange is left alone.
    let mut c = Case::new(kind, |_| {}).await;
    let ids: Vec<AppId> = names.iter().enumerate().map(|(i, n)| c.app_create(n, i as i64)).collect();
    c.sync().await;
    for id in &ids {
        c.app_delete(id);
    }
    let e = c.engine.sync(&c.u, kind).await.unwrap_err();
    assert!(matches!(e, SyncError::Plan(PlanError::EmptySide { side: "the application", .. })), "{e}");
    assert_eq!(c.exchange().len(), 5);
    assert_eq!(c.sim.calls("DeleteItem"), 0);
}

// ------------------------------------------------------------------------ faults mid-sync

/// An edit the user makes in Outlook right before exsync's next update reaches Exchange.
type PendingEdit = Arc<std::sync::Mutex<Option<Box<dyn FnOnce() + Send>>>>;

/// A backend that runs `edit` (once) before its next update: the update then names a change key
/// that is no longer the item's.
fn edit_before_update(inner: EwsBackend, edit: PendingEdit) -> Hooked<EwsBackend> {
    Hooked::new(inner, move |call, _, _| {
        if call == Call::Update {
            let edit = edit.lock().unwrap().take();
            if let Some(edit) = edit {
                edit();
            }
        }
    })
}

async fn a_change_key_gone_stale_applies_the_policy(kind: ObjectKind) {
    for policy in [ConflictPolicy::AppWins, ConflictPolicy::ExchangeWins, ConflictPolicy::MostRecent] {
        let sim = Sim::start().await;
        let edit = PendingEdit::default();
        let backend = edit_before_update(sim.backend.clone(), edit.clone());
        let clock = sim.clock.clone();
        let engine =
            SyncEngine::new(Arc::new(MemoryStore::new()), backend).with_clock(move || exsync::sim::Clock::now(&clock));
        let mut c = Case::with(sim, engine, kind, |s| s.conflict_policy = policy);
        let ann = c.app_create("Ann", 0);
        c.sync().await;
        let base = sample(kind, "Ann", 0);
        c.app_put(&ann, touched(&base, "app"));
        // Outlook's edit lands after the listing, before the update (so, later than the app's).
        let (server, id, edited) = (c.sim.server.clone(), c.sim.id_of(ALICE, kind, "Ann"), touched(&base, "Outlook"));
        *edit.lock().unwrap() = Some(Box::new(move || {
            outlook_edit(&server, ALICE, &id, &edited);
        }));
        let r = c.sync().await;
        assert_eq!(r.conflicts.len(), 1, "{policy:?}: {r:?}");
        let winner = match policy {
            ConflictPolicy::AppWins => "app",
            _ => "Outlook",
        };
        assert_eq!(detail(&c.exchange_record("Ann")).as_deref(), Some(winner), "{policy:?}");
        // The update was refused for its change key, the item read again, and only the
        // application's win written once more.
        let updates = if policy == ConflictPolicy::AppWins { 2 } else { 1 };
        assert_eq!(c.sim.calls("UpdateItem"), updates, "{policy:?}");
        c.assert_in_step();
    }
}

async fn a_forgotten_sync_state_resyncs_without_duplicates(kind: ObjectKind) {
    let mut c = Case::new(kind, |_| {}).await;
    c.app_create("Ann", 0);
    c.app_create("Bea", 1);
    c.outlook_create("Raj", 2);
    c.sync().await;
    c.assert_in_step();
    let creates = c.sim.calls("CreateItem");

    // Exchange forgets the sync state (a mailbox move); meanwhile Outlook edits one item and
    // deletes another.
    c.outlook_put("Raj", &touched(&sample(kind, "Raj", 2), "moved mailbox"));
    c.outlook_delete("Bea");
    c.sim.server.faults().inject(Fault::invalid_sync_state());
    let r = c.sync().await;
    assert_eq!(r.mode, PlanMode::Full, "{r:?}");
    assert_eq!(c.sim.calls("CreateItem"), creates, "nothing created again");
    assert_eq!(c.exchange(), vec!["Ann", "Raj"]);
    assert_eq!(detail(&c.app_record("Raj")).as_deref(), Some("moved mailbox"));
    c.assert_in_step();
    let r = c.sync().await;
    assert_eq!(r.mode, PlanMode::Incremental, "the new state is kept");
}

async fn a_lost_create_answer_is_found_by_its_tag(kind: ObjectKind) {
    let mut c = Case::new(kind, |_| {}).await;
    let ann = c.app_create("Ann", 0);
    c.sim.server.faults().inject(Fault::lose_response().on_operation("CreateItem"));
    let r = c.sync().await;
    assert_eq!((r.created, r.recovered), (1, 1), "{r:?}");
    assert_eq!(c.sim.calls("CreateItem"), 1, "never created again");
    assert_eq!(c.sim.calls("FindItem"), 1);
    let items = c.sim.items(ALICE, kind);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].2.as_ref(), Some(&ann));
    c.assert_in_step();

    // The process died with the answer lost: a new engine on the same store finds it too.
    let ann2 = c.app_create("Bea", 1);
    c.sim.server.faults().inject(Fault::lose_response().on_operation("CreateItem"));
    let e = c.engine.sync(&c.u, kind).await.unwrap();
    assert_eq!(e.recovered, 1);
    c.app.apply(&c.engine, &c.u);
    assert_eq!(c.exchange(), vec!["Ann", "Bea"]);
    assert!(c.sim.items(ALICE, kind).iter().any(|(_, _, t)| t.as_ref() == Some(&ann2)));
    c.assert_in_step();
}

async fn throttling_and_busy_gateways_are_ridden_out(kind: ObjectKind) {
    let mut c = Case::new(kind, |_| {}).await;
    let ann = c.app_create("Ann", 0);
    c.outlook_create("Raj", 1);
    let faults = c.sim.server.faults();
    let busy = Duration::from_millis(3);
    faults.inject(Fault::server_busy(busy).on_operation("SyncFolderItems").times(2));
    faults.inject(Fault::http_status(503, None).on_operation("GetItem").times(2));
    faults.inject(Fault::server_busy(busy).on_operation("CreateItem").times(1));
    faults.inject(Fault::http_status(503, None).on_operation("CreateItem").times(1));
    let r = c.sync().await;
    assert_eq!((r.created, r.delivered), (1, 1), "{r:?}");
    c.app_put(&ann, touched(&sample(kind, "Ann", 0), "edited"));
    faults.inject(Fault::http_status(503, None).on_operation("UpdateItem").times(2));
    let r = c.sync().await;
    assert_eq!(r.updated, 1, "{r:?}");
    assert_eq!(c.sim.server.counters().faults_injected, 8);
    assert_eq!(c.exchange(), vec!["Ann", "Raj"], "no duplicate from a refused attempt");
    c.assert_in_step();

    // Throttled past the budget: the sync fails, nothing is committed, the next one catches up.
    let every = faults.inject(Fault::server_busy(Duration::from_millis(1)).on_operation("SyncFolderItems").always());
    c.outlook_put("Raj", &touched(&sample(kind, "Raj", 1), "later"));
    let e = c.engine.sync(&c.u, kind).await.unwrap_err();
    assert!(matches!(e, SyncError::Listing { source: BackendError::Transient { .. }, .. }), "{e}");
    faults.remove(every);
    c.sync().await;
    assert_eq!(detail(&c.app_record("Raj")).as_deref(), Some("later"));
    c.assert_in_step();
}

#[tokio::test]
async fn events_outside_the_window_stay_where_they_are() {
    let mut c = Case::new(ObjectKind::Events, |_| {}).await;
    c.outlook_create("Old", -60);
    c.outlook_create("Far", 400);
    c.outlook_create("Soon", 5);
    let now = c.sim.now();
    let far = c.app.create(&c.engine, &c.u, meeting("Later", 500, 9), now);
    let r = c.sync().await;
    assert_eq!((r.created, r.delivered), (0, 1), "{r:?}");
    assert_eq!(r.skipped.iter().filter(|s| s.reason == SkipReason::OutOfWindow).count(), 3, "{r:?}");
    assert_eq!(c.application(), vec!["Later", "Soon"]);
    assert_eq!(c.exchange(), vec!["Far", "Old", "Soon"]);
    assert!(c.app.records.contains_key(&far));
}

/// A backend whose process dies with its first create: Exchange makes the item, the answer and
/// everything after it are lost.
struct DiesOnCreate {
    inner: EwsBackend,
    dead: Arc<std::sync::atomic::AtomicBool>,
}

fn dead_check(dead: &std::sync::atomic::AtomicBool, u: &UserId) -> Result<(), BackendError> {
    if dead.load(std::sync::atomic::Ordering::SeqCst) {
        Err(BackendError::Transient {
            user: u.clone(),
            operation: "any",
            detail: "the process is dead".into(),
            code: None,
        })
    } else {
        Ok(())
    }
}

impl MailboxBackend for DiesOnCreate {
    async fn list_changes(
        &self,
        u: &UserId,
        s: &FolderScope,
        c: Option<&Cursor>,
        m: usize,
    ) -> Result<ChangePage, BackendError> {
        dead_check(&self.dead, u)?;
        self.inner.list_changes(u, s, c, m).await
    }
    async fn read(
        &self,
        u: &UserId,
        s: &FolderScope,
        ids: &[String],
    ) -> Result<Vec<ItemResult<RemoteItem>>, BackendError> {
        dead_check(&self.dead, u)?;
        self.inner.read(u, s, ids).await
    }
    async fn create(
        &self,
        u: &UserId,
        s: &FolderScope,
        n: &[NewItem],
    ) -> Result<Vec<ItemResult<RemoteId>>, BackendError> {
        dead_check(&self.dead, u)?;
        let _ = self.inner.create(u, s, n).await;
        self.dead.store(true, std::sync::atomic::Ordering::SeqCst);
        Err(BackendError::Ambiguous { user: u.clone(), operation: "create", detail: "the process died".into() })
    }
    async fn update(
        &self,
        u: &UserId,
        s: &FolderScope,
        c: &[ItemChange],
    ) -> Result<Vec<ItemResult<RemoteId>>, BackendError> {
        dead_check(&self.dead, u)?;
        self.inner.update(u, s, c).await
    }
    async fn delete(&self, u: &UserId, s: &FolderScope, ids: &[RemoteId]) -> Result<Vec<ItemResult<()>>, BackendError> {
        dead_check(&self.dead, u)?;
        self.inner.delete(u, s, ids).await
    }
    async fn find_by_tag(&self, u: &UserId, s: &FolderScope, t: &AppId) -> Result<Vec<RemoteItem>, BackendError> {
        dead_check(&self.dead, u)?;
        self.inner.find_by_tag(u, s, t).await
    }
}

/// A store of a process that dies before its commit once `dead` is set.
struct DeadFlag(Arc<std::sync::atomic::AtomicBool>);

impl Gate for DeadFlag {
    fn may_commit(&self) -> bool {
        !self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
    fn may_record(&self) -> bool {
        true
    }
}

/// Outlook deleted a linked item, the application's edit of it won and exsync recreated it, but
/// the process died with the CreateItem answer: the next process links the tagged item instead of
/// creating the record a second time.
#[tokio::test]
async fn a_recreate_lost_with_its_process_is_linked_not_repeated() {
    for kind in [ObjectKind::Contacts, ObjectKind::Events] {
        let mut c = Case::new(kind, |_| {}).await;
        let ann = c.app_create("Ann", 0);
        c.sync().await;
        c.outlook_delete("Ann");
        c.app_put(&ann, touched(&sample(kind, "Ann", 0), "edited"));

        let dead: Arc<std::sync::atomic::AtomicBool> = Arc::default();
        let dying = DiesOnCreate { inner: c.sim.backend.clone(), dead: dead.clone() };
        let store = GatedStore { inner: c.engine.store().clone(), gate: DeadFlag(dead) };
        let clock = c.sim.clock.clone();
        let doomed = SyncEngine::new(store, dying).with_clock(move || exsync::sim::Clock::now(&clock));
        assert!(doomed.sync(&c.u, kind).await.is_err(), "nothing committed");
        assert_eq!(c.sim.calls("CreateItem"), 2);
        assert_eq!(c.sim.items(ALICE, kind).len(), 1, "the recreate reached Exchange");

        let creates = c.sim.calls("CreateItem");
        let r = c.sync().await;
        assert_eq!((r.created, r.delivered), (0, 0), "{r:?}");
        assert_eq!(c.sim.calls("CreateItem"), creates, "not created again");
        assert_eq!(c.application(), vec!["Ann"]);
        assert_eq!(detail(&c.exchange_record("Ann")).as_deref(), Some("edited"));
        c.assert_in_step();
    }
}

/// The round after a create (which lists exsync's own items and moves the cursor past them) fails;
/// the user deletes the new item before exsync lists again. Exchange reports nothing for an item
/// made and removed since a cursor, so the engine reads the item it never saw listed, finds it
/// gone, and delivers the deletion.
#[tokio::test]
async fn a_new_item_deleted_before_it_was_listed_is_not_forgotten() {
    for kind in [ObjectKind::Contacts, ObjectKind::Events] {
        let mut c = Case::new(kind, |_| {}).await;
        c.app_create("Ann", 0);
        c.app_create("Bea", 1);
        // The follow-up round's listing fails: the simulator turns busy once the creates are done.
        let server = c.sim.server.clone();
        let clock = c.sim.clock.clone();
        let failing = SyncEngine::new(c.engine.store().clone(), c.sim.backend.clone())
            .with_clock(move || exsync::sim::Clock::now(&clock))
            .with_progress(move |p: &SyncProgress| {
                if matches!(p, SyncProgress::ItemsProcessed { done: 2, total: Some(2), .. }) {
                    server.faults().inject(Fault::http_status(503, None).on_operation("SyncFolderItems").times(6));
                }
            });
        let e = failing.sync(&c.u, kind).await.unwrap_err();
        assert!(matches!(e, SyncError::Listing { .. }), "{e}");
        assert_eq!(c.exchange(), vec!["Ann", "Bea"], "created in the first round");
        c.outlook_delete("Ann");
        let reads = c.sim.calls("GetItem");
        let r = c.sync().await;
        assert_eq!(r.delivered, 1, "{r:?}");
        assert_eq!(c.sim.calls("GetItem") - reads, 1, "Bea listed as written (not read again), Ann read");
        assert_eq!(c.application(), vec!["Bea"]);
        c.assert_in_step();
        // Confirmed: the next sync reads nothing more.
        let reads = c.sim.calls("GetItem");
        c.sync().await;
        assert_eq!(c.sim.calls("GetItem"), reads);
    }
}
