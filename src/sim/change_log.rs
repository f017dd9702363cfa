//! A folder's change log: every time an item arrived in the folder, changed in it, or left it, in
//! the order it happened, numbered by the mailbox's change numbers. Sync states are positions in it.

/// What happened to an item in a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LogOp {
    /// The item was created in the folder or moved into it.
    Added,
    /// The item changed.
    Modified,
    /// The item was deleted or moved out.
    Removed,
}

/// One entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LogEntry {
    /// The mailbox change number of this change (increasing along the log).
    pub(crate) seq: u64,
    /// The item's number.
    pub(crate) item: u64,
    /// What happened.
    pub(crate) op: LogOp,
}

/// The entries of one folder, in change-number order. Entries are never dropped, so any sync state
/// the server ever issued for the folder can be replayed.
#[derive(Debug, Clone, Default)]
pub(crate) struct ChangeLog {
    entries: Vec<LogEntry>,
}

impl ChangeLog {
    /// Appends an entry. Change numbers must increase.
    pub(crate) fn push(&mut self, seq: u64, item: u64, op: LogOp) {
        debug_assert!(self.entries.last().is_none_or(|e| e.seq < seq), "change numbers must increase");
        self.entries.push(LogEntry { seq, item, op });
    }

    /// The entries after change number `seq`.
    pub(crate) fn since(&self, seq: u64) -> &[LogEntry] {
        let start = self.entries.partition_point(|e| e.seq <= seq);
        &self.entries[start..]
    }

    /// Number of entries.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_returns_the_tail_after_a_change_number() {
        let mut log = ChangeLog::default();
        log.push(2, 1, LogOp::Added);
        log.push(5, 1, LogOp::Modified);
        log.push(9, 2, LogOp::Added);
        assert_eq!(log.since(0).len(), 3);
        assert_eq!(log.since(2).len(), 2);
        assert_eq!(log.since(4)[0].seq, 5);
        assert_eq!(log.since(5)[0].item, 2);
        assert!(log.since(9).is_empty());
        assert_eq!(log.len(), 3);
    }
}
