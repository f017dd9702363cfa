//! The byte-level building blocks of NTLM messages: the `NTLMSSP\0` header, little-endian
//! integers at fixed offsets, security buffers (length, capacity, offset into the payload) and
//! UTF-16LE strings. Every read is bounds-checked and returns an error instead of panicking.

use super::error::{NtlmError, NtlmMessageKind};

/// Every NTLM message starts with these eight bytes.
pub(crate) const SIGNATURE: &[u8; 8] = b"NTLMSSP\0";

/// Longest NTLM message accepted (Windows caps tokens at 48 KiB by default; NTLM messages are a
/// few hundred bytes).
pub(crate) const MAX_MESSAGE_LEN: usize = 64 * 1024;

/// A bounds-checked view of one received message.
pub(crate) struct MessageReader<'a> {
    bytes: &'a [u8],
    kind: NtlmMessageKind,
}

impl<'a> MessageReader<'a> {
    /// Checks the signature, the message type and the length, and returns a reader.
    pub(crate) fn new(bytes: &'a [u8], kind: NtlmMessageKind, min_len: usize) -> Result<Self, NtlmError> {
        let expected_type = match kind {
            NtlmMessageKind::Negotiate => 1,
            NtlmMessageKind::Challenge => 2,
            NtlmMessageKind::Authenticate => 3,
        };
        if bytes.len() > MAX_MESSAGE_LEN {
            return Err(NtlmError::malformed(kind, "it is longer than 64 KiB"));
        }
        if bytes.len() < 12 || &bytes[..8] != SIGNATURE {
            return Err(NtlmError::malformed(kind, "it does not start with the NTLMSSP signature"));
        }
        let reader = MessageReader { bytes, kind };
        if reader.u32_at(8)? != expected_type {
            return Err(NtlmError::malformed(kind, "it is another kind of NTLM message"));
        }
        if bytes.len() < min_len {
            return Err(NtlmError::malformed(kind, "it is shorter than its fixed header"));
        }
        Ok(reader)
    }

    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    fn error(&self, reason: &'static str) -> NtlmError {
        NtlmError::malformed(self.kind, reason)
    }

    /// `len` bytes at `offset`.
    pub(crate) fn slice(&self, offset: usize, len: usize) -> Result<&'a [u8], NtlmError> {
        offset
            .checked_add(len)
            .and_then(|end| self.bytes.get(offset..end))
            .ok_or_else(|| self.error("a field lies past the end of the message"))
    }

    pub(crate) fn u16_at(&self, offset: usize) -> Result<u16, NtlmError> {
        let b = self.slice(offset, 2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn u32_at(&self, offset: usize) -> Result<u32, NtlmError> {
        let b = self.slice(offset, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(crate) fn array_at<const N: usize>(&self, offset: usize) -> Result<[u8; N], NtlmError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.slice(offset, N)?);
        Ok(out)
    }

    /// The payload a security buffer (at `field_offset` in the header) points to. An empty buffer
    /// gives an empty slice whatever its offset says.
    pub(crate) fn security_buffer(&self, field_offset: usize) -> Result<&'a [u8], NtlmError> {
        let len = usize::from(self.u16_at(field_offset)?);
        let offset = self.u32_at(field_offset + 4)? as usize;
        if len == 0 {
            return Ok(&[]);
        }
        self.slice(offset, len).map_err(|_| self.error("a security buffer points past the end of the message"))
    }

    /// The start of the payload a security buffer points to (`None` when the buffer is empty).
    pub(crate) fn security_buffer_offset(&self, field_offset: usize) -> Result<Option<usize>, NtlmError> {
        let len = self.u16_at(field_offset)?;
        let offset = self.u32_at(field_offset + 4)? as usize;
        Ok((len > 0).then_some(offset))
    }

    /// A string field: UTF-16LE when `unicode`, else OEM (accepted when it is plain ASCII).
    pub(crate) fn string(&self, field_offset: usize, unicode: bool) -> Result<String, NtlmError> {
        let raw = self.security_buffer(field_offset)?;
        if unicode {
            decode_utf16le(raw).ok_or_else(|| self.error("a string field is not valid UTF-16LE"))
        } else if raw.is_ascii() {
            Ok(raw.iter().map(|&b| char::from(b)).collect())
        } else {
            Err(NtlmError::Unsupported { message: self.kind, what: "non-ASCII strings in the OEM code page" })
        }
    }
}

