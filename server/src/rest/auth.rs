//! `/api/v1/auth/...`: sign-in for integrators (token in the body and a
//! cookie), sign-out, refresh, who-am-I and password reset.

use super::{idempotency_key, ApiResult, AuthUser, JsonBody};
use crate::AppState;
use app::ssr::axum_connect_info::ClientAddr;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use domain::auth::{
    ChangePasswordInput, CurrentUser, LoginInput, TotpDisableInput, TotpEnableInput, TotpSetup,
};
use domain::AppError;
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/refresh", post(refresh))
        .route("/auth/me", get(me))
        .route("/auth/password-reset", post(password_reset))
        .route("/auth/password", post(change_password))
        .route("/auth/totp/setup", post(totp_setup))
        .route("/auth/totp/enable", post(totp_enable))
        .route("/auth/totp/disable", post(totp_disable))
}

/// The sign-in form posted without JavaScript (or before the page has
/// hydrated): sets the cookie and redirects, or comes back with the error.
pub async fn login_form(
    State(state): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    axum::Form(form): axum::Form<LoginFormIn>,
) -> axum::response::Response {
    use axum::response::Redirect;
    let addr = addr.map(|a| a.0 .0).unwrap_or_else(|| "unknown".into());
    let input = LoginInput {
        username: form.username,
        password: form.password,
        totp_code: form.totp_code,
    };
    let next = domain::safe_path::next_or_home(form.next.as_deref());
    match service::auth::login(&state.svc, &input, &addr, service::now_ms()).await {
        Ok((token, _)) => {
            (cookie_header(&state, Some(&token)), Redirect::to(&next)).into_response()
        }
        Err(e) => {
            let e = e.into_app();
            let msg: String = e
                .user_message()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
                .collect();
            Redirect::to(&format!("/login?error={}", msg.replace(' ', "%20"))).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct LoginFormIn {
    username: String,
    password: String,
    #[serde(default)]
    totp_code: Option<String>,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Serialize)]
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

/// Changes the caller's own password; their other sessions end.
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

/// A fresh secret to enrol (nothing is stored until `totp/enable`).
async fn totp_setup(AuthUser(user): AuthUser) -> Json<TotpSetup> {
    Json(service::auth::new_totp_setup(&user.username))
}

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
