//! SOAP autodiscover's `GetUserSettings` (posted to `…/autodiscover/autodiscover.svc`): request and
//! response, both ways.
//!
//! ```
//! use exsync::autodiscover::soap::{GetUserSettingsRequest, GetUserSettingsReply, UserSettingName};
//! use exsync::ews::ExchangeVersion;
//!
//! let req = GetUserSettingsRequest::new("alice@contoso.com", ExchangeVersion::Exchange2013)
//!     .to("https://autodiscover.contoso.com/autodiscover/autodiscover.svc");
//! let xml = req.to_xml_string();
//! assert!(xml.contains("<a:Setting>ExternalEwsUrl</a:Setting>"));
//! assert_eq!(GetUserSettingsRequest::parse(&xml).unwrap(), req);
//! assert!(req.settings.contains(&UserSettingName::InternalEwsUrl));
//! ```

use serde::{Deserialize, Serialize};

use crate::ews::{ExchangeVersion, SoapFault};
use crate::xml::{Element, FromXml, ToXml, XmlError, XmlErrorKind, XmlReader, XmlWriter};

use super::{ExtraElement, namespaces, open_enum};

/// The WS-Addressing action of the request.
pub const GET_USER_SETTINGS_ACTION: &str =
    "http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings";
/// The WS-Addressing action of the response.
pub const GET_USER_SETTINGS_RESPONSE_ACTION: &str =
    "http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettingsResponse";

open_enum! {
    /// An autodiscover `ErrorCode` (`ErrorCode` simple type of the SOAP autodiscover schema).
    pub enum AutodiscoverErrorCode {
        /// Success.
        NoError = "NoError",
        /// Ask again for the address in `RedirectTarget`.
        RedirectAddress = "RedirectAddress",
        /// Ask again at the URL in `RedirectTarget`.
        RedirectUrl = "RedirectUrl",
        /// The user does not exist.
        InvalidUser = "InvalidUser",
        /// The request is malformed.
        InvalidRequest = "InvalidRequest",
        /// A requested setting is unknown.
        InvalidSetting = "InvalidSetting",
        /// A requested setting has no value for this user.
        SettingIsNotAvailable = "SettingIsNotAvailable",
        /// The server is too busy.
        ServerBusy = "ServerBusy",
        /// The domain is not handled by this server.
        InvalidDomain = "InvalidDomain",
        /// The organisation is not federated.
        NotFederated = "NotFederated",
        /// The server failed.
        InternalServerError = "InternalServerError",
    }
}

