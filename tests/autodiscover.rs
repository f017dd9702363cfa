//! Autodiscover: every real sample parses (and survives a write/parse round trip), generated
//! messages round-trip, and the plan follows, refuses and records redirects as it must.

mod common;

use std::time::Duration;

use exsync::autodiscover::plan::{
    ApprovedHosts, Attempt, AttemptKind, AttemptResult, AutodiscoverConfig, AutodiscoverError, AutodiscoverPlan,
    AutodiscoverProtocol, DenyAll, Outcome, RedirectPolicy, RefusalReason, SrvRecord, Step, TargetSource,
    is_public_suffix_autodiscover,
};
use exsync::autodiscover::pox::{
    MobileSyncAction, MobileSyncServer, OwaUrl, PoxAccount, PoxAction, PoxErrorDetail, PoxProtocol, PoxRequest,
    PoxResponse, PoxUser, ProtocolType, WebAccess,
};
use exsync::autodiscover::soap::{
    AutodiscoverErrorCode, AutodiscoverServerVersion, GetUserSettingsReply, GetUserSettingsRequest,
    GetUserSettingsResponse, UserResponse, UserSetting, UserSettingError, UserSettingName, UserSettingValue,
};
use exsync::autodiscover::{EwsUrlPreference, ExtraElement};
use exsync::ews::ExchangeVersion;
use proptest::prelude::*;
use serde_json::Value;
use url::Url;

// ---------------------------------------------------------------- samples

