//! The sync engine: the canonical records the application sees ([`Contact`], [`Event`]), the
//! per-user settings, the pure [`planner`] that turns both sides' changes and the stored state into
//! [`Action`]s, the [`executor`] that runs them over a mailbox backend, and [`SyncEngine`], the
//! driver the application uses. [`Fleet`] syncs every enrolled user, many at once within the
//! engine's [`SyncLimits`]; [`SyncProgress`] events feed a progress bar, and each user's
//! [`SyncStatus`] (last success, counts, last error with its Exchange code) is kept in the store.
//!
//! The engine follows plan → execute → commit: a pure decision table (as in vdirsyncer) decides,
//! a thin async executor runs the decisions against a [`MailboxBackend`](crate::backend::MailboxBackend),
//! and one store transaction records the outcome.

pub mod conflict;
pub mod contact;
pub mod engine;
pub mod event;
pub mod executor;
pub mod fleet;
pub mod limits;
pub mod plan;
pub mod planner;
pub mod progress;
pub mod record;
pub mod settings;
pub mod status;

pub use conflict::{Conflict, ConflictResolver, Resolution, decide, decide_under};
pub use contact::{AddressKind, Contact, Email, MAX_EMAILS, Phone, PhoneKind, PostalAddress};
pub use engine::{SyncEngine, SyncError, SyncReport};
pub use event::{
    Attendee, AttendeeResponse, AttendeeRole, DayGroup, Event, MAX_ATTENDEES, OccurrenceException, Recurrence,
    RecurrenceEnd, RecurrenceRule, Sensitivity, ShowAs, WeekOfMonth, Weekday,
};
pub use executor::{Execution, Failure};
pub use fleet::{Fleet, FleetSummary, UserOutcome};
pub use limits::SyncLimits;
pub use plan::{Action, ConflictOutcome, Plan, PlanError, PlanInput, PlanMode, RemoteOp, Skip, SkipReason, Subject};
pub use planner::plan;
pub use progress::{FolderOutcome, KindOutcome, ProgressSink, SyncProgress};
pub use record::{AppId, ObjectKind, Record, RecordError, UserId};
pub use settings::{
    ConflictPolicy, ContactSettings, ContactsFolder, Direction, EventSettings, EventWindow, SyncSettings, UserSettings,
};
pub use status::{FailureKind, RunCounts, RunError, RunOutcome, RunRecord, SyncStatus};
