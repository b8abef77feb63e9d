//! Moving Kanban cards by hand. A pointer drag starts on a card's handle
//! (mouse, pen and touch alike; only the handle has `touch-action: none`,
//! so a thumb elsewhere still scrolls the board): a ghost follows the
//! pointer, the column under it lights up, and on a phone the strip of
//! columns scrolls itself while the pointer rests at its edge. The keyboard
//! way: Enter or Space on a focused card picks it up, ← → choose the column
//! (announced), Enter drops, Escape cancels. The listeners sit on the
//! window and the state on the page, so a refetch that re-renders the card
//! mid-drag loses nothing.

use super::{card_name, Board};
use domain::ppic::{JobView, TaskStatus};
use leptos::ev::{KeyboardEvent, PointerEvent};
use leptos::prelude::*;
use std::time::Duration;

/// How close (px) to the strip's edge the pointer makes it scroll.
const EDGE: f64 = 48.0;
/// How far (px) a press travels before it is a drag rather than a tap.
const THRESHOLD: f64 = 6.0;
/// How far (px) the strip scrolls per tick (every 30 ms).
const SCROLL_STEP: f64 = 20.0;

/// A pointer drag: pressed on the handle, `active` once it has moved.
#[derive(Clone, PartialEq)]
pub(super) struct Grab {
    pub job: JobView,
    pointer: i32,
    start: (f64, f64),
    pub active: bool,
}

/// A card picked up with the keyboard and the column it would go to.
#[derive(Clone, PartialEq)]
pub(super) struct Lift {
    pub job: JobView,
    pub to: TaskStatus,
}

#[derive(Clone, Copy)]
pub(super) struct DragState {
    pub grab: RwSignal<Option<Grab>>,
    /// The pointer, in viewport pixels.
    pub pos: RwSignal<(f64, f64)>,
    /// The column under the pointer.
    pub over: RwSignal<Option<TaskStatus>>,
    pub lift: RwSignal<Option<Lift>>,
    /// The strip of columns (it scrolls sideways on narrow screens).
    pub strip: NodeRef<leptos::html::Div>,
    /// A card dropped with the keyboard: its new self is scrolled into view.
    pub reveal: StoredValue<Option<i64>>,
    scroll: StoredValue<Option<IntervalHandle>>,
}

impl DragState {
    pub fn new() -> Self {
        DragState {
            grab: RwSignal::new(None),
            pos: RwSignal::new((0.0, 0.0)),
            over: RwSignal::new(None),
            lift: RwSignal::new(None),
            strip: NodeRef::new(),
            reveal: StoredValue::new(None),
            scroll: StoredValue::new(None),
        }
    }

    /// The card being dragged by pointer (tracked).
    pub fn dragged(self) -> Option<i64> {
        self.grab
            .with(|g| g.as_ref().filter(|g| g.active).map(|g| g.job.id))
    }

    /// Where the card in motion comes from (tracked): lights the columns it may go to.
    pub fn source(self) -> Option<TaskStatus> {
        self.grab
            .with(|g| g.as_ref().filter(|g| g.active).map(|g| g.job.status))
            .or_else(|| self.lift.with(|l| l.as_ref().map(|l| l.job.status)))
    }

    /// The column the card in motion would be dropped in (tracked).
    pub fn target(self) -> Option<TaskStatus> {
        if self.dragged().is_some() {
            return self.over.get();
        }
        self.lift.with(|l| l.as_ref().map(|l| l.to))
    }
}

/// Window listeners for the page's life: pointer moves and releases, keys.
pub(super) fn listen(b: Board) {
    let handles = [
        window_event_listener(leptos::ev::pointermove, move |ev| on_move(b, &ev)),
        window_event_listener(leptos::ev::pointerup, move |ev| on_up(b, &ev)),
        window_event_listener(leptos::ev::pointercancel, move |_| end_drag(b)),
        window_event_listener(leptos::ev::keydown, move |ev| on_key(b, &ev)),
    ];
    on_cleanup(move || {
        stop_scrolling(b);
        for h in handles {
            h.remove();
        }
    });
}

/// A press on a card's handle.
pub(super) fn press(b: Board, ev: &PointerEvent, job: &JobView) {
    if ev.button() != 0 || b.busy(job.id) || b.drag.lift.with_untracked(Option::is_some) {
        return;
    }
    // No text selection, no emulated mouse events.
    ev.prevent_default();
    capture(ev);
    b.drag.reveal.set_value(None);
    b.drag.grab.set(Some(Grab {
        job: job.clone(),
        pointer: ev.pointer_id(),
        start: (ev.client_x() as f64, ev.client_y() as f64),
        active: false,
    }));
}

