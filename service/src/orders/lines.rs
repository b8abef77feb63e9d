//! Writing an order's lines: the new set is matched to the stored one by
//! item and variant, so a line that stays keeps its id (and its pinned BOM),
//! changed ones are updated, new ones inserted and dropped ones deleted
//! (nothing refers to an order line yet).

use crate::db::Tx;
use crate::error::{DbContext, Result};
use domain::master::{money_for, Date, Qty, Variant};
use domain::orders::NewLine;
use domain::AppError;
use sqlx::FromRow;
use std::collections::BTreeMap;

#[derive(FromRow)]
struct StoredLine {
    id: i64,
    item_id: i64,
    variant_key: String,
    qty_millionths: i64,
    unit_price_minor: i64,
    #[sqlx(try_from = "Option<String>")]
    due_date: super::rows::DbDateOpt,
}

/// The order's lines as checked lines, in line order (to recompose them
/// when a grid replaces one item's lines).
pub(super) async fn stored_lines(tx: &mut Tx, order_id: i64) -> Result<Vec<NewLine>> {
    let rows: Vec<StoredLine> = sqlx::query_as(
        "SELECT id, item_id, variant_key, qty_millionths, unit_price_minor, due_date \
         FROM sales_order_lines WHERE order_id = $1 ORDER BY line_no, id",
    )
    .bind(order_id)
    .fetch_all(&mut **tx)
    .await
    .ctx("read order lines")?;
    rows.into_iter()
        .map(|r| {
            let variant = Variant::parse_key("variant_key", &r.variant_key).map_err(|_| {
                crate::ServiceError::Internal(format!("order line {}: bad variant key", r.id))
            })?;
            Ok(NewLine {
                item_id: r.item_id,
                variant,
                qty: Qty::from_millionths(r.qty_millionths),
                unit_price_minor: r.unit_price_minor,
                due_date: r.due_date.0,
            })
        })
        .collect()
}

/// The order's totals: quantity and amount.
pub(super) struct Totals {
    pub lines: i64,
    pub qty: Qty,
    pub minor: i64,
}

pub(super) fn totals(lines: &[NewLine]) -> Result<Totals, AppError> {
    let too_big = || AppError::field("lines", "the order's total is too large");
    let mut qty = Qty::ZERO;
    let mut minor: i64 = 0;
    for l in lines {
        qty = qty.checked_add(l.qty).map_err(|_| too_big())?;
        let amount = money_for(l.qty, l.unit_price_minor).map_err(|_| too_big())?;
        minor = minor.checked_add(amount).ok_or_else(too_big)?;
    }
    Ok(Totals {
        lines: lines.len() as i64,
        qty,
        minor,
    })
}

fn date_text(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// Makes the stored lines equal `lines` (numbered 1, 2, … in their order).
pub(super) async fn write_lines(tx: &mut Tx, order_id: i64, lines: &[NewLine]) -> Result<()> {
    let stored: Vec<StoredLine> = sqlx::query_as(
        "SELECT id, item_id, variant_key, qty_millionths, unit_price_minor, due_date \
         FROM sales_order_lines WHERE order_id = $1",
    )
    .bind(order_id)
    .fetch_all(&mut **tx)
    .await
    .ctx("read order lines")?;
    let mut by_key: BTreeMap<(i64, String), StoredLine> = stored
        .into_iter()
        .map(|s| ((s.item_id, s.variant_key.clone()), s))
        .collect();
    // Dropped lines go first, so nothing clashes on (order, item, variant).
    let keep: std::collections::BTreeSet<(i64, String)> =
        lines.iter().map(|l| (l.item_id, l.variant.key())).collect();
    let dropped: Vec<i64> = by_key
        .iter()
        .filter(|(k, _)| !keep.contains(*k))
        .map(|(_, s)| s.id)
        .collect();
    for id in dropped {
        sqlx::query("DELETE FROM sales_order_lines WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await
            .ctx("delete order line")?;
    }
    for (i, l) in lines.iter().enumerate() {
        let line_no = i as i64 + 1;
        let key = l.variant.key();
        match by_key.remove(&(l.item_id, key.clone())) {
            Some(s) => {
                sqlx::query(
                    "UPDATE sales_order_lines SET line_no = $1, qty_millionths = $2, unit_price_minor = $3, \
                     due_date = $4 WHERE id = $5",
                )
                .bind(line_no)
                .bind(l.qty.millionths())
                .bind(l.unit_price_minor)
                .bind(date_text(l.due_date))
                .bind(s.id)
                .execute(&mut **tx)
                .await
                .ctx("update order line")?;
            }
            None => {
                sqlx::query(
                    "INSERT INTO sales_order_lines (order_id, line_no, item_id, variant_key, qty_millionths, \
                     unit_price_minor, due_date) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(order_id)
                .bind(line_no)
                .bind(l.item_id)
                .bind(&key)
                .bind(l.qty.millionths())
                .bind(l.unit_price_minor)
                .bind(date_text(l.due_date))
                .execute(&mut **tx)
                .await
                .ctx("insert order line")?;
            }
        }
    }
    Ok(())
}
