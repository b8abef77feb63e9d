//! A job's steps (approve, start, pause, resume, complete, cancel), one at a
//! time or many in a batch that applies all or nothing, and operators
//! clocking on and off. Each step checks the job's state on the server
//! (`domain::ppic::TaskAction::apply`; a refused step is a 409 naming the
//! state and the allowed steps) and its version, records the move (who,
//! when, from, to), keeps the labour entries, moves the order along
//! (released → in progress at the first start, completed when every job is
//! done), plans the floor again, and writes its audit entry and event in
//! the same transaction.

use super::plan::{lock_plan, offset_now, replan};
use super::rows::jobs_where;
use crate::audit::audit;
use crate::db::Tx;
use crate::error::{DbContext, Result, ServiceError};
use crate::events::{self, NewEvent};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::master::Qty;
use domain::perm::{Action, Module};
use domain::ppic::{
    parse_note, parse_reports, BatchInput, JobView, QtyReport, TaskAction, TaskStatus,
    TaskStepInput,
};
use domain::AppError;

type JobState = (String, i64, i64, i64);

/// One step as checked: on job `id`, decided on its `version` if given.
struct Step<'a> {
    id: i64,
    action: TaskAction,
    reports: &'a [QtyReport],
    note: &'a str,
    version: Option<i64>,
}

/// Applies a step in `tx` (the caller checked the permission).
async fn step_in_tx(tx: &mut Tx, user: &CurrentUser, s: &Step<'_>, now: i64) -> Result<()> {
    let Step {
        id,
        action,
        reports,
        note,
        version,
    } = *s;
    let (status, current, mo_id, _qty): JobState =
        sqlx::query_as("SELECT status, version, mo_id, qty_millionths FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await
            .ctx("read job")?
            .ok_or_else(|| AppError::not_found(format!("Job {id}")))?;
    let from = TaskStatus::try_from(status).map_err(|_| AppError::Internal)?;
    if version.is_some_and(|v| v != current) {
        return Err(AppError::conflict(format!(
            "job {id} was changed since you saw it (it is {} now)",
            from.as_str()
        ))
        .into());
    }
    let to = action.apply(from)?;
    if !reports.is_empty() && action != TaskAction::Complete {
        return Err(AppError::field("quantities", "only a completion reports quantities").into());
    }
    if matches!(action, TaskAction::Start | TaskAction::Resume) {
        let mo_status: String =
            sqlx::query_scalar("SELECT status FROM manufacturing_orders WHERE id = $1")
                .bind(mo_id)
                .fetch_one(&mut **tx)
                .await
                .ctx("read order status")?;
        if !matches!(mo_status.as_str(), "released" | "in_progress") {
            return Err(AppError::conflict(format!(
                "cannot {}: its order is {mo_status}",
                action.as_str()
            ))
            .into());
        }
    }
    let starting = action == TaskAction::Start;
    let ending = matches!(to, TaskStatus::Completed | TaskStatus::Cancelled);
    let updated = sqlx::query(
        "UPDATE jobs SET status = $1, version = version + 1, updated_at = $2, \
         actual_start = CASE WHEN $3 = 1 AND actual_start IS NULL THEN $2 ELSE actual_start END, \
         actual_end = CASE WHEN $4 = 1 THEN $2 ELSE actual_end END \
         WHERE id = $5 AND version = $6",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(starting as i64)
    .bind(ending as i64)
    .bind(id)
    .bind(current)
    .execute(&mut **tx)
    .await
    .ctx("move job")?
    .rows_affected();
    if updated != 1 {
        return Err(AppError::conflict(format!(
            "job {id} was changed by someone else at the same moment"
        ))
        .into());
    }
    sqlx::query(
        "INSERT INTO job_moves (job_id, action, from_status, to_status, actor_id, at, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(action.as_str())
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(user.id)
    .bind(now)
    .bind(note)
    .execute(&mut **tx)
    .await
    .ctx("record job move")?;
    match to {
        TaskStatus::InProgress => clock_on(tx, id, user.id, now).await?,
        TaskStatus::OnHold | TaskStatus::Completed | TaskStatus::Cancelled => {
            clock_off(tx, id, None, now).await?;
        }
        TaskStatus::Draft | TaskStatus::Approved => {}
    }
    if action == TaskAction::Complete {
        report_in_tx(tx, user, id, reports, now).await?;
    }
    follow_order(tx, mo_id, now).await?;
    audit(
        tx,
        Some(user.id),
        &format!("ppic.job.{}", action.as_str()),
        "job",
        &id.to_string(),
        &format!("job {id}: {} → {}", from.as_str(), to.as_str()),
        now,
    )
    .await?;
    events::record(
        tx,
        &NewEvent::new(Module::Ppic, id, current + 1, EventKind::Transitioned, now).with_payload(
            serde_json::json!({
                "entity": "job",
                "mo_id": mo_id,
                "transition": action.as_str(),
                "from": from.as_str(),
                "to": to.as_str(),
            }),
        ),
    )
    .await?;
    Ok(())
}

/// Opens a labour entry for `user` on the job, unless one is open (the
/// partial unique index decides, so a racing clock-on adds nothing).
async fn clock_on(tx: &mut Tx, job: i64, user: i64, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO labour_entries (job_id, user_id, started_at) VALUES ($1, $2, $3) \
         ON CONFLICT (job_id, user_id) WHERE ended_at IS NULL DO NOTHING",
    )
    .bind(job)
    .bind(user)
    .bind(now)
    .execute(&mut **tx)
    .await
    .ctx("clock on")?;
    Ok(())
}

/// Closes the open labour entries on the job (of `user` only, if given);
/// returns how many.
async fn clock_off(tx: &mut Tx, job: i64, user: Option<i64>, now: i64) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE labour_entries SET ended_at = $1 WHERE job_id = $2 AND ended_at IS NULL \
         AND ($3 IS NULL OR user_id = $3)",
    )
    .bind(now)
    .bind(job)
    .bind(user)
    .execute(&mut **tx)
    .await
    .ctx("clock off")?
    .rows_affected())
}

