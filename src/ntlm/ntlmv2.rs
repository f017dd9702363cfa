//! The NTLMv2 computations of MS-NLMP section 3.3.2, on RustCrypto's MD4, MD5 and HMAC:
//! NTOWFv2, the NTLMv2 response (NTProofStr and blob), the LMv2 response, the session base key,
//! the RC4 key exchange and the message integrity code.
//!
//! Keys derived from the password live in [`Zeroizing`] buffers, wiped when dropped.

use hmac::{Hmac, KeyInit, Mac};
use md4::{Digest, Md4};
use md5::Md5;
use rc4::{Rc4, StreamCipher};
use zeroize::Zeroizing;

use super::fields::encode_utf16le;

type HmacMd5 = Hmac<Md5>;

/// A 16-byte key (response key, session key), wiped on drop.
pub(crate) type Key16 = Zeroizing<[u8; 16]>;

/// 100-nanosecond intervals between 1601-01-01 (the FILETIME epoch) and 1970-01-01.
const FILETIME_AT_UNIX_EPOCH: u64 = 116_444_736_000_000_000;

/// `time` as a FILETIME (100-nanosecond intervals since 1601-01-01 UTC), saturating outside the
/// representable range.
pub(crate) fn filetime(time: std::time::SystemTime) -> u64 {
    let ticks = |d: std::time::Duration| u64::try_from(d.as_nanos() / 100).unwrap_or(u64::MAX);
    match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => FILETIME_AT_UNIX_EPOCH.saturating_add(ticks(after)),
        Err(before) => FILETIME_AT_UNIX_EPOCH.saturating_sub(ticks(before.duration())),
    }
}

fn hmac_md5(key: &[u8], parts: &[&[u8]]) -> HmacMd5 {
    let mut mac = HmacMd5::new_from_slice(key).expect("HMAC accepts keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac
}

fn hmac_md5_bytes(key: &[u8], parts: &[&[u8]]) -> [u8; 16] {
    let mut out = [0u8; 16];
    out.copy_from_slice(&hmac_md5(key, parts).finalize().into_bytes());
    out
}

/// Upper-cases the way Windows does for NTOWFv2 (RtlUpcaseUnicodeString): character by
/// character, leaving characters whose upper case is not a single character (`ß`) as they are.
pub(crate) fn windows_uppercase(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut upper = c.to_uppercase();
            match (upper.next(), upper.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        })
        .collect()
}

/// NTOWFv1: MD4 of the UTF-16LE password.
fn nt_owf_v1(password: &str) -> Key16 {
    let utf16 = Zeroizing::new(encode_utf16le(password));
    let mut out = Zeroizing::new([0u8; 16]);
    out.copy_from_slice(&Md4::digest(utf16.as_slice()));
    out
}

/// NTOWFv2 (the NTLMv2 response key): HMAC-MD5 keyed with NTOWFv1 over the UTF-16LE of the
/// upper-cased user name followed by the domain name as given.
pub(crate) fn nt_owf_v2(password: &str, user: &str, domain: &str) -> Key16 {
    let v1 = nt_owf_v1(password);
    let mut who = windows_uppercase(user);
    who.push_str(domain);
    Zeroizing::new(hmac_md5_bytes(v1.as_slice(), &[&encode_utf16le(&who)]))
}

/// The NTLMv2 client blob ("temp" in MS-NLMP 3.3.2): version 1.1, six zero bytes, the
/// timestamp, the client challenge, four zero bytes, the AV pairs (with their MsvAvEOL), four
/// zero bytes.
pub(crate) fn client_blob(timestamp: u64, client_challenge: &[u8; 8], av_pairs: &[u8]) -> Vec<u8> {
    let mut blob = Vec::with_capacity(32 + av_pairs.len());
    blob.extend_from_slice(&[1, 1, 0, 0, 0, 0, 0, 0]);
    blob.extend_from_slice(&timestamp.to_le_bytes());
    blob.extend_from_slice(client_challenge);
    blob.extend_from_slice(&[0, 0, 0, 0]);
    blob.extend_from_slice(av_pairs);
    blob.extend_from_slice(&[0, 0, 0, 0]);
    blob
}

/// Offset of the AV pairs inside a client blob.
pub(crate) const BLOB_AV_PAIRS_OFFSET: usize = 28;

