//! Sign-in, sessions (random tokens; only their SHA-256 is stored), and
//! loading the signed-in user with their roles and permissions.

use crate::db::Db;
use crate::error::{DbContext, Result, ServiceError};
use base64::Engine;
use domain::auth::CurrentUser;
use domain::perm::{Action, Module, Permission};
use domain::AppError;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::FromRow;
use std::collections::HashMap;
use std::sync::Mutex;

/// A fresh random token, URL-safe.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
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

/// The user behind a session token, extending an idle session as it is used.
pub async fn session_user(svc: &crate::Services, token: &str, now: i64) -> Result<CurrentUser> {
    let row: SessionRow = sqlx::query_as(
        "SELECT s.user_id, s.created_at, s.expires_at, s.last_seen_at, u.active FROM sessions s \
         JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(token_hash(token))
    .fetch_optional(&svc.db.read)
    .await
    .ctx("find session")?
    .ok_or(AppError::Unauthenticated)?;
    let SessionRow {
        user_id,
        created_at,
        expires_at,
        last_seen_at: last_seen,
        active,
    } = row;
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

#[derive(FromRow)]
struct SessionRow {
    user_id: i64,
    created_at: i64,
    expires_at: i64,
    last_seen_at: i64,
    active: i64,
}

#[derive(FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    totp_secret: Option<String>,
}

#[derive(FromRow)]
struct NameRow {
    name: String,
}

#[derive(FromRow)]
pub(crate) struct PermissionRow {
    pub module: String,
    pub action: String,
}

impl PermissionRow {
    /// An unknown module or action in the table is an error, never skipped
    /// or defaulted.
    pub(crate) fn parse(&self) -> Result<Permission> {
        match (Module::parse(&self.module), Action::parse(&self.action)) {
            (Some(m), Some(a)) => Ok(Permission::new(m, a)),
            _ => Err(ServiceError::Internal(format!(
                "unknown permission {:?} {:?} in role_permissions",
                self.module, self.action
            ))),
        }
    }
}

/// The permissions a set of roles grants, read in the caller's transaction.
pub(crate) async fn permissions_of_roles(
    tx: &mut crate::db::Tx,
    role_ids: &[i64],
) -> Result<Vec<Permission>> {
    let mut out = Vec::new();
    for id in role_ids {
        let rows: Vec<PermissionRow> =
            sqlx::query_as("SELECT module, action FROM role_permissions WHERE role_id = $1")
                .bind(id)
                .fetch_all(&mut **tx)
                .await
                .ctx("load role permissions")?;
        for r in rows {
            out.push(r.parse()?);
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

pub async fn load_user(db: &Db, user_id: i64) -> Result<CurrentUser> {
    let row: UserRow =
        sqlx::query_as("SELECT id, username, display_name, totp_secret FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&db.read)
            .await
            .ctx("load user")?
            .ok_or(AppError::Unauthenticated)?;
    let roles: Vec<NameRow> = sqlx::query_as(
        "SELECT r.name AS name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 ORDER BY r.name",
    )
    .bind(user_id)
    .fetch_all(&db.read)
    .await
    .ctx("load roles")?;
    let perm_rows: Vec<PermissionRow> = sqlx::query_as(
        "SELECT DISTINCT rp.module AS module, rp.action AS action FROM user_roles ur \
         JOIN role_permissions rp ON rp.role_id = ur.role_id WHERE ur.user_id = $1",
    )
    .bind(user_id)
    .fetch_all(&db.read)
    .await
    .ctx("load permissions")?;
    let mut permissions = perm_rows
        .iter()
        .map(PermissionRow::parse)
        .collect::<Result<Vec<_>>>()?;
    permissions.sort();
    Ok(CurrentUser {
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        roles: roles.into_iter().map(|r| r.name).collect(),
        permissions,
        totp_enabled: row.totp_secret.is_some(),
    })
}
