//! A pull reader over a whole XML document held in memory, made for typed decoding.
//!
//! It hands out one child element at a time ([`XmlReader::next_child`]), reads text content
//! ([`XmlReader::text`]) and skips what a type does not know ([`XmlReader::unknown`]). Names are
//! matched by local name (namespace prefixes vary between servers and documentation samples).
//! Hostile input is bounded: DTDs are refused, nesting depth and document size are limited, and every
//! failure is an [`XmlError`] carrying the element path, line and column.
//!
//! Text and attribute values are borrowed from the input whenever they need no unescaping, and a
//! leaf element (`<x>text</x>`) is read in one step.

use std::borrow::Cow;

use super::error::{XmlError, XmlErrorKind};
use super::lexer::{
    Attrs, LexError, Lexer, RefError, Token, normalize_attribute, normalize_line_ends, resolve_reference,
};

/// Bounds on what a document may demand of the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest element nesting accepted.
    pub max_depth: usize,
    /// Largest document accepted, in bytes.
    pub max_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: 64, max_bytes: 64 * 1024 * 1024 }
    }
}

/// An element start handed out by [`XmlReader`]; pass it back to read its content.
#[derive(Debug)]
pub struct Element<'a> {
    /// The raw attribute text after the name.
    attrs: &'a str,
    qname: &'a str,
    local: &'a str,
    pos: usize,
    content_start: usize,
    depth: usize,
    empty: bool,
}

impl<'a> Element<'a> {
    /// The local name (without namespace prefix), e.g. `ItemId` for `<t:ItemId>`.
    pub fn name(&self) -> &'a str {
        self.local
    }

    /// The qualified name as written, e.g. `t:ItemId`.
    pub fn qualified_name(&self) -> &'a str {
        self.qname
    }

    /// Whether the element was written as `<x/>` (it has no content).
    pub fn is_empty(&self) -> bool {
        self.empty
    }
}

/// Reads a document element by element. See the module documentation.
pub struct XmlReader<'a> {
    lexer: Lexer<'a>,
    input: &'a str,
    /// Byte offset of the `<` and the qualified name of each open element.
    stack: Vec<(usize, &'a str)>,
    strict: bool,
    limits: Limits,
}

impl std::fmt::Debug for XmlReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XmlReader").field("path", &self.path()).field("strict", &self.strict).finish()
    }
}

fn local_of(qname: &str) -> &str {
    match qname.bytes().position(|b| b == b':') {
        Some(i) => &qname[i + 1..],
        None => qname,
    }
}

