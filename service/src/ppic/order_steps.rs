//! A manufacturing order's own steps: close a completed order (its cost is
//! settled), or cancel one not started yet — with its jobs and the child
//! orders made for it, whose capacity goes back to the plan. Release has
//! its own use case (`release.rs`); start and complete follow the jobs.

use super::plan::{lock_plan, offset_now, replan};
use super::rows::load_detail;
use crate::audit::audit;
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::events::{self, NewEvent};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::perm::Module;
use domain::ppic::{MoAction, MoDetail, MoStatus};
use domain::AppError;

/// Cancels order `id` (checked by the caller) and, depth first, its child
/// orders and every job of them not finished.
async fn cancel_tree(tx: &mut Tx, id: i64, actor: i64, now: i64) -> Result<()> {
    let mut todo = vec![id];
    while let Some(mo) = todo.pop() {
        // Each job's move recorded, as a step of its own would be.
        sqlx::query(
            "INSERT INTO job_moves (job_id, action, from_status, to_status, actor_id, at, note) \
             SELECT id, 'cancel', status, 'cancelled', $1, $2, 'its order was cancelled' FROM jobs \
             WHERE mo_id = $3 AND status IN ('draft', 'approved')",
        )
        .bind(actor)
        .bind(now)
        .bind(mo)
        .execute(&mut **tx)
        .await
        .ctx("record job moves")?;
        sqlx::query(
            "UPDATE jobs SET status = 'cancelled', actual_end = $1, updated_at = $1, version = version + 1 \
             WHERE mo_id = $2 AND status IN ('draft', 'approved')",
        )
        .bind(now)
        .bind(mo)
        .execute(&mut **tx)
        .await
        .ctx("cancel jobs")?;
        sqlx::query(
            "UPDATE manufacturing_orders SET status = 'cancelled', cancelled_at = $1, updated_at = $1, \
             version = version + 1 WHERE id = $2 AND status IN ('draft', 'released')",
        )
        .bind(now)
        .bind(mo)
        .execute(&mut **tx)
        .await
        .ctx("cancel order")?;
        let children: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM manufacturing_orders WHERE parent_id = $1 AND status IN ('draft', 'released')",
        )
        .bind(mo)
        .fetch_all(&mut **tx)
        .await
        .ctx("read child orders")?;
        todo.extend(children);
    }
    Ok(())
}

pub async fn order_step(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    action: &str,
    idem_key: Option<&str>,
    now: i64,
) -> Result<MoDetail> {
    let step = MoAction::parse("action", action.trim())?;
    if !matches!(step, MoAction::Close | MoAction::Cancel) {
        return Err(AppError::field(
            "action",
            "close or cancel here; release has its own path, and an order starts and completes with its jobs",
        )
        .into());
    }
    user.require(Module::Ppic, step.permission())?;
    let tz = svc.config.plant_time_zone;
    let (detail, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        &format!("ppic.order.{}.{id}", step.as_str()),
        &id,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                lock_plan(&mut tx).await?;
                let (number, status, version): (String, String, i64) = sqlx::query_as(
                    "SELECT number, status, version FROM manufacturing_orders WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .ctx("read order")?
                .ok_or_else(|| AppError::not_found(format!("Manufacturing order {id}")))?;
                let from = MoStatus::try_from(status).map_err(|_| AppError::Internal)?;
                let to = step.apply(from)?;
                match step {
                    MoAction::Cancel => {
                        cancel_tree(&mut tx, id, user.id, now).await?;
                        replan(&mut tx, tz, now).await?;
                    }
                    _ => {
                        sqlx::query(
                            "UPDATE manufacturing_orders SET status = 'closed', closed_at = $1, updated_at = $1, \
                             version = version + 1 WHERE id = $2 AND version = $3",
                        )
                        .bind(now)
                        .bind(id)
                        .bind(version)
                        .execute(&mut *tx)
                        .await
                        .ctx("close order")?;
                    }
                }
                audit(
                    &mut tx,
                    Some(user.id),
                    &format!("ppic.order.{}", step.as_str()),
                    "manufacturing_order",
                    &id.to_string(),
                    &format!("{number}: {} → {}", from.as_str(), to.as_str()),
                    now,
                )
                .await?;
                events::record(
                    &mut tx,
                    &NewEvent::new(Module::Ppic, id, version + 1, EventKind::Transitioned, now)
                        .with_payload(serde_json::json!({
                            "entity": "order",
                            "transition": step.as_str(),
                            "from": from.as_str(),
                            "to": to.as_str(),
                        })),
                )
                .await?;
                let detail = load_detail(&mut tx, id, offset_now(tz, now)).await?;
                Ok((tx, detail))
            })
        },
    )
    .await?;
    if fresh {
        svc.events.wake();
    }
    Ok(detail)
}
