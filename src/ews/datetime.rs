//! `xs:dateTime` and `xs:date` as Exchange writes them: with `Z`, with an offset, or without a zone
//! (then the request's `TimeZoneContext` or the item's time zone applies).

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

use crate::xml::XmlValue;

/// An EWS `xs:dateTime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EwsDateTime {
    /// A moment with an offset (`Z` is offset zero).
    Zoned(DateTime<FixedOffset>),
    /// A wall-clock time without a zone.
    Floating(NaiveDateTime),
}

impl EwsDateTime {
    /// A UTC moment.
    pub fn utc(t: DateTime<Utc>) -> Self {
        EwsDateTime::Zoned(t.fixed_offset())
    }

    /// The moment in UTC, if the value has a zone.
    pub fn to_utc(&self) -> Option<DateTime<Utc>> {
        match self {
            EwsDateTime::Zoned(t) => Some(t.with_timezone(&Utc)),
            EwsDateTime::Floating(_) => None,
        }
    }

    /// Parses `2006-11-02T14:00:00Z`, `2017-09-29T16:00:00.5-07:00` or `2006-10-26T21:32:52`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(EwsDateTime::Zoned(t));
        }
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok().map(EwsDateTime::Floating)
    }
}

impl fmt::Display for EwsDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EwsDateTime::Zoned(t) => f.write_str(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            EwsDateTime::Floating(t) => write!(f, "{}", t.format("%Y-%m-%dT%H:%M:%S%.f")),
        }
    }
}

impl XmlValue for EwsDateTime {
    const EXPECTED: &'static str = "an xs:dateTime";
    fn parse_xml(text: &str) -> Option<Self> {
        EwsDateTime::parse(text)
    }
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

/// An EWS `xs:date`, optionally with a zone (`2017-01-01-08:00`, `2017-01-01Z`), as recurrence
/// ranges carry them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EwsDate {
    /// The calendar date.
    pub date: NaiveDate,
    /// The zone suffix, if any.
    pub offset: Option<FixedOffset>,
}

impl EwsDate {
    /// A date without zone.
    pub fn new(date: NaiveDate) -> Self {
        EwsDate { date, offset: None }
    }

    /// Parses `YYYY-MM-DD` with an optional `Z` or `±HH:MM` suffix.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        // The date part is the first 10 characters (four-digit years, as Exchange writes).
        let (d, rest) = (s.get(..10)?, s.get(10..)?);
        let date = NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?;
        let offset = match rest {
            "" => None,
            "Z" => Some(FixedOffset::east_opt(0)?),
            r => {
                let sign = match r.as_bytes().first()? {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let (h, m) = r[1..].split_once(':')?;
                if h.len() != 2 || m.len() != 2 {
                    return None;
                }
                let secs = h.parse::<i32>().ok()? * 3600 + m.parse::<i32>().ok()? * 60;
                Some(FixedOffset::east_opt(sign * secs)?)
            }
        };
        Some(EwsDate { date, offset })
    }
}

impl fmt::Display for EwsDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.date.format("%Y-%m-%d"))?;
        match self.offset {
            None => Ok(()),
            Some(o) if o.local_minus_utc() == 0 => f.write_str("Z"),
            Some(o) => {
                let s = o.local_minus_utc();
                let sign = if s < 0 { '-' } else { '+' };
                let a = s.abs();
                write!(f, "{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60)
            }
        }
    }
}

impl XmlValue for EwsDate {
    const EXPECTED: &'static str = "an xs:date";
    fn parse_xml(text: &str) -> Option<Self> {
        EwsDate::parse(text)
    }
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

macro_rules! serde_as_text {
    ($t:ty) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <Cow<'de, str>>::deserialize(d)?;
                <$t>::parse(&s).ok_or_else(|| serde::de::Error::custom(concat!("invalid ", stringify!($t))))
            }
        }
    };
}
serde_as_text!(EwsDateTime);
serde_as_text!(EwsDate);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_as_exchange_writes_them() {
        for s in
            ["2006-11-02T14:00:00Z", "2017-09-29T16:00:00-07:00", "2006-10-26T21:32:52", "2013-10-14T18:00:00.500Z"]
        {
            let v = EwsDateTime::parse(s).unwrap();
            assert_eq!(v.to_string(), s);
        }
        assert!(EwsDateTime::parse("2006-13-02T14:00:00Z").is_none());
        assert!(EwsDateTime::parse("yesterday").is_none());
    }

    #[test]
    fn dates_with_and_without_zone() {
        for s in ["2017-01-01", "2017-01-01Z", "2017-01-01-08:00", "2006-10-01+05:30"] {
            assert_eq!(EwsDate::parse(s).unwrap().to_string(), s);
        }
        assert!(EwsDate::parse("2017-1-1").is_none());
        assert!(EwsDate::parse("2017-01-01+5").is_none());
    }
}
