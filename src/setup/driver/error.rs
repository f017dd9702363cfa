//! Why the driver could not run the analyzer (a step that fails is not an error: it is in the
//! report).

use crate::setup::analyzer::AnalyzerError;
use crate::setup::error::SetupError;
use crate::transport::TransportError;

/// Why the analyzer could not run to its report. Never contains a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DriverError {
    /// The setup flow refused to start or record the validation.
    #[error("the setup cannot be validated: {0}")]
    Setup(#[from] SetupError),
    /// The analyzer's input is unusable (a hand-entered EWS URL it refuses).
    #[error("the connectivity analyzer cannot run: {0}")]
    Analyzer(#[from] AnalyzerError),
    /// The driver's options are unusable (a CA certificate that is not PEM, a private key that
    /// does not read).
    #[error("the connectivity analyzer's settings are unusable: {source}")]
    Options {
        /// The transport's complaint.
        #[source]
        source: TransportError,
    },
}
