//! Numbered error codes ([`exsync_result`]), the error every export can fail with ([`FfiError`]),
//! and the thread-local last error that C reads back with [`exsync_last_error_code`] and
//! [`exsync_last_error_message`].
//!
//! The codes never change meaning: a code is added with a new number, never renumbered or reused.
//! They are grouped by hundreds so that bindings can map a group to one exception class:
//!
//! | codes   | group |
//! |---------|-------|
//! | 0       | success |
//! | 1–99    | the call itself: null or invalid arguments, buffers, order of calls, panics |
//! | 100–199 | the setup flow, its secrets and saved configuration, enrolment |
//! | 200–299 | the state store |
//! | 300–399 | syncing with Exchange |
//! | 400–499 | the simulator |

use std::cell::RefCell;
use std::ffi::{CStr, c_char};

use super::panic::boundary_keep_error;
use super::strings::write_text;
use crate::setup::persistence::PersistError;
use crate::setup::{DriverError, EnrolmentError, SecretStoreError, SetupError};
use crate::store::StoreError;
use crate::sync::SyncError;

/// The result of an exsync call: `EXSYNC_OK` (0) or an error code. Codes never change meaning.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum exsync_result {
    /// 0: the call succeeded.
    EXSYNC_OK = 0,
    /// 1: a required pointer argument was NULL.
    EXSYNC_ERR_NULL_ARGUMENT = 1,
    /// 2: a string argument was not valid UTF-8.
    EXSYNC_ERR_INVALID_UTF8 = 2,
    /// 3: an argument is out of range (an unknown enum value, a key of the wrong length).
    EXSYNC_ERR_INVALID_ARGUMENT = 3,
    /// 4: a JSON argument is not valid JSON of the documented shape.
    EXSYNC_ERR_INVALID_JSON = 4,
    /// 5: the output buffer is too small; `*out_len` says how long the text is (add 1 for the NUL).
    EXSYNC_ERR_BUFFER_TOO_SMALL = 5,
    /// 6: the call is not valid now: wrong order of calls, a stopped simulator, a handle busy in
    /// another call (for example called from its own progress callback).
    EXSYNC_ERR_WRONG_STATE = 6,
    /// 7: not supported by this build of exsync (the message says what is missing).
    EXSYNC_ERR_UNSUPPORTED = 7,
    /// 8: an internal error (a Rust panic) was caught; please report it with the message.
    EXSYNC_ERR_PANIC = 8,
    /// 9: the async runtime could not be started, or a blocking call was made from inside one.
    EXSYNC_ERR_RUNTIME = 9,
    /// 100: a setup field's value is missing or refused (the message names the field).
    EXSYNC_ERR_SETUP_INVALID_INPUT = 100,
    /// 101: a setup step cannot be reached yet, does not apply, or has no previous step.
    EXSYNC_ERR_SETUP_STEP = 101,
    /// 102: saving needs a passing validation of the current inputs.
    EXSYNC_ERR_SETUP_VALIDATION_REQUIRED = 102,
    /// 103: the validation that finished was for inputs that changed since it started.
    EXSYNC_ERR_SETUP_STALE_VALIDATION = 103,
    /// 104: the secret store failed (wrong key, missing or damaged secret).
    EXSYNC_ERR_SECRET_STORE = 104,
    /// 105: the saved setup is missing, unreadable, or of an unsupported version.
    EXSYNC_ERR_SETUP_CONFIG = 105,
    /// 106: a user cannot be enrolled (address, domain not allowed, impersonation refused).
    EXSYNC_ERR_ENROLMENT = 106,
    /// 200: the state store failed (SQLite, I/O).
    EXSYNC_ERR_STORE = 200,
    /// 201: the user is not enrolled.
    EXSYNC_ERR_NOT_ENROLLED = 201,
    /// 202: the state database was written by a newer exsync.
    EXSYNC_ERR_STORE_NEWER_SCHEMA = 202,
    /// 203: stored data cannot be read back (damaged database).
    EXSYNC_ERR_STORE_CORRUPT = 203,
    /// 300: listing or writing Exchange's changes failed (network, server, throttling).
    EXSYNC_ERR_SYNC_EXCHANGE = 300,
    /// 301: Exchange denied access to the mailbox (impersonation rights).
    EXSYNC_ERR_SYNC_DENIED = 301,
    /// 302: no plan could be made (the empty-side guard stopped the sync, or a conflict needs a
    /// resolver).
    EXSYNC_ERR_SYNC_PLAN = 302,
    /// 303: a record was reported under the other object kind.
    EXSYNC_ERR_SYNC_WRONG_KIND = 303,
    /// 400: the simulator's configuration is refused (domains, accounts, mailboxes).
    EXSYNC_ERR_SIM_CONFIG = 400,
    /// 401: the simulator could not start (socket, certificate).
    EXSYNC_ERR_SIM_START = 401,
    /// 402: a simulated mailbox or item does not exist, or refused the change.
    EXSYNC_ERR_SIM_MAILBOX = 402,
}

