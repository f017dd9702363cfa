//! Paging of find results: the views a request asks for (`IndexedPageViewType`,
//! `FractionalPageViewType`, `CalendarViewType`, `ContactsViewType`) and the paging attributes a
//! response carries (`FindResponsePagingAttributes`).

use serde::{Deserialize, Serialize};

use crate::xml::{Element, XmlError, XmlErrorKind, XmlReader, XmlValue, XmlWriter, xml_enum};

use super::datetime::EwsDateTime;

xml_enum! {
    /// Where an indexed page's offset counts from (`IndexBasePointType`).
    pub enum IndexBasePoint {
        Beginning = "Beginning",
        End = "End",
    }
}

/// Reads a required attribute as a [`XmlValue`].
pub(crate) fn required_attr_value<'a, T: XmlValue>(
    r: &XmlReader<'a>,
    el: &Element<'a>,
    name: &'static str,
) -> Result<T, XmlError> {
    r.attr_value(el, name)?.ok_or_else(|| r.error_on(el, XmlErrorKind::MissingAttribute(name)))
}

fn text<T: XmlValue>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(|v| v.to_xml_text().into_owned())
}

/// A page of results by position (`IndexedPageItemView`, `IndexedPageFolderView`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IndexedPageView {
    /// Most entries to return (the server's own limit applies when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_entries_returned: Option<i32>,
    /// Entries to skip from the base point.
    pub offset: i32,
    /// Whether `offset` counts from the beginning or the end.
    pub base_point: IndexBasePoint,
}

impl IndexedPageView {
    /// Up to `max` entries starting `offset` entries from the beginning.
    pub fn new(offset: i32, max: i32) -> Self {
        IndexedPageView { max_entries_returned: Some(max), offset, base_point: IndexBasePoint::Beginning }
    }

    /// The first page of up to `max` entries.
    pub fn first(max: i32) -> Self {
        Self::new(0, max)
    }

    /// Writes the view as element `name`.
    pub fn write(&self, w: &mut XmlWriter, name: &str) {
        let (max, offset) = (text(&self.max_entries_returned), self.offset.to_string());
        w.empty(
            name,
            &[
                ("MaxEntriesReturned", max.as_deref()),
                ("Offset", Some(&offset)),
                ("BasePoint", Some(self.base_point.as_str())),
            ],
        );
    }

    /// Reads the view from `el`.
    pub fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let v = IndexedPageView {
            max_entries_returned: r.attr_value(el, "MaxEntriesReturned")?,
            offset: required_attr_value(r, el, "Offset")?,
            base_point: required_attr_value(r, el, "BasePoint")?,
        };
        read_no_children(r, el)?;
        Ok(v)
    }
}

/// A page of results by fraction of the whole (`FractionalPageItemView`, `FractionalPageFolderView`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FractionalPageView {
    /// Most entries to return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_entries_returned: Option<i32>,
    /// Numerator of the starting fraction.
    pub numerator: i32,
    /// Denominator of the starting fraction.
    pub denominator: i32,
}

impl FractionalPageView {
    /// Writes the view as element `name`.
    pub fn write(&self, w: &mut XmlWriter, name: &str) {
        let (max, n, d) = (text(&self.max_entries_returned), self.numerator.to_string(), self.denominator.to_string());
        w.empty(name, &[("MaxEntriesReturned", max.as_deref()), ("Numerator", Some(&n)), ("Denominator", Some(&d))]);
    }

    /// Reads the view from `el`.
    pub fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let v = FractionalPageView {
            max_entries_returned: r.attr_value(el, "MaxEntriesReturned")?,
            numerator: required_attr_value(r, el, "Numerator")?,
            denominator: required_attr_value(r, el, "Denominator")?,
        };
        read_no_children(r, el)?;
        Ok(v)
    }
}

/// Calendar items (with recurring series expanded into occurrences) overlapping a time range
/// (`CalendarView`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CalendarView {
    /// Most occurrences to return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_entries_returned: Option<i32>,
    /// Start of the range.
    pub start_date: EwsDateTime,
    /// End of the range.
    pub end_date: EwsDateTime,
}

impl CalendarView {
    /// Occurrences between `start` and `end`.
    pub fn new(start: EwsDateTime, end: EwsDateTime) -> Self {
        CalendarView { max_entries_returned: None, start_date: start, end_date: end }
    }

