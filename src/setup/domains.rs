//! Email domains as the admin types them: one domain ([`EmailDomain`]), the comma-separated list of
//! additional domains ([`AdditionalDomains`]), the set a user's address must fall in
//! ([`AllowedDomains`]) and a mailbox address ([`MailboxAddress`]).
//!
//! A domain is trimmed, lower-cased and converted to its ASCII form (internationalised names become
//! `xn--` labels, by UTS #46 as browsers do). Entries that are not a bare domain name are refused
//! with a [`DomainError`] that names the entry and says how to write it: white space inside, an
//! `@` (an address rather than a domain), a scheme (`https://`), a port, a path, empty labels, a
//! single label, an IP address or a public suffix (`co.uk`).
//!
//! ```
//! use exsync::setup::AdditionalDomains;
//!
//! let domains = AdditionalDomains::parse(" Fabrikam.COM, bücher.example ,fabrikam.com,").unwrap();
//! assert_eq!(domains.to_string(), "fabrikam.com, xn--bcher-kva.example");
//!
//! let err = AdditionalDomains::parse("fabrikam.com, https://contoso.com").unwrap_err();
//! assert!(err.to_string().contains("\"https://contoso.com\""));
//! ```

use std::fmt;
use std::str::FromStr;

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

use crate::autodiscover::plan::is_public_suffix;

/// Longest domain name (in its ASCII form).
pub const MAX_DOMAIN_LEN: usize = 253;
/// Longest label of a domain name (in its ASCII form).
pub const MAX_LABEL_LEN: usize = 63;
/// Longest local part of a mailbox address (RFC 5321).
pub const MAX_LOCAL_PART_LEN: usize = 64;

/// Why one domain entry was refused. Every variant names the entry as it was typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DomainError {
    /// Nothing was given.
    #[error("the domain is empty; write a domain such as contoso.com")]
    Empty,
    /// White space inside the entry.
    #[error(
        "{entry:?} contains white space; separate domains with commas and write each as a bare name such as \
         contoso.com"
    )]
    Whitespace {
        /// The entry.
        entry: String,
    },
    /// An `@`: an address (or user name) instead of a domain.
    #[error("{entry:?} contains '@'; write only the domain{}", match .hint { Some(h) => format!(" ({h})"), None => String::new() })]
    AtSign {
        /// The entry.
        entry: String,
        /// What follows the last `@`, which is likely the domain meant.
        hint: Option<String>,
    },
    /// A URL scheme (`https://`, `mailto:`).
    #[error("{entry:?} has a scheme ({scheme}); write only the domain, without {scheme}")]
    Scheme {
        /// The entry.
        entry: String,
        /// The scheme with its separator, as typed (`https://`).
        scheme: String,
    },
    /// A port (`:443`).
    #[error("{entry:?} has a port; write only the domain, without ':{port}'")]
    Port {
        /// The entry.
        entry: String,
        /// The port as typed.
        port: String,
    },
    /// A path, query or fragment (`/owa`, `?x`, `#y`) or a backslash.
    #[error("{entry:?} has a path ({character:?} and what follows); write only the domain")]
    Path {
        /// The entry.
        entry: String,
        /// The character that starts it.
        character: char,
    },
    /// A character no domain name has.
    #[error("{entry:?} contains {character:?}, which is not allowed in a domain name")]
    InvalidCharacter {
        /// The entry.
        entry: String,
        /// The character.
        character: char,
    },
    /// Two dots in a row, or a dot at either end.
    #[error("{entry:?} has an empty label (two dots in a row, or a dot at the start or the end)")]
    EmptyLabel {
        /// The entry.
        entry: String,
    },
    /// A label longer than [`MAX_LABEL_LEN`] (in ASCII form).
    #[error("{entry:?} has a label of {len} characters; at most {MAX_LABEL_LEN} are allowed")]
    LabelTooLong {
        /// The entry.
        entry: String,
        /// The label's length in ASCII form.
        len: usize,
    },
    /// A label starting or ending with `-`.
    #[error("{entry:?} has a label that starts or ends with '-'")]
    HyphenAtLabelEdge {
        /// The entry.
        entry: String,
    },
    /// Longer than [`MAX_DOMAIN_LEN`] (in ASCII form).
    #[error("{entry:?} is {len} characters long in ASCII form; at most {MAX_DOMAIN_LEN} are allowed")]
    TooLong {
        /// The entry.
        entry: String,
        /// Its length in ASCII form.
        len: usize,
    },
    /// One label only (`contoso`): not an email domain.
    #[error("{entry:?} has a single label; email domains have at least two (contoso.com)")]
    SingleLabel {
        /// The entry.
        entry: String,
    },
    /// The last label is all digits: an IP address or a typo.
    #[error("{entry:?} ends in a numeric label; an IP address is not an email domain")]
    NumericTopLabel {
        /// The entry.
        entry: String,
    },
    /// A public suffix (`com`, `co.uk`), which is nobody's own domain.
    #[error("{entry:?} is a public suffix, not an organisation's domain; write the domain itself (contoso.co.uk)")]
    PublicSuffix {
        /// The entry.
        entry: String,
    },
    /// An internationalised name that has no valid ASCII form (disallowed characters, bad
    /// Punycode, mixed directions).
    #[error("{entry:?} is not a valid internationalised domain name and has no ASCII form")]
    Internationalized {
        /// The entry.
        entry: String,
    },
    /// A mailbox address that is not `local@domain`.
    #[error("{address:?} is not a mailbox address ({reason}); write it as user@contoso.com")]
    InvalidAddress {
        /// The address.
        address: String,
        /// What is wrong.
        reason: &'static str,
    },
}

