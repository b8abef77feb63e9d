//! Where a release's time goes (`--only plan-db`): at sample points during
//! the 1,000 releases (between orders, not in their timings), the phases of
//! a release measured one by one on the plan as it stands, by the same
//! calls and the same SQL the service runs (`service/src/ppic/plan.rs`,
//! `release.rs`): the BOM explosion from the catalog cache, the re-plan's
//! read of the floor and the open jobs, `domain::ppic::schedule` on them,
//! and the cost of storing one job's planned times (times how many a
//! release re-times, from its event's `jobs_replanned`).

use domain::master::{Date, Qty, ShiftCalendar, Variant};
use domain::ppic::{plan_release, schedule, Centre, Floor, Horizon, JobReq};
use sqlx::Row;
use std::time::Instant;

const DAY_MS: i64 = 86_400_000;
const MINUTE_MS: i64 = 60_000;

/// One sample's medians, ms.
pub(crate) struct Phases {
    pub after_orders: usize,
    pub open_jobs: usize,
    pub explode: f64,
    pub read: f64,
    pub schedule: f64,
    /// Jobs re-timed by a release lately, and storing that many jobs'
    /// planned times: one UPDATE each as `replan` does, and one UPDATE
    /// for all (each in its transaction, with its commit).
    pub retimed: usize,
    pub store_each: f64,
    pub store_batched: f64,
    /// The open jobs query alone: row by row, and as one JSON row.
    pub read_rows: f64,
    pub read_json: f64,
}

