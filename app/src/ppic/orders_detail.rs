//! One manufacturing order: its header and progress, the release button,
//! a promise-date what-if, and its variants, jobs, materials and child
//! orders. Refetched on every planning event.

use super::{late_badge, percent, progress, variant_key};
use crate::call::{read, Pending};
use crate::components::FieldMsg;
use crate::ppic::api::{get_mo, promise_date, release_mo, step_mo};
use crate::ppic::shared::{job_badge, loading, mo_badge, ppic_version, when, when_opt};
use crate::toast::{push_toast, ToastKind};
use domain::auth::CurrentUser;
use domain::perm::{Action, Module};
use domain::ppic::{JobView, MaterialLine, MoAction, MoDetail, MoStatus, MoSummary, Promise};
use leptos::prelude::*;
use leptos_router::components::A;

/// The what-if's state: kept by the page, so a refetch of the order (any
/// planning event) does not wipe what the planner typed or was told.
#[derive(Clone, Copy)]
struct PromiseState {
    qty: RwSignal<String>,
    /// `None` until the planner types a variant: the order's first is used.
    variant: RwSignal<Option<String>>,
    result: RwSignal<Option<Promise>>,
    pending: Pending,
}

impl PromiseState {
    fn new() -> PromiseState {
        PromiseState {
            qty: RwSignal::new(String::new()),
            variant: RwSignal::new(None),
            result: RwSignal::new(None),
            pending: Pending::new(),
        }
    }

    fn clear(&self) {
        self.qty.set(String::new());
        self.variant.set(None);
        self.result.set(None);
        self.pending.field.set(None);
    }
}

#[component]
pub fn MoDetailPage() -> impl IntoView {
    let user = StoredValue::new(expect_context::<CurrentUser>());
    let id = crate::components::id_param();
    let version = ppic_version();
    let detail = Resource::new(
        move || (version.get(), id()),
        |(_, id)| read("Loading the manufacturing order", move || get_mo(id)),
    );
    let promise = PromiseState::new();
    // From a parent to its child order the page stays; the what-if does not.
    Effect::watch(id, move |_, _, _| promise.clear(), false);
    let pending = Pending::new();
    let release = move |id: i64| {
        pending.run(
            "Releasing the order",
            move |key| release_mo(key, id),
            move |d: MoDetail| {
                push_toast(
                    ToastKind::Success,
                    format!(
                        "{} released: {} job(s) planned, {} child order(s)",
                        d.order.number,
                        d.jobs.len(),
                        d.children.len()
                    ),
                );
                ppic_version().update(|v| *v += 1);
            },
        );
    };
    // Close or cancel: the order as it is after the step.
    let step = move |id: i64, action: MoAction| {
        pending.run(
            "Updating the order",
            move |key| step_mo(key, id, action.as_str().to_string()),
            move |d: MoDetail| {
                crate::toast::toast_now_is(&d.order.number, d.order.status.label());
                ppic_version().update(|v| *v += 1);
            },
        );
    };
    view! {
        <section class="page mo-page">
            <A href="/ppic/orders" attr:class="back">"← All manufacturing orders"</A>
            <Transition fallback=loading>
                {move || detail.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(d) => order_view(d, &user.get_value(), pending, (release, step), promise).into_any(),
                })}
            </Transition>
        </section>
    }
}