/// Records good and scrap per variant; the totals may not pass the job's
/// quantity of that variant.
async fn report_in_tx(
    tx: &mut Tx,
    user: &CurrentUser,
    job: i64,
    reports: &[QtyReport],
    now: i64,
) -> Result<()> {
    for (i, r) in reports.iter().enumerate() {
        if r.good == Qty::ZERO && r.scrap == Qty::ZERO {
            continue;
        }
        let row: Option<(i64, i64, i64)> = sqlx::query_as(
            "SELECT qty_millionths, good_millionths, scrap_millionths FROM job_variants \
             WHERE job_id = $1 AND variant_key = $2",
        )
        .bind(job)
        .bind(&r.variant)
        .fetch_optional(&mut **tx)
        .await
        .ctx("read job variant")?;
        let at = |f: &str| format!("quantities[{i}].{f}");
        let (qty, good, scrap) = row.ok_or_else(|| {
            AppError::field(&at("variant"), "this job does not make this variant")
        })?;
        let too_large = || AppError::field(&at("good"), "is too large");
        let good = good
            .checked_add(r.good.millionths())
            .ok_or_else(too_large)?;
        let scrap = scrap
            .checked_add(r.scrap.millionths())
            .ok_or_else(too_large)?;
        if good.checked_add(scrap).is_none_or(|total| total > qty) {
            return Err(AppError::field(
                &at("good"),
                format!(
                    "good and scrap together would pass the job's {} for this variant",
                    Qty::from_millionths(qty)
                ),
            )
            .into());
        }
        sqlx::query(
            "UPDATE job_variants SET good_millionths = $1, scrap_millionths = $2 WHERE job_id = $3 AND variant_key = $4",
        )
        .bind(good)
        .bind(scrap)
        .bind(job)
        .bind(&r.variant)
        .execute(&mut **tx)
        .await
        .ctx("add to job variant")?;
        sqlx::query(
            "INSERT INTO job_reports (job_id, variant_key, good_millionths, scrap_millionths, actor_id, at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(job)
        .bind(&r.variant)
        .bind(r.good.millionths())
        .bind(r.scrap.millionths())
        .bind(user.id)
        .bind(now)
        .execute(&mut **tx)
        .await
        .ctx("record quantities")?;
    }
    sqlx::query(
        "UPDATE jobs SET good_millionths = (SELECT COALESCE(SUM(good_millionths), 0) FROM job_variants WHERE job_id = $1), \
         scrap_millionths = (SELECT COALESCE(SUM(scrap_millionths), 0) FROM job_variants WHERE job_id = $1) WHERE id = $1",
    )
    .bind(job)
    .execute(&mut **tx)
    .await
    .ctx("total job quantities")?;
    Ok(())
}

/// Moves the order along with its jobs: in progress once a job has
/// started; completed once every job is completed or cancelled (its good
/// and scrap are its last operation's).
async fn follow_order(tx: &mut Tx, mo_id: i64, now: i64) -> Result<()> {
    let (open, started): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN status IN ('completed', 'cancelled') THEN 0 ELSE 1 END), 0), \
         COALESCE(SUM(CASE WHEN actual_start IS NULL THEN 0 ELSE 1 END), 0) FROM jobs WHERE mo_id = $1",
    )
    .bind(mo_id)
    .fetch_one(&mut **tx)
    .await
    .ctx("count order's open jobs")?;
    if started > 0 {
        sqlx::query(
            "UPDATE manufacturing_orders SET status = 'in_progress', started_at = $1, updated_at = $1, \
             version = version + 1 WHERE id = $2 AND status = 'released'",
        )
        .bind(now)
        .bind(mo_id)
        .execute(&mut **tx)
        .await
        .ctx("start order")?;
    }
    if open == 0 {
        sqlx::query(
            "UPDATE manufacturing_orders SET status = 'completed', completed_at = $1, updated_at = $1, \
             version = version + 1, \
             good_millionths = COALESCE((SELECT good_millionths FROM jobs WHERE mo_id = $2 AND status = 'completed' ORDER BY seq DESC LIMIT 1), 0), \
             scrap_millionths = COALESCE((SELECT SUM(scrap_millionths) FROM jobs WHERE mo_id = $2), 0) \
             WHERE id = $2 AND status IN ('released', 'in_progress')",
        )
        .bind(now)
        .bind(mo_id)
        .execute(&mut **tx)
        .await
        .ctx("complete order")?;
    }
    Ok(())
}

