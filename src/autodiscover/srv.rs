//! DNS SRV lookups for autodiscover (`_autodiscover._tcp.<domain>`): the [`SrvResolver`] trait the
//! driver asks, and [`SystemResolver`], a minimal DNS client that sends one SRV query over UDP to
//! the name servers of `/etc/resolv.conf` (no DNS crate needed for one record type). Tests use a
//! resolver of their own.
//!
//! ```
//! use exsync::autodiscover::srv::{encode_query, parse_srv_answer};
//!
//! let query = encode_query(0x1234, "_autodiscover._tcp.contoso.com").unwrap();
//! assert_eq!(&query[..2], &[0x12, 0x34]);
//! // A reply with no answers (NXDOMAIN) reads as no records.
//! let mut reply = query.clone();
//! reply[2] |= 0x80; // QR: a response
//! reply[3] = 0x83;  // RA, RCODE 3 (name error)
//! assert_eq!(parse_srv_answer(&reply, 0x1234).unwrap(), vec![]);
//! ```

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::time::Duration;

use tokio::net::UdpSocket;

use super::plan::SrvRecord;

/// Why an SRV lookup failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SrvError {
    /// No name server is configured.
    #[error("no DNS name server is configured (/etc/resolv.conf has no nameserver line)")]
    NoNameServer,
    /// The name cannot be put in a DNS query.
    #[error("{name:?} is not a valid DNS name")]
    InvalidName {
        /// The name.
        name: String,
    },
    /// Sending or receiving failed.
    #[error("DNS query to {server} failed: {detail}")]
    Io {
        /// The name server.
        server: SocketAddr,
        /// What failed.
        detail: String,
    },
    /// No name server answered in time.
    #[error("no DNS answer for {name} within {timeout:?}")]
    Timeout {
        /// The name asked for.
        name: String,
        /// The time allowed per server.
        timeout: Duration,
    },
    /// The answer is not a valid DNS message.
    #[error("malformed DNS answer: {0}")]
    Malformed(&'static str),
    /// The server reported a failure (RCODE other than 0 and 3).
    #[error("the DNS server failed the query (RCODE {0})")]
    ServerFailure(u8),
}

/// The future an [`SrvResolver`] returns.
pub type SrvFuture<'a> = Pin<Box<dyn Future<Output = Result<Vec<SrvRecord>, SrvError>> + Send + 'a>>;

/// Looks up SRV records.
pub trait SrvResolver: Send + Sync {
    /// The SRV records of `name` (empty when there are none).
    fn lookup_srv<'a>(&'a self, name: &'a str) -> SrvFuture<'a>;
}

/// SRV queries over UDP to the system's name servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemResolver {
    nameservers: Vec<SocketAddr>,
    timeout: Duration,
}

const TYPE_SRV: u16 = 33;
const CLASS_IN: u16 = 1;

impl SystemResolver {
    /// The name servers of `/etc/resolv.conf`, two seconds each.
    pub fn from_system() -> Result<Self, SrvError> {
        let text = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
        let resolver = Self::from_resolv_conf(&text, Duration::from_secs(2));
        if resolver.nameservers.is_empty() { Err(SrvError::NoNameServer) } else { Ok(resolver) }
    }

    /// The name servers listed in `resolv_conf` text.
    pub fn from_resolv_conf(resolv_conf: &str, timeout: Duration) -> Self {
        let nameservers = resolv_conf
            .lines()
            .filter_map(|l| {
                let mut words = l.split_whitespace();
                (words.next() == Some("nameserver")).then(|| words.next()).flatten()
            })
            .filter_map(|a| a.split('%').next().and_then(|a| a.parse::<IpAddr>().ok()))
            .map(|ip| SocketAddr::new(ip, 53))
            .collect();
        SystemResolver { nameservers, timeout }
    }

    /// Explicit name servers.
    pub fn with_nameservers(nameservers: Vec<SocketAddr>, timeout: Duration) -> Self {
        SystemResolver { nameservers, timeout }
    }

    /// The name servers asked, in order.
    pub fn nameservers(&self) -> &[SocketAddr] {
        &self.nameservers
    }

    async fn query(&self, server: SocketAddr, name: &str) -> Result<Vec<SrvRecord>, SrvError> {
        let io = |detail: std::io::Error| SrvError::Io { server, detail: detail.to_string() };
        let id = query_id();
        let query = encode_query(id, name)?;
        let bind: SocketAddr =
            if server.is_ipv4() { "0.0.0.0:0".parse().expect("addr") } else { "[::]:0".parse().expect("addr") };
        let socket = UdpSocket::bind(bind).await.map_err(io)?;
        socket.connect(server).await.map_err(io)?;
        socket.send(&query).await.map_err(io)?;
        let mut buf = vec![0u8; 4096];
        loop {
            let n = socket.recv(&mut buf).await.map_err(io)?;
            match parse_srv_answer(&buf[..n], id) {
                // A stray datagram with another id: keep waiting for ours.
                Err(SrvError::Malformed("the answer's id does not match the query")) => continue,
                other => return other,
            }
        }
    }
}

