//! The order form as typed, and its parsing into lines, one per variant.
//!
//! A line entry is either one variant (`variant_key` + `qty`) or a **grid**
//! for an item with variant attributes: `rows_attribute` down (colour),
//! `cols_attribute` across (size), a quantity per cell. An item with one
//! attribute has one row (`rows_attribute` empty, each cell's `row` empty).
//! An item with more than two attributes gets one grid entry per
//! combination of the others, given in `fixed` as a variant key
//! (`fill=down`): two fills mean two grid entries. Every non-zero cell is
//! stored as one line; errors name the entry and the cell
//! (`lines[2].cells[5].qty`).

use super::wire::{counted_in_pieces, OrderItem};
use crate::error::AppError;
use crate::master::{parse_money, Date, Qty, Variant};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most line entries one order form may hold, and most stored lines.
pub const MAX_ENTRIES: usize = 500;
pub const MAX_LINES: usize = 5000;
pub const MAX_CELLS: usize = 2000;

/// One cell of a grid: the row's and column's values and the quantity as
/// text (`""` or `"0"` for none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridCell {
    #[serde(default)]
    pub row: String,
    pub col: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12"))]
    pub qty: String,
}

/// One line entry of the order form: a single variant, or a grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineInput {
    pub item_id: i64,
    /// A single line: the variant (`colour=red;size=M`; empty without variants).
    #[serde(default)]
    pub variant_key: String,
    /// A single line: the quantity as text (`"12"`, `"1.5"`).
    #[serde(default)]
    pub qty: String,
    #[serde(default)]
    pub unit_price_minor: i64,
    /// `YYYY-MM-DD`, when the line is due earlier or later than the order.
    #[serde(default)]
    pub due_date: Option<String>,
    /// A grid: the attribute down the side (colour); empty for one row.
    #[serde(default)]
    pub rows_attribute: String,
    /// A grid: the attribute across the top (size).
    #[serde(default)]
    pub cols_attribute: String,
    /// A grid: the item's other attributes, as a variant key (`fill=down`).
    #[serde(default)]
    pub fixed: String,
    /// A grid: its cells; the entry is a grid when there are any.
    #[serde(default)]
    pub cells: Vec<GridCell>,
}

impl LineInput {
    pub fn is_grid(&self) -> bool {
        !self.cells.is_empty() || !self.cols_attribute.trim().is_empty()
    }
}

/// A new order, or (with `version`) an edited one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderInput {
    pub customer_id: i64,
    /// The customer's own reference (their PO number); optional.
    #[serde(default)]
    pub customer_ref: String,
    /// `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(example = "2026-12-01"))]
    pub due_date: String,
    #[serde(default)]
    pub lines: Vec<LineInput>,
    /// Edits only: the version the edit was made from.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A grid for one item, replacing that item's lines (those matching `fixed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridInput {
    pub item_id: i64,
    #[serde(default)]
    pub rows_attribute: String,
    pub cols_attribute: String,
    #[serde(default)]
    pub fixed: String,
    #[serde(default)]
    pub unit_price_minor: i64,
    #[serde(default)]
    pub due_date: Option<String>,
    pub cells: Vec<GridCell>,
    /// The order's version the grid was edited from.
    pub version: i64,
}

/// A checked line: one variant of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLine {
    pub item_id: i64,
    pub variant: Variant,
    pub qty: Qty,
    pub unit_price_minor: i64,
    pub due_date: Option<Date>,
}

/// A checked order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub customer_id: i64,
    pub customer_ref: String,
    pub due_date: Date,
    pub lines: Vec<NewLine>,
}

/// Where each variant was first entered, to name a duplicate.
type Seen = BTreeMap<(i64, Variant), String>;

