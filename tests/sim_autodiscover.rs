//! The simulator's autodiscover endpoints (POX and SOAP), parsed with the crate's own autodiscover
//! types, including redirects.
#![cfg(feature = "sim")]

mod sim_client;

use exsync::autodiscover::{
    AutodiscoverErrorCode, EwsUrlPreference, GetUserSettingsReply, GetUserSettingsRequest, PoxAction, PoxRequest,
    PoxResponse, UserSettingName,
};
use exsync::ews::ExchangeVersion;
use exsync::sim::{AutodiscoverRedirect, ServerProfile};
use sim_client::{Client, org, svc};

#[tokio::test]
async fn pox_answers_settings_errors_and_redirects() {
    let server = org().start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let pox = |addr: &str| PoxRequest::new(addr).to_xml_string();

    let a = c.post("/autodiscover/autodiscover.xml", &svc(), pox("alice@contoso.com")).await.unwrap();
    assert_eq!(a.status, 200);
    let r = PoxResponse::parse(&a.body).unwrap();
    assert_eq!(r.action(), Some(&PoxAction::Settings));
    assert_eq!(r.ews_url(EwsUrlPreference::External), Some(server.ews_url().as_str()));
    assert_eq!(r.ews_url(EwsUrlPreference::Internal), Some(server.ews_url().as_str()));
    let user = r.user.unwrap();
    assert_eq!(user.display_name.as_deref(), Some("Alice Wong"));
    assert_eq!(user.autodiscover_smtp_address.as_deref(), Some("alice@contoso.com"));

    let a = c.post("/autodiscover/autodiscover.xml", &svc(), pox("carol@contoso.com")).await.unwrap();
    let r = PoxResponse::parse(&a.body).unwrap();
    assert_eq!(r.error().and_then(|e| e.error_code.as_deref()), Some("500"));
    let a = c.post("/autodiscover/autodiscover.xml", &svc(), "<not-pox/>").await.unwrap();
    assert_eq!(PoxResponse::parse(&a.body).unwrap().error().and_then(|e| e.error_code.as_deref()), Some("600"));

    server.autodiscover_redirect("alice@contoso.com", AutodiscoverRedirect::Address("alice@contoso.net".into()));
    server.autodiscover_redirect(
        "bob@contoso.com",
        AutodiscoverRedirect::Url("https://mail.contoso.net/autodiscover/autodiscover.xml".into()),
    );
    let a = c.post("/autodiscover/autodiscover.xml", &svc(), pox("Alice@Contoso.com")).await.unwrap();
    let r = PoxResponse::parse(&a.body).unwrap();
    assert_eq!(r.action(), Some(&PoxAction::RedirectAddr));
    assert_eq!(r.account.unwrap().redirect_addr.as_deref(), Some("alice@contoso.net"));
    let a = c.post("/autodiscover/autodiscover.xml", &svc(), pox("bob@contoso.com")).await.unwrap();
    let r = PoxResponse::parse(&a.body).unwrap();
    assert_eq!(r.action(), Some(&PoxAction::RedirectUrl));
    assert_eq!(
        r.account.unwrap().redirect_url.as_deref(),
        Some("https://mail.contoso.net/autodiscover/autodiscover.xml")
    );
    server.clear_autodiscover_redirects();
    let a = c.post("/autodiscover/autodiscover.xml", &svc(), pox("bob@contoso.com")).await.unwrap();
    assert_eq!(PoxResponse::parse(&a.body).unwrap().action(), Some(&PoxAction::Settings));

    // Autodiscover needs authentication, like EWS.
    assert_eq!(c.post("/autodiscover/autodiscover.xml", "", pox("bob@contoso.com")).await.unwrap().status, 401);
}

#[tokio::test]
async fn soap_get_user_settings() {
    let server = org().server_profile(ServerProfile::Exchange2016).start().await.unwrap();
    let mut c = Client::connect(&server).await;
    let mut req = GetUserSettingsRequest::new("alice@contoso.com", ExchangeVersion::Exchange2013)
        .to(server.autodiscover_soap_url());
    req.mailboxes.push("nobody@contoso.com".into());
    req.mailboxes.push("bob@contoso.com".into());
    req.settings.push(UserSettingName::UserDisplayName);
    req.settings.push(UserSettingName::MobileMailboxPolicy);
    req.settings.push(UserSettingName::Other("NoSuchSetting".into()));
    server.autodiscover_redirect("bob@contoso.com", AutodiscoverRedirect::Address("bob@contoso.net".into()));

    let a = c.post("/autodiscover/autodiscover.svc", &svc(), req.to_xml_string()).await.unwrap();
    assert_eq!(a.status, 200);
    let GetUserSettingsReply::Message(r) = GetUserSettingsReply::parse(&a.body).unwrap() else { panic!("{}", a.body) };
    assert_eq!(r.error_code, AutodiscoverErrorCode::NoError);
    assert_eq!(r.server_version.as_ref().and_then(|v| v.major_version), Some(15));
    let [alice, nobody, bob] = &r.user_responses[..] else { panic!("{r:?}") };
    assert_eq!(alice.error_code, AutodiscoverErrorCode::NoError);
    assert_eq!(alice.setting(&UserSettingName::ExternalEwsUrl), Some(server.ews_url().as_str()));
    assert_eq!(alice.setting(&UserSettingName::InternalEwsUrl), Some(server.ews_url().as_str()));
    assert_eq!(alice.setting(&UserSettingName::UserDisplayName), Some("Alice Wong"));
    assert_eq!(alice.setting(&UserSettingName::CasVersion), Some("15.01.2507.006"));
    assert!(alice.setting(&UserSettingName::EwsSupportedSchemas).unwrap().contains("Exchange2013_SP1"));
    let codes: Vec<_> = alice.setting_errors.iter().map(|e| e.error_code.clone()).collect();
    assert_eq!(codes, [AutodiscoverErrorCode::SettingIsNotAvailable, AutodiscoverErrorCode::InvalidSetting]);
    assert_eq!(nobody.error_code, AutodiscoverErrorCode::InvalidUser);
    assert_eq!(bob.error_code, AutodiscoverErrorCode::RedirectAddress);
    assert_eq!(bob.redirect_target.as_deref(), Some("bob@contoso.net"));

    let a = c.post("/autodiscover/autodiscover.svc", &svc(), "<garbage").await.unwrap();
    let GetUserSettingsReply::Message(r) = GetUserSettingsReply::parse(&a.body).unwrap() else { panic!() };
    assert_eq!(r.error_code, AutodiscoverErrorCode::InvalidRequest);
}
