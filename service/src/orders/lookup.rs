//! What the order form picks from: customers and items by code or name.
//! (The master module owns these tables and their full search; these are
//! the order form's small reads, under the orders VIEW permission.)

use super::rows::{ItemRow, SELECT_ITEM};
use crate::error::{DbContext, Result};
use crate::Services;
use domain::auth::CurrentUser;
use domain::orders::{CustomerPick, OrderItem};
use domain::perm::{Action, Module};
use domain::AppError;
use sqlx::FromRow;

fn prefix_pattern(q: &str) -> Result<String, AppError> {
    let q = q.trim().to_lowercase();
    if q.chars().count() > 60 {
        return Err(AppError::field("q", "use at most 60 characters"));
    }
    let escaped: String = q
        .chars()
        .flat_map(|c| {
            let esc = matches!(c, '%' | '_' | '\\').then_some('\\');
            esc.into_iter().chain(std::iter::once(c))
        })
        .collect();
    Ok(format!("%{escaped}%"))
}

#[derive(FromRow)]
struct PickRow {
    id: i64,
    code: String,
    name: String,
}

/// Up to 20 customers not archived whose code or name contains `q`.
pub async fn customers_for_orders(
    svc: &Services,
    user: &CurrentUser,
    q: &str,
) -> Result<Vec<CustomerPick>> {
    user.require(Module::Orders, Action::View)?;
    let rows: Vec<PickRow> = sqlx::query_as(
        "SELECT id, code, name FROM customers WHERE archived_at IS NULL AND search_text LIKE $1 ESCAPE '\\' \
         ORDER BY code LIMIT 20",
    )
    .bind(prefix_pattern(q)?)
    .fetch_all(&svc.db.read)
    .await
    .ctx("search customers")?;
    Ok(rows
        .into_iter()
        .map(|r| CustomerPick {
            id: r.id,
            code: r.code,
            name: r.name,
        })
        .collect())
}

/// Up to 20 items not archived whose code or name contains `q`, with their
/// variant attributes (finished styles first).
pub async fn items_for_orders(
    svc: &Services,
    user: &CurrentUser,
    q: &str,
) -> Result<Vec<OrderItem>> {
    user.require(Module::Orders, Action::View)?;
    let rows: Vec<ItemRow> = sqlx::query_as(&format!(
        "{SELECT_ITEM} WHERE i.archived_at IS NULL AND i.search_text LIKE $1 ESCAPE '\\' \
         ORDER BY CASE WHEN i.kind = 'finished' THEN 0 ELSE 1 END, i.code LIMIT 20"
    ))
    .bind(prefix_pattern(q)?)
    .fetch_all(&svc.db.read)
    .await
    .ctx("search items")?;
    rows.into_iter().map(OrderItem::try_from).collect()
}