impl OrderInput {
    /// Every item the lines name (to look them up before [`OrderInput::parse`]).
    pub fn item_ids(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.lines.iter().map(|l| l.item_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Checks every field; `item` finds an item by id.
    pub fn parse<'a>(
        &self,
        item: impl Fn(i64) -> Option<&'a OrderItem>,
    ) -> Result<NewOrder, AppError> {
        if self.customer_id <= 0 {
            return Err(AppError::field("customer_id", "choose a customer"));
        }
        let customer_ref = parse_ref(&self.customer_ref)?;
        let due_date = Date::parse("due_date", &self.due_date)?;
        if self.lines.len() > MAX_ENTRIES {
            return Err(AppError::field(
                "lines",
                format!("use at most {MAX_ENTRIES} line entries"),
            ));
        }
        let mut lines = Vec::new();
        let mut seen = Seen::new();
        for (i, l) in self.lines.iter().enumerate() {
            let p = format!("lines[{i}].");
            let it = find_item(&p, l.item_id, &item)?;
            let price = parse_money(&format!("{p}unit_price_minor"), l.unit_price_minor)?;
            let due = parse_due(&p, &l.due_date)?;
            if l.is_grid() {
                let g = GridRef {
                    rows_attribute: &l.rows_attribute,
                    cols_attribute: &l.cols_attribute,
                    fixed: &l.fixed,
                    cells: &l.cells,
                };
                parse_grid(&p, &g, it, price, due, &mut lines, &mut seen)?;
            } else {
                let field = format!("{p}variant_key");
                let variant = Variant::parse_key(&field, &l.variant_key)?;
                variant.check_complete(&it.attributes, &field)?;
                let qty = parse_qty(&format!("{p}qty"), &l.qty, &it.unit, true)?;
                push(
                    &mut lines,
                    &mut seen,
                    &field,
                    &p,
                    it,
                    NewLine {
                        item_id: it.id,
                        variant,
                        qty,
                        unit_price_minor: price,
                        due_date: due,
                    },
                )?;
            }
            if lines.len() > MAX_LINES {
                return Err(AppError::field(
                    "lines",
                    format!("an order holds at most {MAX_LINES} lines"),
                ));
            }
        }
        Ok(NewOrder {
            customer_id: self.customer_id,
            customer_ref,
            due_date,
            lines,
        })
    }
}

impl GridInput {
    /// The grid's lines (fields named without a prefix: `cells[5].qty`).
    pub fn parse(&self, item: &OrderItem) -> Result<Vec<NewLine>, AppError> {
        if item.id != self.item_id {
            return Err(AppError::field("item_id", "no such item"));
        }
        if item.archived {
            return Err(AppError::field(
                "item_id",
                format!("{} is archived", item.code),
            ));
        }
        let price = parse_money("unit_price_minor", self.unit_price_minor)?;
        let due = parse_due("", &self.due_date)?;
        let g = GridRef {
            rows_attribute: &self.rows_attribute,
            cols_attribute: &self.cols_attribute,
            fixed: &self.fixed,
            cells: &self.cells,
        };
        let mut lines = Vec::new();
        parse_grid("", &g, item, price, due, &mut lines, &mut Seen::new())?;
        Ok(lines)
    }

    /// The fixed attributes this grid covers (lines of the item matching it
    /// are the ones it replaces).
    pub fn fixed_variant(&self) -> Result<Variant, AppError> {
        Variant::parse_key("fixed", &self.fixed)
    }
}

/// The form's view of a stored line, so an edit can resend the lines it keeps.
impl From<&NewLine> for LineInput {
    fn from(l: &NewLine) -> Self {
        LineInput {
            item_id: l.item_id,
            variant_key: l.variant.key(),
            qty: l.qty.to_string(),
            unit_price_minor: l.unit_price_minor,
            due_date: l.due_date.map(|d| d.to_string()),
            ..Default::default()
        }
    }
}

fn parse_ref(s: &str) -> Result<String, AppError> {
    let t = s.trim();
    if t.chars().count() > 60 {
        return Err(AppError::field("customer_ref", "use at most 60 characters"));
    }
    if t.chars().any(char::is_control) {
        return Err(AppError::field(
            "customer_ref",
            "remove tabs, line breaks and control characters",
        ));
    }
    Ok(t.to_string())
}

fn parse_due(p: &str, s: &Option<String>) -> Result<Option<Date>, AppError> {
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) => Date::parse(&format!("{p}due_date"), d).map(Some),
    }
}

fn find_item<'a>(
    p: &str,
    id: i64,
    item: &impl Fn(i64) -> Option<&'a OrderItem>,
) -> Result<&'a OrderItem, AppError> {
    let field = format!("{p}item_id");
    let it = item(id).ok_or_else(|| AppError::field(&field, "no such item"))?;
    if it.archived {
        return Err(AppError::field(&field, format!("{} is archived", it.code)));
    }
    Ok(it)
}

/// A quantity: more than zero (or, in a grid cell, zero for none); whole
/// for items counted in pieces.
fn parse_qty(field: &str, s: &str, unit: &str, required: bool) -> Result<Qty, AppError> {
    if !required && matches!(s.trim(), "" | "0") {
        return Ok(Qty::ZERO);
    }
    let q = if required {
        Qty::parse_positive(field, s)?
    } else {
        Qty::parse_non_negative(field, s)?
    };
    if counted_in_pieces(unit) && q.millionths() % Qty::ONE.millionths() != 0 {
        return Err(AppError::field(
            field,
            format!("{unit} are counted in whole numbers"),
        ));
    }
    Ok(q)
}

