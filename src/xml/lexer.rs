//! The tokenizer under [`XmlReader`](super::XmlReader): cuts a document held as `&str` into tags,
//! text runs and references, borrowing every piece from the input (the input is already UTF-8 and
//! every cut is at an ASCII delimiter, so no piece is re-validated or copied).
//!
//! It checks the shape of markup (tag and attribute syntax, closed comments, CDATA sections and
//! processing instructions, terminated references); the reader above it checks nesting, end names,
//! depth and what may appear where. A DOCTYPE is reported as soon as it starts, unread, so that no
//! declaration inside it is ever looked at.

use std::borrow::Cow;

/// One piece of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// `<name attrs>` or `<name attrs/>`; `attrs` is the raw text after the name.
    Start { name: &'a str, attrs: &'a str, empty: bool },
    /// `</name>`.
    End { name: &'a str },
    /// Character data up to the next `<` or `&`, as written (line ends not yet normalized).
    Text(&'a str),
    /// The content of `<![CDATA[…]]>`.
    CData(&'a str),
    /// The name between `&` and `;` of a reference.
    Ref(&'a str),
    /// `<!--…-->`.
    Comment,
    /// `<?target …?>`.
    Pi,
    /// `<?xml …?>`.
    Decl,
    /// The start of `<!DOCTYPE`; the lexer moves to the end of the input.
    DocType,
    /// The end of the input.
    Eof,
}

/// A syntax error: what and at which byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LexError {
    pub pos: usize,
    pub msg: &'static str,
}

/// The tokenizer's position in the document.
#[derive(Debug, Clone)]
pub(super) struct Lexer<'a> {
    input: &'a str,
    pos: usize,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Byte classes for names: bit 1 a byte that may start a name, bit 2 one that may continue it
/// (every byte of a multi-byte character counts as a name byte).
static NAME_BYTES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        let start = c.is_ascii_alphabetic() || c == b'_' || c == b':' || c >= 0x80;
        let more = start || c.is_ascii_digit() || c == b'-' || c == b'.';
        t[b] = (start as u8) | ((more as u8) << 1);
        b += 1;
    }
    t
};

/// The length of the XML name at the start of `s` (0 when `s` does not start with one).
#[inline]
fn name_len(s: &[u8]) -> usize {
    match s.first() {
        Some(&b) if NAME_BYTES[b as usize] & 1 != 0 => {
            1 + s[1..].iter().position(|&b| NAME_BYTES[b as usize] & 2 == 0).unwrap_or(s.len() - 1)
        }
        _ => 0,
    }
}

impl<'a> Lexer<'a> {
    /// A lexer at the start of `input`, past a byte-order mark if there is one.
    pub fn new(input: &'a str) -> Self {
        Lexer { input, pos: if input.starts_with('\u{FEFF}') { 3 } else { 0 } }
    }

    /// Byte offset of the next unread byte.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// The unread rest of the input.
    pub fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    /// Moves past `n` bytes the caller has read itself from [`Lexer::rest`]; `n` must end on a
    /// character boundary.
    pub fn advance(&mut self, n: usize) {
        debug_assert!(self.input.is_char_boundary(self.pos + n));
        self.pos += n;
    }

    fn err(&self, pos: usize, msg: &'static str) -> LexError {
        LexError { pos, msg }
    }

