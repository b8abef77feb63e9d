//! Issue 8's floor: minimal axum handlers running the queries the service
//! runs for explosion/cost loading (service/src/bom/catalog.rs), where-used
//! from the component index (service/src/bom/read.rs) and the item search (service/src/master/
//! common.rs), on the same database, with no session, permission check,
//! decoding or domain work: they answer the rows as JSON.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::HashMap;

const ITEM_COLUMNS: &str = "i.id, i.code, i.name, i.kind, u.code AS unit, \
    i.standard_cost_minor, i.attributes, i.archived_at";

fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn item_json(r: &sqlx::any::AnyRow) -> Value {
    json!({
        "id": r.get::<i64, _>("id"), "code": r.get::<String, _>("code"),
        "kind": r.get::<String, _>("kind"), "unit": r.get::<String, _>("unit"),
        "standard_cost_minor": r.get::<i64, _>("standard_cost_minor"),
    })
}

/// The BOM bodies as they are stored, in one JSON array (no decoding).
fn bodies(rows: &[sqlx::any::AnyRow]) -> String {
    let mut out = String::from("[");
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(r.get::<String, _>("body").as_str());
    }
    out.push(']');
    out
}

fn json_text(body: String) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], body)
}

/// What explosion loads for BOM row `id`: the row, its direct components'
/// items, every item reachable through current BOMs (one recursive query),
/// their rows and current BOMs, and the work centres of the routings.
async fn floor_load(State(db): State<service::Db>, Path(id): Path<i64>) -> impl IntoResponse {
    let mut c = db.read.acquire().await.unwrap();
    let root = sqlx::query(
        "SELECT b.id, b.item_id, i.code AS item_code, i.name AS item_name, b.version, b.is_current, \
         b.frozen_at, b.body, b.revision, b.created_at, b.updated_at FROM boms b JOIN items i ON i.id = b.item_id WHERE b.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *c)
    .await
    .unwrap();
    // The service takes the codes from the decoded body; the index has them.
    let direct = sqlx::query(&format!(
        "SELECT {ITEM_COLUMNS} FROM items i JOIN units u ON u.id = i.unit_id \
         WHERE i.id IN (SELECT component_item_id FROM bom_components WHERE bom_id = $1) OR i.id = $2"
    ))
    .bind(id)
    .bind(root.get::<i64, _>("item_id"))
    .fetch_all(&mut *c)
    .await
    .unwrap();
    let seeds: Vec<i64> = direct
        .iter()
        .map(|r| r.get::<i64, _>("id"))
        .filter(|i| *i != root.get::<i64, _>("item_id"))
        .collect();
    let reach: Vec<i64> = sqlx::query_scalar(&format!(
        "WITH RECURSIVE reach(item_id) AS ( \
           SELECT id FROM items WHERE id IN ({}) \
           UNION \
           SELECT bc.component_item_id FROM reach r \
           JOIN boms b ON b.item_id = r.item_id AND b.is_current = 1 \
           JOIN bom_components bc ON bc.bom_id = b.id \
         ) SELECT item_id FROM reach",
        id_list(&seeds)
    ))
    .fetch_all(&mut *c)
    .await
    .unwrap();
    let items = sqlx::query(&format!(
        "SELECT {ITEM_COLUMNS} FROM items i JOIN units u ON u.id = i.unit_id WHERE i.id IN ({})",
        id_list(&reach)
    ))
    .fetch_all(&mut *c)
    .await
    .unwrap();
    let boms = sqlx::query(&format!(
        "SELECT b.id, i.code AS item_code, b.body FROM boms b JOIN items i ON i.id = b.item_id \
         WHERE b.is_current = 1 AND b.item_id IN ({})",
        id_list(&reach)
    ))
    .fetch_all(&mut *c)
    .await
    .unwrap();
    let wcs = sqlx::query(
        "SELECT id, code, kind, labour_rate_minor_per_hour, archived_at FROM work_centres \
         WHERE code IN ($1, $2, $3, $4, $5)",
    )
    .bind("CUT")
    .bind("SEW")
    .bind("STUFF")
    .bind("FIN")
    .bind("PACK")
    .fetch_all(&mut *c)
    .await
    .unwrap();
    let items: Vec<Value> = items.iter().map(item_json).collect();
    let rates: Vec<Value> = wcs
        .iter()
        .map(|w| {
            json!([
                w.get::<String, _>("code"),
                w.get::<i64, _>("labour_rate_minor_per_hour")
            ])
        })
        .collect();
    json_text(format!(
        "{{\"root\":{},\"boms\":{},\"items\":{},\"work_centres\":{}}}",
        root.get::<String, _>("body"),
        bodies(&boms),
        Value::from(items),
        Value::from(rates)
    ))
}

/// Where-used: the component's row, then the component index rows of
/// every current BOM above it through all levels (the service's recursive
/// query), answered as `[parent, version, component]` triples.
async fn floor_where_used(
    State(db): State<service::Db>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    let mut c = db.read.acquire().await.unwrap();
    let code = q.get("component").cloned().unwrap_or_default();
    let item = sqlx::query(&format!(
        "SELECT {ITEM_COLUMNS} FROM items i JOIN units u ON u.id = i.unit_id WHERE i.code IN ($1)"
    ))
    .bind(&code)
    .fetch_one(&mut *c)
    .await
    .unwrap();
    let rows = sqlx::query(&format!(
        "WITH RECURSIVE up(item_id) AS ( \
           SELECT CAST({} AS BIGINT) \
           UNION \
           SELECT b.item_id FROM up JOIN bom_components bc ON bc.component_item_id = up.item_id \
           JOIN boms b ON b.id = bc.bom_id AND b.is_current = 1 \
         ) SELECT p.code AS parent, b.version, c.code AS component \
         FROM boms b JOIN items p ON p.id = b.item_id \
         JOIN bom_components bc ON bc.bom_id = b.id JOIN items c ON c.id = bc.component_item_id \
         WHERE b.is_current = 1 AND b.item_id IN (SELECT item_id FROM up) \
         AND bc.component_item_id IN (SELECT item_id FROM up)",
        item.get::<i64, _>("id")
    ))
    .fetch_all(&mut *c)
    .await
    .unwrap();
    let edges: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!([
                r.get::<String, _>("parent"),
                r.get::<i64, _>("version"),
                r.get::<String, _>("component")
            ])
        })
        .collect();
    Json(json!({ "edges": edges }))
}

