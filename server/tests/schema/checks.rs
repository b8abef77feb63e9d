//! The CHECK constraints accept exactly the values of the Rust enums, and the
//! migration that adds them keeps the data of a database that has some.

use crate::common::*;
use crate::on_both;
use domain::maintenance::{Kind, Priority, Status, TIMELINE_KINDS};
use domain::master::ItemKind;
use domain::media::{MediaKind, MediaSource, ThumbSize};
use domain::orders::OrderStatus;
use domain::perm::{Action, Module};
use domain::ppic::{MoStatus, TaskAction, TaskStatus};
use domain::whatsapp::inbound::Provider;
use serde_json::Value;
use std::collections::BTreeMap;

/// Runs `sql` with `value` bound, after `setup`, in a transaction that is
/// rolled back; true when the database accepted it.
async fn accepts(app: &TestApp, setup: &[&str], sql: &str, value: Value) -> bool {
    let mut tx = app.svc.db.write.begin().await.unwrap();
    for s in setup {
        sqlx::query(s).execute(&mut *tx).await.unwrap();
    }
    let q = sqlx::query(sql);
    let q = match value {
        Value::String(s) => q.bind(s),
        Value::Number(n) => q.bind(n.as_i64().unwrap()),
        other => panic!("{other}"),
    };
    let ok = q.execute(&mut *tx).await.is_ok();
    tx.rollback().await.unwrap();
    ok
}

const NEW_REQUEST: &str = "INSERT INTO maintenance_requests (machine_id, kind, priority, title, status, \
     reported_by, created_at, updated_at, response_target_ms, resolution_target_ms) VALUES \
     ((SELECT MIN(id) FROM machines), 'breakdown', 'low', 'check', 'open', (SELECT MIN(id) FROM users), 0, 0, 1, 1)";

/// A column, the statements that set up a row for it, a statement binding
/// the value as `$1`, the values the enum has, and one it does not.
type Case<'a> = (&'a str, Vec<&'a str>, String, Vec<&'a str>, &'a str);