    /// The next token.
    pub fn next_token(&mut self) -> Result<Token<'a>, LexError> {
        let bytes = self.input.as_bytes();
        let start = self.pos;
        match bytes.get(start) {
            None => Ok(Token::Eof),
            Some(b'<') => self.markup(start),
            Some(b'&') => {
                let rest = &bytes[start + 1..];
                let end = rest
                    .iter()
                    .position(|&b| b == b';' || b == b'<' || b == b'&' || is_space(b))
                    .filter(|&i| rest[i] == b';' && i > 0)
                    .ok_or_else(|| self.err(start, "a reference not closed by ';'"))?;
                self.pos = start + 1 + end + 1;
                Ok(Token::Ref(&self.input[start + 1..start + 1 + end]))
            }
            Some(_) => {
                let len = memchr::memchr2(b'<', b'&', &bytes[start..]).unwrap_or(bytes.len() - start);
                self.pos = start + len;
                Ok(Token::Text(&self.input[start..start + len]))
            }
        }
    }

    /// Finds `pat` at or after `from`; the offset just past it.
    fn find_after(&self, from: usize, pat: &str, what: &'static str, at: usize) -> Result<usize, LexError> {
        memchr::memmem::find(&self.input.as_bytes()[from..], pat.as_bytes())
            .map(|i| from + i + pat.len())
            .ok_or_else(|| self.err(at, what))
    }

    fn markup(&mut self, start: usize) -> Result<Token<'a>, LexError> {
        let bytes = self.input.as_bytes();
        let rest = &bytes[start + 1..];
        match rest.first() {
            Some(b'/') => {
                let n = name_len(&rest[1..]);
                if n == 0 {
                    return Err(self.err(start, "an end tag without a name"));
                }
                let after = start + 2 + n;
                let close = bytes[after..]
                    .iter()
                    .position(|&b| !is_space(b))
                    .filter(|&i| bytes[after + i] == b'>')
                    .ok_or_else(|| self.err(start, "an end tag not closed by '>'"))?;
                self.pos = after + close + 1;
                Ok(Token::End { name: &self.input[start + 2..after] })
            }
            Some(b'!') => {
                if rest.starts_with(b"!--") {
                    self.pos = self.find_after(start + 4, "-->", "a comment not closed by '-->'", start)?;
                    Ok(Token::Comment)
                } else if rest.starts_with(b"![CDATA[") {
                    let from = start + 9;
                    self.pos = self.find_after(from, "]]>", "a CDATA section not closed by ']]>'", start)?;
                    Ok(Token::CData(&self.input[from..self.pos - 3]))
                } else if rest.len() >= 8 && rest[1..8].eq_ignore_ascii_case(b"DOCTYPE") {
                    // Not read: nothing after it is looked at.
                    self.pos = bytes.len();
                    Ok(Token::DocType)
                } else {
                    Err(self.err(start, "unknown markup after '<!'"))
                }
            }
            Some(b'?') => {
                self.pos = self.find_after(start + 2, "?>", "a processing instruction not closed by '?>'", start)?;
                let target = &rest[1..];
                let n = name_len(target);
                if n == 0 {
                    return Err(self.err(start, "a processing instruction without a target"));
                }
                Ok(if target[..n].eq_ignore_ascii_case(b"xml") { Token::Decl } else { Token::Pi })
            }
            _ => {
                let n = name_len(rest);
                if n == 0 {
                    return Err(self.err(start, "a start tag without a name"));
                }
                let name_end = start + 1 + n;
                let name = &self.input[start + 1..name_end];
                // The common tags without attributes.
                match bytes.get(name_end) {
                    Some(b'>') => {
                        self.pos = name_end + 1;
                        return Ok(Token::Start { name, attrs: "", empty: false });
                    }
                    Some(b'/') if bytes.get(name_end + 1) == Some(&b'>') => {
                        self.pos = name_end + 2;
                        return Ok(Token::Start { name, attrs: "", empty: true });
                    }
                    _ => {}
                }
                // The closing '>' outside quoted attribute values.
                let mut i = name_end;
                let mut quote = None;
                loop {
                    let Some(&b) = bytes.get(i) else {
                        return Err(self.err(start, "a start tag not closed by '>'"));
                    };
                    match quote {
                        Some(q) if b == q => quote = None,
                        Some(_) if b == b'<' => return Err(self.err(i, "'<' in an attribute value")),
                        Some(_) => {}
                        None if b == b'"' || b == b'\'' => quote = Some(b),
                        None if b == b'>' => break,
                        None if b == b'<' => return Err(self.err(i, "'<' inside a tag")),
                        None => {}
                    }
                    i += 1;
                }
                let empty = bytes[i - 1] == b'/' && i > name_end;
                let attrs_end = if empty { i - 1 } else { i };
                let attrs = &self.input[name_end..attrs_end];
                if !attrs.is_empty() && !is_space(attrs.as_bytes()[0]) {
                    return Err(self.err(start, "a tag name followed by something other than a space"));
                }
                self.pos = i + 1;
                Ok(Token::Start { name, attrs, empty })
            }
        }
    }
}

/// The attributes of a start tag, one `(qualified name, raw value)` at a time; `Err` carries the
/// offset within the attribute text of a malformed one.
pub(super) struct Attrs<'a> {
    raw: &'a str,
    pos: usize,
}

impl<'a> Attrs<'a> {
    pub fn new(raw: &'a str) -> Self {
        Attrs { raw, pos: 0 }
    }
}

impl<'a> Iterator for Attrs<'a> {
    type Item = Result<(&'a str, &'a str), &'static str>;

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.raw.as_bytes();
        let mut i = self.pos;
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if i == b.len() {
            self.pos = i;
            return None;
        }
        // Stop after an error: the rest cannot be trusted.
        self.pos = b.len();
        let n = name_len(&b[i..]);
        if n == 0 {
            return Some(Err("an attribute without a name"));
        }
        let key = &self.raw[i..i + n];
        i += n;
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            return Some(Err("an attribute without '='"));
        }
        i += 1;
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        let Some(&q) = b.get(i).filter(|&&q| q == b'"' || q == b'\'') else {
            return Some(Err("an attribute value not in quotes"));
        };
        let Some(len) = b[i + 1..].iter().position(|&c| c == q) else {
            return Some(Err("an attribute value without its closing quote"));
        };
        let value = &self.raw[i + 1..i + 1 + len];
        i += len + 2;
        if i < b.len() && !is_space(b[i]) {
            return Some(Err("attributes not separated by a space"));
        }
        self.pos = i;
        Some(Ok((key, value)))
    }
}

