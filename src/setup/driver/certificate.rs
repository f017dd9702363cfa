//! What the analyzer reports about a server certificate: its subject, issuer, DNS names and end
//! date, read from the DER with a small reader of the few X.509 fields needed (RFC 5280
//! `TBSCertificate`: version, serial, signature, issuer, validity, subject, extensions).
//! Anything it cannot read gives `None`: the report then says less, and nothing fails.

use chrono::{DateTime, NaiveDate, Utc};

/// The fields of a certificate the report shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CertificateSummary {
    /// The subject in RFC 4514 order (`CN=mail.contoso.com, O=Contoso`); empty when it has none.
    pub subject: String,
    /// The issuer, likewise.
    pub issuer: String,
    /// The `notAfter` date.
    pub not_after: Option<DateTime<Utc>>,
    /// The subject alternative names of type DNS.
    pub dns_names: Vec<String>,
}

impl CertificateSummary {
    /// The subject for people: the distinguished name, or the DNS names when it is empty.
    pub fn subject_for_report(&self) -> String {
        match (self.subject.is_empty(), self.dns_names.is_empty()) {
            (false, _) => self.subject.clone(),
            (true, false) => format!("DNS:{}", self.dns_names.join(", DNS:")),
            (true, true) => "(no subject)".to_owned(),
        }
    }

    /// Whether subject and issuer are the same name (a self-signed certificate).
    pub fn is_self_issued(&self) -> bool {
        !self.subject.is_empty() && self.subject == self.issuer
    }

    /// One sentence: subject, issuer, end date, names.
    pub fn describe(&self) -> String {
        let mut out = format!("the certificate is for {}, issued by {}", self.subject_for_report(), self.issuer);
        if let Some(t) = self.not_after {
            out.push_str(&format!(", valid until {}", t.format("%Y-%m-%d")));
        }
        if !self.dns_names.is_empty() && !self.subject.is_empty() {
            out.push_str(&format!(", names {}", self.dns_names.join(", ")));
        }
        out
    }
}

/// One DER element: tag and content.
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
}

/// Reads consecutive DER elements.
struct Der<'a> {
    rest: &'a [u8],
}

impl<'a> Der<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Der { rest: bytes }
    }

    fn next(&mut self) -> Option<Tlv<'a>> {
        let (&tag, rest) = self.rest.split_first()?;
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 || rest.len() < n {
                return None;
            }
            let len = rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            rest = &rest[n..];
            len
        };
        if rest.len() < len {
            return None;
        }
        let (content, after) = rest.split_at(len);
        self.rest = after;
        Some(Tlv { tag, content })
    }

    /// The next element, which must have `tag`.
    fn expect(&mut self, tag: u8) -> Option<&'a [u8]> {
        let t = self.next()?;
        (t.tag == tag).then_some(t.content)
    }
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;

/// Reads the summary of a DER certificate.
pub(crate) fn summarize(der: &[u8]) -> Option<CertificateSummary> {
    let cert = Der::new(der).expect(SEQUENCE)?;
    let tbs = Der::new(cert).expect(SEQUENCE)?;
    let mut fields = Der::new(tbs);
    let mut field = fields.next()?;
    if field.tag == 0xa0 {
        // [0] EXPLICIT version
        field = fields.next()?;
    }
    if field.tag != 0x02 {
        return None; // serialNumber INTEGER
    }
    fields.expect(SEQUENCE)?; // signature AlgorithmIdentifier
    let issuer = name(fields.expect(SEQUENCE)?)?;
    let mut validity = Der::new(fields.expect(SEQUENCE)?);
    let _not_before = validity.next()?;
    let not_after = validity.next().and_then(|t| time(&t));
    let subject = name(fields.expect(SEQUENCE)?)?;
    let mut dns_names = Vec::new();
    while let Some(t) = fields.next() {
        if t.tag == 0xa3 {
            // [3] EXPLICIT extensions
            dns_names = Der::new(t.content).expect(SEQUENCE).map(subject_alt_dns_names).unwrap_or_default();
        }
    }
    Some(CertificateSummary { subject, issuer, not_after, dns_names })
}

