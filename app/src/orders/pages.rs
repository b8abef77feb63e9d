//! Order screens: the list with its filters and status chips, the new and
//! edit forms, and one order with its grids, lines (with the BOM version
//! each was pinned to) and status steps.

use super::api::*;
use super::form::OrderForm;
use super::grid::GridTable;
use crate::call::{read, Pending};
use crate::components::id_param;
use crate::toast::{push_toast, ToastKind};
use domain::auth::CurrentUser;
use domain::orders::{OrderDetail, OrderFilter, OrderStatus, OrderTransition};
use domain::perm::{Action, Module};
use leptos::prelude::*;
use leptos_router::components::A;

fn orders_version() -> ArcRwSignal<u64> {
    crate::live::topic_version(Module::Orders)
}

fn status_badge(s: OrderStatus) -> impl IntoView {
    view! { <span class=format!("badge order-{}", s.as_str()) data-testid="order-status">{s.label()}</span> }
}

fn money(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

fn loading() -> impl IntoView {
    view! { <p class="loading"><span class="spinner"></span>" Loading…"</p> }
}

#[component]
pub fn ListPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let status = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let due_after = RwSignal::new(String::new());
    let due_before = RwSignal::new(String::new());
    let version = orders_version();
    let page = Resource::new(
        move || {
            (
                version.get(),
                status.get(),
                q.get(),
                due_after.get(),
                due_before.get(),
            )
        },
        |(_, status, q, due_after, due_before)| {
            let filter = OrderFilter {
                status: Some(status),
                q: Some(q),
                due_after: Some(due_after),
                due_before: Some(due_before),
                limit: Some(100),
                ..Default::default()
            };
            read("Loading sales orders", move || list_orders(filter.clone()))
        },
    );
    let can_create = user.can(Module::Orders, Action::Create);
    let chip = move |value: &'static str, label: &'static str| {
        view! {
            <button type="button" class="chip" class:on=move || status.get() == value
                aria-pressed=move || (status.get() == value).to_string()
                data-testid=format!("chip-{}", if value.is_empty() { "all" } else { value })
                on:click=move |_| status.set(value.to_string())>{label}</button>
        }
    };
    view! {
        <section class="page">
            <header class="page-head">
                <h1>"Sales orders"</h1>
                <Show when=move || can_create>
                    <A href="/orders/new" attr:class="btn primary" attr:data-testid="new-order">"New order"</A>
                </Show>
            </header>
            <div class="chips" role="group" aria-label="Status">
                {chip("", "All")}
                {OrderStatus::ALL.into_iter().map(|s| chip(s.as_str(), s.label())).collect_view()}
            </div>
            <div class="filters">
                <input type="search" aria-label="Search" placeholder="Number, customer or reference" bind:value=q />
                <label>"Due from " <input type="date" bind:value=due_after /></label>
                <label>"to " <input type="date" bind:value=due_before /></label>
            </div>
            <Transition fallback=loading>
                {move || page.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(p) => view! {
                        <p class="muted">{format!("{} order(s)", p.total)}</p>
                        <div class="card table-scroll">
                            <table class="table" data-testid="order-list">
                                <thead><tr>
                                    <th>"Number"</th><th>"Customer"</th><th>"Reference"</th><th>"Status"</th>
                                    <th>"Due"</th><th class="num">"Qty"</th><th class="num">"Value"</th>
                                </tr></thead>
                                <tbody>
                                    {p.items.into_iter().map(|o| view! {
                                        <tr data-testid="order-row" data-id=o.id>
                                            <td><A href=format!("/orders/{}", o.id)>{o.number.clone()}</A></td>
                                            <td>{format!("{} {}", o.customer_code, o.customer_name)}</td>
                                            <td>{o.customer_ref.clone()}</td>
                                            <td>{status_badge(o.status)}</td>
                                            <td><time datetime=o.due_date.to_string()>{o.due_date.to_string()}</time></td>
                                            <td class="num">{o.total_qty.to_string()}</td>
                                            <td class="num">{money(o.total_minor)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn NewOrderPage() -> impl IntoView {
    view! {
        <section class="page">
            <A href="/orders" attr:class="back">"← All orders"</A>
            <h1>"New sales order"</h1>
            <OrderForm />
        </section>
    }
}

#[component]
pub fn EditOrderPage() -> impl IntoView {
    let id = id_param();
    let detail = Resource::new(id, |id| read("Loading the order", move || get_order(id)));
    view! {
        <section class="page">
            <A href=move || format!("/orders/{}", id()) attr:class="back">"← The order"</A>
            <Transition fallback=loading>
                {move || detail.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(d) if !d.order.status.is_editable() => view! {
                        <p class="error-box">{format!("{} is {}; it can no longer be edited.", d.order.number, d.order.status.label().to_lowercase())}</p>
                    }.into_any(),
                    Ok(d) => view! {
                        <h1>{format!("Edit {}", d.order.number)}</h1>
                        <OrderForm existing=d />
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn DetailPage() -> impl IntoView {
    let user = StoredValue::new(expect_context::<CurrentUser>());
    let id = id_param();
    let version = orders_version();
    let detail = Resource::new(
        move || (version.get(), id()),
        |(_, id)| read("Loading the order", move || get_order(id)),
    );
    let pending = Pending::new();
    let act = move |id: i64, t: OrderTransition| {
        pending.run(
            "Updating the order",
            move |key| transition_order(key, id, t.as_str().to_string()),
            move |d: OrderDetail| {
                crate::toast::toast_now_is(&d.order.number, d.order.status.label());
                orders_version().update(|v| *v += 1);
            },
        );
    };
    view! {
        <section class="page">
            <A href="/orders" attr:class="back">"← All orders"</A>
            <Transition fallback=loading>
                {move || detail.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(d) => order_view(d, user.get_value(), pending, act).into_any(),
                })}
            </Transition>
        </section>
    }
}

fn order_view(
    d: OrderDetail,
    user: CurrentUser,
    pending: Pending,
    act: impl Fn(i64, OrderTransition) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let o = d.order;
    let oid = o.id;
    let steps: Vec<OrderTransition> = o
        .next
        .iter()
        .copied()
        .filter(|t| user.can(Module::Orders, t.required_action()))
        .collect();
    let can_edit = o.status.is_editable() && user.can(Module::Orders, Action::Update);
    // A confirmed order is planned into manufacturing orders, one per made item.
    let can_plan = matches!(o.status, OrderStatus::Confirmed | OrderStatus::InProduction)
        && user.can(Module::Ppic, Action::Create);
    let planned = RwSignal::new(Vec::<domain::ppic::MoSummary>::new());
    let plan = move |_| {
        pending.run(
            "Planning production",
            move |key| crate::ppic::api::plan_sales_order(key, oid),
            move |made: Vec<domain::ppic::MoSummary>| {
                let numbers: Vec<String> = made.iter().map(|m| m.number.clone()).collect();
                push_toast(
                    ToastKind::Success,
                    format!("Manufacturing orders made: {}", numbers.join(", ")),
                );
                planned.set(made);
            },
        );
    };
    view! {
        <header class="detail-head">
            <h1 data-testid="order-number">{o.number.clone()}</h1>
            <div class="row-top">
                {status_badge(o.status)}
                <span class="badge">"due " {o.due_date.to_string()}</span>
            </div>
            <p class="muted">
                {format!("{} — {}", o.customer_code, o.customer_name)}
                {(!o.customer_ref.is_empty()).then(|| format!(" · ref {}", o.customer_ref))}
            </p>
            <p>
                <strong data-testid="order-total-qty">{o.total_qty.to_string()}</strong>" pieces · "
                <strong data-testid="order-total-value">{money(o.total_minor)}</strong>
            </p>
        </header>
        <Show when={let empty = steps.is_empty() && !can_edit && !can_plan; move || !empty}>
            <div class="card actions buttons">
                {can_edit.then(|| view! { <A href=format!("/orders/{oid}/edit") attr:class="btn" attr:data-testid="edit-order">"Edit"</A> })}
                {can_plan.then(|| view! {
                    <button class="btn" data-testid="plan-production" disabled=move || pending.busy.get() on:click=plan>
                        "Plan production"
                    </button>
                })}
                {steps.clone().into_iter().map(|t| {
                    let cls = if t == OrderTransition::Cancel { "btn danger" } else { "btn primary" };
                    view! {
                        <button class=cls data-testid=format!("do-{}", t.as_str())
                            disabled=move || pending.busy.get() on:click=move |_| act(oid, t)>
                            <Show when=move || pending.busy.get()><span class="spinner" data-testid="spinner"></span></Show>
                            {t.label()}
                        </button>
                    }
                }).collect_view()}
            </div>
        </Show>
        {move || (!planned.get().is_empty()).then(|| view! {
            <div class="card notice-box" data-testid="planned-mos">
                "Manufacturing orders: "
                {planned.get().into_iter().map(|m| view! {
                    <A href=format!("/ppic/orders/{}", m.id)>{m.number.clone()}</A>" "
                }).collect_view()}
            </div>
        })}
        {d.grids.into_iter().map(|g| view! { <GridTable grid=g /> }).collect_view()}
        <div class="card table-scroll">
            <h2>"Lines"</h2>
            <table class="table" data-testid="order-lines">
                <thead><tr>
                    <th>"#"</th><th>"Item"</th><th>"Variant"</th><th class="num">"Qty"</th>
                    <th class="num">"Price"</th><th class="num">"Amount"</th><th>"Due"</th><th>"BOM"</th>
                </tr></thead>
                <tbody>
                    {o.lines.into_iter().map(|l| {
                        let bom = match (l.bom_version, l.note.is_empty()) {
                            (Some(v), _) => format!("v{v}"),
                            (None, false) => l.note.clone(),
                            (None, true) => "pinned on confirmation".into(),
                        };
                        view! {
                            <tr data-testid="order-line">
                                <td>{l.line_no}</td>
                                <td>{l.item_code.clone()}</td>
                                <td>{l.variant_key.clone()}</td>
                                <td class="num">{format!("{} {}", l.qty, l.unit)}</td>
                                <td class="num">{money(l.unit_price_minor)}</td>
                                <td class="num">{money(l.amount_minor)}</td>
                                <td>{l.due_date.map(|d| d.to_string()).unwrap_or_default()}</td>
                                <td data-testid="line-bom">{bom}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
