//! Manufacturing-order screens: the list (status chips, search, progress,
//! lateness, pages of 50), the form for an order made by hand
//! (`orders_form.rs`) and one order with its jobs, materials, child orders,
//! release and promise date (`orders_detail.rs`).

#[path = "orders_detail.rs"]
mod detail;
#[path = "orders_form.rs"]
mod form;

use super::api::{list_mos, release_mos};
use super::shared::{loading, mo_badge, ppic_version, when_opt};
use crate::call::{read, Pending};
use crate::toast::{push_toast, ToastKind};
use domain::auth::CurrentUser;
use domain::master::Qty;
use domain::perm::{Action, Module};
use domain::ppic::{MoStatus, MoSummary, ReleaseManyInput, ReleasedMany};
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::HashMap;

pub use detail::MoDetailPage;

/// Rows on one page of the list.
const PAGE: i64 = 50;

/// A variant as typed → the key the server reads: pairs separated by `;`
/// (a `,` is taken as a separator too: `size=M,colour=brown`), blanks
/// dropped.
pub(super) fn variant_key(s: &str) -> String {
    s.split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(";")
}

/// `part` of `whole` in percent, 0 to 100 (0 when there is no whole).
pub(super) fn percent(part: Qty, whole: Qty) -> f64 {
    if !whole.is_positive() {
        return 0.0;
    }
    (part.millionths() as f64 / whole.millionths() as f64 * 100.0).clamp(0.0, 100.0)
}

/// Made against ordered: a small bar, the numbers, and the scrap if any.
pub(super) fn progress(good: Qty, qty: Qty, scrap: Qty) -> impl IntoView {
    let pct = percent(good, qty);
    view! {
        <div class="mo-progress" data-testid="mo-progress">
            <progress max="100" value=pct aria-label=format!("{good} of {qty} made")></progress>
            <span class="mo-progress-nums">
                <span class="num">{format!("{good} / {qty}")}</span>
                {scrap.is_positive().then(|| view! { <span class="scrap">{format!("scrap {scrap}")}</span> })}
            </span>
        </div>
    }
}

pub(super) fn late_badge(late: bool) -> impl IntoView {
    late.then(|| {
        view! { <span class="badge late" data-testid="mo-late" title="Planned to end after its due date">"late"</span> }
    })
}

#[component]
pub fn MoListPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let can_create = user.can(Module::Ppic, Action::Create);
    let can_release = user.can(Module::Ppic, Action::Approve);
    let pending = Pending::new();
    // The drafts on the page, released together: exploded each, the floor
    // planned once, all or none.
    let release_all = move |ids: Vec<i64>| {
        if !confirm_release(ids.len()) {
            return;
        }
        let input = ReleaseManyInput { orders: ids };
        pending.run(
            "Releasing the orders",
            move |key| release_mos(key, input.clone()),
            move |r: ReleasedMany| {
                push_toast(
                    ToastKind::Success,
                    format!(
                        "{} order(s) released; {} job(s) planned again",
                        r.released.len(),
                        r.jobs_replanned
                    ),
                );
                ppic_version().update(|v| *v += 1);
            },
        );
    };
    let status = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let offset = RwSignal::new(0i64);
    let version = ppic_version();
    let page = Resource::new(
        move || (version.get(), status.get(), q.get(), offset.get()),
        |(_, status, q, offset)| {
            read("Loading manufacturing orders", move || {
                list_mos(
                    Some(status.clone()),
                    Some(q.clone()),
                    Some(PAGE),
                    Some(offset),
                )
            })
        },
    );
    let chip = move |value: &'static str, label: &'static str| {
        view! {
            <button type="button" class="chip" class:on=move || status.get() == value
                aria-pressed=move || (status.get() == value).to_string()
                data-testid=format!("chip-{}", if value.is_empty() { "all" } else { value })
                on:click=move |_| {
                    // A new filter starts again at the first page.
                    status.set(value.to_string());
                    offset.set(0);
                }>{label}</button>
        }
    };
    view! {
        <section class="page mo-page">
            <header class="page-head">
                <h1>"Manufacturing orders"</h1>
                <div class="buttons">
                    <A href="/ppic/kanban" attr:class="btn">"Kanban"</A>
                    <A href="/ppic/gantt" attr:class="btn">"Gantt"</A>
                    <Show when=move || can_create>
                        <A href="/ppic/orders/new" attr:class="btn primary" attr:data-testid="new-mo">"New order"</A>
                    </Show>
                </div>
            </header>
            <div class="chips" role="group" aria-label="Status">
                {chip("", "All")}
                {MoStatus::ALL.into_iter().map(|s| chip(s.as_str(), s.label())).collect_view()}
            </div>
            <div class="filters">
                <input type="search" aria-label="Search orders" placeholder="Order number, item code or name"
                    data-testid="mo-search" prop:value=q
                    on:input=move |ev| {
                        q.set(event_target_value(&ev));
                        offset.set(0);
                    } />
            </div>
            <Transition fallback=loading>
                {move || page.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(p) => {
                        let total = p.total;
                        let from = offset.get_untracked();
                        let drafts: Vec<i64> = p.rows.iter().filter(|o| o.status == MoStatus::Draft && o.parent_id.is_none()).map(|o| o.id).collect();
                        let bulk = (can_release && drafts.len() > 1).then(|| {
                            let n = drafts.len();
                            view! {
                                <button type="button" class="btn primary" data-testid="release-shown"
                                    disabled=move || pending.busy.get()
                                    on:click=move |_| release_all(drafts.clone())>
                                    {move || if pending.busy.get() { "Releasing…".to_string() } else { format!("Release these {n} drafts") }}
                                </button>
                            }
                        });
                        view! {
                            <div class="list-head">
                                <p class="muted" data-testid="mo-count">{range_text(from, p.rows.len(), total)}</p>
                                {bulk}
                            </div>
                            {list_table(p.rows)}
                            <Show when=move || { total > PAGE }>
                                <nav class="pager buttons" aria-label="Pages">
                                    <button type="button" class="btn small" disabled=move || offset.get() == 0
                                        on:click=move |_| offset.update(|o| *o = (*o - PAGE).max(0))>"← Previous"</button>
                                    <button type="button" class="btn small" disabled=move || offset.get() + PAGE >= total
                                        on:click=move |_| offset.update(|o| *o += PAGE)>"Next →"</button>
                                </nav>
                            </Show>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

/// Asks before releasing many orders at once.
fn confirm_release(n: usize) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(&format!(
                    "Release these {n} draft orders? Their jobs are made and the floor is planned again."
                ))
                .ok()
            })
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = n;
        true
    }
}

