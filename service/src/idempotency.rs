//! Idempotency keys: a mutation carrying a key is applied once; a retry with
//! the same key gets the first answer back. The key and the answer are
//! written in the mutation's own transaction, so a rolled-back attempt leaves
//! no key behind, and of two attempts racing with one key only the first to
//! commit keeps its change (the unique key makes the second roll back).

use crate::db::{Db, Tx};
use crate::error::{DbContext, Result, ServiceError};
use domain::AppError;
use futures::future::BoxFuture;
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};

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

/// Runs `change` in one transaction, once per key. Without a key it simply
/// runs. With one, the change runs and its answer is stored with the key in
/// the same transaction; when the key is already there (a retry, or two
/// attempts racing), the key's insert finds it, the change rolls back and
/// the stored answer is returned (`fresh == false`). A retry therefore costs
/// one rolled-back transaction, and a first attempt — nearly every call —
/// no read before it (the create benchmark's ratio to its floor gained from
/// dropping that read: each statement is a round trip to SQLite's thread).
pub async fn run_once<'a, T, R>(
    db: &Db,
    user_id: i64,
    key: Option<&str>,
    scope: &str,
    request: &R,
    now: i64,
    change: impl FnOnce(Tx) -> BoxFuture<'a, Result<(Tx, T)>>,
) -> Result<(T, bool)>
where
    T: Serialize + DeserializeOwned,
    R: Serialize,
{
    let Some(key) = key else {
        let (tx, out) = change(db.begin().await?).await?;
        tx.commit().await.ctx("commit")?;
        return Ok((out, true));
    };
    validate_key(key)?;
    let request_hash = hash_request(scope, request);
    // A failed change drops (rolls back) its transaction.
    let (mut tx, out) = match change(db.begin().await?).await {
        Ok(done) => done,
        Err(e) => {
            // A racing attempt with this key may have committed first and made
            // ours fail (a version conflict, an illegal transition): answer as it did.
            return match lookup(db, user_id, key, scope, &request_hash).await? {
                Some(done) => Ok((done, false)),
                None => Err(e),
            };
        }
    };
    let response =
        serde_json::to_string(&out).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (user_id, idem_key, scope, request_hash, response, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(key)
    .bind(scope)
    .bind(&request_hash)
    .bind(response)
    .bind(now)
    .execute(&mut *tx)
    .await
    .ctx("store idempotency key")?
    .rows_affected();
    if inserted == 1 {
        tx.commit().await.ctx("commit")?;
        return Ok((out, true));
    }
    // Another attempt with this key committed first: undo ours, answer with its.
    tx.rollback().await.ctx("roll back duplicate")?;
    match lookup(db, user_id, key, scope, &request_hash).await? {
        Some(done) => Ok((done, false)),
        None => Err(AppError::conflict("the same request is still being processed").into()),
    }
}

/// The stored answer when this exact request was already applied with this
/// key: for a check made before [`run_once`] that would refuse a retry of a
/// change that has since made the check fail (say, a machine retired after
/// the report was taken).
pub async fn replay<T: DeserializeOwned>(
    db: &Db,
    user_id: i64,
    key: Option<&str>,
    scope: &str,
    request: &impl Serialize,
) -> Result<Option<T>> {
    let Some(key) = key else { return Ok(None) };
    validate_key(key)?;
    lookup(db, user_id, key, scope, &hash_request(scope, request)).await
}

/// An `idempotency_keys` row, as [`lookup`] reads it.
#[derive(sqlx::FromRow)]
struct KeyRow {
    scope: String,
    request_hash: String,
    response: Option<String>,
}

/// The stored answer for a key, or a field error when the key was used for
/// a different request.
async fn lookup<T: DeserializeOwned>(
    db: &Db,
    user_id: i64,
    key: &str,
    scope: &str,
    request_hash: &str,
) -> Result<Option<T>> {
    let Some(stored) = sqlx::query_as::<_, KeyRow>(
        "SELECT scope, request_hash, response FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(&db.read)
    .await
    .ctx("read idempotency key")?
    else {
        return Ok(None);
    };
    if stored.scope != scope || stored.request_hash != request_hash {
        return Err(AppError::field(
            "idempotency_key",
            "was already used for a different request; use a new key",
        )
        .into());
    }
    match stored.response {
        Some(json) => serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| ServiceError::Internal(format!("stored idempotent response: {e}"))),
        None => Ok(None),
    }
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
