//! Users: listing, creating, their roles, enabling and disabling, and
//! password-reset links.

use super::grants::{check_may_give, check_may_manage, roles_named, roles_of_user, RoleRef};
use super::ADMIN_ROLE;
use crate::audit::audit;
use crate::auth::{hash_password, issue_reset_in};
use crate::db::Tx;
use crate::error::{is_unique_violation, DbContext, Result};
use crate::idempotency;
use crate::Services;
use domain::auth::{
    check_password_strength, parse_username, CurrentUser, NewUserInput, UserSummary,
};
use domain::perm::{Action, Module};
use domain::time::format_iso;
use domain::AppError;
use sqlx::FromRow;

#[derive(FromRow)]
struct UserListRow {
    id: i64,
    username: String,
    display_name: String,
    active: i64,
    totp_secret: Option<String>,
    created_at: i64,
}

#[derive(FromRow)]
struct UserRoleRow {
    user_id: i64,
    name: String,
}

#[derive(FromRow)]
struct IdRow {
    id: i64,
}

pub async fn list_users(svc: &Services, actor: &CurrentUser) -> Result<Vec<UserSummary>> {
    actor.require(Module::Admin, Action::View)?;
    let rows: Vec<UserListRow> = sqlx::query_as(
        "SELECT id, username, display_name, active, totp_secret, created_at FROM users ORDER BY username",
    )
    .fetch_all(&svc.db.read)
    .await
    .ctx("list users")?;
    let role_rows: Vec<UserRoleRow> = sqlx::query_as(
        "SELECT ur.user_id AS user_id, r.name AS name FROM user_roles ur JOIN roles r ON r.id = ur.role_id ORDER BY r.name",
    )
    .fetch_all(&svc.db.read)
    .await
    .ctx("list user roles")?;
    Ok(rows
        .into_iter()
        .map(|r| UserSummary {
            roles: role_rows
                .iter()
                .filter(|rr| rr.user_id == r.id)
                .map(|rr| rr.name.clone())
                .collect(),
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            active: r.active != 0,
            totp_enabled: r.totp_secret.is_some(),
            created_at: format_iso(r.created_at),
        })
        .collect())
}

/// The username and display name of a new user, checked.
fn check_new_user(input: &NewUserInput) -> Result<(String, String)> {
    let username = parse_username(&input.username)?;
    let display = input.display_name.trim().to_string();
    if display.is_empty() || display.chars().count() > 80 {
        return Err(AppError::field("display_name", "1 to 80 characters").into());
    }
    check_password_strength(&input.password)?;
    if input.roles.is_empty() {
        return Err(AppError::field("roles", "give the user at least one role").into());
    }
    Ok((username, display))
}

async fn insert_user_in(
    tx: &mut Tx,
    actor: Option<i64>,
    username: &str,
    display: &str,
    hash: &str,
    roles: &[RoleRef],
    now: i64,
) -> Result<UserSummary> {
    let res = sqlx::query_as::<_, IdRow>(
        "INSERT INTO users (username, display_name, password_hash, active, created_at) VALUES ($1, $2, $3, 1, $4) RETURNING id",
    )
    .bind(username)
    .bind(display)
    .bind(hash)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .ctx("insert user");
    let user_id = match res {
        Ok(r) => r.id,
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::field("username", "this username is taken").into())
        }
        Err(e) => return Err(e),
    };
    grant_roles(tx, user_id, roles).await?;
    audit(
        tx,
        actor,
        "create",
        "user",
        &user_id.to_string(),
        username,
        now,
    )
    .await?;
    let mut names: Vec<String> = roles.iter().map(|r| r.name.clone()).collect();
    names.sort();
    Ok(UserSummary {
        id: user_id,
        username: username.to_string(),
        display_name: display.to_string(),
        roles: names,
        active: true,
        totp_enabled: false,
        created_at: format_iso(now),
    })
}

async fn grant_roles(tx: &mut Tx, user_id: i64, roles: &[RoleRef]) -> Result<()> {
    for r in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)")
            .bind(user_id)
            .bind(r.id)
            .execute(&mut **tx)
            .await
            .ctx("grant role")?;
    }
    Ok(())
}

/// Creates a user without permission checks (seeding, CLI).
pub async fn insert_user(
    svc: &Services,
    actor: Option<i64>,
    input: &NewUserInput,
    now: i64,
) -> Result<i64> {
    let (username, display) = check_new_user(input)?;
    let hash = hash_password(&input.password).await?;
    let mut tx = svc.db.begin().await?;
    let roles = roles_named(&mut tx, &input.roles).await?;
    let user = insert_user_in(&mut tx, actor, &username, &display, &hash, &roles, now).await?;
    tx.commit().await.ctx("commit user")?;
    Ok(user.id)
}

