//! `UserName`: every valid form prints back exactly as parsed, conversions are consistent, and
//! invalid forms give typed errors.

use exsync::transport::{NamePart, UserName, UserNameError, UserNameFormat};
use proptest::prelude::*;

fn user() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_'&!#$%^{}~-]([A-Za-z0-9._'&!#$%^{}~-]{0,18}[A-Za-z0-9_'&!#$%^{}~-])?"
}

fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?"
}

fn dns_domain() -> impl Strategy<Value = String> {
    (proptest::collection::vec(label(), 1..4), "[a-zA-Z]{2,6}").prop_map(|(mut labels, tld)| {
        labels.push(tld);
        labels.join(".")
    })
}

fn netbios() -> impl Strategy<Value = String> {
    "[A-Z0-9][A-Z0-9_-]{0,14}"
}

fn valid() -> impl Strategy<Value = String> {
    prop_oneof![
        (user(), dns_domain()).prop_map(|(u, d)| format!("{u}@{d}")),
        (dns_domain(), user()).prop_map(|(d, u)| format!("{d}\\{u}")),
        (netbios(), user()).prop_map(|(d, u)| format!("{d}\\{u}")),
    ]
}

proptest! {
    #[test]
    fn print_of_parse_is_identity(s in valid()) {
        let u = UserName::parse(&s).map_err(|e| TestCaseError::fail(format!("{s:?}: {e}")))?;
        prop_assert_eq!(u.to_string(), s.clone());
        prop_assert_eq!(s.parse::<UserName>().unwrap(), u);
    }

    #[test]
    fn conversions_are_consistent(s in valid()) {
        let u = UserName::parse(&s).unwrap();
        let down = u.to_down_level();
        prop_assert_eq!(down.format(), UserNameFormat::DownLevel);
        prop_assert!(down.same_account(&u));
        prop_assert_eq!(UserName::parse(&down.to_string()).unwrap(), down.clone());
        match u.to_upn() {
            Ok(upn) => {
                prop_assert!(!u.has_netbios_domain());
                prop_assert_eq!(upn.format(), UserNameFormat::Upn);
                prop_assert_eq!(upn.to_down_level().to_upn().unwrap(), upn.clone());
                prop_assert_eq!(UserName::parse(&upn.to_string()).unwrap(), upn.clone());
                prop_assert!(u.alternate().is_some_and(|a| a.same_account(&u) && a.format() != u.format()));
            }
            Err(e) => {
                prop_assert!(u.has_netbios_domain());
                prop_assert_eq!(e, UserNameError::NetbiosDomain { domain: u.domain().to_owned() });
                prop_assert_eq!(u.alternate(), None);
            }
        }
    }

    #[test]
    fn white_space_anywhere_is_refused(s in valid(), at in any::<prop::sample::Index>(), ws in prop::sample::select(vec![' ', '\t', '\u{a0}'])) {
        let mut chars: Vec<char> = s.chars().collect();
        let i = at.index(chars.len() + 1);
        chars.insert(i, ws);
        let bad: String = chars.into_iter().collect();
        let e = UserName::parse(&bad).unwrap_err();
        prop_assert!(matches!(e, UserNameError::Whitespace { .. }), "{:?} gave {:?}", bad, e);
    }

    #[test]
    fn a_second_separator_is_refused(s in valid(), extra in prop::sample::select(vec!['@', '\\'])) {
        let bad = format!("{s}{extra}x");
        let e = UserName::parse(&bad).unwrap_err();
        let ok = matches!(e, UserNameError::RepeatedSeparator { .. } | UserNameError::MixedSeparators);
        prop_assert!(ok, "{:?} gave {:?}", bad, e);
    }
}

#[test]
fn typed_errors_for_invalid_forms() {
    let cases: &[(&str, UserNameError)] = &[
        ("", UserNameError::Empty),
        ("alice", UserNameError::NoSeparator),
        ("alice@@contoso.com", UserNameError::RepeatedSeparator { separator: '@' }),
        (r"CONTOSO\\alice", UserNameError::RepeatedSeparator { separator: '\\' }),
        (r"contoso.com\alice@contoso.com", UserNameError::MixedSeparators),
        ("@contoso.com", UserNameError::EmptyPart { part: NamePart::User }),
        ("alice@", UserNameError::EmptyPart { part: NamePart::Domain }),
        (r"\alice", UserNameError::EmptyPart { part: NamePart::Domain }),
        (r"CONTOSO\", UserNameError::EmptyPart { part: NamePart::User }),
        ("alice smith@contoso.com", UserNameError::Whitespace { part: NamePart::User }),
        (r"CON TOSO\alice", UserNameError::Whitespace { part: NamePart::Domain }),
        ("a<b@contoso.com", UserNameError::InvalidCharacter { part: NamePart::User, character: '<' }),
        ("alice@contoso!.com", UserNameError::InvalidCharacter { part: NamePart::Domain, character: '!' }),
        (r"CONTOSO\a|b", UserNameError::InvalidCharacter { part: NamePart::User, character: '|' }),
        ("alice.@contoso.com", UserNameError::InvalidCharacter { part: NamePart::User, character: '.' }),
        (r"SIXTEENCHARSLONG\alice", UserNameError::TooLong { part: NamePart::Domain, len: 16, max: 15 }),
    ];
    for (s, want) in cases {
        assert_eq!(&UserName::parse(s).unwrap_err(), want, "{s:?}");
        // The message says what to do and names the part, not the whole (possibly secret-bearing) input.
        assert!(!want.to_string().is_empty());
    }
    for s in ["alice@.contoso.com", "alice@contoso.com.", "alice@-x.com", "alice@x-.com", "alice@1.2.3.4"] {
        assert!(matches!(UserName::parse(s), Err(UserNameError::InvalidDomain { .. })), "{s:?}");
    }
    let long = format!("{}@contoso.com", "a".repeat(300));
    assert!(matches!(UserName::parse(&long), Err(UserNameError::TooLong { part: NamePart::User, .. })));
}
