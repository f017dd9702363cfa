//! The planner: a pure decision table from both sides' changes and the stored state to
//! [`Action`]s (vdirsyncer's `_get_actions`, for a two-sided store with an id map and a delivery
//! queue).
//!
//! Per record it looks at three things: what the application did since the last sync (nothing,
//! upsert, delete; an upsert equal to the synced content is nothing), what Exchange did (the same,
//! plus a delivery the application has not acknowledged yet, which counts as an Exchange change
//! the application may not have seen), and the settings. The table:
//!
//! | application | Exchange | result |
//! |---|---|---|
//! | – | – | nothing (relink if only the change key moved) |
//! | upsert | – | update Exchange (app→Exchange) |
//! | delete | – | delete in Exchange (deletes on), else unlink |
//! | – | upsert | deliver (Exchange→app), else relink |
//! | – | delete | deliver the deletion (deletes on), else unlink |
//! | upsert | upsert | equal: link; else conflict (policy) |
//! | upsert | delete | deletes on: conflict; off: unlink, recreate in Exchange |
//! | delete | upsert | deletes on: conflict; off: unlink, deliver as new |
//! | delete | delete | unlink |
//!
//! With one direction only, the side that flows wins every conflict. Records without a link are
//! matched first (Exchange items by their exsync tag, then contacts by e-mail address and events by
//! subject, start and end), so a first sync links what both sides already hold instead of making
//! duplicates; what stays unmatched is created on the other side (new events only inside the
//! window). A linked item gone while another item carries the record's tag (a recreate whose
//! answer was lost with its process, or the user's copy of the item) hands the link to that item,
//! so the record is not created once more. The empty-side guard refuses a plan in which one side
//! deleted every linked record.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::conflict::{Conflict, Resolution, decide_under};
use super::plan::{Action, ConflictOutcome, Plan, PlanError, PlanInput, PlanMode, Skip, SkipReason, Subject, invalid};
use super::record::{AppId, Record};
use crate::backend::{RemoteChange, RemoteId, RemoteItem};
use crate::store::{AppOp, Delivery, Mapping};

/// The application's coalesced changes to one record.
#[derive(Debug, Clone)]
struct AppSide {
    op: AppOp,
    version: Option<String>,
    at: DateTime<Utc>,
    seqs: Vec<u64>,
}

/// Exchange's side of a linked record.
#[derive(Debug, Clone)]
enum Ex {
    Upserted {
        remote: RemoteId,
        record: Record,
        modified: Option<DateTime<Utc>>,
        /// Not a new change: a delivery the application has not acknowledged.
        pending: bool,
    },
    Deleted,
}

struct Planner<'a> {
    input: &'a PlanInput<'a>,
    out: Plan,
}

