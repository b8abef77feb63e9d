//! The Kanban board: a column per job state, filtered by work centre and
//! order. A card moves by dragging its handle, by keyboard, or with the
//! step buttons it carries (what phone users tap). The move shows at once;
//! the server decides: its answer replaces the card, a refusal puts the
//! card back and says why. Every planning event refetches the board, and
//! the cards in flight stay where they were sent.

#[path = "kanban_drag.rs"]
mod drag;

use super::api::{drop_card, fetch_kanban, step_job};
use super::shared::{loading, ppic_version, when_opt};
use crate::call::{mutate, read};
use domain::auth::CurrentUser;
use domain::perm::{Action, Module};
use domain::ppic::{
    step_for_drop, JobView, KanbanBoard, KanbanMoveInput, TaskAction, TaskStatus, TaskStepInput,
};
use domain::time::Millis;
use domain::AppError;
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

const MOVE_LABEL: &str = "Moving the card";
const STEP_LABEL: &str = "Updating the job";

type BoardResource = Resource<Result<KanbanBoard, AppError>>;

/// The board's state in the browser, shared by columns, cards and the drag code.
#[derive(Clone, Copy)]
struct Board {
    /// Cards moved at once, waiting for the server: id → the column they went to.
    moving: RwSignal<HashMap<i64, TaskStatus>>,
    /// The server's answers, newer than the board last read.
    answered: RwSignal<HashMap<i64, JobView>>,
    /// Why the server refused a card's last move (shown on the card a while).
    refused: RwSignal<HashMap<i64, String>>,
    /// What the screen reader hears; the status line shows it too.
    say: RwSignal<String>,
    /// The card whose own element has the focus: re-rendered, it takes it back.
    follow: RwSignal<Option<i64>>,
    drag: drag::DragState,
    can_update: bool,
    can_approve: bool,
}

impl Board {
    fn new(user: &CurrentUser) -> Self {
        Board {
            moving: RwSignal::new(HashMap::new()),
            answered: RwSignal::new(HashMap::new()),
            refused: RwSignal::new(HashMap::new()),
            say: RwSignal::new(String::new()),
            follow: RwSignal::new(None),
            drag: drag::DragState::new(),
            can_update: user.can(Module::Ppic, Action::Update),
            can_approve: user.can(Module::Ppic, Action::Approve),
        }
    }

    fn can(self, a: Action) -> bool {
        match a {
            Action::Update => self.can_update,
            Action::Approve => self.can_approve,
            _ => false,
        }
    }

    /// A drop from `from` to `to` is a step this user may take.
    fn may_drop(self, from: TaskStatus, to: TaskStatus) -> bool {
        step_for_drop(from, to).is_ok_and(|a| self.can(a.permission()))
    }

    /// A move of this card is waiting for the server.
    fn busy(self, id: i64) -> bool {
        self.moving.with_untracked(|m| m.contains_key(&id))
    }

    /// One column's cards: the board as read, with the answers newer than
    /// it and the moves in flight; in the server's order.
    fn cards_in(self, board: &KanbanBoard, s: TaskStatus) -> Vec<JobView> {
        let mut out: Vec<JobView> = self.moving.with(|moving| {
            self.answered.with(|answered| {
                board
                    .columns
                    .iter()
                    .flat_map(|c| &c.jobs)
                    .filter_map(|j| {
                        let j = match answered.get(&j.id) {
                            Some(a) if a.version > j.version => a,
                            _ => j,
                        };
                        let at = moving.get(&j.id).copied().unwrap_or(j.status);
                        (at == s).then(|| JobView {
                            status: at,
                            ..j.clone()
                        })
                    })
                    .collect()
            })
        });
        out.sort_by_key(|j| (j.planned_start.unwrap_or(Millis::MAX), j.id));
        if matches!(s, TaskStatus::Completed | TaskStatus::Cancelled) {
            out.reverse();
        }
        out
    }

    /// Forgets the answers the board has caught up with.
    fn caught_up(self, board: &KanbanBoard) {
        let seen: HashMap<i64, i64> = board
            .columns
            .iter()
            .flat_map(|c| &c.jobs)
            .map(|j| (j.id, j.version))
            .collect();
        let stale = |id: &i64, j: &JobView| seen.get(id).is_some_and(|v| *v >= j.version);
        if self
            .answered
            .with_untracked(|a| a.iter().any(|(id, j)| stale(id, j)))
        {
            self.answered.update(|a| a.retain(|id, j| !stale(id, j)));
        }
    }