/// The replacement text of reference `&name;`, or why there is none.
pub(super) fn resolve_reference(name: &str) -> Result<Cow<'static, str>, RefError> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => num.parse::<u32>(),
        };
        let c = code.ok().filter(|_| !num.starts_with('+') && !num.starts_with("x+")).and_then(char::from_u32);
        return match c {
            Some(c) if matches!(c, '\t' | '\n' | '\r') || c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                Ok(Cow::Owned(c.to_string()))
            }
            _ => Err(RefError::BadCharacter),
        };
    }
    Ok(Cow::Borrowed(match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => return Err(RefError::Unknown),
    }))
}

/// Why a reference has no replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RefError {
    /// A character reference to no character, or to one XML does not allow.
    BadCharacter,
    /// An entity other than the five predefined ones.
    Unknown,
}

/// An attribute value after XML 1.0 normalization: references replaced, each white-space
/// character (and each `\r\n`) turned into one space. Borrowed when nothing changes.
pub(super) fn normalize_attribute(raw: &str) -> Result<Cow<'_, str>, (RefError, &str)> {
    if !raw.bytes().any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r')) {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(['&', '\t', '\n', '\r']) {
        out.push_str(&rest[..i]);
        let b = rest.as_bytes()[i];
        if b == b'&' {
            let end = rest[i..].find(';').ok_or((RefError::Unknown, &rest[i + 1..]))?;
            let name = &rest[i + 1..i + end];
            out.push_str(&resolve_reference(name).map_err(|e| (e, name))?);
            rest = &rest[i + end + 1..];
        } else {
            out.push(' ');
            let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
            rest = &rest[i + skip..];
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// Text with XML 1.0 line-end normalization (`\r\n` and a lone `\r` become `\n`).
pub(super) fn normalize_line_ends(text: &str) -> Cow<'_, str> {
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(s: &str) -> Result<Vec<Token<'_>>, LexError> {
        let mut l = Lexer::new(s);
        let mut out = Vec::new();
        loop {
            let t = l.next_token()?;
            if t == Token::Eof {
                return Ok(out);
            }
            out.push(t);
        }
    }

    #[test]
    fn cuts_markup_text_and_references() {
        let t = tokens("<?xml version='1.0'?><a x='1>2' y=\"\"><!--c--><b/>t&amp;<![CDATA[<r>]]></a >").unwrap();
        assert_eq!(
            t,
            vec![
                Token::Decl,
                Token::Start { name: "a", attrs: " x='1>2' y=\"\"", empty: false },
                Token::Comment,
                Token::Start { name: "b", attrs: "", empty: true },
                Token::Text("t"),
                Token::Ref("amp"),
                Token::CData("<r>"),
                Token::End { name: "a" },
            ]
        );
    }

    #[test]
    fn malformed_markup_is_an_error() {
        for bad in ["<", "<a", "< a>", "<a b='1>", "</a", "</>", "<!-- x", "<![CDATA[x", "<?pi", "&amp", "&;", "<!x>"] {
            assert!(tokens(bad).is_err(), "{bad:?}");
        }
        assert_eq!(tokens("<!doctype x>").unwrap(), vec![Token::DocType]);
    }

    #[test]
    fn attributes_split_and_normalize() {
        let a: Vec<_> = Attrs::new(" a='1' t:b = \"x&amp;y\"").collect();
        assert_eq!(a, vec![Ok(("a", "1")), Ok(("t:b", "x&amp;y"))]);
        assert!(Attrs::new(" a='1'b='2'").next().unwrap().is_err());
        assert!(Attrs::new(" a").next().unwrap().is_err());
        assert_eq!(normalize_attribute("x&amp;y\r\nz&#65;").unwrap(), "x&y zA");
        assert!(matches!(normalize_attribute("plain"), Ok(Cow::Borrowed("plain"))));
        assert_eq!(normalize_attribute("&xxe;").unwrap_err(), (RefError::Unknown, "xxe"));
        assert_eq!(resolve_reference("#0").unwrap_err(), RefError::BadCharacter);
        assert_eq!(resolve_reference("#x20AC").unwrap(), "€");
    }
}
