//! A state-machine property test of the engine over EWS against the simulator: random edits on
//! both sides (the application's, and Outlook's through the side door), random faults injected by
//! the simulator (a response lost after the change was made, ErrorServerBusy, HTTP 503, a
//! forgotten sync state), and the process killed at random points (before its first write, after
//! some writes with the last answer lost, after executing but before the commit, between applying
//! a delivery and acknowledging it), a new engine opening the same SQLite file each time. After the
//! faults stop and the sides sync to rest, both hold the same records, linked one to one, with no
//! duplicates and nothing queued; without deletions, no record is lost.
#![cfg(all(feature = "sim", feature = "sqlite"))]

mod gated_store;
mod sync_sim;

mod temp_db;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use exsync::backend::ews::EwsBackend;
use exsync::backend::*;
use exsync::sim::{Clock, Fault};
use exsync::store::*;
use exsync::sync::*;
use gated_store::{Gate, GatedStore};
use proptest::prelude::*;
use sync_sim::*;
use temp_db::TempDb;

/// A record of `kind` numbered `name` from side `domain` (records of different domains never
/// match by content: contacts by their address, events by their subject).
fn record(kind: ObjectKind, name: u8, domain: &str) -> Record {
    match kind {
        ObjectKind::Contacts => Record::from(Contact {
            given_name: Some(format!("n{name}")),
            emails: vec![format!("n{name}@{domain}").as_str().into()],
            ..Contact::default()
        }),
        ObjectKind::Events => {
            let Record::Event(e) = meeting(&format!("n{name}@{domain}"), i64::from(name % 12) + 1, 10) else {
                unreachable!()
            };
            Record::from(*e)
        }
    }
}

/// Where a process dies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kill {
    /// After planning, before its first write reaches Exchange.
    BeforeWrites,
    /// With its write number `n` (from 0): Exchange makes the change, the answer is lost.
    DuringWrite(u8),
    /// After executing everything, before the commit.
    BeforeCommit,
}

/// One process of the application: it may die at a chosen point; once dead nothing of it
/// reaches Exchange or the store.
struct Process {
    dead: AtomicBool,
    kill: Option<Kill>,
    writes: Mutex<u8>,
}

impl Process {
    fn new(kill: Option<Kill>) -> Arc<Self> {
        Arc::new(Process { dead: AtomicBool::new(false), kill, writes: Mutex::new(0) })
    }

    fn is_dead(&self) -> bool {
        self.dead.load(Ordering::SeqCst)
    }

    /// Before a write: whether it goes out, and whether the process dies as it does.
    fn write(&self) -> (bool, bool) {
        if self.is_dead() {
            return (false, false);
        }
        let mut n = self.writes.lock().unwrap();
        let this = *n;
        *n += 1;
        match self.kill {
            Some(Kill::BeforeWrites) => {
                self.dead.store(true, Ordering::SeqCst);
                (false, false)
            }
            Some(Kill::DuringWrite(k)) if k == this => {
                self.dead.store(true, Ordering::SeqCst);
                (true, true)
            }
            _ => (true, false),
        }
    }

    /// Before the commit: whether the process is still alive to make it.
    fn commit(&self) -> bool {
        if self.kill == Some(Kill::BeforeCommit) {
            self.dead.store(true, Ordering::SeqCst);
        }
        !self.is_dead()
    }
}

fn gone(u: &UserId) -> BackendError {
    BackendError::Transient { user: u.clone(), operation: "any", detail: "the process is dead".into(), code: None }
}

fn died(u: &UserId) -> BackendError {
    BackendError::Ambiguous { user: u.clone(), operation: "write", detail: "the process died".into() }
}

/// The EWS backend as one process sees it.
struct MortalBackend {
    inner: EwsBackend,
    process: Arc<Process>,
}

impl MortalBackend {
    async fn write<T>(
        &self,
        u: &UserId,
        call: impl std::future::Future<Output = Result<T, BackendError>>,
    ) -> Result<T, BackendError> {
        match self.process.write() {
            (false, _) => Err(gone(u)),
            (true, dies) => {
                let r = call.await;
                if dies { Err(died(u)) } else { r }
            }
        }
    }
}

