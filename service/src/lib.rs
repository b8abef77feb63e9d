//! The service layer. Each domain module holds its repository functions (taking
//! a transaction) and its use cases (one transaction each). Callers pass `now`
//! so clocks can be tested without waiting.

pub mod admin;
pub mod audit;
pub mod auth;
pub mod bom;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod idempotency;
pub mod import;
pub mod lease;
pub mod maintenance;
pub mod master;
pub mod media;
pub mod numbers;
pub mod orders;
pub mod ppic;
pub mod rows;
pub mod seed;
mod seed_master;
mod seed_plan;
pub mod whatsapp;

pub use config::{AuthLimits, Config};
pub use db::Db;
pub use error::ServiceError;

use std::sync::Arc;

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct Services {
    pub db: Db,
    pub config: Arc<Config>,
    pub events: events::Events,
    pub user_cache: Arc<auth::UserCache>,
    /// Stored BOMs with their catalogs, while the catalog is unchanged.
    pub bom_cache: Arc<bom::CatalogCache>,
}

impl Services {
    pub fn new(db: Db, config: Config) -> Self {
        Services {
            db,
            config: Arc::new(config),
            events: events::Events::new(),
            user_cache: Arc::new(auth::UserCache::default()),
            bom_cache: Arc::new(bom::CatalogCache::default()),
        }
    }
}

/// Wall-clock now, UTC milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// An ISO instant shown in the plant's time zone: `23 Nov 2026, 16:05`.
/// (The browser formats the same way with `Intl.DateTimeFormat`.)
pub fn format_local(iso: &str, tz_name: &str) -> String {
    use chrono::TimeZone;
    let Some(ms) = domain::time::parse_iso(iso) else {
        return iso.to_string();
    };
    let tz: chrono_tz::Tz = tz_name.parse().unwrap_or(chrono_tz::UTC);
    match tz.timestamp_millis_opt(ms).single() {
        Some(t) => t.format("%d %b %Y, %H:%M").to_string(),
        None => iso.to_string(),
    }
}
