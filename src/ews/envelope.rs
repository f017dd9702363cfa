//! The SOAP envelope around every EWS request and response, with the EWS headers:
//! `RequestServerVersion`, `ExchangeImpersonation`, `TimeZoneContext` (requests) and
//! `ServerVersionInfo` (responses).

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, Limits, ToXml, XmlError, XmlErrorKind, XmlReader, XmlWriter, xml_enum};

use super::fault::SoapFault;
use super::namespaces;
use super::operation::Operation;
use super::timezone::TimeZoneDefinition;

xml_enum! {
    /// The schema version a request is written against (`ExchangeVersionType`).
    pub enum ExchangeVersion {
        Exchange2007 = "Exchange2007",
        Exchange2007Sp1 = "Exchange2007_SP1",
        Exchange2009 = "Exchange2009",
        Exchange2010 = "Exchange2010",
        Exchange2010Sp1 = "Exchange2010_SP1",
        Exchange2010Sp2 = "Exchange2010_SP2",
        Exchange2012 = "Exchange2012",
        Exchange2013 = "Exchange2013",
        Exchange2013Sp1 = "Exchange2013_SP1",
        Exchange2015 = "Exchange2015",
        Exchange2016 = "Exchange2016",
        V2015_10_05 = "V2015_10_05",
        V2016_01_06 = "V2016_01_06",
        V2016_04_13 = "V2016_04_13",
        V2016_07_13 = "V2016_07_13",
        V2016_10_10 = "V2016_10_10",
        V2017_01_07 = "V2017_01_07",
        V2017_04_14 = "V2017_04_14",
        V2017_07_11 = "V2017_07_11",
    }
}

impl ExchangeVersion {
    /// The versions a client steps down through, newest first: the ones Exchange 2010 SP2 and later
    /// on-premises servers accept.
    pub const STEP_DOWN: &'static [ExchangeVersion] = &[
        ExchangeVersion::V2017_07_11,
        ExchangeVersion::Exchange2016,
        ExchangeVersion::Exchange2013Sp1,
        ExchangeVersion::Exchange2013,
        ExchangeVersion::Exchange2010Sp2,
    ];

    /// Whether a request written for this version must follow the Exchange 2010 SP2 schema (or an
    /// older one), which lacks the Exchange 2013 additions: see [`Item::retain_supported`] for what
    /// an item then leaves out.
    ///
    /// [`Item::retain_supported`]: super::Item::retain_supported
    pub fn is_exchange2010_sp2_or_older(self) -> bool {
        let pos = |v| ExchangeVersion::ALL.iter().position(|x| *x == v);
        pos(self) <= pos(ExchangeVersion::Exchange2010Sp2)
    }
}

/// Who the service account acts as (`t:ConnectingSID`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectingSid {
    /// The user's primary SMTP address (the usual choice).
    PrimarySmtpAddress(String),
    /// The user principal name.
    PrincipalName(String),
    /// The security identifier.
    Sid(String),
    /// Any SMTP address of the user.
    SmtpAddress(String),
}

impl ConnectingSid {
    fn parts(&self) -> (&'static str, &str) {
        match self {
            ConnectingSid::PrincipalName(v) => ("t:PrincipalName", v),
            ConnectingSid::Sid(v) => ("t:SID", v),
            ConnectingSid::PrimarySmtpAddress(v) => ("t:PrimarySmtpAddress", v),
            ConnectingSid::SmtpAddress(v) => ("t:SmtpAddress", v),
        }
    }
}

/// `t:ExchangeImpersonation`: the service account acts as this user.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExchangeImpersonation {
    /// The impersonated user.
    pub connecting_sid: ConnectingSid,
}

impl ExchangeImpersonation {
    /// Impersonation by primary SMTP address.
    pub fn smtp(address: impl Into<String>) -> Self {
        ExchangeImpersonation { connecting_sid: ConnectingSid::PrimarySmtpAddress(address.into()) }
    }
}