impl MailboxBackend for MortalBackend {
    async fn list_changes(
        &self,
        u: &UserId,
        s: &FolderScope,
        c: Option<&Cursor>,
        m: usize,
    ) -> Result<ChangePage, BackendError> {
        if self.process.is_dead() {
            return Err(gone(u));
        }
        self.inner.list_changes(u, s, c, m).await
    }
    async fn read(
        &self,
        u: &UserId,
        s: &FolderScope,
        ids: &[String],
    ) -> Result<Vec<ItemResult<RemoteItem>>, BackendError> {
        if self.process.is_dead() {
            return Err(gone(u));
        }
        self.inner.read(u, s, ids).await
    }
    async fn create(
        &self,
        u: &UserId,
        s: &FolderScope,
        items: &[NewItem],
    ) -> Result<Vec<ItemResult<RemoteId>>, BackendError> {
        self.write(u, self.inner.create(u, s, items)).await
    }
    async fn update(
        &self,
        u: &UserId,
        s: &FolderScope,
        c: &[ItemChange],
    ) -> Result<Vec<ItemResult<RemoteId>>, BackendError> {
        self.write(u, self.inner.update(u, s, c)).await
    }
    async fn delete(&self, u: &UserId, s: &FolderScope, ids: &[RemoteId]) -> Result<Vec<ItemResult<()>>, BackendError> {
        self.write(u, self.inner.delete(u, s, ids)).await
    }
    async fn find_by_tag(&self, u: &UserId, s: &FolderScope, t: &AppId) -> Result<Vec<RemoteItem>, BackendError> {
        if self.process.is_dead() {
            return Err(gone(u));
        }
        self.inner.find_by_tag(u, s, t).await
    }
}

/// The state store of a process: refuses to commit once the process is dead (or dies at the
/// commit), and to record the run once it is dead.
type MortalStore = GatedStore<Arc<SqliteStore>, Arc<Process>>;

impl Gate for Arc<Process> {
    fn may_commit(&self) -> bool {
        self.commit()
    }
    fn may_record(&self) -> bool {
        !self.is_dead()
    }
}

/// A fault the simulator injects for one sync.
#[derive(Debug, Clone, Copy)]
enum SimFault {
    /// The operation is carried out, its answer lost.
    Lost(u8),
    /// `ErrorServerBusy` for the next `n` requests of the operation.
    Busy(u8, u8),
    /// HTTP 503 for the next `n` requests of the operation.
    Unavailable(u8, u8),
    /// `ErrorInvalidSyncStateData` once.
    InvalidSyncState,
}

const OPERATIONS: [&str; 6] = ["SyncFolderItems", "GetItem", "CreateItem", "UpdateItem", "DeleteItem", "FindItem"];

impl SimFault {
    fn fault(self) -> Fault {
        let op = |i: u8| OPERATIONS[usize::from(i) % OPERATIONS.len()];
        match self {
            SimFault::Lost(i) => Fault::lose_response().on_operation(op(i)),
            SimFault::Busy(i, n) => {
                Fault::server_busy(Duration::from_millis(1)).on_operation(op(i)).times(u32::from(n))
            }
            SimFault::Unavailable(i, n) => Fault::http_status(503, None).on_operation(op(i)).times(u32::from(n)),
            SimFault::InvalidSyncState => Fault::invalid_sync_state(),
        }
    }
}

#[derive(Debug, Clone)]
enum Step {
    AppCreate { name: u8 },
    AppEdit { nth: u8, name: u8 },
    AppDelete { nth: u8 },
    OutlookInsert { name: u8 },
    OutlookEdit { nth: u8, name: u8 },
    OutlookDelete { nth: u8 },
    Sync { fault: Option<SimFault> },
    SyncKilled { kill: Kill, fault: Option<SimFault> },
    AppApply { n: u8, ack: bool, echo: bool },
    Restart,
}

