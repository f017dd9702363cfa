//! Strings across the boundary: NUL-terminated UTF-8 in (NULL and invalid UTF-8 are errors, never
//! crashes), and text out into a buffer the caller owns, with the required-length protocol:
//!
//! `(char *buf, size_t buf_len, size_t *out_len)`: on success `buf` holds the text and a NUL and
//! `*out_len` the text's length in bytes (without the NUL). When `buf_len` is less than that length
//! plus one, the call fails with `EXSYNC_ERR_BUFFER_TOO_SMALL`, sets `*out_len` to the length, and
//! writes an empty string when `buf_len > 0`. `buf` may be NULL when `buf_len` is 0, to ask for
//! the length.

use std::ffi::{CStr, c_char};

use super::error::FfiError;

/// Reads a required NUL-terminated UTF-8 string.
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that stays valid for `'a`.
pub(crate) unsafe fn str_arg<'a>(ptr: *const c_char, param: &'static str) -> Result<&'a str, FfiError> {
    if ptr.is_null() {
        return Err(FfiError::Null { param });
    }
    // SAFETY: non-null, NUL-terminated per the caller's contract.
    let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    std::str::from_utf8(bytes).map_err(|e| FfiError::Utf8 { param, offset: e.valid_up_to() })
}

/// Reads an optional NUL-terminated UTF-8 string (NULL is `None`).
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(ptr: *const c_char, param: &'static str) -> Result<Option<&'a str>, FfiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's contract.
    unsafe { str_arg(ptr, param) }.map(Some)
}

/// Reads `(ptr, len)` bytes; NULL is allowed only with `len == 0`. A length no buffer can have
/// (beyond `isize::MAX`, such as a negative number cast to `size_t`) is refused, not read.
///
/// # Safety
/// `ptr` must be NULL or point to `len` readable bytes valid for `'a`.
pub(crate) unsafe fn bytes_arg<'a>(ptr: *const u8, len: usize, param: &'static str) -> Result<&'a [u8], FfiError> {
    if ptr.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(FfiError::Null { param }) };
    }
    if isize::try_from(len).is_err() {
        return Err(FfiError::invalid(param, format!("its length {len} is larger than any buffer")));
    }
    // SAFETY: the caller's contract.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A required pointer to write a result to.
///
/// # Safety
/// `ptr` must be NULL or valid for writes for `'a`.
pub(crate) unsafe fn out_arg<'a, T>(ptr: *mut T, param: &'static str) -> Result<&'a mut T, FfiError> {
    // SAFETY: the caller's contract.
    unsafe { ptr.as_mut() }.ok_or(FfiError::Null { param })
}

/// Writes `text` by the output buffer protocol.
///
/// # Safety
/// `buf` must be NULL or point to `buf_len` writable bytes; `out_len` must be NULL or point to a
/// writable `size_t`.
pub(crate) unsafe fn write_text(
    text: &str,
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> Result<(), FfiError> {
    if buf.is_null() && buf_len > 0 {
        return Err(FfiError::Null { param: "buf (with buf_len > 0)" });
    }
    let len = text.len();
    // SAFETY: the caller's contract.
    if let Some(out) = unsafe { out_len.as_mut() } {
        *out = len;
    }
    if buf_len < len + 1 {
        if buf_len > 0 {
            // SAFETY: buf is non-null with at least one writable byte.
            unsafe { *buf = 0 };
        }
        return Err(FfiError::BufferTooSmall { given: buf_len, needed: len + 1 });
    }
    // SAFETY: buf has buf_len >= len + 1 writable bytes; the text is a separate Rust allocation.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buf.cast::<u8>(), len);
        *buf.add(len) = 0;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_fits_or_reports_its_length() {
        let mut buf = [7 as c_char; 6];
        let mut len = 0usize;
        let err = unsafe { write_text("abcdef", buf.as_mut_ptr(), buf.len(), &mut len) }.unwrap_err();
        assert!(matches!(err, FfiError::BufferTooSmall { given: 6, needed: 7 }));
        assert_eq!((len, buf[0]), (6, 0));
        unsafe { write_text("abcde", buf.as_mut_ptr(), buf.len(), &mut len) }.unwrap();
        assert_eq!(len, 5);
        assert_eq!(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap(), "abcde");
        // Asking for the length only.
        let err = unsafe { write_text("abc", std::ptr::null_mut(), 0, &mut len) }.unwrap_err();
        assert!(matches!(err, FfiError::BufferTooSmall { .. }));
        assert_eq!(len, 3);
        let err = unsafe { write_text("abc", std::ptr::null_mut(), 4, &mut len) }.unwrap_err();
        assert!(matches!(err, FfiError::Null { .. }));
    }

    #[test]
    fn null_and_invalid_utf8_are_errors() {
        assert!(matches!(unsafe { str_arg(std::ptr::null(), "s") }, Err(FfiError::Null { param: "s" })));
        let bad = b"ab\xffc\0";
        let err = unsafe { str_arg(bad.as_ptr().cast(), "s") }.unwrap_err();
        assert!(matches!(err, FfiError::Utf8 { offset: 2, .. }));
        assert_eq!(unsafe { opt_str_arg(std::ptr::null(), "s") }.unwrap(), None);
        assert_eq!(unsafe { str_arg(c"é".as_ptr(), "s") }.unwrap(), "é");
        assert!(unsafe { bytes_arg(std::ptr::null(), 0, "k") }.unwrap().is_empty());
        assert!(unsafe { bytes_arg(std::ptr::null(), 3, "k") }.is_err());
    }
}
