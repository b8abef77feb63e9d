//! `/api/v1/admin/...`: users, roles, audit log.

use super::{ApiResult, AuthUser, JsonBody, Path};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use domain::auth::{AuditEntry, NewUserInput, RoleView, UserSummary};
use domain::perm::Permission;
use serde::Deserialize;
use service::now_ms;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users).post(create_user))
        .route("/admin/users/{id}/roles", put(set_roles))
        .route("/admin/users/{username}/password-reset", post(issue_reset))
        .route("/admin/roles", get(roles))
        .route("/admin/roles/{id}/permissions", put(set_permission))
        .route("/admin/audit", get(audit))
}

async fn users(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
) -> ApiResult<Json<Vec<UserSummary>>> {
    Ok(Json(service::admin::list_users(&s.svc, &u).await?))
}

async fn create_user(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    JsonBody(input): JsonBody<NewUserInput>,
) -> ApiResult<(StatusCode, Json<UserSummary>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::admin::create_user(&s.svc, &u, &input, now_ms()).await?),
    ))
}

#[derive(Deserialize)]
struct RolesIn {
    roles: Vec<String>,
}

async fn set_roles(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<RolesIn>,
) -> ApiResult<StatusCode> {
    service::admin::set_user_roles(&s.svc, &u, id, &input.roles, now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn issue_reset(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    Path(username): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    let token = service::admin::issue_reset(&s.svc, &u, &username, now_ms()).await?;
    let url = format!("{}/reset?token={token}", s.svc.config.public_url);
    Ok(Json(serde_json::json!({ "token": token, "url": url })))
}

async fn roles(State(s): State<AppState>, AuthUser(u): AuthUser) -> ApiResult<Json<Vec<RoleView>>> {
    Ok(Json(service::admin::list_roles(&s.svc, &u).await?))
}

#[derive(Deserialize)]
struct PermIn {
    permission: Permission,
    granted: bool,
}

async fn set_permission(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<PermIn>,
) -> ApiResult<StatusCode> {
    service::admin::set_role_permission(&s.svc, &u, id, input.permission, input.granted, now_ms())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn audit(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    Ok(Json(service::admin::audit_log(&s.svc, &u, 200).await?))
}