open_enum! {
    /// A user setting's name (`UserSettingName`). The ones exsync asks for and the common others.
    pub enum UserSettingName {
        /// The user's display name.
        UserDisplayName = "UserDisplayName",
        /// The user's legacy DN.
        UserDN = "UserDN",
        /// The deployment (forest) id.
        UserDeploymentId = "UserDeploymentId",
        /// The address the answer is for.
        AutoDiscoverSMTPAddress = "AutoDiscoverSMTPAddress",
        /// The internal mailbox server.
        InternalMailboxServer = "InternalMailboxServer",
        /// The internal RPC client server.
        InternalRpcClientServer = "InternalRpcClientServer",
        /// The internal mailbox server's DN.
        InternalMailboxServerDN = "InternalMailboxServerDN",
        /// EWS inside the network.
        InternalEwsUrl = "InternalEwsUrl",
        /// Exchange management web services inside the network.
        InternalEmwsUrl = "InternalEmwsUrl",
        /// The control panel inside the network.
        InternalEcpUrl = "InternalEcpUrl",
        /// The offline address book inside the network.
        InternalOABUrl = "InternalOABUrl",
        /// Unified messaging inside the network.
        InternalUMUrl = "InternalUMUrl",
        /// Outlook on the web inside the network.
        InternalWebClientUrls = "InternalWebClientUrls",
        /// The mailbox's DN.
        MailboxDN = "MailboxDN",
        /// The public folder server.
        PublicFolderServer = "PublicFolderServer",
        /// A domain controller.
        ActiveDirectoryServer = "ActiveDirectoryServer",
        /// The external mailbox server.
        ExternalMailboxServer = "ExternalMailboxServer",
        /// Whether the external mailbox server requires TLS.
        ExternalMailboxServerRequiresSSL = "ExternalMailboxServerRequiresSSL",
        /// Authentication methods of the external mailbox server.
        ExternalMailboxServerAuthenticationMethods = "ExternalMailboxServerAuthenticationMethods",
        /// EWS outside the network.
        ExternalEwsUrl = "ExternalEwsUrl",
        /// Exchange management web services outside the network.
        ExternalEmwsUrl = "ExternalEmwsUrl",
        /// The control panel outside the network.
        ExternalEcpUrl = "ExternalEcpUrl",
        /// The offline address book outside the network.
        ExternalOABUrl = "ExternalOABUrl",
        /// Unified messaging outside the network.
        ExternalUMUrl = "ExternalUMUrl",
        /// Outlook on the web outside the network.
        ExternalWebClientUrls = "ExternalWebClientUrls",
        /// The client access server's version (`15.01.0160.004`).
        CasVersion = "CasVersion",
        /// The EWS schema versions the server accepts, comma separated.
        EwsSupportedSchemas = "EwsSupportedSchemas",
        /// The grouping information for batching mailboxes by server.
        GroupingInformation = "GroupingInformation",
        /// The EWS version outside the network.
        ExternalEwsVersion = "ExternalEwsVersion",
        /// The mobile mailbox policy.
        MobileMailboxPolicy = "MobileMailboxPolicy",
        /// Alternate mailboxes.
        AlternateMailboxes = "AlternateMailboxes",
        /// Whether the user is on Exchange Online.
        UserMSOnline = "UserMSOnline",
    }
}

/// The `ServerVersionInfo` header of SOAP autodiscover (elements, unlike EWS's attributes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AutodiscoverServerVersion {
    /// `MajorVersion`.
    pub major_version: Option<i32>,
    /// `MinorVersion`.
    pub minor_version: Option<i32>,
    /// `MajorBuildNumber`.
    pub major_build_number: Option<i32>,
    /// `MinorBuildNumber`.
    pub minor_build_number: Option<i32>,
    /// `Version` (`Exchange2013`, …).
    pub version: Option<String>,
}

/// A `GetUserSettings` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetUserSettingsRequest {
    /// `RequestedServerVersion` header (`Exchange2010` … `Exchange2013_SP1`).
    pub requested_server_version: ExchangeVersion,
    /// WS-Addressing `To`: the URL posted to.
    pub to: Option<String>,
    /// The users (`Mailbox`) to get settings for.
    pub mailboxes: Vec<String>,
    /// The settings asked for.
    pub settings: Vec<UserSettingName>,
}

impl GetUserSettingsRequest {
    /// The settings exsync asks for: both EWS URLs, the address answered for, and what tells the
    /// server version.
    pub fn default_settings() -> Vec<UserSettingName> {
        vec![
            UserSettingName::ExternalEwsUrl,
            UserSettingName::InternalEwsUrl,
            UserSettingName::AutoDiscoverSMTPAddress,
            UserSettingName::EwsSupportedSchemas,
            UserSettingName::CasVersion,
        ]
    }

    /// A request for `mailbox` with [`GetUserSettingsRequest::default_settings`].
    pub fn new(mailbox: impl Into<String>, version: ExchangeVersion) -> Self {
        GetUserSettingsRequest {
            requested_server_version: version,
            to: None,
            mailboxes: vec![mailbox.into()],
            settings: Self::default_settings(),
        }
    }

    /// With WS-Addressing `To` set to `url`.
    pub fn to(mut self, url: impl Into<String>) -> Self {
        self.to = Some(url.into());
        self
    }

