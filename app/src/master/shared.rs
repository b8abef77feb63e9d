//! What every master-data screen shares: the search bar with "show
//! archived", and the pager.

use domain::master::ListParams;
use leptos::prelude::*;

/// The list's search state; `params()` is what the list server function takes.
#[derive(Clone, Copy)]
pub struct ListState {
    pub q: RwSignal<String>,
    pub archived: RwSignal<bool>,
    pub offset: RwSignal<i64>,
    pub reload: RwSignal<u32>,
}

pub const PAGE: i64 = 25;

impl ListState {
    pub fn new() -> Self {
        ListState {
            q: RwSignal::new(String::new()),
            archived: RwSignal::new(false),
            offset: RwSignal::new(0),
            reload: RwSignal::new(0),
        }
    }

    /// Tracks every signal, so a resource keyed on it refetches on any change.
    /// The list's parameters and the reload count: a resource's source is
    /// compared with its last value, so the count is part of it, or
    /// `refresh` would not fetch again.
    pub fn params(&self) -> (ListParams, u32) {
        let p = ListParams {
            q: self.q.get(),
            limit: Some(PAGE),
            offset: Some(self.offset.get()),
            include_archived: self.archived.get(),
        };
        (p, self.reload.get())
    }

    pub fn refresh(&self) {
        self.reload.update(|v| *v += 1);
    }
}

#[component]
pub fn SearchBar(state: ListState) -> impl IntoView {
    view! {
        <div class="card form inline" role="search">
            <label>"Search"
                <input type="search" name="q" data-testid="search" placeholder="Code or name"
                    prop:value=move || state.q.get()
                    on:input=move |ev| { state.q.set(event_target_value(&ev)); state.offset.set(0); } />
            </label>
            <label class="check">
                <input type="checkbox" name="include_archived"
                    prop:checked=move || state.archived.get()
                    on:change=move |ev| { state.archived.set(event_target_checked(&ev)); state.offset.set(0); } />
                "Show archived"
            </label>
        </div>
    }
}

#[component]
pub fn Pager(state: ListState, total: i64) -> impl IntoView {
    let at = state.offset.get_untracked();
    view! {
        <div class="pager" data-testid="pager">
            <span class="muted">{format!("{}–{} of {total}", (at + 1).min(total), (at + PAGE).min(total))}</span>
            <button type="button" class="btn" disabled={at == 0}
                on:click=move |_| state.offset.update(|o| *o = (*o - PAGE).max(0))>"Previous"</button>
            <button type="button" class="btn" disabled={at + PAGE >= total}
                on:click=move |_| state.offset.update(|o| *o += PAGE)>"Next"</button>
        </div>
    }
}

/// Text typed as a whole number; `-1` (refused by the server, naming the
/// field) when it is not one.
pub fn int(s: &str) -> i64 {
    s.trim().parse().unwrap_or(-1)
}

/// Comma-separated text as a list, blanks dropped.
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

/// A list row's Edit and Archive / Restore buttons, for those who may edit.
/// `on_archive` gets `true` to archive, `false` to restore.
#[component]
pub fn RowActions<E, A>(can_edit: bool, archived: bool, on_edit: E, on_archive: A) -> impl IntoView
where
    E: Fn() + Send + Sync + 'static,
    A: Fn(bool) + Send + Sync + 'static,
{
    can_edit.then(|| {
        view! {
            <div class="row-actions">
                <button type="button" class="btn" on:click=move |_| on_edit()>"Edit"</button>
                <button type="button" class="btn" on:click=move |_| on_archive(!archived)>
                    {if archived { "Restore" } else { "Archive" }}
                </button>
            </div>
        }
    })
}
