//! [`EwsClient`]: typed EWS calls for one service account, on behalf of the mailboxes it
//! impersonates.
//!
//! Each [`EwsClient::call`] names the mailbox it acts for: the request carries
//! `ExchangeImpersonation` (`PrimarySmtpAddress`) in its SOAP header and the `X-AnchorMailbox` HTTP
//! header, and the cookies Exchange set for that mailbox (`X-BackEndOverrideCookie`,
//! `exchangecookie`, …) go back with it. The client then
//! - sends the request version the endpoint accepts, stepping down on
//!   `ErrorInvalidServerVersion` / `ErrorIncorrectSchemaVersion` /
//!   `ErrorInvalidSchemaVersionForMailboxVersion` ([`VersionNegotiator`]);
//! - retries `ErrorServerBusy` (SOAP fault, response message or HTTP 500 body) after
//!   `BackOffMilliseconds`, HTTP 503/429 after `Retry-After`, and network failures with
//!   exponential back-off and jitter, all within the [`RetryPolicy`]'s time budget;
//! - lowers the account's concurrency on `ErrorExceededConnectionCount` /
//!   `ErrorTooManyObjectsOpened`, and never runs more requests at once than
//!   [`ConcurrencyLimits`] allow per account and per mailbox;
//! - never repeats a create, update or delete whose response was lost
//!   ([`TransportError::Ambiguous`]);
//! - signs in with HTTP Basic, NTLM (the handshake runs once per connection, which is then
//!   reused; see [`super::http`]) or a bearer token, and asks a token scheme for a new token once
//!   after HTTP 401; a 401 that does not offer the credentials' scheme at all is
//!   [`TransportError::SchemeNotOffered`].
//!
//! The `ServerVersionInfo` of each answer comes back in [`EwsReply`].

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, COOKIE, SET_COOKIE};
use http::{HeaderName, HeaderValue, Method, StatusCode};
use url::Url;

use crate::ews::{ExchangeVersion, Request, RequestHeader, ResponseBody, ResponseCode, ServerVersionInfo, SoapFault};
use crate::xml::{XmlError, XmlErrorKind};

use super::auth::{Authenticator, UsedToken};
use super::cookies::AffinityCookies;
use super::credentials::Credentials;
use super::error::{CallContext, TransportError};
use super::exchange_operation::ExchangeOperation;
use super::gate::ConcurrencyGate;
use super::http::{HttpOptions, HttpRequest, HttpResponse, HttpTransport, PlainHttp};
use super::retry::{
    AdaptivePolicy, Backoff, ConcurrencyLimits, NetworkFailure, RetryCause, RetryContext, RetryDecision, RetryError,
    RetryPolicy, SlotOutcome,
};
use super::version::VersionNegotiator;

/// `X-AnchorMailbox`: routes the request to the mailbox's server.
pub const X_ANCHOR_MAILBOX: HeaderName = HeaderName::from_static("x-anchormailbox");
/// `X-PreferServerAffinity`: asks Exchange for an `X-BackEndOverrideCookie`.
pub const X_PREFER_SERVER_AFFINITY: HeaderName = HeaderName::from_static("x-preferserveraffinity");

/// Everything an [`EwsClient`] needs.
#[derive(Debug, Clone)]
pub struct EwsClientConfig {
    /// The EWS URL, e.g. `https://mail.contoso.com/EWS/Exchange.asmx`.
    pub endpoint: Url,
    /// How the service account signs in.
    pub credentials: Credentials,
    /// The request version to start from (`None`: the newest).
    pub version: Option<ExchangeVersion>,
    /// What is already known about endpoints' versions (from an earlier run); overrides
    /// `version` for the endpoints it lists.
    pub known_versions: Option<VersionNegotiator>,
    /// Retries and the time budget of one call.
    pub retry: RetryPolicy,
    /// Requests in flight per service account and per mailbox.
    pub concurrency: ConcurrencyLimits,
    /// How the account limit adapts to connection-count errors.
    pub adaptive: AdaptivePolicy,
    /// TLS, time-outs, user agent, wire trace, plain HTTP to loopback.
    pub http: HttpOptions,
    /// Seed of the back-off jitter (`None`: from the clock).
    pub jitter_seed: Option<u64>,
}