use exsync_result as R;

impl exsync_result {
    /// Every code, in number order.
    pub const ALL: [exsync_result; 28] = [
        R::EXSYNC_OK,
        R::EXSYNC_ERR_NULL_ARGUMENT,
        R::EXSYNC_ERR_INVALID_UTF8,
        R::EXSYNC_ERR_INVALID_ARGUMENT,
        R::EXSYNC_ERR_INVALID_JSON,
        R::EXSYNC_ERR_BUFFER_TOO_SMALL,
        R::EXSYNC_ERR_WRONG_STATE,
        R::EXSYNC_ERR_UNSUPPORTED,
        R::EXSYNC_ERR_PANIC,
        R::EXSYNC_ERR_RUNTIME,
        R::EXSYNC_ERR_SETUP_INVALID_INPUT,
        R::EXSYNC_ERR_SETUP_STEP,
        R::EXSYNC_ERR_SETUP_VALIDATION_REQUIRED,
        R::EXSYNC_ERR_SETUP_STALE_VALIDATION,
        R::EXSYNC_ERR_SECRET_STORE,
        R::EXSYNC_ERR_SETUP_CONFIG,
        R::EXSYNC_ERR_ENROLMENT,
        R::EXSYNC_ERR_STORE,
        R::EXSYNC_ERR_NOT_ENROLLED,
        R::EXSYNC_ERR_STORE_NEWER_SCHEMA,
        R::EXSYNC_ERR_STORE_CORRUPT,
        R::EXSYNC_ERR_SYNC_EXCHANGE,
        R::EXSYNC_ERR_SYNC_DENIED,
        R::EXSYNC_ERR_SYNC_PLAN,
        R::EXSYNC_ERR_SYNC_WRONG_KIND,
        R::EXSYNC_ERR_SIM_CONFIG,
        R::EXSYNC_ERR_SIM_START,
        R::EXSYNC_ERR_SIM_MAILBOX,
    ];

