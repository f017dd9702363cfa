//! The asynchronous side of [`AccountConcurrency`]: a request waits here until the service
//! account and its mailbox both have room, and gives its slot back when it ends.

use std::sync::Mutex;
use std::time::SystemTime;

use tokio::sync::Notify;

use super::retry::{AccountConcurrency, AdaptivePolicy, ConcurrencyLimits, RequestSlot, SlotOutcome};

/// Concurrency gate of one service account.
#[derive(Debug)]
pub(crate) struct ConcurrencyGate {
    state: Mutex<AccountConcurrency>,
    freed: Notify,
}

impl ConcurrencyGate {
    pub fn new(limits: ConcurrencyLimits, policy: AdaptivePolicy) -> Self {
        ConcurrencyGate { state: Mutex::new(AccountConcurrency::new(limits, policy)), freed: Notify::new() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, AccountConcurrency> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits for a slot for `mailbox`.
    pub async fn acquire(&self, mailbox: &str) -> RequestSlot {
        loop {
            let freed = self.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            if let Ok(slot) = self.lock().try_begin(mailbox) {
                return slot;
            }
            freed.await;
        }
    }

    /// Gives `slot` back.
    pub fn release(&self, slot: RequestSlot, outcome: SlotOutcome) {
        self.lock().finish(slot, outcome, SystemTime::now());
        self.freed.notify_waiters();
    }

    /// The account limit in force.
    pub fn account_limit(&self) -> u32 {
        self.lock().account_limit()
    }
}
