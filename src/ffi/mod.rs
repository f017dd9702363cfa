//! The C ABI of libexsync, in the style of rustls-ffi. `include/exsync.h` is generated from this
//! module by cbindgen (see `build.rs`).
//!
//! - [`handles`]: opaque handles (`exsync_setup`, `exsync_engine`, `exsync_simulator`) with
//!   `_new`/`_free`; `_free(NULL)` does nothing; use after free and double free are undefined.
//! - [`error`]: numbered error codes that never change meaning ([`exsync_result`]) and the
//!   thread-local last error, copied into a caller buffer.
//! - [`panic`](mod@panic): every export runs behind a panic boundary; a panic becomes `EXSYNC_ERR_PANIC`.
//! - [`strings`]: NUL-terminated UTF-8 in (NULL and invalid UTF-8 are error codes), text out into
//!   caller-owned buffers with a required-length protocol.
//! - [`setup`], [`engine`], [`simulator`]: the setup flow, the sync engine over a SQLite store,
//!   and the simulated Exchange server, with JSON in and out.
//!
//! The exports are plain C functions; from Rust, use the library's own API instead.
#![allow(non_camel_case_types)]

pub mod engine;
mod engine_connection;
pub mod engine_state;
pub mod error;
pub mod handles;
mod json;
pub mod kinds;
pub mod panic;
mod runtime;
pub mod setup;
mod setup_driver;
mod setup_state;
pub mod simulator;
#[cfg(not(feature = "sim"))]
mod simulator_absent;
#[cfg(feature = "sim")]
mod simulator_state;
pub mod strings;

use std::ffi::c_char;

pub use error::{FfiError, exsync_result};
pub use handles::{exsync_engine, exsync_setup, exsync_simulator};

/// The library's version, `MAJOR.MINOR.PATCH` as in `EXSYNC_VERSION_STRING` (static; do not free).
/// Compare it with `EXSYNC_VERSION_STRING` to check that the header matches the library loaded.
#[unsafe(no_mangle)]
pub extern "C" fn exsync_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