fn range_text(from: i64, shown: usize, total: i64) -> String {
    match (shown, total) {
        (0, _) => "No orders match.".into(),
        (_, t) if t <= PAGE => format!("{t} order(s)"),
        (n, t) => format!("{}–{} of {t} orders", from + 1, from + n as i64),
    }
}

fn list_table(rows: Vec<MoSummary>) -> impl IntoView {
    // A child order names its parent by number when the parent is on this page.
    let numbers: HashMap<i64, String> = rows.iter().map(|o| (o.id, o.number.clone())).collect();
    view! {
        <div class="card table-scroll">
            <table class="table mo-table" data-testid="mo-list">
                <thead><tr>
                    <th>"Number"</th><th>"Item"</th><th>"Status"</th><th class="num">"Qty"</th>
                    <th>"Progress"</th><th>"Start"</th><th>"Due"</th><th>"Planned end"</th><th>"Parent"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|o| {
                        let parent = o.parent_id.map(|p| {
                            let label = numbers.get(&p).cloned().unwrap_or_else(|| format!("#{p}"));
                            view! { <A href=format!("/ppic/orders/{p}") attr:data-testid="mo-parent">{label}</A> }
                        });
                        view! {
                            <tr data-testid="mo-row" data-id=o.id>
                                <td class="nowrap"><A href=format!("/ppic/orders/{}", o.id)>{o.number.clone()}</A></td>
                                <td><strong>{o.item.clone()}</strong><br /><span class="muted">{o.item_name.clone()}</span></td>
                                <td class="nowrap">{mo_badge(o.status)}" "{late_badge(o.late)}</td>
                                <td class="num">{o.qty.to_string()}</td>
                                <td>{progress(o.good, o.qty, o.scrap)}</td>
                                <td class="nowrap">{o.start_date.clone()}</td>
                                <td class="nowrap">{o.due_date.clone()}</td>
                                <td class="nowrap" class:late-text=o.late>{when_opt(o.planned_end)}</td>
                                <td class="nowrap">{parent}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn MoNewPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let can_create = user.can(Module::Ppic, Action::Create);
    view! {
        <section class="page mo-page">
            <A href="/ppic/orders" attr:class="back">"← All manufacturing orders"</A>
            <h1>"New manufacturing order"</h1>
            {if can_create {
                view! { <form::MoForm /> }.into_any()
            } else {
                view! { <p class="error-box">"You may not create manufacturing orders."</p> }.into_any()
            }}
        </section>
    }
}
