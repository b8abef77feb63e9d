//! Cross-cutting HTTP behaviour: the client's address, security headers with
//! a per-response CSP nonce, caching rules, the cross-site request check for
//! every unsafe request that does not carry a bearer token, the JSON-only
//! rule and body limit for server functions, request metrics, compression
//! and (opt-in) CORS.

use crate::config::HttpConfig;
use crate::rest::extract::{is_json, not_json, too_large, BODY_LIMIT_BYTES};
use app::ssr::axum_connect_info::ClientAddr;
use app::ssr::http_session::{bearer_token, token_from_headers};
use app::CspNonce;
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine;
use http::{header, HeaderValue, Method, StatusCode};
use rand::RngCore;
use std::sync::Arc;
use std::time::Instant;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub fn apply(router: Router, svc: &service::Services, http: Arc<HttpConfig>) -> Router {
    let allowed = Arc::new(allowed_origins(&svc.config, &http));
    let guard_svc = svc.clone();
    let hsts = svc.config.public_url.starts_with("https://");
    let addr_http = http.clone();
    let mut r = router
        .layer(axum::middleware::from_fn(move |req, next| {
            page_guard(guard_svc.clone(), req, next)
        }))
        .layer(axum::middleware::from_fn(server_fn_body))
        .layer(axum::middleware::from_fn(move |req, next| {
            origin_check(allowed.clone(), req, next)
        }))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(move |req, next| {
            security_headers(hsts, req, next)
        }))
        .layer(axum::middleware::from_fn(move |req, next| {
            client_addr(addr_http.clone(), req, next)
        }))
        .layer(axum::middleware::from_fn(metrics_layer));
    if !http.cors_origins.is_empty() {
        let origins: Vec<HeaderValue> = http
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

fn allowed_origins(config: &service::Config, http: &HttpConfig) -> Vec<String> {
    let mut v = vec![config.public_origin()];
    v.extend(http.cors_origins.iter().cloned());
    v
}

/// Puts the caller's address (see [`crate::client_addr`]) in the request
/// extensions, where handlers and server functions read it.
async fn client_addr(http: Arc<HttpConfig>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let addr = crate::client_addr::resolve(peer, req.headers(), &http);
    req.extensions_mut().insert(ClientAddr(addr));
    next.run(req).await
}

/// Static files that hold no user data and may be cached; everything else
/// (pages, `/api`, `/sfn`) is `no-store`, so no signed-in answer is kept by
/// the browser, a proxy or the service worker.
fn cacheable(path: &str) -> bool {
    ["/pkg/", "/icons/"].iter().any(|p| path.starts_with(p))
        || matches!(
            path,
            "/manifest.webmanifest" | "/offline.html" | "/favicon.ico"
        )
}

/// Adds the nonce to the request, and security and caching headers to
/// every response.
async fn security_headers(hsts: bool, mut req: Request, next: Next) -> Response {
    let mut bytes = [0u8; 18];
    rand::thread_rng().fill_bytes(&mut bytes);
    let nonce = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let cacheable = cacheable(req.uri().path());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // No inline styles anywhere: the app's CSS is /pkg/shopfloor.css, and
    // neither the views nor Leptos write a `style` attribute or element.
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    );
    // A handler's own, stricter policy stays (served files: `sandbox`).
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.entry(header::CONTENT_SECURITY_POLICY).or_insert(v);
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
    if hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    // A handler that says how its answer may be kept (media files:
    // `private`, as an id's bytes never change) is taken at its word.
    if !cacheable {
        h.entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    res
}

/// Refuses cross-site unsafe requests. SameSite=Lax already keeps the
/// session cookie off most cross-site requests, but sign-in needs no cookie
/// (login CSRF signs the victim into the attacker's account), so every
/// unsafe request is checked: the Origin, or Sec-Fetch-Site, must be ours.
/// Bearer-token calls carry no ambient credential, and a browser cannot send
/// one cross-site without CORS allowing it; they are not checked. A client
/// that sends neither header is not a browser, so not a CSRF vector.
async fn origin_check(allowed: Arc<Vec<String>>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let h = req.headers();
    if safe || bearer_token(h).is_some() {
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

/// The largest body any server function takes (see [`server_fn_limit`]);
/// the extractor limit of the routes serving them is set to it, as this
/// middleware has already held each body to its own path's limit.
pub const SERVER_FN_MAX_BYTES: usize = 2 * domain::import::MAX_BYTES + 64 * 1024;

/// The body a server function may send: [`BODY_LIMIT_BYTES`], but for the
/// CSV imports, whose file (at most `domain::import::MAX_BYTES`, checked by
/// the function) travels as a JSON string that escaping can double (a quote
/// or a line break becomes two characters).
fn server_fn_limit(path: &str) -> usize {
    if path.starts_with("/sfn/import-export/") {
        SERVER_FN_MAX_BYTES
    } else {
        BODY_LIMIT_BYTES
    }
}

/// Server functions take JSON only (415 otherwise) and at most
/// [`server_fn_limit`] (413), read here so the answer says so.
async fn server_fn_body(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/sfn/") || req.method() != Method::POST {
        return next.run(req).await;
    }
    if !is_json(req.headers()) {
        return not_json();
    }
    let limit = server_fn_limit(req.uri().path());
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => too_large(),
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
    let signed_in = match token_from_headers(req.headers()) {
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

pub(crate) fn percent_encode(s: &str) -> String {
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
