//! Cross-cutting HTTP behaviour: security headers with a per-response CSP
//! nonce, the cross-site request check for cookie-authenticated mutations,
//! request metrics, compression and (opt-in) CORS.

use app::ssr::axum_connect_info::ClientAddr;
use app::CspNonce;
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine;
use http::{header, HeaderValue, Method, StatusCode};
use rand::RngCore;
use service::Config;
use std::sync::Arc;
use std::time::Instant;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub fn apply(router: Router, svc: &service::Services) -> Router {
    let config = &svc.config;
    let allowed = Arc::new(allowed_origins(config));
    let guard_svc = svc.clone();
    let mut r = router
        .layer(axum::middleware::from_fn(move |req, next| {
            page_guard(guard_svc.clone(), req, next)
        }))
        .layer(axum::middleware::from_fn(move |req, next| {
            origin_check(allowed.clone(), req, next)
        }))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(metrics_layer));
    if !config.cors_origins.is_empty() {
        let origins: Vec<HeaderValue> = config
            .cors_origins
            .iter()
            .filter_map(|o| o.parse().ok())
            .collect();
        r = r.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_credentials(true)
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
                .allow_headers([
                    header::CONTENT_TYPE,
                    header::AUTHORIZATION,
                    "idempotency-key".parse().unwrap(),
                ]),
        );
    }
    r
}

fn allowed_origins(config: &Config) -> Vec<String> {
    let mut v = vec![config.public_origin()];
    v.extend(config.cors_origins.iter().cloned());
    v
}

/// Adds the nonce and client address to the request, and security headers to
/// every response.
async fn security_headers(mut req: Request, next: Next) -> Response {
    let mut bytes = [0u8; 18];
    rand::thread_rng().fill_bytes(&mut bytes);
    let nonce = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let addr = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into());
    req.extensions_mut().insert(ClientAddr(addr));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("geolocation=(), microphone=(), camera=(self)"),
    );
    res
}

/// Refuses cross-site mutations that ride on the session cookie. SameSite=Lax
/// already keeps the cookie off most cross-site requests; this checks the
/// Origin (or Sec-Fetch-Site) as well. Bearer-token calls carry no ambient
/// credential and are not checked.
async fn origin_check(allowed: Arc<Vec<String>>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let h = req.headers();
    let has_cookie = h.get_all(header::COOKIE).iter().any(|v| {
        v.to_str()
            .map(|s| s.contains(service::auth::SESSION_COOKIE))
            .unwrap_or(false)
    });
    let bearer = h
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    if safe || !has_cookie || bearer {
        return next.run(req).await;
    }
    let host_origins: Vec<String> = h
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|host| vec![format!("http://{host}"), format!("https://{host}")])
        .unwrap_or_default();
    let ok = match h.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => {
            let o = origin.trim_end_matches('/');
            allowed.iter().any(|a| a == o) || host_origins.iter().any(|a| a == o)
        }
        // No Origin: browsers send Sec-Fetch-Site on every request; a
        // non-browser client sends neither and is not a CSRF vector.
        None => match h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
            Some(site) => site == "same-origin" || site == "none",
            None => true,
        },
    };
    if ok {
        next.run(req).await
    } else {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-site request refused");
        crate::rest::ApiError(domain::AppError::Forbidden {
            module: "session".into(),
            action: "cross-site request".into(),
        })
        .into_response()
    }
}

/// Signed-out visitors to an app page go to the sign-in page (and come back
/// after), before anything is rendered.
async fn page_guard(svc: service::Services, req: Request, next: Next) -> Response {
    let is_app_page =
        req.method() == Method::GET && domain::registry::is_app_page(req.uri().path());
    if !is_app_page {
        return next.run(req).await;
    }
    let signed_in = match service::auth::token_from_headers(req.headers()) {
        Some((token, _)) => service::auth::session_user(&svc, &token, service::now_ms())
            .await
            .is_ok(),
        None => false,
    };
    if signed_in {
        return next.run(req).await;
    }
    let next_path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let location = format!("/login?next={}", percent_encode(next_path));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn metrics_layer(req: Request<Body>, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| domain::registry::metrics_bucket(req.uri().path()));
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    let labels = [("method", method), ("path", path), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    res
}