/// NTProofStr: HMAC-MD5 keyed with the response key over the server challenge and the blob.
pub(crate) fn nt_proof(response_key: &[u8; 16], server_challenge: &[u8; 8], blob: &[u8]) -> [u8; 16] {
    hmac_md5_bytes(response_key, &[server_challenge, blob])
}

/// Whether `proof` is the NTProofStr for this key, challenge and blob (constant time).
pub(crate) fn nt_proof_matches(response_key: &[u8; 16], server_challenge: &[u8; 8], blob: &[u8], proof: &[u8]) -> bool {
    hmac_md5(response_key, &[server_challenge, blob]).verify_slice(proof).is_ok()
}

/// The LMv2 response: HMAC-MD5 over both challenges, then the client challenge.
pub(crate) fn lm_v2_response(
    response_key: &[u8; 16],
    server_challenge: &[u8; 8],
    client_challenge: &[u8; 8],
) -> [u8; 24] {
    let mut out = [0u8; 24];
    out[..16].copy_from_slice(&hmac_md5_bytes(response_key, &[server_challenge, client_challenge]));
    out[16..].copy_from_slice(client_challenge);
    out
}

/// SessionBaseKey: HMAC-MD5 keyed with the response key over NTProofStr. For NTLMv2 it is also
/// the KeyExchangeKey.
pub(crate) fn session_base_key(response_key: &[u8; 16], nt_proof: &[u8]) -> Key16 {
    Zeroizing::new(hmac_md5_bytes(response_key, &[nt_proof]))
}

/// RC4 with a 16-byte key, as used for the key exchange (encrypting and decrypting are the same).
pub(crate) fn rc4(key: &[u8; 16], data: &[u8; 16]) -> Key16 {
    let mut out = Zeroizing::new(*data);
    let mut cipher = Rc4::new_from_slice(key).expect("RC4 accepts 16-byte keys");
    cipher.apply_keystream(out.as_mut_slice());
    out
}

/// The MIC: HMAC-MD5 keyed with the exported session key over the three messages, the
/// AUTHENTICATE message with its MIC field zeroed.
pub(crate) fn mic(
    exported_session_key: &[u8; 16],
    negotiate: &[u8],
    challenge: &[u8],
    authenticate: &[u8],
) -> [u8; 16] {
    hmac_md5_bytes(exported_session_key, &[negotiate, challenge, authenticate])
}

/// Whether `expected` is the MIC of the three messages (constant time).
pub(crate) fn mic_matches(
    exported_session_key: &[u8; 16],
    negotiate: &[u8],
    challenge: &[u8],
    authenticate: &[u8],
    expected: &[u8],
) -> bool {
    hmac_md5(exported_session_key, &[negotiate, challenge, authenticate]).verify_slice(expected).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn ms_nlmp_4_2_4_keys() {
        // MS-NLMP 4.2.2.1.2 (NTOWFv1) and 4.2.4.1.1 (NTOWFv2).
        assert_eq!(hex(nt_owf_v1("Password").as_slice()), "a4f49c406510bdcab6824ee7c30fd852");
        let key = nt_owf_v2("Password", "User", "Domain");
        assert_eq!(hex(key.as_slice()), "0c868a403bfd7a93a3001ef22ef02e3f");
        // The user name is upper-cased, the domain is not.
        assert_eq!(nt_owf_v2("Password", "user", "Domain"), key);
        assert_ne!(nt_owf_v2("Password", "User", "domain"), key);
        // 4.2.4.2.3: RC4 of the random session key (0x55 x 16) under the session base key.
        let base = [0x8d, 0xe4, 0x0c, 0xca, 0xdb, 0xc1, 0x4a, 0x82, 0xf1, 0x5c, 0xb0, 0xad, 0x0d, 0xe9, 0x5c, 0xa3];
        assert_eq!(hex(rc4(&base, &[0x55; 16]).as_slice()), "c5dad2544fc9799094ce1ce90bc9d03e");
    }

    #[test]
    fn windows_uppercase_is_per_character() {
        assert_eq!(windows_uppercase("straße.müller"), "STRAßE.MÜLLER");
    }

    #[test]
    fn filetime_epochs() {
        assert_eq!(filetime(std::time::UNIX_EPOCH), 116_444_736_000_000_000);
        let t = std::time::UNIX_EPOCH + std::time::Duration::new(1, 300);
        assert_eq!(filetime(t), 116_444_736_010_000_003);
        let t = std::time::UNIX_EPOCH - std::time::Duration::from_secs(11_644_473_600);
        assert_eq!(filetime(t), 0);
    }
}