fn on_move(b: Board, ev: &PointerEvent) {
    let Some((pointer, start, active)) = b
        .drag
        .grab
        .with_untracked(|g| g.as_ref().map(|g| (g.pointer, g.start, g.active)))
    else {
        return;
    };
    if ev.pointer_id() != pointer {
        return;
    }
    let at = (ev.client_x() as f64, ev.client_y() as f64);
    if !active {
        if (at.0 - start.0).hypot(at.1 - start.1) < THRESHOLD {
            return;
        }
        b.drag.grab.update(|g| {
            if let Some(g) = g {
                g.active = true;
            }
        });
        start_scrolling(b);
    }
    ev.prevent_default();
    b.drag.pos.set(at);
    aim(b);
}

fn on_up(b: Board, ev: &PointerEvent) {
    let Some(g) = b.drag.grab.get_untracked() else {
        return;
    };
    if ev.pointer_id() != g.pointer {
        return;
    }
    let over = b.drag.over.get_untracked();
    end_drag(b);
    if !g.active {
        b.say
            .set("Drag the ⠿ handle to another column, or use the card's buttons.".into());
        return;
    }
    match over {
        Some(to) if to != g.job.status => b.commit(g.job, to, None),
        _ => b.say.set(format!(
            "{} stays in {}.",
            card_name(&g.job),
            g.job.status.label()
        )),
    }
}

fn end_drag(b: Board) {
    stop_scrolling(b);
    if b.drag.grab.with_untracked(Option::is_some) {
        b.drag.grab.set(None);
    }
    if b.drag.over.get_untracked().is_some() {
        b.drag.over.set(None);
    }
}

/// The column under the pointer, lit while the pointer is over it.
fn aim(b: Board) {
    let (x, y) = b.drag.pos.get_untracked();
    let over = column_at(x, y);
    if b.drag.over.get_untracked() != over {
        b.drag.over.set(over);
    }
}

/// Enter or Space on a focused card picks it up.
pub(super) fn card_key(b: Board, ev: &KeyboardEvent, job: &JobView) {
    // Keys on the card's buttons are theirs; a lifted card's keys are the window's.
    if ev.target() != ev.current_target()
        || b.drag.lift.with_untracked(Option::is_some)
        || b.busy(job.id)
    {
        return;
    }
    if matches!(ev.key().as_str(), "Enter" | " ") {
        ev.prevent_default();
        b.drag.reveal.set_value(None);
        b.drag.lift.set(Some(Lift {
            job: job.clone(),
            to: job.status,
        }));
        b.say.set(format!(
            "Picked up {}, in {}. Left and right arrows choose a column, Enter drops it, Escape cancels.",
            card_name(job),
            job.status.label()
        ));
    }
}

fn on_key(b: Board, ev: &KeyboardEvent) {
    if ev.default_prevented() {
        return;
    }
    let key = ev.key();
    if key == "Escape" && b.drag.grab.with_untracked(Option::is_some) {
        end_drag(b);
        b.say.set("Drag cancelled.".into());
        ev.prevent_default();
        return;
    }
    let Some(lift) = b.drag.lift.get_untracked() else {
        return;
    };
    let cols = TaskStatus::ALL;
    let i = cols.iter().position(|s| *s == lift.to).unwrap_or(0);
    match key.as_str() {
        "ArrowRight" | "ArrowLeft" => {
            let to = if key == "ArrowRight" {
                cols[(i + 1).min(cols.len() - 1)]
            } else {
                cols[i.saturating_sub(1)]
            };
            b.say.set(aim_text(b, &lift.job, to));
            b.drag.lift.set(Some(Lift { to, ..lift }));
        }
        "Enter" | " " => {
            b.drag.lift.set(None);
            if lift.to == lift.job.status {
                b.say.set(stays(&lift.job));
            } else {
                b.drag.reveal.set_value(Some(lift.job.id));
                b.commit(lift.job, lift.to, None);
            }
        }
        "Escape" | "Tab" => {
            b.drag.lift.set(None);
            b.say.set(format!("Move cancelled. {}", stays(&lift.job)));
            if key == "Tab" {
                return; // let the focus move on
            }
        }
        _ => return,
    }
    ev.prevent_default();
}