    /// The SOAP document.
    pub fn to_xml_string(&self) -> String {
        let mut w = XmlWriter::with_capacity(1024);
        w.declaration();
        w.start(
            "soap:Envelope",
            &[
                ("xmlns:soap", Some(crate::ews::namespaces::SOAP)),
                ("xmlns:a", Some(namespaces::SOAP_AUTODISCOVER)),
                ("xmlns:wsa", Some(namespaces::WS_ADDRESSING)),
                ("xmlns:xsi", Some(namespaces::XSI)),
            ],
        );
        w.start("soap:Header", &[]);
        w.value("a:RequestedServerVersion", &self.requested_server_version);
        w.text_element("wsa:Action", GET_USER_SETTINGS_ACTION);
        w.opt_value("wsa:To", &self.to);
        w.end("soap:Header");
        w.start("soap:Body", &[]);
        w.start("a:GetUserSettingsRequestMessage", &[]);
        w.start("a:Request", &[]);
        w.start("a:Users", &[]);
        for m in &self.mailboxes {
            w.start("a:User", &[]);
            w.text_element("a:Mailbox", m);
            w.end("a:User");
        }
        w.end("a:Users");
        w.start("a:RequestedSettings", &[]);
        for s in &self.settings {
            w.value("a:Setting", s);
        }
        w.end("a:RequestedSettings");
        w.end("a:Request");
        w.end("a:GetUserSettingsRequestMessage");
        w.end("soap:Body");
        w.end("soap:Envelope");
        w.into_string()
    }

    /// Parses a request document (as a server does).
    pub fn parse(xml: &str) -> Result<Self, XmlError> {
        XmlReader::document::<RequestDoc>(xml, "Envelope").map(|d| d.0)
    }
}

struct RequestDoc(GetUserSettingsRequest);

impl FromXml for RequestDoc {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut version = None;
        let mut to = None;
        let mut body = None;
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "Header" => {
                    while let Some(h) = r.next_child(&c)? {
                        match h.name() {
                            "RequestedServerVersion" => version = Some(r.value::<ExchangeVersion>(&h)?),
                            "To" => to = Some(r.value::<String>(&h)?.trim().to_owned()),
                            _ => r.skip(&h)?,
                        }
                    }
                }
                "Body" => {
                    while let Some(b) = r.next_child(&c)? {
                        if b.name() != "GetUserSettingsRequestMessage" || body.is_some() {
                            return Err(r.error_on(&b, XmlErrorKind::UnexpectedElement(b.qualified_name().to_owned())));
                        }
                        body = Some(read_request_body(r, &b)?);
                    }
                }
                _ => r.unknown(&c)?,
            }
        }
        let (mailboxes, settings) = body.ok_or_else(|| r.missing(el, "GetUserSettingsRequestMessage"))?;
        let requested_server_version = version.ok_or_else(|| r.missing(el, "RequestedServerVersion"))?;
        Ok(RequestDoc(GetUserSettingsRequest { requested_server_version, to, mailboxes, settings }))
    }
}

fn read_request_body<'a>(
    r: &mut XmlReader<'a>,
    el: &Element<'a>,
) -> Result<(Vec<String>, Vec<UserSettingName>), XmlError> {
    let mut mailboxes = Vec::new();
    let mut settings = Vec::new();
    while let Some(req) = r.next_child(el)? {
        if req.name() != "Request" {
            r.unknown(&req)?;
            continue;
        }
        while let Some(c) = r.next_child(&req)? {
            match c.name() {
                "Users" => {
                    while let Some(u) = r.next_child(&c)? {
                        while let Some(m) = r.next_child(&u)? {
                            if m.name() == "Mailbox" {
                                mailboxes.push(r.value::<String>(&m)?.trim().to_owned());
                            } else {
                                r.unknown(&m)?;
                            }
                        }
                    }
                }
                "RequestedSettings" => {
                    while let Some(s) = r.next_child(&c)? {
                        settings.push(r.value::<UserSettingName>(&s)?);
                    }
                }
                _ => r.unknown(&c)?,
            }
        }
    }
    Ok((mailboxes, settings))
}

