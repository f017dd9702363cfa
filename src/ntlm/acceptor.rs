//! [`NtlmAcceptor`]: the server (acceptor) side of the handshake, sans-IO, as the EWS simulator
//! needs it: it issues CHALLENGE messages and verifies NTLMv2 AUTHENTICATE messages against the
//! passwords the caller looks up.

use std::fmt;
use std::sync::Arc;

use super::authenticate::AuthenticateMessage;
use super::av_pairs::{self, AvPairs, FLAG_MIC_PRESENT};
use super::challenge::ChallengeMessage;
use super::channel_bindings::ChannelBindings;
use super::error::{NtlmError, NtlmMessageKind};
use super::flags::*;
use super::negotiate::NegotiateMessage;
use super::ntlmv2;
use super::source::{NtlmSource, SystemSource};
use crate::transport::{Secret, UserName};

/// The Version field the acceptor sends: Windows Server 2019 (10.0.17763), NTLM revision 15.
const SERVER_VERSION: [u8; 8] = [10, 0, 0x63, 0x45, 0, 0, 0, 0x0f];

/// Shortest NTLMv2 response: NTProofStr (16), the blob's fixed part (28), MsvAvEOL (4).
const MIN_NTLMV2_RESPONSE: usize = 16 + ntlmv2::BLOB_AV_PAIRS_OFFSET + 4;

/// The names the acceptor announces in its CHALLENGE's target information.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NtlmTarget {
    /// NetBIOS domain name (`CONTOSO`); also the CHALLENGE's target name.
    pub netbios_domain: String,
    /// NetBIOS computer name (`EXCH01`).
    pub netbios_computer: String,
    /// DNS domain name (`contoso.com`); also announced as the forest name.
    pub dns_domain: String,
    /// Fully qualified DNS name of the server (`exch01.contoso.com`).
    pub dns_computer: String,
}

/// Who signed in: the names exactly as the client sent them in its AUTHENTICATE message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NtlmPrincipal {
    user: String,
    domain: String,
    workstation: String,
}

impl NtlmPrincipal {
    /// The user name as sent: `alice`, or a whole UPN `alice@contoso.com` (then the domain is
    /// empty).
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The domain as sent (`CONTOSO`, `contoso.com`, or empty with a UPN).
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The client's workstation name (informational, may be empty).
    pub fn workstation(&self) -> &str {
        &self.workstation
    }

    /// The account as a [`UserName`]: a UPN when the user name is one and the domain is empty,
    /// else the down-level `DOMAIN\user`. `None` when the names are not valid account names.
    pub fn user_name(&self) -> Option<UserName> {
        if self.domain.is_empty() {
            UserName::parse(&self.user).ok()
        } else {
            UserName::down_level(&self.domain, &self.user).ok()
        }
    }
}

impl fmt::Display for NtlmPrincipal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.domain.is_empty() { f.write_str(&self.user) } else { write!(f, "{}\\{}", self.domain, self.user) }
    }
}

/// What the acceptor remembers between its CHALLENGE and the client's AUTHENTICATE.
enum State {
    Idle,
    Challenged { negotiate: Vec<u8>, challenge: Vec<u8>, server_challenge: [u8; 8] },
}

/// The acceptor side of NTLMv2 handshakes on one connection.
///
/// [`challenge`](Self::challenge) answers a NEGOTIATE message and remembers it;
/// [`verify`](Self::verify) checks the AUTHENTICATE message that follows (once: a challenge
/// answers one AUTHENTICATE only). NTLM authenticates the connection, so the HTTP server keeps
/// one acceptor per connection and treats the connection as signed in after `verify` succeeds.
///
/// Verification computes the NTLMv2 proof from the password the caller looks up (NTOWFv2 over
/// the user and domain as sent), checks the MIC when the client announces one (decrypting the
/// exchanged session key when the client used key exchange with signing or sealing), and
/// refuses LM/NTLMv1 and anonymous sign-ins. With [`with_channel_bindings`](Self::with_channel_bindings) it also requires the
/// client's channel bindings (Extended Protection); target names (SPNs) are not checked. The
/// client's timestamp is not compared with the clock: the fresh, single-use server challenge
/// already stops replays.
pub struct NtlmAcceptor {
    target: NtlmTarget,
    channel_bindings: Option<ChannelBindings>,
    source: Arc<dyn NtlmSource>,
    state: State,
}

impl NtlmAcceptor {
    /// An acceptor announcing `target`, drawing its challenges and clock from the system.
    pub fn new(target: NtlmTarget) -> Self {
        NtlmAcceptor { target, channel_bindings: None, source: Arc::new(SystemSource), state: State::Idle }
    }

    /// Requires Extended Protection: clients must send `bindings` (usually
    /// [`ChannelBindings::tls_server_end_point`] of this server's certificate), as Exchange does
    /// with Extended Protection set to *Require*.
    pub fn with_channel_bindings(mut self, bindings: ChannelBindings) -> Self {
        self.channel_bindings = Some(bindings);
        self
    }

    /// Uses `source` for server challenges and timestamps (tests).
    pub fn with_source(mut self, source: impl NtlmSource + 'static) -> Self {
        self.source = Arc::new(source);
        self
    }

