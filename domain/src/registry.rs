//! The module registry: every module of Shopfloor is declared here, once.
//! The navigation, the page guard, the permission matrix, the metrics route
//! buckets and the live-event topics are all derived from it; nothing else in
//! the code base lists the modules. Adding a module = one `Module` variant in
//! `perm.rs` and one arm in [`Module::def`] (the compiler finds a missing one).

use crate::perm::{Action, Module, Permission};

/// How the sidebar groups its entries on a desktop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NavGroup {
    Production,
    QualityAndMaintenance,
    StockAndBuying,
    Money,
    Administration,
}

impl NavGroup {
    pub const ALL: &'static [NavGroup] = &[
        NavGroup::Production,
        NavGroup::QualityAndMaintenance,
        NavGroup::StockAndBuying,
        NavGroup::Money,
        NavGroup::Administration,
    ];

    pub fn label(self) -> &'static str {
        match self {
            NavGroup::Production => "Production",
            NavGroup::QualityAndMaintenance => "Quality & maintenance",
            NavGroup::StockAndBuying => "Stock & buying",
            NavGroup::Money => "Money",
            NavGroup::Administration => "Administration",
        }
    }
}

/// One screen in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NavEntry {
    pub href: &'static str,
    pub label: &'static str,
    /// A name the app's icon set knows (`app::nav::icon`).
    pub icon: &'static str,
    /// What the user must hold to see the entry (None: every signed-in user).
    pub needs: Option<Permission>,
}

/// Everything the rest of the code base needs to know about a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleDef {
    pub module: Module,
    pub label: &'static str,
    pub group: NavGroup,
    /// First segment of its pages (`/maintenance/...`); signed-in only.
    pub page_prefix: &'static str,
    /// Its REST prefix under `/api/v1`, as integrators know it (PRODUCT.md).
    pub api_prefix: &'static str,
    /// The actions that mean something for this module (the permission matrix's columns).
    pub actions: &'static [Action],
    /// Its screens, in menu order; empty while the module has none yet.
    pub nav: &'static [NavEntry],
    /// Whether it publishes live events (SSE topic = the module's name).
    pub live: bool,
}

const ALL_ACTIONS: &[Action] = Action::ALL;
const NO_APPROVE: &[Action] = &[Action::View, Action::Create, Action::Update, Action::Delete];
const VIEW_ONLY: &[Action] = &[Action::View];

const fn entry(
    href: &'static str,
    label: &'static str,
    icon: &'static str,
    module: Module,
    action: Action,
) -> NavEntry {
    NavEntry {
        href,
        label,
        icon,
        needs: Some(Permission::new(module, action)),
    }
}

const fn def(
    module: Module,
    label: &'static str,
    group: NavGroup,
    page_prefix: &'static str,
    api_prefix: &'static str,
    actions: &'static [Action],
) -> ModuleDef {
    ModuleDef {
        module,
        label,
        group,
        page_prefix,
        api_prefix,
        actions,
        nav: &[],
        live: false,
    }
}

const MAINTENANCE: ModuleDef = ModuleDef {
    nav: &[
        entry(
            "/maintenance",
            "Maintenance",
            "maintenance",
            Module::Maintenance,
            Action::View,
        ),
        entry(
            "/maintenance/new",
            "Report",
            "report",
            Module::Maintenance,
            Action::Create,
        ),
        entry(
            "/maintenance/sla",
            "SLA",
            "sla",
            Module::Maintenance,
            Action::View,
        ),
    ],
    live: true,
    ..def(
        Module::Maintenance,
        "Maintenance",
        NavGroup::QualityAndMaintenance,
        "/maintenance",
        "/maintenance",
        ALL_ACTIONS,
    )
};

const MASTER: ModuleDef = ModuleDef {
    nav: &[
        entry(
            "/master/items",
            "Items",
            "items",
            Module::Master,
            Action::View,
        ),
        entry(
            "/master/work-centres",
            "Work centres",
            "work-centres",
            Module::Master,
            Action::View,
        ),
        entry(
            "/master/machines",
            "Machines",
            "machines",
            Module::Master,
            Action::View,
        ),
        entry(
            "/master/customers",
            "Customers",
            "customers",
            Module::Master,
            Action::View,
        ),
        entry(
            "/master/suppliers",
            "Suppliers",
            "suppliers",
            Module::Master,
            Action::View,
        ),
        entry(
            "/master/embroidery-designs",
            "Embroidery designs",
            "designs",
            Module::Master,
            Action::View,
        ),
    ],
    ..def(
        Module::Master,
        "Master data",
        NavGroup::Production,
        "/master",
        "/master",
        NO_APPROVE,
    )
};

