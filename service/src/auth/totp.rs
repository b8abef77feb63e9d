//! TOTP second factor: set-up, checking codes, turning it on and off.

use super::audit;
use crate::error::{DbContext, Result, ServiceError};
use domain::auth::TotpSetup;
use domain::AppError;
use rand::RngCore;

fn totp_for(secret_b32: &str) -> Result<totp_rs::TOTP> {
    let bytes = totp_rs::Secret::Encoded(secret_b32.to_string())
        .to_bytes()
        .map_err(|e| ServiceError::Internal(format!("totp secret: {e:?}")))?;
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes)
        .map_err(|e| ServiceError::Internal(format!("totp: {e}")))
}

pub fn totp_matches(secret_b32: &str, code: &str, now_ms: i64) -> Result<bool> {
    Ok(totp_for(secret_b32)?.check(code, (now_ms / 1000) as u64))
}

/// The current code for a secret (tests and the CLI use it).
pub fn totp_code(secret_b32: &str, now_ms: i64) -> Result<String> {
    Ok(totp_for(secret_b32)?.generate((now_ms / 1000) as u64))
}

pub fn new_totp_setup(username: &str) -> TotpSetup {
    let mut bytes = [0u8; 20];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret_base32 = totp_rs::Secret::Raw(bytes.to_vec())
        .to_encoded()
        .to_string();
    let otpauth_url = format!("otpauth://totp/Shopfloor:{username}?secret={secret_base32}&issuer=Shopfloor&digits=6&period=30");
    TotpSetup {
        secret_base32,
        otpauth_url,
    }
}

/// Turns on TOTP once the user proves their app has the secret.
pub async fn enable_totp(
    svc: &crate::Services,
    user_id: i64,
    secret_b32: &str,
    code: &str,
    now: i64,
) -> Result<()> {
    if secret_b32.len() < 16 {
        return Err(AppError::field("secret", "start the set-up again").into());
    }
    if !totp_matches(secret_b32, code.trim(), now)? {
        return Err(AppError::field(
            "totp_code",
            "that code does not match; check the phone's clock and try again",
        )
        .into());
    }
    let mut tx = svc.db.begin().await?;
    sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2")
        .bind(secret_b32)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .ctx("enable totp")?;
    audit(
        &mut tx,
        Some(user_id),
        "totp_enabled",
        "user",
        &user_id.to_string(),
        "",
        now,
    )
    .await?;
    tx.commit().await.ctx("commit")?;
    svc.user_cache.clear();
    Ok(())
}

pub async fn disable_totp(svc: &crate::Services, actor: i64, user_id: i64, now: i64) -> Result<()> {
    let mut tx = svc.db.begin().await?;
    sqlx::query("UPDATE users SET totp_secret = NULL WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .ctx("disable totp")?;
    audit(
        &mut tx,
        Some(actor),
        "totp_disabled",
        "user",
        &user_id.to_string(),
        "",
        now,
    )
    .await?;
    tx.commit().await.ctx("commit")?;
    svc.user_cache.clear();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totp_round_trip() {
        let s = new_totp_setup("op");
        let code = totp_code(&s.secret_base32, 1_000_000_000).unwrap();
        assert!(totp_matches(&s.secret_base32, &code, 1_000_000_000).unwrap());
        assert!(!totp_matches(&s.secret_base32, &code, 1_000_000_000 + 120_000).unwrap());
    }
}
