//! TLS for the simulator: a throw-away certificate authority and a server certificate it signs for
//! `localhost` and `127.0.0.1`, made with rcgen at start. Clients trust the CA
//! ([`SimServer::ca_certificate_pem`](super::SimServer::ca_certificate_pem)).

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::ntlm::ChannelBindings;

use super::error::SimError;

/// The certificates and the TLS configuration of a server.
#[derive(Debug)]
pub(crate) struct TlsSetup {
    /// The CA certificate, PEM.
    pub(crate) ca_pem: String,
    /// The server certificate, PEM.
    pub(crate) server_pem: String,
    /// The rustls configuration (HTTP/1.1 only).
    pub(crate) config: Arc<ServerConfig>,
    /// The `tls-server-end-point` channel bindings of the server certificate.
    pub(crate) channel_bindings: ChannelBindings,
}

fn tls_error(e: impl std::fmt::Display) -> SimError {
    SimError::Tls { reason: e.to_string() }
}

/// Makes the CA, the server certificate for `hosts`, and the configuration.
pub(crate) fn setup(hosts: &[String]) -> Result<TlsSetup, SimError> {
    let ca_key = KeyPair::generate().map_err(tls_error)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls_error)?;
    ca_params.distinguished_name.push(DnType::CommonName, "exsync simulator CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(tls_error)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().map_err(tls_error)?;
    let mut params = CertificateParams::new(hosts.to_vec()).map_err(tls_error)?;
    params.distinguished_name.push(DnType::CommonName, hosts.first().map_or("localhost", String::as_str));
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = params.signed_by(&server_key, &issuer).map_err(tls_error)?;

    let channel_bindings = ChannelBindings::tls_server_end_point(server_cert.der()).map_err(tls_error)?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let chain: Vec<CertificateDer<'static>> = vec![server_cert.der().clone(), ca_cert.der().clone()];
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(tls_error)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsSetup { ca_pem: ca_cert.pem(), server_pem: server_cert.pem(), config: Arc::new(config), channel_bindings })
}