/// The item list's two queries (count and page) as the service runs them:
/// the count and the page's ids from the search index's range of tails
/// starting with the needle, one per item (service/src/master/search.rs).
async fn floor_items(
    State(db): State<service::Db>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    const TAILS: &str = "t.entity = 'items' AND t.tail >= $1 AND t.shared_prefix < $2 \
         AND t.tail < $3 AND t.archived = 0";
    let needle = q
        .get("q")
        .map(|s| s.trim().to_lowercase())
        .unwrap_or_default();
    // Every bench search has a needle: not empty, at most 100 characters.
    let range = domain::master::PrefixRange::of(&needle);
    let (lo, len, hi) = (range.lo, range.len as i64, range.hi.unwrap_or_default());
    let limit: i64 = q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(50);
    let mut c = db.read.acquire().await.unwrap();
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM search_tails t WHERE {TAILS}"
    ))
    .bind(&lo)
    .bind(len)
    .bind(&hi)
    .fetch_one(&mut *c)
    .await
    .unwrap();
    let rows = sqlx::query(&format!(
        "SELECT x.id, x.code, x.name, x.kind, u.code AS unit, x.standard_cost_minor, \
         x.attributes, d.code AS design, x.archived_at, x.version FROM items x \
         JOIN units u ON u.id = x.unit_id LEFT JOIN embroidery_designs d ON d.id = x.embroidery_design_id \
         WHERE x.id IN (SELECT p.record_id FROM (SELECT t.record_id FROM search_tails t \
         WHERE {TAILS} ORDER BY t.code LIMIT $4 OFFSET $5) p) ORDER BY x.code"
    ))
    .bind(&lo)
    .bind(len)
    .bind(&hi)
    .bind(limit)
    .bind(0i64)
    .fetch_all(&mut *c)
    .await
    .unwrap();
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "id": r.get::<i64, _>("id"), "code": r.get::<String, _>("code"),
                "name": r.get::<String, _>("name"), "kind": r.get::<String, _>("kind"),
                "unit": r.get::<String, _>("unit"),
                "standard_cost_minor": r.get::<i64, _>("standard_cost_minor"),
                "attributes": r.get::<String, _>("attributes"),
                "design": r.get::<Option<String>, _>("design"),
                "archived": r.get::<Option<i64>, _>("archived_at").is_some(),
                "version": r.get::<i64, _>("version"),
            })
        })
        .collect();
    Json(json!({"rows": rows, "total": total, "limit": limit, "offset": 0}))
}

/// Serves the floor on a free port; its paths mirror the REST ones.
pub(crate) async fn start_bom_floor(db_url: &str) -> String {
    let db = service::Db::connect(db_url).await.unwrap();
    let app = Router::new()
        .route("/api/v1/warehouse/bom/{id}/explode", get(floor_load))
        .route("/api/v1/warehouse/bom/{id}/cost", get(floor_load))
        .route("/api/v1/warehouse/bom/search", get(floor_where_used))
        .route("/api/v1/master/items", get(floor_items))
        .with_state(db);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}
