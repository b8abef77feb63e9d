//! Customers and suppliers: one screen shape, suppliers with a lead time.

use super::api::{
    archive_customer, archive_supplier, list_customers, list_suppliers, save_customer,
    save_supplier,
};
use super::shared::{int, ListState, Pager, RowActions, SearchBar};
use crate::call::{read, Pending};
use crate::components::{FieldMsg, SubmitButton};
use crate::toast::{push_toast, ToastKind};
use domain::auth::CurrentUser;
use domain::master::{PartyInput, SupplierRecord};
use domain::perm::{Action, Module};
use domain::AppError;
use leptos::prelude::*;

#[component]
pub fn CustomersPage() -> impl IntoView {
    view! { <PartiesPage supplier=false /> }
}

#[component]
pub fn SuppliersPage() -> impl IntoView {
    view! { <PartiesPage supplier=true /> }
}

/// Customers' records as suppliers' (lead time 0), so one table shows both.
async fn list(
    supplier: bool,
    p: domain::master::ListParams,
) -> Result<domain::master::Page<SupplierRecord>, AppError> {
    if supplier {
        return list_suppliers(p).await;
    }
    let page = list_customers(p).await?;
    Ok(domain::master::Page {
        rows: page
            .rows
            .into_iter()
            .map(|c| SupplierRecord {
                id: c.id,
                code: c.code,
                name: c.name,
                email: c.email,
                phone: c.phone,
                address: c.address,
                lead_time_days: 0,
                archived: c.archived,
                version: c.version,
            })
            .collect(),
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    })
}

#[component]
fn PartiesPage(supplier: bool) -> impl IntoView {
    let what = if supplier { "supplier" } else { "customer" };
    let user = expect_context::<CurrentUser>();
    let can_edit =
        user.can(Module::Master, Action::Create) || user.can(Module::Master, Action::Update);
    let state = ListState::new();
    let rows = Resource::new(
        move || state.params(),
        move |(p, _)| read("Loading the list", move || list(supplier, p.clone())),
    );
    let editing = RwSignal::new(None::<(i64, i64)>);
    let [code, name, email, phone, address] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let lead = RwSignal::new("0".to_string());
    let reset = move || {
        editing.set(None);
        for s in [code, name, email, phone, address] {
            s.set(String::new());
        }
        lead.set("0".into());
    };
    let load = move |r: SupplierRecord| {
        editing.set(Some((r.id, r.version)));
        code.set(r.code);
        name.set(r.name);
        email.set(r.email);
        phone.set(r.phone);
        address.set(r.address);
        lead.set(r.lead_time_days.to_string());
    };
    let pending = Pending::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = PartyInput {
            code: code.get_untracked(),
            name: name.get_untracked(),
            email: email.get_untracked(),
            phone: phone.get_untracked(),
            address: address.get_untracked(),
            lead_time_days: u32::try_from(int(&lead.get_untracked())).unwrap_or(u32::MAX),
        };
        let (id, version) = editing
            .get_untracked()
            .map_or((None, 0), |(i, v)| (Some(i), v));
        let done = move |code: String| {
            push_toast(ToastKind::Success, format!("{code} saved"));
            reset();
            state.refresh();
        };
        if supplier {
            pending.run(
                "Saving the supplier",
                move |key| save_supplier(key, id, version, input.clone()),
                move |r| done(r.code),
            );
        } else {
            pending.run(
                "Saving the customer",
                move |key| save_customer(key, id, version, input.clone()),
                move |r| done(r.code),
            );
        }
    };
    let archive = move |id: i64, archived: bool| {
        if supplier {
            Pending::new().run(
                "Archiving",
                move |key| archive_supplier(key, id, archived),
                move |_| state.refresh(),
            );
        } else {
            Pending::new().run(
                "Archiving",
                move |key| archive_customer(key, id, archived),
                move |_| state.refresh(),
            );
        }
    };
    view! {
        <section class="page">
            <h1>{if supplier { "Suppliers" } else { "Customers" }}</h1>
            <SearchBar state=state />
            {can_edit.then(|| view! {
                <form class="card form" on:submit=on_submit data-testid=format!("{what}-form")>
                    <label>"Code" <input name="code" bind:value=code /></label>
                    <FieldMsg msg=pending.error_for("code") />
                    <label>"Name" <input name="name" bind:value=name /></label>
                    <FieldMsg msg=pending.error_for("name") />
                    <label>"Email" <input name="email" type="email" bind:value=email /></label>
                    <FieldMsg msg=pending.error_for("email") />
                    <label>"Phone" <input name="phone" type="tel" bind:value=phone /></label>
                    <FieldMsg msg=pending.error_for("phone") />
                    <label>"Address" <textarea name="address" rows="2" bind:value=address></textarea></label>
                    <FieldMsg msg=pending.error_for("address") />
                    <Show when=move || supplier>
                        <label>"Lead time (days)" <input name="lead_time_days" inputmode="numeric" bind:value=lead /></label>
                        <FieldMsg msg=pending.error_for("lead_time_days") />
                    </Show>
                    <SubmitButton busy=pending.busy label=format!("Save {what}") busy_label="Saving…" />
                    <Show when=move || editing.get().is_some()>
                        <button type="button" class="btn" on:click=move |_| reset()>"Cancel"</button>
                    </Show>
                </form>
            }.into_any())}
            <Transition fallback=|| view! { <p class="loading"><span class="spinner"></span></p> }>
                {move || rows.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(page) => view! {
                        <div class="card table-scroll">
                            <table class="table">
                                <thead><tr><th>"Code"</th><th>"Name"</th><th>"Email"</th><th>"Phone"</th>
                                    {supplier.then(|| view! { <th>"Lead time"</th> })}<th></th></tr></thead>
                                <tbody>
                                    {page.rows.into_iter().map(|p| {
                                        let (id, archived) = (p.id, p.archived);
                                        let rec = p.clone();
                                        view! {
                                            <tr data-testid=format!("{what}-{}", p.code) class:archived=archived>
                                                <td>{p.code.clone()}</td><td>{p.name.clone()}</td><td>{p.email.clone()}</td><td>{p.phone.clone()}</td>
                                                {supplier.then(|| view! { <td>{format!("{} days", p.lead_time_days)}</td> })}
                                                <td>
                                                    <RowActions can_edit=can_edit archived=archived on_edit=move || load(rec.clone()) on_archive=move |a| archive(id, a) />
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <Pager state=state total=page.total />
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
