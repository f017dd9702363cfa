//! [`SqliteStore`]: the state in one SQLite file (WAL journal, full sync: a commit that returned is
//! on disk). Opening a file migrates it to the current schema; a file from a newer exsync is
//! refused. The same file keeps the setup's sealed secrets ([`super::secret_blobs`]).

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::schema::{CURRENT_VERSION, MIGRATIONS};
use super::{AckOutcome, AppChange, Commit, Delivery, InboxEntry, Mapping, OutboxEntry, StateStore, StoreError};
use crate::backend::{Cursor, RemoteId};
use crate::sync::status::{FailureKind, RunError, RunRecord, SyncStatus};
use crate::sync::{AppId, ObjectKind, UserId, UserSettings};

/// The state in a SQLite database.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: String,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.path).finish_non_exhaustive()
    }
}

fn json<T: Serialize>(v: &T) -> String {
    // Plain data without maps keyed by non-strings: serializing cannot fail.
    serde_json::to_string(v).unwrap_or_default()
}

fn from_json<T: DeserializeOwned>(what: &'static str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt { what, detail: e.to_string() })
}

impl SqliteStore {
    /// Opens (creating it if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let shown = path.as_ref().display().to_string();
        let conn = Connection::open(path.as_ref()).map_err(|source| StoreError::Sqlite {
            path: shown.clone(),
            operation: "open",
            source,
        })?;
        Self::setup(conn, shown)
    }

    /// A private in-memory database (gone with the store).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory().map_err(|source| StoreError::Sqlite {
            path: ":memory:".into(),
            operation: "open",
            source,
        })?;
        Self::setup(conn, ":memory:".into())
    }

    fn setup(mut conn: Connection, path: String) -> Result<Self, StoreError> {
        let err = |operation| {
            let path = path.clone();
            move |source| StoreError::Sqlite { path, operation, source }
        };
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(err("configure"))?;
        // WAL keeps readers off the writer's back; FULL makes every commit durable on return.
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())).map_err(err("configure"))?;
        conn.execute_batch("PRAGMA synchronous = FULL;").map_err(err("configure"))?;
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(err("read schema version"))?;
        if found > CURRENT_VERSION {
            return Err(StoreError::NewerSchema { path, found, supported: CURRENT_VERSION });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(found).unwrap_or(0)) {
            let tx = conn.transaction().map_err(err("migrate"))?;
            tx.execute_batch(sql).map_err(err("migrate"))?;
            tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1)).map_err(err("migrate"))?;
            tx.commit().map_err(err("migrate"))?;
        }
        Ok(SqliteStore { conn: Mutex::new(conn), path })
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.lock().query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(self.err("read schema version"))
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Connection> {
        // rusqlite rolls back an open transaction when it is dropped during a panic.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn err(&self, operation: &'static str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::Sqlite { path: self.path.clone(), operation, source }
    }

    /// Runs `f` in a transaction, committing when it returns `Ok`.
    fn write<T>(
        &self,
        operation: &'static str,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.lock();
        let tx = conn.transaction().map_err(self.err(operation))?;
        let out = f(&tx)?;
        tx.commit().map_err(self.err(operation))?;
        Ok(out)
    }

    /// The status rows matching `filter` (an SQL condition over `user` and `kind`, with `args`).
    fn read_statuses(
        &self,
        conn: &Connection,
        filter: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<SyncStatus>, StoreError> {
        let e = || self.err("read the sync status");
        let sql = format!(
            "SELECT user, kind, last_attempt, last_success, last_run, totals, consecutive_failures, \
             error_kind, error_code, error_message, error_at FROM sync_status WHERE {filter} ORDER BY user, kind"
        );
        let mut stmt = conn.prepare(&sql).map_err(e())?;
        let rows = stmt
            .query_map(args, |r| {
                Ok(StatusRow {
                    user: r.get(0)?,
                    kind: r.get(1)?,
                    last_attempt: r.get(2)?,
                    last_success: r.get(3)?,
                    last_run: r.get(4)?,
                    totals: r.get(5)?,
                    consecutive_failures: r.get(6)?,
                    error_kind: r.get(7)?,
                    error_code: r.get(8)?,
                    error_message: r.get(9)?,
                    error_at: r.get(10)?,
                })
            })
            .map_err(e())?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row.map_err(e())?.into_status()?);
        }
        Ok(out)
    }

    fn enrolled(&self, tx: &Transaction<'_>, user: &UserId) -> Result<(), StoreError> {
        let found: Option<i64> = tx
            .query_row("SELECT 1 FROM users WHERE user = ?1", [user.as_str()], |r| r.get(0))
            .optional()
            .map_err(self.err("read users"))?;
        found.map(|_| ()).ok_or_else(|| StoreError::NotEnrolled { user: user.clone() })
    }
}

