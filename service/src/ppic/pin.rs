//! Lifting a Gantt pin: a job dragged by hand stays where it was put
//! until a planner lets the plan decide again; then the floor is planned
//! afresh and the job (and whatever waits for it) takes its planned place.

use super::plan::{lock_plan, offset_now, replan};
use super::tasks::one_job;
use crate::audit::audit;
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::events::{self, NewEvent};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::perm::{Action, Module};
use domain::ppic::{JobView, TaskStatus, UnpinInput};
use domain::AppError;

/// Unpins job `id` and re-plans; answers the job at its new place.
pub async fn unpin(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &UnpinInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<JobView> {
    user.require(Module::Ppic, Action::Approve)?;
    let seen = input.parse()?;
    let tz = svc.config.plant_time_zone;
    let (job, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        &format!("ppic.job.unpin.{id}"),
        input,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                lock_plan(&mut tx).await?;
                let (status, version, pinned, mo_id): (String, i64, i64, i64) = sqlx::query_as(
                    "SELECT status, version, pinned, mo_id FROM jobs WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .ctx("read job")?
                .ok_or_else(|| AppError::not_found(format!("Job {id}")))?;
                let status = TaskStatus::try_from(status).map_err(|_| AppError::Internal)?;
                if seen.is_some_and(|v| v != version) {
                    return Err(AppError::conflict(format!(
                        "job {id} was changed since you saw it; look again"
                    ))
                    .into());
                }
                if pinned == 0 {
                    return Err(AppError::conflict(format!(
                        "job {id} is not pinned; the plan already decides its time"
                    ))
                    .into());
                }
                if !status.is_movable() {
                    return Err(AppError::conflict(format!(
                        "job {id} is {}; its time is no longer planned",
                        status.label().to_lowercase()
                    ))
                    .into());
                }
                sqlx::query(
                    "UPDATE jobs SET pinned = 0, version = version + 1, updated_at = $1 WHERE id = $2",
                )
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await
                .ctx("unpin job")?;
                let moved = replan(&mut tx, tz, now).await?;
                audit(
                    &mut tx,
                    Some(user.id),
                    "ppic.job.unpin",
                    "job",
                    &id.to_string(),
                    &format!("job {id}: pin lifted; {moved} job(s) re-planned"),
                    now,
                )
                .await?;
                events::record(
                    &mut tx,
                    &NewEvent::new(Module::Ppic, id, version + 1, EventKind::Updated, now)
                        .with_payload(serde_json::json!({
                            "entity": "job",
                            "mo_id": mo_id,
                            "unpinned": true,
                        })),
                )
                .await?;
                let job = one_job(&mut tx, id, offset_now(tz, now)).await?;
                Ok((tx, job))
            })
        },
    )
    .await?;
    if fresh {
        svc.events.wake();
    }
    Ok(job)
}
