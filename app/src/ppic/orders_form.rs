//! The form for a manufacturing order made by hand: the item's code, one
//! row per variant with its quantity, the due date, an optional start date
//! and priority. The server checks everything and names the field it
//! rejects (`variants[1].qty`), which is shown at that field.

use super::variant_key;
use crate::call::Pending;
use crate::components::{FieldMsg, SubmitButton};
use crate::ppic::api::create_mo;
use crate::ppic::shared::ppic_version;
use crate::toast::{push_toast, ToastKind};
use domain::master::Qty;
use domain::ppic::{MoDetail, MoInput, MoVariantInput};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// One variant row of the form.
#[derive(Clone, Copy)]
struct Row {
    key: usize,
    variant: RwSignal<String>,
    qty: RwSignal<String>,
}

impl Row {
    fn new(key: usize) -> Row {
        Row {
            key,
            variant: RwSignal::new(String::new()),
            qty: RwSignal::new(String::new()),
        }
    }
}

/// Priority as typed: empty is "the default" (left out); text that is not
/// a whole number goes as -1 so the server names the field.
fn priority_of(s: &str) -> Option<i64> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.parse::<i64>().unwrap_or(-1))
}

/// The total of the quantities that read as numbers.
fn total_of(rows: &[Row]) -> Option<Qty> {
    let mut sum = Qty::ZERO;
    for r in rows {
        let q = r.qty.get();
        if q.trim().is_empty() {
            continue;
        }
        sum = sum.checked_add(Qty::parse("qty", &q).ok()?).ok()?;
    }
    Some(sum)
}

#[component]
pub fn MoForm() -> impl IntoView {
    let item = RwSignal::new(String::new());
    let rows = RwSignal::new(vec![Row::new(0)]);
    let next_key = StoredValue::new(1usize);
    let due = RwSignal::new(String::new());
    let start = RwSignal::new(String::new());
    let priority = RwSignal::new(String::new());
    let pending = Pending::new();
    let navigate = use_navigate();
    // New rows' signals belong to the form, not to the click that made them.
    let owner = StoredValue::new(Owner::current().expect("the order form renders under an owner"));
    let add_row = move |_| {
        let k = next_key.get_value();
        next_key.set_value(k + 1);
        let row = owner.with_value(|o| o.with(|| Row::new(k)));
        rows.update(|rs| rs.push(row));
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = MoInput {
            item: item.get_untracked().trim().to_string(),
            variants: rows.with_untracked(|rs| {
                rs.iter()
                    .map(|r| MoVariantInput {
                        variant: variant_key(&r.variant.get_untracked()),
                        qty: r.qty.get_untracked().trim().to_string(),
                    })
                    .collect()
            }),
            due_date: due.get_untracked().trim().to_string(),
            start_date: Some(start.get_untracked().trim().to_string()).filter(|s| !s.is_empty()),
            priority: priority_of(&priority.get_untracked()),
        };
        let navigate = navigate.clone();
        pending.run(
            "Creating the manufacturing order",
            move |key| create_mo(key, input.clone()),
            move |d: MoDetail| {
                push_toast(
                    ToastKind::Success,
                    format!("{} created as a draft", d.order.number),
                );
                ppic_version().update(|v| *v += 1);
                navigate(&format!("/ppic/orders/{}", d.order.id), Default::default());
            },
        );
    };
    // A rejected field this form does not show at a field of its own.
    let other_error = move || {
        let f = pending.field.get()?;
        let n = rows.with(|rs| rs.len());
        let shown = ["item", "variants", "due_date", "start_date", "priority"]
            .contains(&f.field.as_str())
            || (0..n).any(|i| {
                f.field == format!("variants[{i}].variant")
                    || f.field == format!("variants[{i}].qty")
            });
        (!shown).then(|| format!("{}: {}", f.field.replace('_', " "), f.message))
    };
    let has_error = move |name: &'static str| {
        move || {
            pending
                .field
                .with(|f| f.as_ref().is_some_and(|f| f.field == name))
                .to_string()
        }
    };
    view! {
        <form class="card form mo-form" on:submit=on_submit novalidate data-testid="mo-form">
            <div class="mo-form-head">
                <label>"Item code"
                    <input name="item" data-testid="mo-item" autocomplete="off" autocapitalize="characters"
                        placeholder="e.g. TB-30" required aria-invalid=has_error("item") bind:value=item />
                </label>
                <FieldMsg msg=pending.error_for("item") />
            </div>
            <fieldset class="mo-variants">
                <legend>"Quantities"</legend>
                <p class="muted hint">
                    "One row per variant, written as attribute=value pairs separated by ; or , "
                    "(for example " <code>"size=M;colour=brown"</code> "). Leave the variant empty for an item without variants."
                </p>
                <For each=move || rows.get() key=|r| r.key let:row>
                    {variant_row(row, rows, pending)}
                </For>
                <FieldMsg msg=pending.error_for("variants") />
                <div class="mo-variants-foot">
                    <button type="button" class="btn small" data-testid="add-variant" on:click=add_row>"+ Add a variant"</button>
                    <span class="muted" data-testid="mo-form-total">
                        {move || rows.with(|rs| total_of(rs)).map(|t| format!("Total {t}")).unwrap_or_default()}
                    </span>
                </div>
            </fieldset>
            <div class="two mo-dates">
                <div>
                    <label>"Due date"
                        <input type="date" name="due_date" data-testid="mo-due" required
                            aria-invalid=has_error("due_date") bind:value=due />
                    </label>
                    <FieldMsg msg=pending.error_for("due_date") />
                </div>
                <div>
                    <label>"Start date (optional)"
                        <input type="date" name="start_date" data-testid="mo-start"
                            aria-invalid=has_error("start_date") bind:value=start />
                    </label>
                    <FieldMsg msg=pending.error_for("start_date") />
                </div>
                <div>
                    <label>"Priority (optional)"
                        <input type="number" name="priority" data-testid="mo-priority" min="0" max="1000" step="1"
                            inputmode="numeric" placeholder="100" aria-invalid=has_error("priority") bind:value=priority />
                    </label>
                    <p class="muted hint">"0 to 1000; lower is planned first. 100 when left empty."</p>
                    <FieldMsg msg=pending.error_for("priority") />
                </div>
            </div>
            <Show when=move || other_error().is_some()>
                <p class="field-error" role="alert" data-testid="form-error">{other_error}</p>
            </Show>
            <SubmitButton busy=pending.busy label="Create order" busy_label="Creating…" />
        </form>
    }
}

