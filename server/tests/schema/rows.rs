//! A corrupt row is an error, never a default: a request whose status no
//! longer names a state fails to read (500, the detail only in the log)
//! instead of showing as open, and the SLA monitor skips it instead of
//! escalating it. The rows are corrupted past their CHECK constraints, as a
//! bad import or a hand edit might.

use crate::common::*;
use crate::on_both;
use serde_json::json;
use service::db::Backend as DbBackend;

/// Sets `table.column` of row `id` to `value`, past the CHECK that refuses it
/// (and past the trigger-kept counts' CHECK of the same column).
async fn corrupt(app: &TestApp, table: &str, column: &str, id: i64, value: &str) {
    let update = format!("UPDATE {table} SET {column} = '{value}' WHERE id = {id}");
    let sql = match app.svc.db.backend {
        DbBackend::Sqlite => format!(
            "PRAGMA ignore_check_constraints = ON; {update}; PRAGMA ignore_check_constraints = OFF;"
        ),
        DbBackend::Postgres => format!(
            "ALTER TABLE {table} DROP CONSTRAINT {table}_{column}_check; \
             ALTER TABLE maintenance_request_counts DROP CONSTRAINT IF EXISTS maintenance_request_counts_{column}_check; \
             {update};"
        ),
    };
    sqlx::raw_sql(&sql)
        .execute(&app.svc.db.write)
        .await
        .unwrap();
}

async fn report(admin: &ApiClient, machine_id: i64, title: &str) -> i64 {
    let (s, b) = json(
        admin
            .post(
                "/api/v1/maintenance/requests",
                json!({"machine_id": machine_id, "kind": "breakdown", "priority": "critical", "title": title}),
            )
            .await,
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

async fn breach_entries(app: &TestApp, request: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM maintenance_events WHERE request_id = $1 AND kind IN ('breach', 'escalation')",
    )
    .bind(request)
    .fetch_one(&app.svc.db.read)
    .await
    .unwrap()
}

on_both!(
    an_unknown_status_fails_the_read_and_is_never_escalated,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let m = app.machine_id("SEW-01").await;
        let good = report(&admin, m, "Needle bar jammed").await;
        let bad = report(&admin, m, "Bobbin case cracked").await;
        corrupt(&app, "maintenance_requests", "status", bad, "reopened").await;

        let (s, b) = json(
            admin
                .get(&format!("/api/v1/maintenance/requests/{bad}"))
                .await,
        )
        .await;
        assert_eq!(s, 500, "{b}");
        assert_eq!(b["code"], "internal");
        assert!(!b.to_string().contains("reopened"), "detail leaked: {b}");
        let (s, b) = json(admin.get("/api/v1/maintenance/requests").await).await;
        assert_eq!(s, 500, "a list showing the corrupt request: {b}");
        let (s, b) = json(
            admin
                .get(&format!("/api/v1/maintenance/requests/{good}"))
                .await,
        )
        .await;
        assert_eq!(s, 200, "{b}");

        // A day later both are overdue: the monitor escalates the good one
        // and skips the corrupt one, without failing its pass.
        let later = service::now_ms() + 24 * 3_600_000;
        let recorded = service::maintenance::monitor_tick(&app.svc, later)
            .await
            .unwrap();
        assert!(recorded >= 2, "{recorded}");
        assert!(breach_entries(&app, good).await >= 2);
        assert_eq!(breach_entries(&app, bad).await, 0);
        let level: i64 =
            sqlx::query_scalar("SELECT escalation_level FROM maintenance_requests WHERE id = $1")
                .bind(bad)
                .fetch_one(&app.svc.db.read)
                .await
                .unwrap();
        assert_eq!(level, 0);
        app.finish().await;
    }
);

on_both!(
    an_unknown_timeline_status_fails_the_read,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let id = report(
            &admin,
            app.machine_id("SEW-01").await,
            "Thread keeps breaking",
        )
        .await;
        let event: i64 =
            sqlx::query_scalar("SELECT MIN(id) FROM maintenance_events WHERE request_id = $1")
                .bind(id)
                .fetch_one(&app.svc.db.read)
                .await
                .unwrap();
        corrupt(&app, "maintenance_events", "to_status", event, "reopened").await;
        let (s, b) = json(
            admin
                .get(&format!("/api/v1/maintenance/requests/{id}"))
                .await,
        )
        .await;
        assert_eq!(s, 500, "{b}");
        app.finish().await;
    }
);

on_both!(
    a_flag_that_is_neither_0_nor_1_fails_the_read,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let m = app.machine_id("SEW-01").await;
        corrupt(&app, "machines", "active", m, "2").await;
        let (s, b) = json(admin.get("/api/v1/maintenance/machines").await).await;
        assert_eq!(s, 500, "{b}");
        app.finish().await;
    }
);
