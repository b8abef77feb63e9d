//! The Shopfloor server: one axum router serving the pages, the server
//! functions, the `/api/v1` REST API, the live event stream and operations
//! endpoints. `router` is what `main` serves and what the tests spawn.
// The pages are rendered here: their lazy routes' async view types nest
// deeply (see app/src/lib.rs).
#![recursion_limit = "256"]

pub mod client_addr;
pub mod config;
pub mod middleware;
pub mod ops;
pub mod rest;

use app::{shell, App};
use axum::extract::FromRef;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use service::Services;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub svc: Services,
    pub http: std::sync::Arc<config::HttpConfig>,
}

/// Leptos settings: from cargo-leptos' environment when it runs us, else the
/// layout `cargo leptos build` produces.
pub fn leptos_options(bind: std::net::SocketAddr) -> LeptosOptions {
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("DEV") => leptos::config::Env::DEV,
        _ => leptos::config::Env::PROD,
    };
    LeptosOptions::builder()
        .output_name(std::env::var("LEPTOS_OUTPUT_NAME").unwrap_or_else(|_| "shopfloor".into()))
        .site_root(std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into()))
        .site_pkg_dir(std::env::var("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|_| "pkg".into()))
        .site_addr(bind)
        .env(env)
        .build()
}

/// The app with the default HTTP settings (no proxies, no CORS, no metrics).
pub fn router(svc: Services, leptos_options: LeptosOptions) -> Router {
    router_with(svc, config::HttpConfig::default(), leptos_options)
}

pub fn router_with(
    svc: Services,
    http: config::HttpConfig,
    leptos_options: LeptosOptions,
) -> Router {
    let http = std::sync::Arc::new(http);
    let state = AppState {
        leptos_options: leptos_options.clone(),
        svc: svc.clone(),
        http: http.clone(),
    };
    let routes = generate_route_list(App);
    let context = {
        let svc = svc.clone();
        move || {
            provide_context(svc.clone());
            provide_context(svc.config.client());
        }
    };
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let opts = leptos_options.clone();
            move || shell(opts.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        // Server functions read their body with axum's extractor limit; each
        // body was already held to its path's limit by `server_fn_body`
        // (2 MB, more for the CSV import), so this one must not be lower.
        .layer(axum::extract::DefaultBodyLimit::max(
            middleware::SERVER_FN_MAX_BYTES,
        ));
    let app = Router::new()
        .merge(rest::routes())
        .route("/api/docs", axum::routing::get(rest::docs::page))
        .merge(ops::routes())
        .merge(pages)
        // The sign-in and reset forms (those pages ship no wasm); they join
        // the GET page routes.
        .route("/login", axum::routing::post(rest::forms::login))
        .route("/reset", axum::routing::post(rest::forms::reset))
        .layer(axum::extract::DefaultBodyLimit::max(
            rest::extract::BODY_LIMIT_BYTES,
        ))
        .with_state(state);
    middleware::apply(app, &svc, http)
}

/// Connects, migrates, seeds, and starts the SLA monitor.
pub async fn start_services(
    config: service::Config,
    admin_password: &str,
    demo: bool,
) -> Result<Services, String> {
    let db = service::Db::connect(&config.database_url)
        .await
        .map_err(|e| format!("database: {e}"))?;
    let svc = Services::new(db, config);
    let now = service::now_ms();
    service::seed::ensure_roles_and_policies(&svc)
        .await
        .map_err(|e| format!("seed: {e}"))?;
    let pw = Some(admin_password).filter(|p| !p.is_empty());
    if let Some(generated) = service::seed::ensure_admin(&svc, pw, now)
        .await
        .map_err(|e| format!("first admin: {e}"))?
    {
        // Printed once, on the console only (never logged): the operator needs it to sign in.
        println!("\n  First start: created user 'admin' with password  {generated}\n  Change it after signing in.\n");
    }
    if demo {
        service::seed::ensure_demo(&svc, now)
            .await
            .map_err(|e| format!("demo data: {e}"))?;
        service::orders::seed_demo(&svc, now)
            .await
            .map_err(|e| format!("demo orders: {e}"))?;
        service::seed::ensure_demo_plan(&svc, now)
            .await
            .map_err(|e| format!("demo plan: {e}"))?;
    }
    Ok(svc)
}

pub fn spawn_background(svc: &Services) {
    let interval = std::time::Duration::from_millis(svc.config.monitor_interval_ms);
    tokio::spawn(service::maintenance::run_monitor(svc.clone(), interval));
    let s = svc.clone();
    tokio::spawn(async move {
        let mut t = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            t.tick().await;
            if let Err(e) = service::idempotency::purge_expired(&s.db, service::now_ms()).await {
                tracing::warn!(error = %e, "purging idempotency keys failed");
            }
            if let Err(e) = service::auth::limiter::purge_expired(&s.db, service::now_ms()).await {
                tracing::warn!(error = %e, "purging sign-in throttle counters failed");
            }
            let keep_ms = s.config.event_retention_hours.max(1) * 3_600_000;
            if let Err(e) = service::events::trim(&s.db, service::now_ms() - keep_ms).await {
                tracing::warn!(error = %e, "trimming the event log failed");
            }
        }
    });
}
