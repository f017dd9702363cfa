//! Wire trace: every request and response written to a directory for debugging, with secrets
//! redacted. This module holds the pure parts (file names, redaction, the headers file's text) and
//! a small function that writes one message; the HTTP driver calls them.
//!
//! Files are numbered in order, one per message: `0001-GetItem-request.xml`,
//! `0001-GetItem-response.xml`, with the start line and headers in `0001-GetItem-request.headers`
//! beside each body. Setting [`TRACE_DIR_VAR`] (`EXSYNC_TRACE_DIR`) turns tracing on for any program
//! built on the library.
//!
//! Redacted: `Authorization` and `Proxy-Authorization` values (the scheme stays:
//! `NTLM ***`), NTLM/Negotiate blobs in `WWW-Authenticate`, every cookie value, headers named like
//! tokens or secrets, secret query parameters and user info in URLs, and secret fields
//! (`client_secret`, `client_assertion`, `password`, tokens…) in form and JSON bodies.
//!
//! ```
//! use exsync::transport::trace::{Direction, TraceFileNames, headers_text};
//!
//! let names = TraceFileNames::new(7, "GetItem", Direction::Request);
//! assert_eq!(names.body, "0007-GetItem-request.xml");
//! assert_eq!(names.headers, "0007-GetItem-request.headers");
//!
//! let text = headers_text(
//!     "POST https://mail.contoso.com/EWS/Exchange.asmx HTTP/1.1",
//!     [("Authorization", "Basic c3ZjOmh1bnRlcjI="), ("X-AnchorMailbox", "alice@contoso.com")],
//! );
//! assert_eq!(
//!     text,
//!     "POST https://mail.contoso.com/EWS/Exchange.asmx HTTP/1.1\nAuthorization: Basic ***\nX-AnchorMailbox: alice@contoso.com\n"
//! );
//! ```

use std::borrow::Cow;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The environment variable naming the trace directory.
pub const TRACE_DIR_VAR: &str = "EXSYNC_TRACE_DIR";

/// What replaces a secret in a trace.
pub const REDACTED: &str = "***";

/// Why a trace could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TraceError {
    /// Creating the directory or writing a file failed.
    #[error("cannot write the wire trace file {path}: {source}")]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

/// Which way a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Client to server.
    Request,
    /// Server to client.
    Response,
}

impl Direction {
    /// `request` or `response`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }
}

/// The two file names of one traced message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceFileNames {
    /// The body: `NNNN-<Operation>-<direction>.xml`.
    pub body: String,
    /// The start line and headers: `NNNN-<Operation>-<direction>.headers`.
    pub headers: String,
}

/// `operation` made safe as part of a file name: letters, digits, `_` and `-` kept, anything else
/// becomes `_`; empty becomes `Unknown`.
pub fn safe_operation_name(operation: &str) -> String {
    let s: String = operation
        .chars()
        .take(64)
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
        .collect();
    if s.is_empty() { "Unknown".to_owned() } else { s }
}

impl TraceFileNames {
    /// The names for message number `seq` (at least four digits) of `operation`.
    pub fn new(seq: u32, operation: &str, direction: Direction) -> Self {
        let stem = format!("{seq:04}-{}-{}", safe_operation_name(operation), direction.as_str());
        TraceFileNames { body: format!("{stem}.xml"), headers: format!("{stem}.headers") }
    }
}

/// Hands out exchange numbers in order (a request and its response share one). Thread-safe.
#[derive(Debug, Default)]
pub struct TraceSequence(AtomicU32);

impl TraceSequence {
    /// A sequence whose first number is 1.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next number.
    pub fn next(&self) -> u32 {
        self.0.fetch_add(1, Ordering::Relaxed).wrapping_add(1)
    }
}

/// The trace directory from [`TRACE_DIR_VAR`], if set and not empty.
pub fn trace_dir_from_env() -> Option<PathBuf> {
    trace_dir_from_value(std::env::var_os(TRACE_DIR_VAR).as_deref())
}

