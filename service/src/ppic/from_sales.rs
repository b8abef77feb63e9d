//! Manufacturing orders from a confirmed sales order: one draft order per
//! made item (a line with a BOM pinned on confirmation), with all its
//! variants' quantities (the size × colour breakdown kept), due when its
//! earliest line is due, linked to the sales order. Bought-in lines are
//! left out; a sales order is planned once.

use super::create::{insert_order, record_created, NewOrderRow};
use super::plan::{lock_plan, offset_now};
use super::rows::load_detail;
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::master::{Date, Qty};
use domain::perm::{Action, Module};
use domain::ppic::MoSummary;
use domain::AppError;

type LineRow = (i64, String, String, String, i64, String, i64);

/// One made item of the sales order: its lines' variants and quantities.
struct Planned {
    item_id: i64,
    code: String,
    name: String,
    bom_id: i64,
    due: Date,
    variants: Vec<(String, Qty)>,
}

pub async fn from_sales_order(
    svc: &Services,
    user: &CurrentUser,
    sales_order: i64,
    idem_key: Option<&str>,
    now: i64,
) -> Result<Vec<MoSummary>> {
    user.require(Module::Ppic, Action::Create)?;
    let tz = svc.config.plant_time_zone;
    let offset = offset_now(tz, now);
    let today = Date::at(now, offset);
    let (made, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        &format!("ppic.from_sales_order.{sales_order}"),
        &sales_order,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                lock_plan(&mut tx).await?;
                let (number, status): (String, String) =
                    sqlx::query_as("SELECT number, status FROM sales_orders WHERE id = $1")
                        .bind(sales_order)
                        .fetch_optional(&mut *tx)
                        .await
                        .ctx("read sales order")?
                        .ok_or_else(|| AppError::not_found(format!("Sales order {sales_order}")))?;
                if !matches!(status.as_str(), "confirmed" | "in_production") {
                    return Err(AppError::conflict(format!(
                        "{number} is {status}; only a confirmed order is planned"
                    ))
                    .into());
                }
                let existing: Vec<String> = sqlx::query_scalar(
                    "SELECT number FROM manufacturing_orders WHERE sales_order_id = $1 \
                     AND status <> 'cancelled' ORDER BY id",
                )
                .bind(sales_order)
                .fetch_all(&mut *tx)
                .await
                .ctx("read planned orders")?;
                if !existing.is_empty() {
                    return Err(AppError::conflict(format!(
                        "{number} is planned already: {}",
                        existing.join(", ")
                    ))
                    .into());
                }
                let lines: Vec<LineRow> = sqlx::query_as(
                    "SELECT l.item_id, i.code, i.name, l.variant_key, l.qty_millionths, \
                     COALESCE(l.due_date, o.due_date), l.bom_id FROM sales_order_lines l \
                     JOIN sales_orders o ON o.id = l.order_id JOIN items i ON i.id = l.item_id \
                     WHERE l.order_id = $1 AND l.bom_id IS NOT NULL ORDER BY l.line_no",
                )
                .bind(sales_order)
                .fetch_all(&mut *tx)
                .await
                .ctx("read sales order lines")?;
                let mut items: Vec<Planned> = Vec::new();
                for (item_id, code, name, variant, qty, due, bom_id) in lines {
                    let due = Date::parse("due_date", &due).map_err(|_| AppError::Internal)?;
                    let qty = Qty::from_millionths(qty);
                    match items.iter_mut().find(|p| p.item_id == item_id) {
                        Some(p) => {
                            p.due = p.due.min(due);
                            p.variants.push((variant, qty));
                        }
                        None => items.push(Planned {
                            item_id,
                            code,
                            name,
                            bom_id,
                            due,
                            variants: vec![(variant, qty)],
                        }),
                    }
                }
                if items.is_empty() {
                    return Err(AppError::conflict(format!(
                        "no line of {number} is made here (none has a BOM)"
                    ))
                    .into());
                }
                let mut out = Vec::with_capacity(items.len());
                for p in &items {
                    let (id, mo) = insert_order(
                        &mut tx,
                        &NewOrderRow {
                            item_id: p.item_id,
                            item_code: &p.code,
                            item_name: &p.name,
                            bom_id: p.bom_id,
                            status: "draft",
                            variants: &p.variants,
                            start: today,
                            due: p.due.max(today),
                            priority: 100,
                            parent_id: None,
                            sales_order_id: Some(sales_order),
                            user_id: user.id,
                        },
                        now,
                    )
                    .await?;
                    let summary = format!("{mo}: {} × {} for {number}", p.code, p.variants.len());
                    record_created(&mut tx, user.id, id, &summary, Some(sales_order), now).await?;
                    out.push(load_detail(&mut tx, id, offset).await?.order);
                }
                Ok((tx, out))
            })
        },
    )
    .await?;
    if fresh {
        svc.events.wake();
    }
    Ok(made)
}