impl EwsClientConfig {
    /// Defaults for `endpoint` and `credentials`.
    pub fn new(endpoint: Url, credentials: Credentials) -> Self {
        EwsClientConfig {
            endpoint,
            credentials,
            version: None,
            known_versions: None,
            retry: RetryPolicy::default(),
            concurrency: ConcurrencyLimits::default(),
            adaptive: AdaptivePolicy::default(),
            http: HttpOptions::default(),
            jitter_seed: None,
        }
    }
}

/// A typed answer and what came with it.
#[derive(Debug, Clone)]
pub struct EwsReply<R> {
    /// The operation's response (its messages may still report per-item errors).
    pub response: R,
    /// `ServerVersionInfo` from the SOAP header.
    pub server_version: Option<ServerVersionInfo>,
    /// The `RequestServerVersion` the accepted request carried.
    pub request_version: ExchangeVersion,
    /// Requests sent for this call (1 when nothing was retried).
    pub attempts: u32,
}

struct Inner {
    endpoint: Url,
    http: HttpTransport,
    auth: Authenticator,
    versions: Mutex<VersionNegotiator>,
    cookies: Mutex<AffinityCookies>,
    gate: ConcurrencyGate,
    retry: RetryPolicy,
    seed: AtomicU64,
}

/// The EWS client of one service account. Clones share connections, limits, cookies and what is
/// known about versions.
#[derive(Clone)]
pub struct EwsClient {
    inner: std::sync::Arc<Inner>,
}

impl std::fmt::Debug for EwsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EwsClient")
            .field("endpoint", &self.inner.endpoint.as_str())
            .field("credentials", &self.inner.auth.describe())
            .finish()
    }
}

/// What one attempt came to.
enum AttemptResult<R> {
    Done(EwsReply<R>),
    VersionMismatch(ExchangeVersion, ResponseCode),
    Unauthorized(UsedToken),
    Retry(RetryCause, TransportError),
    Fail(TransportError),
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn valid_mailbox(mailbox: &str) -> bool {
    let m = mailbox.trim();
    m.len() == mailbox.len()
        && m.len() <= 320
        && m.split_once('@').is_some_and(|(l, d)| !l.is_empty() && !d.is_empty())
        && !m.chars().any(|c| c.is_control() || c.is_whitespace())
}

fn is_impersonation_code(code: &ResponseCode) -> bool {
    matches!(
        code,
        ResponseCode::ErrorImpersonateUserDenied
            | ResponseCode::ErrorImpersonationDenied
            | ResponseCode::ErrorImpersonationFailed
            | ResponseCode::ErrorInvalidExchangeImpersonationHeaderData
    )
}

fn is_missing_mailbox_code(code: &ResponseCode) -> bool {
    matches!(code, ResponseCode::ErrorNonExistentMailbox | ResponseCode::ErrorInvalidMailbox)
}

impl EwsClient {
    /// A client for `config`. Fails on an unusable configuration (bad CA certificate, bad private
    /// key).
    pub fn new(config: EwsClientConfig) -> Result<Self, TransportError> {
        let context = CallContext::new("EwsClient::new", None, config.endpoint.as_str());
        if !matches!(config.endpoint.scheme(), "https" | "http") || config.endpoint.host().is_none() {
            return Err(TransportError::config(format!("the EWS URL {} is not an https URL", context.url)));
        }
        let auth = Authenticator::new(&config.credentials, &context)?;
        let http = HttpTransport::new(config.http)?;
        let mut versions = config.known_versions.unwrap_or_else(|| VersionNegotiator::new(config.version));
        if versions.endpoints().is_empty() && config.version.is_some() {
            versions = VersionNegotiator::new(config.version);
        }
        let seed = config.jitter_seed.unwrap_or_else(|| {
            SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
        });
        Ok(EwsClient {
            inner: std::sync::Arc::new(Inner {
                endpoint: config.endpoint,
                http,
                auth,
                versions: Mutex::new(versions),
                cookies: Mutex::new(AffinityCookies::default()),
                gate: ConcurrencyGate::new(config.concurrency, config.adaptive),
                retry: config.retry,
                seed: AtomicU64::new(seed),
            }),
        })
    }

