//! Items — raw materials, components and finished styles — with their
//! variant attributes (size S–XL, colour red/blue) and the variant key that
//! names one concrete combination (`colour=red;size=M`).

use super::codes::{parse_label, parse_money, Code, Name};
use crate::error::{AppError, UnknownValue};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What an item is to the plant: bought in (`raw`), made and used inside
/// another item (`component`), or a style sold to customers (`finished`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ItemKind {
    Raw,
    Component,
    Finished,
}

impl ItemKind {
    pub const ALL: [ItemKind; 3] = [ItemKind::Raw, ItemKind::Component, ItemKind::Finished];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Raw => "raw",
            ItemKind::Component => "component",
            ItemKind::Finished => "finished",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Raw => "Raw material",
            ItemKind::Component => "Component",
            ItemKind::Finished => "Finished style",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl TryFrom<String> for ItemKind {
    type Error = UnknownValue;
    fn try_from(value: String) -> Result<Self, UnknownValue> {
        ItemKind::parse(&value).ok_or(UnknownValue {
            what: "item kind",
            value,
        })
    }
}

/// One way an item's variants differ, and the values it may take: `size`
/// with S, M, L, XL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attribute {
    pub name: String,
    pub values: Vec<String>,
}

impl Attribute {
    pub fn allows(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value)
    }
}

/// One concrete variant of an item: a value for each of its attributes, in
/// a canonical (sorted) order. Its text key is `colour=red;size=M`; an item
/// without attributes has the empty variant, key `""`. A subset (some
/// attributes only) is used for "when" conditions.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Variant(pub BTreeMap<String, String>);

impl Variant {
    pub fn new() -> Variant {
        Variant::default()
    }

    /// From `(attribute, value)` pairs; a later pair replaces an earlier one.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Variant {
        Variant(
            pairs
                .into_iter()
                .map(|(a, v)| (a.to_string(), v.to_string()))
                .collect(),
        )
    }

    pub fn get(&self, attribute: &str) -> Option<&str> {
        self.0.get(attribute).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The stable text key: `colour=red;size=M` (attributes sorted by name).
    pub fn key(&self) -> String {
        let mut out = String::new();
        for (i, (a, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(a);
            out.push('=');
            out.push_str(v);
        }
        out
    }

    /// Reads a key written by [`Variant::key`] (any order; spaces around
    /// names and values trimmed). A field error on `field` for malformed text
    /// or an attribute given twice.
    pub fn parse_key(field: &str, s: &str) -> Result<Variant, AppError> {
        let mut map = BTreeMap::new();
        if s.trim().is_empty() {
            return Ok(Variant(map));
        }
        for part in s.split(';') {
            let (a, v) = part.split_once('=').ok_or_else(|| {
                AppError::field(
                    field,
                    "write the variant as attribute=value;attribute=value",
                )
            })?;
            let a = parse_label(field, a)?;
            let v = parse_label(field, v)?;
            if map.insert(a.clone(), v).is_some() {
                return Err(AppError::field(field, format!("{a} is given twice")));
            }
        }
        Ok(Variant(map))
    }

    /// Every value is one the item allows for that attribute; a field error on
    /// `field` naming the attribute otherwise. Attributes may be missing.
    pub fn check_subset(&self, attributes: &[Attribute], field: &str) -> Result<(), AppError> {
        for (a, v) in &self.0 {
            let attr = attributes
                .iter()
                .find(|x| &x.name == a)
                .ok_or_else(|| AppError::field(field, format!("the item has no attribute {a}")))?;
            if !attr.allows(v) {
                return Err(AppError::field(
                    field,
                    format!("{a} may be {}, not {v}", attr.values.join(", ")),
                ));
            }
        }
        Ok(())
    }

    /// [`Variant::check_subset`], and every attribute of the item has a value.
    pub fn check_complete(&self, attributes: &[Attribute], field: &str) -> Result<(), AppError> {
        if self.0.is_empty() && attributes.is_empty() {
            return Ok(());
        }
        self.check_subset(attributes, field)?;
        if let Some(missing) = attributes.iter().find(|a| !self.0.contains_key(&a.name)) {
            return Err(AppError::field(field, format!("choose a {}", missing.name)));
        }
        Ok(())
    }

    /// Every attribute of `when` has the same value here.
    pub fn matches(&self, when: &Variant) -> bool {
        when.0.iter().all(|(a, v)| self.0.get(a) == Some(v))
    }
}

/// A new or edited item as typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemInput {
    pub code: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = ItemKind))]
    pub kind: String,
    /// The unit it is counted in (`EA`, `M`, `KG`).
    pub unit: String,
    /// What one unit costs, in minor units (cents).
    pub standard_cost_minor: i64,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    /// The embroidery design sewn onto it, if any.
    #[serde(default)]
    pub embroidery_design: Option<String>,
}