/// The lifted card lost the focus to something else: the move is off.
pub(super) fn blurred(b: Board, id: i64) {
    if b.drag
        .lift
        .with_untracked(|l| l.as_ref().is_some_and(|l| l.job.id == id))
    {
        let job = b.drag.lift.get_untracked().map(|l| l.job);
        b.drag.lift.set(None);
        if let Some(job) = job {
            b.say.set(format!("Move cancelled. {}", stays(&job)));
        }
    }
}

fn stays(job: &JobView) -> String {
    format!("{} stays in {}.", card_name(job), job.status.label())
}

fn aim_text(b: Board, job: &JobView, to: TaskStatus) -> String {
    let from = job.status;
    if to == from {
        format!("Over {}: its own column.", to.label())
    } else if b.may_drop(from, to) {
        format!("Over {}: Enter moves it there.", to.label())
    } else {
        format!(
            "Over {}: a job in {} cannot go there.",
            to.label(),
            from.label()
        )
    }
}

/// The card under the pointer while dragging; `pointer-events: none`, so
/// hit-testing finds the column beneath it.
pub(super) fn ghost(b: Board) -> impl IntoView {
    move || {
        b.drag
            .grab
            .with(|g| g.as_ref().filter(|g| g.active).map(|g| (g.job.mo_number.clone(), format!("{}. {}", g.job.seq, g.job.name))))
            .map(|(mo, op)| {
                let pos = b.drag.pos;
                view! {
                    <div class="kghost" data-testid="drag-ghost" aria-hidden="true"
                        style:transform=move || { let (x, y) = pos.get(); format!("translate({}px, {}px)", x + 14.0, y + 14.0) }>
                        <strong>{mo}</strong>
                        <span>{op}</span>
                    </div>
                }
            })
    }
}

fn start_scrolling(b: Board) {
    stop_scrolling(b);
    if let Ok(h) = set_interval_with_handle(move || scroll_tick(b), Duration::from_millis(30)) {
        b.drag.scroll.set_value(Some(h));
    }
}

fn stop_scrolling(b: Board) {
    if let Some(Some(h)) = b.drag.scroll.try_update_value(Option::take) {
        h.clear();
    }
}

/// While the pointer rests near the strip's edge, scroll it that way (and
/// light the column that slid under the pointer).
fn scroll_tick(b: Board) {
    #[cfg(feature = "hydrate")]
    {
        let Some(el) = b.drag.strip.get_untracked() else {
            return;
        };
        if el.scroll_width() <= el.client_width() {
            return;
        }
        let Some((left, right)) = span_x(&el) else {
            return;
        };
        let (x, _) = b.drag.pos.get_untracked();
        let dx = if x < left + EDGE {
            -SCROLL_STEP
        } else if x > right - EDGE {
            SCROLL_STEP
        } else {
            return;
        };
        el.scroll_by_with_x_and_y(dx, 0.0);
        aim(b);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (b, EDGE, SCROLL_STEP);
}

/// An element's left and right edges in the viewport.
#[cfg(feature = "hydrate")]
fn span_x(el: &web_sys::Element) -> Option<(f64, f64)> {
    use wasm_bindgen::JsCast;
    let f: js_sys::Function = js_sys::Reflect::get(el, &"getBoundingClientRect".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let rect = f.call0(el).ok()?;
    let side = |k: &str| js_sys::Reflect::get(&rect, &k.into()).ok()?.as_f64();
    Some((side("left")?, side("right")?))
}

/// The column (its `data-drop` element's state) at a viewport point.
fn column_at(x: f64, y: f64) -> Option<TaskStatus> {
    #[cfg(feature = "hydrate")]
    {
        let doc = web_sys::window()?.document()?;
        let col = doc
            .element_from_point(x as f32, y as f32)?
            .closest("[data-drop]")
            .ok()??;
        TaskStatus::parse(&col.get_attribute("data-status")?)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (x, y);
        None
    }
}

/// Keeps the pointer's events on the handle until it is released.
fn capture(ev: &PointerEvent) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

/// Focuses a card; `reveal` scrolls it into view, otherwise the page stays
/// put (a card re-rendered by a refetch takes its focus back quietly).
#[cfg(feature = "hydrate")]
pub(super) fn focus(el: &web_sys::HtmlElement, reveal: bool) {
    use wasm_bindgen::JsCast;
    let opts = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&opts, &"preventScroll".into(), &(!reveal).into());
    if let Ok(f) = js_sys::Reflect::get(el, &"focus".into()) {
        if let Ok(f) = f.dyn_into::<js_sys::Function>() {
            let _ = f.call1(el, &opts);
        }
    }
}

/// Asks before a step that cannot be undone.
pub(super) fn confirm(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(text).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        true
    }
}