    /// The EWS URL.
    pub fn endpoint(&self) -> &Url {
        &self.inner.endpoint
    }

    /// What is known about the endpoint's version (store it to start there next time).
    pub fn known_versions(&self) -> VersionNegotiator {
        lock(&self.inner.versions).clone()
    }

    /// The account's concurrency limit in force (lowered after connection-count errors).
    pub fn account_concurrency(&self) -> u32 {
        self.inner.gate.account_limit()
    }

    /// The HTTP layer (connection counts, wire tracer).
    pub fn http(&self) -> &HttpTransport {
        &self.inner.http
    }

    /// Sends `operation` on behalf of `mailbox` (its primary SMTP address) and returns the typed
    /// answer. See the module documentation for what is retried.
    pub async fn call<O: ExchangeOperation>(
        &self,
        mailbox: &str,
        operation: O,
    ) -> Result<EwsReply<O::Response>, TransportError> {
        self.send_call(mailbox, true, operation).await
    }

    /// Sends `operation` as the service account itself, without the `ExchangeImpersonation`
    /// header (the connectivity analyzer's sign-in check); `anchor` (an SMTP address) routes it
    /// (`X-AnchorMailbox`) and counts toward that mailbox's concurrency limit. Retries as
    /// [`EwsClient::call`] does.
    pub async fn call_as_account<O: ExchangeOperation>(
        &self,
        anchor: &str,
        operation: O,
    ) -> Result<EwsReply<O::Response>, TransportError> {
        self.send_call(anchor, false, operation).await
    }

    async fn send_call<O: ExchangeOperation>(
        &self,
        mailbox: &str,
        impersonate: bool,
        operation: O,
    ) -> Result<EwsReply<O::Response>, TransportError> {
        let inner = &self.inner;
        let context = CallContext::new(O::NAME, Some(mailbox), inner.endpoint.as_str());
        if !valid_mailbox(mailbox) {
            return Err(TransportError::config(format!("{context}: {mailbox:?} is not an SMTP address")));
        }
        let idempotency = operation.idempotency();
        let first_version = lock(&inner.versions).version_for(inner.endpoint.as_str());
        let header = if impersonate {
            RequestHeader::impersonating(first_version, mailbox)
        } else {
            RequestHeader::new(first_version)
        };
        let mut request = Request::new(header, operation);
        let mut backoff = Backoff::new(inner.retry.clone(), inner.seed.fetch_add(0x9E37_79B9, Ordering::Relaxed));
        let started = Instant::now();
        let mut failures = 0u32;
        let mut sent = 0u32;
        let mut refused: Option<UsedToken> = None;
        let mut refreshed = false;
        loop {
            let version = lock(&inner.versions).version_for(inner.endpoint.as_str());
            request.header.version = version;
            let xml = request.to_xml_string();
            let slot = inner.gate.acquire(mailbox).await;
            sent += 1;
            let result = self.attempt::<O>(&context, mailbox, version, xml, refused.as_ref(), sent).await;
            let slot_outcome = match &result {
                AttemptResult::Retry(RetryCause::ConnectionLimit { .. }, _) => SlotOutcome::ConnectionLimit,
                AttemptResult::Retry(..) | AttemptResult::Fail(_) => SlotOutcome::OtherFailure,
                _ => SlotOutcome::Success,
            };
            inner.gate.release(slot, slot_outcome);
            match result {
                AttemptResult::Done(reply) => {
                    lock(&inner.versions).on_success(inner.endpoint.as_str(), version);
                    return Ok(reply);
                }
                AttemptResult::Fail(e) => return Err(e),
                AttemptResult::VersionMismatch(used, code) => {
                    let step = lock(&inner.versions).on_mismatch(inner.endpoint.as_str(), used, &code);
                    if let Err(source) = step {
                        return Err(TransportError::Version { context: Box::new(context), source });
                    }
                }
                AttemptResult::Unauthorized(used) => {
                    if refreshed || !inner.auth.refreshable() {
                        return Err(TransportError::Unauthorized {
                            context: Box::new(context),
                            credentials: inner.auth.describe().to_owned(),
                        });
                    }
                    refreshed = true;
                    refused = Some(used);
                }
                AttemptResult::Retry(cause, error) => {
                    failures += 1;
                    let cx = RetryContext { attempts: failures, elapsed: started.elapsed(), idempotency };
                    match backoff.decide(&cx, &cause) {
                        RetryDecision::RetryAfter(wait) | RetryDecision::LowerConcurrencyAndRetry(wait) => {
                            tokio::time::sleep(wait).await;
                        }
                        RetryDecision::GiveUp(RetryError::Ambiguous) => {
                            let detail = error.to_string();
                            return Err(TransportError::Ambiguous { context: Box::new(context), detail });
                        }
                        RetryDecision::GiveUp(source) => {
                            return Err(match cause {
                                RetryCause::Network(_) => error,
                                _ => TransportError::Throttled { context: Box::new(context), source },
                            });
                        }
                    }
                }
            }
        }
    }

