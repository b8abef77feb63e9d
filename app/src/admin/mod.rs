//! Admin: users, roles and permissions, audit log.

pub mod api;
pub mod pages;

pub use pages::{AuditPage, RolesPage, UsersPage};

lazy_page!(UsersRoute => UsersPage, RolesRoute => RolesPage, AuditRoute => AuditPage);
