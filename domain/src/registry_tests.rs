//! The registry's tests: every module declared once, homes and navigation per role.

use super::*;

#[test]
fn every_module_is_declared_once_with_its_own_prefixes() {
    let defs: Vec<_> = modules().collect();
    assert_eq!(defs.len(), Module::ALL.len());
    for (i, d) in defs.iter().enumerate() {
        assert_eq!(
            d.module,
            Module::ALL[i],
            "def() maps {:?} to its own entry",
            d.module
        );
        assert!(d.page_prefix.starts_with('/') && d.api_prefix.starts_with('/'));
        assert!(!d.actions.is_empty() && d.actions.contains(&Action::View));
        for other in &defs[i + 1..] {
            assert_ne!(d.page_prefix, other.page_prefix);
            assert_ne!(d.api_prefix, other.api_prefix);
        }
        for e in d.nav {
            assert!(
                e.href == d.page_prefix || e.href.starts_with(&format!("{}/", d.page_prefix)),
                "{} lies under {}",
                e.href,
                d.page_prefix
            );
        }
    }
}

#[test]
fn page_guard_covers_module_pages_and_nothing_public() {
    for p in [
        "/",
        "/maintenance",
        "/maintenance/12",
        "/admin/users",
        "/account",
        "/ppic/gantt",
    ] {
        assert!(is_app_page(p), "{p}");
    }
    for p in [
        "/login",
        "/reset",
        "/pkg/shopfloor.wasm",
        "/sw.js",
        "/maintenancex",
        "/api/v1/auth/login",
    ] {
        assert!(!is_app_page(p), "{p}");
    }
}

#[test]
fn metrics_buckets_are_bounded() {
    assert_eq!(metrics_bucket("/maintenance/123"), "/maintenance/*");
    assert_eq!(metrics_bucket("/maintenance"), "/maintenance");
    assert_eq!(metrics_bucket("/pkg/x.wasm"), "/pkg/*");
    assert_eq!(metrics_bucket("/ppic/orders/7"), "/ppic/*");
    assert_eq!(metrics_bucket("/wp-admin.php"), "other");
}

fn grants(role: &str) -> impl Fn(Permission) -> bool {
    let g = crate::perm::default_grants(role);
    move |p| g.contains(&p)
}

#[test]
fn each_seeded_role_gets_a_home_it_may_open_and_account_last() {
    for (role, _) in crate::perm::SEEDED_ROLES {
        let roles = vec![role.to_string()];
        let nav = nav_for(&roles, grants(role));
        assert_eq!(nav.last(), Some(&ACCOUNT));
        let can = grants(role);
        for e in &nav[..nav.len() - 1] {
            assert!(
                e.needs.is_some_and(&can),
                "{role} sees {} only with {:?}",
                e.href,
                e.needs
            );
        }
        let mut hrefs: Vec<_> = nav.iter().map(|e| e.href).collect();
        hrefs.sort();
        hrefs.dedup();
        assert_eq!(hrefs.len(), nav.len(), "{role}: no entry twice");
    }
    let op = vec!["operator".to_string()];
    assert_eq!(home_for(&op, grants("operator")), "/maintenance");
    let admin = vec!["admin".to_string()];
    assert_eq!(home_for(&admin, grants("admin")), "/admin/users");
    assert_eq!(home_for(&[], |_| false), "/account");
}

#[test]
fn favourites_name_only_declared_screens() {
    let all: Vec<&str> = modules()
        .flat_map(|d| d.nav.iter().map(|e| e.href))
        .collect();
    for (role, _) in crate::perm::SEEDED_ROLES {
        for f in favourites(role) {
            assert!(all.contains(f), "{role}: {f} is not a declared screen");
        }
    }
}
