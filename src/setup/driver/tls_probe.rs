//! The connect and TLS probes: a TCP connection to the EWS endpoint, and a TLS handshake with it
//! that verifies the certificate against the trusted authorities and the host name, reporting what
//! the certificate says, or why it was not accepted. Nothing is sent over the connection.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, ProtocolVersion, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::net::TcpStream;
use url::Url;

use super::certificate::{self, CertificateSummary};
use super::dns::socket_address;
use crate::setup::analyzer::{CertificateProblem, ConnectOutcome, TlsOutcome};
use crate::transport::{HttpOptions, TransportError};

fn host_and_port(url: &Url) -> Result<(String, u16), String> {
    let host = url.host_str().ok_or("the URL has no host")?.to_owned();
    let port = url.port_or_known_default().ok_or("the URL has no port")?;
    Ok((host, port))
}

/// Opens a TCP connection to the URL's host and port within `timeout`.
async fn connect(http: &HttpOptions, url: &Url, timeout: Duration) -> Result<TcpStream, String> {
    let (host, port) = host_and_port(url)?;
    let work = async {
        let addr = socket_address(&http.resolve, &host, port).await?;
        TcpStream::connect(addr).await.map_err(|e| format!("{addr}: {e}"))
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(r) => r,
        Err(_) => Err(format!("no connection within {} s", timeout.as_secs_f32())),
    }
}

/// Runs [`Probe::Connect`](crate::setup::analyzer::Probe::Connect).
pub(crate) async fn connect_probe(http: &HttpOptions, url: &Url, timeout: Duration) -> ConnectOutcome {
    match connect(http, url, timeout).await {
        Ok(tcp) => ConnectOutcome::Connected { address: tcp.peer_addr().ok() },
        Err(detail) => ConnectOutcome::Failed { detail },
    }
}

/// A verifier that verifies as rustls' WebPKI verifier does and remembers the certificate the
/// server presented, so that the report can describe it whether or not it verified.
#[derive(Debug)]
struct Recording {
    inner: Arc<WebPkiServerVerifier>,
    seen: Mutex<Option<CertificateDer<'static>>>,
}

impl Recording {
    fn seen(&self) -> Option<CertificateSummary> {
        let der = self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()?;
        certificate::summarize(&der)
    }
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(end_entity.clone().into_owned());
        self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// A client configuration verifying with the options' trusted authorities, and its recorder.
fn recording_config(http: &HttpOptions) -> Result<(Arc<ClientConfig>, Arc<Recording>), TransportError> {
    let roots = Arc::new(http.tls.root_store()?);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let inner = WebPkiServerVerifier::builder_with_provider(roots, Arc::clone(&provider))
        .build()
        .map_err(|e| TransportError::Config { reason: format!("TLS verifier setup failed: {e}") })?;
    let recording = Arc::new(Recording { inner, seen: Mutex::new(None) });
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TransportError::Config { reason: format!("TLS setup failed: {e}") })?
        .dangerous()
        .with_custom_certificate_verifier(Arc::clone(&recording) as Arc<dyn ServerCertVerifier>)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((Arc::new(config), recording))
}

fn protocol_name(v: ProtocolVersion) -> String {
    match v {
        ProtocolVersion::TLSv1_3 => "TLS 1.3".to_owned(),
        ProtocolVersion::TLSv1_2 => "TLS 1.2".to_owned(),
        other => format!("{other:?}"),
    }
}

fn problem_of(e: &CertificateError, seen: Option<&CertificateSummary>) -> CertificateProblem {
    match e {
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => CertificateProblem::Expired,
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => CertificateProblem::NotYetValid,
        CertificateError::UnknownIssuer if seen.is_some_and(CertificateSummary::is_self_issued) => {
            CertificateProblem::SelfSigned
        }
        CertificateError::UnknownIssuer => CertificateProblem::UnknownIssuer,
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            CertificateProblem::NameMismatch
        }
        CertificateError::Revoked => CertificateProblem::Revoked,
        _ => CertificateProblem::Other,
    }
}

