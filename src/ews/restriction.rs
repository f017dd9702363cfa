//! Search filters: `t:Restriction` and the `t:SearchExpression` substitution group (`IsEqualTo`,
//! `IsNotEqualTo`, `IsGreaterThan`, …, `Exists`, `Excludes`, `Contains`, `Not`, `And`, `Or`) over
//! any [`PropertyPath`], as `FindItem` and `FindFolder` use them.
//!
//! exsync finds the items it wrote by the extended property it tags them with:
//!
//! ```
//! use exsync::ews::{ExtendedFieldUri, Restriction, SearchExpression};
//! use exsync::xml::{ToXml, XmlWriter};
//!
//! let tag = ExtendedFieldUri::named_string("c11ff724-aa03-4555-9952-8fa248a11c3e", "exsync-id");
//! let r = Restriction::new(SearchExpression::extended_property_equals(tag, "rec-42"));
//! let mut w = XmlWriter::new();
//! r.to_xml(&mut w, "m:Restriction");
//! assert!(w.as_str().contains(r#"<t:IsEqualTo><t:ExtendedFieldURI PropertySetId="c11ff724-aa03-4555-9952-8fa248a11c3e""#));
//! assert!(w.as_str().ends_with(r#"<t:FieldURIOrConstant><t:Constant Value="rec-42"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>"#));
//! ```

use serde::{Deserialize, Serialize};

use crate::xml::{Element, FromXml, ToXml, XmlError, XmlErrorKind, XmlReader, XmlWriter, xml_enum};

use super::path::{ExtendedFieldUri, PropertyPath};

xml_enum! {
    /// The comparison of a two-operand expression; the text is the element name.
    pub enum ComparisonOperator {
        IsEqualTo = "IsEqualTo",
        IsNotEqualTo = "IsNotEqualTo",
        IsGreaterThan = "IsGreaterThan",
        IsGreaterThanOrEqualTo = "IsGreaterThanOrEqualTo",
        IsLessThan = "IsLessThan",
        IsLessThanOrEqualTo = "IsLessThanOrEqualTo",
    }
}

xml_enum! {
    /// Which part of a text property `Contains` matches (`ContainmentModeType`).
    pub enum ContainmentMode {
        FullString = "FullString",
        Prefixed = "Prefixed",
        Substring = "Substring",
        PrefixOnWords = "PrefixOnWords",
        ExactPhrase = "ExactPhrase",
    }
}

xml_enum! {
    /// How `Contains` compares text (`ContainmentComparisonType`).
    pub enum ContainmentComparison {
        Exact = "Exact",
        IgnoreCase = "IgnoreCase",
        IgnoreNonSpacingCharacters = "IgnoreNonSpacingCharacters",
        Loose = "Loose",
        IgnoreCaseAndNonSpacingCharacters = "IgnoreCaseAndNonSpacingCharacters",
        LooseAndIgnoreCase = "LooseAndIgnoreCase",
        LooseAndIgnoreNonSpace = "LooseAndIgnoreNonSpace",
        LooseAndIgnoreCaseAndIgnoreNonSpace = "LooseAndIgnoreCaseAndIgnoreNonSpace",
    }
}

/// The right-hand side of a comparison (`FieldURIOrConstantType`): a constant, or another property
/// of the same item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldUriOrConstant {
    /// `t:Constant Value="…"`.
    Constant(String),
    /// A property path.
    Path(PropertyPath),
}

impl ToXml for FieldUriOrConstant {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        match self {
            FieldUriOrConstant::Constant(v) => write_constant(w, "t:Constant", v),
            FieldUriOrConstant::Path(p) => p.write(w),
        }
        w.end(name);
    }
}

impl FromXml for FieldUriOrConstant {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut found = None;
        while let Some(c) = r.next_child(el)? {
            if found.is_some() {
                r.unknown(&c)?;
                continue;
            }
            if c.name() == "Constant" {
                found = Some(FieldUriOrConstant::Constant(read_constant(r, &c)?));
            } else if let Some(p) = PropertyPath::read(r, &c)? {
                found = Some(FieldUriOrConstant::Path(p));
            } else {
                r.unknown(&c)?;
            }
        }
        found.ok_or_else(|| r.missing(el, "Constant"))
    }
}

