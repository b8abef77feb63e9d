//! The BOM editor: an indented tree of component lines edited in place, the
//! routing, variant overrides, every issue shown at its line, and beside it
//! the cost roll-up, where-used and the versions. Saving checks everything
//! on the server; a refused save lists each issue where it belongs.

use super::api::{bom_create, bom_get, bom_update, bom_validate};
use super::lines::{LinesTable, OverridesCard};
use super::panels::{CostPanel, VersionsPanel, WhereUsedPanel};
use super::routing::RoutingCard;
use crate::call::{read, Pending};
use crate::toast::{push_toast, ToastKind};
use domain::auth::CurrentUser;
use domain::bom::{BomEdit, BomInput, BomIssue, BomSaved, BomView, ComponentRef};
use domain::master::Attribute;
use domain::perm::{Action, Module};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// The editor's shared state.
#[derive(Clone, Copy)]
pub(super) struct Ed {
    pub form: RwSignal<BomInput>,
    pub issues: RwSignal<Vec<BomIssue>>,
    pub components: RwSignal<Vec<ComponentRef>>,
    pub editable: bool,
}

/// Whether an issue's field lies at or under `prefix` (`lines[2]`).
fn under(field: &str, prefix: &str) -> bool {
    field == prefix
        || field
            .strip_prefix(prefix)
            .is_some_and(|r| r.starts_with('.') || r.starts_with('['))
}

/// The issues at `prefix`, as messages under the row or field.
pub(super) fn issues_at(ed: Ed, prefix: String) -> impl IntoView {
    move || {
        ed.issues.with(|is| {
            is.iter()
                .filter(|i| under(&i.field, &prefix))
                .map(|i| {
                    view! {
                        <p class="field-error" role="alert" data-testid="bom-issue" data-field=i.field.clone()>
                            {i.message.clone()}
                        </p>
                    }
                })
                .collect_view()
        })
    }
}

#[component]
pub fn BomEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let bom = Resource::new(id, |id| read("Loading the BOM", move || bom_get(id)));
    view! {
        <Transition fallback=|| view! { <p class="loading"><span class="spinner"></span>" Loading…"</p> }>
            {move || bom.get().map(|r| match r {
                Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                Ok(v) => view! { <Editor item=v.item.clone() view=Some(v) /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
pub fn BomNewPage() -> impl IntoView {
    let query = use_query_map();
    let item = move || {
        query
            .read()
            .get("item")
            .unwrap_or_default()
            .trim()
            .to_uppercase()
    };
    view! { {move || view! { <Editor item=item() view=None /> }} }
}

#[component]
fn Editor(item: String, view: Option<BomView>) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let navigate = use_navigate();
    let id = view.as_ref().map(|v| v.id);
    let is_current = view.as_ref().is_none_or(|v| v.is_current);
    let editable = is_current
        && if id.is_some() {
            user.can(Module::Warehouse, Action::Update)
        } else {
            user.can(Module::Warehouse, Action::Create)
        };
    let form = RwSignal::new(view.as_ref().map(|v| v.form.clone()).unwrap_or(BomInput {
        item: item.clone(),
        version: 1,
        ..BomInput::default()
    }));
    let ed = Ed {
        form,
        issues: RwSignal::new(Vec::new()),
        components: RwSignal::new(
            view.as_ref()
                .map(|v| v.components.clone())
                .unwrap_or_default(),
        ),
        editable,
    };
    let revision = RwSignal::new(view.as_ref().map(|v| v.revision).unwrap_or(0));
    let attributes: Vec<Attribute> = view
        .as_ref()
        .map(|v| v.attributes.clone())
        .unwrap_or_default();
    let title = match &view {
        Some(v) => format!("{} — {} (v{})", v.item, v.item_name, v.version),
        None => format!("New BOM for {item}"),
    };
    let state = view.as_ref().map(|v| {
        if !v.is_current {
            "An older version: read only"
        } else if v.frozen {
            "Used by orders: saving writes a new version"
        } else {
            "Editable"
        }
    });
    let pending = Pending::new();
    let checking = RwSignal::new(false);
    let check = move |_| {
        let f = form.get_untracked();
        checking.set(true);
        leptos::task::spawn_local(async move {
            let r = read("Checking the BOM", move || bom_validate(f.clone())).await;
            checking.set(false);
            if let Ok(v) = r {
                if v.valid {
                    push_toast(ToastKind::Success, "No problems found");
                }
                ed.issues.set(v.issues);
            }
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let f = form.get_untracked();
        let rev = revision.get_untracked();
        let navigate = navigate.clone();
        let on_ok = move |saved: BomSaved| match saved {
            BomSaved::Saved { bom } => {
                ed.issues.set(Vec::new());
                push_toast(
                    ToastKind::Success,
                    format!("Saved {} v{}", bom.item, bom.version),
                );
                if Some(bom.id) != id {
                    navigate(&format!("/warehouse/bom/{}", bom.id), Default::default());
                } else {
                    revision.set(bom.revision);
                    ed.components.set(bom.components.clone());
                }
            }
            BomSaved::Refused { issues } => {
                push_toast(
                    ToastKind::Error,
                    format!(
                        "Not saved: {} problem(s), shown at their lines",
                        issues.len()
                    ),
                );
                ed.issues.set(issues);
            }
        };
        match id {
            Some(id) => pending.run(
                "Saving the BOM",
                move |key| {
                    bom_update(
                        key,
                        id,
                        BomEdit {
                            revision: rev,
                            bom: f.clone(),
                        },
                    )
                },
                on_ok,
            ),
            None => pending.run(
                "Creating the BOM",
                move |key| bom_create(key, f.clone()),
                on_ok,
            ),
        }
    };
    let item_code = item.clone();
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    view! {
        <section class="page bom-editor" data-testid="bom-editor">
            <header class="page-head">
                <h1 data-testid="bom-title">{title}</h1>
                {state.map(|s| view! { <span class="badge" data-testid="bom-state">{s}</span> })}
            </header>
            {issues_at(ed, "item".to_string())}
            <div class="bom-layout">
                <form class="bom-main" on:submit=save>
                    <LinesTable ed=ed />
                    <RoutingCard ed=ed />
                    <OverridesCard ed=ed />
                    <Show when=move || editable>
                        <div class="actions">
                            <button type="button" class="btn" data-testid="bom-check" disabled=move || checking.get() on:click=check>"Check"</button>
                            <button type="submit" class="btn primary" data-testid="bom-save" disabled=move || pending.busy.get()>
                                {move || if pending.busy.get() { "Saving…" } else { "Save" }}
                            </button>
                        </div>
                    </Show>
                    <p class="muted" data-testid="bom-issue-count">
                        {move || { let n = ed.issues.with(Vec::len); if n == 0 { String::new() } else { format!("{n} problem(s)") } }}
                    </p>
                </form>
                <aside class="bom-side">
                    // The panels load their own data once the page is
                    // interactive: rendered on the server inside the page's
                    // own Transition, their nested Transitions did not
                    // hydrate (the markers differed).
                    <Show when=move || mounted.get()>
                        <CostPanel id=id attributes=attributes.clone() />
                        <WhereUsedPanel item=item_code.clone() />
                        {id.map(|id| view! { <VersionsPanel id=id /> })}
                    </Show>
                </aside>
            </div>
        </section>
    }
}
