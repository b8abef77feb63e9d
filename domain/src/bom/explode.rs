//! Exploding a quantity of one item variant through its BOM and every
//! sub-assembly's BOM: the tree with quantities and routing times, and the
//! flat list of everything needed.

use super::catalog::{Catalog, ItemInfo};
use super::model::{Operation, RunTime};
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
    let root = walk(catalog, item, variant, qty, &mut Tree)?;
    Ok(Explosion {
        item: item.to_string(),
        variant: variant.key(),
        qty,
        requirements: collect(&root)?,
        root,
    })
}

/// One node of the explosion: `item` (whose catalog entry is `info`) in
/// `variant`, reached through `line_no` of its parent.
pub(crate) struct Step<'c, 'v> {
    pub item: &'c str,
    pub info: &'c ItemInfo,
    pub variant: &'v Variant,
    pub line_no: Option<u32>,
    pub level: u32,
    pub qty_per: Qty,
    pub scrap_bp: u32,
    pub net: Qty,
    pub total: Qty,
}

/// A routing step's time for a node's whole quantity, its work centre
/// borrowed from the catalog.
pub(crate) struct StepTime<'c> {
    pub seq: u32,
    pub work_centre: &'c str,
    pub setup: Qty,
    pub run: Qty,
    pub total: Qty,
    pub design: Option<&'c str>,
}

/// What a walk over the explosion builds. The walk visits each node once,
/// parents before their children, and works out the quantities and
/// routing times; a visitor keeps what it needs of them (the whole tree
/// for [`explode`], one cost line per node for the cost roll-up), so
/// costing never builds a tree it would throw away.
pub(crate) trait Visit<'c> {
    type Node;
    /// A node reached: whether it is made here (has a BOM), its routing
    /// times sorted by sequence, and how many children will follow.
    fn enter(
        &mut self,
        s: &Step<'c, '_>,
        made: bool,
        times: &[StepTime<'c>],
        children: usize,
    ) -> Result<Self::Node, AppError>;
    /// A child, walked to the end, belongs to `parent`.
    fn adopt(&mut self, parent: &mut Self::Node, child: Self::Node);
}

/// Walks `qty` of `item` in `variant` through its BOM and every
/// sub-assembly's, handing each node to `v`; answers the top node.
pub(crate) fn walk<'c, V: Visit<'c>>(
    catalog: &'c dyn Catalog,
    item: &'c str,
    variant: &Variant,
    qty: Qty,
    v: &mut V,
) -> Result<V::Node, AppError> {
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
    let mut walker = Walker {
        cat: catalog,
        path: Vec::new(),
        times: Vec::new(),
    };
    walker.node(top, v)
}

fn loops(path: &[&str], next: &str) -> AppError {
    let mut c = path.to_vec();
    c.push(next);
    AppError::conflict(format!("the bill of materials loops: {}", c.join(" → ")))
}

/// The walk's state: the items above the current node (borrowed from the
/// catalog, so nothing is allocated per node) and one buffer for routing
/// times, reused by every node.
struct Walker<'c> {
    cat: &'c dyn Catalog,
    path: Vec<&'c str>,
    times: Vec<StepTime<'c>>,
}

impl<'c> Walker<'c> {
    fn node<V: Visit<'c>>(&mut self, s: Step<'c, '_>, v: &mut V) -> Result<V::Node, AppError> {
        if self.path.contains(&s.item) {
            return Err(loops(&self.path, s.item));
        }
        if s.level as usize > MAX_DEPTH {
            return Err(AppError::conflict(format!(
                "{} has more than {MAX_DEPTH} levels of components",
                self.path[0]
            )));
        }
        let Some(bom) = self.cat.bom_for(s.item) else {
            return v.enter(&s, false, &[], 0);
        };
        let lines = effective_lines(bom, s.variant)?;
        self.times.clear();
        for op in &bom.operations {
            let t = self.time(op, s.total)?;
            self.times.push(t);
        }
        self.times.sort_by_key(|o| o.seq);
        let mut me = v.enter(&s, true, &self.times, lines.len())?;
        self.path.push(s.item);
        for l in lines {
            let component = l.component.as_str();
            if self.path.contains(&component) {
                return Err(loops(&self.path, component));
            }
            let ci = self.cat.item(component).ok_or_else(|| {
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
            let c = self.node(child, v)?;
            v.adopt(&mut me, c);
        }
        self.path.pop();
        Ok(me)
    }

    /// A routing step's time for `total` pieces: setup once plus run per
    /// unit, or an embroidery run of `ceil(total)` pieces.
    fn time(&self, op: &'c Operation, total: Qty) -> Result<StepTime<'c>, AppError> {
        let run = match &op.run {
            RunTime::PerUnit { minutes } => minutes.mul(total).map_err(too_big)?,
            RunTime::Embroidery { design } => {
                let d = self.cat.design(design).ok_or_else(|| {
                    AppError::conflict(format!("embroidery design {design} does not exist"))
                })?;
                let m = self
                    .cat
                    .embroidery_machine_for(&op.work_centre)
                    .ok_or_else(|| {
                        AppError::conflict(format!("{} has no embroidery machine", op.work_centre))
                    })?;
                let pieces = u64::try_from(total.ceil_int()).unwrap_or(0);
                run_minutes(d, m, pieces, self.cat.minutes_per_colour_change())?
            }
        };
        Ok(StepTime {
            seq: op.seq,
            work_centre: &op.work_centre,
            setup: op.setup_minutes,
            run,
            total: op.setup_minutes.checked_add(run).map_err(too_big)?,
            design: match &op.run {
                RunTime::Embroidery { design } => Some(design),
                RunTime::PerUnit { .. } => None,
            },
        })
    }
}

/// The visitor that builds the whole tree.
struct Tree;

impl<'c> Visit<'c> for Tree {
    type Node = ExplosionNode;

    fn enter(
        &mut self,
        s: &Step<'c, '_>,
        made: bool,
        times: &[StepTime<'c>],
        children: usize,
    ) -> Result<ExplosionNode, AppError> {
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
            made,
            operations: times
                .iter()
                .map(|t| OperationTime {
                    seq: t.seq,
                    work_centre: t.work_centre.to_string(),
                    setup_minutes: t.setup,
                    run_minutes: t.run,
                    total_minutes: t.total,
                    design: t.design.map(str::to_string),
                })
                .collect(),
            children: Vec::with_capacity(children),
        })
    }

    fn adopt(&mut self, parent: &mut ExplosionNode, child: ExplosionNode) {
        parent.children.push(child);
    }
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