fn write_constant(w: &mut XmlWriter, name: &str, value: &str) {
    w.empty(name, &[("Value", Some(value))]);
}

fn read_constant<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<String, XmlError> {
    let v = r.required_attr(el, "Value")?;
    r.skip(el)?;
    Ok(v)
}

/// One search expression (the `t:SearchExpression` substitution group).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchExpression {
    /// `IsEqualTo`, `IsNotEqualTo`, `IsGreaterThan`, `IsGreaterThanOrEqualTo`, `IsLessThan` or
    /// `IsLessThanOrEqualTo`: a property compared with a constant or another property.
    Compare {
        /// Which comparison.
        operator: ComparisonOperator,
        /// The property on the left.
        path: PropertyPath,
        /// The right-hand side.
        value: FieldUriOrConstant,
    },
    /// `Exists`: the property is set.
    Exists(PropertyPath),
    /// `Excludes`: none of the bits of `bitmask` (decimal or `0x` hex) are set in the property.
    Excludes {
        /// The property (an integer one).
        path: PropertyPath,
        /// The mask, as written (`0x10` or `16`).
        bitmask: String,
    },
    /// `Contains`: a text property contains `constant`.
    Contains {
        /// The property.
        path: PropertyPath,
        /// The text searched for.
        constant: String,
        /// Which part of the property must match (server default: `FullString`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mode: Option<ContainmentMode>,
        /// How text is compared (server default: `Exact`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comparison: Option<ContainmentComparison>,
    },
    /// `Not`: the expression does not hold.
    Not(Box<SearchExpression>),
    /// `And`: every expression holds (at least one).
    And(Vec<SearchExpression>),
    /// `Or`: some expression holds (at least one).
    Or(Vec<SearchExpression>),
}

impl SearchExpression {
    /// `path operator constant`.
    pub fn compare(operator: ComparisonOperator, path: PropertyPath, constant: impl Into<String>) -> Self {
        SearchExpression::Compare { operator, path, value: FieldUriOrConstant::Constant(constant.into()) }
    }

    /// `path = constant`.
    pub fn is_equal_to(path: PropertyPath, constant: impl Into<String>) -> Self {
        Self::compare(ComparisonOperator::IsEqualTo, path, constant)
    }

    /// The extended property `field` equals `value`: how exsync finds the items it tagged.
    pub fn extended_property_equals(field: ExtendedFieldUri, value: impl Into<String>) -> Self {
        Self::compare(ComparisonOperator::IsEqualTo, PropertyPath::Extended(field), value)
    }

    /// `path ≠ constant`.
    pub fn is_not_equal_to(path: PropertyPath, constant: impl Into<String>) -> Self {
        Self::compare(ComparisonOperator::IsNotEqualTo, path, constant)
    }

    /// `path > constant`.
    pub fn is_greater_than(path: PropertyPath, constant: impl Into<String>) -> Self {
        Self::compare(ComparisonOperator::IsGreaterThan, path, constant)
    }

    /// `path ≥ constant`.
    pub fn is_greater_than_or_equal_to(path: PropertyPath, constant: impl Into<String>) -> Self {
        Self::compare(ComparisonOperator::IsGreaterThanOrEqualTo, path, constant)
    }

    /// `path < constant`.
    pub fn is_less_than(path: PropertyPath, constant: impl Into<String>) -> Self {
        Self::compare(ComparisonOperator::IsLessThan, path, constant)
    }

    /// `path ≤ constant`.
    pub fn is_less_than_or_equal_to(path: PropertyPath, constant: impl Into<String>) -> Self {
        Self::compare(ComparisonOperator::IsLessThanOrEqualTo, path, constant)
    }

    /// The property is set.
    pub fn exists(path: PropertyPath) -> Self {
        SearchExpression::Exists(path)
    }

