//! Which Exchange Server the simulator pretends to be: the `RequestServerVersion` values it accepts
//! and the `ServerVersionInfo` it answers with.

use crate::ews::{ExchangeVersion, ServerVersionInfo};

/// An Exchange Server release and build the simulator answers as.
///
/// A request whose `RequestServerVersion` is newer than the release knows, or one of the internal
/// versions no release accepts (`Exchange2009`, `Exchange2012`, `Exchange2015`), is refused with
/// `ErrorInvalidServerVersion`, so a client steps down as it must against that server.
///
/// ```
/// use exsync::ews::ExchangeVersion;
/// use exsync::sim::ServerProfile;
///
/// let old = ServerProfile::Exchange2010Sp2;
/// assert!(old.accepts(ExchangeVersion::Exchange2010Sp2));
/// assert!(!old.accepts(ExchangeVersion::Exchange2013));
/// assert_eq!(ServerProfile::Exchange2019.server_version_info().major_version, Some(15));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServerProfile {
    /// Exchange Server 2010 SP2 (14.2).
    Exchange2010Sp2,
    /// Exchange Server 2013 CU23 (15.0).
    Exchange2013,
    /// Exchange Server 2016 CU23 (15.1).
    Exchange2016,
    /// Exchange Server 2019 CU14 (15.2), the default.
    #[default]
    Exchange2019,
}

fn rank(v: ExchangeVersion) -> usize {
    ExchangeVersion::ALL.iter().position(|x| *x == v).unwrap_or(usize::MAX)
}

impl ServerProfile {
    /// The newest `RequestServerVersion` the release accepts.
    pub fn newest_version(self) -> ExchangeVersion {
        match self {
            ServerProfile::Exchange2010Sp2 => ExchangeVersion::Exchange2010Sp2,
            ServerProfile::Exchange2013 => ExchangeVersion::Exchange2013Sp1,
            ServerProfile::Exchange2016 | ServerProfile::Exchange2019 => ExchangeVersion::V2017_07_11,
        }
    }

    /// Whether a request written for `version` is accepted.
    pub fn accepts(self, version: ExchangeVersion) -> bool {
        let internal = matches!(
            version,
            ExchangeVersion::Exchange2009 | ExchangeVersion::Exchange2012 | ExchangeVersion::Exchange2015
        );
        !internal && rank(version) <= rank(self.newest_version())
    }

    /// Every version the release accepts, oldest first.
    pub fn accepted_versions(self) -> Vec<ExchangeVersion> {
        ExchangeVersion::ALL.iter().copied().filter(|v| self.accepts(*v)).collect()
    }

    /// Major, minor, major build and minor build number.
    pub fn build(self) -> (i32, i32, i32, i32) {
        match self {
            ServerProfile::Exchange2010Sp2 => (14, 2, 247, 5),
            ServerProfile::Exchange2013 => (15, 0, 1497, 2),
            ServerProfile::Exchange2016 => (15, 1, 2507, 6),
            ServerProfile::Exchange2019 => (15, 2, 1544, 4),
        }
    }

    /// The `ServerVersionInfo` header of every EWS response.
    pub fn server_version_info(self) -> ServerVersionInfo {
        let (a, b, c, d) = self.build();
        ServerVersionInfo {
            major_version: Some(a),
            minor_version: Some(b),
            major_build_number: Some(c),
            minor_build_number: Some(d),
            version: Some(self.newest_version().as_str().to_owned()),
        }
    }

    /// The build as autodiscover's `CasVersion` writes it (`15.02.1544.004`).
    pub fn cas_version(self) -> String {
        let (a, b, c, d) = self.build();
        format!("{a}.{b:02}.{c:04}.{d:03}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_down_ladder_finds_each_release() {
        for (profile, expected) in [
            (ServerProfile::Exchange2010Sp2, ExchangeVersion::Exchange2010Sp2),
            (ServerProfile::Exchange2013, ExchangeVersion::Exchange2013Sp1),
            (ServerProfile::Exchange2016, ExchangeVersion::V2017_07_11),
        ] {
            let first = ExchangeVersion::STEP_DOWN.iter().copied().find(|v| profile.accepts(*v));
            assert_eq!(first, Some(expected));
        }
        assert!(!ServerProfile::Exchange2019.accepts(ExchangeVersion::Exchange2015));
        assert!(ServerProfile::Exchange2019.accepts(ExchangeVersion::Exchange2007Sp1));
        assert_eq!(ServerProfile::Exchange2019.cas_version(), "15.02.1544.004");
        assert_eq!(ServerProfile::Exchange2010Sp2.accepted_versions().len(), 5);
    }
}
