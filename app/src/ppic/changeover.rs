//! Under the Gantt: for each embroidery centre, the waiting jobs in a run
//! order that cuts thread and hoop changes, and the minutes it saves
//! against the order planned.

use super::api::changeovers;
use super::shared::{loading, ppic_version, when_opt};
use crate::call::read;
use domain::ppic::{ChangeoverJob, ChangeoverLane};
use leptos::prelude::*;

#[component]
pub fn ChangeoverPanel() -> impl IntoView {
    let version = ppic_version();
    let data = Resource::new(
        move || version.get(),
        |_| read("Loading the changeover suggestion", changeovers),
    );
    view! {
        <section class="changeover" data-testid="changeover" aria-labelledby="changeover-head">
            <h2 id="changeover-head">"Embroidery changeovers"</h2>
            <Transition fallback=loading>
                {move || data.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(v) if v.lanes.is_empty() => view! {
                        <p class="muted">"No embroidery jobs are waiting."</p>
                    }.into_any(),
                    Ok(v) => view! {
                        <p class="muted hint">{format!(
                            "Each thread colour loaded costs {} min, each hoop change {} min. \
                             Run the waiting jobs in the suggested order to save the minutes shown.",
                            v.thread_change_minutes, v.hoop_change_minutes
                        )}</p>
                        {v.lanes.into_iter().map(lane).collect_view()}
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

fn lane(l: ChangeoverLane) -> impl IntoView {
    let s = &l.sequence;
    let summary = if s.saved == 0 {
        format!(
            "The planned order is already the best found ({} min of changeovers).",
            s.minutes_before
        )
    } else {
        format!(
            "The suggested order saves {} min: {} → {} min of changeovers.",
            s.saved, s.minutes_before, s.minutes_after
        )
    };
    let saved_class = if s.saved > 0 { "saving" } else { "muted" };
    let planned_at = |id: i64| l.jobs.iter().position(|j| j.id == id).map(|p| p + 1);
    let rows: Vec<(usize, ChangeoverJob)> = s
        .order
        .iter()
        .filter_map(|id| {
            Some((
                planned_at(*id)?,
                l.jobs.iter().find(|j| j.id == *id)?.clone(),
            ))
        })
        .collect();
    view! {
        <div class="changeover-lane" data-testid=format!("changeover-{}", l.work_centre)>
            <h3>{format!("{} — {}", l.work_centre, l.name)}</h3>
            <p class=saved_class data-testid="changeover-saved">{summary}</p>
            {(l.left_out > 0).then(|| view! {
                <p class="muted">{format!("{} later jobs are not in this suggestion.", l.left_out)}</p>
            })}
            <div class="card table-scroll">
                <table class="table changeover-table">
                    <thead><tr>
                        <th scope="col">"Run"</th><th scope="col">"Planned"</th>
                        <th scope="col">"Order"</th><th scope="col">"Item"</th>
                        <th scope="col">"Design"</th><th scope="col">"Hoop"</th>
                        <th scope="col">"Threads"</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().enumerate().map(|(i, (was, j))| view! {
                            <tr data-job=j.id>
                                <td>{i + 1}</td>
                                <td class="nowrap" title=when_opt(j.planned_start)>{format!("#{was}")}</td>
                                <td class="nowrap">{j.order}</td>
                                <td>{j.item}</td>
                                <td>{j.design}</td>
                                <td>{j.hoop}</td>
                                <td class="threads">{j.colours.join(", ")}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
