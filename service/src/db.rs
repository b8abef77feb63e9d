//! Database access over sqlx's `Any` driver with portable SQL (`$1`
//! placeholders, integer times): SQLite by default, PostgreSQL when the URL
//! says so. SQLite gets one writer connection and a separate read pool, so a
//! read transaction never has to upgrade to a write under contention.

use crate::error::{DbContext, Result, ServiceError};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{Any, AnyPool, Executor, Transaction};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db {
    /// Mutations. On SQLite, exactly one connection.
    pub write: AnyPool,
    /// Queries.
    pub read: AnyPool,
    pub backend: Backend,
}

pub type Tx = Transaction<'static, Any>;
pub type Row = AnyRow;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

/// After the migrations: indexes for search the master records that are not
/// yet (rows from before migration 0010, or written by plain SQL); one
/// anti-join per table when none is missing. After indexing many, the
/// index's statistics are brought up to date (and on PostgreSQL its
/// visibility map, so searches read the index alone before autovacuum
/// comes by).
async fn index_for_search(pool: &AnyPool, backend: Backend) -> Result<()> {
    let mut tx = pool.begin().await.ctx("begin transaction")?;
    let n = crate::master::search::index_missing(&mut tx).await?;
    tx.commit().await.ctx("commit search index")?;
    if n > 0 {
        tracing::info!(records = n, "indexed master records for search");
    }
    if n >= 1000 {
        let sql = match backend {
            Backend::Sqlite => "ANALYZE search_tails",
            Backend::Postgres => "VACUUM (ANALYZE) search_tails",
        };
        // Not a prepared statement: VACUUM runs outside any transaction.
        sqlx::raw_sql(sql)
            .execute(pool)
            .await
            .ctx("analyze search index")?;
    }
    Ok(())
}

impl Db {
    pub async fn connect(url: &str) -> Result<Db> {
        sqlx::any::install_default_drivers();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .connect(url)
                .await
                .ctx("connect to PostgreSQL")?;
            let db = Db {
                write: pool.clone(),
                read: pool,
                backend: Backend::Postgres,
            };
            POSTGRES_MIGRATIONS
                .run(&db.write)
                .await
                .map_err(|e| ServiceError::Internal(format!("migrate: {e}")))?;
            index_for_search(&db.write, Backend::Postgres).await?;
            Ok(db)
        } else if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = path.split('?').next().unwrap_or(path);
            if path != ":memory:" {
                if let Some(dir) = std::path::Path::new(path)
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        ServiceError::Internal(format!("create {}: {e}", dir.display()))
                    })?;
                }
            }
            let full = if url.contains('?') {
                url.to_string()
            } else {
                format!("{url}?mode=rwc")
            };
            let opts = |n: u32| {
                AnyPoolOptions::new()
                    .max_connections(n)
                    .acquire_timeout(Duration::from_secs(5))
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute(sqlx::raw_sql(SQLITE_PRAGMAS)).await?;
                            Ok(())
                        })
                    })
            };
            let write = opts(1).connect(&full).await.ctx("open SQLite database")?;
            SQLITE_MIGRATIONS
                .run(&write)
                .await
                .map_err(|e| ServiceError::Internal(format!("migrate: {e}")))?;
            index_for_search(&write, Backend::Sqlite).await?;
            let read = opts(8).connect(&full).await.ctx("open SQLite read pool")?;
            Ok(Db {
                write,
                read,
                backend: Backend::Sqlite,
            })
        } else {
            Err(ServiceError::Internal(format!(
                "unsupported database URL scheme in {:?}; use sqlite://path or postgres://...",
                url.split("://").next().unwrap_or("")
            )))
        }
    }

    pub async fn begin(&self) -> Result<Tx> {
        self.write.begin().await.ctx("begin transaction")
    }

    /// For `/readyz`.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1")
            .execute(&self.read)
            .await
            .ctx("ping")?;
        Ok(())
    }
}
