//! POX (plain old XML) autodiscover: the request a client posts to
//! `…/autodiscover/autodiscover.xml` and the response, both ways (the simulator answers with the same
//! types).
//!
//! The Outlook response schema (`…/outlook/responseschema/2006a`) is modelled: `User`, `Account` with
//! its `Action` (`settings`, `redirectAddr`, `redirectUrl`), `Protocol` sections (`EXCH`, `EXPR`,
//! `WEB`, …) and `Error`. The mobile-sync schema that ActiveSync servers may send back is read too
//! (`Culture`, `Action` with `Settings`/`Redirect`/`Error`). Elements not modelled are kept in
//! `extra` lists, in document order.
//!
//! ```
//! use exsync::autodiscover::pox::{PoxRequest, PoxResponse};
//! use exsync::autodiscover::plan::EwsUrlPreference;
//!
//! let req = PoxRequest::new("alice@contoso.com");
//! assert_eq!(PoxRequest::parse(&req.to_xml_string()).unwrap(), req);
//!
//! let xml = r#"<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
//!   <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
//!     <Account><Action>settings</Action>
//!       <Protocol><Type>EXCH</Type><EwsUrl>https://mail.contoso.com/EWS/Exchange.asmx</EwsUrl></Protocol>
//!     </Account></Response></Autodiscover>"#;
//! let resp = PoxResponse::parse(xml).unwrap();
//! assert_eq!(resp.ews_url(EwsUrlPreference::External), Some("https://mail.contoso.com/EWS/Exchange.asmx"));
//! ```

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlReader, XmlWriter};

use super::plan::EwsUrlPreference;
use super::{ExtraElement, namespaces, open_enum};

/// A POX autodiscover request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoxRequest {
    /// The address to discover settings for.
    pub email_address: Option<String>,
    /// Or the user's legacy DN.
    pub legacy_dn: Option<String>,
    /// The response schema asked for (the Outlook one).
    pub acceptable_response_schema: String,
}

impl PoxRequest {
    /// A request for `email`, asking for the Outlook response schema.
    pub fn new(email: impl Into<String>) -> Self {
        PoxRequest {
            email_address: Some(email.into()),
            legacy_dn: None,
            acceptable_response_schema: namespaces::POX_OUTLOOK_RESPONSE.to_owned(),
        }
    }

    /// The request document.
    pub fn to_xml_string(&self) -> String {
        let mut w = XmlWriter::with_capacity(384);
        w.declaration();
        w.start("Autodiscover", &[("xmlns", Some(namespaces::POX_REQUEST))]);
        w.start("Request", &[]);
        w.opt_value("EMailAddress", &self.email_address);
        w.opt_value("LegacyDN", &self.legacy_dn);
        w.text_element("AcceptableResponseSchema", &self.acceptable_response_schema);
        w.end("Request");
        w.end("Autodiscover");
        w.into_string()
    }

    /// Parses a request document (as a server does).
    pub fn parse(xml: &str) -> Result<Self, XmlError> {
        XmlReader::document::<RequestDoc>(xml, "Autodiscover").map(|d| d.0)
    }
}

struct RequestDoc(PoxRequest);

impl FromXml for RequestDoc {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut req = None;
        while let Some(c) = r.next_child(el)? {
            if c.name() != "Request" || req.is_some() {
                r.unknown(&c)?;
                continue;
            }
            let mut q = PoxRequest { email_address: None, legacy_dn: None, acceptable_response_schema: String::new() };
            let mut schema = None;
            while let Some(f) = r.next_child(&c)? {
                match f.name() {
                    "EMailAddress" => q.email_address = Some(r.value::<String>(&f)?.trim().to_owned()),
                    "LegacyDN" => q.legacy_dn = Some(r.value::<String>(&f)?.trim().to_owned()),
                    "AcceptableResponseSchema" => schema = Some(r.value::<String>(&f)?.trim().to_owned()),
                    _ => r.unknown(&f)?,
                }
            }
            q.acceptable_response_schema = schema.ok_or_else(|| r.missing(&c, "AcceptableResponseSchema"))?;
            if q.email_address.is_none() && q.legacy_dn.is_none() {
                return Err(r.missing(&c, "EMailAddress"));
            }
            req = Some(q);
        }
        Ok(RequestDoc(req.ok_or_else(|| r.missing(el, "Request"))?))
    }
}

