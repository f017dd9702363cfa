//! The panic boundary every export runs behind: a Rust panic never unwinds into C (which would
//! abort the process); it becomes `EXSYNC_ERR_PANIC` with the panic's message as the last error.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::error::{FfiError, clear_last_error, exsync_result, set_last_error};

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".to_owned()
    }
}

fn run(name: &'static str, f: impl FnOnce() -> Result<(), FfiError>, record: bool) -> exsync_result {
    let error = match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => {
            if record {
                // A call made from a callback inside `f` may have left its own error.
                clear_last_error();
            }
            return exsync_result::EXSYNC_OK;
        }
        Ok(Err(e)) => e,
        Err(payload) => FfiError::Panic(panic_message(payload.as_ref())),
    };
    let code = error.code();
    if record {
        set_last_error(code, format!("{name}: {error}"));
    }
    code
}

/// Runs the body of export `name`: clears the thread's last error, runs `f`, and turns its error
/// or panic into a code, recording the message (prefixed with `name`) as the last error.
pub(crate) fn boundary(name: &'static str, f: impl FnOnce() -> Result<(), FfiError>) -> exsync_result {
    clear_last_error();
    run(name, f, true)
}

/// As [`boundary`], but leaves the last error as it is (for the last-error getters).
pub(crate) fn boundary_keep_error(f: impl FnOnce() -> Result<(), FfiError>) -> exsync_result {
    run("exsync_last_error_message", f, false)
}

/// Runs the body of a `void` export (the `_free` functions): clears the last error and swallows a
/// panic, recording it as the last error.
pub(crate) fn boundary_void(name: &'static str, f: impl FnOnce()) {
    let _ = boundary(name, || {
        f();
        Ok(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::error::exsync_last_error_code;

    #[test]
    fn a_panic_becomes_a_code_and_a_message() {
        let code = boundary("exsync_test", || panic!("boom {}", 7));
        assert_eq!(code, exsync_result::EXSYNC_ERR_PANIC);
        assert_eq!(exsync_last_error_code(), exsync_result::EXSYNC_ERR_PANIC);
        let code = boundary("exsync_test", || Ok(()));
        assert_eq!(code, exsync_result::EXSYNC_OK);
        assert_eq!(exsync_last_error_code(), exsync_result::EXSYNC_OK);
    }
}