/// A `sync_status` row as read.
struct StatusRow {
    user: String,
    kind: String,
    last_attempt: Option<String>,
    last_success: Option<String>,
    last_run: Option<String>,
    totals: String,
    consecutive_failures: i64,
    error_kind: Option<String>,
    error_code: Option<String>,
    error_message: Option<String>,
    error_at: Option<String>,
}

const STATUS: &str = "sync status";

fn time(text: Option<String>) -> Result<Option<DateTime<Utc>>, StoreError> {
    text.map(|t| {
        DateTime::parse_from_rfc3339(&t)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| StoreError::Corrupt { what: STATUS, detail: format!("time {t:?}: {e}") })
    })
    .transpose()
}

impl StatusRow {
    fn into_status(self) -> Result<SyncStatus, StoreError> {
        let kind = ObjectKind::parse(&self.kind)
            .ok_or_else(|| StoreError::Corrupt { what: STATUS, detail: format!("unknown kind {:?}", self.kind) })?;
        let last_error = match (self.error_kind, self.error_message, time(self.error_at)?) {
            (Some(k), Some(message), Some(at)) => Some(RunError {
                kind: FailureKind::parse(&k)
                    .ok_or_else(|| StoreError::Corrupt { what: STATUS, detail: format!("unknown error kind {k:?}") })?,
                code: self.error_code,
                message,
                at,
            }),
            (None, None, None) => None,
            _ => return Err(StoreError::Corrupt { what: STATUS, detail: "incomplete last error".into() }),
        };
        Ok(SyncStatus {
            user: UserId(self.user),
            kind,
            last_attempt: time(self.last_attempt)?,
            last_success: time(self.last_success)?,
            last_run: self.last_run.map(|t| from_json(STATUS, &t)).transpose()?,
            totals: from_json(STATUS, &self.totals)?,
            last_error,
            consecutive_failures: u32::try_from(self.consecutive_failures.max(0)).unwrap_or(u32::MAX),
        })
    }
}