open_enum! {
    /// What an `Account` answer tells the client to do (`Action`).
    pub enum PoxAction {
        /// The settings are in this answer.
        Settings = "settings",
        /// Ask again for another address (`RedirectAddr`).
        RedirectAddr = "redirectAddr",
        /// Ask again at another URL (`RedirectUrl`).
        RedirectUrl = "redirectUrl",
    }
}

open_enum! {
    /// A `Protocol` section's `Type`.
    pub enum ProtocolType {
        /// Inside the organisation's network (RPC, internal URLs).
        Exch = "EXCH",
        /// Outside (Outlook Anywhere, external URLs).
        Expr = "EXPR",
        /// Outlook on the web and web services, with `Internal`/`External` parts.
        Web = "WEB",
        /// MAPI over HTTP.
        ExHttp = "EXHTTP",
    }
}

/// `User`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PoxUser {
    /// `DisplayName`.
    pub display_name: Option<String>,
    /// `LegacyDN`.
    pub legacy_dn: Option<String>,
    /// `AutoDiscoverSMTPAddress`: the address the answer is for.
    pub autodiscover_smtp_address: Option<String>,
    /// `DeploymentId`.
    pub deployment_id: Option<String>,
    /// `EMailAddress` (mobile-sync schema).
    pub email_address: Option<String>,
    /// Elements not modelled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<ExtraElement>,
}

/// `Error`: a failure reported by the autodiscover server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PoxErrorDetail {
    /// `Time` attribute.
    pub time: Option<String>,
    /// `Id` attribute.
    pub id: Option<String>,
    /// `ErrorCode` (500 "invalid address", 501 "no settings", 502 "not federated", 600 "invalid
    /// request", 601 "schema not available", 603 "server error", …).
    pub error_code: Option<String>,
    /// `Status` (mobile-sync schema).
    pub status: Option<String>,
    /// `Message`.
    pub message: Option<String>,
    /// `DebugData`.
    pub debug_data: Option<String>,
}

impl PoxErrorDetail {
    /// `code: message` for messages.
    pub fn summary(&self) -> String {
        let code = self.error_code.as_deref().or(self.status.as_deref()).unwrap_or("?");
        match &self.message {
            Some(m) => format!("{code}: {}", m.trim()),
            None => code.to_owned(),
        }
    }
}

/// `OWAUrl` in a `WEB` protocol's `Internal` or `External` part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwaUrl {
    /// `AuthenticationMethod` attribute (`Basic, Fba`, …).
    pub authentication_method: Option<String>,
    /// The URL.
    pub url: String,
}

/// The `Internal` or `External` part of a `WEB` protocol.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WebAccess {
    /// `OWAUrl` elements.
    pub owa_urls: Vec<OwaUrl>,
    /// Nested `Protocol` elements (`Type` with `ASUrl`).
    pub protocols: Vec<PoxProtocol>,
    /// Elements not modelled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<ExtraElement>,
}

/// `Protocol`: one way of reaching the mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoxProtocol {
    /// `Type`.
    pub protocol_type: ProtocolType,
    /// `Server`.
    #[serde(default)]
    pub server: Option<String>,
    /// `ServerVersion` (hex-encoded version number).
    #[serde(default)]
    pub server_version: Option<String>,
    /// `AuthPackage` (`Basic`, `Ntlm`, `Negotiate`, …).
    #[serde(default)]
    pub auth_package: Option<String>,
    /// `SSL` (`On`/`Off`).
    #[serde(default)]
    pub ssl: Option<String>,
    /// `ASUrl` (availability service).
    #[serde(default)]
    pub as_url: Option<String>,
    /// `EwsUrl`: the EWS endpoint.
    #[serde(default)]
    pub ews_url: Option<String>,
    /// `EmwsUrl`.
    #[serde(default)]
    pub emws_url: Option<String>,
    /// `OOFUrl`.
    #[serde(default)]
    pub oof_url: Option<String>,
    /// `OABUrl`.
    #[serde(default)]
    pub oab_url: Option<String>,
    /// `EcpUrl`.
    #[serde(default)]
    pub ecp_url: Option<String>,
    /// `Internal` (WEB).
    #[serde(default)]
    pub internal: Option<WebAccess>,
    /// `External` (WEB).
    #[serde(default)]
    pub external: Option<WebAccess>,
    /// Elements not modelled (`ServerDN`, `MdbDN`, `AD`, `EcpUrl-um`, …), in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<ExtraElement>,
}

