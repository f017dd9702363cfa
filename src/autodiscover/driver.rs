//! The autodiscover driver: runs an [`AutodiscoverPlan`] over the transport's HTTP layer and a
//! [`SrvResolver`]. Every attempt the plan yields is performed as it asks — POX and SOAP
//! `GetUserSettings` POSTs with credentials (redirects reported, never followed), the
//! unauthenticated plain-HTTP redirect probe (a GET without credentials), the SRV lookup — and its
//! outcome handed back; the plan decides what comes next and applies the security policy. The
//! report keeps every attempt and every refused redirect for the setup analyzer.
//!
//! Token schemes get one fresh token after an HTTP 401 per attempt. A failure that no other URL
//! can cure (the token endpoint refusing the application, an unusable configuration) ends the run
//! with a [`TransportError`].

use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, LOCATION};
use http::{HeaderName, HeaderValue, Method};

use crate::transport::auth::{Authenticator, RequestAuth, UsedToken};
use crate::transport::http::{HttpRequest, HttpResponse, PlainHttp};
use crate::transport::{CallContext, Credentials, HttpOptions, HttpTransport, TransportError};

use super::plan::{
    Attempt, AttemptRecord, AutodiscoverConfig, AutodiscoverError, AutodiscoverPlan, Discovery, Outcome,
    RedirectPolicy, Refusal, Step,
};
use super::pox::PoxResponse;
use super::soap::GetUserSettingsReply;
use super::srv::SrvResolver;

/// The `SOAPAction` of `GetUserSettings`.
pub const GET_USER_SETTINGS_ACTION: &str =
    "\"http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings\"";

/// What a run found, and everything it tried.
#[derive(Debug, Clone)]
pub struct AutodiscoverReport {
    /// The EWS URL found, or why not.
    pub result: Result<Discovery, AutodiscoverError>,
    /// Every attempt, in order.
    pub attempts: Vec<AttemptRecord>,
    /// Every refused URL or address, in order.
    pub refusals: Vec<Refusal>,
}

/// Runs autodiscover for one service account.
pub struct AutodiscoverClient {
    http: HttpTransport,
    auth: Authenticator,
    resolver: Arc<dyn SrvResolver>,
    config: AutodiscoverConfig,
}

impl std::fmt::Debug for AutodiscoverClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AutodiscoverClient")
            .field("credentials", &self.auth.describe())
            .field("config", &self.config)
            .finish()
    }
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

impl AutodiscoverClient {
    /// A client signing in with `credentials` (NTLM signs each connection in once).
    pub fn new(
        credentials: &Credentials,
        config: AutodiscoverConfig,
        http: HttpOptions,
        resolver: Arc<dyn SrvResolver>,
    ) -> Result<Self, TransportError> {
        let context = CallContext::new("Autodiscover", None, "(autodiscover)");
        let auth = Authenticator::new(credentials, &context)?;
        Ok(AutodiscoverClient { http: HttpTransport::new(http)?, auth, resolver, config })
    }

    /// The HTTP layer (wire tracer, connection counts).
    pub fn http(&self) -> &HttpTransport {
        &self.http
    }

    /// Finds the EWS URL for `email`; `policy` approves redirects outside the trusted domains.
    pub async fn discover(
        &self,
        email: &str,
        policy: impl RedirectPolicy + 'static,
    ) -> Result<AutodiscoverReport, TransportError> {
        let mut plan = match AutodiscoverPlan::new(email, self.config.clone(), policy) {
            Ok(p) => p,
            Err(e) => return Ok(AutodiscoverReport { result: Err(e), attempts: Vec::new(), refusals: Vec::new() }),
        };
        loop {
            let attempt = match plan.next_step() {
                Step::Done(result) => {
                    return Ok(AutodiscoverReport {
                        result,
                        attempts: plan.attempts().to_vec(),
                        refusals: plan.refusals().to_vec(),
                    });
                }
                Step::Attempt(a) => a,
            };
            let started = Instant::now();
            let outcome = self.perform(&attempt, plan.email()).await?;
            // The plan accepts the outcome of the attempt it just yielded.
            if let Err(e) = plan.handle(outcome, started.elapsed()) {
                return Ok(AutodiscoverReport {
                    result: Err(e),
                    attempts: plan.attempts().to_vec(),
                    refusals: plan.refusals().to_vec(),
                });
            }
        }
    }