fn order_view(
    d: MoDetail,
    user: &CurrentUser,
    pending: Pending,
    (release, step): (
        impl Fn(i64) + Copy + Send + Sync + 'static,
        impl Fn(i64, MoAction) + Copy + Send + Sync + 'static,
    ),
    promise: PromiseState,
) -> impl IntoView {
    let o = d.order;
    let oid = o.id;
    let approver = user.can(Module::Ppic, Action::Approve);
    let can_close = approver && o.status == MoStatus::Completed;
    let can_cancel = approver && matches!(o.status, MoStatus::Draft | MoStatus::Released);
    // Cancelling takes the jobs and child orders with it: asked twice.
    let confirm_cancel = RwSignal::new(false);
    let number = o.number.clone();
    let can_release =
        o.status == MoStatus::Draft && user.can(Module::Ppic, MoAction::Release.permission());
    let pct = percent(o.good, o.qty);
    let first_variant = d
        .variants
        .first()
        .map(|v| v.variant.clone())
        .unwrap_or_default();
    let can_promise = user.can(Module::Orders, Action::View);
    view! {
        <header class="detail-head mo-head">
            <h1 data-testid="mo-number">{o.number.clone()}</h1>
            <div class="row-top">
                {mo_badge(o.status)}
                {late_badge(o.late)}
                <span class="badge" title="Lower is planned first">{format!("priority {}", o.priority)}</span>
            </div>
            <p class="mo-item"><strong data-testid="mo-item-code">{o.item.clone()}</strong>" — "{o.item_name.clone()}</p>
            <dl class="facts">
                <div><dt>"Quantity"</dt><dd class="num" data-testid="mo-qty-total">{o.qty.to_string()}</dd></div>
                <div><dt>"Start"</dt><dd>{o.start_date.clone()}</dd></div>
                <div><dt>"Due"</dt><dd data-testid="mo-due-date">{o.due_date.clone()}</dd></div>
                <div><dt>"Planned end"</dt><dd class:late-text=o.late data-testid="mo-planned-end">{when_opt(o.planned_end)}</dd></div>
                {o.parent_id.map(|p| view! { <div><dt>"Sub-assembly for"</dt><dd><ParentLink id=p /></dd></div> })}
                {o.sales_order_id.map(|s| view! {
                    <div><dt>"Sales order"</dt><dd><A href=format!("/orders/{s}")>{format!("#{s}")}</A></dd></div>
                })}
            </dl>
            <div class="mo-progress big" title=format!("{pct:.0}% made")>
                {progress(o.good, o.qty, o.scrap)}
                <span class="muted">{format!("{pct:.0}% made")}</span>
            </div>
        </header>
        <div class="card actions buttons">
            {can_release.then(|| view! {
                <button type="button" class="btn primary" data-testid="release-mo"
                    disabled=move || pending.busy.get() on:click=move |_| release(oid)>
                    <Show when=move || pending.busy.get()><span class="spinner" data-testid="spinner"></span></Show>
                    {MoAction::Release.label()}
                </button>
            })}
            {can_close.then(|| view! {
                <button type="button" class="btn" data-testid="close-mo"
                    disabled=move || pending.busy.get() on:click=move |_| step(oid, MoAction::Close)>
                    {MoAction::Close.label()}
                </button>
            })}
            {can_cancel.then(|| view! {
                <Show when=move || confirm_cancel.get() fallback=move || view! {
                    <button type="button" class="btn danger" data-testid="cancel-mo"
                        on:click=move |_| confirm_cancel.set(true)>{MoAction::Cancel.label()}</button>
                }>
                    <span class="confirm" role="alert">{format!("Cancel {} with its jobs and child orders?", number)}</span>
                    <button type="button" class="btn danger" data-testid="cancel-mo-yes"
                        disabled=move || pending.busy.get() on:click=move |_| step(oid, MoAction::Cancel)>"Yes, cancel"</button>
                    <button type="button" class="btn" on:click=move |_| confirm_cancel.set(false)>"Keep it"</button>
                </Show>
            })}
            <A href=format!("/ppic/kanban?order={oid}") attr:class="btn" attr:data-testid="mo-kanban">"Jobs on the Kanban"</A>
            <A href="/ppic/gantt" attr:class="btn" attr:data-testid="mo-gantt">"Gantt"</A>
        </div>
        {can_promise.then(|| promise_box(o.item.clone(), o.due_date.clone(), first_variant, promise))}
        {variants_table(&d.variants, &o)}
        {jobs_table(d.jobs, oid)}
        {materials_table(d.materials)}
        {children_table(d.children)}
    }
}

/// The parent order's number as a link (its number read with the order).
#[component]
fn ParentLink(id: i64) -> impl IntoView {
    let parent = Resource::new(
        move || id,
        |id| read("Loading the parent order", move || get_mo(id)),
    );
    let href = format!("/ppic/orders/{id}");
    let label = move || {
        parent
            .get()
            .and_then(|r| r.ok())
            .map(|d| format!("{} ({})", d.order.number, d.order.item))
            .unwrap_or_else(|| format!("order #{id}"))
    };
    view! {
        <Transition fallback=|| view! { <span class="muted">"…"</span> }>
            <A href=href.clone() attr:data-testid="mo-parent">{label}</A>
        </Transition>
    }
}

