//! TOTP second factor: set-up, checking codes (each time step accepted once
//! per user, so a code seen over a shoulder cannot be replayed), turning it
//! on and off (both need the current password or a current code).

use super::account::confirm_identity;
use super::audit;
use crate::db::Tx;
use crate::error::{DbContext, Result, ServiceError};
use crate::idempotency;
use crate::Services;
use domain::auth::{CurrentUser, TotpDisableInput, TotpEnableInput, TotpSetup};
use domain::AppError;
use rand::RngCore;
use subtle::ConstantTimeEq;

/// Seconds per code.
const PERIOD_S: i64 = 30;

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

/// The time step a code belongs to, among the previous, current and next
/// steps (clock skew), compared in constant time; the latest step wins.
pub(crate) fn matched_step(secret_b32: &str, code: &str, now_ms: i64) -> Result<Option<i64>> {
    let totp = totp_for(secret_b32)?;
    let code = code.trim().as_bytes();
    let now_step = now_ms.div_euclid(1000) / PERIOD_S;
    let mut found = None;
    for step in [now_step - 1, now_step, now_step + 1] {
        if step < 0 {
            continue;
        }
        let expected = totp.generate((step * PERIOD_S) as u64);
        if bool::from(expected.as_bytes().ct_eq(code)) {
            found = Some(step);
        }
    }
    Ok(found)
}

/// Records `step` as the user's last accepted one, atomically, only when it
/// is later than the last: false means the code was already used.
pub(crate) async fn accept_step(tx: &mut Tx, user_id: i64, step: i64) -> Result<bool> {
    let n = sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .execute(&mut **tx)
    .await
    .ctx("accept totp step")?
    .rows_affected();
    Ok(n == 1)
}

/// Turns on TOTP (or replaces the secret) once the user's app proves it has
/// the secret and the user confirms with the current password (or, when a
/// secret is already in use, a current code from it).
pub async fn enable_totp(
    svc: &Services,
    user: &CurrentUser,
    input: &TotpEnableInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<()> {
    const SCOPE: &str = "auth.totp.enable";
    if let Some(done) = idempotency::replay(&svc.db, user.id, idem_key, SCOPE, &user.id).await? {
        return Ok(done);
    }
    let secret = input.secret.trim().to_string();
    let restart = || AppError::field("secret", "start the set-up again");
    if secret.len() < 16 || secret.len() > 128 {
        return Err(restart().into());
    }
    let step = match matched_step(&secret, &input.code, now) {
        Ok(Some(step)) => step,
        Ok(None) => {
            return Err(AppError::field(
                "totp_code",
                "that code does not match; check the phone's clock and try again",
            )
            .into())
        }
        Err(_) => return Err(restart().into()),
    };
    confirm_identity(
        svc,
        user.id,
        &input.current_password,
        input.current_code.as_deref(),
        now,
    )
    .await?;
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
                // The enrolment code is spent: it cannot also sign in.
                sqlx::query("UPDATE users SET totp_secret = $1, totp_last_step = $2 WHERE id = $3")
                    .bind(&secret)
                    .bind(step)
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
                Ok((tx, ()))
            })
        },
    )
    .await?;
    svc.user_cache.clear();
    Ok(())
}

/// Turns TOTP off for the signed-in user, who confirms with the current
/// password or a current code.
pub async fn disable_totp(
    svc: &Services,
    user: &CurrentUser,
    input: &TotpDisableInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<()> {
    const SCOPE: &str = "auth.totp.disable";
    if let Some(done) = idempotency::replay(&svc.db, user.id, idem_key, SCOPE, &user.id).await? {
        return Ok(done);
    }
    confirm_identity(
        svc,
        user.id,
        &input.current_password,
        input.current_code.as_deref(),
        now,
    )
    .await?;
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
                sqlx::query(
                    "UPDATE users SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1",
                )
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .ctx("disable totp")?;
                audit(
                    &mut tx,
                    Some(user_id),
                    "totp_disabled",
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

    #[test]
    fn matched_step_finds_the_codes_step_within_one_step_of_skew() {
        let s = new_totp_setup("op");
        let t = 1_000_000_020_000; // 20 s into a step
        let step = t / 1000 / 30;
        let code = totp_code(&s.secret_base32, t).unwrap();
        assert_eq!(
            matched_step(&s.secret_base32, &code, t).unwrap(),
            Some(step)
        );
        assert_eq!(
            matched_step(&s.secret_base32, &code, t + 30_000).unwrap(),
            Some(step)
        );
        assert_eq!(
            matched_step(&s.secret_base32, &code, t + 90_000).unwrap(),
            None
        );
        assert_eq!(matched_step(&s.secret_base32, "12345", t).unwrap(), None);
    }
}
