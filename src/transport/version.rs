//! Which `RequestServerVersion` to send to each EWS endpoint: start from the configured version (or
//! the newest), step down through [`ExchangeVersion::STEP_DOWN`] when the server answers with a
//! version-mismatch code (`ErrorInvalidServerVersion`, `ErrorIncorrectSchemaVersion`,
//! `ErrorInvalidSchemaVersionForMailboxVersion`), and remember per endpoint what worked.
//!
//! ```
//! use exsync::ews::{ExchangeVersion, ResponseCode};
//! use exsync::transport::version::VersionNegotiator;
//!
//! let mut v = VersionNegotiator::new(None);
//! let url = "https://mail.contoso.com/EWS/Exchange.asmx";
//! assert_eq!(v.version_for(url), ExchangeVersion::V2017_07_11);
//! let next = v.on_mismatch(url, ExchangeVersion::V2017_07_11, &ResponseCode::ErrorInvalidServerVersion).unwrap();
//! assert_eq!(next, ExchangeVersion::Exchange2016);
//! v.on_success(url, ExchangeVersion::Exchange2016);
//! assert!(v.is_confirmed(url));
//! ```

use std::collections::BTreeMap;

use crate::ews::{ExchangeVersion, ResponseCode};

/// Why no version is left to try.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VersionError {
    /// Every version of the ladder was refused.
    #[error(
        "the EWS endpoint {endpoint} refused every request version tried ({tried}); the server is older \
         than Exchange 2010 SP2 or misconfigured"
    )]
    Exhausted {
        /// The endpoint.
        endpoint: String,
        /// The versions tried, newest first, comma separated.
        tried: String,
    },
    /// The code given is not a version mismatch.
    #[error("{code} is not a version-mismatch code")]
    NotAMismatch {
        /// The code.
        code: ResponseCode,
    },
}

/// What is known about one endpoint.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EndpointVersion {
    /// The version to send.
    pub version: ExchangeVersion,
    /// Whether a request with it succeeded.
    pub confirmed: bool,
}

/// The step-down state for every endpoint a client talks to (serializable, so setup can store what
/// worked).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct VersionNegotiator {
    configured: Option<ExchangeVersion>,
    endpoints: BTreeMap<String, EndpointVersion>,
}

fn rank(v: ExchangeVersion) -> usize {
    ExchangeVersion::ALL.iter().position(|x| *x == v).expect("every version is in ALL")
}

/// An endpoint URL as a key: scheme and host lower case, no trailing slash, query or fragment.
pub fn endpoint_key(url: &str) -> String {
    let trimmed = url.trim();
    let no_query = trimmed.split(['?', '#']).next().unwrap_or(trimmed);
    match no_query.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
            let path = path.trim_end_matches('/');
            if path.is_empty() {
                format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase())
            } else {
                format!("{}://{}/{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase(), path)
            }
        }
        None => no_query.trim_end_matches('/').to_owned(),
    }
}

impl VersionNegotiator {
    /// Starts every endpoint at `configured`, or at the newest version when `None`.
    pub fn new(configured: Option<ExchangeVersion>) -> Self {
        VersionNegotiator { configured, endpoints: BTreeMap::new() }
    }

    /// The versions tried in order: the configured one (or the newest), then every older version of
    /// [`ExchangeVersion::STEP_DOWN`].
    pub fn ladder(&self) -> Vec<ExchangeVersion> {
        let Some(first) = self.configured else { return ExchangeVersion::STEP_DOWN.to_vec() };
        let mut out = vec![first];
        out.extend(ExchangeVersion::STEP_DOWN.iter().copied().filter(|v| rank(*v) < rank(first)));
        out
    }

    /// The version to send to `endpoint` now.
    pub fn version_for(&self, endpoint: &str) -> ExchangeVersion {
        self.endpoints.get(&endpoint_key(endpoint)).map(|e| e.version).unwrap_or_else(|| self.ladder()[0])
    }

    /// Whether a request to `endpoint` with its current version succeeded.
    pub fn is_confirmed(&self, endpoint: &str) -> bool {
        self.endpoints.get(&endpoint_key(endpoint)).is_some_and(|e| e.confirmed)
    }

