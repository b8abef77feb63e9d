//! What the planning screens share: the live topic, status badges, times
//! in the plant's zone, the loading line.

use domain::perm::Module;
use domain::ppic::{MoStatus, TaskStatus};
use domain::time::{format_iso, Millis};
use leptos::prelude::*;

/// Bumped by every planning event (and by a screen after its own change).
pub fn ppic_version() -> ArcRwSignal<u64> {
    crate::live::topic_version(Module::Ppic)
}

pub fn mo_badge(s: MoStatus) -> impl IntoView {
    view! { <span class=format!("badge mo-{}", s.as_str()) data-testid="mo-status">{s.label()}</span> }
}

pub fn job_badge(s: TaskStatus) -> impl IntoView {
    view! { <span class=format!("badge job-{}", s.as_str()) data-testid="job-status">{s.label()}</span> }
}

/// An instant in the plant's time zone: `08 Dec 2026, 07:30`.
pub fn when(ms: Millis) -> String {
    crate::live::local_time(&format_iso(ms))
}

/// An optional instant, or a dash.
pub fn when_opt(ms: Option<Millis>) -> String {
    ms.map(when).unwrap_or_else(|| "—".into())
}

pub fn loading() -> impl IntoView {
    view! { <p class="loading"><span class="spinner"></span>" Loading…"</p> }
}

/// An SVG `<title>`: a mark's tooltip. Built here rather than written in
/// `view!`, which makes a `<title>` with siblings an HTML element (no
/// tooltip once rendered in the browser).
pub fn svg_title(text: String) -> impl IntoView {
    leptos::svg::title().child(text)
}
