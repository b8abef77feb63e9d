//! The Kanban board: the jobs of released and running orders by state
//! (the last finished and cancelled ones only), filtered by work centre and
//! order; a dropped card is the one step that leads to its new column,
//! taken through `tasks::step` (permissions, versions, labour, the plan).

use super::plan::offset_now;
use super::rows::jobs_where;
use super::tasks;
use crate::error::{DbContext, Result};
use crate::Services;
use domain::auth::CurrentUser;
use domain::master::Code;
use domain::perm::{Action, Module};
use domain::ppic::{
    step_for_drop, JobView, KanbanBoard, KanbanColumn, KanbanMoveInput, TaskStatus, TaskStepInput,
};
use domain::AppError;

/// Finished and cancelled cards shown, the most recent first.
pub const DONE_SHOWN: usize = 50;

pub async fn board(
    svc: &Services,
    user: &CurrentUser,
    work_centre: Option<&str>,
    order: Option<i64>,
    now: i64,
) -> Result<KanbanBoard> {
    user.require(Module::Ppic, Action::View)?;
    let mut c = svc.db.read.acquire().await.ctx("acquire connection")?;
    let wc = match work_centre.map(str::trim).filter(|s| !s.is_empty()) {
        None => 0,
        Some(code) => {
            let code = Code::parse("work_centre", code)?.into_string();
            sqlx::query_scalar::<_, i64>("SELECT id FROM work_centres WHERE code = $1")
                .bind(&code)
                .fetch_optional(&mut *c)
                .await
                .ctx("find work centre")?
                .ok_or_else(|| AppError::field("work_centre", "no work centre has this code"))?
        }
    };
    let order = order.unwrap_or(0);
    if order < 0 {
        return Err(AppError::field("order", "must be an order's id").into());
    }
    let jobs = jobs_where(
        &mut c,
        "o.status IN ('released', 'in_progress', 'completed') AND ($1 = 0 OR j.work_centre_id = $1) \
         AND ($2 = 0 OR j.mo_id = $2 OR o.parent_id = $2)",
        &[wc, order],
        offset_now(svc.config.plant_time_zone, now),
    )
    .await?;
    let mut columns: Vec<KanbanColumn> = TaskStatus::ALL
        .iter()
        .map(|s| KanbanColumn {
            status: *s,
            label: s.label().to_string(),
            jobs: vec![],
        })
        .collect();
    for j in jobs {
        if let Some(col) = columns.iter_mut().find(|c| c.status == j.status) {
            col.jobs.push(j);
        }
    }
    for col in &mut columns {
        let key = |j: &JobView| (j.planned_start.unwrap_or(i64::MAX), j.id);
        col.jobs.sort_by_key(key);
        if matches!(col.status, TaskStatus::Completed | TaskStatus::Cancelled) {
            col.jobs.reverse();
            col.jobs.truncate(DONE_SHOWN);
        }
    }
    Ok(KanbanBoard { columns })
}

/// A card dropped in another column.
pub async fn drop_card(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &KanbanMoveInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<JobView> {
    user.require(Module::Ppic, Action::View)?;
    let to = TaskStatus::parse(input.to.trim()).ok_or_else(|| {
        AppError::field(
            "to",
            "must be draft, approved, in_progress, on_hold, completed or cancelled",
        )
    })?;
    let (status, version): (String, i64) = {
        let mut c = svc.db.read.acquire().await.ctx("acquire connection")?;
        sqlx::query_as("SELECT status, version FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *c)
            .await
            .ctx("read job")?
            .ok_or_else(|| AppError::not_found(format!("Job {id}")))?
    };
    let from = TaskStatus::try_from(status).map_err(|_| AppError::Internal)?;
    let action = step_for_drop(from, to)?;
    let step = TaskStepInput {
        version: Some(input.version.unwrap_or(version)),
        ..TaskStepInput::default()
    };
    tasks::step(svc, user, id, action.as_str(), &step, idem_key, now).await
}
