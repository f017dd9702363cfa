//! Autodiscover: POX (`POST /autodiscover/autodiscover.xml`) and SOAP `GetUserSettings`
//! (`POST /autodiscover/autodiscover.svc`), answered with the crate's own
//! [`autodiscover`](crate::autodiscover) message types.
//!
//! A mailbox of the organisation gets its settings (display name, legacy DN, deployment id, the
//! EWS URL as both internal and external URL, the server build and schema versions). An unknown
//! address gets POX error 500 / SOAP `InvalidUser`; a malformed request POX error 600 / SOAP
//! `InvalidRequest`. [`SimServer::autodiscover_redirect`](super::SimServer::autodiscover_redirect)
//! makes an address answer with a redirect instead (`redirectAddr` / `RedirectAddress`,
//! `redirectUrl` / `RedirectUrl`).

use http::StatusCode;

use crate::autodiscover::{
    AutodiscoverErrorCode, AutodiscoverServerVersion, GetUserSettingsReply, GetUserSettingsRequest,
    GetUserSettingsResponse, PoxAccount, PoxAction, PoxErrorDetail, PoxProtocol, PoxRequest, PoxResponse, PoxUser,
    ProtocolType, UserResponse, UserSetting, UserSettingError, UserSettingName,
};

use super::directory::MailboxUser;
use super::reply::Reply;
use super::state::Shared;

/// What autodiscover answers for an address instead of its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AutodiscoverRedirect {
    /// Ask again for this address (POX `redirectAddr`, SOAP `RedirectAddress`).
    Address(String),
    /// Ask again at this autodiscover URL (POX `redirectUrl`, SOAP `RedirectUrl`).
    Url(String),
}

/// What autodiscover knows of an address.
enum Lookup {
    Redirect(AutodiscoverRedirect),
    User(MailboxUser),
    Unknown,
}

fn lookup(shared: &Shared, address: &str) -> Lookup {
    if let Some(r) = shared.redirects().get(&address.trim().to_ascii_lowercase()) {
        return Lookup::Redirect(r.clone());
    }
    match shared.directory().user(address) {
        Some(u) => Lookup::User(u.clone()),
        None => Lookup::Unknown,
    }
}

/// The user's legacy Exchange DN.
fn legacy_dn(shared: &Shared, user: &MailboxUser) -> String {
    let org = shared.directory().netbios.clone();
    let cn = user.address.split('@').next().unwrap_or_default();
    format!("/o={org}/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn={cn}")
}

fn host(shared: &Shared) -> String {
    shared.base_url.split("://").nth(1).unwrap_or_default().to_owned()
}

fn pox_error(shared: &Shared, code: &str, message: &str) -> Reply {
    let response = PoxResponse {
        error: Some(PoxErrorDetail {
            time: Some(shared.clock.now().format("%H:%M:%S%.6f").to_string()),
            id: Some("2421997231".into()),
            error_code: Some(code.to_owned()),
            message: Some(message.to_owned()),
            debug_data: Some(String::new()),
            ..PoxErrorDetail::default()
        }),
        ..PoxResponse::default()
    };
    Reply::xml(StatusCode::OK, response.to_xml_string())
}

/// Answers a POX request.
pub(crate) fn serve_pox(shared: &Shared, body: &[u8]) -> Reply {
    let Some(request) = std::str::from_utf8(body).ok().and_then(|x| PoxRequest::parse(x).ok()) else {
        return pox_error(shared, "600", "Invalid Request");
    };
    let Some(address) = request.email_address.as_deref() else {
        return pox_error(shared, "600", "Invalid Request");
    };
    let account = match lookup(shared, address) {
        Lookup::Unknown => return pox_error(shared, "500", "The email address can't be found."),
        Lookup::Redirect(AutodiscoverRedirect::Address(to)) => PoxAccount {
            account_type: Some("email".into()),
            action: Some(PoxAction::RedirectAddr),
            redirect_addr: Some(to),
            ..PoxAccount::default()
        },
        Lookup::Redirect(AutodiscoverRedirect::Url(to)) => PoxAccount {
            account_type: Some("email".into()),
            action: Some(PoxAction::RedirectUrl),
            redirect_url: Some(to),
            ..PoxAccount::default()
        },
        Lookup::User(user) => {
            let protocol = |t: ProtocolType| {
                let mut p = PoxProtocol::new(t);
                p.server = Some(host(shared));
                p.ssl = Some(if shared.base_url.starts_with("https") { "On" } else { "Off" }.into());
                p.auth_package = Some("Basic".into());
                p.ews_url = Some(shared.ews_url());
                p.as_url = Some(shared.ews_url());
                p
            };
            let response = PoxResponse {
                user: Some(PoxUser {
                    display_name: Some(user.display_name.clone()),
                    legacy_dn: Some(legacy_dn(shared, &user)),
                    autodiscover_smtp_address: Some(user.address.clone()),
                    deployment_id: Some(shared.directory().tenant_id.clone()),
                    ..PoxUser::default()
                }),
                account: Some(PoxAccount {
                    account_type: Some("email".into()),
                    action: Some(PoxAction::Settings),
                    microsoft_online: Some("False".into()),
                    protocols: vec![protocol(ProtocolType::Exch), protocol(ProtocolType::Expr)],
                    ..PoxAccount::default()
                }),
                ..PoxResponse::default()
            };
            return Reply::xml(StatusCode::OK, response.to_xml_string());
        }
    };
    Reply::xml(StatusCode::OK, PoxResponse { account: Some(account), ..PoxResponse::default() }.to_xml_string())
}