/// Runs [`Probe::TlsHandshake`](crate::setup::analyzer::Probe::TlsHandshake) within `timeout`.
pub(crate) async fn tls_probe(http: &HttpOptions, url: &Url, timeout: Duration) -> TlsOutcome {
    let started = tokio::time::Instant::now();
    let (config, recording) = match recording_config(http) {
        Ok(c) => c,
        Err(e) => return TlsOutcome::HandshakeFailed { detail: e.to_string() },
    };
    let (host, _) = match host_and_port(url) {
        Ok(h) => h,
        Err(detail) => return TlsOutcome::HandshakeFailed { detail },
    };
    let name = match ServerName::try_from(host.trim_matches(['[', ']']).to_owned()) {
        Ok(n) => n,
        Err(e) => return TlsOutcome::HandshakeFailed { detail: format!("{host} is not a TLS server name ({e})") },
    };
    let tcp = match connect(http, url, timeout).await {
        Ok(t) => t,
        Err(detail) => return TlsOutcome::HandshakeFailed { detail: format!("could not connect: {detail}") },
    };
    let left = timeout.saturating_sub(started.elapsed());
    let connector = tokio_rustls::TlsConnector::from(config);
    let handshake = tokio::time::timeout(left, connector.connect(name, tcp)).await;
    let seen = recording.seen();
    match handshake {
        Err(_) => TlsOutcome::HandshakeFailed { detail: format!("no handshake within {} s", timeout.as_secs_f32()) },
        Ok(Ok(stream)) => {
            let protocol = stream.get_ref().1.protocol_version().map(protocol_name);
            match seen {
                Some(s) => TlsOutcome::Valid {
                    subject: s.subject_for_report(),
                    issuer: s.issuer,
                    not_after: s.not_after,
                    protocol,
                },
                None => TlsOutcome::Valid {
                    subject: "(unreadable certificate)".to_owned(),
                    issuer: "(unknown)".to_owned(),
                    not_after: None,
                    protocol,
                },
            }
        }
        Ok(Err(e)) => {
            let tls = e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>());
            match tls {
                Some(rustls::Error::InvalidCertificate(c)) => {
                    let mut detail = c.to_string();
                    if let Some(s) = &seen {
                        detail.push_str(&format!("; {}", s.describe()));
                    }
                    TlsOutcome::Invalid { problem: problem_of(c, seen.as_ref()), detail }
                }
                _ => TlsOutcome::HandshakeFailed { detail: e.to_string() },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems() {
        let self_signed = CertificateSummary {
            subject: "CN=exch01".into(),
            issuer: "CN=exch01".into(),
            not_after: None,
            dns_names: vec![],
        };
        assert_eq!(problem_of(&CertificateError::UnknownIssuer, Some(&self_signed)), CertificateProblem::SelfSigned);
        assert_eq!(problem_of(&CertificateError::UnknownIssuer, None), CertificateProblem::UnknownIssuer);
        assert_eq!(problem_of(&CertificateError::Expired, None), CertificateProblem::Expired);
        assert_eq!(problem_of(&CertificateError::NotValidYet, None), CertificateProblem::NotYetValid);
        assert_eq!(problem_of(&CertificateError::NotValidForName, None), CertificateProblem::NameMismatch);
        assert_eq!(problem_of(&CertificateError::Revoked, None), CertificateProblem::Revoked);
        assert_eq!(problem_of(&CertificateError::BadSignature, None), CertificateProblem::Other);
    }

    #[tokio::test]
    async fn a_closed_port_fails_to_connect_and_to_shake_hands() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let url: Url = format!("https://127.0.0.1:{port}/EWS/Exchange.asmx").parse().unwrap();
        let http = HttpOptions::default();
        assert!(matches!(connect_probe(&http, &url, Duration::from_secs(2)).await, ConnectOutcome::Failed { .. }));
        assert!(matches!(tls_probe(&http, &url, Duration::from_secs(2)).await, TlsOutcome::HandshakeFailed { .. }));
    }
}