fn sim_fault() -> impl Strategy<Value = SimFault> {
    // Up to 8 refusals in a row: past the transport's 6 attempts, the call fails for this sync.
    prop_oneof![
        3 => (0..6u8).prop_map(SimFault::Lost),
        2 => (0..6u8, 1..9u8).prop_map(|(o, n)| SimFault::Busy(o, n)),
        2 => (0..6u8, 1..9u8).prop_map(|(o, n)| SimFault::Unavailable(o, n)),
        1 => Just(SimFault::InvalidSyncState),
    ]
}

fn kill() -> impl Strategy<Value = Kill> {
    prop_oneof![Just(Kill::BeforeWrites), (0..3u8).prop_map(Kill::DuringWrite), Just(Kill::BeforeCommit)]
}

fn step(deletes: bool) -> BoxedStrategy<Step> {
    let common = prop_oneof![
        3 => (0..12u8).prop_map(|name| Step::AppCreate { name }),
        3 => (any::<u8>(), 0..12u8).prop_map(|(nth, name)| Step::AppEdit { nth, name }),
        3 => (0..12u8).prop_map(|name| Step::OutlookInsert { name }),
        3 => (any::<u8>(), 0..12u8).prop_map(|(nth, name)| Step::OutlookEdit { nth, name }),
        4 => proptest::option::of(sim_fault()).prop_map(|fault| Step::Sync { fault }),
        2 => (kill(), proptest::option::of(sim_fault())).prop_map(|(kill, fault)| Step::SyncKilled { kill, fault }),
        3 => (1..6u8, any::<bool>(), any::<bool>()).prop_map(|(n, ack, echo)| Step::AppApply { n, ack, echo }),
        1 => Just(Step::Restart),
    ];
    if !deletes {
        return common.boxed();
    }
    prop_oneof![
        10 => common,
        1 => any::<u8>().prop_map(|nth| Step::AppDelete { nth }),
        1 => any::<u8>().prop_map(|nth| Step::OutlookDelete { nth }),
    ]
    .boxed()
}

struct World {
    rt: tokio::runtime::Runtime,
    sim: Sim,
    db: TempDb,
    store: Arc<SqliteStore>,
    kind: ObjectKind,
    app: BTreeMap<AppId, Record>,
    next_app: u32,
    /// App records created and Outlook items inserted (for the no-loss check).
    created: usize,
}

impl World {
    fn new(kind: ObjectKind, policy: ConflictPolicy) -> Self {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let sim = rt.block_on(Sim::start());
        let db = TempDb::new("machine");
        let store = Arc::new(SqliteStore::open(db.path()).unwrap());
        store.enrol(&alice(), &settings_for(kind, |s| s.conflict_policy = policy)).unwrap();
        World { rt, sim, db, store, kind, app: BTreeMap::new(), next_app: 0, created: 0 }
    }

    /// A process's engine: small pages and batches, so listings page and writes batch.
    fn engine(&self, process: &Arc<Process>) -> SyncEngine<MortalStore, MortalBackend> {
        let clock = self.sim.clock.clone();
        SyncEngine::new(
            GatedStore { inner: self.store.clone(), gate: process.clone() },
            MortalBackend { inner: self.sim.backend.clone(), process: process.clone() },
        )
        .with_sizes(4, 2)
        .with_clock(move || clock.now())
    }

    fn now(&self) -> DateTime<Utc> {
        self.sim.now()
    }

    fn report(&self, change: AppChange) {
        self.store.push_app_change(&alice(), self.kind, &change).unwrap();
    }

    fn restart(&mut self) {
        // Dropping every handle closes the file; the next process opens it anew.
        self.store = Arc::new(SqliteStore::open(self.db.path()).unwrap());
    }

    fn nth_app(&self, nth: u8) -> Option<AppId> {
        if self.app.is_empty() { None } else { self.app.keys().nth(nth as usize % self.app.len()).cloned() }
    }

    fn nth_item(&self, nth: u8) -> Option<String> {
        let items = self.sim.items(ALICE, self.kind);
        if items.is_empty() { None } else { Some(items[nth as usize % items.len()].0.clone()) }
    }