/// `Name`: a SEQUENCE of RDN SETs of `AttributeTypeAndValue`, written last RDN first (RFC 4514).
fn name(content: &[u8]) -> Option<String> {
    let mut rdns = Vec::new();
    let mut seq = Der::new(content);
    while let Some(rdn) = seq.next() {
        if rdn.tag != SET {
            return None;
        }
        let mut set = Der::new(rdn.content);
        let mut parts = Vec::new();
        while let Some(atv) = set.next() {
            if atv.tag != SEQUENCE {
                return None;
            }
            let mut atv = Der::new(atv.content);
            let oid = atv.expect(OID)?;
            let value = atv.next()?;
            parts.push(format!("{}={}", attribute_name(oid), string_value(&value)));
        }
        rdns.push(parts.join("+"));
    }
    rdns.reverse();
    Some(rdns.join(", "))
}

fn attribute_name(oid: &[u8]) -> String {
    match oid {
        [0x55, 0x04, 0x03] => "CN".into(),
        [0x55, 0x04, 0x05] => "serialNumber".into(),
        [0x55, 0x04, 0x06] => "C".into(),
        [0x55, 0x04, 0x07] => "L".into(),
        [0x55, 0x04, 0x08] => "ST".into(),
        [0x55, 0x04, 0x0a] => "O".into(),
        [0x55, 0x04, 0x0b] => "OU".into(),
        [0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19] => "DC".into(),
        [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01] => "emailAddress".into(),
        other => dotted_oid(other),
    }
}

/// An OID in dotted form (`2.5.4.97`).
fn dotted_oid(oid: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value = 0u64;
    for &b in oid {
        value = (value << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (value / 40).min(2);
                arcs.push(first);
                arcs.push(value - first * 40);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    arcs.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
}

/// A directory string's text (UTF-8, printable, IA5, T.61 as Latin-1, BMP as UTF-16).
fn string_value(t: &Tlv<'_>) -> String {
    match t.tag {
        0x1e => {
            let units: Vec<u16> =
                t.content.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
            String::from_utf16_lossy(&units)
        }
        0x14 => t.content.iter().map(|&b| char::from(b)).collect(),
        _ => String::from_utf8_lossy(t.content).into_owned(),
    }
}

/// `UTCTime` (`YYMMDDHHMMSSZ`) or `GeneralizedTime` (`YYYYMMDDHHMMSSZ`).
fn time(t: &Tlv<'_>) -> Option<DateTime<Utc>> {
    let text = std::str::from_utf8(t.content).ok()?;
    let digits = text.strip_suffix('Z')?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, rest) = match t.tag {
        0x17 if digits.len() == 12 => {
            let yy: i32 = digits[..2].parse().ok()?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &digits[2..])
        }
        0x18 if digits.len() == 14 => (digits[..4].parse().ok()?, &digits[4..]),
        _ => return None,
    };
    let n = |i: usize| rest[i..i + 2].parse::<u32>().ok();
    let naive = NaiveDate::from_ymd_opt(year, n(0)?, n(2)?)?.and_hms_opt(n(4)?, n(6)?, n(8)?)?;
    Some(naive.and_utc())
}

