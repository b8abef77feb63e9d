//! The WhatsApp channel over real HTTP, on SQLite and PostgreSQL: the
//! providers' webhook (`webhook`).

#[path = "../common.rs"]
mod common;

mod webhook;

use common::*;

pub const APP_SECRET: &str = "meta-app-secret-for-tests";
pub const VERIFY_TOKEN: &str = "meta-verify-token-for-tests";
pub const TWILIO_TOKEN: &str = "twilio-auth-token-for-tests";
pub const METRICS_TOKEN: &str = "metrics-token-for-tests";

/// An app with both providers configured (and /metrics readable).
pub async fn channel_on(backend: Backend) -> Option<TestApp> {
    TestApp::spawn_with(backend, |c, h| {
        c.whatsapp.app_secret = Some(service::config::Secret::new(APP_SECRET));
        c.whatsapp.verify_token = Some(service::config::Secret::new(VERIFY_TOKEN));
        c.whatsapp.twilio_auth_token = Some(service::config::Secret::new(TWILIO_TOKEN));
        h.metrics_token = Some(METRICS_TOKEN.into());
    })
    .await
}

/// A scenario on both databases with the channel on.
#[macro_export]
macro_rules! with_channel {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = $crate::channel_on(Backend::Sqlite).await {
                    ($body)(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = $crate::channel_on(Backend::Postgres).await {
                    ($body)(app).await;
                }
            }
        }
    };
}
