//! The audit log writer: every mutation records who did what, in its own
//! transaction.

use crate::db::Tx;
use crate::error::{DbContext, Result};

pub async fn audit(
    tx: &mut Tx,
    user_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: &str,
    detail: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO audit_log (at, user_id, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(now)
        .bind(user_id)
        .bind(action)
        .bind(entity)
        .bind(entity_id)
        .bind(detail)
        .execute(&mut **tx)
        .await
        .ctx("write audit log")?;
    Ok(())
}