/// A user setting's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserSettingValue {
    /// `StringSetting`: a text value (`None` when the server sent no `Value`).
    Text(Option<String>),
    /// Any other setting type (`WebClientUrlCollectionSetting`, `AlternateMailboxCollectionSetting`,
    /// …): its `i:type` and the elements after `Name`, kept as sent.
    Other {
        /// The `i:type` attribute (without prefix).
        xsi_type: String,
        /// The elements after `Name`.
        elements: Vec<ExtraElement>,
    },
}

/// One `UserSetting`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSetting {
    /// `Name`.
    pub name: UserSettingName,
    /// The value.
    pub value: UserSettingValue,
}

impl UserSetting {
    /// A string setting.
    pub fn text(name: UserSettingName, value: impl Into<String>) -> Self {
        UserSetting { name, value: UserSettingValue::Text(Some(value.into())) }
    }

    /// The text value, for a string setting that has one.
    pub fn as_text(&self) -> Option<&str> {
        match &self.value {
            UserSettingValue::Text(v) => v.as_deref(),
            UserSettingValue::Other { .. } => None,
        }
    }
}

/// One `UserSettingError`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSettingError {
    /// `ErrorCode`.
    pub error_code: AutodiscoverErrorCode,
    /// `ErrorMessage`.
    pub error_message: Option<String>,
    /// `SettingName`.
    pub setting_name: Option<String>,
}

/// One `UserResponse`: the answer for one mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserResponse {
    /// `ErrorCode`.
    pub error_code: AutodiscoverErrorCode,
    /// `ErrorMessage`.
    pub error_message: Option<String>,
    /// `RedirectTarget` (an address for `RedirectAddress`, a URL for `RedirectUrl`); `None` when
    /// absent or `i:nil`.
    pub redirect_target: Option<String>,
    /// `UserSettingErrors`.
    pub setting_errors: Vec<UserSettingError>,
    /// `UserSettings`.
    pub settings: Vec<UserSetting>,
}

impl UserResponse {
    /// A successful answer with `settings`.
    pub fn success(settings: Vec<UserSetting>) -> Self {
        UserResponse {
            error_code: AutodiscoverErrorCode::NoError,
            error_message: Some("No error.".into()),
            redirect_target: None,
            setting_errors: Vec::new(),
            settings,
        }
    }

    /// The text of setting `name`, if present and not empty.
    pub fn setting(&self, name: &UserSettingName) -> Option<&str> {
        self.settings
            .iter()
            .filter(|s| &s.name == name)
            .find_map(|s| s.as_text().map(str::trim).filter(|v| !v.is_empty()))
    }
}

/// A `GetUserSettingsResponseMessage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetUserSettingsResponse {
    /// `ServerVersionInfo` header.
    pub server_version: Option<AutodiscoverServerVersion>,
    /// The response's `ErrorCode` (for the request as a whole).
    pub error_code: AutodiscoverErrorCode,
    /// The response's `ErrorMessage`.
    pub error_message: Option<String>,
    /// One answer per mailbox, in request order.
    pub user_responses: Vec<UserResponse>,
}

/// What a SOAP autodiscover endpoint answered: the message or a SOAP fault.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GetUserSettingsReply {
    /// The response message.
    Message(GetUserSettingsResponse),
    /// A SOAP fault.
    Fault(SoapFault),
}

impl GetUserSettingsReply {
    /// Parses a response document.
    pub fn parse(xml: &str) -> Result<Self, XmlError> {
        XmlReader::document::<ResponseDoc>(xml, "Envelope").map(|d| d.0)
    }