/// A checked item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Item {
    pub code: String,
    pub name: String,
    pub kind: ItemKind,
    pub unit: String,
    pub standard_cost_minor: i64,
    pub attributes: Vec<Attribute>,
    pub embroidery_design: Option<String>,
}

impl ItemInput {
    /// The item, or the first field that is wrong.
    pub fn parse(&self) -> Result<Item, AppError> {
        self.parse_all().map_err(|mut all| all.swap_remove(0))
    }

    /// The item, or every field that is wrong (in field order), so a form or
    /// an import row can show them all at once.
    pub fn parse_all(&self) -> Result<Item, Vec<AppError>> {
        /// The value, or none with its error kept.
        fn ok<T>(errors: &mut Vec<AppError>, r: Result<T, AppError>) -> Option<T> {
            r.map_err(|e| errors.push(e)).ok()
        }
        let mut errors = Vec::new();
        let e = &mut errors;
        let code = ok(e, Code::parse("code", &self.code));
        let name = ok(e, Name::parse("name", &self.name));
        let kind = ok(
            e,
            ItemKind::parse(self.kind.trim())
                .ok_or_else(|| AppError::field("kind", "must be raw, component or finished")),
        );
        let unit = ok(e, Code::parse("unit", &self.unit));
        let standard_cost_minor = ok(
            e,
            parse_money("standard_cost_minor", self.standard_cost_minor),
        );
        let attributes = ok(e, parse_attributes(&self.attributes));
        let design = match self.embroidery_design.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(d) => Code::parse("embroidery_design", d).map(|c| Some(c.into_string())),
        };
        let embroidery_design = ok(e, design);
        match (
            code,
            name,
            kind,
            unit,
            standard_cost_minor,
            attributes,
            embroidery_design,
        ) {
            (
                Some(code),
                Some(name),
                Some(kind),
                Some(unit),
                Some(standard_cost_minor),
                Some(attributes),
                Some(embroidery_design),
            ) => Ok(Item {
                code: code.into_string(),
                name: name.into_string(),
                kind,
                unit: unit.into_string(),
                standard_cost_minor,
                attributes,
                embroidery_design,
            }),
            _ => Err(errors),
        }
    }
}