    /// Moves a card at once and asks the server: a drop (`step` none) or a
    /// step button. An answer replaces the card; a refusal puts it back.
    fn commit(self, job: JobView, to: TaskStatus, step: Option<TaskAction>) {
        let id = job.id;
        if to == job.status || self.busy(id) {
            return;
        }
        let name = card_name(&job);
        if to == TaskStatus::Cancelled
            && !drag::confirm(&format!(
                "Cancel {name}? A cancelled job cannot be reopened."
            ))
        {
            self.say
                .set(format!("{name} stays in {}.", job.status.label()));
            return;
        }
        let version = Some(job.version);
        self.moving.update(|m| {
            m.insert(id, to);
        });
        self.refused.update(|r| {
            r.remove(&id);
        });
        self.say.set(format!("Moving {name} to {}…", to.label()));
        leptos::task::spawn_local(async move {
            let (label, answer) = match step {
                None => {
                    let input = KanbanMoveInput {
                        to: to.as_str().to_string(),
                        version,
                    };
                    let call = move |key| drop_card(key, id, input.clone());
                    (MOVE_LABEL, mutate(MOVE_LABEL, call).await)
                }
                Some(a) => {
                    let input = TaskStepInput {
                        version,
                        ..Default::default()
                    };
                    let call = move |key| step_job(key, id, a.as_str().to_string(), input.clone());
                    (STEP_LABEL, mutate(STEP_LABEL, call).await)
                }
            };
            self.moving.update(|m| {
                m.remove(&id);
            });
            match answer {
                Ok(j) => {
                    crate::toast::clear_errors_about(label);
                    self.say.set(format!("{name} is now {}.", j.status.label()));
                    self.answered.update(|a| {
                        a.insert(id, j);
                    });
                }
                // The call layer's toast says why too.
                Err(e) => self.refuse(id, &name, e.user_message()),
            }
            ppic_version().update(|v| *v += 1);
        });
    }

    fn refuse(self, id: i64, name: &str, why: String) {
        self.say.set(format!("{name} was not moved: {why}"));
        self.refused.update(|r| {
            r.insert(id, why.clone());
        });
        let refused = self.refused;
        set_timeout(
            move || {
                refused.try_update(|r| {
                    if r.get(&id) == Some(&why) {
                        r.remove(&id);
                    }
                });
            },
            Duration::from_secs(12),
        );
    }
}

/// How a card is named to people: `MO-0007 20. Sew`.
fn card_name(j: &JobView) -> String {
    format!("{} {}. {}", j.mo_number, j.seq, j.name)
}

