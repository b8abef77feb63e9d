//! What the BOM screens and the REST API exchange besides the form itself:
//! list rows, a stored version with what the editor needs around it, the
//! edit envelope, validation answers, the variant grid and search results.

use super::input::{
    BomInput, BomLineInput, ChangeInput, OperationInput, OverrideInput, QtyRuleInput, RunTimeInput,
};
use super::model::{Bom, BomLine, Change, QtyRule, RunTime};
use super::wire::{BomIssue, WhereUsed};
use crate::master::{Attribute, Qty};
use serde::{Deserialize, Serialize};

/// The current version of one style's BOM, in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BomSummary {
    /// The id of this version's row (`/warehouse/bom/{id}`).
    pub id: i64,
    pub item: String,
    pub item_name: String,
    pub version: u32,
    /// Used by an order: an edit writes a new version.
    pub frozen: bool,
    /// UTC milliseconds.
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BomPage {
    pub items: Vec<BomSummary>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// What the editor needs to know about an item a line names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComponentRef {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub archived: bool,
    pub attributes: Vec<Attribute>,
    /// The row id of its current BOM, when it is made here.
    pub bom_id: Option<i64>,
}

/// One stored version of a BOM, as the editor opens it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BomView {
    pub id: i64,
    pub item: String,
    pub item_name: String,
    pub version: u32,
    pub is_current: bool,
    pub frozen: bool,
    /// Send it back with an edit (optimistic concurrency).
    pub revision: i64,
    pub updated_at: i64,
    /// The style's variant attributes.
    pub attributes: Vec<Attribute>,
    /// The BOM as a form (quantities as text).
    pub form: BomInput,
    /// Every item its lines name, by code.
    pub components: Vec<ComponentRef>,
}

/// A row of a BOM's version history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BomVersion {
    pub id: i64,
    pub version: u32,
    pub is_current: bool,
    pub frozen: bool,
    pub revision: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// An edit of a stored version: the form, and the revision it was read at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BomEdit {
    pub revision: i64,
    #[serde(flatten)]
    pub bom: BomInput,
}

/// Every problem with a BOM form (empty: it may be saved).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BomValidation {
    pub valid: bool,
    pub issues: Vec<BomIssue>,
}

/// The answer to a save: the stored version, or every reason it was refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BomSaved {
    Saved { bom: Box<BomView> },
    Refused { issues: Vec<BomIssue> },
}

/// One effective line of one variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VariantLine {
    pub line_no: u32,
    pub component: String,
    /// The component's variant key (`colour=red`).
    pub component_variant: String,
    pub qty_per: Qty,
    pub scrap_bp: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VariantLines {
    /// `colour=red;size=M`.
    pub variant: String,
    pub lines: Vec<VariantLine>,
    /// Why this variant's lines cannot be worked out, if they cannot.
    pub problem: Option<String>,
}

/// A style's variant grid: every combination of its attribute values (or
/// the one asked for) with its lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VariantGrid {
    pub item: String,
    pub bom_id: i64,
    pub bom_version: u32,
    pub attributes: Vec<Attribute>,
    pub variants: Vec<VariantLines>,
}

/// `search?component=` gives where-used; `search?q=` the BOMs whose item or
/// a component matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BomSearch {
    pub where_used: Option<WhereUsed>,
    pub boms: Vec<BomSummary>,
}

fn line_input(l: &BomLine) -> BomLineInput {
    BomLineInput {
        line_no: l.line_no,
        component: l.component.clone(),
        qty: match &l.qty {
            QtyRule::Fixed { qty } => QtyRuleInput::Fixed {
                qty: qty.to_string(),
            },
            QtyRule::ByAttribute {
                attribute,
                values,
                default,
            } => QtyRuleInput::ByAttribute {
                attribute: attribute.clone(),
                values: values
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_string()))
                    .collect(),
                default: default.map(|d| d.to_string()),
            },
        },
        scrap_bp: l.scrap_bp,
        attrs: l.attrs.clone(),
    }
}

impl From<&Bom> for BomInput {
    /// The stored BOM as its form, so the editor can show and send it back.
    fn from(b: &Bom) -> BomInput {
        BomInput {
            item: b.item.clone(),
            version: b.version,
            lines: b.lines.iter().map(line_input).collect(),
            operations: b
                .operations
                .iter()
                .map(|o| OperationInput {
                    seq: o.seq,
                    work_centre: o.work_centre.clone(),
                    setup_minutes: o.setup_minutes.to_string(),
                    run: match &o.run {
                        RunTime::PerUnit { minutes } => RunTimeInput::PerUnit {
                            minutes: minutes.to_string(),
                        },
                        RunTime::Embroidery { design } => RunTimeInput::Embroidery {
                            design: design.clone(),
                        },
                    },
                })
                .collect(),
            overrides: b
                .overrides
                .iter()
                .map(|o| OverrideInput {
                    when: o.when.0.clone(),
                    change: match &o.change {
                        Change::Add { line } => ChangeInput::Add {
                            line: line_input(line),
                        },
                        Change::Remove { line_no } => ChangeInput::Remove { line_no: *line_no },
                        Change::Replace { line_no, line } => ChangeInput::Replace {
                            line_no: *line_no,
                            line: line_input(line),
                        },
                    },
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::teddy_bom;
    use super::*;

    #[test]
    fn a_stored_bom_round_trips_through_its_form() {
        let b = teddy_bom();
        assert_eq!(BomInput::from(&b).parse().unwrap(), b);
    }
}