/// Plans one sync round of one user and kind. Pure: the same input gives the same plan.
pub fn plan(input: &PlanInput<'_>) -> Result<Plan, PlanError> {
    let mut p = Planner { input, out: Plan::default() };

    // The application's changes, coalesced per record (the latest wins, all are settled together).
    let mut app: BTreeMap<AppId, AppSide> = BTreeMap::new();
    for e in input.app_changes {
        let mut op = e.change.op.clone();
        if let AppOp::Upsert(r) = &mut op {
            r.normalize();
        }
        let side = app.entry(e.change.app_id.clone()).or_insert_with(|| AppSide {
            op: AppOp::Delete,
            version: None,
            at: e.change.changed_at,
            seqs: Vec::new(),
        });
        side.op = op;
        side.version = e.change.version.clone();
        side.at = e.change.changed_at;
        side.seqs.push(e.seq);
    }
    // Records Exchange cannot take stay queued until the application corrects them.
    app.retain(|id, side| {
        let AppOp::Upsert(r) = &side.op else { return true };
        let problem = if r.kind() != input.kind {
            Some(format!("a {} record reported as {}", r.kind(), input.kind))
        } else {
            r.validate().err().map(|e| invalid_text(&invalid(&e)))
        };
        match problem {
            Some(reason) => {
                p.out.skipped.push(Skip { subject: Subject::App(id.clone()), reason: SkipReason::Invalid(reason) });
                false
            }
            None => true,
        }
    });

    let mut remote: BTreeMap<String, RemoteChange> = BTreeMap::new();
    for c in input.remote_changes {
        let mut c = c.clone();
        if let RemoteChange::Upserted(i) = &mut c {
            i.record.normalize();
        }
        remote.insert(c.item_id().to_owned(), c);
    }
    let mappings: &[Mapping] = if input.mode == PlanMode::Rebuild { &[] } else { input.mappings };
    if input.mode == PlanMode::Full {
        for m in mappings {
            remote.entry(m.remote.id.clone()).or_insert_with(|| RemoteChange::Deleted { id: m.remote.id.clone() });
        }
    }
    let pending: BTreeMap<&AppId, &Delivery> = input.pending.iter().map(|(a, d)| (a, d)).collect();

    let s = input.settings;
    if !s.direction.app_to_exchange() && !s.direction.exchange_to_app() {
        for (id, side) in app {
            p.skip(Subject::App(id.clone()), SkipReason::Direction);
            p.out.settles.insert(id, side.seqs);
        }
        return Ok(p.out);
    }
    p.guard(mappings, &app, &remote)?;

    if input.mode == PlanMode::Rebuild {
        p.out.clear_map = true;
        p.unmapped(app, remote, &pending, &BTreeSet::new())?;
        return Ok(p.out);
    }
    // Items tagged with a linked record but not its linked item: a recreate whose answer was
    // lost with its process, or the user's copy of the item. When the linked item is gone, such
    // an item is the record's item now (linked, never created once more).
    let linked_ids: BTreeSet<&str> = mappings.iter().map(|m| m.remote.id.as_str()).collect();
    let linked_apps: BTreeSet<&AppId> = mappings.iter().map(|m| &m.app_id).collect();
    let mut orphans: BTreeMap<AppId, String> = BTreeMap::new();
    for (rid, c) in &remote {
        if let RemoteChange::Upserted(RemoteItem { tag: Some(t), .. }) = c {
            if !linked_ids.contains(rid.as_str()) && linked_apps.contains(t) && !orphans.contains_key(t) {
                orphans.insert(t.clone(), rid.clone());
            }
        }
    }
    for m in mappings {
        let a = app.remove(&m.app_id);
        let mut r = remote.remove(&m.remote.id);
        if matches!(r, Some(RemoteChange::Deleted { .. })) {
            if let Some(c) = orphans.remove(&m.app_id).and_then(|rid| remote.remove(&rid)) {
                p.out.matched.push((m.app_id.clone(), c.item_id().to_owned()));
                r = Some(c);
            }
        }
        p.mapped(m, a, r, pending.get(&m.app_id).copied())?;
    }
    let linked: BTreeSet<AppId> = mappings.iter().map(|m| m.app_id.clone()).collect();
    p.unmapped(app, remote, &pending, &linked)?;
    Ok(p.out)
}

fn invalid_text(r: &SkipReason) -> String {
    match r {
        SkipReason::Invalid(t) => t.clone(),
        other => format!("{other:?}"),
    }
}