impl DomainError {
    /// The entry (or address) the error is about, as typed.
    pub fn entry(&self) -> &str {
        match self {
            DomainError::Empty => "",
            DomainError::Whitespace { entry }
            | DomainError::AtSign { entry, .. }
            | DomainError::Scheme { entry, .. }
            | DomainError::Port { entry, .. }
            | DomainError::Path { entry, .. }
            | DomainError::InvalidCharacter { entry, .. }
            | DomainError::EmptyLabel { entry }
            | DomainError::LabelTooLong { entry, .. }
            | DomainError::HyphenAtLabelEdge { entry }
            | DomainError::TooLong { entry, .. }
            | DomainError::SingleLabel { entry }
            | DomainError::NumericTopLabel { entry }
            | DomainError::PublicSuffix { entry }
            | DomainError::Internationalized { entry } => entry,
            DomainError::InvalidAddress { address, .. } => address,
        }
    }
}

/// One invalid entry of a domain list: its position (1-based, counting non-empty entries) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidEntry {
    /// 1-based position among the list's non-empty entries.
    pub position: usize,
    /// Why it was refused.
    pub error: DomainError,
}

/// Why a domain list was refused: every invalid entry, in order (never empty).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe_invalid(.invalid))]
pub struct DomainListError {
    /// The invalid entries.
    pub invalid: Vec<InvalidEntry>,
}

fn describe_invalid(invalid: &[InvalidEntry]) -> String {
    let parts: Vec<String> = invalid.iter().map(|e| format!("entry {}: {}", e.position, e.error)).collect();
    match parts.len() {
        1 => format!("an additional domain is invalid: {}", parts[0]),
        n => format!("{n} additional domains are invalid: {}", parts.join("; ")),
    }
}

/// An email domain in its normalized ASCII form: lower case, `xn--` labels for internationalised
/// names, at least two labels, not an IP address or a public suffix.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailDomain(String);

fn scheme_of(entry: &str) -> Option<String> {
    if let Some(i) = entry.find("://") {
        return Some(entry[..i + 3].to_owned());
    }
    let (head, _) = entry.split_once(':')?;
    let known = ["mailto", "http", "https", "smtp", "ldap", "ldaps"];
    known.iter().any(|k| head.eq_ignore_ascii_case(k)).then(|| format!("{head}:"))
}

/// Invisible characters that UTS #46 would silently drop; a pasted entry holding one is refused
/// rather than changed behind the admin's back.
const INVISIBLE: &[char] = &['\u{AD}', '\u{180E}', '\u{200B}', '\u{2060}', '\u{FEFF}'];