    fn apply(&mut self, n: usize, ack: bool, echo: bool) {
        let entries = self.store.inbox(&alice(), None, n).unwrap();
        for e in entries {
            match &e.delivery {
                Delivery::Upsert(r) => {
                    self.app.insert(e.app_id.clone(), r.clone());
                    if echo {
                        let at = self.now();
                        self.report(AppChange::upsert(e.app_id.clone(), r.clone(), at));
                    }
                }
                Delivery::Delete => {
                    self.app.remove(&e.app_id);
                }
            }
            if !ack {
                // Killed after applying, before acknowledging: the entry is delivered again.
                self.restart();
                return;
            }
            self.store.ack(&alice(), e.seq, Some("applied")).unwrap();
        }
    }

    fn sync_once(&mut self, kill: Option<Kill>, fault: Option<SimFault>) {
        if let Some(f) = fault {
            self.sim.server.faults().inject(f.fault());
        }
        let process = Process::new(kill);
        let e = self.engine(&process);
        // Errors (a failed listing, the guard, a death) leave the store as the last commit left it.
        let _ = self.rt.block_on(e.sync(&alice(), self.kind));
        drop(e);
        self.sim.server.faults().clear();
        if kill.is_some() {
            self.restart();
        }
    }

    fn run(&mut self, s: &Step, domain_app: &str, domain_outlook: &str) {
        let kind = self.kind;
        match s.clone() {
            Step::AppCreate { name } => {
                let id = AppId::new(format!("app-{}", self.next_app));
                self.next_app += 1;
                self.created += 1;
                let r = record(kind, name, domain_app);
                self.app.insert(id.clone(), r.clone());
                let at = self.now();
                self.report(AppChange::upsert(id, r, at));
            }
            Step::AppEdit { nth, name } => {
                if let Some(id) = self.nth_app(nth) {
                    let r = record(kind, name, domain_app);
                    self.app.insert(id.clone(), r.clone());
                    let at = self.now();
                    self.report(AppChange::upsert(id, r, at));
                }
            }
            Step::AppDelete { nth } => {
                if let Some(id) = self.nth_app(nth) {
                    self.app.remove(&id);
                    let at = self.now();
                    self.report(AppChange::delete(id, at));
                }
            }
            Step::OutlookInsert { name } => {
                self.created += 1;
                self.sim.outlook_create(ALICE, &record(kind, name, domain_outlook));
            }
            Step::OutlookEdit { nth, name } => {
                if let Some(id) = self.nth_item(nth) {
                    self.sim.outlook_edit(ALICE, &id, &record(kind, name, domain_outlook));
                }
            }
            Step::OutlookDelete { nth } => {
                if let Some(id) = self.nth_item(nth) {
                    self.sim.outlook_delete(ALICE, &id);
                }
            }
            Step::Sync { fault } => self.sync_once(None, fault),
            Step::SyncKilled { kill, fault } => self.sync_once(Some(kill), fault),
            Step::AppApply { n, ack, echo } => self.apply(n as usize, ack, echo),
            Step::Restart => self.restart(),
        }
    }

    /// Syncs and applies until nothing moves; the number of rounds it took.
    fn settle(&mut self) -> usize {
        let u = alice();
        self.sim.server.faults().clear();
        for round in 0..8 {
            let process = Process::new(None);
            let e = self.engine(&process);
            let r = self.rt.block_on(e.sync_forced(&u, self.kind)).unwrap();
            assert!(r.failures.is_empty(), "{:?}", r.failures);
            let pending = self.store.inbox(&u, None, 10_000).unwrap().len();
            self.apply(10_000, true, false);
            if r.created + r.updated + r.deleted + r.delivered == 0 && pending == 0 {
                return round;
            }
        }
        panic!("no rest after 8 rounds");
    }