fn is_xml_space(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

impl<'a> XmlReader<'a> {
    /// A lenient reader with default [`Limits`]: unknown elements are skipped, as a client must do
    /// with what newer servers send.
    pub fn new(input: &'a str) -> Result<Self, XmlError> {
        Self::with_limits(input, Limits::default())
    }

    /// A reader with explicit limits.
    pub fn with_limits(input: &'a str, limits: Limits) -> Result<Self, XmlError> {
        let reader =
            XmlReader { lexer: Lexer::new(input), input, stack: Vec::with_capacity(16), strict: false, limits };
        if input.len() > limits.max_bytes {
            return Err(reader.error_at(0, XmlErrorKind::TooLarge { size: input.len(), limit: limits.max_bytes }));
        }
        Ok(reader)
    }

    /// In strict mode unknown elements and stray text are errors (a server checking requests).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Whether the reader is strict.
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// The slash-separated path of the open elements.
    pub fn path(&self) -> String {
        let mut p = String::new();
        for &(_, name) in &self.stack {
            p.push('/');
            p.push_str(name);
        }
        if p.is_empty() {
            p.push('/');
        }
        p
    }

    fn error_at(&self, pos: usize, kind: XmlErrorKind) -> XmlError {
        let pos = pos.min(self.input.len());
        let before = &self.input.as_bytes()[..pos];
        let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        XmlError { kind, path: self.path(), line, column: (pos - line_start) as u64 + 1 }
    }

    /// An error at the reader's current position.
    pub fn error(&self, kind: XmlErrorKind) -> XmlError {
        self.error_at(self.lexer.pos(), kind)
    }

    /// An error naming an element (its start position is used).
    pub fn error_on(&self, el: &Element<'_>, kind: XmlErrorKind) -> XmlError {
        let mut e = self.error_at(el.pos, kind);
        if !self.is_open(el) {
            if !e.path.ends_with('/') {
                e.path.push('/');
            }
            e.path.push_str(el.qname);
        }
        e
    }

    /// An "invalid value" error for `value` in element `el`.
    pub fn invalid(&self, el: &Element<'_>, value: &str, expected: &'static str) -> XmlError {
        self.error_on(el, XmlErrorKind::InvalidValue { value: XmlError::shorten(value), expected })
    }

    fn syntax(&self, e: LexError) -> XmlError {
        self.error_at(e.pos, XmlErrorKind::Syntax(e.msg.to_owned()))
    }

    fn read(&mut self) -> Result<(usize, Token<'a>), XmlError> {
        let pos = self.lexer.pos();
        match self.lexer.next_token() {
            Ok(t) => Ok((pos, t)),
            Err(e) => Err(self.syntax(e)),
        }
    }

    fn open(&mut self, pos: usize, qname: &'a str, attrs: &'a str, empty: bool) -> Result<Element<'a>, XmlError> {
        let depth = self.stack.len() + 1;
        if depth > self.limits.max_depth {
            return Err(self.error_at(pos, XmlErrorKind::TooDeep { limit: self.limits.max_depth }));
        }
        if !empty {
            self.stack.push((pos, qname));
        }
        Ok(Element { attrs, qname, local: local_of(qname), pos, content_start: self.lexer.pos(), depth, empty })
    }

    /// The root element of the document (skipping the declaration, comments and whitespace).
    pub fn root(&mut self) -> Result<Element<'a>, XmlError> {
        loop {
            let (pos, t) = self.read()?;
            match t {
                Token::Start { name, attrs, empty } => return self.open(pos, name, attrs, empty),
                Token::Decl | Token::Comment | Token::Pi => {}
                Token::Text(t) if is_xml_space(t) => {}
                Token::DocType => return Err(self.error_at(pos, XmlErrorKind::DtdRefused)),
                Token::Eof => return Err(self.error_at(pos, XmlErrorKind::UnexpectedEof)),
                _ => {
                    return Err(self.error_at(pos, XmlErrorKind::UnexpectedContent("content before the root element")));
                }
            }
        }
    }

    /// Checks that nothing but comments and whitespace follow the root element.
    pub fn finish(&mut self) -> Result<(), XmlError> {
        while !self.stack.is_empty() {
            self.skip_open()?;
        }
        loop {
            let (pos, t) = self.read()?;
            match t {
                Token::Eof => return Ok(()),
                Token::Comment | Token::Pi => {}
                Token::Text(t) if is_xml_space(t) => {}
                Token::DocType => return Err(self.error_at(pos, XmlErrorKind::DtdRefused)),
                _ => {
                    return Err(self.error_at(pos, XmlErrorKind::UnexpectedContent("content after the root element")));
                }
            }
        }
    }

    /// Closes the innermost open element; the end tag must name it.
    fn close(&mut self, pos: usize, name: &str) -> Result<(), XmlError> {
        match self.stack.last() {
            Some(&(_, open)) if open == name => {
                self.stack.pop();
                Ok(())
            }
            Some(&(_, open)) => Err(self.error_at(
                pos,
                XmlErrorKind::Syntax(format!("expected </{open}>, found </{}>", XmlError::shorten(name))),
            )),
            None => Err(self.error_at(pos, XmlErrorKind::Syntax("end tag without a start tag".into()))),
        }
    }

    /// Whether `el` is still open at the top of the stack.
    fn is_current(&self, el: &Element<'_>) -> bool {
        !el.empty && self.stack.len() == el.depth && self.stack.last().map(|e| e.0) == Some(el.pos)
    }

    fn is_open(&self, el: &Element<'_>) -> bool {
        !el.empty && self.stack.len() >= el.depth && self.stack.get(el.depth - 1).map(|e| e.0) == Some(el.pos)
    }

    /// Skips to the end of the innermost open element.
    fn skip_open(&mut self) -> Result<(), XmlError> {
        let target = self.stack.len();
        loop {
            let (pos, t) = self.read()?;
            match t {
                Token::Start { name, attrs, empty } => {
                    self.open(pos, name, attrs, empty)?;
                }
                Token::End { name } => {
                    self.close(pos, name)?;
                    if self.stack.len() < target {
                        return Ok(());
                    }
                }
                Token::DocType => return Err(self.error_at(pos, XmlErrorKind::DtdRefused)),
                Token::Ref(r) => {
                    self.resolve_ref(pos, r)?;
                }
                Token::Decl => {
                    return Err(self.error_at(pos, XmlErrorKind::UnexpectedContent("XML declaration")));
                }
                Token::Eof => return Err(self.error_at(pos, XmlErrorKind::UnexpectedEof)),
                Token::Text(_) | Token::CData(_) | Token::Comment | Token::Pi => {}
            }
        }
    }

    fn ref_error(&self, pos: usize, e: RefError, name: &str) -> XmlError {
        match e {
            RefError::Unknown => self.error_at(pos, XmlErrorKind::UnknownEntity(XmlError::shorten(name))),
            RefError::BadCharacter => self.error_at(
                pos,
                XmlErrorKind::Syntax(format!("&{}; is not a character XML allows", XmlError::shorten(name))),
            ),
        }
    }

    fn resolve_ref(&self, pos: usize, name: &str) -> Result<Cow<'static, str>, XmlError> {
        resolve_reference(name).map_err(|e| self.ref_error(pos, e, name))
    }

    /// The next child element of `parent`, or `None` when `parent` has ended. A child the caller
    /// did not consume is skipped first.
    pub fn next_child(&mut self, parent: &Element<'a>) -> Result<Option<Element<'a>>, XmlError> {
        if !self.is_open(parent) {
            return Ok(None);
        }
        while self.stack.len() > parent.depth {
            self.skip_open()?;
        }
        loop {
            let (pos, t) = self.read()?;
            match t {
                Token::Start { name, attrs, empty } => return self.open(pos, name, attrs, empty).map(Some),
                Token::End { name } => {
                    self.close(pos, name)?;
                    return Ok(None);
                }
                Token::Text(t) => {
                    if self.strict && !is_xml_space(t) {
                        return Err(self.error_at(pos, XmlErrorKind::UnexpectedContent("text between elements")));
                    }
                }
                Token::CData(_) | Token::Ref(_) => {
                    if self.strict {
                        return Err(self.error_at(pos, XmlErrorKind::UnexpectedContent("text between elements")));
                    }
                    if let Token::Ref(r) = t {
                        self.resolve_ref(pos, r)?;
                    }
                }
                Token::Comment | Token::Pi => {}
                Token::DocType => return Err(self.error_at(pos, XmlErrorKind::DtdRefused)),
                Token::Decl => {
                    return Err(self.error_at(pos, XmlErrorKind::UnexpectedContent("XML declaration")));
                }
                Token::Eof => return Err(self.error_at(pos, XmlErrorKind::UnexpectedEof)),
            }
        }
    }

    /// The common leaf `text</qname>` read in one step: when the content of the innermost open
    /// element is plain text (no markup, reference or carriage return) directly followed by its own
    /// end tag, that text is borrowed from the input and the end tag consumed with it. Anything else
    /// is left to the token path (`None`).
    fn plain_leaf_text(&mut self) -> Option<&'a str> {
        let &(_, qname) = self.stack.last()?;
        let rest = self.lexer.rest();
        let bytes = rest.as_bytes();
        let lt = memchr::memchr3(b'<', b'&', b'\r', bytes)?;
        let close = 2 + qname.len();
        let tail = &bytes[lt..];
        if tail.len() <= close || tail[0] != b'<' || tail[1] != b'/' || tail[close] != b'>' {
            return None;
        }
        if &tail[2..close] != qname.as_bytes() {
            return None;
        }
        // `rest[..lt]` ends before an ASCII `<`, so on a character boundary.
        let text = &rest[..lt];
        self.lexer.advance(lt + close + 1);
        self.stack.pop();
        Some(text)
    }

    /// The text content of `el` (entity and character references resolved), consuming it. An element
    /// inside is an error.
    pub fn text(&mut self, el: &Element<'a>) -> Result<Cow<'a, str>, XmlError> {
        if el.empty {
            return Ok(Cow::Borrowed(""));
        }
        if !self.is_current(el) {
            return Err(self.error_on(el, XmlErrorKind::UnexpectedContent("read of an element already consumed")));
        }
        if let Some(text) = self.plain_leaf_text() {
            return Ok(Cow::Borrowed(text));
        }
        let mut acc: Option<Cow<'a, str>> = None;
        loop {
            let (pos, t) = self.read()?;
            let piece: Cow<'a, str> = match t {
                Token::Text(t) => normalize_line_ends(t),
                Token::CData(c) => Cow::Borrowed(c),
                Token::Ref(r) => self.resolve_ref(pos, r)?,
                Token::End { name } => {
                    self.close(pos, name)?;
                    return Ok(acc.unwrap_or(Cow::Borrowed("")));
                }
                Token::Comment | Token::Pi => continue,
                Token::Start { .. } => {
                    return Err(self.error_at(pos, XmlErrorKind::UnexpectedContent("element where text was expected")));
                }
                Token::DocType => return Err(self.error_at(pos, XmlErrorKind::DtdRefused)),
                Token::Decl => {
                    return Err(self.error_at(pos, XmlErrorKind::UnexpectedContent("XML declaration")));
                }
                Token::Eof => return Err(self.error_at(pos, XmlErrorKind::UnexpectedEof)),
            };
            acc = Some(match acc {
                None => piece,
                Some(prev) => {
                    let mut s = prev.into_owned();
                    s.push_str(&piece);
                    Cow::Owned(s)
                }
            });
        }
    }

    /// The text of `el` parsed as a [`XmlValue`].
    pub fn value<T: XmlValue>(&mut self, el: &Element<'a>) -> Result<T, XmlError> {
        let text = self.text(el)?;
        T::parse_xml(&text).ok_or_else(|| self.invalid(el, &text, T::EXPECTED))
    }

    /// Skips `el` and everything inside it.
    pub fn skip(&mut self, el: &Element<'a>) -> Result<(), XmlError> {
        if !self.is_open(el) {
            return Ok(());
        }
        while self.stack.len() >= el.depth {
            self.skip_open()?;
        }
        Ok(())
    }

    /// The raw XML between the start and end tags of `el` (not unescaped), consuming it. For
    /// content that is carried through untouched (`MessageXml` details).
    pub fn inner_xml(&mut self, el: &Element<'a>) -> Result<&'a str, XmlError> {
        if el.empty {
            return Ok("");
        }
        self.skip(el)?;
        let end = self.lexer.pos();
        let inner = &self.input[el.content_start..end];
        let close = inner.rfind("</").unwrap_or(inner.len());
        Ok(&inner[..close])
    }

    /// An element the caller's type does not know: skipped when lenient, an error when strict.
    pub fn unknown(&mut self, el: &Element<'a>) -> Result<(), XmlError> {
        if self.strict {
            return Err(self.error_on(el, XmlErrorKind::UnexpectedElement(el.qname.to_owned())));
        }
        self.skip(el)
    }

    /// Each attribute of `el` that is not a namespace declaration, as (qualified name, local name,
    /// raw value), in one pass over the tag.
    fn each_attr(
        &self,
        el: &Element<'a>,
        mut f: impl FnMut(&'a str, &'a str) -> Result<bool, XmlError>,
    ) -> Result<(), XmlError> {
        for a in Attrs::new(el.attrs) {
            let (key, raw) = a.map_err(|m| self.error_on(el, XmlErrorKind::Syntax(m.to_owned())))?;
            if key.starts_with("xmlns") && (key.len() == 5 || key.as_bytes()[5] == b':') {
                continue;
            }
            if !f(key, raw)? {
                break;
            }
        }
        Ok(())
    }

    fn attr_text(&self, el: &Element<'a>, raw: &'a str) -> Result<Cow<'a, str>, XmlError> {
        normalize_attribute(raw).map_err(|(e, name)| {
            let mut err = self.ref_error(el.pos, e, name);
            if !self.is_open(el) {
                err = self.error_on(el, err.kind);
            }
            err
        })
    }

    /// The value of attribute `name` (matched by local name) on `el`, unescaped and borrowed from
    /// the input when it needs no unescaping.
    pub fn attr_str(&self, el: &Element<'a>, name: &str) -> Result<Option<Cow<'a, str>>, XmlError> {
        let mut found = None;
        self.each_attr(el, |key, raw| {
            if local_of(key) == name {
                found = Some(raw);
                return Ok(false);
            }
            Ok(true)
        })?;
        found.map(|raw| self.attr_text(el, raw)).transpose()
    }

    /// The value of attribute `name` (matched by local name) on `el`, unescaped.
    pub fn attr(&self, el: &Element<'a>, name: &str) -> Result<Option<String>, XmlError> {
        Ok(self.attr_str(el, name)?.map(Cow::into_owned))
    }

    /// All attributes of `el` as (local name, unescaped value), namespace declarations left out.
    /// An attribute given twice is an error.
    pub fn attributes(&self, el: &Element<'a>) -> Result<Vec<(String, String)>, XmlError> {
        let mut keys: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        self.each_attr(el, |key, raw| {
            if keys.contains(&key) {
                return Err(self
                    .error_on(el, XmlErrorKind::Syntax(format!("attribute {} given twice", XmlError::shorten(key)))));
            }
            keys.push(key);
            out.push((local_of(key).to_owned(), self.attr_text(el, raw)?.into_owned()));
            Ok(true)
        })?;
        Ok(out)
    }

    /// The values of several attributes (matched by local name) in one pass over the element's
    /// attributes, in the order of `names`.
    pub fn attrs<const N: usize>(&self, el: &Element<'a>, names: [&str; N]) -> Result<[Option<String>; N], XmlError> {
        let mut out: [Option<String>; N] = std::array::from_fn(|_| None);
        self.each_attr(el, |key, raw| {
            if let Some(i) = names.iter().position(|n| *n == local_of(key)) {
                out[i] = Some(self.attr_text(el, raw)?.into_owned());
            }
            Ok(true)
        })?;
        Ok(out)
    }

    /// The value of a required attribute.
    pub fn required_attr(&self, el: &Element<'a>, name: &'static str) -> Result<String, XmlError> {
        self.attr(el, name)?.ok_or_else(|| self.error_on(el, XmlErrorKind::MissingAttribute(name)))
    }

    /// An optional attribute parsed as a [`XmlValue`] (no copy of the text is made).
    pub fn attr_value<T: XmlValue>(&self, el: &Element<'a>, name: &str) -> Result<Option<T>, XmlError> {
        match self.attr_str(el, name)? {
            None => Ok(None),
            Some(v) => T::parse_xml(&v).map(Some).ok_or_else(|| self.invalid(el, &v, T::EXPECTED)),
        }
    }

    /// The children of `el` named `child` (local name), each read as `T`: an array type such as
    /// `ArrayOfRecipientsType`. Other children are [unknown](XmlReader::unknown).
    pub fn list<T: FromXml>(&mut self, el: &Element<'a>, child: &str) -> Result<Vec<T>, XmlError> {
        self.choice_list(el, |r, c| if c.name() == child { T::from_xml(r, c).map(Some) } else { Ok(None) })
    }

    /// The children of `el` named `child` (local name), each parsed as an [`XmlValue`]: an array
    /// type such as `ArrayOfStringsType`. Other children are [unknown](XmlReader::unknown).
    pub fn value_list<T: XmlValue>(&mut self, el: &Element<'a>, child: &str) -> Result<Vec<T>, XmlError> {
        self.choice_list(el, |r, c| if c.name() == child { r.value(c).map(Some) } else { Ok(None) })
    }

    /// The children of `el`, each read by `read`, which returns `None` for an element it does not
    /// read (that element is then [unknown](XmlReader::unknown)): an array of a choice of elements,
    /// such as `ArrayOfRealItemsType`.
    pub fn choice_list<T>(
        &mut self,
        el: &Element<'a>,
        mut read: impl FnMut(&mut Self, &Element<'a>) -> Result<Option<T>, XmlError>,
    ) -> Result<Vec<T>, XmlError> {
        let mut out = Vec::new();
        while let Some(c) = self.next_child(el)? {
            match read(self, &c)? {
                Some(v) => out.push(v),
                None => self.unknown(&c)?,
            }
        }
        Ok(out)
    }

    /// A "missing element" error on `parent`.
    pub fn missing(&self, parent: &Element<'_>, name: &'static str) -> XmlError {
        self.error_on(parent, XmlErrorKind::MissingElement(name))
    }

    /// Reads the root, checks its local name, decodes it with `T` and checks the document ends.
    pub fn document<T: FromXml>(input: &'a str, expected_root: &'static str) -> Result<T, XmlError> {
        let mut r = XmlReader::new(input)?;
        r.read_document(expected_root)
    }

    /// As [`XmlReader::document`] on an already configured reader.
    pub fn read_document<T: FromXml>(&mut self, expected_root: &'static str) -> Result<T, XmlError> {
        let root = self.root()?;
        if root.name() != expected_root {
            return Err(self.error_on(&root, XmlErrorKind::UnexpectedElement(root.qname.to_owned())));
        }
        let v = T::from_xml(self, &root)?;
        self.finish()?;
        Ok(v)
    }
}

/// A type read from an element (its attributes and content).
pub trait FromXml: Sized {
    /// Reads `el`, consuming its content.
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError>;
}

/// A type carried as the text of an element or attribute.
pub trait XmlValue: Sized {
    /// What the value should look like, for error messages.
    const EXPECTED: &'static str;
    /// Parses the text; `None` when it is not a valid value.
    fn parse_xml(text: &str) -> Option<Self>;
    /// The text form.
    fn to_xml_text(&self) -> Cow<'_, str>;
}

impl XmlValue for String {
    const EXPECTED: &'static str = "text";
    fn parse_xml(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

impl XmlValue for bool {
    const EXPECTED: &'static str = "a boolean (true/false)";
    fn parse_xml(text: &str) -> Option<Self> {
        match text.trim() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        }
    }
    fn to_xml_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
}

macro_rules! int_value {
    ($($t:ty => $what:literal),*) => {$(
        impl XmlValue for $t {
            const EXPECTED: &'static str = $what;
            fn parse_xml(text: &str) -> Option<Self> {
                text.trim().parse().ok()
            }
            fn to_xml_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
    )*};
}
int_value!(i32 => "an integer", u32 => "a non-negative integer", i64 => "an integer", u64 => "a non-negative integer");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_joins_references_cdata_and_pieces() {
        let xml = "<a>x &amp; y &#x20AC; <![CDATA[<raw>]]> &lt;z&gt;</a>";
        let mut r = XmlReader::new(xml).unwrap();
        let root = r.root().unwrap();
        assert_eq!(r.text(&root).unwrap(), "x & y € <raw> <z>");
        r.finish().unwrap();
    }

    #[test]
    fn plain_text_is_borrowed() {
        let xml = "<a>plain</a>";
        let mut r = XmlReader::new(xml).unwrap();
        let root = r.root().unwrap();
        assert!(matches!(r.text(&root).unwrap(), Cow::Borrowed("plain")));
    }

    #[test]
    fn children_not_consumed_are_skipped() {
        let xml = "<a><b><c>1</c><d/></b><e>2</e><f/></a>";
        let mut r = XmlReader::new(xml).unwrap();
        let root = r.root().unwrap();
        let b = r.next_child(&root).unwrap().unwrap();
        assert_eq!(b.name(), "b");
        let c = r.next_child(&b).unwrap().unwrap();
        assert_eq!(c.name(), "c");
        // c and the rest of b are left unread: the next child of the root is still e.
        let e = r.next_child(&root).unwrap().unwrap();
        assert_eq!(e.name(), "e");
        assert_eq!(r.text(&e).unwrap(), "2");
        let f = r.next_child(&root).unwrap().unwrap();
        assert!(f.is_empty());
        assert!(r.next_child(&root).unwrap().is_none());
        assert!(r.next_child(&root).unwrap().is_none());
        r.finish().unwrap();
    }

    #[test]
    fn attributes_by_local_name_unescaped() {
        let xml = r#"<t:ItemId xmlns:t="urn:x" Id="a&amp;b" t:ChangeKey="ck"/>"#;
        let mut r = XmlReader::new(xml).unwrap();
        let el = r.root().unwrap();
        assert_eq!(r.attr(&el, "Id").unwrap().as_deref(), Some("a&b"));
        assert_eq!(r.attr(&el, "ChangeKey").unwrap().as_deref(), Some("ck"));
        assert_eq!(r.attr(&el, "t").unwrap(), None);
        assert_eq!(r.attributes(&el).unwrap(), vec![("Id".into(), "a&b".into()), ("ChangeKey".into(), "ck".into())]);
        assert_eq!(el.qualified_name(), "t:ItemId");
    }

    #[test]
    fn element_inside_text_is_an_error() {
        let xml = "<a>x<b/></a>";
        let mut r = XmlReader::new(xml).unwrap();
        let root = r.root().unwrap();
        let e = r.text(&root).unwrap_err();
        assert_eq!(e.kind, XmlErrorKind::UnexpectedContent("element where text was expected"));
        assert_eq!((e.line, e.column), (1, 5));
    }

    #[test]
    fn strict_reader_refuses_stray_text() {
        let xml = "<a>stray<b/></a>";
        let mut r = XmlReader::new(xml).unwrap().strict(true);
        let root = r.root().unwrap();
        assert!(r.next_child(&root).is_err());
        let mut r = XmlReader::new(xml).unwrap();
        let root = r.root().unwrap();
        assert_eq!(r.next_child(&root).unwrap().unwrap().name(), "b");
    }

    #[test]
    fn inner_xml_is_raw() {
        let xml = "<a><v n=\"1\">x &amp; <i>y</i></v></a>";
        let mut r = XmlReader::new(xml).unwrap();
        let root = r.root().unwrap();
        let v = r.next_child(&root).unwrap().unwrap();
        assert_eq!(r.inner_xml(&v).unwrap(), "x &amp; <i>y</i>");
        assert!(r.next_child(&root).unwrap().is_none());
    }

    #[test]
    fn values_parse_or_name_the_expectation() {
        let mut r = XmlReader::new("<a><n> 42 </n><b>maybe</b></a>").unwrap();
        let root = r.root().unwrap();
        let n = r.next_child(&root).unwrap().unwrap();
        assert_eq!(r.value::<i32>(&n).unwrap(), 42);
        let b = r.next_child(&root).unwrap().unwrap();
        let e = r.value::<bool>(&b).unwrap_err();
        assert_eq!(e.kind, XmlErrorKind::InvalidValue { value: "maybe".into(), expected: "a boolean (true/false)" });
        assert_eq!(e.path, "/a/b");
    }
}
