//! `xml_enum!`: a schema enumeration as a Rust enum that reads and writes its schema text.

/// Declares an enum whose variants carry the schema's text, with `as_str`, `FromStr`, `Display`,
/// serde (as the schema text), [`XmlValue`](crate::xml::XmlValue) and `ALL` (every value in order).
macro_rules! xml_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[doc = concat!("`", $text, "`")]
                #[serde(rename = $text)]
                $variant
            ),+
        }

        impl $name {
            /// Every value, in schema order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The schema's text for this value.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::xml::XmlErrorKind;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim() {
                    $($text => Ok($name::$variant),)+
                    other => Err(crate::xml::XmlErrorKind::InvalidValue {
                        value: crate::xml::XmlError::shorten(other),
                        expected: concat!("a ", stringify!($name)),
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl crate::xml::XmlValue for $name {
            const EXPECTED: &'static str = concat!("a ", stringify!($name));
            fn parse_xml(text: &str) -> Option<Self> {
                text.parse().ok()
            }
            fn to_xml_text(&self) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed(self.as_str())
            }
        }
    };
}

pub(crate) use xml_enum;
