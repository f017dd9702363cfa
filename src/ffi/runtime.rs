//! The tokio runtime a handle owns to drive async calls: the exported function blocks on it, on
//! the caller's thread, which must not itself be a tokio thread.

use std::future::Future;

use tokio::runtime::{Builder, Runtime};

use super::error::FfiError;

/// A runtime owned by a handle; dropped without waiting for tasks still running.
#[derive(Debug)]
pub(crate) struct OwnedRuntime(Option<Runtime>);

impl OwnedRuntime {
    /// A multi-threaded runtime with `workers` worker threads named `exsync-{name}`.
    pub(crate) fn new(name: &str, workers: usize) -> Result<Self, FfiError> {
        Builder::new_multi_thread()
            .worker_threads(workers.max(1))
            .thread_name(format!("exsync-{name}"))
            .enable_all()
            .build()
            .map(|rt| OwnedRuntime(Some(rt)))
            .map_err(|e| FfiError::Runtime(format!("the async runtime could not start: {e}")))
    }

    /// Runs `future` to completion on the calling thread. Refused on a thread that is already
    /// inside a tokio runtime (blocking there would stall or panic).
    pub(crate) fn block_on<F: Future>(&self, future: F) -> Result<F::Output, FfiError> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(FfiError::Runtime(
                "a blocking exsync call was made from inside an async runtime thread; call it from a plain thread"
                    .to_owned(),
            ));
        }
        let rt = self.0.as_ref().ok_or_else(|| FfiError::wrong_state("the runtime has been shut down"))?;
        Ok(rt.block_on(future))
    }
}

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}
