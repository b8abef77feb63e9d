//! The signed-in user's own account: confirming who they are before a
//! sensitive change, and changing their password.

use super::limiter::{self, Limit, Scope};
use super::totp::{accept_step, matched_step};
use super::{audit, hash_password, token_hash, verify_password};
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::idempotency;
use crate::Services;
use domain::auth::{check_password_strength, ChangePasswordInput, CurrentUser};
use domain::AppError;
use sqlx::FromRow;

#[derive(FromRow)]
struct ProofRow {
    password_hash: String,
    totp_secret: Option<String>,
}

async fn audit_refused(svc: &Services, user_id: i64, reason: &str, now: i64) -> Result<()> {
    let mut tx = svc.db.begin().await?;
    audit(
        &mut tx,
        Some(user_id),
        "reauth_failed",
        "user",
        &user_id.to_string(),
        &format!("reason={reason}"),
        now,
    )
    .await?;
    tx.commit().await.ctx("commit audit")
}

/// Proves the person at a signed-in session is the account's owner: the
/// current password, or (when two-factor is on) a current, unused code.
/// Wrong answers are limited per user, so a stolen session cannot be used
/// to guess the password.
pub(crate) async fn confirm_identity(
    svc: &Services,
    user_id: i64,
    current_password: &str,
    current_code: Option<&str>,
    now: i64,
) -> Result<()> {
    let held = limiter::reserve(
        svc,
        &[Limit {
            scope: Scope::Reauth,
            key: limiter::key(&[&user_id.to_string()]),
            max: svc.config.auth_limits.reauth_per_user,
        }],
        now,
    )
    .await?;
    let row: ProofRow =
        sqlx::query_as("SELECT password_hash, totp_secret FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&svc.db.read)
            .await
            .ctx("find user")?
            .ok_or(AppError::Unauthenticated)?;
    if !current_password.is_empty() {
        if verify_password(current_password, &row.password_hash).await? {
            return limiter::release(svc, &held).await;
        }
        audit_refused(svc, user_id, "password", now).await?;
        return Err(AppError::field("current_password", "your current password is wrong").into());
    }
    let code = current_code.map(str::trim).filter(|c| !c.is_empty());
    let (Some(code), Some(secret)) = (code, row.totp_secret) else {
        limiter::release(svc, &held).await?;
        return Err(AppError::field("current_password", "enter your current password").into());
    };
    if let Some(step) = matched_step(&secret, code, now)? {
        let mut tx = svc.db.begin().await?;
        if accept_step(&mut tx, user_id, step).await? {
            tx.commit().await.ctx("commit totp step")?;
            return limiter::release(svc, &held).await;
        }
    }
    audit_refused(svc, user_id, "totp_code", now).await?;
    Err(AppError::field(
        "current_code",
        "that code is wrong, expired or already used",
    )
    .into())
}

/// Changes the signed-in user's password: the current one is required; every
/// other session of the user ends, the one making the change stays.
pub async fn change_password(
    svc: &Services,
    user: &CurrentUser,
    session_token: &str,
    input: &ChangePasswordInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<()> {
    // The request is recorded by user only: passwords never go into a
    // stored (fast) hash.
    const SCOPE: &str = "auth.password";
    if let Some(done) = idempotency::replay(&svc.db, user.id, idem_key, SCOPE, &user.id).await? {
        return Ok(done);
    }
    if input.current_password.is_empty() {
        return Err(AppError::field("current_password", "enter your current password").into());
    }
    check_password_strength(&input.new_password).map_err(|e| match e {
        AppError::Invalid(f) => AppError::field("new_password", f.message),
        e => e,
    })?;
    confirm_identity(svc, user.id, &input.current_password, None, now).await?;
    let hash = hash_password(&input.new_password).await?;
    let keep = token_hash(session_token);
    let user_id = user.id;
    idempotency::run_once(
        &svc.db,
        user_id,
        idem_key,
        SCOPE,
        &user_id,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(&hash)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .ctx("set password")?;
                sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                    .bind(user_id)
                    .bind(&keep)
                    .execute(&mut *tx)
                    .await
                    .ctx("end other sessions")?;
                audit(
                    &mut tx,
                    Some(user_id),
                    "password_changed",
                    "user",
                    &user_id.to_string(),
                    "",
                    now,
                )
                .await?;
                Ok((tx, ()))
            })
        },
    )
    .await?;
    Ok(())
}