    /// The code's name as in the header (`EXSYNC_ERR_NULL_ARGUMENT`).
    pub fn name(self) -> &'static str {
        self.c_name().to_str().expect("names are ASCII")
    }

    /// The code's name, NUL-terminated.
    pub fn c_name(self) -> &'static CStr {
        match self {
            R::EXSYNC_OK => c"EXSYNC_OK",
            R::EXSYNC_ERR_NULL_ARGUMENT => c"EXSYNC_ERR_NULL_ARGUMENT",
            R::EXSYNC_ERR_INVALID_UTF8 => c"EXSYNC_ERR_INVALID_UTF8",
            R::EXSYNC_ERR_INVALID_ARGUMENT => c"EXSYNC_ERR_INVALID_ARGUMENT",
            R::EXSYNC_ERR_INVALID_JSON => c"EXSYNC_ERR_INVALID_JSON",
            R::EXSYNC_ERR_BUFFER_TOO_SMALL => c"EXSYNC_ERR_BUFFER_TOO_SMALL",
            R::EXSYNC_ERR_WRONG_STATE => c"EXSYNC_ERR_WRONG_STATE",
            R::EXSYNC_ERR_UNSUPPORTED => c"EXSYNC_ERR_UNSUPPORTED",
            R::EXSYNC_ERR_PANIC => c"EXSYNC_ERR_PANIC",
            R::EXSYNC_ERR_RUNTIME => c"EXSYNC_ERR_RUNTIME",
            R::EXSYNC_ERR_SETUP_INVALID_INPUT => c"EXSYNC_ERR_SETUP_INVALID_INPUT",
            R::EXSYNC_ERR_SETUP_STEP => c"EXSYNC_ERR_SETUP_STEP",
            R::EXSYNC_ERR_SETUP_VALIDATION_REQUIRED => c"EXSYNC_ERR_SETUP_VALIDATION_REQUIRED",
            R::EXSYNC_ERR_SETUP_STALE_VALIDATION => c"EXSYNC_ERR_SETUP_STALE_VALIDATION",
            R::EXSYNC_ERR_SECRET_STORE => c"EXSYNC_ERR_SECRET_STORE",
            R::EXSYNC_ERR_SETUP_CONFIG => c"EXSYNC_ERR_SETUP_CONFIG",
            R::EXSYNC_ERR_ENROLMENT => c"EXSYNC_ERR_ENROLMENT",
            R::EXSYNC_ERR_STORE => c"EXSYNC_ERR_STORE",
            R::EXSYNC_ERR_NOT_ENROLLED => c"EXSYNC_ERR_NOT_ENROLLED",
            R::EXSYNC_ERR_STORE_NEWER_SCHEMA => c"EXSYNC_ERR_STORE_NEWER_SCHEMA",
            R::EXSYNC_ERR_STORE_CORRUPT => c"EXSYNC_ERR_STORE_CORRUPT",
            R::EXSYNC_ERR_SYNC_EXCHANGE => c"EXSYNC_ERR_SYNC_EXCHANGE",
            R::EXSYNC_ERR_SYNC_DENIED => c"EXSYNC_ERR_SYNC_DENIED",
            R::EXSYNC_ERR_SYNC_PLAN => c"EXSYNC_ERR_SYNC_PLAN",
            R::EXSYNC_ERR_SYNC_WRONG_KIND => c"EXSYNC_ERR_SYNC_WRONG_KIND",
            R::EXSYNC_ERR_SIM_CONFIG => c"EXSYNC_ERR_SIM_CONFIG",
            R::EXSYNC_ERR_SIM_START => c"EXSYNC_ERR_SIM_START",
            R::EXSYNC_ERR_SIM_MAILBOX => c"EXSYNC_ERR_SIM_MAILBOX",
        }
    }
}

