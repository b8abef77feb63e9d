//! Server-side helpers for server functions: the services, the signed-in user
//! and error mapping. Each server function is: who is it → one service call.

pub mod http_session;

use domain::auth::CurrentUser;
use domain::AppError;
use leptos::prelude::*;
use service::{now_ms, ServiceError, Services};

pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or(AppError::Internal)
}

fn headers() -> Result<http::HeaderMap, AppError> {
    use_context::<http::request::Parts>()
        .map(|p| p.headers)
        .ok_or(AppError::Internal)
}

/// The user behind the request's session, or `Unauthenticated`.
pub async fn current_user() -> Result<(Services, CurrentUser), AppError> {
    let svc = services().map_err(reject)?;
    let (token, _) = http_session::token_from_headers(&headers()?)
        .ok_or_else(|| reject(AppError::Unauthenticated))?;
    let user = service::auth::session_user(&svc, &token, now_ms())
        .await
        .map_err(fail)?;
    Ok((svc, user))
}

/// Sets the HTTP status that matches a user-facing error and passes it on.
pub fn reject(e: AppError) -> AppError {
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = http::StatusCode::from_u16(e.status()) {
            resp.set_status(code);
        }
        // As REST does: a refused-for-now answer says when to try again.
        if let AppError::RateLimited { retry_after_s } = e {
            if let Ok(v) = http::HeaderValue::from_str(&retry_after_s.to_string()) {
                resp.insert_header(http::header::RETRY_AFTER, v);
            }
        }
    }
    e
}

pub fn session_token() -> Option<String> {
    headers()
        .ok()
        .and_then(|h| http_session::token_from_headers(&h))
        .map(|(t, _)| t)
}

/// Maps a service error for the browser (internal detail is logged, not sent)
/// and sets the matching HTTP status on the response.
pub fn fail(e: ServiceError) -> AppError {
    reject(e.into_app())
}

pub fn set_cookie(value: &str) {
    append_header(http::header::SET_COOKIE, value);
}

/// Writes the session cookie (or its removal) as the configuration says.
pub fn set_session_cookie(svc: &Services, token: Option<&str>) {
    set_cookie(&http_session::session_cookie_for(&svc.config, token));
}

/// Tells the browser to forget cached pages and storage (sign-out).
pub fn clear_site_data() {
    append_header(
        http::HeaderName::from_static("clear-site-data"),
        http_session::CLEAR_SITE_DATA,
    );
}

fn append_header(name: http::HeaderName, value: &str) {
    if let (Some(resp), Ok(v)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        resp.append_header(name, v);
    }
}

pub fn client_addr() -> String {
    use_context::<http::request::Parts>()
        .and_then(|p| {
            p.extensions
                .get::<axum_connect_info::ClientAddr>()
                .map(|a| a.0.clone())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The client address, put in request extensions by the server's middleware.
pub mod axum_connect_info {
    #[derive(Clone, Debug)]
    pub struct ClientAddr(pub String);
}

pub use service::now_ms as now;
