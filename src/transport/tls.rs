//! TLS for the transport: rustls with the ring provider, certificate verification always on, the
//! Mozilla roots (webpki-roots) plus the caller's own CA certificates (on-premises Exchange often
//! uses an internal certificate authority).
//!
//! ```
//! use exsync::transport::tls::TlsOptions;
//!
//! let tls = TlsOptions::default();
//! assert!(tls.webpki_roots);
//! assert!(tls.client_config().is_ok());
//! let bad = TlsOptions { extra_ca_pem: vec!["not a certificate".into()], ..TlsOptions::default() };
//! assert!(bad.client_config().is_err());
//! ```

use std::sync::Arc;

use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use super::error::TransportError;

/// Which certificate authorities the client trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptions {
    /// Trust the Mozilla root store (webpki-roots). On by default.
    pub webpki_roots: bool,
    /// Further CA certificates, each a PEM text holding one or more certificates.
    pub extra_ca_pem: Vec<String>,
}

impl Default for TlsOptions {
    fn default() -> Self {
        TlsOptions { webpki_roots: true, extra_ca_pem: Vec::new() }
    }
}

impl TlsOptions {
    /// The rustls client configuration (ring provider, TLS 1.2 and 1.3, HTTP/1.1 via ALPN).
    pub fn client_config(&self) -> Result<Arc<ClientConfig>, TransportError> {
        let roots = self.root_store()?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TransportError::config(format!("TLS setup failed: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }

    /// The trusted authorities: the Mozilla roots (when on) and the extra CA certificates.
    pub(crate) fn root_store(&self) -> Result<RootCertStore, TransportError> {
        let mut roots = RootCertStore::empty();
        if self.webpki_roots {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        for (i, pem) in self.extra_ca_pem.iter().enumerate() {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem.as_bytes())
                .collect::<Result<_, _>>()
                .map_err(|e| TransportError::config(format!("CA certificate #{} is not valid PEM: {e}", i + 1)))?;
            if certs.is_empty() {
                return Err(TransportError::config(format!(
                    "CA certificate #{} holds no \"BEGIN CERTIFICATE\" block",
                    i + 1
                )));
            }
            for cert in certs {
                roots.add(cert).map_err(|e| {
                    TransportError::config(format!("CA certificate #{} is not a usable certificate: {e}", i + 1))
                })?;
            }
        }
        if roots.is_empty() {
            return Err(TransportError::config("no trusted certificate authority: enable webpki_roots or add a CA"));
        }
        Ok(roots)
    }
}

/// Whether a TLS failure is about the server's certificate (as opposed to the network), and its
/// text.
pub(crate) fn certificate_problem(err: &std::io::Error) -> Option<String> {
    let inner = err.get_ref()?;
    let tls = inner.downcast_ref::<rustls::Error>()?;
    match tls {
        rustls::Error::InvalidCertificate(c) => Some(format!("{c:?}")),
        rustls::Error::NoCertificatesPresented => Some("the server presented no certificate".into()),
        _ => None,
    }
}
