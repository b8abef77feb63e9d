//! Roles, their permissions, and the audit log.

use super::grants::{check_holds, is_admin};
use super::ADMIN_ROLE;
use crate::audit::audit;
use crate::auth::PermissionRow;
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::idempotency;
use crate::Services;
use domain::auth::{AuditEntry, CurrentUser, RoleView};
use domain::perm::{Action, Module, Permission};
use domain::time::format_iso;
use domain::AppError;
use sqlx::FromRow;

#[derive(FromRow)]
struct RoleRow {
    id: i64,
    name: String,
    description: String,
}

#[derive(FromRow)]
struct RolePermissionRow {
    role_id: i64,
    #[sqlx(flatten)]
    permission: PermissionRow,
}

#[derive(FromRow)]
struct NameRow {
    name: String,
}

#[derive(FromRow)]
struct AuditRow {
    at: i64,
    username: Option<String>,
    action: String,
    entity: String,
    entity_id: String,
    detail: String,
}

pub async fn list_roles(svc: &Services, actor: &CurrentUser) -> Result<Vec<RoleView>> {
    actor.require(Module::Admin, Action::View)?;
    let roles: Vec<RoleRow> = sqlx::query_as("SELECT id, name, description FROM roles ORDER BY id")
        .fetch_all(&svc.db.read)
        .await
        .ctx("list roles")?;
    let perms: Vec<RolePermissionRow> =
        sqlx::query_as("SELECT role_id, module, action FROM role_permissions")
            .fetch_all(&svc.db.read)
            .await
            .ctx("list role permissions")?;
    let mut out = Vec::with_capacity(roles.len());
    for r in roles {
        let mut permissions = Vec::new();
        for p in perms.iter().filter(|p| p.role_id == r.id) {
            permissions.push(p.permission.parse()?);
        }
        permissions.sort();
        out.push(RoleView {
            id: r.id,
            name: r.name,
            description: r.description,
            permissions,
        });
    }
    Ok(out)
}

/// Grants or revokes one permission of a role. The actor must hold the
/// permission themselves, and only an admin changes the admin role.
pub async fn set_role_permission(
    svc: &Services,
    actor: &CurrentUser,
    role_id: i64,
    permission: Permission,
    granted: bool,
    idem_key: Option<&str>,
    now: i64,
) -> Result<()> {
    actor.require(Module::Admin, Action::Update)?;
    check_holds(actor, &[permission])?;
    let request = (role_id, permission, granted);
    idempotency::run_once(&svc.db, actor.id, idem_key, "admin.roles.permission", &request, now, |mut tx: Tx| {
        Box::pin(async move {
            let role: NameRow = sqlx::query_as("SELECT name FROM roles WHERE id = $1")
                .bind(role_id)
                .fetch_optional(&mut *tx)
                .await
                .ctx("find role")?
                .ok_or_else(|| AppError::not_found(format!("Role #{role_id}")))?;
            if role.name == ADMIN_ROLE {
                if !is_admin(actor) {
                    return Err(AppError::Forbidden {
                        module: "admin".into(),
                        action: "ADMIN".into(),
                    }
                    .into());
                }
                if permission.module == Module::Admin && !granted {
                    return Err(AppError::field(
                        "permission",
                        "the admin role keeps its admin permissions",
                    )
                    .into());
                }
            }
            let sql = if granted {
                "INSERT INTO role_permissions (role_id, module, action) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
            } else {
                "DELETE FROM role_permissions WHERE role_id = $1 AND module = $2 AND action = $3"
            };
            sqlx::query(sql)
                .bind(role_id)
                .bind(permission.module.as_str())
                .bind(permission.action.as_str())
                .execute(&mut *tx)
                .await
                .ctx("set role permission")?;
            let detail = format!(
                "{} {} {}",
                if granted { "grant" } else { "revoke" },
                permission.module,
                permission.action
            );
            audit(&mut tx, Some(actor.id), "set_permission", "role", &role.name, &detail, now)
                .await?;
            Ok((tx, ()))
        })
    })
    .await?;
    svc.user_cache.clear();
    Ok(())
}

pub async fn audit_log(svc: &Services, actor: &CurrentUser, limit: i64) -> Result<Vec<AuditEntry>> {
    actor.require(Module::Admin, Action::View)?;
    let rows: Vec<AuditRow> = sqlx::query_as(
        "SELECT a.at AS at, u.username AS username, a.action AS action, a.entity AS entity, \
         a.entity_id AS entity_id, a.detail AS detail FROM audit_log a \
         LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id DESC LIMIT $1",
    )
    .bind(limit.clamp(1, 1000))
    .fetch_all(&svc.db.read)
    .await
    .ctx("read audit log")?;
    Ok(rows
        .into_iter()
        .map(|r| AuditEntry {
            at: format_iso(r.at),
            user: r.username,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            detail: r.detail,
        })
        .collect())
}
