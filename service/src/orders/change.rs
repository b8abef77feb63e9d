//! Creating an order (a draft with the next number), editing it, and
//! replacing one item's lines with a grid.

use super::bom_pin::pin_boms;
use super::lines::{stored_lines, totals, write_lines};
use super::rows::{customer, items_by_id, load_detail, order_row, CustomerRow, OrderRow};
use crate::audit::audit;
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::events::{self, NewEvent};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::master::Date;
use domain::orders::{
    GridInput, NewLine, NewOrder, OrderDetail, OrderInput, OrderItem, OrderStatus,
};
use domain::perm::{Action, Module};
use domain::AppError;
use std::collections::BTreeMap;

/// The customer of an order, if it exists and is not archived.
async fn checked_customer(svc: &Services, id: i64) -> Result<CustomerRow> {
    let mut conn = svc.db.read.acquire().await.ctx("acquire")?;
    match customer(&mut conn, id).await? {
        None => Err(AppError::field("customer_id", "no such customer").into()),
        Some(c) if c.archived_at.is_some() => {
            Err(AppError::field("customer_id", format!("{} is archived", c.code)).into())
        }
        Some(c) => Ok(c),
    }
}

/// The input checked against the items it names.
async fn parse_order(svc: &Services, input: &OrderInput) -> Result<NewOrder> {
    if input.customer_id <= 0 {
        return Err(AppError::field("customer_id", "choose a customer").into());
    }
    let mut conn = svc.db.read.acquire().await.ctx("acquire")?;
    let items = items_by_id(&mut conn, &input.item_ids()).await?;
    Ok(input.parse(|id| items.get(&id))?)
}

fn search_text(number: &str, c: &CustomerRow, customer_ref: &str) -> String {
    format!("{number} {} {} {customer_ref}", c.code, c.name).to_lowercase()
}

