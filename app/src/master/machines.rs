//! Machines: the list with search, and the form with the work centre (picked
//! from the active work centres) and, for embroidery machines, their speed
//! and number of heads (both or neither).

use super::api::{archive_machine, list_machine_records, list_work_centres, save_machine};
use super::shared::{ListState, Pager, RowActions, SearchBar};
use crate::call::{read, Pending};
use crate::components::{FieldMsg, SubmitButton};
use crate::toast::{push_toast, ToastKind};
use domain::auth::CurrentUser;
use domain::master::{ListParams, MachineInput, MachineRecord};
use domain::perm::{Action, Module};
use domain::FieldError;
use leptos::prelude::*;

/// A whole number typed in `field`: None when blank, the field's error when
/// it is not a whole number.
fn optional_count(field: &str, s: &str) -> Result<Option<u32>, FieldError> {
    match s.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| FieldError::new(field, "must be a whole number")),
    }
}

/// A number for the table ("—" when the machine has none).
fn count(v: Option<u32>) -> String {
    v.map_or_else(|| "—".to_string(), |n| n.to_string())
}

#[component]
pub fn MachinesPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let can_edit =
        user.can(Module::Master, Action::Create) || user.can(Module::Master, Action::Update);
    let state = ListState::new();
    let machines = Resource::new(
        move || state.params(),
        |(p, _)| read("Loading machines", move || list_machine_records(p.clone())),
    );
    // The work centres a machine may be placed on: the active ones.
    let work_centres = Resource::new(
        || (),
        |_| {
            read("Loading work centres", || {
                list_work_centres(ListParams {
                    limit: Some(ListParams::MAX_LIMIT),
                    ..ListParams::default()
                })
            })
        },
    );
    let editing = RwSignal::new(None::<(i64, i64)>);
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let work_centre = RwSignal::new(String::new());
    // The edited machine's work centre name, for when it is not in the pick
    // list (archived since).
    let work_centre_name = RwSignal::new(String::new());
    let speed = RwSignal::new(String::new());
    let heads = RwSignal::new(String::new());
    let pending = Pending::new();
    let reset = move || {
        editing.set(None);
        pending.field.set(None);
        for s in [code, name, work_centre, work_centre_name, speed, heads] {
            s.set(String::new());
        }
    };
    let load = move |m: MachineRecord| {
        editing.set(Some((m.id, m.version)));
        code.set(m.code);
        name.set(m.name);
        work_centre.set(m.work_centre);
        work_centre_name.set(m.work_centre_name);
        speed.set(
            m.stitches_per_minute
                .map(|n| n.to_string())
                .unwrap_or_default(),
        );
        heads.set(m.heads.map(|n| n.to_string()).unwrap_or_default());
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let numbers = optional_count("stitches_per_minute", &speed.get_untracked())
            .and_then(|s| optional_count("heads", &heads.get_untracked()).map(|h| (s, h)));
        let (stitches_per_minute, heads) = match numbers {
            Ok(n) => n,
            Err(e) => {
                pending.field.set(Some(e));
                return;
            }
        };
        let input = MachineInput {
            code: code.get_untracked(),
            name: name.get_untracked(),
            work_centre: work_centre.get_untracked(),
            stitches_per_minute,
            heads,
        };
        let (id, version) = editing
            .get_untracked()
            .map_or((None, 0), |(i, v)| (Some(i), v));
        pending.run(
            "Saving the machine",
            move |key| save_machine(key, id, version, input.clone()),
            move |m| {
                push_toast(ToastKind::Success, format!("Machine {} saved", m.code));
                reset();
                state.refresh();
            },
        );
    };
    let archive = move |id: i64, archived: bool| {
        Pending::new().run(
            if archived {
                "Archiving the machine"
            } else {
                "Restoring the machine"
            },
            move |key| archive_machine(key, id, archived),
            move |_| state.refresh(),
        );
    };
    // The pick list: "none", the active work centres, and the edited
    // machine's own when it is not among them.
    let options = move || {
        let listed = work_centres
            .get()
            .and_then(|r| r.ok())
            .map(|p| p.rows)
            .unwrap_or_default();
        let current = work_centre.get();
        let missing = (!current.is_empty() && !listed.iter().any(|w| w.code == current))
            .then(|| (current.clone(), work_centre_name.get()));
        listed
            .into_iter()
            .map(|w| (w.code, w.name))
            .chain(missing)
            .map(|(c, n)| {
                let label = if n.is_empty() {
                    c.clone()
                } else {
                    format!("{c} — {n}")
                };
                let value = c.clone();
                view! { <option value=value prop:selected=move || work_centre.get() == c>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <section class="page">
            <h1>"Machines"</h1>
            <SearchBar state=state />
            {can_edit.then(|| view! {
                <form class="card form" on:submit=on_submit data-testid="machine-form" novalidate>
                    <h2>{move || if editing.get().is_some() { "Edit machine" } else { "New machine" }}</h2>
                    <label>"Code" <input name="code" bind:value=code placeholder="EMB-03" /></label>
                    <FieldMsg msg=pending.error_for("code") />
                    <label>"Name" <input name="name" bind:value=name placeholder="Tajima 6-head embroidery" /></label>
                    <FieldMsg msg=pending.error_for("name") />
                    <label>"Work centre"
                        <select name="work_centre" bind:value=work_centre>
                            <option value="" prop:selected=move || work_centre.get().is_empty()>"No work centre"</option>
                            <Transition fallback=|| ()>{options}</Transition>
                        </select>
                    </label>
                    <FieldMsg msg=pending.error_for("work_centre") />
                    <p class="muted">"Embroidery machines: give both their speed and their number of heads; other machines neither."</p>
                    <div class="two">
                        <label>"Stitches per minute" <input name="stitches_per_minute" inputmode="numeric" bind:value=speed placeholder="800" /></label>
                        <label>"Heads" <input name="heads" inputmode="numeric" bind:value=heads placeholder="6" /></label>
                    </div>
                    <FieldMsg msg=pending.error_for("stitches_per_minute") />
                    <FieldMsg msg=pending.error_for("heads") />
                    <SubmitButton busy=pending.busy label="Save machine" busy_label="Saving…" />
                    <Show when=move || editing.get().is_some()>
                        <button type="button" class="btn" on:click=move |_| reset()>"Cancel"</button>
                    </Show>
                </form>
            }.into_any())}
            <Transition fallback=|| view! { <p class="loading"><span class="spinner"></span></p> }>
                {move || machines.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(page) => view! {
                        <div class="card table-scroll">
                            <table class="table">
                                <thead><tr><th>"Code"</th><th>"Name"</th><th>"Work centre"</th>
                                    <th class="num">"Stitches/min"</th><th class="num">"Heads"</th><th></th></tr></thead>
                                <tbody>
                                    {page.rows.into_iter().map(|m| {
                                        let (id, archived) = (m.id, m.archived);
                                        let centre = match (m.work_centre.as_str(), m.work_centre_name.as_str()) {
                                            ("", _) => "—".to_string(),
                                            (c, "") => c.to_string(),
                                            (c, n) => format!("{c} — {n}"),
                                        };
                                        let rec = m.clone();
                                        view! {
                                            <tr data-testid=format!("machine-{}", m.code) class:archived=archived>
                                                <td>{m.code.clone()}</td><td>{m.name.clone()}</td><td>{centre}</td>
                                                <td class="num" data-testid="stitches-per-minute">{count(m.stitches_per_minute)}</td>
                                                <td class="num" data-testid="heads">{count(m.heads)}</td>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_counts_are_none_and_bad_ones_name_their_field() {
        assert_eq!(optional_count("heads", "  "), Ok(None));
        assert_eq!(optional_count("heads", " 6 "), Ok(Some(6)));
        let e = optional_count("stitches_per_minute", "fast").unwrap_err();
        assert_eq!(e.field, "stitches_per_minute");
        assert!(optional_count("heads", "-1").is_err());
    }
}
