//! The Kanban board: a column per job state, filtered by work centre and
//! order. A card moves by dragging its handle, by keyboard, or with the
//! step buttons it carries (what phone users tap). The move shows at once;
//! the server decides: its answer replaces the card, a refusal puts the
//! card back and says why. Every planning event refetches the board, and
//! the cards in flight stay where they were sent.

#[path = "kanban_card.rs"]
mod card;
#[path = "kanban_drag.rs"]
mod drag;

use super::api::{drop_card, fetch_kanban, step_job};
use super::shared::{loading, ppic_version};
use crate::call::{mutate, read};
use card::{card, card_name, fingerprint};
use domain::auth::CurrentUser;
use domain::perm::{Action, Module};
use domain::ppic::{
    step_for_drop, JobView, KanbanBoard, KanbanMoveInput, KanbanOrder, TaskAction, TaskStatus,
    TaskStepInput, KANBAN_MAX_LIMIT, KANBAN_PAGE,
};
use domain::time::Millis;
use domain::AppError;
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

const MOVE_LABEL: &str = "Moving the card";
const STEP_LABEL: &str = "Updating the job";

type BoardResource = Resource<Result<KanbanBoard, AppError>>;

/// One column as shown: its cards and how many jobs it holds in all.
#[derive(Clone, PartialEq, Default)]
struct Column {
    cards: Vec<JobView>,
    count: i64,
}

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

    /// What each column shows, in [`TaskStatus::ALL`]'s order: the board
    /// as read, with the answers newer than it and the moves in flight, in
    /// the server's order; each column's count moves with its cards. A card
    /// this user moved stays in sight even where its new column lists only
    /// its first page.
    fn display(self, board: &KanbanBoard) -> Vec<Column> {
        let at = |s: TaskStatus| TaskStatus::ALL.iter().position(|x| *x == s).unwrap_or(0);
        let mut cols: Vec<Column> = TaskStatus::ALL
            .iter()
            .map(|s| Column {
                cards: vec![],
                count: board
                    .columns
                    .iter()
                    .find(|c| c.status == *s)
                    .map_or(0, |c| i64::from(c.total)),
            })
            .collect();
        self.moving.with(|moving| {
            self.answered.with(|answered| {
                let mut seen = HashSet::new();
                for col in &board.columns {
                    for j in &col.jobs {
                        seen.insert(j.id);
                        let j = match answered.get(&j.id) {
                            Some(a) if a.version > j.version => a,
                            _ => j,
                        };
                        let to = moving.get(&j.id).copied().unwrap_or(j.status);
                        if to != col.status {
                            cols[at(col.status)].count -= 1;
                            cols[at(to)].count += 1;
                        }
                        cols[at(to)].cards.push(JobView {
                            status: to,
                            ..j.clone()
                        });
                    }
                }
                for (id, j) in answered.iter().filter(|(id, _)| !seen.contains(*id)) {
                    let to = moving.get(id).copied().unwrap_or(j.status);
                    cols[at(to)].cards.push(JobView {
                        status: to,
                        ..j.clone()
                    });
                }
            })
        });
        for (s, col) in TaskStatus::ALL.iter().zip(&mut cols) {
            col.cards
                .sort_by_key(|j| (j.planned_start.unwrap_or(Millis::MAX), j.id));
            if s.is_final() {
                col.cards.reverse();
            }
            col.count = col.count.max(col.cards.len() as i64);
        }
        cols
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

#[component]
pub fn KanbanPage() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let b = Board::new(&user);
    let wc = RwSignal::new(String::new());
    let order = RwSignal::new(String::new());
    // Cards listed per column; "Show more" raises it.
    let limit = RwSignal::new(KANBAN_PAGE);
    let version = ppic_version();
    let board: BoardResource = Resource::new(
        move || (version.get(), wc.get(), order.get(), limit.get()),
        |(_, wc, order, limit)| {
            let wc = Some(wc).filter(|s| !s.is_empty());
            let order = order.parse::<i64>().ok();
            read("Loading the board", move || {
                fetch_kanban(wc.clone(), order, Some(i64::from(limit)))
            })
        },
    );
    // The filters' choices, kept while a refetch runs; set after hydration
    // (an effect), so the server's page and the first client render agree.
    let choices = RwSignal::new((Vec::<String>::new(), Vec::<KanbanOrder>::new()));
    Effect::new(move |_| {
        board.with(|r| {
            if let Some(Ok(k)) = r {
                b.caught_up(k);
                if choices.with_untracked(|c| c.0 != k.work_centres || c.1 != k.orders) {
                    choices.set((k.work_centres.clone(), k.orders.clone()));
                }
            }
        })
    });
    // A failed refetch (flaky Wi-Fi on the floor) keeps the last cards under its error.
    let shown = Memo::new(move |last: Option<&Vec<Column>>| {
        board.with(|r| match r {
            Some(Ok(k)) => b.display(k),
            _ => last.cloned().unwrap_or_default(),
        })
    });
    drag::listen(b);
    let centres = move || choices.with(|c| c.0.clone());
    let orders = move || choices.with(|c| c.1.clone());
    let filtered = move || !wc.get().is_empty() || !order.get().is_empty();
    let more = move || limit.update(|l| *l = (*l + 2 * KANBAN_PAGE).min(KANBAN_MAX_LIMIT));
    view! {
        <section class="page kanban-page" class:kanban-dragging=move || b.drag.dragged().is_some()>
            <header class="page-head">
                <h1>"Kanban"</h1>
                <Transition fallback=|| ()>
                    <p class="muted" data-testid="board-summary">{move || board.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(summary))}</p>
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
                        <For each=orders key=|o| o.id let:o>
                            <option value=o.id.to_string()>{o.number.clone()}</option>
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
                    {TaskStatus::ALL.into_iter().enumerate().map(|(i, s)| column(b, shown, i, s, limit, more)).collect_view()}
                </div>
            </Transition>
            {drag::ghost(b)}
        </section>
    }
}

