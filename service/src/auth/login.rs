//! Signing in: durable attempt limits reserved before the password is
//! checked, the second factor with replay protection, and an audit entry for
//! every failed or refused attempt (never the password).

use super::limiter::{self, Limit, Reservation, Scope};
use super::sessions::{new_token, token_hash, SessionTimes};
use super::{audit, load_user, totp, verify_password};
use crate::error::{DbContext, Result, ServiceError};
use crate::Services;
use domain::auth::{CurrentUser, LoginInput};
use domain::AppError;
use sqlx::FromRow;

/// A hash to verify against when the username is unknown, so the answer
/// takes as long as for a real user and does not reveal which names exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$8yYTmV1kXyOqE1a6+Cq7Kf5e0ZqWIhl2o0UJbqOzY1A";

#[derive(FromRow)]
struct LoginRow {
    id: i64,
    password_hash: String,
    totp_secret: Option<String>,
    active: i64,
}

/// Writes an audit entry for a sign-in that did not succeed, in its own
/// transaction: the username attempted and the address, never the password.
pub(crate) async fn audit_attempt(
    svc: &Services,
    user_id: Option<i64>,
    action: &str,
    username: &str,
    client_addr: &str,
    reason: &str,
    now: i64,
) -> Result<()> {
    let username: String = username.chars().take(100).collect();
    let detail = format!("username={username:?} address={client_addr:?} reason={reason}");
    let mut tx = svc.db.begin().await?;
    audit(
        &mut tx,
        user_id,
        action,
        "user",
        &user_id.map(|id| id.to_string()).unwrap_or_default(),
        &detail,
        now,
    )
    .await?;
    tx.commit().await.ctx("commit audit")?;
    Ok(())
}

/// The counters a sign-in reserves, narrowest first: the (username,
/// address) pair locks after a few failures, the address after more, and
/// the username across all addresses only after many, so a guesser at one
/// address cannot lock a user (say, the admin) out from everywhere else.
fn login_limits(svc: &Services, username: &str, client_addr: &str) -> [Limit; 3] {
    let l = &svc.config.auth_limits;
    [
        Limit {
            scope: Scope::Pair,
            key: limiter::key(&[username, &limiter::client_key(client_addr)]),
            max: l.per_pair,
        },
        Limit {
            scope: Scope::Address,
            key: limiter::key(&[&limiter::client_key(client_addr)]),
            max: l.per_address,
        },
        Limit {
            scope: Scope::Username,
            key: limiter::key(&[username]),
            max: l.per_username,
        },
    ]
}

/// Signs in; returns the new session token (for the cookie) and the user.
pub async fn login(
    svc: &Services,
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
    let found: Option<LoginRow> = sqlx::query_as(
        "SELECT id, password_hash, totp_secret, active FROM users WHERE username = $1",
    )
    .bind(&username)
    .fetch_optional(&svc.db.read)
    .await
    .ctx("find user")?;
    let user_id = found.as_ref().map(|f| f.id);
    let limits = login_limits(svc, &username, client_addr);
    let held = match limiter::reserve_checked(svc, &limits, now).await? {
        Ok(held) => held,
        Err(refused) => {
            // Audited when the lock starts, not for every refused request
            // after it (which would let anyone grow the log without bound).
            if refused.first {
                audit_attempt(
                    svc,
                    user_id,
                    "login_locked",
                    &username,
                    client_addr,
                    "locked",
                    now,
                )
                .await?;
            }
            return Err(refused.error.into());
        }
    };
    let fail = |reason: &'static str, err: AppError| async move {
        audit_attempt(
            svc,
            user_id,
            "login_failed",
            &username,
            client_addr,
            reason,
            now,
        )
        .await?;
        Err::<(String, CurrentUser), ServiceError>(err.into())
    };
    let hash = found
        .as_ref()
        .map(|f| f.password_hash.as_str())
        .unwrap_or(DUMMY_HASH);
    let ok = verify_password(&input.password, hash).await?;
    let user = match found {
        Some(u) if ok => u,
        _ => {
            return fail(
                "password",
                AppError::field("password", "username or password is wrong"),
            )
            .await
        }
    };
    if user.active == 0 {
        return fail(
            "disabled",
            AppError::field("username", "this account is disabled; ask an admin"),
        )
        .await;
    }
    let step = match &user.totp_secret {
        None => None,
        Some(secret) => {
            let code = input
                .totp_code
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty());
            let Some(code) = code else {
                // The password was right: asking for the code is no failure.
                limiter::release(svc, &held).await?;
                return Err(AppError::field(
                    "totp_code",
                    "enter the 6-digit code from your authenticator app",
                )
                .into());
            };
            match totp::matched_step(secret, code, now)? {
                Some(step) => Some(step),
                None => {
                    return fail(
                        "totp_code",
                        AppError::field("totp_code", "that code is wrong or expired"),
                    )
                    .await
                }
            }
        }
    };
    let token = new_token();
    let times = SessionTimes::from_config(&svc.config);
    let mut tx = svc.db.begin().await?;
    if let Some(step) = step {
        if !totp::accept_step(&mut tx, user.id, step).await? {
            drop(tx);
            return fail(
                "totp_replay",
                AppError::field(
                    "totp_code",
                    "that code was already used; wait for the next one",
                ),
            )
            .await;
        }
    }
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $3)")
        .bind(token_hash(&token))
        .bind(user.id)
        .bind(now)
        .bind(now + times.idle_ms)
        .execute(&mut *tx)
        .await
        .ctx("create session")?;
    audit(
        &mut tx,
        Some(user.id),
        "login",
        "user",
        &user.id.to_string(),
        &format!("address={client_addr:?}"),
        now,
    )
    .await?;
    tx.commit().await.ctx("commit login")?;
    forgive(svc, &held, &limits[0]).await?;
    let user = load_user(&svc.db, user.id).await?;
    Ok((token, user))
}

/// After a successful sign-in: the pair's failures are forgotten and the
/// attempt no longer counts against the address or the username.
async fn forgive(svc: &Services, held: &[Reservation], pair: &Limit) -> Result<()> {
    limiter::release(svc, held.get(1..).unwrap_or_default()).await?;
    limiter::clear(svc, pair.scope, &pair.key).await
}