/// Why an exported call failed: the code C sees, and the message.
#[derive(Debug, thiserror::Error)]
pub enum FfiError {
    /// A required pointer was NULL.
    #[error("{param} must not be NULL")]
    Null {
        /// The parameter.
        param: &'static str,
    },
    /// A string was not UTF-8.
    #[error("{param} is not valid UTF-8 (invalid byte at offset {offset})")]
    Utf8 {
        /// The parameter.
        param: &'static str,
        /// Where the first invalid byte is.
        offset: usize,
    },
    /// An argument out of range.
    #[error("{param} is invalid: {reason}")]
    InvalidArgument {
        /// The parameter.
        param: &'static str,
        /// Why.
        reason: String,
    },
    /// A JSON argument that does not parse or has the wrong shape. The detail never quotes a
    /// secret-bearing argument.
    #[error("{param} is not valid JSON of the expected shape: {detail}")]
    Json {
        /// The parameter.
        param: &'static str,
        /// Where and why.
        detail: String,
    },
    /// The caller's buffer is too small.
    #[error("the output buffer holds {given} bytes; {needed} are needed (text and NUL)")]
    BufferTooSmall {
        /// Bytes given.
        given: usize,
        /// Bytes needed, with the NUL.
        needed: usize,
    },
    /// The call is not valid now.
    #[error("{0}")]
    WrongState(String),
    /// Not available in this build.
    #[error("not supported by this build of exsync: {0}")]
    Unsupported(String),
    /// A caught panic.
    #[error("internal error (a panic was caught): {0}; please report it")]
    Panic(String),
    /// The async runtime failed or was misused.
    #[error("{0}")]
    Runtime(String),
    /// The setup refused an action.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// The secret store failed.
    #[error(transparent)]
    SecretStore(#[from] SecretStoreError),
    /// A user cannot be enrolled.
    #[error(transparent)]
    Enrolment(#[from] EnrolmentError),
    /// The connectivity analyzer could not run.
    #[error(transparent)]
    Driver(#[from] DriverError),
    /// The setup could not be kept in or read from the state store.
    #[error(transparent)]
    Persist(#[from] PersistError),
    /// The state store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A sync run failed (boxed: it may carry the run's report).
    #[error(transparent)]
    Sync(Box<SyncError>),
    /// The simulator failed.
    #[cfg(feature = "sim")]
    #[error(transparent)]
    Sim(#[from] crate::sim::SimError),
}

impl From<SyncError> for FfiError {
    fn from(e: SyncError) -> Self {
        FfiError::Sync(Box::new(e))
    }
}

impl FfiError {
    /// The code C sees.
    pub fn code(&self) -> exsync_result {
        match self {
            FfiError::Null { .. } => R::EXSYNC_ERR_NULL_ARGUMENT,
            FfiError::Utf8 { .. } => R::EXSYNC_ERR_INVALID_UTF8,
            FfiError::InvalidArgument { .. } => R::EXSYNC_ERR_INVALID_ARGUMENT,
            FfiError::Json { .. } => R::EXSYNC_ERR_INVALID_JSON,
            FfiError::BufferTooSmall { .. } => R::EXSYNC_ERR_BUFFER_TOO_SMALL,
            FfiError::WrongState(_) => R::EXSYNC_ERR_WRONG_STATE,
            FfiError::Unsupported(_) => R::EXSYNC_ERR_UNSUPPORTED,
            FfiError::Panic(_) => R::EXSYNC_ERR_PANIC,
            FfiError::Runtime(_) => R::EXSYNC_ERR_RUNTIME,
            FfiError::Setup(e) => setup_code(e),
            FfiError::SecretStore(_) => R::EXSYNC_ERR_SECRET_STORE,
            FfiError::Enrolment(_) => R::EXSYNC_ERR_ENROLMENT,
            FfiError::Driver(DriverError::Setup(e)) => setup_code(e),
            FfiError::Driver(DriverError::Analyzer(_)) => R::EXSYNC_ERR_SETUP_INVALID_INPUT,
            FfiError::Driver(_) => R::EXSYNC_ERR_INVALID_ARGUMENT,
            FfiError::Persist(PersistError::Store(e)) => store_code(e),
            FfiError::Persist(_) => R::EXSYNC_ERR_SETUP_CONFIG,
            FfiError::Store(e) => store_code(e),
            FfiError::Sync(e) => sync_code(e),
            #[cfg(feature = "sim")]
            FfiError::Sim(e) => sim_code(e),
        }
    }

    /// A wrong-order or busy error.
    pub fn wrong_state(message: impl Into<String>) -> Self {
        FfiError::WrongState(message.into())
    }

    /// An out-of-range argument.
    pub fn invalid(param: &'static str, reason: impl Into<String>) -> Self {
        FfiError::InvalidArgument { param, reason: reason.into() }
    }
}

fn setup_code(e: &SetupError) -> exsync_result {
    match e {
        SetupError::StepNotApplicable { .. }
        | SetupError::StepNotReachable { .. }
        | SetupError::NoPreviousStep { .. } => R::EXSYNC_ERR_SETUP_STEP,
        SetupError::ValidationRequired { .. } => R::EXSYNC_ERR_SETUP_VALIDATION_REQUIRED,
        SetupError::StaleValidation => R::EXSYNC_ERR_SETUP_STALE_VALIDATION,
        SetupError::SecretStore { .. } => R::EXSYNC_ERR_SECRET_STORE,
        SetupError::UnreadableConfig { .. } | SetupError::UnsupportedConfigVersion { .. } => R::EXSYNC_ERR_SETUP_CONFIG,
        _ => R::EXSYNC_ERR_SETUP_INVALID_INPUT,
    }
}

fn store_code(e: &StoreError) -> exsync_result {
    match e {
        StoreError::NotEnrolled { .. } => R::EXSYNC_ERR_NOT_ENROLLED,
        StoreError::NewerSchema { .. } => R::EXSYNC_ERR_STORE_NEWER_SCHEMA,
        StoreError::Corrupt { .. } => R::EXSYNC_ERR_STORE_CORRUPT,
        #[allow(unreachable_patterns)]
        _ => R::EXSYNC_ERR_STORE,
    }
}

fn sync_code(e: &SyncError) -> exsync_result {
    use crate::backend::BackendError;
    match e {
        SyncError::Store(s) => store_code(s),
        SyncError::Listing { source: BackendError::Denied { .. }, .. } => R::EXSYNC_ERR_SYNC_DENIED,
        SyncError::Listing { .. } => R::EXSYNC_ERR_SYNC_EXCHANGE,
        SyncError::Plan(_) => R::EXSYNC_ERR_SYNC_PLAN,
        SyncError::NotEnrolled { .. } => R::EXSYNC_ERR_NOT_ENROLLED,
        SyncError::WrongKind { .. } => R::EXSYNC_ERR_SYNC_WRONG_KIND,
        SyncError::StatusNotRecorded { source, .. } => store_code(source),
        SyncError::Internal { .. } => R::EXSYNC_ERR_PANIC,
    }
}

#[cfg(feature = "sim")]
fn sim_code(e: &crate::sim::SimError) -> exsync_result {
    use crate::sim::SimError;
    match e {
        SimError::Bind { .. } | SimError::Tls { .. } | SimError::ShutDown => R::EXSYNC_ERR_SIM_START,
        SimError::Store { .. } | SimError::UnknownMailbox { .. } => R::EXSYNC_ERR_SIM_MAILBOX,
        _ => R::EXSYNC_ERR_SIM_CONFIG,
    }
}

struct LastError {
    code: exsync_result,
    message: String,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// Records the error of the call that just failed on this thread. A call made while the thread
/// exits, after its thread-locals are gone (from a C++ `thread_local` destructor), keeps no last
/// error instead of panicking (which would abort the process: it runs outside the panic boundary).
pub(crate) fn set_last_error(code: exsync_result, message: String) {
    let _ = LAST_ERROR.try_with(|e| *e.borrow_mut() = Some(LastError { code, message }));
}

/// Forgets the last error (every call but the last-error getters does this first, and again when
/// it succeeds). As [`set_last_error`], does nothing while the thread exits.
pub(crate) fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|e| *e.borrow_mut() = None);
}

/// The code of the last failed call on this thread, or `EXSYNC_OK` when the last call succeeded.
/// Does not change the last error.
#[unsafe(no_mangle)]
pub extern "C" fn exsync_last_error_code() -> exsync_result {
    LAST_ERROR.try_with(|e| e.borrow().as_ref().map_or(R::EXSYNC_OK, |e| e.code)).unwrap_or(R::EXSYNC_OK)
}

/// Copies the message of the last failed call on this thread into `buf` (see the output buffer
/// protocol; an empty string when the last call succeeded). Does not change the last error, so it
/// can be called again with a larger buffer after `EXSYNC_ERR_BUFFER_TOO_SMALL`.
///
/// # Safety
/// `buf` must be NULL or point to `buf_len` writable bytes; `out_len` must be NULL or point to a
/// writable `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn exsync_last_error_message(
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> exsync_result {
    boundary_keep_error(|| {
        let message = LAST_ERROR
            .try_with(|e| e.borrow().as_ref().map(|e| e.message.clone()).unwrap_or_default())
            .unwrap_or_default();
        // SAFETY: the caller's contract above.
        unsafe { write_text(&message, buf, buf_len, out_len) }
    })
}

/// The name of `code` as in this header (`"EXSYNC_ERR_NULL_ARGUMENT"`), or `"EXSYNC_ERR_UNKNOWN"`
/// for a number that is not a code. The string is static; do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn exsync_result_name(code: i32) -> *const c_char {
    let name = exsync_result::ALL.iter().find(|c| **c as i32 == code).map_or(c"EXSYNC_ERR_UNKNOWN", |c| c.c_name());
    name.as_ptr()
}