    /// A text property contains `constant`, matched the way `mode` and `comparison` say.
    pub fn contains(
        path: PropertyPath,
        constant: impl Into<String>,
        mode: ContainmentMode,
        comparison: ContainmentComparison,
    ) -> Self {
        SearchExpression::Contains { path, constant: constant.into(), mode: Some(mode), comparison: Some(comparison) }
    }

    /// The negation of `e`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(e: SearchExpression) -> Self {
        SearchExpression::Not(Box::new(e))
    }

    /// All of `es`.
    pub fn and(es: Vec<SearchExpression>) -> Self {
        SearchExpression::And(es)
    }

    /// Any of `es`.
    pub fn or(es: Vec<SearchExpression>) -> Self {
        SearchExpression::Or(es)
    }

    /// The local element name of this expression.
    pub fn element_name(&self) -> &'static str {
        match self {
            SearchExpression::Compare { operator, .. } => operator.as_str(),
            SearchExpression::Exists(_) => "Exists",
            SearchExpression::Excludes { .. } => "Excludes",
            SearchExpression::Contains { .. } => "Contains",
            SearchExpression::Not(_) => "Not",
            SearchExpression::And(_) => "And",
            SearchExpression::Or(_) => "Or",
        }
    }

    /// Writes the expression as `t:{element}`.
    pub fn write(&self, w: &mut XmlWriter) {
        let name = format!("t:{}", self.element_name());
        match self {
            SearchExpression::Compare { path, value, .. } => {
                w.start(&name, &[]);
                path.write(w);
                value.to_xml(w, "t:FieldURIOrConstant");
            }
            SearchExpression::Exists(path) => {
                w.start(&name, &[]);
                path.write(w);
            }
            SearchExpression::Excludes { path, bitmask } => {
                w.start(&name, &[]);
                path.write(w);
                w.empty("t:Bitmask", &[("Value", Some(bitmask))]);
            }
            SearchExpression::Contains { path, constant, mode, comparison } => {
                w.start(
                    &name,
                    &[
                        ("ContainmentMode", mode.map(|m| m.as_str())),
                        ("ContainmentComparison", comparison.map(|c| c.as_str())),
                    ],
                );
                path.write(w);
                write_constant(w, "t:Constant", constant);
            }
            SearchExpression::Not(e) => {
                w.start(&name, &[]);
                e.write(w);
            }
            SearchExpression::And(es) | SearchExpression::Or(es) => {
                w.start(&name, &[]);
                for e in es {
                    e.write(w);
                }
            }
        }
        w.end(&name);
    }

    /// Reads `el` if it is a search expression element; `None` for other elements.
    pub fn read<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Option<Self>, XmlError> {
        let name = el.name();
        if let Ok(operator) = name.parse::<ComparisonOperator>() {
            let (mut path, mut value) = (None, None);
            while let Some(c) = r.next_child(el)? {
                if c.name() == "FieldURIOrConstant" && path.is_some() && value.is_none() {
                    value = Some(FieldUriOrConstant::from_xml(r, &c)?);
                } else if path.is_none() && value.is_none() {
                    read_path_or_unknown(r, &c, &mut path)?;
                } else {
                    r.unknown(&c)?;
                }
            }
            return Ok(Some(SearchExpression::Compare {
                operator,
                path: path.ok_or_else(|| r.missing(el, "FieldURI"))?,
                value: value.ok_or_else(|| r.missing(el, "FieldURIOrConstant"))?,
            }));
        }
        let e = match name {
            "Exists" => {
                let mut path = None;
                while let Some(c) = r.next_child(el)? {
                    if path.is_none() {
                        read_path_or_unknown(r, &c, &mut path)?;
                    } else {
                        r.unknown(&c)?;
                    }
                }
                SearchExpression::Exists(path.ok_or_else(|| r.missing(el, "FieldURI"))?)
            }
            "Excludes" => {
                let (mut path, mut bitmask) = (None, None);
                while let Some(c) = r.next_child(el)? {
                    if c.name() == "Bitmask" && path.is_some() && bitmask.is_none() {
                        bitmask = Some(read_constant(r, &c)?);
                    } else if path.is_none() {
                        read_path_or_unknown(r, &c, &mut path)?;
                    } else {
                        r.unknown(&c)?;
                    }
                }
                SearchExpression::Excludes {
                    path: path.ok_or_else(|| r.missing(el, "FieldURI"))?,
                    bitmask: bitmask.ok_or_else(|| r.missing(el, "Bitmask"))?,
                }
            }
            "Contains" => {
                let mode = r.attr_value(el, "ContainmentMode")?;
                let comparison = r.attr_value(el, "ContainmentComparison")?;
                let (mut path, mut constant) = (None, None);
                while let Some(c) = r.next_child(el)? {
                    if c.name() == "Constant" && path.is_some() && constant.is_none() {
                        constant = Some(read_constant(r, &c)?);
                    } else if path.is_none() {
                        read_path_or_unknown(r, &c, &mut path)?;
                    } else {
                        r.unknown(&c)?;
                    }
                }
                SearchExpression::Contains {
                    path: path.ok_or_else(|| r.missing(el, "FieldURI"))?,
                    constant: constant.ok_or_else(|| r.missing(el, "Constant"))?,
                    mode,
                    comparison,
                }
            }
            "Not" => {
                let mut inner = None;
                while let Some(c) = r.next_child(el)? {
                    match SearchExpression::read(r, &c)? {
                        Some(e) if inner.is_none() => inner = Some(e),
                        Some(_) => {
                            return Err(r.error_on(&c, XmlErrorKind::UnexpectedElement(c.qualified_name().to_owned())));
                        }
                        None => r.unknown(&c)?,
                    }
                }
                SearchExpression::Not(Box::new(inner.ok_or_else(|| r.missing(el, "SearchExpression"))?))
            }
            "And" | "Or" => {
                let mut es = Vec::new();
                while let Some(c) = r.next_child(el)? {
                    match SearchExpression::read(r, &c)? {
                        Some(e) => es.push(e),
                        None => r.unknown(&c)?,
                    }
                }
                if es.is_empty() && r.is_strict() {
                    return Err(r.missing(el, "SearchExpression"));
                }
                if name == "And" { SearchExpression::And(es) } else { SearchExpression::Or(es) }
            }
            _ => return Ok(None),
        };
        Ok(Some(e))
    }
}

