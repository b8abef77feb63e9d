//! The floor: a minimal axum handler running the same queries on the same
//! database with no session, permission, idempotency, timeline or events.

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::HashMap;

const FLOOR_SELECT: &str = "SELECT r.id, r.machine_id, m.code AS machine_code, m.name AS machine_name, r.kind, \
    r.priority, r.title, r.description, r.status, u.display_name AS reported_by, r.created_at, r.updated_at, \
    r.response_target_ms, r.resolution_target_ms, r.acknowledged_at, r.resolved_at, r.closed_at, r.cancelled_at, \
    r.paused_since, r.paused_total_ms, r.response_breached_at, r.resolution_breached_at, r.escalation_level, r.version \
    FROM maintenance_requests r JOIN machines m ON m.id = r.machine_id JOIN users u ON u.id = r.reported_by";

fn row_json(r: &sqlx::any::AnyRow) -> Value {
    json!({
        "id": r.get::<i64, _>("id"), "machine_code": r.get::<String, _>("machine_code"),
        "machine_name": r.get::<String, _>("machine_name"), "kind": r.get::<String, _>("kind"),
        "priority": r.get::<String, _>("priority"), "title": r.get::<String, _>("title"),
        "status": r.get::<String, _>("status"), "reported_by": r.get::<String, _>("reported_by"),
        "created_at": r.get::<i64, _>("created_at"), "acknowledged_at": r.get::<Option<i64>, _>("acknowledged_at"),
        "resolved_at": r.get::<Option<i64>, _>("resolved_at"), "version": r.get::<i64, _>("version"),
    })
}

async fn floor_list(
    State(db): State<service::Db>,
    Query(q): Query<HashMap<String, i64>>,
) -> Json<Value> {
    let (limit, offset) = (
        q.get("limit").copied().unwrap_or(50),
        q.get("offset").copied().unwrap_or(0),
    );
    let total: i64 = sqlx::query(
        "SELECT CAST(COALESCE(SUM(r.n), 0) AS BIGINT) FROM maintenance_request_counts r",
    )
    .fetch_one(&db.read)
    .await
    .unwrap()
    .get(0);
    let rows = sqlx::query(&format!(
        "{FLOOR_SELECT} WHERE r.id IN (SELECT r.id FROM maintenance_requests r \
         ORDER BY r.created_at DESC, r.id DESC LIMIT $1 OFFSET $2) ORDER BY r.created_at DESC, r.id DESC"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.read)
    .await
    .unwrap();
    Json(json!({ "items": rows.iter().map(row_json).collect::<Vec<_>>(), "total": total }))
}

async fn floor_detail(State(db): State<service::Db>, Path(id): Path<i64>) -> Json<Value> {
    let r = sqlx::query(&format!("{FLOOR_SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_one(&db.read)
        .await
        .unwrap();
    let ev = sqlx::query("SELECT e.at, e.kind, u.display_name FROM maintenance_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.request_id = $1 ORDER BY e.at, e.id")
        .bind(id)
        .fetch_all(&db.read)
        .await
        .unwrap();
    let timeline: Vec<Value> = ev
        .iter()
        .map(|e| json!({"at": e.get::<i64, _>(0), "kind": e.get::<String, _>(1)}))
        .collect();
    Json(json!({ "request": row_json(&r), "timeline": timeline }))
}

async fn floor_create(State(db): State<service::Db>, Json(b): Json<Value>) -> Json<Value> {
    let now = service::now_ms();
    let mut tx = db.begin().await.unwrap();
    let id: i64 = sqlx::query(
        "INSERT INTO maintenance_requests (machine_id, kind, priority, title, description, status, reported_by, created_at, \
         updated_at, response_target_ms, resolution_target_ms, next_check_at) VALUES ($1, 'breakdown', 'high', $2, '', 'open', 1, $3, $3, 3600000, 28800000, NULL) RETURNING id",
    )
    .bind(b["machine_id"].as_i64().unwrap_or(1))
    .bind(b["title"].as_str().unwrap_or("x").to_string())
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .unwrap()
    .get(0);
    sqlx::query("INSERT INTO maintenance_events (request_id, at, kind, to_status, actor_id, note) VALUES ($1, $2, 'created', 'open', 1, '')")
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // Like the service, answer from what was written rather than reading it back.
    Json(
        json!({"id": id, "machine_id": b["machine_id"], "title": b["title"], "status": "open", "version": 1, "created_at": now}),
    )
}

async fn floor_transition(
    State(db): State<service::Db>,
    Path((id, action)): Path<(i64, String)>,
) -> Json<Value> {
    let now = service::now_ms();
    let to = match action.as_str() {
        "acknowledge" => "acknowledged",
        "start" | "resume" => "in_progress",
        "wait_for_parts" => "waiting_parts",
        _ => "resolved",
    };
    // The server under test shares the file and writes in the background
    // (its monitor's lease), so a read-then-write transaction here can meet
    // SQLITE_BUSY_SNAPSHOT; retry it as a real service would.
    let mut tries = 0;
    let (r, version) = loop {
        match floor_transition_tx(&db, id, &action, to, now).await {
            Ok(done) => break done,
            Err(_) if tries < 20 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
            Err(e) => panic!("floor transition: {e}"),
        }
    };
    let mut answer = row_json(&r);
    answer["status"] = json!(to);
    answer["version"] = json!(version + 1);
    Json(answer)
}

async fn floor_transition_tx(
    db: &service::Db,
    id: i64,
    action: &str,
    to: &str,
    now: i64,
) -> Result<(sqlx::any::AnyRow, i64), sqlx::Error> {
    let mut tx = db.write.begin().await?;
    let r = sqlx::query(&format!("{FLOOR_SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let version: i64 = r.get("version");
    sqlx::query("UPDATE maintenance_requests SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4")
        .bind(to)
        .bind(now)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO maintenance_events (request_id, at, kind, to_status, actor_id, note) VALUES ($1, $2, $3, $4, 1, '')")
        .bind(id)
        .bind(now)
        .bind(action)
        .bind(to)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((r, version))
}

pub(crate) async fn start_floor(db_url: &str) -> String {
    let db = service::Db::connect(db_url).await.unwrap();
    let app = Router::new()
        .route(
            "/api/v1/maintenance/requests",
            get(floor_list).post(floor_create),
        )
        .route("/api/v1/maintenance/requests/{id}", get(floor_detail))
        .route(
            "/api/v1/maintenance/requests/{id}/{action}",
            post(floor_transition),
        )
        .with_state(db);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}
