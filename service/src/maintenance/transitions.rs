//! Moving a request along its lifecycle.

use super::rows::{insert_event, request_row, RequestRow};
use super::window::{follow_plan, takes_capacity};
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::events::{self, NewEvent};
use crate::ppic::lock_plan;
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::maintenance::{next_check, Request, Status, Transition};
use domain::perm::Module;
use domain::time::format_iso;
use domain::AppError;
use serde::{Deserialize, Serialize};

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
    // Resolving or cancelling gives the machine's capacity back: the plan
    // follows in the same transaction, which takes the plan's lock first.
    let leaves = matches!(t, Transition::Resolve | Transition::Cancel);
    let tz = svc.config.plant_time_zone;
    let (request, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        &scope,
        input,
        now,
        move |mut tx: Tx| Box::pin(async move {
            if leaves {
                lock_plan(&mut tx).await?;
            }
            let row = RequestRow::decode(&request_row(&mut tx, id).await?)?;
            let (mut clock, breach) = (row.clock(), row.breach());
            let centre = row
                .work_centre_id
                .filter(|_| takes_capacity(row.kind, row.planned_start));
            let current = row.into_request(now);
            let to = t.apply(current.status)?;
            let current_active = current.status.is_active();
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
            if current_active && !to.is_active() {
                follow_plan(&mut tx, tz, now, centre, (id, request.version)).await?;
            }
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