impl PoxProtocol {
    /// A protocol section of `protocol_type` with nothing else.
    pub fn new(protocol_type: ProtocolType) -> Self {
        PoxProtocol {
            protocol_type,
            server: None,
            server_version: None,
            auth_package: None,
            ssl: None,
            as_url: None,
            ews_url: None,
            emws_url: None,
            oof_url: None,
            oab_url: None,
            ecp_url: None,
            internal: None,
            external: None,
            extra: Vec::new(),
        }
    }
}

/// `Account`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PoxAccount {
    /// `AccountType` (`email`).
    pub account_type: Option<String>,
    /// `Action`.
    pub action: Option<PoxAction>,
    /// `MicrosoftOnline` (`True`/`False`).
    pub microsoft_online: Option<String>,
    /// `RedirectAddr`: the address to ask for instead.
    pub redirect_addr: Option<String>,
    /// `RedirectUrl` (also read as `RedirectURL`): the autodiscover URL to ask instead.
    pub redirect_url: Option<String>,
    /// `Protocol` sections.
    pub protocols: Vec<PoxProtocol>,
    /// `Error`.
    pub error: Option<PoxErrorDetail>,
    /// Elements not modelled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<ExtraElement>,
}

/// A mobile-sync `Server` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MobileSyncServer {
    /// `Type` (`MobileSync`, `CertEnroll`).
    pub server_type: Option<String>,
    /// `Url`.
    pub url: Option<String>,
    /// `Name`.
    pub name: Option<String>,
    /// `ServerData`.
    pub server_data: Option<String>,
}

/// The mobile-sync schema's `Action`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MobileSyncAction {
    /// `Redirect`: an address to ask for instead.
    pub redirect: Option<String>,
    /// `Settings/Server` entries.
    pub servers: Vec<MobileSyncServer>,
    /// `Error`.
    pub error: Option<PoxErrorDetail>,
}

/// A POX autodiscover response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PoxResponse {
    /// `Culture` (mobile-sync schema).
    pub culture: Option<String>,
    /// `User`.
    pub user: Option<PoxUser>,
    /// `Account` (Outlook schema).
    pub account: Option<PoxAccount>,
    /// `Action` (mobile-sync schema).
    pub mobile_sync: Option<MobileSyncAction>,
    /// `Error` directly under `Response`.
    pub error: Option<PoxErrorDetail>,
}

// ---- reading ----

fn text<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<String, XmlError> {
    r.value::<String>(el)
}

impl FromXml for PoxUser {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut u = PoxUser::default();
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "DisplayName" => u.display_name = Some(text(r, &c)?),
                "LegacyDN" => u.legacy_dn = Some(text(r, &c)?),
                "AutoDiscoverSMTPAddress" => u.autodiscover_smtp_address = Some(text(r, &c)?),
                "DeploymentId" => u.deployment_id = Some(text(r, &c)?),
                "EMailAddress" => u.email_address = Some(text(r, &c)?),
                _ => u.extra.push(ExtraElement::read(r, &c)?),
            }
        }
        Ok(u)
    }
}

impl FromXml for PoxErrorDetail {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut e = PoxErrorDetail { time: r.attr(el, "Time")?, id: r.attr(el, "Id")?, ..Default::default() };
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "ErrorCode" => e.error_code = Some(text(r, &c)?),
                "Status" => e.status = Some(text(r, &c)?),
                "Message" => e.message = Some(text(r, &c)?),
                "DebugData" => e.debug_data = Some(text(r, &c)?),
                _ => r.unknown(&c)?,
            }
        }
        Ok(e)
    }
}

impl FromXml for WebAccess {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut a = WebAccess::default();
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "OWAUrl" => {
                    let authentication_method = r.attr(&c, "AuthenticationMethod")?;
                    a.owa_urls.push(OwaUrl { authentication_method, url: text(r, &c)? });
                }
                "Protocol" => a.protocols.push(PoxProtocol::from_xml(r, &c)?),
                _ => a.extra.push(ExtraElement::read(r, &c)?),
            }
        }
        Ok(a)
    }
}

