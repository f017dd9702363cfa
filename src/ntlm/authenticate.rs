//! AUTHENTICATE_MESSAGE (type 3, MS-NLMP 2.2.1.3): the client's responses, names and
//! (optionally) encrypted session key and message integrity code.

use super::error::{NtlmError, NtlmMessageKind};
use super::fields::{MessageReader, SIGNATURE, encode_utf16le};

/// Offset of the MIC field (after the 64-byte header and the 8-byte Version).
pub(crate) const MIC_OFFSET: usize = 72;
/// Length of the header when it carries the MIC.
const HEADER_WITH_MIC: usize = MIC_OFFSET + 16;

/// An AUTHENTICATE message as parsed by the acceptor.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct AuthenticateMessage<'a> {
    pub(crate) flags: u32,
    pub(crate) lm_response: &'a [u8],
    pub(crate) nt_response: &'a [u8],
    pub(crate) domain: String,
    pub(crate) user: String,
    pub(crate) workstation: String,
    pub(crate) encrypted_session_key: &'a [u8],
    /// Where the payload starts (the smallest offset of a non-empty buffer), which tells whether
    /// the header has room for a MIC.
    payload_start: usize,
    bytes: &'a [u8],
}

impl<'a> AuthenticateMessage<'a> {
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self, NtlmError> {
        let reader = MessageReader::new(bytes, NtlmMessageKind::Authenticate, 64)?;
        let flags = reader.u32_at(60)?;
        let unicode = flags & super::flags::UNICODE != 0;
        let mut payload_start = bytes.len();
        for field in [12, 20, 28, 36, 44, 52] {
            if let Some(offset) = reader.security_buffer_offset(field)? {
                payload_start = payload_start.min(offset);
            }
        }
        if payload_start < 64 {
            return Err(NtlmError::malformed(
                NtlmMessageKind::Authenticate,
                "a security buffer points into the header",
            ));
        }
        Ok(AuthenticateMessage {
            flags,
            lm_response: reader.security_buffer(12)?,
            nt_response: reader.security_buffer(20)?,
            domain: reader.string(28, unicode)?,
            user: reader.string(36, unicode)?,
            workstation: reader.string(44, unicode)?,
            encrypted_session_key: reader.security_buffer(52)?,
            payload_start,
            bytes: reader.bytes(),
        })
    }

    /// The MIC and the message with the MIC zeroed, or `None` when the header has no room for one.
    pub(crate) fn mic_and_zeroed(&self) -> Option<([u8; 16], Vec<u8>)> {
        if self.payload_start < HEADER_WITH_MIC || self.bytes.len() < HEADER_WITH_MIC {
            return None;
        }
        let mut mic = [0u8; 16];
        mic.copy_from_slice(&self.bytes[MIC_OFFSET..HEADER_WITH_MIC]);
        let mut zeroed = self.bytes.to_vec();
        zeroed[MIC_OFFSET..HEADER_WITH_MIC].fill(0);
        Some((mic, zeroed))
    }
}

/// What the client puts into its AUTHENTICATE message.
pub(crate) struct AuthenticateFields<'a> {
    pub(crate) flags: u32,
    pub(crate) lm_response: &'a [u8],
    pub(crate) nt_response: &'a [u8],
    pub(crate) domain: &'a str,
    pub(crate) user: &'a str,
    pub(crate) workstation: &'a str,
    pub(crate) encrypted_session_key: &'a [u8],
    pub(crate) version: [u8; 8],
    /// Reserve the 16-byte MIC field (zeroed; the caller fills it in at [`MIC_OFFSET`]).
    pub(crate) with_mic: bool,
}

impl AuthenticateFields<'_> {
    /// The message (strings in UTF-16LE). The payload is laid out as Windows does: domain, user,
    /// workstation, LM response, NT response, session key.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let header_len = if self.with_mic { HEADER_WITH_MIC } else { MIC_OFFSET };
        let (domain, user, workstation) =
            (encode_utf16le(self.domain), encode_utf16le(self.user), encode_utf16le(self.workstation));
        let mut payload = Vec::new();
        let mut place = |data: &[u8]| {
            // A security buffer holds at most 64 KiB; longer data (an absurd workstation name) is cut.
            let data = &data[..data.len().min(usize::from(u16::MAX))];
            let offset = header_len + payload.len();
            payload.extend_from_slice(data);
            (data.len(), offset)
        };
        let domain_at = place(&domain);
        let user_at = place(&user);
        let workstation_at = place(&workstation);
        let lm_at = place(self.lm_response);
        let nt_at = place(self.nt_response);
        let key_at = place(self.encrypted_session_key);

        let mut out = Vec::with_capacity(header_len + payload.len());
        out.extend_from_slice(SIGNATURE);
        out.extend_from_slice(&3u32.to_le_bytes());
        for (len, offset) in [lm_at, nt_at, domain_at, user_at, workstation_at, key_at] {
            let len = u16::try_from(len).unwrap_or(u16::MAX).to_le_bytes();
            out.extend_from_slice(&len);
            out.extend_from_slice(&len);
            out.extend_from_slice(&u32::try_from(offset).unwrap_or(u32::MAX).to_le_bytes());
        }
        out.extend_from_slice(&self.flags.to_le_bytes());
        out.extend_from_slice(&self.version);
        out.resize(header_len, 0);
        out.extend_from_slice(&payload);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_and_without_mic() {
        for with_mic in [false, true] {
            let fields = AuthenticateFields {
                flags: 0xa208_8205 | super::super::flags::UNICODE,
                lm_response: &[0; 24],
                nt_response: &[7; 60],
                domain: "CONTOSO",
                user: "alice",
                workstation: "WS1",
                encrypted_session_key: &[],
                version: [0; 8],
                with_mic,
            };
            let bytes = fields.encode();
            let m = AuthenticateMessage::parse(&bytes).unwrap();
            assert_eq!((m.user.as_str(), m.domain.as_str(), m.workstation.as_str()), ("alice", "CONTOSO", "WS1"));
            assert_eq!(m.nt_response, &[7; 60]);
            assert_eq!(m.lm_response, &[0; 24]);
            assert!(m.encrypted_session_key.is_empty());
            assert_eq!(m.mic_and_zeroed().is_some(), with_mic);
        }
    }
}
