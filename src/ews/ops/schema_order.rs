//! Schema order for the children of a request element read in strict mode.

use crate::xml::{Element, XmlError, XmlErrorKind, XmlReader};

/// Where a reader is in an `xs:sequence` of elements that each occur at most once. A strict reader
/// (a server checking a request) refuses an element that comes after a later one or twice, as
/// Exchange does; a lenient one accepts any order.
#[derive(Debug, Default)]
pub(crate) struct SequenceOrder {
    last: Option<usize>,
}

impl SequenceOrder {
    /// Records that `el` sits at `index` of the sequence.
    pub(crate) fn check<'a>(&mut self, r: &XmlReader<'a>, el: &Element<'a>, index: usize) -> Result<(), XmlError> {
        if r.is_strict() && self.last.is_some_and(|last| index <= last) {
            return Err(r.error_on(el, XmlErrorKind::UnexpectedElement(el.qualified_name().to_owned())));
        }
        self.last = Some(index);
        Ok(())
    }
}
