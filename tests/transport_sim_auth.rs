//! Every sign-in scheme of the transport end to end against the simulator over real HTTP: Basic
//! and NTLM in both user name forms, servers that offer only one of them, wrong passwords, OAuth
//! client credentials with a secret and with a certificate assertion at the simulator's token
//! endpoint, and a caller's bearer-token provider.
#![cfg(feature = "sim")]

mod sim_client;
mod transport_sim;

use std::sync::{Arc, Mutex};

use exsync::sim::{AuthScheme, AuthSchemes, Endpoint};
use exsync::transport::{
    BearerToken, BearerTokenProvider, Credentials, EWS_DEFAULT_SCOPE, OAuthAuthority, Secret, TokenFuture,
    TokenProviderError, TransportError,
};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use sim_client::{APP_CERT_PEM, APP_ID, APP_KEY_PEM, APP_SECRET, Client, PASSWORD, org};
use transport_sim::{basic, basic_with, client, contacts_folder, folder_name, ntlm, ntlm_with};

const ALICE: &str = "alice@contoso.com";

#[tokio::test]
async fn basic_signs_in_by_upn_and_down_level_name() {
    let server = org().start().await.unwrap();
    for user in ["svc@contoso.com", r"CONTOSO\svc", r"contoso.com\svc"] {
        let reply = client(&server, basic(user)).call(ALICE, contacts_folder()).await.unwrap();
        assert_eq!(folder_name(&reply.response).as_deref(), Some("Contacts"), "{user}");
        assert_eq!(reply.attempts, 1);
    }
    let seen = server.counters();
    assert_eq!((seen.unauthorized, seen.ntlm_challenges), (0, 0), "Basic goes with the first request");
}

#[tokio::test]
async fn ntlm_signs_in_by_upn_and_down_level_name() {
    let server = org().start().await.unwrap();
    for user in ["svc@contoso.com", r"CONTOSO\svc", r"contoso.com\svc"] {
        let c = client(&server, ntlm(user));
        let reply = c.call(ALICE, contacts_folder()).await.unwrap();
        assert_eq!(folder_name(&reply.response).as_deref(), Some("Contacts"), "{user}");
        assert_eq!(reply.attempts, 1, "the handshake is not a retry");
        assert_eq!(c.http().ntlm_handshakes(), 1, "{user}");
    }
    let seen = server.counters();
    assert_eq!(seen.ntlm_challenges, 3);
    assert_eq!(seen.ntlm_sign_ins, 3);
    assert_eq!(seen.ntlm_refusals, 0);
    // Each sign-in: the NEGOTIATE leg (401, empty body) and the AUTHENTICATE leg with the request.
    assert_eq!(seen.endpoint(Endpoint::Ews), 6);
    assert_eq!(seen.operation("GetFolder"), 3, "only the AUTHENTICATE leg carries the SOAP request");
}

#[tokio::test]
async fn an_ntlm_only_server_refuses_basic_and_says_why() {
    let server = org().auth(AuthSchemes::only(AuthScheme::Ntlm)).start().await.unwrap();
    let e = client(&server, basic("svc@contoso.com")).call(ALICE, contacts_folder()).await.unwrap_err();
    match &e {
        TransportError::SchemeNotOffered { scheme, offered, credentials, .. } => {
            assert_eq!((*scheme, offered.as_str()), ("Basic", "NTLM"));
            assert_eq!(credentials, "Basic as svc@contoso.com");
        }
        other => panic!("{other:?}"),
    }
    assert!(!e.to_string().contains(PASSWORD));
    assert_eq!(server.counters().endpoint(Endpoint::Ews), 1, "not retried");
    let reply = client(&server, ntlm(r"CONTOSO\svc")).call(ALICE, contacts_folder()).await.unwrap();
    assert_eq!(folder_name(&reply.response).as_deref(), Some("Contacts"));
}

