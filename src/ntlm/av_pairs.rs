//! Target information: the list of AV pairs (attribute id, length, value) that the server sends
//! in its CHALLENGE message and the client echoes, extended, inside its NTLMv2 response
//! (MS-NLMP sections 2.2.2.1 and 3.1.5.1.2).

use super::error::{NtlmError, NtlmMessageKind};
use super::fields::encode_utf16le;

/// MsvAvEOL: ends the list.
pub(crate) const EOL: u16 = 0;
/// MsvAvNbComputerName: the server's NetBIOS computer name.
pub(crate) const NB_COMPUTER_NAME: u16 = 1;
/// MsvAvNbDomainName: the server's NetBIOS domain name.
pub(crate) const NB_DOMAIN_NAME: u16 = 2;
/// MsvAvDnsComputerName: the server's fully qualified DNS name.
pub(crate) const DNS_COMPUTER_NAME: u16 = 3;
/// MsvAvDnsDomainName: the DNS domain name.
pub(crate) const DNS_DOMAIN_NAME: u16 = 4;
/// MsvAvDnsTreeName: the DNS forest name.
pub(crate) const DNS_TREE_NAME: u16 = 5;
/// MsvAvFlags: bit 0x2 says the AUTHENTICATE message carries a MIC.
pub(crate) const FLAGS: u16 = 6;
/// MsvAvTimestamp: the server's time as a FILETIME.
pub(crate) const TIMESTAMP: u16 = 7;
/// MsvAvChannelBindings: MD5 of the GSS channel bindings structure.
pub(crate) const CHANNEL_BINDINGS: u16 = 10;

/// MsvAvFlags bit: the AUTHENTICATE message carries a MIC.
pub(crate) const FLAG_MIC_PRESENT: u32 = 0x0000_0002;

/// A parsed AV pair list, without its terminating MsvAvEOL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AvPairs {
    pairs: Vec<(u16, Vec<u8>)>,
}

impl AvPairs {
    /// Parses a list that must end with MsvAvEOL (bytes after it are ignored, as Windows does).
    pub(crate) fn parse(mut raw: &[u8], message: NtlmMessageKind) -> Result<Self, NtlmError> {
        let bad = |reason| NtlmError::malformed(message, reason);
        let mut pairs = Vec::new();
        loop {
            if raw.len() < 4 {
                return Err(bad("the target information does not end with MsvAvEOL"));
            }
            let id = u16::from_le_bytes([raw[0], raw[1]]);
            let len = usize::from(u16::from_le_bytes([raw[2], raw[3]]));
            let value =
                raw.get(4..4 + len).ok_or_else(|| bad("an AV pair runs past the end of the target information"))?;
            if id == EOL {
                return Ok(AvPairs { pairs });
            }
            let fixed_len = match id {
                FLAGS => Some(4),
                TIMESTAMP => Some(8),
                CHANNEL_BINDINGS => Some(16),
                _ => None,
            };
            if fixed_len.is_some_and(|want| want != len) {
                return Err(bad("an MsvAvFlags, MsvAvTimestamp or MsvAvChannelBindings pair has the wrong length"));
            }
            if pairs.iter().any(|(seen, _)| *seen == id) {
                return Err(bad("an AV pair appears twice in the target information"));
            }
            pairs.push((id, value.to_vec()));
            raw = &raw[4 + len..];
        }
    }

    /// The value of pair `id`.
    pub(crate) fn get(&self, id: u16) -> Option<&[u8]> {
        self.pairs.iter().find(|(seen, _)| *seen == id).map(|(_, v)| v.as_slice())
    }

    /// MsvAvTimestamp, if present.
    pub(crate) fn timestamp(&self) -> Option<u64> {
        let v: [u8; 8] = self.get(TIMESTAMP)?.try_into().ok()?;
        Some(u64::from_le_bytes(v))
    }

    /// MsvAvFlags (0 when absent).
    pub(crate) fn flags(&self) -> u32 {
        self.get(FLAGS).and_then(|v| <[u8; 4]>::try_from(v).ok()).map_or(0, u32::from_le_bytes)
    }

    /// Sets pair `id` to `value`, replacing an earlier value in place or appending it.
    pub(crate) fn set(&mut self, id: u16, value: Vec<u8>) {
        match self.pairs.iter_mut().find(|(seen, _)| *seen == id) {
            Some((_, v)) => *v = value,
            None => self.pairs.push((id, value)),
        }
    }

    /// Sets a string pair (UTF-16LE).
    pub(crate) fn set_string(&mut self, id: u16, value: &str) {
        self.set(id, encode_utf16le(value));
    }

    /// The list as bytes, with MsvAvEOL at the end. Values longer than 64 KiB are cut (no caller
    /// comes near that).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (id, value) in &self.pairs {
            let len = u16::try_from(value.len()).unwrap_or(u16::MAX);
            out.extend_from_slice(&id.to_le_bytes());
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&value[..usize::from(len)]);
        }
        out.extend_from_slice(&[0, 0, 0, 0]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: NtlmMessageKind = NtlmMessageKind::Challenge;

    #[test]
    fn round_trip_and_lookups() {
        let mut pairs = AvPairs::default();
        pairs.set_string(NB_DOMAIN_NAME, "Domain");
        pairs.set_string(NB_COMPUTER_NAME, "Server");
        pairs.set(TIMESTAMP, 0x01d0_0000_0000_0001u64.to_le_bytes().to_vec());
        let raw = pairs.encode();
        let back = AvPairs::parse(&raw, K).unwrap();
        assert_eq!(back, pairs);
        assert_eq!(back.get(NB_DOMAIN_NAME), Some(encode_utf16le("Domain").as_slice()));
        assert_eq!(back.timestamp(), Some(0x01d0_0000_0000_0001));
        assert_eq!(back.flags(), 0);
        let mut with_flags = back.clone();
        with_flags.set(FLAGS, 2u32.to_le_bytes().to_vec());
        with_flags.set(FLAGS, 3u32.to_le_bytes().to_vec());
        assert_eq!(with_flags.flags(), 3);
    }

    #[test]
    fn rejects_broken_lists() {
        assert!(AvPairs::parse(&[], K).is_err());
        assert!(AvPairs::parse(&[2, 0, 4, 0, 0x41, 0], K).is_err());
        assert!(AvPairs::parse(&[7, 0, 2, 0, 1, 1, 0, 0, 0, 0], K).is_err());
        assert!(AvPairs::parse(&[1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], K).is_err());
        assert_eq!(AvPairs::parse(&[0, 0, 0, 0, 9, 9], K).unwrap(), AvPairs::default());
    }
}