impl ToXml for ExchangeImpersonation {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        let (el, v) = self.connecting_sid.parts();
        w.start(name, &[]);
        w.start("t:ConnectingSID", &[]);
        w.text_element(el, v);
        w.end("t:ConnectingSID");
        w.end(name);
    }
}

impl FromXml for ExchangeImpersonation {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut sid = None;
        while let Some(c) = r.next_child(el)? {
            if c.name() != "ConnectingSID" {
                r.unknown(&c)?;
                continue;
            }
            while let Some(s) = r.next_child(&c)? {
                let v: String = r.value(&s)?;
                sid = Some(match s.name() {
                    "PrincipalName" => ConnectingSid::PrincipalName(v),
                    "SID" => ConnectingSid::Sid(v),
                    "PrimarySmtpAddress" => ConnectingSid::PrimarySmtpAddress(v),
                    "SmtpAddress" => ConnectingSid::SmtpAddress(v),
                    _ => return Err(r.error_on(&s, XmlErrorKind::UnexpectedElement(s.qualified_name().to_owned()))),
                });
            }
        }
        Ok(ExchangeImpersonation { connecting_sid: sid.ok_or_else(|| r.missing(el, "ConnectingSID"))? })
    }
}

/// `t:TimeZoneContext`: the zone in which the server reads and writes floating times.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeZoneContext {
    /// The zone.
    pub definition: TimeZoneDefinition,
}

/// `ServerVersionInfo` from a response header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct ServerVersionInfo {
    /// Major version (15 for Exchange 2013–2019).
    pub major_version: Option<i32>,
    /// Minor version.
    pub minor_version: Option<i32>,
    /// Major build number.
    pub major_build_number: Option<i32>,
    /// Minor build number.
    pub minor_build_number: Option<i32>,
    /// The schema version string, e.g. `V2017_07_11`.
    pub version: Option<String>,
}

impl ToXml for ServerVersionInfo {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        let (a, b, c, d) = (
            self.major_version.map(|v| v.to_string()),
            self.minor_version.map(|v| v.to_string()),
            self.major_build_number.map(|v| v.to_string()),
            self.minor_build_number.map(|v| v.to_string()),
        );
        w.empty(
            name,
            &[
                ("MajorVersion", a.as_deref()),
                ("MinorVersion", b.as_deref()),
                ("MajorBuildNumber", c.as_deref()),
                ("MinorBuildNumber", d.as_deref()),
                ("Version", self.version.as_deref()),
                ("xmlns:h", Some(namespaces::TYPES)),
            ],
        );
    }
}

impl FromXml for ServerVersionInfo {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let v = ServerVersionInfo {
            major_version: r.attr_value(el, "MajorVersion")?,
            minor_version: r.attr_value(el, "MinorVersion")?,
            major_build_number: r.attr_value(el, "MajorBuildNumber")?,
            minor_build_number: r.attr_value(el, "MinorBuildNumber")?,
            version: r.attr(el, "Version")?,
        };
        r.skip(el)?;
        Ok(v)
    }
}

/// The EWS headers of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestHeader {
    /// `RequestServerVersion`.
    pub version: ExchangeVersion,
    /// `ExchangeImpersonation`, when the service account acts for a user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impersonation: Option<ExchangeImpersonation>,
    /// `TimeZoneContext`, when floating times are meant in a particular zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<TimeZoneContext>,
}

impl RequestHeader {
    /// Headers for `version` without impersonation.
    pub fn new(version: ExchangeVersion) -> Self {
        RequestHeader { version, impersonation: None, time_zone: None }
    }

    /// Headers acting for the mailbox `smtp`.
    pub fn impersonating(version: ExchangeVersion, smtp: impl Into<String>) -> Self {
        RequestHeader { version, impersonation: Some(ExchangeImpersonation::smtp(smtp)), time_zone: None }
    }
}

