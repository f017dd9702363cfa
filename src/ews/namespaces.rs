//! The XML namespaces of EWS and SOAP 1.1.

/// SOAP 1.1 envelope namespace (prefix `soap`).
pub const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// EWS types namespace (prefix `t`).
pub const TYPES: &str = "http://schemas.microsoft.com/exchange/services/2006/types";
/// EWS messages namespace (prefix `m`).
pub const MESSAGES: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
/// EWS errors namespace used in SOAP fault details.
pub const ERRORS: &str = "http://schemas.microsoft.com/exchange/services/2006/errors";
