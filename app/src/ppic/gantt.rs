//! The Gantt page: the window (zoom day, week or month; earlier, today,
//! later), the legend, the chart, and the selected job with a form to move
//! it by typing (for the keyboard, and for exact times).

#[path = "gantt_chart.rs"]
mod chart;
#[path = "gantt_layout.rs"]
mod layout;

use super::api::gantt;
use super::shared::{job_badge, loading, ppic_version, when_opt};
use crate::call::read;
use chart::{ChartState, Drag, MoveAsk};
use domain::auth::CurrentUser;
use domain::master::Date;
use domain::perm::{Action, Module};
use domain::ppic::GanttView;
use layout::{format_local, parse_local, Zoom};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn GanttPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let can_move = user.can(Module::Ppic, Action::Approve);
    let zoom = RwSignal::new(Zoom::Week);
    // The first day shown, `YYYY-MM-DD`; empty for today.
    let from = RwSignal::new(String::new());
    let version = ppic_version();
    let data = Resource::new(
        move || (version.get(), from.get(), zoom.get()),
        |(_, f, z)| {
            read("Loading the plan", move || {
                gantt((!f.is_empty()).then(|| f.clone()), Some(z.days()))
            })
        },
    );
    let selected = RwSignal::new(None::<i64>);
    let drag = RwSignal::new(None::<Drag>);
    let message = RwSignal::new(None::<(bool, String)>);
    let last_ms = RwSignal::new(None::<f64>);
    let busy = RwSignal::new(false);
    let shift = move |v: &GanttView, days: i64| {
        // `v.from` is the first day's local midnight.
        let first = Date::at(v.from, v.utc_offset_minutes);
        from.set(first.add_days(days).to_string());
    };
    view! {
        <section class="page page-wide">
            <header class="page-head">
                <h1>"Gantt"</h1>
                <div class="chips" role="group" aria-label="Zoom">
                    {Zoom::ALL.into_iter().map(|z| view! {
                        <button type="button" class="chip" class:on=move || zoom.get() == z
                            aria-pressed=move || (zoom.get() == z).to_string()
                            data-testid=format!("zoom-{}", z.as_str())
                            on:click=move |_| zoom.set(z)>{z.label()}</button>
                    }).collect_view()}
                </div>
            </header>
            <Transition fallback=loading>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(v) => {
                        let nav = v.clone();
                        let nav2 = v.clone();
                        let st = ChartState {
                            view: RwSignal::new(v),
                            zoom: zoom.get_untracked(),
                            can_move,
                            selected,
                            drag,
                            message,
                            last_ms,
                            busy,
                        };
                        view! {
                            <div class="gantt-toolbar">
                                <button type="button" class="btn small" data-testid="gantt-earlier"
                                    on:click=move |_| shift(&nav, -zoom.get_untracked().days())>"← Earlier"</button>
                                <button type="button" class="btn small" on:click=move |_| from.set(String::new())>"Today"</button>
                                <button type="button" class="btn small" data-testid="gantt-later"
                                    on:click=move |_| shift(&nav2, zoom.get_untracked().days())>"Later →"</button>
                                <span class="legend">
                                    <span class="key late"></span>"late "
                                    <span class="key maintenance"></span>"maintenance "
                                    <span class="key closure"></span>"closed "
                                    <span class="key today"></span>"now"
                                </span>
                                {can_move.then(|| view! { <span class="muted hint">"Drag a bar to move it; only jobs not started move."</span> })}
                            </div>
                            {move || message.get().map(|(ok, text)| view! {
                                <p class=if ok { "notice-box" } else { "error-box" } data-testid="gantt-message" role="status">{text}</p>
                            })}
                            {chart::chart(st)}
                            {move || selected.get().and_then(|id| st.view.with(|v| {
                                v.bars.iter().find(|b| b.id == id).cloned().map(|j| details(st, v, j))
                            }))}
                        }.into_any()
                    }
                })}
            </Transition>
            <super::changeover::ChangeoverPanel/>
        </section>
    }
}

/// The selected job, and a form to move it by typing.
fn details(st: ChartState, v: &GanttView, j: domain::ppic::JobView) -> impl IntoView {
    let offset = v.utc_offset_minutes;
    let kind = v
        .lanes
        .iter()
        .find(|l| l.code == j.work_centre)
        .map(|l| l.kind.clone())
        .unwrap_or_default();
    let same_kind: Vec<String> = v
        .lanes
        .iter()
        .filter(|l| l.kind == kind)
        .map(|l| l.code.clone())
        .collect();
    let start = RwSignal::new(
        j.planned_start
            .map(|t| format_local(t, offset))
            .unwrap_or_default(),
    );
    let centre = RwSignal::new(j.work_centre.clone());
    let bad = RwSignal::new(false);
    let movable = st.can_move && j.status.is_movable();
    let (id, version, here) = (j.id, j.version, j.work_centre.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(t) = parse_local(&start.get_untracked(), offset) else {
            bad.set(true);
            return;
        };
        bad.set(false);
        let c = centre.get_untracked();
        st.ask(MoveAsk {
            id,
            start: t,
            work_centre: (c != here).then_some(c),
            version,
        });
    };
    view! {
        <div class="card gantt-details" data-testid="gantt-details" data-id=j.id>
            <h2>
                <A href=format!("/ppic/orders/{}", j.mo_id)>{j.mo_number.clone()}</A>
                {format!(" · {}. {} ({})", j.seq, j.name, j.item)}
            </h2>
            <p>
                {job_badge(j.status)}
                {j.late.then(|| view! { <span class="badge late">"late"</span> })}
                {j.pinned.then(|| view! { <span class="badge">"pinned"</span> })}
            </p>
            <dl class="facts">
                <dt>"Work centre"</dt><dd>{j.work_centre.clone()}</dd>
                <dt>"Planned"</dt><dd>{format!("{} – {}", when_opt(j.planned_start), when_opt(j.planned_end))}</dd>
                <dt>"Latest start"</dt><dd>{when_opt(j.latest_start)}</dd>
                <dt>"Quantity"</dt><dd>{format!("{} ({} min)", j.qty, j.minutes)}</dd>
            </dl>
            {movable.then(|| view! {
                <form class="row-form" on:submit=submit>
                    <label>"Start "
                        <input type="datetime-local" data-testid="move-start" bind:value=start
                            aria-invalid=move || bad.get().to_string() />
                    </label>
                    <label>"Work centre "
                        <select data-testid="move-centre" on:change=move |ev| centre.set(event_target_value(&ev))>
                            {same_kind.into_iter().map(|c| {
                                let sel = c == centre.get_untracked();
                                view! { <option value=c.clone() selected=sel>{c.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <button class="btn primary" data-testid="move-submit"
                        disabled=move || st.busy.get()>"Move"</button>
                    {move || bad.get().then(|| view! { <span class="field-error">"Give a date and time"</span> })}
                </form>
            })}
            {(movable && j.pinned).then(|| view! {
                <p class="row-form">
                    <span class="muted">"Pinned where it was put: re-plans plan around it."</span>
                    <button type="button" class="btn" data-testid="unpin"
                        disabled=move || st.busy.get()
                        on:click=move |_| st.unpin(id, version)>"Let the plan decide"</button>
                </p>
            })}
        </div>
    }
}
