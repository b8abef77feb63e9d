//! Users, roles, permissions and the audit log (the admin module).

use crate::auth::{audit, hash_password};
use crate::error::{is_unique_violation, DbContext, Result};
use crate::Services;
use domain::auth::{
    check_password_strength, parse_username, AuditEntry, CurrentUser, NewUserInput, RoleView,
    UserSummary,
};
use domain::perm::{Action, Module, Permission};
use domain::time::format_iso;
use domain::AppError;
use sqlx::Row;

pub async fn list_users(svc: &Services, actor: &CurrentUser) -> Result<Vec<UserSummary>> {
    actor.require(Module::Admin, Action::View)?;
    let rows = sqlx::query("SELECT id, username, display_name, active, totp_secret, created_at FROM users ORDER BY username")
        .fetch_all(&svc.db.read)
        .await
        .ctx("list users")?;
    let role_rows = sqlx::query("SELECT ur.user_id, r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id ORDER BY r.name")
        .fetch_all(&svc.db.read)
        .await
        .ctx("list user roles")?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("id").ctx("decode")?;
        let mut roles = Vec::new();
        for rr in &role_rows {
            if rr.try_get::<i64, _>(0).ctx("decode")? == id {
                roles.push(rr.try_get::<String, _>(1).ctx("decode")?);
            }
        }
        out.push(UserSummary {
            id,
            username: r.try_get("username").ctx("decode")?,
            display_name: r.try_get("display_name").ctx("decode")?,
            roles,
            active: r.try_get::<i64, _>("active").ctx("decode")? != 0,
            totp_enabled: r
                .try_get::<Option<String>, _>("totp_secret")
                .ctx("decode")?
                .is_some(),
            created_at: format_iso(r.try_get("created_at").ctx("decode")?),
        });
    }
    Ok(out)
}

async fn role_ids(tx: &mut crate::db::Tx, names: &[String]) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    for n in names {
        let id: i64 = sqlx::query("SELECT id FROM roles WHERE name = $1")
            .bind(n.trim())
            .fetch_optional(&mut **tx)
            .await
            .ctx("find role")?
            .ok_or_else(|| AppError::field("roles", format!("no role named {n:?}")))?
            .try_get(0)
            .ctx("decode")?;
        ids.push(id);
    }
    Ok(ids)
}

/// Creates a user without going through permission checks (seeding, CLI).
pub async fn insert_user(
    svc: &Services,
    actor: Option<i64>,
    input: &NewUserInput,
    now: i64,
) -> Result<i64> {
    let username = parse_username(&input.username)?;
    let display = input.display_name.trim();
    if display.is_empty() || display.chars().count() > 80 {
        return Err(AppError::field("display_name", "1 to 80 characters").into());
    }
    check_password_strength(&input.password)?;
    if input.roles.is_empty() {
        return Err(AppError::field("roles", "give the user at least one role").into());
    }
    let hash = hash_password(&input.password)?;
    let mut tx = svc.db.begin().await?;
    let ids = role_ids(&mut tx, &input.roles).await?;
    let res = sqlx::query("INSERT INTO users (username, display_name, password_hash, active, created_at) VALUES ($1, $2, $3, 1, $4) RETURNING id")
        .bind(&username)
        .bind(display)
        .bind(hash)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .ctx("insert user");
    let user_id: i64 = match res {
        Ok(r) => r.try_get(0).ctx("decode")?,
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::field("username", "this username is taken").into())
        }
        Err(e) => return Err(e),
    };
    for rid in ids {
        sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)")
            .bind(user_id)
            .bind(rid)
            .execute(&mut *tx)
            .await
            .ctx("grant role")?;
    }
    audit(
        &mut tx,
        actor,
        "create",
        "user",
        &user_id.to_string(),
        &username,
        now,
    )
    .await?;
    tx.commit().await.ctx("commit user")?;
    Ok(user_id)
}

pub async fn create_user(
    svc: &Services,
    actor: &CurrentUser,
    input: &NewUserInput,
    now: i64,
) -> Result<UserSummary> {
    actor.require(Module::Admin, Action::Create)?;
    let id = insert_user(svc, Some(actor.id), input, now).await?;
    list_users(svc, actor)
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or_else(|| AppError::Internal.into())
}

pub async fn set_user_roles(
    svc: &Services,
    actor: &CurrentUser,
    user_id: i64,
    roles: &[String],
    now: i64,
) -> Result<()> {
    actor.require(Module::Admin, Action::Update)?;
    if roles.is_empty() {
        return Err(AppError::field("roles", "give the user at least one role").into());
    }
    if user_id == actor.id
        && !roles.iter().any(|r| r == "admin")
        && actor.roles.iter().any(|r| r == "admin")
    {
        return Err(AppError::field("roles", "you cannot remove your own admin role").into());
    }
    let mut tx = svc.db.begin().await?;
    let ids = role_ids(&mut tx, roles).await?;
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .ctx("clear roles")?;
    for rid in ids {
        sqlx::query("INSERT INTO user_roles (user_id, role_id) VALUES ($1, $2)")
            .bind(user_id)
            .bind(rid)
            .execute(&mut *tx)
            .await
            .ctx("grant role")?;
    }
    audit(
        &mut tx,
        Some(actor.id),
        "set_roles",
        "user",
        &user_id.to_string(),
        &roles.join(","),
        now,
    )
    .await?;
    tx.commit().await.ctx("commit roles")?;
    svc.user_cache.clear();
    Ok(())
}

