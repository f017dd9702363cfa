//! The state behind an `exsync_setup` handle: the [`SetupFlow`], the validation in progress, the
//! configuration last saved, and the JSON the getters hand out (never a secret).

use serde::Deserialize;
use serde_json::{Value, json};

use super::error::FfiError;
use super::json;
use super::runtime::OwnedRuntime;
use crate::setup::Analyzer;
use crate::setup::DriverOptions;
use crate::setup::{
    AnalyzerReport, ConnectionMethod, OAuthApp, OAuthCredential, ServiceAccountAuth, SetupConfig, SetupFlow, SetupStep,
    ValidationStatus, ValidationTicket,
};
use crate::transport::Secret;

/// The flow and what the handle keeps beside it.
pub(crate) struct SetupState {
    pub(crate) flow: SetupFlow,
    /// A validation started and not yet run: its ticket and analyzer.
    pub(crate) pending: Option<(ValidationTicket, Analyzer)>,
    /// The configuration the last save returned.
    pub(crate) saved: Option<SetupConfig>,
    /// How validation runs (trusted CAs).
    pub(crate) options: DriverOptions,
    /// The runtime validation runs on, made at the first run.
    pub(crate) runtime: Option<OwnedRuntime>,
}

impl SetupState {
    pub(crate) fn new(flow: SetupFlow) -> Self {
        SetupState { flow, pending: None, saved: None, options: DriverOptions::default(), runtime: None }
    }

    /// The last analyzer report, as JSON.
    pub(crate) fn report_json(&self) -> Result<String, FfiError> {
        self.flow
            .last_report()
            .map(AnalyzerReport::to_json)
            .ok_or_else(|| FfiError::wrong_state("validation has not run on this setup yet"))
    }

    /// The configuration last saved, as JSON (secret references only).
    pub(crate) fn saved_json(&self) -> Result<String, FfiError> {
        self.saved
            .as_ref()
            .map(SetupConfig::to_json)
            .ok_or_else(|| FfiError::wrong_state("the setup has not been saved (or reopened) yet"))
    }

    /// Where the flow stands, for a UI (see `exsync_setup_state`).
    pub(crate) fn state_json(&self) -> Result<String, FfiError> {
        let flow = &self.flow;
        let steps: Vec<Value> = SetupStep::ALL
            .into_iter()
            .map(|s| {
                let mut v = step_json(s);
                v["applies"] = flow.applies(s).into();
                v["complete"] = flow.is_complete(s).into();
                v["reachable"] = flow.can_reach(s).into();
                v
            })
            .collect();
        let method = flow.connection_method().map(|m| match m {
            ConnectionMethod::ServiceAccount(ServiceAccountAuth::Basic) => 1,
            ConnectionMethod::ServiceAccount(ServiceAccountAuth::Ntlm) => 2,
            ConnectionMethod::OAuthAppOnly => 3,
        });
        let oauth = flow.oauth_app().map(|app| {
            json!({
                "tenant": app.tenant,
                "client_id": app.client_id,
                "authority_host": app.authority_host,
                "credential": match &app.credential {
                    OAuthCredential::ClientSecret(_) => json!({"kind": "client_secret"}),
                    OAuthCredential::Certificate { thumbprint, .. } => json!({"kind": "certificate", "thumbprint": thumbprint}),
                },
            })
        });
        let value = json!({
            "profile": flow.profile(),
            "current_step": step_json(flow.current()),
            "steps": steps,
            "sync_scope": flow.sync_scope(),
            "connection_method": method,
            "user_name": flow.user_name().map(ToString::to_string),
            "has_password": flow.has_password(),
            "oauth_app": oauth,
            "additional_domains": flow.additional_domains(),
            "allowed_domains": flow.allowed_domains().all().iter().map(ToString::to_string).collect::<Vec<_>>(),
            "test_mailbox": flow.test_mailbox().map(ToString::to_string),
            "ews_url": flow.ews_url().map(ToString::to_string),
            "validation": status_json(&flow.validation_status()),
            "validation_started": self.pending.is_some(),
            "saved": flow.is_saved(),
        });
        json::to_text(&value)
    }
}

/// `{"number": 3, "id": "service_account", "name": "service account"}`.
pub(crate) fn step_json(step: SetupStep) -> Value {
    json!({"number": step.number(), "id": step, "name": step.name()})
}

fn status_json(status: &ValidationStatus) -> Value {
    match status {
        ValidationStatus::NotRun => json!({"status": "not_run"}),
        ValidationStatus::Passed { at } => json!({"status": "passed", "at": at}),
        ValidationStatus::Failed { step } => json!({"status": "failed", "step": step}),
        ValidationStatus::Outdated { changes } => json!({"status": "outdated", "changes": changes}),
    }
}

/// The OAuth 2.0 application as JSON (see `exsync_setup_set_oauth_app`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OAuthAppJson {
    tenant: String,
    client_id: String,
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    certificate_thumbprint: Option<String>,
    #[serde(default)]
    private_key_pem: Option<String>,
    #[serde(default)]
    authority_host: Option<String>,
}

/// Reads the OAuth 2.0 application's JSON (its errors never quote it).
pub(crate) fn oauth_app(text: &str) -> Result<OAuthApp, FfiError> {
    let app: OAuthAppJson = json::parse_secret(text, "app_json")?;
    let credential = match (app.client_secret, app.certificate_thumbprint, app.private_key_pem) {
        (Some(secret), None, None) => OAuthCredential::ClientSecret(Secret::new(secret)),
        (None, Some(thumbprint), Some(pem)) => {
            OAuthCredential::Certificate { thumbprint, private_key_pem: Secret::new(pem) }
        }
        _ => {
            return Err(FfiError::Json {
                param: "app_json",
                detail: "give either \"client_secret\", or \"certificate_thumbprint\" and \"private_key_pem\"".into(),
            });
        }
    };
    Ok(OAuthApp { tenant: app.tenant, client_id: app.client_id, credential, authority_host: app.authority_host })
}
