//! Maintenance: machines, SLA policies, requests and their transitions, and
//! the breach monitor. Every change is one transaction that also writes the
//! request's timeline and, when a key is given, its idempotency record.

use crate::auth::audit;
use crate::db::{Db, Row, Tx};
use crate::error::{is_unique_violation, DbContext, Result};
use crate::events::{self, NewEvent};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::maintenance::{
    evaluate, next_check, parse_filter, BreachState, Kind, ListFilter, Machine, NewRequestInput,
    Priority, Request, RequestDetail, RequestPage, SlaClock, SlaEvent, SlaPolicy, Status,
    TimelineEvent, Transition,
};
use domain::perm::{Action, Module};
use domain::time::format_iso;
use domain::AppError;
use serde::{Deserialize, Serialize};
use sqlx::Row as _;

const SELECT_REQUEST: &str = "SELECT r.id, r.machine_id, m.code AS machine_code, m.name AS machine_name, r.kind, \
    r.priority, r.title, r.description, r.status, u.display_name AS reported_by, r.created_at, r.updated_at, \
    r.response_target_ms, r.resolution_target_ms, r.acknowledged_at, r.resolved_at, r.closed_at, r.cancelled_at, \
    r.paused_since, r.paused_total_ms, r.response_breached_at, r.resolution_breached_at, r.escalation_level, r.version \
    FROM maintenance_requests r JOIN machines m ON m.id = r.machine_id JOIN users u ON u.id = r.reported_by";

