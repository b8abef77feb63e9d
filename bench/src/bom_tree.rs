//! Issue 8's benchmark BOM: a binary tree of sub-assemblies ten levels deep
//! (1,023 assembly BOMs, heap-numbered: node n's sub-assemblies are 2n and
//! 2n + 1), each BOM ten lines — its two sub-assemblies (above the bottom
//! level), the bench thread (so the thread is used in every BOM) and raw
//! materials drawn from 500 shared ones — with scrap on a third of the
//! lines and one routing step on a demo work centre with a labour rate.
//! 10,230 lines in all. One description serves the in-memory run (as a
//! [`MemCatalog`]), the seed (as forms for the service) and the floor (as
//! a plain adjacency list).

use domain::bom::{
    Bom, BomLine, ItemInfo, MemCatalog, Operation, QtyRule, RunTime, WorkCentreInfo,
};
use domain::master::{ItemKind, Qty};

/// Assembly BOMs: nodes 1..=ASSEMBLIES; node 1 is the finished style.
pub(crate) const ASSEMBLIES: usize = 1_023;
/// Nodes from here on are the bottom level (no sub-assemblies).
const BOTTOM: usize = 512;
pub(crate) const RAWS: usize = 500;
pub(crate) const LINES_PER_BOM: usize = 10;
pub(crate) const THREAD: &str = "BENCH-THREAD";
const THREAD_COST: i64 = 3;

/// The demo plant's work centres and labour rates per hour (as seeded by
/// `service::seed_master`), one per level in turn.
pub(crate) const WORK_CENTRES: [(&str, i64); 5] = [
    ("CUT", 3800),
    ("SEW", 3600),
    ("STUFF", 3200),
    ("FIN", 3200),
    ("PACK", 3000),
];

pub(crate) fn assembly_code(n: usize) -> String {
    format!("BA-{n:04}")
}

pub(crate) fn raw_code(k: usize) -> String {
    format!("BR-{k:03}")
}

pub(crate) fn raw_cost(k: usize) -> i64 {
    100 + (k as i64 * 37) % 900
}

pub(crate) fn raw_unit(k: usize) -> &'static str {
    ["M", "KG", "PCS"][k % 3]
}

fn level(n: usize) -> usize {
    (usize::BITS - 1 - n.leading_zeros()) as usize
}

/// One line of node n's BOM as plain numbers: the component (an assembly
/// node or a raw index), millionths per parent, scrap in basis points.
#[derive(Clone, Copy)]
pub(crate) enum Comp {
    Assembly(usize),
    Raw(usize),
    Thread,
}

pub(crate) struct PlainLine {
    pub comp: Comp,
    pub qty_millionths: i64,
    pub scrap_bp: u32,
}

/// The lines of node `n`'s BOM.
pub(crate) fn lines_of(n: usize) -> Vec<PlainLine> {
    let mut out = Vec::with_capacity(LINES_PER_BOM);
    if n < BOTTOM {
        out.push(PlainLine {
            comp: Comp::Assembly(2 * n),
            qty_millionths: 1_000_000,
            scrap_bp: 0,
        });
        out.push(PlainLine {
            comp: Comp::Assembly(2 * n + 1),
            qty_millionths: 2_000_000,
            scrap_bp: 0,
        });
    }
    out.push(PlainLine {
        comp: Comp::Thread,
        qty_millionths: 1_500_000,
        scrap_bp: 500,
    });
    let mut j = 0;
    while out.len() < LINES_PER_BOM {
        out.push(PlainLine {
            // 13 is prime to 500, so a BOM's raws are all different.
            comp: Comp::Raw((n * 7 + j * 13) % RAWS),
            qty_millionths: 125_000 * (((n + j) % 4) as i64 + 1),
            scrap_bp: if (n + j).is_multiple_of(3) { 250 } else { 0 },
        });
        j += 1;
    }
    out
}

/// Node `n`'s routing step: (work centre, setup minutes, run minutes per unit).
pub(crate) fn operation_of(n: usize) -> (&'static str, i64, &'static str) {
    (WORK_CENTRES[level(n) % WORK_CENTRES.len()].0, 5, "0.5")
}

fn code_of(c: Comp) -> String {
    match c {
        Comp::Assembly(n) => assembly_code(n),
        Comp::Raw(k) => raw_code(k),
        Comp::Thread => THREAD.to_string(),
    }
}

