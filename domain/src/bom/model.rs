//! A bill of materials: what one style (an item) is made of and how. One
//! BOM per style, never a copy per variant: quantities and component
//! variants follow the parent's attributes, and overrides change lines
//! for the variants they match.

use crate::master::{Qty, Variant};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A component line: so much of an item goes into one of the parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BomLine {
    pub line_no: u32,
    /// The component's item code.
    pub component: String,
    /// How much goes into one of the parent, before scrap.
    pub qty: QtyRule,
    /// Extra lost to scrap, in basis points of the quantity (550 = 5.5 %).
    pub scrap_bp: u32,
    /// How the component's variant is chosen (its colour follows the toy's).
    #[serde(default)]
    pub attrs: Vec<AttrRule>,
}

/// The quantity per parent: fixed, or chosen by one of the parent's
/// attributes (stuffing 0.08 kg for S, 0.12 kg for M), with an optional
/// default for values not listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum QtyRule {
    Fixed {
        qty: Qty,
    },
    ByAttribute {
        attribute: String,
        values: BTreeMap<String, Qty>,
        #[serde(default)]
        default: Option<Qty>,
    },
}

/// One attribute of the component's variant and where its value comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttrRule {
    pub component_attribute: String,
    pub source: AttrSource,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AttrSource {
    /// The same value as the parent's attribute (fabric colour = toy colour).
    Follow { parent_attribute: String },
    /// Always this value (black eyes on every bear).
    Fixed { value: String },
}

/// A routing step: the work centre it runs on, its setup once per batch,
/// and its run time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Operation {
    pub seq: u32,
    pub work_centre: String,
    pub setup_minutes: Qty,
    pub run: RunTime,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RunTime {
    /// Minutes for each unit made.
    PerUnit { minutes: Qty },
    /// Computed from the design and the work centre's embroidery machine
    /// (see [`crate::master::run_minutes`]).
    Embroidery { design: String },
}

/// A change to the lines for the parent variants that match `when` (every
/// attribute listed must have that value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VariantOverride {
    pub when: Variant,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Change {
    Add {
        line: BomLine,
    },
    Remove {
        line_no: u32,
    },
    /// The replacement keeps the line number it replaces.
    Replace {
        line_no: u32,
        line: BomLine,
    },
}

/// The bill of materials of one style, one version of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bom {
    pub item: String,
    pub version: u32,
    pub lines: Vec<BomLine>,
    pub operations: Vec<Operation>,
    #[serde(default)]
    pub overrides: Vec<VariantOverride>,
}

impl Bom {
    /// Every line that can appear for some variant: the lines and the lines
    /// overrides add or put in, with their JSON field path.
    pub fn all_lines(&self) -> Vec<(String, &BomLine)> {
        let mut out: Vec<_> = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("lines[{i}]"), l))
            .collect();
        for (i, o) in self.overrides.iter().enumerate() {
            match &o.change {
                Change::Add { line } | Change::Replace { line, .. } => {
                    out.push((format!("overrides[{i}].change.line"), line))
                }
                Change::Remove { .. } => {}
            }
        }
        out
    }

    /// The item codes of every component that can appear, each once.
    pub fn component_codes(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .all_lines()
            .into_iter()
            .map(|(_, l)| l.component.as_str())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}
