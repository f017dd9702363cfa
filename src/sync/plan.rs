//! What the planner takes ([`PlanInput`]) and gives ([`Plan`]: the [`Action`]s, the outbox entries
//! they settle, and what was skipped, matched or decided, with the reasons). A dry run returns the
//! plan without executing it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::conflict::{ConflictResolver, Resolution};
use super::record::{AppId, ObjectKind, Record, RecordError, UserId};
use super::settings::{ConflictPolicy, SyncSettings};
use crate::backend::{MAX_BATCH, RemoteChange, RemoteId};
use crate::store::{Delivery, Mapping, OutboxEntry};

/// How the planner reads the remote changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanMode {
    /// The changes since the stored cursor.
    Incremental,
    /// A complete listing of the folder (first sync, or after the cursor was lost): a linked item
    /// missing from it was deleted.
    Full,
    /// Rebuilding the id map after a reset: a complete listing, matched against the application's
    /// reported records; only links are made, no data is touched on either side.
    Rebuild,
}

/// Everything the planner looks at.
#[derive(Clone, Copy)]
pub struct PlanInput<'a> {
    /// Whose records.
    pub user: &'a UserId,
    /// Contacts or events.
    pub kind: ObjectKind,
    /// Direction, deletions, conflicts, guard.
    pub settings: &'a SyncSettings,
    /// For events: the window `[from, to)` new events must touch to be synced.
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// How to read `remote_changes`.
    pub mode: PlanMode,
    /// The application's queued changes, oldest first.
    pub app_changes: &'a [OutboxEntry],
    /// Exchange's changes (a complete listing in `Full` and `Rebuild` modes).
    pub remote_changes: &'a [RemoteChange],
    /// The id map.
    pub mappings: &'a [Mapping],
    /// Deliveries the application has not acknowledged yet, by record.
    pub pending: &'a [(AppId, Delivery)],
    /// Skip the empty-side guard (the host confirmed that one side really was emptied).
    pub force: bool,
    /// The host's conflict decisions, for [`ConflictPolicy::HostDecides`].
    pub resolver: Option<&'a dyn ConflictResolver>,
}

/// One thing to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum Action {
    /// Create the record in Exchange (tagged with `app_id`) and link it.
    CreateRemote {
        /// The application's id.
        app_id: AppId,
        /// The content.
        record: Record,
        /// The application's version of it.
        app_version: Option<String>,
        /// Also deliver `record` to the application (it replaces a pending delivery that lost a
        /// conflict, or carries a host's merge).
        deliver: bool,
    },
    /// Update the Exchange item and relink it.
    UpdateRemote {
        /// The application's id.
        app_id: AppId,
        /// The item at the version the update is based on.
        remote: RemoteId,
        /// What the item holds now (as far as the engine knows).
        base: Record,
        /// The new content.
        record: Record,
        /// The application's version of it.
        app_version: Option<String>,
        /// Also deliver `record` to the application.
        deliver: bool,
    },
    /// Delete the Exchange item and unlink it.
    DeleteRemote {
        /// The application's id.
        app_id: AppId,
        /// The item.
        remote: RemoteId,
        /// Also deliver the deletion to the application (it replaces a pending delivery).
        deliver: bool,
    },
    /// Deliver Exchange's version to the application and link it.
    DeliverUpsert {
        /// The application's id (new records from Exchange get one, see
        /// [`AppId::for_remote`]).
        app_id: AppId,
        /// The item.
        remote: RemoteId,
        /// Its content.
        record: Record,
    },
    /// Deliver a deletion to the application and unlink the record.
    DeliverDelete {
        /// The application's id.
        app_id: AppId,
    },
    /// Link (or relink) a record and an item whose contents agree, touching neither.
    Link {
        /// The application's id.
        app_id: AppId,
        /// The item.
        remote: RemoteId,
        /// The content both hold (or the base for the next comparison).
        record: Record,
        /// The application's version.
        app_version: Option<String>,
    },
    /// Unlink a record and an item, touching neither.
    Unlink {
        /// The application's id.
        app_id: AppId,
    },
}

impl Action {
    /// The application's id the action is about.
    pub fn app_id(&self) -> &AppId {
        match self {
            Action::CreateRemote { app_id, .. }
            | Action::UpdateRemote { app_id, .. }
            | Action::DeleteRemote { app_id, .. }
            | Action::DeliverUpsert { app_id, .. }
            | Action::DeliverDelete { app_id }
            | Action::Link { app_id, .. }
            | Action::Unlink { app_id } => app_id,
        }
    }

