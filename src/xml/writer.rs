//! A small XML writer into a `String`: elements in the order the caller writes them, text and
//! attribute values escaped. Characters XML 1.0 cannot carry (most C0 controls, U+FFFE, U+FFFF) are
//! dropped, so whatever it writes parses again.

use super::reader::XmlValue;

/// Writes XML into a growing string.
#[derive(Debug, Default, Clone)]
pub struct XmlWriter {
    out: String,
}

fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

impl XmlWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty writer with room for `n` bytes.
    pub fn with_capacity(n: usize) -> Self {
        XmlWriter { out: String::with_capacity(n) }
    }

    /// Writes `<?xml version="1.0" encoding="utf-8"?>`.
    pub fn declaration(&mut self) {
        self.out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    }

    fn escape(&mut self, s: &str, attribute: bool) {
        for c in s.chars() {
            match c {
                '&' => self.out.push_str("&amp;"),
                '<' => self.out.push_str("&lt;"),
                '>' => self.out.push_str("&gt;"),
                '"' if attribute => self.out.push_str("&quot;"),
                '\r' => self.out.push_str("&#13;"),
                '\n' if attribute => self.out.push_str("&#10;"),
                '\t' if attribute => self.out.push_str("&#9;"),
                c if allowed(c) => self.out.push(c),
                _ => {}
            }
        }
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            if let Some(v) = v {
                self.out.push(' ');
                self.out.push_str(k);
                self.out.push_str("=\"");
                self.escape(v, true);
                self.out.push('"');
            }
        }
    }

    /// Opens `<name a="v" …>`; attributes whose value is `None` are left out.
    pub fn start(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.tag(name, attrs);
        self.out.push('>');
    }

    /// Closes `</name>`.
    pub fn end(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// Writes `<name a="v" …/>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, Option<&str>)]) {
        self.tag(name, attrs);
        self.out.push_str("/>");
    }

    /// Writes escaped text.
    pub fn text(&mut self, text: &str) {
        self.escape(text, false);
    }

    /// Writes already well-formed XML as it is (content carried through from a parsed document).
    pub fn raw(&mut self, xml: &str) {
        self.out.push_str(xml);
    }

    /// Writes `<name>text</name>`.
    pub fn text_element(&mut self, name: &str, text: &str) {
        self.start(name, &[]);
        self.text(text);
        self.end(name);
    }

    /// Writes `<name>value</name>` for any [`XmlValue`].
    pub fn value<T: XmlValue>(&mut self, name: &str, value: &T) {
        self.text_element(name, &value.to_xml_text());
    }

    /// Writes `<name>value</name>` when `value` is present.
    pub fn opt_value<T: XmlValue>(&mut self, name: &str, value: &Option<T>) {
        if let Some(v) = value {
            self.value(name, v);
        }
    }

    /// Writes a [`ToXml`] value as element `name` when present.
    pub fn opt<T: ToXml>(&mut self, name: &str, value: &Option<T>) {
        if let Some(v) = value {
            v.to_xml(self, name);
        }
    }

    /// Writes `<name>` holding each value as element `child` (an array type).
    pub fn list<T: ToXml>(&mut self, name: &str, child: &str, values: &[T]) {
        self.start(name, &[]);
        for v in values {
            v.to_xml(self, child);
        }
        self.end(name);
    }

    /// Writes `<name>` holding each value as `<child>value</child>` (an array of simple values,
    /// such as `ArrayOfStringsType`).
    pub fn value_list<T: XmlValue>(&mut self, name: &str, child: &str, values: &[T]) {
        self.start(name, &[]);
        for v in values {
            self.value(child, v);
        }
        self.end(name);
    }

    /// The XML written so far.
    pub fn as_str(&self) -> &str {
        &self.out
    }

    /// The finished XML.
    pub fn into_string(self) -> String {
        self.out
    }
}

/// A type written as an element.
pub trait ToXml {
    /// Writes `self` as element `name` (a qualified name such as `t:ItemId`).
    fn to_xml(&self, w: &mut XmlWriter, name: &str);
}

impl<T: ToXml + ?Sized> ToXml for Box<T> {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        (**self).to_xml(w, name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::XmlReader;

    #[test]
    fn escapes_round_trip_through_the_reader() {
        let nasty = "a&b<c>d\"e'f\r\n\tg\u{0}h\u{1F600}\u{FFFE}";
        let mut w = XmlWriter::new();
        w.start("x", &[("v", Some(nasty)), ("skip", None)]);
        w.text(nasty);
        w.end("x");
        let xml = w.into_string();
        assert!(!xml.contains("skip"));
        let mut r = XmlReader::new(&xml).unwrap();
        let root = r.root().unwrap();
        let expected = "a&b<c>d\"e'f\r\n\tgh\u{1F600}";
        assert_eq!(r.attr(&root, "v").unwrap().as_deref(), Some(expected));
        assert_eq!(r.text(&root).unwrap(), expected);
    }
}
