//! A state-machine property test of the whole engine: random edits on both sides, random backend
//! faults, and the process killed at random points (during execution after some writes, before
//! the commit, between applying a delivery and acknowledging it), the SQLite file reopened each
//! time. After the faults stop and the sides sync to rest, both hold the same records, linked one
//! to one, with no duplicates and nothing queued; without deletions, no record is lost.
#![cfg(all(feature = "memory-backend", feature = "sqlite"))]

mod temp_db;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use exsync::backend::memory::{Fault, MemoryMailbox, Operation};
use exsync::backend::*;
use exsync::store::*;
use exsync::sync::*;
use gated_store::{Gate, GatedStore};
use proptest::prelude::*;
use temp_db::TempDb;

mod gated_store;

fn alice() -> UserId {
    UserId::new("alice@contoso.com")
}

fn scope() -> FolderScope {
    FolderScope::default_folder(ObjectKind::Contacts)
}

fn person(name: u8, domain: &str) -> Record {
    Record::from(Contact {
        given_name: Some(format!("n{name}")),
        emails: vec![format!("n{name}@{domain}").as_str().into()],
        ..Contact::default()
    })
}

/// The process: dies after a number of backend writes (the last one applied, its answer lost);
/// from then on nothing reaches the mailbox and nothing is committed.
struct Process {
    dead: AtomicBool,
    writes_left: Mutex<Option<u8>>,
}

impl Process {
    fn new(writes_left: Option<u8>) -> Arc<Self> {
        Arc::new(Process { dead: AtomicBool::new(false), writes_left: Mutex::new(writes_left) })
    }

    fn is_dead(&self) -> bool {
        self.dead.load(Ordering::SeqCst)
    }

    /// Before a write: whether it may go out, and whether the process dies right after it.
    fn write(&self) -> (bool, bool) {
        if self.is_dead() {
            return (false, false);
        }
        let mut left = self.writes_left.lock().unwrap();
        match *left {
            Some(0) => {
                self.dead.store(true, Ordering::SeqCst);
                (true, true)
            }
            Some(n) => {
                *left = Some(n - 1);
                (true, false)
            }
            None => (true, false),
        }
    }
}

fn gone(u: &UserId) -> BackendError {
    BackendError::Transient { user: u.clone(), operation: "any", detail: "the process is dead".into(), code: None }
}

fn died(u: &UserId) -> BackendError {
    BackendError::Ambiguous { user: u.clone(), operation: "write", detail: "the process died".into() }
}

struct MortalMailbox {
    inner: Arc<MemoryMailbox>,
    process: Arc<Process>,
}

impl MailboxBackend for MortalMailbox {
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
        match self.process.write() {
            (false, _) => Err(gone(u)),
            (true, dies) => {
                let r = self.inner.create(u, s, items).await;
                if dies { Err(died(u)) } else { r }
            }
        }
    }
    async fn update(
        &self,
        u: &UserId,
        s: &FolderScope,
        c: &[ItemChange],
    ) -> Result<Vec<ItemResult<RemoteId>>, BackendError> {
        match self.process.write() {
            (false, _) => Err(gone(u)),
            (true, dies) => {
                let r = self.inner.update(u, s, c).await;
                if dies { Err(died(u)) } else { r }
            }
        }
    }
    async fn delete(&self, u: &UserId, s: &FolderScope, ids: &[RemoteId]) -> Result<Vec<ItemResult<()>>, BackendError> {
        match self.process.write() {
            (false, _) => Err(gone(u)),
            (true, dies) => {
                let r = self.inner.delete(u, s, ids).await;
                if dies { Err(died(u)) } else { r }
            }
        }
    }
    async fn find_by_tag(&self, u: &UserId, s: &FolderScope, t: &AppId) -> Result<Vec<RemoteItem>, BackendError> {
        if self.process.is_dead() {
            return Err(gone(u));
        }
        self.inner.find_by_tag(u, s, t).await
    }
}

