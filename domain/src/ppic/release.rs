//! What releasing a manufacturing order makes, worked out from its BOM's
//! explosion (one per variant of the order): one job per routing operation
//! on its work centre with the quantity per variant, a child order per
//! sub-assembly that has a BOM of its own (with its own jobs, and so on
//! down), and the list of bought-in materials each order consumes directly.
//!
//! A sub-assembly met in several places of the tree (two lines, or several
//! variants of the order) becomes one child order with the quantities
//! summed per variant, so the cutting room gets one order for all the ears
//! of a batch. Setup is counted once per operation (the largest of the
//! variants'), run time for every variant.

use super::schedule::JobReq;
use crate::bom::{Explosion, ExplosionNode};
use crate::error::AppError;
use crate::master::Qty;
use crate::time::Millis;
use std::collections::BTreeMap;

/// One operation's work in an order to release.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedOp {
    pub seq: u32,
    pub work_centre: String,
    /// Working minutes, setup once plus every variant's run, rounded up.
    pub minutes: u32,
    /// The quantity the operation makes, per variant key.
    pub qty: BTreeMap<String, Qty>,
    /// The embroidery design it stitches, if it is an embroidery step.
    pub design: Option<String>,
}

/// An order to release: the root (the order itself) or a child order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OrderPlan {
    pub item: String,
    /// Quantity per variant key, scrap of the levels above included.
    pub qty: BTreeMap<String, Qty>,
    pub ops: Vec<PlannedOp>,
    /// Bought-in components this order consumes, per (item, variant).
    pub materials: BTreeMap<(String, String), Qty>,
    /// Sub-assemblies made for it, by item, each an order of its own.
    pub children: BTreeMap<String, OrderPlan>,
}

/// Accumulates one order's operations before rounding.
#[derive(Default)]
struct OpAcc {
    work_centre: String,
    setup: Qty,
    run: Qty,
    qty: BTreeMap<String, Qty>,
    design: Option<String>,
}

#[derive(Default)]
struct Acc {
    qty: BTreeMap<String, Qty>,
    ops: BTreeMap<u32, OpAcc>,
    materials: BTreeMap<(String, String), Qty>,
    children: BTreeMap<String, Acc>,
}

fn overflow() -> AppError {
    AppError::field("qty", "the quantities are too large to plan")
}

fn add(map: &mut BTreeMap<String, Qty>, key: &str, q: Qty) -> Result<(), AppError> {
    let e = map.entry(key.to_string()).or_insert(Qty::ZERO);
    *e = e.checked_add(q).map_err(|_| overflow())?;
    Ok(())
}

impl Acc {
    /// Adds `node` (a made item) to this order: its quantity, operations,
    /// bought components, and made components as child orders.
    fn take(&mut self, node: &ExplosionNode) -> Result<(), AppError> {
        add(&mut self.qty, &node.variant, node.total_qty)?;
        for op in &node.operations {
            let acc = self.ops.entry(op.seq).or_default();
            acc.work_centre = op.work_centre.clone();
            acc.design = op.design.clone();
            if op.setup_minutes > acc.setup {
                acc.setup = op.setup_minutes;
            }
            acc.run = acc
                .run
                .checked_add(op.run_minutes)
                .map_err(|_| overflow())?;
            add(&mut acc.qty, &node.variant, node.total_qty)?;
        }
        for child in &node.children {
            if child.made {
                self.children
                    .entry(child.item.clone())
                    .or_default()
                    .take(child)?;
            } else {
                let e = self
                    .materials
                    .entry((child.item.clone(), child.variant.clone()))
                    .or_insert(Qty::ZERO);
                *e = e.checked_add(child.total_qty).map_err(|_| overflow())?;
            }
        }
        Ok(())
    }

