//! Properties over random small BOM graphs: validation finds exactly the
//! loops, explosion scales linearly, where-used inverts explosion.

use super::fixture::{fixed, item};
use super::*;
use crate::master::{ItemKind, Qty, Variant};
use proptest::prelude::*;

const QTYS: [&str; 4] = ["0.5", "1", "2", "3"];
const SCRAPS: [u32; 3] = [0, 500, 1000];

type Edges = Vec<Vec<(usize, usize, usize)>>;

fn code(i: usize) -> String {
    format!("I{i}")
}

/// Items I0…In−1; item i's BOM has a line per edge (target, qty index,
/// scrap index); items without edges are bought.
fn catalog(edges: &Edges, dag: bool) -> MemCatalog {
    let n = edges.len();
    let mut c = MemCatalog::default();
    for (i, es) in edges.iter().enumerate() {
        let es: Vec<_> = es
            .iter()
            .map(|&(t, qi, si)| (t % n, qi, si))
            .filter(|&(t, _, _)| !dag || t > i)
            .collect();
        let kind = if es.is_empty() {
            ItemKind::Raw
        } else {
            ItemKind::Component
        };
        c.items.insert(code(i), item(kind, "EA", 100, vec![]));
        if !es.is_empty() {
            let lines = es
                .iter()
                .enumerate()
                .map(|(k, &(t, qi, si))| {
                    fixed(k as u32 + 1, &code(t), QTYS[qi], SCRAPS[si], vec![])
                })
                .collect();
            c.add_bom(Bom {
                item: code(i),
                version: 1,
                lines,
                operations: vec![],
                overrides: vec![],
            });
        }
    }
    c
}

/// reach[a][b]: b is reachable from a by one or more component steps.
fn reach(c: &MemCatalog, n: usize) -> Vec<Vec<bool>> {
    let mut r = vec![vec![false; n]; n];
    for (a, row) in r.iter_mut().enumerate() {
        if let Some(b) = c.boms.get(&code(a)) {
            for l in &b.lines {
                row[l.component[1..].parse::<usize>().unwrap()] = true;
            }
        }
    }
    for k in 0..n {
        for a in 0..n {
            for b in 0..n {
                if r[a][k] && r[k][b] {
                    r[a][b] = true;
                }
            }
        }
    }
    r
}

fn graph() -> impl Strategy<Value = Edges> {
    prop::collection::vec(
        prop::collection::vec((0usize..8, 0usize..4, 0usize..3), 0..3),
        2..7,
    )
}

fn totals(ex: &Explosion) -> Vec<(String, i64)> {
    ex.requirements
        .iter()
        .map(|r| (r.item.clone(), r.total_qty.millionths()))
        .collect()
}

proptest! {
    #[test]
    fn validation_reports_a_loop_iff_there_is_one(edges in graph()) {
        let n = edges.len();
        let c = catalog(&edges, false);
        let r = reach(&c, n);
        for (i, b) in c.boms.values().enumerate() {
            let top: usize = b.item[1..].parse().unwrap();
            let looped = (0..n).any(|x| (x == top || r[top][x]) && r[x][x]);
            let issues = validate(b, &c);
            let reported = issues.iter().any(|i| matches!(i.kind, IssueKind::Cycle | IssueKind::SelfComponent));
            prop_assert_eq!(reported, looped, "BOM {} ({}): {:?}", b.item, i, issues);
            prop_assert!(issues.iter().all(|i| matches!(i.kind, IssueKind::Cycle | IssueKind::SelfComponent)), "{:?}", issues);
            // Explosion refuses exactly the looping ones and never hangs.
            let ex = explode(&c, &b.item, &Variant::new(), Qty::ONE);
            prop_assert_eq!(ex.is_err(), looped);
        }
    }

    #[test]
    fn leaf_totals_scale_with_the_quantity(edges in graph(), k in 1i64..1000) {
        let c = catalog(&edges, true);
        let one = explode(&c, "I0", &Variant::new(), Qty::ONE).unwrap();
        let many = explode(&c, "I0", &Variant::new(), Qty::from_int(k).unwrap()).unwrap();
        let (one, many) = (totals(&one), totals(&many));
        prop_assert_eq!(one.len(), many.len());
        // Each rounding (≤ 0.5 millionth) is multiplied by at most 3.3 per level
        // below it, over at most 2^5 paths of 5 levels with 2 roundings each.
        let tol = (k + 1) * 70_000;
        for ((a, qa), (b, qb)) in one.iter().zip(&many) {
            prop_assert_eq!(a, b);
            prop_assert!((qb - k * qa).abs() <= tol, "{}: {} vs {} × {}", a, qb, k, qa);
        }
    }

    #[test]
    fn whole_quantities_without_scrap_scale_exactly(edges in graph(), k in 1i64..1000) {
        let edges: Edges = edges.into_iter().map(|es| es.into_iter().map(|(t, qi, _)| (t, qi.max(1), 0)).collect()).collect();
        let c = catalog(&edges, true);
        let one = totals(&explode(&c, "I0", &Variant::new(), Qty::ONE).unwrap());
        let many = totals(&explode(&c, "I0", &Variant::new(), Qty::from_int(k).unwrap()).unwrap());
        let scaled: Vec<_> = one.into_iter().map(|(i, q)| (i, q * k)).collect();
        prop_assert_eq!(many, scaled);
    }

    #[test]
    fn where_used_inverts_explosion(edges in graph()) {
        let n = edges.len();
        let c = catalog(&edges, true);
        let boms: Vec<Bom> = c.boms.values().map(|b| (**b).clone()).collect();
        for top in 0..n {
            let ex = explode(&c, &code(top), &Variant::new(), Qty::ONE).unwrap();
            for comp in 0..n {
                let appears = ex.requirements.iter().any(|r| r.item == code(comp));
                let wu = where_used(&boms, &code(comp));
                let used_by = wu.uses.iter().any(|u| u.item == code(top));
                prop_assert_eq!(appears, used_by, "{} in {}", comp, top);
                // No parent twice; every path runs from the parent down to the component.
                let items: std::collections::BTreeSet<_> = wu.uses.iter().map(|u| &u.item).collect();
                prop_assert_eq!(items.len(), wu.uses.len());
                for u in &wu.uses {
                    prop_assert_eq!(u.path.first(), Some(&u.item));
                    prop_assert_eq!(u.path.last(), Some(&code(comp)));
                    prop_assert_eq!(u.path.len() as u32, u.level + 1);
                }
            }
        }
    }

    #[test]
    fn where_used_ends_on_loops(edges in graph()) {
        let c = catalog(&edges, false);
        let boms: Vec<Bom> = c.boms.values().map(|b| (**b).clone()).collect();
        for comp in 0..edges.len() {
            let wu = where_used(&boms, &code(comp));
            prop_assert!(wu.uses.len() <= boms.len());
        }
    }
}
