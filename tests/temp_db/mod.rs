//! A SQLite state file in a fresh temporary folder of its own, removed with the folder when the
//! value is dropped. Shared by the tests that open, close and reopen state files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// A temporary folder holding one state file.
pub struct TempDb(PathBuf);

impl TempDb {
    /// A new empty folder, named after the test binary's process, `name` and a counter.
    pub fn new(name: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("exsync-test-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDb(dir)
    }

    /// The state file's path (`state.db` in the folder).
    pub fn path(&self) -> PathBuf {
        self.0.join("state.db")
    }

    /// The folder.
    #[allow(dead_code)]
    pub fn dir(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