/// As [`trace_dir_from_env`], for a value already read.
pub fn trace_dir_from_value(value: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    let v = value?;
    if v.is_empty() { None } else { Some(PathBuf::from(v)) }
}

/// Header names whose whole value is secret (lower case).
const SECRET_HEADERS: &[&str] = &["x-ms-token", "x-api-key", "api-key", "x-auth-token", "x-csrf-token"];

/// Words that make a header, query parameter or field name secret.
const SECRET_WORDS: &[&str] = &["token", "secret", "password", "passwd", "assertion", "apikey", "api_key", "api-key"];

/// Whether a form field, query parameter or JSON key holds a secret (`client_secret`,
/// `client_assertion`, `password`, `access_token`, `refresh_token`, `code`, …).
pub fn is_secret_field(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    // `token_type`, `client_assertion_type`, `grant_type`: names of kinds, not secrets.
    if n.ends_with("_type") {
        return false;
    }
    n == "code" || n == "sig" || n == "signature" || SECRET_WORDS.iter().any(|w| n.contains(w))
}

/// Redacts the credentials of an `Authorization`-style value: the scheme stays, the rest goes
/// (`Basic ***`, `NTLM ***`, `Bearer ***`).
fn redact_credentials(value: &str) -> String {
    let v = value.trim();
    match v.split_once(' ') {
        Some((scheme, _)) => format!("{scheme} {REDACTED}"),
        None if v.is_empty() => String::new(),
        None => REDACTED.to_owned(),
    }
}