/// Checks of the entry as typed, before IDNA, so that the message names what the admin wrote.
fn check_typed(entry: &str) -> Result<(), DomainError> {
    let owned = || entry.to_owned();
    if entry.chars().any(char::is_whitespace) {
        return Err(DomainError::Whitespace { entry: owned() });
    }
    if let Some(scheme) = scheme_of(entry) {
        return Err(DomainError::Scheme { entry: owned(), scheme });
    }
    if let Some((_, after)) = entry.rsplit_once('@') {
        let hint = EmailDomain::parse(after).ok().map(|d| format!("did you mean {d}?"));
        return Err(DomainError::AtSign { entry: owned(), hint });
    }
    if let Some(character) = entry.chars().find(|c| matches!(c, '/' | '?' | '#' | '\\')) {
        return Err(DomainError::Path { entry: owned(), character });
    }
    if let Some((_, port)) = entry.split_once(':') {
        if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) {
            return Err(DomainError::Port { entry: owned(), port: port.to_owned() });
        }
        return Err(DomainError::InvalidCharacter { entry: owned(), character: ':' });
    }
    let not_allowed = |c: char| {
        c.is_control()
            || INVISIBLE.contains(&c)
            || (c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
    };
    if let Some(character) = entry.chars().find(|&c| not_allowed(c)) {
        return Err(DomainError::InvalidCharacter { entry: owned(), character });
    }
    if entry.split('.').any(str::is_empty) {
        return Err(DomainError::EmptyLabel { entry: owned() });
    }
    Ok(())
}

/// Checks of the ASCII form.
fn check_ascii(entry: &str, ascii: &str) -> Result<(), DomainError> {
    let owned = || entry.to_owned();
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.iter().any(|l| l.is_empty()) {
        return Err(DomainError::EmptyLabel { entry: owned() });
    }
    if let Some(l) = labels.iter().find(|l| l.len() > MAX_LABEL_LEN) {
        return Err(DomainError::LabelTooLong { entry: owned(), len: l.len() });
    }
    if labels.iter().any(|l| l.starts_with('-') || l.ends_with('-')) {
        return Err(DomainError::HyphenAtLabelEdge { entry: owned() });
    }
    if ascii.len() > MAX_DOMAIN_LEN {
        return Err(DomainError::TooLong { entry: owned(), len: ascii.len() });
    }
    if labels.len() < 2 {
        return Err(DomainError::SingleLabel { entry: owned() });
    }
    if labels.last().is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit())) {
        return Err(DomainError::NumericTopLabel { entry: owned() });
    }
    if is_public_suffix(ascii) {
        return Err(DomainError::PublicSuffix { entry: owned() });
    }
    Ok(())
}

impl EmailDomain {
    /// Normalizes and validates one domain (see the module documentation).
    pub fn parse(entry: &str) -> Result<Self, DomainError> {
        let entry = entry.trim();
        if entry.is_empty() {
            return Err(DomainError::Empty);
        }
        check_typed(entry)?;
        let lowered = entry.to_lowercase();
        let ascii = Uts46::new()
            .to_ascii(lowered.as_bytes(), AsciiDenyList::STD3, Hyphens::Allow, DnsLength::Ignore)
            .map_err(|_| DomainError::Internationalized { entry: entry.to_owned() })?;
        check_ascii(entry, &ascii)?;
        Ok(EmailDomain(ascii.into_owned()))
    }

    /// The ASCII form (`xn--bcher-kva.example`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Unicode form, for display (`bücher.example`).
    pub fn to_unicode(&self) -> String {
        let (unicode, result) = idna::domain_to_unicode(&self.0);
        if result.is_ok() { unicode } else { self.0.clone() }
    }
}

impl fmt::Display for EmailDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for EmailDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailDomain({:?})", self.0)
    }
}

impl FromStr for EmailDomain {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EmailDomain::parse(s)
    }
}

impl TryFrom<String> for EmailDomain {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        EmailDomain::parse(&s)
    }
}

impl From<EmailDomain> for String {
    fn from(d: EmailDomain) -> String {
        d.0
    }
}

/// The users' email domains besides the service account's own, entered as a comma-separated list.
///
/// Each entry is normalized as an [`EmailDomain`]; empty entries (a trailing comma) are ignored and
/// duplicates removed, keeping the first occurrence's place.
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "Vec<EmailDomain>", into = "Vec<EmailDomain>")]
pub struct AdditionalDomains(Vec<EmailDomain>);

impl AdditionalDomains {
    /// No additional domain.
    pub fn new() -> Self {
        AdditionalDomains(Vec::new())
    }

    /// Parses a comma-separated list. Every invalid entry is reported, with its position.
    pub fn parse(input: &str) -> Result<Self, DomainListError> {
        let mut domains = Vec::new();
        let mut invalid = Vec::new();
        let entries = input.split(',').map(str::trim).filter(|e| !e.is_empty());
        for (i, entry) in entries.enumerate() {
            match EmailDomain::parse(entry) {
                Ok(d) => domains.push(d),
                Err(error) => invalid.push(InvalidEntry { position: i + 1, error }),
            }
        }
        if invalid.is_empty() { Ok(Self::from_domains(domains)) } else { Err(DomainListError { invalid }) }
    }