#[tokio::test]
async fn a_basic_only_server_refuses_ntlm_and_says_why() {
    let server = org().auth(AuthSchemes::only(AuthScheme::Basic)).start().await.unwrap();
    let e = client(&server, ntlm(r"CONTOSO\svc")).call(ALICE, contacts_folder()).await.unwrap_err();
    match &e {
        TransportError::SchemeNotOffered { scheme: "NTLM", offered, .. } => assert!(offered.starts_with("Basic")),
        other => panic!("{other:?}"),
    }
    let text = e.to_string();
    assert!(text.contains(r"CONTOSO\svc") && !text.contains(PASSWORD), "{text}");
    let seen = server.counters();
    assert_eq!((seen.endpoint(Endpoint::Ews), seen.ntlm_challenges), (1, 0));
    assert_eq!(seen.bytes_in, 0, "the NEGOTIATE leg carried no body");
    client(&server, basic(r"CONTOSO\svc")).call(ALICE, contacts_folder()).await.unwrap();
}

#[tokio::test]
async fn a_wrong_ntlm_password_is_unauthorized_naming_the_account() {
    let server = org().start().await.unwrap();
    let e = client(&server, ntlm_with(r"CONTOSO\svc", "not-the-password")).call(ALICE, contacts_folder()).await;
    let e = e.unwrap_err();
    match &e {
        TransportError::Unauthorized { credentials, context } => {
            assert_eq!(credentials, r"NTLM as CONTOSO\svc");
            assert_eq!(context.mailbox.as_deref(), Some(ALICE));
        }
        other => panic!("{other:?}"),
    }
    let text = format!("{e} {e:?}");
    assert!(!text.contains("not-the-password") && !text.contains("TlRMTVNT"), "{text}");
    let seen = server.counters();
    assert_eq!((seen.ntlm_challenges, seen.ntlm_refusals, seen.ntlm_sign_ins), (1, 1, 0), "one handshake, no retry");
    assert_eq!(seen.operation("GetFolder"), 0, "nothing ran");

    // An account the directory does not know fares the same.
    let e = client(&server, ntlm(r"CONTOSO\nobody")).call(ALICE, contacts_folder()).await.unwrap_err();
    assert!(matches!(e, TransportError::Unauthorized { .. }), "{e}");
    let e = client(&server, basic_with("svc@contoso.com", "nope")).call(ALICE, contacts_folder()).await.unwrap_err();
    assert!(matches!(e, TransportError::Unauthorized { .. }), "{e}");
}

fn authority(server: &exsync::sim::SimServer) -> OAuthAuthority {
    OAuthAuthority { host: server.base_url().to_owned(), tenant: server.tenant_id() }
}

#[tokio::test]
async fn oauth_client_secret_with_the_simulators_token_endpoint() {
    let server = org().start().await.unwrap();
    let creds = Credentials::OAuthClientSecret {
        authority: authority(&server),
        client_id: APP_ID.into(),
        secret: Secret::new(APP_SECRET),
        scope: EWS_DEFAULT_SCOPE.into(),
    };
    let c = client(&server, creds);
    for _ in 0..2 {
        let reply = c.call(ALICE, contacts_folder()).await.unwrap();
        assert_eq!(folder_name(&reply.response).as_deref(), Some("Contacts"));
    }
    assert_eq!(server.counters().endpoint(Endpoint::Token), 1, "the token is cached");

    // A revoked token gets one refresh.
    server.revoke_tokens();
    c.call(ALICE, contacts_folder()).await.unwrap();
    assert_eq!(server.counters().endpoint(Endpoint::Token), 2);

    let wrong = Credentials::OAuthClientSecret {
        authority: authority(&server),
        client_id: APP_ID.into(),
        secret: Secret::new("wrong-secret"),
        scope: EWS_DEFAULT_SCOPE.into(),
    };
    let e = client(&server, wrong).call(ALICE, contacts_folder()).await.unwrap_err();
    match &e {
        TransportError::TokenRefused { status: 401, error, .. } => assert!(error.contains("invalid_client"), "{error}"),
        other => panic!("{other:?}"),
    }
    assert!(!e.to_string().contains("wrong-secret"));
}

/// The SHA-1 thumbprint of the app's test certificate, in hex, as Entra ID shows it.
fn app_thumbprint() -> String {
    let der = CertificateDer::from_pem_slice(APP_CERT_PEM.as_bytes()).unwrap();
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &der);
    digest.as_ref().iter().map(|b| format!("{b:02X}")).collect()
}