impl FromXml for PoxProtocol {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut p = PoxProtocol::new(ProtocolType::Other(String::new()));
        let mut ty = None;
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "Type" => ty = Some(r.value::<ProtocolType>(&c)?),
                "Server" => p.server = Some(text(r, &c)?),
                "ServerVersion" => p.server_version = Some(text(r, &c)?),
                "AuthPackage" => p.auth_package = Some(text(r, &c)?),
                "SSL" => p.ssl = Some(text(r, &c)?),
                "ASUrl" => p.as_url = Some(text(r, &c)?),
                "EwsUrl" => p.ews_url = Some(text(r, &c)?),
                "EmwsUrl" => p.emws_url = Some(text(r, &c)?),
                "OOFUrl" => p.oof_url = Some(text(r, &c)?),
                "OABUrl" => p.oab_url = Some(text(r, &c)?),
                "EcpUrl" => p.ecp_url = Some(text(r, &c)?),
                "Internal" => p.internal = Some(WebAccess::from_xml(r, &c)?),
                "External" => p.external = Some(WebAccess::from_xml(r, &c)?),
                _ => p.extra.push(ExtraElement::read(r, &c)?),
            }
        }
        // Exchange 2013+ may write the type as an attribute (`<Protocol Type="mapiHttp">`).
        p.protocol_type = match (ty, r.attr(el, "Type")?) {
            (Some(t), _) => t,
            (None, Some(a)) => ProtocolType::parse(&a),
            (None, None) => return Err(r.missing(el, "Type")),
        };
        Ok(p)
    }
}

impl FromXml for PoxAccount {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut a = PoxAccount::default();
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "AccountType" => a.account_type = Some(text(r, &c)?),
                "Action" => a.action = Some(r.value(&c)?),
                "MicrosoftOnline" => a.microsoft_online = Some(text(r, &c)?),
                "RedirectAddr" => a.redirect_addr = Some(text(r, &c)?),
                "RedirectUrl" | "RedirectURL" => a.redirect_url = Some(text(r, &c)?),
                "Protocol" => a.protocols.push(PoxProtocol::from_xml(r, &c)?),
                "Error" => a.error = Some(PoxErrorDetail::from_xml(r, &c)?),
                _ => a.extra.push(ExtraElement::read(r, &c)?),
            }
        }
        Ok(a)
    }
}

impl FromXml for MobileSyncAction {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut a = MobileSyncAction::default();
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "Redirect" => a.redirect = Some(text(r, &c)?),
                "Error" => a.error = Some(PoxErrorDetail::from_xml(r, &c)?),
                "Settings" => {
                    while let Some(s) = r.next_child(&c)? {
                        if s.name() != "Server" {
                            r.unknown(&s)?;
                            continue;
                        }
                        let mut server = MobileSyncServer::default();
                        while let Some(f) = r.next_child(&s)? {
                            match f.name() {
                                "Type" => server.server_type = Some(text(r, &f)?),
                                "Url" => server.url = Some(text(r, &f)?),
                                "Name" => server.name = Some(text(r, &f)?),
                                "ServerData" => server.server_data = Some(text(r, &f)?),
                                _ => r.unknown(&f)?,
                            }
                        }
                        a.servers.push(server);
                    }
                }
                _ => r.unknown(&c)?,
            }
        }
        Ok(a)
    }
}

struct ResponseDoc(PoxResponse);

impl FromXml for ResponseDoc {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut out = None;
        while let Some(c) = r.next_child(el)? {
            if c.name() != "Response" || out.is_some() {
                r.unknown(&c)?;
                continue;
            }
            let mut resp = PoxResponse::default();
            while let Some(f) = r.next_child(&c)? {
                match f.name() {
                    "Culture" => resp.culture = Some(text(r, &f)?),
                    "User" => resp.user = Some(PoxUser::from_xml(r, &f)?),
                    "Account" => resp.account = Some(PoxAccount::from_xml(r, &f)?),
                    "Action" => resp.mobile_sync = Some(MobileSyncAction::from_xml(r, &f)?),
                    "Error" => resp.error = Some(PoxErrorDetail::from_xml(r, &f)?),
                    _ => r.unknown(&f)?,
                }
            }
            out = Some(resp);
        }
        out.map(ResponseDoc).ok_or_else(|| r.missing(el, "Response"))
    }
}

