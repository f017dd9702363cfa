//! The executor: runs a [`Plan`]'s backend actions in batches and turns the outcome into one
//! [`Commit`]. It resolves what the plan could not know:
//!
//! - a create whose answer was lost ([`BackendError::Ambiguous`]) is looked up by its tag; found,
//!   it is linked, not created again;
//! - an update refused for a stale change key (or an item gone meanwhile) re-reads the item and
//!   decides again under the conflict policy;
//! - a failed action leaves its record's outbox entries queued for the next sync; the rest of the
//!   round commits;
//! - an item it created is linked without change key until a listing reports it (see
//!   [`SyncEngine`](super::SyncEngine) for why).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::conflict::{Conflict, ConflictResolver, Resolution, decide_under};
use super::plan::{Action, ConflictOutcome, Plan, RemoteOp};
use super::record::{AppId, ObjectKind, Record, UserId};
use super::settings::SyncSettings;
use crate::backend::{BackendError, Cursor, FolderScope, ItemChange, MailboxBackend, NewItem, RemoteId};
use crate::store::{Commit, Delivery, Mapping};

/// The id of an item exsync just created, as the id map keeps it until a listing reports the
/// item: without change key. The round's cursor predates the item, so an incremental listing from
/// it reports the item while it exists; one that does not (the item was deleted before exsync
/// listed again: Exchange reports nothing for an item made and removed since a cursor) makes the
/// engine read the item to learn whether it is gone.
fn unreported(id: RemoteId) -> RemoteId {
    RemoteId { change_key: None, ..id }
}

/// A record whose backend action failed (its change stays queued).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The record.
    pub app_id: AppId,
    /// Why.
    pub error: BackendError,
}

/// What executing a plan did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Execution {
    /// The commit to record.
    pub commit: Commit,
    /// Items created in Exchange.
    pub created: usize,
    /// Items updated in Exchange.
    pub updated: usize,
    /// Items deleted in Exchange.
    pub deleted: usize,
    /// Creates whose answer was lost, found by their tag.
    pub recovered: usize,
    /// Conflicts met while executing (stale change keys) and their decisions.
    pub conflicts: Vec<ConflictOutcome>,
    /// Failed records.
    pub failures: Vec<Failure>,
}

/// What a plan's action came to.
#[derive(Debug, Clone)]
enum Effect {
    Link(Mapping),
    Unlink,
    Deliver(Delivery),
}

/// The context of one execution.
pub(crate) struct Executor<'a, B> {
    pub(crate) backend: &'a B,
    pub(crate) user: &'a UserId,
    pub(crate) kind: ObjectKind,
    pub(crate) scope: &'a FolderScope,
    pub(crate) settings: &'a SyncSettings,
    pub(crate) resolver: Option<&'a dyn ConflictResolver>,
    /// When the application made its latest change of each record.
    pub(crate) changed_at: &'a BTreeMap<AppId, DateTime<Utc>>,
    pub(crate) batch_size: usize,
    /// Told how many actions each batch finished.
    pub(crate) progress: &'a (dyn Fn(usize) + Sync),
}