/// A whole SOAP request: headers and one operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request<O> {
    /// EWS headers.
    pub header: RequestHeader,
    /// The operation.
    pub body: O,
}

fn open_envelope(w: &mut XmlWriter) {
    w.declaration();
    w.start(
        "soap:Envelope",
        &[
            ("xmlns:soap", Some(namespaces::SOAP)),
            ("xmlns:t", Some(namespaces::TYPES)),
            ("xmlns:m", Some(namespaces::MESSAGES)),
        ],
    );
}

impl<O: Operation> Request<O> {
    /// A request with `header` and `body`.
    pub fn new(header: RequestHeader, body: O) -> Self {
        Request { header, body }
    }

    /// The request as a SOAP document.
    pub fn to_xml_string(&self) -> String {
        let mut w = XmlWriter::with_capacity(1024);
        open_envelope(&mut w);
        w.start("soap:Header", &[]);
        w.empty("t:RequestServerVersion", &[("Version", Some(self.header.version.as_str()))]);
        w.opt("t:ExchangeImpersonation", &self.header.impersonation);
        if let Some(tz) = &self.header.time_zone {
            w.start("t:TimeZoneContext", &[]);
            tz.definition.to_xml(&mut w, "t:TimeZoneDefinition");
            w.end("t:TimeZoneContext");
        }
        w.end("soap:Header");
        w.start("soap:Body", &[]);
        self.body.to_xml(&mut w, &format!("m:{}", O::NAME));
        w.end("soap:Body");
        w.end("soap:Envelope");
        w.into_string()
    }

    /// Parses a request document leniently (unknown elements skipped).
    pub fn parse(xml: &str) -> Result<Self, XmlError> {
        let mut r = XmlReader::new(xml)?;
        r.read_document::<RequestDoc<O>>("Envelope").map(|d| d.0)
    }

    /// Parses a request document as a server must: unknown elements and stray text are errors.
    pub fn parse_strict(xml: &str, limits: Limits) -> Result<Self, XmlError> {
        let mut r = XmlReader::with_limits(xml, limits)?.strict(true);
        r.read_document::<RequestDoc<O>>("Envelope").map(|d| d.0)
    }
}

struct RequestDoc<O>(Request<O>);

impl<O: Operation> FromXml for RequestDoc<O> {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut header = RequestHeader::new(ExchangeVersion::Exchange2007Sp1);
        let mut body = None;
        while let Some(c) = r.next_child(el)? {
            match c.name() {
                "Header" => {
                    while let Some(h) = r.next_child(&c)? {
                        match h.name() {
                            "RequestServerVersion" => {
                                header.version = r
                                    .attr_value(&h, "Version")?
                                    .ok_or_else(|| r.error_on(&h, XmlErrorKind::MissingAttribute("Version")))?;
                                r.skip(&h)?;
                            }
                            "ExchangeImpersonation" => {
                                header.impersonation = Some(ExchangeImpersonation::from_xml(r, &h)?)
                            }
                            "TimeZoneContext" => {
                                let mut def = None;
                                while let Some(d) = r.next_child(&h)? {
                                    if d.name() == "TimeZoneDefinition" {
                                        def = Some(TimeZoneDefinition::from_xml(r, &d)?);
                                    } else {
                                        r.unknown(&d)?;
                                    }
                                }
                                header.time_zone = Some(TimeZoneContext {
                                    definition: def.ok_or_else(|| r.missing(&h, "TimeZoneDefinition"))?,
                                });
                            }
                            // Other SOAP headers (MailboxCulture, DateTimePrecision, …) are accepted.
                            _ => r.skip(&h)?,
                        }
                    }
                }
                "Body" => {
                    while let Some(b) = r.next_child(&c)? {
                        if b.name() == O::NAME && body.is_none() {
                            body = Some(O::from_xml(r, &b)?);
                        } else {
                            return Err(r.error_on(&b, XmlErrorKind::UnexpectedElement(b.qualified_name().to_owned())));
                        }
                    }
                }
                _ => r.unknown(&c)?,
            }
        }
        // Without RequestServerVersion Exchange reads the request as Exchange2007_SP1.
        let body = body.ok_or_else(|| r.missing(el, O::NAME))?;
        Ok(RequestDoc(Request { header, body }))
    }
}