pub async fn create(
    svc: &Services,
    user: &CurrentUser,
    input: &OrderInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<OrderDetail> {
    user.require(Module::Orders, Action::Create)?;
    let order = parse_order(svc, input).await?;
    let cust = checked_customer(svc, order.customer_id).await?;
    let t = totals(&order.lines)?;
    let (detail, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        "orders.create",
        input,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                let number = crate::numbers::next(&mut tx, &crate::numbers::SALES_ORDERS, now).await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO sales_orders (number, customer_id, customer_ref, status, due_date, search_text, \
                     line_count, total_qty_millionths, total_minor, created_by, created_at, updated_at, version) \
                     VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $9, $10, $10, 1) RETURNING id",
                )
                .bind(&number)
                .bind(order.customer_id)
                .bind(&order.customer_ref)
                .bind(order.due_date.to_string())
                .bind(search_text(&number, &cust, &order.customer_ref))
                .bind(t.lines)
                .bind(t.qty.millionths())
                .bind(t.minor)
                .bind(user.id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .ctx("insert order")?;
                write_lines(&mut tx, id, &order.lines).await?;
                audit(
                    &mut tx,
                    Some(user.id),
                    "orders.create",
                    "sales_order",
                    &id.to_string(),
                    &format!("{number} for {} with {} line(s)", cust.code, t.lines),
                    now,
                )
                .await?;
                let detail = load_detail(&mut tx, id).await?;
                events::record(
                    &mut tx,
                    &NewEvent::new(Module::Orders, id, 1, EventKind::Created, now),
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

/// The order as read in the change's transaction, if it may be edited from
/// `version`: a 409 naming the current version or status otherwise.
async fn editable(tx: &mut Tx, id: i64, version: i64) -> Result<OrderRow> {
    let row = order_row(tx, id).await?;
    if !row.status.is_editable() {
        return Err(AppError::conflict(format!(
            "{} is {}; only draft and confirmed orders can be edited",
            row.number,
            row.status.as_str()
        ))
        .into());
    }
    if row.version != version {
        return Err(AppError::conflict(format!(
            "{} was changed by someone else (it is now at version {}, you edited version {version})",
            row.number, row.version
        ))
        .into());
    }
    Ok(row)
}

/// Writes the new lines and header of an edited order, pins BOMs when it is
/// confirmed, bumps its version, audits and records the event.
#[allow(clippy::too_many_arguments)]
async fn save_edit(
    tx: &mut Tx,
    user: &CurrentUser,
    row: &OrderRow,
    cust: &CustomerRow,
    customer_ref: &str,
    due_date: Date,
    lines: &[NewLine],
    what: &str,
    now: i64,
) -> Result<OrderDetail> {
    let t = totals(lines)?;
    write_lines(tx, row.id, lines).await?;
    if row.status == OrderStatus::Confirmed {
        pin_boms(tx, row.id, now).await?;
    }
    let updated = sqlx::query(
        "UPDATE sales_orders SET customer_id = $1, customer_ref = $2, due_date = $3, search_text = $4, \
         line_count = $5, total_qty_millionths = $6, total_minor = $7, updated_at = $8, version = version + 1 \
         WHERE id = $9 AND version = $10",
    )
    .bind(cust.id)
    .bind(customer_ref)
    .bind(due_date.to_string())
    .bind(search_text(&row.number, cust, customer_ref))
    .bind(t.lines)
    .bind(t.qty.millionths())
    .bind(t.minor)
    .bind(now)
    .bind(row.id)
    .bind(row.version)
    .execute(&mut **tx)
    .await
    .ctx("update order")?
    .rows_affected();
    if updated != 1 {
        return Err(AppError::conflict(format!(
            "{} was changed by someone else at the same moment; reload and edit again",
            row.number
        ))
        .into());
    }
    audit(
        tx,
        Some(user.id),
        what,
        "sales_order",
        &row.id.to_string(),
        &format!("{}: {} line(s), due {due_date}", row.number, t.lines),
        now,
    )
    .await?;
    let detail = load_detail(tx, row.id).await?;
    events::record(
        tx,
        &NewEvent::new(
            Module::Orders,
            row.id,
            detail.order.version,
            EventKind::Updated,
            now,
        ),
    )
    .await?;
    Ok(detail)
}

/// Edits an order's customer (drafts only), reference, due date and lines.
pub async fn edit(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &OrderInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<OrderDetail> {
    user.require(Module::Orders, Action::Update)?;
    let version = input
        .version
        .ok_or_else(|| AppError::field("version", "send the version you edited"))?;
    let order = parse_order(svc, input).await?;
    let cust = checked_customer(svc, order.customer_id).await?;
    let (detail, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        &format!("orders.edit.{id}"),
        input,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                let row = editable(&mut tx, id, version).await?;
                if row.customer_id != order.customer_id && row.status != OrderStatus::Draft {
                    return Err(AppError::field(
                        "customer_id",
                        "a confirmed order keeps its customer; cancel it and enter a new one",
                    )
                    .into());
                }
                let detail = save_edit(
                    &mut tx,
                    user,
                    &row,
                    &cust,
                    &order.customer_ref,
                    order.due_date,
                    &order.lines,
                    "orders.edit",
                    now,
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

/// Replaces the item's lines that match the grid's fixed attributes (all
/// its lines when it has none) with the grid's non-zero cells.
pub async fn put_grid(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &GridInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<OrderDetail> {
    user.require(Module::Orders, Action::Update)?;
    let item: OrderItem = {
        let mut conn = svc.db.read.acquire().await.ctx("acquire")?;
        let mut found: BTreeMap<i64, OrderItem> = items_by_id(&mut conn, &[input.item_id]).await?;
        found
            .remove(&input.item_id)
            .ok_or_else(|| AppError::field("item_id", "no such item"))?
    };
    let grid_lines = input.parse(&item)?;
    let fixed = input.fixed_variant()?;
    let (detail, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        &format!("orders.grid.{id}"),
        input,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                let row = editable(&mut tx, id, input.version).await?;
                let mut lines: Vec<NewLine> = stored_lines(&mut tx, id)
                    .await?
                    .into_iter()
                    .filter(|l| !(l.item_id == item.id && l.variant.matches(&fixed)))
                    .collect();
                lines.extend(grid_lines);
                if lines.len() > domain::orders::MAX_LINES {
                    return Err(
                        AppError::field("cells", "the order would hold too many lines").into(),
                    );
                }
                let cust = customer(&mut tx, row.customer_id)
                    .await?
                    .ok_or_else(|| AppError::not_found("the order's customer"))?;
                let due = row.due_date.0;
                let customer_ref = row.customer_ref.clone();
                let detail = save_edit(
                    &mut tx,
                    user,
                    &row,
                    &cust,
                    &customer_ref,
                    due,
                    &lines,
                    "orders.grid",
                    now,
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