/// Node `n`'s BOM as the domain model.
pub(crate) fn bom_of(n: usize) -> Bom {
    let (wc, setup, run) = operation_of(n);
    Bom {
        item: assembly_code(n),
        version: 1,
        lines: lines_of(n)
            .into_iter()
            .enumerate()
            .map(|(i, l)| BomLine {
                line_no: 10 * (i as u32 + 1),
                component: code_of(l.comp),
                qty: QtyRule::Fixed {
                    qty: Qty::from_millionths(l.qty_millionths),
                },
                scrap_bp: l.scrap_bp,
                attrs: vec![],
            })
            .collect(),
        operations: vec![Operation {
            seq: 10,
            work_centre: wc.into(),
            setup_minutes: Qty::from_int(setup).unwrap(),
            run: RunTime::PerUnit {
                minutes: Qty::parse("run", run).unwrap(),
            },
        }],
        overrides: vec![],
    }
}

fn info(kind: ItemKind, unit: &str, cost: i64) -> ItemInfo {
    ItemInfo {
        kind,
        attributes: vec![],
        archived: false,
        unit: unit.into(),
        standard_cost_minor: cost,
    }
}

/// The whole tree as a domain catalog.
pub(crate) fn catalog() -> MemCatalog {
    let mut c = MemCatalog {
        minutes_per_colour_change: service::bom::MINUTES_PER_COLOUR_CHANGE,
        ..MemCatalog::default()
    };
    for k in 0..RAWS {
        c.items
            .insert(raw_code(k), info(ItemKind::Raw, raw_unit(k), raw_cost(k)));
    }
    c.items
        .insert(THREAD.into(), info(ItemKind::Raw, "M", THREAD_COST));
    for n in 1..=ASSEMBLIES {
        let kind = if n == 1 {
            ItemKind::Finished
        } else {
            ItemKind::Component
        };
        c.items.insert(assembly_code(n), info(kind, "PCS", 0));
        c.add_bom(bom_of(n));
    }
    for (wc, rate) in WORK_CENTRES {
        c.work_centres.insert(
            wc.into(),
            WorkCentreInfo {
                archived: false,
                labour_rate_minor_per_hour: rate,
                kind: wc.into(),
            },
        );
    }
    c
}

/// The floor's tree: a plain adjacency list, index = node, with each
/// node's labour cost per batch as (setup minutes, run minutes, rate).
pub(crate) struct Plain {
    /// (child index, qty per, scrap factor); children >= ASSEMBLIES + 1 are raws.
    pub children: Vec<Vec<(usize, f64, f64)>>,
    pub leaf_cost: Vec<f64>,
    pub labour: Vec<(f64, f64, f64)>,
}

impl Plain {
    pub(crate) fn new() -> Plain {
        let raw_base = ASSEMBLIES + 1;
        let total = raw_base + RAWS + 1;
        let mut p = Plain {
            children: vec![Vec::new(); total],
            leaf_cost: vec![0.0; total],
            labour: vec![(0.0, 0.0, 0.0); total],
        };
        for k in 0..RAWS {
            p.leaf_cost[raw_base + k] = raw_cost(k) as f64;
        }
        p.leaf_cost[raw_base + RAWS] = THREAD_COST as f64;
        for n in 1..=ASSEMBLIES {
            p.children[n] = lines_of(n)
                .into_iter()
                .map(|l| {
                    let at = match l.comp {
                        Comp::Assembly(c) => c,
                        Comp::Raw(k) => raw_base + k,
                        Comp::Thread => raw_base + RAWS,
                    };
                    let scrap = 1.0 + l.scrap_bp as f64 / 10_000.0;
                    (at, l.qty_millionths as f64 / 1e6, scrap)
                })
                .collect();
            let (wc, setup, run) = operation_of(n);
            let rate = WORK_CENTRES.iter().find(|w| w.0 == wc).unwrap().1;
            p.labour[n] = (setup as f64, run.parse().unwrap(), rate as f64);
        }
        p
    }

    /// Explodes and costs `qty` of node `n`: adds each node's quantity to
    /// `need` and returns material + labour in minor units.
    pub(crate) fn explode_cost(&self, n: usize, qty: f64, need: &mut [f64]) -> f64 {
        need[n] += qty;
        let kids = &self.children[n];
        if kids.is_empty() {
            return qty * self.leaf_cost[n];
        }
        let (setup, run, rate) = self.labour[n];
        let mut cost = (setup + run * qty) * rate / 60.0;
        for &(c, per, scrap) in kids {
            cost += self.explode_cost(c, qty * per * scrap, need);
        }
        cost
    }

    pub(crate) fn nodes(&self) -> usize {
        self.children.len()
    }
}
