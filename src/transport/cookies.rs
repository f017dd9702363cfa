//! Server affinity: the cookies Exchange sets (`X-BackEndOverrideCookie`, `exchangecookie`,
//! `X-BackEndCookie`, and any other `Set-Cookie`) kept per mailbox and sent back with the next
//! request for that mailbox, so that requests for one mailbox keep reaching the same back end.
//!
//! ```
//! use exsync::transport::cookies::AffinityCookies;
//!
//! let mut jar = AffinityCookies::default();
//! jar.store("Alice@Contoso.com", ["X-BackEndOverrideCookie=EX01~1941997; path=/; secure", "exchangecookie=abc"]);
//! jar.store("bob@contoso.com", ["exchangecookie=bob1"]);
//! assert_eq!(jar.header_for("alice@contoso.com").as_deref(),
//!            Some("X-BackEndOverrideCookie=EX01~1941997; exchangecookie=abc"));
//! jar.store("alice@contoso.com", ["exchangecookie=; Max-Age=0"]);
//! assert_eq!(jar.header_for("alice@contoso.com").as_deref(), Some("X-BackEndOverrideCookie=EX01~1941997"));
//! assert_eq!(jar.header_for("carol@contoso.com"), None);
//! ```

use std::collections::HashMap;
use std::time::SystemTime;

/// Cookies by mailbox (lower case), each a list of `(name, value)` in the order first set.
#[derive(Debug, Clone, Default)]
pub struct AffinityCookies {
    by_mailbox: HashMap<String, Vec<(String, String)>>,
}

/// Whether a `Set-Cookie` line deletes its cookie (`Max-Age` ≤ 0 or `Expires` in the past).
fn deletes(attributes: &str, now: SystemTime) -> bool {
    attributes.split(';').any(|a| {
        let (k, v) = a.split_once('=').map_or((a.trim(), ""), |(k, v)| (k.trim(), v.trim()));
        if k.eq_ignore_ascii_case("max-age") {
            v.parse::<i64>().is_ok_and(|n| n <= 0)
        } else if k.eq_ignore_ascii_case("expires") {
            httpdate::parse_http_date(v).is_ok_and(|t| t <= now)
        } else {
            false
        }
    })
}

impl AffinityCookies {
    /// Takes the `Set-Cookie` values of a response to a request for `mailbox`.
    pub fn store<'a>(&mut self, mailbox: &str, set_cookies: impl IntoIterator<Item = &'a str>) {
        let now = SystemTime::now();
        for line in set_cookies {
            let (pair, attributes) = line.split_once(';').unwrap_or((line, ""));
            let Some((name, value)) = pair.split_once('=') else { continue };
            let (name, value) = (name.trim(), value.trim());
            if name.is_empty() {
                continue;
            }
            let jar = self.by_mailbox.entry(mailbox.to_lowercase()).or_default();
            let existing = jar.iter().position(|(n, _)| n == name);
            if value.is_empty() || deletes(attributes, now) {
                if let Some(i) = existing {
                    jar.remove(i);
                }
            } else if let Some(i) = existing {
                jar[i].1 = value.to_owned();
            } else {
                jar.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    /// The `Cookie` header for a request for `mailbox`, if any cookie is held.
    pub fn header_for(&self, mailbox: &str) -> Option<String> {
        let jar = self.by_mailbox.get(&mailbox.to_lowercase())?;
        if jar.is_empty() {
            return None;
        }
        Some(jar.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("; "))
    }

    /// Forgets the cookies of `mailbox`.
    pub fn forget(&mut self, mailbox: &str) {
        self.by_mailbox.remove(&mailbox.to_lowercase());
    }
}
