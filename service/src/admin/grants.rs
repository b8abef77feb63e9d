//! Who may hand out what: a user gives only permissions they hold, only an
//! admin gives (or takes) the admin role, and only a user holding at least
//! a target's permissions manages that target (roles, disabling, reset
//! links: a reset link for a stronger account would be a way to become it).

use super::ADMIN_ROLE;
use crate::auth::permissions_of_roles;
use crate::db::Tx;
use crate::error::{DbContext, Result};
use domain::auth::CurrentUser;
use domain::perm::Permission;
use domain::AppError;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow)]
pub(crate) struct RoleRef {
    pub id: i64,
    pub name: String,
}

pub(crate) fn is_admin(actor: &CurrentUser) -> bool {
    actor.roles.iter().any(|r| r == ADMIN_ROLE)
}

/// Only an admin gives, takes or manages the admin role.
fn admin_role_refused() -> AppError {
    AppError::Forbidden {
        module: "admin".into(),
        action: "ADMIN".into(),
    }
}

/// Refuses the first permission in `wanted` the actor does not hold.
pub(crate) fn check_holds(actor: &CurrentUser, wanted: &[Permission]) -> Result<()> {
    match wanted.iter().find(|p| !actor.permissions.contains(p)) {
        Some(p) => Err(AppError::Forbidden {
            module: p.module.as_str().into(),
            action: p.action.as_str().into(),
        }
        .into()),
        None => Ok(()),
    }
}

/// The roles with these names (each once), or a field error naming the unknown one.
pub(crate) async fn roles_named(tx: &mut Tx, names: &[String]) -> Result<Vec<RoleRef>> {
    let mut out: Vec<RoleRef> = Vec::new();
    for n in names {
        let role: RoleRef = sqlx::query_as("SELECT id, name FROM roles WHERE name = $1")
            .bind(n.trim())
            .fetch_optional(&mut **tx)
            .await
            .ctx("find role")?
            .ok_or_else(|| AppError::field("roles", format!("no role named {n:?}")))?;
        if !out.iter().any(|r| r.id == role.id) {
            out.push(role);
        }
    }
    Ok(out)
}

pub(crate) async fn roles_of_user(tx: &mut Tx, user_id: i64) -> Result<Vec<RoleRef>> {
    sqlx::query_as(
        "SELECT r.id AS id, r.name AS name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1",
    )
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await
    .ctx("load user roles")
}

/// The actor may give each of `roles`.
pub(crate) async fn check_may_give(
    tx: &mut Tx,
    actor: &CurrentUser,
    roles: &[RoleRef],
) -> Result<()> {
    if roles.iter().any(|r| r.name == ADMIN_ROLE) && !is_admin(actor) {
        return Err(admin_role_refused().into());
    }
    let ids: Vec<i64> = roles.iter().map(|r| r.id).collect();
    check_holds(actor, &permissions_of_roles(tx, &ids).await?)
}

/// The actor may manage the user holding `target_roles`.
pub(crate) async fn check_may_manage(
    tx: &mut Tx,
    actor: &CurrentUser,
    target_roles: &[RoleRef],
) -> Result<()> {
    if target_roles.iter().any(|r| r.name == ADMIN_ROLE) && !is_admin(actor) {
        return Err(admin_role_refused().into());
    }
    let ids: Vec<i64> = target_roles.iter().map(|r| r.id).collect();
    check_holds(actor, &permissions_of_roles(tx, &ids).await?)
}