on_both!(
    check_constraints_allow_exactly_the_enum_values,
    |app: TestApp| async move {
        let text = |v: &str| Value::String(v.to_string());
        let request = |col: &str| {
            let mut cols = [
                ("kind", "'breakdown'"),
                ("priority", "'low'"),
                ("status", "'open'"),
            ];
            for c in cols.iter_mut() {
                if c.0 == col {
                    c.1 = "$1";
                }
            }
            format!(
                "INSERT INTO maintenance_requests (machine_id, kind, priority, title, status, reported_by, \
                 created_at, updated_at, response_target_ms, resolution_target_ms) VALUES \
                 ((SELECT MIN(id) FROM machines), {}, {}, 'check', {}, (SELECT MIN(id) FROM users), 0, 0, 1, 1)",
                cols[0].1, cols[1].1, cols[2].1
            )
        };
        let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        let priorities: Vec<&str> = Priority::ALL.iter().map(|p| p.as_str()).collect();
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        let modules: Vec<&str> = Module::ALL.iter().map(|m| m.as_str()).collect();
        let actions: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        let item_kinds: Vec<&str> = ItemKind::ALL.iter().map(|k| k.as_str()).collect();
        let role = "INSERT INTO roles (name) VALUES ('check_role')";
        let order_statuses: Vec<&str> = OrderStatus::ALL.iter().map(|s| s.as_str()).collect();
        let mo_statuses: Vec<&str> = MoStatus::ALL.iter().map(|s| s.as_str()).collect();
        let task_statuses: Vec<&str> = TaskStatus::ALL.iter().map(|s| s.as_str()).collect();
        let task_actions: Vec<&str> = TaskAction::ALL.iter().map(|a| a.as_str()).collect();
        let mo = "INSERT INTO manufacturing_orders (number, item_id, status, qty_millionths, start_date, due_date, \
             search_text, created_at, updated_at) VALUES ('MO-CHECK', (SELECT MIN(id) FROM items), 'draft', 1, \
             '2026-12-01', '2026-12-01', '', 0, 0)";
        let job = "INSERT INTO jobs (mo_id, seq, name, work_centre_id, status, qty_millionths, minutes, created_at, \
             updated_at) VALUES ((SELECT id FROM manufacturing_orders WHERE number = 'MO-CHECK'), 1, 'check', \
             (SELECT MIN(id) FROM work_centres), 'draft', 1, 1, 0, 0)";
        let job_move = |col: &str| {
            let mut cols = [
                ("action", "'start'"),
                ("from_status", "'approved'"),
                ("to_status", "'in_progress'"),
            ];
            for c in cols.iter_mut() {
                if c.0 == col {
                    c.1 = "$1";
                }
            }
            format!(
                "INSERT INTO job_moves (job_id, action, from_status, to_status, at) VALUES \
                 ((SELECT MAX(id) FROM jobs), {}, {}, {}, 0)",
                cols[0].1, cols[1].1, cols[2].1
            )
        };
        let mimes: Vec<&str> = MediaKind::ALL.iter().map(|k| k.as_str()).collect();
        let media_sources: Vec<&str> = MediaSource::ALL.iter().map(|k| k.as_str()).collect();
        let thumb_sizes: Vec<&str> = ThumbSize::ALL.iter().map(|k| k.as_str()).collect();
        // A media row: an image 1 × 1, a PDF without sides; '\x00' is a
        // one-byte BYTEA on PostgreSQL and a stand-in value on SQLite.
        let media = |mime: &str, source: &str| {
            format!(
                "INSERT INTO media (sha256, mime, size_bytes, width, height, data, source, created_by, created_at) \
                 VALUES ('{}', {mime}, 1, CASE WHEN {mime} = 'application/pdf' THEN NULL ELSE 1 END, \
                 CASE WHEN {mime} = 'application/pdf' THEN NULL ELSE 1 END, '\\x00', {source}, (SELECT MIN(id) FROM users), 0)",
                "a".repeat(64)
            )
        };
        let media_pdf = media("'application/pdf'", "'upload'");
        let customer = "INSERT INTO customers (code, name, search_text, created_at, updated_at) VALUES ('CHECK', 'Check', 'check', 0, 0)";
        let providers: Vec<&str> = Provider::ALL.iter().map(|p| p.as_str()).collect();
        let cases: Vec<Case> = vec![
            (
                "wa_deliveries.provider",
                vec![],
                "INSERT INTO wa_deliveries (provider, body, received_at) VALUES ($1, '', 0)".into(),
                providers,
                "msg91",
            ),
            ("maintenance_requests.status", vec![], request("status"), statuses.clone(), "reopened"),
            ("maintenance_requests.priority", vec![], request("priority"), priorities.clone(), "urgent"),
            ("maintenance_requests.kind", vec![], request("kind"), kinds, "inspection"),
            (
                "maintenance_events.kind",
                vec![NEW_REQUEST],
                "INSERT INTO maintenance_events (request_id, at, kind) VALUES ((SELECT MAX(id) FROM maintenance_requests), 0, $1)".into(),
                TIMELINE_KINDS.to_vec(),
                "comment",
            ),
            (
                "maintenance_events.from_status",
                vec![NEW_REQUEST],
                "INSERT INTO maintenance_events (request_id, at, kind, from_status) VALUES ((SELECT MAX(id) FROM maintenance_requests), 0, 'start', $1)".into(),
                statuses.clone(),
                "Open",
            ),
            (
                "maintenance_events.to_status",
                vec![NEW_REQUEST],
                "INSERT INTO maintenance_events (request_id, at, kind, to_status) VALUES ((SELECT MAX(id) FROM maintenance_requests), 0, 'start', $1)".into(),
                statuses.clone(),
                "",
            ),
            (
                "maintenance_request_counts.status",
                vec![],
                "INSERT INTO maintenance_request_counts (machine_id, status, priority, n) VALUES (-1, $1, 'low', 0)".into(),
                statuses.clone(),
                "reopened",
            ),
            (
                "maintenance_request_counts.priority",
                vec![],
                "INSERT INTO maintenance_request_counts (machine_id, status, priority, n) VALUES (-1, 'open', $1, 0)".into(),
                priorities.clone(),
                "urgent",
            ),
            (
                "sla_policies.priority",
                vec![],
                "INSERT INTO sla_policies (priority, response_minutes, resolution_minutes) VALUES ($1, 1, 1) \
                 ON CONFLICT (priority) DO UPDATE SET response_minutes = 1".into(),
                priorities,
                "urgent",
            ),
            (
                "role_permissions.module",
                vec![role],
                "INSERT INTO role_permissions (role_id, module, action) VALUES ((SELECT id FROM roles WHERE name = 'check_role'), $1, 'VIEW')".into(),
                modules,
                "payroll",
            ),
            (
                "role_permissions.action",
                vec![role],
                "INSERT INTO role_permissions (role_id, module, action) VALUES ((SELECT id FROM roles WHERE name = 'check_role'), 'admin', $1)".into(),
                actions,
                "view",
            ),
            (
                "items.kind",
                vec![],
                "INSERT INTO items (code, name, search_text, kind, unit_id, standard_cost_minor, attributes, \
                 created_at, updated_at) VALUES ('CHECK-KIND', 'check', 'check', $1, (SELECT MIN(id) FROM units), 0, '[]', 0, 0)".into(),
                item_kinds,
                "service",
            ),
            (
                "search_tails.entity",
                vec![],
                "INSERT INTO search_tails (entity, record_id, tail, archived, code, shared_prefix) VALUES ($1, -1, 'check', 0, 'CHECK', 0)".into(),
                service::master::search::TABLES.to_vec(),
                "sales_orders",
            ),
            (
                "sales_orders.status",
                vec![customer],
                "INSERT INTO sales_orders (number, customer_id, status, due_date, search_text, created_at, updated_at) \
                 VALUES ('SO-CHECK', (SELECT id FROM customers WHERE code = 'CHECK'), $1, '2026-12-01', '', 0, 0)".into(),
                order_statuses,
                "open",
            ),
            (
                "manufacturing_orders.status",
                vec![],
                "INSERT INTO manufacturing_orders (number, item_id, status, qty_millionths, start_date, due_date, \
                 search_text, created_at, updated_at) VALUES ('MO-CHECK-2', (SELECT MIN(id) FROM items), $1, 1, \
                 '2026-12-01', '2026-12-01', '', 0, 0)".into(),
                mo_statuses,
                "planned",
            ),
            (
                "jobs.status",
                vec![mo],
                "INSERT INTO jobs (mo_id, seq, name, work_centre_id, status, qty_millionths, minutes, created_at, \
                 updated_at) VALUES ((SELECT id FROM manufacturing_orders WHERE number = 'MO-CHECK'), 1, 'check', \
                 (SELECT MIN(id) FROM work_centres), $1, 1, 1, 0, 0)".into(),
                task_statuses.clone(),
                "paused",
            ),
            ("job_moves.action", vec![mo, job], job_move("action"), task_actions, "release"),
            ("job_moves.from_status", vec![mo, job], job_move("from_status"), task_statuses.clone(), "done"),
            ("job_moves.to_status", vec![mo, job], job_move("to_status"), task_statuses, "Draft"),
            ("media.mime", vec![], media("CAST($1 AS TEXT)", "'upload'"), mimes, "image/gif"),
            ("media.source", vec![], media("'application/pdf'", "$1"), media_sources, "email"),
            (
                "media_thumbs.size",
                vec![media_pdf.as_str()],
                "INSERT INTO media_thumbs (media_id, size, width, height, data) VALUES \
                 ((SELECT MAX(id) FROM media), $1, 1, 1, '\\x00')".into(),
                thumb_sizes,
                "huge",
            ),
        ];
        for (column, setup, sql, allowed, unknown) in cases {
            for v in allowed {
                assert!(
                    accepts(&app, &setup, &sql, text(v)).await,
                    "{column} refuses {v:?}"
                );
            }
            assert!(
                !accepts(&app, &setup, &sql, text(unknown)).await,
                "{column} accepts {unknown:?}"
            );
        }
        for column in ["users.active", "machines.active", "search_tails.archived"] {
            let (table, col) = column.split_once('.').unwrap();
            let sql = format!("UPDATE {table} SET {col} = $1");
            for v in [0, 1] {
                assert!(
                    accepts(&app, &[], &sql, Value::from(v)).await,
                    "{column} refuses {v}"
                );
            }
            for v in [2, -1] {
                assert!(
                    !accepts(&app, &[], &sql, Value::from(v)).await,
                    "{column} accepts {v}"
                );
            }
        }
        app.finish().await;
    }
);