/// `s` as UTF-16LE, no terminator.
pub(crate) fn encode_utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// UTF-16LE bytes as a string; `None` for an odd length or unpaired surrogates.
pub(crate) fn decode_utf16le(raw: &[u8]) -> Option<String> {
    if raw.len() % 2 != 0 {
        return None;
    }
    let units: Vec<u16> = raw.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    String::from_utf16(&units).ok()
}

/// Writes a message: a fixed header whose security buffers point into a payload that follows it.
pub(crate) struct MessageWriter {
    header: Vec<u8>,
    payload: Vec<u8>,
    header_len: usize,
}

impl MessageWriter {
    /// Starts a message of `message_type` whose fixed header (signature included) is
    /// `header_len` bytes long.
    pub(crate) fn new(message_type: u32, header_len: usize) -> Self {
        let mut header = Vec::with_capacity(header_len);
        header.extend_from_slice(SIGNATURE);
        header.extend_from_slice(&message_type.to_le_bytes());
        MessageWriter { header, payload: Vec::new(), header_len }
    }

    pub(crate) fn u32(&mut self, value: u32) {
        self.header.extend_from_slice(&value.to_le_bytes());
    }

    pub(crate) fn bytes(&mut self, value: &[u8]) {
        self.header.extend_from_slice(value);
    }

    /// Appends a security buffer for `data`, which goes into the payload. `data` must be shorter
    /// than 64 KiB (callers bound every field well below that).
    pub(crate) fn security_buffer(&mut self, data: &[u8]) {
        let len = u16::try_from(data.len()).unwrap_or(u16::MAX);
        let data = &data[..usize::from(len)];
        let offset = u32::try_from(self.header_len + self.payload.len()).unwrap_or(u32::MAX);
        self.header.extend_from_slice(&len.to_le_bytes());
        self.header.extend_from_slice(&len.to_le_bytes());
        self.header.extend_from_slice(&offset.to_le_bytes());
        self.payload.extend_from_slice(data);
    }

    /// The finished message. The header written must be exactly `header_len` bytes long.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        debug_assert_eq!(self.header.len(), self.header_len, "NTLM header length");
        self.header.resize(self.header_len, 0);
        self.header.append(&mut self.payload);
        self.header
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_round_trip_and_rejects() {
        assert_eq!(encode_utf16le("Ab"), vec![0x41, 0, 0x62, 0]);
        assert_eq!(decode_utf16le(&encode_utf16le("Grüße 💌")).as_deref(), Some("Grüße 💌"));
        assert_eq!(decode_utf16le(&[0x41]), None);
        assert_eq!(decode_utf16le(&[0x00, 0xd8]), None);
    }

    #[test]
    fn reader_checks_bounds() {
        let mut m = SIGNATURE.to_vec();
        m.extend_from_slice(&3u32.to_le_bytes());
        m.extend_from_slice(&[4, 0, 4, 0, 0xff, 0xff, 0xff, 0xff]);
        let r = MessageReader::new(&m, NtlmMessageKind::Authenticate, 20).unwrap();
        assert!(r.security_buffer(12).is_err());
        assert!(r.u32_at(usize::MAX - 1).is_err());
        assert!(MessageReader::new(&m, NtlmMessageKind::Challenge, 20).is_err());
        assert!(MessageReader::new(&m, NtlmMessageKind::Authenticate, 64).is_err());
    }
}
