//! NTLMv2 against published data and between our own two ends: MS-NLMP section 4.2.4's NTLMv2
//! example, a captured Windows exchange (Office Communicator 2007 R2 with a Windows Server 2003
//! domain, as recorded in pidgin-sipe's test suite), handshakes recorded from pyspnego and curl
//! against our acceptor, client/acceptor round trips in UPN and down-level form, Extended
//! Protection, refusals, and secrets kept out of every printed form.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use exsync::ntlm::{
    FixedSource, NtlmAcceptor, NtlmClient, NtlmError, NtlmMessageKind, NtlmPrincipal, NtlmTarget, http_header,
};
use exsync::transport::{Secret, UserName};

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

/// The payload of the security buffer at `field` in a message.
fn field(message: &[u8], field: usize) -> &[u8] {
    let len = u16::from_le_bytes([message[field], message[field + 1]]) as usize;
    let off = u32::from_le_bytes(message[field + 4..field + 8].try_into().unwrap()) as usize;
    &message[off..off + len]
}
const LM: usize = 12;
const NT: usize = 20;
const SESSION_KEY: usize = 52;

/// A SystemTime whose FILETIME is `ft`.
fn at_filetime(ft: u64) -> SystemTime {
    let unix_ticks = ft as i128 - 116_444_736_000_000_000;
    if unix_ticks >= 0 {
        UNIX_EPOCH + Duration::from_nanos(unix_ticks as u64 * 100)
    } else {
        UNIX_EPOCH - Duration::from_nanos((-unix_ticks) as u64 * 100)
    }
}

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

// ---------------------------------------------------------------------------------------------
// MS-NLMP 4.2.4: user "User", domain "Domain", password "Password", server challenge
// 0123456789abcdef, client challenge aa x 8, random session key 55 x 16, time 0.

const NLMP_CHALLENGE: &str = "4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef00000000000000002400240044000000060070170000000f53006500720076006500720002000c0044006f006d00610069006e0001000c0053006500720076006500720000000000";
const NLMP_AUTHENTICATE: &str = "4e544c4d5353500003000000180018006c00000054005400840000000c000c00480000000800080054000000100010005c00000010001000d8000000358288e20501280a0000000f44006f006d00610069006e00550073006500720043004f004d005000550054004500520086c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa68cd0ab851e51c96aabc927bebef6a1c01010000000000000000000000000000aaaaaaaaaaaaaaaa0000000002000c0044006f006d00610069006e0001000c005300650072007600650072000000000000000000c5dad2544fc9799094ce1ce90bc9d03e";
/// 4.2.4.2.2: NTProofStr followed by the blob ("temp").
const NLMP_NT_RESPONSE: &str = "68cd0ab851e51c96aabc927bebef6a1c01010000000000000000000000000000aaaaaaaaaaaaaaaa0000000002000c0044006f006d00610069006e0001000c005300650072007600650072000000000000000000";
/// 4.2.4.2.1.
const NLMP_LMV2_RESPONSE: &str = "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa";

fn nlmp_client() -> NtlmClient {
    let mut random = vec![0xaa; 8];
    random.extend_from_slice(&[0x55; 16]);
    NtlmClient::new(UserName::parse(r"Domain\User").unwrap(), Secret::new("Password"))
        .with_workstation("COMPUTER")
        .with_source(FixedSource::new(random, at_filetime(0)))
}

#[test]
fn ms_nlmp_4_2_4_client_computes_the_published_responses() {
    let authenticate = nlmp_client().authenticate(&unhex(NLMP_CHALLENGE)).unwrap();
    assert_eq!(hex(field(&authenticate, NT)), NLMP_NT_RESPONSE);
    assert_eq!(hex(field(&authenticate, LM)), NLMP_LMV2_RESPONSE);
    // The example's client also signs and seals, so it exchanges a random session key; ours does
    // neither, so MS-NLMP has it send none (the unit tests in src/ntlm reproduce the example's
    // whole message, encrypted session key included, with the example's flags).
    assert_eq!(field(&authenticate, SESSION_KEY), b"");
    // No timestamp in the challenge: no MIC, and the payload starts right after the Version.
    assert_eq!(u32::from_le_bytes(authenticate[32..36].try_into().unwrap()), 72);
}

fn nlmp_acceptor() -> NtlmAcceptor {
    let mut acceptor =
        NtlmAcceptor::new(target()).with_source(FixedSource::new(unhex("0123456789abcdef"), at_filetime(0)));
    acceptor.challenge(&nlmp_client().negotiate()).unwrap();
    acceptor
}

fn lookup(
    user: &'static str,
    domain: &'static str,
    password: &'static str,
) -> impl Fn(&NtlmPrincipal) -> Option<Secret> {
    move |who| {
        (who.user().eq_ignore_ascii_case(user) && who.domain().eq_ignore_ascii_case(domain))
            .then(|| Secret::new(password))
    }
}

