//! [`NtlmError`]: everything that can go wrong in an NTLM exchange, on either side.

use std::fmt;

/// Which of the three NTLM messages (or which HTTP header) an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NtlmMessageKind {
    /// NEGOTIATE_MESSAGE (type 1), client to server.
    Negotiate,
    /// CHALLENGE_MESSAGE (type 2), server to client.
    Challenge,
    /// AUTHENTICATE_MESSAGE (type 3), client to server.
    Authenticate,
}

impl fmt::Display for NtlmMessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NtlmMessageKind::Negotiate => "NEGOTIATE (type 1)",
            NtlmMessageKind::Challenge => "CHALLENGE (type 2)",
            NtlmMessageKind::Authenticate => "AUTHENTICATE (type 3)",
        })
    }
}

/// Why an NTLM step failed.
///
/// Messages name the account (user and domain are not secret) but never a password, a key, a
/// response or the bytes of a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NtlmError {
    /// The bytes are not a well-formed NTLM message of the expected kind.
    #[error(
        "the NTLM {message} message is malformed: {reason}; the peer does not speak NTLM as MS-NLMP \
         specifies, or something between the two (a proxy or load balancer) altered the headers"
    )]
    Malformed {
        /// Which message.
        message: NtlmMessageKind,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The peer asks for something this implementation deliberately does not do.
    #[error("the NTLM {message} message asks for {what}, which exsync does not support")]
    Unsupported {
        /// Which message.
        message: NtlmMessageKind,
        /// What was asked for.
        what: &'static str,
    },
    /// The client sent an LM or NTLMv1 response; only NTLMv2 is accepted.
    #[error(
        "{principal} answered with an LM/NTLMv1 response, which is refused; configure the client \
         to send NTLMv2 only (LmCompatibilityLevel 3 or higher)"
    )]
    NtlmV1Refused {
        /// `DOMAIN\user` as the client sent it.
        principal: String,
    },
    /// The client tried to sign in anonymously.
    #[error("an anonymous NTLM sign-in was refused; the client must send a user name and password")]
    AnonymousRefused,
    /// The acceptor does not know the account.
    #[error("the account {principal} is unknown to this server; check the user name and domain")]
    UnknownUser {
        /// `DOMAIN\user` as the client sent it.
        principal: String,
    },
    /// The client's NTLMv2 proof does not match the password on record.
    #[error(
        "the password for {principal} is wrong (the NTLMv2 proof does not match); check the password, \
         and that the domain is spelt exactly as the account's domain"
    )]
    WrongPassword {
        /// `DOMAIN\user` as the client sent it.
        principal: String,
    },
    /// The AUTHENTICATE message's integrity code does not match: it was altered in transit, or
    /// answers another handshake.
    #[error(
        "the message integrity code (MIC) of {principal}'s AUTHENTICATE message does not match; the \
         handshake was altered in transit or mixes messages of two handshakes"
    )]
    MicMismatch {
        /// `DOMAIN\user` as the client sent it.
        principal: String,
    },
    /// Extended Protection: the client's channel bindings do not match this TLS connection.
    #[error(
        "the channel bindings in {principal}'s AUTHENTICATE message are missing or do not match this \
         TLS connection (Extended Protection); a proxy that terminates TLS is in between, or the client \
         does not support Extended Protection"
    )]
    ChannelBindingsMismatch {
        /// `DOMAIN\user` as the client sent it.
        principal: String,
    },
    /// The certificate given for channel bindings could not be read.
    #[error("the server certificate for channel bindings is unusable: {reason}")]
    InvalidCertificate {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A step came out of order, e.g. an AUTHENTICATE message with no CHALLENGE issued on this
    /// connection (each challenge answers one AUTHENTICATE only).
    #[error("NTLM step out of order: {reason}; the three NTLM messages must travel on one connection, in order")]
    OutOfOrder {
        /// What happened.
        reason: &'static str,
    },
    /// The random source failed.
    #[error("the operating system's random number generator failed: {reason}")]
    Random {
        /// What the source reported.
        reason: String,
    },
    /// No usable `NTLM` token in the HTTP headers.
    #[error("the HTTP {header} header carries no NTLM token: {reason}")]
    Header {
        /// `WWW-Authenticate` or `Authorization`.
        header: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
}

impl NtlmError {
    pub(crate) fn malformed(message: NtlmMessageKind, reason: &'static str) -> Self {
        NtlmError::Malformed { message, reason }
    }
}