/// What a rendered card shows: a change re-renders it.
fn fingerprint(j: &JobView) -> String {
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

/// The filters' choices, learnt from every board read (so a filtered
/// board still offers the others).
#[derive(Default, Clone, PartialEq)]
struct Known {
    centres: BTreeSet<String>,
    orders: BTreeMap<i64, String>,
}

impl Known {
    fn learn(&mut self, board: &KanbanBoard) {
        for j in board.columns.iter().flat_map(|c| &c.jobs) {
            if !self.centres.contains(&j.work_centre) {
                self.centres.insert(j.work_centre.clone());
            }
            self.orders
                .entry(j.mo_id)
                .or_insert_with(|| j.mo_number.clone());
        }
    }
}

#[component]
pub fn KanbanPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let b = Board::new(&user);
    let wc = RwSignal::new(String::new());
    let order = RwSignal::new(String::new());
    let version = ppic_version();
    let board: BoardResource = Resource::new(
        move || (version.get(), wc.get(), order.get()),
        |(_, wc, order)| {
            let wc = Some(wc).filter(|s| !s.is_empty());
            let order = order.parse::<i64>().ok();
            read("Loading the board", move || fetch_kanban(wc.clone(), order))
        },
    );
    let known = RwSignal::new(Known::default());
    Effect::new(move |_| {
        board.with(|r| {
            if let Some(Ok(k)) = r {
                let mut next = known.get_untracked();
                next.learn(k);
                if next != known.get_untracked() {
                    known.set(next);
                }
                b.caught_up(k);
            }
        })
    });
    drag::listen(b);
    let centres = move || known.with(|k| k.centres.iter().cloned().collect::<Vec<_>>());
    let orders = move || {
        let mut v: Vec<(i64, String)> =
            known.with(|k| k.orders.iter().map(|(i, n)| (*i, n.clone())).collect());
        v.sort_by(|a, b| a.1.cmp(&b.1));
        v
    };
    let filtered = move || !wc.get().is_empty() || !order.get().is_empty();
    view! {
        <section class="page kanban-page" class:kanban-dragging=move || b.drag.dragged().is_some()>
            <header class="page-head">
                <h1>"Kanban"</h1>
                <Transition fallback=|| ()>
                    <p class="muted" data-testid="board-summary">{move || board.with(|r| summary(r.as_ref().and_then(|r| r.as_ref().ok())))}</p>
                </Transition>
            </header>
            <div class="filters kanban-filters">
                <label>"Work centre"
                    <select data-testid="filter-wc" bind:value=wc>
                        <option value="">"All work centres"</option>
                        <For each=centres key=|c| c.clone() let:c>
                            <option value=c.clone()>{c.clone()}</option>
                        </For>
                    </select>
                </label>
                <label>"Order"
                    <select data-testid="filter-order" bind:value=order>
                        <option value="">"All orders"</option>
                        <For each=orders key=|o| o.0 let:o>
                            <option value=o.0.to_string()>{o.1.clone()}</option>
                        </For>
                    </select>
                </label>
                <Show when=filtered>
                    <button type="button" class="btn small" data-testid="filter-clear"
                        on:click=move |_| { wc.set(String::new()); order.set(String::new()); }>"Show all"</button>
                </Show>
            </div>
            <p id="kanban-help" class="visually-hidden">
                "Enter picks the card up; left and right arrows choose a column; Enter drops it there; Escape cancels."
            </p>
            <p class="kanban-say" role="status" aria-live="polite" data-testid="kanban-announce">{move || b.say.get()}</p>
            <Transition fallback=loading>
                {move || board.with(|r| match r {
                    Some(Err(e)) => Some(view! { <p class="error-box" data-testid="board-error">{e.user_message()}</p> }),
                    _ => None,
                })}
                <div class="kanban-board" data-testid="kanban-board" node_ref=b.drag.strip>
                    {TaskStatus::ALL.into_iter().map(|s| column(b, board, s)).collect_view()}
                </div>
            </Transition>
            {drag::ghost(b)}
        </section>
    }
}

fn summary(board: Option<&KanbanBoard>) -> String {
    let Some(board) = board else {
        return String::new();
    };
    let jobs: Vec<&JobView> = board.columns.iter().flat_map(|c| &c.jobs).collect();
    let late = jobs
        .iter()
        .filter(|j| j.late && !j.status.is_final())
        .count();
    format!("{} job(s) · {late} late", jobs.len())
}

fn column(b: Board, board: BoardResource, s: TaskStatus) -> impl IntoView {
    // A failed refetch (flaky Wi-Fi on the floor) keeps the last cards under its error.
    let cards = Memo::new(move |last: Option<&Vec<JobView>>| {
        board.with(|r| match r {
            Some(Ok(k)) => b.cards_in(k, s),
            _ => last.cloned().unwrap_or_default(),
        })
    });
    let head = format!("kcol-{}", s.as_str());
    let labelled_by = head.clone();
    let over = move || b.drag.target() == Some(s) && b.drag.source() != Some(s);
    view! {
        <section class=format!("kcol kcol-{}", s.as_str()) data-testid="kanban-column" data-status=s.as_str()
            data-drop="" aria-labelledby=labelled_by
            class:drop-ok=move || b.drag.source().is_some_and(|from| from != s && b.may_drop(from, s))
            class:drop-over=over
            class:drop-no=move || over() && b.drag.source().is_some_and(|from| !b.may_drop(from, s))>
            <h2 id=head class="kcol-head">
                <span>{s.label()}</span>
                <span class="kcount" data-testid="column-count">{move || cards.with(Vec::len)}</span>
            </h2>
            <ul class="kcards">
                <For each=move || cards.get() key=fingerprint let:job>
                    {card(b, job)}
                </For>
            </ul>
            <Show when=move || cards.with(Vec::is_empty)>
                <p class="kempty">"No jobs"</p>
            </Show>
        </section>
    }
}

fn card(b: Board, job: JobView) -> impl IntoView {
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
