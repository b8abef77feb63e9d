//! The order form (new and edit): a customer picked by search, the due
//! date and reference, and lines — a grid for an item with variant
//! attributes, one quantity for an item without.

use super::api::*;
use super::grid::{GridEditor, GridState};
use crate::call::{read, Pending};
use crate::components::{FieldMsg, SubmitButton};
use crate::toast::{push_toast, ToastKind};
use domain::master::{money_for, Qty, Variant};
use domain::orders::{blank_grid, CustomerPick, LineInput, OrderDetail, OrderInput, OrderItem};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[derive(Clone)]
enum Body {
    Grid(GridState),
    Single {
        variant_key: RwSignal<String>,
        qty: RwSignal<String>,
    },
}

/// One line entry of the form.
#[derive(Clone)]
struct Entry {
    key: usize,
    item_id: i64,
    label: String,
    /// The unit price as typed, in money (`15.00`).
    price: RwSignal<String>,
    body: Body,
}

fn price_text(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// Money as typed → minor units (-1 when it does not read, so the server names the field).
fn price_minor(s: &str) -> i64 {
    Qty::parse("price", s)
        .ok()
        .and_then(|q| money_for(q, 100).ok())
        .unwrap_or(-1)
}

fn entry_for(key: usize, item: &OrderItem) -> Entry {
    let body = match blank_grid(item, &Variant::new()) {
        Some(g) => Body::Grid(GridState::new(
            g.rows_attribute,
            g.cols_attribute,
            fixed_default(item),
            g.rows,
            g.cols,
            |_, _| String::new(),
        )),
        None => Body::Single {
            variant_key: RwSignal::new(String::new()),
            qty: RwSignal::new(String::new()),
        },
    };
    Entry {
        key,
        item_id: item.id,
        label: format!("{} — {}", item.code, item.name),
        price: RwSignal::new("0.00".into()),
        body,
    }
}

/// For an item with more than two attributes: the first value of each
/// attribute off the grid's axes (one grid per combination).
fn fixed_default(item: &OrderItem) -> String {
    let Some((_, _, fixed)) = domain::orders::default_axes(&item.attributes) else {
        return String::new();
    };
    let pairs: Vec<(String, String)> = fixed
        .iter()
        .filter_map(|f| {
            let a = item.attributes.iter().find(|a| &a.name == f)?;
            Some((f.clone(), a.values.first()?.clone()))
        })
        .collect();
    Variant(pairs.into_iter().collect()).key()
}

/// The form's entries for a stored order: its grids, then its other lines.
fn entries_of(d: &OrderDetail) -> Vec<Entry> {
    let mut out = Vec::new();
    for g in &d.grids {
        let first = d.order.lines.iter().find(|l| l.item_id == g.item_id);
        let label = first
            .map(|l| format!("{} — {}", l.item_code, l.item_name))
            .unwrap_or_else(|| g.item_code.clone());
        let cells = g.cells.clone();
        out.push(Entry {
            key: out.len(),
            item_id: g.item_id,
            label,
            price: RwSignal::new(price_text(first.map_or(0, |l| l.unit_price_minor))),
            body: Body::Grid(GridState::new(
                g.rows_attribute.clone(),
                g.cols_attribute.clone(),
                g.fixed.clone(),
                g.rows.clone(),
                g.cols.clone(),
                |r, c| {
                    let q = cells[r][c];
                    if q == Qty::ZERO {
                        String::new()
                    } else {
                        q.to_string()
                    }
                },
            )),
        });
    }
    let gridded: Vec<i64> = d.grids.iter().map(|g| g.item_id).collect();
    for l in d
        .order
        .lines
        .iter()
        .filter(|l| !gridded.contains(&l.item_id))
    {
        out.push(Entry {
            key: out.len(),
            item_id: l.item_id,
            label: format!("{} — {}", l.item_code, l.item_name),
            price: RwSignal::new(price_text(l.unit_price_minor)),
            body: Body::Single {
                variant_key: RwSignal::new(l.variant_key.clone()),
                qty: RwSignal::new(l.qty.to_string()),
            },
        });
    }
    out
}

fn to_input(e: &Entry) -> LineInput {
    let unit_price_minor = price_minor(&e.price.get_untracked());
    match &e.body {
        Body::Grid(g) => LineInput {
            item_id: e.item_id,
            unit_price_minor,
            rows_attribute: g.rows_attribute.clone(),
            cols_attribute: g.cols_attribute.clone(),
            fixed: g.fixed.clone(),
            cells: g.to_cells(),
            ..Default::default()
        },
        Body::Single { variant_key, qty } => LineInput {
            item_id: e.item_id,
            variant_key: variant_key.get_untracked(),
            qty: qty.get_untracked(),
            unit_price_minor,
            ..Default::default()
        },
    }
}

/// The cell a field error such as `lines[2].cells[5].qty` names, for entry `i`.
fn bad_cell(field: &str, i: usize) -> Option<usize> {
    let rest = field.strip_prefix(&format!("lines[{i}].cells["))?;
    rest.split(']').next()?.parse().ok()
}

#[component]
pub fn OrderForm(#[prop(optional)] existing: Option<OrderDetail>) -> impl IntoView {
    let editing = existing.as_ref().map(|d| (d.order.id, d.order.version));
    let customer = RwSignal::new(existing.as_ref().map(|d| CustomerPick {
        id: d.order.customer_id,
        code: d.order.customer_code.clone(),
        name: d.order.customer_name.clone(),
    }));
    let customer_q = RwSignal::new(String::new());
    let customer_ref = RwSignal::new(
        existing
            .as_ref()
            .map(|d| d.order.customer_ref.clone())
            .unwrap_or_default(),
    );
    let due_date = RwSignal::new(
        existing
            .as_ref()
            .map(|d| d.order.due_date.to_string())
            .unwrap_or_default(),
    );
    let entries = RwSignal::new(existing.as_ref().map(entries_of).unwrap_or_default());
    let next_key = StoredValue::new(entries.with_untracked(|e| e.len()));
    let item_q = RwSignal::new(String::new());
    let customers = Resource::new(
        move || customer_q.get(),
        |q| read("Finding customers", move || order_customers(q.clone())),
    );
    let items = Resource::new(
        move || item_q.get(),
        |q| read("Finding items", move || order_items(q.clone())),
    );
    let pending = Pending::new();
    let navigate = use_navigate();
    // A new line's cell signals belong to the form, not to the pick list
    // that was clicked: clearing the search removes that list and disposes
    // what it owns, which left the grid's cells and totals dead.
    let form_owner =
        StoredValue::new(Owner::current().expect("the order form renders under an owner"));
    let add_item = move |item: OrderItem| {
        let k = next_key.get_value();
        next_key.set_value(k + 1);
        let entry = form_owner.with_value(|owner| owner.with(|| entry_for(k, &item)));
        entries.update(|es| es.push(entry));
        item_q.set(String::new());
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = OrderInput {
            customer_id: customer.get_untracked().map_or(0, |c| c.id),
            customer_ref: customer_ref.get_untracked(),
            due_date: due_date.get_untracked(),
            lines: entries.with_untracked(|es| es.iter().map(to_input).collect()),
            version: editing.map(|(_, v)| v),
        };
        let navigate = navigate.clone();
        pending.run(
            "Saving the order",
            move |key| {
                let input = input.clone();
                async move {
                    match editing {
                        Some((id, _)) => edit_order(key, id, input).await,
                        None => create_order(key, input).await,
                    }
                }
            },
            move |d: OrderDetail| {
                push_toast(ToastKind::Success, format!("{} saved", d.order.number));
                crate::live::topic_version(domain::perm::Module::Orders).update(|v| *v += 1);
                navigate(&format!("/orders/{}", d.order.id), Default::default());
            },
        );
    };
    let field_error = move || {
        pending
            .field
            .get()
            .map(|f| format!("{}: {}", f.field, f.message))
    };
    view! {
        <form class="card form order-form" on:submit=on_submit novalidate data-testid="order-form">
            <fieldset class="customer-pick">
                <legend>"Customer"</legend>
                {move || customer.get().map(|c| view! {
                    <p class="picked" data-testid="customer-picked">
                        <strong>{c.code.clone()}</strong>" "{c.name.clone()}" "
                        <button type="button" class="btn small" on:click=move |_| customer.set(None)>"Change"</button>
                    </p>
                })}
                <Show when=move || customer.get().is_none()>
                    <label>"Find a customer"
                        <input type="search" name="customer_search" data-testid="customer-search"
                            placeholder="code or name" autocomplete="off" bind:value=customer_q />
                    </label>
                    <Transition fallback=|| ()>
                        <ul class="pick-list">
                            {move || customers.get().and_then(|r| r.ok()).map(|cs| cs.into_iter().map(|c| {
                                let label = format!("{} — {}", c.code, c.name);
                                view! { <li><button type="button" class="pick" data-testid="customer-option"
                                    on:click=move |_| customer.set(Some(c.clone()))>{label}</button></li> }
                            }).collect_view())}
                        </ul>
                    </Transition>
                </Show>
                <FieldMsg msg=pending.error_for("customer_id") />
            </fieldset>
            <div class="two">
                <label>"Due date" <input type="date" name="due_date" data-testid="due-date" bind:value=due_date /></label>
                <label>"Customer reference" <input name="customer_ref" maxlength="60" placeholder="their PO number" bind:value=customer_ref /></label>
            </div>
            <FieldMsg msg=pending.error_for("due_date") />
            <FieldMsg msg=pending.error_for("customer_ref") />
            <h2>"Lines"</h2>
            <For each=move || entries.get() key=|e| e.key let:e>
                {
                    let i = move || entries.with(|es| es.iter().position(|x| x.key == e.key).unwrap_or(0));
                    let bad = Signal::derive(move || pending.field.get().and_then(|f| bad_cell(&f.field, i())));
                    let key = e.key;
                    let price = e.price;
                    let body = match e.body.clone() {
                        Body::Grid(g) => view! { <GridEditor grid=g label=e.label.clone() bad_cell=bad /> }.into_any(),
                        Body::Single { variant_key, qty } => view! {
                            <div class="card single-line" data-testid="single-line">
                                <p class="grid-label"><strong>{e.label.clone()}</strong></p>
                                <label>"Quantity" <input inputmode="decimal" name="qty" data-testid="line-qty" bind:value=qty /></label>
                                <Show when=move || !variant_key.get().is_empty()>
                                    <p class="muted">{move || variant_key.get()}</p>
                                </Show>
                            </div>
                        }.into_any(),
                    };
                    view! {
                        <div class="order-entry" data-testid="order-entry">
                            {body}
                            <div class="entry-foot">
                                <label>"Unit price" <input inputmode="decimal" class="price" name="unit_price" data-testid="unit-price" bind:value=price /></label>
                                <button type="button" class="btn small danger"
                                    on:click=move |_| entries.update(|es| es.retain(|x| x.key != key))>"Remove"</button>
                            </div>
                        </div>
                    }
                }
            </For>
            <div class="add-item">
                <label>"Add an item"
                    <input type="search" name="item_search" data-testid="item-search" placeholder="code or name"
                        autocomplete="off" bind:value=item_q />
                </label>
                <Show when=move || !item_q.get().trim().is_empty()>
                    <Transition fallback=|| ()>
                        <ul class="pick-list">
                            {move || items.get().and_then(|r| r.ok()).map(|is| is.into_iter().map(|it| {
                                let label = format!("{} — {}", it.code, it.name);
                                view! { <li><button type="button" class="pick" data-testid="item-option"
                                    on:click=move |_| add_item(it.clone())>{label}</button></li> }
                            }).collect_view())}
                        </ul>
                    </Transition>
                </Show>
            </div>
            <Show when=move || field_error().is_some()>
                <p class="field-error" role="alert" data-testid="form-error">{field_error}</p>
            </Show>
            <SubmitButton busy=pending.busy label="Save order" busy_label="Saving…" />
        </form>
    }
}
