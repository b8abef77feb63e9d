//! Cost roll-up: what a quantity of an item variant costs to make, from the
//! standard costs of what is bought and the labour rates of the work
//! centres its routings run on.

use super::catalog::Catalog;
use super::explode::{walk, Step, StepTime, Visit};
use super::wire::{CostFigures, CostLine, CostRollup, LevelCost};
use crate::error::AppError;
use crate::master::{div_round, money_for, Qty, QtyOverflow, Variant};

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
    let mut sum = Costs {
        cat: catalog,
        lines: Vec::new(),
        levels: Vec::new(),
        total: CostFigures::default(),
    };
    walk(catalog, item, variant, qty, &mut sum)?;
    let per = |v: i64| -> Result<i64, AppError> {
        i64::try_from(div_round(v as i128 * 1_000_000, qty.millionths() as i128))
            .map_err(|_| too_big(QtyOverflow))
    };
    let total = sum.total;
    let per_unit = CostFigures {
        material_minor: per(total.material_minor)?,
        scrap_minor: per(total.scrap_minor)?,
        labour_minor: per(total.labour_minor)?,
        total_minor: per(total.total_minor)?,
    };
    Ok(CostRollup {
        item: item.to_string(),
        variant: variant.key(),
        qty,
        lines: sum.lines,
        levels: sum
            .levels
            .into_iter()
            .enumerate()
            .filter_map(|(level, cost)| {
                cost.map(|cost| LevelCost {
                    level: level as u32,
                    cost,
                })
            })
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

/// The visitor that costs each node as the explosion reaches it (parents
/// before children, as the lines are listed) and sums per level and in
/// all; it keeps no tree.
struct Costs<'a> {
    cat: &'a dyn Catalog,
    lines: Vec<CostLine>,
    /// Per level, once a node of that level has been costed.
    levels: Vec<Option<CostFigures>>,
    total: CostFigures,
}

impl<'c> Visit<'c> for Costs<'_> {
    type Node = ();

    fn enter(
        &mut self,
        s: &Step<'c, '_>,
        made: bool,
        times: &[StepTime<'c>],
        _children: usize,
    ) -> Result<(), AppError> {
        let mut c = CostFigures::default();
        if !made {
            let cost = s.info.standard_cost_minor;
            c.material_minor = money_for(s.total, cost).map_err(too_big)?;
            c.scrap_minor = c.material_minor - money_for(s.net, cost).map_err(too_big)?;
        }
        for t in times {
            let wc = self.cat.work_centre(t.work_centre).ok_or_else(|| {
                AppError::conflict(format!("work centre {} does not exist", t.work_centre))
            })?;
            let cost = labour_cost(t.total, wc.labour_rate_minor_per_hour).map_err(too_big)?;
            c.labour_minor = c
                .labour_minor
                .checked_add(cost)
                .ok_or_else(|| too_big(QtyOverflow))?;
        }
        c.total_minor = c
            .material_minor
            .checked_add(c.labour_minor)
            .ok_or_else(|| too_big(QtyOverflow))?;
        let level = s.level as usize;
        if self.levels.len() <= level {
            self.levels.resize(level + 1, None);
        }
        add(
            self.levels[level].get_or_insert_with(CostFigures::default),
            &c,
        )?;
        add(&mut self.total, &c)?;
        self.lines.push(CostLine {
            level: s.level,
            item: s.item.to_string(),
            variant: s.variant.key(),
            total_qty: s.total,
            cost: c,
        });
        Ok(())
    }

    fn adopt(&mut self, _parent: &mut (), _child: ()) {}
}