#[test]
fn every_wellformed_autodiscover_sample_parses_and_round_trips() {
    let Some(shared) = common::shared_dir() else { return };
    let samples = shared.join("ews/samples");
    let manifest: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(samples.join("MANIFEST.json")).unwrap()).unwrap();
    let mut parsed = 0;
    let mut failures = Vec::new();
    for entry in &manifest {
        let dir = entry["dir"].as_str().unwrap();
        if dir != "Autodiscover-POX" && dir != "GetUserSettings" {
            continue;
        }
        let file = entry["file"].as_str().unwrap();
        if entry["wellformed"] != Value::Bool(true) {
            eprintln!("skipping {file}: the manifest marks it as not well-formed");
            continue;
        }
        let xml = std::fs::read_to_string(samples.join(file)).unwrap();
        let kind = entry["kind"].as_str().unwrap();
        let result: Result<(), String> = match (dir, kind) {
            ("Autodiscover-POX", "request") => PoxRequest::parse(&xml).map_err(|e| e.to_string()).and_then(|r| {
                let back = PoxRequest::parse(&r.to_xml_string()).map_err(|e| e.to_string())?;
                if back == r { Ok(()) } else { Err("round trip differs".into()) }
            }),
            ("Autodiscover-POX", _) => PoxResponse::parse(&xml).map_err(|e| e.to_string()).and_then(|r| {
                let back = PoxResponse::parse(&r.to_xml_string()).map_err(|e| e.to_string())?;
                if back == r { Ok(()) } else { Err(format!("round trip differs:\n{r:#?}\n{back:#?}")) }
            }),
            ("GetUserSettings", "request") => {
                GetUserSettingsRequest::parse(&xml).map_err(|e| e.to_string()).and_then(|r| {
                    let back = GetUserSettingsRequest::parse(&r.to_xml_string()).map_err(|e| e.to_string())?;
                    if back == r { Ok(()) } else { Err("round trip differs".into()) }
                })
            }
            _ => GetUserSettingsReply::parse(&xml).map_err(|e| e.to_string()).and_then(|r| {
                let back = GetUserSettingsReply::parse(&r.to_xml_string()).map_err(|e| e.to_string())?;
                if back == r { Ok(()) } else { Err(format!("round trip differs:\n{r:#?}\n{back:#?}")) }
            }),
        };
        match result {
            Ok(()) => parsed += 1,
            Err(e) => failures.push(format!("{file}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(parsed >= 20, "only {parsed} samples parsed");
    eprintln!("{parsed} autodiscover samples parsed and round-tripped");
}

fn sample(name: &str) -> Option<String> {
    let shared = common::shared_dir()?;
    Some(std::fs::read_to_string(shared.join("ews/samples").join(name)).unwrap())
}

#[test]
fn sample_contents_are_read_right() {
    let Some(xml) = sample("Autodiscover-POX/exchangelib-pox-settings-EXCH-EXPR-EwsUrl-resp.xml") else { return };
    let r = PoxResponse::parse(&xml).unwrap();
    assert_eq!(r.action(), Some(&PoxAction::Settings));
    assert_eq!(r.ews_url(EwsUrlPreference::External), Some("https://expr.example.com/EWS/Exchange.asmx"));
    assert_eq!(r.ews_url(EwsUrlPreference::Internal), Some("https://exch.example.com/EWS/Exchange.asmx"));

    let r = PoxResponse::parse(&sample("Autodiscover-POX/exchangelib-pox-redirectUrl-resp-2.xml").unwrap()).unwrap();
    assert_eq!(r.action(), Some(&PoxAction::RedirectUrl));
    assert_eq!(r.account.unwrap().redirect_url.as_deref(), Some("https://example.com/foo.asmx"));

    let r = PoxResponse::parse(&sample("Autodiscover-POX/msspec-oxdscli-4.2-redirectAddr-resp.xml").unwrap()).unwrap();
    assert_eq!(r.account.unwrap().redirect_addr.as_deref(), Some("user@subdomain.contoso.com"));

    let r = PoxResponse::parse(
        &sample("Autodiscover-POX/msdocs-get-user-settings-from-exchange-by-using-autodiscover-resp.xml").unwrap(),
    )
    .unwrap();
    let user = r.user.as_ref().unwrap();
    assert_eq!(user.display_name.as_deref(), Some("Mara Whitley"));
    let account = r.account.as_ref().unwrap();
    assert_eq!(account.protocols.len(), 3);
    assert_eq!(account.protocols[1].auth_package.as_deref(), Some("Ntlm"));
    let web = &account.protocols[2];
    assert_eq!(web.protocol_type, ProtocolType::Web);
    let internal = web.internal.as_ref().unwrap();
    assert_eq!(internal.owa_urls[0].authentication_method.as_deref(), Some("Basic, Fba"));
    assert_eq!(internal.protocols[0].as_url.as_deref(), Some("https://mail.contoso.com/EWS/Exchange.asmx"));
    assert!(account.protocols[0].extra.iter().any(|e| e.name == "EcpUrl-um" && e.value.starts_with("?rfr=olk&amp;")));
    assert_eq!(r.ews_url(EwsUrlPreference::External), Some("https://mail.contoso.com/EWS/Exchange.asmx"));

    let r =
        PoxResponse::parse(&sample("Autodiscover-POX/msspec-ascmd-4.2.2-mobilesync-error-resp.xml").unwrap()).unwrap();
    assert_eq!(r.culture.as_deref(), Some("en:us"));
    assert_eq!(r.error().unwrap().status.as_deref(), Some("2"));
    let r = PoxResponse::parse(&sample("Autodiscover-POX/msspec-ascmd-4.2.4-mobilesync-settings-resp.xml").unwrap())
        .unwrap();
    assert_eq!(r.mobile_sync.unwrap().servers.len(), 2);

    let GetUserSettingsReply::Message(m) = GetUserSettingsReply::parse(
        &sample("GetUserSettings/msdocs-use-autodiscover-to-find-connection-points-resp.xml").unwrap(),
    )
    .unwrap() else {
        panic!("not a message")
    };
    assert_eq!(m.server_version.as_ref().unwrap().major_build_number, Some(682));
    let u = &m.user_responses[0];
    assert_eq!(u.error_code, AutodiscoverErrorCode::RedirectAddress);
    assert_eq!(u.redirect_target.as_deref(), Some("User1@mail.Contoso.com"));

    let GetUserSettingsReply::Message(m) = GetUserSettingsReply::parse(
        &sample("GetUserSettings/msdocs-use-autodiscover-to-find-connection-points-resp-2.xml").unwrap(),
    )
    .unwrap() else {
        panic!("not a message")
    };
    let u = &m.user_responses[0];
    assert_eq!(u.redirect_target, None);
    assert_eq!(u.setting(&UserSettingName::InternalEwsUrl), Some("https://server.Contoso.com/ews/exchange.asmx"));

    let GetUserSettingsReply::Message(m) =
        GetUserSettingsReply::parse(&sample("GetUserSettings/exchangelib-InvalidSetting-resp.xml").unwrap()).unwrap()
    else {
        panic!("not a message")
    };
    assert_eq!(m.error_code, AutodiscoverErrorCode::InvalidSetting);
    assert!(m.user_responses.is_empty());

    let req = GetUserSettingsRequest::parse(
        &sample("GetUserSettings/msdocs-use-autodiscover-to-find-connection-points-req-2.xml").unwrap(),
    )
    .unwrap();
    assert_eq!(req.requested_server_version, ExchangeVersion::Exchange2013);
    assert_eq!(req.mailboxes, ["User1@mail.Contoso.com"]);
    assert_eq!(req.settings, [UserSettingName::InternalEwsUrl, UserSettingName::ExternalEwsUrl]);
    assert_eq!(req.to.as_deref(), Some("https://autodiscover.exchange.microsoft.com/autodiscover/autodiscover.svc"));
}

// ---------------------------------------------------------------- round-trip properties

fn token() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9&<>\"'.@:/é€_-]{1,16}"
}

fn text() -> impl Strategy<Value = String> {
    "[ a-zA-Z0-9&<>\"'.@:/é€_\n-]{0,20}"
}

fn opt<S: Strategy>(s: S) -> impl Strategy<Value = Option<S::Value>> {
    proptest::option::of(s)
}

fn attrs() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::btree_map("Attr[a-z]{1,4}", token(), 0..3).prop_map(|m| m.into_iter().collect())
}

fn extra() -> impl Strategy<Value = ExtraElement> {
    prop_oneof![
        ("XExtra[A-Za-z0-9]{0,6}", attrs(), text()).prop_map(|(name, attributes, value)| ExtraElement {
            name,
            attributes,
            value,
            is_xml: false
        }),
        ("XExtra[A-Za-z0-9]{0,6}", attrs(), "[a-zA-Z0-9 ]{0,8}").prop_map(|(name, attributes, inner)| ExtraElement {
            name,
            attributes,
            value: format!("<Inner a=\"1\">{inner}</Inner><Empty/>"),
            is_xml: true,
        }),
    ]
}

fn extras() -> impl Strategy<Value = Vec<ExtraElement>> {
    proptest::collection::vec(extra(), 0..3)
}

fn open_value<T: Clone + std::fmt::Debug + 'static>(known: &'static [T], other: fn(String) -> T) -> BoxedStrategy<T> {
    prop_oneof![proptest::sample::select(known), "Zz[A-Za-z0-9]{0,8}".prop_map(other)].boxed()
}