    /// Which backend call the action needs, if any.
    pub fn remote_op(&self) -> Option<RemoteOp> {
        match self {
            Action::CreateRemote { .. } => Some(RemoteOp::Create),
            Action::UpdateRemote { .. } => Some(RemoteOp::Update),
            Action::DeleteRemote { .. } => Some(RemoteOp::Delete),
            _ => None,
        }
    }
}

/// The backend calls actions are batched into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoteOp {
    /// `create`.
    Create,
    /// `update`.
    Update,
    /// `delete`.
    Delete,
}

/// Which side a skipped change was on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// An application record.
    App(AppId),
    /// An Exchange item (by id).
    Remote(String),
}

/// Why a change was not acted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The direction setting does not carry it.
    Direction,
    /// A new event outside the sync window.
    OutOfWindow,
    /// The record cannot be written to Exchange; the change stays queued until the application
    /// corrects the record.
    Invalid(String),
    /// Rebuilding: no counterpart was found; nothing was created.
    Unmatched,
}

/// A change not acted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skip {
    /// What.
    pub subject: Subject,
    /// Why.
    pub reason: SkipReason,
}

/// How a conflict was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictOutcome {
    /// The record.
    pub app_id: AppId,
    /// The policy in force.
    pub policy: ConflictPolicy,
    /// The decision.
    pub resolution: Resolution,
}

/// The planner's result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// What to do, in order.
    pub actions: Vec<Action>,
    /// The outbox entries each record's actions settle: committed once the record's backend
    /// actions (if any) succeeded.
    pub settles: BTreeMap<AppId, Vec<u64>>,
    /// Changes not acted on.
    pub skipped: Vec<Skip>,
    /// Conflicts and their decisions.
    pub conflicts: Vec<ConflictOutcome>,
    /// Records linked by matching (tag or content) rather than by the id map.
    pub matched: Vec<(AppId, String)>,
    /// Whether the id map is replaced (rebuilding).
    pub clear_map: bool,
}

impl Plan {
    /// The indices of the actions needing backend calls, grouped by call and cut into batches of
    /// at most `max` (capped at [`MAX_BATCH`]): creates, then updates, then deletes.
    pub fn batches(&self, max: usize) -> Vec<(RemoteOp, Vec<usize>)> {
        let max = max.clamp(1, MAX_BATCH);
        let mut out = Vec::new();
        for op in [RemoteOp::Create, RemoteOp::Update, RemoteOp::Delete] {
            let idx: Vec<usize> =
                self.actions.iter().enumerate().filter(|(_, a)| a.remote_op() == Some(op)).map(|(i, _)| i).collect();
            out.extend(idx.chunks(max).map(|c| (op, c.to_vec())));
        }
        out
    }

    /// Whether the plan changes nothing anywhere.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty() && self.settles.is_empty()
    }
}

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// One side reports every linked record gone: probably an emptied folder or a broken
    /// application export rather than real deletions.
    #[error(
        "{side} reports all {linked} linked {kind} of {user} deleted; nothing was changed. If that is right, \
         sync again with force"
    )]
    EmptySide {
        /// Whose records.
        user: UserId,
        /// Which kind.
        kind: ObjectKind,
        /// "Exchange" or "the application".
        side: &'static str,
        /// How many records were linked.
        linked: usize,
    },
    /// The policy is `HostDecides` but no resolver was given.
    #[error(
        "conflict on {kind} record {app_id} of {user}: the policy says the host decides, but no conflict resolver is set"
    )]
    NoResolver {
        /// Whose record.
        user: UserId,
        /// Which kind.
        kind: ObjectKind,
        /// Which record.
        app_id: AppId,
    },
    /// The host's merge is of the other kind.
    #[error("conflict on {kind} record {app_id} of {user}: the resolver's merged record is not of kind {kind}")]
    WrongKind {
        /// Whose record.
        user: UserId,
        /// Which kind.
        kind: ObjectKind,
        /// Which record.
        app_id: AppId,
    },
}

/// An invalid record as a skip reason.
pub(crate) fn invalid(e: &RecordError) -> SkipReason {
    SkipReason::Invalid(e.to_string())
}
