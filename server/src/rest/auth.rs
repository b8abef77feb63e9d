//! `/api/v1/auth/...`: sign-in for integrators (token in the body and a
//! cookie), sign-out, refresh, who-am-I and password reset.

use super::{ApiResult, AuthUser, JsonBody};
use crate::AppState;
use app::ssr::axum_connect_info::ClientAddr;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use domain::auth::{CurrentUser, LoginInput};
use domain::AppError;
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/refresh", post(refresh))
        .route("/auth/me", get(me))
        .route("/auth/password-reset", post(password_reset))
}

#[derive(Serialize)]
struct SessionOut {
    token: String,
    user: CurrentUser,
}

fn cookie_header(state: &AppState, token: Option<&str>) -> [(header::HeaderName, String); 1] {
    let c = &state.svc.config;
    [(
        header::SET_COOKIE,
        service::auth::session_cookie(token, c.secure_cookies(), c.session_max_hours * 3600),
    )]
}

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

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<impl IntoResponse> {
    if let Some((token, _)) = service::auth::token_from_headers(&headers) {
        service::auth::logout(&state.svc, &token).await?;
    }
    Ok((cookie_header(&state, None), StatusCode::NO_CONTENT))
}

async fn refresh(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> ApiResult<impl IntoResponse> {
    let (token, _) =
        service::auth::token_from_headers(&headers).ok_or(AppError::Unauthenticated)?;
    let (new, user) = service::auth::refresh(&state.svc, &token, service::now_ms()).await?;
    Ok((
        cookie_header(&state, Some(&new)),
        Json(SessionOut { token: new, user }),
    ))
}

async fn me(AuthUser(user): AuthUser) -> Json<CurrentUser> {
    Json(user)
}

#[derive(Deserialize)]
struct ResetIn {
    token: String,
    password: String,
}

async fn password_reset(
    State(state): State<AppState>,
    JsonBody(input): JsonBody<ResetIn>,
) -> ApiResult<StatusCode> {
    service::auth::reset_password(
        &state.svc.db,
        &input.token,
        &input.password,
        service::now_ms(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