fn protocol(depth: u32) -> BoxedStrategy<PoxProtocol> {
    let web = if depth == 0 {
        Just(None::<WebAccess>).boxed()
    } else {
        opt((
            proptest::collection::vec(
                (opt(token()), text()).prop_map(|(authentication_method, url)| OwaUrl { authentication_method, url }),
                0..2,
            ),
            proptest::collection::vec(protocol(depth - 1), 0..2),
            extras(),
        )
            .prop_map(|(owa_urls, protocols, extra)| WebAccess { owa_urls, protocols, extra }))
        .boxed()
    };
    (
        open_value(ProtocolType::KNOWN, ProtocolType::Other),
        (opt(text()), opt(text()), opt(text()), opt(text())),
        (opt(text()), opt(text()), opt(text()), opt(text()), opt(text()), opt(text()), opt(text())),
        web.clone(),
        web,
        extras(),
    )
        .prop_map(
            |(
                protocol_type,
                (server, server_version, auth_package, ssl),
                (as_url, ews_url, emws_url, oof_url, oab_url, ecp_url, _),
                internal,
                external,
                extra,
            )| PoxProtocol {
                protocol_type,
                server,
                server_version,
                auth_package,
                ssl,
                as_url,
                ews_url,
                emws_url,
                oof_url,
                oab_url,
                ecp_url,
                internal,
                external,
                extra,
            },
        )
        .boxed()
}

fn error_detail() -> impl Strategy<Value = PoxErrorDetail> {
    (opt(token()), opt(token()), opt(text()), opt(text()), opt(text()), opt(text())).prop_map(
        |(time, id, error_code, status, message, debug_data)| PoxErrorDetail {
            time,
            id,
            error_code,
            status,
            message,
            debug_data,
        },
    )
}

fn pox_response() -> impl Strategy<Value = PoxResponse> {
    let user = (opt(text()), opt(text()), opt(text()), opt(text()), opt(text()), extras()).prop_map(
        |(display_name, legacy_dn, autodiscover_smtp_address, deployment_id, email_address, extra)| PoxUser {
            display_name,
            legacy_dn,
            autodiscover_smtp_address,
            deployment_id,
            email_address,
            extra,
        },
    );
    let account = (
        opt(text()),
        opt(open_value(PoxAction::KNOWN, PoxAction::Other)),
        opt(text()),
        opt(text()),
        opt(text()),
        proptest::collection::vec(protocol(1), 0..3),
        opt(error_detail()),
        extras(),
    )
        .prop_map(
            |(account_type, action, microsoft_online, redirect_addr, redirect_url, protocols, error, extra)| {
                PoxAccount {
                    account_type,
                    action,
                    microsoft_online,
                    redirect_addr,
                    redirect_url,
                    protocols,
                    error,
                    extra,
                }
            },
        );
    let server = (opt(text()), opt(text()), opt(text()), opt(text()))
        .prop_map(|(server_type, url, name, server_data)| MobileSyncServer { server_type, url, name, server_data });
    let mobile = (opt(text()), proptest::collection::vec(server, 0..3), opt(error_detail()))
        .prop_map(|(redirect, servers, error)| MobileSyncAction { redirect, servers, error });
    (opt(text()), opt(user), opt(account), opt(mobile), opt(error_detail())).prop_map(
        |(culture, user, account, mobile_sync, error)| PoxResponse { culture, user, account, mobile_sync, error },
    )
}

fn user_setting() -> impl Strategy<Value = UserSetting> {
    let name = open_value(UserSettingName::KNOWN, UserSettingName::Other);
    prop_oneof![
        (name.clone(), opt(text())).prop_map(|(name, v)| UserSetting { name, value: UserSettingValue::Text(v) }),
        (name, "Zz[A-Za-z]{1,8}Setting", extras()).prop_map(|(name, xsi_type, elements)| UserSetting {
            name,
            value: UserSettingValue::Other { xsi_type, elements }
        }),
    ]
}

fn get_user_settings_response() -> impl Strategy<Value = GetUserSettingsResponse> {
    let code = || open_value(AutodiscoverErrorCode::KNOWN, AutodiscoverErrorCode::Other);
    let setting_error = (code(), opt(text()), opt(text())).prop_map(|(error_code, error_message, setting_name)| {
        UserSettingError { error_code, error_message, setting_name }
    });
    let user = (
        code(),
        opt(text()),
        opt(token()),
        proptest::collection::vec(setting_error, 0..2),
        proptest::collection::vec(user_setting(), 0..4),
    )
        .prop_map(|(error_code, error_message, redirect_target, setting_errors, settings)| UserResponse {
            error_code,
            error_message,
            redirect_target,
            setting_errors,
            settings,
        });
    let version = opt((opt(any::<i32>()), opt(any::<i32>()), opt(any::<i32>()), opt(any::<i32>()), opt(token()))
        .prop_map(|(major_version, minor_version, major_build_number, minor_build_number, version)| {
            AutodiscoverServerVersion { major_version, minor_version, major_build_number, minor_build_number, version }
        }));
    (version, code(), opt(text()), proptest::collection::vec(user, 0..3)).prop_map(
        |(server_version, error_code, error_message, user_responses)| GetUserSettingsResponse {
            server_version,
            error_code,
            error_message,
            user_responses,
        },
    )
}

