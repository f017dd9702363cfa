//! Windows account names as an admin types them: `alice@contoso.com` (user principal name) and
//! `contoso.com\alice` or `CONTOSO\alice` (down-level logon name).
//!
//! [`UserName`] parses both, prints exactly what it parsed, and converts between them where the
//! information is there: a DNS domain can go either way, a NetBIOS domain (`CONTOSO`) cannot become
//! a UPN suffix without being told the DNS domain it stands for.
//!
//! ```
//! use exsync::transport::{UserName, UserNameFormat};
//!
//! let upn: UserName = "alice@contoso.com".parse().unwrap();
//! assert_eq!(upn.format(), UserNameFormat::Upn);
//! assert_eq!(upn.to_down_level().to_string(), r"contoso.com\alice");
//!
//! let netbios: UserName = r"CONTOSO\alice".parse().unwrap();
//! assert!(netbios.to_upn().is_err());
//! assert_eq!(netbios.to_upn_with_domain("contoso.com").unwrap().to_string(), "alice@contoso.com");
//! ```

use std::fmt;
use std::str::FromStr;

/// Longest user part accepted (UPN prefixes are limited far below this by Active Directory).
pub const MAX_USER_LEN: usize = 256;
/// Longest DNS domain name.
pub const MAX_DOMAIN_LEN: usize = 253;
/// Longest NetBIOS domain name.
pub const MAX_NETBIOS_LEN: usize = 15;

/// Characters Active Directory does not allow in a logon name (besides the separators).
const FORBIDDEN_IN_USER: &[char] = &['"', '/', '[', ']', ':', ';', '|', '=', ',', '+', '*', '?', '<', '>'];
/// Characters not allowed in a NetBIOS domain name.
const FORBIDDEN_IN_NETBIOS: &[char] =
    &['"', '/', ':', '*', '?', '<', '>', '|', ',', '~', '!', '#', '$', '%', '^', '&', '{', '}'];

/// How a [`UserName`] is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum UserNameFormat {
    /// `user@domain.tld` (user principal name).
    Upn,
    /// `DOMAIN\user` or `domain.tld\user` (down-level logon name).
    DownLevel,
}

/// Which part of a user name an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamePart {
    /// The account (before `@`, after `\`).
    User,
    /// The domain (after `@`, before `\`).
    Domain,
}

impl fmt::Display for NamePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NamePart::User => "user",
            NamePart::Domain => "domain",
        })
    }
}

/// Why a user name was refused or could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UserNameError {
    /// Nothing was given.
    #[error("the user name is empty; write it as user@domain.tld or DOMAIN\\user")]
    Empty,
    /// Neither `@` nor `\` is present.
    #[error("the user name has no domain; write it as user@domain.tld or DOMAIN\\user")]
    NoSeparator,
    /// Both `@` and `\` are present.
    #[error("the user name mixes both forms (`@` and `\\`); write either user@domain.tld or DOMAIN\\user")]
    MixedSeparators,
    /// The separator appears more than once.
    #[error("the user name contains `{separator}` more than once")]
    RepeatedSeparator {
        /// `@` or `\`.
        separator: char,
    },
    /// A part is empty (`@contoso.com`, `CONTOSO\`).
    #[error("the {part} part of the user name is empty")]
    EmptyPart {
        /// Which part.
        part: NamePart,
    },
    /// White space anywhere in the name.
    #[error("the {part} part of the user name contains white space")]
    Whitespace {
        /// Which part.
        part: NamePart,
    },
    /// A character that may not appear in that part.
    #[error("the {part} part of the user name contains the character {character:?}, which is not allowed there")]
    InvalidCharacter {
        /// Which part.
        part: NamePart,
        /// The character.
        character: char,
    },
    /// A part is longer than allowed.
    #[error("the {part} part of the user name is {len} characters long; at most {max} are allowed")]
    TooLong {
        /// Which part.
        part: NamePart,
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The domain is not a valid DNS name (empty label, label starting or ending with `-`, …).
    #[error("the domain {domain:?} is not a valid DNS name: {reason}")]
    InvalidDomain {
        /// The domain as given.
        domain: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A NetBIOS domain (`CONTOSO\alice`) cannot be turned into a UPN without its DNS domain.
    #[error(
        "the domain {domain:?} is a NetBIOS name; the UPN needs the DNS domain it stands for \
         (write the user as user@domain.tld, or configure the domain mapping)"
    )]
    NetbiosDomain {
        /// The NetBIOS domain.
        domain: String,
    },
}

