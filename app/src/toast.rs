//! Toasts: short messages at the bottom of the screen. Errors stay until
//! dismissed or 10 s pass; successes go after 4 s.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Error,
    Success,
    Info,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
}

#[cfg(feature = "hydrate")]
thread_local! {
    static TOASTS: ArcRwSignal<Vec<Toast>> = ArcRwSignal::new(Vec::new());
    static NEXT_ID: std::cell::Cell<u64> = const { std::cell::Cell::new(1) };
}

/// The browser's toast list. On the server every render starts empty.
pub fn toasts() -> ArcRwSignal<Vec<Toast>> {
    #[cfg(feature = "hydrate")]
    {
        TOASTS.with(|t| t.clone())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        ArcRwSignal::new(Vec::new())
    }
}

pub fn push_toast(kind: ToastKind, text: impl Into<String>) {
    #[cfg(feature = "hydrate")]
    {
        let id = NEXT_ID.with(|n| {
            let id = n.get();
            n.set(id + 1);
            id
        });
        let list = toasts();
        list.update(|l| {
            // A newer success replaces older ones; errors stay until read.
            if kind != ToastKind::Error {
                l.retain(|t| t.kind == ToastKind::Error);
            }
            l.push(Toast {
                id,
                kind,
                text: text.into(),
            });
            // Keep the screen usable on a phone.
            while l.len() > 4 {
                l.remove(0);
            }
        });
        let ms = if kind == ToastKind::Error {
            10_000
        } else {
            4_000
        };
        gloo_timers::callback::Timeout::new(ms, move || dismiss(id)).forget();
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (kind, text.into());
    }
}

/// Removes error toasts about an action once it has succeeded.
/// The success toast after a record's step: `SO-0042 is now confirmed`.
pub fn toast_now_is(number: &str, status_label: &str) {
    push_toast(
        ToastKind::Success,
        format!("{number} is now {}", status_label.to_lowercase()),
    );
}

pub fn clear_errors_about(label: &str) {
    let prefix = format!("{label}:");
    toasts().update(|l| l.retain(|t| !(t.kind == ToastKind::Error && t.text.starts_with(&prefix))));
}

pub fn dismiss(id: u64) {
    toasts().update(|l| l.retain(|t| t.id != id));
}

#[component]
pub fn Toaster() -> impl IntoView {
    let list = toasts();
    view! {
        <div class="toaster" role="status" aria-live="polite">
            <For each=move || list.get() key=|t| t.id let:t>
                <div
                    class=move || {
                        match t.kind {
                            ToastKind::Error => "toast toast-error",
                            ToastKind::Success => "toast toast-success",
                            ToastKind::Info => "toast toast-info",
                        }
                    }
                    data-testid="toast"
                >
                    <span>{t.text.clone()}</span>
                    <button class="toast-close" aria-label="Dismiss" on:click=move |_| dismiss(t.id)>
                        "×"
                    </button>
                </div>
            </For>
        </div>
    }
}