proptest! {
    #[test]
    fn pox_request_round_trips(email in opt(token()), legacy in opt(token()), schema in token()) {
        prop_assume!(email.is_some() || legacy.is_some());
        let req = PoxRequest { email_address: email, legacy_dn: legacy, acceptable_response_schema: schema };
        prop_assert_eq!(PoxRequest::parse(&req.to_xml_string()).unwrap(), req);
    }

    #[test]
    fn pox_response_round_trips(resp in pox_response()) {
        let xml = resp.to_xml_string();
        let back = PoxResponse::parse(&xml).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
        prop_assert_eq!(back, resp);
    }

    #[test]
    fn get_user_settings_request_round_trips(
        version in proptest::sample::select(ExchangeVersion::ALL),
        to in opt(token()),
        mailboxes in proptest::collection::vec(token(), 0..3),
        settings in proptest::collection::vec(open_value(UserSettingName::KNOWN, UserSettingName::Other), 0..5),
    ) {
        let req = GetUserSettingsRequest { requested_server_version: version, to, mailboxes, settings };
        prop_assert_eq!(GetUserSettingsRequest::parse(&req.to_xml_string()).unwrap(), req);
    }

    #[test]
    fn get_user_settings_response_round_trips(resp in get_user_settings_response()) {
        let reply = GetUserSettingsReply::Message(resp);
        let xml = reply.to_xml_string();
        let back = GetUserSettingsReply::parse(&xml).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
        prop_assert_eq!(back, reply);
    }
}

// ---------------------------------------------------------------- plan scenarios

const MS: Duration = Duration::from_millis(10);

fn settings(ews_url: &str) -> Outcome {
    let mut p = PoxProtocol::new(ProtocolType::Expr);
    p.ews_url = Some(ews_url.to_owned());
    Outcome::from(PoxResponse {
        account: Some(PoxAccount { action: Some(PoxAction::Settings), protocols: vec![p], ..Default::default() }),
        ..Default::default()
    })
}

