//! `/api/v1/auth/...`: sign-in for integrators (token in the body and a
//! cookie), sign-out, refresh, who-am-I and password reset.

use super::openapi::{ErrorBody, SignedInErrors, SignedInJsonErrors};
use super::{idempotency_key, ApiResult, AuthUser, IdempotencyKey, JsonBody};
use crate::AppState;
use app::ssr::axum_connect_info::ClientAddr;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::{Extension, Json};
use domain::auth::{
    ChangePasswordInput, CurrentUser, LoginInput, TotpDisableInput, TotpEnableInput, TotpSetup,
};
use domain::AppError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(refresh))
        .routes(routes!(me))
        .routes(routes!(password_reset))
        .routes(routes!(change_password))
        .routes(routes!(totp_setup))
        .routes(routes!(totp_enable))
        .routes(routes!(totp_disable))
}

/// A new session: the bearer token (also set as the session cookie) and who it is.
#[derive(Serialize, ToSchema)]
struct SessionOut {
    token: String,
    user: CurrentUser,
}

fn cookie_header(state: &AppState, token: Option<&str>) -> [(header::HeaderName, String); 1] {
    [(
        header::SET_COOKIE,
        app::ssr::http_session::session_cookie_for(&state.svc.config, token),
    )]
}

/// Sign in.
///
/// Answers the token to send as `Authorization: Bearer <token>`, and sets the
/// session cookie. Failed attempts are throttled per username and address.
#[utoipa::path(
    post,
    path = "/auth/login",
    tag = "auth",
    request_body = LoginInput,
    responses(
        (status = 200, description = "Signed in", body = SessionOut),
        (status = 401, description = "Wrong username, password or two-factor code", body = ErrorBody),
        (status = 403, description = "A cross-site sign-in was refused", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "The body is not JSON", body = ErrorBody),
        (status = 422, description = "A field is missing or malformed", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody),
    ),
)]
async fn login(
    State(state): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    JsonBody(input): JsonBody<LoginInput>,
) -> ApiResult<impl IntoResponse> {
    let addr = addr.map(|a| a.0 .0).unwrap_or_else(|| "unknown".into());
    let (token, user) = service::auth::login(&state.svc, &input, &addr, service::now_ms()).await?;
    Ok((
        cookie_header(&state, Some(&token)),
        Json(SessionOut { token, user }),
    ))
}

/// Sign out: ends the session of the token (or cookie) sent, if any.
#[utoipa::path(
    post,
    path = "/auth/logout",
    tag = "auth",
    responses(
        (status = 204, description = "Signed out; the cookie is cleared"),
    ),
    security((), ("bearer" = [])),
)]
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<impl IntoResponse> {
    if let Some((token, _)) = app::ssr::http_session::token_from_headers(&headers) {
        service::auth::logout(&state.svc, &token).await?;
    }
    Ok((
        cookie_header(&state, None),
        [(
            header::HeaderName::from_static("clear-site-data"),
            app::ssr::http_session::CLEAR_SITE_DATA,
        )],
        StatusCode::NO_CONTENT,
    ))
}

/// A fresh token for the session; the one sent stops working.
#[utoipa::path(
    post,
    path = "/auth/refresh",
    tag = "auth",
    responses(
        (status = 200, description = "The new session", body = SessionOut),
        (status = 401, description = "Not signed in, or the session has ended", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn refresh(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let (token, _) =
        app::ssr::http_session::token_from_headers(&headers).ok_or(AppError::Unauthenticated)?;
    let (new, user) = service::auth::refresh(&state.svc, &token, service::now_ms()).await?;
    Ok((
        cookie_header(&state, Some(&new)),
        Json(SessionOut { token: new, user }),
    ))
}

/// Who is signed in, with their roles and permissions.
#[utoipa::path(
    get,
    path = "/auth/me",
    tag = "auth",
    responses(
        (status = 200, description = "The signed-in user", body = CurrentUser),
        SignedInErrors,
    ),
    security(("bearer" = [])),
)]
async fn me(AuthUser(user): AuthUser) -> Json<CurrentUser> {
    Json(user)
}

