//! Who is signed in, and the admin screens' wire types.

use crate::error::AppError;
use crate::perm::{Action, Module, Permission};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub permissions: Vec<Permission>,
    pub totp_enabled: bool,
}

impl CurrentUser {
    pub fn can(&self, module: Module, action: Action) -> bool {
        self.permissions.contains(&Permission::new(module, action))
    }

    pub fn require(&self, module: Module, action: Action) -> Result<(), AppError> {
        if self.can(module, action) {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                module: module.as_str().into(),
                action: action.as_str().into(),
            })
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginInput {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub totp_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub active: bool,
    pub totp_enabled: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewUserInput {
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9._-]{3,32}$"))]
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 80))]
    pub display_name: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 200))]
    pub password: String,
    /// Role names, as `GET /admin/roles` lists them.
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleView {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub at: String,
    pub user: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpSetup {
    pub secret_base32: String,
    pub otpauth_url: String,
}

/// Turning on two-factor sign-in (or enrolling a new secret): the code from
/// the app proves it holds `secret`; the current password proves who asks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpEnableInput {
    pub secret: String,
    pub code: String,
    #[serde(default)]
    pub current_password: String,
    /// Instead of the password, a code from the secret in use now.
    #[serde(default)]
    pub current_code: Option<String>,
}

/// Turning off two-factor sign-in: the current password, or a current code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotpDisableInput {
    #[serde(default)]
    pub current_password: String,
    #[serde(default)]
    pub current_code: Option<String>,
}

/// A signed-in user changing their own password.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordInput {
    pub current_password: String,
    pub new_password: String,
}

/// Usernames: 3–32 of a-z, 0-9, `.`, `_`, `-`.
pub fn parse_username(s: &str) -> Result<String, AppError> {
    let s = s.trim().to_lowercase();
    if s.len() < 3 || s.len() > 32 {
        return Err(AppError::field("username", "must be 3 to 32 characters"));
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(AppError::field(
            "username",
            "use only letters, digits, '.', '_' and '-'",
        ));
    }
    Ok(s)
}

pub fn check_password_strength(p: &str) -> Result<(), AppError> {
    if p.chars().count() < 10 {
        return Err(AppError::field(
            "password",
            "must be at least 10 characters",
        ));
    }
    if p.chars().count() > 200 {
        return Err(AppError::field(
            "password",
            "must be at most 200 characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(parse_username(" Thabo.M ").unwrap(), "thabo.m");
        assert!(parse_username("ab").is_err());
        assert!(parse_username("a b c").is_err());
    }

    #[test]
    fn require_names_module_and_action() {
        let u = CurrentUser {
            id: 1,
            username: "op".into(),
            display_name: "Op".into(),
            roles: vec![],
            permissions: vec![Permission::new(Module::Maintenance, Action::View)],
            totp_enabled: false,
        };
        assert!(u.require(Module::Maintenance, Action::View).is_ok());
        assert_eq!(
            u.require(Module::Maintenance, Action::Update),
            Err(AppError::Forbidden {
                module: "maintenance".into(),
                action: "UPDATE".into()
            })
        );
    }
}