#[test]
fn ms_nlmp_4_2_4_acceptor_verifies_the_published_authenticate_message() {
    let principal = nlmp_acceptor().verify(&unhex(NLMP_AUTHENTICATE), lookup("User", "Domain", "Password")).unwrap();
    assert_eq!((principal.user(), principal.domain(), principal.workstation()), ("User", "Domain", "COMPUTER"));
    assert_eq!(principal.to_string(), r"Domain\User");
    assert_eq!(principal.user_name(), Some(UserName::parse(r"Domain\User").unwrap()));

    let wrong = nlmp_acceptor().verify(&unhex(NLMP_AUTHENTICATE), lookup("User", "Domain", "Passw0rd"));
    assert_eq!(wrong, Err(NtlmError::WrongPassword { principal: r"Domain\User".into() }));
    let unknown = nlmp_acceptor().verify(&unhex(NLMP_AUTHENTICATE), lookup("Other", "Domain", "Password"));
    assert_eq!(unknown, Err(NtlmError::UnknownUser { principal: r"Domain\User".into() }));
}

// ---------------------------------------------------------------------------------------------
// A Windows capture: Office Communicator 2007 R2 (Windows SSPI) signing in as COSMO\User with
// password "Pa$$word" to OCS 2007 R2 on Windows Server 2003 (pidgin-sipe's tests record the
// base64 tokens as they crossed the wire). The server's target information has no timestamp.

const WINDOWS_CHALLENGE: &str = "TlRMTVNTUAACAAAAAAAAADgAAADzgpji3Ruq9OfiGNEAAAAAAAAAAJYAlgA4AAAABQLODgAAAA8CAAoAQwBPAFMATQBPAAEAGABDAE8AUwBNAE8ALQBPAEMAUwAtAFIAMgAEABYAYwBvAHMAbQBvAC4AbABvAGMAYQBsAAMAMABjAG8AcwBtAG8ALQBvAGMAcwAtAHIAMgAuAGMAbwBzAG0AbwAuAGwAbwBjAGEAbAAFABYAYwBvAHMAbQBvAC4AbABvAGMAYQBsAAAAAAA=";
const WINDOWS_AUTHENTICATE: &str = "TlRMTVNTUAADAAAAGAAYAHIAAADGAMYAigAAAAoACgBIAAAACAAIAFIAAAAYABgAWgAAABAAEABQAQAAVYKYYgUCzg4AAAAPQwBPAFMATQBPAFUAcwBlAHIAQwBPAFMATQBPAC0ATwBDAFMALQBSADIAoeku/k4Hi/fFwASazGFmwtauh1yw/apBjcDIAK527KYG0rn769BHMQEBAAAAAAAAWVGaFye5ygHWrodcsP2qQQAAAAACAAoAQwBPAFMATQBPAAEAGABDAE8AUwBNAE8ALQBPAEMAUwAtAFIAMgAEABYAYwBvAHMAbQBvAC4AbABvAGMAYQBsAAMAMABjAG8AcwBtAG8ALQBvAGMAcwAtAHIAMgAuAGMAbwBzAG0AbwAuAGwAbwBjAGEAbAAFABYAYwBvAHMAbQBvAC4AbABvAGMAYQBsAAAAAAAAAAAAMctznhyoCkmFkeiueXEV5A==";

#[test]
fn windows_capture_our_client_gives_the_same_responses_as_windows() {
    let windows = BASE64.decode(WINDOWS_AUTHENTICATE).unwrap();
    // The Windows client's challenge and clock, read from its blob.
    let blob = &field(&windows, NT)[16..];
    let time = u64::from_le_bytes(blob[8..16].try_into().unwrap());
    let client_challenge = blob[16..24].to_vec();
    let client = NtlmClient::new(UserName::parse(r"COSMO\User").unwrap(), Secret::new("Pa$$word"))
        .with_source(FixedSource::new(client_challenge, at_filetime(time)));
    let ours = client.authenticate(&BASE64.decode(WINDOWS_CHALLENGE).unwrap()).unwrap();
    assert_eq!(hex(field(&ours, NT)), hex(field(&windows, NT)));
    assert_eq!(hex(field(&ours, LM)), hex(field(&windows, LM)));
    assert_eq!(hex(&field(&ours, NT)[..16]), "8dc0c800ae76eca606d2b9fbebd04731");
}