fn read_path_or_unknown<'a>(
    r: &mut XmlReader<'a>,
    c: &Element<'a>,
    path: &mut Option<PropertyPath>,
) -> Result<(), XmlError> {
    match PropertyPath::read(r, c)? {
        Some(p) => *path = Some(p),
        None => r.unknown(c)?,
    }
    Ok(())
}

/// `t:Restriction` (or `m:Restriction`): one search expression, possibly compound.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Restriction {
    /// The expression.
    pub expression: SearchExpression,
}

impl Restriction {
    /// A restriction holding `expression`.
    pub fn new(expression: SearchExpression) -> Self {
        Restriction { expression }
    }
}

impl From<SearchExpression> for Restriction {
    fn from(expression: SearchExpression) -> Self {
        Restriction { expression }
    }
}

impl ToXml for Restriction {
    fn to_xml(&self, w: &mut XmlWriter, name: &str) {
        w.start(name, &[]);
        self.expression.write(w);
        w.end(name);
    }
}

impl FromXml for Restriction {
    fn from_xml<'a>(r: &mut XmlReader<'a>, el: &Element<'a>) -> Result<Self, XmlError> {
        let mut found = None;
        while let Some(c) = r.next_child(el)? {
            match SearchExpression::read(r, &c)? {
                Some(e) if found.is_none() => found = Some(e),
                Some(_) => {
                    return Err(r.error_on(&c, XmlErrorKind::UnexpectedElement(c.qualified_name().to_owned())));
                }
                None => r.unknown(&c)?,
            }
        }
        Ok(Restriction { expression: found.ok_or_else(|| r.missing(el, "SearchExpression"))? })
    }
}