const ADMIN: ModuleDef = ModuleDef {
    nav: &[
        entry(
            "/admin/users",
            "Users",
            "users",
            Module::Admin,
            Action::View,
        ),
        entry(
            "/admin/roles",
            "Roles",
            "roles",
            Module::Admin,
            Action::View,
        ),
        entry(
            "/admin/audit",
            "Audit",
            "audit",
            Module::Admin,
            Action::View,
        ),
    ],
    ..def(
        Module::Admin,
        "Admin",
        NavGroup::Administration,
        "/admin",
        "/admin",
        NO_APPROVE,
    )
};

const ORDERS: ModuleDef = ModuleDef {
    nav: &[entry(
        "/orders",
        "Sales orders",
        "orders",
        Module::Orders,
        Action::View,
    )],
    live: true,
    ..def(
        Module::Orders,
        "Orders",
        NavGroup::Production,
        "/orders",
        "/orders",
        ALL_ACTIONS,
    )
};
const PPIC: ModuleDef = ModuleDef {
    nav: &[
        entry(
            "/ppic/orders",
            "Manufacturing",
            "mo",
            Module::Ppic,
            Action::View,
        ),
        entry(
            "/ppic/kanban",
            "Kanban",
            "kanban",
            Module::Ppic,
            Action::View,
        ),
        entry("/ppic/gantt", "Gantt", "gantt", Module::Ppic, Action::View),
        entry(
            "/ppic/analytics",
            "Plan analytics",
            "analytics",
            Module::Ppic,
            Action::View,
        ),
    ],
    live: true,
    ..def(
        Module::Ppic,
        "Planning",
        NavGroup::Production,
        "/ppic",
        "/ppic",
        ALL_ACTIONS,
    )
};
const WAREHOUSE: ModuleDef = ModuleDef {
    nav: &[entry(
        "/warehouse/bom",
        "BOMs",
        "bom",
        Module::Warehouse,
        Action::View,
    )],
    live: true,
    ..def(
        Module::Warehouse,
        "Warehouse",
        NavGroup::StockAndBuying,
        "/warehouse",
        "/warehouse",
        ALL_ACTIONS,
    )
};
const PURCHASING: ModuleDef = def(
    Module::Purchasing,
    "Purchasing",
    NavGroup::StockAndBuying,
    "/purchasing",
    "/purchasing",
    ALL_ACTIONS,
);
const QUALITY: ModuleDef = def(
    Module::Quality,
    "Quality",
    NavGroup::QualityAndMaintenance,
    "/quality",
    "/quality",
    ALL_ACTIONS,
);
const FINANCE: ModuleDef = def(
    Module::Finance,
    "Finance",
    NavGroup::Money,
    "/finance",
    "/finance",
    NO_APPROVE,
);
const IMPORT_EXPORT: ModuleDef = ModuleDef {
    nav: &[entry(
        "/import-export",
        "Import",
        "import",
        Module::ImportExport,
        Action::View,
    )],
    ..def(
        Module::ImportExport,
        "Import / export",
        NavGroup::Administration,
        "/import-export",
        "/import-export",
        NO_APPROVE,
    )
};
const DASHBOARD: ModuleDef = def(
    Module::Dashboard,
    "Dashboard",
    NavGroup::Production,
    "/dashboard",
    "/dashboard",
    VIEW_ONLY,
);
const WHATSAPP: ModuleDef = def(
    Module::Whatsapp,
    "WhatsApp",
    NavGroup::Administration,
    "/whatsapp",
    "/whatsapp",
    NO_APPROVE,
);

impl Module {
    /// The module's one declaration. An exhaustive match: a new `Module`
    /// variant does not compile until it is declared here.
    pub const fn def(self) -> &'static ModuleDef {
        match self {
            Module::Admin => &ADMIN,
            Module::Master => &MASTER,
            Module::Orders => &ORDERS,
            Module::Ppic => &PPIC,
            Module::Warehouse => &WAREHOUSE,
            Module::Purchasing => &PURCHASING,
            Module::Quality => &QUALITY,
            Module::Maintenance => &MAINTENANCE,
            Module::Finance => &FINANCE,
            Module::ImportExport => &IMPORT_EXPORT,
            Module::Dashboard => &DASHBOARD,
            Module::Whatsapp => &WHATSAPP,
        }
    }
}

