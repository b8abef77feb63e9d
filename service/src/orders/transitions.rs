//! Moving an order along its lifecycle. Confirming pins each line's BOM
//! version (and freezes it); an order needs a line to be confirmed.

use super::bom_pin::pin_boms;
use super::rows::{load_detail, order_row};
use crate::audit::audit;
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::events::{self, NewEvent};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::orders::{OrderDetail, OrderTransition};
use domain::perm::Module;
use domain::AppError;

/// The column that records when a step was taken.
fn stamp_column(t: OrderTransition) -> &'static str {
    match t {
        OrderTransition::Confirm => "confirmed_at",
        OrderTransition::Start => "started_at",
        OrderTransition::Ship => "shipped_at",
        OrderTransition::Close => "closed_at",
        OrderTransition::Cancel => "cancelled_at",
    }
}

pub async fn transition(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    step: &str,
    idem_key: Option<&str>,
    now: i64,
) -> Result<OrderDetail> {
    let t = OrderTransition::parse(step.trim()).ok_or_else(|| {
        AppError::field("action", "must be confirm, start, ship, close or cancel")
    })?;
    user.require(Module::Orders, t.required_action())?;
    let scope = format!("orders.{}.{id}", t.as_str());
    let (detail, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        &scope,
        &(id, t.as_str()),
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                let row = order_row(&mut tx, id).await?;
                let to = t.apply(row.status)?;
                if t == OrderTransition::Confirm {
                    if row.line_count == 0 {
                        return Err(AppError::conflict(format!(
                            "{} has no lines; add at least one before confirming",
                            row.number
                        ))
                        .into());
                    }
                    pin_boms(&mut tx, id, now).await?;
                }
                let updated = sqlx::query(&format!(
                    "UPDATE sales_orders SET status = $1, {} = $2, updated_at = $2, version = version + 1 \
                     WHERE id = $3 AND version = $4",
                    stamp_column(t)
                ))
                .bind(to.as_str())
                .bind(now)
                .bind(id)
                .bind(row.version)
                .execute(&mut *tx)
                .await
                .ctx("update order status")?
                .rows_affected();
                if updated != 1 {
                    return Err(AppError::conflict(format!(
                        "{} was changed by someone else at the same moment",
                        row.number
                    ))
                    .into());
                }
                audit(
                    &mut tx,
                    Some(user.id),
                    &format!("orders.{}", t.as_str()),
                    "sales_order",
                    &id.to_string(),
                    &format!("{}: {} → {}", row.number, row.status.as_str(), to.as_str()),
                    now,
                )
                .await?;
                let detail = load_detail(&mut tx, id).await?;
                events::record(
                    &mut tx,
                    &NewEvent::new(
                        Module::Orders,
                        id,
                        detail.order.version,
                        EventKind::Transitioned,
                        now,
                    )
                    .with_payload(serde_json::json!({
                        "transition": t.as_str(),
                        "from": row.status.as_str(),
                        "to": to.as_str(),
                    })),
                )
                .await?;
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
