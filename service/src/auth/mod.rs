//! Sign-in, sessions, TOTP second factor, password resets and permission
//! loading, one concern per file.

mod http_compat;
mod limiter;
mod passwords;
mod sessions;
mod totp;

pub use crate::audit::audit;
pub use http_compat::{session_cookie, token_from_headers, TokenSource, SESSION_COOKIE};
pub use limiter::LoginLimiter;
pub(crate) use passwords::verify_password;
pub use passwords::{hash_password, issue_password_reset, reset_password};
pub use sessions::{
    load_user, login, logout, new_token, refresh, session_user, token_hash, SessionTimes, UserCache,
};
pub use totp::{disable_totp, enable_totp, new_totp_setup, totp_code, totp_matches};
