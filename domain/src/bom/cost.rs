//! Cost roll-up: what a quantity of an item variant costs to make, from the
//! standard costs of what is bought and the labour rates of the work
//! centres its routings run on.

use super::catalog::Catalog;
use super::explode::explode;
use super::wire::{CostFigures, CostLine, CostRollup, ExplosionNode, LevelCost};
use crate::error::AppError;
use crate::master::{div_round, money_for, Qty, QtyOverflow, Variant};
use std::collections::BTreeMap;

fn too_big(_: QtyOverflow) -> AppError {
    AppError::field("qty", "is too large to cost")
}

/// What `minutes` at `rate_minor_per_hour` cost, rounded half up to a
/// whole minor unit.
pub fn labour_cost(minutes: Qty, rate_minor_per_hour: i64) -> Result<i64, QtyOverflow> {
    let v = div_round(
        minutes.millionths() as i128 * rate_minor_per_hour as i128,
        60_000_000,
    );
    i64::try_from(v).map_err(|_| QtyOverflow)
}

/// Rolls up the cost of `qty` of `item` in `variant` over its explosion.
///
/// - Material: each bought item (a leaf) costs `total_qty × standard cost`,
///   rounded half up once per node. Made items' own standard cost is not
///   used; their cost is what is below them.
/// - Scrap: the part of material caused by scrap at any level,
///   `cost(total_qty) − cost(net_qty)` per leaf.
/// - Labour: each routing step costs `(setup + run) minutes × rate ÷ 60`,
///   rounded half up once per step.
/// - Totals are sums of the rounded parts; per unit, each figure is the
///   total divided by `qty`, rounded half up on its own (so per-unit parts
///   may not add up to the per-unit total by a cent).
pub fn cost_rollup(
    catalog: &dyn Catalog,
    item: &str,
    variant: &Variant,
    qty: Qty,
) -> Result<CostRollup, AppError> {
    let ex = explode(catalog, item, variant, qty)?;
    let mut lines = Vec::new();
    walk(catalog, &ex.root, &mut lines)?;
    let mut levels: BTreeMap<u32, CostFigures> = BTreeMap::new();
    let mut total = CostFigures::default();
    for l in &lines {
        add(levels.entry(l.level).or_default(), &l.cost)?;
        add(&mut total, &l.cost)?;
    }
    let per = |v: i64| -> Result<i64, AppError> {
        i64::try_from(div_round(v as i128 * 1_000_000, qty.millionths() as i128))
            .map_err(|_| too_big(QtyOverflow))
    };
    let per_unit = CostFigures {
        material_minor: per(total.material_minor)?,
        scrap_minor: per(total.scrap_minor)?,
        labour_minor: per(total.labour_minor)?,
        total_minor: per(total.total_minor)?,
    };
    Ok(CostRollup {
        item: ex.item,
        variant: ex.variant,
        qty,
        lines,
        levels: levels
            .into_iter()
            .map(|(level, cost)| LevelCost { level, cost })
            .collect(),
        total,
        per_unit,
    })
}

fn add(to: &mut CostFigures, c: &CostFigures) -> Result<(), AppError> {
    let sum = |a: i64, b: i64| a.checked_add(b).ok_or_else(|| too_big(QtyOverflow));
    to.material_minor = sum(to.material_minor, c.material_minor)?;
    to.scrap_minor = sum(to.scrap_minor, c.scrap_minor)?;
    to.labour_minor = sum(to.labour_minor, c.labour_minor)?;
    to.total_minor = sum(to.total_minor, c.total_minor)?;
    Ok(())
}

fn walk(cat: &dyn Catalog, n: &ExplosionNode, out: &mut Vec<CostLine>) -> Result<(), AppError> {
    let mut c = CostFigures::default();
    if !n.made {
        let info = cat
            .item(&n.item)
            .ok_or_else(|| AppError::conflict(format!("component {} does not exist", n.item)))?;
        c.material_minor = money_for(n.total_qty, info.standard_cost_minor).map_err(too_big)?;
        c.scrap_minor =
            c.material_minor - money_for(n.net_qty, info.standard_cost_minor).map_err(too_big)?;
    }
    for op in &n.operations {
        let wc = cat.work_centre(&op.work_centre).ok_or_else(|| {
            AppError::conflict(format!("work centre {} does not exist", op.work_centre))
        })?;
        let cost = labour_cost(op.total_minutes, wc.labour_rate_minor_per_hour).map_err(too_big)?;
        c.labour_minor = c
            .labour_minor
            .checked_add(cost)
            .ok_or_else(|| too_big(QtyOverflow))?;
    }
    c.total_minor = c
        .material_minor
        .checked_add(c.labour_minor)
        .ok_or_else(|| too_big(QtyOverflow))?;
    out.push(CostLine {
        level: n.level,
        item: n.item.clone(),
        variant: n.variant.clone(),
        total_qty: n.total_qty,
        cost: c,
    });
    for ch in &n.children {
        walk(cat, ch, out)?;
    }
    Ok(())
}
