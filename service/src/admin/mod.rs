//! The admin module: users, roles, permissions and the audit log. Every
//! mutation is one transaction with its idempotency record and audit entry,
//! and hands out only what the acting user holds (see [`grants`]).

mod grants;
mod roles;
mod users;

pub use roles::{audit_log, list_roles, set_role_permission};
pub use users::{
    create_user, insert_user, issue_reset, list_users, set_user_active, set_user_roles,
};

/// The role that makes an admin; only its holders give or take it.
pub const ADMIN_ROLE: &str = "admin";
