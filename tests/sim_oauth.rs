//! The simulator's OAuth token endpoint (client credentials with a secret or a certificate-signed
//! assertion) and bearer tokens at the EWS endpoint.
#![cfg(feature = "sim")]

mod sim_client;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{TimeZone, Utc};
use exsync::ews::*;
use exsync::sim::{AuthScheme, AuthSchemes, JWT_BEARER_ASSERTION, ManualClock, SimServer};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use rustls_pki_types::PrivatePkcs8KeyDer;
use rustls_pki_types::pem::PemObject;
use serde_json::{Value, json};
use sim_client::{APP_ID, APP_KEY_PEM, APP_SECRET, Client, OTHER_KEY_PEM, as_user, fault, message, org, svc};

const SCOPE: &str = "https://outlook.office365.com/.default";

fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

/// An RS256 JWT with `claims`, signed with the PKCS#8 PEM key.
fn sign(key_pem: &str, claims: &Value) -> String {
    let der = PrivatePkcs8KeyDer::from_pem_slice(key_pem.as_bytes()).expect("PKCS#8 PEM");
    let key = RsaKeyPair::from_pkcs8(der.secret_pkcs8_der()).expect("RSA key");
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "typ": "JWT"}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{header}.{payload}");
    let mut sig = vec![0; key.public().modulus_len()];
    key.sign(&RSA_PKCS1_SHA256, &SystemRandom::new(), input.as_bytes(), &mut sig).expect("signature");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

fn claims(aud: &str, now: i64) -> Value {
    json!({"aud": aud, "iss": APP_ID, "sub": APP_ID, "jti": "1", "nbf": now - 10, "exp": now + 600})
}

async fn token_request(c: &mut Client, tenant: &str, pairs: &[(&str, &str)]) -> (u16, Value) {
    let headers = [("content-type", "application/x-www-form-urlencoded")];
    let path = format!("/{tenant}/oauth2/v2.0/token");
    let a = c.send(http::Method::POST, &path, &headers, form(pairs)).await.unwrap();
    (a.status, serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("{e}: {}", a.body)))
}

fn with_secret(secret: &str) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", APP_ID.into()),
        ("scope", SCOPE.into()),
        ("client_secret", secret.into()),
    ]
}

fn borrowed<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn client_secret_gets_a_token_that_ews_accepts() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let (status, body) = token_request(&mut c, "contoso.com", &borrowed(&with_secret(APP_SECRET))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    let token = body["access_token"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {token}");

    let get = as_user("bob@contoso.com", GetFolder::distinguished(&[DistinguishedFolderName::Calendar]));
    let (status, r) = c.ews(&bearer, &get).await;
    assert_eq!(status, 200);
    message(r);
    // App-only tokens must impersonate.
    let own = Request::new(RequestHeader::new(ExchangeVersion::Exchange2016), get.body.clone());
    let (_, r) = c.ews(&bearer, &own).await;
    assert_eq!(fault(r).code(), ResponseCode::ErrorInvalidExchangeImpersonationHeaderData);
    // A made-up token is refused with invalid_token.
    let a = c.ews_raw("Bearer sim.made-up", &get.to_xml_string()).await;
    assert_eq!(a.status, 401);
    assert!(a.header_values("www-authenticate").iter().any(|h| h.contains("error=\"invalid_token\"")));
    server.revoke_tokens();
    assert_eq!(c.ews_raw(&bearer, &get.to_xml_string()).await.status, 401);
}

#[tokio::test]
async fn bad_requests_get_entra_id_errors() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let (status, body) = token_request(&mut c, "contoso.com", &borrowed(&with_secret("wrong"))).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")));
    assert!(body["error_description"].as_str().unwrap().starts_with("AADSTS7000215"));
    assert!(!body.to_string().contains(APP_SECRET));

    let (status, body) = token_request(&mut c, "fabrikam.com", &borrowed(&with_secret(APP_SECRET))).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")));
    let tenant = server.tenant_id();
    assert_eq!(token_request(&mut c, &tenant, &borrowed(&with_secret(APP_SECRET))).await.0, 200);
    assert_eq!(token_request(&mut c, "contoso.onmicrosoft.com", &borrowed(&with_secret(APP_SECRET))).await.0, 200);

    let mut other_app = with_secret(APP_SECRET);
    other_app[1].1 = "11111111-2222-3333-4444-555555555555".into();
    let (status, body) = token_request(&mut c, "contoso.com", &borrowed(&other_app)).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unauthorized_client")));

    let mut bad_scope = with_secret(APP_SECRET);
    bad_scope[2].1 = "https://outlook.office365.com/EWS.AccessAsUser.All".into();
    assert_eq!(token_request(&mut c, "contoso.com", &borrowed(&bad_scope)).await.1["error"], "invalid_scope");

    let mut password_grant = with_secret(APP_SECRET);
    password_grant[0].1 = "password".into();
    assert_eq!(
        token_request(&mut c, "contoso.com", &borrowed(&password_grant)).await.1["error"],
        "unsupported_grant_type"
    );

    let no_proof = [("grant_type", "client_credentials"), ("client_id", APP_ID), ("scope", SCOPE)];
    assert_eq!(token_request(&mut c, "contoso.com", &no_proof).await.1["error"], "invalid_request");
}