    /// The response document.
    pub fn to_xml_string(&self) -> String {
        let mut w = XmlWriter::with_capacity(2048);
        w.declaration();
        w.start(
            "s:Envelope",
            &[("xmlns:s", Some(crate::ews::namespaces::SOAP)), ("xmlns:a", Some(namespaces::WS_ADDRESSING))],
        );
        w.start("s:Header", &[]);
        w.start("a:Action", &[("s:mustUnderstand", Some("1"))]);
        w.text(GET_USER_SETTINGS_RESPONSE_ACTION);
        w.end("a:Action");
        if let Self::Message(GetUserSettingsResponse { server_version: Some(v), .. }) = self {
            v.to_xml(&mut w, "h:ServerVersionInfo");
        }
        w.end("s:Header");
        w.start("s:Body", &[]);
        match self {
            Self::Message(m) => m.to_xml(&mut w, "GetUserSettingsResponseMessage"),
            Self::Fault(f) => f.to_xml(&mut w, "s:Fault"),
        }
        w.end("s:Body");
        w.end("s:Envelope");
        w.into_string()
    }
}

impl ToXml for AutodiscoverServerVersion {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[("xmlns:h", Some(namespaces::SOAP_AUTODISCOVER)), ("xmlns:i", Some(namespaces::XSI))]);
        w.opt_value("h:MajorVersion", &self.major_version);
        w.opt_value("h:MinorVersion", &self.minor_version);
        w.opt_value("h:MajorBuildNumber", &self.major_build_number);
        w.opt_value("h:MinorBuildNumber", &self.minor_build_number);
        w.opt_value("h:Version", &self.version);
        w.end(name);
    }
}

impl FromXml for AutodiscoverServerVersion {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut v = AutodiscoverServerVersion::default();
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "MajorVersion" => v.major_version = Some(r.value(&c)?),
                "MinorVersion" => v.minor_version = Some(r.value(&c)?),
                "MajorBuildNumber" => v.major_build_number = Some(r.value(&c)?),
                "MinorBuildNumber" => v.minor_build_number = Some(r.value(&c)?),
                "Version" => v.version = Some(r.value::<String>(&c)?.trim().to_owned()),
                _ => r.unknown(&c)?,
            }
        }
        Ok(v)
    }
}

impl ToXml for GetUserSettingsResponse {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[("xmlns", Some(namespaces::SOAP_AUTODISCOVER))]);
        w.start("Response", &[("xmlns:i", Some(namespaces::XSI))]);
        w.value("ErrorCode", &self.error_code);
        w.opt_value("ErrorMessage", &self.error_message);
        w.start("UserResponses", &[]);
        for u in &self.user_responses {
            u.to_xml(w, "UserResponse");
        }
        w.end("UserResponses");
        w.end("Response");
        w.end(name);
    }
}

impl ToXml for UserResponse {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        w.value("ErrorCode", &self.error_code);
        w.opt_value("ErrorMessage", &self.error_message);
        match &self.redirect_target {
            Some(t) => w.text_element("RedirectTarget", t),
            None => w.empty("RedirectTarget", &[("i:nil", Some("true"))]),
        }
        w.start("UserSettingErrors", &[]);
        for e in &self.setting_errors {
            w.start("UserSettingError", &[]);
            w.value("ErrorCode", &e.error_code);
            w.opt_value("ErrorMessage", &e.error_message);
            w.opt_value("SettingName", &e.setting_name);
            w.end("UserSettingError");
        }
        w.end("UserSettingErrors");
        w.start("UserSettings", &[]);
        for s in &self.settings {
            match &s.value {
                UserSettingValue::Text(v) => {
                    w.start("UserSetting", &[("i:type", Some("StringSetting"))]);
                    w.value("Name", &s.name);
                    w.opt_value("Value", v);
                }
                UserSettingValue::Other { xsi_type, elements } => {
                    w.start("UserSetting", &[("i:type", Some(xsi_type))]);
                    w.value("Name", &s.name);
                    for e in elements {
                        e.write(w, "");
                    }
                }
            }
            w.end("UserSetting");
        }
        w.end("UserSettings");
        w.end(name);
    }
}

