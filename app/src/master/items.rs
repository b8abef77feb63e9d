//! Items: the list with search, and the form with the attributes editor
//! (an attribute's name and its values, comma-separated).

use super::api::{archive_item, list_items, save_item};
use super::shared::{int, split_list, ListState, Pager, RowActions, SearchBar};
use crate::call::{read, Pending};
use crate::components::{FieldMsg, SubmitButton};
use crate::toast::{push_toast, ToastKind};
use domain::auth::CurrentUser;
use domain::master::{Attribute, ItemInput, ItemKind, ItemRecord};
use domain::perm::{Action, Module};
use leptos::prelude::*;

/// One attribute row of the editor.
#[derive(Clone, Copy)]
struct AttrRow {
    key: u32,
    name: RwSignal<String>,
    values: RwSignal<String>,
}

#[component]
pub fn ItemsPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let can_edit =
        user.can(Module::Master, Action::Create) || user.can(Module::Master, Action::Update);
    let state = ListState::new();
    let items = Resource::new(
        move || state.params(),
        |(p, _)| read("Loading items", move || list_items(p.clone())),
    );
    let editing = RwSignal::new(None::<(i64, i64)>);
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("finished".to_string());
    let unit = RwSignal::new("PCS".to_string());
    let cost = RwSignal::new("0".to_string());
    let design = RwSignal::new(String::new());
    let attrs = RwSignal::new(Vec::<AttrRow>::new());
    let next_key = StoredValue::new(0u32);
    let add_attr = move |n: String, v: String| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        attrs.update(|a| {
            a.push(AttrRow {
                key,
                name: RwSignal::new(n),
                values: RwSignal::new(v),
            })
        });
    };
    let reset = move || {
        editing.set(None);
        for s in [code, name, design] {
            s.set(String::new());
        }
        kind.set("finished".into());
        unit.set("PCS".into());
        cost.set("0".into());
        attrs.set(vec![]);
    };
    let load = move |i: ItemRecord| {
        editing.set(Some((i.id, i.version)));
        code.set(i.code);
        name.set(i.name);
        kind.set(i.kind.as_str().into());
        unit.set(i.unit);
        cost.set(i.standard_cost_minor.to_string());
        design.set(i.embroidery_design.unwrap_or_default());
        attrs.set(vec![]);
        for a in i.attributes {
            add_attr(a.name, a.values.join(", "));
        }
    };
    let pending = Pending::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = ItemInput {
            code: code.get_untracked(),
            name: name.get_untracked(),
            kind: kind.get_untracked(),
            unit: unit.get_untracked(),
            standard_cost_minor: int(&cost.get_untracked()),
            attributes: attrs
                .get_untracked()
                .iter()
                .map(|a| Attribute {
                    name: a.name.get_untracked(),
                    values: split_list(&a.values.get_untracked()),
                })
                .collect(),
            embroidery_design: Some(design.get_untracked()),
        };
        let (id, version) = editing
            .get_untracked()
            .map_or((None, 0), |(i, v)| (Some(i), v));
        pending.run(
            "Saving the item",
            move |key| save_item(key, id, version, input.clone()),
            move |i| {
                push_toast(ToastKind::Success, format!("Item {} saved", i.code));
                reset();
                state.refresh();
            },
        );
    };
    let archive = move |id: i64, archived: bool| {
        Pending::new().run(
            "Archiving the item",
            move |key| archive_item(key, id, archived),
            move |_| state.refresh(),
        );
    };
    let fields = view! {
                    <fieldset class="attributes" data-testid="attributes">
                        <legend>"Variant attributes"</legend>
                        <For each=move || attrs.get() key=|a| a.key let:a>
                            <div class="form inline" data-testid="attribute-row">
                                <label>"Attribute" <input name="attribute_name" bind:value=a.name placeholder="size" /></label>
                                <label>"Values (comma-separated)" <input name="attribute_values" bind:value=a.values placeholder="S, M, L" /></label>
                                <button type="button" class="btn" on:click=move |_| attrs.update(|v| v.retain(|x| x.key != a.key))>"Remove"</button>
                            </div>
                        </For>
                        <button type="button" class="btn" data-testid="add-attribute"
                            on:click=move |_| add_attr(String::new(), String::new())>"Add attribute"</button>
                        <p class="field-error" role="alert">{move || pending.field.get().filter(|f| f.field.starts_with("attributes")).map(|f| f.message)}</p>
                    </fieldset>
    }.into_any();
    view! {
        <section class="page">
            <h1>"Items"</h1>
            <SearchBar state=state />
            {can_edit.then(|| view! {
                <form class="card form" on:submit=on_submit data-testid="item-form">
                    <h2>{move || if editing.get().is_some() { "Edit item" } else { "New item" }}</h2>
                    <label>"Code" <input name="code" bind:value=code placeholder="TB-40" /></label>
                    <FieldMsg msg=pending.error_for("code") />
                    <label>"Name" <input name="name" bind:value=name placeholder="Teddy bear, 40 cm" /></label>
                    <FieldMsg msg=pending.error_for("name") />
                    <label>"Kind"
                        <select name="kind" bind:value=kind>
                            {ItemKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"Unit" <input name="unit" bind:value=unit placeholder="PCS" /></label>
                    <FieldMsg msg=pending.error_for("unit") />
                    <label>"Standard cost (cents)" <input name="standard_cost_minor" inputmode="numeric" bind:value=cost /></label>
                    <FieldMsg msg=pending.error_for("standard_cost_minor") />
                    <label>"Embroidery design" <input name="embroidery_design" bind:value=design placeholder="NOSE-01" /></label>
                    <FieldMsg msg=pending.error_for("embroidery_design") />
                    {fields}
                    <SubmitButton busy=pending.busy label="Save item" busy_label="Saving…" />
                    <Show when=move || editing.get().is_some()>
                        <button type="button" class="btn" on:click=move |_| reset()>"Cancel"</button>
                    </Show>
                </form>
            }.into_any())}
            <Transition fallback=|| view! { <p class="loading"><span class="spinner"></span></p> }>
                {move || items.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(page) => view! {
                        <div class="card table-scroll">
                            <table class="table">
                                <thead><tr><th>"Code"</th><th>"Name"</th><th>"Kind"</th><th>"Unit"</th><th>"Variants"</th><th></th></tr></thead>
                                <tbody>
                                    {page.rows.into_iter().map(|i| {
                                        let (id, archived) = (i.id, i.archived);
                                        let variants = i.attributes.iter().map(|a| format!("{}: {}", a.name, a.values.join("/"))).collect::<Vec<_>>().join(" × ");
                                        let rec = i.clone();
                                        view! {
                                            <tr data-testid=format!("item-{}", i.code) class:archived=archived>
                                                <td>{i.code.clone()}</td><td>{i.name.clone()}</td><td>{i.kind.label()}</td>
                                                <td>{i.unit.clone()}</td><td>{variants}</td>
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
