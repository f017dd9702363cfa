//! NTLM in HTTP headers (MS-NTHT): `Authorization: NTLM <base64>` from the client,
//! `WWW-Authenticate: NTLM <base64>` from the server.
//!
//! The exchange: the client's request meets `401` with `WWW-Authenticate: NTLM` (among other
//! schemes, one per header or comma-separated); the client sends the NEGOTIATE message; the
//! server answers `401` with the CHALLENGE message; the client sends the AUTHENTICATE message with
//! the real request, on the same connection.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT as BASE64;

use super::error::NtlmError;
use super::fields::MAX_MESSAGE_LEN;

/// The scheme name.
pub const SCHEME: &str = "NTLM";

/// Longest header value accepted (the base64 of the longest message, and some).
const MAX_HEADER_LEN: usize = MAX_MESSAGE_LEN / 3 * 4 + 64;

/// `NTLM <base64 of message>`, for an `Authorization` or `WWW-Authenticate` header.
pub fn header_value(message: &[u8]) -> String {
    format!("{SCHEME} {}", BASE64.encode(message))
}

/// The NTLM entries of `WWW-Authenticate` header values: `Some(token)` for `NTLM <token>`,
/// `None` for a bare `NTLM` offer.
fn ntlm_entries<'a>(values: impl IntoIterator<Item = &'a str>) -> impl Iterator<Item = Option<&'a str>> {
    values.into_iter().flat_map(|v| v.split(',')).filter_map(|entry| {
        let entry = entry.trim();
        let (scheme, rest) = entry.split_once(char::is_whitespace).unwrap_or((entry, ""));
        scheme.eq_ignore_ascii_case(SCHEME).then(|| Some(rest.trim()).filter(|t| !t.is_empty()))
    })
}

/// Whether the `WWW-Authenticate` header values of a `401` offer NTLM.
pub fn offers_ntlm<'a>(www_authenticate: impl IntoIterator<Item = &'a str>) -> bool {
    ntlm_entries(www_authenticate).next().is_some()
}

fn decode(header: &'static str, token: &str) -> Result<Vec<u8>, NtlmError> {
    if token.len() > MAX_HEADER_LEN {
        return Err(NtlmError::Header { header, reason: "the NTLM token is longer than any NTLM message" });
    }
    BASE64.decode(token).map_err(|_| NtlmError::Header { header, reason: "the NTLM token is not valid base64" })
}

/// The CHALLENGE message in the `WWW-Authenticate` header values of the `401` answering the
/// client's NEGOTIATE message.
pub fn challenge_from_www_authenticate<'a>(
    www_authenticate: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<u8>, NtlmError> {
    const HEADER: &str = "WWW-Authenticate";
    let mut offered = false;
    for entry in ntlm_entries(www_authenticate) {
        match entry {
            Some(token) => return decode(HEADER, token),
            None => offered = true,
        }
    }
    Err(NtlmError::Header {
        header: HEADER,
        reason: if offered {
            "the server answered the NEGOTIATE message with a bare NTLM offer (it refused the handshake, \
             or the connection was not kept open between the two requests)"
        } else {
            "the server does not offer NTLM authentication"
        },
    })
}

/// The NTLM message in an `Authorization: NTLM <base64>` header value (acceptor side).
pub fn message_from_authorization(value: &str) -> Result<Vec<u8>, NtlmError> {
    const HEADER: &str = "Authorization";
    let value = value.trim();
    let (scheme, token) = value.split_once(char::is_whitespace).unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case(SCHEME) {
        return Err(NtlmError::Header { header: HEADER, reason: "the scheme is not NTLM" });
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(NtlmError::Header { header: HEADER, reason: "the NTLM token is missing" });
    }
    decode(HEADER, token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_ntlm_challenge() {
        let headers = ["Negotiate", "Basic realm=\"a, b\", NTLM TlRMTVNTUAACAAAA", "NTLM"];
        assert!(offers_ntlm(headers));
        assert_eq!(challenge_from_www_authenticate(headers).unwrap(), b"NTLMSSP\0\x02\0\0\0");
        assert!(!offers_ntlm(["Negotiate", "Basic realm=\"x\""]));
        assert!(offers_ntlm(["ntlm"]));
        let bare = challenge_from_www_authenticate(["Negotiate, NTLM"]).unwrap_err();
        assert!(bare.to_string().contains("bare NTLM offer"), "{bare}");
        let none = challenge_from_www_authenticate(["Basic realm=\"NTLM x\""]).unwrap_err();
        assert!(none.to_string().contains("does not offer NTLM"), "{none}");
        assert!(challenge_from_www_authenticate(["NTLM !!!"]).is_err());
    }

    #[test]
    fn authorization_round_trip() {
        let v = header_value(b"NTLMSSP\0\x01\0\0\0");
        assert_eq!(v, "NTLM TlRMTVNTUAABAAAA");
        assert_eq!(message_from_authorization(&v).unwrap(), b"NTLMSSP\0\x01\0\0\0");
        assert_eq!(message_from_authorization("ntlm  TlRMTVNTUAABAAAA ").unwrap(), b"NTLMSSP\0\x01\0\0\0");
        assert!(message_from_authorization("Basic dXNlcjpwdw==").is_err());
        assert!(message_from_authorization("NTLM").is_err());
        assert!(message_from_authorization(&format!("NTLM {}", "A".repeat(200_000))).is_err());
    }
}
