//! Maintenance screens: the live list, a request's detail with its
//! countdowns and timeline, the report form and SLA targets.

use super::api::*;
use crate::call::{read, Pending};
use crate::components::{Countdown, FieldMsg, LocalTime, SubmitButton, Which};
use crate::live::{learn_server_time, maintenance_version};
use crate::toast::{push_toast, ToastKind};
use domain::auth::CurrentUser;
use domain::maintenance::{
    escalation_owner, ListFilter, NewRequestInput, Priority, Request, SlaPolicy, Status, Transition,
};
use domain::perm::{Action, Module};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
#[path = "window_form.rs"]
mod window_form;
use window_form::{typed_minutes, typed_start, WindowCard, WindowFields};

fn priority_badge(p: Priority) -> impl IntoView {
    view! { <span class=format!("badge prio-{}", p.as_str())>{p.label()}</span> }
}

fn status_badge(s: Status) -> impl IntoView {
    view! { <span class=format!("badge status-{}", s.as_str()) data-testid="status">{s.label()}</span> }
}

/// The clock that matters now: response until acknowledged, then resolution.
fn current_countdown(r: &Request) -> impl IntoView {
    if r.clock.acknowledged_at.is_none() && r.status.is_active() {
        view! { <span class="clock-label">"Response "</span><Countdown clock=r.clock which=Which::Response /> }.into_any()
    } else {
        view! { <span class="clock-label">"Resolution "</span><Countdown clock=r.clock which=Which::Resolution /> }.into_any()
    }
}

