//! [`NtlmClient`]: the client (initiator) side of the handshake, sans-IO.

use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

use super::authenticate::{AuthenticateFields, MIC_OFFSET};
use super::av_pairs::{CHANNEL_BINDINGS, FLAG_MIC_PRESENT, FLAGS as AV_FLAGS};
use super::challenge::ChallengeMessage;
use super::channel_bindings::ChannelBindings;
use super::error::{NtlmError, NtlmMessageKind};
use super::flags::*;
use super::negotiate::NegotiateMessage;
use super::ntlmv2;
use super::source::{NtlmSource, SystemSource};
use crate::transport::{Secret, UserName, UserNameFormat};

/// The flags the client asks for, as Windows' own HTTP stack does: Unicode, the target name, NTLM
/// with extended session security, 128/56-bit keys. No signing or sealing (HTTP only
/// authenticates), hence no key exchange either (MS-NLMP performs it only with one of them).
const CLIENT_FLAGS: u32 = UNICODE | REQUEST_TARGET | NTLM | ALWAYS_SIGN | EXTENDED_SESSION_SECURITY | KEY_128 | KEY_56;

/// Longest target information the client echoes (servers send a few hundred bytes; the NT
/// response that carries it must stay below 64 KiB).
const MAX_TARGET_INFO_LEN: usize = 16 * 1024;

/// The client side of an NTLMv2 handshake for one account.
///
/// [`negotiate`](Self::negotiate) gives the first message, [`authenticate`](Self::authenticate)
/// answers the server's CHALLENGE. The client keeps no per-handshake state (the NEGOTIATE message
/// is the same every time), so one value serves any number of handshakes; each handshake's three
/// messages must still travel on one connection, which the HTTP driver ensures.
///
/// A UPN (`alice@contoso.com`) is sent as the user name with an empty domain, as Windows does; a
/// down-level name (`CONTOSO\alice`) as user `alice` in domain `CONTOSO`.
#[derive(Clone)]
pub struct NtlmClient {
    user: UserName,
    password: Secret,
    workstation: String,
    channel_bindings: Option<ChannelBindings>,
    source: Arc<dyn NtlmSource>,
}

impl NtlmClient {
    /// A client for `user` with `password`, drawing randomness and time from the system.
    pub fn new(user: UserName, password: Secret) -> Self {
        NtlmClient {
            user,
            password,
            workstation: String::new(),
            channel_bindings: None,
            source: Arc::new(SystemSource),
        }
    }

    /// Names the client's workstation in the AUTHENTICATE message (empty by default; servers only
    /// log it).
    pub fn with_workstation(mut self, workstation: impl Into<String>) -> Self {
        self.workstation = workstation.into();
        self
    }

    /// Binds the handshake to the TLS connection it runs in (Extended Protection): `bindings` is
    /// usually [`ChannelBindings::tls_server_end_point`] of the certificate the server presented
    /// on this connection. Without it, servers that require Extended Protection refuse the
    /// sign-in.
    pub fn with_channel_bindings(mut self, bindings: ChannelBindings) -> Self {
        self.channel_bindings = Some(bindings);
        self
    }

    /// Uses `source` for the client challenge, the session key and the clock (tests).
    pub fn with_source(mut self, source: impl NtlmSource + 'static) -> Self {
        self.source = Arc::new(source);
        self
    }

    /// The account this client signs in as.
    pub fn user(&self) -> &UserName {
        &self.user
    }

    /// The NEGOTIATE message (type 1), the body of the first `Authorization: NTLM` header.
    pub fn negotiate(&self) -> Vec<u8> {
        NegotiateMessage { flags: CLIENT_FLAGS }.encode()
    }

    /// The AUTHENTICATE message (type 3) answering the server's CHALLENGE message (type 2): an
    /// NTLMv2 response, with the server's timestamp when its target information has one, and
    /// then a message integrity code over the three messages.
    pub fn authenticate(&self, challenge: &[u8]) -> Result<Vec<u8>, NtlmError> {
        let parsed = ChallengeMessage::parse(challenge)?;
        if parsed.flags & UNICODE == 0 {
            return Err(NtlmError::Unsupported {
                message: NtlmMessageKind::Challenge,
                what: "strings in the OEM code page instead of Unicode",
            });
        }
        let flags = (parsed.flags & (CLIENT_FLAGS | TARGET_INFO)) | UNICODE | NTLM | REQUEST_TARGET;
        self.respond(&parsed, challenge, flags, [0; 8])
    }

    /// Where the user name and domain go in the AUTHENTICATE message.
    fn user_and_domain(&self) -> (String, &str) {
        match self.user.format() {
            UserNameFormat::Upn => (self.user.to_string(), ""),
            UserNameFormat::DownLevel => (self.user.user().to_owned(), self.user.domain()),
        }
    }

