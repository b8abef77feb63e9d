//! A request's downtime window on the maintenance screens: the report
//! form's fields (a planned start and its minutes for preventive work, an
//! optional estimate for a breakdown) and the request page's card, which
//! shows the window and lets a technician plan an open preventive request
//! again. Times are typed in the plant's time; the server reads them in
//! its zone, and the production plan follows.

use crate::call::Pending;
use crate::components::{FieldMsg, LocalTime, SubmitButton};
use crate::live::maintenance_version;
use crate::maintenance::api::set_request_window;
use crate::toast::{push_toast, ToastKind};
use domain::maintenance::{Kind, Request, WindowInput};
use domain::time::{format_iso, parse_iso, MINUTE};
use leptos::prelude::*;

/// Minutes as typed: none when empty; a number the server refuses (naming
/// the field) when it is not one.
pub fn typed_minutes(s: &str) -> Option<i64> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.parse().unwrap_or(0))
}

/// A typed start: none when empty.
pub fn typed_start(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The report form's window fields: for preventive work its planned start
/// and downtime, for a breakdown an optional estimate.
#[component]
pub fn WindowFields(
    kind: RwSignal<String>,
    planned_start: RwSignal<String>,
    minutes: RwSignal<String>,
    pending: Pending,
) -> impl IntoView {
    let preventive = move || kind.get() == "preventive";
    view! {
        <Show
            when=preventive
            fallback=move || view! {
                <label>
                    "Estimated downtime (minutes, optional)"
                    <input name="estimated_minutes" inputmode="numeric" bind:value=minutes data-testid="estimated-minutes" />
                </label>
                <FieldMsg msg=pending.error_for("estimated_minutes") />
            }
        >
            <div class="two">
                <label>
                    "Planned start"
                    <input type="datetime-local" name="planned_start" bind:value=planned_start data-testid="planned-start" />
                </label>
                <label>
                    "Downtime (minutes)"
                    <input name="estimated_minutes" inputmode="numeric" bind:value=minutes data-testid="estimated-minutes" />
                </label>
            </div>
            <FieldMsg msg=pending.error_for("planned_start") />
            <FieldMsg msg=pending.error_for("estimated_minutes") />
            <p class="muted window-hint">"In the plant's time. The production plan keeps the machine's capacity free for it."</p>
        </Show>
    }
}

/// The window's facts: from, until and how long; or that it is not planned.
fn facts(start: Option<&str>, minutes: Option<i64>) -> impl IntoView {
    let end = start
        .and_then(parse_iso)
        .zip(minutes)
        .map(|(s, m)| format_iso(s + m * MINUTE));
    match start {
        None => view! {
            <p class="muted" data-testid="window-none">
                {match minutes {
                    Some(m) => format!("Not planned yet · {m} min expected"),
                    None => "Not planned yet".to_string(),
                }}
            </p>
        }
        .into_any(),
        Some(s) => view! {
            <dl class="window-facts" data-testid="window-facts">
                <dt>"From"</dt>
                <dd><LocalTime iso=s.to_string() /></dd>
                <dt>"Until"</dt>
                <dd>{end.map(|e| view! { <LocalTime iso=e /> })}</dd>
                <dt>"Downtime"</dt>
                <dd>{minutes.map(|m| format!("{m} min"))}</dd>
            </dl>
        }
        .into_any(),
    }
}

/// The request page's window card: a breakdown's estimate, a preventive
/// request's window and, while it is open and the user may update it, a
/// form to plan it again.
#[component]
pub fn WindowCard(
    request: Request,
    /// The planned start as the form shows it (`2026-12-08T07:30`).
    planned_start_local: Option<String>,
    can_edit: bool,
) -> impl IntoView {
    let r = request;
    if r.kind == Kind::Breakdown {
        return r
            .estimated_minutes
            .map(|m| {
                view! {
                    <div class="card window-card" data-testid="window-card">
                        <h2>"Estimated downtime"</h2>
                        <p>{format!("{m} min from when it was reported")}</p>
                    </div>
                }
            })
            .into_any();
    }
    if !r.status.is_active() && r.planned_start.is_none() {
        return ().into_any();
    }
    let editable = can_edit && r.status.is_active();
    let start = RwSignal::new(planned_start_local.unwrap_or_default());
    let minutes = RwSignal::new(
        r.estimated_minutes
            .map(|m| m.to_string())
            .unwrap_or_default(),
    );
    let pending = Pending::new();
    let (id, version) = (r.id, r.version);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = WindowInput {
            planned_start: typed_start(&start.get_untracked()),
            estimated_minutes: typed_minutes(&minutes.get_untracked()),
            version,
        };
        pending.run(
            "Planning the downtime",
            move |key| set_request_window(key, id, input.clone()),
            |r: Request| {
                let what = if r.planned_start.is_some() {
                    "planned"
                } else {
                    "no longer planned"
                };
                push_toast(
                    ToastKind::Success,
                    format!("#{}'s downtime is {what}", r.id),
                );
                maintenance_version().update(|v| *v += 1);
            },
        );
    };
    view! {
        <div class="card window-card" data-testid="window-card">
            <h2>"Planned downtime"</h2>
            {facts(r.planned_start.as_deref(), r.estimated_minutes)}
            <Show when=move || editable>
                <form class="form inline window-form" on:submit=save novalidate data-testid="window-form">
                    <label>
                        "Planned start"
                        <input type="datetime-local" name="planned_start" bind:value=start data-testid="window-start" />
                    </label>
                    <label>
                        "Downtime (minutes)"
                        <input name="estimated_minutes" inputmode="numeric" bind:value=minutes data-testid="window-minutes" />
                    </label>
                    <SubmitButton busy=pending.busy label="Save window" busy_label="Saving…" />
                    <FieldMsg msg=pending.error_for("planned_start") />
                    <FieldMsg msg=pending.error_for("estimated_minutes") />
                </form>
                <p class="muted window-hint">"Clear the start to give the capacity back. The production plan follows at once."</p>
            </Show>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_read_as_the_server_expects() {
        assert_eq!(typed_minutes(""), None);
        assert_eq!(typed_minutes(" 90 "), Some(90));
        assert_eq!(typed_minutes("ninety"), Some(0));
        assert_eq!(typed_start("  "), None);
        assert_eq!(
            typed_start(" 2026-12-08T07:30 ").as_deref(),
            Some("2026-12-08T07:30")
        );
    }
}