    /// Performs one `attempt` of a plan the caller runs itself (the setup analyzer does), for the
    /// address `email` (used in error contexts and the wire trace): the same request
    /// [`AutodiscoverClient::discover`] would send, redirects reported and not followed. Network
    /// and TLS failures are the attempt's [`Outcome`]; token and configuration failures are
    /// errors.
    pub async fn perform_attempt(&self, attempt: &Attempt, email: &str) -> Result<Outcome, TransportError> {
        self.perform(attempt, email).await
    }

    async fn perform(&self, attempt: &Attempt, email: &str) -> Result<Outcome, TransportError> {
        match attempt {
            Attempt::SrvLookup { name } => Ok(match self.resolver.lookup_srv(name).await {
                Ok(records) => Outcome::Srv(records),
                Err(e) => Outcome::Network(e.to_string()),
            }),
            Attempt::RedirectProbe { url } => {
                let req = HttpRequest {
                    method: Method::GET,
                    url: url.clone(),
                    headers: Vec::new(),
                    body: Bytes::new(),
                    context: CallContext::new(attempt.operation(), Some(email), url.as_str()),
                    plain_http: PlainHttp::UnauthenticatedProbe,
                };
                Ok(match self.http.send(&req, RequestAuth::None).await {
                    Ok(resp) => Self::redirect_or_status(&resp),
                    Err(e) => Self::network_outcome(e)?,
                })
            }
            Attempt::Pox { url, .. } | Attempt::Soap { url, .. } => {
                let soap = matches!(attempt, Attempt::Soap { .. });
                let context = CallContext::new(attempt.operation(), Some(email), url.as_str());
                let body = Bytes::from(attempt.body().unwrap_or_default());
                let mut refused: Option<UsedToken> = None;
                loop {
                    let (authorization, used) = self.auth.authorization(&self.http, refused.as_ref(), &context).await?;
                    let mut headers = vec![
                        (CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8")),
                        (ACCEPT, HeaderValue::from_static("text/xml")),
                    ];
                    if soap {
                        headers.push((
                            HeaderName::from_static("soapaction"),
                            HeaderValue::from_static(GET_USER_SETTINGS_ACTION),
                        ));
                    }
                    let req = HttpRequest {
                        method: Method::POST,
                        url: url.clone(),
                        headers,
                        body: body.clone(),
                        context: context.clone(),
                        plain_http: PlainHttp::LoopbackOnly,
                    };
                    let resp = match self.http.send(&req, authorization).await {
                        Ok(r) => r,
                        Err(e) => return Self::network_outcome(e),
                    };
                    let status = resp.status.as_u16();
                    if status == 401 && refused.is_none() && self.auth.refreshable() {
                        refused = Some(used);
                        continue;
                    }
                    return Ok(Self::answer(&resp, soap));
                }
            }
        }
    }

    fn redirect_or_status(resp: &HttpResponse) -> Outcome {
        let status = resp.status.as_u16();
        match resp.header(LOCATION) {
            Some(location) if is_redirect(status) => Outcome::Redirect { status, location: location.to_owned() },
            _ => Outcome::HttpStatus(status),
        }
    }

    fn answer(resp: &HttpResponse, soap: bool) -> Outcome {
        let status = resp.status.as_u16();
        // SOAP faults come with HTTP 500.
        if status != 200 && !(soap && status == 500) {
            return Self::redirect_or_status(resp);
        }
        let Ok(text) = std::str::from_utf8(&resp.body) else {
            return Outcome::InvalidBody("the body is not UTF-8".into());
        };
        let parsed = if soap {
            GetUserSettingsReply::parse(text).map(Outcome::from)
        } else {
            PoxResponse::parse(text).map(Outcome::from)
        };
        match parsed {
            Ok(o) => o,
            Err(_) if status == 500 => Outcome::HttpStatus(500),
            Err(e) => Outcome::InvalidBody(e.to_string()),
        }
    }

    /// Failures another URL may not have: network and TLS problems are the attempt's outcome;
    /// token and configuration failures end the run.
    fn network_outcome(e: TransportError) -> Result<Outcome, TransportError> {
        match e {
            TransportError::Network { .. }
            | TransportError::TlsCertificate { .. }
            | TransportError::InsecureUrl { .. } => Ok(Outcome::Network(e.to_string())),
            TransportError::ResponseTooLarge { .. } => Ok(Outcome::InvalidBody(e.to_string())),
            other => Err(other),
        }
    }
}
