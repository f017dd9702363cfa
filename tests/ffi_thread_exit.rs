//! exsync calls made while a thread exits (from a thread-local's destructor, as a C++
//! `thread_local` RAII wrapper or a `pthread_key_create` destructor would make them) must not
//! abort the process, even after the library's own thread-locals are gone.

use std::ptr::null_mut;

use exsync::ffi::engine::{exsync_engine_free, exsync_engine_open};
use exsync::ffi::error::{exsync_last_error_code, exsync_last_error_message};
use exsync::ffi::exsync_result::*;
use exsync::ffi::setup::{exsync_setup_current_step, exsync_setup_free, exsync_setup_new};

struct FreesOnExit;

impl Drop for FreesOnExit {
    fn drop(&mut self) {
        // By now the library's thread-local last error may already be destroyed.
        let mut s = null_mut();
        let code = unsafe { exsync_setup_new(&mut s) };
        assert_eq!(code, EXSYNC_OK);
        let mut step = 0u32;
        assert_eq!(unsafe { exsync_setup_current_step(s, &mut step) }, EXSYNC_OK);
        assert_eq!(step, 1);
        unsafe { exsync_setup_free(s) };
        unsafe { exsync_setup_free(null_mut()) };
        let code = unsafe { exsync_setup_new(std::ptr::null_mut()) };
        assert_eq!(code, EXSYNC_ERR_NULL_ARGUMENT);
        let _ = exsync_last_error_code();
        let mut len = 0usize;
        let code = unsafe { exsync_last_error_message(null_mut(), 0, &mut len) };
        assert!(code == EXSYNC_OK || code == EXSYNC_ERR_BUFFER_TOO_SMALL, "{code:?}");
        let mut engine = null_mut();
        assert_eq!(unsafe { exsync_engine_open(c":memory:".as_ptr(), &mut engine) }, EXSYNC_OK);
        unsafe { exsync_engine_free(engine) };
    }
}

thread_local! {
    static GUARD: FreesOnExit = const { FreesOnExit };
}

#[test]
fn calls_from_a_thread_local_destructor_do_not_abort() {
    std::thread::spawn(|| {
        // The guard is registered first, so its destructor runs after those registered later
        // (the library's last error, set up by the first call below).
        GUARD.with(|_| {});
        let mut s = null_mut();
        assert_eq!(unsafe { exsync_setup_new(&mut s) }, EXSYNC_OK);
        unsafe { exsync_setup_free(s) };
        assert_eq!(unsafe { exsync_setup_new(std::ptr::null_mut()) }, EXSYNC_ERR_NULL_ARGUMENT);
    })
    .join()
    .expect("the thread exits cleanly");
}