fn read_user_setting<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<UserSetting, XmlError> {
    let xsi_type = r.attr(el, "type")?.map(|t| t.rsplit(':').next().unwrap_or_default().to_owned());
    let is_string = xsi_type.as_deref().is_none_or(|t| t == "StringSetting");
    let mut name = None;
    let mut text = None;
    let mut elements = Vec::new();
    while let Some(c) = r.next_child(el)? {
        match c.name() {
            "Name" => name = Some(r.value::<UserSettingName>(&c)?),
            "Value" if is_string => {
                let nil = r.attr(&c, "nil")?.is_some_and(|v| v.trim() == "true");
                let v = r.value::<String>(&c)?;
                text = if nil { None } else { Some(v) };
            }
            _ if is_string => r.unknown(&c)?,
            _ => elements.push(ExtraElement::read(r, &c)?),
        }
    }
    let name = name.ok_or_else(|| r.missing(el, "Name"))?;
    let value = if is_string {
        UserSettingValue::Text(text)
    } else {
        UserSettingValue::Other { xsi_type: xsi_type.unwrap_or_default(), elements }
    };
    Ok(UserSetting { name, value })
}

impl FromXml for UserResponse {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut u = UserResponse {
            error_code: AutodiscoverErrorCode::NoError,
            error_message: None,
            redirect_target: None,
            setting_errors: Vec::new(),
            settings: Vec::new(),
        };
        let mut code = None;
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "ErrorCode" => code = Some(r.value::<AutodiscoverErrorCode>(&c)?),
                "ErrorMessage" => u.error_message = Some(r.value(&c)?),
                "RedirectTarget" => {
                    let nil = r.attr(&c, "nil")?.is_some_and(|v| v.trim() == "true");
                    let v = r.value::<String>(&c)?;
                    u.redirect_target = if nil { None } else { Some(v.trim().to_owned()) };
                }
                "UserSettingErrors" => {
                    while let Some(e) = r.next_child(&c)? {
                        let mut err = UserSettingError {
                            error_code: AutodiscoverErrorCode::NoError,
                            error_message: None,
                            setting_name: None,
                        };
                        while let Some(f) = r.next_child(&e)? {
                            match f.name() {
                                "ErrorCode" => err.error_code = r.value(&f)?,
                                "ErrorMessage" => err.error_message = Some(r.value(&f)?),
                                "SettingName" => err.setting_name = Some(r.value(&f)?),
                                _ => r.unknown(&f)?,
                            }
                        }
                        u.setting_errors.push(err);
                    }
                }
                "UserSettings" => {
                    while let Some(s) = r.next_child(&c)? {
                        if s.name() == "UserSetting" {
                            u.settings.push(read_user_setting(r, &s)?);
                        } else {
                            r.unknown(&s)?;
                        }
                    }
                }
                _ => r.unknown(&c)?,
            }
        }
        u.error_code = code.ok_or_else(|| r.missing(el, "ErrorCode"))?;
        Ok(u)
    }
}

struct ResponseDoc(GetUserSettingsReply);

impl FromXml for ResponseDoc {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut server_version = None;
        let mut body = None;
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "Header" => {
                    while let Some(h) = r.next_child(&c)? {
                        if h.name() == "ServerVersionInfo" {
                            server_version = Some(AutodiscoverServerVersion::from_xml(r, &h)?);
                        } else {
                            r.skip(&h)?;
                        }
                    }
                }
                "Body" => {
                    while let Some(b) = r.next_child(&c)? {
                        if body.is_some() {
                            r.unknown(&b)?;
                        } else if b.name() == "Fault" {
                            body = Some(GetUserSettingsReply::Fault(SoapFault::from_xml(r, &b)?));
                        } else if b.name() == "GetUserSettingsResponseMessage" {
                            body = Some(GetUserSettingsReply::Message(read_response_message(r, &b)?));
                        } else {
                            return Err(r.error_on(&b, XmlErrorKind::UnexpectedElement(b.qualified_name().to_owned())));
                        }
                    }
                }
                _ => r.unknown(&c)?,
            }
        }
        let mut body = body.ok_or_else(|| r.missing(el, "Body"))?;
        if let GetUserSettingsReply::Message(m) = &mut body {
            m.server_version = server_version;
        }
        Ok(ResponseDoc(body))
    }
}

