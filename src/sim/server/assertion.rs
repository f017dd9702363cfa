//! Client assertions: the RS256 JSON Web Token an app signs with its certificate's key to prove
//! itself to the token endpoint (`client_assertion`), checked as Entra ID checks it: the signature
//! against the app's registered certificates, `aud` = the token endpoint, `iss` = `sub` = the
//! client id, and the time window (`exp`, `nbf`, with five minutes of clock skew allowed).

use base64::Engine;
use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use chrono::{DateTime, Utc};
use rustls_pki_types::CertificateDer;
use serde_json::Value;

/// Clock skew allowed on `exp` and `nbf`.
const LEEWAY_SECONDS: i64 = 300;

/// base64url, padded or not.
const B64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why an assertion was refused; the `Display` text is the `error_description` sent back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum AssertionError {
    /// Not three base64url parts of JSON.
    #[error("AADSTS50027: JWT token is invalid or malformed.")]
    Malformed,
    /// Signed with another algorithm than RS256.
    #[error("AADSTS5002738: Invalid JWT token. '{0}' is not a supported signature algorithm; use RS256.")]
    Algorithm(String),
    /// No registered certificate's key verifies the signature.
    #[error("AADSTS700027: Client assertion failed signature validation.")]
    Signature,
    /// `aud` is not the token endpoint.
    #[error("AADSTS700021: Client assertion audience claim does not match Realm issuer; expected {expected}.")]
    Audience {
        /// The token endpoint URL.
        expected: String,
    },
    /// `iss` or `sub` is not the client id.
    #[error("AADSTS700023: Client assertion issuer and subject must both be the client id.")]
    Issuer,
    /// The window is missing, or now is outside it.
    #[error("AADSTS700024: Client assertion is not within its valid time range.")]
    Time,
}

/// The claims of an assertion this module checks.
struct Parts {
    header: Value,
    claims: Value,
    signing_input: String,
    signature: Vec<u8>,
}

fn parse(jwt: &str) -> Result<Parts, AssertionError> {
    let mut it = jwt.trim().split('.');
    let (Some(h), Some(c), Some(s), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(AssertionError::Malformed);
    };
    let json = |part: &str| -> Result<Value, AssertionError> {
        let bytes = B64URL.decode(part).map_err(|_| AssertionError::Malformed)?;
        let v: Value = serde_json::from_slice(&bytes).map_err(|_| AssertionError::Malformed)?;
        v.is_object().then_some(v).ok_or(AssertionError::Malformed)
    };
    Ok(Parts {
        header: json(h)?,
        claims: json(c)?,
        signing_input: format!("{h}.{c}"),
        signature: B64URL.decode(s).map_err(|_| AssertionError::Malformed)?,
    })
}

/// Checks `jwt` as a client assertion of `client_id`, posted to `audience`, at `now`.
pub(crate) fn verify(
    jwt: &str,
    certificates: &[CertificateDer<'static>],
    audience: &str,
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AssertionError> {
    let p = parse(jwt)?;
    match p.header.get("alg").and_then(Value::as_str) {
        Some("RS256") => {}
        Some(other) => return Err(AssertionError::Algorithm(other.to_owned())),
        None => return Err(AssertionError::Malformed),
    }
    let verified = certificates.iter().any(|der| {
        webpki::EndEntityCert::try_from(der).is_ok_and(|cert| {
            cert.verify_signature(webpki::ring::RSA_PKCS1_2048_8192_SHA256, p.signing_input.as_bytes(), &p.signature)
                .is_ok()
        })
    });
    if !verified {
        return Err(AssertionError::Signature);
    }
    let aud_ok = match p.claims.get("aud") {
        Some(Value::String(a)) => a == audience,
        Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    };
    if !aud_ok {
        return Err(AssertionError::Audience { expected: audience.to_owned() });
    }
    let is_client =
        |k: &str| p.claims.get(k).and_then(Value::as_str).is_some_and(|v| v.eq_ignore_ascii_case(client_id));
    if !(is_client("iss") && is_client("sub")) {
        return Err(AssertionError::Issuer);
    }
    let t = now.timestamp();
    let exp = p.claims.get("exp").and_then(Value::as_i64).ok_or(AssertionError::Time)?;
    if t > exp.saturating_add(LEEWAY_SECONDS) {
        return Err(AssertionError::Time);
    }
    if let Some(nbf) = p.claims.get("nbf").and_then(Value::as_i64)
        && t < nbf.saturating_sub(LEEWAY_SECONDS)
    {
        return Err(AssertionError::Time);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(v: &Value) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    }

    #[test]
    fn malformed_and_algorithms() {
        let now = DateTime::from_timestamp(1_750_000_000, 0).unwrap();
        assert_eq!(verify("a.b", &[], "x", "c", now), Err(AssertionError::Malformed));
        assert_eq!(verify("!!.@@.##", &[], "x", "c", now), Err(AssertionError::Malformed));
        let h = b64(&serde_json::json!({"alg": "HS256"}));
        let c = b64(&serde_json::json!({"aud": "x"}));
        assert_eq!(
            verify(&format!("{h}.{c}.AAAA"), &[], "x", "c", now),
            Err(AssertionError::Algorithm("HS256".into()))
        );
        let h = b64(&serde_json::json!({"alg": "RS256"}));
        assert_eq!(verify(&format!("{h}.{c}.AAAA"), &[], "x", "c", now), Err(AssertionError::Signature));
        let not_object = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("[1]");
        assert_eq!(verify(&format!("{not_object}.{c}.AAAA"), &[], "x", "c", now), Err(AssertionError::Malformed));
    }
}