/// The state store of a process: refuses to commit (or record the run) once the process is dead.
type MortalStore = GatedStore<Arc<SqliteStore>, Arc<Process>>;

impl Gate for Arc<Process> {
    fn may_commit(&self) -> bool {
        !self.is_dead()
    }
    fn may_record(&self) -> bool {
        !self.is_dead()
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
    Sync { fault: Option<(u8, u8)> },
    SyncKilled { writes: u8 },
    AppApply { n: u8, ack: bool, echo: bool },
    Restart,
    InvalidateCursors,
}

fn step(deletes: bool) -> BoxedStrategy<Step> {
    let common = prop_oneof![
        3 => (0..12u8).prop_map(|name| Step::AppCreate { name }),
        3 => (any::<u8>(), 0..12u8).prop_map(|(nth, name)| Step::AppEdit { nth, name }),
        3 => (0..12u8).prop_map(|name| Step::OutlookInsert { name }),
        3 => (any::<u8>(), 0..12u8).prop_map(|(nth, name)| Step::OutlookEdit { nth, name }),
        4 => proptest::option::of((0..6u8, 0..4u8)).prop_map(|fault| Step::Sync { fault }),
        2 => (0..4u8).prop_map(|writes| Step::SyncKilled { writes }),
        3 => (1..6u8, any::<bool>(), any::<bool>()).prop_map(|(n, ack, echo)| Step::AppApply { n, ack, echo }),
        1 => Just(Step::Restart),
        1 => Just(Step::InvalidateCursors),
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
    db: TempDb,
    store: Arc<SqliteStore>,
    mailbox: Arc<MemoryMailbox>,
    app: BTreeMap<AppId, Record>,
    next_app: u32,
    settings: UserSettings,
    /// App records created and Outlook items inserted (for the no-loss check).
    created: usize,
    rt: tokio::runtime::Runtime,
}

impl World {
    fn new(policy: ConflictPolicy) -> Self {
        let db = TempDb::new("machine");
        let store = Arc::new(SqliteStore::open(db.path()).unwrap());
        let mut settings = UserSettings::default();
        settings.contacts.sync.conflict_policy = policy;
        store.enrol(&alice(), &settings).unwrap();
        World {
            db,
            store,
            mailbox: Arc::new(MemoryMailbox::new()),
            app: BTreeMap::new(),
            next_app: 0,
            settings,
            created: 0,
            rt: tokio::runtime::Builder::new_current_thread().build().unwrap(),
        }
    }

    fn engine(&self, process: &Arc<Process>) -> SyncEngine<MortalStore, MortalMailbox> {
        SyncEngine::new(
            GatedStore { inner: self.store.clone(), gate: process.clone() },
            MortalMailbox { inner: self.mailbox.clone(), process: process.clone() },
        )
        .with_sizes(4, 2)
    }

    fn now(&self) -> DateTime<Utc> {
        self.mailbox.advance_clock(chrono::Duration::seconds(1));
        self.mailbox.now()
    }

    fn report(&self, change: AppChange) {
        self.store.push_app_change(&alice(), ObjectKind::Contacts, &change).unwrap();
    }

    fn restart(&mut self) {
        // Dropping every handle closes the file; the next process opens it anew.
        self.store = Arc::new(SqliteStore::open(self.db.path()).unwrap());
    }

    fn nth_app(&self, nth: u8) -> Option<AppId> {
        if self.app.is_empty() { None } else { self.app.keys().nth(nth as usize % self.app.len()).cloned() }
    }

    fn nth_item(&self, nth: u8) -> Option<String> {
        let items = self.mailbox.items(&alice(), &scope());
        if items.is_empty() { None } else { Some(items[nth as usize % items.len()].id.id.clone()) }
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

    fn run(&mut self, s: &Step, domain_app: &str, domain_outlook: &str) {
        let u = alice();
        match s.clone() {
            Step::AppCreate { name } => {
                let id = AppId::new(format!("app-{}", self.next_app));
                self.next_app += 1;
                self.created += 1;
                let r = person(name, domain_app);
                self.app.insert(id.clone(), r.clone());
                let at = self.now();
                self.report(AppChange::upsert(id, r, at));
            }
            Step::AppEdit { nth, name } => {
                if let Some(id) = self.nth_app(nth) {
                    let r = person(name, domain_app);
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
                self.mailbox.insert(&u, &scope(), person(name, domain_outlook), None);
            }
            Step::OutlookEdit { nth, name } => {
                if let Some(id) = self.nth_item(nth) {
                    self.mailbox.modify(&u, &scope(), &id, person(name, domain_outlook));
                }
            }
            Step::OutlookDelete { nth } => {
                if let Some(id) = self.nth_item(nth) {
                    self.mailbox.remove(&u, &scope(), &id);
                }
            }
            Step::Sync { fault } => {
                if let Some((op, f)) = fault {
                    let ops = [
                        Operation::ListChanges,
                        Operation::Read,
                        Operation::Create,
                        Operation::Update,
                        Operation::Delete,
                        Operation::FindByTag,
                    ];
                    let faults = [Fault::Transient, Fault::LostBeforeApplied, Fault::AppliedThenLost, Fault::Rejected];
                    self.mailbox.inject(ops[op as usize], faults[f as usize]);
                }
                let process = Process::new(None);
                let e = self.engine(&process);
                // Errors (a failed listing, the guard) leave everything as it was.
                let _ = self.rt.block_on(e.sync(&u, ObjectKind::Contacts));
                self.mailbox.clear_faults();
            }
            Step::SyncKilled { writes } => {
                let process = Process::new(Some(writes));
                let e = self.engine(&process);
                let _ = self.rt.block_on(e.sync(&u, ObjectKind::Contacts));
                drop(e);
                self.restart();
            }
            Step::AppApply { n, ack, echo } => self.apply(n as usize, ack, echo),
            Step::Restart => self.restart(),
            Step::InvalidateCursors => self.mailbox.invalidate_cursors(),
        }
    }

    /// Syncs and applies until nothing moves; the number of rounds it took.
    fn settle(&mut self) -> usize {
        let u = alice();
        for round in 0..8 {
            let process = Process::new(None);
            let e = self.engine(&process);
            let r = self.rt.block_on(e.sync_forced(&u, ObjectKind::Contacts)).unwrap();
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
        let items = self.mailbox.items(&u, &scope());
        let maps = self.store.mappings(&u, ObjectKind::Contacts).unwrap();
        assert!(self.store.app_changes(&u, ObjectKind::Contacts).unwrap().is_empty(), "changes left queued");
        assert!(self.store.inbox(&u, None, 10).unwrap().is_empty(), "deliveries left");
        assert_eq!(maps.len(), self.app.len(), "links {maps:?} vs app {:?}", self.app);
        assert_eq!(items.len(), self.app.len(), "Exchange holds {items:?}, the app {:?}", self.app);
        let by_id: BTreeMap<&str, &RemoteItem> = items.iter().map(|i| (i.id.id.as_str(), i)).collect();
        for m in &maps {
            let app = self.app.get(&m.app_id).unwrap_or_else(|| panic!("{} linked but not in the app", m.app_id));
            let item =
                by_id.get(m.remote.id.as_str()).unwrap_or_else(|| panic!("{} linked to a missing item", m.app_id));
            assert_eq!(app, &item.record, "{} differs", m.app_id);
            assert_eq!(&m.record, app, "{} base differs", m.app_id);
        }
    }
}

fn policy() -> impl Strategy<Value = ConflictPolicy> {
    prop_oneof![Just(ConflictPolicy::MostRecent), Just(ConflictPolicy::AppWins), Just(ConflictPolicy::ExchangeWins)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, max_shrink_iters: 2000, ..ProptestConfig::default() })]

    #[test]
    fn both_sides_converge_after_faults_and_kills(policy in policy(), steps in proptest::collection::vec(step(true), 1..40)) {
        let mut w = World::new(policy);
        for s in &steps {
            w.run(s, "contoso.com", "contoso.com");
        }
        w.mailbox.clear_faults();
        w.settle();
        w.check();
        let _ = &w.settings;
    }

    #[test]
    fn without_deletions_no_record_is_lost(policy in policy(), steps in proptest::collection::vec(step(false), 1..40)) {
        let mut w = World::new(policy);
        for s in &steps {
            // Distinct domains: an app record and an Outlook item never match by content.
            w.run(s, "app.example", "outlook.example");
        }
        w.mailbox.clear_faults();
        w.settle();
        w.check();
        prop_assert_eq!(w.app.len(), w.created);
    }
}

/// The shortest failing runs the property tests found during development, kept as fixed cases.
#[test]
fn regressions() {
    use Step::*;
    let cases: Vec<(ConflictPolicy, bool, Vec<Step>)> = vec![
        // The application edits a record, then applies Exchange's deletion queued before its edit.
        (
            ConflictPolicy::MostRecent,
            true,
            vec![
                AppCreate { name: 0 },
                AppCreate { name: 0 },
                Sync { fault: None },
                OutlookDelete { nth: 6 },
                Sync { fault: None },
                AppEdit { nth: 44, name: 0 },
                AppApply { n: 1, ack: true, echo: false },
            ],
        ),
        // Both sides agree on a record whose older delivery still waits.
        (
            ConflictPolicy::AppWins,
            false,
            vec![
                OutlookInsert { name: 0 },
                Sync { fault: None },
                AppApply { n: 1, ack: false, echo: false },
                AppEdit { nth: 0, name: 0 },
                AppCreate { name: 0 },
                SyncKilled { writes: 1 },
            ],
        ),
        // Deleted on both sides while a delivery of it waits.
        (
            ConflictPolicy::MostRecent,
            true,
            vec![
                AppCreate { name: 0 },
                AppCreate { name: 0 },
                AppCreate { name: 0 },
                AppDelete { nth: 0 },
                Sync { fault: None },
                OutlookEdit { nth: 182, name: 1 },
                Sync { fault: None },
                AppDelete { nth: 6 },
                OutlookDelete { nth: 2 },
            ],
        ),
        // A failed conflict write, then a waiting delivery against the application's edit.
        (
            ConflictPolicy::MostRecent,
            false,
            vec![
                OutlookInsert { name: 0 },
                Sync { fault: None },
                AppCreate { name: 0 },
                OutlookEdit { nth: 0, name: 1 },
                AppApply { n: 1, ack: false, echo: false },
                AppEdit { nth: 29, name: 0 },
                Sync { fault: Some((3, 0)) },
            ],
        ),
        // A recreate whose answer died with the process, against a waiting deletion.
        (
            ConflictPolicy::MostRecent,
            true,
            vec![
                AppCreate { name: 0 },
                Sync { fault: None },
                OutlookDelete { nth: 0 },
                Sync { fault: None },
                AppCreate { name: 0 },
                AppEdit { nth: 8, name: 0 },
                SyncKilled { writes: 0 },
                Sync { fault: None },
            ],
        ),
    ];
    for (i, (policy, shared_domain, steps)) in cases.into_iter().enumerate() {
        let mut w = World::new(policy);
        let (a, o) = if shared_domain { ("contoso.com", "contoso.com") } else { ("app.example", "outlook.example") };
        for s in &steps {
            w.run(s, a, o);
        }
        w.mailbox.clear_faults();
        w.settle();
        w.check();
        if !shared_domain {
            assert_eq!(w.app.len(), w.created, "case {i}");
        }
    }
}