// ---------- the constraints migration keeps existing data ----------

/// The tables 0005 rebuilds on SQLite, with a column that identifies rows.
const KEPT: &[(&str, &str)] = &[
    ("users", "username || ':' || active"),
    ("roles", "name"),
    ("role_permissions", "role_id || ':' || module || ':' || action"),
    ("user_roles", "user_id || ':' || role_id"),
    ("sessions", "token_hash || ':' || user_id"),
    ("password_resets", "token_hash || ':' || user_id"),
    ("work_centres", "code"),
    ("machines", "id || ':' || code || ':' || COALESCE(work_centre_id, 0) || ':' || active"),
    ("sla_policies", "priority || ':' || response_minutes"),
    (
        "maintenance_requests",
        "id || ':' || status || ':' || priority || ':' || title || ':' || machine_id || ':' || reported_by",
    ),
    ("maintenance_events", "id || ':' || request_id || ':' || kind || ':' || COALESCE(to_status, '-')"),
    ("maintenance_request_counts", "machine_id || ':' || status || ':' || priority || ':' || n"),
];

async fn snapshot(pool: &sqlx::AnyPool) -> BTreeMap<&'static str, Vec<String>> {
    let mut out = BTreeMap::new();
    for (table, key) in KEPT {
        let rows: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT CAST({key} AS TEXT) FROM {table} ORDER BY 1"
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        out.insert(*table, rows);
    }
    out
}

