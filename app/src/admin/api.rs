//! Server functions for the admin screens.

use crate::codec::Json;
use domain::auth::{AuditEntry, NewUserInput, RoleView, UserSummary};
use domain::perm::Permission;
use domain::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ssr::{current_user, fail, now};

#[server(prefix = "/sfn", endpoint = "admin/users", input = Json)]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    let (svc, user) = current_user().await?;
    service::admin::list_users(&svc, &user).await.map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "admin/users/create", input = Json)]
pub async fn create_user(
    idempotency_key: String,
    input: NewUserInput,
) -> Result<UserSummary, AppError> {
    let (svc, user) = current_user().await?;
    service::admin::create_user(&svc, &user, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "admin/users/roles", input = Json)]
pub async fn set_user_roles(
    idempotency_key: String,
    user_id: i64,
    roles: Vec<String>,
) -> Result<(), AppError> {
    let (svc, user) = current_user().await?;
    service::admin::set_user_roles(&svc, &user, user_id, &roles, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "admin/users/active", input = Json)]
pub async fn set_user_active(
    idempotency_key: String,
    user_id: i64,
    active: bool,
) -> Result<(), AppError> {
    let (svc, user) = current_user().await?;
    service::admin::set_user_active(&svc, &user, user_id, active, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "admin/users/reset", input = Json)]
pub async fn issue_reset(idempotency_key: String, username: String) -> Result<String, AppError> {
    let (svc, user) = current_user().await?;
    let token = service::admin::issue_reset(&svc, &user, &username, Some(&idempotency_key), now())
        .await
        .map_err(fail)?;
    Ok(format!(
        "{}/reset?token={token}",
        svc.config.public_url.trim_end_matches('/')
    ))
}

#[server(prefix = "/sfn", endpoint = "admin/roles", input = Json)]
pub async fn list_roles() -> Result<Vec<RoleView>, AppError> {
    let (svc, user) = current_user().await?;
    service::admin::list_roles(&svc, &user).await.map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "admin/roles/permission", input = Json)]
pub async fn set_role_permission(
    idempotency_key: String,
    role_id: i64,
    permission: Permission,
    granted: bool,
) -> Result<(), AppError> {
    let (svc, user) = current_user().await?;
    service::admin::set_role_permission(
        &svc,
        &user,
        role_id,
        permission,
        granted,
        Some(&idempotency_key),
        now(),
    )
    .await
    .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "admin/audit", input = Json)]
pub async fn audit_log() -> Result<Vec<AuditEntry>, AppError> {
    let (svc, user) = current_user().await?;
    service::admin::audit_log(&svc, &user, 200)
        .await
        .map_err(fail)
}