/// The body of a response: the operation's answer or a SOAP fault.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseBody<B> {
    /// The operation's response element.
    Message(B),
    /// A SOAP fault instead of an answer.
    Fault(SoapFault),
}

/// A whole SOAP response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response<B> {
    /// `ServerVersionInfo` from the header, if sent.
    pub server_version: Option<ServerVersionInfo>,
    /// Answer or fault.
    pub body: ResponseBody<B>,
}

impl<B: ToXml + FromXml> Response<B> {
    /// The response as a SOAP document, with `name` the response element's local name.
    pub fn to_xml_string(&self, name: &str) -> String {
        let mut w = XmlWriter::with_capacity(4096);
        open_envelope(&mut w);
        if let Some(v) = &self.server_version {
            w.start("soap:Header", &[]);
            v.to_xml(&mut w, "h:ServerVersionInfo");
            w.end("soap:Header");
        }
        w.start("soap:Body", &[]);
        match &self.body {
            ResponseBody::Message(b) => b.to_xml(&mut w, &format!("m:{name}")),
            ResponseBody::Fault(f) => f.to_xml(&mut w, "soap:Fault"),
        }
        w.end("soap:Body");
        w.end("soap:Envelope");
        w.into_string()
    }

    /// Parses a response document whose body element is `name` (or a fault).
    pub fn parse(xml: &str, name: &str) -> Result<Self, XmlError> {
        let mut r = XmlReader::new(xml)?;
        let root = r.root()?;
        if root.name() != "Envelope" {
            return Err(r.error_on(&root, XmlErrorKind::UnexpectedElement(root.qualified_name().to_owned())));
        }
        let mut server_version = None;
        let mut body = None;
        while let Some(c) = r.next_child(&root)? {
            match c.name() {
                "Header" => {
                    while let Some(h) = r.next_child(&c)? {
                        if h.name() == "ServerVersionInfo" {
                            server_version = Some(ServerVersionInfo::from_xml(&mut r, &h)?);
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
                            body = Some(ResponseBody::Fault(SoapFault::from_xml(&mut r, &b)?));
                        } else if b.name() == name {
                            body = Some(ResponseBody::Message(B::from_xml(&mut r, &b)?));
                        } else {
                            return Err(r.error_on(&b, XmlErrorKind::UnexpectedElement(b.qualified_name().to_owned())));
                        }
                    }
                }
                _ => r.unknown(&c)?,
            }
        }
        let body = body.ok_or_else(|| r.missing(&root, "Body"))?;
        r.finish()?;
        Ok(Response { server_version, body })
    }
}

impl<O: Operation> Request<O> {
    /// Parses the answer to this operation.
    pub fn parse_response(xml: &str) -> Result<Response<O::Response>, XmlError> {
        Response::parse(xml, &O::response_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_2010_sp2_and_older_are_told_apart() {
        let old: Vec<ExchangeVersion> =
            ExchangeVersion::ALL.iter().copied().filter(|v| v.is_exchange2010_sp2_or_older()).collect();
        assert_eq!(
            old,
            [
                ExchangeVersion::Exchange2007,
                ExchangeVersion::Exchange2007Sp1,
                ExchangeVersion::Exchange2009,
                ExchangeVersion::Exchange2010,
                ExchangeVersion::Exchange2010Sp1,
                ExchangeVersion::Exchange2010Sp2,
            ]
        );
        assert_eq!(ExchangeVersion::STEP_DOWN.last(), Some(&ExchangeVersion::Exchange2010Sp2));
    }
}
