//! Test harness: the real app on 127.0.0.1:0 with a fresh database per test,
//! SQLite or PostgreSQL, and clients signed in as a given role.

#![allow(dead_code)]

use reqwest::{Client, Response};
use serde_json::Value;
use service::Services;
pub use shopfloor::config::HttpConfig;
use std::net::SocketAddr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
pub const DEMO_PASSWORD: &str = service::seed::DEMO_PASSWORD;
const PG_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub svc: Services,
    pub db_url: String,
    pg_db: Option<String>,
    _dir: Option<TempDir>,
    server: tokio::task::JoinHandle<()>,
}

pub struct TempDir(pub std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique() -> String {
    use rand::Rng;
    format!(
        "{}_{:08x}",
        std::process::id(),
        rand::thread_rng().gen::<u32>()
    )
}

/// Whether an unreachable PostgreSQL fails the test instead of skipping it:
/// on CI (`CI=true`) and under `scripts/test.sh`
/// (`SHOPFLOOR_TEST_REQUIRE_POSTGRES=1`).
pub fn postgres_required() -> bool {
    let set = |k: &str, v: &[&str]| std::env::var(k).is_ok_and(|x| v.contains(&x.as_str()));
    set("CI", &["true", "1"]) || set("SHOPFLOOR_TEST_REQUIRE_POSTGRES", &["1", "true"])
}

/// A fresh, empty database URL for the backend, or None when PostgreSQL is
/// not reachable here and not required (see [`postgres_required`]).
pub async fn fresh_db(backend: Backend) -> Option<(String, Option<String>, Option<TempDir>)> {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("shopfloor-test-{}", unique()));
            std::fs::create_dir_all(&dir).unwrap();
            let url = format!("sqlite://{}/test.db", dir.display());
            Some((url, None, Some(TempDir(dir))))
        }
        Backend::Postgres => {
            use sqlx::Connection;
            let mut conn = match sqlx::PgConnection::connect(PG_ADMIN_URL).await {
                Ok(c) => c,
                Err(e) => {
                    if postgres_required() {
                        panic!("PostgreSQL must be reachable at {PG_ADMIN_URL}: {e}");
                    }
                    eprintln!("SKIPPED: PostgreSQL not reachable at {PG_ADMIN_URL}: {e}");
                    return None;
                }
            };
            let name = format!("shopfloor_test_{}", unique());
            sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
                .await
                .unwrap();
            Some((
                format!("postgres://postgres@127.0.0.1:5432/{name}"),
                Some(name),
                None,
            ))
        }
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        let (db_url, pg_db, dir) = fresh_db(backend).await?;
        Some(Self::spawn_on(db_url, pg_db, dir).await)
    }

    /// As `spawn`, with the service and HTTP settings adjusted first.
    pub async fn spawn_with(
        backend: Backend,
        adjust: impl FnOnce(&mut service::Config, &mut HttpConfig),
    ) -> Option<TestApp> {
        let (db_url, pg_db, dir) = fresh_db(backend).await?;
        Some(Self::spawn_on_with(db_url, pg_db, dir, adjust).await)
    }

    pub async fn spawn_on(db_url: String, pg_db: Option<String>, dir: Option<TempDir>) -> TestApp {
        Self::spawn_on_with(db_url, pg_db, dir, |_, _| {}).await
    }

    pub async fn spawn_on_with(
        db_url: String,
        pg_db: Option<String>,
        dir: Option<TempDir>,
        adjust: impl FnOnce(&mut service::Config, &mut HttpConfig),
    ) -> TestApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = service::Config::for_tests(&db_url);
        config.public_url = format!("http://{addr}");
        let mut http = HttpConfig {
            bind: addr,
            log_level: "warn".into(),
            ..HttpConfig::default()
        };
        adjust(&mut config, &mut http);
        let svc = shopfloor::start_services(config, ADMIN_PASSWORD, true)
            .await
            .expect("start services");
        let app = shopfloor::router_with(svc.clone(), http, shopfloor::leptos_options(addr));
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .unwrap();
        });
        TestApp {
            addr,
            base: format!("http://{addr}"),
            svc,
            db_url,
            pg_db,
            _dir: dir,
            server,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Signs in through the REST API; returns a client sending the bearer token.
    pub async fn login(&self, username: &str) -> ApiClient {
        let pw = if username == "admin" {
            ADMIN_PASSWORD
        } else {
            DEMO_PASSWORD
        };
        let res = Client::new()
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "username": username, "password": pw }))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            200,
            "login as {username}: {}",
            res.text().await.unwrap()
        );
        let body: Value = res.json().await.unwrap();
        ApiClient {
            base: self.base.clone(),
            token: body["token"].as_str().unwrap().to_string(),
            http: Client::new(),
        }
    }

    pub async fn count(&self, table: &str) -> i64 {
        use sqlx::Row;
        sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.svc.db.read)
            .await
            .unwrap()
            .try_get(0)
            .unwrap()
    }

    pub async fn machine_id(&self, code: &str) -> i64 {
        use sqlx::Row;
        sqlx::query("SELECT id FROM machines WHERE code = $1")
            .bind(code)
            .fetch_one(&self.svc.db.read)
            .await
            .unwrap()
            .try_get(0)
            .unwrap()
    }

    /// Stops the server and drops a PostgreSQL test database.
    pub async fn finish(self) {
        self.server.abort();
        self.svc.db.write.close().await;
        self.svc.db.read.close().await;
        if let Some(name) = self.pg_db {
            drop_pg(&name).await;
        }
    }
}

pub async fn drop_pg(name: &str) {
    use sqlx::Connection;
    if let Ok(mut conn) = sqlx::PgConnection::connect(PG_ADMIN_URL).await {
        let _ = sqlx::Executor::execute(
            &mut conn,
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
        )
        .await;
    }
}

pub struct ApiClient {
    pub base: String,
    pub token: String,
    pub http: Client,
}

impl ApiClient {
    pub async fn get(&self, path: &str) -> Response {
        self.http
            .get(format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.http
            .post(format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_idem(&self, path: &str, key: &str, body: Value) -> Response {
        self.http
            .post(format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}

pub async fn json(res: Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Runs one async test body on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(app) = TestApp::spawn(Backend::Sqlite).await {
                    ($body)(app).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = TestApp::spawn(Backend::Postgres).await {
                    ($body)(app).await;
                }
            }
        }
    };
}

/// Turns on TOTP for `user` through the REST API; returns the secret.
pub async fn enable_totp(user: &ApiClient, password: &str) -> String {
    let (status, setup) = json(
        user.post("/api/v1/auth/totp/setup", serde_json::json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let secret = setup["secret_base32"].as_str().unwrap().to_string();
    let code = service::auth::totp_code(&secret, service::now_ms()).unwrap();
    let (status, body) = json(
        user.post(
            "/api/v1/auth/totp/enable",
            serde_json::json!({ "secret": secret, "code": code, "current_password": password }),
        )
        .await,
    )
    .await;
    assert_eq!(status, 204, "{body}");
    secret
}