#[tokio::test]
async fn oauth_certificate_assertion_with_the_simulators_token_endpoint() {
    let server = org().start().await.unwrap();
    let creds = Credentials::OAuthCertificate {
        authority: authority(&server),
        client_id: APP_ID.into(),
        thumbprint: app_thumbprint(),
        private_key_pem: Secret::new(APP_KEY_PEM),
        scope: EWS_DEFAULT_SCOPE.into(),
    };
    let reply = client(&server, creds).call(ALICE, contacts_folder()).await.unwrap();
    assert_eq!(folder_name(&reply.response).as_deref(), Some("Contacts"));
    assert_eq!(server.counters().endpoint(Endpoint::Token), 1);

    // A key the app never registered is refused by the token endpoint.
    let creds = Credentials::OAuthCertificate {
        authority: authority(&server),
        client_id: APP_ID.into(),
        thumbprint: app_thumbprint(),
        private_key_pem: Secret::new(sim_client::OTHER_KEY_PEM),
        scope: EWS_DEFAULT_SCOPE.into(),
    };
    let e = client(&server, creds).call(ALICE, contacts_folder()).await.unwrap_err();
    match &e {
        TransportError::TokenRefused { error, .. } => assert!(error.contains("invalid_client"), "{error}"),
        other => panic!("{other:?}"),
    }
}

/// A caller's provider that fetches tokens from the simulator's token endpoint itself, keeps
/// the last one, and fetches anew when asked to refresh.
struct SimTokens {
    connection: tokio::sync::Mutex<Client>,
    tenant: String,
    cached: Mutex<Option<String>>,
    asked: Mutex<Vec<bool>>,
}

impl BearerTokenProvider for SimTokens {
    fn token(&self, refresh: bool) -> TokenFuture<'_> {
        self.asked.lock().unwrap().push(refresh);
        Box::pin(async move {
            let cached = self.cached.lock().unwrap().clone();
            if let (Some(token), false) = (cached, refresh) {
                return Ok(BearerToken { token: Secret::new(token), expires_at: None });
            }
            let form = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs([
                    ("grant_type", "client_credentials"),
                    ("client_id", APP_ID),
                    ("client_secret", APP_SECRET),
                    ("scope", EWS_DEFAULT_SCOPE),
                ])
                .finish();
            let path = format!("/{}/oauth2/v2.0/token", self.tenant);
            let headers = [("content-type", "application/x-www-form-urlencoded")];
            let answer = self
                .connection
                .lock()
                .await
                .send(http::Method::POST, &path, &headers, form)
                .await
                .map_err(|e| TokenProviderError { message: e.to_string() })?;
            let json: serde_json::Value = serde_json::from_str(&answer.body)
                .map_err(|_| TokenProviderError { message: format!("HTTP {}", answer.status) })?;
            let token =
                json["access_token"].as_str().ok_or_else(|| TokenProviderError { message: "no token".into() })?;
            *self.cached.lock().unwrap() = Some(token.to_owned());
            Ok(BearerToken { token: Secret::new(token), expires_at: None })
        })
    }
}

#[tokio::test]
async fn a_callers_bearer_provider_is_asked_again_after_401() {
    let server = org().start().await.unwrap();
    let provider = Arc::new(SimTokens {
        connection: tokio::sync::Mutex::new(Client::connect(&server).await),
        tenant: "contoso.com".into(),
        cached: Mutex::new(None),
        asked: Mutex::new(Vec::new()),
    });
    let c = client(&server, Credentials::Bearer(provider.clone()));
    c.call(ALICE, contacts_folder()).await.unwrap();
    server.revoke_tokens();
    let reply = c.call(ALICE, contacts_folder()).await.unwrap();
    assert_eq!(reply.attempts, 2, "one 401, then the fresh token");
    assert_eq!(*provider.asked.lock().unwrap(), [false, false, true]);
    assert_eq!(server.counters().endpoint(Endpoint::Token), 2);

    // A provider that keeps handing out refused tokens ends in Unauthorized after one refresh.
    let bogus = Arc::new(Bogus);
    let e = client(&server, Credentials::Bearer(bogus)).call(ALICE, contacts_folder()).await.unwrap_err();
    assert!(matches!(e, TransportError::Unauthorized { .. }), "{e}");
    assert!(!e.to_string().contains("made-up-token"));
}

/// A provider whose tokens the server never issued.
struct Bogus;

impl BearerTokenProvider for Bogus {
    fn token(&self, _refresh: bool) -> TokenFuture<'_> {
        Box::pin(async { Ok(BearerToken { token: Secret::new("made-up-token"), expires_at: None }) })
    }
}
