//! The import screen: items or BOMs from a CSV file picked (read in the
//! browser) or pasted; the expected columns with a template to download;
//! "Check (dry run)" showing what would be written and a table of every
//! problem at its row and column; "Import", enabled only for the very text
//! (and kind) of the last clean check, writing all rows or none.

use super::api::{import_boms, import_items};
use super::formats::{data_url, limits, precheck, ready, size, summary, Kind};
use crate::call::Pending;
use crate::components::FieldMsg;
use crate::toast::{push_toast, ToastKind};
use domain::auth::CurrentUser;
use domain::import::ImportReport;
use domain::perm::Action;
use domain::{AppError, FieldError};
use leptos::prelude::*;

/// Problems listed before "Show all".
const FIRST_PROBLEMS: usize = 200;

async fn send(
    kind: Kind,
    key: String,
    text: String,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    match kind {
        Kind::Items => import_items(key, text, dry_run).await,
        Kind::Boms => import_boms(key, text, dry_run).await,
    }
}

/// Says why the text was not sent: a toast, and the message under the text.
fn refuse(p: Pending, message: String) {
    push_toast(ToastKind::Error, format!("Not sent: {message}"));
    p.field.set(Some(FieldError::new("body", message)));
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let may_of =
        |k: Kind| user.can(k.module(), Action::Create) && user.can(k.module(), Action::Update);
    let (may_items, may_boms) = (may_of(Kind::Items), may_of(Kind::Boms));
    let may = move |k: Kind| match k {
        Kind::Items => may_items,
        Kind::Boms => may_boms,
    };
    let first = if may_items || !may_boms {
        Kind::Items
    } else {
        Kind::Boms
    };
    let kind = RwSignal::new(first);
    let text = RwSignal::new(String::new());
    let file_name = RwSignal::new(None::<String>);
    let report = RwSignal::new(None::<(Kind, ImportReport)>);
    let checked = RwSignal::new(None::<(Kind, String)>);
    let show_all = RwSignal::new(false);
    let checking = Pending::new();
    let importing = Pending::new();
    let busy = move || checking.busy.get() || importing.busy.get();
    let busy_now = move || checking.busy.get_untracked() || importing.busy.get_untracked();
    let is_ready = move || checked.with(|c| text.with(|t| ready(c.as_ref(), kind.get(), t)));
    let body_error = move || {
        checking
            .field
            .get()
            .or_else(|| importing.field.get())
            .filter(|f| f.field == "body")
            .map(|f| f.message)
    };

    let choose = move |k: Kind| {
        if kind.get_untracked() != k {
            kind.set(k);
            report.set(None);
            show_all.set(false);
        }
    };

    let on_file = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let name = file.name();
            if file.size() > domain::import::MAX_BYTES as f64 {
                let big = size(file.size() as usize);
                refuse(
                    checking,
                    format!("{name} is {big} — larger than 5 MB; split it into smaller files"),
                );
                return;
            }
            leptos::task::spawn_local(async move {
                let read = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                let read = read
                    .ok()
                    .and_then(|v| v.as_string())
                    .ok_or_else(|| format!("{name} could not be read"))
                    .and_then(|t| super::formats::loaded(&name, t));
                match read {
                    Ok(t) => {
                        text.set(t);
                        file_name.set(Some(name));
                        checking.field.set(None);
                        importing.field.set(None);
                    }
                    Err(message) => refuse(checking, message),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };

    let on_check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let k = kind.get_untracked();
        let t = text.get_untracked();
        if let Err(message) = precheck(&t) {
            refuse(checking, message);
            return;
        }
        if busy_now() {
            return;
        }
        show_all.set(false);
        let sent = t.clone();
        checking.run(
            "Checking the file",
            move |key| send(k, key, t.clone(), true),
            move |r: ImportReport| {
                checked.set(r.errors.is_empty().then_some((k, sent)));
                report.set(Some((k, r)));
            },
        );
    };

    let on_import = move |_| {
        let k = kind.get_untracked();
        let Some((ck, t)) = checked.get_untracked() else {
            return;
        };
        if ck != k || !text.with_untracked(|x| *x == t) || busy_now() {
            return;
        }
        show_all.set(false);
        importing.run(
            "Importing the file",
            move |key| send(k, key, t.clone(), false),
            move |r: ImportReport| {
                checked.set(None);
                let kind_of_toast = if r.errors.is_empty() {
                    ToastKind::Success
                } else {
                    ToastKind::Error
                };
                push_toast(kind_of_toast, summary(k, &r));
                report.set(Some((k, r)));
            },
        );
    };

    view! {
        <section class="page" data-testid="import-page">
            <header class="page-head">
                <h1>"Import from CSV"</h1>
            </header>
            <div class="chips" role="group" aria-label="What to import">
                {Kind::ALL.into_iter().map(|k| view! {
                    <button type="button" class="chip" class:on=move || kind.get() == k
                        aria-pressed=move || (kind.get() == k).to_string()
                        data-testid=format!("kind-{}", k.slug())
                        disabled=busy
                        on:click=move |_| choose(k)>{k.label()}</button>
                }).collect_view()}
            </div>
            <Show when=move || !may(kind.get())>
                <p class="card notice" data-testid="no-permission">
                    {move || format!(
                        "Importing {} needs the create and update permissions on {}; ask an admin if you need them.",
                        kind.get().slug(),
                        if kind.get() == Kind::Items { "master data" } else { "the warehouse" },
                    )}
                </p>
            </Show>
            <Columns kind=kind />
            <form class="card form" data-testid="import-form" on:submit=on_check>
                <label>"CSV file"
                    <input type="file" accept=".csv,text/csv" data-testid="import-file"
                        disabled=busy on:change=on_file />
                </label>
                <label>"…or paste the CSV"
                    <textarea rows="10" spellcheck="false" data-testid="import-text"
                        placeholder=move || kind.get().template().lines().next().unwrap_or("").to_string()
                        bind:value=text></textarea>
                </label>
                <FieldMsg msg=body_error />
                <p class="muted" data-testid="import-size">
                    {move || {
                        let n = text.with(|t| t.len());
                        match file_name.get() {
                            Some(f) => format!("{} from {f}. {}", size(n), limits()),
                            None => format!("{}. {}", size(n), limits()),
                        }
                    }}
                </p>
                <div class="buttons">
                    <button type="submit" class="btn" data-testid="import-check"
                        disabled=move || busy() || !may(kind.get())>
                        <Show when=move || checking.busy.get()>
                            <span class="spinner" aria-hidden="true"></span>
                        </Show>
                        {move || if checking.busy.get() { "Checking…" } else { "Check (dry run)" }}
                    </button>
                    <button type="button" class="btn primary" data-testid="import-commit"
                        disabled=move || busy() || !is_ready() on:click=on_import>
                        <Show when=move || importing.busy.get()>
                            <span class="spinner" aria-hidden="true"></span>
                        </Show>
                        {move || if importing.busy.get() { "Importing…" } else { "Import" }}
                    </button>
                </div>
                <Show when=move || !is_ready() && text.with(|t| !t.trim().is_empty())>
                    <p class="muted" data-testid="import-hint">
                        "Import is enabled after a clean check of this text; it writes every row or none."
                    </p>
                </Show>
            </form>
            {move || report.get().map(|(k, r)| view! { <Report kind=k report=r show_all=show_all /> })}
        </section>
    }
}

/// The columns of `kind`'s files, with a template shown and downloadable.
#[component]
fn Columns(kind: RwSignal<Kind>) -> impl IntoView {
    view! {
        <details class="card" data-testid="import-columns">
            <summary>{move || format!("Columns of a file of {} and a template", kind.get().slug())}</summary>
            <div class="table-scroll">
                <table class="table stack">
                    <thead><tr><th>"Column"</th><th>"Required"</th><th>"What it holds"</th></tr></thead>
                    <tbody>
                        {move || kind.get().columns().iter().map(|c| view! {
                            <tr data-testid="import-column">
                                <td data-label="Column"><code>{c.name}</code></td>
                                <td data-label="Required">{if c.required { "yes" } else { "no" }}</td>
                                <td data-label="What">{c.what}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="muted">"A template (its rows are examples for the demo plant's units):"</p>
            <pre class="table-scroll" data-testid="import-template">{move || kind.get().template()}</pre>
            <a class="btn small" data-testid="import-template-download"
                href=move || data_url(kind.get().template())
                download=move || format!("{}-template.csv", kind.get().slug())>"Download the template"</a>
        </details>
    }
}

/// What a check or an import did: a summary, and every problem by row.
#[component]
fn Report(kind: Kind, report: ImportReport, show_all: RwSignal<bool>) -> impl IntoView {
    let outcome = match (report.dry_run, report.errors.is_empty()) {
        (true, true) => "clean",
        (_, false) => "problems",
        (false, true) => "imported",
    };
    let total = report.errors.len();
    let sentence = summary(kind, &report);
    let errors = StoredValue::new(report.errors);
    view! {
        <div class=if outcome == "problems" { "card notice" } else { "card" } data-testid="import-report"
            data-outcome=outcome data-rows=report.rows data-created=report.created
            data-updated=report.updated data-errors=total>
            <p data-testid="import-summary" role="status">{sentence}</p>
            <Show when=move || { total > 0 }>
                <div class="table-scroll">
                    <table class="table" data-testid="import-problems">
                        <thead><tr><th class="num">"Row"</th><th>"Column"</th><th>"Problem"</th></tr></thead>
                        <tbody>
                            {move || {
                                let n = if show_all.get() { total } else { total.min(FIRST_PROBLEMS) };
                                errors.with_value(|es| es[..n].iter().map(|e| view! {
                                    <tr data-testid="import-problem" data-row=e.row data-field=e.field.clone()>
                                        <td class="num">{e.row}</td>
                                        <td><code>{e.field.clone()}</code></td>
                                        <td>{e.message.clone()}</td>
                                    </tr>
                                }).collect_view())
                            }}
                        </tbody>
                    </table>
                </div>
                <Show when=move || { total > FIRST_PROBLEMS && !show_all.get() }>
                    <button type="button" class="btn small" data-testid="import-show-all"
                        on:click=move |_| show_all.set(true)>
                        {format!("Show all {total} problems")}
                    </button>
                </Show>
            </Show>
        </div>
    }
}
