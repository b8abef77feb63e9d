//! Setup for issue 9's planning figures on a database (`--only plan-db`),
//! none of it timed: a fresh database with the demo plant and its plan
//! (`Config::demo_plan`), 1,000 confirmed sales orders of the teddy bear
//! TB-30 through the service (create, then confirm, which pins its BOM),
//! the floor's own tables, and a Gantt drag the plan accepts.

use domain::auth::CurrentUser;
use domain::master::Date;
use domain::orders::{LineInput, OrderInput};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::Row;
use std::time::Instant;

pub(crate) const DAY_MS: i64 = 86_400_000;
const MINUTE_MS: i64 = 60_000;

/// A user with every grant, as the admin has.
fn admin(id: i64) -> CurrentUser {
    CurrentUser {
        id,
        username: "admin".into(),
        display_name: "Bench admin".into(),
        roles: vec!["admin".into()],
        permissions: domain::perm::default_grants("admin"),
        totp_enabled: false,
    }
}

pub(crate) async fn scalar(svc: &service::Services, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&svc.db.read)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .try_get(0)
        .unwrap()
}

/// The services on a fresh database at `url` with the demo plant and its
/// plan, and the admin.
pub(crate) async fn open(url: &str, admin_password: &str) -> (service::Services, CurrentUser) {
    let mut config = service::Config::for_tests(url);
    config.demo_plan = true;
    config.monitor_interval_ms = 1000;
    let svc = shopfloor::start_services(config, admin_password, true)
        .await
        .expect("seed the demo plant");
    let id = scalar(&svc, "SELECT id FROM users WHERE username = 'admin'").await;
    (svc, admin(id))
}

/// Today in the plant.
pub(crate) fn plant_today(svc: &service::Services, now: i64) -> (Date, i32) {
    let tz = svc.config.plant_time_zone;
    let offset = service::master::work_centres::utc_offset_minutes(
        tz,
        Date::from_days(now.div_euclid(DAY_MS)),
    );
    let today = Date::from_days((now + offset as i64 * MINUTE_MS).div_euclid(DAY_MS));
    (today, offset)
}