/// Every module's declaration, in `Module::ALL` order.
pub fn modules() -> impl Iterator<Item = &'static ModuleDef> {
    Module::ALL.iter().map(|m| m.def())
}

/// Pages every signed-in user has, whatever their permissions.
pub const ACCOUNT: NavEntry = NavEntry {
    href: "/account",
    label: "Account",
    icon: "account",
    needs: None,
};

/// Whether a GET of this path is a signed-in page (the page guard sends
/// signed-out visitors to the sign-in page first).
pub fn is_app_page(path: &str) -> bool {
    let under = |p: &str| path == p || path.strip_prefix(p).is_some_and(|r| r.starts_with('/'));
    path == "/" || under(ACCOUNT.href) || modules().any(|d| under(d.page_prefix))
}

/// A bounded label for request metrics of a path no route matched: the
/// module's page prefix (`/maintenance/*`), a static asset folder, or `other`.
pub fn metrics_bucket(path: &str) -> String {
    for p in ["/pkg/", "/sfn/", "/icons/", "/api/v1/"] {
        if path.starts_with(p) {
            return format!("{p}*");
        }
    }
    for d in modules() {
        if path == d.page_prefix {
            return path.to_string();
        }
        if path
            .strip_prefix(d.page_prefix)
            .is_some_and(|r| r.starts_with('/'))
        {
            return format!("{}/*", d.page_prefix);
        }
    }
    match path {
        "/" | "/login" | "/reset" | "/account" | "/sw.js" | "/manifest.webmanifest" => {
            path.to_string()
        }
        _ => "other".into(),
    }
}

/// The screens of the role's daily work, most used first: the phone's bottom
/// bar shows the first four the user may open, and the first is their home.
pub fn favourites(role: &str) -> &'static [&'static str] {
    match role {
        "operator" => &[
            "/maintenance",
            "/ppic/kanban",
            "/maintenance/new",
            "/master/machines",
        ],
        "maintenance" => &["/maintenance", "/maintenance/sla", "/master/machines"],
        "supervisor" => &[
            "/maintenance",
            "/ppic/kanban",
            "/maintenance/sla",
            "/ppic/gantt",
        ],
        "planner" => &[
            "/orders",
            "/ppic/orders",
            "/ppic/gantt",
            "/ppic/kanban",
            "/master/items",
            "/master/work-centres",
            "/maintenance",
        ],
        "quality" => &["/maintenance", "/maintenance/new"],
        "warehouse" => &[
            "/warehouse/bom",
            "/master/items",
            "/master/suppliers",
            "/maintenance",
        ],
        "finance" => &["/maintenance"],
        "admin" => &[
            "/admin/users",
            "/maintenance",
            "/admin/roles",
            "/admin/audit",
        ],
        _ => &[],
    }
}

/// A user's navigation: the entries they may open, ranked by their roles'
/// favourites and then in registry order, with the account page last.
pub fn nav_for(roles: &[String], can: impl Fn(Permission) -> bool) -> Vec<NavEntry> {
    let visible: Vec<NavEntry> = modules()
        .flat_map(|d| d.nav.iter().copied())
        .filter(|e| e.needs.is_none_or(&can))
        .collect();
    let mut ranked: Vec<NavEntry> = Vec::with_capacity(visible.len() + 1);
    for role in roles {
        for href in favourites(role) {
            if let Some(e) = visible.iter().find(|e| e.href == *href) {
                if !ranked.contains(e) {
                    ranked.push(*e);
                }
            }
        }
    }
    for e in visible {
        if !ranked.contains(&e) {
            ranked.push(e);
        }
    }
    ranked.push(ACCOUNT);
    ranked
}

/// Where a user lands after signing in: the first screen of their navigation.
pub fn home_for(roles: &[String], can: impl Fn(Permission) -> bool) -> &'static str {
    nav_for(roles, can)
        .first()
        .map(|e| e.href)
        .unwrap_or(ACCOUNT.href)
}

/// The module an entry belongs to, for grouping the sidebar.
pub fn group_of(entry: &NavEntry) -> NavGroup {
    entry
        .needs
        .map_or(NavGroup::Administration, |p| p.module.def().group)
}

#[cfg(test)]
#[path = "registry_tests.rs"]
mod tests;