fn push(
    lines: &mut Vec<NewLine>,
    seen: &mut Seen,
    field: &str,
    p: &str,
    item: &OrderItem,
    line: NewLine,
) -> Result<(), AppError> {
    let key = (line.item_id, line.variant.clone());
    if let Some(first) = seen.get(&key) {
        let what = if line.variant.is_empty() {
            item.code.clone()
        } else {
            format!("{} {}", item.code, line.variant.key())
        };
        return Err(AppError::field(
            field,
            format!("{what} is already on {first}; enter each variant once"),
        ));
    }
    seen.insert(key, p.trim_end_matches('.').to_string());
    lines.push(line);
    Ok(())
}

struct GridRef<'a> {
    rows_attribute: &'a str,
    cols_attribute: &'a str,
    fixed: &'a str,
    cells: &'a [GridCell],
}

fn parse_grid(
    p: &str,
    g: &GridRef,
    item: &OrderItem,
    price: i64,
    due: Option<Date>,
    lines: &mut Vec<NewLine>,
    seen: &mut Seen,
) -> Result<(), AppError> {
    let attrs = &item.attributes;
    if attrs.is_empty() {
        return Err(AppError::field(
            &format!("{p}cells"),
            format!("{} has no variants; enter one quantity", item.code),
        ));
    }
    let names = || {
        attrs
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let find = |field: &str, name: &str| {
        attrs.iter().find(|a| a.name == name.trim()).ok_or_else(|| {
            AppError::field(
                field,
                format!(
                    "{} has the attributes {}, not {:?}",
                    item.code,
                    names(),
                    name.trim()
                ),
            )
        })
    };
    let cols = find(&format!("{p}cols_attribute"), g.cols_attribute)?;
    let rows_field = format!("{p}rows_attribute");
    let rows = if attrs.len() == 1 {
        if !g.rows_attribute.trim().is_empty() && g.rows_attribute.trim() != cols.name {
            return Err(AppError::field(
                &rows_field,
                format!("{} has only {}; leave the rows empty", item.code, cols.name),
            ));
        }
        None
    } else {
        let r = find(&rows_field, g.rows_attribute)?;
        if r.name == cols.name {
            return Err(AppError::field(
                &rows_field,
                "choose a different attribute from the columns",
            ));
        }
        Some(r)
    };
    let fixed_field = format!("{p}fixed");
    let fixed = Variant::parse_key(&fixed_field, g.fixed)?;
    fixed.check_subset(attrs, &fixed_field)?;
    for a in attrs {
        let on_axis = a.name == cols.name || rows.is_some_and(|r| r.name == a.name);
        match (on_axis, fixed.get(&a.name)) {
            (true, Some(_)) => {
                return Err(AppError::field(
                    &fixed_field,
                    format!("{} is on the grid's axes; leave it out", a.name),
                ))
            }
            (false, None) => {
                return Err(AppError::field(
                    &fixed_field,
                    format!("choose a {} for this grid", a.name),
                ))
            }
            _ => {}
        }
    }
    if g.cells.len() > MAX_CELLS {
        return Err(AppError::field(
            &format!("{p}cells"),
            format!("use at most {MAX_CELLS} cells"),
        ));
    }
    let before = lines.len();
    let mut cells_seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (j, c) in g.cells.iter().enumerate() {
        let cp = format!("{p}cells[{j}]");
        let row = c.row.trim();
        let col = c.col.trim();
        if !cols.allows(col) {
            return Err(AppError::field(
                &format!("{cp}.col"),
                format!("{} may be {}, not {col}", cols.name, cols.values.join(", ")),
            ));
        }
        match rows {
            Some(r) if !r.allows(row) => {
                return Err(AppError::field(
                    &format!("{cp}.row"),
                    format!("{} may be {}, not {row}", r.name, r.values.join(", ")),
                ))
            }
            None if !row.is_empty() => {
                return Err(AppError::field(
                    &format!("{cp}.row"),
                    "this grid has one row; leave it empty",
                ))
            }
            _ => {}
        }
        if let Some(first) = cells_seen.insert((row.to_string(), col.to_string()), j) {
            return Err(AppError::field(
                &cp,
                format!("{row} {col} is also cells[{first}]; enter each cell once")
                    .trim()
                    .to_string(),
            ));
        }
        let qty = parse_qty(&format!("{cp}.qty"), &c.qty, &item.unit, false)?;
        if qty == Qty::ZERO {
            continue;
        }
        let mut variant = fixed.clone();
        variant.0.insert(cols.name.clone(), col.to_string());
        if let Some(r) = rows {
            variant.0.insert(r.name.clone(), row.to_string());
        }
        push(
            lines,
            seen,
            &cp,
            &cp,
            item,
            NewLine {
                item_id: item.id,
                variant,
                qty,
                unit_price_minor: price,
                due_date: due,
            },
        )?;
    }
    if lines.len() == before {
        return Err(AppError::field(
            &format!("{p}cells"),
            "enter a quantity in at least one cell",
        ));
    }
    Ok(())
}
