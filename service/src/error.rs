//! The service layer's error: either something the user can act on
//! (`AppError`), or an internal failure whose detail stays in the log.

use domain::AppError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error("database: {context}")]
    Db {
        context: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

impl ServiceError {
    /// The user-facing error. Internal failures are logged here, with their
    /// chain, and replaced by a generic message.
    pub fn into_app(self) -> AppError {
        match self {
            ServiceError::App(e) => e,
            ServiceError::Db { context, source } => {
                let unavailable = matches!(source, sqlx::Error::PoolTimedOut | sqlx::Error::Io(_));
                tracing::error!(error = %source, context, "database error");
                if unavailable {
                    AppError::Unavailable
                } else {
                    AppError::Internal
                }
            }
            ServiceError::Internal(msg) => {
                tracing::error!(error = %msg, "internal error");
                AppError::Internal
            }
        }
    }
}

/// Adds a short description of the step that failed to a sqlx error.
pub trait DbContext<T> {
    fn ctx(self, context: &'static str) -> Result<T>;
}

impl<T> DbContext<T> for std::result::Result<T, sqlx::Error> {
    fn ctx(self, context: &'static str) -> Result<T> {
        self.map_err(|source| ServiceError::Db { context, source })
    }
}

/// True when a database error is a unique-constraint violation (either backend).
pub fn is_unique_violation(e: &ServiceError) -> bool {
    match e {
        ServiceError::Db {
            source: sqlx::Error::Database(d),
            ..
        } => d.is_unique_violation() || d.message().contains("UNIQUE constraint failed"),
        _ => false,
    }
}
