//! Opaque handles: the C types are zero-sized structs C only ever sees behind a pointer
//! (`_private: [u8; 0]`, as in rustls-ffi); the pointer is a `Box` of the Rust state. `_new`
//! functions hand one out, `_free` takes it back (`_free(NULL)` does nothing). Using a handle after
//! `_free`, freeing it twice, or passing a pointer that is not a live handle of the right type is
//! undefined behaviour, as with `free()` in C.
//!
//! The state behind a handle is `Exclusive`: calls from several threads take turns, and a call
//! made on a thread that is already inside a call on the same handle (from a callback) fails with
//! `EXSYNC_ERR_WRONG_STATE` instead of deadlocking.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use super::error::FfiError;

/// The setup flow: the admin's steps, validation, and saving (see the `exsync_setup_*`
/// functions).
pub struct exsync_setup {
    _private: [u8; 0],
}

/// The sync engine over a SQLite state store (see the `exsync_engine_*` functions).
pub struct exsync_engine {
    _private: [u8; 0],
}

/// A simulated Exchange server on loopback, for tests (see the `exsync_simulator_*` functions).
pub struct exsync_simulator {
    _private: [u8; 0],
}

/// Ties a C handle type to the Rust state behind it.
pub(crate) trait Opaque {
    /// The state.
    type Inner: Send + Sync;
}

/// Boxes `inner` and hands out the C pointer.
pub(crate) fn into_raw<T: Opaque>(inner: T::Inner) -> *mut T {
    Box::into_raw(Box::new(inner)).cast()
}

/// The state behind a handle; NULL is an error naming `param`.
///
/// # Safety
/// `ptr` must be NULL or a live handle of type `T` that outlives `'a`.
pub(crate) unsafe fn borrow<'a, T: Opaque>(ptr: *const T, param: &'static str) -> Result<&'a T::Inner, FfiError> {
    // SAFETY: a live handle points to a boxed `T::Inner` (see `into_raw`).
    unsafe { ptr.cast::<T::Inner>().as_ref() }.ok_or(FfiError::Null { param })
}

/// Takes a handle back and drops its state; NULL does nothing.
///
/// # Safety
/// `ptr` must be NULL or a live handle of type `T`, not used afterwards.
pub(crate) unsafe fn free<T: Opaque>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: `ptr` came from `into_raw::<T>` and is given back once.
        drop(unsafe { Box::from_raw(ptr.cast::<T::Inner>()) });
    }
}

static NEXT_THREAD_TOKEN: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static THREAD_TOKEN: u64 = NEXT_THREAD_TOKEN.fetch_add(1, Ordering::Relaxed);
}

fn thread_token() -> u64 {
    THREAD_TOKEN.with(|t| *t)
}

/// State that one call at a time may use, refusing re-entry from the same thread.
#[derive(Debug)]
pub(crate) struct Exclusive<T> {
    state: Mutex<T>,
    holder: AtomicU64,
}

/// Access to an [`Exclusive`]'s state for the length of a call.
pub(crate) struct ExclusiveGuard<'a, T> {
    guard: MutexGuard<'a, T>,
    holder: &'a AtomicU64,
}

impl<T> Exclusive<T> {
    /// Wraps `state`.
    pub(crate) fn new(state: T) -> Self {
        Exclusive { state: Mutex::new(state), holder: AtomicU64::new(0) }
    }

    /// Waits for other threads' calls to finish; refuses a call from inside a call on this thread
    /// (`what` names the handle in the message).
    pub(crate) fn lock(&self, what: &str) -> Result<ExclusiveGuard<'_, T>, FfiError> {
        let me = thread_token();
        if self.holder.load(Ordering::Acquire) == me {
            return Err(FfiError::wrong_state(format!(
                "the {what} is busy in a call on this thread (a callback may not call back into its own handle)"
            )));
        }
        let guard = self.state.lock().map_err(|_| {
            FfiError::wrong_state(format!("the {what} is unusable after an internal error in an earlier call; free it"))
        })?;
        self.holder.store(me, Ordering::Release);
        Ok(ExclusiveGuard { guard, holder: &self.holder })
    }
}

impl<T> Drop for ExclusiveGuard<'_, T> {
    fn drop(&mut self) {
        self.holder.store(0, Ordering::Release);
    }
}

impl<T> Deref for ExclusiveGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> DerefMut for ExclusiveGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reentry_on_one_thread_is_refused_and_other_threads_wait() {
        let x = std::sync::Arc::new(Exclusive::new(0u32));
        {
            let mut g = x.lock("engine").unwrap();
            *g += 1;
            let err = x.lock("engine").err().unwrap();
            assert!(err.to_string().contains("busy"), "{err}");
        }
        let y = std::sync::Arc::clone(&x);
        std::thread::spawn(move || *y.lock("engine").unwrap() += 1).join().unwrap();
        assert_eq!(*x.lock("engine").unwrap(), 2);
    }
}
