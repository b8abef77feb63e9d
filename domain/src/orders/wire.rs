//! What travels between server and browser: orders as screens and
//! integrators see them, the grid view of a variant item's lines, list
//! filters and pages, and what the form needs to know about an item.

use super::{OrderStatus, OrderTransition};
use crate::master::{Attribute, Date, Qty};
use serde::{Deserialize, Serialize};

/// An item as the order form needs it: its variant attributes and unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderItem {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// The unit it is counted in; pieces ([`counted_in_pieces`]) take whole numbers.
    pub unit: String,
    pub attributes: Vec<Attribute>,
    pub archived: bool,
}

/// Units whose quantities are whole pieces (the rest, such as metres or
/// kilograms, may take decimals).
pub const PIECE_UNITS: [&str; 6] = ["EA", "PC", "PCS", "PCE", "PAIR", "SET"];

pub fn counted_in_pieces(unit: &str) -> bool {
    PIECE_UNITS.iter().any(|u| u.eq_ignore_ascii_case(unit))
}

/// A customer as the order form's picker shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerPick {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// One stored order line: one variant of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderLine {
    pub id: i64,
    /// 1, 2, … in the order the lines were entered (a grid's cells row by row).
    pub line_no: i64,
    pub item_id: i64,
    pub item_code: String,
    pub item_name: String,
    pub unit: String,
    /// The variant, `colour=red;size=M` (empty for an item without variants).
    pub variant_key: String,
    pub qty: Qty,
    pub unit_price_minor: i64,
    /// qty × unit price, rounded to a whole minor unit.
    pub amount_minor: i64,
    /// When this line is due, if not the order's due date.
    pub due_date: Option<Date>,
    /// The BOM version pinned on confirmation (None before, or for goods
    /// bought in that have no BOM).
    pub bom_id: Option<i64>,
    pub bom_version: Option<i64>,
    /// What the plant should know: "no BOM: bought in" once confirmed without one.
    pub note: String,
}

/// A sales order with its lines and totals. Times are ISO 8601 UTC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SalesOrder {
    pub id: i64,
    /// `SO-2026-0001`: the year it was entered and a plant-wide sequence.
    pub number: String,
    pub customer_id: i64,
    pub customer_code: String,
    pub customer_name: String,
    /// The customer's own reference (their PO number).
    pub customer_ref: String,
    pub status: OrderStatus,
    pub due_date: Date,
    pub lines: Vec<OrderLine>,
    pub total_qty: Qty,
    pub total_minor: i64,
    /// The steps allowed from its status.
    pub next: Vec<OrderTransition>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// One grid: an item's lines laid out as rows (e.g. colours) × columns (e.g.
/// sizes), for one combination of its other attributes (`fixed`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridView {
    pub item_id: i64,
    pub item_code: String,
    /// Empty for an item with one attribute (one row).
    pub rows_attribute: String,
    pub cols_attribute: String,
    /// The other attributes' values, as a variant key (`fill=down`), or "".
    pub fixed: String,
    /// Row labels (the item's allowed values, in its order); `[""]` for one row.
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    /// `cells[r][c]`: the quantity ordered (0 where there is no line).
    pub cells: Vec<Vec<Qty>>,
    pub row_totals: Vec<Qty>,
    pub col_totals: Vec<Qty>,
    pub total: Qty,
}

/// An order and its variant items' lines as grids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderDetail {
    pub order: SalesOrder,
    pub grids: Vec<GridView>,
}

/// One row of the orders list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderSummary {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub customer_code: String,
    pub customer_name: String,
    pub customer_ref: String,
    pub status: OrderStatus,
    pub due_date: Date,
    pub line_count: i64,
    pub total_qty: Qty,
    pub total_minor: i64,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderPage {
    pub items: Vec<OrderSummary>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// List filters as typed (query parameters arrive as text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct OrderFilter {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub customer_id: Option<i64>,
    /// Due on or after this date (`YYYY-MM-DD`).
    #[serde(default)]
    pub due_after: Option<String>,
    /// Due on or before this date.
    #[serde(default)]
    pub due_before: Option<String>,
    /// Words in the number, the customer's code or name, or their reference.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub offset: Option<i64>,
}

/// A checked filter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFilter {
    pub status: Option<OrderStatus>,
    pub customer_id: Option<i64>,
    pub due_after: Option<Date>,
    pub due_before: Option<Date>,
    /// Lower-cased, trimmed; None when empty.
    pub q: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

pub const MAX_PAGE: i64 = 200;

impl OrderFilter {
    pub fn parse(&self) -> Result<ParsedFilter, crate::AppError> {
        use crate::AppError;
        fn text(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        let status = match text(&self.status) {
            None => None,
            Some(s) => Some(OrderStatus::parse(s).ok_or_else(|| {
                AppError::field(
                    "status",
                    "must be draft, confirmed, in_production, shipped, closed or cancelled",
                )
            })?),
        };
        let due_after = text(&self.due_after)
            .map(|s| Date::parse("due_after", s))
            .transpose()?;
        let due_before = text(&self.due_before)
            .map(|s| Date::parse("due_before", s))
            .transpose()?;
        let q = text(&self.q).map(str::to_lowercase);
        if q.as_ref().is_some_and(|q| q.chars().count() > 100) {
            return Err(AppError::field("q", "use at most 100 characters"));
        }
        let limit = self.limit.unwrap_or(50);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(AppError::field("limit", "must be between 1 and 200"));
        }
        let offset = self.offset.unwrap_or(0);
        if offset < 0 {
            return Err(AppError::field("offset", "must not be negative"));
        }
        if self.customer_id.is_some_and(|c| c <= 0) {
            return Err(AppError::field("customer_id", "must be a customer's id"));
        }
        Ok(ParsedFilter {
            status,
            customer_id: self.customer_id,
            due_after,
            due_before,
            q,
            limit,
            offset,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_name_the_bad_parameter() {
        let f = |x: OrderFilter| x.parse().unwrap_err().field_error().unwrap().field.clone();
        assert_eq!(
            f(OrderFilter {
                status: Some("open".into()),
                ..Default::default()
            }),
            "status"
        );
        assert_eq!(
            f(OrderFilter {
                due_before: Some("2026-02-30".into()),
                ..Default::default()
            }),
            "due_before"
        );
        assert_eq!(
            f(OrderFilter {
                limit: Some(201),
                ..Default::default()
            }),
            "limit"
        );
        let ok = OrderFilter {
            status: Some(" ".into()),
            q: Some(" SO-2026 ".into()),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(
            (ok.status, ok.q.as_deref(), ok.limit),
            (None, Some("so-2026"), 50)
        );
    }

    #[test]
    fn pieces_are_whole() {
        assert!(counted_in_pieces("ea") && counted_in_pieces("PCS"));
        assert!(!counted_in_pieces("M") && !counted_in_pieces("KG"));
    }
}
