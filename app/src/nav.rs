//! The navigation, built from the module registry (`domain::registry`): on a
//! desktop a sidebar grouped by area; on a phone a bottom bar with the four
//! screens the user's role uses most plus "More" (a native `<details>`, so it
//! opens before hydration and without JavaScript).

use domain::auth::CurrentUser;
use domain::registry::{group_of, nav_for, NavEntry, NavGroup};
use leptos::prelude::*;
use leptos_router::components::A;

/// How many entries the phone's bottom bar holds before "More".
const BAR_SLOTS: usize = 4;

/// Simple stroke icons drawn here (system fonts on plant PCs lack emoji).
pub fn icon(name: &'static str) -> impl IntoView {
    let shape = match name {
        "maintenance" => view! { <path d="M4 20 L13 11" /><circle cx="16" cy="8" r="4" /> }.into_any(),
        "report" => view! { <circle cx="12" cy="12" r="9" /><path d="M12 7 V13 M12 16.5 V17" /> }.into_any(),
        "machines" => view! { <circle cx="12" cy="12" r="7" stroke-dasharray="3 2" /><circle cx="12" cy="12" r="2.5" /> }.into_any(),
        "sla" => view! { <circle cx="12" cy="13" r="8" /><path d="M12 8 V13 L15 15 M9 2 H15" /> }.into_any(),
        "users" => view! { <circle cx="12" cy="8" r="4" /><path d="M4 21 C4 15 20 15 20 21" /> }.into_any(),
        "roles" => view! { <circle cx="8" cy="12" r="4" /><path d="M12 12 H21 M18 12 V16 M21 12 V15" /> }.into_any(),
        "audit" => view! { <path d="M6 4 H18 V20 H6 Z M9 9 H15 M9 13 H15 M9 17 H13" /> }.into_any(),
        "bom" => view! { <path d="M12 3 V8 M12 8 H6 V13 M12 8 H18 V13 M4 13 H8 V17 H4 Z M16 13 H20 V17 H16 Z" /> }.into_any(),
        "orders" => view! { <path d="M6 3 H18 V21 H6 Z M9 8 H15 M9 12 H15 M9 16 H12" /> }.into_any(),
        "mo" => view! { <path d="M3 20 V10 L9 6 V10 L15 6 V10 L21 6 V20 Z M7 16 H9 M12 16 H14 M17 16 H19" /> }.into_any(),
        "kanban" => view! { <path d="M3 4 H21 V20 H3 Z M9 4 V20 M15 4 V20 M5 7 H7 M11 7 H13 M11 10 H13 M17 7 H19" /> }.into_any(),
        "gantt" => view! { <path d="M3 4 V20 H21 M6 7 H13 M9 11 H17 M12 15 H20" /> }.into_any(),
        "analytics" => view! { <path d="M4 20 V12 M10 20 V6 M16 20 V10 M22 20 H2" /> }.into_any(),
        "import" => view! { <path d="M12 3 V14 M7 9 L12 14 L17 9 M4 17 V21 H20 V17" /> }.into_any(),
        "more" => view! { <circle cx="5" cy="12" r="1.5" /><circle cx="12" cy="12" r="1.5" /><circle cx="19" cy="12" r="1.5" /> }.into_any(),
        _ => view! { <circle cx="12" cy="9" r="4" /><path d="M5 21 C5 15 19 15 19 21" /> }.into_any(),
    };
    view! {
        <svg class="nav-icon" viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
            {shape}
        </svg>
    }
}

fn link(e: NavEntry) -> impl IntoView {
    view! {
        <A href=e.href attr:class="nav-item">{icon(e.icon)}<span class="nav-label">{e.label}</span></A>
    }
}

/// The user's entries, ranked for their roles.
pub fn entries(user: &CurrentUser) -> Vec<NavEntry> {
    nav_for(&user.roles, |p| user.can(p.module, p.action))
}

#[component]
pub fn Nav(user: CurrentUser) -> impl IntoView {
    let items = entries(&user);
    // Desktop: every entry, grouped, in registry order within a group.
    let mut by_registry = items.clone();
    let order = |e: &NavEntry| {
        domain::registry::modules()
            .flat_map(|d| d.nav.iter())
            .position(|x| x.href == e.href)
            .unwrap_or(usize::MAX)
    };
    by_registry.sort_by_key(|e| (group_of(e), order(e)));
    let groups: Vec<(NavGroup, Vec<NavEntry>)> = NavGroup::ALL
        .iter()
        .map(|g| {
            (
                *g,
                by_registry
                    .iter()
                    .filter(|e| group_of(e) == *g)
                    .copied()
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    // Phone: the first four, then "More" with the rest (all when they fit).
    let (bar, more): (Vec<NavEntry>, Vec<NavEntry>) = if items.len() <= BAR_SLOTS + 1 {
        (items.clone(), vec![])
    } else {
        (items[..BAR_SLOTS].to_vec(), items[BAR_SLOTS..].to_vec())
    };
    view! {
        <nav class="sidebar" aria-label="Main">
            {groups.into_iter().map(|(g, es)| view! {
                <div class="nav-group">
                    <h2 class="nav-group-title">{g.label()}</h2>
                    {es.into_iter().map(link).collect_view()}
                </div>
            }).collect_view()}
        </nav>
        <nav class="bottombar" aria-label="Main (phone)">
            {bar.into_iter().map(link).collect_view()}
            {(!more.is_empty()).then(|| view! {
                <details class="more">
                    <summary class="nav-item" data-testid="nav-more">{icon("more")}<span class="nav-label">"More"</span></summary>
                    <div class="more-sheet">
                        {more.into_iter().map(link).collect_view()}
                    </div>
                </details>
            })}
        </nav>
    }
}