fn summary(board: &KanbanBoard) -> String {
    let (jobs, late) = board.columns.iter().fold((0, 0), |(n, l), c| {
        (
            n + c.total,
            l + if c.status.is_final() { 0 } else { c.late },
        )
    });
    format!("{jobs} job(s) · {late} late")
}

fn column(
    b: Board,
    shown: Memo<Vec<Column>>,
    i: usize,
    s: TaskStatus,
    limit: RwSignal<u32>,
    more: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let cards = Memo::new(move |_| shown.with(|c| c.get(i).cloned().unwrap_or_default()));
    let count = move || cards.with(|c| c.count);
    let head = format!("kcol-{}", s.as_str());
    let labelled_by = head.clone();
    let over = move || b.drag.target() == Some(s) && b.drag.source() != Some(s);
    // More to list: the column holds more than it lists, and may list more.
    let hidden = move || {
        let listed = cards.with(|c| c.cards.len() as i64);
        let cap = if s.is_final() {
            0
        } else {
            i64::from(KANBAN_MAX_LIMIT)
        };
        (count() > listed && listed < cap && i64::from(limit.get()) < cap).then(|| count() - listed)
    };
    view! {
        <section class=format!("kcol kcol-{}", s.as_str()) data-testid="kanban-column" data-status=s.as_str()
            data-drop="" aria-labelledby=labelled_by
            class:drop-ok=move || b.drag.source().is_some_and(|from| from != s && b.may_drop(from, s))
            class:drop-over=over
            class:drop-no=move || over() && b.drag.source().is_some_and(|from| !b.may_drop(from, s))>
            <h2 id=head class="kcol-head">
                <span>{s.label()}</span>
                <span class="kcount" data-testid="column-count">{count}</span>
            </h2>
            <ul class="kcards">
                <For each=move || cards.with(|c| c.cards.clone()) key=fingerprint let:job>
                    {card(b, job)}
                </For>
            </ul>
            <Show when=move || cards.with(|c| c.cards.is_empty())>
                <p class="kempty">"No jobs"</p>
            </Show>
            {move || hidden().map(|n| view! {
                <button type="button" class="btn small kmore" data-testid="column-more" on:click=move |_| more()>
                    {format!("Show more ({n} not listed)")}
                </button>
            })}
            {move || (s.is_final() && count() > cards.with(|c| c.cards.len() as i64)).then(|| view! {
                <p class="kempty" data-testid="column-recent">"The most recent only"</p>
            })}
        </section>
    }
}