    fn finish(self, item: String) -> Result<OrderPlan, AppError> {
        let ops = self
            .ops
            .into_iter()
            .map(|(seq, a)| {
                let total = a.setup.checked_add(a.run).map_err(|_| overflow())?;
                let minutes = u32::try_from(total.ceil_int().max(0)).map_err(|_| overflow())?;
                Ok(PlannedOp {
                    seq,
                    work_centre: a.work_centre,
                    minutes,
                    qty: a.qty,
                    design: a.design,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        let children = self
            .children
            .into_iter()
            .map(|(item, acc)| Ok((item.clone(), acc.finish(item)?)))
            .collect::<Result<_, AppError>>()?;
        Ok(OrderPlan {
            item,
            qty: self.qty,
            ops,
            materials: self.materials,
            children,
        })
    }
}

/// The release plan of an order for `item` from its explosions, one per
/// variant of the order (each exploded for that variant's quantity).
pub fn plan_release(item: &str, explosions: &[Explosion]) -> Result<OrderPlan, AppError> {
    let mut root = Acc::default();
    for e in explosions {
        if e.item != item {
            return Err(AppError::field("item", "the explosion is of another item"));
        }
        root.take(&e.root)?;
    }
    root.finish(item.to_string())
}

impl OrderPlan {
    /// Orders in the plan, this one first, then each child's subtree.
    pub fn count(&self) -> usize {
        1 + self.children.values().map(OrderPlan::count).sum::<usize>()
    }

    /// The plan's work as jobs to schedule, not yet stored (for a promise
    /// date): ids from -1 down, each operation after the one before, an
    /// order's first after its children's last, none before `earliest`.
    /// `centre` gives a work centre's id by code.
    pub fn as_jobs(
        &self,
        centre: &dyn Fn(&str) -> Option<i64>,
        earliest: Millis,
    ) -> Result<Vec<JobReq>, AppError> {
        let mut out = Vec::new();
        self.push_jobs(centre, earliest, &mut out)?;
        Ok(out)
    }

    /// Pushes this order's jobs after its children's; returns its last job.
    fn push_jobs(
        &self,
        centre: &dyn Fn(&str) -> Option<i64>,
        earliest: Millis,
        out: &mut Vec<JobReq>,
    ) -> Result<Option<i64>, AppError> {
        let mut lasts = Vec::new();
        for child in self.children.values() {
            lasts.extend(child.push_jobs(centre, earliest, out)?);
        }
        let mut prev: Option<i64> = None;
        for op in &self.ops {
            let id = -(out.len() as i64) - 1;
            let c = centre(&op.work_centre).ok_or_else(|| {
                AppError::conflict(format!("work centre {} no longer exists", op.work_centre))
            })?;
            let after = match prev {
                Some(p) => vec![p],
                None => lasts.clone(),
            };
            out.push(JobReq {
                id,
                centre: c,
                minutes: op.minutes,
                after,
                earliest,
                due: None,
                priority: i64::MAX,
            });
            prev = Some(id);
        }
        // An order without operations passes its children's end on.
        Ok(prev.or_else(|| lasts.last().copied()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bom::OperationTime;

    fn q(n: i64) -> Qty {
        Qty::from_int(n).unwrap()
    }

    fn op(seq: u32, wc: &str, setup: i64, run: i64) -> OperationTime {
        OperationTime {
            seq,
            work_centre: wc.into(),
            setup_minutes: q(setup),
            run_minutes: q(run),
            total_minutes: q(setup + run),
            design: None,
        }
    }

    fn node(item: &str, variant: &str, qty: i64, made: bool) -> ExplosionNode {
        ExplosionNode {
            item: item.into(),
            variant: variant.into(),
            line_no: None,
            level: 0,
            qty_per: Qty::ONE,
            scrap_bp: 0,
            net_qty: q(qty),
            total_qty: q(qty),
            unit: "pcs".into(),
            made,
            operations: vec![],
            children: vec![],
        }
    }

    /// A bear in two sizes: cut then sew; its ear (made, cut) in both; fur
    /// bought. The ear appears once per variant and becomes one child order.
    #[test]
    fn two_variants_one_child_order_setup_once() {
        let explosion = |size: &str, qty: i64| {
            let mut ear = node("EAR", "colour=brown", qty * 2, true);
            ear.operations = vec![op(10, "CUT", 15, qty)];
            ear.children = vec![node("FELT", "colour=brown", qty, false)];
            let mut root = node("BEAR", &format!("size={size}"), qty, true);
            root.operations = vec![op(10, "CUT", 20, qty * 3), op(20, "SEW", 30, qty * 10)];
            root.children = vec![ear, node("FUR", "", qty, false)];
            Explosion {
                item: "BEAR".into(),
                variant: root.variant.clone(),
                qty: q(qty),
                root,
                requirements: vec![],
            }
        };
        let plan = plan_release("BEAR", &[explosion("S", 10), explosion("M", 5)]).unwrap();
        assert_eq!(plan.qty.len(), 2);
        // Cut: setup 20 once + 30 + 15 run; sew: 30 + 100 + 50.
        assert_eq!(plan.ops.len(), 2);
        assert_eq!((plan.ops[0].seq, plan.ops[0].minutes), (10, 65));
        assert_eq!((plan.ops[1].seq, plan.ops[1].minutes), (20, 180));
        assert_eq!(plan.ops[1].qty["size=M"], q(5));
        assert_eq!(plan.materials[&("FUR".to_string(), String::new())], q(15));
        let ear = &plan.children["EAR"];
        assert_eq!(ear.qty["colour=brown"], q(30));
        // Setup 15 once, run 10 + 5.
        assert_eq!(ear.ops[0].minutes, 30);
        assert_eq!(
            ear.materials[&("FELT".to_string(), "colour=brown".to_string())],
            q(15)
        );
        assert_eq!(plan.count(), 2);
        // As jobs for a promise: the ear's cut first, the bear's cut after
        // it, the bear's sewing after that.
        let centre = |c: &str| match c {
            "CUT" => Some(1),
            "SEW" => Some(2),
            _ => None,
        };
        let jobs = plan.as_jobs(&centre, 1_000).unwrap();
        let shape: Vec<(i64, i64, u32, Vec<i64>)> = jobs
            .iter()
            .map(|j| (j.id, j.centre, j.minutes, j.after.clone()))
            .collect();
        assert_eq!(
            shape,
            [
                (-1, 1, 30, vec![]),
                (-2, 1, 65, vec![-1]),
                (-3, 2, 180, vec![-2])
            ]
        );
        assert!(jobs.iter().all(|j| j.earliest == 1_000 && j.due.is_none()));
    }

    #[test]
    fn another_items_explosion_is_refused() {
        let e = Explosion {
            item: "FOX".into(),
            variant: String::new(),
            qty: Qty::ONE,
            root: node("FOX", "", 1, true),
            requirements: vec![],
        };
        assert!(plan_release("BEAR", &[e]).is_err());
    }
}
