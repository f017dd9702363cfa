//! Autodiscover: from an email address to the EWS URL.
//!
//! - [`pox`]: the plain-old-XML protocol (`autodiscover.xml`): request and response, both ways.
//! - [`soap`]: SOAP autodiscover's `GetUserSettings` (`autodiscover.svc`), both ways.
//! - [`plan`]: a sans-IO state machine that decides which URL to try next, vets every redirect
//!   (credentials only over HTTPS, only to trusted hosts, never to `autodiscover.<public suffix>`),
//!   records every attempt for the setup analyzer, and a result cache with a time to live;
//! - [`driver`]: [`AutodiscoverClient`] performs each [`plan::Attempt`] over the transport's HTTP
//!   layer and feeds the parsed [`plan::Outcome`] back;
//! - [`srv`]: DNS SRV lookups (`_autodiscover._tcp`) behind the [`SrvResolver`] trait.

pub mod driver;
pub mod plan;
pub mod pox;
pub mod soap;
pub mod srv;

pub use driver::{AutodiscoverClient, AutodiscoverReport};
pub use srv::{SrvError, SrvResolver, SystemResolver};

pub use plan::{
    ApprovedHosts, Attempt, AttemptKind, AttemptRecord, AttemptResult, AutodiscoverCache, AutodiscoverConfig,
    AutodiscoverError, AutodiscoverPlan, AutodiscoverProtocol, DenyAll, Discovery, EwsUrlPreference, Outcome,
    RedirectPolicy, Refusal, RefusalReason, SrvRecord, Step, TargetSource,
};
pub use pox::{PoxAccount, PoxAction, PoxErrorDetail, PoxProtocol, PoxRequest, PoxResponse, PoxUser, ProtocolType};
pub use soap::{
    AutodiscoverErrorCode, AutodiscoverServerVersion, GetUserSettingsReply, GetUserSettingsRequest,
    GetUserSettingsResponse, UserResponse, UserSetting, UserSettingError, UserSettingName, UserSettingValue,
};

use crate::xml::{Element, XmlError, XmlReader, XmlWriter};

/// The namespaces of the autodiscover protocols.
pub mod namespaces {
    /// POX request (`<Autodiscover>` of a request).
    pub const POX_REQUEST: &str = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
    /// POX response envelope (`<Autodiscover>` of a response).
    pub const POX_RESPONSE: &str = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
    /// POX Outlook response schema (`<Response>`); also the `AcceptableResponseSchema` to ask for.
    pub const POX_OUTLOOK_RESPONSE: &str =
        "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
    /// POX mobile-sync response schema (ActiveSync clients; parsed, never asked for).
    pub const POX_MOBILESYNC_RESPONSE: &str =
        "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006";
    /// SOAP autodiscover.
    pub const SOAP_AUTODISCOVER: &str = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
    /// WS-Addressing (SOAP autodiscover headers).
    pub const WS_ADDRESSING: &str = "http://www.w3.org/2005/08/addressing";
    /// XML Schema instance (`i:type`, `i:nil`).
    pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
}

/// Declares an enum of schema text values that keeps values it does not list (as `Other`). Parsing
/// ignores surrounding white space and ASCII case.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[doc = concat!("`", $text, "`")]
                $variant,
            )+
            /// A value this list does not have, kept as sent.
            Other(String),
        }

        impl $name {
            /// Every listed value.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The schema text.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s,
                }
            }

            /// Reads a value; unlisted text becomes `Other`.
            pub fn parse(s: &str) -> Self {
                let t = s.trim();
                $(if t.eq_ignore_ascii_case($text) { return $name::$variant; })+
                $name::Other(t.to_owned())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::parse(s))
            }
        }

        impl crate::xml::XmlValue for $name {
            const EXPECTED: &'static str = concat!("a ", stringify!($name));
            fn parse_xml(text: &str) -> Option<Self> {
                Some($name::parse(text))
            }
            fn to_xml_text(&self) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Ok($name::parse(&s))
            }
        }
    };
}
pub(crate) use open_enum;

/// An element a type does not model, carried through so that nothing a server sent is lost:
/// its local name, attributes, and text (or raw inner XML when it holds elements).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExtraElement {
    /// Local name.
    pub name: String,
    /// Attributes (local name, value), namespace declarations left out.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<(String, String)>,
    /// Text content, or raw inner XML when `is_xml`.
    pub value: String,
    /// `true` when `value` is raw XML.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_xml: bool,
}

impl ExtraElement {
    /// A text element.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Self {
        ExtraElement { name: name.into(), attributes: Vec::new(), value: value.into(), is_xml: false }
    }

    /// Reads `el` whole.
    pub(crate) fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let attributes = r.attributes(el)?;
        let inner = r.inner_xml(el)?;
        let (value, is_xml) = if inner.contains('<') {
            (inner.to_owned(), true)
        } else {
            let text =
                quick_xml::escape::unescape(inner).map_err(|_| r.invalid(el, inner, "text with valid escapes"))?;
            (text.into_owned(), false)
        };
        Ok(ExtraElement { name: el.name().to_owned(), attributes, value, is_xml })
    }

    /// Writes it back with `prefix` (e.g. `a:`, or empty for a default namespace).
    pub(crate) fn write(&self, w: &mut XmlWriter, prefix: &str) {
        let qname = format!("{prefix}{}", self.name);
        let attrs: Vec<(&str, Option<&str>)> =
            self.attributes.iter().map(|(k, v)| (k.as_str(), Some(v.as_str()))).collect();
        w.start(&qname, &attrs);
        if self.is_xml {
            w.raw(&self.value);
        } else {
            w.text(&self.value);
        }
        w.end(&qname);
    }
}
