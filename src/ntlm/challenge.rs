//! CHALLENGE_MESSAGE (type 2, MS-NLMP 2.2.1.2): the server's flags, its 8-byte challenge and
//! its target information.

use super::av_pairs::AvPairs;
use super::error::{NtlmError, NtlmMessageKind};
use super::fields::{MessageReader, MessageWriter, encode_utf16le};
use super::flags::UNICODE;

/// Length of the fixed header with the Version field.
const HEADER_LEN: usize = 56;

/// A CHALLENGE message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChallengeMessage {
    /// NegotiateFlags the server grants.
    pub(crate) flags: u32,
    /// The server challenge.
    pub(crate) server_challenge: [u8; 8],
    /// The server's target information (empty when it sent none).
    pub(crate) target_info: AvPairs,
}

impl ChallengeMessage {
    /// Parses a CHALLENGE message. The target name is not read (the target information carries
    /// the same names); a message without target information gives an empty list.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, NtlmError> {
        let kind = NtlmMessageKind::Challenge;
        let reader = MessageReader::new(bytes, kind, 32)?;
        let flags = reader.u32_at(20)?;
        let server_challenge = reader.array_at(24)?;
        let target_info = if bytes.len() >= 48 {
            let raw = reader.security_buffer(40)?;
            if raw.is_empty() { AvPairs::default() } else { AvPairs::parse(raw, kind)? }
        } else {
            AvPairs::default()
        };
        Ok(ChallengeMessage { flags, server_challenge, target_info })
    }

    /// The message, with `target_name` (UTF-16LE when the flags say Unicode, else OEM, of
    /// which only ASCII is written) and the Version field `version`.
    pub(crate) fn encode(&self, target_name: &str, version: [u8; 8]) -> Vec<u8> {
        let mut w = MessageWriter::new(2, HEADER_LEN);
        if self.flags & UNICODE != 0 {
            w.security_buffer(&encode_utf16le(target_name));
        } else {
            w.security_buffer(&target_name.bytes().filter(u8::is_ascii).collect::<Vec<u8>>());
        }
        w.u32(self.flags);
        w.bytes(&self.server_challenge);
        w.bytes(&[0; 8]);
        w.security_buffer(&self.target_info.encode());
        w.bytes(&version);
        w.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ntlm::av_pairs::NB_DOMAIN_NAME;

    #[test]
    fn round_trip() {
        let mut target_info = AvPairs::default();
        target_info.set_string(NB_DOMAIN_NAME, "CONTOSO");
        let m = ChallengeMessage { flags: 0xe28a_8233, server_challenge: [1, 2, 3, 4, 5, 6, 7, 8], target_info };
        let bytes = m.encode("CONTOSO", [10, 0, 0x63, 0x45, 0, 0, 0, 15]);
        assert_eq!(ChallengeMessage::parse(&bytes).unwrap(), m);
        let short = ChallengeMessage::parse(&bytes[..32]).unwrap();
        assert_eq!(short.target_info, AvPairs::default());
        assert!(ChallengeMessage::parse(&bytes[..31]).is_err());
    }
}
