//! Work centres: the list, and the form with the weekly calendar grid
//! (hours per weekday), the day's start, holidays and closures.

use super::api::{archive_work_centre, list_work_centres, save_work_centre};
use super::shared::{int, split_list, ListState, Pager, RowActions, SearchBar};
use crate::call::{read, Pending};
use crate::components::{FieldMsg, SubmitButton};
use crate::toast::{push_toast, ToastKind};
use domain::auth::CurrentUser;
use domain::master::{ClosureInput, ShiftCalendarInput, WorkCentreInput, WorkCentreRecord};
use domain::perm::{Action, Module};
use leptos::prelude::*;

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Minutes as `H:MM` and back (`-1`, refused naming the field, when unreadable).
fn hm(m: u32) -> String {
    format!("{}:{:02}", m / 60, m % 60)
}
fn minutes(s: &str) -> i64 {
    match s.trim().split_once(':') {
        Some((h, m)) => match (h.trim().parse::<i64>(), m.trim().parse::<i64>()) {
            (Ok(h), Ok(m)) if (0..60).contains(&m) => h * 60 + m,
            _ => -1,
        },
        None => int(s).saturating_mul(60),
    }
}

#[component]
pub fn WorkCentresPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let can_edit =
        user.can(Module::Master, Action::Create) || user.can(Module::Master, Action::Update);
    let state = ListState::new();
    let list = Resource::new(
        move || state.params(),
        |(p, _)| read("Loading work centres", move || list_work_centres(p.clone())),
    );
    let editing = RwSignal::new(None::<(i64, i64)>);
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(String::new());
    let capacity = RwSignal::new("1".to_string());
    let rate = RwSignal::new("0".to_string());
    let start = RwSignal::new("7:00".to_string());
    let week: [RwSignal<String>; 7] =
        std::array::from_fn(|i| RwSignal::new(if i < 5 { "8:00" } else { "0:00" }.to_string()));
    let holidays = RwSignal::new(String::new());
    let closures = RwSignal::new(String::new());
    let reset = move || {
        editing.set(None);
        for s in [code, name, kind, holidays, closures] {
            s.set(String::new());
        }
        capacity.set("1".into());
        rate.set("0".into());
        start.set("7:00".into());
        for (i, d) in week.iter().enumerate() {
            d.set(if i < 5 { "8:00" } else { "0:00" }.into());
        }
    };
    let load = move |w: WorkCentreRecord| {
        editing.set(Some((w.id, w.version)));
        code.set(w.code);
        name.set(w.name);
        kind.set(w.kind);
        capacity.set(w.parallel_capacity.to_string());
        rate.set(w.labour_rate_minor_per_hour.to_string());
        start.set(hm(w.calendar.day_start_minute));
        for (d, m) in week.iter().zip(w.calendar.minutes_per_weekday) {
            d.set(hm(m));
        }
        holidays.set(w.calendar.holidays.join(", "));
        closures.set(
            w.calendar
                .closures
                .iter()
                .map(|c| format!("{} {}", c.start, c.end))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    };
    let pending = Pending::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let to_u32 = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
        let input = WorkCentreInput {
            code: code.get_untracked(),
            name: name.get_untracked(),
            kind: kind.get_untracked(),
            calendar: ShiftCalendarInput {
                minutes_per_weekday: std::array::from_fn(|i| {
                    to_u32(minutes(&week[i].get_untracked()))
                }),
                day_start_minute: to_u32(minutes(&start.get_untracked())),
                holidays: split_list(&holidays.get_untracked()),
                closures: closures
                    .get_untracked()
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| {
                        let mut parts = l.split_whitespace();
                        ClosureInput {
                            start: parts.next().unwrap_or("").into(),
                            end: parts.next().unwrap_or("").into(),
                        }
                    })
                    .collect(),
            },
            parallel_capacity: to_u32(int(&capacity.get_untracked())),
            labour_rate_minor_per_hour: int(&rate.get_untracked()),
        };
        let (id, version) = editing
            .get_untracked()
            .map_or((None, 0), |(i, v)| (Some(i), v));
        pending.run(
            "Saving the work centre",
            move |key| save_work_centre(key, id, version, input.clone()),
            move |w| {
                push_toast(ToastKind::Success, format!("Work centre {} saved", w.code));
                reset();
                state.refresh();
            },
        );
    };
    let archive = move |id: i64, archived: bool| {
        Pending::new().run(
            "Archiving the work centre",
            move |key| archive_work_centre(key, id, archived),
            move |_| state.refresh(),
        );
    };
    let calendar_error = move || {
        pending
            .field
            .get()
            .filter(|f| f.field.starts_with("calendar"))
            .map(|f| f.message)
    };
    let fields = view! {
                    <fieldset data-testid="calendar">
                        <legend>"Weekly calendar (hours:minutes per day)"</legend>
                        <div class="table-scroll">
                            <table class="table calendar-grid">
                                <thead><tr>{DAYS.iter().map(|d| view! { <th>{*d}</th> }).collect_view()}</tr></thead>
                                <tbody><tr>
                                    {week.into_iter().enumerate().map(|(i, d)| view! {
                                        <td><input name=format!("minutes_{}", DAYS[i].to_lowercase()) aria-label=DAYS[i] size="5" bind:value=d /></td>
                                    }).collect_view()}
                                </tr></tbody>
                            </table>
                        </div>
                        <label>"Shift starts at" <input name="day_start" bind:value=start placeholder="7:00" /></label>
                        <label>"Holidays (YYYY-MM-DD, comma-separated)" <input name="holidays" bind:value=holidays placeholder="2026-12-25, 2026-12-26" /></label>
                        <label>"Closures (one per line: start end, ISO times)"
                            <textarea name="closures" rows="3" bind:value=closures placeholder="2026-03-03T06:00:00Z 2026-03-03T08:00:00Z"></textarea>
                        </label>
                        <p class="field-error" role="alert">{calendar_error}</p>
                    </fieldset>
    }.into_any();
    view! {
        <section class="page">
            <h1>"Work centres"</h1>
            <SearchBar state=state />
            {can_edit.then(|| view! {
                <form class="card form" on:submit=on_submit data-testid="work-centre-form">
                    <h2>{move || if editing.get().is_some() { "Edit work centre" } else { "New work centre" }}</h2>
                    <label>"Code" <input name="code" bind:value=code placeholder="SEW" /></label>
                    <FieldMsg msg=pending.error_for("code") />
                    <label>"Name" <input name="name" bind:value=name placeholder="Sewing lines" /></label>
                    <FieldMsg msg=pending.error_for("name") />
                    <label>"Kind" <input name="kind" bind:value=kind placeholder="SEWING" /></label>
                    <FieldMsg msg=pending.error_for("kind") />
                    <label>"Parallel capacity" <input name="parallel_capacity" inputmode="numeric" bind:value=capacity /></label>
                    <FieldMsg msg=pending.error_for("parallel_capacity") />
                    <label>"Labour rate (cents per hour)" <input name="labour_rate_minor_per_hour" inputmode="numeric" bind:value=rate /></label>
                    <FieldMsg msg=pending.error_for("labour_rate_minor_per_hour") />
                    {fields}
                    <SubmitButton busy=pending.busy label="Save work centre" busy_label="Saving…" />
                    <Show when=move || editing.get().is_some()>
                        <button type="button" class="btn" on:click=move |_| reset()>"Cancel"</button>
                    </Show>
                </form>
            }.into_any())}
            <Transition fallback=|| view! { <p class="loading"><span class="spinner"></span></p> }>
                {move || list.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(page) => view! {
                        <div class="card table-scroll">
                            <table class="table">
                                <thead><tr><th>"Code"</th><th>"Name"</th><th>"Kind"</th><th>"Capacity"</th><th>"Hours Mon–Sun"</th><th></th></tr></thead>
                                <tbody>
                                    {page.rows.into_iter().map(|w| {
                                        let (id, archived) = (w.id, w.archived);
                                        let hours = w.calendar.minutes_per_weekday.iter().map(|m| hm(*m)).collect::<Vec<_>>().join(" ");
                                        let rec = w.clone();
                                        view! {
                                            <tr data-testid=format!("work-centre-{}", w.code) class:archived=archived>
                                                <td>{w.code.clone()}</td><td>{w.name.clone()}</td><td>{w.kind.clone()}</td>
                                                <td>{w.parallel_capacity}</td><td>{hours}</td>
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
