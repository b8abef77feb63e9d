//! Making a manufacturing order by hand: an item with a BOM, its quantity
//! per variant, its due date. It starts as a draft; releasing it makes its
//! jobs (`release.rs`).

use super::plan::offset_now;
use super::rows::load_detail;
use crate::audit::audit;
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::events::{self, NewEvent};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::master::{Date, Qty, Variant};
use domain::perm::{Action, Module};
use domain::ppic::{MoDetail, MoInput};
use domain::AppError;

/// What a new order row holds.
pub(super) struct NewOrderRow<'a> {
    pub item_id: i64,
    pub item_code: &'a str,
    pub item_name: &'a str,
    pub bom_id: i64,
    pub status: &'a str,
    pub variants: &'a [(String, Qty)],
    pub start: Date,
    pub due: Date,
    pub priority: i64,
    pub parent_id: Option<i64>,
    pub sales_order_id: Option<i64>,
    pub user_id: i64,
}

/// Inserts an order and its variants; returns its id and number.
pub(super) async fn insert_order(
    tx: &mut Tx,
    o: &NewOrderRow<'_>,
    now: i64,
) -> Result<(i64, String)> {
    let number = crate::numbers::next(tx, &crate::numbers::MANUFACTURING_ORDERS, now).await?;
    let mut total = Qty::ZERO;
    for (_, q) in o.variants {
        total = total
            .checked_add(*q)
            .map_err(|_| AppError::field("variants", "the quantities are too large"))?;
    }
    let released_at = (o.status == "released").then_some(now);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO manufacturing_orders (number, item_id, bom_id, sales_order_id, parent_id, status, \
         qty_millionths, start_date, due_date, priority, search_text, created_by, released_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(&number)
    .bind(o.item_id)
    .bind(o.bom_id)
    .bind(o.sales_order_id)
    .bind(o.parent_id)
    .bind(o.status)
    .bind(total.millionths())
    .bind(o.start.to_string())
    .bind(o.due.to_string())
    .bind(o.priority)
    .bind(format!("{} {} {}", number, o.item_code, o.item_name).to_lowercase())
    .bind(o.user_id)
    .bind(released_at)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .ctx("insert manufacturing order")?;
    for (variant, q) in o.variants {
        sqlx::query(
            "INSERT INTO mo_variants (mo_id, variant_key, qty_millionths) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(variant)
        .bind(q.millionths())
        .execute(&mut **tx)
        .await
        .ctx("insert order variant")?;
    }
    Ok((id, number))
}

/// The audit entry and event of an order made by a user (by hand or from
/// a sales order, whose id the event then carries).
pub(super) async fn record_created(
    tx: &mut Tx,
    user_id: i64,
    id: i64,
    summary: &str,
    sales_order: Option<i64>,
    now: i64,
) -> Result<()> {
    audit(
        tx,
        Some(user_id),
        "ppic.create",
        "manufacturing_order",
        &id.to_string(),
        summary,
        now,
    )
    .await?;
    let mut event = NewEvent::new(Module::Ppic, id, 1, EventKind::Created, now);
    if let Some(so) = sales_order {
        event = event.with_payload(serde_json::json!({"entity": "order", "sales_order_id": so}));
    }
    events::record(tx, &event).await?;
    Ok(())
}

type ItemRow = (i64, String, String, Option<i64>);

pub async fn create(
    svc: &Services,
    user: &CurrentUser,
    input: &MoInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<MoDetail> {
    user.require(Module::Ppic, Action::Create)?;
    let mo = input.parse()?;
    let tz = svc.config.plant_time_zone;
    let offset = offset_now(tz, now);
    let today = Date::at(now, offset);
    let (detail, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        "ppic.create",
        input,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                let item: ItemRow =
                    sqlx::query_as("SELECT id, code, name, archived_at FROM items WHERE code = $1")
                        .bind(&mo.item)
                        .fetch_optional(&mut *tx)
                        .await
                        .ctx("find item")?
                        .ok_or_else(|| AppError::field("item", "no item has this code"))?;
                if item.3.is_some() {
                    return Err(AppError::field("item", "this item is archived").into());
                }
                let (bom_id, _) = crate::bom::current_bom_for_item(&mut tx, item.0)
                    .await?
                    .ok_or_else(|| {
                        AppError::field(
                            "item",
                            "this item has no BOM; make its BOM before planning it",
                        )
                    })?;
                let variants: Vec<(String, Qty)> = mo
                    .variants
                    .iter()
                    .map(|(v, q)| (Variant::key(v), *q))
                    .collect();
                let (id, number) = insert_order(
                    &mut tx,
                    &NewOrderRow {
                        item_id: item.0,
                        item_code: &item.1,
                        item_name: &item.2,
                        bom_id,
                        status: "draft",
                        variants: &variants,
                        start: mo.start.unwrap_or(today).max(today),
                        due: mo.due,
                        priority: mo.priority,
                        parent_id: None,
                        sales_order_id: None,
                        user_id: user.id,
                    },
                    now,
                )
                .await?;
                let summary = format!("{number}: {} × {}", item.1, variants.len());
                record_created(&mut tx, user.id, id, &summary, None, now).await?;
                let detail = load_detail(&mut tx, id, offset).await?;
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
