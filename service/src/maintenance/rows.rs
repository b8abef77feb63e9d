//! Reading and writing request rows and timeline events: the repository
//! functions the maintenance use cases share.

use crate::db::{Row, Tx};
use crate::error::{DbContext, Result};
use domain::maintenance::{BreachState, Kind, Priority, Request, SlaClock, Status};
use domain::time::format_iso;
use domain::AppError;
use sqlx::Row as _;

pub(super) const SELECT_REQUEST: &str = "SELECT r.id, r.machine_id, m.code AS machine_code, m.name AS machine_name, r.kind, \
    r.priority, r.title, r.description, r.status, u.display_name AS reported_by, r.created_at, r.updated_at, \
    r.response_target_ms, r.resolution_target_ms, r.acknowledged_at, r.resolved_at, r.closed_at, r.cancelled_at, \
    r.paused_since, r.paused_total_ms, r.response_breached_at, r.resolution_breached_at, r.escalation_level, r.version \
    FROM maintenance_requests r JOIN machines m ON m.id = r.machine_id JOIN users u ON u.id = r.reported_by";

pub(super) fn clock_of(row: &Row) -> Result<(SlaClock, BreachState)> {
    let g = |c: &str| row.try_get::<Option<i64>, _>(c).ctx("decode request");
    let clock = SlaClock {
        created_at: row.try_get("created_at").ctx("decode request")?,
        response_target_ms: row.try_get("response_target_ms").ctx("decode request")?,
        resolution_target_ms: row.try_get("resolution_target_ms").ctx("decode request")?,
        acknowledged_at: g("acknowledged_at")?,
        resolved_at: g("resolved_at")?,
        paused_since: g("paused_since")?,
        paused_total_ms: row.try_get("paused_total_ms").ctx("decode request")?,
        cancelled_at: g("cancelled_at")?,
    };
    let breach = BreachState {
        response_breached_at: g("response_breached_at")?,
        resolution_breached_at: g("resolution_breached_at")?,
        escalation_level: row
            .try_get::<i64, _>("escalation_level")
            .ctx("decode request")? as u8,
    };
    Ok((clock, breach))
}

pub(super) fn request_of(row: &Row, now: i64) -> Result<Request> {
    let (clock, breach) = clock_of(row)?;
    let s = |c: &str| row.try_get::<String, _>(c).ctx("decode request");
    let iso = |v: Option<i64>| v.map(format_iso);
    Ok(Request {
        id: row.try_get("id").ctx("decode request")?,
        machine_id: row.try_get("machine_id").ctx("decode request")?,
        machine_code: s("machine_code")?,
        machine_name: s("machine_name")?,
        kind: Kind::parse(&s("kind")?).unwrap_or(Kind::Breakdown),
        priority: Priority::parse(&s("priority")?).unwrap_or(Priority::Medium),
        title: s("title")?,
        description: s("description")?,
        status: Status::parse(&s("status")?).unwrap_or(Status::Open),
        reported_by: s("reported_by")?,
        created_at: format_iso(clock.created_at),
        updated_at: format_iso(row.try_get("updated_at").ctx("decode request")?),
        response_due_at: String::new(),
        resolution_due_at: String::new(),
        acknowledged_at: None,
        resolved_at: None,
        closed_at: iso(row
            .try_get::<Option<i64>, _>("closed_at")
            .ctx("decode request")?),
        response_breached_at: iso(breach.response_breached_at),
        resolution_breached_at: iso(breach.resolution_breached_at),
        escalation_level: breach.escalation_level,
        clock,
        server_now: String::new(),
        version: row.try_get("version").ctx("decode request")?,
    }
    .with_clock_times(now))
}

pub(super) async fn request_row(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Row> {
    sqlx::query(&format!("{SELECT_REQUEST} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
        .ctx("read request")?
        .ok_or_else(|| AppError::not_found(format!("Maintenance request #{id}")).into())
}

pub(super) async fn fetch_request(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    now: i64,
) -> Result<Request> {
    request_of(&request_row(conn, id).await?, now)
}
#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_event(
    tx: &mut Tx,
    request_id: i64,
    at: i64,
    kind: &str,
    from: Option<Status>,
    to: Option<Status>,
    actor: Option<i64>,
    note: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO maintenance_events (request_id, at, kind, from_status, to_status, actor_id, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(request_id)
    .bind(at)
    .bind(kind)
    .bind(from.map(|s| s.as_str()))
    .bind(to.map(|s| s.as_str()))
    .bind(actor)
    .bind(note)
    .execute(&mut **tx)
    .await
    .ctx("write timeline event")?;
    Ok(())
}
