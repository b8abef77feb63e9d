//! Password hashing and verification, and password resets.

use super::{audit, new_token, token_hash};
use crate::db::Db;
use crate::error::{DbContext, Result, ServiceError};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use domain::auth::check_password_strength;
use domain::AppError;
use sqlx::Row;

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("hash password: {e}")))
}

pub(crate) fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Issues a one-time password-reset token (admin screen or CLI). Valid 24 h.
pub async fn issue_password_reset(
    db: &Db,
    actor: Option<i64>,
    username: &str,
    now: i64,
) -> Result<String> {
    let user_id: i64 = sqlx::query("SELECT id FROM users WHERE username = $1")
        .bind(username.trim().to_lowercase())
        .fetch_optional(&db.read)
        .await
        .ctx("find user")?
        .ok_or_else(|| AppError::field("username", "no such user"))?
        .try_get(0)
        .ctx("decode")?;
    let token = new_token();
    let mut tx = db.begin().await?;
    sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(now)
        .bind(now + 24 * 3_600_000)
        .execute(&mut *tx)
        .await
        .ctx("store reset token")?;
    audit(
        &mut tx,
        actor,
        "password_reset_issued",
        "user",
        &user_id.to_string(),
        "",
        now,
    )
    .await?;
    tx.commit().await.ctx("commit")?;
    Ok(token)
}

/// Sets a new password with a reset token; ends every session of that user.
pub async fn reset_password(db: &Db, token: &str, new_password: &str, now: i64) -> Result<()> {
    check_password_strength(new_password)?;
    let hash = hash_password(new_password)?;
    let mut tx = db.begin().await?;
    let row = sqlx::query(
        "SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(&mut *tx)
    .await
    .ctx("find reset token")?
    .ok_or_else(|| AppError::field("token", "this reset link is not valid"))?;
    let user_id: i64 = row.try_get(0).ctx("decode")?;
    let expires_at: i64 = row.try_get(1).ctx("decode")?;
    let used_at: Option<i64> = row.try_get(2).ctx("decode")?;
    if used_at.is_some() || now > expires_at {
        return Err(AppError::field(
            "token",
            "this reset link was used or has expired; ask an admin for a new one",
        )
        .into());
    }
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(token_hash(token))
        .execute(&mut *tx)
        .await
        .ctx("use reset token")?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .ctx("set password")?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .ctx("end sessions")?;
    audit(
        &mut tx,
        Some(user_id),
        "password_reset",
        "user",
        &user_id.to_string(),
        "",
        now,
    )
    .await?;
    tx.commit().await.ctx("commit")?;
    Ok(())
}
