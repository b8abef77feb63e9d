//! Small building blocks every screen uses.

use domain::maintenance::{ClockReading, SlaClock};
use leptos::prelude::*;

/// The `:id` of the current route as a number (0 when missing or not a
/// number, which the server answers as not found).
pub fn id_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    }
}

/// A submit button that shows a spinner and cannot be pressed again while
/// its call is pending.
#[component]
pub fn SubmitButton(
    busy: RwSignal<bool>,
    #[prop(into)] label: String,
    #[prop(into, optional)] busy_label: Option<String>,
    #[prop(into, optional)] class: Option<String>,
) -> impl IntoView {
    let busy_label = busy_label.unwrap_or_else(|| label.clone());
    let class = class.unwrap_or_else(|| "btn primary".into());
    view! {
        <button type="submit" class=class disabled=move || busy.get() aria-busy=move || busy.get().to_string()>
            <Show when=move || busy.get()>
                <span class="spinner" aria-hidden="true" data-testid="spinner"></span>
            </Show>
            {move || if busy.get() { busy_label.clone() } else { label.clone() }}
        </button>
    }
}

/// The server's complaint about one field, shown under it.
#[component]
pub fn FieldMsg(msg: impl Fn() -> Option<String> + Send + Sync + 'static) -> impl IntoView {
    let msg = std::sync::Arc::new(msg);
    let m2 = msg.clone();
    view! {
        <Show when=move || msg().is_some()>
            <p class="field-error" role="alert">{let m = m2.clone(); move || m().unwrap_or_default()}</p>
        </Show>
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Response,
    Resolution,
}

/// A live SLA countdown: ticks every second, amber when close, red and
/// counting up once breached, frozen while paused.
#[component]
pub fn Countdown(clock: SlaClock, which: Which, #[prop(optional)] big: bool) -> impl IntoView {
    let now = crate::live::now();
    let skew = crate::live::skew();
    let reading = Signal::derive(move || -> ClockReading {
        let n = now.get() + skew.get();
        match which {
            Which::Response => clock.response(n),
            Which::Resolution => clock.resolution(n),
        }
    });
    let testid = match which {
        Which::Response => "countdown-response",
        Which::Resolution => "countdown-resolution",
    };
    view! {
        <span
            class=move || format!("countdown {} {}", reading.get().tone().class(), if big { "big" } else { "" })
            data-testid=testid
        >
            {move || reading.get().text()}
        </span>
    }
}

#[component]
pub fn LocalTime(#[prop(into)] iso: String) -> impl IntoView {
    let text = crate::live::local_time(&iso);
    view! { <time datetime=iso>{text}</time> }
}

/// Shown when the browser is offline or the live channel is reconnecting.
#[component]
pub fn ConnectionBanner() -> impl IntoView {
    use crate::live::Conn;
    let conn = crate::live::conn();
    let c2 = conn.clone();
    view! {
        <Show when=move || conn.get() != Conn::Online>
            <div class="offline-banner" role="status" data-testid="offline-banner">
                {
                    let c = c2.clone();
                    move || match c.get() {
                        Conn::Offline => "You are offline. What you see may be out of date; changes need a connection.",
                        _ => "Connection to the server lost. Reconnecting…",
                    }
                }
            </div>
        </Show>
    }
}