fn promise_box(
    item: String,
    due: String,
    first_variant: String,
    st: PromiseState,
) -> impl IntoView {
    let item_for_call = item.clone();
    let default_variant = first_variant.clone();
    let ask = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let item = item_for_call.clone();
        let qty = st.qty.get_untracked().trim().to_string();
        let variant = variant_key(
            &st.variant
                .get_untracked()
                .unwrap_or_else(|| default_variant.clone()),
        );
        let variant = (!variant.is_empty()).then_some(variant);
        st.result.set(None);
        st.pending.run(
            "Working out a promise date",
            move |_key| promise_date(item.clone(), qty.clone(), variant.clone()),
            move |p: Promise| st.result.set(Some(p)),
        );
    };
    let shown_variant = move || st.variant.get().unwrap_or_else(|| first_variant.clone());
    let other_error = move || {
        st.pending
            .field
            .get()
            .filter(|f| f.field != "qty" && f.field != "variant")
            .map(|f| format!("{}: {}", f.field, f.message))
    };
    view! {
        <form class="card form promise-box" on:submit=ask novalidate data-testid="promise-box">
            <h2>"Promise date — what if?"</h2>
            <p class="muted hint">{format!("When could more {item} be finished, given the plan as it stands? Nothing is booked.")}</p>
            <div class="promise-fields">
                <label class="qty">"Quantity"
                    <input name="promise_qty" data-testid="promise-qty" inputmode="decimal" autocomplete="off"
                        aria-invalid=move || st.pending.field.with(|f| f.as_ref().is_some_and(|f| f.field == "qty")).to_string()
                        bind:value=st.qty />
                </label>
                <label class="grow">"Variant (optional)"
                    <input name="promise_variant" data-testid="promise-variant" autocomplete="off" placeholder="size=M;colour=brown"
                        prop:value=shown_variant on:input=move |ev| st.variant.set(Some(event_target_value(&ev))) />
                </label>
                <button type="submit" class="btn" data-testid="promise-ask" disabled=move || st.pending.busy.get()>
                    <Show when=move || st.pending.busy.get()><span class="spinner" aria-hidden="true"></span></Show>
                    "Work it out"
                </button>
            </div>
            <FieldMsg msg=st.pending.error_for("qty") />
            <FieldMsg msg=st.pending.error_for("variant") />
            <Show when=move || other_error().is_some()>
                <p class="field-error" role="alert">{other_error}</p>
            </Show>
            {move || st.result.get().map(|p| {
                let on_time = p.finish_date.as_str() <= due.as_str();
                let variant = if p.variant.is_empty() { String::new() } else { format!(" ({})", p.variant) };
                view! {
                    <p class="promise-result" class:late-text=!on_time data-testid="promise-result" role="status">
                        {format!("{} × {}{variant} could be finished by ", p.qty, p.item)}
                        <strong><time datetime=p.finish_date.clone()>{when(p.finish_at)}</time></strong>
                        {format!(" ({} jobs)", p.jobs)}
                        <span class="muted">
                            {if on_time { format!(" — in time for this order's due date {due}") }
                             else { format!(" — after this order's due date {due}") }}
                        </span>
                    </p>
                }
            })}
        </form>
    }
}

fn variants_table(variants: &[domain::ppic::MoVariant], o: &MoSummary) -> impl IntoView {
    let rows = variants
        .iter()
        .map(|v| {
            let name = if v.variant.is_empty() { "—".to_string() } else { v.variant.clone() };
            view! { <tr data-testid="variant-row"><td>{name}</td><td class="num">{v.qty.to_string()}</td></tr> }
        })
        .collect_view();
    view! {
        <div class="card table-scroll">
            <h2>"Variants"</h2>
            <table class="table" data-testid="mo-variants">
                <thead><tr><th>"Variant"</th><th class="num">"Qty"</th></tr></thead>
                <tbody>{rows}</tbody>
                <tfoot><tr><th>"Total"</th><th class="num">{o.qty.to_string()}</th></tr></tfoot>
            </table>
        </div>
    }
}

fn minutes(m: u32) -> String {
    if m < 120 {
        format!("{m} min")
    } else {
        format!("{}h {:02}m", m / 60, m % 60)
    }
}

