//! The maintenance tables' row types and the repository functions the use
//! cases share. Enum columns decode through `TryFrom<String>`: an unknown
//! value fails the read with `sqlx::Error::ColumnDecode` (logged, answered
//! 500) instead of becoming a default.

use crate::db::{Row, Tx};
use crate::error::{DbContext, Result};
use crate::rows::Flag;
use domain::maintenance::{
    BreachState, Kind, Machine, Priority, Request, SlaClock, SlaPolicy, Status, TimelineEvent,
    TIMELINE_KINDS,
};
use domain::time::format_iso;
use domain::{AppError, UnknownValue};
use sqlx::FromRow;

pub(super) const SELECT_REQUEST: &str = "SELECT r.id, r.machine_id, m.code AS machine_code, m.name AS machine_name, r.kind, \
    r.priority, r.title, r.description, r.status, u.display_name AS reported_by, r.created_at, r.updated_at, \
    r.response_target_ms, r.resolution_target_ms, r.acknowledged_at, r.resolved_at, r.closed_at, r.cancelled_at, \
    r.paused_since, r.paused_total_ms, r.response_breached_at, r.resolution_breached_at, r.escalation_level, r.version, \
    r.planned_start, r.estimated_minutes, m.work_centre_id \
    FROM maintenance_requests r JOIN machines m ON m.id = r.machine_id JOIN users u ON u.id = r.reported_by";

/// A `maintenance_requests` row with its machine and reporter, as
/// [`SELECT_REQUEST`] reads it.
#[derive(Debug, Clone, FromRow)]
pub(super) struct RequestRow {
    pub id: i64,
    pub machine_id: i64,
    pub machine_code: String,
    pub machine_name: String,
    #[sqlx(try_from = "String")]
    pub kind: Kind,
    #[sqlx(try_from = "String")]
    pub priority: Priority,
    pub title: String,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub status: Status,
    pub reported_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub response_target_ms: i64,
    pub resolution_target_ms: i64,
    pub acknowledged_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub cancelled_at: Option<i64>,
    pub paused_since: Option<i64>,
    pub paused_total_ms: i64,
    pub response_breached_at: Option<i64>,
    pub resolution_breached_at: Option<i64>,
    #[sqlx(try_from = "i64")]
    pub escalation_level: u8,
    pub version: i64,
    pub planned_start: Option<i64>,
    pub estimated_minutes: Option<i64>,
    /// The machine's work centre, whose capacity the request may take.
    pub work_centre_id: Option<i64>,
}

impl RequestRow {
    pub fn decode(row: &Row) -> Result<RequestRow> {
        RequestRow::from_row(row).ctx("decode request")
    }

    pub fn clock(&self) -> SlaClock {
        SlaClock {
            created_at: self.created_at,
            response_target_ms: self.response_target_ms,
            resolution_target_ms: self.resolution_target_ms,
            acknowledged_at: self.acknowledged_at,
            resolved_at: self.resolved_at,
            paused_since: self.paused_since,
            paused_total_ms: self.paused_total_ms,
            cancelled_at: self.cancelled_at,
        }
    }

    pub fn breach(&self) -> BreachState {
        BreachState {
            response_breached_at: self.response_breached_at,
            resolution_breached_at: self.resolution_breached_at,
            escalation_level: self.escalation_level,
        }
    }

    pub fn into_request(self, now: i64) -> Request {
        let clock = self.clock();
        Request {
            id: self.id,
            machine_id: self.machine_id,
            machine_code: self.machine_code,
            machine_name: self.machine_name,
            kind: self.kind,
            priority: self.priority,
            title: self.title,
            description: self.description,
            status: self.status,
            reported_by: self.reported_by,
            created_at: format_iso(self.created_at),
            updated_at: format_iso(self.updated_at),
            response_due_at: String::new(),
            resolution_due_at: String::new(),
            acknowledged_at: None,
            resolved_at: None,
            closed_at: self.closed_at.map(format_iso),
            response_breached_at: self.response_breached_at.map(format_iso),
            resolution_breached_at: self.resolution_breached_at.map(format_iso),
            escalation_level: self.escalation_level,
            planned_start: self.planned_start.map(format_iso),
            estimated_minutes: self.estimated_minutes,
            clock,
            server_now: String::new(),
            version: self.version,
        }
        .with_clock_times(now)
    }
}

/// A `maintenance_events` row with its actor's name.
#[derive(Debug, Clone, FromRow)]
pub(super) struct TimelineRow {
    pub at: i64,
    #[sqlx(try_from = "String")]
    pub kind: TimelineKind,
    #[sqlx(try_from = "Option<String>")]
    pub from_status: StatusOrNone,
    #[sqlx(try_from = "Option<String>")]
    pub to_status: StatusOrNone,
    pub actor: Option<String>,
    pub note: String,
}

impl From<TimelineRow> for TimelineEvent {
    fn from(r: TimelineRow) -> Self {
        TimelineEvent {
            at: format_iso(r.at),
            kind: r.kind.0,
            from_status: r.from_status.0,
            to_status: r.to_status.0,
            actor: r.actor,
            note: r.note,
        }
    }
}

/// A timeline kind: one of [`TIMELINE_KINDS`].
#[derive(Debug, Clone)]
pub(super) struct TimelineKind(pub String);

impl TryFrom<String> for TimelineKind {
    type Error = UnknownValue;
    fn try_from(value: String) -> Result<Self, UnknownValue> {
        if TIMELINE_KINDS.contains(&value.as_str()) {
            Ok(TimelineKind(value))
        } else {
            Err(UnknownValue {
                what: "timeline kind",
                value,
            })
        }
    }
}

/// A nullable status column.
#[derive(Debug, Clone, Copy)]
pub(super) struct StatusOrNone(pub Option<Status>);

impl TryFrom<Option<String>> for StatusOrNone {
    type Error = UnknownValue;
    fn try_from(value: Option<String>) -> Result<Self, UnknownValue> {
        value.map(Status::try_from).transpose().map(StatusOrNone)
    }
}

/// A `machines` row with its work centre's name.
#[derive(Debug, Clone, FromRow)]
pub(super) struct MachineRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub work_centre: String,
    #[sqlx(try_from = "i64")]
    pub active: Flag,
}

impl From<MachineRow> for Machine {
    fn from(r: MachineRow) -> Self {
        Machine {
            id: r.id,
            code: r.code,
            name: r.name,
            work_centre: r.work_centre,
            active: r.active.0,
        }
    }
}

/// An `sla_policies` row.
#[derive(Debug, Clone, FromRow)]
pub(super) struct SlaPolicyRow {
    #[sqlx(try_from = "String")]
    pub priority: Priority,
    pub response_minutes: i64,
    pub resolution_minutes: i64,
}

impl From<SlaPolicyRow> for SlaPolicy {
    fn from(r: SlaPolicyRow) -> Self {
        SlaPolicy {
            priority: r.priority,
            response_minutes: r.response_minutes,
            resolution_minutes: r.resolution_minutes,
        }
    }
}

/// The machine a report is for, with its priority's SLA policy if one is set.
#[derive(Debug, Clone, FromRow)]
pub(super) struct ReportTargetRow {
    #[sqlx(try_from = "i64")]
    pub active: Flag,
    pub code: String,
    pub name: String,
    pub work_centre_id: Option<i64>,
    pub response_minutes: Option<i64>,
    pub resolution_minutes: Option<i64>,
}

/// The raw row of one request, or not found. Decoding is separate
/// ([`RequestRow::decode`]) so the monitor can skip a corrupt row.
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
    Ok(RequestRow::decode(&request_row(conn, id).await?)?.into_request(now))
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
