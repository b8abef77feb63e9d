//! Exploding a quantity of one item variant through its BOM and every
//! sub-assembly's BOM: the tree with quantities and routing times, and the
//! flat list of everything needed.

use super::catalog::Catalog;
use super::model::RunTime;
use super::resolve::resolve;
use super::validate::MAX_DEPTH;
use super::wire::{Explosion, ExplosionNode, OperationTime, Requirement};
use crate::error::AppError;
use crate::master::{run_minutes, Qty, QtyOverflow, Variant};
use std::collections::BTreeMap;

fn too_big(_: QtyOverflow) -> AppError {
    AppError::field("qty", "is too large to explode")
}

/// Explodes `qty` of `item` in `variant`.
///
/// Each component's quantity is `parent total × qty per`, then scrap is
/// added (`× (1 + scrap_bp / 10 000)`), each step rounded half up at six
/// decimals; `net_qty` is the same without scrap at any level. A component
/// with its own BOM is exploded through it in the component's variant;
/// items without a BOM are leaves (bought). Routing times use the node's
/// total quantity: setup once plus run per unit, or embroidery runs of
/// `ceil(total)` pieces.
///
/// Errors: an unknown item is not found; a variant the item does not allow
/// or a non-positive `qty` is a field error; a BOM that loops, runs deeper
/// than 32 levels or names missing data is a conflict (validation refuses
/// those, but explosion never loops or panics on them).
pub fn explode(
    catalog: &dyn Catalog,
    item: &str,
    variant: &Variant,
    qty: Qty,
) -> Result<Explosion, AppError> {
    let info = catalog
        .item(item)
        .ok_or_else(|| AppError::not_found(format!("item {item}")))?;
    variant.check_complete(&info.attributes, "variant")?;
    if !qty.is_positive() {
        return Err(AppError::field("qty", "must be more than zero"));
    }
    let top = Step {
        item,
        variant,
        line_no: None,
        level: 0,
        qty_per: Qty::ONE,
        scrap_bp: 0,
        net: qty,
        total: qty,
    };
    let root = node(catalog, top, &mut Vec::new())?;
    let mut sums: BTreeMap<(String, String), Requirement> = BTreeMap::new();
    collect(&root, &mut sums)?;
    Ok(Explosion {
        item: item.to_string(),
        variant: variant.key(),
        qty,
        root,
        requirements: sums.into_values().collect(),
    })
}

struct Step<'a> {
    item: &'a str,
    variant: &'a Variant,
    line_no: Option<u32>,
    level: u32,
    qty_per: Qty,
    scrap_bp: u32,
    net: Qty,
    total: Qty,
}

fn node(cat: &dyn Catalog, s: Step, path: &mut Vec<String>) -> Result<ExplosionNode, AppError> {
    if path.iter().any(|p| p == s.item) {
        let mut c = path.clone();
        c.push(s.item.to_string());
        return Err(AppError::conflict(format!(
            "the bill of materials loops: {}",
            c.join(" → ")
        )));
    }
    if s.level as usize > MAX_DEPTH {
        return Err(AppError::conflict(format!(
            "{} has more than {MAX_DEPTH} levels of components",
            path[0]
        )));
    }
    let info = cat
        .item(s.item)
        .ok_or_else(|| AppError::conflict(format!("component {} does not exist", s.item)))?;
    let bom = cat.bom_for(s.item);
    let mut children = Vec::new();
    let mut operations = Vec::new();
    if let Some(bom) = bom {
        path.push(s.item.to_string());
        for l in resolve(bom, s.variant)? {
            if path.contains(&l.component) {
                return Err(AppError::conflict(format!(
                    "the bill of materials loops: {} → {}",
                    path.join(" → "),
                    l.component
                )));
            }
            let ci = cat.item(&l.component).ok_or_else(|| {
                AppError::conflict(format!(
                    "component {} of {} does not exist",
                    l.component, s.item
                ))
            })?;
            l.component_variant
                .check_complete(&ci.attributes, "variant")
                .map_err(|e| {
                    let why = e
                        .field_error()
                        .map(|f| f.message.clone())
                        .unwrap_or_default();
                    AppError::conflict(format!(
                        "line {} of {} gives {} a variant it does not have: {why}",
                        l.line_no, s.item, l.component
                    ))
                })?;
            let child = Step {
                item: &l.component,
                variant: &l.component_variant,
                line_no: Some(l.line_no),
                level: s.level + 1,
                qty_per: l.qty_per,
                scrap_bp: l.scrap_bp,
                net: s.net.mul(l.qty_per).map_err(too_big)?,
                total: s
                    .total
                    .mul(l.qty_per)
                    .and_then(|q| q.apply_scrap(l.scrap_bp))
                    .map_err(too_big)?,
            };
            children.push(node(cat, child, path)?);
        }
        path.pop();
        for op in &bom.operations {
            let run = match &op.run {
                RunTime::PerUnit { minutes } => minutes.mul(s.total).map_err(too_big)?,
                RunTime::Embroidery { design } => {
                    let d = cat.design(design).ok_or_else(|| {
                        AppError::conflict(format!("embroidery design {design} does not exist"))
                    })?;
                    let m = cat.embroidery_machine_for(&op.work_centre).ok_or_else(|| {
                        AppError::conflict(format!("{} has no embroidery machine", op.work_centre))
                    })?;
                    let pieces = u64::try_from(s.total.ceil_int()).unwrap_or(0);
                    run_minutes(d, m, pieces, cat.minutes_per_colour_change())?
                }
            };
            operations.push(OperationTime {
                seq: op.seq,
                work_centre: op.work_centre.clone(),
                setup_minutes: op.setup_minutes,
                run_minutes: run,
                total_minutes: op.setup_minutes.checked_add(run).map_err(too_big)?,
            });
        }
        operations.sort_by_key(|o| o.seq);
    }
    Ok(ExplosionNode {
        item: s.item.to_string(),
        variant: s.variant.key(),
        line_no: s.line_no,
        level: s.level,
        qty_per: s.qty_per,
        scrap_bp: s.scrap_bp,
        net_qty: s.net,
        total_qty: s.total,
        unit: info.unit.clone(),
        made: bom.is_some(),
        operations,
        children,
    })
}

fn collect(
    n: &ExplosionNode,
    sums: &mut BTreeMap<(String, String), Requirement>,
) -> Result<(), AppError> {
    for c in &n.children {
        let r = sums
            .entry((c.item.clone(), c.variant.clone()))
            .or_insert_with(|| Requirement {
                item: c.item.clone(),
                variant: c.variant.clone(),
                unit: c.unit.clone(),
                net_qty: Qty::ZERO,
                total_qty: Qty::ZERO,
                made: c.made,
            });
        r.net_qty = r.net_qty.checked_add(c.net_qty).map_err(too_big)?;
        r.total_qty = r.total_qty.checked_add(c.total_qty).map_err(too_big)?;
        collect(c, sums)?;
    }
    Ok(())
}
