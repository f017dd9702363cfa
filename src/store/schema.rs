//! The SQLite schema, as a list of migrations: migration `i` takes a database from version `i` to
//! `i + 1` (the version is SQLite's `user_version`). A new release appends migrations and never
//! edits old ones; opening a database runs the missing ones, each in its own transaction.

/// The migrations, oldest first.
pub const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    r#"
    CREATE TABLE setup (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        config TEXT NOT NULL
    );
    CREATE TABLE users (
        user TEXT PRIMARY KEY,
        settings TEXT NOT NULL
    );
    CREATE TABLE sync_state (
        user TEXT NOT NULL,
        kind TEXT NOT NULL,
        cursor TEXT NOT NULL,
        PRIMARY KEY (user, kind)
    );
    CREATE TABLE id_map (
        user TEXT NOT NULL,
        kind TEXT NOT NULL,
        app_id TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        change_key TEXT,
        record TEXT NOT NULL,
        hash INTEGER NOT NULL,
        app_version TEXT,
        PRIMARY KEY (user, kind, app_id),
        UNIQUE (user, kind, remote_id)
    );
    CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        user TEXT NOT NULL,
        kind TEXT NOT NULL,
        app_id TEXT NOT NULL,
        change TEXT NOT NULL
    );
    CREATE INDEX outbox_by_user ON outbox (user, kind, seq);
    CREATE INDEX outbox_by_record ON outbox (user, kind, app_id);
    CREATE TABLE inbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        user TEXT NOT NULL,
        kind TEXT NOT NULL,
        app_id TEXT NOT NULL,
        delivery TEXT NOT NULL,
        UNIQUE (user, kind, app_id)
    );
    CREATE INDEX inbox_by_user ON inbox (user, seq);
    "#,
    // 2: the sync status of each user and kind. Counts are JSON objects (`RunCounts`).
    r#"
    CREATE TABLE sync_status (
        user TEXT NOT NULL,
        kind TEXT NOT NULL,
        last_attempt TEXT,
        last_success TEXT,
        last_run TEXT,
        totals TEXT NOT NULL,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        error_kind TEXT,
        error_code TEXT,
        error_message TEXT,
        error_at TEXT,
        PRIMARY KEY (user, kind)
    );
    "#,
    // 3: sealed secrets of the setup (`SecretBlobs` for `EncryptedSecretStore`).
    r#"
    CREATE TABLE secrets (
        reference TEXT PRIMARY KEY,
        sealed BLOB NOT NULL
    );
    "#,
];

/// The schema version this build writes.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;
