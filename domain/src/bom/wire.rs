//! What BOM checks, explosions, cost roll-ups and where-used answers look
//! like to screens and integrators. Quantities are decimal text, money is
//! integer minor units. (The BOM form itself is in `input.rs`.)

use crate::master::Qty;
use serde::{Deserialize, Serialize};

/// Why a BOM cannot be saved as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IssueKind {
    /// The item the BOM belongs to does not exist (or is archived).
    UnknownParent,
    /// Following components leads back to an item already on the path.
    Cycle,
    /// A line uses the style itself.
    SelfComponent,
    MissingItem,
    ArchivedItem,
    NonPositiveQty,
    /// A size or colour without a quantity and no default.
    MissingQty,
    ScrapOutOfRange,
    /// An attribute or value the item does not have.
    AttributeValue,
    /// A component attribute without a rule, or with two.
    AttributeRule,
    DuplicateLine,
    DuplicateOperation,
    MissingWorkCentre,
    ArchivedWorkCentre,
    NegativeMinutes,
    UnknownDesign,
    NoEmbroideryMachine,
    /// An override removes or replaces a line that is not there.
    MissingLine,
    /// A replacement line with a number other than the line it replaces.
    LineNumberChanged,
    /// More than 32 levels of components.
    TooDeep,
    /// A value that does not read as what the field needs (a number, a code).
    Invalid,
}

/// One problem in a BOM, where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BomIssue {
    pub kind: IssueKind,
    /// The line number it concerns, if any.
    pub line: Option<u32>,
    /// The routing step (seq) it concerns, if any.
    pub operation: Option<u32>,
    /// The JSON path in the BOM form, e.g. `lines[2].qty`.
    pub field: String,
    pub message: String,
}

/// Time a routing step takes for a node's whole quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperationTime {
    pub seq: u32,
    pub work_centre: String,
    pub setup_minutes: Qty,
    pub run_minutes: Qty,
    pub total_minutes: Qty,
    /// The embroidery design stitched at this step, if it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design: Option<String>,
}

/// One item in an exploded BOM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExplosionNode {
    pub item: String,
    /// The variant key, e.g. `colour=brown;size=M`.
    pub variant: String,
    /// The parent BOM's line it comes from (none for the top).
    pub line_no: Option<u32>,
    /// 0 for the item exploded, 1 for its components, …
    pub level: u32,
    /// Quantity per one parent, before scrap (1 for the top).
    pub qty_per: Qty,
    pub scrap_bp: u32,
    /// What would be needed if nothing were scrapped at any level.
    pub net_qty: Qty,
    /// What is needed, scrap at this and every level above included.
    pub total_qty: Qty,
    pub unit: String,
    /// Made here (it has a BOM) rather than bought.
    pub made: bool,
    pub operations: Vec<OperationTime>,
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub children: Vec<ExplosionNode>,
}

/// Total need of one item variant across the whole explosion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Requirement {
    pub item: String,
    pub variant: String,
    pub unit: String,
    pub net_qty: Qty,
    pub total_qty: Qty,
    /// A sub-assembly made here; bought items have `false`.
    pub made: bool,
}

/// `qty` of an item variant exploded: the tree and the flat requirements
/// (every component below the top, summed by item and variant, sorted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Explosion {
    pub item: String,
    pub variant: String,
    pub qty: Qty,
    pub root: ExplosionNode,
    pub requirements: Vec<Requirement>,
}

/// Cost figures in minor units. `scrap_minor` is the part of `material_minor`
/// caused by scrap; `total_minor = material_minor + labour_minor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostFigures {
    pub material_minor: i64,
    pub scrap_minor: i64,
    pub labour_minor: i64,
    pub total_minor: i64,
}

/// The cost of one node of the explosion (material for bought items,
/// labour for the node's own routing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostLine {
    pub level: u32,
    pub item: String,
    pub variant: String,
    pub total_qty: Qty,
    pub cost: CostFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelCost {
    pub level: u32,
    pub cost: CostFigures,
}

/// What `qty` of an item variant costs to make, by node, by level, in
/// total and per unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostRollup {
    pub item: String,
    pub variant: String,
    pub qty: Qty,
    /// Depth first, in explosion order; indent by `level`.
    pub lines: Vec<CostLine>,
    pub levels: Vec<LevelCost>,
    pub total: CostFigures,
    /// Each figure of `total` divided by `qty`, rounded half up.
    pub per_unit: CostFigures,
}

/// One parent that uses the component, directly (level 1) or further up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Usage {
    pub item: String,
    pub bom_version: u32,
    pub level: u32,
    /// From this parent down to the component: `T-100`, `NOSE-ASSY`, `THREAD-BLK`.
    pub path: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhereUsed {
    pub component: String,
    pub uses: Vec<Usage>,
}
