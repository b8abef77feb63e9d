//! Issue 9's release target the way a planner releases a week's orders:
//! 1,000 confirmed sales orders made into manufacturing orders
//! (`ppic::from_sales_order` each), then all of them released in one
//! `ppic::release_many` (each exploded, the floor planned once, stored in
//! one transaction). Against the plain-SQL floor of the same rows (an order
//! update, a child order and six jobs each, no planning), in the same run.
//! A fresh database each: `target/bench-plan/bulk.db`, and a PostgreSQL
//! database beside `DATABASE_URL`'s when it is set.

use crate::plan_db_setup as setup;
use domain::ppic::ReleaseManyInput;
use std::time::Instant;

const ORDERS: usize = 1_000;

pub(crate) struct Bulk {
    backend: &'static str,
    from_sales_s: f64,
    release_s: f64,
    floor_s: f64,
    orders: usize,
    jobs: i64,
    replanned: u32,
    error: Option<String>,
}

pub(crate) async fn run_on(backend: &'static str, url: &str, admin_password: &str) -> Bulk {
    println!("\n{backend} (bulk): {url}");
    let (svc, user) = setup::open(url, admin_password).await;
    let sales = setup::sales_orders(&svc, &user, ORDERS).await;
    setup::floor_tables(&svc, ORDERS).await;
    let t = Instant::now();
    let mut made = Vec::with_capacity(ORDERS);
    for (k, so) in sales.iter().enumerate() {
        let key = format!("bench-bulk-from-sales-{k}");
        let orders =
            service::ppic::from_sales_order(&svc, &user, *so, Some(&key), service::now_ms())
                .await
                .expect("from_sales_order");
        made.extend(orders.into_iter().map(|o| o.id));
    }
    let from_sales_s = t.elapsed().as_secs_f64();
    let input = ReleaseManyInput { orders: made };
    let t = Instant::now();
    let answer = service::ppic::release_many(
        &svc,
        &user,
        &input,
        Some("bench-bulk-release"),
        service::now_ms(),
    )
    .await;
    let release_s = t.elapsed().as_secs_f64();
    let (orders, replanned, error) = match answer {
        Ok(a) => (a.released.len(), a.jobs_replanned, None),
        Err(e) => (0, 0, Some(e.to_string())),
    };
    let jobs = setup::scalar(&svc, "SELECT COUNT(*) FROM jobs").await;
    let t = Instant::now();
    for k in 1..=ORDERS as i64 {
        setup::floor_release(&svc, k, service::now_ms()).await;
    }
    let floor_s = t.elapsed().as_secs_f64();
    println!("  from_sales_order ×{ORDERS}: {from_sales_s:.2} s; release_many: {release_s:.2} s; floor {floor_s:.2} s");
    Bulk {
        backend,
        from_sales_s,
        release_s,
        floor_s,
        orders,
        jobs,
        replanned,
        error,
    }
}

pub(crate) fn report(runs: &[Bulk]) -> String {
    let mut out = String::from(
        "\nThe same 1,000 sales orders released together, on a fresh database: `from_sales_order` for each, then one `release_many` of every order made (explode each, plan the floor once, one transaction). Floor: the same rows written with plain SQL, a transaction per order, no planning.\n\n\
         | backend | operation | orders released | jobs stored | jobs planned | from_sales_order s | release_many s | total s | floor s | × floor | Issue 9 target |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n",
    );
    for b in runs {
        let total = b.from_sales_s + b.release_s;
        out += &format!(
            "| {} | 1,000 sales orders → orders → released together | {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} | < 5 s (ERPNext: 106 s for 1,135) |\n",
            b.backend,
            b.orders,
            b.jobs,
            b.replanned,
            b.from_sales_s,
            b.release_s,
            total,
            b.floor_s,
            total / b.floor_s
        );
        if let Some(e) = &b.error {
            out += &format!("  refused: {}\n", e.chars().take(300).collect::<String>());
        }
    }
    out
}
