//! Hostile and random input for every NTLM parser: arbitrary bytes (and bytes behind a valid
//! `NTLMSSP` header) give errors, never panics; any change to a signed AUTHENTICATE message is
//! refused; random accounts and passwords round-trip.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use exsync::ntlm::{
    ChannelBindings, FixedSource, NtlmAcceptor, NtlmClient, NtlmError, NtlmPrincipal, NtlmTarget, http_header,
};
use exsync::transport::{Secret, UserName};
use proptest::prelude::*;

fn target() -> NtlmTarget {
    NtlmTarget {
        netbios_domain: "CONTOSO".into(),
        netbios_computer: "EXCH01".into(),
        dns_domain: "contoso.com".into(),
        dns_computer: "exch01.contoso.com".into(),
    }
}

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_780_000_000)
}

fn client() -> NtlmClient {
    NtlmClient::new(UserName::parse(r"CONTOSO\alice").unwrap(), Secret::new("pw"))
        .with_workstation("WS")
        .with_source(FixedSource::new(vec![3, 1, 4, 1, 5, 9, 2, 6], now()))
}

fn challenged_acceptor() -> NtlmAcceptor {
    let mut acceptor = NtlmAcceptor::new(target()).with_source(FixedSource::new(vec![2, 7, 1, 8], now()));
    acceptor.challenge(&client().negotiate()).unwrap();
    acceptor
}

fn pw(_: &NtlmPrincipal) -> Option<Secret> {
    Some(Secret::new("pw"))
}

/// Arbitrary bytes, or arbitrary bytes behind a valid signature and message type (so the
/// parsers get past their first check), with header-sized fields often small enough to point
/// inside the message.
fn message_bytes(message_type: u32) -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..400),
        proptest::collection::vec(any::<u8>(), 0..400).prop_map(move |rest| {
            let mut m = b"NTLMSSP\0".to_vec();
            m.extend_from_slice(&message_type.to_le_bytes());
            m.extend_from_slice(&rest);
            m
        }),
        proptest::collection::vec(0u8..0x60, 52..300).prop_map(move |mut rest| {
            let mut m = b"NTLMSSP\0".to_vec();
            m.extend_from_slice(&message_type.to_le_bytes());
            // Unicode flag and the NTLMv2 version bytes where an AUTHENTICATE's flags sit.
            rest[48] |= 0x01;
            m.append(&mut rest);
            m
        }),
    ]
}

/// The three messages of a good handshake: (acceptor after its challenge, challenge, authenticate).
fn good_handshake() -> (NtlmAcceptor, Vec<u8>, Vec<u8>) {
    let mut acceptor = NtlmAcceptor::new(target()).with_source(FixedSource::new(vec![9; 8], now()));
    let challenge = acceptor.challenge(&client().negotiate()).unwrap();
    let authenticate = client().authenticate(&challenge).unwrap();
    (acceptor, challenge, authenticate)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn client_survives_any_challenge(bytes in message_bytes(2)) {
        let _ = client().authenticate(&bytes);
    }

    #[test]
    fn acceptor_survives_any_negotiate(bytes in message_bytes(1)) {
        let _ = NtlmAcceptor::new(target()).challenge(&bytes);
    }

    #[test]
    fn acceptor_refuses_any_random_authenticate(bytes in message_bytes(3)) {
        prop_assert!(challenged_acceptor().verify(&bytes, pw).is_err());
    }

    #[test]
    fn header_parsers_survive_any_text(s in "\\PC{0,300}", t in "(NTLM|ntlm|Negotiate|Basic)[ ,]{0,2}[A-Za-z0-9+/=, ]{0,120}") {
        let _ = http_header::message_from_authorization(&s);
        let _ = http_header::message_from_authorization(&t);
        let _ = http_header::challenge_from_www_authenticate([s.as_str(), t.as_str()]);
        let _ = http_header::offers_ntlm([s.as_str(), t.as_str()]);
    }

    #[test]
    fn certificate_reader_survives_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300), len in 0u8..0x90) {
        let _ = ChannelBindings::tls_server_end_point(&bytes);
        let mut der = vec![0x30, len, 0x30, len / 2];
        der.extend_from_slice(&bytes);
        let _ = ChannelBindings::tls_server_end_point(&der);
    }

    #[test]
    fn any_change_to_a_signed_authenticate_is_refused(at in any::<prop::sample::Index>(), xor in 1u8..=255) {
        let (mut acceptor, _, mut authenticate) = good_handshake();
        let i = at.index(authenticate.len());
        authenticate[i] ^= xor;
        prop_assert!(acceptor.verify(&authenticate, pw).is_err(), "byte {} changed", i);
    }

    #[test]
    fn a_truncated_or_extended_authenticate_is_refused(cut in any::<prop::sample::Index>(), extra in proptest::collection::vec(any::<u8>(), 1..8)) {
        let (mut acceptor, _, authenticate) = good_handshake();
        let short = &authenticate[..cut.index(authenticate.len())];
        prop_assert!(acceptor.verify(short, pw).is_err());
        let (mut acceptor, _, mut authenticate) = good_handshake();
        authenticate.extend_from_slice(&extra);
        // Trailing bytes after the payload are covered by the MIC.
        prop_assert!(acceptor.verify(&authenticate, pw).is_err());
    }

    #[test]
    fn client_survives_a_damaged_challenge(at in any::<prop::sample::Index>(), xor in 1u8..=255) {
        let (_, mut challenge, _) = good_handshake();
        let i = at.index(challenge.len());
        challenge[i] ^= xor;
        let _ = client().authenticate(&challenge);
    }

    #[test]
    fn random_accounts_and_passwords_round_trip(
        user in "[a-zA-Z][a-zA-Z0-9._-]{0,20}[a-zA-Z0-9]",
        domain in prop_oneof!["[A-Z][A-Z0-9]{0,14}", "[a-z]{1,10}\\.(com|org|local)"],
        upn in any::<bool>(),
        password in "\\PC{0,40}",
        other in "\\PC{1,40}",
    ) {
        let name = if upn && domain.contains('.') { format!("{user}@{domain}") } else { format!("{domain}\\{user}") };
        let name = UserName::parse(&name).unwrap();
        let client = NtlmClient::new(name.clone(), Secret::new(password.clone()));
        let lookup = |secret: String| {
            let name = name.clone();
            move |who: &NtlmPrincipal| who.user_name().filter(|n| n.same_account(&name)).map(|_| Secret::new(secret.clone()))
        };
        let mut acceptor = NtlmAcceptor::new(target());
        let challenge = acceptor.challenge(&client.negotiate()).unwrap();
        let principal = acceptor.verify(&client.authenticate(&challenge).unwrap(), lookup(password.clone())).unwrap();
        prop_assert_eq!(principal.to_string(), name.to_string());

        prop_assume!(other != password);
        let challenge = acceptor.challenge(&client.negotiate()).unwrap();
        let refused = acceptor.verify(&client.authenticate(&challenge).unwrap(), lookup(other));
        prop_assert!(matches!(refused, Err(NtlmError::WrongPassword { .. })), "{:?}", refused);
    }
}
