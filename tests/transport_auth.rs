//! OAuth 2.0 client credentials (secret and certificate assertion), token caching and refresh, one
//! token refresh after 401, and the caller's bearer-token provider, against canned servers that
//! check what they receive.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::canned_server::{Canned, CannedServer, Recorded};
use exsync::ews::{
    BaseFolderId, CreateItem, CreateItemResponse, DistinguishedFolderName, FolderInfo, GetFolder, GetFolderResponse,
    ItemInfoContent, Response, ResponseBody, ResponseMessage, ResponseStatus,
};
use exsync::transport::oauth::{JWT_BEARER_ASSERTION, client_assertion, rsa_key_from_pem, x5t_from_thumbprint};
use exsync::transport::{
    BearerToken, BearerTokenProvider, Credentials, EWS_DEFAULT_SCOPE, EwsClient, EwsClientConfig, OAuthAuthority,
    Secret, TokenFuture, TokenProviderError, TransportError,
};

const CLIENT_SECRET: &str = "cl13nt~s3cret";
const THUMBPRINT: &str = "3A:1F:00:9C:5B:7E:22:41:8D:90:AB:CD:EF:01:23:45:67:89:AB:CD";
const KEY_PEM: &str = include_str!("data/test-only-oauth-rsa-key.pem");

fn folder_ok() -> String {
    let msg = ResponseMessage { status: ResponseStatus::success(), content: FolderInfo { folders: Some(vec![]) } };
    Response { server_version: None, body: ResponseBody::Message(GetFolderResponse { messages: vec![msg] }) }
        .to_xml_string("GetFolderResponse")
}

fn op() -> GetFolder {
    GetFolder::distinguished(&[DistinguishedFolderName::Contacts])
}

fn token_json(token: &str, expires_in: u64) -> Canned {
    Canned::json(
        200,
        format!(
            r#"{{"token_type":"Bearer","expires_in":{expires_in},"ext_expires_in":3599,"access_token":"{token}"}}"#
        ),
    )
}

/// A server acting as both the token endpoint (`/contoso-tenant/oauth2/v2.0/token`) and EWS.
/// Token requests get `tok-1`, `tok-2`, … (lifetime `expires_in`); EWS answers 200 to the tokens
/// in `accepted` and 401 to others.
async fn identity_and_ews(expires_in: u64, accepted: &'static [&'static str]) -> CannedServer {
    let issued = Arc::new(AtomicU32::new(0));
    CannedServer::start(move |r, _| {
        if r.path == "/contoso-tenant/oauth2/v2.0/token" {
            let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
            return token_json(&format!("tok-{n}"), expires_in);
        }
        let token = r.header("authorization").unwrap_or("").trim_start_matches("Bearer ");
        if accepted.contains(&token) { Canned::xml(folder_ok()) } else { Canned::status(401) }
    })
    .await
}

fn authority(server: &CannedServer) -> OAuthAuthority {
    OAuthAuthority { host: format!("http://127.0.0.1:{}", server.addr.port()), tenant: "contoso-tenant".into() }
}

fn config(server: &CannedServer, credentials: Credentials) -> EwsClientConfig {
    let mut c = EwsClientConfig::new(server.url("/EWS/Exchange.asmx"), credentials);
    c.http.allow_insecure_loopback = true;
    c
}

fn secret_credentials(server: &CannedServer) -> Credentials {
    Credentials::OAuthClientSecret {
        authority: authority(server),
        client_id: "app-1234".into(),
        secret: Secret::new(CLIENT_SECRET),
        scope: EWS_DEFAULT_SCOPE.into(),
    }
}

fn token_requests(server: &CannedServer) -> Vec<Recorded> {
    server.requests().into_iter().filter(|r| r.path.ends_with("/oauth2/v2.0/token")).collect()
}

fn ews_requests(server: &CannedServer) -> Vec<Recorded> {
    server.requests().into_iter().filter(|r| r.path == "/EWS/Exchange.asmx").collect()
}

