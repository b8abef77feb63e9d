//! Issue 8's benchmark section: explosion and cost roll-up of a 10-level
//! BOM of 10,230 lines in memory (the domain functions against a bare
//! recursive multiply-and-sum), then through REST with the database
//! (explode, cost, where-used of a component in 1,023 BOMs, item search
//! over 100,000 items), each against its floor in the same run.
//! `--only bom` runs this section alone.

use crate::bom_rest::{rest_rows, Probe};
use crate::bom_tree::{self, Plain, ASSEMBLIES};
use domain::bom::{cost_rollup, explode, Catalog};
use domain::master::{Qty, Variant};
use std::hint::black_box;
use std::time::Instant;

/// In-memory runs measured (after a few unmeasured ones).
const RUNS: usize = 50;

fn ms(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn timed<T>(f: impl Fn() -> T) -> Vec<f64> {
    for _ in 0..3 {
        black_box(f());
    }
    (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect()
}

/// The in-memory table, printed and returned as markdown.
pub(crate) fn in_memory() -> String {
    let cat = bom_tree::catalog();
    let lines: usize = (1..=ASSEMBLIES)
        .map(|n| {
            cat.bom_for(&bom_tree::assembly_code(n))
                .unwrap()
                .lines
                .len()
        })
        .sum();
    let root = bom_tree::assembly_code(1);
    let v = Variant::new();
    let qty = Qty::from_int(10).unwrap();
    let ex = explode(&cat, &root, &v, qty).expect("the bench BOM explodes");
    let cost = cost_rollup(&cat, &root, &v, qty).expect("the bench BOM costs");
    let plain = Plain::new();
    let mut need = vec![0.0; plain.nodes()];
    let floor_total = plain.explode_cost(1, 10.0, &mut need);
    let mut out = format!(
        "In memory: {} of {root} through {ASSEMBLIES} BOMs, {lines} lines, 10 levels ({} requirements; cost {:.2} by the domain, {:.2} by the floor in f64), {RUNS} runs\n\n",
        qty,
        ex.requirements.len(),
        cost.total.total_minor as f64 / 100.0,
        floor_total / 100.0
    );
    let header = "| operation | median ms | p95 ms | × floor (median) | target |\n|---|---:|---:|---:|---|\n";
    out.push_str(header);
    let floor = timed(|| {
        let mut need = vec![0.0; plain.nodes()];
        let c = plain.explode_cost(1, 10.0, &mut need);
        (c, need)
    });
    let floor_med = ms(floor.clone(), 0.5);
    let rows = [
        (
            "explode (domain::bom::explode)",
            timed(|| explode(&cat, &root, &v, qty).unwrap()),
            "< 5 ms",
        ),
        (
            "explode + cost (domain::bom::cost_rollup)",
            timed(|| cost_rollup(&cat, &root, &v, qty).unwrap()),
            "< 5 ms",
        ),
        ("floor: recursive multiply-and-sum, f64", floor, ""),
    ];
    for (name, t, target) in rows {
        let med = ms(t.clone(), 0.5);
        out.push_str(&format!(
            "| {name} | {med:.3} | {:.3} | {:.0} | {target} |\n",
            ms(t, 0.95),
            med / floor_med
        ));
    }
    print!("{out}");
    out
}

/// The whole section: in memory, then the seeded database through REST.
pub(crate) async fn section(a: &crate::Args) -> String {
    println!("\n## Issue 8: BOM explosion, cost, where-used, item search\n");
    let mut report =
        String::from("\n\n## Issue 8: BOM explosion, cost, where-used, item search\n\n");
    report.push_str(&in_memory());
    let seeded = crate::bom_seed::seed_bom("target/bench/bom.db", crate::ADMIN_PASSWORD).await;
    let probe = Probe::new(&seeded).await;
    report.push_str(&probe.breakdown().await);
    let (guard, base) = crate::spawn_server(&a.server_bin, &seeded.url);
    let floor = crate::bom_floor::start_bom_floor(&seeded.url).await;
    report.push_str(
        &rest_rows(
            &base,
            &floor,
            seeded.root_bom,
            a.bom_clients,
            a.seconds,
            &seeded.svc.db.write,
        )
        .await,
    );
    drop(guard);
    report
}