async fn migration_keeps_data(backend: Backend) {
    let Some((url, pg_name, _dir)) = fresh_db(backend).await else {
        return;
    };
    sqlx::any::install_default_drivers();
    let tree = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../migrations")
        .join(tree);
    let mut before_0005 = sqlx::migrate::Migrator::new(dir).await.unwrap();
    before_0005.migrations = before_0005
        .migrations
        .iter()
        .filter(|m| m.version < 5)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    let open_url = if backend == Backend::Sqlite {
        format!("{url}?mode=rwc")
    } else {
        url.clone()
    };
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(&open_url)
        .await
        .unwrap();
    before_0005.run(&pool).await.unwrap();
    for sql in [
        "INSERT INTO users (username, display_name, password_hash, active, created_at) VALUES ('ana', 'Ana', 'h', 1, 0)",
        "INSERT INTO users (username, display_name, password_hash, active, created_at) VALUES ('budi', 'Budi', 'h', 0, 0)",
        "INSERT INTO roles (name) VALUES ('tech')",
        "INSERT INTO role_permissions (role_id, module, action) SELECT id, 'maintenance', 'UPDATE' FROM roles",
        "INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r",
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) SELECT 'tok', id, 0, 9, 0 FROM users WHERE username = 'ana'",
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) SELECT 'rst', id, 0, 9 FROM users WHERE username = 'budi'",
        "INSERT INTO work_centres (code, name) VALUES ('SEW', 'Sewing')",
        "INSERT INTO machines (code, name, work_centre_id, active, created_at) SELECT 'M1', 'One', id, 1, 0 FROM work_centres",
        "INSERT INTO machines (code, name, active, created_at) VALUES ('M2', 'Two', 0, 0)",
        "INSERT INTO machines (code, name, active, created_at) VALUES ('M3', 'Three', 1, 0)",
        "DELETE FROM machines WHERE code = 'M3'",
        "INSERT INTO sla_policies (priority, response_minutes, resolution_minutes) VALUES ('high', 30, 300)",
        "INSERT INTO maintenance_requests (machine_id, kind, priority, title, status, reported_by, created_at, updated_at, response_target_ms, resolution_target_ms) \
         SELECT m.id, 'breakdown', 'high', 'Jammed', 'open', u.id, 1, 1, 10, 20 FROM machines m, users u WHERE m.code = 'M1' AND u.username = 'ana'",
        "INSERT INTO maintenance_requests (machine_id, kind, priority, title, status, reported_by, created_at, updated_at, response_target_ms, resolution_target_ms) \
         SELECT m.id, 'preventive', 'low', 'Oiling', 'in_progress', u.id, 2, 2, 10, 20 FROM machines m, users u WHERE m.code = 'M2' AND u.username = 'budi'",
        "INSERT INTO maintenance_events (request_id, at, kind, to_status, actor_id) SELECT id, created_at, 'created', 'open', reported_by FROM maintenance_requests",
        "INSERT INTO maintenance_events (request_id, at, kind, from_status, to_status) SELECT id, 3, 'start', 'open', 'in_progress' FROM maintenance_requests WHERE title = 'Oiling'",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let before = snapshot(&pool).await;
    assert_eq!(before["maintenance_requests"].len(), 2);
    assert_eq!(before["maintenance_request_counts"].len(), 2, "{before:?}");
    let max_machine: i64 = sqlx::query_scalar("SELECT MAX(id) FROM machines")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;

    // Start as the server does: the remaining migrations run.
    let db = service::Db::connect(&url).await.unwrap();
    let after = snapshot(&db.read).await;
    assert_eq!(before, after);
    if backend == Backend::Sqlite {
        let broken = sqlx::query("PRAGMA foreign_key_check")
            .fetch_all(&db.read)
            .await
            .unwrap();
        assert!(
            broken.is_empty(),
            "{} rows break a foreign key",
            broken.len()
        );
    }
    // An id is never reused, even the deleted M3's.
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO machines (code, name, active, created_at) VALUES ('M4', 'Four', 1, 0) RETURNING id",
    )
    .fetch_one(&db.write)
    .await
    .unwrap();
    assert!(
        id > max_machine + 1,
        "{id} reuses a deleted machine's id ({max_machine} + 1)"
    );
    // The count triggers still keep the counts.
    sqlx::query("UPDATE maintenance_requests SET status = 'acknowledged' WHERE title = 'Jammed'")
        .execute(&db.write)
        .await
        .unwrap();
    let counts: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(status || ':' || n AS TEXT) FROM maintenance_request_counts WHERE priority = 'high' ORDER BY 1",
    )
    .fetch_all(&db.read)
    .await
    .unwrap();
    assert_eq!(counts, ["acknowledged:1", "open:0"]);
    // References still hold: a user with requests cannot go, an event needs its request.
    assert!(sqlx::query("DELETE FROM users WHERE username = 'ana'")
        .execute(&db.write)
        .await
        .is_err());
    assert!(sqlx::query(
        "INSERT INTO maintenance_events (request_id, at, kind) VALUES (999999, 0, 'created')"
    )
    .execute(&db.write)
    .await
    .is_err());
    // ... and cascades still cascade.
    sqlx::query("DELETE FROM roles WHERE name = 'tech'")
        .execute(&db.write)
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM user_roles")
        .fetch_one(&db.read)
        .await
        .unwrap();
    assert_eq!(left, 0);
    db.write.close().await;
    db.read.close().await;
    if let Some(name) = pg_name {
        drop_pg(&name).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_constraints_migration_keeps_existing_data_sqlite() {
    migration_keeps_data(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_constraints_migration_keeps_existing_data_postgres() {
    migration_keeps_data(Backend::Postgres).await;
}
