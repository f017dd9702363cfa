//! NEGOTIATE_MESSAGE (type 1, MS-NLMP 2.2.1.1): the client's opening offer of flags.

use super::error::{NtlmError, NtlmMessageKind};
use super::fields::{MessageReader, MessageWriter};

/// The fields of a NEGOTIATE message that matter here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NegotiateMessage {
    /// NegotiateFlags the client asks for.
    pub(crate) flags: u32,
}

impl NegotiateMessage {
    /// Parses a NEGOTIATE message. Only the flags are read (the optional domain and workstation
    /// are informational); 16-byte messages of old clients are accepted.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, NtlmError> {
        let reader = MessageReader::new(bytes, NtlmMessageKind::Negotiate, 16)?;
        Ok(NegotiateMessage { flags: reader.u32_at(12)? })
    }

    /// The 32-byte message (no domain, no workstation, no version).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut w = MessageWriter::new(1, 32);
        w.u32(self.flags);
        w.security_buffer(&[]);
        w.security_buffer(&[]);
        w.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let m = NegotiateMessage { flags: 0xa008_8205 };
        let bytes = m.encode();
        assert_eq!(bytes.len(), 32);
        assert_eq!(&bytes[..12], b"NTLMSSP\0\x01\0\0\0");
        assert_eq!(NegotiateMessage::parse(&bytes).unwrap(), m);
        assert!(NegotiateMessage::parse(&bytes[..15]).is_err());
    }
}
