//! Embroidery designs: the list with each design's file (downloaded as an
//! attachment), and the form. Files are uploaded through the REST API
//! (`PUT /api/v1/master/embroidery-designs/{id}/file`, raw body).

use super::api::{archive_design, list_designs, save_design};
use super::shared::{int, split_list, ListState, Pager, RowActions, SearchBar};
use crate::call::{read, Pending};
use crate::components::{FieldMsg, SubmitButton};
use crate::toast::{push_toast, ToastKind};
use domain::auth::CurrentUser;
use domain::master::{DesignInput, DesignRecord};
use domain::perm::{Action, Module};
use leptos::prelude::*;

#[component]
pub fn DesignsPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let can_edit =
        user.can(Module::Master, Action::Create) || user.can(Module::Master, Action::Update);
    let state = ListState::new();
    let rows = Resource::new(
        move || state.params(),
        |(p, _)| read("Loading designs", move || list_designs(p.clone())),
    );
    let editing = RwSignal::new(None::<(i64, i64)>);
    let [code, name, stitches, changes, colours, hoop] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let reset = move || {
        editing.set(None);
        for s in [code, name, stitches, changes, colours, hoop] {
            s.set(String::new());
        }
    };
    let load = move |d: DesignRecord| {
        editing.set(Some((d.id, d.version)));
        code.set(d.code);
        name.set(d.name);
        stitches.set(d.stitch_count.to_string());
        changes.set(d.colour_changes.to_string());
        colours.set(d.thread_colours.join(", "));
        hoop.set(d.hoop);
    };
    let pending = Pending::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = |s: RwSignal<String>| u32::try_from(int(&s.get_untracked())).unwrap_or(0);
        let input = DesignInput {
            code: code.get_untracked(),
            name: name.get_untracked(),
            stitch_count: n(stitches),
            colour_changes: n(changes),
            thread_colours: split_list(&colours.get_untracked()),
            hoop: hoop.get_untracked(),
        };
        let (id, version) = editing
            .get_untracked()
            .map_or((None, 0), |(i, v)| (Some(i), v));
        pending.run(
            "Saving the design",
            move |key| save_design(key, id, version, input.clone()),
            move |d| {
                push_toast(ToastKind::Success, format!("Design {} saved", d.code));
                reset();
                state.refresh();
            },
        );
    };
    let archive = move |id: i64, archived: bool| {
        Pending::new().run(
            "Archiving the design",
            move |key| archive_design(key, id, archived),
            move |_| state.refresh(),
        );
    };
    let uploading = Pending::new();
    let upload = move |id: i64, ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            uploading.run(
                "Uploading the design file",
                move |key| super::upload::upload_design_file(key, id, file.clone()),
                move |d: DesignRecord| {
                    let name = d.file.map(|f| f.file_name).unwrap_or_default();
                    push_toast(
                        ToastKind::Success,
                        format!("{name} kept with design {}", d.code),
                    );
                    state.refresh();
                },
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, ev, uploading);
    };
    view! {
        <section class="page">
            <h1>"Embroidery designs"</h1>
            <SearchBar state=state />
            {can_edit.then(|| view! {
                <form class="card form" on:submit=on_submit data-testid="design-form">
                    <label>"Code" <input name="code" bind:value=code placeholder="NOSE-02" /></label>
                    <FieldMsg msg=pending.error_for("code") />
                    <label>"Name" <input name="name" bind:value=name /></label>
                    <FieldMsg msg=pending.error_for("name") />
                    <label>"Stitches" <input name="stitch_count" inputmode="numeric" bind:value=stitches /></label>
                    <FieldMsg msg=pending.error_for("stitch_count") />
                    <label>"Colour changes" <input name="colour_changes" inputmode="numeric" bind:value=changes /></label>
                    <label>"Thread colours (comma-separated)" <input name="thread_colours" bind:value=colours /></label>
                    <label>"Hoop" <input name="hoop" bind:value=hoop placeholder="H10" /></label>
                    <FieldMsg msg=pending.error_for("hoop") />
                    <SubmitButton busy=pending.busy label="Save design" busy_label="Saving…" />
                </form>
            }.into_any())}
            <Transition fallback=|| view! { <p class="loading"><span class="spinner"></span></p> }>
                {move || rows.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(page) => view! {
                        <div class="card table-scroll">
                            <table class="table">
                                <thead><tr><th>"Code"</th><th>"Name"</th><th>"Stitches"</th><th>"Colours"</th><th>"File"</th><th></th></tr></thead>
                                <tbody>
                                    {page.rows.into_iter().map(|d| {
                                        let (id, archived) = (d.id, d.archived);
                                        let file = d.file.clone().map(|f| view! {
                                            <a href=format!("/api/v1/master/embroidery-designs/{id}/file") download=f.file_name.clone()>{f.file_name.clone()}</a>
                                        });
                                        let rec = d.clone();
                                        let (code, has_file) = (d.code.clone(), d.file.is_some());
                                        view! {
                                            <tr data-testid=format!("design-{}", d.code) class:archived=archived>
                                                <td>{d.code.clone()}</td><td>{d.name.clone()}</td><td>{d.stitch_count}</td>
                                                <td>{d.thread_colours.join(", ")}</td>
                                                <td>
                                                    {file}
                                                    <Show when=move || can_edit>
                                                        <label class="btn small file-pick">
                                                            {if has_file { "Replace file" } else { "Upload file" }}
                                                            <input type="file" class="visually-hidden" data-testid="design-file"
                                                                aria-label=format!("File for design {code}") disabled=move || uploading.busy.get()
                                                                on:change=move |ev| upload(id, ev) />
                                                        </label>
                                                    </Show>
                                                </td>
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
