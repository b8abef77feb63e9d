//! `/api/v1`: the REST API for integrators, paths as in PRODUCT.md. Thin
//! adapters: authenticate, parse, call one service function, map the error.

pub mod admin;
pub mod auth;
pub mod docs;
pub mod events;
pub mod extract;
pub mod forms;
pub mod import_export;
pub mod maintenance;
pub mod master;
pub mod media;
pub mod openapi;
pub mod orders;
pub mod ppic;
pub mod ppic_analytics;
pub mod ppic_gantt;
pub mod warehouse;
pub mod whatsapp;

pub use extract::{int_param, JsonBody, OptionalJsonBody, Path, Query};

use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use domain::auth::CurrentUser;
use domain::AppError;
use service::ServiceError;
use utoipa_axum::router::OpenApiRouter;

/// The REST API under `/api/v1` and its OpenAPI document, from one list:
/// each module's `routes()` registers its handlers with `utoipa_axum::routes!`,
/// which adds them to the router and their `#[utoipa::path]` to the document.
pub fn api() -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .merge(auth::routes())
        .merge(maintenance::routes())
        .merge(master::routes())
        .merge(admin::routes())
        .merge(warehouse::routes())
        .merge(orders::routes())
        .merge(ppic::routes())
        .merge(import_export::routes())
        .merge(events::routes())
        .merge(media::routes())
        .merge(whatsapp::routes())
        .merge(openapi::routes())
        .fallback(|| async { ApiError(AppError::not_found("API endpoint")) });
    OpenApiRouter::with_openapi(openapi::base()).nest("/api/v1", v1)
}

/// The router of [`api`], with its paths under `/api/v1`.
pub fn routes() -> Router<AppState> {
    api().split_for_parts().0
}

/// The OpenAPI document of [`api`].
pub fn document() -> utoipa::openapi::OpenApi {
    api().split_for_parts().1
}

/// An error as JSON: `{"code": "...", "message": "...", "field": "..."}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        ApiError(e.into_app())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = &self.0;
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = openapi::ErrorBody::from(&self);
        let mut res = (status, Json(body)).into_response();
        if let AppError::RateLimited { retry_after_s } = *e {
            if let Ok(v) = retry_after_s.to_string().parse() {
                res.headers_mut().insert("retry-after", v);
            }
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The signed-in user, from `Authorization: Bearer <token>` or the session cookie.
pub struct AuthUser(pub CurrentUser);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let (token, _) = app::ssr::http_session::token_from_headers(&parts.headers)
            .ok_or(AppError::Unauthenticated)?;
        let user = service::auth::session_user(&state.svc, &token, service::now_ms()).await?;
        Ok(AuthUser(user))
    }
}

/// The `Idempotency-Key` header of mutations, as the document describes it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IdempotencyKey {
    /// 8 to 100 letters, digits, `-` or `_`. A retry with the same key gets
    /// the first answer and changes nothing.
    #[param(rename = "Idempotency-Key", pattern = r"^[A-Za-z0-9_-]{8,100}$")]
    pub idempotency_key: Option<String>,
}

/// The `Idempotency-Key` header, if the client sent one.
pub fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
}