impl PoxResponse {
    /// Parses a response document. A document whose root is not `Autodiscover` (an HTML error page,
    /// say) is an [`UnexpectedElement`](crate::xml::XmlErrorKind::UnexpectedElement) error.
    pub fn parse(xml: &str) -> Result<Self, XmlError> {
        XmlReader::document::<ResponseDoc>(xml, "Autodiscover").map(|d| d.0)
    }

    /// The account's action, if any.
    pub fn action(&self) -> Option<&PoxAction> {
        self.account.as_ref().and_then(|a| a.action.as_ref())
    }

    /// The error the server reported (under `Response`, `Account` or the mobile-sync `Action`).
    pub fn error(&self) -> Option<&PoxErrorDetail> {
        self.error
            .as_ref()
            .or_else(|| self.account.as_ref().and_then(|a| a.error.as_ref()))
            .or_else(|| self.mobile_sync.as_ref().and_then(|m| m.error.as_ref()))
    }

    fn protocol_ews_url(&self, ty: &ProtocolType) -> Option<&str> {
        self.account
            .as_ref()?
            .protocols
            .iter()
            .filter(|p| &p.protocol_type == ty)
            .find_map(|p| p.ews_url.as_deref().map(str::trim).filter(|u| !u.is_empty()))
    }

    /// The EWS URL: `EXPR`'s `EwsUrl` (outside the network) or `EXCH`'s (inside), the preferred one
    /// first, the other when the preferred is absent.
    pub fn ews_url(&self, prefer: EwsUrlPreference) -> Option<&str> {
        let (first, second) = match prefer {
            EwsUrlPreference::External => (ProtocolType::Expr, ProtocolType::Exch),
            EwsUrlPreference::Internal => (ProtocolType::Exch, ProtocolType::Expr),
        };
        self.protocol_ews_url(&first).or_else(|| self.protocol_ews_url(&second))
    }

    /// Both EWS URLs as (external, internal).
    pub fn ews_urls(&self) -> (Option<&str>, Option<&str>) {
        (self.protocol_ews_url(&ProtocolType::Expr), self.protocol_ews_url(&ProtocolType::Exch))
    }

    /// The response document.
    pub fn to_xml_string(&self) -> String {
        let mut w = XmlWriter::with_capacity(1024);
        w.declaration();
        w.start("Autodiscover", &[("xmlns", Some(namespaces::POX_RESPONSE))]);
        let ns = if self.culture.is_some() || self.mobile_sync.is_some() {
            namespaces::POX_MOBILESYNC_RESPONSE
        } else {
            namespaces::POX_OUTLOOK_RESPONSE
        };
        w.start("Response", &[("xmlns", Some(ns))]);
        w.opt_value("Culture", &self.culture);
        w.opt("User", &self.user);
        w.opt("Account", &self.account);
        w.opt("Action", &self.mobile_sync);
        w.opt("Error", &self.error);
        w.end("Response");
        w.end("Autodiscover");
        w.into_string()
    }
}

// ---- writing ----

fn write_extra(w: &mut XmlWriter, extra: &[ExtraElement]) {
    for e in extra {
        e.write(w, "");
    }
}

impl ToXml for PoxUser {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        w.opt_value("DisplayName", &self.display_name);
        w.opt_value("LegacyDN", &self.legacy_dn);
        w.opt_value("AutoDiscoverSMTPAddress", &self.autodiscover_smtp_address);
        w.opt_value("DeploymentId", &self.deployment_id);
        w.opt_value("EMailAddress", &self.email_address);
        write_extra(w, &self.extra);
        w.end(name);
    }
}

impl ToXml for PoxErrorDetail {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[("Time", self.time.as_deref()), ("Id", self.id.as_deref())]);
        w.opt_value("ErrorCode", &self.error_code);
        w.opt_value("Status", &self.status);
        w.opt_value("Message", &self.message);
        w.opt_value("DebugData", &self.debug_data);
        w.end(name);
    }
}

impl ToXml for WebAccess {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        for o in &self.owa_urls {
            w.start("OWAUrl", &[("AuthenticationMethod", o.authentication_method.as_deref())]);
            w.text(&o.url);
            w.end("OWAUrl");
        }
        for p in &self.protocols {
            p.to_xml(w, "Protocol");
        }
        write_extra(w, &self.extra);
        w.end(name);
    }
}

