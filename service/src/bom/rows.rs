//! Row types of the BOM tables and of the master tables BOMs read (read
//! directly here, with their own row types). JSON columns decode strictly:
//! a body or attribute list that does not read is an error, never a default.

use crate::error::{Result, ServiceError};
use crate::rows::Flag;
use domain::bom::{Bom, BomSummary, BomVersion, ItemInfo, WorkCentreInfo};
use domain::master::{Attribute, Design, ItemKind};
use sqlx::FromRow;

pub(super) const BOM_COLUMNS: &str = "b.id, b.item_id, i.code AS item_code, i.name AS item_name, \
    b.version, b.is_current, b.frozen_at, b.body, b.revision, b.created_at, b.updated_at";

/// A `boms` row with its item's code and name.
#[derive(Debug, Clone, FromRow)]
pub(super) struct BomRow {
    pub id: i64,
    pub item_id: i64,
    pub item_code: String,
    pub item_name: String,
    pub version: i64,
    #[sqlx(try_from = "i64")]
    pub is_current: Flag,
    pub frozen_at: Option<i64>,
    pub body: String,
    pub revision: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl BomRow {
    /// The stored document, strictly decoded.
    pub fn bom(&self) -> Result<Bom> {
        decode_body(self.id, &self.body)
    }

    pub fn version(&self) -> u32 {
        u32::try_from(self.version).unwrap_or(u32::MAX)
    }

    pub fn summary(&self) -> BomSummary {
        BomSummary {
            id: self.id,
            item: self.item_code.clone(),
            item_name: self.item_name.clone(),
            version: self.version(),
            frozen: self.frozen_at.is_some(),
            updated_at: self.updated_at,
        }
    }

    pub fn history(&self) -> BomVersion {
        BomVersion {
            id: self.id,
            version: self.version(),
            is_current: self.is_current.0,
            frozen: self.frozen_at.is_some(),
            revision: self.revision,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

pub(super) fn decode_body(id: i64, body: &str) -> Result<Bom> {
    serde_json::from_str(body)
        .map_err(|e| ServiceError::Internal(format!("BOM row {id}: unreadable body: {e}")))
}

/// A current BOM reached from the one at hand: its row, item and revision.
#[derive(Debug, Clone, FromRow)]
pub(super) struct ReachedBomRef {
    pub id: i64,
    pub item_code: String,
    pub revision: i64,
}

/// A BOM's body at a revision.
#[derive(Debug, Clone, FromRow)]
pub(super) struct BodyRow {
    pub id: i64,
    pub revision: i64,
    pub body: String,
}

/// A row of the component index with the codes it joins to: version
/// `version` of `parent`'s BOM names `component`.
#[derive(Debug, Clone, FromRow)]
pub(super) struct UseEdgeRow {
    pub parent: String,
    pub version: i64,
    pub component: String,
}

impl UseEdgeRow {
    pub fn edge(&self) -> Result<domain::bom::UseEdge<'_>> {
        let version = u32::try_from(self.version).map_err(|_| {
            ServiceError::Internal(format!(
                "BOM of {} has version {}",
                self.parent, self.version
            ))
        })?;
        Ok(domain::bom::UseEdge {
            parent: &self.parent,
            version,
            component: &self.component,
        })
    }
}

/// An `items` row with its unit's code.
#[derive(Debug, Clone, FromRow)]
pub(super) struct ItemRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: ItemKind,
    pub unit: String,
    pub standard_cost_minor: i64,
    pub attributes: String,
    pub archived_at: Option<i64>,
}

pub(super) const ITEM_COLUMNS: &str = "i.id, i.code, i.name, i.kind, u.code AS unit, \
    i.standard_cost_minor, i.attributes, i.archived_at";

impl ItemRow {
    pub fn attributes(&self) -> Result<Vec<Attribute>> {
        serde_json::from_str(&self.attributes).map_err(|e| {
            ServiceError::Internal(format!("item {}: unreadable attributes: {e}", self.code))
        })
    }

    pub fn info(&self) -> Result<ItemInfo> {
        Ok(ItemInfo {
            kind: self.kind,
            attributes: self.attributes()?,
            archived: self.archived_at.is_some(),
            unit: self.unit.clone(),
            standard_cost_minor: self.standard_cost_minor,
        })
    }
}

#[derive(Debug, Clone, FromRow)]
pub(super) struct WorkCentreRow {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub labour_rate_minor_per_hour: i64,
    pub archived_at: Option<i64>,
}

impl WorkCentreRow {
    pub fn info(&self) -> WorkCentreInfo {
        WorkCentreInfo {
            archived: self.archived_at.is_some(),
            labour_rate_minor_per_hour: self.labour_rate_minor_per_hour,
            kind: self.kind.clone(),
        }
    }
}

#[derive(Debug, Clone, FromRow)]
pub(super) struct DesignRow {
    pub code: String,
    pub stitch_count: i64,
    pub colour_changes: i64,
    pub thread_colours: String,
    pub hoop: String,
}

impl DesignRow {
    pub fn design(&self) -> Result<Design> {
        let bad = |what: &str| ServiceError::Internal(format!("design {}: {what}", self.code));
        Ok(Design {
            code: self.code.clone(),
            stitch_count: u32::try_from(self.stitch_count).map_err(|_| bad("stitch count"))?,
            colour_changes: u32::try_from(self.colour_changes)
                .map_err(|_| bad("colour changes"))?,
            thread_colours: serde_json::from_str(&self.thread_colours)
                .map_err(|_| bad("unreadable thread colours"))?,
            hoop: self.hoop.clone(),
        })
    }
}

/// An embroidery machine (speed and heads set) at a work centre.
#[derive(Debug, Clone, FromRow)]
pub(super) struct MachineRow {
    pub work_centre_id: i64,
    pub stitches_per_minute: i64,
    pub heads: i64,
}
