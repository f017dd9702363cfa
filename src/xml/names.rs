//! `xml_names!`: a set of element names looked up with a perfect hash built at compile time, so a
//! type reading many kinds of children finds which one it holds with one hash and one comparison
//! instead of a chain of string comparisons.

/// Slots of a [`NameTable`]; a power of two, and at least four times the largest set in use.
const SLOTS: usize = 256;

/// A perfect hash over a fixed set of names: each name has a slot of its own.
#[derive(Debug)]
pub(crate) struct NameTable {
    names: &'static [&'static str],
    seed: u32,
    /// `1 + index` into `names`, or 0 for an empty slot.
    slots: [u8; SLOTS],
}

/// Hash of a few bytes of `name` (its length, first, last and two inner bytes) and `seed`.
const fn signature(name: &[u8], seed: u32) -> usize {
    let n = name.len();
    let mut h = seed ^ (n as u32).wrapping_mul(0x9E37_79B9);
    if n > 0 {
        let picks = [name[0], name[n / 4], name[n / 2], name[(3 * n) / 4], name[n - 1]];
        let mut i = 0;
        while i < picks.len() {
            h = (h ^ picks[i] as u32).wrapping_mul(0x0100_0193);
            i += 1;
        }
    }
    h ^= h >> 16;
    h as usize & (SLOTS - 1)
}

impl NameTable {
    /// Builds the table, trying seeds until every name has its own slot. Evaluated at compile time:
    /// a set that no seed separates (or that is too large) fails the build.
    pub(crate) const fn new(names: &'static [&'static str]) -> Self {
        assert!(names.len() * 4 <= SLOTS, "too many names for one table");
        let mut seed = 0;
        while seed < 100_000 {
            let mut slots = [0u8; SLOTS];
            let mut i = 0;
            let mut ok = true;
            while i < names.len() {
                let s = signature(names[i].as_bytes(), seed);
                if slots[s] != 0 {
                    ok = false;
                    break;
                }
                slots[s] = (i + 1) as u8;
                i += 1;
            }
            if ok {
                return NameTable { names, seed, slots };
            }
            seed += 1;
        }
        panic!("no perfect hash found for these names");
    }

    /// The index of `name` in the table's names.
    #[inline]
    pub(crate) fn index(&self, name: &str) -> Option<usize> {
        let i = self.slots[signature(name.as_bytes(), self.seed)] as usize;
        (i != 0 && self.names[i - 1] == name).then(|| i - 1)
    }
}

/// Declares a fieldless enum whose variants are element local names (in the order given, which is
/// the schema order where that matters), with `from_name` (a [`NameTable`] lookup) and `NAMES`.
macro_rules! xml_names {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $($variant:ident),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        $vis enum $name {
            $(
                #[doc = concat!("`", stringify!($variant), "`")]
                $variant
            ),+
        }

        impl $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The element names, in declaration order.
            #[allow(dead_code)]
            $vis const NAMES: &'static [&'static str] = &[$(stringify!($variant)),+];

            /// The variant named `name`, if any.
            #[inline]
            $vis fn from_name(name: &str) -> Option<Self> {
                static TABLE: crate::xml::NameTable = crate::xml::NameTable::new($name::NAMES);
                TABLE.index(name).map(|i| Self::ALL[i])
            }
        }
    };
}

pub(crate) use xml_names;

#[cfg(test)]
mod tests {
    xml_names! {
        enum Probe { Subject, Body, EmailAddress1, EmailAddress2, EmailAddress3, PhoneticFirstName, PhoneticLastName }
    }

    #[test]
    fn every_name_and_only_those_are_found() {
        for (i, n) in Probe::NAMES.iter().enumerate() {
            assert_eq!(Probe::from_name(n), Some(Probe::ALL[i]));
        }
        for n in ["", "subject", "Subjec", "EmailAddress4", "Bodyy", "PhoneticFullName"] {
            assert_eq!(Probe::from_name(n), None, "{n}");
        }
        assert!(Probe::Subject < Probe::Body);
    }
}