/// A Windows account name in UPN or down-level form. See the module documentation.
///
/// Equality is exact (as typed); use [`UserName::same_account`] to compare the way Windows does
/// (case-insensitively, across forms with a DNS domain).
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserName {
    user: String,
    domain: String,
    format: UserNameFormat,
}

fn check_user(user: &str, separator_allowed: Option<char>) -> Result<(), UserNameError> {
    let part = NamePart::User;
    if user.is_empty() {
        return Err(UserNameError::EmptyPart { part });
    }
    let len = user.chars().count();
    if len > MAX_USER_LEN {
        return Err(UserNameError::TooLong { part, len, max: MAX_USER_LEN });
    }
    for c in user.chars() {
        if c.is_whitespace() {
            return Err(UserNameError::Whitespace { part });
        }
        if c.is_control() || FORBIDDEN_IN_USER.contains(&c) || (c == '@' && separator_allowed != Some('@')) {
            return Err(UserNameError::InvalidCharacter { part, character: c });
        }
    }
    if user.ends_with('.') {
        return Err(UserNameError::InvalidCharacter { part, character: '.' });
    }
    Ok(())
}

/// Validates a DNS domain name (letters, digits, `-`, `_` and dots; labels 1–63 characters, not
/// starting or ending with `-`). Non-ASCII letters are accepted (internationalized domains).
fn check_dns_domain(domain: &str) -> Result<(), UserNameError> {
    let part = NamePart::Domain;
    let invalid = |reason| UserNameError::InvalidDomain { domain: domain.to_owned(), reason };
    let len = domain.chars().count();
    if len > MAX_DOMAIN_LEN {
        return Err(UserNameError::TooLong { part, len, max: MAX_DOMAIN_LEN });
    }
    for c in domain.chars() {
        if c.is_whitespace() {
            return Err(UserNameError::Whitespace { part });
        }
        if !(c.is_alphanumeric() || c == '-' || c == '.' || c == '_') {
            return Err(UserNameError::InvalidCharacter { part, character: c });
        }
    }
    for label in domain.split('.') {
        if label.is_empty() {
            return Err(invalid("it has an empty label (two dots in a row, or a dot at either end)"));
        }
        if label.chars().count() > 63 {
            return Err(invalid("a label is longer than 63 characters"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(invalid("a label starts or ends with '-'"));
        }
    }
    if domain.rsplit('.').next().is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit())) {
        return Err(invalid("the last label is all digits"));
    }
    Ok(())
}