    async fn attempt<O: ExchangeOperation>(
        &self,
        context: &CallContext,
        mailbox: &str,
        version: ExchangeVersion,
        xml: String,
        refused: Option<&UsedToken>,
        sent: u32,
    ) -> AttemptResult<O::Response> {
        let inner = &self.inner;
        let (authorization, used) = match inner.auth.authorization(&inner.http, refused, context).await {
            Ok(a) => a,
            // A token request that failed on the network: the EWS request itself was not sent.
            Err(e @ TransportError::Network { .. }) => {
                return AttemptResult::Retry(RetryCause::Network(NetworkFailure::NotSent), e);
            }
            Err(e) => return AttemptResult::Fail(e),
        };
        let Ok(anchor) = HeaderValue::from_str(mailbox) else {
            return AttemptResult::Fail(TransportError::config(format!(
                "{context}: the mailbox is not a header value"
            )));
        };
        let mut headers = vec![
            (CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8")),
            (ACCEPT, HeaderValue::from_static("text/xml")),
            (X_ANCHOR_MAILBOX, anchor),
            (X_PREFER_SERVER_AFFINITY, HeaderValue::from_static("true")),
        ];
        if let Some(cookie) = lock(&inner.cookies).header_for(mailbox) {
            if let Ok(mut v) = HeaderValue::from_str(&cookie) {
                v.set_sensitive(true);
                headers.push((COOKIE, v));
            }
        }
        let req = HttpRequest {
            method: Method::POST,
            url: inner.endpoint.clone(),
            headers,
            body: Bytes::from(xml),
            context: context.clone(),
            plain_http: PlainHttp::LoopbackOnly,
        };
        let resp = match inner.http.send(&req, authorization).await {
            Ok(r) => r,
            Err(e) => return Self::failed(e),
        };
        if resp.status == StatusCode::UNAUTHORIZED {
            if let Some(e) = inner.auth.scheme_not_offered(&resp.headers, context) {
                return AttemptResult::Fail(e);
            }
        }
        let set_cookies: Vec<&str> = resp.headers.get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).collect();
        if !set_cookies.is_empty() {
            lock(&inner.cookies).store(mailbox, set_cookies);
        }
        Self::classify::<O>(context, version, resp, used, sent)
    }

    /// A failure before any answer: network failures are retry causes, the rest final.
    fn failed<R>(e: TransportError) -> AttemptResult<R> {
        match &e {
            TransportError::Network { failure, .. } => AttemptResult::Retry(RetryCause::Network(*failure), e),
            _ => AttemptResult::Fail(e),
        }
    }