impl ToXml for PoxProtocol {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        w.value("Type", &self.protocol_type);
        w.opt_value("Server", &self.server);
        w.opt_value("ServerVersion", &self.server_version);
        w.opt_value("AuthPackage", &self.auth_package);
        w.opt_value("SSL", &self.ssl);
        w.opt_value("ASUrl", &self.as_url);
        w.opt_value("EwsUrl", &self.ews_url);
        w.opt_value("EmwsUrl", &self.emws_url);
        w.opt_value("OOFUrl", &self.oof_url);
        w.opt_value("OABUrl", &self.oab_url);
        w.opt_value("EcpUrl", &self.ecp_url);
        write_extra(w, &self.extra);
        w.opt("Internal", &self.internal);
        w.opt("External", &self.external);
        w.end(name);
    }
}

impl ToXml for PoxAccount {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        w.opt_value("AccountType", &self.account_type);
        w.opt_value("Action", &self.action);
        w.opt_value("MicrosoftOnline", &self.microsoft_online);
        w.opt_value("RedirectAddr", &self.redirect_addr);
        w.opt_value("RedirectUrl", &self.redirect_url);
        for p in &self.protocols {
            p.to_xml(w, "Protocol");
        }
        w.opt("Error", &self.error);
        write_extra(w, &self.extra);
        w.end(name);
    }
}

impl ToXml for MobileSyncAction {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        w.opt_value("Redirect", &self.redirect);
        if !self.servers.is_empty() {
            w.start("Settings", &[]);
            for s in &self.servers {
                w.start("Server", &[]);
                w.opt_value("Type", &s.server_type);
                w.opt_value("Url", &s.url);
                w.opt_value("Name", &s.name);
                w.opt_value("ServerData", &s.server_data);
                w.end("Server");
            }
            w.end("Settings");
        }
        w.opt("Error", &self.error);
        w.end(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::XmlErrorKind;

    #[test]
    fn request_round_trip_and_shape() {
        let req = PoxRequest::new("alice@contoso.com");
        let xml = req.to_xml_string();
        assert!(xml.contains("<EMailAddress>alice@contoso.com</EMailAddress>"));
        assert!(xml.contains(namespaces::POX_REQUEST));
        assert_eq!(PoxRequest::parse(&xml).unwrap(), req);
    }

    #[test]
    fn error_response() {
        let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response>
    <Error Time="16:56:32.6164027" Id="1054084152">
      <ErrorCode>500</ErrorCode>
      <Message>The email address can't be found.</Message>
      <DebugData />
    </Error>
  </Response>
</Autodiscover>"#;
        let r = PoxResponse::parse(xml).unwrap();
        let e = r.error().unwrap();
        assert_eq!(e.error_code.as_deref(), Some("500"));
        assert_eq!(e.id.as_deref(), Some("1054084152"));
        assert_eq!(e.summary(), "500: The email address can't be found.");
        assert_eq!(PoxResponse::parse(&r.to_xml_string()).unwrap(), r);
    }

    #[test]
    fn html_is_not_a_response() {
        let e = PoxResponse::parse("<html><body>Login</body></html>").unwrap_err();
        assert!(matches!(e.kind, XmlErrorKind::UnexpectedElement(_)));
        assert!(PoxResponse::parse("<Autodiscover/>").is_err());
    }

    #[test]
    fn ews_url_preference() {
        let mut exch = PoxProtocol::new(ProtocolType::Exch);
        exch.ews_url = Some("https://internal/EWS/Exchange.asmx".into());
        let mut expr = PoxProtocol::new(ProtocolType::Expr);
        expr.ews_url = Some(" https://external/EWS/Exchange.asmx ".into());
        let r = PoxResponse {
            account: Some(PoxAccount { protocols: vec![exch, expr], ..Default::default() }),
            ..Default::default()
        };
        assert_eq!(r.ews_url(EwsUrlPreference::External), Some("https://external/EWS/Exchange.asmx"));
        assert_eq!(r.ews_url(EwsUrlPreference::Internal), Some("https://internal/EWS/Exchange.asmx"));
    }
}
