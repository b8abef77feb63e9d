//! Idempotency keys: a mutation carrying a key is applied once; a retry with
//! the same key gets the first answer back. The key is claimed inside the
//! mutation's own transaction, so a rolled-back attempt leaves no claim and a
//! concurrent duplicate waits for the first to commit (PostgreSQL) or is
//! serialised by the single writer (SQLite).

use crate::db::Tx;
use crate::error::{DbContext, Result, ServiceError};
use domain::AppError;
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

/// Keys are kept this long; a client retries within seconds or minutes.
pub const RETENTION_MS: i64 = 24 * 3_600_000;

pub fn validate_key(key: &str) -> Result<(), AppError> {
    if key.len() < 8
        || key.len() > 100
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(AppError::field(
            "idempotency_key",
            "must be 8 to 100 characters of letters, digits, '-' or '_'",
        ));
    }
    Ok(())
}

fn hash_request(scope: &str, request: &impl Serialize) -> String {
    let body = serde_json::to_vec(request).unwrap_or_default();
    let mut h = Sha256::new();
    h.update(scope.as_bytes());
    h.update([0]);
    h.update(&body);
    hex::encode(h.finalize())
}

/// Claims `key` for this user. `Ok(None)`: first time, go ahead and call
/// [`complete`] before committing. `Ok(Some(t))`: already done, here is the answer.
pub async fn claim<T: DeserializeOwned>(
    tx: &mut Tx,
    user_id: i64,
    key: &str,
    scope: &str,
    request: &impl Serialize,
    now: i64,
) -> Result<Option<T>> {
    validate_key(key)?;
    let request_hash = hash_request(scope, request);
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (user_id, idem_key, scope, request_hash, response, created_at) \
         VALUES ($1, $2, $3, $4, NULL, $5) ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(key)
    .bind(scope)
    .bind(&request_hash)
    .bind(now)
    .execute(&mut **tx)
    .await
    .ctx("claim idempotency key")?
    .rows_affected();
    if inserted == 1 {
        return Ok(None);
    }
    let row = sqlx::query("SELECT scope, request_hash, response FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2")
        .bind(user_id)
        .bind(key)
        .fetch_one(&mut **tx)
        .await
        .ctx("read idempotency key")?;
    let (old_scope, old_hash, response): (String, String, Option<String>) = (
        row.try_get(0).ctx("decode")?,
        row.try_get(1).ctx("decode")?,
        row.try_get(2).ctx("decode")?,
    );
    if old_scope != scope || old_hash != request_hash {
        return Err(AppError::field(
            "idempotency_key",
            "was already used for a different request; use a new key",
        )
        .into());
    }
    match response {
        Some(json) => serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| ServiceError::Internal(format!("stored idempotent response: {e}"))),
        // Claimed but never completed cannot be seen: the claim commits with the result.
        None => Err(AppError::conflict("the same request is still being processed").into()),
    }
}

/// Stores the answer for a claimed key, in the same transaction as the change.
pub async fn complete(
    tx: &mut Tx,
    user_id: i64,
    key: &str,
    response: &impl Serialize,
) -> Result<()> {
    let json =
        serde_json::to_string(response).map_err(|e| ServiceError::Internal(e.to_string()))?;
    sqlx::query("UPDATE idempotency_keys SET response = $1 WHERE user_id = $2 AND idem_key = $3")
        .bind(json)
        .bind(user_id)
        .bind(key)
        .execute(&mut **tx)
        .await
        .ctx("store idempotent response")?;
    Ok(())
}

pub async fn purge_expired(db: &crate::Db, now: i64) -> Result<u64> {
    let n = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(now - RETENTION_MS)
        .execute(&db.write)
        .await
        .ctx("purge idempotency keys")?
        .rows_affected();
    Ok(n)
}