fn check_netbios(domain: &str) -> Result<(), UserNameError> {
    let part = NamePart::Domain;
    for c in domain.chars() {
        if c.is_whitespace() {
            return Err(UserNameError::Whitespace { part });
        }
        if c.is_control() || FORBIDDEN_IN_NETBIOS.contains(&c) || c == '@' {
            return Err(UserNameError::InvalidCharacter { part, character: c });
        }
    }
    let len = domain.chars().count();
    if len > MAX_NETBIOS_LEN {
        return Err(UserNameError::TooLong { part, len, max: MAX_NETBIOS_LEN });
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), UserNameError> {
    if domain.is_empty() {
        return Err(UserNameError::EmptyPart { part: NamePart::Domain });
    }
    if domain.contains('.') { check_dns_domain(domain) } else { check_netbios(domain) }
}

impl UserName {
    /// Parses `user@domain.tld`, `domain.tld\user` or `DOMAIN\user`.
    pub fn parse(s: &str) -> Result<Self, UserNameError> {
        if s.is_empty() {
            return Err(UserNameError::Empty);
        }
        let at = s.matches('@').count();
        let backslash = s.matches('\\').count();
        match (at, backslash) {
            (0, 0) => Err(UserNameError::NoSeparator),
            (_, 1..) if at > 0 => Err(UserNameError::MixedSeparators),
            (0, 1) => {
                let (domain, user) = s.split_once('\\').expect("one backslash");
                UserName::down_level(domain, user)
            }
            (0, _) => Err(UserNameError::RepeatedSeparator { separator: '\\' }),
            (1, 0) => {
                let (user, domain) = s.split_once('@').expect("one at sign");
                UserName::upn(user, domain)
            }
            _ => Err(UserNameError::RepeatedSeparator { separator: '@' }),
        }
    }

    /// A UPN `user@domain`, validated. A single-label suffix (`alice@contoso`) is accepted, as
    /// Active Directory allows it.
    pub fn upn(user: &str, domain: &str) -> Result<Self, UserNameError> {
        check_user(user, None)?;
        if domain.is_empty() {
            return Err(UserNameError::EmptyPart { part: NamePart::Domain });
        }
        check_dns_domain(domain)?;
        Ok(UserName { user: user.to_owned(), domain: domain.to_owned(), format: UserNameFormat::Upn })
    }

    /// A down-level name `domain\user`, validated; `domain` is a NetBIOS name (no dot, at most 15
    /// characters) or a DNS domain.
    pub fn down_level(domain: &str, user: &str) -> Result<Self, UserNameError> {
        check_domain(domain)?;
        check_user(user, None)?;
        Ok(UserName { user: user.to_owned(), domain: domain.to_owned(), format: UserNameFormat::DownLevel })
    }

    /// The account part.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The domain part (UPN suffix, DNS domain or NetBIOS domain).
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// How the name is written.
    pub fn format(&self) -> UserNameFormat {
        self.format
    }

    /// Whether the domain is a NetBIOS name (no dot), which cannot become a UPN suffix by itself.
    pub fn has_netbios_domain(&self) -> bool {
        !self.domain.contains('.') && self.format == UserNameFormat::DownLevel
    }

    /// The UPN form. A down-level name with a DNS domain (`contoso.com\alice`) becomes
    /// `alice@contoso.com` (the usual case: the UPN suffix is the DNS domain); a NetBIOS domain gives
    /// [`UserNameError::NetbiosDomain`].
    pub fn to_upn(&self) -> Result<UserName, UserNameError> {
        match self.format {
            UserNameFormat::Upn => Ok(self.clone()),
            UserNameFormat::DownLevel if self.has_netbios_domain() => {
                Err(UserNameError::NetbiosDomain { domain: self.domain.clone() })
            }
            UserNameFormat::DownLevel => UserName::upn(&self.user, &self.domain),
        }
    }

    /// The UPN form with `dns_domain` as the suffix, for a NetBIOS domain whose DNS name the caller
    /// knows (`CONTOSO` → `contoso.com`). A name that already has a DNS domain keeps its own.
    pub fn to_upn_with_domain(&self, dns_domain: &str) -> Result<UserName, UserNameError> {
        if self.has_netbios_domain() { UserName::upn(&self.user, dns_domain) } else { self.to_upn() }
    }

    /// The down-level form with the same domain (`alice@contoso.com` → `contoso.com\alice`), which
    /// NTLM accepts.
    pub fn to_down_level(&self) -> UserName {
        UserName { user: self.user.clone(), domain: self.domain.clone(), format: UserNameFormat::DownLevel }
    }

    /// The other form, to try when the server refuses this one; `None` for a NetBIOS down-level
    /// name (no UPN can be derived).
    pub fn alternate(&self) -> Option<UserName> {
        match self.format {
            UserNameFormat::Upn => Some(self.to_down_level()),
            UserNameFormat::DownLevel => self.to_upn().ok(),
        }
    }

    /// Whether both names denote the same account as Windows compares them: user and domain
    /// case-insensitively, a UPN equal to the down-level name with the same DNS domain.
    pub fn same_account(&self, other: &UserName) -> bool {
        self.user.to_lowercase() == other.user.to_lowercase()
            && self.domain.to_lowercase() == other.domain.to_lowercase()
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.format {
            UserNameFormat::Upn => write!(f, "{}@{}", self.user, self.domain),
            UserNameFormat::DownLevel => write!(f, "{}\\{}", self.domain, self.user),
        }
    }
}

impl fmt::Debug for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UserName({:?})", self.to_string())
    }
}

impl FromStr for UserName {
    type Err = UserNameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        UserName::parse(s)
    }
}

