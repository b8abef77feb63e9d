//! Seeding the benchmark database: N maintenance requests over the demo plant.

use rand::Rng;
use sqlx::Row;
use std::time::Instant;

const STATUSES: [&str; 6] = [
    "open",
    "acknowledged",
    "in_progress",
    "waiting_parts",
    "resolved",
    "closed",
];
const PRIORITIES: [&str; 4] = ["critical", "high", "medium", "low"];

pub(crate) async fn seed(db_path: &str, rows: i64) -> String {
    let url = format!("sqlite://{db_path}");
    std::fs::create_dir_all(std::path::Path::new(db_path).parent().unwrap()).unwrap();
    let mut config = service::Config::for_tests(&url);
    config.monitor_interval_ms = 1000;
    let svc = shopfloor::start_services(config, "bench-admin-password", true)
        .await
        .expect("seed base data");
    let have: i64 = sqlx::query("SELECT COUNT(*) FROM maintenance_requests")
        .fetch_one(&svc.db.read)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    if have >= rows {
        println!("reusing {db_path} ({have} requests)");
        return url;
    }
    let started = Instant::now();
    let machines: Vec<i64> = sqlx::query("SELECT id FROM machines")
        .fetch_all(&svc.db.read)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let reporter: i64 = sqlx::query("SELECT id FROM users WHERE username = 'operator'")
        .fetch_one(&svc.db.read)
        .await
        .unwrap()
        .get(0);
    let now = service::now_ms();
    let two_years = 2 * 365 * 24 * 3_600_000i64;
    let mut rng = rand::thread_rng();
    let mut done = have;
    while done < rows {
        let mut tx = svc.db.begin().await.unwrap();
        for _ in 0..10_000.min(rows - done) {
            // Mostly history; a few percent still open, long since escalated.
            let status = if rng.gen_bool(0.95) {
                STATUSES[4 + rng.gen_range(0..2)]
            } else {
                STATUSES[rng.gen_range(0..4)]
            };
            let created = now - rng.gen_range(0..two_years);
            let id: i64 = sqlx::query(
                "INSERT INTO maintenance_requests (machine_id, kind, priority, title, description, status, reported_by, \
                 created_at, updated_at, response_target_ms, resolution_target_ms, acknowledged_at, resolved_at, \
                 escalation_level, next_check_at) VALUES ($1, $2, $3, $4, '', $5, $6, $7, $7, 3600000, 28800000, $8, $9, $10, NULL) RETURNING id",
            )
            .bind(machines[rng.gen_range(0..machines.len())])
            .bind(if rng.gen_bool(0.8) { "breakdown" } else { "preventive" })
            .bind(PRIORITIES[rng.gen_range(0..4)])
            .bind(format!("Seeded problem {done}"))
            .bind(status)
            .bind(reporter)
            .bind(created)
            .bind(if status == "open" { None } else { Some(created + 1_800_000) })
            .bind(if status == "resolved" || status == "closed" { Some(created + 7_200_000) } else { None })
            .bind(if status == "resolved" || status == "closed" { 0i64 } else { 3 })
            .fetch_one(&mut *tx)
            .await
            .unwrap()
            .get(0);
            sqlx::query("INSERT INTO maintenance_events (request_id, at, kind, to_status, actor_id, note) VALUES ($1, $2, 'created', 'open', $3, '')")
                .bind(id)
                .bind(created)
                .bind(reporter)
                .execute(&mut *tx)
                .await
                .unwrap();
            done += 1;
        }
        tx.commit().await.unwrap();
    }
    sqlx::query("ANALYZE").execute(&svc.db.write).await.unwrap();
    println!(
        "seeded {done} requests in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    url
}