fn query_id() -> u16 {
    let mut b = [0u8; 2];
    if ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut b).is_err() {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(7);
        return nanos as u16;
    }
    u16::from_be_bytes(b)
}

impl SrvResolver for SystemResolver {
    fn lookup_srv<'a>(&'a self, name: &'a str) -> SrvFuture<'a> {
        Box::pin(async move {
            if self.nameservers.is_empty() {
                return Err(SrvError::NoNameServer);
            }
            let mut last = SrvError::Timeout { name: name.to_owned(), timeout: self.timeout };
            for server in &self.nameservers {
                match tokio::time::timeout(self.timeout, self.query(*server, name)).await {
                    Ok(Ok(records)) => return Ok(records),
                    Ok(Err(e @ SrvError::InvalidName { .. })) => return Err(e),
                    Ok(Err(e)) => last = e,
                    Err(_) => {}
                }
            }
            Err(last)
        })
    }
}

/// A DNS query message (recursion desired) for the SRV records of `name`.
pub fn encode_query(id: u16, name: &str) -> Result<Vec<u8>, SrvError> {
    let invalid = || SrvError::InvalidName { name: name.to_owned() };
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    let trimmed = name.trim_end_matches('.');
    if trimmed.is_empty() || trimmed.len() > 253 {
        return Err(invalid());
    }
    for label in trimmed.split('.') {
        if label.is_empty()
            || label.len() > 63
            || !label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(invalid());
        }
        out.push(label.len() as u8);
        out.extend_from_slice(label.as_bytes());
    }
    out.push(0);
    out.extend_from_slice(&TYPE_SRV.to_be_bytes());
    out.extend_from_slice(&CLASS_IN.to_be_bytes());
    Ok(out)
}

