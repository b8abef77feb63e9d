//! The BOM list: current versions by item, searched by the item's or a
//! component's code or name, and a way to start the BOM of another item.

use super::api::bom_list;
use crate::call::read;
use crate::live::topic_version;
use domain::auth::CurrentUser;
use domain::perm::{Action, Module};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

#[component]
pub fn BomListPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let q = RwSignal::new(String::new());
    let offset = RwSignal::new(0i64);
    let version = topic_version(Module::Warehouse);
    let page = Resource::new(
        move || (version.get(), q.get(), offset.get()),
        |(_, q, offset)| read("Loading BOMs", move || bom_list(q.clone(), offset)),
    );
    let new_item = RwSignal::new(String::new());
    let navigate = use_navigate();
    let can_create = user.can(Module::Warehouse, Action::Create);
    view! {
        <section class="page">
            <header class="page-head">
                <h1>"Bills of materials"</h1>
            </header>
            <div class="filters">
                <input type="search" aria-label="Search BOMs" placeholder="Item or component code or name"
                    data-testid="bom-search"
                    prop:value=move || q.get()
                    on:input=move |ev| { q.set(event_target_value(&ev)); offset.set(0); } />
            </div>
            <Show when=move || can_create>
                <form class="card inline-form" data-testid="bom-new-form" on:submit={
                    let navigate = navigate.clone();
                    move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        let code = new_item.get_untracked().trim().to_uppercase();
                        if !code.is_empty() {
                            navigate(&format!("/warehouse/bom/new?item={code}"), Default::default());
                        }
                    }
                }>
                    <label>"New BOM for item "
                        <input aria-label="Item code for a new BOM" data-testid="bom-new-item"
                            prop:value=move || new_item.get()
                            on:input=move |ev| new_item.set(event_target_value(&ev)) />
                    </label>
                    <button class="btn primary" type="submit">"Start"</button>
                </form>
            </Show>
            <Transition fallback=|| view! { <p class="loading"><span class="spinner"></span>" Loading…"</p> }>
                {move || page.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(p) => {
                        let (total, shown, off) = (p.total, p.items.len() as i64, p.offset);
                        view! {
                            <p class="muted">{format!("{total} BOM(s)")}</p>
                            <div class="card scroll-x">
                                <table class="table" data-testid="bom-list">
                                    <thead><tr><th>"Item"</th><th>"Name"</th><th>"Version"</th><th>"State"</th></tr></thead>
                                    <tbody>
                                        {p.items.into_iter().map(|b| { let code = b.item.clone(); view! {
                                            <tr data-testid="bom-row" data-item=b.item.clone()>
                                                <td><A href=format!("/warehouse/bom/{}", b.id)>{code}</A></td>
                                                <td>{b.item_name.clone()}</td>
                                                <td>{format!("v{}", b.version)}</td>
                                                <td>{if b.frozen { "used by orders" } else { "editable" }}</td>
                                            </tr>
                                        }}).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <div class="pager">
                                <button class="btn" disabled={move || off == 0}
                                    on:click=move |_| offset.update(|o| *o = (*o - 50).max(0))>"Previous"</button>
                                <button class="btn" disabled={move || off + shown >= total}
                                    on:click=move |_| offset.update(|o| *o += 50)>"Next"</button>
                            </div>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}