fn job_row(j: JobView) -> impl IntoView {
    view! {
        <tr data-testid="job-row" data-id=j.id class:late-row=j.late>
            <td class="num">{j.seq}</td>
            <td>{j.name.clone()}</td>
            <td><strong>{j.work_centre.clone()}</strong></td>
            <td>{job_badge(j.status)}</td>
            <td class="num">{j.qty.to_string()}</td>
            <td class="num">{j.good.to_string()}</td>
            <td class="num">{j.scrap.to_string()}</td>
            <td class="num">{minutes(j.minutes)}</td>
            <td class="nowrap">{when_opt(j.planned_start)}</td>
            <td class="nowrap">{when_opt(j.planned_end)}</td>
            <td class="nowrap">{when_opt(j.latest_start)}</td>
            <td>{late_badge(j.late)}</td>
            <td>{j.pinned.then(|| view! { <span class="badge pinned" title="Pinned on the Gantt: the planner will not move it">"pinned"</span> })}</td>
        </tr>
    }
}

fn jobs_table(jobs: Vec<JobView>, oid: i64) -> impl IntoView {
    let empty = jobs.is_empty();
    let total: u32 = jobs.iter().map(|j| j.minutes).sum();
    view! {
        <div class="card table-scroll">
            <div class="card-head">
                <h2>"Jobs"</h2>
                <span class="buttons">
                    <A href=format!("/ppic/kanban?order={oid}") attr:class="btn small">"Kanban"</A>
                    <A href="/ppic/gantt" attr:class="btn small">"Gantt"</A>
                </span>
            </div>
            {if empty {
                view! { <p class="muted" data-testid="no-jobs">"No jobs yet: releasing the order cuts its routing into jobs and plans them."</p> }.into_any()
            } else {
                view! {
                    <table class="table" data-testid="mo-jobs">
                        <thead><tr>
                            <th class="num">"#"</th><th>"Operation"</th><th>"Centre"</th><th>"Status"</th>
                            <th class="num">"Qty"</th><th class="num">"Good"</th><th class="num">"Scrap"</th><th class="num">"Time"</th>
                            <th>"Planned start"</th><th>"Planned end"</th><th>"Latest start"</th><th>"Late"</th><th>"Pinned"</th>
                        </tr></thead>
                        <tbody>{jobs.into_iter().map(job_row).collect_view()}</tbody>
                        <tfoot><tr><th colspan="7">"Total work"</th><th class="num">{minutes(total)}</th><th colspan="5"></th></tr></tfoot>
                    </table>
                }.into_any()
            }}
        </div>
    }
}

fn materials_table(materials: Vec<MaterialLine>) -> impl IntoView {
    let empty = materials.is_empty();
    view! {
        <div class="card table-scroll">
            <h2>"Materials"</h2>
            {if empty {
                view! { <p class="muted">"No bought-in materials (listed once the order is released)."</p> }.into_any()
            } else {
                view! {
                    <table class="table" data-testid="mo-materials">
                        <thead><tr><th>"Item"</th><th>"Name"</th><th>"Variant"</th><th class="num">"Qty"</th><th>"Unit"</th></tr></thead>
                        <tbody>
                            {materials.into_iter().map(|m| view! {
                                <tr data-testid="material-row">
                                    <td><strong>{m.item}</strong></td>
                                    <td>{m.item_name}</td>
                                    <td>{if m.variant.is_empty() { "—".to_string() } else { m.variant }}</td>
                                    <td class="num">{m.qty.to_string()}</td>
                                    <td>{m.unit}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </div>
    }
}

fn children_table(children: Vec<MoSummary>) -> impl IntoView {
    (!children.is_empty()).then(|| {
        view! {
            <div class="card table-scroll">
                <h2>"Child orders (sub-assemblies)"</h2>
                <table class="table" data-testid="mo-children">
                    <thead><tr>
                        <th>"Number"</th><th>"Item"</th><th>"Status"</th><th class="num">"Qty"</th>
                        <th>"Progress"</th><th>"Due"</th><th>"Planned end"</th>
                    </tr></thead>
                    <tbody>
                        {children.into_iter().map(|c| view! {
                            <tr data-testid="child-mo" data-id=c.id>
                                <td class="nowrap"><A href=format!("/ppic/orders/{}", c.id)>{c.number.clone()}</A></td>
                                <td><strong>{c.item.clone()}</strong>" "<span class="muted">{c.item_name.clone()}</span></td>
                                <td class="nowrap">{mo_badge(c.status)}" "{late_badge(c.late)}</td>
                                <td class="num">{c.qty.to_string()}</td>
                                <td>{progress(c.good, c.qty, c.scrap)}</td>
                                <td class="nowrap">{c.due_date.clone()}</td>
                                <td class="nowrap">{when_opt(c.planned_end)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    })
}