    /// The list of `domains`, duplicates removed.
    pub fn from_domains(domains: impl IntoIterator<Item = EmailDomain>) -> Self {
        let mut out: Vec<EmailDomain> = Vec::new();
        for d in domains {
            if !out.contains(&d) {
                out.push(d);
            }
        }
        AdditionalDomains(out)
    }

    /// The domains, in the order given.
    pub fn as_slice(&self) -> &[EmailDomain] {
        &self.0
    }

    /// Iterates over the domains.
    pub fn iter(&self) -> std::slice::Iter<'_, EmailDomain> {
        self.0.iter()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `domain` is listed.
    pub fn contains(&self, domain: &EmailDomain) -> bool {
        self.0.contains(domain)
    }

    /// Whether both lists hold the same domains, in any order.
    pub fn same_set(&self, other: &AdditionalDomains) -> bool {
        self.0.len() == other.0.len() && self.0.iter().all(|d| other.contains(d))
    }
}

impl fmt::Display for AdditionalDomains {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(d.as_str())?;
        }
        Ok(())
    }
}

impl fmt::Debug for AdditionalDomains {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.iter().map(EmailDomain::as_str)).finish()
    }
}

impl From<Vec<EmailDomain>> for AdditionalDomains {
    fn from(v: Vec<EmailDomain>) -> Self {
        AdditionalDomains::from_domains(v)
    }
}

impl From<AdditionalDomains> for Vec<EmailDomain> {
    fn from(d: AdditionalDomains) -> Self {
        d.0
    }
}

impl FromStr for AdditionalDomains {
    type Err = DomainListError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AdditionalDomains::parse(s)
    }
}

impl<'a> IntoIterator for &'a AdditionalDomains {
    type Item = &'a EmailDomain;
    type IntoIter = std::slice::Iter<'a, EmailDomain>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// The domains a user's address may be in to be enrolled: the service account's own (when its user
/// name carries a DNS domain) and the additional domains.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AllowedDomains {
    /// The service account's domain, if it has a DNS one (`None` for OAuth 2.0 and for NetBIOS
    /// user names such as `CONTOSO\svc`).
    pub service_account: Option<EmailDomain>,
    /// The additional domains.
    pub additional: AdditionalDomains,
}

impl AllowedDomains {
    /// Whether `domain` is allowed.
    pub fn permits(&self, domain: &EmailDomain) -> bool {
        self.service_account.as_ref() == Some(domain) || self.additional.contains(domain)
    }

    /// Every allowed domain, the service account's first.
    pub fn all(&self) -> Vec<EmailDomain> {
        let mut out: Vec<EmailDomain> = self.service_account.iter().cloned().collect();
        out.extend(self.additional.iter().filter(|d| Some(*d) != self.service_account.as_ref()).cloned());
        out
    }

    /// Whether no domain is allowed (nobody could be enrolled).
    pub fn is_empty(&self) -> bool {
        self.service_account.is_none() && self.additional.is_empty()
    }
}

impl fmt::Display for AllowedDomains {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let all: Vec<String> = self.all().into_iter().map(String::from).collect();
        if all.is_empty() { f.write_str("(none)") } else { f.write_str(&all.join(", ")) }
    }
}

/// A mailbox address `local@domain`, its domain normalized as an [`EmailDomain`] (the local part
/// is kept as typed: Exchange compares it case-insensitively).
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MailboxAddress {
    local: String,
    domain: EmailDomain,
}

impl MailboxAddress {
    /// Parses `local@domain` (trimmed).
    pub fn parse(address: &str) -> Result<Self, DomainError> {
        let address = address.trim();
        let invalid = |reason| DomainError::InvalidAddress { address: address.to_owned(), reason };
        if address.is_empty() {
            return Err(invalid("it is empty"));
        }
        let (local, domain) = address.rsplit_once('@').ok_or_else(|| invalid("it has no '@'"))?;
        if local.is_empty() {
            return Err(invalid("nothing comes before the '@'"));
        }
        if local.chars().count() > MAX_LOCAL_PART_LEN {
            return Err(invalid("the part before the '@' is longer than 64 characters"));
        }
        if local.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("the part before the '@' contains white space or control characters"));
        }
        if local.contains('@') {
            return Err(invalid("it contains more than one '@'"));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(invalid("the part before the '@' has a misplaced dot"));
        }
        let domain = EmailDomain::parse(domain)?;
        Ok(MailboxAddress { local: local.to_owned(), domain })
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        &self.local
    }

    /// The domain.
    pub fn domain(&self) -> &EmailDomain {
        &self.domain
    }
}