/// One step on one job; answers the job as it is after the step.
pub async fn step(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    action: &str,
    input: &TaskStepInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<JobView> {
    let action = TaskAction::parse("action", action.trim())?;
    user.require(Module::Ppic, action.permission())?;
    let reports = parse_reports("", &input.quantities)?;
    let note = parse_note("note", &input.note)?;
    let tz = svc.config.plant_time_zone;
    let (job, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        &format!("ppic.job.{}.{id}", action.as_str()),
        input,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                lock_plan(&mut tx).await?;
                let s = Step {
                    id,
                    action,
                    reports: &reports,
                    note: &note,
                    version: input.version,
                };
                step_in_tx(&mut tx, user, &s, now).await?;
                replan(&mut tx, tz, now).await?;
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

pub(super) async fn one_job(tx: &mut Tx, id: i64, offset: i32) -> Result<JobView> {
    jobs_where(tx, "j.id = $1", &[id], offset)
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found(format!("Job {id}")).into())
}

/// Names the batch item an error came from: a field error's field gets
/// `items[i].` before it, other messages say `items[i] (job N)`.
fn in_item(i: usize, job: i64, e: ServiceError) -> ServiceError {
    match e.into_app() {
        AppError::Invalid(f) => AppError::field(&format!("items[{i}].{}", f.field), f.message),
        AppError::Conflict { message } => {
            AppError::conflict(format!("items[{i}] (job {job}): {message}"))
        }
        AppError::NotFound { what } => AppError::not_found(format!("items[{i}]: {what}")),
        other => other,
    }
    .into()
}

/// Many steps in order, in one transaction: every step is applied, or
/// none (the answer names the item that failed and why).
pub async fn batch(
    svc: &Services,
    user: &CurrentUser,
    input: &BatchInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<Vec<JobView>> {
    let steps = input.parse()?;
    for s in &steps {
        user.require(Module::Ppic, s.action.permission())?;
    }
    let tz = svc.config.plant_time_zone;
    let (jobs, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        "ppic.job.batch",
        input,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                lock_plan(&mut tx).await?;
                for (i, s) in steps.iter().enumerate() {
                    let one = Step {
                        id: s.id,
                        action: s.action,
                        reports: &s.reports,
                        note: "",
                        version: s.version,
                    };
                    step_in_tx(&mut tx, user, &one, now)
                        .await
                        .map_err(|e| in_item(i, s.id, e))?;
                }
                replan(&mut tx, tz, now).await?;
                let offset = offset_now(tz, now);
                let mut ids: Vec<i64> = Vec::with_capacity(steps.len());
                for s in &steps {
                    if !ids.contains(&s.id) {
                        ids.push(s.id);
                    }
                }
                let mut out = Vec::with_capacity(ids.len());
                for id in ids {
                    out.push(one_job(&mut tx, id, offset).await?);
                }
                Ok((tx, out))
            })
        },
    )
    .await?;
    if fresh {
        svc.events.wake();
    }
    Ok(jobs)
}

/// An operator clocks on to a running job (several may work one job, and
/// one operator several jobs), or off it.
pub async fn clock(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    on: bool,
    idem_key: Option<&str>,
    now: i64,
) -> Result<JobView> {
    user.require(Module::Ppic, Action::Update)?;
    let tz = svc.config.plant_time_zone;
    let what = if on { "clock_on" } else { "clock_off" };
    let (job, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        &format!("ppic.job.{what}.{id}"),
        &id,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                // One at a time with the steps, so a pause cannot slip in
                // between the check and the clock-on.
                lock_plan(&mut tx).await?;
                let (status, version): (String, i64) =
                    sqlx::query_as("SELECT status, version FROM jobs WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await
                        .ctx("read job")?
                        .ok_or_else(|| AppError::not_found(format!("Job {id}")))?;
                if on {
                    if status != TaskStatus::InProgress.as_str() {
                        return Err(AppError::conflict(format!(
                            "cannot clock on: job is {status}; start or resume it first"
                        ))
                        .into());
                    }
                    clock_on(&mut tx, id, user.id, now).await?;
                } else if clock_off(&mut tx, id, Some(user.id), now).await? == 0 {
                    return Err(
                        AppError::conflict("cannot clock off: you are not on this job").into(),
                    );
                }
                audit(
                    &mut tx,
                    Some(user.id),
                    &format!("ppic.job.{what}"),
                    "job",
                    &id.to_string(),
                    &format!("job {id}"),
                    now,
                )
                .await?;
                events::record(
                    &mut tx,
                    &NewEvent::new(Module::Ppic, id, version, EventKind::Updated, now)
                        .with_payload(serde_json::json!({"entity": "job", "labour": what})),
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
