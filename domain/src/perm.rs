//! Permissions are module × action, granted to users through roles.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        // On the wire exactly as `as_str` spells it (e.g. `maintenance`, `VIEW`).
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown {} {s:?}", stringify!($name).to_lowercase())))
            }
        }

        // In the OpenAPI document: a string, one of `ALL` as `as_str` spells it.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some($name::ALL.iter().map(|v| v.as_str())))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// The product's modules, as in PRODUCT.md.
    Module {
        Admin = "admin",
        Master = "master",
        Orders = "orders",
        Ppic = "ppic",
        Warehouse = "warehouse",
        Purchasing = "purchasing",
        Quality = "quality",
        Maintenance = "maintenance",
        Finance = "finance",
        ImportExport = "import_export",
        Dashboard = "dashboard",
        Whatsapp = "whatsapp",
    }
);

string_enum!(
    Action {
        View = "VIEW",
        Create = "CREATE",
        Update = "UPDATE",
        Delete = "DELETE",
        Approve = "APPROVE",
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Permission {
    pub module: Module,
    pub action: Action,
}

impl Permission {
    pub const fn new(module: Module, action: Action) -> Self {
        Self { module, action }
    }
}

/// The roles seeded on first start, with their default grants. Admins can
/// change grants afterwards; these are only the starting point.
pub const SEEDED_ROLES: &[(&str, &str)] = &[
    ("admin", "Administrator: everything"),
    ("planner", "PPIC planner"),
    ("supervisor", "Floor supervisor"),
    ("operator", "Machine operator"),
    ("quality", "Quality inspector"),
    ("maintenance", "Maintenance technician"),
    ("warehouse", "Warehouse and purchasing"),
    ("finance", "Finance"),
];

pub fn default_grants(role: &str) -> Vec<Permission> {
    use Action::*;
    use Module::*;
    let all_actions = |m: Module| Action::ALL.iter().map(move |a| Permission::new(m, *a));
    let view = |m: Module| Permission::new(m, View);
    let mut out: Vec<Permission> = match role {
        "admin" => Module::ALL.iter().flat_map(|m| all_actions(*m)).collect(),
        "planner" => [Orders, Ppic]
            .into_iter()
            .flat_map(all_actions)
            .chain([
                view(Master),
                view(Warehouse),
                view(Maintenance),
                view(Quality),
                view(Dashboard),
            ])
            .chain([Permission::new(Maintenance, Create)])
            .collect(),
        "supervisor" => vec![
            view(Master),
            view(Orders),
            view(Ppic),
            Permission::new(Ppic, Update),
            Permission::new(Ppic, Approve),
            view(Quality),
            Permission::new(Quality, Approve),
            view(Maintenance),
            Permission::new(Maintenance, Create),
            Permission::new(Maintenance, Update),
            Permission::new(Maintenance, Approve),
            view(Warehouse),
            view(Dashboard),
        ],
        "operator" => vec![
            view(Master),
            view(Ppic),
            Permission::new(Ppic, Update),
            view(Maintenance),
            Permission::new(Maintenance, Create),
            Permission::new(Quality, Create),
        ],
        "quality" => all_actions(Quality)
            .chain([view(Master), view(Ppic), view(Maintenance), view(Dashboard)])
            .collect(),
        "maintenance" => all_actions(Maintenance)
            .filter(|p| p.action != Delete)
            .chain([
                view(Master),
                Permission::new(Master, Create),
                Permission::new(Master, Update),
                view(Dashboard),
            ])
            .collect(),
        "warehouse" => [Warehouse, Purchasing, ImportExport]
            .into_iter()
            .flat_map(all_actions)
            .chain([view(Master), view(Orders), view(Maintenance)])
            .collect(),
        "finance" => all_actions(Finance)
            .chain([view(Orders), view(Ppic), view(Warehouse), view(Dashboard)])
            .collect(),
        _ => vec![],
    };
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_has_every_permission() {
        assert_eq!(
            default_grants("admin").len(),
            Module::ALL.len() * Action::ALL.len()
        );
    }

    #[test]
    fn operators_report_breakdowns_but_cannot_move_them() {
        let g = default_grants("operator");
        assert!(g.contains(&Permission::new(Module::Maintenance, Action::Create)));
        assert!(!g.contains(&Permission::new(Module::Maintenance, Action::Update)));
        assert!(!g.iter().any(|p| p.module == Module::Admin));
    }

    #[test]
    fn every_seeded_role_has_grants_and_names_parse_back() {
        for (role, _) in SEEDED_ROLES {
            assert!(!default_grants(role).is_empty(), "{role}");
        }
        for m in Module::ALL {
            assert_eq!(Module::parse(m.as_str()), Some(*m));
        }
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(*a));
        }
    }
}
