//! The NegotiateFlags bits of MS-NLMP section 2.2.2.5 that this module reads or sets.

/// Strings in the payload are UTF-16LE.
pub(crate) const UNICODE: u32 = 0x0000_0001;
/// Strings in the payload are in the OEM code page.
pub(crate) const OEM: u32 = 0x0000_0002;
/// The client asks for the server's target name.
pub(crate) const REQUEST_TARGET: u32 = 0x0000_0004;
/// Message signing.
pub(crate) const SIGN: u32 = 0x0000_0010;
/// Message confidentiality.
pub(crate) const SEAL: u32 = 0x0000_0020;
/// NTLM authentication.
pub(crate) const NTLM: u32 = 0x0000_0200;
/// A dummy signature is always present.
pub(crate) const ALWAYS_SIGN: u32 = 0x0000_8000;
/// The target name is a domain name.
pub(crate) const TARGET_TYPE_DOMAIN: u32 = 0x0001_0000;
/// NTLM2 (extended) session security.
pub(crate) const EXTENDED_SESSION_SECURITY: u32 = 0x0008_0000;
/// The CHALLENGE message carries target information (AV pairs).
pub(crate) const TARGET_INFO: u32 = 0x0080_0000;
/// The Version field is meaningful.
pub(crate) const VERSION: u32 = 0x0200_0000;
/// 128-bit session keys.
pub(crate) const KEY_128: u32 = 0x2000_0000;
/// Key exchange: the client sends an RC4-encrypted random session key.
pub(crate) const KEY_EXCH: u32 = 0x4000_0000;
/// 56-bit session keys.
pub(crate) const KEY_56: u32 = 0x8000_0000;

/// What the acceptor grants when the client asks for it.
pub(crate) const ACCEPTOR_GRANTABLE: u32 = REQUEST_TARGET
    | SIGN
    | SEAL
    | NTLM
    | ALWAYS_SIGN
    | EXTENDED_SESSION_SECURITY
    | VERSION
    | KEY_128
    | KEY_EXCH
    | KEY_56;
