//! `/api/v1/admin/...`: users, roles, audit log. Mutations honour an
//! `Idempotency-Key` header.

use super::openapi::{ErrorBody, SignedInErrors, SignedInJsonErrors};
use super::{idempotency_key, ApiResult, AuthUser, IdempotencyKey, JsonBody, Path};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use domain::auth::{AuditEntry, NewUserInput, RoleView, UserSummary};
use domain::perm::Permission;
use serde::{Deserialize, Serialize};
use service::now_ms;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(users, create_user))
        .routes(routes!(set_roles))
        .routes(routes!(set_active))
        .routes(routes!(issue_reset))
        .routes(routes!(roles))
        .routes(routes!(set_permission))
        .routes(routes!(audit))
}

/// The users.
#[utoipa::path(
    get,
    path = "/admin/users",
    tag = "admin",
    responses(
        (status = 200, description = "Every user", body = Vec<UserSummary>),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on admin", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn users(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
) -> ApiResult<Json<Vec<UserSummary>>> {
    Ok(Json(service::admin::list_users(&s.svc, &u).await?))
}

/// Add a user with their roles (you may give only roles whose grants you hold).
#[utoipa::path(
    post,
    path = "/admin/users",
    tag = "admin",
    request_body = NewUserInput,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new user", body = UserSummary),
        SignedInJsonErrors,
        (status = 403, description = "No CREATE permission on admin, or a role beyond your own grants", body = ErrorBody),
        (status = 409, description = "The username is taken, or the key was used for another request", body = ErrorBody),
        (status = 422, description = "A field is missing or malformed, or a role is unknown", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
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

/// A user's whole set of roles, by name.
#[derive(Deserialize, ToSchema)]
struct RolesIn {
    roles: Vec<String>,
}

/// Replace a user's whole set of roles.
#[utoipa::path(
    put,
    path = "/admin/users/{id}/roles",
    tag = "admin",
    request_body = RolesIn,
    params(("id" = i64, Path, description = "The user's id"), IdempotencyKey),
    responses(
        (status = 204, description = "The roles are set"),
        SignedInJsonErrors,
        (status = 403, description = "No UPDATE permission on admin, or a role beyond your own grants", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "Refused (e.g. the last admin), or the key was used for another request", body = ErrorBody),
        (status = 422, description = "A parameter is malformed or a role is unknown", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
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

/// Whether the user may sign in.
#[derive(Deserialize, ToSchema)]
struct ActiveIn {
    active: bool,
}

/// Activate or deactivate a user (a deactivated user's sessions end).
#[utoipa::path(
    put,
    path = "/admin/users/{id}/active",
    tag = "admin",
    request_body = ActiveIn,
    params(("id" = i64, Path, description = "The user's id"), IdempotencyKey),
    responses(
        (status = 204, description = "Done"),
        SignedInJsonErrors,
        (status = 403, description = "No UPDATE permission on admin", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "Refused (e.g. yourself), or the key was used for another request", body = ErrorBody),
        (status = 422, description = "A parameter or field is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
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

/// A password-reset token and the link to hand to the user.
#[derive(Serialize, ToSchema)]
struct ResetIssued {
    token: String,
    url: String,
}

/// Issue a password-reset token for a user (older tokens stop working).
#[utoipa::path(
    post,
    path = "/admin/users/{username}/password-reset",
    tag = "admin",
    params(("username" = String, Path, description = "The user's username"), IdempotencyKey),
    responses(
        (status = 200, description = "The token and its link", body = ResetIssued),
        SignedInErrors,
        (status = 403, description = "No UPDATE permission on admin", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "The key was used for another request", body = ErrorBody),
        (status = 422, description = "A parameter is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn issue_reset(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    Path(username): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<ResetIssued>> {
    let key = idempotency_key(&headers);
    let token =
        service::admin::issue_reset(&s.svc, &u, &username, key.as_deref(), now_ms()).await?;
    let url = format!("{}/reset?token={token}", s.svc.config.public_url);
    Ok(Json(ResetIssued { token, url }))
}

/// The roles with their grants.
#[utoipa::path(
    get,
    path = "/admin/roles",
    tag = "admin",
    responses(
        (status = 200, description = "Every role", body = Vec<RoleView>),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on admin", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn roles(State(s): State<AppState>, AuthUser(u): AuthUser) -> ApiResult<Json<Vec<RoleView>>> {
    Ok(Json(service::admin::list_roles(&s.svc, &u).await?))
}

/// Grant or revoke one permission.
#[derive(Deserialize, ToSchema)]
struct PermIn {
    permission: Permission,
    granted: bool,
}

/// Grant or revoke one permission of a role (only permissions you hold yourself).
#[utoipa::path(
    put,
    path = "/admin/roles/{id}/permissions",
    tag = "admin",
    request_body = PermIn,
    params(("id" = i64, Path, description = "The role's id"), IdempotencyKey),
    responses(
        (status = 204, description = "Done"),
        SignedInJsonErrors,
        (status = 403, description = "No UPDATE permission on admin, or a permission you do not hold", body = ErrorBody),
        (status = 404, description = "No such role", body = ErrorBody),
        (status = 409, description = "Refused, or the key was used for another request", body = ErrorBody),
        (status = 422, description = "A parameter or field is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
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

/// The latest 200 audit entries, newest first.
#[utoipa::path(
    get,
    path = "/admin/audit",
    tag = "admin",
    responses(
        (status = 200, description = "Audit entries", body = Vec<AuditEntry>),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on admin", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn audit(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    Ok(Json(service::admin::audit_log(&s.svc, &u, 200).await?))
}