/// Attribute names unique, each with at least one value, values unique;
/// names and values 1–40 characters (see [`parse_label`]).
pub fn parse_attributes(input: &[Attribute]) -> Result<Vec<Attribute>, AppError> {
    let mut names = BTreeSet::new();
    let mut out = Vec::with_capacity(input.len());
    for (i, a) in input.iter().enumerate() {
        let name = parse_label(&format!("attributes[{i}].name"), &a.name)?;
        if !names.insert(name.clone()) {
            return Err(AppError::field(
                &format!("attributes[{i}].name"),
                format!("{name} is listed twice"),
            ));
        }
        if a.values.is_empty() {
            return Err(AppError::field(
                &format!("attributes[{i}].values"),
                format!("give {name} at least one value"),
            ));
        }
        let mut seen = BTreeSet::new();
        let mut values = Vec::with_capacity(a.values.len());
        for (j, v) in a.values.iter().enumerate() {
            let field = format!("attributes[{i}].values[{j}]");
            let v = parse_label(&field, v)?;
            if !seen.insert(v.clone()) {
                return Err(AppError::field(&field, format!("{v} is listed twice")));
            }
            values.push(v);
        }
        out.push(Attribute { name, values });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs() -> Vec<Attribute> {
        vec![
            Attribute {
                name: "size".into(),
                values: vec!["S".into(), "M".into(), "L".into(), "XL".into()],
            },
            Attribute {
                name: "colour".into(),
                values: vec!["red".into(), "blue".into()],
            },
        ]
    }

    #[test]
    fn kinds_read_back_or_fail() {
        for k in ItemKind::ALL {
            assert_eq!(ItemKind::try_from(k.as_str().to_string()), Ok(k));
        }
        assert!(ItemKind::try_from("service".to_string()).is_err());
    }

    #[test]
    fn variant_keys_are_canonical() {
        let v = Variant::parse_key("variant", "size=M; colour=red").unwrap();
        assert_eq!(v.key(), "colour=red;size=M");
        assert_eq!(Variant::parse_key("variant", &v.key()).unwrap(), v);
        assert_eq!(Variant::parse_key("variant", "").unwrap().key(), "");
        assert!(Variant::parse_key("variant", "size").is_err());
        assert!(Variant::parse_key("variant", "size=M;size=L").is_err());
        assert!(v.check_complete(&attrs(), "variant").is_ok());
        assert!(v.matches(&Variant::from_pairs([("colour", "red")])));
        assert!(!v.matches(&Variant::from_pairs([("colour", "blue")])));
        assert!(v.matches(&Variant::new()));
    }

    #[test]
    fn variant_checks_name_the_attribute() {
        let msg = |v: &str| {
            Variant::parse_key("variant", v)
                .unwrap()
                .check_complete(&attrs(), "variant")
                .unwrap_err()
                .field_error()
                .unwrap()
                .message
                .clone()
        };
        assert_eq!(
            msg("size=XXL;colour=red"),
            "size may be S, M, L, XL, not XXL"
        );
        assert_eq!(
            msg("size=M;colour=red;fill=down"),
            "the item has no attribute fill"
        );
        assert_eq!(msg("size=M"), "choose a colour");
    }

    #[test]
    fn item_input_names_the_bad_field() {
        let ok = ItemInput {
            code: "t-100".into(),
            name: "Teddy bear".into(),
            kind: "finished".into(),
            unit: "ea".into(),
            standard_cost_minor: 0,
            attributes: attrs(),
            embroidery_design: Some(" ".into()),
        };
        let item = ok.parse().unwrap();
        assert_eq!(
            (
                item.code.as_str(),
                item.unit.as_str(),
                item.embroidery_design
            ),
            ("T-100", "EA", None)
        );
        let f = |i: ItemInput| i.parse().unwrap_err().field_error().unwrap().field.clone();
        assert_eq!(
            f(ItemInput {
                kind: "toy".into(),
                ..ok.clone()
            }),
            "kind"
        );
        assert_eq!(
            f(ItemInput {
                standard_cost_minor: -5,
                ..ok.clone()
            }),
            "standard_cost_minor"
        );
        assert_eq!(
            f(ItemInput {
                embroidery_design: Some("a b".into()),
                ..ok.clone()
            }),
            "embroidery_design"
        );
        let mut dup = attrs();
        dup[1].name = "size".into();
        assert_eq!(
            f(ItemInput {
                attributes: dup,
                ..ok.clone()
            }),
            "attributes[1].name"
        );
        let all = ItemInput {
            code: "".into(),
            kind: "toy".into(),
            standard_cost_minor: -1,
            ..ok.clone()
        }
        .parse_all()
        .unwrap_err();
        let fields: Vec<_> = all
            .iter()
            .map(|e| e.field_error().unwrap().field.as_str())
            .collect();
        assert_eq!(fields, ["code", "kind", "standard_cost_minor"]);
        let mut none = attrs();
        none[0].values.clear();
        assert_eq!(
            f(ItemInput {
                attributes: none,
                ..ok.clone()
            }),
            "attributes[0].values"
        );
        let mut twice = attrs();
        twice[1].values.push("red".into());
        assert_eq!(
            f(ItemInput {
                attributes: twice,
                ..ok.clone()
            }),
            "attributes[1].values[2]"
        );
        let mut long = attrs();
        long[0].values[0] = "x".repeat(41);
        assert_eq!(
            f(ItemInput {
                attributes: long,
                ..ok.clone()
            }),
            "attributes[0].values[0]"
        );
    }
}
