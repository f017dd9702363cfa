//! Conflicts: both sides changed the same record since it was last in step. The
//! [`ConflictPolicy`] decides, or the host through a [`ConflictResolver`].
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use exsync::sync::{decide, AppId, Conflict, ConflictPolicy, Contact, ObjectKind, Record, Resolution, UserId};
//!
//! let (user, id) = (UserId::new("alice@contoso.com"), AppId::new("c1"));
//! let app = Record::from(Contact { given_name: Some("Ann".into()), ..Contact::default() });
//! let exchange = Record::from(Contact { given_name: Some("Anne".into()), ..Contact::default() });
//! let conflict = Conflict {
//!     user: &user,
//!     kind: ObjectKind::Contacts,
//!     app_id: &id,
//!     base: None,
//!     app: Some(&app),
//!     app_changed_at: Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap(),
//!     exchange: Some(&exchange),
//!     exchange_changed_at: Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
//! };
//! // The application changed it last.
//! assert_eq!(decide(ConflictPolicy::MostRecent, &conflict, None).unwrap(), Resolution::KeepApp);
//! assert_eq!(decide(ConflictPolicy::ExchangeWins, &conflict, None).unwrap(), Resolution::KeepExchange);
//! ```

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::plan::PlanError;
use super::record::{AppId, ObjectKind, Record, UserId};
use super::settings::{ConflictPolicy, SyncSettings};

/// Both versions of a record in conflict. `None` on a side means that side deleted it.
#[derive(Debug, Clone, Copy)]
pub struct Conflict<'a> {
    /// Whose record.
    pub user: &'a UserId,
    /// Contact or event.
    pub kind: ObjectKind,
    /// The application's id.
    pub app_id: &'a AppId,
    /// The content both sides held at the last sync (`None` when two records were first matched).
    pub base: Option<&'a Record>,
    /// The application's version (`None`: deleted).
    pub app: Option<&'a Record>,
    /// When the application made its change.
    pub app_changed_at: DateTime<Utc>,
    /// Exchange's version (`None`: deleted).
    pub exchange: Option<&'a Record>,
    /// When Exchange's version was last modified (unknown for deletions).
    pub exchange_changed_at: Option<DateTime<Utc>>,
}

/// How a conflict ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The application's version (or deletion) goes to Exchange.
    KeepApp,
    /// Exchange's version (or deletion) goes to the application.
    KeepExchange,
    /// This record (a merge made by the host) goes to both sides.
    Use(Record),
}

/// The host's own conflict decisions, for [`ConflictPolicy::HostDecides`].
pub trait ConflictResolver: Send + Sync {
    /// Decides one conflict. Called during planning, so it must not block for long.
    fn resolve(&self, conflict: &Conflict<'_>) -> Resolution;
}

impl<F: Fn(&Conflict<'_>) -> Resolution + Send + Sync> ConflictResolver for F {
    fn resolve(&self, conflict: &Conflict<'_>) -> Resolution {
        self(conflict)
    }
}

/// Decides a conflict under `policy`.
///
/// [`ConflictPolicy::MostRecent`]: the later change wins, Exchange on a tie; a deletion in
/// Exchange (whose time is unknown) loses to an edit in the application, and an edit in Exchange
/// whose time is unknown wins over a deletion in the application, so no edit is lost to a guess.
/// An Exchange edit of unknown time against an application edit (a delivery the application has
/// not acknowledged yet) loses: the application reported its edit after the delivery was made.
/// [`ConflictPolicy::HostDecides`] without a resolver is an error, and so is a host's merge that
/// is not of the conflict's kind.
pub fn decide(
    policy: ConflictPolicy,
    conflict: &Conflict<'_>,
    resolver: Option<&dyn ConflictResolver>,
) -> Result<Resolution, PlanError> {
    Ok(match policy {
        ConflictPolicy::AppWins => Resolution::KeepApp,
        ConflictPolicy::ExchangeWins => Resolution::KeepExchange,
        ConflictPolicy::MostRecent => match (conflict.app, conflict.exchange, conflict.exchange_changed_at) {
            (Some(_), None, _) => Resolution::KeepApp,
            (None, Some(_), None) => Resolution::KeepExchange,
            (Some(_), Some(_), None) => Resolution::KeepApp,
            (_, _, Some(ex)) if conflict.app_changed_at > ex => Resolution::KeepApp,
            _ => Resolution::KeepExchange,
        },
        ConflictPolicy::HostDecides => {
            let Some(r) = resolver else {
                return Err(PlanError::NoResolver {
                    user: conflict.user.clone(),
                    kind: conflict.kind,
                    app_id: conflict.app_id.clone(),
                });
            };
            let decision = r.resolve(conflict);
            if let Resolution::Use(rec) = &decision {
                if rec.kind() != conflict.kind {
                    return Err(PlanError::WrongKind {
                        user: conflict.user.clone(),
                        kind: conflict.kind,
                        app_id: conflict.app_id.clone(),
                    });
                }
            }
            decision
        }
    })
}

/// Decides a conflict under `settings`: with one direction only, the side that flows wins;
/// otherwise as [`decide`] with the settings' policy.
pub fn decide_under(
    settings: &SyncSettings,
    conflict: &Conflict<'_>,
    resolver: Option<&dyn ConflictResolver>,
) -> Result<Resolution, PlanError> {
    match (settings.direction.app_to_exchange(), settings.direction.exchange_to_app()) {
        (true, false) => Ok(Resolution::KeepApp),
        (false, true) => Ok(Resolution::KeepExchange),
        _ => decide(settings.conflict_policy, conflict, resolver),
    }
}