/// Creates a user with roles the actor may give. A retry with the same
/// idempotency key gets the first answer.
pub async fn create_user(
    svc: &Services,
    actor: &CurrentUser,
    input: &NewUserInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<UserSummary> {
    const SCOPE: &str = "admin.users.create";
    actor.require(Module::Admin, Action::Create)?;
    let (username, display) = check_new_user(input)?;
    // Recorded without the password: it must not go into a stored fast hash.
    let request = (&username, &display, &input.roles);
    if let Some(done) = idempotency::replay(&svc.db, actor.id, idem_key, SCOPE, &request).await? {
        return Ok(done);
    }
    let hash = hash_password(&input.password).await?;
    let (username, display, hash) = (&username, &display, &hash);
    let (user, _) = idempotency::run_once(
        &svc.db,
        actor.id,
        idem_key,
        SCOPE,
        &request,
        now,
        |mut tx: Tx| {
            Box::pin(async move {
                let roles = roles_named(&mut tx, &input.roles).await?;
                check_may_give(&mut tx, actor, &roles).await?;
                let user = insert_user_in(
                    &mut tx,
                    Some(actor.id),
                    username,
                    display,
                    hash,
                    &roles,
                    now,
                )
                .await?;
                Ok((tx, user))
            })
        },
    )
    .await?;
    Ok(user)
}

/// Replaces a user's whole set of roles. Roles added must be ones the actor
/// may give; the admin role is given or taken by an admin only.
pub async fn set_user_roles(
    svc: &Services,
    actor: &CurrentUser,
    user_id: i64,
    roles: &[String],
    idem_key: Option<&str>,
    now: i64,
) -> Result<()> {
    actor.require(Module::Admin, Action::Update)?;
    if roles.is_empty() {
        return Err(AppError::field("roles", "give the user at least one role").into());
    }
    if user_id == actor.id
        && !roles.iter().any(|r| r == ADMIN_ROLE)
        && actor.roles.iter().any(|r| r == ADMIN_ROLE)
    {
        return Err(AppError::field("roles", "you cannot remove your own admin role").into());
    }
    let request = (user_id, roles);
    idempotency::run_once(
        &svc.db,
        actor.id,
        idem_key,
        "admin.users.roles",
        &request,
        now,
        |mut tx: Tx| {
            Box::pin(async move {
                let wanted = roles_named(&mut tx, roles).await?;
                let current = roles_of_user(&mut tx, user_id).await?;
                if current.is_empty() {
                    require_user(&mut tx, user_id).await?;
                }
                check_may_manage(&mut tx, actor, &current).await?;
                let added: Vec<RoleRef> = wanted
                    .iter()
                    .filter(|w| !current.iter().any(|c| c.id == w.id))
                    .cloned()
                    .collect();
                check_may_give(&mut tx, actor, &added).await?;
                sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .ctx("clear roles")?;
                grant_roles(&mut tx, user_id, &wanted).await?;
                let mut names: Vec<&str> = wanted.iter().map(|r| r.name.as_str()).collect();
                names.sort();
                audit(
                    &mut tx,
                    Some(actor.id),
                    "set_roles",
                    "user",
                    &user_id.to_string(),
                    &names.join(","),
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

async fn require_user(tx: &mut Tx, user_id: i64) -> Result<()> {
    sqlx::query_as::<_, IdRow>("SELECT id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await
        .ctx("find user")?
        .ok_or_else(|| AppError::not_found(format!("User #{user_id}")))?;
    Ok(())
}

pub async fn set_user_active(
    svc: &Services,
    actor: &CurrentUser,
    user_id: i64,
    active: bool,
    idem_key: Option<&str>,
    now: i64,
) -> Result<()> {
    actor.require(Module::Admin, Action::Update)?;
    if user_id == actor.id && !active {
        return Err(AppError::field("active", "you cannot disable your own account").into());
    }
    let request = (user_id, active);
    idempotency::run_once(
        &svc.db,
        actor.id,
        idem_key,
        "admin.users.active",
        &request,
        now,
        |mut tx: Tx| {
            Box::pin(async move {
                require_user(&mut tx, user_id).await?;
                let current = roles_of_user(&mut tx, user_id).await?;
                check_may_manage(&mut tx, actor, &current).await?;
                sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
                    .bind(active as i64)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .ctx("set active")?;
                if !active {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .ctx("end sessions")?;
                }
                let what = if active { "enable" } else { "disable" };
                audit(
                    &mut tx,
                    Some(actor.id),
                    what,
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

/// Issues a one-time password-reset token for a user the actor may manage,
/// revoking that user's older tokens. A retry with the same idempotency key
/// gets the first token back (it is kept with the key as long as both live).
pub async fn issue_reset(
    svc: &Services,
    actor: &CurrentUser,
    username: &str,
    idem_key: Option<&str>,
    now: i64,
) -> Result<String> {
    actor.require(Module::Admin, Action::Update)?;
    let username = &username.trim().to_lowercase();
    let request = username;
    let (token, _) = idempotency::run_once(
        &svc.db,
        actor.id,
        idem_key,
        "admin.users.reset",
        request,
        now,
        |mut tx: Tx| {
            Box::pin(async move {
                let target: IdRow = sqlx::query_as("SELECT id FROM users WHERE username = $1")
                    .bind(username)
                    .fetch_optional(&mut *tx)
                    .await
                    .ctx("find user")?
                    .ok_or_else(|| AppError::field("username", "no such user"))?;
                let current = roles_of_user(&mut tx, target.id).await?;
                check_may_manage(&mut tx, actor, &current).await?;
                let (_, token) = issue_reset_in(&mut tx, Some(actor.id), username, now).await?;
                Ok((tx, token))
            })
        },
    )
    .await?;
    Ok(token)
}
