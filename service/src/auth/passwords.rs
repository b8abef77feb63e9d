//! Password hashing (argon2, always off the async runtime) and password
//! resets with one-time tokens.

use super::limiter::{self, Limit, Scope};
use super::{audit, new_token, token_hash};
use crate::db::{Db, Tx};
use crate::error::{DbContext, Result, ServiceError};
use crate::Services;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use domain::auth::check_password_strength;
use domain::AppError;
use sqlx::FromRow;

/// How long a reset link is valid.
pub const RESET_VALID_MS: i64 = 24 * 3_600_000;

/// Hashes a password on a blocking thread (argon2 takes tens of ms of CPU).
pub async fn hash_password(password: &str) -> Result<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::Internal(format!("hash password: {e}")))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("hash task: {e}")))?
}

/// Checks a password against a stored hash on a blocking thread.
pub async fn verify_password(password: &str, hash: &str) -> Result<bool> {
    let (password, hash) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("verify task: {e}")))
}

#[derive(FromRow)]
struct IdRow {
    id: i64,
}

/// Issues a one-time reset token for a user inside the caller's transaction,
/// revoking the user's older unused tokens. Valid [`RESET_VALID_MS`].
pub async fn issue_reset_in(
    tx: &mut Tx,
    actor: Option<i64>,
    username: &str,
    now: i64,
) -> Result<(i64, String)> {
    let user: IdRow = sqlx::query_as("SELECT id FROM users WHERE username = $1")
        .bind(username.trim().to_lowercase())
        .fetch_optional(&mut **tx)
        .await
        .ctx("find user")?
        .ok_or_else(|| AppError::field("username", "no such user"))?;
    sqlx::query("DELETE FROM password_resets WHERE user_id = $1 AND used_at IS NULL")
        .bind(user.id)
        .execute(&mut **tx)
        .await
        .ctx("revoke older reset tokens")?;
    let token = new_token();
    sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(user.id)
        .bind(now)
        .bind(now + RESET_VALID_MS)
        .execute(&mut **tx)
        .await
        .ctx("store reset token")?;
    audit(
        tx,
        actor,
        "password_reset_issued",
        "user",
        &user.id.to_string(),
        "",
        now,
    )
    .await?;
    Ok((user.id, token))
}

/// Issues a reset token without permission checks (the CLI).
pub async fn issue_password_reset(
    db: &Db,
    actor: Option<i64>,
    username: &str,
    now: i64,
) -> Result<String> {
    let mut tx = db.begin().await?;
    let (_, token) = issue_reset_in(&mut tx, actor, username, now).await?;
    tx.commit().await.ctx("commit")?;
    Ok(token)
}

#[derive(FromRow)]
struct ResetRow {
    user_id: i64,
    expires_at: i64,
    used_at: Option<i64>,
}

/// Sets a new password with a reset token and ends every session of that
/// user. Attempts are limited per client address; the token is looked up
/// before anything is hashed, and used at most once even when two requests
/// race with it.
pub async fn reset_password(
    svc: &Services,
    token: &str,
    new_password: &str,
    client_addr: &str,
    now: i64,
) -> Result<()> {
    let held = limiter::reserve(
        svc,
        &[Limit {
            scope: Scope::Reset,
            key: limiter::key(&[&limiter::client_key(client_addr)]),
            max: svc.config.auth_limits.resets_per_address,
        }],
        now,
    )
    .await?;
    let invalid = || AppError::field("token", "this reset link is not valid");
    if token.is_empty() || token.len() > 200 {
        return Err(invalid().into());
    }
    let hash_of_token = token_hash(token);
    let row: ResetRow = sqlx::query_as(
        "SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1",
    )
    .bind(&hash_of_token)
    .fetch_optional(&svc.db.read)
    .await
    .ctx("find reset token")?
    .ok_or_else(invalid)?;
    let spent = || {
        AppError::field(
            "token",
            "this reset link was used or has expired; ask an admin for a new one",
        )
    };
    if row.used_at.is_some() || now >= row.expires_at {
        return Err(spent().into());
    }
    check_password_strength(new_password)?;
    let hash = hash_password(new_password).await?;
    let mut tx = svc.db.begin().await?;
    let used = sqlx::query(
        "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(now)
    .bind(&hash_of_token)
    .execute(&mut *tx)
    .await
    .ctx("use reset token")?
    .rows_affected();
    if used != 1 {
        return Err(spent().into());
    }
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(row.user_id)
        .execute(&mut *tx)
        .await
        .ctx("set password")?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(row.user_id)
        .execute(&mut *tx)
        .await
        .ctx("end sessions")?;
    audit(
        &mut tx,
        Some(row.user_id),
        "password_reset",
        "user",
        &row.user_id.to_string(),
        "",
        now,
    )
    .await?;
    tx.commit().await.ctx("commit")?;
    limiter::release(svc, &held).await?;
    Ok(())
}
