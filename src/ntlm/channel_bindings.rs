//! [`ChannelBindings`]: ties an NTLM handshake to the TLS connection it runs in (Extended
//! Protection for Authentication), so that a man in the middle who terminates TLS cannot relay
//! it. Exchange 2019 CU14 and later turn Extended Protection on by default.
//!
//! The binding is RFC 5929's `tls-server-end-point`: a hash of the server's certificate, with the
//! hash function of the certificate's signature (SHA-256 for MD5 or SHA-1 signatures, and for
//! signatures without a hash such as Ed25519). NTLM carries the MD5 of the GSS-API channel
//! bindings structure that holds it (MS-NLMP 3.1.5.1.2, RFC 2744 section 3.11) in the
//! MsvAvChannelBindings AV pair.

use md5::{Digest, Md5};
use ring::digest;

use super::error::NtlmError;

/// The 16-byte channel binding hash both ends compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelBindings {
    hash: [u8; 16],
}

/// OIDs (DER content bytes) of signature algorithms whose hash is not SHA-256.
const SHA384_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c];
const SHA512_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d];
const ECDSA_WITH_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
const ECDSA_WITH_SHA512: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04];
const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const ID_SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
const ID_SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];

const SEQUENCE: u8 = 0x30;
const OID: u8 = 0x06;
const CONTEXT_0: u8 = 0xa0;

/// One DER element at the start of `input`: (tag, contents, what follows).
fn der_element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        (rest[..n].iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b)), &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    der_element(input).filter(|(t, _, _)| *t == tag).map(|(_, contents, rest)| (contents, rest))
}

/// The hash RFC 5929 prescribes for a certificate with this `signatureAlgorithm` contents.
fn end_point_hash(algorithm: &[u8]) -> Option<&'static digest::Algorithm> {
    let (oid, params) = expect(algorithm, OID)?;
    Some(match oid {
        SHA384_WITH_RSA | ECDSA_WITH_SHA384 => &digest::SHA384,
        SHA512_WITH_RSA | ECDSA_WITH_SHA512 => &digest::SHA512,
        RSASSA_PSS => {
            // RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] AlgorithmIdentifier DEFAULT sha1, ... }
            let hash_oid = expect(params, SEQUENCE)
                .and_then(|(p, _)| expect(p, CONTEXT_0))
                .and_then(|(h, _)| expect(h, SEQUENCE))
                .and_then(|(a, _)| expect(a, OID))
                .map(|(oid, _)| oid);
            match hash_oid {
                Some(ID_SHA384) => &digest::SHA384,
                Some(ID_SHA512) => &digest::SHA512,
                _ => &digest::SHA256,
            }
        }
        _ => &digest::SHA256,
    })
}

impl ChannelBindings {
    /// The `tls-server-end-point` binding for the server certificate `certificate_der` (the
    /// leaf certificate the TLS handshake presented, DER-encoded).
    pub fn tls_server_end_point(certificate_der: &[u8]) -> Result<Self, NtlmError> {
        let invalid = || NtlmError::InvalidCertificate { reason: "it is not a DER-encoded X.509 certificate" };
        let (certificate, _) = expect(certificate_der, SEQUENCE).ok_or_else(invalid)?;
        let (_tbs, rest) = expect(certificate, SEQUENCE).ok_or_else(invalid)?;
        let (algorithm, _) = expect(rest, SEQUENCE).ok_or_else(invalid)?;
        let hash = end_point_hash(algorithm).ok_or_else(invalid)?;
        let mut application_data = b"tls-server-end-point:".to_vec();
        application_data.extend_from_slice(digest::digest(hash, certificate_der).as_ref());
        Ok(Self::from_application_data(&application_data))
    }

    /// The binding for other channel binding types: `application_data` is the whole binding
    /// (`<type>:<data>`, RFC 5056).
    pub fn from_application_data(application_data: &[u8]) -> Self {
        // gss_channel_bindings_struct: initiator and acceptor address types and addresses (all
        // zero and empty), then the length-prefixed application data, little-endian.
        let mut structure = Md5::new();
        structure.update([0u8; 16]);
        structure.update(u32::try_from(application_data.len()).unwrap_or(u32::MAX).to_le_bytes());
        structure.update(application_data);
        let mut hash = [0u8; 16];
        hash.copy_from_slice(&structure.finalize());
        ChannelBindings { hash }
    }

    pub(crate) fn hash(&self) -> &[u8; 16] {
        &self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_walk_refuses_garbage() {
        assert!(ChannelBindings::tls_server_end_point(&[]).is_err());
        assert!(ChannelBindings::tls_server_end_point(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]).is_err());
        assert!(ChannelBindings::tls_server_end_point(&[0x30, 0x02, 0x30, 0x00]).is_err());
        assert_eq!(der_element(&[0x04, 0x81, 0x01, 0xaa, 0xbb]), Some((0x04, &[0xaa][..], &[0xbb][..])));
    }

    #[test]
    fn hash_follows_the_signature_algorithm() {
        let alg = |oid: &[u8], params: &[u8]| {
            let mut a = vec![OID, oid.len() as u8];
            a.extend_from_slice(oid);
            a.extend_from_slice(params);
            a
        };
        let sha256_rsa = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
        let sha1_rsa = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05];
        let name = |a: Option<&'static digest::Algorithm>| a.map(|a| a.output_len());
        assert_eq!(name(end_point_hash(&alg(&sha256_rsa, &[0x05, 0x00]))), Some(32));
        assert_eq!(name(end_point_hash(&alg(&sha1_rsa, &[0x05, 0x00]))), Some(32));
        assert_eq!(name(end_point_hash(&alg(SHA384_WITH_RSA, &[0x05, 0x00]))), Some(48));
        assert_eq!(name(end_point_hash(&alg(ECDSA_WITH_SHA512, &[]))), Some(64));
        // RSASSA-PSS with SHA-384: params SEQUENCE { [0] { SEQUENCE { OID id-sha384 } } }.
        let mut hash_alg = vec![SEQUENCE, 11, OID, 9];
        hash_alg.extend_from_slice(ID_SHA384);
        let mut params = vec![SEQUENCE, 15, CONTEXT_0, 13];
        params.extend_from_slice(&hash_alg);
        assert_eq!(name(end_point_hash(&alg(RSASSA_PSS, &params))), Some(48));
        assert_eq!(name(end_point_hash(&alg(RSASSA_PSS, &[]))), Some(32));
        assert_eq!(end_point_hash(&[0x05, 0x00]), None);
    }

    #[test]
    fn the_structure_hash_is_md5_of_the_gss_layout() {
        let cb = ChannelBindings::from_application_data(b"tls-server-end-point:abc");
        let mut layout = vec![0u8; 16];
        layout.extend_from_slice(&24u32.to_le_bytes());
        layout.extend_from_slice(b"tls-server-end-point:abc");
        assert_eq!(cb.hash()[..], Md5::digest(&layout)[..]);
    }
}