pub async fn set_user_active(
    svc: &Services,
    actor: &CurrentUser,
    user_id: i64,
    active: bool,
    now: i64,
) -> Result<()> {
    actor.require(Module::Admin, Action::Update)?;
    if user_id == actor.id && !active {
        return Err(AppError::field("active", "you cannot disable your own account").into());
    }
    let mut tx = svc.db.begin().await?;
    let n = sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(active as i64)
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .ctx("set active")?
        .rows_affected();
    if n == 0 {
        return Err(AppError::not_found(format!("User #{user_id}")).into());
    }
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
    tx.commit().await.ctx("commit")?;
    svc.user_cache.clear();
    Ok(())
}

pub async fn issue_reset(
    svc: &Services,
    actor: &CurrentUser,
    username: &str,
    now: i64,
) -> Result<String> {
    actor.require(Module::Admin, Action::Update)?;
    crate::auth::issue_password_reset(&svc.db, Some(actor.id), username, now).await
}

pub async fn list_roles(svc: &Services, actor: &CurrentUser) -> Result<Vec<RoleView>> {
    actor.require(Module::Admin, Action::View)?;
    let roles = sqlx::query("SELECT id, name, description FROM roles ORDER BY id")
        .fetch_all(&svc.db.read)
        .await
        .ctx("list roles")?;
    let perms = sqlx::query("SELECT role_id, module, action FROM role_permissions")
        .fetch_all(&svc.db.read)
        .await
        .ctx("list role permissions")?;
    let mut out = Vec::new();
    for r in roles {
        let id: i64 = r.try_get(0).ctx("decode")?;
        let mut permissions = Vec::new();
        for p in &perms {
            if p.try_get::<i64, _>(0).ctx("decode")? != id {
                continue;
            }
            let m: String = p.try_get(1).ctx("decode")?;
            let a: String = p.try_get(2).ctx("decode")?;
            if let (Some(m), Some(a)) = (Module::parse(&m), Action::parse(&a)) {
                permissions.push(Permission::new(m, a));
            }
        }
        permissions.sort();
        out.push(RoleView {
            id,
            name: r.try_get(1).ctx("decode")?,
            description: r.try_get(2).ctx("decode")?,
            permissions,
        });
    }
    Ok(out)
}

/// Grants or revokes one permission of a role.
pub async fn set_role_permission(
    svc: &Services,
    actor: &CurrentUser,
    role_id: i64,
    permission: Permission,
    granted: bool,
    now: i64,
) -> Result<()> {
    actor.require(Module::Admin, Action::Update)?;
    let mut tx = svc.db.begin().await?;
    let name: String = sqlx::query("SELECT name FROM roles WHERE id = $1")
        .bind(role_id)
        .fetch_optional(&mut *tx)
        .await
        .ctx("find role")?
        .ok_or_else(|| AppError::not_found(format!("Role #{role_id}")))?
        .try_get(0)
        .ctx("decode")?;
    if name == "admin" && permission.module == Module::Admin && !granted {
        return Err(
            AppError::field("permission", "the admin role keeps its admin permissions").into(),
        );
    }
    if granted {
        sqlx::query("INSERT INTO role_permissions (role_id, module, action) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(role_id)
            .bind(permission.module.as_str())
            .bind(permission.action.as_str())
            .execute(&mut *tx)
            .await
            .ctx("grant")?;
    } else {
        sqlx::query(
            "DELETE FROM role_permissions WHERE role_id = $1 AND module = $2 AND action = $3",
        )
        .bind(role_id)
        .bind(permission.module.as_str())
        .bind(permission.action.as_str())
        .execute(&mut *tx)
        .await
        .ctx("revoke")?;
    }
    let detail = format!(
        "{} {} {}",
        if granted { "grant" } else { "revoke" },
        permission.module,
        permission.action
    );
    audit(
        &mut tx,
        Some(actor.id),
        "set_permission",
        "role",
        &name,
        &detail,
        now,
    )
    .await?;
    tx.commit().await.ctx("commit")?;
    svc.user_cache.clear();
    Ok(())
}

pub async fn audit_log(svc: &Services, actor: &CurrentUser, limit: i64) -> Result<Vec<AuditEntry>> {
    actor.require(Module::Admin, Action::View)?;
    let rows = sqlx::query(
        "SELECT a.at, u.username, a.action, a.entity, a.entity_id, a.detail FROM audit_log a \
         LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id DESC LIMIT $1",
    )
    .bind(limit.clamp(1, 1000))
    .fetch_all(&svc.db.read)
    .await
    .ctx("read audit log")?;
    rows.iter()
        .map(|r| {
            Ok(AuditEntry {
                at: format_iso(r.try_get(0)?),
                user: r.try_get(1)?,
                action: r.try_get(2)?,
                entity: r.try_get(3)?,
                entity_id: r.try_get(4)?,
                detail: r.try_get(5)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .ctx("decode audit")
}