    /// Builds the AUTHENTICATE message with the given negotiated `flags` and Version field.
    fn respond(
        &self,
        challenge: &ChallengeMessage,
        challenge_bytes: &[u8],
        flags: u32,
        version: [u8; 8],
    ) -> Result<Vec<u8>, NtlmError> {
        let mut client_challenge = [0u8; 8];
        self.source.fill_random(&mut client_challenge)?;

        let server_timestamp = challenge.target_info.timestamp();
        let timestamp = server_timestamp.unwrap_or_else(|| ntlmv2::filetime(self.source.now()));
        let with_mic = server_timestamp.is_some();
        let mut av_pairs = challenge.target_info.clone();
        if with_mic {
            let av_flags = av_pairs.flags() | FLAG_MIC_PRESENT;
            av_pairs.set(AV_FLAGS, av_flags.to_le_bytes().to_vec());
        }
        if let Some(bindings) = &self.channel_bindings {
            av_pairs.set(CHANNEL_BINDINGS, bindings.hash().to_vec());
        }

        let av_pairs = av_pairs.encode();
        if av_pairs.len() > MAX_TARGET_INFO_LEN {
            return Err(NtlmError::malformed(NtlmMessageKind::Challenge, "the target information is implausibly long"));
        }
        let (user, domain) = self.user_and_domain();
        let response_key = ntlmv2::nt_owf_v2(self.password.expose(), &user, domain);
        let blob = ntlmv2::client_blob(timestamp, &client_challenge, &av_pairs);
        let proof = ntlmv2::nt_proof(&response_key, &challenge.server_challenge, &blob);
        let mut nt_response = Vec::with_capacity(16 + blob.len());
        nt_response.extend_from_slice(&proof);
        nt_response.extend_from_slice(&blob);
        // MS-NLMP 3.1.5.1.2: with a server timestamp the LM response is 24 zero bytes.
        let lm_response = if with_mic {
            [0u8; 24]
        } else {
            ntlmv2::lm_v2_response(&response_key, &challenge.server_challenge, &client_challenge)
        };

        let session_base_key = ntlmv2::session_base_key(&response_key, &proof);
        // MS-NLMP 3.1.5.1.2: a random session key is exchanged only with key exchange *and*
        // signing or sealing; otherwise the session base key is the exported key.
        let (exported_session_key, encrypted_session_key) = if flags & KEY_EXCH != 0 && flags & (SIGN | SEAL) != 0 {
            let mut random_key = Zeroizing::new([0u8; 16]);
            self.source.fill_random(random_key.as_mut_slice())?;
            let encrypted = ntlmv2::rc4(&session_base_key, &random_key);
            (random_key, encrypted.to_vec())
        } else {
            (session_base_key, Vec::new())
        };

        let mut message = AuthenticateFields {
            flags,
            lm_response: &lm_response,
            nt_response: &nt_response,
            domain,
            user: &user,
            workstation: &self.workstation,
            encrypted_session_key: &encrypted_session_key,
            version,
            with_mic,
        }
        .encode();
        if with_mic {
            let mic = ntlmv2::mic(&exported_session_key, &self.negotiate(), challenge_bytes, &message);
            message[MIC_OFFSET..MIC_OFFSET + 16].copy_from_slice(&mic);
        }
        Ok(message)
    }
}

impl fmt::Debug for NtlmClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NtlmClient")
            .field("user", &self.user)
            .field("password", &self.password)
            .field("workstation", &self.workstation)
            .field("channel_bindings", &self.channel_bindings.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ntlm::source::FixedSource;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// MS-NLMP 4.2.4.3: the published CHALLENGE and AUTHENTICATE messages of the NTLMv2 example
    /// (user "User", domain "Domain", password "Password", workstation "COMPUTER", client
    /// challenge 0xaa x 8, random session key 0x55 x 16, time 0).
    const CHALLENGE: &str = "4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef00000000000000002400240044000000060070170000000f53006500720076006500720002000c0044006f006d00610069006e0001000c0053006500720076006500720000000000";
    const AUTHENTICATE: &str = "4e544c4d5353500003000000180018006c00000054005400840000000c000c00480000000800080054000000100010005c00000010001000d8000000358288e20501280a0000000f44006f006d00610069006e00550073006500720043004f004d005000550054004500520086c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa68cd0ab851e51c96aabc927bebef6a1c01010000000000000000000000000000aaaaaaaaaaaaaaaa0000000002000c0044006f006d00610069006e0001000c005300650072007600650072000000000000000000c5dad2544fc9799094ce1ce90bc9d03e";

    #[test]
    fn reproduces_the_published_authenticate_message() {
        let mut random = vec![0xaa; 8];
        random.extend_from_slice(&[0x55; 16]);
        // FILETIME 0: the example's blob carries time 0 (its challenge has no timestamp).
        let filetime_zero = std::time::UNIX_EPOCH - std::time::Duration::from_secs(11_644_473_600);
        let client = NtlmClient::new(UserName::parse(r"Domain\User").unwrap(), Secret::new("Password"))
            .with_workstation("COMPUTER")
            .with_source(FixedSource::new(random, filetime_zero));
        let challenge = unhex(CHALLENGE);
        let parsed = ChallengeMessage::parse(&challenge).unwrap();
        // The example's client negotiated signing and sealing and sends its version (5.1.2600);
        // the rest is what `authenticate` builds.
        let version = [0x05, 0x01, 0x28, 0x0a, 0, 0, 0, 0x0f];
        let built = client.respond(&parsed, &challenge, 0xe288_8235, version).unwrap();
        assert_eq!(built, unhex(AUTHENTICATE));
    }
}