    fn check(&self) {
        let u = alice();
        let items = self.sim.items(ALICE, self.kind);
        let maps = self.store.mappings(&u, self.kind).unwrap();
        assert!(self.store.app_changes(&u, self.kind).unwrap().is_empty(), "changes left queued");
        assert!(self.store.inbox(&u, None, 10).unwrap().is_empty(), "deliveries left");
        assert_eq!(maps.len(), self.app.len(), "links {maps:?} vs app {:?}", self.app);
        assert_eq!(items.len(), self.app.len(), "Exchange holds {items:?}, the app {:?}", self.app);
        let by_id: BTreeMap<&str, &Record> = items.iter().map(|(id, r, _)| (id.as_str(), r)).collect();
        for m in &maps {
            let app = self.app.get(&m.app_id).unwrap_or_else(|| panic!("{} linked but not in the app", m.app_id));
            let item =
                by_id.get(m.remote.id.as_str()).unwrap_or_else(|| panic!("{} linked to a missing item", m.app_id));
            assert_eq!(app, *item, "{} differs", m.app_id);
            assert_eq!(&m.record, app, "{} base differs", m.app_id);
        }
        let mut tags: Vec<&AppId> = items.iter().filter_map(|(_, _, t)| t.as_ref()).collect();
        let n = tags.len();
        tags.sort();
        tags.dedup();
        assert_eq!(tags.len(), n, "two items carry the same tag");
    }
}

fn policy() -> impl Strategy<Value = ConflictPolicy> {
    prop_oneof![Just(ConflictPolicy::MostRecent), Just(ConflictPolicy::AppWins), Just(ConflictPolicy::ExchangeWins)]
}

fn kind() -> impl Strategy<Value = ObjectKind> {
    prop_oneof![Just(ObjectKind::Contacts), Just(ObjectKind::Events)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, max_shrink_iters: 1000, ..ProptestConfig::default() })]

    #[test]
    fn both_sides_converge_after_faults_and_kills(
        kind in kind(),
        policy in policy(),
        steps in proptest::collection::vec(step(true), 1..40),
    ) {
        let mut w = World::new(kind, policy);
        for s in &steps {
            w.run(s, "contoso.com", "contoso.com");
        }
        w.settle();
        w.check();
    }

    #[test]
    fn without_deletions_no_change_is_lost(
        kind in kind(),
        policy in policy(),
        steps in proptest::collection::vec(step(false), 1..40),
    ) {
        let mut w = World::new(kind, policy);
        for s in &steps {
            // Distinct domains: an app record and an Outlook item never match by content.
            w.run(s, "app.example", "outlook.example");
        }
        w.settle();
        w.check();
        prop_assert_eq!(w.app.len(), w.created);
    }
}

/// The shortest failing runs the property tests found, kept as fixed cases.
#[test]
fn regressions() {
    use Step::*;
    let cases: Vec<(ConflictPolicy, bool, Vec<Step>)> = vec![
        // A recreate (Outlook deleted the item, the application's edit won) whose answer died
        // with the process: the next sync links the tagged item instead of creating it again
        // (and importing the orphan as a new record).
        (
            ConflictPolicy::MostRecent,
            true,
            vec![
                AppCreate { name: 0 },
                AppCreate { name: 0 },
                Sync { fault: None },
                AppDelete { nth: 19 },
                OutlookDelete { nth: 138 },
                AppEdit { nth: 0, name: 1 },
                SyncKilled { kill: Kill::DuringWrite(0), fault: None },
            ],
        ),
        // The follow-up round (listing exsync's own creates) fails; Outlook deletes a new item
        // before exsync lists again, and Exchange reports nothing for an item made and removed
        // since the cursor: the item is read, found gone, and the deletion delivered.
        (
            ConflictPolicy::MostRecent,
            true,
            vec![
                AppCreate { name: 0 },
                AppCreate { name: 0 },
                AppCreate { name: 0 },
                AppCreate { name: 0 },
                Sync { fault: Some(SimFault::Unavailable(1, 6)) },
                OutlookDelete { nth: 0 },
            ],
        ),
    ];
    for kind in [ObjectKind::Contacts, ObjectKind::Events] {
        for (policy, shared_domain, steps) in &cases {
            let mut w = World::new(kind, *policy);
            let (a, o) =
                if *shared_domain { ("contoso.com", "contoso.com") } else { ("app.example", "outlook.example") };
            for s in steps {
                w.run(s, a, o);
            }
            w.settle();
            w.check();
        }
    }
}
