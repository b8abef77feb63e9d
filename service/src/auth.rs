//! Sign-in, sessions, TOTP second factor, password resets and permission
//! loading. Session tokens are random; only their SHA-256 is stored.

use crate::db::{Db, Tx};
use crate::error::{DbContext, Result, ServiceError};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use base64::Engine;
use domain::auth::{check_password_strength, CurrentUser, LoginInput, TotpSetup};
use domain::perm::{Action, Module, Permission};
use domain::AppError;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::HashMap;
use std::sync::Mutex;

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Internal(format!("hash password: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A fresh random token, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Counts failed sign-ins per username and per client address in a sliding
/// window, refusing further attempts once over the limit.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, i64)>>,
}

impl LoginLimiter {
    const WINDOW_MS: i64 = 15 * 60_000;
    const PER_USER: u32 = 5;
    const PER_ADDR: u32 = 20;

    fn keys(username: &str, addr: &str) -> [(String, u32); 2] {
        [
            (format!("u:{username}"), Self::PER_USER),
            (format!("a:{addr}"), Self::PER_ADDR),
        ]
    }

    pub fn check(&self, username: &str, addr: &str, now: i64) -> Result<(), AppError> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for (key, limit) in Self::keys(username, addr) {
            if let Some((count, start)) = map.get(&key) {
                if *count >= limit && now - start < Self::WINDOW_MS {
                    let retry_after_s = ((start + Self::WINDOW_MS - now) / 1000).max(1) as u64;
                    return Err(AppError::RateLimited { retry_after_s });
                }
            }
        }
        Ok(())
    }

    pub fn record_failure(&self, username: &str, addr: &str, now: i64) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for (key, _) in Self::keys(username, addr) {
            let e = map.entry(key).or_insert((0, now));
            if now - e.1 >= Self::WINDOW_MS {
                *e = (0, now);
            }
            e.0 += 1;
        }
        if map.len() > 100_000 {
            map.retain(|_, (_, start)| now - *start < Self::WINDOW_MS);
        }
    }

    pub fn record_success(&self, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("u:{username}"));
    }
}

/// Signed-in users with their roles and permissions, kept for a few seconds
/// so a busy screen does not reload them on every call. Every admin change
/// to users, roles or grants clears it, so revocations apply at once in this
/// process (and within `TTL` in another one sharing a PostgreSQL database).
#[derive(Default)]
pub struct UserCache {
    users: Mutex<HashMap<i64, (CurrentUser, std::time::Instant)>>,
}

impl UserCache {
    const TTL: std::time::Duration = std::time::Duration::from_secs(10);

