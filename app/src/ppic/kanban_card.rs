//! One Kanban card: its order, operation, item, work centre, quantities
//! and planned time, its drag handle and the steps its user may take.

use super::{drag, Board};
use crate::ppic::shared::when_opt;
use domain::ppic::{JobView, TaskAction};
use domain::time::Millis;
use leptos::prelude::*;
use leptos_router::components::A;

/// How a card is named to people: `MO-0007 20. Sew`.
pub(super) fn card_name(j: &JobView) -> String {
    format!("{} {}. {}", j.mo_number, j.seq, j.name)
}

/// What a rendered card shows: a change re-renders it.
pub(super) fn fingerprint(j: &JobView) -> String {
    format!(
        "{}:{}:{}:{:?}:{:?}:{}:{}:{}:{}",
        j.id,
        j.version,
        j.status.as_str(),
        j.planned_start,
        j.planned_end,
        j.late,
        j.pinned,
        j.good,
        j.scrap
    )
}

/// `08 Dec 2026, 07:30–11:00`, or both ends in full across days.
fn planned(start: Option<Millis>, end: Option<Millis>) -> String {
    if start.is_none() && end.is_none() {
        return "Not planned yet".into();
    }
    let (s, e) = (when_opt(start), when_opt(end));
    match (s.split_once(", "), e.split_once(", ")) {
        (Some((d1, _)), Some((d2, t2))) if d1 == d2 => format!("{s}–{t2}"),
        _ => format!("{s} – {e}"),
    }
}

pub(super) fn card(b: Board, job: JobView) -> impl IntoView {
    let id = job.id;
    let status = job.status;
    let name = card_name(&job);
    let node = NodeRef::<leptos::html::Li>::new();
    // A card re-rendered (moved, answered, refetched) while it had the focus takes it back.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            if b.follow.get_untracked() == Some(id) {
                drag::focus(&el, b.drag.reveal.get_value() == Some(id));
            }
        }
    });
    let moving = move || b.moving.with(|m| m.contains_key(&id));
    let steps: Vec<TaskAction> = status
        .allowed()
        .iter()
        .copied()
        .filter(|a| b.can(a.permission()))
        .collect();
    let handle = (!status.is_final() && (b.can_update || b.can_approve)).then(|| {
        let j = job.clone();
        view! {
            <span class="khandle" data-testid="card-handle" aria-hidden="true" title="Drag to another column"
                on:pointerdown=move |ev| drag::press(b, &ev, &j)>"⠿"</span>
        }
    });
    let key_job = job.clone();
    let mo_number = job.mo_number.clone();
    view! {
        <li class="kcard" class:kcard-late=job.late node_ref=node tabindex="0"
            data-testid="kanban-card" data-id=id data-status=status.as_str()
            aria-label=format!("{name}, {}, {}", job.work_centre, status.label())
            aria-describedby="kanban-help"
            aria-busy=move || moving().then_some("true")
            class:moving=moving
            class:dragging=move || b.drag.dragged() == Some(id)
            class:lifted=move || b.drag.lift.with(|l| l.as_ref().is_some_and(|l| l.job.id == id))
            class:refused=move || b.refused.with(|r| r.contains_key(&id))
            on:focus=move |_| b.follow.set(Some(id))
            on:blur=move |ev: leptos::ev::FocusEvent| {
                // Focus gone elsewhere (not the card re-rendered away).
                if ev.related_target().is_some() {
                    if b.follow.get_untracked() == Some(id) {
                        b.follow.set(None);
                    }
                    drag::blurred(b, id);
                }
            }
            on:keydown=move |ev| drag::card_key(b, &ev, &key_job)>
            <div class="kcard-top">
                <A href=format!("/ppic/orders/{}", job.mo_id) attr:class="kcard-mo" attr:data-testid="card-order">{mo_number}</A>
                {job.late.then(|| view! { <span class="badge klate" data-testid="card-late">"late"</span> })}
                {job.pinned.then(|| view! { <span class="badge kpin" data-testid="card-pinned" title="Pinned: the planner fixed its time">"pinned"</span> })}
                {handle}
            </div>
            <div class="kcard-op" data-testid="card-op">{format!("{}. {}", job.seq, job.name)}</div>
            <div class="kcard-meta">
                <span data-testid="card-item">{job.item.clone()}</span>
                " · "
                <span class="kwc" data-testid="card-wc">{job.work_centre.clone()}</span>
            </div>
            <div class="kcard-qty" data-testid="card-qty">
                {format!("Qty {} · good {} · scrap {}", job.qty, job.good, job.scrap)}
            </div>
            <div class="kcard-when" data-testid="card-when">{planned(job.planned_start, job.planned_end)}</div>
            {move || b.refused.with(|r| r.get(&id).cloned()).map(|why| view! {
                <p class="kcard-refused" data-testid="card-refused">{why}</p>
            })}
            {(!steps.is_empty()).then(|| view! {
                <div class="kcard-steps" role="group" aria-label=format!("Steps for {name}")>
                    {steps.into_iter().map(|a| {
                        let j = job.clone();
                        let to = a.apply(status).ok();
                        let cls = if a == TaskAction::Cancel { "btn small danger" } else { "btn small" };
                        view! {
                            <button type="button" class=cls data-testid=format!("step-{}", a.as_str())
                                disabled=moving
                                on:click=move |_| if let Some(to) = to { b.commit(j.clone(), to, Some(a)) }>
                                {a.label()}
                            </button>
                        }
                    }).collect_view()}
                </div>
            })}
        </li>
    }
}