    /// The CHALLENGE message (type 2) answering the client's NEGOTIATE message (type 1): a fresh
    /// server challenge, the flags granted, and target information with the NetBIOS and DNS
    /// names and the current time. A new NEGOTIATE starts the handshake over.
    pub fn challenge(&mut self, negotiate: &[u8]) -> Result<Vec<u8>, NtlmError> {
        self.state = State::Idle;
        let asked = NegotiateMessage::parse(negotiate)?.flags;
        // Unicode when the client offers it; OEM (ASCII names only) for clients that offer
        // nothing else, as curl does.
        let charset = match (asked & UNICODE != 0, asked & OEM != 0) {
            (true, _) => UNICODE,
            (false, true) => OEM,
            (false, false) => {
                return Err(NtlmError::malformed(
                    NtlmMessageKind::Negotiate,
                    "it offers neither Unicode nor OEM strings",
                ));
            }
        };
        let flags = (asked & ACCEPTOR_GRANTABLE) | charset | NTLM | TARGET_TYPE_DOMAIN | TARGET_INFO;
        let mut server_challenge = [0u8; 8];
        self.source.fill_random(&mut server_challenge)?;

        let t = &self.target;
        let mut target_info = AvPairs::default();
        target_info.set_string(av_pairs::NB_DOMAIN_NAME, &t.netbios_domain);
        target_info.set_string(av_pairs::NB_COMPUTER_NAME, &t.netbios_computer);
        target_info.set_string(av_pairs::DNS_DOMAIN_NAME, &t.dns_domain);
        target_info.set_string(av_pairs::DNS_COMPUTER_NAME, &t.dns_computer);
        target_info.set_string(av_pairs::DNS_TREE_NAME, &t.dns_domain);
        let now = ntlmv2::filetime(self.source.now());
        target_info.set(av_pairs::TIMESTAMP, now.to_le_bytes().to_vec());

        let version = if flags & VERSION != 0 { SERVER_VERSION } else { [0; 8] };
        let challenge = ChallengeMessage { flags, server_challenge, target_info }.encode(&t.netbios_domain, version);
        self.state =
            State::Challenged { negotiate: negotiate.to_vec(), challenge: challenge.clone(), server_challenge };
        Ok(challenge)
    }

    /// Verifies the client's AUTHENTICATE message (type 3) against this connection's challenge.
    ///
    /// `lookup` gives the password of the account the client names (`None`: no such account).
    /// On success the connection is authenticated as the returned principal.
    pub fn verify(
        &mut self,
        authenticate: &[u8],
        lookup: impl Fn(&NtlmPrincipal) -> Option<Secret>,
    ) -> Result<NtlmPrincipal, NtlmError> {
        let State::Challenged { negotiate, challenge, server_challenge } =
            std::mem::replace(&mut self.state, State::Idle)
        else {
            return Err(NtlmError::OutOfOrder {
                reason: "an AUTHENTICATE message arrived with no CHALLENGE outstanding",
            });
        };
        let message = AuthenticateMessage::parse(authenticate)?;
        let nt = message.nt_response;
        if message.user.is_empty() && nt.is_empty() {
            return Err(NtlmError::AnonymousRefused);
        }
        let principal = NtlmPrincipal {
            user: message.user.clone(),
            domain: message.domain.clone(),
            workstation: message.workstation.clone(),
        };
        if nt.len() <= 24 {
            return Err(NtlmError::NtlmV1Refused { principal: principal.to_string() });
        }
        let malformed = |reason| NtlmError::malformed(NtlmMessageKind::Authenticate, reason);
        if nt.len() < MIN_NTLMV2_RESPONSE {
            return Err(malformed("the NTLMv2 response is too short"));
        }
        let (proof, blob) = nt.split_at(16);
        if blob[..2] != [1, 1] {
            return Err(malformed("the NTLMv2 response has an unknown version"));
        }
        let client_av_pairs = AvPairs::parse(&blob[ntlmv2::BLOB_AV_PAIRS_OFFSET..], NtlmMessageKind::Authenticate)?;

        let password = lookup(&principal).ok_or_else(|| NtlmError::UnknownUser { principal: principal.to_string() })?;
        let response_key = ntlmv2::nt_owf_v2(password.expose(), &principal.user, &principal.domain);
        if !ntlmv2::nt_proof_matches(&response_key, &server_challenge, blob, proof) {
            return Err(NtlmError::WrongPassword { principal: principal.to_string() });
        }

        if let Some(expected) = &self.channel_bindings {
            if client_av_pairs.get(av_pairs::CHANNEL_BINDINGS) != Some(expected.hash().as_slice()) {
                return Err(NtlmError::ChannelBindingsMismatch { principal: principal.to_string() });
            }
        }

        if client_av_pairs.flags() & FLAG_MIC_PRESENT != 0 {
            let session_base_key = ntlmv2::session_base_key(&response_key, proof);
            // MS-NLMP 3.2.5.1.2: the client exchanged a random session key only with key
            // exchange and signing or sealing.
            let exported_session_key = if message.flags & KEY_EXCH != 0 && message.flags & (SIGN | SEAL) != 0 {
                let encrypted: &[u8; 16] = message
                    .encrypted_session_key
                    .try_into()
                    .map_err(|_| malformed("key exchange was negotiated but the session key is not 16 bytes"))?;
                ntlmv2::rc4(&session_base_key, encrypted)
            } else {
                session_base_key
            };
            let (mic, zeroed) = message
                .mic_and_zeroed()
                .ok_or_else(|| malformed("a MIC is announced but the header has no room for it"))?;
            if !ntlmv2::mic_matches(&exported_session_key, &negotiate, &challenge, &zeroed, &mic) {
                return Err(NtlmError::MicMismatch { principal: principal.to_string() });
            }
        }
        Ok(principal)
    }
}

impl fmt::Debug for NtlmAcceptor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NtlmAcceptor")
            .field("target", &self.target)
            .field("channel_bindings", &self.channel_bindings.is_some())
            .field("challenge_outstanding", &matches!(self.state, State::Challenged { .. }))
            .finish_non_exhaustive()
    }
}