    fn get(&self, id: i64) -> Option<CurrentUser> {
        let map = self.users.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&id)
            .filter(|(_, at)| at.elapsed() < Self::TTL)
            .map(|(u, _)| u.clone())
    }

    fn put(&self, user: &CurrentUser) {
        let mut map = self.users.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            map.clear();
        }
        map.insert(user.id, (user.clone(), std::time::Instant::now()));
    }

    pub fn clear(&self) {
        self.users.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

async fn cached_user(svc: &crate::Services, user_id: i64) -> Result<CurrentUser> {
    if let Some(u) = svc.user_cache.get(user_id) {
        return Ok(u);
    }
    let u = load_user(&svc.db, user_id).await?;
    svc.user_cache.put(&u);
    Ok(u)
}

pub struct SessionTimes {
    pub idle_ms: i64,
    pub max_ms: i64,
}

impl SessionTimes {
    pub fn from_config(c: &crate::Config) -> Self {
        SessionTimes {
            idle_ms: c.session_idle_minutes * 60_000,
            max_ms: c.session_max_hours * 3_600_000,
        }
    }
}

/// Signs in; returns the new session token (for the cookie) and the user.
pub async fn login(
    svc: &crate::Services,
    input: &LoginInput,
    client_addr: &str,
    now: i64,
) -> Result<(String, CurrentUser)> {
    let username = input.username.trim().to_lowercase();
    if username.is_empty() {
        return Err(AppError::field("username", "enter your username").into());
    }
    if input.password.is_empty() {
        return Err(AppError::field("password", "enter your password").into());
    }
    svc.login_limiter.check(&username, client_addr, now)?;
    let row =
        sqlx::query("SELECT id, password_hash, totp_secret, active FROM users WHERE username = $1")
            .bind(&username)
            .fetch_optional(&svc.db.read)
            .await
            .ctx("find user")?;
    let found = match &row {
        Some(r) => Some((
            r.try_get::<i64, _>("id").ctx("decode")?,
            r.try_get::<String, _>("password_hash").ctx("decode")?,
            r.try_get::<Option<String>, _>("totp_secret")
                .ctx("decode")?,
            r.try_get::<i64, _>("active").ctx("decode")? != 0,
        )),
        None => None,
    };
    // Verify against a dummy hash when the user is unknown, so timing does not
    // reveal which usernames exist.
    let dummy = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8yYTmV1kXyOqE1a6+Cq7Kf5e0ZqWIhl2o0UJbqOzY1A";
    let password = input.password.clone();
    let hash = found
        .as_ref()
        .map(|f| f.1.clone())
        .unwrap_or_else(|| dummy.to_string());
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    let Some((user_id, _, totp_secret, active)) = found.filter(|_| ok) else {
        svc.login_limiter
            .record_failure(&username, client_addr, now);
        return Err(AppError::field("password", "username or password is wrong").into());
    };
    if !active {
        return Err(AppError::field("username", "this account is disabled; ask an admin").into());
    }
    if let Some(secret) = totp_secret {
        match input
            .totp_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            None => {
                return Err(AppError::field(
                    "totp_code",
                    "enter the 6-digit code from your authenticator app",
                )
                .into())
            }
            Some(code) => {
                if !totp_matches(&secret, code, now)? {
                    svc.login_limiter
                        .record_failure(&username, client_addr, now);
                    return Err(
                        AppError::field("totp_code", "that code is wrong or expired").into(),
                    );
                }
            }
        }
    }
    svc.login_limiter.record_success(&username);
    let token = new_token();
    let times = SessionTimes::from_config(&svc.config);
    let mut tx = svc.db.begin().await?;
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $3)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(now)
        .bind(now + times.idle_ms)
        .execute(&mut *tx)
        .await
        .ctx("create session")?;
    audit(
        &mut tx,
        Some(user_id),
        "login",
        "user",
        &user_id.to_string(),
        "",
        now,
    )
    .await?;
    tx.commit().await.ctx("commit login")?;
    let user = load_user(&svc.db, user_id).await?;
    Ok((token, user))
}