/// Moves `k` open jobs' planned times a minute later, one UPDATE per job
/// as `replan` does, then back with one UPDATE for them all; ms each.
async fn store(svc: &service::Services, k: i64) -> (f64, f64, usize) {
    type Times = (i64, Option<i64>, Option<i64>, Option<i64>);
    let jobs: Vec<Times> = sqlx::query_as(
        "SELECT id, planned_start, planned_end, latest_start FROM jobs \
         WHERE planned_start IS NOT NULL ORDER BY id LIMIT $1",
    )
    .bind(k)
    .fetch_all(&svc.db.read)
    .await
    .unwrap();
    let t = Instant::now();
    let mut tx = svc.db.begin().await.unwrap();
    for (id, s, e, l) in &jobs {
        sqlx::query(
            "UPDATE jobs SET planned_start = $1, planned_end = $2, latest_start = $3 WHERE id = $4",
        )
        .bind(s.map(|s| s + MINUTE_MS))
        .bind(e.map(|e| e + MINUTE_MS))
        .bind(*l)
        .bind(*id)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let each = t.elapsed().as_secs_f64() * 1000.0;
    let lit = |v: &Option<i64>| v.map_or("CAST(NULL AS BIGINT)".to_string(), |v| v.to_string());
    let values: Vec<String> = jobs
        .iter()
        .map(|(id, s, e, l)| format!("({id}, {}, {}, {})", lit(s), lit(e), lit(l)))
        .collect();
    let sql = format!(
        "WITH v(id, s, e, l) AS (VALUES {}) UPDATE jobs SET planned_start = v.s, planned_end = v.e, \
         latest_start = v.l FROM v WHERE jobs.id = v.id",
        values.join(", ")
    );
    let t = Instant::now();
    let mut tx = svc.db.begin().await.unwrap();
    sqlx::query(&sql).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    (each, t.elapsed().as_secs_f64() * 1000.0, jobs.len())
}

/// `plan::load`'s open-jobs query as it runs, and the same rows as one
/// JSON row (what the per-row hand-over between the driver's thread and
/// the task costs); ms.
async fn jobs_read(svc: &service::Services) -> (f64, f64) {
    const FROM: &str = "FROM jobs j JOIN manufacturing_orders o ON o.id = j.mo_id \
         WHERE o.status IN ('released', 'in_progress') AND j.status IN ('draft', 'approved', 'in_progress', 'on_hold')";
    let cols =
        "j.id, j.work_centre_id, j.minutes, j.status, j.pinned, j.planned_start, j.planned_end, \
         j.latest_start, j.actual_start, o.start_date, o.due_date, o.priority";
    let agg = match svc.db.backend {
        service::db::Backend::Sqlite => {
            format!("SELECT json_group_array(json_array({cols})) {FROM}")
        }
        service::db::Backend::Postgres => {
            format!("SELECT CAST(json_agg(json_build_array({cols})) AS TEXT) {FROM}")
        }
    };
    let rows_sql = format!("SELECT {cols} {FROM} ORDER BY j.id");
    let (mut by_row, mut by_json) = (vec![], vec![]);
    for _ in 0..5 {
        let mut tx = svc.db.begin().await.unwrap();
        let t = Instant::now();
        let n = sqlx::query(&rows_sql)
            .fetch_all(&mut *tx)
            .await
            .unwrap()
            .len();
        by_row.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let text: String = sqlx::query(&agg).fetch_one(&mut *tx).await.unwrap().get(0);
        let v: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        by_json.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(v.len(), n);
    }
    (median(by_row), median(by_json))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

type JobRow = (i64, i64, i64, String, i64, Option<i64>, String, String, i64);

/// What `plan::load` reads and builds, as it does (running work aside:
/// none runs here), on the writer's connection in a transaction.
async fn read_plan(svc: &service::Services, offset: i32, now: i64) -> (Floor, Vec<JobReq>) {
    let mut tx = svc.db.begin().await.unwrap();
    type CentreRow = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);
    let rows: Vec<CentreRow> = sqlx::query_as(
        "SELECT id, parallel_capacity, mon_minutes, tue_minutes, wed_minutes, thu_minutes, fri_minutes, \
         sat_minutes, sun_minutes, day_start_minute FROM work_centres ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    for sql in [
        "SELECT work_centre_id, day FROM work_centre_holidays ORDER BY day",
        "SELECT work_centre_id, start_ms, end_ms FROM work_centre_closures ORDER BY start_ms",
        "SELECT work_centre_id, COUNT(*) FROM machines WHERE work_centre_id IS NOT NULL AND active = 1 \
         AND archived_at IS NULL GROUP BY work_centre_id",
        "SELECT r.kind, r.created_at, r.planned_start, r.estimated_minutes, r.resolution_target_ms, \
         m.work_centre_id, m.code, r.title FROM maintenance_requests r JOIN machines m ON m.id = r.machine_id \
         WHERE r.status NOT IN ('resolved', 'closed', 'cancelled') AND m.work_centre_id IS NOT NULL \
         ORDER BY r.id",
    ] {
        sqlx::query(sql).fetch_all(&mut *tx).await.unwrap();
    }
    let t = Instant::now();
    let jobs: Vec<JobRow> = sqlx::query_as(
        "SELECT j.id, j.work_centre_id, j.minutes, j.status, j.pinned, j.planned_start, \
         o.start_date, o.due_date, o.priority FROM jobs j \
         JOIN manufacturing_orders o ON o.id = j.mo_id \
         WHERE o.status IN ('released', 'in_progress') AND j.status IN ('draft', 'approved', 'in_progress', 'on_hold') \
         ORDER BY j.id",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    let deps: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT d.job_id, d.after_id FROM job_deps d JOIN jobs j ON j.id = d.job_id \
         JOIN manufacturing_orders o ON o.id = j.mo_id WHERE o.status IN ('released', 'in_progress') \
         ORDER BY d.job_id",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    drop(tx);
    if t.elapsed().as_millis() > 1000 {
        println!(
            "  slow re-plan read: {} ms for the open jobs and their order",
            t.elapsed().as_millis()
        );
    }
    let centres = rows
        .into_iter()
        .map(|(id, slots, a, b, c, d, e, f, g, start)| Centre {
            id,
            calendar: ShiftCalendar {
                minutes_per_weekday: [a, b, c, d, e, f, g].map(|m| m.clamp(0, 1440) as u32),
                day_start_minute: start.clamp(0, 1439) as u32,
                holidays: vec![],
                closures: vec![],
            },
            slots: slots.clamp(1, 100) as u32,
        })
        .collect();
    let day = |s: &str| Date::parse("date", s).unwrap().days() * DAY_MS - offset as i64 * MINUTE_MS;
    let mut reqs: Vec<JobReq> = jobs
        .iter()
        .map(|(id, wc, minutes, _, pinned, ps, start, due, priority)| {
            let held = (*pinned == 1).then_some(*ps).flatten();
            JobReq {
                id: *id,
                centre: *wc,
                minutes: *minutes as u32,
                after: vec![],
                earliest: day(start).max(now).max(held.unwrap_or(0)),
                due: Some(day(due) + DAY_MS),
                priority: if held.is_some() {
                    -1_000_000
                } else {
                    *priority
                },
            }
        })
        .collect();
    let index: std::collections::HashMap<i64, usize> =
        reqs.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    for (job, after) in deps {
        if let (Some(&i), true) = (index.get(&job), index.contains_key(&after)) {
            reqs[i].after.push(after);
        }
    }
    let floor = Floor {
        centres,
        cuts: vec![],
        bookings: vec![],
        horizon: Horizon {
            utc_offset_minutes: offset,
            ..Horizon::default()
        },
    };
    (floor, reqs)
}

/// The phases on the plan as it stands after `after_orders` releases.
pub(crate) async fn sample(svc: &service::Services, after_orders: usize) -> Phases {
    let now = service::now_ms();
    let (_, offset) = crate::plan_db_setup::plant_today(svc, now);
    // The explosion of the last TB-30 order released, as `release` does it.
    let row = sqlx::query(
        "SELECT o.bom_id, v.variant_key, v.qty_millionths FROM manufacturing_orders o \
         JOIN mo_variants v ON v.mo_id = o.id JOIN items i ON i.id = o.item_id \
         WHERE i.code = 'TB-30' AND o.status = 'released' ORDER BY o.id DESC LIMIT 1",
    )
    .fetch_one(&svc.db.read)
    .await
    .unwrap();
    let (bom, key, qty): (i64, String, i64) = (row.get(0), row.get(1), row.get(2));
    let variant = Variant::parse_key("variant", &key).unwrap();
    let mut explode = vec![];
    let mut read = vec![];
    let mut plan = vec![];
    let mut open_jobs = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let e = service::bom::explode_stored(svc, bom, &variant, Qty::from_millionths(qty))
            .await
            .unwrap();
        plan_release("TB-30", &[e]).unwrap();
        explode.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let (floor, reqs) = read_plan(svc, offset, now).await;
        read.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        std::hint::black_box(schedule(&floor, &reqs).unwrap());
        plan.push(t.elapsed().as_secs_f64() * 1000.0);
        open_jobs = reqs.len();
    }
    // The jobs a release re-times lately (the last 50 releases' mean).
    let done = replanned(svc).await;
    let last = &done[done.len().saturating_sub(50)..];
    let k = (last.iter().sum::<i64>() / last.len().max(1) as i64).max(1);
    let (store_each, store_batched, rows) = store(svc, k).await;
    let (read_rows, read_json) = jobs_read(svc).await;
    Phases {
        after_orders,
        open_jobs,
        explode: median(explode),
        read: median(read),
        schedule: median(plan),
        retimed: rows,
        store_each,
        store_batched,
        read_rows,
        read_json,
    }
}

/// How many jobs each release re-timed, in order (its event's payload).
pub(crate) async fn replanned(svc: &service::Services) -> Vec<i64> {
    sqlx::query(
        "SELECT payload FROM events WHERE topic = 'ppic' AND kind = 'transitioned' \
         AND payload LIKE '%\"transition\":\"release\"%' ORDER BY seq",
    )
    .fetch_all(&svc.db.read)
    .await
    .unwrap()
    .iter()
    .filter_map(|r| {
        let p: Option<String> = r.get(0);
        let v: serde_json::Value = serde_json::from_str(&p?).ok()?;
        v["jobs_replanned"].as_i64()
    })
    .collect()
}