    fn classify<O: ExchangeOperation>(
        context: &CallContext,
        version: ExchangeVersion,
        resp: HttpResponse,
        used: UsedToken,
        sent: u32,
    ) -> AttemptResult<O::Response> {
        let status = resp.status;
        if status == StatusCode::UNAUTHORIZED {
            return AttemptResult::Unauthorized(used);
        }
        if let Some(cause) =
            RetryCause::from_http(status.as_u16(), resp.header(http::header::RETRY_AFTER), SystemTime::now())
        {
            return AttemptResult::Retry(
                cause,
                TransportError::Http { context: Box::new(context.clone()), status: status.as_u16() },
            );
        }
        if status != StatusCode::OK && status != StatusCode::INTERNAL_SERVER_ERROR {
            return AttemptResult::Fail(TransportError::Http {
                context: Box::new(context.clone()),
                status: status.as_u16(),
            });
        }
        let text = match std::str::from_utf8(&resp.body) {
            Ok(t) => t,
            Err(e) => {
                let source = XmlError {
                    kind: XmlErrorKind::Syntax(format!("the body is not UTF-8 ({e})")),
                    path: String::new(),
                    line: 1,
                    column: 1,
                };
                return AttemptResult::Fail(TransportError::InvalidResponse {
                    context: Box::new(context.clone()),
                    source,
                });
            }
        };
        let parsed = match Request::<O>::parse_response(text) {
            Ok(p) => p,
            Err(source) if status == StatusCode::OK => {
                return AttemptResult::Fail(TransportError::InvalidResponse {
                    context: Box::new(context.clone()),
                    source,
                });
            }
            Err(_) => {
                return AttemptResult::Fail(TransportError::Http { context: Box::new(context.clone()), status: 500 });
            }
        };
        match parsed.body {
            ResponseBody::Fault(fault) => Self::classify_fault(context, version, fault),
            ResponseBody::Message(message) => {
                let statuses = O::statuses(&message);
                let errors: Vec<_> = statuses.iter().filter(|s| !s.is_ok()).collect();
                if let Some(s) = errors.iter().find(|s| s.code.is_version_mismatch()) {
                    return AttemptResult::VersionMismatch(version, s.code.clone());
                }
                let all_failed = !errors.is_empty() && errors.len() == statuses.len();
                if all_failed {
                    if let Some(s) = errors.iter().find(|s| is_impersonation_code(&s.code)) {
                        let code = s.code.clone();
                        return AttemptResult::Fail(TransportError::ImpersonationDenied {
                            context: Box::new(context.clone()),
                            code,
                        });
                    }
                    if let Some(s) = errors.iter().find(|s| is_missing_mailbox_code(&s.code)) {
                        let code = s.code.clone();
                        return AttemptResult::Fail(TransportError::NonExistentMailbox {
                            context: Box::new(context.clone()),
                            code,
                        });
                    }
                    // Every message was refused for load: nothing was carried out, send it all again.
                    let causes: Vec<Option<RetryCause>> = errors.iter().map(|s| RetryCause::from_status(s)).collect();
                    if causes.iter().all(Option::is_some) {
                        if let Some(Some(cause)) = causes.into_iter().next() {
                            let error = TransportError::Fault {
                                context: Box::new(context.clone()),
                                fault: Box::new(SoapFault::ews(
                                    errors[0].code.clone(),
                                    errors[0].message_text.clone().unwrap_or_default(),
                                    errors[0].message_xml.clone(),
                                )),
                            };
                            return AttemptResult::Retry(cause, error);
                        }
                    }
                }
                AttemptResult::Done(EwsReply {
                    response: message,
                    server_version: parsed.server_version,
                    request_version: version,
                    attempts: sent,
                })
            }
        }
    }

    fn classify_fault<R>(context: &CallContext, version: ExchangeVersion, fault: SoapFault) -> AttemptResult<R> {
        let code = fault.code();
        if code.is_version_mismatch() {
            return AttemptResult::VersionMismatch(version, code);
        }
        if is_impersonation_code(&code) {
            return AttemptResult::Fail(TransportError::ImpersonationDenied {
                context: Box::new(context.clone()),
                code,
            });
        }
        if is_missing_mailbox_code(&code) {
            return AttemptResult::Fail(TransportError::NonExistentMailbox {
                context: Box::new(context.clone()),
                code,
            });
        }
        if let Some(cause) = RetryCause::from_fault(&fault) {
            return AttemptResult::Retry(
                cause,
                TransportError::Fault { context: Box::new(context.clone()), fault: Box::new(fault) },
            );
        }
        AttemptResult::Fail(TransportError::Fault { context: Box::new(context.clone()), fault: Box::new(fault) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailbox_addresses() {
        assert!(valid_mailbox("alice@contoso.com"));
        for bad in ["", "alice", "@contoso.com", "alice@", " alice@contoso.com", "a\r\nX: y@contoso.com", "a b@c.d"] {
            assert!(!valid_mailbox(bad), "{bad:?}");
        }
    }
}