impl TryFrom<String> for UserName {
    type Error = UserNameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        UserName::parse(&s)
    }
}

impl From<UserName> for String {
    fn from(u: UserName) -> String {
        u.to_string()
    }
}

impl TryFrom<&str> for UserName {
    type Error = UserNameError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        UserName::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_parse_and_print_back() {
        for s in ["alice@contoso.com", r"contoso.com\alice", r"CONTOSO\alice", "a.b-c_d@sub.contoso.co.uk", "x@contoso"]
        {
            assert_eq!(UserName::parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn conversions() {
        let upn = UserName::parse("Alice@Contoso.com").unwrap();
        let dl = upn.to_down_level();
        assert_eq!(dl.to_string(), r"Contoso.com\Alice");
        assert_eq!(dl.to_upn().unwrap(), upn);
        assert_eq!(upn.alternate().unwrap(), dl);
        assert_eq!(dl.alternate().unwrap(), upn);
        assert!(upn.same_account(&dl));
        assert!(upn.same_account(&UserName::parse("alice@contoso.COM").unwrap()));

        let nb = UserName::parse(r"CONTOSO\alice").unwrap();
        assert!(nb.has_netbios_domain());
        assert_eq!(nb.to_upn(), Err(UserNameError::NetbiosDomain { domain: "CONTOSO".into() }));
        assert_eq!(nb.alternate(), None);
        assert_eq!(nb.to_upn_with_domain("contoso.com").unwrap().to_string(), "alice@contoso.com");
        assert_eq!(upn.to_upn_with_domain("other.com").unwrap(), upn);
    }

    #[test]
    fn invalid_forms_say_why() {
        use UserNameError::*;
        let cases: &[(&str, UserNameError)] = &[
            ("", Empty),
            ("alice", NoSeparator),
            ("a@b@c.com", RepeatedSeparator { separator: '@' }),
            (r"A\B\c", RepeatedSeparator { separator: '\\' }),
            (r"CONTOSO\alice@contoso.com", MixedSeparators),
            ("@contoso.com", EmptyPart { part: NamePart::User }),
            ("alice@", EmptyPart { part: NamePart::Domain }),
            (r"\alice", EmptyPart { part: NamePart::Domain }),
            (r"CONTOSO\", EmptyPart { part: NamePart::User }),
            ("al ice@contoso.com", Whitespace { part: NamePart::User }),
            (" alice@contoso.com", Whitespace { part: NamePart::User }),
            ("alice@contoso.com ", Whitespace { part: NamePart::Domain }),
            ("a:b@contoso.com", InvalidCharacter { part: NamePart::User, character: ':' }),
            ("alice@con*toso.com", InvalidCharacter { part: NamePart::Domain, character: '*' }),
            (r"CON?TOSO\alice", InvalidCharacter { part: NamePart::Domain, character: '?' }),
            (r"VERYLONGNETBIOSNAME\alice", TooLong { part: NamePart::Domain, len: 19, max: 15 }),
        ];
        for (s, want) in cases {
            assert_eq!(&UserName::parse(s).unwrap_err(), want, "{s:?}");
        }
        assert!(matches!(UserName::parse("alice@contoso..com"), Err(InvalidDomain { .. })));
        assert!(matches!(UserName::parse("alice@-contoso.com"), Err(InvalidDomain { .. })));
        assert!(matches!(UserName::parse("alice@10.0.0.1"), Err(InvalidDomain { .. })));
    }

    #[test]
    fn serde_is_the_text_form_and_validates() {
        let u = UserName::parse(r"CONTOSO\alice").unwrap();
        let json = serde_json::to_string(&u).unwrap();
        assert_eq!(json, r#""CONTOSO\\alice""#);
        assert_eq!(serde_json::from_str::<UserName>(&json).unwrap(), u);
        assert!(serde_json::from_str::<UserName>(r#""no separator""#).is_err());
        assert_eq!(format!("{u:?}"), r#"UserName("CONTOSO\\alice")"#);
    }

    #[test]
    fn errors_never_repeat_more_than_the_domain() {
        let e = UserName::parse("se cret@contoso.com").unwrap_err();
        assert!(!e.to_string().contains("se cret"));
    }
}