/// Redacts the blobs of `WWW-Authenticate` challenges (`NTLM TlRMTVNT…` → `NTLM ***`), keeping
/// bare scheme offers and parameters such as `Basic realm="…"`.
fn redact_challenge(value: &str) -> String {
    value
        .split(',')
        .map(|part| {
            let lead = &part[..part.len() - part.trim_start().len()];
            let t = part.trim();
            match t.split_once(' ') {
                Some((scheme, blob))
                    if ["ntlm", "negotiate", "kerberos"].contains(&scheme.to_ascii_lowercase().as_str())
                        && !blob.trim().is_empty() =>
                {
                    format!("{lead}{scheme} {REDACTED}")
                }
                _ => part.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `Cookie: a=1; b=2` → `a=***; b=***`.
fn redact_cookie(value: &str) -> String {
    value
        .split(';')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) => format!("{name}={REDACTED}"),
            None => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// `Set-Cookie: name=value; Path=/; Secure` → `name=***; Path=/; Secure`.
fn redact_set_cookie(value: &str) -> String {
    let (first, rest) = value.split_once(';').map_or((value, None), |(a, b)| (a, Some(b)));
    let first = match first.split_once('=') {
        Some((name, _)) => format!("{name}={REDACTED}"),
        None => first.to_owned(),
    };
    match rest {
        Some(r) => format!("{first};{r}"),
        None => first,
    }
}

/// One header value as it may appear in a trace.
pub fn redact_header<'a>(name: &str, value: &'a str) -> Cow<'a, str> {
    let n = name.trim().to_ascii_lowercase();
    match n.as_str() {
        "authorization" | "proxy-authorization" => Cow::Owned(redact_credentials(value)),
        "www-authenticate" | "proxy-authenticate" => Cow::Owned(redact_challenge(value)),
        "cookie" => Cow::Owned(redact_cookie(value)),
        "set-cookie" => Cow::Owned(redact_set_cookie(value)),
        "location" | "content-location" | "referer" => redact_url(value),
        _ if SECRET_HEADERS.contains(&n.as_str()) || SECRET_WORDS.iter().any(|w| n.contains(w)) => {
            Cow::Borrowed(REDACTED)
        }
        _ => Cow::Borrowed(value),
    }
}

/// Redacts `name=value` pairs joined by `&` whose name is secret.
fn redact_pairs(pairs: &str) -> String {
    pairs
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_secret_field(&percent_decode_name(name)) => format!("{name}={REDACTED}"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_decode_name(name: &str) -> String {
    url::form_urlencoded::parse(format!("{name}=").as_bytes()).next().map(|(k, _)| k.into_owned()).unwrap_or_default()
}

/// A URL with its user info (`user:password@`) and secret query parameters redacted.
pub fn redact_url(url: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(url);
    if let Some(scheme_end) = url.find("://") {
        let authority_start = scheme_end + 3;
        let authority_end = url[authority_start..].find(['/', '?', '#']).map_or(url.len(), |i| authority_start + i);
        if let Some(at) = url[authority_start..authority_end].rfind('@') {
            out = Cow::Owned(format!("{}{REDACTED}{}", &url[..authority_start], &url[authority_start + at..]));
        }
    }
    // Query and fragment (OAuth's implicit flow puts `access_token=` in the fragment).
    let (before_fragment, fragment) = out.split_once('#').map_or((&*out, None), |(a, b)| (a, Some(b)));
    let (base, query) = before_fragment.split_once('?').map_or((before_fragment, None), |(a, b)| (a, Some(b)));
    let query_r = query.map(redact_pairs);
    let fragment_r = fragment.map(redact_pairs);
    if query_r.as_deref() != query || fragment_r.as_deref() != fragment {
        let mut s = base.to_owned();
        if let Some(q) = query_r {
            s.push('?');
            s.push_str(&q);
        }
        if let Some(f) = fragment_r {
            s.push('#');
            s.push_str(&f);
        }
        out = Cow::Owned(s);
    }
    out
}

/// A request line (`POST https://… HTTP/1.1`) with its URL redacted.
pub fn request_line(method: &str, url: &str, version: &str) -> String {
    format!("{method} {} {version}", redact_url(url))
}

/// A status line: `HTTP/1.1 503 Service Unavailable`.
pub fn status_line(version: &str, status: u16, reason: &str) -> String {
    if reason.is_empty() { format!("{version} {status}") } else { format!("{version} {status} {reason}") }
}

/// The text of a `.headers` file: the start line, then one `Name: value` line per header, redacted.
/// Values that are not UTF-8 are shown lossily.
pub fn headers_text<I, K, V>(start_line: &str, headers: I) -> String
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<str>,
    V: AsRef<[u8]>,
{
    let mut out = String::with_capacity(512);
    out.push_str(start_line);
    out.push('\n');
    for (name, value) in headers {
        let name = name.as_ref();
        let value = String::from_utf8_lossy(value.as_ref());
        out.push_str(name);
        out.push_str(": ");
        out.push_str(&redact_header(name, &value));
        out.push('\n');
    }
    out
}

/// Redacts secret string values of a JSON document (`"access_token": "…"` → `"access_token":
/// "***"`), leaving everything else byte for byte. A document that is not JSON comes back as it is.
pub fn redact_json(body: &str) -> Cow<'_, str> {
    let b = body.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    // Scans strings; a string followed by `:` is a key, and a secret key's string value is replaced.
    while i < b.len() {
        if b[i] != b'"' {
            i += 1;
            continue;
        }
        let Some(key_end) = string_end(b, i) else { break };
        let key = &body[i + 1..key_end];
        let mut j = key_end + 1;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < b.len() && b[j] == b':' {
            j += 1;
            while j < b.len() && b[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < b.len() && b[j] == b'"' && is_secret_field(key) {
                let Some(value_end) = string_end(b, j) else { break };
                let o = out.get_or_insert_with(|| String::with_capacity(body.len()));
                o.push_str(&body[copied..j + 1]);
                o.push_str(REDACTED);
                copied = value_end;
                i = value_end + 1;
                continue;
            }
            i = j;
            continue;
        }
        i = key_end + 1;
    }
    match out {
        None => Cow::Borrowed(body),
        Some(mut o) => {
            o.push_str(&body[copied..]);
            Cow::Owned(o)
        }
    }
}

/// The index of the closing quote of the JSON string opening at `start`.
fn string_end(b: &[u8], start: usize) -> Option<usize> {
    let mut k = start + 1;
    while k < b.len() {
        match b[k] {
            b'\\' => k += 2,
            b'"' => return Some(k),
            _ => k += 1,
        }
    }
    None
}

/// A body as it may appear in a trace: form bodies (`application/x-www-form-urlencoded`) and JSON
/// have their secret fields redacted; XML and everything else is kept as it went over the wire
/// (EWS and autodiscover bodies carry no credentials).
pub fn redact_body<'a>(content_type: Option<&str>, body: &'a str) -> Cow<'a, str> {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.starts_with("application/x-www-form-urlencoded") {
        let r = redact_pairs(body);
        if r == body { Cow::Borrowed(body) } else { Cow::Owned(r) }
    } else if ct.contains("json") {
        redact_json(body)
    } else {
        Cow::Borrowed(body)
    }
}

/// Writes one traced message into `dir` (created if needed): the body file and the headers file.
/// The caller passes text already redacted ([`headers_text`], [`redact_body`]).
pub fn write_message(dir: &Path, names: &TraceFileNames, headers: &str, body: &[u8]) -> Result<(), TraceError> {
    std::fs::create_dir_all(dir).map_err(|source| TraceError::Write { path: dir.to_owned(), source })?;
    for (name, bytes) in [(&names.headers, headers.as_bytes()), (&names.body, body)] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|source| TraceError::Write { path, source })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(
            TraceFileNames::new(1, "GetUserSettings", Direction::Response).body,
            "0001-GetUserSettings-response.xml"
        );
        assert_eq!(
            TraceFileNames::new(12345, "Autodiscover", Direction::Request).headers,
            "12345-Autodiscover-request.headers"
        );
        assert_eq!(
            TraceFileNames::new(2, "../../etc/passwd", Direction::Request).body,
            "0002-______etc_passwd-request.xml"
        );
        assert_eq!(TraceFileNames::new(3, "", Direction::Request).body, "0003-Unknown-request.xml");
        let seq = TraceSequence::new();
        assert_eq!((seq.next(), seq.next()), (1, 2));
    }

    #[test]
    fn authorization_headers_keep_only_the_scheme() {
        assert_eq!(redact_header("Authorization", "NTLM TlRMTVNTUAABAAAAB4IIog=="), "NTLM ***");
        assert_eq!(redact_header("authorization", "Bearer eyJ0eXAiOiJKV1Qi.x.y"), "Bearer ***");
        assert_eq!(redact_header("Proxy-Authorization", "Basic dTpw"), "Basic ***");
        assert_eq!(redact_header("Authorization", "opaque"), "***");
    }

    #[test]
    fn challenges_lose_their_blobs_only() {
        assert_eq!(redact_header("WWW-Authenticate", "NTLM TlRMTVNTUAACAAAA"), "NTLM ***");
        assert_eq!(redact_header("WWW-Authenticate", "Negotiate, NTLM"), "Negotiate, NTLM");
        assert_eq!(
            redact_header("WWW-Authenticate", r#"Basic realm="mail.contoso.com""#),
            r#"Basic realm="mail.contoso.com""#
        );
        assert_eq!(redact_header("WWW-Authenticate", "Negotiate YIIBhg=="), "Negotiate ***");
    }

    #[test]
    fn cookies_and_token_headers() {
        assert_eq!(
            redact_header("Cookie", "X-BackEndCookie=S-1-5-21=abc; exchangecookie=1f2e"),
            "X-BackEndCookie=***; exchangecookie=***"
        );
        assert_eq!(
            redact_header(
                "Set-Cookie",
                "X-BackEndCookie=S-1=u56; expires=Fri, 01-Jan-2100 00:00:00 GMT; path=/EWS; secure; HttpOnly"
            ),
            "X-BackEndCookie=***; expires=Fri, 01-Jan-2100 00:00:00 GMT; path=/EWS; secure; HttpOnly"
        );
        assert_eq!(redact_header("X-MS-Token", "abc"), "***");
        assert_eq!(redact_header("X-Client-Secret", "abc"), "***");
        assert_eq!(redact_header("X-AnchorMailbox", "alice@contoso.com"), "alice@contoso.com");
        assert_eq!(redact_header("Content-Type", "text/xml; charset=utf-8"), "text/xml; charset=utf-8");
    }

    #[test]
    fn urls() {
        assert_eq!(
            redact_url("https://u:p@host/x?a=1&access_token=abc&client_secret=s#f"),
            "https://***@host/x?a=1&access_token=***&client_secret=***#f"
        );
        assert_eq!(redact_url("https://host/EWS/Exchange.asmx"), "https://host/EWS/Exchange.asmx");
        assert_eq!(redact_url("https://host/x?e=a@b.com"), "https://host/x?e=a@b.com");
        assert_eq!(redact_header("Location", "https://x/?code=123"), "https://x/?code=***");
        assert_eq!(redact_url("https://app/cb#access_token=abc&state=1"), "https://app/cb#access_token=***&state=1");
        assert_eq!(redact_url("https://host/x#section"), "https://host/x#section");
        assert_eq!(
            request_line("GET", "http://u:p@autodiscover.contoso.com/autodiscover/autodiscover.xml", "HTTP/1.1"),
            "GET http://***@autodiscover.contoso.com/autodiscover/autodiscover.xml HTTP/1.1"
        );
        assert_eq!(status_line("HTTP/1.1", 302, "Found"), "HTTP/1.1 302 Found");
    }

    #[test]
    fn bodies() {
        let form = "grant_type=client_credentials&client_id=app&client_secret=s3cr%3Dt&scope=https%3A%2F%2Foutlook.office365.com%2F.default";
        assert_eq!(
            redact_body(Some("application/x-www-form-urlencoded"), form),
            "grant_type=client_credentials&client_id=app&client_secret=***&scope=https%3A%2F%2Foutlook.office365.com%2F.default"
        );
        let assertion = "client_assertion_type=urn%3Aietf&client_assertion=eyJhbGci.x.y&password=pw&username=u";
        assert_eq!(
            redact_body(Some("application/x-www-form-urlencoded; charset=utf-8"), assertion),
            "client_assertion_type=urn%3Aietf&client_assertion=***&password=***&username=u"
        );
        let json = r#"{"token_type":"Bearer","expires_in":3599,"access_token" : "eyJ0\"x","nested":{"refresh_token":"r"},"list":["access_token"]}"#;
        assert_eq!(
            redact_body(Some("application/json; charset=utf-8"), json),
            r#"{"token_type":"Bearer","expires_in":3599,"access_token" : "***","nested":{"refresh_token":"***"},"list":["access_token"]}"#
        );
        let xml = "<Autodiscover><Request/></Autodiscover>";
        assert!(matches!(redact_body(Some("text/xml"), xml), Cow::Borrowed(_)));
        assert_eq!(redact_json("{\"a\":\"unterminated"), "{\"a\":\"unterminated");
    }

    #[test]
    fn env_value() {
        assert_eq!(trace_dir_from_value(None), None);
        assert_eq!(trace_dir_from_value(Some(std::ffi::OsStr::new(""))), None);
        assert_eq!(trace_dir_from_value(Some(std::ffi::OsStr::new("/tmp/t"))), Some(PathBuf::from("/tmp/t")));
    }

    #[test]
    fn writes_both_files() {
        let dir = std::env::temp_dir().join(format!("exsync-trace-unit-{}", std::process::id()));
        let names = TraceFileNames::new(1, "GetItem", Direction::Request);
        write_message(&dir, &names, "POST / HTTP/1.1\n", b"<x/>").unwrap();
        assert_eq!(std::fs::read_to_string(dir.join(&names.body)).unwrap(), "<x/>");
        assert_eq!(std::fs::read_to_string(dir.join(&names.headers)).unwrap(), "POST / HTTP/1.1\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