/// The user behind a session token, extending an idle session as it is used.
pub async fn session_user(svc: &crate::Services, token: &str, now: i64) -> Result<CurrentUser> {
    let row = sqlx::query(
        "SELECT s.user_id, s.created_at, s.expires_at, s.last_seen_at, u.active FROM sessions s \
         JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(&svc.db.read)
    .await
    .ctx("find session")?
    .ok_or(AppError::Unauthenticated)?;
    let user_id: i64 = row.try_get(0).ctx("decode")?;
    let created_at: i64 = row.try_get(1).ctx("decode")?;
    let expires_at: i64 = row.try_get(2).ctx("decode")?;
    let last_seen: i64 = row.try_get(3).ctx("decode")?;
    let active: i64 = row.try_get(4).ctx("decode")?;
    let times = SessionTimes::from_config(&svc.config);
    if now >= expires_at || now - created_at >= times.max_ms || active == 0 {
        return Err(AppError::Unauthenticated.into());
    }
    // Slide the idle expiry at most once a minute, to keep reads read-only.
    if now - last_seen > 60_000 {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(now)
            .bind((now + times.idle_ms).min(created_at + times.max_ms))
            .bind(token_hash(token))
            .execute(&svc.db.write)
            .await
            .ctx("touch session")?;
    }
    cached_user(svc, user_id).await
}

/// Replaces a session token with a fresh one (after sign-in elevation or on
/// the client's schedule), keeping the session's absolute lifetime.
pub async fn refresh(
    svc: &crate::Services,
    token: &str,
    now: i64,
) -> Result<(String, CurrentUser)> {
    let user = session_user(svc, token, now).await?;
    let new = new_token();
    let times = SessionTimes::from_config(&svc.config);
    let sql = match svc.db.backend {
        crate::db::Backend::Sqlite => "UPDATE sessions SET token_hash = $1, last_seen_at = $2, expires_at = MIN($3, created_at + $4) WHERE token_hash = $5",
        crate::db::Backend::Postgres => "UPDATE sessions SET token_hash = $1, last_seen_at = $2, expires_at = LEAST($3, created_at + $4) WHERE token_hash = $5",
    };
    sqlx::query(sql)
        .bind(token_hash(&new))
        .bind(now)
        .bind(now + times.idle_ms)
        .bind(times.max_ms)
        .bind(token_hash(token))
        .execute(&svc.db.write)
        .await
        .ctx("rotate session")?;
    Ok((new, user))
}

pub async fn logout(svc: &crate::Services, token: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&svc.db.write)
        .await
        .ctx("delete session")?;
    Ok(())
}

pub async fn load_user(db: &Db, user_id: i64) -> Result<CurrentUser> {
    let row =
        sqlx::query("SELECT id, username, display_name, totp_secret FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&db.read)
            .await
            .ctx("load user")?
            .ok_or(AppError::Unauthenticated)?;
    let roles: Vec<String> = sqlx::query(
        "SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 ORDER BY r.name",
    )
    .bind(user_id)
    .fetch_all(&db.read)
    .await
    .ctx("load roles")?
    .iter()
    .map(|r| r.try_get::<String, _>(0))
    .collect::<Result<_, _>>()
    .ctx("decode role")?;
    let perm_rows = sqlx::query(
        "SELECT DISTINCT rp.module, rp.action FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id \
         WHERE ur.user_id = $1",
    )
    .bind(user_id)
    .fetch_all(&db.read)
    .await
    .ctx("load permissions")?;
    let mut permissions = Vec::new();
    for r in perm_rows {
        let m: String = r.try_get(0).ctx("decode")?;
        let a: String = r.try_get(1).ctx("decode")?;
        if let (Some(module), Some(action)) = (Module::parse(&m), Action::parse(&a)) {
            permissions.push(Permission::new(module, action));
        }
    }
    permissions.sort();
    Ok(CurrentUser {
        id: row.try_get("id").ctx("decode")?,
        username: row.try_get("username").ctx("decode")?,
        display_name: row.try_get("display_name").ctx("decode")?,
        roles,
        permissions,
        totp_enabled: row
            .try_get::<Option<String>, _>("totp_secret")
            .ctx("decode")?
            .is_some(),
    })
}

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

// ---------- TOTP ----------

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

// ---------- passwords ----------

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limiter_blocks_after_five_failures_per_user_then_recovers() {
        let l = LoginLimiter::default();
        for _ in 0..5 {
            assert!(l.check("op", "1.2.3.4", 0).is_ok());
            l.record_failure("op", "1.2.3.4", 0);
        }
        assert!(matches!(
            l.check("op", "9.9.9.9", 1000),
            Err(AppError::RateLimited { .. })
        ));
        assert!(l.check("other", "9.9.9.9", 1000).is_ok());
        assert!(l.check("op", "1.2.3.4", 16 * 60_000).is_ok());
    }

    #[test]
    fn totp_round_trip() {
        let s = new_totp_setup("op");
        let code = totp_code(&s.secret_base32, 1_000_000_000).unwrap();
        assert!(totp_matches(&s.secret_base32, &code, 1_000_000_000).unwrap());
        assert!(!totp_matches(&s.secret_base32, &code, 1_000_000_000 + 120_000).unwrap());
    }
}