fn setting(shared: &Shared, user: &MailboxUser, name: &UserSettingName) -> Option<String> {
    use UserSettingName as N;
    Some(match name {
        N::UserDisplayName => user.display_name.clone(),
        N::UserDN => legacy_dn(shared, user),
        N::UserDeploymentId => shared.directory().tenant_id.clone(),
        N::AutoDiscoverSMTPAddress => user.address.clone(),
        N::InternalEwsUrl | N::ExternalEwsUrl => shared.ews_url(),
        N::InternalMailboxServer | N::ExternalMailboxServer => host(shared),
        N::ExternalMailboxServerRequiresSSL => shared.base_url.starts_with("https").to_string(),
        N::CasVersion | N::ExternalEwsVersion => shared.profile.cas_version(),
        N::EwsSupportedSchemas => {
            shared.profile.accepted_versions().iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
        }
        N::UserMSOnline => "False".to_owned(),
        _ => return None,
    })
}

fn user_response(shared: &Shared, mailbox: &str, requested: &[UserSettingName]) -> UserResponse {
    let redirect = |code, target: String| UserResponse {
        error_code: code,
        error_message: Some("Redirection address.".into()),
        redirect_target: Some(target),
        setting_errors: Vec::new(),
        settings: Vec::new(),
    };
    match lookup(shared, mailbox) {
        Lookup::Redirect(AutodiscoverRedirect::Address(to)) => redirect(AutodiscoverErrorCode::RedirectAddress, to),
        Lookup::Redirect(AutodiscoverRedirect::Url(to)) => redirect(AutodiscoverErrorCode::RedirectUrl, to),
        Lookup::Unknown => UserResponse {
            error_code: AutodiscoverErrorCode::InvalidUser,
            error_message: Some(format!("Invalid user: '{}'", mailbox.trim())),
            redirect_target: None,
            setting_errors: Vec::new(),
            settings: Vec::new(),
        },
        Lookup::User(user) => {
            let mut r = UserResponse::success(Vec::new());
            for name in requested {
                match setting(shared, &user, name) {
                    Some(v) => r.settings.push(UserSetting::text(name.clone(), v)),
                    None => r.setting_errors.push(UserSettingError {
                        error_code: if matches!(name, UserSettingName::Other(_)) {
                            AutodiscoverErrorCode::InvalidSetting
                        } else {
                            AutodiscoverErrorCode::SettingIsNotAvailable
                        },
                        error_message: Some("The requested setting is not available.".into()),
                        setting_name: Some(name.as_str().to_owned()),
                    }),
                }
            }
            r
        }
    }
}

/// Answers a SOAP `GetUserSettings` request.
pub(crate) fn serve_soap(shared: &Shared, body: &[u8]) -> Reply {
    let (a, b, c, d) = shared.profile.build();
    let server_version = Some(AutodiscoverServerVersion {
        major_version: Some(a),
        minor_version: Some(b),
        major_build_number: Some(c),
        minor_build_number: Some(d),
        version: Some(if a >= 15 { "Exchange2015" } else { "Exchange2010" }.into()),
    });
    let request = std::str::from_utf8(body).ok().and_then(|x| GetUserSettingsRequest::parse(x).ok());
    let response = match request {
        None => GetUserSettingsResponse {
            server_version,
            error_code: AutodiscoverErrorCode::InvalidRequest,
            error_message: Some("The request is invalid.".into()),
            user_responses: Vec::new(),
        },
        Some(req) => GetUserSettingsResponse {
            server_version,
            error_code: AutodiscoverErrorCode::NoError,
            error_message: Some("No error.".into()),
            user_responses: req.mailboxes.iter().map(|m| user_response(shared, m, &req.settings)).collect(),
        },
    };
    Reply::xml(StatusCode::OK, GetUserSettingsReply::Message(response).to_xml_string())
}
