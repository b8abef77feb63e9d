//! What the order form picks from: customers and items by code or name.
//! (The master module owns these tables and their full search; these are
//! the order form's small reads, under the orders VIEW permission.)

use super::rows::{ItemRow, SELECT_ITEM};
use crate::error::{DbContext, Result};
use crate::master::search::{self, Bind};
use crate::Services;
use domain::auth::CurrentUser;
use domain::orders::{CustomerPick, OrderItem};
use domain::perm::{Action, Module};
use domain::AppError;
use sqlx::FromRow;

/// The picker's query, lower-cased; empty for the first page.
fn needle(q: &str) -> Result<String, AppError> {
    let q = q.trim();
    if q.chars().count() > 60 {
        return Err(AppError::field("q", "use at most 60 characters"));
    }
    if q.chars().any(char::is_control) {
        return Err(AppError::field("q", "remove control characters"));
    }
    Ok(q.to_lowercase())
}

/// `select` (whose table is `x`, written with `WHERE TRUE` for more
/// conditions) restricted to records of `table` that are not archived and
/// match `q` through the search index, ordered by `order`, at most 20.
async fn pick<T>(svc: &Services, table: &str, select: &str, order: &str, q: &str) -> Result<Vec<T>>
where
    T: for<'r> FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let needle = needle(q)?;
    if needle.is_empty() {
        let sql = format!("{select} AND x.archived_at IS NULL ORDER BY {order} LIMIT 20");
        return sqlx::query_as(&sql)
            .fetch_all(&svc.db.read)
            .await
            .ctx("pick records");
    }
    let (tails, binds) = search::condition(table, &needle, false, 1);
    let sql = format!(
        "{select} AND x.id IN (SELECT t.record_id FROM search_tails t WHERE {tails}) \
         ORDER BY {order} LIMIT 20"
    );
    let mut query = sqlx::query_as(&sql);
    for b in &binds {
        query = match b {
            Bind::Text(t) => query.bind(t.as_str()),
            Bind::Int(i) => query.bind(*i),
        };
    }
    query.fetch_all(&svc.db.read).await.ctx("pick records")
}

#[derive(FromRow)]
struct PickRow {
    id: i64,
    code: String,
    name: String,
}

/// Up to 20 customers not archived whose code starts with `q`, or a word
/// of whose name does (as master-data search finds them).
pub async fn customers_for_orders(
    svc: &Services,
    user: &CurrentUser,
    q: &str,
) -> Result<Vec<CustomerPick>> {
    user.require(Module::Orders, Action::View)?;
    let rows: Vec<PickRow> = pick(
        svc,
        "customers",
        "SELECT x.id, x.code, x.name FROM customers x WHERE TRUE",
        "x.code",
        q,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CustomerPick {
            id: r.id,
            code: r.code,
            name: r.name,
        })
        .collect())
}

/// Up to 20 items not archived whose code starts with `q`, or a word of
/// whose name does, with their variant attributes (finished styles first).
pub async fn items_for_orders(
    svc: &Services,
    user: &CurrentUser,
    q: &str,
) -> Result<Vec<OrderItem>> {
    user.require(Module::Orders, Action::View)?;
    let rows: Vec<ItemRow> = pick(
        svc,
        "items",
        &format!("{SELECT_ITEM} WHERE TRUE"),
        "CASE WHEN x.kind = 'finished' THEN 0 ELSE 1 END, x.code",
        q,
    )
    .await?;
    rows.into_iter().map(OrderItem::try_from).collect()
}
