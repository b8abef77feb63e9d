//! Pinning BOM versions on a confirmed order's lines.

use crate::db::Tx;
use crate::error::{DbContext, Result};
use sqlx::FromRow;

/// What a line says when its item has no BOM: the goods are bought in.
pub(super) const NO_BOM_NOTE: &str = "no BOM: bought in";

/// The item's current BOM version, frozen from now on (the bom module's
/// rule: a version an order has used never changes), or None when the item
/// has no BOM.
async fn current_bom_frozen(tx: &mut Tx, item_id: i64, now: i64) -> Result<Option<i64>> {
    let Some((id, _version)) = crate::bom::current_bom_for_item(tx, item_id).await? else {
        return Ok(None);
    };
    crate::bom::freeze(tx, id, now).await?;
    Ok(Some(id))
}

#[derive(FromRow)]
struct Unpinned {
    item_id: i64,
    pinned: Option<i64>,
}

/// Pins a BOM version on every line of the order that has none: the
/// version another line of the same item already has on this order (an
/// order keeps the version it was confirmed with), else the item's current
/// one, frozen. A line whose item has no BOM is noted as bought in.
pub(super) async fn pin_boms(tx: &mut Tx, order_id: i64, now: i64) -> Result<()> {
    let items: Vec<Unpinned> = sqlx::query_as(
        "SELECT u.item_id, (SELECT MAX(p.bom_id) FROM sales_order_lines p \
         WHERE p.order_id = $1 AND p.item_id = u.item_id AND p.bom_id IS NOT NULL) AS pinned \
         FROM (SELECT DISTINCT item_id FROM sales_order_lines WHERE order_id = $1 AND bom_id IS NULL) u \
         ORDER BY u.item_id",
    )
    .bind(order_id)
    .fetch_all(&mut **tx)
    .await
    .ctx("find unpinned lines")?;
    for u in items {
        let bom = match u.pinned {
            Some(id) => Some(id),
            None => current_bom_frozen(tx, u.item_id, now).await?,
        };
        sqlx::query(
            "UPDATE sales_order_lines SET bom_id = $1, note = $2 \
             WHERE order_id = $3 AND item_id = $4 AND bom_id IS NULL",
        )
        .bind(bom)
        .bind(if bom.is_some() { "" } else { NO_BOM_NOTE })
        .bind(order_id)
        .bind(u.item_id)
        .execute(&mut **tx)
        .await
        .ctx("pin BOM on lines")?;
    }
    Ok(())
}