#[tokio::test]
async fn certificate_assertions_are_verified() {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap());
    let server = org().clock(Arc::new(clock.clone())).token_lifetime(Duration::from_secs(600)).start().await.unwrap();
    let now = Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap().timestamp();
    let aud = server.token_url("contoso.com");
    let mut c = Client::connect(&server).await;
    let request = |assertion: String| {
        vec![
            ("grant_type", "client_credentials".to_owned()),
            ("client_id", APP_ID.to_owned()),
            ("scope", SCOPE.to_owned()),
            ("client_assertion_type", JWT_BEARER_ASSERTION.to_owned()),
            ("client_assertion", assertion),
        ]
    };

    let ok = request(sign(APP_KEY_PEM, &claims(&aud, now)));
    let (status, body) = token_request(&mut c, "contoso.com", &borrowed(&ok)).await;
    assert_eq!(status, 200, "{body}");
    let bearer = format!("Bearer {}", body["access_token"].as_str().unwrap());

    let cases = [
        ("other key", sign(OTHER_KEY_PEM, &claims(&aud, now)), "AADSTS700027"),
        (
            "expired",
            sign(APP_KEY_PEM, &json!({"aud": aud, "iss": APP_ID, "sub": APP_ID, "exp": now - 3600})),
            "AADSTS700024",
        ),
        (
            "not yet valid",
            sign(APP_KEY_PEM, &json!({"aud": aud, "iss": APP_ID, "sub": APP_ID, "nbf": now + 3600, "exp": now + 7200})),
            "AADSTS700024",
        ),
        (
            "audience",
            sign(APP_KEY_PEM, &claims("https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token", now)),
            "AADSTS700021",
        ),
        (
            "issuer",
            sign(APP_KEY_PEM, &json!({"aud": aud, "iss": "someone", "sub": APP_ID, "exp": now + 60})),
            "AADSTS700023",
        ),
        ("garbage", "not.a.jwt".to_owned(), "AADSTS50027"),
    ];
    for (what, assertion, code) in cases {
        let (status, body) = token_request(&mut c, "contoso.com", &borrowed(&request(assertion))).await;
        assert_eq!((status, body["error"].as_str()), (401, Some("invalid_client")), "{what}: {body}");
        assert!(body["error_description"].as_str().unwrap().starts_with(code), "{what}: {body}");
    }
    let mut wrong_type = request(sign(APP_KEY_PEM, &claims(&aud, now)));
    wrong_type[3].1 = "urn:something:else".into();
    assert_eq!(token_request(&mut c, "contoso.com", &borrowed(&wrong_type)).await.0, 400);

    // The token works until it expires by the simulator's clock.
    let get = as_user("alice@contoso.com", GetFolder::distinguished(&[DistinguishedFolderName::Contacts]));
    assert_eq!(c.ews(&bearer, &get).await.0, 200);
    clock.advance(chrono::Duration::seconds(601));
    assert_eq!(c.ews_raw(&bearer, &get.to_xml_string()).await.status, 401);
}

#[tokio::test]
async fn bearer_can_be_switched_off() {
    let server = org().auth(AuthSchemes::only(AuthScheme::Basic)).start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let (_, body) = token_request(&mut c, "contoso.com", &borrowed(&with_secret(APP_SECRET))).await;
    let bearer = format!("Bearer {}", body["access_token"].as_str().unwrap());
    let get = as_user("alice@contoso.com", GetFolder::distinguished(&[DistinguishedFolderName::Contacts]));
    let a = c.ews_raw(&bearer, &get.to_xml_string()).await;
    assert_eq!(a.status, 401);
    assert_eq!(a.header_values("www-authenticate").len(), 1);
    assert_eq!(c.ews(&svc(), &get).await.0, 200);
}

#[tokio::test]
async fn apps_with_bad_certificates_are_configuration_errors() {
    let e = SimServer::builder()
        .domain("contoso.com")
        .oauth_app(
            exsync::sim::OAuthApp::new("x")
                .with_certificate_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        )
        .start()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("certificate of app x"), "{e}");
}
