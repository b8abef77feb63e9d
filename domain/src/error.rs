//! The one error type the browser and integrators see. Internal detail never
//! goes in here: the server logs the chain and sends only what a user can act on.

use serde::{Deserialize, Serialize};

/// A bad value in a named field of a form or a request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// How a field error crosses server_fn's text-only argument errors.
    pub fn to_args_text(&self) -> String {
        format!("{ARGS_PREFIX}{}: {}", self.field, self.message)
    }

    /// The field error written by [`FieldError::to_args_text`], if it is one.
    pub fn from_args_text(s: &str) -> Option<FieldError> {
        let (field, message) = s.strip_prefix(ARGS_PREFIX)?.split_once(": ")?;
        Some(FieldError::new(field, message))
    }
}

/// A stored value (a database column) that names no variant of its enum. A
/// row holding one is corrupt: reading it fails rather than guess a default.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
}

const ARGS_PREFIX: &str = "invalid argument ";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    #[error("{}: {}", .0.field, .0.message)]
    Invalid(FieldError),
    #[error("please sign in")]
    Unauthenticated,
    #[error("you do not have {action} permission on {module}")]
    Forbidden { module: String, action: String },
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("{message}")]
    Conflict { message: String },
    /// A file (or body) over its limit.
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge { max_bytes: u64 },
    #[error("too many attempts; wait {retry_after_s} s and try again")]
    RateLimited { retry_after_s: u64 },
    #[error("the server is busy or its database is unavailable")]
    Unavailable,
    #[error("something went wrong on the server")]
    Internal,
    /// Client side only: the request never got an answer.
    #[error("could not reach the server")]
    Network { detail: String },
    /// Client side only: no answer within the configured timeout.
    #[error("the server did not answer within {after_ms} ms")]
    Timeout { after_ms: u64 },
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid(FieldError::new(field, message))
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        AppError::NotFound { what: what.into() }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        AppError::Conflict {
            message: message.into(),
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) => 422,
            AppError::Unauthenticated => 401,
            AppError::Forbidden { .. } => 403,
            AppError::NotFound { .. } => 404,
            AppError::Conflict { .. } => 409,
            AppError::TooLarge { .. } => 413,
            AppError::RateLimited { .. } => 429,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
            AppError::Network { .. } => 503,
            AppError::Timeout { .. } => 504,
        }
    }

    /// Stable machine-readable code, as used in REST error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden { .. } => "forbidden",
            AppError::NotFound { .. } => "not_found",
            AppError::Conflict { .. } => "conflict",
            AppError::TooLarge { .. } => "too_large",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Unavailable => "unavailable",
            AppError::Internal => "internal",
            AppError::Network { .. } => "network",
            AppError::Timeout { .. } => "timeout",
        }
    }

    /// What happened and what to do, for a toast.
    pub fn user_message(&self) -> String {
        match self {
            AppError::Invalid(f) => format!("Check {}: {}", f.field.replace('_', " "), f.message),
            AppError::Unauthenticated => "Your session has ended. Sign in again to continue.".into(),
            AppError::Forbidden { module, action } => format!(
                "You do not have {action} permission on {module}. Ask an admin if you need it."
            ),
            AppError::NotFound { what } => format!("{what} was not found. It may have been removed; reload the page."),
            AppError::Conflict { message } => format!("{message}. Reload to see the latest state."),
            AppError::TooLarge { max_bytes } => format!(
                "The file is larger than {} MB. Send a smaller one.",
                max_bytes / (1024 * 1024)
            ),
            AppError::RateLimited { retry_after_s } => {
                format!("Too many attempts. Wait {retry_after_s} seconds and try again.")
            }
            AppError::Unavailable => "The server is busy or its database is down. Try again in a minute.".into(),
            AppError::Internal => {
                "Something went wrong on the server. Try again; if it keeps happening, tell your admin.".into()
            }
            AppError::Network { .. } => {
                "Cannot reach the server. Check the Wi-Fi; your action was not lost — try again.".into()
            }
            AppError::Timeout { after_ms } => format!(
                "The server did not answer within {} s. Check the connection and try again.",
                after_ms / 1000
            ),
        }
    }

    /// Worth retrying automatically (reads always; mutations only because they
    /// carry an idempotency key).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            AppError::Network { .. } | AppError::Timeout { .. } | AppError::Unavailable
        )
    }

    pub fn field_error(&self) -> Option<&FieldError> {
        match self {
            AppError::Invalid(f) => Some(f),
            _ => None,
        }
    }
}

#[cfg(feature = "server-fn")]
mod server_fn_impl {
    use super::AppError;
    use server_fn::codec::JsonEncoding;
    use server_fn::error::{FromServerFnError, ServerFnErrorErr};

    impl FromServerFnError for AppError {
        type Encoder = JsonEncoding;

        fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
            match value {
                ServerFnErrorErr::Request(detail) => AppError::Network { detail },
                // Arguments that did not parse: the field they name when the
                // checked JSON codec read them, else a general word (serde's
                // own text is never passed on).
                ServerFnErrorErr::Args(message) | ServerFnErrorErr::Deserialization(message) => {
                    AppError::Invalid(
                        super::FieldError::from_args_text(&message)
                            .unwrap_or_else(|| super::FieldError::new("body", "could not be read")),
                    )
                }
                ServerFnErrorErr::Registration(_) => AppError::NotFound {
                    what: "server function".into(),
                },
                _ => AppError::Internal,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_codes_match_http_semantics() {
        assert_eq!(AppError::field("title", "required").status(), 422);
        assert_eq!(AppError::Unauthenticated.status(), 401);
        assert_eq!(
            AppError::Forbidden {
                module: "m".into(),
                action: "a".into()
            }
            .status(),
            403
        );
        assert_eq!(AppError::conflict("x").code(), "conflict");
        assert_eq!(AppError::TooLarge { max_bytes: 1 }.status(), 413);
    }

    #[test]
    fn field_errors_name_the_field_in_the_message() {
        let e = AppError::field("machine_id", "choose a machine");
        assert!(e.user_message().contains("machine id"));
        assert_eq!(e.field_error().unwrap().field, "machine_id");
    }

    #[test]
    fn round_trips_as_tagged_json() {
        let e = AppError::field("title", "required");
        let s = serde_json::to_string(&e).unwrap();
        assert!(s.contains("\"code\":\"invalid\""), "{s}");
        let back: AppError = serde_json::from_str(&s).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn only_transport_failures_are_transient() {
        assert!(AppError::Timeout { after_ms: 1 }.is_transient());
        assert!(!AppError::field("a", "b").is_transient());
        assert!(!AppError::Unauthenticated.is_transient());
    }
}