fn variant_row(row: Row, rows: RwSignal<Vec<Row>>, pending: Pending) -> impl IntoView {
    let key = row.key;
    let index = move || rows.with(|rs| rs.iter().position(|r| r.key == key).unwrap_or(0));
    let error_at = move |what: &'static str| {
        move || {
            let name = format!("variants[{}].{what}", index());
            pending
                .field
                .get()
                .filter(|f| f.field == name)
                .map(|f| f.message)
        }
    };
    let variant_err = error_at("variant");
    let qty_err = error_at("qty");
    let row_no = move || format!(" of row {}", index() + 1);
    view! {
        <div class="mo-variant-row" data-testid="mo-variant-row">
            <label class="grow">"Variant"<span class="visually-hidden">{row_no}</span>
                <input name="variant" data-testid="mo-variant" autocomplete="off" placeholder="size=M;colour=brown"
                    aria-invalid=move || variant_err().is_some().to_string() bind:value=row.variant />
            </label>
            <label class="qty">"Quantity"<span class="visually-hidden">{row_no}</span>
                <input name="qty" data-testid="mo-qty" inputmode="decimal" autocomplete="off"
                    aria-invalid=move || qty_err().is_some().to_string() bind:value=row.qty />
            </label>
            <button type="button" class="btn small danger" data-testid="remove-variant"
                aria-label=move || format!("Remove row {}", index() + 1)
                disabled=move || rows.with(|rs| rs.len() <= 1)
                on:click=move |_| rows.update(|rs| rs.retain(|r| r.key != key))>"Remove"</button>
            <div class="mo-row-errors">
                <FieldMsg msg=variant_err />
                <FieldMsg msg=qty_err />
            </div>
        </div>
    }
}