/// A password reset: the token an admin issued and the new password.
#[derive(Deserialize, ToSchema)]
struct ResetIn {
    token: String,
    password: String,
}

/// Set a new password with a reset token (single use). Throttled per address.
#[utoipa::path(
    post,
    path = "/auth/password-reset",
    tag = "auth",
    request_body = ResetIn,
    responses(
        (status = 204, description = "The password is changed; the user's sessions end"),
        (status = 403, description = "A cross-site request was refused", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "The body is not JSON", body = ErrorBody),
        (status = 422, description = "Unknown, used or expired token, or a weak password", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody),
    ),
)]
async fn password_reset(
    State(state): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    JsonBody(input): JsonBody<ResetIn>,
) -> ApiResult<StatusCode> {
    let addr = addr.map(|a| a.0 .0).unwrap_or_else(|| "unknown".into());
    service::auth::reset_password(
        &state.svc,
        &input.token,
        &input.password,
        &addr,
        service::now_ms(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change your own password (the current one is required); your other sessions end.
#[utoipa::path(
    post,
    path = "/auth/password",
    tag = "auth",
    request_body = ChangePasswordInput,
    params(IdempotencyKey),
    responses(
        (status = 204, description = "Changed"),
        SignedInJsonErrors,
        (status = 422, description = "Wrong current password, or a weak new one", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn change_password(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    JsonBody(input): JsonBody<ChangePasswordInput>,
) -> ApiResult<StatusCode> {
    let (token, _) =
        app::ssr::http_session::token_from_headers(&headers).ok_or(AppError::Unauthenticated)?;
    let key = idempotency_key(&headers);
    service::auth::change_password(
        &state.svc,
        &user,
        &token,
        &input,
        key.as_deref(),
        service::now_ms(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A fresh two-factor secret to enrol (nothing is stored until `totp/enable`).
#[utoipa::path(
    post,
    path = "/auth/totp/setup",
    tag = "auth",
    responses(
        (status = 200, description = "A new secret and its otpauth URL", body = TotpSetup),
        SignedInErrors,
    ),
    security(("bearer" = [])),
)]
async fn totp_setup(AuthUser(user): AuthUser) -> Json<TotpSetup> {
    Json(service::auth::new_totp_setup(&user.username))
}

/// Turn on two-factor sign-in (or enrol a new secret): a code from the new
/// secret, and the current password or a current code.
#[utoipa::path(
    post,
    path = "/auth/totp/enable",
    tag = "auth",
    request_body = TotpEnableInput,
    params(IdempotencyKey),
    responses(
        (status = 204, description = "Two-factor sign-in is on"),
        SignedInJsonErrors,
        (status = 422, description = "A wrong code or password, or a malformed field", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn totp_enable(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    JsonBody(input): JsonBody<TotpEnableInput>,
) -> ApiResult<StatusCode> {
    let key = idempotency_key(&headers);
    service::auth::enable_totp(&state.svc, &user, &input, key.as_deref(), service::now_ms())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Turn off two-factor sign-in: the current password or a current code.
#[utoipa::path(
    post,
    path = "/auth/totp/disable",
    tag = "auth",
    request_body = TotpDisableInput,
    params(IdempotencyKey),
    responses(
        (status = 204, description = "Two-factor sign-in is off"),
        SignedInJsonErrors,
        (status = 422, description = "A wrong code or password, or a malformed field", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn totp_disable(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    JsonBody(input): JsonBody<TotpDisableInput>,
) -> ApiResult<StatusCode> {
    let key = idempotency_key(&headers);
    service::auth::disable_totp(&state.svc, &user, &input, key.as_deref(), service::now_ms())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
