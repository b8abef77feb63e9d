//! What the orders module needs from BOMs: the version a new order line
//! uses, and freezing it so later edits write a new version.

use crate::db::Tx;
use crate::error::{DbContext, Result};
use domain::AppError;

/// The current BOM of an item: its row id and version number, if it has one.
pub async fn current_bom_for_item(tx: &mut Tx, item_id: i64) -> Result<Option<(i64, u32)>> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, version FROM boms WHERE item_id = $1 AND is_current = 1")
            .bind(item_id)
            .fetch_optional(&mut **tx)
            .await
            .ctx("find current BOM")?;
    Ok(row.map(|(id, v)| (id, u32::try_from(v).unwrap_or(u32::MAX))))
}

/// Marks a BOM version as used by an order: from now on an edit of it
/// writes a new version. Freezing a frozen version keeps its first time.
pub async fn freeze(tx: &mut Tx, bom_id: i64, now: i64) -> Result<()> {
    let n = sqlx::query("UPDATE boms SET frozen_at = COALESCE(frozen_at, $1) WHERE id = $2")
        .bind(now)
        .bind(bom_id)
        .execute(&mut **tx)
        .await
        .ctx("freeze BOM")?
        .rows_affected();
    if n == 0 {
        return Err(AppError::not_found(format!("BOM {bom_id}")).into());
    }
    Ok(())
}

/// `qty` of stored BOM `bom_id`'s item in `variant`, exploded through that
/// version and the current BOMs below it (for releasing a manufacturing
/// order; the caller has checked its permission).
pub async fn explode_stored(
    svc: &crate::Services,
    bom_id: i64,
    variant: &domain::master::Variant,
    qty: domain::master::Qty,
) -> Result<domain::bom::Explosion> {
    let s = super::cache::stored(&svc.db, &svc.bom_cache, bom_id).await?;
    Ok(domain::bom::explode(
        &s.loaded.catalog,
        &s.bom.item,
        variant,
        qty,
    )?)
}