    /// Writes the view as element `name`.
    pub fn write(&self, w: &mut XmlWriter, name: &str) {
        let (max, s, e) = (text(&self.max_entries_returned), self.start_date.to_string(), self.end_date.to_string());
        w.empty(name, &[("MaxEntriesReturned", max.as_deref()), ("StartDate", Some(&s)), ("EndDate", Some(&e))]);
    }

    /// Reads the view from `el`.
    pub fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let v = CalendarView {
            max_entries_returned: r.attr_value(el, "MaxEntriesReturned")?,
            start_date: required_attr_value(r, el, "StartDate")?,
            end_date: required_attr_value(r, el, "EndDate")?,
        };
        read_no_children(r, el)?;
        Ok(v)
    }
}

/// Contacts whose names fall in an alphabetical range (`ContactsView`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactsView {
    /// Most entries to return.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_entries_returned: Option<i32>,
    /// First name of the range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_name: Option<String>,
    /// Last name of the range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_name: Option<String>,
}

impl ContactsView {
    /// Writes the view as element `name`.
    pub fn write(&self, w: &mut XmlWriter, name: &str) {
        let max = text(&self.max_entries_returned);
        w.empty(
            name,
            &[
                ("MaxEntriesReturned", max.as_deref()),
                ("InitialName", self.initial_name.as_deref()),
                ("FinalName", self.final_name.as_deref()),
            ],
        );
    }

    /// Reads the view from `el`.
    pub fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let v = ContactsView {
            max_entries_returned: r.attr_value(el, "MaxEntriesReturned")?,
            initial_name: r.attr(el, "InitialName")?,
            final_name: r.attr(el, "FinalName")?,
        };
        read_no_children(r, el)?;
        Ok(v)
    }
}

/// Consumes an element that has only attributes (children are unknown: skipped, or an error when
/// strict).
pub(crate) fn read_no_children<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<(), XmlError> {
    while let Some(c) = r.next_child(el)? {
        r.unknown(&c)?;
    }
    Ok(())
}

/// Where a page of find results lies in the whole view (`FindResponsePagingAttributes`), on
/// `RootFolder` and `ResolutionSet`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct FindPaging {
    /// The offset to ask for to get the next indexed page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indexed_paging_offset: Option<i32>,
    /// The numerator to ask for to get the next fractional page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numerator_offset: Option<i32>,
    /// The denominator of the next fractional page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absolute_denominator: Option<i32>,
    /// Whether this page holds the last entry of the view.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub includes_last_item_in_range: Option<bool>,
    /// How many entries the whole view holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_items_in_view: Option<i32>,
}

impl FindPaging {
    /// The offset of the next indexed page, or `None` when this page was the last.
    pub fn next_offset(&self) -> Option<i32> {
        if self.includes_last_item_in_range == Some(false) { self.indexed_paging_offset } else { None }
    }

    /// Whether more entries follow this page.
    pub fn has_more(&self) -> bool {
        self.includes_last_item_in_range == Some(false)
    }

    /// The attribute values as text, in schema order (pass to [`FindPaging::attributes`]).
    pub(crate) fn texts(&self) -> [Option<String>; 5] {
        [
            text(&self.indexed_paging_offset),
            text(&self.numerator_offset),
            text(&self.absolute_denominator),
            text(&self.includes_last_item_in_range),
            text(&self.total_items_in_view),
        ]
    }

    /// The attributes for [`XmlWriter::start`] from [`FindPaging::texts`].
    pub(crate) fn attributes(texts: &[Option<String>; 5]) -> [(&'static str, Option<&str>); 5] {
        [
            ("IndexedPagingOffset", texts[0].as_deref()),
            ("NumeratorOffset", texts[1].as_deref()),
            ("AbsoluteDenominator", texts[2].as_deref()),
            ("IncludesLastItemInRange", texts[3].as_deref()),
            ("TotalItemsInView", texts[4].as_deref()),
        ]
    }

    /// Reads the attributes of `el`.
    pub(crate) fn read<'a>(r: &XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        Ok(FindPaging {
            indexed_paging_offset: r.attr_value(el, "IndexedPagingOffset")?,
            numerator_offset: r.attr_value(el, "NumeratorOffset")?,
            absolute_denominator: r.attr_value(el, "AbsoluteDenominator")?,
            includes_last_item_in_range: r.attr_value(el, "IncludesLastItemInRange")?,
            total_items_in_view: r.attr_value(el, "TotalItemsInView")?,
        })
    }
}