#[component]
pub fn ListPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let status = RwSignal::new(String::new());
    let priority = RwSignal::new(String::new());
    let active_only = RwSignal::new(true);
    let version = maintenance_version();
    let page = Resource::new(
        move || {
            (
                version.get(),
                status.get(),
                priority.get(),
                active_only.get(),
            )
        },
        |(_, status, priority, active_only)| {
            let filter = ListFilter {
                status: Some(status),
                priority: Some(priority),
                active_only,
                limit: Some(100),
                ..Default::default()
            };
            read("Loading maintenance requests", move || {
                list_requests(filter.clone())
            })
        },
    );
    let can_create = user.can(Module::Maintenance, Action::Create);
    view! {
        <section class="page">
            <header class="page-head">
                <h1>"Maintenance"</h1>
                <Show when=move || can_create>
                    <A href="/maintenance/new" attr:class="btn primary" attr:data-testid="new-request">"Report a problem"</A>
                </Show>
            </header>
            <div class="filters">
                <select aria-label="Status" bind:value=status>
                    <option value="">"Any status"</option>
                    {Status::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
                <select aria-label="Priority" bind:value=priority>
                    <option value="">"Any priority"</option>
                    {Priority::ALL.into_iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                </select>
                <label class="check"><input type="checkbox" bind:checked=active_only />" Open work only"</label>
            </div>
            <Transition fallback=|| view! { <p class="loading"><span class="spinner"></span>" Loading…"</p> }>
                {move || page.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(p) => {
                        if let Some(first) = p.items.first() { learn_server_time(&first.server_now); }
                        let total = p.total;
                        view! {
                            <p class="muted">{format!("{total} request(s)")}</p>
                            <ul class="request-list" data-testid="request-list">
                                {p.items.into_iter().map(|r| {
                                    let href = format!("/maintenance/{}", r.id);
                                    let esc = r.escalation_level;
                                    let clock = current_countdown(&r);
                                    view! {
                                        <li class="request-row" data-testid="request-row" data-id=r.id>
                                            <A href=href attr:class="row-link">
                                                <div class="row-top">
                                                    {priority_badge(r.priority)}
                                                    <span class="machine">{r.machine_code.clone()}</span>
                                                    {status_badge(r.status)}
                                                    {(esc > 0).then(|| view! { <span class="badge esc">{format!("L{esc}")}</span> })}
                                                </div>
                                                <div class="row-title">{format!("#{} {}", r.id, r.title)}</div>
                                                <div class="row-clock">{clock}</div>
                                            </A>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn DetailPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let id = crate::components::id_param();
    let version = maintenance_version();
    let detail = Resource::new(
        move || (version.get(), id()),
        |(_, id)| read("Loading the request", move || get_request(id)),
    );
    let note = RwSignal::new(String::new());
    let pending = Pending::new();
    let user = StoredValue::new(user);
    let act = move |id: i64, t: Transition| {
        let n = note.get_untracked();
        pending.run(
            "Updating the request",
            move |key| transition_request(key, id, t.as_str().to_string(), n.clone()),
            move |r: Request| {
                note.set(String::new());
                push_toast(
                    ToastKind::Success,
                    format!("#{} is now {}", r.id, r.status.label().to_lowercase()),
                );
                maintenance_version().update(|v| *v += 1);
            },
        );
    };
    view! {
        <section class="page">
            <A href="/maintenance" attr:class="back">"← All requests"</A>
            <Transition fallback=|| view! { <p class="loading"><span class="spinner"></span>" Loading…"</p> }>
                {move || detail.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(d) => {
                        let r = d.request;
                        learn_server_time(&r.server_now);
                        let rid = r.id;
                        let actions: Vec<Transition> = r.available_transitions().into_iter()
                            .filter(|t| user.with_value(|u| u.can(Module::Maintenance, t.required_action())))
                            .collect();
                        let can_plan = user.with_value(|u| u.can(Module::Maintenance, Action::Update));
                        let window = view! { <WindowCard request=r.clone() planned_start_local=d.planned_start_local.clone() can_edit=can_plan /> };
                        view! {
                            <header class="detail-head">
                                <h1>{format!("#{} {}", r.id, r.title)}</h1>
                                <div class="row-top">
                                    {priority_badge(r.priority)}
                                    {status_badge(r.status)}
                                    <span class="badge">{r.kind.label()}</span>
                                </div>
                                <p class="muted">
                                    {format!("{} — {} · reported by {} · ", r.machine_code, r.machine_name, r.reported_by)}
                                    <LocalTime iso=r.created_at.clone() />
                                </p>
                                {(!r.description.is_empty()).then(|| view! { <p>{r.description.clone()}</p> })}
                            </header>
                            <div class="clocks">
                                <div class="clock card">
                                    <h2>"Response"</h2>
                                    <Countdown clock=r.clock which=Which::Response big=true />
                                    <p class="muted">"due " <LocalTime iso=r.response_due_at.clone() /></p>
                                </div>
                                <div class="clock card">
                                    <h2>"Resolution"</h2>
                                    <Countdown clock=r.clock which=Which::Resolution big=true />
                                    <p class="muted">"due " <LocalTime iso=r.resolution_due_at.clone() /></p>
                                </div>
                                <div class="clock card">
                                    <h2>"Escalation"</h2>
                                    <span class={if r.escalation_level > 0 { "countdown sla-breach big" } else { "countdown sla-done big" }} data-testid="escalation">
                                        {if r.escalation_level == 0 { "none".to_string() } else { format!("L{} · {}", r.escalation_level, escalation_owner(r.escalation_level)) }}
                                    </span>
                                </div>
                            </div>
                            {window}
                            <Show when={let empty = actions.is_empty(); move || !empty}>
                                <div class="card actions">
                                    <label>"Note (optional)" <textarea name="note" rows="2" bind:value=note></textarea></label>
                                    <FieldMsg msg=pending.error_for("note") />
                                    <div class="buttons">
                                        {actions.clone().into_iter().map(|t| {
                                            let cls = match t { Transition::Cancel => "btn danger", Transition::WaitForParts => "btn", _ => "btn primary" };
                                            view! {
                                                <button class=cls data-testid=format!("do-{}", t.as_str())
                                                    disabled=move || pending.busy.get()
                                                    on:click=move |_| act(rid, t)>
                                                    <Show when=move || pending.busy.get()><span class="spinner" data-testid="spinner"></span></Show>
                                                    {t.label()}
                                                </button>
                                            }
                                        }).collect_view()}
                                    </div>
                                </div>
                            </Show>
                            <div class="card">
                                <h2>"Timeline"</h2>
                                <ol class="timeline" data-testid="timeline">
                                    {d.timeline.into_iter().map(|e| {
                                        let what = match (e.from_status, e.to_status) {
                                            (Some(f), Some(t)) => format!("{} → {}", f.label(), t.label()),
                                            (None, Some(t)) => format!("Reported ({})", t.label()),
                                            _ if e.kind == "window" => "Downtime planned".to_string(),
                                            _ => e.kind.clone(),
                                        };
                                        view! {
                                            <li class=format!("tl-{}", e.kind)>
                                                <LocalTime iso=e.at.clone() />
                                                <strong>{what}</strong>
                                                <span class="muted">{e.actor.clone().unwrap_or_else(|| "system".into())}</span>
                                                {(!e.note.is_empty()).then(|| view! { <p>{e.note.clone()}</p> })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ol>
                            </div>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn NewRequestPage() -> impl IntoView {
    let machines = Resource::new(|| (), |_| read("Loading machines", list_machines));
    let machine_id = RwSignal::new(String::new());
    let kind = RwSignal::new("breakdown".to_string());
    let priority = RwSignal::new("high".to_string());
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let planned_start = RwSignal::new(String::new());
    let minutes = RwSignal::new(String::new());
    let pending = Pending::new();
    let navigate = use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = NewRequestInput {
            machine_id: machine_id.get_untracked().parse().unwrap_or(0),
            kind: kind.get_untracked(),
            priority: priority.get_untracked(),
            title: title.get_untracked(),
            description: description.get_untracked(),
            // A breakdown starts when it is reported: only preventive work is planned.
            planned_start: if kind.get_untracked() == "preventive" {
                typed_start(&planned_start.get_untracked())
            } else {
                None
            },
            estimated_minutes: typed_minutes(&minutes.get_untracked()),
        };
        let navigate = navigate.clone();
        pending.run(
            "Reporting the problem",
            move |key| create_request(key, input.clone()),
            move |r: Request| {
                push_toast(ToastKind::Success, format!("Request #{} reported", r.id));
                navigate(&format!("/maintenance/{}", r.id), Default::default());
            },
        );
    };
    view! {
        <section class="page">
            <A href="/maintenance" attr:class="back">"← All requests"</A>
            <h1>"Report a problem"</h1>
            <form class="card form" on:submit=on_submit novalidate>
                <label>
                    "Machine"
                    <select name="machine_id" bind:value=machine_id>
                        <option value="">"Choose a machine…"</option>
                        <Transition fallback=|| ()>
                            {move || machines.get().and_then(|r| r.ok()).map(|ms| ms.into_iter().filter(|m| m.active).map(|m| {
                                view! { <option value=m.id.to_string()>{format!("{} — {}", m.code, m.name)}</option> }
                            }).collect_view())}
                        </Transition>
                    </select>
                </label>
                <FieldMsg msg=pending.error_for("machine_id") />
                <div class="two">
                    <label>
                        "Kind"
                        <select name="kind" bind:value=kind>
                            <option value="breakdown">"Breakdown"</option>
                            <option value="preventive">"Preventive"</option>
                        </select>
                    </label>
                    <label>
                        "Priority"
                        <select name="priority" bind:value=priority>
                            {Priority::ALL.into_iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                        </select>
                    </label>
                </div>
                <FieldMsg msg=pending.error_for("kind") />
                <FieldMsg msg=pending.error_for("priority") />
                <WindowFields kind=kind planned_start=planned_start minutes=minutes pending=pending />
                <label>
                    "What is wrong?"
                    <input name="title" bind:value=title maxlength="200" placeholder="e.g. Needle bar jams on heavy denim" />
                </label>
                <FieldMsg msg=pending.error_for("title") />
                <label>
                    "Details (optional)"
                    <textarea name="description" rows="3" bind:value=description></textarea>
                </label>
                <FieldMsg msg=pending.error_for("description") />
                <SubmitButton busy=pending.busy label="Report" busy_label="Reporting…" />
            </form>
        </section>
    }
}

#[component]
pub fn SlaPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let reload = RwSignal::new(0u32);
    let policies = Resource::new(
        move || reload.get(),
        |_| read("Loading SLA targets", sla_policies),
    );
    let can_edit = user.can(Module::Maintenance, Action::Approve);
    view! {
        <section class="page">
            <h1>"SLA targets"</h1>
            <p class="muted">"Minutes to respond (acknowledge) and to resolve, by priority. Changes apply to new requests."</p>
            <Transition fallback=|| view! { <p class="loading"><span class="spinner"></span></p> }>
                {move || policies.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(ps) => view! {
                        <div class="sla-grid">
                            {ps.into_iter().map(|p| view! { <SlaRow policy=p can_edit=can_edit /> }).collect_view()}
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SlaRow(policy: SlaPolicy, can_edit: bool) -> impl IntoView {
    let resp = RwSignal::new(policy.response_minutes.to_string());
    let resol = RwSignal::new(policy.resolution_minutes.to_string());
    let pending = Pending::new();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let p = SlaPolicy {
            priority: policy.priority,
            response_minutes: resp.get_untracked().trim().parse().unwrap_or(-1),
            resolution_minutes: resol.get_untracked().trim().parse().unwrap_or(-1),
        };
        pending.run(
            "Saving SLA targets",
            move |key| set_sla_policy(key, p),
            |_| {
                push_toast(ToastKind::Success, "SLA targets saved");
            },
        );
    };
    view! {
        <form class="card form inline" on:submit=save data-testid=format!("sla-{}", policy.priority.as_str())>
            {priority_badge(policy.priority)}
            <label>"Response (min)" <input name="response_minutes" inputmode="numeric" bind:value=resp disabled=!can_edit /></label>
            <label>"Resolution (min)" <input name="resolution_minutes" inputmode="numeric" bind:value=resol disabled=!can_edit /></label>
            <Show when=move || can_edit><SubmitButton busy=pending.busy label="Save" busy_label="Saving…" /></Show>
            <FieldMsg msg=pending.error_for("response_minutes") />
            <FieldMsg msg=pending.error_for("resolution_minutes") />
        </form>
    }
}
