//! Sign-in, sessions, TOTP second factor, password resets and permission
//! loading, one concern per file.

mod account;
pub mod limiter;
mod login;
mod passwords;
mod sessions;
mod totp;

pub use crate::audit::audit;
pub use account::change_password;
pub use login::login;
pub use passwords::{
    hash_password, issue_password_reset, issue_reset_in, reset_password, verify_password,
    RESET_VALID_MS,
};
pub use sessions::{
    load_user, logout, new_token, refresh, session_user, token_hash, SessionTimes, UserCache,
};
pub(crate) use sessions::{permissions_of_roles, PermissionRow};
pub use totp::{disable_totp, enable_totp, new_totp_setup, totp_code, totp_matches};
