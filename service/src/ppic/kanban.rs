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
    kanban_limit, step_for_drop, JobView, KanbanBoard, KanbanColumn, KanbanMoveInput, KanbanOrder,
    TaskStatus, TaskStepInput,
};
use domain::AppError;

/// The board: every job of released, running and finished orders matching
/// the filters is counted; each column lists its first `limit` (see
/// [`kanban_limit`]).
pub async fn board(
    svc: &Services,
    user: &CurrentUser,
    work_centre: Option<&str>,
    order: Option<i64>,
    limit: Option<i64>,
    now: i64,
) -> Result<KanbanBoard> {
    user.require(Module::Ppic, Action::View)?;
    kanban_limit(limit, TaskStatus::Draft)?;
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
        &format!("{ON_BOARD} AND ($1 = 0 OR j.work_centre_id = $1) AND ($2 = 0 OR j.mo_id = $2 OR o.parent_id = $2)"),
        &[wc, order],
        offset_now(svc.config.plant_time_zone, now),
    )
    .await?;
    let mut columns = Vec::with_capacity(TaskStatus::ALL.len());
    for s in TaskStatus::ALL {
        columns.push(KanbanColumn {
            status: s,
            label: s.label().to_string(),
            jobs: vec![],
            total: 0,
            late: 0,
        });
    }
    for j in jobs {
        if let Some(col) = columns.iter_mut().find(|c| c.status == j.status) {
            col.total += 1;
            col.late += u32::from(j.late);
            col.jobs.push(j);
        }
    }
    for col in &mut columns {
        let key = |j: &JobView| (j.planned_start.unwrap_or(i64::MAX), j.id);
        col.jobs.sort_unstable_by_key(key);
        if col.status.is_final() {
            col.jobs.reverse();
        }
        col.jobs.truncate(kanban_limit(limit, col.status)?);
    }
    let work_centres = sqlx::query_scalar::<_, String>(&format!(
        "SELECT DISTINCT w.code FROM jobs j JOIN manufacturing_orders o ON o.id = j.mo_id \
         JOIN work_centres w ON w.id = j.work_centre_id WHERE {ON_BOARD} ORDER BY w.code"
    ))
    .fetch_all(&mut *c)
    .await
    .ctx("read board work centres")?;
    let orders = sqlx::query_as::<_, (i64, String)>(
        "SELECT id, number FROM manufacturing_orders \
         WHERE status IN ('released', 'in_progress') OR id = $1 ORDER BY number",
    )
    .bind(order)
    .fetch_all(&mut *c)
    .await
    .ctx("read board orders")?;
    Ok(KanbanBoard {
        columns,
        work_centres,
        orders: orders
            .into_iter()
            .map(|(id, number)| KanbanOrder { id, number })
            .collect(),
    })
}

/// The jobs a board shows (of orders `o`).
const ON_BOARD: &str = "o.status IN ('released', 'in_progress', 'completed')";

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
