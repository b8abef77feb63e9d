//! The sign-in and password-reset forms posted by the browser. Those two
//! pages ship no wasm (`app::auth::NO_WASM_PAGES`): they are plain HTML
//! forms, so these handlers are how a user signs in on a first visit (and
//! with JavaScript off). Success redirects (303); a failure answers the same
//! page again, rendered with the server's message, what was typed (but the
//! password) and the field that needs attention, with the error's status.
//! The message never travels in the address, where anyone could write one.
//! Cross-site posts are refused by the origin check (`middleware.rs`).

use crate::AppState;
use app::auth::FormFailure;
use app::ssr::axum_connect_info::ClientAddr;
use app::CspNonce;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, Request, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use domain::auth::LoginInput;
use domain::AppError;
use leptos::prelude::provide_context;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LoginFormIn {
    username: String,
    password: String,
    #[serde(default)]
    totp_code: Option<String>,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /login`: sets the session cookie and goes on to `next` (an app path
/// only), or answers the sign-in page with what went wrong.
pub async fn login(
    State(state): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    nonce: Option<Extension<CspNonce>>,
    Form(form): Form<LoginFormIn>,
) -> Response {
    let addr = addr.map(|a| a.0 .0).unwrap_or_else(|| "unknown".into());
    let input = LoginInput {
        username: form.username,
        password: form.password,
        totp_code: form.totp_code.filter(|c| !c.trim().is_empty()),
    };
    let next = domain::safe_path::next_or_home(form.next.as_deref());
    match service::auth::login(&state.svc, &input, &addr, service::now_ms()).await {
        Ok((token, _)) => (
            [(
                header::SET_COOKIE,
                app::ssr::http_session::session_cookie_for(&state.svc.config, Some(&token)),
            )],
            Redirect::to(&next),
        )
            .into_response(),
        Err(e) => {
            let page = format!("/login?next={}", crate::middleware::percent_encode(&next));
            answer_page(&state, nonce, &page, e.into_app(), input.username).await
        }
    }
}

#[derive(Deserialize)]
pub struct ResetFormIn {
    token: String,
    password: String,
}

/// `POST /reset`: sets the new password and goes to the sign-in page, which
/// says so; or answers the reset page with what went wrong.
pub async fn reset(
    State(state): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    nonce: Option<Extension<CspNonce>>,
    Form(form): Form<ResetFormIn>,
) -> Response {
    let addr = addr.map(|a| a.0 .0).unwrap_or_else(|| "unknown".into());
    let done = service::auth::reset_password(
        &state.svc,
        &form.token,
        &form.password,
        &addr,
        service::now_ms(),
    )
    .await;
    match done {
        Ok(()) => Redirect::to("/login?reset=done").into_response(),
        Err(e) => {
            let page = format!(
                "/reset?token={}",
                crate::middleware::percent_encode(&form.token)
            );
            answer_page(&state, nonce, &page, e.into_app(), String::new()).await
        }
    }
}

/// Renders the page at `path_and_query` (a GET of it, as the app serves it)
/// with `err` as its failure, answering with the error's status.
async fn answer_page(
    state: &AppState,
    nonce: Option<Extension<CspNonce>>,
    path_and_query: &str,
    err: AppError,
    username: String,
) -> Response {
    let failure = FormFailure {
        field: match &err {
            AppError::Invalid(f) => Some(f.field.clone()),
            _ => None,
        },
        message: err.user_message(),
        username,
    };
    let svc = state.svc.clone();
    let opts = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream_with_context(
        move || {
            provide_context(svc.clone());
            provide_context(svc.config.client());
            provide_context(failure.clone());
        },
        move || app::shell(opts.clone()),
    );
    let mut req = Request::builder().uri(path_and_query);
    if let Some(Extension(n)) = nonce {
        req = req.extension(n);
    }
    let Ok(req) = req.body(Body::empty()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let mut res = render(req).await;
    *res.status_mut() = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST);
    if let AppError::RateLimited { retry_after_s } = err {
        if let Ok(v) = retry_after_s.to_string().parse() {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    res
}