fn clock_of(row: &Row) -> Result<(SlaClock, BreachState)> {
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

fn request_of(row: &Row, now: i64) -> Result<Request> {
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

// ---------- machines ----------

/// Machines for a user who may see maintenance or master data.
pub async fn list_machines(svc: &Services, user: &CurrentUser) -> Result<Vec<Machine>> {
    user.require(Module::Maintenance, Action::View)
        .or_else(|_| user.require(Module::Master, Action::View))?;
    machines(&svc.db).await
}

/// Every machine, without a permission check (seeding and internal use).
pub async fn machines(db: &Db) -> Result<Vec<Machine>> {
    let rows = sqlx::query(
        "SELECT m.id, m.code, m.name, COALESCE(w.name, '') AS work_centre, m.active FROM machines m \
         LEFT JOIN work_centres w ON w.id = m.work_centre_id ORDER BY m.code",
    )
    .fetch_all(&db.read)
    .await
    .ctx("list machines")?;
    rows.iter()
        .map(|r| {
            Ok(Machine {
                id: r.try_get("id").ctx("decode machine")?,
                code: r.try_get("code").ctx("decode machine")?,
                name: r.try_get("name").ctx("decode machine")?,
                work_centre: r.try_get("work_centre").ctx("decode machine")?,
                active: r.try_get::<i64, _>("active").ctx("decode machine")? != 0,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct NewMachineInput {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub work_centre_code: Option<String>,
}

pub async fn create_machine(
    svc: &Services,
    user: &CurrentUser,
    input: &NewMachineInput,
    now: i64,
) -> Result<Machine> {
    user.require(Module::Master, Action::Create)?;
    let code = input.code.trim().to_uppercase();
    if code.is_empty()
        || code.len() > 32
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(AppError::field("code", "1 to 32 letters, digits, '-' or '_'").into());
    }
    let name = input.name.trim();
    if name.len() < 2 || name.len() > 120 {
        return Err(AppError::field("name", "2 to 120 characters").into());
    }
    let mut tx = svc.db.begin().await?;
    let wc_id: Option<i64> = match input
        .work_centre_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(wc) => Some(
            sqlx::query("SELECT id FROM work_centres WHERE code = $1")
                .bind(wc.to_uppercase())
                .fetch_optional(&mut *tx)
                .await
                .ctx("find work centre")?
                .ok_or_else(|| AppError::field("work_centre_code", "no such work centre"))?
                .try_get(0)
                .ctx("decode")?,
        ),
    };
    let res = sqlx::query("INSERT INTO machines (code, name, work_centre_id, active, created_at) VALUES ($1, $2, $3, 1, $4) RETURNING id")
        .bind(&code)
        .bind(name)
        .bind(wc_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .ctx("insert machine");
    let id: i64 = match res {
        Ok(r) => r.try_get(0).ctx("decode")?,
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::field("code", "a machine with this code exists").into())
        }
        Err(e) => return Err(e),
    };
    audit(
        &mut tx,
        Some(user.id),
        "create",
        "machine",
        &id.to_string(),
        &code,
        now,
    )
    .await?;
    events::record(
        &mut tx,
        &NewEvent::new(Module::Master, id, 1, EventKind::Created, now),
    )
    .await?;
    tx.commit().await.ctx("commit machine")?;
    svc.events.wake();
    let m = machines(&svc.db)
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(AppError::Internal)?;
    Ok(m)
}

// ---------- SLA policies ----------

pub async fn sla_policies(svc: &Services, user: &CurrentUser) -> Result<Vec<SlaPolicy>> {
    user.require(Module::Maintenance, Action::View)?;
    let db = &svc.db;
    let rows =
        sqlx::query("SELECT priority, response_minutes, resolution_minutes FROM sla_policies")
            .fetch_all(&db.read)
            .await
            .ctx("list sla policies")?;
    let mut out: Vec<SlaPolicy> = Priority::ALL
        .iter()
        .map(|p| SlaPolicy::default_for(*p))
        .collect();
    for r in rows {
        let p: String = r.try_get(0).ctx("decode")?;
        if let Some(pol) = out.iter_mut().find(|x| x.priority.as_str() == p) {
            pol.response_minutes = r.try_get(1).ctx("decode")?;
            pol.resolution_minutes = r.try_get(2).ctx("decode")?;
        }
    }
    Ok(out)
}

/// Changes the targets for one priority; applies to requests created afterwards.
pub async fn set_sla_policy(
    svc: &Services,
    user: &CurrentUser,
    policy: &SlaPolicy,
    now: i64,
) -> Result<SlaPolicy> {
    user.require(Module::Maintenance, Action::Approve)?;
    policy.validate()?;
    let mut tx = svc.db.begin().await?;
    sqlx::query(
        "INSERT INTO sla_policies (priority, response_minutes, resolution_minutes) VALUES ($1, $2, $3) \
         ON CONFLICT (priority) DO UPDATE SET response_minutes = excluded.response_minutes, \
         resolution_minutes = excluded.resolution_minutes",
    )
    .bind(policy.priority.as_str())
    .bind(policy.response_minutes)
    .bind(policy.resolution_minutes)
    .execute(&mut *tx)
    .await
    .ctx("upsert sla policy")?;
    let detail = format!(
        "{} {}m/{}m",
        policy.priority.as_str(),
        policy.response_minutes,
        policy.resolution_minutes
    );
    audit(
        &mut tx,
        Some(user.id),
        "update",
        "sla_policy",
        policy.priority.as_str(),
        &detail,
        now,
    )
    .await?;
    events::record(
        &mut tx,
        &NewEvent::new(Module::Maintenance, 0, 0, EventKind::Updated, now)
            .with_payload(serde_json::json!({ "sla_policy": policy.priority.as_str() })),
    )
    .await?;
    tx.commit().await.ctx("commit sla policy")?;
    svc.events.wake();
    Ok(*policy)
}

// ---------- requests ----------

async fn request_row(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Row> {
    sqlx::query(&format!("{SELECT_REQUEST} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
        .ctx("read request")?
        .ok_or_else(|| AppError::not_found(format!("Maintenance request #{id}")).into())
}

async fn fetch_request(conn: &mut sqlx::AnyConnection, id: i64, now: i64) -> Result<Request> {
    request_of(&request_row(conn, id).await?, now)
}

pub async fn get(svc: &Services, user: &CurrentUser, id: i64, now: i64) -> Result<RequestDetail> {
    user.require(Module::Maintenance, Action::View)?;
    let mut conn = svc.db.read.acquire().await.ctx("acquire")?;
    let request = fetch_request(&mut conn, id, now).await?;
    let rows = sqlx::query(
        "SELECT e.at, e.kind, e.from_status, e.to_status, u.display_name AS actor, e.note FROM maintenance_events e \
         LEFT JOIN users u ON u.id = e.actor_id WHERE e.request_id = $1 ORDER BY e.at, e.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .ctx("read timeline")?;
    let timeline = rows
        .iter()
        .map(|r| {
            let st = |c: &str| {
                r.try_get::<Option<String>, _>(c)
                    .map(|o| o.and_then(|s| Status::parse(&s)))
            };
            Ok(TimelineEvent {
                at: format_iso(r.try_get("at")?),
                kind: r.try_get("kind")?,
                from_status: st("from_status")?,
                to_status: st("to_status")?,
                actor: r.try_get("actor")?,
                note: r.try_get("note")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .ctx("decode timeline")?;
    Ok(RequestDetail { request, timeline })
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
    let mut cq = sqlx::query(&count_sql);
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
    let total: i64 = cq
        .fetch_one(&mut *conn)
        .await
        .ctx("count requests")?
        .try_get(0)
        .ctx("decode")?;
    let rows = lq
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await
        .ctx("list requests")?;
    let items = rows
        .iter()
        .map(|r| request_of(r, now))
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

#[allow(clippy::too_many_arguments)]
async fn insert_event(
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
    // The machine and the priority's SLA policy in one read, on the read pool,
    // so SQLite's single writer is held only for the writes. (A report taken
    // in the very instant its machine is retired may still be recorded.)
    let machine = sqlx::query(
        "SELECT m.active, m.code, m.name, p.response_minutes, p.resolution_minutes FROM machines m \
         LEFT JOIN sla_policies p ON p.priority = $2 WHERE m.id = $1",
    )
    .bind(new.machine_id)
    .bind(new.priority.as_str())
    .fetch_optional(&svc.db.read)
    .await
    .ctx("find machine")?
    .ok_or_else(|| AppError::field("machine_id", "no such machine"));
    let machine = match machine {
        Ok(m) if m.try_get::<i64, _>("active").ctx("decode machine")? != 0 => m,
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
    let minutes = |c: &str| machine.try_get::<Option<i64>, _>(c).ctx("decode policy");
    let policy = match (minutes("response_minutes")?, minutes("resolution_minutes")?) {
        (Some(response_minutes), Some(resolution_minutes)) => SlaPolicy {
            priority: new.priority,
            response_minutes,
            resolution_minutes,
        },
        _ => SlaPolicy::default_for(new.priority),
    };
    let (request, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        CREATE_SCOPE,
        input,
        now,
        move |mut tx: Tx| Box::pin(async move {
            let clock = SlaClock::new(now, &policy);
            let next = next_check(&clock, &BreachState::default());
            let id: i64 = sqlx::query(
                "INSERT INTO maintenance_requests (machine_id, kind, priority, title, description, status, reported_by, \
                 created_at, updated_at, response_target_ms, resolution_target_ms, next_check_at) \
                 VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $7, $8, $9, $10) RETURNING id",
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
            .fetch_one(&mut *tx)
            .await
            .ctx("insert request")?
            .try_get(0)
            .ctx("decode")?;
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
                machine_code: machine.try_get("code").ctx("decode machine")?,
                machine_name: machine.try_get("name").ctx("decode machine")?,
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
                clock,
                server_now: String::new(),
                version: 1,
            }
            .with_clock_times(now);
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TransitionInput {
    pub transition: String,
    #[serde(default)]
    pub note: String,
}

pub async fn transition(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &TransitionInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<Request> {
    let t = Transition::parse(input.transition.trim()).ok_or_else(|| {
        AppError::field(
            "transition",
            "must be acknowledge, start, wait_for_parts, resume, resolve, close or cancel",
        )
    })?;
    user.require(Module::Maintenance, t.required_action())?;
    if input.note.chars().count() > 2000 {
        return Err(AppError::field("note", "keep it under 2000 characters").into());
    }
    let scope = format!("maintenance.transition.{id}");
    let (request, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        &scope,
        input,
        now,
        move |mut tx: Tx| Box::pin(async move {
            let row = request_row(&mut tx, id).await?;
            let current = request_of(&row, now)?;
            let (mut clock, breach) = clock_of(&row)?;
            let to = t.apply(current.status)?;
            clock.on_transition(t, now);
            let next = if to.is_active() {
                next_check(&clock, &breach)
            } else {
                None
            };
            let closed_at = if to == Status::Closed {
                Some(now)
            } else {
                None
            };
            let updated = sqlx::query(
                "UPDATE maintenance_requests SET status = $1, updated_at = $2, acknowledged_at = $3, resolved_at = $4, \
                 cancelled_at = $5, paused_since = $6, paused_total_ms = $7, next_check_at = $8, \
                 closed_at = COALESCE(closed_at, $9), version = version + 1 WHERE id = $10 AND version = $11",
            )
            .bind(to.as_str())
            .bind(now)
            .bind(clock.acknowledged_at)
            .bind(clock.resolved_at)
            .bind(clock.cancelled_at)
            .bind(clock.paused_since)
            .bind(clock.paused_total_ms)
            .bind(next)
            .bind(closed_at)
            .bind(id)
            .bind(current.version)
            .execute(&mut *tx)
            .await
            .ctx("update request")?
            .rows_affected();
            if updated != 1 {
                return Err(
                    AppError::conflict("someone else changed this request at the same moment").into(),
                );
            }
            insert_event(
                &mut tx,
                id,
                now,
                t.as_str(),
                Some(current.status),
                Some(to),
                Some(user.id),
                input.note.trim(),
            )
            .await?;
            // The updated request, from what was read and written above.
            let mut request = current;
            request.status = to;
            request.clock = clock;
            request.updated_at = format_iso(now);
            request.closed_at = request.closed_at.or(closed_at.map(format_iso));
            request.version += 1;
            events::record(
                &mut tx,
                &NewEvent::new(Module::Maintenance, id, request.version, EventKind::Transitioned, now)
                    .with_payload(serde_json::json!({ "transition": t.as_str(), "to": to.as_str() })),
            )
            .await?;
            Ok((tx, request.with_clock_times(now)))
        }),
    )
    .await?;
    if fresh {
        svc.events.wake();
    }
    Ok(request)
}

/// The lease that makes one server process run the breach monitor.
pub const MONITOR_LEASE: &str = "maintenance.sla_monitor";

/// One pass of the breach monitor: records every breach and escalation that
/// is due at `now`, dated when it happened. Safe to run from several places:
/// each request is updated only if nobody changed it meanwhile.
pub async fn monitor_tick(svc: &Services, now: i64) -> Result<usize> {
    let ids: Vec<i64> = sqlx::query("SELECT id FROM maintenance_requests WHERE next_check_at <= $1 ORDER BY next_check_at LIMIT 500")
        .bind(now)
        .fetch_all(&svc.db.read)
        .await
        .ctx("find due requests")?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<_, _>>()
        .ctx("decode")?;
    let mut recorded = 0;
    for id in ids {
        let mut tx = svc.db.begin().await?;
        let row = request_row(&mut tx, id).await?;
        let (clock, mut breach) = clock_of(&row)?;
        let version: i64 = row.try_get("version").ctx("decode")?;
        let status = Status::parse(&row.try_get::<String, _>("status").ctx("decode")?)
            .unwrap_or(Status::Open);
        let events = if status.is_active() {
            evaluate(&clock, &breach, now)
        } else {
            vec![]
        };
        let mut log = Vec::with_capacity(events.len());
        for ev in &events {
            let (at, kind, note) = match *ev {
                SlaEvent::ResponseBreached { at } => {
                    breach.response_breached_at = Some(at);
                    (at, "breach", "Response SLA breached".to_string())
                }
                SlaEvent::ResolutionBreached { at } => {
                    breach.resolution_breached_at = Some(at);
                    (at, "breach", "Resolution SLA breached".to_string())
                }
                SlaEvent::Escalated { level, at } => {
                    breach.escalation_level = breach.escalation_level.max(level);
                    let owner = domain::maintenance::escalation_owner(level);
                    (
                        at,
                        "escalation",
                        format!("Escalated to level {level}: {owner}"),
                    )
                }
            };
            insert_event(&mut tx, id, at, kind, None, None, None, &note).await?;
            let logged = if kind == "breach" {
                EventKind::Breached
            } else {
                EventKind::Escalated
            };
            log.push(
                NewEvent::new(Module::Maintenance, id, version + 1, logged, now)
                    .with_payload(serde_json::json!({ "note": note, "at": at })),
            );
        }
        let next = if status.is_active() {
            next_check(&clock, &breach)
        } else {
            None
        };
        let bump = if events.is_empty() { 0 } else { 1 };
        let updated = sqlx::query(
            "UPDATE maintenance_requests SET response_breached_at = $1, resolution_breached_at = $2, \
             escalation_level = $3, next_check_at = $4, version = version + $5 WHERE id = $6 AND version = $7",
        )
        .bind(breach.response_breached_at)
        .bind(breach.resolution_breached_at)
        .bind(breach.escalation_level as i64)
        .bind(next)
        .bind(bump)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .ctx("record breach")?
        .rows_affected();
        if updated != 1 {
            // Changed under us; the next tick sees the new state.
            tx.rollback().await.ctx("rollback")?;
            continue;
        }
        // Last, after the request's row lock (see `events`).
        for ev in &log {
            events::record(&mut tx, ev).await?;
        }
        tx.commit().await.ctx("commit breach")?;
        if !events.is_empty() {
            recorded += events.len();
            svc.events.wake();
        }
    }
    Ok(recorded)
}

/// Runs the monitor forever, every `interval`, in the one server process
/// that holds its lease (several may share a PostgreSQL database). Because
/// deadlines are stored, a restart or a takeover simply catches up on the
/// first tick.
pub async fn run_monitor(svc: Services, interval: std::time::Duration) {
    let lease = crate::lease::Lease::new(
        MONITOR_LEASE,
        (interval * 10).max(std::time::Duration::from_secs(5)),
    );
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let now = crate::now_ms();
        match lease.acquire(&svc.db, now).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "maintenance SLA monitor could not take its lease");
                continue;
            }
        }
        match monitor_tick(&svc, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(events = n, "maintenance SLA monitor recorded breaches"),
            Err(e) => tracing::warn!(error = %e, "maintenance SLA monitor pass failed"),
        }
    }
}