#[test]
fn windows_capture_our_acceptor_accepts_the_windows_client() {
    let server_challenge = BASE64.decode(WINDOWS_CHALLENGE).unwrap()[24..32].to_vec();
    let acceptor = || {
        let mut a = NtlmAcceptor::new(target()).with_source(FixedSource::new(server_challenge.clone(), now()));
        a.challenge(&nlmp_client().negotiate()).unwrap();
        a
    };
    let windows = BASE64.decode(WINDOWS_AUTHENTICATE).unwrap();
    let principal = acceptor().verify(&windows, lookup("user", "cosmo", "Pa$$word")).unwrap();
    assert_eq!(principal.to_string(), r"COSMO\User");
    assert_eq!(principal.workstation(), "COSMO-OCS-R2");
    assert!(matches!(
        acceptor().verify(&windows, lookup("user", "cosmo", "Pa$$w0rd")),
        Err(NtlmError::WrongPassword { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// pyspnego 0.12.4 (Python's maintained NTLM implementation, used by requests-ntlm and Ansible)
// as the client against our acceptor: its NEGOTIATE, our acceptor's CHALLENGE (with the
// challenge 1122334455667788 at 2026-05-28T20:26:40Z), its AUTHENTICATE. pyspnego signs and
// seals, so it exchanges an RC4-encrypted session key and sends a MIC; the second sign-in also
// carries channel bindings for `tls-server-end-point:` 00 01 .. 1f.

const PYSPNEGO_NEGOTIATE: &str = "4e544c4d5353500001000000378208e200000000280000000000000028000000000c04000000000f";
const PYSPNEGO_CHALLENGE: &str = "4e544c4d53535000020000000e000e0038000000358289e2112233445566778800000000000000008e008e00460000000a0063450000000f43004f004e0054004f0053004f0002000e0043004f004e0054004f0053004f0001000c004500580043004800300031000400160063006f006e0074006f0073006f002e0063006f006d00030024006500780063006800300031002e0063006f006e0074006f0073006f002e0063006f006d000500160063006f006e0074006f0073006f002e0063006f006d000700080000003f4ae0eedc0100000000";
const PYSPNEGO_AUTHENTICATE_DOWN_LEVEL: &str = "4e544c4d53535000030000001800180058000000f800f800700000000e000e00680100000a000a007601000008000800800100001000100088010000358289e2000c04000000000f02a1f03b4312aa0d069df426c11a4306000000000000000000000000000000000000000000000000b6bb8a609eaf29e552f3629b5f2bc893010100000000000000003f4ae0eedc015a32d3d502aed21f0000000002000e0043004f004e0054004f0053004f0001000c004500580043004800300031000400160063006f006e0074006f0073006f002e0063006f006d00030024006500780063006800300031002e0063006f006e0074006f0073006f002e0063006f006d000500160063006f006e0074006f0073006f002e0063006f006d000700080000003f4ae0eedc0109002e0048005400540050002f006500780063006800300031002e0063006f006e0074006f0073006f002e0063006f006d000600040002000000000000000000000043004f004e0054004f0053004f0061006c0069006300650050005900570053009eeab242fc5ff1d1cd4ade61cec29f43";
const PYSPNEGO_AUTHENTICATE_UPN_WITH_BINDINGS: &str = "4e544c4d535350000300000018001800580000000c010c0170000000000000007c010000220022007c010000080008009e01000010001000a6010000358289e2000c04000000000f635ae2b5de3d8d61ca5d2e3898b765c0000000000000000000000000000000000000000000000000a31443d135ef3b2ea5a193269e30dcc2010100000000000000003f4ae0eedc012bbc93150830b4910000000002000e0043004f004e0054004f0053004f0001000c004500580043004800300031000400160063006f006e0074006f0073006f002e0063006f006d00030024006500780063006800300031002e0063006f006e0074006f0073006f002e0063006f006d000500160063006f006e0074006f0073006f002e0063006f006d000700080000003f4ae0eedc010a0010008f1214c9c9cab8dc3bf866da9aba57a709002e0048005400540050002f006500780063006800300031002e0063006f006e0074006f0073006f002e0063006f006d000600040002000000000000000000000061006c00690063006500400063006f006e0074006f0073006f002e0063006f006d005000590057005300bbbfef42778ecdf94e47fe9f2cdd108f";

fn pyspnego_acceptor(bindings: bool) -> NtlmAcceptor {
    let mut acceptor = NtlmAcceptor::new(target())
        .with_source(FixedSource::new(unhex("1122334455667788"), UNIX_EPOCH + Duration::from_secs(1_780_000_000)));
    if bindings {
        let mut data = b"tls-server-end-point:".to_vec();
        data.extend(0u8..32);
        acceptor = acceptor.with_channel_bindings(exsync::ntlm::ChannelBindings::from_application_data(&data));
    }
    // Deterministic: the same CHALLENGE pyspnego answered (and signed over in its MIC).
    assert_eq!(hex(&acceptor.challenge(&unhex(PYSPNEGO_NEGOTIATE)).unwrap()), PYSPNEGO_CHALLENGE);
    acceptor
}

#[test]
fn pyspnego_client_is_accepted_with_key_exchange_mic_and_bindings() {
    let pw = |password: &'static str| move |_: &NtlmPrincipal| Some(Secret::new(password));
    let down_level = unhex(PYSPNEGO_AUTHENTICATE_DOWN_LEVEL);
    let p = pyspnego_acceptor(false).verify(&down_level, pw("Winter2026!")).unwrap();
    assert_eq!((p.to_string().as_str(), p.workstation()), (r"CONTOSO\alice", "PYWS"));
    let upn = unhex(PYSPNEGO_AUTHENTICATE_UPN_WITH_BINDINGS);
    let p = pyspnego_acceptor(true).verify(&upn, pw("Winter2026!")).unwrap();
    assert_eq!((p.user(), p.domain()), ("alice@contoso.com", ""));

    assert!(matches!(
        pyspnego_acceptor(false).verify(&down_level, pw("winter2026!")),
        Err(NtlmError::WrongPassword { .. })
    ));
    // The MIC (keyed with the session key pyspnego encrypted with RC4) covers the workstation.
    let mut tampered = down_level.clone();
    let ws = u32::from_le_bytes(tampered[48..52].try_into().unwrap()) as usize;
    tampered[ws] ^= 0x20;
    assert!(matches!(
        pyspnego_acceptor(false).verify(&tampered, pw("Winter2026!")),
        Err(NtlmError::MicMismatch { .. })
    ));
    // pyspnego's bindings are checked: without them, or with others, it is refused.
    assert!(matches!(
        pyspnego_acceptor(true).verify(&down_level, pw("Winter2026!")),
        Err(NtlmError::ChannelBindingsMismatch { .. })
    ));
}

// curl 7.88.1 (`curl --ntlm -u 'CONTOSO\alice:Winter2026!'`) against our acceptor over HTTP, with
// the same fixed challenge and clock: curl offers OEM strings only and sends no MIC.
const CURL_NEGOTIATE: &str = "4e544c4d53535000010000000682080000000000000000000000000000000000";
const CURL_AUTHENTICATE: &str = "4e544c4d53535000030000001800180040000000be00be00580000000700070016010000050005001d0100000b000b00220100000000000000000000068289007f4e9e4d1c049b8461092c1c080a452f6ec7491d93c477eb8ccfad6f9362c1ff050496eff3ee3d060101000000000000804e072fd17cdd016ec7491d93c477eb0000000002000e0043004f004e0054004f0053004f0001000c004500580043004800300031000400160063006f006e0074006f0073006f002e0063006f006d00030024006500780063006800300031002e0063006f006e0074006f0073006f002e0063006f006d000500160063006f006e0074006f0073006f002e0063006f006d000700080000003f4ae0eedc010000000000000000434f4e544f534f616c696365574f524b53544154494f4e";

#[test]
fn curl_client_is_accepted_in_oem() {
    let mut acceptor = NtlmAcceptor::new(target())
        .with_source(FixedSource::new(unhex("1122334455667788"), UNIX_EPOCH + Duration::from_secs(1_780_000_000)));
    let challenge = acceptor.challenge(&unhex(CURL_NEGOTIATE)).unwrap();
    assert_eq!(u32::from_le_bytes(challenge[20..24].try_into().unwrap()) & 0x03, 0x02, "OEM granted");
    let p = acceptor.verify(&unhex(CURL_AUTHENTICATE), |_| Some(Secret::new("Winter2026!"))).unwrap();
    assert_eq!((p.to_string().as_str(), p.workstation()), (r"CONTOSO\alice", "WORKSTATION"));
    acceptor.challenge(&unhex(CURL_NEGOTIATE)).unwrap();
    let wrong = acceptor.verify(&unhex(CURL_AUTHENTICATE), |_| Some(Secret::new("Winter2026?")));
    assert_eq!(wrong, Err(NtlmError::WrongPassword { principal: r"CONTOSO\alice".into() }));
}

// ---------------------------------------------------------------------------------------------
// Our client and our acceptor, through the HTTP header helpers.

/// One handshake; returns what the acceptor concluded.
fn handshake(
    client: &NtlmClient,
    acceptor: &mut NtlmAcceptor,
    password: &'static str,
) -> Result<NtlmPrincipal, NtlmError> {
    let negotiate = http_header::message_from_authorization(&http_header::header_value(&client.negotiate()))?;
    let challenge = http_header::header_value(&acceptor.challenge(&negotiate)?);
    let challenge = http_header::challenge_from_www_authenticate(["Negotiate", challenge.as_str()])?;
    let authenticate = client.authenticate(&challenge)?;
    let authenticate = http_header::message_from_authorization(&http_header::header_value(&authenticate))?;
    acceptor.verify(&authenticate, |who| {
        let name = who.user_name()?;
        ["alice@contoso.com", r"CONTOSO\alice"]
            .iter()
            .any(|known| UserName::parse(known).unwrap().same_account(&name))
            .then(|| Secret::new(password))
    })
}

fn client(user: &str, password: &str) -> NtlmClient {
    NtlmClient::new(UserName::parse(user).unwrap(), Secret::new(password)).with_workstation("WS-7")
}

#[test]
fn round_trip_with_each_user_name_form() {
    for (user, shown) in [
        (r"CONTOSO\alice", r"CONTOSO\alice"),
        (r"contoso.com\alice", r"contoso.com\alice"),
        ("alice@contoso.com", "alice@contoso.com"),
        (r"CONTOSO\ALICE", r"CONTOSO\ALICE"),
    ] {
        let mut acceptor = NtlmAcceptor::new(target());
        let principal = handshake(&client(user, "Winter2026!"), &mut acceptor, "Winter2026!").unwrap();
        assert_eq!(principal.to_string(), shown);
        assert_eq!(principal.workstation(), "WS-7");
        assert!(principal.user_name().unwrap().same_account(&UserName::parse(user).unwrap()));
    }
    // A UPN travels as the whole user name with an empty domain.
    let mut acceptor = NtlmAcceptor::new(target());
    let p = handshake(&client("alice@contoso.com", "pw"), &mut acceptor, "pw").unwrap();
    assert_eq!((p.user(), p.domain()), ("alice@contoso.com", ""));
}

#[test]
fn wrong_password_and_unknown_user_are_refused() {
    let mut acceptor = NtlmAcceptor::new(target());
    let err = handshake(&client(r"CONTOSO\alice", "guess"), &mut acceptor, "Winter2026!").unwrap_err();
    assert_eq!(err, NtlmError::WrongPassword { principal: r"CONTOSO\alice".into() });
    let err = handshake(&client("mallory@contoso.com", "pw"), &mut acceptor, "pw").unwrap_err();
    assert_eq!(err, NtlmError::UnknownUser { principal: "mallory@contoso.com".into() });
    // A non-ASCII password is encoded as UTF-16 on both sides.
    let p = handshake(&client(r"CONTOSO\alice", "Grüße-€-💌"), &mut acceptor, "Grüße-€-💌").unwrap();
    assert_eq!(p.user(), "alice");
}

#[test]
fn the_client_uses_the_server_timestamp_and_sends_a_mic() {
    let server_time = now() - Duration::from_secs(3600);
    let mut acceptor = NtlmAcceptor::new(target()).with_source(FixedSource::new(vec![7; 8], server_time));
    let c = client(r"CONTOSO\alice", "pw").with_source(FixedSource::new(vec![0x11; 8], now()));
    let challenge = acceptor.challenge(&c.negotiate()).unwrap();
    let authenticate = c.authenticate(&challenge).unwrap();
    let blob = &field(&authenticate, NT)[16..];
    let server_filetime =
        (server_time.duration_since(UNIX_EPOCH).unwrap().as_nanos() / 100) as u64 + 116_444_736_000_000_000;
    assert_eq!(u64::from_le_bytes(blob[8..16].try_into().unwrap()), server_filetime);
    assert_eq!(field(&authenticate, LM), &[0u8; 24], "LMv2 is replaced by zeros when the server sends a timestamp");
    // The MIC, recomputed from MS-NLMP on the primitives: HMAC-MD5 keyed with the session base
    // key (no key exchange without signing) over the three messages, the MIC zeroed.
    let key = independent_response_key("pw", "alice", "CONTOSO");
    let session_base_key = independent_hmac_md5(&key, &[&field(&authenticate, NT)[..16]]);
    let mut zeroed = authenticate.clone();
    zeroed[72..88].fill(0);
    let mic = independent_hmac_md5(&session_base_key, &[&c.negotiate(), &challenge, &zeroed]);
    assert_eq!(hex(&authenticate[72..88]), hex(&mic));
    let av_flags =
        6u16.to_le_bytes().iter().chain(&4u16.to_le_bytes()).chain(&2u32.to_le_bytes()).copied().collect::<Vec<u8>>();
    assert!(blob.windows(8).any(|w| w == av_flags), "MsvAvFlags announces the MIC");
    assert!(acceptor.verify(&authenticate, |_| Some(Secret::new("pw"))).is_ok());
}

#[test]
fn the_mic_binds_the_authenticate_message_to_its_handshake() {
    let c = client(r"CONTOSO\alice", "pw");
    let pw = |_: &NtlmPrincipal| Some(Secret::new("pw"));

    // Any change to the message is caught, even one the NTLMv2 proof does not cover.
    let mut acceptor = NtlmAcceptor::new(target());
    let challenge = acceptor.challenge(&c.negotiate()).unwrap();
    let mut authenticate = c.authenticate(&challenge).unwrap();
    let ws = u32::from_le_bytes(authenticate[48..52].try_into().unwrap()) as usize;
    authenticate[ws] ^= 0x01; // "WS-7" -> "VS-7"
    assert_eq!(acceptor.verify(&authenticate, pw), Err(NtlmError::MicMismatch { principal: r"CONTOSO\alice".into() }));

    // Two servers issuing the same challenge at different times: the answer to one does not
    // sign in to the other.
    let mut first = NtlmAcceptor::new(target()).with_source(FixedSource::new(vec![1; 8], now()));
    let mut second =
        NtlmAcceptor::new(target()).with_source(FixedSource::new(vec![1; 8], now() + Duration::from_secs(1)));
    let authenticate = c.authenticate(&first.challenge(&c.negotiate()).unwrap()).unwrap();
    second.challenge(&c.negotiate()).unwrap();
    assert!(matches!(second.verify(&authenticate, pw), Err(NtlmError::MicMismatch { .. })));
    assert!(first.verify(&authenticate, pw).is_ok());
}

#[test]
fn each_challenge_answers_one_authenticate_only() {
    let c = client(r"CONTOSO\alice", "pw");
    let pw = |_: &NtlmPrincipal| Some(Secret::new("pw"));
    let mut acceptor = NtlmAcceptor::new(target());
    let early = acceptor.verify(&c.negotiate(), pw).unwrap_err();
    assert!(matches!(early, NtlmError::OutOfOrder { .. }));
    let authenticate = c.authenticate(&acceptor.challenge(&c.negotiate()).unwrap()).unwrap();
    assert!(acceptor.verify(&authenticate, pw).is_ok());
    assert!(matches!(acceptor.verify(&authenticate, pw), Err(NtlmError::OutOfOrder { .. })));
    // Replayed against a fresh challenge, the old answer is wrong.
    acceptor.challenge(&c.negotiate()).unwrap();
    assert!(matches!(acceptor.verify(&authenticate, pw), Err(NtlmError::WrongPassword { .. })));
}

/// An AUTHENTICATE message with the given responses, user and domain (UTF-16LE, or OEM when
/// `unicode` is false), no MIC.
fn raw_authenticate_in(unicode: bool, lm: &[u8], nt: &[u8], user: &str, domain: &str) -> Vec<u8> {
    let encode = |s: &str| {
        if unicode { s.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>() } else { s.as_bytes().to_vec() }
    };
    let (user, domain) = (encode(user), encode(domain));
    let mut payload = Vec::new();
    let mut header = b"NTLMSSP\0\x03\0\0\0".to_vec();
    for data in [lm, nt, &domain[..], &user[..], &[][..], &[][..]] {
        let offset = 72 + payload.len();
        header.extend_from_slice(&(data.len() as u16).to_le_bytes());
        header.extend_from_slice(&(data.len() as u16).to_le_bytes());
        header.extend_from_slice(&(offset as u32).to_le_bytes());
        payload.extend_from_slice(data);
    }
    let flags: u32 = if unicode { 0xa288_8205 } else { 0xa288_8206 };
    header.extend_from_slice(&flags.to_le_bytes());
    header.extend_from_slice(&[0; 8]);
    header.extend_from_slice(&payload);
    header
}

fn raw_authenticate(lm: &[u8], nt: &[u8], user: &str, domain: &str) -> Vec<u8> {
    raw_authenticate_in(true, lm, nt, user, domain)
}

fn independent_hmac_md5(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = Hmac::<md5::Md5>::new_from_slice(key).unwrap();
    parts.iter().for_each(|p| mac.update(p));
    mac.finalize().into_bytes().to_vec()
}

/// NTOWFv2 from MS-NLMP 3.3.2, on the primitives (ASCII user names).
fn independent_response_key(password: &str, user: &str, domain: &str) -> Vec<u8> {
    use md4::{Digest, Md4};
    let utf16 = |s: &str| s.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>();
    independent_hmac_md5(&Md4::digest(utf16(password)), &[&utf16(&(user.to_uppercase() + domain))])
}

/// NTLMv2 computed here from MS-NLMP 3.3.2 directly on the primitives, independently of the
/// module: NTProofStr followed by the blob.
fn independent_ntlmv2_response(
    password: &str,
    user: &str,
    domain: &str,
    challenge: &[u8],
    client_challenge: [u8; 8],
) -> Vec<u8> {
    let key = independent_response_key(password, user, domain);
    let mut blob = vec![1, 1, 0, 0, 0, 0, 0, 0];
    blob.extend_from_slice(&0x01d0_0000_0000_0000u64.to_le_bytes());
    blob.extend_from_slice(&client_challenge);
    blob.extend_from_slice(&[0; 4]);
    blob.extend_from_slice(field(challenge, 40));
    blob.extend_from_slice(&[0; 4]);
    let mut response = independent_hmac_md5(&key, &[&challenge[24..32], &blob]);
    response.extend_from_slice(&blob);
    response
}

#[test]
fn curl_style_oem_clients_are_served_in_oem() {
    // curl offers OEM strings only.
    let mut negotiate = client(r"CONTOSO\alice", "pw").negotiate();
    negotiate[12] = (negotiate[12] & !0x01) | 0x02;
    let mut acceptor = NtlmAcceptor::new(target());
    let challenge = acceptor.challenge(&negotiate).unwrap();
    let flags = u32::from_le_bytes(challenge[20..24].try_into().unwrap());
    assert_eq!(flags & 0x03, 0x02, "OEM granted, Unicode not");
    assert_eq!(field(&challenge, 12), b"CONTOSO", "the target name is in OEM");

    let nt = independent_ntlmv2_response("pw", "alice", "CONTOSO", &challenge, [5; 8]);
    let authenticate = raw_authenticate_in(false, &[0; 24], &nt, "alice", "CONTOSO");
    let principal = acceptor.verify(&authenticate, |_| Some(Secret::new("pw"))).unwrap();
    assert_eq!(principal.to_string(), r"CONTOSO\alice");

    // The same computation in Unicode, to show the independent reference agrees with the module.
    let challenge = acceptor.challenge(&client(r"CONTOSO\alice", "pw").negotiate()).unwrap();
    let nt = independent_ntlmv2_response("pw", "alice", "CONTOSO", &challenge, [6; 8]);
    let authenticate = raw_authenticate(&[0; 24], &nt, "alice", "CONTOSO");
    assert!(acceptor.verify(&authenticate, |_| Some(Secret::new("pw"))).is_ok());
    let challenge = acceptor.challenge(&client(r"CONTOSO\alice", "pw").negotiate()).unwrap();
    let nt = independent_ntlmv2_response("pw", "alice", "CONTOSO", &challenge, [6; 8]);
    let authenticate = raw_authenticate(&[0; 24], &nt, "alice", "CONTOSO");
    assert!(matches!(
        acceptor.verify(&authenticate, |_| Some(Secret::new("pW"))),
        Err(NtlmError::WrongPassword { .. })
    ));
}

#[test]
fn ntlmv1_and_anonymous_are_refused() {
    let c = client(r"CONTOSO\alice", "pw");
    let pw = |_: &NtlmPrincipal| Some(Secret::new("pw"));
    let mut acceptor = NtlmAcceptor::new(target());
    acceptor.challenge(&c.negotiate()).unwrap();
    let v1 = raw_authenticate(&[0x42; 24], &[0x17; 24], "alice", "CONTOSO");
    assert_eq!(acceptor.verify(&v1, pw), Err(NtlmError::NtlmV1Refused { principal: r"CONTOSO\alice".into() }));
    acceptor.challenge(&c.negotiate()).unwrap();
    let lm_only = raw_authenticate(&[0x42; 24], &[], "alice", "CONTOSO");
    assert!(matches!(acceptor.verify(&lm_only, pw), Err(NtlmError::NtlmV1Refused { .. })));
    acceptor.challenge(&c.negotiate()).unwrap();
    let anonymous = raw_authenticate(&[0], &[], "", "");
    assert_eq!(acceptor.verify(&anonymous, pw), Err(NtlmError::AnonymousRefused));
    acceptor.challenge(&c.negotiate()).unwrap();
    let short = raw_authenticate(&[0; 24], &[1; 40], "alice", "CONTOSO");
    assert!(matches!(
        acceptor.verify(&short, pw),
        Err(NtlmError::Malformed { message: NtlmMessageKind::Authenticate, .. })
    ));
}

#[test]
fn peers_without_a_usable_character_set_are_refused_with_a_clear_error() {
    let mut no_charset = client(r"CONTOSO\alice", "pw").negotiate();
    no_charset[12] &= !0x03;
    let err = NtlmAcceptor::new(target()).challenge(&no_charset).unwrap_err();
    assert!(matches!(err, NtlmError::Malformed { message: NtlmMessageKind::Negotiate, .. }), "{err}");

    let mut oem_challenge = unhex(NLMP_CHALLENGE);
    oem_challenge[20] &= !0x01;
    let err = nlmp_client().authenticate(&oem_challenge).unwrap_err();
    assert!(matches!(err, NtlmError::Unsupported { message: NtlmMessageKind::Challenge, .. }), "{err}");
    assert!(err.to_string().contains("OEM code page"), "{err}");

    // Non-ASCII names in OEM cannot be read without knowing the client's code page.
    let mut negotiate = client(r"CONTOSO\alice", "pw").negotiate();
    negotiate[12] = (negotiate[12] & !0x01) | 0x02;
    let mut acceptor = NtlmAcceptor::new(target());
    acceptor.challenge(&negotiate).unwrap();
    let mut authenticate = raw_authenticate_in(false, &[0; 24], &[1; 60], "alice", "CONTOSO");
    let user_at = u32::from_le_bytes(authenticate[40..44].try_into().unwrap()) as usize;
    authenticate[user_at] = 0xe9;
    let err = acceptor.verify(&authenticate, |_| Some(Secret::new("pw"))).unwrap_err();
    assert!(matches!(err, NtlmError::Unsupported { message: NtlmMessageKind::Authenticate, .. }), "{err}");
}

#[test]
fn secrets_never_show_in_debug_display_or_errors() {
    let password = "Tr0ub4dor&3-secret";
    let c = client(r"CONTOSO\alice", password);
    let mut acceptor = NtlmAcceptor::new(target());
    let challenge = acceptor.challenge(&c.negotiate()).unwrap();
    let authenticate = c.authenticate(&challenge).unwrap();
    let b64 = |m: &[u8]| BASE64.encode(m);
    let nt_proof = hex(&field(&authenticate, NT)[..16]);

    let mut errors = vec![
        handshake(&client(r"CONTOSO\alice", password), &mut NtlmAcceptor::new(target()), "other").unwrap_err(),
        handshake(&client("x@y.com", password), &mut NtlmAcceptor::new(target()), password).unwrap_err(),
        http_header::message_from_authorization(&format!("NTLM {password}")).unwrap_err(),
        http_header::challenge_from_www_authenticate([format!("NTLM {}", b64(password.as_bytes())).as_str()])
            .and_then(|m| c.authenticate(&m))
            .unwrap_err(),
    ];
    let mut tampered = authenticate.clone();
    tampered[100] ^= 0xff;
    errors.push(acceptor.verify(&tampered, |_| Some(Secret::new(password))).unwrap_err());

    let mut shown = vec![format!("{c:?}"), format!("{c:#?}"), format!("{acceptor:?}")];
    for e in &errors {
        shown.push(format!("{e} {e:?}"));
    }
    for text in &shown {
        for secret in [password, &nt_proof, &b64(&authenticate), &b64(&challenge)] {
            assert!(!text.contains(secret), "{text}");
        }
    }
    assert!(shown[0].contains(r"CONTOSO\\alice") && shown[0].contains("***"), "{}", shown[0]);
}

// ---------------------------------------------------------------------------------------------
// Extended Protection: channel bindings from the server certificate.

#[cfg(feature = "sim")]
fn certificate(algorithm: &'static rcgen::SignatureAlgorithm) -> Vec<u8> {
    let key = rcgen::KeyPair::generate_for(algorithm).unwrap();
    let params = rcgen::CertificateParams::new(vec!["exch01.contoso.com".to_owned()]).unwrap();
    params.self_signed(&key).unwrap().der().to_vec()
}

#[cfg(feature = "sim")]
#[test]
fn tls_server_end_point_hashes_with_the_signature_hash() {
    use exsync::ntlm::ChannelBindings;
    use ring::digest;
    let bindings = |hash: &'static digest::Algorithm, der: &[u8]| {
        let mut data = b"tls-server-end-point:".to_vec();
        data.extend_from_slice(digest::digest(hash, der).as_ref());
        ChannelBindings::from_application_data(&data)
    };
    let p256 = certificate(&rcgen::PKCS_ECDSA_P256_SHA256);
    assert_eq!(ChannelBindings::tls_server_end_point(&p256).unwrap(), bindings(&digest::SHA256, &p256));
    let p384 = certificate(&rcgen::PKCS_ECDSA_P384_SHA384);
    assert_eq!(ChannelBindings::tls_server_end_point(&p384).unwrap(), bindings(&digest::SHA384, &p384));
    assert_ne!(ChannelBindings::tls_server_end_point(&p384).unwrap(), bindings(&digest::SHA256, &p384));
    assert!(matches!(
        ChannelBindings::tls_server_end_point(b"not a certificate"),
        Err(NtlmError::InvalidCertificate { .. })
    ));
}

#[cfg(feature = "sim")]
#[test]
fn extended_protection_accepts_only_the_same_tls_channel() {
    use exsync::ntlm::ChannelBindings;
    let ours = ChannelBindings::tls_server_end_point(&certificate(&rcgen::PKCS_ECDSA_P256_SHA256)).unwrap();
    let intercepted = ChannelBindings::tls_server_end_point(&certificate(&rcgen::PKCS_ECDSA_P256_SHA256)).unwrap();
    let pw = |_: &NtlmPrincipal| Some(Secret::new("pw"));
    let run = |client: NtlmClient, acceptor: &mut NtlmAcceptor| {
        let authenticate = client.authenticate(&acceptor.challenge(&client.negotiate()).unwrap()).unwrap();
        acceptor.verify(&authenticate, pw)
    };
    let bound = || client(r"CONTOSO\alice", "pw").with_channel_bindings(ours);
    let requiring = || NtlmAcceptor::new(target()).with_channel_bindings(ours);

    assert!(run(bound(), &mut requiring()).is_ok());
    // A server without Extended Protection ignores the bindings.
    assert!(run(bound(), &mut NtlmAcceptor::new(target())).is_ok());
    // A relayed handshake (the client saw another certificate) and an unbound client are refused.
    let relayed = run(client(r"CONTOSO\alice", "pw").with_channel_bindings(intercepted), &mut requiring());
    assert_eq!(relayed, Err(NtlmError::ChannelBindingsMismatch { principal: r"CONTOSO\alice".into() }));
    let unbound = run(client(r"CONTOSO\alice", "pw"), &mut requiring());
    assert!(matches!(unbound, Err(NtlmError::ChannelBindingsMismatch { .. })));
}