impl<B: MailboxBackend> Executor<'_, B> {
    /// Runs `plan` and builds the commit (with `cursor`).
    pub(crate) async fn run(&self, plan: &Plan, cursor: Option<Cursor>) -> Execution {
        let mut ex = Execution::default();
        // Effects of the backend actions, by action index; `None`: failed.
        let mut remote: BTreeMap<usize, Option<Vec<Effect>>> = BTreeMap::new();
        for (op, batch) in plan.batches(self.batch_size) {
            let actions: Vec<&Action> = batch.iter().map(|i| &plan.actions[*i]).collect();
            let outcomes = match op {
                RemoteOp::Create => self.create(&actions, &mut ex).await,
                RemoteOp::Update => self.update(&actions, &mut ex).await,
                RemoteOp::Delete => self.delete(&actions, &mut ex).await,
            };
            (self.progress)(batch.len());
            remote.extend(batch.into_iter().zip(outcomes));
        }

        let mut failed: BTreeSet<AppId> = BTreeSet::new();
        let mut links: BTreeMap<AppId, Option<Mapping>> = BTreeMap::new();
        let mut deliveries: BTreeMap<AppId, Delivery> = BTreeMap::new();
        for (i, action) in plan.actions.iter().enumerate() {
            let id = action.app_id().clone();
            let effects = match action {
                Action::Link { app_id, remote, record, app_version } => {
                    vec![Effect::Link(Mapping::new(
                        app_id.clone(),
                        remote.clone(),
                        record.clone(),
                        app_version.clone(),
                    ))]
                }
                Action::Unlink { .. } => vec![Effect::Unlink],
                Action::DeliverUpsert { app_id, remote, record } => vec![
                    Effect::Link(Mapping::new(app_id.clone(), remote.clone(), record.clone(), None)),
                    Effect::Deliver(Delivery::Upsert(record.clone())),
                ],
                Action::DeliverDelete { .. } => vec![Effect::Unlink, Effect::Deliver(Delivery::Delete)],
                _ => match remote.remove(&i).flatten() {
                    Some(e) => e,
                    None => {
                        failed.insert(id.clone());
                        continue;
                    }
                },
            };
            for e in effects {
                match e {
                    Effect::Link(m) => {
                        links.insert(id.clone(), Some(m));
                    }
                    Effect::Unlink => {
                        links.insert(id.clone(), None);
                    }
                    Effect::Deliver(d) => {
                        deliveries.insert(id.clone(), d);
                    }
                }
            }
        }
        let c = &mut ex.commit;
        c.cursor = cursor;
        c.clear_map = plan.clear_map;
        for (id, link) in links {
            match link {
                Some(m) => c.links.push(m),
                None => c.unlinks.push(id),
            }
        }
        c.deliveries = deliveries.into_iter().collect();
        c.consumed = plan.settles.iter().filter(|(id, _)| !failed.contains(*id)).flat_map(|(_, s)| s.clone()).collect();
        c.consumed.sort_unstable();
        ex
    }

    fn fail(&self, ex: &mut Execution, app_id: &AppId, error: BackendError) -> Option<Vec<Effect>> {
        ex.failures.push(Failure { app_id: app_id.clone(), error });
        None
    }

    async fn create(&self, actions: &[&Action], ex: &mut Execution) -> Vec<Option<Vec<Effect>>> {
        let items: Vec<NewItem> = actions
            .iter()
            .filter_map(|a| match a {
                Action::CreateRemote { app_id, record, .. } => {
                    Some(NewItem { tag: app_id.clone(), record: record.clone() })
                }
                _ => None,
            })
            .collect();
        let results = self.backend.create(self.user, self.scope, &items).await;
        let mut out = Vec::new();
        for (k, a) in actions.iter().enumerate() {
            let Action::CreateRemote { app_id, record, app_version, deliver } = a else {
                out.push(None);
                continue;
            };
            let result = match &results {
                Ok(r) => r.get(k).cloned().unwrap_or_else(|| {
                    Err(BackendError::Ambiguous {
                        user: self.user.clone(),
                        operation: "create",
                        detail: "the answer held fewer results than items".into(),
                    })
                }),
                Err(e) => Err(e.clone()),
            };
            let id = match result {
                Ok(id) => Some(id),
                // The answer was lost: the tag tells whether the item exists.
                Err(BackendError::Ambiguous { .. }) => {
                    match self.backend.find_by_tag(self.user, self.scope, app_id).await {
                        Ok(mut found) if !found.is_empty() => {
                            found.sort_by(|a, b| a.id.id.cmp(&b.id.id));
                            ex.recovered += 1;
                            Some(found.swap_remove(0).id)
                        }
                        Ok(_) => {
                            let e = BackendError::Transient {
                                user: self.user.clone(),
                                operation: "create",
                                detail: "the answer was lost and the item was not created".into(),
                                code: None,
                            };
                            out.push(self.fail(ex, app_id, e));
                            continue;
                        }
                        Err(e) => {
                            out.push(self.fail(ex, app_id, e));
                            continue;
                        }
                    }
                }
                Err(e) => {
                    out.push(self.fail(ex, app_id, e));
                    continue;
                }
            };
            ex.created += 1;
            out.push(id.map(|id| self.written(app_id, unreported(id), record, app_version.clone(), *deliver)));
        }
        out
    }

    /// The effects of a successful create or update.
    fn written(
        &self,
        app_id: &AppId,
        id: RemoteId,
        record: &Record,
        app_version: Option<String>,
        deliver: bool,
    ) -> Vec<Effect> {
        let mut e = vec![Effect::Link(Mapping::new(app_id.clone(), id, record.clone(), app_version))];
        if deliver {
            e.push(Effect::Deliver(Delivery::Upsert(record.clone())));
        }
        e
    }

    async fn update(&self, actions: &[&Action], ex: &mut Execution) -> Vec<Option<Vec<Effect>>> {
        let changes: Vec<ItemChange> = actions
            .iter()
            .filter_map(|a| match a {
                Action::UpdateRemote { app_id, remote, base, record, .. } => Some(ItemChange {
                    id: remote.clone(),
                    base: Some(base.clone()),
                    record: record.clone(),
                    tag: app_id.clone(),
                }),
                _ => None,
            })
            .collect();
        let results = self.backend.update(self.user, self.scope, &changes).await;
        let mut out = Vec::new();
        for (k, a) in actions.iter().enumerate() {
            let Action::UpdateRemote { app_id, remote, base, record, app_version, deliver } = a else {
                out.push(None);
                continue;
            };
            let result = match &results {
                Ok(r) => r.get(k).cloned().unwrap_or_else(|| {
                    Err(BackendError::Ambiguous {
                        user: self.user.clone(),
                        operation: "update",
                        detail: "the answer held fewer results than items".into(),
                    })
                }),
                Err(e) => Err(e.clone()),
            };
            let effects = match result {
                Ok(id) => {
                    ex.updated += 1;
                    Some(self.written(app_id, id, record, app_version.clone(), *deliver))
                }
                Err(BackendError::StaleChangeKey { .. } | BackendError::NotFound { .. }) => {
                    self.reconcile(app_id, remote, base, record, app_version.clone(), *deliver, ex).await
                }
                Err(e) => self.fail(ex, app_id, e),
            };
            out.push(effects);
        }
        out
    }

    /// An update found the item changed or gone since planning: re-read it and decide again.
    #[allow(clippy::too_many_arguments)]
    async fn reconcile(
        &self,
        app_id: &AppId,
        remote: &RemoteId,
        base: &Record,
        record: &Record,
        app_version: Option<String>,
        deliver: bool,
        ex: &mut Execution,
    ) -> Option<Vec<Effect>> {
        let current = match self.backend.read(self.user, self.scope, std::slice::from_ref(&remote.id)).await {
            Ok(mut r) if !r.is_empty() => match r.swap_remove(0) {
                Ok(item) => Some(item),
                Err(BackendError::NotFound { .. }) => None,
                Err(e) => return self.fail(ex, app_id, e),
            },
            Ok(_) => None,
            Err(e) => return self.fail(ex, app_id, e),
        };
        let mut current = current;
        if let Some(c) = &mut current {
            c.record.normalize();
            if c.record == *record {
                return Some(vec![Effect::Link(Mapping::new(
                    app_id.clone(),
                    c.id.clone(),
                    record.clone(),
                    app_version,
                ))]);
            }
        }
        let at = self.changed_at.get(app_id).copied().unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
        let conflict = Conflict {
            user: self.user,
            kind: self.kind,
            app_id,
            base: Some(base),
            app: Some(record),
            app_changed_at: at,
            exchange: current.as_ref().map(|c| &c.record),
            exchange_changed_at: current.as_ref().and_then(|c| c.last_modified),
        };
        let resolution = if current.is_none() && !self.settings.propagate_deletes {
            Resolution::KeepApp
        } else {
            match decide_under(self.settings, &conflict, self.resolver) {
                Ok(r) => r,
                Err(e) => {
                    let err = BackendError::Rejected {
                        user: self.user.clone(),
                        operation: "update",
                        reason: e.to_string(),
                        code: None,
                    };
                    return self.fail(ex, app_id, err);
                }
            }
        };
        ex.conflicts.push(ConflictOutcome {
            app_id: app_id.clone(),
            policy: self.settings.conflict_policy,
            resolution: resolution.clone(),
        });
        let (winner, deliver) = match resolution {
            // A delivery the write was to replace is replaced all the same.
            Resolution::KeepApp => (record.clone(), deliver),
            Resolution::Use(merged) => (merged, true),
            Resolution::KeepExchange => {
                return Some(match current {
                    Some(c) => vec![
                        Effect::Link(Mapping::new(app_id.clone(), c.id, c.record.clone(), None)),
                        Effect::Deliver(Delivery::Upsert(c.record)),
                    ],
                    None => vec![Effect::Unlink, Effect::Deliver(Delivery::Delete)],
                });
            }
        };
        if !self.settings.direction.app_to_exchange() {
            return Some(vec![]);
        }
        // Write the winner once more: over the current version, or as a new item.
        let result = match &current {
            Some(c) => {
                let change = ItemChange {
                    id: c.id.clone(),
                    base: Some(c.record.clone()),
                    record: winner.clone(),
                    tag: app_id.clone(),
                };
                self.backend.update(self.user, self.scope, &[change]).await.map(|mut r| r.pop())
            }
            None => {
                let item = NewItem { tag: app_id.clone(), record: winner.clone() };
                self.backend.create(self.user, self.scope, &[item]).await.map(|mut r| r.pop())
            }
        };
        match result {
            Ok(Some(Ok(id))) => {
                let id = if current.is_some() {
                    ex.updated += 1;
                    id
                } else {
                    ex.created += 1;
                    unreported(id)
                };
                Some(self.written(app_id, id, &winner, app_version, deliver))
            }
            Ok(Some(Err(e))) | Err(e) => self.fail(ex, app_id, e),
            Ok(None) => {
                let e = BackendError::Ambiguous {
                    user: self.user.clone(),
                    operation: "update",
                    detail: "no result".into(),
                };
                self.fail(ex, app_id, e)
            }
        }
    }

    async fn delete(&self, actions: &[&Action], ex: &mut Execution) -> Vec<Option<Vec<Effect>>> {
        let ids: Vec<RemoteId> = actions
            .iter()
            .filter_map(|a| match a {
                Action::DeleteRemote { remote, .. } => Some(remote.clone()),
                _ => None,
            })
            .collect();
        let results = self.backend.delete(self.user, self.scope, &ids).await;
        let mut out = Vec::new();
        for (k, a) in actions.iter().enumerate() {
            let Action::DeleteRemote { app_id, deliver, .. } = a else {
                out.push(None);
                continue;
            };
            let result = match &results {
                Ok(r) => r.get(k).cloned().unwrap_or_else(|| {
                    Err(BackendError::Ambiguous {
                        user: self.user.clone(),
                        operation: "delete",
                        detail: "the answer held fewer results than items".into(),
                    })
                }),
                Err(e) => Err(e.clone()),
            };
            out.push(match result {
                // Already gone is as good as deleted.
                Ok(()) | Err(BackendError::NotFound { .. }) => {
                    ex.deleted += 1;
                    let mut e = vec![Effect::Unlink];
                    if *deliver {
                        e.push(Effect::Deliver(Delivery::Delete));
                    }
                    Some(e)
                }
                Err(e) => self.fail(ex, app_id, e),
            });
        }
        out
    }
}