fn redirect_addr(to: &str) -> Outcome {
    Outcome::from(PoxResponse {
        account: Some(PoxAccount {
            action: Some(PoxAction::RedirectAddr),
            redirect_addr: Some(to.to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn redirect_url(to: &str) -> Outcome {
    Outcome::from(PoxResponse {
        account: Some(PoxAccount {
            action: Some(PoxAction::RedirectUrl),
            redirect_url: Some(to.to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn pox_only() -> AutodiscoverConfig {
    AutodiscoverConfig { protocols: vec![AutodiscoverProtocol::Pox], ..Default::default() }
}

fn plan(email: &str, config: AutodiscoverConfig, policy: impl RedirectPolicy + 'static) -> AutodiscoverPlan {
    AutodiscoverPlan::new(email, config, policy).unwrap()
}

/// The next attempt's kind and target, after checking it is an attempt.
fn next(p: &mut AutodiscoverPlan) -> (AttemptKind, String) {
    match p.next_step() {
        Step::Attempt(a) => {
            let target = match &a {
                Attempt::SrvLookup { name } => name.clone(),
                other => other.url().unwrap().to_string(),
            };
            (a.kind(), target)
        }
        Step::Done(r) => panic!("expected an attempt, got {r:?}"),
    }
}

fn done(p: &mut AutodiscoverPlan) -> Result<exsync::autodiscover::Discovery, AutodiscoverError> {
    match p.next_step() {
        Step::Done(r) => r,
        Step::Attempt(a) => panic!("expected the end, got {a:?}"),
    }
}

#[test]
fn standard_order_of_attempts_then_not_found() {
    let mut p = plan("alice@contoso.com", AutodiscoverConfig::default(), DenyAll);
    let expected = [
        (AttemptKind::Pox, "https://contoso.com/autodiscover/autodiscover.xml"),
        (AttemptKind::Soap, "https://contoso.com/autodiscover/autodiscover.svc"),
        (AttemptKind::Pox, "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"),
        (AttemptKind::Soap, "https://autodiscover.contoso.com/autodiscover/autodiscover.svc"),
        (AttemptKind::RedirectProbe, "http://autodiscover.contoso.com/autodiscover/autodiscover.xml"),
        (AttemptKind::SrvLookup, "_autodiscover._tcp.contoso.com"),
    ];
    for (i, (kind, target)) in expected.iter().enumerate() {
        let step = p.next_step();
        let Step::Attempt(a) = &step else { panic!("{step:?}") };
        assert_eq!(
            (a.kind(), a.url().map(|u| u.to_string()).unwrap_or_else(|| target.to_string())),
            (*kind, target.to_string())
        );
        assert_eq!(a.sends_credentials(), i < 4);
        if let Attempt::Soap { request, .. } = a {
            assert_eq!(request.to.as_deref(), Some(*target));
            assert_eq!(request.mailboxes, ["alice@contoso.com"]);
        }
        let outcome = match i {
            0 => Outcome::HttpStatus(401),
            1 => Outcome::InvalidBody("HTML login page".into()),
            5 => Outcome::Srv(vec![]),
            _ => Outcome::Network("connection refused".into()),
        };
        p.handle(outcome, MS * (i as u32 + 1)).unwrap();
    }
    let err = done(&mut p).unwrap_err();
    assert!(matches!(err, AutodiscoverError::NotFound { attempts: 6, refused: 0, unauthorized: true, .. }), "{err:?}");
    assert!(err.to_string().contains("HTTP 401"));
    let records = p.attempts();
    assert_eq!(records.len(), 6);
    assert_eq!(records[0].result, AttemptResult::HttpStatus { status: 401 });
    assert_eq!(records[5].duration, MS * 6);
    assert_eq!(records[5].result.to_string(), "no SRV record");
    // Done stays done.
    assert_eq!(done(&mut p).unwrap_err(), err);
}

#[test]
fn redirect_addr_chain_ends_at_settings() {
    let mut p = plan("alice@contoso.com", pox_only(), DenyAll);
    next(&mut p);
    p.handle(redirect_addr("alice.smith@contoso.com"), MS).unwrap();
    assert_eq!(p.email(), "alice.smith@contoso.com");
    let (kind, url) = next(&mut p);
    assert_eq!((kind, url.as_str()), (AttemptKind::Pox, "https://contoso.com/autodiscover/autodiscover.xml"));
    p.handle(redirect_addr("alice@mail.contoso.com"), MS).unwrap();
    let (_, url) = next(&mut p);
    assert_eq!(url, "https://mail.contoso.com/autodiscover/autodiscover.xml");
    p.handle(settings("https://ews.contoso.com/EWS/Exchange.asmx"), MS).unwrap();
    let found = done(&mut p).unwrap();
    assert_eq!(found.email, "alice@mail.contoso.com");
    assert_eq!(found.ews_url.as_str(), "https://ews.contoso.com/EWS/Exchange.asmx");
    assert_eq!(found.endpoint.as_str(), "https://mail.contoso.com/autodiscover/autodiscover.xml");
    assert_eq!(p.hops(), 2);
    let results: Vec<_> = p.attempts().iter().map(|r| r.result.clone()).collect();
    assert_eq!(
        results,
        [
            AttemptResult::RedirectAddress { to: "alice.smith@contoso.com".into() },
            AttemptResult::RedirectAddress { to: "alice@mail.contoso.com".into() },
            AttemptResult::Found { ews_url: "https://ews.contoso.com/EWS/Exchange.asmx".into() },
        ]
    );
    assert_eq!(p.attempts()[1].email, "alice.smith@contoso.com");
}

#[test]
fn redirect_addr_loop_is_detected() {
    let mut p = plan("a@contoso.com", pox_only(), DenyAll);
    next(&mut p);
    p.handle(redirect_addr("b@contoso.com"), MS).unwrap();
    next(&mut p);
    p.handle(redirect_addr("A@Contoso.com"), MS).unwrap();
    let err = done(&mut p).unwrap_err();
    assert!(matches!(&err, AutodiscoverError::RedirectLoop { target, .. } if target == "A@Contoso.com"), "{err:?}");
}

#[test]
fn redirect_url_loop_is_detected() {
    let mut p = plan("a@contoso.com", pox_only(), DenyAll);
    next(&mut p);
    p.handle(
        Outcome::Redirect {
            status: 302,
            location: "https://autodiscover.contoso.com/autodiscover/autodiscover.xml".into(),
        },
        MS,
    )
    .unwrap();
    let (_, url) = next(&mut p);
    assert_eq!(url, "https://autodiscover.contoso.com/autodiscover/autodiscover.xml");
    p.handle(redirect_url("https://contoso.com/autodiscover/autodiscover.xml"), MS).unwrap();
    assert!(matches!(done(&mut p), Err(AutodiscoverError::RedirectLoop { .. })));
}

#[test]
fn hop_limit_is_enforced() {
    let mut p = plan("u0@contoso.com", pox_only(), DenyAll);
    for i in 1..=10 {
        next(&mut p);
        p.handle(redirect_addr(&format!("u{i}@contoso.com")), MS).unwrap();
    }
    assert_eq!(p.hops(), 10);
    next(&mut p);
    p.handle(redirect_addr("u11@contoso.com"), MS).unwrap();
    let err = done(&mut p).unwrap_err();
    assert_eq!(err, AutodiscoverError::TooManyRedirects { email: "u0@contoso.com".into(), limit: 10 });
    assert_eq!(p.attempts().len(), 11);
}

#[test]
fn redirect_to_another_domain_is_refused_and_reported() {
    let mut p = plan("alice@contoso.com", pox_only(), DenyAll);
    next(&mut p);
    p.handle(redirect_url("https://autodiscover.fabrikam.com/autodiscover/autodiscover.xml"), MS).unwrap();
    assert_eq!(p.attempts()[0].result, AttemptResult::Refused);
    let r = &p.refusals()[0];
    assert_eq!(r.reason, RefusalReason::UntrustedHost);
    assert_eq!(r.source, TargetSource::RedirectUrl);
    assert_eq!(r.from.as_deref(), Some("https://contoso.com/autodiscover/autodiscover.xml"));
    assert!(r.to_string().contains("autodiscover.fabrikam.com"));
    // The plan carries on with the next standard URL.
    let (_, url) = next(&mut p);
    assert_eq!(url, "https://autodiscover.contoso.com/autodiscover/autodiscover.xml");
    assert_eq!(p.hops(), 0);
}

#[test]
fn redirect_addr_to_another_domain_needs_trust() {
    // Untrusted: every credentialed URL of the new domain is refused; the probe and SRV still run.
    let mut p = plan("alice@contoso.com", pox_only(), DenyAll);
    next(&mut p);
    p.handle(redirect_addr("alice@fabrikam.com"), MS).unwrap();
    let (kind, url) = next(&mut p);
    assert_eq!(
        (kind, url.as_str()),
        (AttemptKind::RedirectProbe, "http://autodiscover.fabrikam.com/autodiscover/autodiscover.xml")
    );
    assert_eq!(p.refusals().len(), 2);
    assert!(p.refusals().iter().all(|r| r.reason == RefusalReason::UntrustedHost));

    // A configured domain is trusted.
    let config = AutodiscoverConfig { trusted_domains: vec!["Fabrikam.com".into()], ..pox_only() };
    let mut p = plan("alice@contoso.com", config, DenyAll);
    next(&mut p);
    p.handle(redirect_addr("alice@fabrikam.com"), MS).unwrap();
    assert_eq!(next(&mut p).1, "https://fabrikam.com/autodiscover/autodiscover.xml");

    // So is a domain the caller's policy approves.
    let policy = ApprovedHosts { hosts: vec![], domains: vec!["fabrikam.com".into()] };
    let mut p = plan("alice@contoso.com", pox_only(), policy);
    next(&mut p);
    p.handle(redirect_addr("alice@fabrikam.com"), MS).unwrap();
    assert_eq!(next(&mut p).1, "https://fabrikam.com/autodiscover/autodiscover.xml");
    assert!(p.refusals().is_empty());
}

#[test]
fn autodiscover_at_a_public_suffix_is_never_contacted() {
    assert!(is_public_suffix_autodiscover("autodiscover.com"));
    // Even a policy that approves everything does not open it.
    let approve_all = |_: &str, _: &Url| true;
    let mut p = plan("alice@contoso.com", pox_only(), approve_all);
    next(&mut p);
    p.handle(
        Outcome::Redirect { status: 302, location: "https://autodiscover.com/autodiscover/autodiscover.xml".into() },
        MS,
    )
    .unwrap();
    assert_eq!(p.refusals()[0].reason, RefusalReason::PublicSuffixAutodiscover);
    assert_eq!(p.refusals()[0].source, TargetSource::HttpRedirect);
    next(&mut p);
    p.handle(redirect_url("https://x.autodiscover.co.uk/autodiscover/autodiscover.xml"), MS).unwrap();
    assert_eq!(p.refusals()[1].reason, RefusalReason::PublicSuffixAutodiscover);

    // A user at a public suffix's "domain" (a redirect to user@com.br, say) cannot reach
    // autodiscover.com.br either, not even with the unauthenticated probe.
    let mut p = plan("bob@example.com.br", AutodiscoverConfig { srv_lookup: false, ..pox_only() }, approve_all);
    next(&mut p);
    p.handle(redirect_addr("bob@com.br"), MS).unwrap();
    let step = p.next_step();
    assert!(matches!(step, Step::Done(Err(AutodiscoverError::NotFound { .. }))), "{step:?}");
    let reasons: Vec<_> = p.refusals().iter().map(|r| r.reason.clone()).collect();
    assert_eq!(
        reasons,
        [
            RefusalReason::PublicSuffixHost,
            RefusalReason::PublicSuffixAutodiscover,
            RefusalReason::PublicSuffixAutodiscover
        ]
    );
}

#[test]
fn http_redirect_probe_leads_to_https_with_credentials() {
    let config = AutodiscoverConfig { srv_lookup: false, ..Default::default() };
    let policy =
        ApprovedHosts { hosts: vec!["autodiscover-s.outlook.com".into()], domains: vec!["office365.com".into()] };
    let mut p = plan("alice@contoso.com", config, policy);
    for _ in 0..4 {
        next(&mut p);
        p.handle(Outcome::Network("no route".into()), MS).unwrap();
    }
    let step = p.next_step();
    let Step::Attempt(probe) = step else { panic!() };
    assert_eq!(probe.kind(), AttemptKind::RedirectProbe);
    assert!(!probe.sends_credentials());
    p.handle(
        Outcome::Redirect {
            status: 302,
            location: "https://autodiscover-s.outlook.com/Autodiscover/Autodiscover.xml".into(),
        },
        MS,
    )
    .unwrap();
    let Step::Attempt(a) = p.next_step() else { panic!() };
    assert!(a.sends_credentials());
    assert_eq!(a.url().unwrap().as_str(), "https://autodiscover-s.outlook.com/Autodiscover/Autodiscover.xml");
    p.handle(Outcome::HttpStatus(500), MS).unwrap();
    let (kind, url) = next(&mut p);
    assert_eq!(
        (kind, url.as_str()),
        (AttemptKind::Soap, "https://autodiscover-s.outlook.com/Autodiscover/autodiscover.svc")
    );
    let reply = GetUserSettingsReply::Message(GetUserSettingsResponse {
        server_version: None,
        error_code: AutodiscoverErrorCode::NoError,
        error_message: None,
        user_responses: vec![UserResponse::success(vec![
            UserSetting::text(UserSettingName::ExternalEwsUrl, "https://outlook.office365.com/EWS/Exchange.asmx"),
            UserSetting::text(UserSettingName::EwsSupportedSchemas, "Exchange2013, Exchange2013_SP1, Exchange2015"),
        ])],
    });
    p.handle(reply.into(), MS).unwrap();
    let found = done(&mut p).unwrap();
    assert_eq!(found.ews_url.as_str(), "https://outlook.office365.com/EWS/Exchange.asmx");
    assert_eq!(found.protocol, AutodiscoverProtocol::Soap);
    assert_eq!(found.ews_supported_schemas.as_deref(), Some("Exchange2013, Exchange2013_SP1, Exchange2015"));
    assert_eq!(p.hops(), 1);
    assert_eq!(
        p.attempts()[4].result,
        AttemptResult::RedirectUrl {
            to: "https://autodiscover-s.outlook.com/Autodiscover/Autodiscover.xml".into(),
            status: Some(302)
        }
    );
}

#[test]
fn redirect_probe_refusals() {
    let probe_then = |location: &str, policy: ApprovedHosts| {
        let config = AutodiscoverConfig { srv_lookup: false, ..pox_only() };
        let mut p = plan("alice@contoso.com", config, policy);
        for _ in 0..2 {
            next(&mut p);
            p.handle(Outcome::Network("refused".into()), MS).unwrap();
        }
        assert_eq!(next(&mut p).0, AttemptKind::RedirectProbe);
        p.handle(Outcome::Redirect { status: 302, location: location.into() }, MS).unwrap();
        assert!(matches!(p.next_step(), Step::Done(Err(AutodiscoverError::NotFound { .. }))));
        p.refusals().to_vec()
    };
    // Plain HTTP Location: never with credentials.
    let r = probe_then("http://mail.contoso.com/autodiscover/autodiscover.xml", ApprovedHosts::default());
    assert_eq!((r[0].reason.clone(), r[0].source), (RefusalReason::NotHttps, TargetSource::RedirectProbe));
    // A foreign host without approval.
    let r = probe_then("https://autodiscover-s.outlook.com/autodiscover/autodiscover.xml", ApprovedHosts::default());
    assert_eq!(r[0].reason, RefusalReason::UntrustedHost);
    // Credentials in the Location are refused and not repeated in the report.
    let r = probe_then("https://svc:hunter2@contoso.com/autodiscover/autodiscover.xml", ApprovedHosts::default());
    assert_eq!(r[0].reason, RefusalReason::EmbeddedCredentials);
    assert!(!format!("{r:?}").contains("hunter2"));
}

#[test]
fn srv_targets_are_tried_in_order_and_vetted() {
    let config = AutodiscoverConfig { redirect_probe: false, ..pox_only() };
    let mut p = plan("alice@contoso.com", config, DenyAll);
    for _ in 0..2 {
        next(&mut p);
        p.handle(Outcome::Network("refused".into()), MS).unwrap();
    }
    assert_eq!(next(&mut p), (AttemptKind::SrvLookup, "_autodiscover._tcp.contoso.com".to_owned()));
    let records = vec![
        SrvRecord { priority: 10, weight: 0, port: 443, target: "mail.hoster.net.".into() },
        SrvRecord { priority: 0, weight: 5, port: 8443, target: "ad2.contoso.com.".into() },
        SrvRecord { priority: 0, weight: 10, port: 443, target: "ad1.contoso.com.".into() },
    ];
    p.handle(Outcome::Srv(records), MS).unwrap();
    assert_eq!(
        p.attempts()[2].result,
        AttemptResult::SrvRecords {
            targets: vec!["ad1.contoso.com:443".into(), "ad2.contoso.com:8443".into(), "mail.hoster.net:443".into()]
        }
    );
    assert_eq!(next(&mut p).1, "https://ad1.contoso.com/autodiscover/autodiscover.xml");
    p.handle(Outcome::HttpStatus(404), MS).unwrap();
    assert_eq!(next(&mut p).1, "https://ad2.contoso.com:8443/autodiscover/autodiscover.xml");
    p.handle(Outcome::HttpStatus(404), MS).unwrap();
    assert!(matches!(done(&mut p), Err(AutodiscoverError::NotFound { refused: 1, .. })));
    assert_eq!(p.refusals()[0].source, TargetSource::SrvRecord);
    assert_eq!(p.refusals()[0].reason, RefusalReason::UntrustedHost);
}

#[test]
fn ews_urls_are_vetted_like_redirects() {
    let mut p = plan("alice@contoso.com", pox_only(), DenyAll);
    next(&mut p);
    p.handle(settings("http://mail.contoso.com/EWS/Exchange.asmx"), MS).unwrap();
    assert_eq!(p.refusals()[0].reason, RefusalReason::NotHttps);
    assert_eq!(p.refusals()[0].source, TargetSource::EwsUrl);
    next(&mut p);
    p.handle(settings("https://ews.evil.example/EWS/Exchange.asmx"), MS).unwrap();
    assert_eq!(p.refusals()[1].reason, RefusalReason::UntrustedHost);
    // The probe leads to another host of the domain, whose answer has both URLs: the preferred
    // (external) one is refused, the other one is used.
    assert_eq!(next(&mut p).0, AttemptKind::RedirectProbe);
    p.handle(
        Outcome::Redirect { status: 301, location: "https://mail.contoso.com/autodiscover/autodiscover.xml".into() },
        MS,
    )
    .unwrap();
    let mut exch = PoxProtocol::new(ProtocolType::Exch);
    exch.ews_url = Some("https://internal.contoso.com/EWS/Exchange.asmx".into());
    let mut expr = PoxProtocol::new(ProtocolType::Expr);
    expr.ews_url = Some("https://outside.example.net/EWS/Exchange.asmx".into());
    let both = PoxResponse {
        account: Some(PoxAccount {
            action: Some(PoxAction::Settings),
            protocols: vec![expr, exch],
            ..Default::default()
        }),
        ..Default::default()
    };
    next(&mut p);
    p.handle(both.into(), MS).unwrap();
    let found = done(&mut p).unwrap();
    assert_eq!(found.ews_url.as_str(), "https://internal.contoso.com/EWS/Exchange.asmx");
    assert_eq!(found.external_ews_url.as_deref(), Some("https://outside.example.net/EWS/Exchange.asmx"));
}

#[test]
fn loopback_http_only_when_allowed() {
    let approve_loopback = |host: &str, _: &Url| host == "127.0.0.1";
    for allow in [false, true] {
        let config = AutodiscoverConfig { allow_http_loopback: allow, ..pox_only() };
        let mut p = plan("alice@contoso.com", config, approve_loopback);
        next(&mut p);
        p.handle(redirect_url("http://127.0.0.1:8080/autodiscover/autodiscover.xml"), MS).unwrap();
        let (kind, url) = next(&mut p);
        if allow {
            assert_eq!((kind, url.as_str()), (AttemptKind::Pox, "http://127.0.0.1:8080/autodiscover/autodiscover.xml"));
        } else {
            assert_eq!(p.refusals()[0].reason, RefusalReason::NotHttps);
            assert_eq!(url, "https://autodiscover.contoso.com/autodiscover/autodiscover.xml");
        }
    }
}

#[test]
fn soap_redirects_and_errors() {
    let soap = |code: AutodiscoverErrorCode, target: Option<&str>| {
        Outcome::from(GetUserSettingsReply::Message(GetUserSettingsResponse {
            server_version: None,
            error_code: AutodiscoverErrorCode::NoError,
            error_message: None,
            user_responses: vec![UserResponse {
                error_code: code,
                error_message: Some("x".into()),
                redirect_target: target.map(str::to_owned),
                setting_errors: vec![],
                settings: vec![],
            }],
        }))
    };
    let config = AutodiscoverConfig { protocols: vec![AutodiscoverProtocol::Soap], ..Default::default() };
    let mut p = plan("alice@contoso.com", config, DenyAll);
    assert_eq!(next(&mut p).0, AttemptKind::Soap);
    p.handle(soap(AutodiscoverErrorCode::RedirectAddress, Some("alice@eu.contoso.com")), MS).unwrap();
    assert_eq!(next(&mut p).1, "https://eu.contoso.com/autodiscover/autodiscover.svc");
    p.handle(
        soap(AutodiscoverErrorCode::RedirectUrl, Some("https://cas2.contoso.com/autodiscover/autodiscover.svc")),
        MS,
    )
    .unwrap();
    assert_eq!(next(&mut p), (AttemptKind::Soap, "https://cas2.contoso.com/autodiscover/autodiscover.svc".into()));
    p.handle(soap(AutodiscoverErrorCode::InvalidUser, None), MS).unwrap();
    assert_eq!(p.attempts()[2].result, AttemptResult::ServerError { detail: "InvalidUser: x".into() });
    assert_eq!(p.email(), "alice@eu.contoso.com");
}

#[test]
fn pox_server_error_is_recorded_and_the_plan_goes_on() {
    let mut p = plan("alice@contoso.com", pox_only(), DenyAll);
    next(&mut p);
    let err = PoxResponse {
        error: Some(PoxErrorDetail {
            error_code: Some("500".into()),
            message: Some("The email address can't be found.".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    p.handle(err.into(), MS).unwrap();
    assert_eq!(p.attempts()[0].result.to_string(), "server error 500: The email address can't be found.");
    assert_eq!(next(&mut p).1, "https://autodiscover.contoso.com/autodiscover/autodiscover.xml");
}

// ---------------------------------------------------------------- plan invariants under arbitrary outcomes

fn arbitrary_outcome() -> impl Strategy<Value = Outcome> {
    let host = proptest::sample::select(vec![
        "contoso.com",
        "autodiscover.contoso.com",
        "mail.contoso.com",
        "evil.example",
        "autodiscover.com",
        "127.0.0.1",
        "autodiscover-s.outlook.com",
        "svc:pw@contoso.com",
    ]);
    let scheme = proptest::sample::select(vec!["https", "http"]);
    let url = (scheme, host).prop_map(|(s, h)| format!("{s}://{h}/autodiscover/autodiscover.xml"));
    let email = proptest::sample::select(vec![
        "a@contoso.com",
        "b@contoso.com",
        "c@sub.contoso.com",
        "d@fabrikam.com",
        "e@com",
        "not-an-address",
    ]);
    prop_oneof![
        Just(Outcome::Network("down".into())),
        Just(Outcome::HttpStatus(401)),
        Just(Outcome::HttpStatus(404)),
        Just(Outcome::InvalidBody("html".into())),
        url.clone().prop_map(|u| Outcome::Redirect { status: 302, location: u }),
        url.clone().prop_map(|u| redirect_url(&u)),
        email.prop_map(redirect_addr),
        url.prop_map(|u| settings(&u.replace("/autodiscover/autodiscover.xml", "/EWS/Exchange.asmx"))),
        proptest::collection::vec(
            proptest::sample::select(vec!["ad.contoso.com", "mail.hoster.net", "autodiscover.com"]),
            0..3
        )
        .prop_map(|ts| Outcome::Srv(
            ts.into_iter().map(|t| SrvRecord { priority: 0, weight: 0, port: 443, target: t.into() }).collect()
        )),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Whatever the servers answer, the plan ends, never sends credentials anywhere but HTTPS hosts
    /// in the trusted domains, never contacts autodiscover.<public suffix>, follows at most 10
    /// redirects, and records every attempt.
    #[test]
    fn plan_invariants(outcomes in proptest::collection::vec(arbitrary_outcome(), 0..60)) {
        let mut p = plan("a@contoso.com", AutodiscoverConfig::default(), DenyAll);
        let mut outcomes = outcomes.into_iter();
        let mut attempts = 0;
        loop {
            match p.next_step() {
                Step::Done(_) => break,
                Step::Attempt(a) => {
                    attempts += 1;
                    prop_assert!(attempts < 200, "the plan does not end");
                    if let Some(url) = a.url() {
                        let host = url.host_str().unwrap();
                        prop_assert!(!is_public_suffix_autodiscover(host), "contacted {url}");
                        prop_assert!(url.username().is_empty() && url.password().is_none());
                        if a.sends_credentials() {
                            prop_assert_eq!(url.scheme(), "https");
                            let trusted = host.ends_with(".contoso.com") || host == "contoso.com";
                            prop_assert!(trusted, "credentials to {}", url);
                        }
                    }
                    let outcome = outcomes.next().unwrap_or(Outcome::Network("down".into()));
                    p.handle(outcome, MS).unwrap();
                }
            }
        }
        prop_assert!(p.hops() <= 11);
        prop_assert_eq!(p.attempts().len(), attempts);
        if let Step::Done(Ok(found)) = p.next_step() {
            prop_assert_eq!(found.ews_url.scheme(), "https");
            let host = found.ews_url.host_str().unwrap().to_owned();
            prop_assert!(host == "contoso.com" || host.ends_with(".contoso.com"));
        }
    }
}