    /// What is remembered, by endpoint key.
    pub fn endpoints(&self) -> &BTreeMap<String, EndpointVersion> {
        &self.endpoints
    }

    /// A request with `used` succeeded: remember it for `endpoint`.
    pub fn on_success(&mut self, endpoint: &str, used: ExchangeVersion) {
        self.endpoints.insert(endpoint_key(endpoint), EndpointVersion { version: used, confirmed: true });
    }

    /// A request with `used` got the version-mismatch `code`: the version to retry with. Several
    /// requests in flight with the same version step down only once; a mismatch for a version
    /// already left behind returns the current one.
    pub fn on_mismatch(
        &mut self,
        endpoint: &str,
        used: ExchangeVersion,
        code: &ResponseCode,
    ) -> Result<ExchangeVersion, VersionError> {
        if !code.is_version_mismatch() {
            return Err(VersionError::NotAMismatch { code: code.clone() });
        }
        let key = endpoint_key(endpoint);
        let current = self.version_for(endpoint);
        if rank(used) > rank(current) {
            return Ok(current);
        }
        let ladder = self.ladder();
        match ladder.iter().copied().find(|v| rank(*v) < rank(used)) {
            Some(next) => {
                self.endpoints.insert(key, EndpointVersion { version: next, confirmed: false });
                Ok(next)
            }
            None => {
                let tried: Vec<&str> = ladder.iter().filter(|v| rank(**v) >= rank(used)).map(|v| v.as_str()).collect();
                Err(VersionError::Exhausted { endpoint: key, tried: tried.join(", ") })
            }
        }
    }

    /// Forgets `endpoint` (after a server upgrade, say): it starts from the top again.
    pub fn forget(&mut self, endpoint: &str) {
        self.endpoints.remove(&endpoint_key(endpoint));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://Mail.Contoso.com/EWS/Exchange.asmx";

    #[test]
    fn steps_down_to_the_bottom_then_fails() {
        let mut v = VersionNegotiator::new(None);
        let code = ResponseCode::ErrorInvalidSchemaVersionForMailboxVersion;
        let mut used = v.version_for(URL);
        let mut seen = vec![used];
        loop {
            match v.on_mismatch(URL, used, &code) {
                Ok(next) => {
                    seen.push(next);
                    used = next;
                }
                Err(e) => {
                    assert!(matches!(e, VersionError::Exhausted { .. }));
                    assert!(e.to_string().contains("Exchange2010_SP2"));
                    break;
                }
            }
        }
        assert_eq!(seen, ExchangeVersion::STEP_DOWN);
    }

    #[test]
    fn configured_version_heads_the_ladder() {
        let v = VersionNegotiator::new(Some(ExchangeVersion::Exchange2013));
        assert_eq!(v.ladder(), vec![ExchangeVersion::Exchange2013, ExchangeVersion::Exchange2010Sp2]);
        let old = VersionNegotiator::new(Some(ExchangeVersion::Exchange2007Sp1));
        assert_eq!(old.ladder(), vec![ExchangeVersion::Exchange2007Sp1]);
    }

    #[test]
    fn concurrent_mismatches_step_once_and_endpoints_are_separate() {
        let mut v = VersionNegotiator::new(None);
        let top = ExchangeVersion::V2017_07_11;
        let code = ResponseCode::ErrorInvalidServerVersion;
        assert_eq!(v.on_mismatch(URL, top, &code).unwrap(), ExchangeVersion::Exchange2016);
        assert_eq!(
            v.on_mismatch("https://mail.contoso.com/EWS/Exchange.asmx/", top, &code).unwrap(),
            ExchangeVersion::Exchange2016
        );
        assert_eq!(v.version_for("https://other.contoso.com/EWS/Exchange.asmx"), top);
        assert!(matches!(
            v.on_mismatch(URL, top, &ResponseCode::ErrorServerBusy),
            Err(VersionError::NotAMismatch { .. })
        ));
        v.on_success(URL, ExchangeVersion::Exchange2016);
        let json = serde_json::to_string(&v).unwrap();
        let back: VersionNegotiator = serde_json::from_str(&json).unwrap();
        assert_eq!(back, v);
        v.forget(URL);
        assert_eq!(v.version_for(URL), top);
    }
}