#[tokio::test]
async fn client_secret_token_is_requested_once_and_cached() {
    let server = identity_and_ews(3600, &["tok-1"]).await;
    let client = EwsClient::new(config(&server, secret_credentials(&server))).unwrap();
    client.call("alice@contoso.com", op()).await.unwrap();
    client.call("bob@contoso.com", op()).await.unwrap();
    let tokens = token_requests(&server);
    assert_eq!(tokens.len(), 1, "the token is cached");
    let t = &tokens[0];
    assert_eq!(t.method, "POST");
    assert_eq!(t.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(t.form("grant_type").as_deref(), Some("client_credentials"));
    assert_eq!(t.form("client_id").as_deref(), Some("app-1234"));
    assert_eq!(t.form("scope").as_deref(), Some(EWS_DEFAULT_SCOPE));
    assert_eq!(t.form("client_secret").as_deref(), Some(CLIENT_SECRET));
    assert_eq!(t.form("client_assertion"), None);
    for r in ews_requests(&server) {
        assert_eq!(r.header("authorization"), Some("Bearer tok-1"));
    }
}

#[tokio::test]
async fn a_token_near_expiry_is_replaced_before_use() {
    // A one-second token is refreshed after half its life.
    let server = identity_and_ews(1, &["tok-1", "tok-2"]).await;
    let client = EwsClient::new(config(&server, secret_credentials(&server))).unwrap();
    client.call("alice@contoso.com", op()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    client.call("alice@contoso.com", op()).await.unwrap();
    assert_eq!(token_requests(&server).len(), 2);
    let auths: Vec<_> = ews_requests(&server).iter().map(|r| r.header("authorization").unwrap().to_owned()).collect();
    assert_eq!(auths, ["Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn a_401_refreshes_the_token_once() {
    let server = identity_and_ews(3600, &["tok-2"]).await;
    let client = EwsClient::new(config(&server, secret_credentials(&server))).unwrap();
    let reply = client.call("alice@contoso.com", op()).await.unwrap();
    assert_eq!(reply.attempts, 2);
    assert_eq!(token_requests(&server).len(), 2);

    let server = identity_and_ews(3600, &[]).await;
    let client = EwsClient::new(config(&server, secret_credentials(&server))).unwrap();
    let e = client.call("alice@contoso.com", op()).await.unwrap_err();
    assert!(matches!(e, TransportError::Unauthorized { .. }), "{e}");
    assert_eq!(token_requests(&server).len(), 2, "one refresh only");
    assert_eq!(ews_requests(&server).len(), 2);
    let text = format!("{e} {e:?}");
    assert!(text.contains("app-1234") && !text.contains(CLIENT_SECRET) && !text.contains("tok-"), "{text}");
}

#[tokio::test]
async fn a_refused_token_request_says_why_without_secrets() {
    let server = CannedServer::script(vec![Canned::json(
        401,
        r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}"#,
    )])
    .await;
    let client = EwsClient::new(config(&server, secret_credentials(&server))).unwrap();
    let e = client.call("alice@contoso.com", op()).await.unwrap_err();
    match &e {
        TransportError::TokenRefused { status: 401, error, context } => {
            assert_eq!(error, "invalid_client (AADSTS7000215)");
            assert_eq!(context.operation, "OAuthToken");
        }
        other => panic!("{other:?}"),
    }
    assert!(!format!("{e} {e:?}").contains(CLIENT_SECRET));
    assert_eq!(ews_requests(&server).len(), 0);
}

fn certificate_credentials(server: &CannedServer) -> Credentials {
    Credentials::OAuthCertificate {
        authority: authority(server),
        client_id: "app-5678".into(),
        thumbprint: THUMBPRINT.into(),
        private_key_pem: Secret::new(KEY_PEM),
        scope: EWS_DEFAULT_SCOPE.into(),
    }
}

fn decode_json(part: &str) -> serde_json::Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

/// Checks a client assertion: header, claims and RS256 signature by the test key.
fn check_assertion(jwt: &str, audience: &str, client_id: &str) {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "{jwt}");
    let header = decode_json(parts[0]);
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["typ"], "JWT");
    let thumb: Vec<u8> = THUMBPRINT.split(':').map(|h| u8::from_str_radix(h, 16).unwrap()).collect();
    assert_eq!(header["x5t"], URL_SAFE_NO_PAD.encode(thumb));
    let claims = decode_json(parts[1]);
    assert_eq!(claims["aud"], audience);
    assert_eq!(claims["iss"], client_id);
    assert_eq!(claims["sub"], client_id);
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16));
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let (nbf, exp) = (claims["nbf"].as_u64().unwrap(), claims["exp"].as_u64().unwrap());
    assert!(nbf <= now + 1 && exp > now && exp - nbf <= 3600, "nbf {nbf} exp {exp} now {now}");
    let key = rsa_key_from_pem(&Secret::new(KEY_PEM)).unwrap();
    let public = ring::signature::UnparsedPublicKey::new(
        &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        ring::signature::KeyPair::public_key(&key).as_ref().to_vec(),
    );
    let signed = format!("{}.{}", parts[0], parts[1]);
    public.verify(signed.as_bytes(), &URL_SAFE_NO_PAD.decode(parts[2]).unwrap()).expect("signature by the test key");
}

