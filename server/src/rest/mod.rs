//! `/api/v1`: the REST API for integrators, paths as in PRODUCT.md. Thin
//! adapters: authenticate, parse, call one service function, map the error.

pub mod admin;
pub mod auth;
pub mod events;
pub mod maintenance;

use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use domain::auth::CurrentUser;
use domain::AppError;
use serde::de::DeserializeOwned;
use service::ServiceError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(auth::routes())
        .merge(maintenance::routes())
        .merge(admin::routes())
        .merge(events::routes())
        .fallback(|| async { ApiError(AppError::not_found("API endpoint")) })
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
        let e = self.0;
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut body = serde_json::json!({ "code": e.code(), "message": e.user_message() });
        if let Some(f) = e.field_error() {
            body["field"] = f.field.clone().into();
            body["detail"] = f.message.clone().into();
        }
        let mut res = (status, Json(body)).into_response();
        if let AppError::RateLimited { retry_after_s } = e {
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
        let (token, _) =
            service::auth::token_from_headers(&parts.headers).ok_or(AppError::Unauthenticated)?;
        let user = service::auth::session_user(&state.svc, &token, service::now_ms()).await?;
        Ok(AuthUser(user))
    }
}

/// A JSON body whose parse errors name the offending field.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::field("body", "could not read the request body"))?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de)
            .map(JsonBody)
            .map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let msg = inner.to_string();
                // "missing field `title`" has the field only in the message.
                let field = if path == "." || path.is_empty() {
                    msg.split('`')
                        .nth(1)
                        .map(str::to_string)
                        .unwrap_or_else(|| "body".into())
                } else {
                    path
                };
                let detail = msg.split(" at line").next().unwrap_or(&msg).to_string();
                ApiError(AppError::field(&field, detail))
            })
    }
}

/// The `Idempotency-Key` header, if the client sent one.
pub fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_string())
}
