//! Exploding a quantity of one item variant through its BOM and every
//! sub-assembly's BOM: the tree with quantities and routing times, and the
//! flat list of everything needed.

use super::catalog::{Catalog, ItemInfo};
use super::model::RunTime;
use super::resolve::{component_variant, effective_lines, qty_per};
use super::validate::MAX_DEPTH;
use super::wire::{Explosion, ExplosionNode, OperationTime, Requirement};
use crate::error::AppError;
use crate::master::{run_minutes, Qty, QtyOverflow, Variant};
use rustc_hash::FxHashMap;

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
        info,
        variant,
        line_no: None,
        level: 0,
        qty_per: Qty::ONE,
        scrap_bp: 0,
        net: qty,
        total: qty,
    };
    let root = node(catalog, top, &mut Vec::new())?;
    Ok(Explosion {
        item: item.to_string(),
        variant: variant.key(),
        qty,
        requirements: collect(&root)?,
        root,
    })
}

/// One node to explode: `item` (whose catalog entry is `info`) in
/// `variant`, reached through `line_no` of its parent.
struct Step<'c, 'v> {
    item: &'c str,
    info: &'c ItemInfo,
    variant: &'v Variant,
    line_no: Option<u32>,
    level: u32,
    qty_per: Qty,
    scrap_bp: u32,
    net: Qty,
    total: Qty,
}

fn loops(path: &[&str], next: &str) -> AppError {
    let mut c = path.to_vec();
    c.push(next);
    AppError::conflict(format!("the bill of materials loops: {}", c.join(" → ")))
}

/// Explodes one node. `path` holds the items above it (no allocation per
/// node: the codes are borrowed from the catalog).
fn node<'c>(
    cat: &'c dyn Catalog,
    s: Step<'c, '_>,
    path: &mut Vec<&'c str>,
) -> Result<ExplosionNode, AppError> {
    if path.contains(&s.item) {
        return Err(loops(path, s.item));
    }
    if s.level as usize > MAX_DEPTH {
        return Err(AppError::conflict(format!(
            "{} has more than {MAX_DEPTH} levels of components",
            path[0]
        )));
    }
    let bom = cat.bom_for(s.item);
    let mut children = Vec::new();
    let mut operations = Vec::new();
    if let Some(bom) = bom {
        path.push(s.item);
        let lines = effective_lines(bom, s.variant)?;
        children.reserve_exact(lines.len());
        for l in lines {
            let component = l.component.as_str();
            if path.contains(&component) {
                return Err(loops(path, component));
            }
            let ci = cat.item(component).ok_or_else(|| {
                AppError::conflict(format!(
                    "component {component} of {} does not exist",
                    s.item
                ))
            })?;
            let cv = component_variant(bom, l, s.variant)?;
            cv.check_complete(&ci.attributes, "variant").map_err(|e| {
                let why = e
                    .field_error()
                    .map(|f| f.message.clone())
                    .unwrap_or_default();
                AppError::conflict(format!(
                    "line {} of {} gives {component} a variant it does not have: {why}",
                    l.line_no, s.item
                ))
            })?;
            let per = qty_per(bom, l, s.variant)?;
            let child = Step {
                item: component,
                info: ci,
                variant: &cv,
                line_no: Some(l.line_no),
                level: s.level + 1,
                qty_per: per,
                scrap_bp: l.scrap_bp,
                net: s.net.mul(per).map_err(too_big)?,
                total: s
                    .total
                    .mul(per)
                    .and_then(|q| q.apply_scrap(l.scrap_bp))
                    .map_err(too_big)?,
            };
            children.push(node(cat, child, path)?);
        }
        path.pop();
        operations.reserve_exact(bom.operations.len());
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
        unit: s.info.unit.clone(),
        made: bom.is_some(),
        operations,
        children,
    })
}

/// The flat list: every node below the top summed by item and variant,
/// sorted by both. Sums are indexed by borrowed keys, so a node that adds
/// to an existing requirement allocates nothing.
fn collect(root: &ExplosionNode) -> Result<Vec<Requirement>, AppError> {
    let mut at: FxHashMap<(&str, &str), usize> = FxHashMap::default();
    let mut out: Vec<Requirement> = Vec::new();
    let mut stack: Vec<&ExplosionNode> = root.children.iter().rev().collect();
    while let Some(c) = stack.pop() {
        let i = *at
            .entry((c.item.as_str(), c.variant.as_str()))
            .or_insert_with(|| {
                out.push(Requirement {
                    item: c.item.clone(),
                    variant: c.variant.clone(),
                    unit: c.unit.clone(),
                    net_qty: Qty::ZERO,
                    total_qty: Qty::ZERO,
                    made: c.made,
                });
                out.len() - 1
            });
        let r = &mut out[i];
        r.net_qty = r.net_qty.checked_add(c.net_qty).map_err(too_big)?;
        r.total_qty = r.total_qty.checked_add(c.total_qty).map_err(too_big)?;
        stack.extend(c.children.iter().rev());
    }
    out.sort_unstable_by(|a, b| (&a.item, &a.variant).cmp(&(&b.item, &b.variant)));
    Ok(out)
}