impl fmt::Display for MailboxAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.local, self.domain)
    }
}

impl fmt::Debug for MailboxAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MailboxAddress({:?})", self.to_string())
    }
}

impl FromStr for MailboxAddress {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MailboxAddress::parse(s)
    }
}

impl TryFrom<String> for MailboxAddress {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        MailboxAddress::parse(&s)
    }
}

impl From<MailboxAddress> for String {
    fn from(a: MailboxAddress) -> String {
        a.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(entry: &str) -> DomainError {
        EmailDomain::parse(entry).unwrap_err()
    }

    #[test]
    fn normalizes() {
        assert_eq!(EmailDomain::parse("  Contoso.COM ").unwrap().as_str(), "contoso.com");
        assert_eq!(EmailDomain::parse("bücher.example").unwrap().as_str(), "xn--bcher-kva.example");
        assert_eq!(EmailDomain::parse("BÜCHER.example").unwrap().as_str(), "xn--bcher-kva.example");
        assert_eq!(EmailDomain::parse("xn--bcher-kva.example").unwrap().to_unicode(), "bücher.example");
        assert_eq!(EmailDomain::parse("例え.テスト.jp").unwrap().as_str(), "xn--r8jz45g.xn--zckzah.jp");
        assert_eq!(EmailDomain::parse("sub.contoso.co.uk").unwrap().as_str(), "sub.contoso.co.uk");
        // Full-width letters map to ASCII (UTS #46).
        assert_eq!(EmailDomain::parse("ｃｏｎｔｏｓｏ.com").unwrap().as_str(), "contoso.com");
    }

    #[test]
    fn every_rejection_names_the_entry() {
        type Check = fn(&DomainError) -> bool;
        let cases: Vec<(&str, Check)> = vec![
            ("conto so.com", |e| matches!(e, DomainError::Whitespace { .. })),
            ("contoso.com\tx", |e| matches!(e, DomainError::Whitespace { .. })),
            ("alice@contoso.com", |e| matches!(e, DomainError::AtSign { hint: Some(_), .. })),
            ("@", |e| matches!(e, DomainError::AtSign { hint: None, .. })),
            ("https://contoso.com", |e| matches!(e, DomainError::Scheme { scheme, .. } if scheme == "https://")),
            ("mailto:contoso.com", |e| matches!(e, DomainError::Scheme { scheme, .. } if scheme == "mailto:")),
            ("contoso.com:443", |e| matches!(e, DomainError::Port { port, .. } if port == "443")),
            ("contoso.com:", |e| matches!(e, DomainError::InvalidCharacter { character: ':', .. })),
            ("contoso.com/owa", |e| matches!(e, DomainError::Path { character: '/', .. })),
            ("contoso.com?x=1", |e| matches!(e, DomainError::Path { character: '?', .. })),
            (r"contoso\svc", |e| matches!(e, DomainError::Path { character: '\\', .. })),
            ("conto_so.com", |e| matches!(e, DomainError::InvalidCharacter { character: '_', .. })),
            ("contoso;com", |e| matches!(e, DomainError::InvalidCharacter { character: ';', .. })),
            ("contoso..com", |e| matches!(e, DomainError::EmptyLabel { .. })),
            (".contoso.com", |e| matches!(e, DomainError::EmptyLabel { .. })),
            ("contoso.com.", |e| matches!(e, DomainError::EmptyLabel { .. })),
            ("contoso。。com", |e| matches!(e, DomainError::EmptyLabel { .. })),
            ("-contoso.com", |e| matches!(e, DomainError::HyphenAtLabelEdge { .. })),
            ("contoso-.com", |e| matches!(e, DomainError::HyphenAtLabelEdge { .. })),
            ("contoso", |e| matches!(e, DomainError::SingleLabel { .. })),
            ("192.168.1.10", |e| matches!(e, DomainError::NumericTopLabel { .. })),
            ("co.uk", |e| matches!(e, DomainError::PublicSuffix { .. })),
            ("com.", |e| matches!(e, DomainError::EmptyLabel { .. })),
            ("xn--zz.com", |e| matches!(e, DomainError::Internationalized { .. })),
            ("a\u{200B}b.com", |e| matches!(e, DomainError::InvalidCharacter { character: '\u{200B}', .. })),
            ("a\u{378}b.com", |e| matches!(e, DomainError::Internationalized { .. })),
        ];
        for (entry, is_expected) in cases {
            let e = err(entry);
            assert!(is_expected(&e), "{entry:?} gave {e:?}");
            assert_eq!(e.entry(), entry.trim(), "{entry:?}");
            assert!(e.to_string().contains(&format!("{:?}", entry.trim())), "{e}");
        }
        let long_label = format!("{}.com", "a".repeat(64));
        assert!(matches!(err(&long_label), DomainError::LabelTooLong { len: 64, .. }));
        let long = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        assert!(matches!(err(&long), DomainError::TooLong { .. }));
        assert_eq!(err("   "), DomainError::Empty);
    }

    #[test]
    fn list_parsing() {
        let d = AdditionalDomains::parse("fabrikam.com, Fabrikam.com,  ,northwind.example,").unwrap();
        assert_eq!(d.to_string(), "fabrikam.com, northwind.example");
        assert_eq!(d.len(), 2);
        assert!(AdditionalDomains::parse("").unwrap().is_empty());
        assert!(AdditionalDomains::parse(" , ,").unwrap().is_empty());

        let e = AdditionalDomains::parse("ok.com, bad domain.com, x@y.com").unwrap_err();
        assert_eq!(e.invalid.len(), 2);
        assert_eq!(e.invalid[0].position, 2);
        assert_eq!(e.invalid[1].position, 3);
        let text = e.to_string();
        assert!(text.starts_with("2 additional domains are invalid"), "{text}");
        assert!(text.contains("\"bad domain.com\"") && text.contains("\"x@y.com\""), "{text}");
        assert!(text.contains("did you mean y.com?"), "{text}");
    }

    #[test]
    fn same_set_ignores_order() {
        let a = AdditionalDomains::parse("a.com, b.com").unwrap();
        let b = AdditionalDomains::parse("b.com,a.com").unwrap();
        let c = AdditionalDomains::parse("a.com").unwrap();
        assert!(a.same_set(&b));
        assert!(!a.same_set(&c));
        assert_ne!(a, b);
    }

    #[test]
    fn serde_round_trip_validates() {
        let d = AdditionalDomains::parse("b.com, a.com").unwrap();
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, r#"["b.com","a.com"]"#);
        assert_eq!(serde_json::from_str::<AdditionalDomains>(&json).unwrap(), d);
        assert!(serde_json::from_str::<AdditionalDomains>(r#"["a b.com"]"#).is_err());
        assert_eq!(serde_json::from_str::<AdditionalDomains>(r#"["a.com","A.com"]"#).unwrap().len(), 1);
    }

    #[test]
    fn allowed_domains() {
        let allowed = AllowedDomains {
            service_account: Some("contoso.com".parse().unwrap()),
            additional: AdditionalDomains::parse("fabrikam.com, contoso.com").unwrap(),
        };
        assert!(allowed.permits(&"contoso.com".parse().unwrap()));
        assert!(allowed.permits(&"fabrikam.com".parse().unwrap()));
        assert!(!allowed.permits(&"sub.contoso.com".parse().unwrap()));
        assert_eq!(allowed.to_string(), "contoso.com, fabrikam.com");
        assert!(AllowedDomains::default().is_empty());
        assert_eq!(AllowedDomains::default().to_string(), "(none)");
    }

    #[test]
    fn mailbox_addresses() {
        let a = MailboxAddress::parse(" Alice@Bücher.example ").unwrap();
        assert_eq!(a.to_string(), "Alice@xn--bcher-kva.example");
        assert_eq!(a.local_part(), "Alice");
        for bad in ["", "alice", "@contoso.com", "al ice@contoso.com", ".a@contoso.com", "a..b@contoso.com"] {
            assert!(matches!(MailboxAddress::parse(bad), Err(DomainError::InvalidAddress { .. })), "{bad:?}");
        }
        assert!(matches!(MailboxAddress::parse("a@b@contoso.com"), Err(DomainError::InvalidAddress { .. })));
        assert!(matches!(MailboxAddress::parse("alice@contoso"), Err(DomainError::SingleLabel { .. })));
        let long = format!("{}@contoso.com", "a".repeat(65));
        assert!(MailboxAddress::parse(&long).is_err());
    }
}
