//! `/api/v1/admin/...`: users, roles, audit log. Mutations honour an
//! `Idempotency-Key` header.

use super::{idempotency_key, ApiResult, AuthUser, JsonBody, Path};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
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
        .route("/admin/users/{id}/active", put(set_active))
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
    headers: HeaderMap,
    JsonBody(input): JsonBody<NewUserInput>,
) -> ApiResult<(StatusCode, Json<UserSummary>)> {
    let key = idempotency_key(&headers);
    let user = service::admin::create_user(&s.svc, &u, &input, key.as_deref(), now_ms()).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

#[derive(Deserialize)]
struct RolesIn {
    roles: Vec<String>,
}

/// Replaces the user's whole set of roles.
async fn set_roles(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<RolesIn>,
) -> ApiResult<StatusCode> {
    let key = idempotency_key(&headers);
    service::admin::set_user_roles(&s.svc, &u, id, &input.roles, key.as_deref(), now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct ActiveIn {
    active: bool,
}

async fn set_active(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<ActiveIn>,
) -> ApiResult<StatusCode> {
    let key = idempotency_key(&headers);
    service::admin::set_user_active(&s.svc, &u, id, input.active, key.as_deref(), now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn issue_reset(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    Path(username): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<serde_json::Value>> {
    let key = idempotency_key(&headers);
    let token =
        service::admin::issue_reset(&s.svc, &u, &username, key.as_deref(), now_ms()).await?;
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
    headers: HeaderMap,
    JsonBody(input): JsonBody<PermIn>,
) -> ApiResult<StatusCode> {
    let key = idempotency_key(&headers);
    service::admin::set_role_permission(
        &s.svc,
        &u,
        id,
        input.permission,
        input.granted,
        key.as_deref(),
        now_ms(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn audit(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    Ok(Json(service::admin::audit_log(&s.svc, &u, 200).await?))
}
