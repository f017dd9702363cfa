//! Properties of additional-domain parsing: normalization is idempotent and canonical, lists keep
//! first occurrences, every kind of invalid entry is refused with its position and text, and no
//! input panics.

use exsync::setup::{AdditionalDomains, DomainError, EmailDomain};
use proptest::prelude::*;

/// A valid ASCII label: letters and digits, inner hyphens, 1..=20 characters, mixed case.
fn label() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]([a-zA-Z0-9-]{0,18}[a-zA-Z0-9])?"
}

/// A valid domain: 1–3 labels followed by a letter-only top label (never a public suffix alone).
fn domain() -> impl Strategy<Value = String> {
    (prop::collection::vec(label(), 1..=3), "[a-zA-Z]{2,6}")
        .prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")))
        .prop_filter("not itself a public suffix", |d| EmailDomain::parse(d).is_ok())
}

/// Unicode labels with a known ASCII form.
const UNICODE: &[(&str, &str)] = &[
    ("bücher", "xn--bcher-kva"),
    ("BÜCHER", "xn--bcher-kva"),
    ("münchen", "xn--mnchen-3ya"),
    ("例え", "xn--r8jz45g"),
    ("пример", "xn--e1afmkfd"),
];

/// Surrounding white space the list parser must trim.
fn padding() -> impl Strategy<Value = String> {
    "[ \t]{0,3}"
}

/// How an otherwise valid entry is broken, and the error kind expected.
#[derive(Debug, Clone, Copy)]
enum Breakage {
    SpaceInside,
    AtSign,
    Scheme,
    Port,
    Path,
    DoubleDot,
    LeadingDot,
}

impl Breakage {
    fn apply(self, d: &str) -> String {
        match self {
            Breakage::SpaceInside => d.replacen('.', " .", 1),
            Breakage::AtSign => format!("admin@{d}"),
            Breakage::Scheme => format!("https://{d}"),
            Breakage::Port => format!("{d}:8443"),
            Breakage::Path => format!("{d}/ews"),
            Breakage::DoubleDot => d.replacen('.', "..", 1),
            Breakage::LeadingDot => format!(".{d}"),
        }
    }

    fn matches(self, e: &DomainError) -> bool {
        match self {
            Breakage::SpaceInside => matches!(e, DomainError::Whitespace { .. }),
            Breakage::AtSign => matches!(e, DomainError::AtSign { hint: Some(_), .. }),
            Breakage::Scheme => matches!(e, DomainError::Scheme { .. }),
            Breakage::Port => matches!(e, DomainError::Port { .. }),
            Breakage::Path => matches!(e, DomainError::Path { .. }),
            Breakage::DoubleDot | Breakage::LeadingDot => matches!(e, DomainError::EmptyLabel { .. }),
        }
    }
}

fn breakage() -> impl Strategy<Value = Breakage> {
    prop_oneof![
        Just(Breakage::SpaceInside),
        Just(Breakage::AtSign),
        Just(Breakage::Scheme),
        Just(Breakage::Port),
        Just(Breakage::Path),
        Just(Breakage::DoubleDot),
        Just(Breakage::LeadingDot),
    ]
}

proptest! {
    #[test]
    fn valid_domains_normalize_to_lower_case_and_are_idempotent(d in domain(), pad1 in padding(), pad2 in padding()) {
        let parsed = EmailDomain::parse(&format!("{pad1}{d}{pad2}")).unwrap();
        prop_assert_eq!(parsed.as_str(), d.to_ascii_lowercase());
        prop_assert_eq!(EmailDomain::parse(parsed.as_str()).unwrap(), parsed.clone());
        prop_assert_eq!(EmailDomain::parse(&d.to_ascii_uppercase()).unwrap(), parsed);
    }

    #[test]
    fn unicode_labels_become_their_ascii_form(i in 0..UNICODE.len(), d in domain()) {
        let (unicode, ascii) = UNICODE[i];
        let parsed = EmailDomain::parse(&format!("{unicode}.{d}")).unwrap();
        prop_assert_eq!(parsed.as_str(), format!("{ascii}.{}", d.to_ascii_lowercase()));
        prop_assert!(parsed.as_str().is_ascii());
        prop_assert!(parsed.to_unicode().starts_with(&unicode.to_lowercase()));
    }

    #[test]
    fn lists_are_deduplicated_in_first_occurrence_order(
        picks in prop::collection::vec((0usize..4, padding(), padding(), any::<bool>()), 0..12),
        pool in prop::collection::vec(domain(), 4),
        trailing_comma in any::<bool>(),
    ) {
        let mut input: Vec<String> = picks
            .iter()
            .map(|(i, p1, p2, upper)| {
                let d = if *upper { pool[*i].to_uppercase() } else { pool[*i].clone() };
                format!("{p1}{d}{p2}")
            })
            .collect();
        if trailing_comma {
            input.push(String::new());
        }
        let parsed = AdditionalDomains::parse(&input.join(",")).unwrap();
        let mut expected: Vec<String> = Vec::new();
        for (i, ..) in &picks {
            let d = pool[*i].to_ascii_lowercase();
            if !expected.contains(&d) {
                expected.push(d);
            }
        }
        let got: Vec<&str> = parsed.iter().map(EmailDomain::as_str).collect();
        prop_assert_eq!(got, expected.iter().map(String::as_str).collect::<Vec<_>>());
        // Printing and parsing again gives the same list.
        prop_assert_eq!(AdditionalDomains::parse(&parsed.to_string()).unwrap(), parsed);
    }

    #[test]
    fn broken_entries_are_refused_with_position_and_text(
        good in prop::collection::vec(domain(), 0..4),
        bad in domain(),
        how in breakage(),
        at in 0usize..5,
    ) {
        let broken = how.apply(&bad);
        let at = at.min(good.len());
        let mut entries = good.clone();
        entries.insert(at, broken.clone());
        let err = AdditionalDomains::parse(&entries.join(", ")).unwrap_err();
        prop_assert_eq!(err.invalid.len(), 1);
        prop_assert_eq!(err.invalid[0].position, at + 1);
        prop_assert!(how.matches(&err.invalid[0].error), "{:?} gave {:?}", broken, err.invalid[0].error);
        prop_assert_eq!(err.invalid[0].error.entry(), broken.as_str());
        let shown = err.to_string();
        let quoted = format!("{broken:?}");
        prop_assert!(shown.contains(&quoted), "{}", shown);
    }

    #[test]
    fn arbitrary_input_never_panics_and_accepted_output_is_canonical(input in "\\PC{0,80}") {
        if let Ok(list) = AdditionalDomains::parse(&input) {
            for d in &list {
                let s = d.as_str();
                prop_assert!(s.is_ascii());
                prop_assert_eq!(s.to_ascii_lowercase(), s);
                prop_assert!(s.split('.').count() >= 2);
                prop_assert!(s.split('.').all(|l| !l.is_empty() && l.len() <= 63));
                prop_assert!(s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'));
                prop_assert_eq!(&EmailDomain::parse(s).unwrap(), d);
            }
        }
    }
}