impl Planner<'_> {
    fn skip(&mut self, subject: Subject, reason: SkipReason) {
        self.out.skipped.push(Skip { subject, reason });
    }

    fn act(&mut self, a: Action) {
        self.out.actions.push(a);
    }

    fn in_window(&self, r: &Record) -> bool {
        match (r, self.input.window) {
            (Record::Event(e), Some((from, to))) => e.overlaps(from, to),
            _ => true,
        }
    }

    /// The empty-side guard.
    fn guard(
        &self,
        mappings: &[Mapping],
        app: &BTreeMap<AppId, AppSide>,
        remote: &BTreeMap<String, RemoteChange>,
    ) -> Result<(), PlanError> {
        let s = self.input.settings;
        let n = mappings.len();
        let min = s.empty_side_guard_min as usize;
        if self.input.force || min == 0 || n < min || !s.propagate_deletes {
            return Ok(());
        }
        let err = |side| PlanError::EmptySide { user: self.input.user.clone(), kind: self.input.kind, side, linked: n };
        let remote_gone =
            mappings.iter().filter(|m| matches!(remote.get(&m.remote.id), Some(RemoteChange::Deleted { .. }))).count();
        if s.direction.exchange_to_app() && remote_gone == n {
            return Err(err("Exchange"));
        }
        let app_gone = mappings.iter().filter(|m| app.get(&m.app_id).is_some_and(|a| a.op == AppOp::Delete)).count();
        if s.direction.app_to_exchange() && app_gone == n {
            return Err(err("the application"));
        }
        Ok(())
    }

    /// Decides a conflict; with one direction only, that direction's side wins.
    fn resolve(
        &mut self,
        app_id: &AppId,
        base: Option<&Record>,
        app: Option<&Record>,
        at: DateTime<Utc>,
        exchange: Option<&Record>,
        modified: Option<DateTime<Utc>>,
    ) -> Result<Resolution, PlanError> {
        let s = self.input.settings;
        let one_way = s.direction.app_to_exchange() != s.direction.exchange_to_app();
        let conflict = Conflict {
            user: self.input.user,
            kind: self.input.kind,
            app_id,
            base,
            app,
            app_changed_at: at,
            exchange,
            exchange_changed_at: modified,
        };
        let resolution = decide_under(s, &conflict, self.input.resolver)?;
        if one_way {
            return Ok(resolution);
        }
        self.out.conflicts.push(ConflictOutcome {
            app_id: app_id.clone(),
            policy: s.conflict_policy,
            resolution: resolution.clone(),
        });
        Ok(resolution)
    }

    fn mapped(
        &mut self,
        m: &Mapping,
        a: Option<AppSide>,
        r: Option<RemoteChange>,
        pending: Option<&Delivery>,
    ) -> Result<(), PlanError> {
        let d = self.input.settings.direction;
        let deletes = self.input.settings.propagate_deletes;
        let id = &m.app_id;
        let (at, version) = a.as_ref().map_or((DateTime::<Utc>::UNIX_EPOCH, None), |a| (a.at, a.version.clone()));
        if let Some(a) = &a {
            self.out.settles.insert(id.clone(), a.seqs.clone());
        }
        // The application's side; an upsert of the synced content (an echo) is no change.
        let app_op = match a.map(|a| (a.op, a.version)) {
            Some((AppOp::Upsert(rec), v)) => {
                let echo = rec == m.record || (v.is_some() && v == m.app_version);
                if echo { None } else { Some(AppOp::Upsert(rec)) }
            }
            Some((AppOp::Delete, _)) => Some(AppOp::Delete),
            None => None,
        };
        // Exchange's side; an upsert of the synced content only moves the change key.
        let mut relink: Option<RemoteId> = None;
        let mut ex = match r {
            Some(RemoteChange::Upserted(item)) if item.record == m.record => {
                if item.id != m.remote {
                    relink = Some(item.id);
                }
                None
            }
            Some(RemoteChange::Upserted(item)) => Some(Ex::Upserted {
                remote: item.id,
                record: item.record,
                modified: item.last_modified,
                pending: false,
            }),
            Some(RemoteChange::Deleted { .. }) => Some(Ex::Deleted),
            None => None,
        };
        let current = relink.clone().unwrap_or_else(|| m.remote.clone());
        if ex.is_none() && matches!(pending, Some(Delivery::Upsert(_))) && app_op.is_some() {
            ex =
                Some(Ex::Upserted { remote: current.clone(), record: m.record.clone(), modified: None, pending: true });
        }
        let supersede = pending.is_some();

        match (app_op, ex) {
            (None, None) => {
                if let Some(remote) = relink {
                    self.act(Action::Link {
                        app_id: id.clone(),
                        remote,
                        record: m.record.clone(),
                        app_version: m.app_version.clone(),
                    });
                }
            }
            (Some(AppOp::Upsert(rec)), None) => {
                if d.app_to_exchange() {
                    self.act(Action::UpdateRemote {
                        app_id: id.clone(),
                        remote: current,
                        base: m.record.clone(),
                        record: rec,
                        app_version: version,
                        deliver: false,
                    });
                } else {
                    self.skip(Subject::App(id.clone()), SkipReason::Direction);
                }
            }
            (Some(AppOp::Delete), None) => {
                if !d.app_to_exchange() {
                    self.skip(Subject::App(id.clone()), SkipReason::Direction);
                } else if deletes {
                    self.act(Action::DeleteRemote { app_id: id.clone(), remote: current, deliver: false });
                } else {
                    self.act(Action::Unlink { app_id: id.clone() });
                }
            }
            (None, Some(Ex::Upserted { pending: true, .. })) => {}
            (None, Some(Ex::Upserted { remote, record, .. })) => {
                if d.exchange_to_app() {
                    self.act(Action::DeliverUpsert { app_id: id.clone(), remote, record });
                } else {
                    self.skip(Subject::Remote(remote.id.clone()), SkipReason::Direction);
                    self.act(Action::Link {
                        app_id: id.clone(),
                        remote,
                        record: m.record.clone(),
                        app_version: m.app_version.clone(),
                    });
                }
            }
            (None, Some(Ex::Deleted)) => {
                if d.exchange_to_app() && deletes {
                    self.act(Action::DeliverDelete { app_id: id.clone() });
                } else {
                    self.act(Action::Unlink { app_id: id.clone() });
                }
            }
            (Some(AppOp::Upsert(rec)), Some(Ex::Upserted { remote, record, modified, pending })) => {
                if rec == record {
                    if supersede && !pending {
                        // Both sides agree, but an older delivery still waits: replace it.
                        self.act(Action::DeliverUpsert { app_id: id.clone(), remote, record: rec });
                    } else {
                        self.act(Action::Link { app_id: id.clone(), remote, record: rec, app_version: version });
                    }
                    return Ok(());
                }
                let resolution = self.resolve(id, Some(&m.record), Some(&rec), at, Some(&record), modified)?;
                match resolution {
                    Resolution::KeepApp => self.act(Action::UpdateRemote {
                        app_id: id.clone(),
                        remote,
                        base: record,
                        record: rec,
                        app_version: version,
                        deliver: supersede,
                    }),
                    Resolution::KeepExchange if pending => {}
                    Resolution::KeepExchange => self.act(Action::DeliverUpsert { app_id: id.clone(), remote, record }),
                    Resolution::Use(merged) => self.act(Action::UpdateRemote {
                        app_id: id.clone(),
                        remote,
                        base: record,
                        record: merged,
                        app_version: None,
                        deliver: true,
                    }),
                }
            }
            (Some(AppOp::Upsert(rec)), Some(Ex::Deleted)) => {
                let resolution = if deletes {
                    self.resolve(id, Some(&m.record), Some(&rec), at, None, None)?
                } else {
                    Resolution::KeepApp
                };
                self.act(Action::Unlink { app_id: id.clone() });
                match resolution {
                    Resolution::KeepApp if d.app_to_exchange() => self.act(Action::CreateRemote {
                        app_id: id.clone(),
                        record: rec,
                        app_version: version,
                        deliver: supersede,
                    }),
                    Resolution::KeepApp => self.skip(Subject::App(id.clone()), SkipReason::Direction),
                    Resolution::KeepExchange => self.act(Action::DeliverDelete { app_id: id.clone() }),
                    Resolution::Use(merged) => self.act(Action::CreateRemote {
                        app_id: id.clone(),
                        record: merged,
                        app_version: None,
                        deliver: true,
                    }),
                }
            }
            (Some(AppOp::Delete), Some(Ex::Upserted { remote, record, modified, pending })) => {
                if !deletes {
                    if d.exchange_to_app() && !pending {
                        self.act(Action::DeliverUpsert { app_id: id.clone(), remote, record });
                    } else if pending {
                        // The application deleted the record; the waiting delivery must not
                        // bring it back. The Exchange item stays, unlinked.
                        self.act(Action::DeliverDelete { app_id: id.clone() });
                    } else {
                        self.act(Action::Unlink { app_id: id.clone() });
                    }
                    return Ok(());
                }
                match self.resolve(id, Some(&m.record), None, at, Some(&record), modified)? {
                    Resolution::KeepApp => {
                        self.act(Action::DeleteRemote { app_id: id.clone(), remote, deliver: supersede })
                    }
                    Resolution::KeepExchange if pending => {}
                    Resolution::KeepExchange => self.act(Action::DeliverUpsert { app_id: id.clone(), remote, record }),
                    Resolution::Use(merged) => self.act(Action::UpdateRemote {
                        app_id: id.clone(),
                        remote,
                        base: record,
                        record: merged,
                        app_version: None,
                        deliver: true,
                    }),
                }
            }
            // Gone on both sides; a delivery still waiting would bring it back: replace it.
            (Some(AppOp::Delete), Some(Ex::Deleted)) if supersede => {
                self.act(Action::DeliverDelete { app_id: id.clone() })
            }
            (Some(AppOp::Delete), Some(Ex::Deleted)) => self.act(Action::Unlink { app_id: id.clone() }),
        }
        Ok(())
    }

    /// Records without a link: match, then create or deliver what stays unmatched (in `Rebuild`
    /// mode: only link).
    fn unmapped(
        &mut self,
        mut app: BTreeMap<AppId, AppSide>,
        remote: BTreeMap<String, RemoteChange>,
        pending: &BTreeMap<&AppId, &Delivery>,
        linked: &BTreeSet<AppId>,
    ) -> Result<(), PlanError> {
        let rebuild = self.input.mode == PlanMode::Rebuild;
        let user = self.input.user;
        let mut pairs: Vec<(AppId, AppSide, RemoteItem)> = Vec::new();
        let mut imports: Vec<(AppId, RemoteItem)> = Vec::new();
        let mut untagged: Vec<RemoteItem> = Vec::new();
        let mut claimed: BTreeSet<AppId> = BTreeSet::new();
        for (rid, change) in remote {
            let RemoteChange::Upserted(item) = change else { continue };
            match item.tag.clone() {
                Some(t) if app.contains_key(&t) && !claimed.contains(&t) => {
                    claimed.insert(t.clone());
                    let side = app.remove(&t).expect("checked above");
                    pairs.push((t, side, item));
                }
                // An item exsync wrote whose record the application did not report now: it keeps
                // its id. A copy of a linked item (Outlook copies the tag) gets a new one.
                Some(t) if !rebuild && !linked.contains(&t) && !claimed.contains(&t) => {
                    claimed.insert(t.clone());
                    imports.push((t, item));
                }
                Some(_) if !rebuild => imports.push((AppId::for_remote(user.as_str(), &rid), item)),
                _ => untagged.push(item),
            }
        }
        // Content matching: contacts by first e-mail address, events by subject, start and end.
        let key = |r: &Record| -> Option<String> {
            match r {
                Record::Contact(c) => c.match_key(),
                Record::Event(e) => {
                    let (s, a, b) = e.match_key();
                    Some(format!("{s}\u{0}{}\u{0}{}", a.to_rfc3339(), b.to_rfc3339()))
                }
            }
        };
        let mut by_key: BTreeMap<String, Vec<AppId>> = BTreeMap::new();
        for (id, side) in &app {
            if let AppOp::Upsert(r) = &side.op {
                if let Some(k) = key(r) {
                    by_key.entry(k).or_default().push(id.clone());
                }
            }
        }
        let mut unmatched_remote = Vec::new();
        for item in untagged {
            let candidate = key(&item.record).and_then(|k| {
                let ids = by_key.get_mut(&k)?;
                if ids.is_empty() { None } else { Some(ids.remove(0)) }
            });
            match candidate {
                Some(id) => {
                    let side = app.remove(&id).expect("indexed from app");
                    pairs.push((id, side, item));
                }
                None => unmatched_remote.push(item),
            }
        }

        for (id, side, item) in pairs {
            self.out.matched.push((id.clone(), item.id.id.clone()));
            self.out.settles.insert(id.clone(), side.seqs.clone());
            let p = pending.get(&id).copied();
            self.pair(id, side, item, p, rebuild)?;
        }
        for item in unmatched_remote {
            let id = AppId::for_remote(user.as_str(), &item.id.id);
            imports.push((id, item));
        }
        for (id, item) in imports {
            if rebuild {
                self.skip(Subject::Remote(item.id.id), SkipReason::Unmatched);
            } else if !self.in_window(&item.record) {
                self.skip(Subject::Remote(item.id.id), SkipReason::OutOfWindow);
            } else if self.input.settings.direction.exchange_to_app() {
                self.act(Action::DeliverUpsert { app_id: id, remote: item.id, record: item.record });
            } else {
                self.skip(Subject::Remote(item.id.id), SkipReason::Direction);
            }
        }
        for (id, side) in app {
            let p = pending.get(&id).copied();
            self.lone_app_change(id, side, p, rebuild)?;
        }
        Ok(())
    }

    /// A record of the application and an Exchange item matched by tag or content.
    ///
    /// A delivery still waiting for the record (from its earlier life) must not undo the outcome:
    /// it is replaced by the outcome. A waiting deletion is first weighed against the
    /// application's upsert as a conflict.
    fn pair(
        &mut self,
        id: AppId,
        side: AppSide,
        item: RemoteItem,
        pending: Option<&Delivery>,
        rebuild: bool,
    ) -> Result<(), PlanError> {
        let d = self.input.settings.direction;
        let link = |record: Record, app_version| Action::Link {
            app_id: id.clone(),
            remote: item.id.clone(),
            record,
            app_version,
        };
        let supersede = pending.is_some() && !rebuild;
        match side.op {
            AppOp::Upsert(rec) => {
                if rebuild {
                    // No data is touched: the link's base is what Exchange holds.
                    self.act(link(item.record, side.version));
                    return Ok(());
                }
                if matches!(pending, Some(Delivery::Delete)) {
                    match self.resolve(&id, None, Some(&rec), side.at, None, None)? {
                        Resolution::KeepExchange => {
                            // The deletion stands: the item goes too.
                            self.act(link(item.record, None));
                            if d.app_to_exchange() {
                                self.act(Action::DeleteRemote { app_id: id.clone(), remote: item.id, deliver: false });
                            }
                            return Ok(());
                        }
                        Resolution::KeepApp | Resolution::Use(_) => {}
                    }
                }
                if rec == item.record {
                    if supersede {
                        self.act(Action::DeliverUpsert { app_id: id.clone(), remote: item.id, record: rec });
                    } else {
                        self.act(link(rec, side.version));
                    }
                    return Ok(());
                }
                // Linked first, so a failed write still leaves the pair linked.
                self.act(link(item.record.clone(), None));
                match self.resolve(&id, None, Some(&rec), side.at, Some(&item.record), item.last_modified)? {
                    Resolution::KeepApp => self.act(Action::UpdateRemote {
                        app_id: id.clone(),
                        remote: item.id,
                        base: item.record,
                        record: rec,
                        app_version: side.version,
                        deliver: supersede,
                    }),
                    Resolution::KeepExchange => {
                        self.act(Action::DeliverUpsert { app_id: id.clone(), remote: item.id, record: item.record })
                    }
                    Resolution::Use(merged) => self.act(Action::UpdateRemote {
                        app_id: id.clone(),
                        remote: item.id,
                        base: item.record,
                        record: merged,
                        app_version: None,
                        deliver: true,
                    }),
                }
            }
            // The application deleted a record whose item exsync wrote but never linked (its
            // answer was lost): delete the item too.
            AppOp::Delete => {
                if !rebuild && d.app_to_exchange() && self.input.settings.propagate_deletes {
                    self.act(link(item.record, None));
                    self.act(Action::DeleteRemote { app_id: id.clone(), remote: item.id, deliver: false });
                }
            }
        }
        Ok(())
    }

    /// An application change with no link and no match.
    fn lone_app_change(
        &mut self,
        id: AppId,
        side: AppSide,
        pending: Option<&Delivery>,
        rebuild: bool,
    ) -> Result<(), PlanError> {
        let AppOp::Upsert(rec) = side.op else {
            self.out.settles.insert(id, side.seqs);
            return Ok(());
        };
        if rebuild {
            // Stays queued: after the rebuild, the next sync creates it in Exchange.
            self.skip(Subject::App(id), SkipReason::Unmatched);
            return Ok(());
        }
        self.out.settles.insert(id.clone(), side.seqs.clone());
        if !self.in_window(&rec) {
            self.skip(Subject::App(id), SkipReason::OutOfWindow);
            return Ok(());
        }
        // Exchange deleted the record and the application has not acknowledged that yet.
        let resolution = if matches!(pending, Some(Delivery::Delete)) {
            self.resolve(&id, None, Some(&rec), side.at, None, None)?
        } else {
            Resolution::KeepApp
        };
        match resolution {
            Resolution::KeepApp if self.input.settings.direction.app_to_exchange() => self.act(Action::CreateRemote {
                app_id: id,
                record: rec,
                app_version: side.version,
                deliver: pending.is_some(),
            }),
            Resolution::KeepApp => self.skip(Subject::App(id), SkipReason::Direction),
            Resolution::KeepExchange => {}
            Resolution::Use(merged) => {
                self.act(Action::CreateRemote { app_id: id, record: merged, app_version: None, deliver: true })
            }
        }
        Ok(())
    }
}
