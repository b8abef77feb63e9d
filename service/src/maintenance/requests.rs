//! Requests: reading one with its timeline, listing, and reporting a new one.

use super::rows::{
    fetch_request, insert_event, ReportTargetRow, RequestRow, TimelineRow, SELECT_REQUEST,
};
use super::window::{follow_plan, planned_instant, takes_capacity};
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::events::{self, NewEvent};
use crate::ppic::lock_plan;
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::maintenance::{
    next_check, parse_filter, BreachState, ListFilter, NewRequestInput, Request, RequestDetail,
    RequestPage, SlaClock, SlaPolicy, Status, TimelineEvent,
};
use domain::perm::{Action, Module};
use domain::time::format_iso;
use domain::AppError;

pub async fn get(svc: &Services, user: &CurrentUser, id: i64, now: i64) -> Result<RequestDetail> {
    user.require(Module::Maintenance, Action::View)?;
    let mut conn = svc.db.read.acquire().await.ctx("acquire")?;
    let request = fetch_request(&mut conn, id, now).await?;
    let planned_start_local = request
        .planned_start
        .as_deref()
        .and_then(domain::time::parse_iso)
        .map(|t| local_input(svc.config.plant_time_zone, t));
    let timeline = sqlx::query_as::<_, TimelineRow>(
        "SELECT e.at, e.kind, e.from_status, e.to_status, u.display_name AS actor, e.note FROM maintenance_events e \
         LEFT JOIN users u ON u.id = e.actor_id WHERE e.request_id = $1 ORDER BY e.at, e.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .ctx("read timeline")?
    .into_iter()
    .map(TimelineEvent::from)
    .collect();
    Ok(RequestDetail {
        request,
        timeline,
        planned_start_local,
    })
}

/// An instant in the plant's time as a `datetime-local` input shows it:
/// `2026-12-08T07:30`.
fn local_input(tz: chrono_tz::Tz, t: i64) -> String {
    use chrono::TimeZone;
    match tz.timestamp_millis_opt(t).single() {
        Some(l) => l.format("%Y-%m-%dT%H:%M").to_string(),
        None => format_iso(t),
    }
}

pub async fn list(
    svc: &Services,
    user: &CurrentUser,
    filter: &ListFilter,
    now: i64,
) -> Result<RequestPage> {
    user.require(Module::Maintenance, Action::View)?;
    let (status, priority, limit, offset) = parse_filter(filter)?;
    // Build the WHERE clause from fixed fragments; values are always bound.
    let mut clauses: Vec<String> = Vec::new();
    let mut binds: Vec<BindValue> = Vec::new();
    if let Some(s) = status {
        binds.push(BindValue::Text(s.as_str().into()));
        clauses.push(format!("r.status = ${}", binds.len()));
    }
    if filter.active_only {
        clauses.push("r.status NOT IN ('resolved', 'closed', 'cancelled')".into());
    }
    if let Some(p) = priority {
        binds.push(BindValue::Text(p.as_str().into()));
        clauses.push(format!("r.priority = ${}", binds.len()));
    }
    if let Some(m) = filter.machine_id {
        binds.push(BindValue::Int(m));
        clauses.push(format!("r.machine_id = ${}", binds.len()));
    }
    let where_sql = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    // Every filter is on a column of the trigger-kept counts table, so the
    // total never has to count the requests themselves.
    let count_sql = format!(
        "SELECT CAST(COALESCE(SUM(r.n), 0) AS BIGINT) FROM maintenance_request_counts r{where_sql}"
    );
    // Late row lookup: the page's ids come from the (created_at, id) index
    // alone, and only those rows are joined and decoded, however deep the page.
    let list_sql = format!(
        "{SELECT_REQUEST} WHERE r.id IN (SELECT r.id FROM maintenance_requests r{where_sql} \
         ORDER BY r.created_at DESC, r.id DESC LIMIT ${} OFFSET ${}) ORDER BY r.created_at DESC, r.id DESC",
        binds.len() + 1,
        binds.len() + 2
    );
    let mut conn = svc.db.read.acquire().await.ctx("acquire")?;
    let mut cq = sqlx::query_scalar::<_, i64>(&count_sql);
    let mut lq = sqlx::query(&list_sql);
    for b in &binds {
        match b {
            BindValue::Text(t) => {
                cq = cq.bind(t.clone());
                lq = lq.bind(t.clone());
            }
            BindValue::Int(i) => {
                cq = cq.bind(*i);
                lq = lq.bind(*i);
            }
        }
    }
    let total: i64 = cq.fetch_one(&mut *conn).await.ctx("count requests")?;
    let rows = lq
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await
        .ctx("list requests")?;
    let items = rows
        .iter()
        .map(|r| Ok(RequestRow::decode(r)?.into_request(now)))
        .collect::<Result<Vec<_>>>()?;
    Ok(RequestPage {
        items,
        total,
        limit,
        offset,
    })
}

enum BindValue {
    Text(String),
    Int(i64),
}
const CREATE_SCOPE: &str = "maintenance.create";

pub async fn create(
    svc: &Services,
    user: &CurrentUser,
    input: &NewRequestInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<Request> {
    user.require(Module::Maintenance, Action::Create)?;
    let new = input.parse()?;
    let tz = svc.config.plant_time_zone;
    let planned_start = planned_instant(tz, &new.window, now)?;
    let estimated_minutes = new.window.estimated_minutes;
    // The machine and the priority's SLA policy in one read, on the read pool,
    // so SQLite's single writer is held only for the writes. (A report taken
    // in the very instant its machine is retired may still be recorded.)
    let machine = sqlx::query_as::<_, ReportTargetRow>(
        "SELECT m.active, m.code, m.name, m.work_centre_id, p.response_minutes, p.resolution_minutes FROM machines m \
         LEFT JOIN sla_policies p ON p.priority = $2 WHERE m.id = $1",
    )
    .bind(new.machine_id)
    .bind(new.priority.as_str())
    .fetch_optional(&svc.db.read)
    .await
    .ctx("find machine")?
    .ok_or_else(|| AppError::field("machine_id", "no such machine"));
    let machine = match machine {
        Ok(m) if m.active.0 => m,
        refused => {
            // A retry of a report taken before the machine was retired gets its answer.
            if let Some(done) =
                idempotency::replay(&svc.db, user.id, idem_key, CREATE_SCOPE, input).await?
            {
                return Ok(done);
            }
            refused?;
            return Err(AppError::field("machine_id", "this machine is retired").into());
        }
    };
    let policy = match (machine.response_minutes, machine.resolution_minutes) {
        (Some(response_minutes), Some(resolution_minutes)) => SlaPolicy {
            priority: new.priority,
            response_minutes,
            resolution_minutes,
        },
        _ => SlaPolicy::default_for(new.priority),
    };
    // A breakdown or a planned window on a machine of a work centre takes
    // capacity: the plan follows in this transaction.
    let centre = machine
        .work_centre_id
        .filter(|_| takes_capacity(new.kind, planned_start));
    let (request, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        CREATE_SCOPE,
        input,
        now,
        move |mut tx: Tx| Box::pin(async move {
            if centre.is_some() {
                lock_plan(&mut tx).await?;
            }
            let clock = SlaClock::new(now, &policy);
            let next = next_check(&clock, &BreachState::default());
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO maintenance_requests (machine_id, kind, priority, title, description, status, reported_by, \
                 created_at, updated_at, response_target_ms, resolution_target_ms, next_check_at, planned_start, \
                 estimated_minutes) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $7, $8, $9, $10, $11, $12) RETURNING id",
            )
            .bind(new.machine_id)
            .bind(new.kind.as_str())
            .bind(new.priority.as_str())
            .bind(&new.title)
            .bind(&new.description)
            .bind(user.id)
            .bind(now)
            .bind(clock.response_target_ms)
            .bind(clock.resolution_target_ms)
            .bind(next)
            .bind(planned_start)
            .bind(estimated_minutes)
            .fetch_one(&mut *tx)
            .await
            .ctx("insert request")?;
            insert_event(
                &mut tx,
                id,
                now,
                "created",
                None,
                Some(Status::Open),
                Some(user.id),
                &new.title,
            )
            .await?;
            // Everything the new row holds is known here; no need to read it back.
            let request = Request {
                id,
                machine_id: new.machine_id,
                machine_code: machine.code,
                machine_name: machine.name,
                kind: new.kind,
                priority: new.priority,
                title: new.title.clone(),
                description: new.description.clone(),
                status: Status::Open,
                reported_by: user.display_name.clone(),
                created_at: format_iso(now),
                updated_at: format_iso(now),
                response_due_at: String::new(),
                resolution_due_at: String::new(),
                acknowledged_at: None,
                resolved_at: None,
                closed_at: None,
                response_breached_at: None,
                resolution_breached_at: None,
                escalation_level: 0,
                planned_start: planned_start.map(format_iso),
                estimated_minutes,
                clock,
                server_now: String::new(),
                version: 1,
            }
            .with_clock_times(now);
            follow_plan(&mut tx, tz, now, centre, (id, request.version)).await?;
            events::record(
                &mut tx,
                &NewEvent::new(Module::Maintenance, id, request.version, EventKind::Created, now),
            )
            .await?;
            Ok((tx, request))
        }),
    )
    .await?;
    if fresh {
        svc.events.wake();
    }
    Ok(request)
}