/// The DNS names of the `subjectAltName` extension (2.5.29.17), if present.
fn subject_alt_dns_names(extensions: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut exts = Der::new(extensions);
    while let Some(ext) = exts.next() {
        let mut ext = Der::new(ext.content);
        if ext.expect(OID) != Some(&[0x55, 0x1d, 0x11][..]) {
            continue;
        }
        let mut value = ext.next();
        if value.as_ref().is_some_and(|v| v.tag == 0x01) {
            value = ext.next(); // critical BOOLEAN
        }
        let Some(value) = value.filter(|v| v.tag == 0x04) else { continue };
        let Some(names) = Der::new(value.content).expect(SEQUENCE) else { continue };
        let mut names = Der::new(names);
        while let Some(n) = names.next() {
            if n.tag == 0x82 {
                out.push(String::from_utf8_lossy(n.content).into_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        let utc = Tlv { tag: 0x17, content: b"491231235959Z" };
        assert_eq!(time(&utc).unwrap().to_rfc3339(), "2049-12-31T23:59:59+00:00");
        let utc = Tlv { tag: 0x17, content: b"500101000000Z" };
        assert_eq!(time(&utc).unwrap().to_rfc3339(), "1950-01-01T00:00:00+00:00");
        let general = Tlv { tag: 0x18, content: b"20610715120000Z" };
        assert_eq!(time(&general).unwrap().to_rfc3339(), "2061-07-15T12:00:00+00:00");
        for bad in [&b"4912312359Z"[..], b"491331235959Z", b"49123123595xZ", b"491231235959"] {
            assert!(time(&Tlv { tag: 0x17, content: bad }).is_none(), "{bad:?}");
        }
        // A server's certificate may hold anything: text of the right length in bytes with a
        // character of several bytes across the year's end is refused, not sliced mid-character.
        for (tag, bad) in [(0x17, "1é123456789Z"), (0x18, "123é123456789Z"), (0x17, "12345678901éZ")] {
            assert!(time(&Tlv { tag, content: bad.as_bytes() }).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn oids() {
        assert_eq!(dotted_oid(&[0x55, 0x04, 0x61]), "2.5.4.97");
        assert_eq!(dotted_oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]), "1.2.840.113549");
        assert_eq!(attribute_name(&[0x55, 0x04, 0x03]), "CN");
    }

    #[test]
    fn garbage_reads_as_nothing() {
        assert!(summarize(&[]).is_none());
        assert!(summarize(&[0x30, 0x82, 0xff]).is_none());
        assert!(summarize(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_none());
        assert!(summarize(&[0x30, 0x85, 0, 0, 0, 0, 1]).is_none());
        // Every truncation of a real certificate reads as nothing or as a summary, never a panic.
        let der = include_bytes!("../../../tests/fixtures/sim_app_cert.pem");
        let text = std::str::from_utf8(der).unwrap();
        let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        use base64::Engine as _;
        let der = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
        let full = summarize(&der).expect("a real certificate");
        assert_eq!(full.subject, "CN=exsync-sim-test-app");
        assert!(full.is_self_issued());
        assert_eq!(full.not_after.unwrap().to_rfc3339(), "2126-11-01T11:15:35+00:00");
        assert!(full.dns_names.is_empty());
        for n in 0..der.len() {
            let _ = summarize(&der[..n]);
        }
    }

    #[cfg(feature = "sim")]
    #[test]
    fn names_and_alternative_names() {
        use rcgen::{CertificateParams, DnType, KeyPair};
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(vec!["mail.contoso.com".to_owned(), "autodiscover.contoso.com".to_owned()]).unwrap();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params.distinguished_name.push(DnType::CountryName, "US");
        params.distinguished_name.push(DnType::OrganizationName, "Contoso Ltd");
        params.distinguished_name.push(DnType::CommonName, "mail.contoso.com");
        params.not_after = rcgen::date_time_ymd(2031, 3, 9);
        let cert = params.self_signed(&key).unwrap();
        let s = summarize(cert.der()).unwrap();
        assert_eq!(s.subject, "CN=mail.contoso.com, O=Contoso Ltd, C=US");
        assert_eq!(s.issuer, s.subject);
        assert_eq!(s.dns_names, ["mail.contoso.com", "autodiscover.contoso.com"]);
        assert_eq!(s.not_after.unwrap().format("%Y-%m-%d").to_string(), "2031-03-09");
        assert_eq!(
            s.describe(),
            "the certificate is for CN=mail.contoso.com, O=Contoso Ltd, C=US, issued by CN=mail.contoso.com, O=Contoso \
             Ltd, C=US, valid until 2031-03-09, names mail.contoso.com, autodiscover.contoso.com"
        );

        let mut bare = CertificateParams::new(vec!["exch01.contoso.com".to_owned()]).unwrap();
        bare.distinguished_name = rcgen::DistinguishedName::new();
        let s = summarize(bare.self_signed(&key).unwrap().der()).unwrap();
        assert_eq!(s.subject_for_report(), "DNS:exch01.contoso.com");
        assert!(!s.is_self_issued());
    }
}