#[tokio::test]
async fn certificate_credentials_send_a_signed_assertion() {
    let server = identity_and_ews(3600, &["tok-1"]).await;
    let client = EwsClient::new(config(&server, certificate_credentials(&server))).unwrap();
    client.call("alice@contoso.com", op()).await.unwrap();
    let tokens = token_requests(&server);
    assert_eq!(tokens.len(), 1);
    let t = &tokens[0];
    assert_eq!(t.form("grant_type").as_deref(), Some("client_credentials"));
    assert_eq!(t.form("client_id").as_deref(), Some("app-5678"));
    assert_eq!(t.form("client_assertion_type").as_deref(), Some(JWT_BEARER_ASSERTION));
    assert_eq!(t.form("client_secret"), None);
    let audience = format!("http://127.0.0.1:{}/contoso-tenant/oauth2/v2.0/token", server.addr.port());
    check_assertion(&t.form("client_assertion").unwrap(), &audience, "app-5678");
}

#[test]
fn a_tampered_assertion_fails_verification() {
    let key = rsa_key_from_pem(&Secret::new(KEY_PEM)).unwrap();
    let jwt =
        client_assertion(&key, &x5t_from_thumbprint(THUMBPRINT).unwrap(), "app", "https://aud", SystemTime::now())
            .unwrap();
    check_assertion(&jwt, "https://aud", "app");
    let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
    let mut claims = decode_json(&parts[1]);
    claims["sub"] = "someone-else".into();
    parts[1] = URL_SAFE_NO_PAD.encode(claims.to_string());
    let result = std::panic::catch_unwind(|| check_assertion(&parts.join("."), "https://aud", "app"));
    assert!(result.is_err());
}

#[test]
fn bad_keys_and_thumbprints_are_configuration_errors() {
    let creds = Credentials::OAuthCertificate {
        authority: OAuthAuthority::global("t"),
        client_id: "a".into(),
        thumbprint: THUMBPRINT.into(),
        private_key_pem: Secret::new("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
        scope: EWS_DEFAULT_SCOPE.into(),
    };
    let cfg = EwsClientConfig::new("https://mail.contoso.com/EWS/Exchange.asmx".parse().unwrap(), creds);
    let e = EwsClient::new(cfg).unwrap_err();
    assert!(matches!(e, TransportError::Config { .. }), "{e}");
    assert!(!e.to_string().contains("AAAA"));
    assert!(x5t_from_thumbprint("zz").is_err());
}

struct Provider {
    calls: Mutex<Vec<bool>>,
}

impl BearerTokenProvider for Provider {
    fn token(&self, refresh: bool) -> TokenFuture<'_> {
        let n = {
            let mut c = self.calls.lock().unwrap();
            c.push(refresh);
            c.len()
        };
        Box::pin(async move {
            if n > 2 {
                return Err(TokenProviderError { message: "the vault is sealed".into() });
            }
            Ok(BearerToken { token: Secret::new(format!("p-{n}")), expires_at: None })
        })
    }
}

#[tokio::test]
async fn bearer_provider_is_asked_again_after_401() {
    let server = CannedServer::start(|r, _| {
        if r.header("authorization") == Some("Bearer p-2") { Canned::xml(folder_ok()) } else { Canned::status(401) }
    })
    .await;
    let provider = Arc::new(Provider { calls: Mutex::new(Vec::new()) });
    let client = EwsClient::new(config(&server, Credentials::Bearer(provider.clone()))).unwrap();
    client.call("alice@contoso.com", op()).await.unwrap();
    assert_eq!(*provider.calls.lock().unwrap(), [false, true]);
    let e = client.call("alice@contoso.com", op()).await.unwrap_err();
    assert!(matches!(e, TransportError::TokenProvider { .. }), "{e}");
    assert!(e.to_string().contains("the vault is sealed"));
}

#[tokio::test]
async fn a_lost_token_answer_does_not_make_a_create_ambiguous() {
    let issued = Arc::new(AtomicU32::new(0));
    let server = CannedServer::start(move |r, _| {
        if r.path.ends_with("/oauth2/v2.0/token") {
            if issued.fetch_add(1, Ordering::SeqCst) == 0 {
                return Canned::Hangup;
            }
            return token_json("tok-1", 3600);
        }
        let msg = ResponseMessage { status: ResponseStatus::success(), content: ItemInfoContent { items: vec![] } };
        Canned::xml(
            Response { server_version: None, body: ResponseBody::Message(CreateItemResponse { messages: vec![msg] }) }
                .to_xml_string("CreateItemResponse"),
        )
    })
    .await;
    let mut cfg = config(&server, secret_credentials(&server));
    cfg.retry.base_delay = Duration::from_millis(1);
    let client = EwsClient::new(cfg).unwrap();
    let create = CreateItem::save_only(BaseFolderId::distinguished(DistinguishedFolderName::Contacts), vec![]);
    client.call("alice@contoso.com", create).await.unwrap();
    assert_eq!(token_requests(&server).len(), 2);
    assert_eq!(ews_requests(&server).len(), 1);
}