fn read_response_message<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<GetUserSettingsResponse, XmlError> {
    let mut out = None;
    while let Some(resp) = r.next_child(el)? {
        if resp.name() != "Response" || out.is_some() {
            r.unknown(&resp)?;
            continue;
        }
        let mut m = GetUserSettingsResponse {
            server_version: None,
            error_code: AutodiscoverErrorCode::NoError,
            error_message: None,
            user_responses: Vec::new(),
        };
        let mut code = None;
        while let Some(c) = r.next_child(&resp)? {
            match c.name() {
                "ErrorCode" => code = Some(r.value::<AutodiscoverErrorCode>(&c)?),
                "ErrorMessage" => m.error_message = Some(r.value(&c)?),
                "UserResponses" => {
                    while let Some(u) = r.next_child(&c)? {
                        if u.name() == "UserResponse" {
                            m.user_responses.push(UserResponse::from_xml(r, &u)?);
                        } else {
                            r.unknown(&u)?;
                        }
                    }
                }
                _ => r.unknown(&c)?,
            }
        }
        m.error_code = code.ok_or_else(|| r.missing(&resp, "ErrorCode"))?;
        out = Some(m);
    }
    out.ok_or_else(|| r.missing(el, "Response"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_shape() {
        let req = GetUserSettingsRequest::new("alice@contoso.com", ExchangeVersion::Exchange2010);
        let xml = req.to_xml_string();
        assert!(xml.contains("<a:RequestedServerVersion>Exchange2010</a:RequestedServerVersion>"));
        assert!(xml.contains(GET_USER_SETTINGS_ACTION));
        assert!(xml.contains("<a:Mailbox>alice@contoso.com</a:Mailbox>"));
        assert!(!xml.contains("wsa:To"));
        assert_eq!(GetUserSettingsRequest::parse(&xml).unwrap(), req);
    }

    #[test]
    fn response_round_trip_with_collection_setting_and_errors() {
        let resp = GetUserSettingsReply::Message(GetUserSettingsResponse {
            server_version: Some(AutodiscoverServerVersion {
                major_version: Some(15),
                minor_version: Some(1),
                major_build_number: Some(2507),
                minor_build_number: Some(6),
                version: Some("Exchange2015".into()),
            }),
            error_code: AutodiscoverErrorCode::NoError,
            error_message: Some(String::new()),
            user_responses: vec![UserResponse {
                error_code: AutodiscoverErrorCode::NoError,
                error_message: Some("No error.".into()),
                redirect_target: None,
                setting_errors: vec![UserSettingError {
                    error_code: AutodiscoverErrorCode::SettingIsNotAvailable,
                    error_message: Some("not here".into()),
                    setting_name: Some("InternalEwsUrl".into()),
                }],
                settings: vec![
                    UserSetting::text(UserSettingName::ExternalEwsUrl, "https://mail.contoso.com/EWS/Exchange.asmx"),
                    UserSetting {
                        name: UserSettingName::ExternalWebClientUrls,
                        value: UserSettingValue::Other {
                            xsi_type: "WebClientUrlCollectionSetting".into(),
                            elements: vec![ExtraElement {
                                name: "WebClientUrls".into(),
                                attributes: vec![],
                                value: "<WebClientUrl><AuthenticationMethods>Fba</AuthenticationMethods><Url>https://mail.contoso.com/owa/</Url></WebClientUrl>".into(),
                                is_xml: true,
                            }],
                        },
                    },
                ],
            }],
        });
        let xml = resp.to_xml_string();
        assert_eq!(GetUserSettingsReply::parse(&xml).unwrap(), resp);
    }

    #[test]
    fn fault_body() {
        let xml = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>
            <faultcode>s:Client</faultcode><faultstring>The request failed schema validation.</faultstring>
            </s:Fault></s:Body></s:Envelope>"#;
        let GetUserSettingsReply::Fault(f) = GetUserSettingsReply::parse(xml).unwrap() else { panic!() };
        assert_eq!(f.fault_code, "s:Client");
    }
}