fn rfc3339(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

impl StateStore for SqliteStore {
    fn setup_config(&self) -> Result<Option<serde_json::Value>, StoreError> {
        let text: Option<String> = self
            .lock()
            .query_row("SELECT config FROM setup WHERE id = 1", [], |r| r.get(0))
            .optional()
            .map_err(self.err("read setup"))?;
        text.map(|t| from_json("setup configuration", &t)).transpose()
    }

    fn set_setup_config(&self, config: &serde_json::Value) -> Result<(), StoreError> {
        self.write("write setup", |tx| {
            tx.execute("INSERT OR REPLACE INTO setup (id, config) VALUES (1, ?1)", [json(config)])
                .map_err(self.err("write setup"))?;
            Ok(())
        })
    }

    fn enrol(&self, user: &UserId, settings: &UserSettings) -> Result<(), StoreError> {
        self.write("enrol", |tx| {
            tx.execute(
                "INSERT OR REPLACE INTO users (user, settings) VALUES (?1, ?2)",
                params![user.as_str(), json(settings)],
            )
            .map_err(self.err("enrol"))?;
            Ok(())
        })
    }

    fn user_settings(&self, user: &UserId) -> Result<Option<UserSettings>, StoreError> {
        let text: Option<String> = self
            .lock()
            .query_row("SELECT settings FROM users WHERE user = ?1", [user.as_str()], |r| r.get(0))
            .optional()
            .map_err(self.err("read users"))?;
        text.map(|t| from_json("user settings", &t)).transpose()
    }

    fn users(&self) -> Result<Vec<UserId>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare("SELECT user FROM users ORDER BY user").map_err(self.err("read users"))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(self.err("read users"))?;
        rows.map(|r| r.map(UserId).map_err(self.err("read users"))).collect()
    }

    fn remove_user(&self, user: &UserId) -> Result<bool, StoreError> {
        self.write("remove user", |tx| {
            let n =
                tx.execute("DELETE FROM users WHERE user = ?1", [user.as_str()]).map_err(self.err("remove user"))?;
            for table in ["sync_state", "id_map", "outbox", "inbox", "sync_status"] {
                tx.execute(&format!("DELETE FROM {table} WHERE user = ?1"), [user.as_str()])
                    .map_err(self.err("remove user"))?;
            }
            Ok(n > 0)
        })
    }

    fn push_app_change(&self, user: &UserId, kind: ObjectKind, change: &AppChange) -> Result<u64, StoreError> {
        self.write("queue an application change", |tx| {
            self.enrolled(tx, user)?;
            tx.execute(
                "INSERT INTO outbox (user, kind, app_id, change) VALUES (?1, ?2, ?3, ?4)",
                params![user.as_str(), kind.as_str(), change.app_id.as_str(), json(change)],
            )
            .map_err(self.err("queue an application change"))?;
            Ok(tx.last_insert_rowid() as u64)
        })
    }

    fn app_changes(&self, user: &UserId, kind: ObjectKind) -> Result<Vec<OutboxEntry>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare("SELECT seq, change FROM outbox WHERE user = ?1 AND kind = ?2 ORDER BY seq")
            .map_err(self.err("read the outbox"))?;
        let rows = stmt
            .query_map(params![user.as_str(), kind.as_str()], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(self.err("read the outbox"))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, text) = row.map_err(self.err("read the outbox"))?;
            out.push(OutboxEntry { seq: seq as u64, change: from_json("queued application change", &text)? });
        }
        Ok(out)
    }

    fn inbox(&self, user: &UserId, kind: Option<ObjectKind>, limit: usize) -> Result<Vec<InboxEntry>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare(
                "SELECT seq, kind, app_id, delivery FROM inbox WHERE user = ?1 AND (?2 IS NULL OR kind = ?2) \
                 ORDER BY seq LIMIT ?3",
            )
            .map_err(self.err("read the inbox"))?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![user.as_str(), kind.map(|k| k.as_str()), limit], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
            })
            .map_err(self.err("read the inbox"))?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, k, app_id, delivery) = row.map_err(self.err("read the inbox"))?;
            let kind = ObjectKind::parse(&k)
                .ok_or_else(|| StoreError::Corrupt { what: "inbox entry", detail: format!("unknown kind {k:?}") })?;
            out.push(InboxEntry {
                seq: seq as u64,
                user: user.clone(),
                kind,
                app_id: AppId(app_id),
                delivery: from_json("inbox entry", &delivery)?,
            });
        }
        Ok(out)
    }

    fn ack(&self, user: &UserId, seq: u64, app_version: Option<&str>) -> Result<AckOutcome, StoreError> {
        self.write("acknowledge", |tx| {
            let row: Option<(String, String, String)> = tx
                .query_row(
                    "SELECT kind, app_id, delivery FROM inbox WHERE seq = ?1 AND user = ?2",
                    params![seq as i64, user.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(self.err("acknowledge"))?;
            let Some((kind, app_id, delivery)) = row else { return Ok(AckOutcome::Superseded) };
            tx.execute("DELETE FROM inbox WHERE seq = ?1", [seq as i64]).map_err(self.err("acknowledge"))?;
            // Applying the delivery replaced whatever the application had queued for the record.
            tx.execute(
                "DELETE FROM outbox WHERE user = ?1 AND kind = ?2 AND app_id = ?3",
                params![user.as_str(), kind, app_id],
            )
            .map_err(self.err("acknowledge"))?;
            if matches!(from_json::<Delivery>("inbox entry", &delivery)?, Delivery::Upsert(_)) {
                tx.execute(
                    "UPDATE id_map SET app_version = ?1 WHERE user = ?2 AND kind = ?3 AND app_id = ?4",
                    params![app_version, user.as_str(), kind, app_id],
                )
                .map_err(self.err("acknowledge"))?;
            }
            Ok(AckOutcome::Acknowledged)
        })
    }

    fn cursor(&self, user: &UserId, kind: ObjectKind) -> Result<Option<Cursor>, StoreError> {
        self.lock()
            .query_row(
                "SELECT cursor FROM sync_state WHERE user = ?1 AND kind = ?2",
                params![user.as_str(), kind.as_str()],
                |r| r.get::<_, String>(0),
            )
            .optional()
            .map(|c| c.map(Cursor))
            .map_err(self.err("read the sync state"))
    }

    fn mappings(&self, user: &UserId, kind: ObjectKind) -> Result<Vec<Mapping>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare(
                "SELECT app_id, remote_id, change_key, record, hash, app_version FROM id_map \
                 WHERE user = ?1 AND kind = ?2 ORDER BY app_id",
            )
            .map_err(self.err("read the id map"))?;
        let rows = stmt
            .query_map(params![user.as_str(), kind.as_str()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })
            .map_err(self.err("read the id map"))?;
        let mut out = Vec::new();
        for row in rows {
            let (app_id, id, change_key, record, hash, app_version) = row.map_err(self.err("read the id map"))?;
            out.push(Mapping {
                app_id: AppId(app_id),
                remote: RemoteId { id, change_key },
                record: from_json("id map record", &record)?,
                hash: hash as u64,
                app_version,
            });
        }
        Ok(out)
    }

    fn commit(&self, user: &UserId, kind: ObjectKind, commit: &Commit) -> Result<(), StoreError> {
        let (u, k) = (user.as_str(), kind.as_str());
        self.write("commit a sync round", |tx| {
            self.enrolled(tx, user)?;
            let e = || self.err("commit a sync round");
            if commit.clear_map {
                tx.execute("DELETE FROM id_map WHERE user = ?1 AND kind = ?2", params![u, k]).map_err(e())?;
            }
            for a in &commit.unlinks {
                tx.execute("DELETE FROM id_map WHERE user = ?1 AND kind = ?2 AND app_id = ?3", params![u, k, a.as_str()])
                    .map_err(e())?;
            }
            for m in &commit.links {
                tx.execute(
                    "DELETE FROM id_map WHERE user = ?1 AND kind = ?2 AND remote_id = ?3 AND app_id <> ?4",
                    params![u, k, m.remote.id, m.app_id.as_str()],
                )
                .map_err(e())?;
                tx.execute(
                    "INSERT OR REPLACE INTO id_map (user, kind, app_id, remote_id, change_key, record, hash, app_version) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![u, k, m.app_id.as_str(), m.remote.id, m.remote.change_key, json(&m.record), m.hash as i64, m.app_version],
                )
                .map_err(e())?;
            }
            for seq in &commit.consumed {
                tx.execute("DELETE FROM outbox WHERE seq = ?1 AND user = ?2 AND kind = ?3", params![*seq as i64, u, k])
                    .map_err(e())?;
            }
            for (app_id, delivery) in &commit.deliveries {
                tx.execute("DELETE FROM inbox WHERE user = ?1 AND kind = ?2 AND app_id = ?3", params![u, k, app_id.as_str()])
                    .map_err(e())?;
                tx.execute(
                    "INSERT INTO inbox (user, kind, app_id, delivery) VALUES (?1, ?2, ?3, ?4)",
                    params![u, k, app_id.as_str(), json(delivery)],
                )
                .map_err(e())?;
            }
            if let Some(c) = &commit.cursor {
                tx.execute("INSERT OR REPLACE INTO sync_state (user, kind, cursor) VALUES (?1, ?2, ?3)", params![u, k, c.0])
                    .map_err(e())?;
            }
            Ok(())
        })
    }

    fn reset(&self, user: &UserId, kind: ObjectKind) -> Result<(), StoreError> {
        self.write("reset the sync state", |tx| {
            let e = || self.err("reset the sync state");
            tx.execute("DELETE FROM id_map WHERE user = ?1 AND kind = ?2", params![user.as_str(), kind.as_str()])
                .map_err(e())?;
            tx.execute("DELETE FROM sync_state WHERE user = ?1 AND kind = ?2", params![user.as_str(), kind.as_str()])
                .map_err(e())?;
            Ok(())
        })
    }

    fn record_run(&self, user: &UserId, kind: ObjectKind, run: &RunRecord) -> Result<SyncStatus, StoreError> {
        self.write("record a sync run", |tx| {
            self.enrolled(tx, user)?;
            let (u, k) = (user.as_str(), kind.as_str());
            let mut status = self
                .read_statuses(tx, "user = ?1 AND kind = ?2", &[&u, &k])?
                .pop()
                .unwrap_or_else(|| SyncStatus::never(user.clone(), kind));
            status.apply(run);
            let e = status.last_error.as_ref();
            tx.execute(
                "INSERT OR REPLACE INTO sync_status (user, kind, last_attempt, last_success, last_run, totals, \
                 consecutive_failures, error_kind, error_code, error_message, error_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    u,
                    k,
                    rfc3339(status.last_attempt),
                    rfc3339(status.last_success),
                    status.last_run.as_ref().map(json),
                    json(&status.totals),
                    i64::from(status.consecutive_failures),
                    e.map(|e| e.kind.as_str()),
                    e.and_then(|e| e.code.as_deref()),
                    e.map(|e| e.message.as_str()),
                    rfc3339(e.map(|e| e.at)),
                ],
            )
            .map_err(self.err("record a sync run"))?;
            Ok(status)
        })
    }

    fn status(&self, user: &UserId, kind: ObjectKind) -> Result<Option<SyncStatus>, StoreError> {
        let conn = self.lock();
        Ok(self.read_statuses(&conn, "user = ?1 AND kind = ?2", &[&user.as_str(), &kind.as_str()])?.pop())
    }

    fn statuses(&self) -> Result<Vec<SyncStatus>, StoreError> {
        let conn = self.lock();
        self.read_statuses(&conn, "1 = 1", &[])
    }
}