/// `n` confirmed sales orders, each one TB-30 line: a size and colour,
/// 6 to 36 pieces, due 1 to 6 weeks out, spread over the demo customers.
/// Returns their ids.
pub(crate) async fn sales_orders(
    svc: &service::Services,
    user: &CurrentUser,
    n: usize,
) -> Vec<i64> {
    let t = Instant::now();
    let item = scalar(svc, "SELECT id FROM items WHERE code = 'TB-30'").await;
    let customers: Vec<i64> = sqlx::query("SELECT id FROM customers ORDER BY id")
        .fetch_all(&svc.db.read)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(!customers.is_empty(), "the demo customers are missing");
    let (today, _) = plant_today(svc, service::now_ms());
    let mut rng = StdRng::seed_from_u64(9);
    let mut ids = Vec::with_capacity(n);
    for k in 0..n {
        let colour = ["brown", "white", "pink"][rng.gen_range(0..3)];
        let size = ["S", "M", "M", "L"][rng.gen_range(0..4)];
        let input = OrderInput {
            customer_id: customers[k % customers.len()],
            customer_ref: format!("PO-{}", 40_000 + k),
            due_date: today.add_days(rng.gen_range(7..=42)).to_string(),
            lines: vec![LineInput {
                item_id: item,
                variant_key: format!("colour={colour};size={size}"),
                qty: (rng.gen_range(1..=6) * 6).to_string(),
                unit_price_minor: 12_900,
                ..LineInput::default()
            }],
            version: None,
        };
        let now = service::now_ms();
        let so = service::orders::create(svc, user, &input, Some(&format!("bench-so-{k}")), now)
            .await
            .unwrap_or_else(|e| panic!("sales order {k}: {e}"));
        service::orders::transition(svc, user, so.order.id, "confirm", None, now)
            .await
            .unwrap_or_else(|e| panic!("confirm sales order {k}: {e}"));
        ids.push(so.order.id);
    }
    println!(
        "  setup: {n} confirmed sales orders through the service in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    ids
}

/// The floor's tables, beside the real ones in the same database: an
/// order row per sales order (draft) and the jobs the floor writes.
pub(crate) async fn floor_tables(svc: &service::Services, orders: usize) {
    for sql in [
        "DROP TABLE IF EXISTS bench_floor_jobs",
        "DROP TABLE IF EXISTS bench_floor_orders",
        "CREATE TABLE bench_floor_orders (id BIGINT PRIMARY KEY, parent_id BIGINT, status TEXT NOT NULL, \
         released_at BIGINT, updated_at BIGINT NOT NULL, version BIGINT NOT NULL)",
        "CREATE TABLE bench_floor_jobs (id BIGINT PRIMARY KEY, mo_id BIGINT NOT NULL, seq BIGINT NOT NULL, \
         work_centre_id BIGINT NOT NULL, minutes BIGINT NOT NULL, planned_start BIGINT, planned_end BIGINT)",
    ] {
        sqlx::query(sql).execute(&svc.db.write).await.unwrap();
    }
    let mut tx = svc.db.begin().await.unwrap();
    for id in 1..=orders as i64 {
        sqlx::query(
            "INSERT INTO bench_floor_orders (id, status, updated_at, version) VALUES ($1, 'draft', 0, 1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// The floor of one release: one transaction that updates the order row,
/// inserts its sub-assembly's order row and the six jobs (times laid end
/// to end, no planning).
pub(crate) async fn floor_release(svc: &service::Services, k: i64, now: i64) {
    let mut tx = svc.db.begin().await.unwrap();
    sqlx::query(
        "UPDATE bench_floor_orders SET status = 'released', released_at = $1, updated_at = $1, \
         version = version + 1 WHERE id = $2 AND version = 1",
    )
    .bind(now)
    .bind(k)
    .execute(&mut *tx)
    .await
    .unwrap();
    let child = 1_000_000 + k;
    sqlx::query(
        "INSERT INTO bench_floor_orders (id, parent_id, status, released_at, updated_at, version) \
         VALUES ($1, $2, 'released', $3, $3, 1)",
    )
    .bind(child)
    .bind(k)
    .bind(now)
    .execute(&mut *tx)
    .await
    .unwrap();
    let mut at = now;
    for seq in 0..6i64 {
        let mo = if seq < 3 { child } else { k };
        let minutes = 20 + seq * 5;
        sqlx::query(
            "INSERT INTO bench_floor_jobs (id, mo_id, seq, work_centre_id, minutes, planned_start, planned_end) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(k * 10 + seq)
        .bind(mo)
        .bind(seq % 3 + 1)
        .bind(seq + 1)
        .bind(minutes)
        .bind(at)
        .bind(at + minutes * MINUTE_MS)
        .execute(&mut *tx)
        .await
        .unwrap();
        at += minutes * MINUTE_MS;
    }
    tx.commit().await.unwrap();
}

/// The floor of a drag: one transaction updating one job's times.
pub(crate) async fn floor_drag(svc: &service::Services, job: i64, start: i64) {
    let mut tx = svc.db.begin().await.unwrap();
    sqlx::query("UPDATE bench_floor_jobs SET planned_start = $1, planned_end = $2 WHERE id = $3")
        .bind(start)
        .bind(start + 45 * MINUTE_MS)
        .bind(job)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// A drag the plan accepts: the stuffing job planned last (of a released
/// order, not started; its finishing and packing wait for it), moved past
/// everything else on its centre, an hour into a Monday-to-Thursday shift
/// (so the other time, a day later, is a working day too).
pub(crate) struct Drag {
    pub job: i64,
    pub centre: String,
    pub from: i64,
    pub times: [i64; 2],
}

pub(crate) async fn drag_target(svc: &service::Services, now: i64) -> Drag {
    let row = sqlx::query(
        "SELECT j.id, j.work_centre_id, j.planned_start, w.code, w.day_start_minute, \
         w.mon_minutes, w.tue_minutes, w.wed_minutes, w.thu_minutes, w.fri_minutes \
         FROM jobs j JOIN work_centres w ON w.id = j.work_centre_id \
         JOIN manufacturing_orders o ON o.id = j.mo_id \
         WHERE w.code = 'STUFF' AND j.status = 'draft' AND o.status = 'released' \
         AND j.planned_start IS NOT NULL ORDER BY j.planned_start DESC, j.id DESC LIMIT 1",
    )
    .fetch_one(&svc.db.read)
    .await
    .expect("a planned stuffing job");
    let (job, centre_id, from): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    let code: String = row.get(3);
    let day_start: i64 = row.get(4);
    let open: Vec<i64> = (5..10usize).map(|i| row.get::<i64, _>(i)).collect();
    let last_end: i64 = sqlx::query(
        "SELECT MAX(j.planned_end) FROM jobs j JOIN manufacturing_orders o ON o.id = j.mo_id \
         WHERE j.work_centre_id = $1 AND o.status IN ('released', 'in_progress')",
    )
    .bind(centre_id)
    .fetch_one(&svc.db.read)
    .await
    .unwrap()
    .get(0);
    let (_, offset) = plant_today(svc, now);
    let local_day = |t: i64| Date::from_days((t + offset as i64 * MINUTE_MS).div_euclid(DAY_MS));
    let mut day = local_day(last_end.max(now)).add_days(1);
    // Monday to Thursday, open that day and the next for two hours or more.
    while !(day.weekday() < 4 && open[day.weekday()] >= 120 && open[day.weekday() + 1] >= 120) {
        day = day.add_days(1);
    }
    let t1 = day.days() * DAY_MS + (day_start + 60 - offset as i64) * MINUTE_MS;
    Drag {
        job,
        centre: code,
        from,
        times: [t1, t1 + DAY_MS],
    }
}