struct Cursor<'a> {
    msg: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], SrvError> {
        let end = self.pos.checked_add(n).filter(|e| *e <= self.msg.len()).ok_or(SrvError::Malformed("cut short"))?;
        let s = &self.msg[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u16(&mut self) -> Result<u16, SrvError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    /// Reads a (possibly compressed) name at the cursor.
    fn name(&mut self) -> Result<String, SrvError> {
        let (name, next) = read_name(self.msg, self.pos)?;
        self.pos = next;
        Ok(name)
    }
}

/// Reads the name at `pos`; returns it and the position after it (compression pointers followed,
/// at most 64 of them).
fn read_name(msg: &[u8], mut pos: usize) -> Result<(String, usize), SrvError> {
    let mut labels: Vec<String> = Vec::new();
    let mut after = None;
    for _ in 0..64 {
        let len = *msg.get(pos).ok_or(SrvError::Malformed("name cut short"))? as usize;
        match len {
            0 => {
                return Ok((labels.join("."), after.unwrap_or(pos + 1)));
            }
            l if l & 0xC0 == 0xC0 => {
                let lo = *msg.get(pos + 1).ok_or(SrvError::Malformed("pointer cut short"))? as usize;
                after.get_or_insert(pos + 2);
                pos = ((l & 0x3F) << 8) | lo;
            }
            l if l & 0xC0 == 0 => {
                let label = msg.get(pos + 1..pos + 1 + l).ok_or(SrvError::Malformed("label cut short"))?;
                labels.push(String::from_utf8_lossy(label).into_owned());
                pos += 1 + l;
            }
            _ => return Err(SrvError::Malformed("unknown label type")),
        }
    }
    Err(SrvError::Malformed("name compression loop"))
}

/// The SRV records of a DNS answer to query `id`. A name error (RCODE 3) is no records.
pub fn parse_srv_answer(msg: &[u8], id: u16) -> Result<Vec<SrvRecord>, SrvError> {
    let mut c = Cursor { msg, pos: 0 };
    if c.u16()? != id {
        return Err(SrvError::Malformed("the answer's id does not match the query"));
    }
    let flags = c.u16()?;
    if flags & 0x8000 == 0 {
        return Err(SrvError::Malformed("not a response"));
    }
    match (flags & 0x000F) as u8 {
        0 => {}
        3 => return Ok(Vec::new()),
        rcode => return Err(SrvError::ServerFailure(rcode)),
    }
    let (questions, answers) = (c.u16()?, c.u16()?);
    c.take(4)?;
    for _ in 0..questions {
        c.name()?;
        c.take(4)?;
    }
    let mut out = Vec::new();
    for _ in 0..answers {
        c.name()?;
        let (rtype, class) = (c.u16()?, c.u16()?);
        c.take(4)?;
        let len = c.u16()? as usize;
        let start = c.pos;
        if rtype == TYPE_SRV && class == CLASS_IN {
            let (priority, weight, port) = (c.u16()?, c.u16()?, c.u16()?);
            let target = c.name()?;
            out.push(SrvRecord { priority, weight, port, target });
        }
        c.pos = start;
        c.take(len)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(id: u16, records: &[(u16, u16, u16, &str)]) -> Vec<u8> {
        let mut m = encode_query(id, "_autodiscover._tcp.contoso.com").unwrap();
        m[2] = 0x81;
        m[3] = 0x80;
        m[7] = records.len() as u8;
        for (p, w, port, target) in records {
            m.extend_from_slice(&[0xC0, 12]); // pointer to the question's name
            m.extend_from_slice(&[0, 33, 0, 1, 0, 0, 0x0E, 0x10]);
            let mut rdata = Vec::new();
            for v in [p, w, port] {
                rdata.extend_from_slice(&v.to_be_bytes());
            }
            for label in target.split('.') {
                rdata.push(label.len() as u8);
                rdata.extend_from_slice(label.as_bytes());
            }
            rdata.push(0);
            m.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
            m.extend_from_slice(&rdata);
        }
        m
    }

    #[test]
    fn reads_srv_records() {
        let msg = answer(9, &[(0, 0, 443, "mail.contoso.com"), (10, 5, 8443, "backup.contoso.com")]);
        let records = parse_srv_answer(&msg, 9).unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[1], SrvRecord { priority: 10, weight: 5, port: 8443, target: "backup.contoso.com".into() });
        assert!(matches!(parse_srv_answer(&msg, 10), Err(SrvError::Malformed(_))));
        for cut in 0..msg.len() {
            assert!(parse_srv_answer(&msg[..cut], 9).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn hostile_answers_fail_cleanly() {
        let mut looped = answer(1, &[(0, 0, 443, "a.b")]);
        let at = looped.len() - 5; // the target's first label
        looped[at] = 0xC0;
        looped[at + 1] = at as u8;
        assert!(parse_srv_answer(&looped, 1).is_err());
        let mut fail = answer(1, &[]);
        fail[3] = 0x82;
        assert_eq!(parse_srv_answer(&fail, 1), Err(SrvError::ServerFailure(2)));
    }

    #[test]
    fn names_and_resolv_conf() {
        assert!(encode_query(1, "").is_err());
        assert!(encode_query(1, "a..b").is_err());
        assert!(encode_query(1, "bad name.com").is_err());
        let r = SystemResolver::from_resolv_conf(
            "# comment\nnameserver 10.0.0.2\nsearch contoso.com\nnameserver fe80::1%eth0\nnameserver nonsense\n",
            Duration::from_secs(1),
        );
        assert_eq!(r.nameservers(), &["10.0.0.2:53".parse().unwrap(), "[fe80::1]:53".parse().unwrap()]);
    }

    #[tokio::test]
    async fn asks_the_name_servers_over_udp() {
        let server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = server.local_addr().unwrap();
        let silent = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        tokio::spawn(async move {
            let mut buf = [0u8; 512];
            let (n, from) = server.recv_from(&mut buf).await.unwrap();
            let id = u16::from_be_bytes([buf[0], buf[1]]);
            assert_eq!(&buf[12..n - 4], b"\x0d_autodiscover\x04_tcp\x07contoso\x03com\x00");
            // A stray answer first, then the real one.
            server.send_to(&answer(id.wrapping_add(1), &[]), from).await.unwrap();
            server.send_to(&answer(id, &[(0, 0, 443, "mail.contoso.com")]), from).await.unwrap();
        });
        let resolver =
            SystemResolver::with_nameservers(vec![silent.local_addr().unwrap(), addr], Duration::from_millis(200));
        let records = resolver.lookup_srv("_autodiscover._tcp.contoso.com").await.unwrap();
        assert_eq!(records, [SrvRecord { priority: 0, weight: 0, port: 443, target: "mail.contoso.com".into() }]);
        let none = SystemResolver::with_nameservers(vec![], Duration::from_millis(10));
        assert_eq!(none.lookup_srv("x.y").await, Err(SrvError::NoNameServer));
    }
}
