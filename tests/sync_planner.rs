//! The planner's rules. A table test runs every combination of direction, delete propagation,
//! conflict policy, application change and Exchange change on a linked record, applies the plan to
//! a two-sided model and checks the outcome (who won, whether the sides agree, that nothing flows
//! against the direction and no deletion propagates when off). Further tests cover matching,
//! echoes, pending deliveries, the window, the guard, rebuilding, invalid records and batching.

use chrono::{DateTime, TimeZone, Utc};
use exsync::backend::{RemoteChange, RemoteId, RemoteItem};
use exsync::store::{AppChange, Delivery, Mapping, OutboxEntry};
use exsync::sync::*;

fn t(s: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_767_225_600 + s, 0).unwrap()
}

fn contact(name: &str) -> Record {
    Record::from(Contact {
        given_name: Some(name.into()),
        emails: vec![format!("{name}@contoso.com").as_str().into()],
        ..Contact::default()
    })
}

fn user() -> UserId {
    UserId::new("alice@contoso.com")
}

fn item(id: &str, ck: &str, record: Record, tag: Option<&str>, modified: i64) -> RemoteItem {
    RemoteItem { id: RemoteId::new(id, ck), record, tag: tag.map(AppId::new), last_modified: Some(t(modified)) }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Change {
    None,
    Upsert,
    Delete,
}

struct Case {
    settings: SyncSettings,
    mappings: Vec<Mapping>,
    app: Vec<OutboxEntry>,
    remote: Vec<RemoteChange>,
    pending: Vec<(AppId, Delivery)>,
    mode: PlanMode,
    window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    kind: ObjectKind,
    force: bool,
}

impl Case {
    fn new() -> Self {
        Case {
            settings: SyncSettings::default(),
            mappings: vec![],
            app: vec![],
            remote: vec![],
            pending: vec![],
            mode: PlanMode::Incremental,
            window: None,
            kind: ObjectKind::Contacts,
            force: false,
        }
    }

    fn linked(mut self, app_id: &str, remote: &str, record: Record) -> Self {
        self.mappings.push(Mapping::new(AppId::new(app_id), RemoteId::new(remote, "ck1"), record, None));
        self
    }

    fn app_upsert(mut self, app_id: &str, record: Record, at: i64) -> Self {
        let seq = self.app.len() as u64 + 1;
        self.app.push(OutboxEntry { seq, change: AppChange::upsert(AppId::new(app_id), record, t(at)) });
        self
    }

    fn app_delete(mut self, app_id: &str, at: i64) -> Self {
        let seq = self.app.len() as u64 + 1;
        self.app.push(OutboxEntry { seq, change: AppChange::delete(AppId::new(app_id), t(at)) });
        self
    }

    fn remote_upsert(mut self, i: RemoteItem) -> Self {
        self.remote.push(RemoteChange::Upserted(i));
        self
    }

    fn remote_delete(mut self, id: &str) -> Self {
        self.remote.push(RemoteChange::Deleted { id: id.into() });
        self
    }

    fn plan_with(&self, resolver: Option<&dyn ConflictResolver>) -> Result<Plan, PlanError> {
        let u = user();
        plan(&PlanInput {
            user: &u,
            kind: self.kind,
            settings: &self.settings,
            window: self.window,
            mode: self.mode,
            app_changes: &self.app,
            remote_changes: &self.remote,
            mappings: &self.mappings,
            pending: &self.pending,
            force: self.force,
            resolver,
        })
    }

    fn plan(&self) -> Plan {
        self.plan_with(None).unwrap()
    }
}

/// Applies a plan to one record on both sides; (application, Exchange) afterwards.
fn apply(plan: &Plan, mut app: Option<Record>, mut ex: Option<Record>) -> (Option<Record>, Option<Record>) {
    for a in &plan.actions {
        match a {
            Action::CreateRemote { record, deliver, .. } | Action::UpdateRemote { record, deliver, .. } => {
                ex = Some(record.clone());
                if *deliver {
                    app = Some(record.clone());
                }
            }
            Action::DeleteRemote { deliver, .. } => {
                ex = None;
                if *deliver {
                    app = None;
                }
            }
            Action::DeliverUpsert { record, .. } => app = Some(record.clone()),
            Action::DeliverDelete { .. } => app = None,
            Action::Link { .. } | Action::Unlink { .. } => {}
        }
    }
    (app, ex)
}

fn merge_resolver() -> impl ConflictResolver {
    |_: &Conflict<'_>| Resolution::Use(contact("merged"))
}

#[test]
fn every_direction_policy_and_delete_case_on_a_linked_record() {
    let directions = [Direction::None, Direction::ExchangeToApp, Direction::AppToExchange, Direction::Both];
    let policies = [
        ConflictPolicy::AppWins,
        ConflictPolicy::ExchangeWins,
        ConflictPolicy::MostRecent,
        ConflictPolicy::HostDecides,
    ];
    let changes = [Change::None, Change::Upsert, Change::Delete];
    let resolver = merge_resolver();
    let mut checked = 0;
    for direction in directions {
        for deletes in [true, false] {
            for policy in policies {
                for app_change in changes {
                    for ex_change in changes {
                        // The application changed before (0) or after (200) Exchange (100).
                        for app_at in [0, 200] {
                            let base = contact("base");
                            let mut case = Case::new().linked("c1", "r1", base.clone());
                            case.settings = SyncSettings {
                                direction,
                                propagate_deletes: deletes,
                                conflict_policy: policy,
                                empty_side_guard_min: 0,
                            };
                            let app_val = match app_change {
                                Change::None => Some(base.clone()),
                                Change::Upsert => {
                                    case = case.app_upsert("c1", contact("app"), app_at);
                                    Some(contact("app"))
                                }
                                Change::Delete => {
                                    case = case.app_delete("c1", app_at);
                                    None
                                }
                            };
                            let ex_val = match ex_change {
                                Change::None => Some(base.clone()),
                                Change::Upsert => {
                                    case = case.remote_upsert(item("r1", "ck2", contact("ex"), None, 100));
                                    Some(contact("ex"))
                                }
                                Change::Delete => {
                                    case = case.remote_delete("r1");
                                    None
                                }
                            };
                            let ctx = format!(
                                "{direction:?} deletes={deletes} {policy:?} app={app_change:?}@{app_at} ex={ex_change:?}"
                            );
                            let plan = case.plan_with(Some(&resolver)).unwrap_or_else(|e| panic!("{ctx}: {e}"));
                            let (app_after, ex_after) = apply(&plan, app_val.clone(), ex_val.clone());
                            check(
                                &ctx,
                                &plan,
                                direction,
                                deletes,
                                policy,
                                app_change,
                                ex_change,
                                app_at,
                                (&app_val, &ex_val),
                                (&app_after, &ex_after),
                            );
                            // Every application change is settled (none stays queued for ever).
                            if app_change != Change::None {
                                assert_eq!(plan.settles.get(&AppId::new("c1")), Some(&vec![1]), "{ctx}");
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(checked, 4 * 2 * 4 * 3 * 3 * 2);
}

#[allow(clippy::too_many_arguments)]
fn check(
    ctx: &str,
    plan: &Plan,
    direction: Direction,
    deletes: bool,
    policy: ConflictPolicy,
    app_change: Change,
    ex_change: Change,
    app_at: i64,
    before: (&Option<Record>, &Option<Record>),
    after: (&Option<Record>, &Option<Record>),
) {
    let (app_after, ex_after) = after;
    let writes_remote = plan.actions.iter().any(|a| a.remote_op().is_some());
    let delivers = plan.actions.iter().any(|a| {
        matches!(a, Action::DeliverUpsert { .. } | Action::DeliverDelete { .. })
            || matches!(
                a,
                Action::CreateRemote { deliver: true, .. }
                    | Action::UpdateRemote { deliver: true, .. }
                    | Action::DeleteRemote { deliver: true, .. }
            )
    });
    if !direction.app_to_exchange() {
        assert!(!writes_remote, "{ctx}: wrote to Exchange against the direction: {:?}", plan.actions);
    }
    if !direction.exchange_to_app() {
        assert!(!delivers, "{ctx}: delivered against the direction: {:?}", plan.actions);
    }
    if !deletes {
        let deleting =
            plan.actions.iter().any(|a| matches!(a, Action::DeleteRemote { .. } | Action::DeliverDelete { .. }));
        assert!(!deleting, "{ctx}: a deletion propagated while off: {:?}", plan.actions);
    }
    if direction == Direction::None {
        assert!(plan.actions.is_empty(), "{ctx}");
        return;
    }
    let base = Some(contact("base"));
    let app = Some(contact("app"));
    let ex = Some(contact("ex"));
    let merged = Some(contact("merged"));
    if direction == Direction::Both {
        // Both sides end equal, unless a deletion was not propagated.
        let unpropagated_delete = !deletes && (app_change == Change::Delete) != (ex_change == Change::Delete);
        if !unpropagated_delete {
            assert_eq!(app_after, ex_after, "{ctx}: sides differ: {:?}", plan.actions);
        }
        let expected = match (app_change, ex_change) {
            (Change::None, Change::None) => base.clone(),
            (Change::Upsert, Change::None) => app.clone(),
            (Change::Delete, Change::None) => {
                if deletes {
                    None
                } else {
                    base.clone()
                }
            }
            (Change::None, Change::Upsert) => ex.clone(),
            (Change::None, Change::Delete) => {
                if deletes {
                    None
                } else {
                    base.clone()
                }
            }
            (Change::Delete, Change::Delete) => None,
            (Change::Upsert, Change::Upsert) => match policy {
                ConflictPolicy::AppWins => app.clone(),
                ConflictPolicy::ExchangeWins => ex.clone(),
                ConflictPolicy::MostRecent => {
                    if app_at > 100 {
                        app.clone()
                    } else {
                        ex.clone()
                    }
                }
                ConflictPolicy::HostDecides => merged.clone(),
            },
            (Change::Upsert, Change::Delete) => match (deletes, policy) {
                (false, _) => app.clone(),
                (true, ConflictPolicy::ExchangeWins) => None,
                (true, ConflictPolicy::HostDecides) => merged.clone(),
                (true, _) => app.clone(),
            },
            (Change::Delete, Change::Upsert) => match (deletes, policy) {
                (false, _) => ex.clone(),
                (true, ConflictPolicy::AppWins) => None,
                (true, ConflictPolicy::HostDecides) => merged.clone(),
                (true, ConflictPolicy::MostRecent) => {
                    if app_at > 100 {
                        None
                    } else {
                        ex.clone()
                    }
                }
                (true, ConflictPolicy::ExchangeWins) => ex.clone(),
            },
        };
        let got = if app_change == Change::Delete && !deletes { ex_after } else { app_after };
        assert_eq!(got, &expected, "{ctx}: {:?}", plan.actions);
        return;
    }
    // One direction: the flowing side's change reaches the other side.
    if direction == Direction::ExchangeToApp && ex_change == Change::Upsert {
        assert_eq!(app_after, &ex, "{ctx}");
    }
    if direction == Direction::ExchangeToApp && ex_change == Change::Delete && deletes {
        assert_eq!(app_after, &None, "{ctx}");
    }
    if direction == Direction::AppToExchange && app_change == Change::Upsert {
        assert_eq!(ex_after, &app, "{ctx}");
    }
    if direction == Direction::AppToExchange && app_change == Change::Delete && deletes && ex_change != Change::Delete {
        assert_eq!(ex_after, &None, "{ctx}");
    }
    let _ = before;
}

#[test]
fn host_decides_without_resolver_is_an_error_naming_the_record() {
    let mut case = Case::new()
        .linked("c1", "r1", contact("base"))
        .app_upsert("c1", contact("app"), 0)
        .remote_upsert(item("r1", "ck2", contact("ex"), None, 1));
    case.settings.conflict_policy = ConflictPolicy::HostDecides;
    let err = case.plan_with(None).unwrap_err();
    assert!(matches!(err, PlanError::NoResolver { .. }));
    assert!(err.to_string().contains("c1"), "{err}");
    // A resolver that merges into the wrong kind is refused.
    let wrong = |_: &Conflict<'_>| Resolution::Use(Record::from(Event::default()));
    assert!(matches!(case.plan_with(Some(&wrong)), Err(PlanError::WrongKind { .. })));
    // The resolver sees both versions and the base.
    let seen = std::sync::Mutex::new(None);
    let spy = |c: &Conflict<'_>| {
        *seen.lock().unwrap() = Some((c.base.cloned(), c.app.cloned(), c.exchange.cloned(), c.exchange_changed_at));
        Resolution::KeepApp
    };
    let plan = case.plan_with(Some(&spy)).unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        Some((Some(contact("base")), Some(contact("app")), Some(contact("ex")), Some(t(1))))
    );
    assert_eq!(plan.conflicts.len(), 1);
    assert!(
        matches!(&plan.actions[..], [Action::UpdateRemote { remote, base, .. }] if remote.change_key.as_deref() == Some("ck2") && *base == contact("ex"))
    );
}

#[test]
fn echoes_and_equal_changes_only_relink() {
    // The application reports back what it was delivered; Exchange reports what exsync wrote.
    let plan = Case::new()
        .linked("c1", "r1", contact("base"))
        .app_upsert("c1", contact("base"), 0)
        .remote_upsert(item("r1", "ck7", contact("base"), None, 1))
        .plan();
    assert_eq!(
        plan.actions,
        vec![Action::Link {
            app_id: AppId::new("c1"),
            remote: RemoteId::new("r1", "ck7"),
            record: contact("base"),
            app_version: None
        }]
    );
    assert_eq!(plan.settles[&AppId::new("c1")], vec![1]);
    // Both sides made the same edit: no conflict.
    let plan = Case::new()
        .linked("c1", "r1", contact("base"))
        .app_upsert("c1", contact("same"), 0)
        .remote_upsert(item("r1", "ck2", contact("same"), None, 1))
        .plan();
    assert!(plan.conflicts.is_empty());
    assert!(matches!(&plan.actions[..], [Action::Link { record, .. }] if *record == contact("same")));
    // A version equal to the one last synced is not sent again.
    let mut case = Case::new().linked("c1", "r1", contact("base"));
    case.mappings[0].app_version = Some("v3".into());
    case.app.push(OutboxEntry {
        seq: 1,
        change: AppChange::upsert(AppId::new("c1"), contact("x"), t(0)).with_version("v3"),
    });
    assert!(case.plan().actions.is_empty());
    // Several queued changes of one record: the latest counts, all are settled.
    let plan = Case::new()
        .linked("c1", "r1", contact("base"))
        .app_upsert("c1", contact("v1"), 0)
        .app_upsert("c1", contact("v2"), 1)
        .plan();
    assert!(
        matches!(&plan.actions[..], [Action::UpdateRemote { record, base, .. }] if *record == contact("v2") && *base == contact("base"))
    );
    assert_eq!(plan.settles[&AppId::new("c1")], vec![1, 2]);
}

#[test]
fn first_sync_matches_contacts_by_email_and_events_by_subject_and_times() {
    let mut a = contact("ann");
    if let Record::Contact(c) = &mut a {
        c.emails = vec!["ANN@contoso.com".into()];
    }
    let mut b = contact("ann");
    if let Record::Contact(c) = &mut b {
        c.company = Some("Contoso".into());
        c.emails = vec!["ann@contoso.com".into()];
    }
    let mut case = Case::new()
        .app_upsert("crm-1", a.clone(), 500)
        .app_upsert("crm-2", contact("bob"), 0)
        .remote_upsert(item("r1", "ck1", b.clone(), None, 100))
        .remote_upsert(item("r2", "ck1", contact("carol"), None, 100));
    case.mode = PlanMode::Full;
    let plan = case.plan();
    assert_eq!(plan.matched, vec![(AppId::new("crm-1"), "r1".to_owned())]);
    // Ann is linked (base: Exchange's version), and the app's later edit wins; Bob is created;
    // Carol is delivered under an id of exsync's.
    let carol = AppId::for_remote("alice@contoso.com", "r2");
    assert_eq!(plan.actions.len(), 4, "{:?}", plan.actions);
    assert!(
        matches!(&plan.actions[0], Action::Link { app_id, record, .. } if app_id.as_str() == "crm-1" && *record == b)
    );
    assert!(matches!(&plan.actions[1], Action::UpdateRemote { record, .. } if *record == a));
    assert!(matches!(&plan.actions[2], Action::DeliverUpsert { app_id, .. } if *app_id == carol));
    assert!(matches!(&plan.actions[3], Action::CreateRemote { app_id, .. } if app_id.as_str() == "crm-2"));

    let ev = |s: &str, h: u32| {
        Record::from(Event {
            subject: Some(s.into()),
            start: Utc.with_ymd_and_hms(2026, 1, 5, h, 0, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2026, 1, 5, h + 1, 0, 0).unwrap(),
            ..Event::default()
        })
    };
    let mut case = Case::new()
        .app_upsert("b1", ev("Standup", 9), 0)
        .app_upsert("b2", ev("Review", 9), 0)
        .remote_upsert(item("r1", "ck1", ev(" standup ", 9), None, 1))
        .remote_upsert(item("r2", "ck1", ev("Review", 10), None, 1));
    case.kind = ObjectKind::Events;
    case.mode = PlanMode::Full;
    let plan = case.plan();
    assert_eq!(plan.matched, vec![(AppId::new("b1"), "r1".to_owned())]);
}

#[test]
fn tagged_items_match_their_record_and_copies_become_new_records() {
    // A create whose answer was lost: the item carries the tag; the queued upsert links to it.
    let plan = Case::new()
        .app_upsert("crm-1", contact("ann"), 0)
        .remote_upsert(item("r9", "ck1", contact("ann"), Some("crm-1"), 1))
        .plan();
    assert_eq!(plan.matched, vec![(AppId::new("crm-1"), "r9".to_owned())]);
    assert!(matches!(&plan.actions[..], [Action::Link { .. }]));
    // The application deleted it meanwhile: the item goes too.
    let plan =
        Case::new().app_delete("crm-1", 0).remote_upsert(item("r9", "ck1", contact("ann"), Some("crm-1"), 1)).plan();
    assert!(matches!(&plan.actions[..], [Action::Link { .. }, Action::DeleteRemote { .. }]));
    // An Outlook copy of a linked item carries the same tag: it becomes a record of its own.
    let plan = Case::new()
        .linked("crm-1", "r1", contact("ann"))
        .remote_upsert(item("r2", "ck1", contact("ann"), Some("crm-1"), 1))
        .plan();
    assert!(
        matches!(&plan.actions[..], [Action::DeliverUpsert { app_id, .. }] if *app_id == AppId::for_remote("alice@contoso.com", "r2"))
    );
    // A tagged item nobody reported keeps its tag as id (e.g. after the application lost its queue).
    let plan = Case::new().remote_upsert(item("r3", "ck1", contact("zed"), Some("crm-7"), 1)).plan();
    assert!(matches!(&plan.actions[..], [Action::DeliverUpsert { app_id, .. }] if app_id.as_str() == "crm-7"));
}

#[test]
fn unacknowledged_deliveries_count_as_exchange_changes() {
    // Exchange's edit is queued for the app; the app edits the older version meanwhile.
    let mut case = Case::new().linked("c1", "r1", contact("from-exchange")).app_upsert("c1", contact("app"), 0);
    case.pending = vec![(AppId::new("c1"), Delivery::Upsert(contact("from-exchange")))];
    case.settings.conflict_policy = ConflictPolicy::AppWins;
    let plan = case.plan();
    // App wins: Exchange gets the app's version and the pending delivery is replaced by it.
    assert!(
        matches!(&plan.actions[..], [Action::UpdateRemote { deliver: true, record, .. }] if *record == contact("app"))
    );
    case.settings.conflict_policy = ConflictPolicy::ExchangeWins;
    let plan = case.plan();
    assert!(plan.actions.is_empty(), "the pending delivery stands: {:?}", plan.actions);
    assert_eq!(plan.settles[&AppId::new("c1")], vec![1]);
    // A pending deletion and an app edit of the record: the edit recreates it (most recent: the
    // deletion's time is unknown), replacing the pending deletion.
    let mut case = Case::new().app_upsert("c1", contact("app"), 0);
    case.pending = vec![(AppId::new("c1"), Delivery::Delete)];
    let plan = case.plan();
    assert!(matches!(&plan.actions[..], [Action::CreateRemote { deliver: true, .. }]));
}

#[test]
fn full_listings_delete_what_is_missing_and_the_guard_stops_an_empty_side() {
    let mut case = Case::new();
    for i in 0..5 {
        case = case.linked(&format!("c{i}"), &format!("r{i}"), contact(&format!("n{i}")));
    }
    case.mode = PlanMode::Full;
    for i in 0..4 {
        case = case.remote_upsert(item(&format!("r{i}"), "ck1", contact(&format!("n{i}")), None, 1));
    }
    let plan = case.plan();
    assert_eq!(plan.actions, vec![Action::DeliverDelete { app_id: AppId::new("c4") }]);

    // An empty listing while five records are linked: stop.
    case.remote.clear();
    let err = case.plan_with(None).unwrap_err();
    assert!(matches!(err, PlanError::EmptySide { side: "Exchange", linked: 5, .. }), "{err}");
    assert!(err.to_string().contains("force"));
    case.force = true;
    assert_eq!(case.plan().actions.len(), 5);

    // The application deleting everything it had: stop too; below the threshold: go on.
    let mut case = Case::new();
    for i in 0..5 {
        case = case.linked(&format!("c{i}"), &format!("r{i}"), contact("x")).app_delete(&format!("c{i}"), 0);
    }
    assert!(matches!(case.plan_with(None), Err(PlanError::EmptySide { side: "the application", .. })));
    case.settings.empty_side_guard_min = 6;
    assert_eq!(case.plan().actions.len(), 5);
    // With deletions off nothing would be deleted: no guard.
    case.settings.empty_side_guard_min = 5;
    case.settings.propagate_deletes = false;
    assert!(case.plan().actions.iter().all(|a| matches!(a, Action::Unlink { .. })));
}

#[test]
fn rebuild_links_by_tag_and_content_and_touches_nothing() {
    let mut case = Case::new()
        .app_upsert("crm-1", contact("ann"), 0)
        .app_upsert("crm-2", contact("bob"), 0)
        .app_upsert("crm-3", contact("cy"), 0)
        .remote_upsert(item("r1", "ck1", contact("ann-edited"), Some("crm-1"), 1))
        .remote_upsert(item("r2", "ck1", contact("bob"), None, 1))
        .remote_upsert(item("r4", "ck1", contact("dee"), None, 1))
        .linked("stale", "r0", contact("old"));
    case.mode = PlanMode::Rebuild;
    let plan = case.plan();
    assert!(plan.clear_map);
    assert!(plan.actions.iter().all(|a| matches!(a, Action::Link { .. })), "{:?}", plan.actions);
    assert_eq!(plan.actions.len(), 2);
    assert!(matches!(&plan.actions[0], Action::Link { record, .. } if *record == contact("ann-edited")));
    assert!(plan.skipped.contains(&Skip { subject: Subject::App(AppId::new("crm-3")), reason: SkipReason::Unmatched }));
    assert!(plan.skipped.contains(&Skip { subject: Subject::Remote("r4".into()), reason: SkipReason::Unmatched }));
    // The unmatched application record stays queued for the next sync.
    assert!(!plan.settles.contains_key(&AppId::new("crm-3")));
}

#[test]
fn new_events_outside_the_window_are_not_synced_but_linked_ones_follow() {
    let ev = |day: u32| {
        Record::from(Event {
            subject: Some(format!("d{day}")),
            start: Utc.with_ymd_and_hms(2026, 3, day, 9, 0, 0).unwrap(),
            end: Utc.with_ymd_and_hms(2026, 3, day, 10, 0, 0).unwrap(),
            ..Event::default()
        })
    };
    let mut case = Case::new()
        .app_upsert("in", ev(10), 0)
        .app_upsert("out", ev(25), 0)
        .remote_upsert(item("r-out", "ck1", ev(26), None, 1))
        .linked("linked", "r-l", ev(11))
        .remote_upsert(item("r-l", "ck2", ev(27), None, 1));
    case.kind = ObjectKind::Events;
    case.window =
        Some((Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap(), Utc.with_ymd_and_hms(2026, 3, 20, 0, 0, 0).unwrap()));
    let plan = case.plan();
    assert!(plan.skipped.contains(&Skip { subject: Subject::App(AppId::new("out")), reason: SkipReason::OutOfWindow }));
    assert!(plan.skipped.contains(&Skip { subject: Subject::Remote("r-out".into()), reason: SkipReason::OutOfWindow }));
    assert!(plan.actions.iter().any(|a| matches!(a, Action::CreateRemote { app_id, .. } if app_id.as_str() == "in")));
    assert!(
        plan.actions.iter().any(|a| matches!(a, Action::DeliverUpsert { app_id, .. } if app_id.as_str() == "linked"))
    );
    assert_eq!(plan.settles.len(), 2);
}

#[test]
fn invalid_and_wrong_kind_records_stay_queued_with_the_reason() {
    let too_many =
        Contact { emails: (0..4).map(|i| format!("a{i}@x").as_str().into()).collect(), ..Contact::default() };
    let plan = Case::new()
        .app_upsert("bad", Record::from(too_many), 0)
        .app_upsert("event", Record::from(Event::default()), 0)
        .plan();
    assert!(plan.actions.is_empty());
    assert!(plan.settles.is_empty());
    assert_eq!(plan.skipped.len(), 2);
    assert!(matches!(&plan.skipped[0].reason, SkipReason::Invalid(r) if r.contains("at most 3")));
    assert!(matches!(&plan.skipped[1].reason, SkipReason::Invalid(r) if r.contains("reported as contacts")));
}

#[test]
fn batches_group_by_call_and_hold_at_most_one_hundred() {
    let mut case = Case::new();
    for i in 0..250 {
        case = case.app_upsert(&format!("n{i:03}"), contact(&format!("p{i}")), 0);
    }
    for i in 0..3 {
        case = case.linked(&format!("l{i}"), &format!("r{i}"), contact("x")).app_delete(&format!("l{i}"), 0);
    }
    case.settings.empty_side_guard_min = 10;
    let plan = case.plan();
    let batches = plan.batches(500);
    let sizes: Vec<(RemoteOp, usize)> = batches.iter().map(|(op, ix)| (*op, ix.len())).collect();
    assert_eq!(
        sizes,
        vec![(RemoteOp::Create, 100), (RemoteOp::Create, 100), (RemoteOp::Create, 50), (RemoteOp::Delete, 3)]
    );
    assert_eq!(plan.batches(7)[0].1.len(), 7);
    // Planning is deterministic.
    assert_eq!(case.plan(), plan);
}

#[test]
fn nothing_syncs_when_the_direction_is_none() {
    let mut case = Case::new().linked("c1", "r1", contact("a")).app_upsert("c1", contact("b"), 0).remote_upsert(item(
        "r1",
        "ck2",
        contact("c"),
        None,
        1,
    ));
    case.settings.direction = Direction::None;
    let plan = case.plan();
    assert!(plan.actions.is_empty());
    assert_eq!(plan.skipped, vec![Skip { subject: Subject::App(AppId::new("c1")), reason: SkipReason::Direction }]);
    assert_eq!(plan.settles[&AppId::new("c1")], vec![1]);
}
