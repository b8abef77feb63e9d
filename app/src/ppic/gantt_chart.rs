//! The Gantt chart itself: lanes, the time axis, maintenance windows and
//! closures, dependency arrows, the today line, and the bars, which a
//! planner drags (pointer events: mouse, pen and touch) to a new start or
//! to another lane of the same kind. The server checks the drag and
//! answers with the moved job and the jobs that moved with it, or refuses
//! with the reason; the bar then snaps back.

use super::layout::{order_colour, Layout, Zoom, BAR_H};
use crate::call::mutate;
use crate::ppic::api::{move_bar, unpin_bar};
use crate::ppic::shared::{ppic_version, svg_title, when, when_opt};
use domain::ppic::{GanttMoveInput, GanttMoved, GanttView, JobView, UnpinInput};
use domain::time::{format_iso, Millis};
use leptos::prelude::*;

/// A bar being dragged: where the pointer went down and how far it moved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drag {
    pub id: i64,
    x0: f64,
    y0: f64,
    pub dx: f64,
    pub dy: f64,
    /// Sent; waiting for the server.
    pub pending: bool,
}

/// A move asked for: by a drag or by the form beside the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveAsk {
    pub id: i64,
    pub start: Millis,
    /// Another lane's code; none to stay.
    pub work_centre: Option<String>,
    pub version: i64,
}

/// What the page and the chart share.
#[derive(Clone, Copy)]
pub struct ChartState {
    pub view: RwSignal<GanttView>,
    pub zoom: Zoom,
    pub can_move: bool,
    pub selected: RwSignal<Option<i64>>,
    pub drag: RwSignal<Option<Drag>>,
    /// The last answer: (accepted, text).
    pub message: RwSignal<Option<(bool, String)>>,
    /// Milliseconds from the drop to the server's answer, last move.
    pub last_ms: RwSignal<Option<f64>>,
    /// A move is on its way to the server.
    pub busy: RwSignal<bool>,
}

fn clock_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

/// Puts the answered jobs in place of their old bars.
fn apply(v: &mut GanttView, m: &GanttMoved) {
    for j in std::iter::once(&m.moved).chain(&m.followers) {
        match v.bars.iter_mut().find(|b| b.id == j.id) {
            Some(b) => *b = j.clone(),
            None => v.bars.push(j.clone()),
        }
    }
}

impl ChartState {
    /// Sends a move; on an answer the bars move, on a refusal they stay
    /// where they were and the reason is shown (the call layer toasts it).
    pub fn ask(self, ask: MoveAsk) {
        let st = self;
        if st.busy.get_untracked() {
            return;
        }
        st.busy.set(true);
        st.drag.update(|d| {
            if let Some(d) = d {
                d.pending = true;
            }
        });
        st.message.set(None);
        let started = clock_ms();
        let input = GanttMoveInput {
            start: format_iso(ask.start),
            work_centre: ask.work_centre.clone(),
            version: Some(ask.version),
        };
        let id = ask.id;
        leptos::task::spawn_local(async move {
            let r = mutate("Moving the job", move |key| {
                move_bar(key, id, input.clone())
            })
            .await;
            st.last_ms.set(Some(clock_ms() - started));
            st.drag.set(None);
            st.busy.set(false);
            match r {
                Ok(m) => {
                    let text = format!(
                        "{} {} now starts {}{}",
                        m.moved.mo_number,
                        m.moved.name,
                        when(m.moved.planned_start.unwrap_or(ask.start)),
                        match m.followers.len() {
                            0 => String::new(),
                            n => format!("; {n} later job(s) moved with it"),
                        }
                    );
                    st.view.update(|v| apply(v, &m));
                    st.selected.set(Some(id));
                    st.message.set(Some((true, text)));
                }
                Err(e) => st.message.set(Some((false, e.user_message()))),
            }
        });
    }

    /// Lifts job `id`'s pin: the plan decides its time again (the whole
    /// chart is read afresh, as the re-plan may move other jobs too).
    pub fn unpin(self, id: i64, version: i64) {
        let st = self;
        if st.busy.get_untracked() {
            return;
        }
        st.busy.set(true);
        st.message.set(None);
        leptos::task::spawn_local(async move {
            let input = UnpinInput {
                version: Some(version),
            };
            let r = mutate("Letting the plan decide", move |key| {
                unpin_bar(key, id, input.clone())
            })
            .await;
            st.busy.set(false);
            match r {
                Ok(j) => {
                    st.message.set(Some((
                        true,
                        format!(
                            "{} {} is planned again: starts {}",
                            j.mo_number,
                            j.name,
                            when_opt(j.planned_start)
                        ),
                    )));
                    ppic_version().update(|v| *v += 1);
                }
                Err(e) => st.message.set(Some((false, e.user_message()))),
            }
        });
    }

    /// The end of a drag: a click when it barely moved, else a move.
    fn drop_drag(self, layout: &Layout) {
        let Some(d) = self.drag.get_untracked() else {
            return;
        };
        if d.pending {
            return;
        }
        if d.dx.abs() < 4.0 && d.dy.abs() < 4.0 {
            self.drag.set(None);
            self.selected.set(Some(d.id));
            return;
        }
        let ask = self.view.with_untracked(|v| {
            let i = v.bars.iter().position(|b| b.id == d.id)?;
            let b = layout.bar(i)?;
            let job = &v.bars[i];
            let (start, lane) = layout.drop_target(job.planned_start?, b, d.dx, d.dy, self.zoom);
            let work_centre = (lane != b.lane).then(|| layout.lanes[lane].code.clone());
            (start != job.planned_start? || work_centre.is_some()).then_some(MoveAsk {
                id: d.id,
                start,
                work_centre,
                version: job.version,
            })
        });
        match ask {
            Some(a) => self.ask(a),
            None => self.drag.set(None),
        }
    }
}

fn bar_view(st: ChartState, layout: &Layout, i: usize, j: &JobView) -> Option<impl IntoView> {
    let b = layout.bar(i)?;
    let id = j.id;
    let can = st.can_move && j.status.is_movable();
    let title = format!(
        "{} · {}. {} ({}) · {} – {}{}{}",
        j.mo_number,
        j.seq,
        j.name,
        j.work_centre,
        when(j.planned_start.unwrap_or(0)),
        when(j.planned_end.unwrap_or(0)),
        if j.late { " · LATE" } else { "" },
        if j.pinned { " · pinned" } else { "" },
    );
    let aria = title.clone();
    let text = (b.w > 48.0).then(|| format!("{} {}", j.mo_number, j.name));
    let fill = if j.late {
        "#c62828".to_string()
    } else {
        order_colour(j.mo_id)
    };
    let (x, y, w) = (b.x, b.y, b.w);
    // One pointer and key handler on the drawing serves every bar (see
    // `press_bar`): thousands of bars carry no closures of their own.
    Some(view! {
        <g class="gantt-bar" class:movable=can class:late=j.late class:pinned=j.pinned
            data-testid="gantt-bar" data-id=id data-status=j.status.as_str() data-late=j.late.to_string()
            data-lane=j.work_centre.clone() data-start=j.planned_start.map(format_iso)
            tabindex="0" role="button" aria-label=aria>
            {svg_title(title)}
            <rect x=x y=y width=w height=BAR_H rx="3" fill=fill />
            {text.map(|t| view! { <text x=x + 4.0 y=y + 14.0 class="bar-label">{t}</text> })}
            {j.pinned.then(|| view! { <circle cx=x + w - 5.0 cy=y + 5.0 r="3" class="pin" /> })}
        </g>
    })
}

/// The bar an event happened on: its job's id, from the nearest
/// `data-testid="gantt-bar"` element around the event's target.
fn bar_of(ev: &leptos::ev::Event) -> Option<i64> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let el = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
        el.closest("[data-testid=\"gantt-bar\"]")
            .ok()??
            .get_attribute("data-id")?
            .parse()
            .ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        None
    }
}

/// A press on a bar: selects it, and starts a drag when it may move.
fn press_bar(st: ChartState, ev: &leptos::ev::PointerEvent) {
    if ev.button() != 0 {
        return;
    }
    let Some(id) = bar_of(ev) else {
        return;
    };
    let can = st.can_move
        && st
            .view
            .with_untracked(|v| v.bars.iter().any(|b| b.id == id && b.status.is_movable()));
    if !can || st.drag.get_untracked().is_some_and(|d| d.pending) {
        st.selected.set(Some(id));
        return;
    }
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(el) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-testid=\"gantt-bar\"]").ok().flatten())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    }
    ev.prevent_default();
    st.drag.set(Some(Drag {
        id,
        x0: ev.client_x() as f64,
        y0: ev.client_y() as f64,
        dx: 0.0,
        dy: 0.0,
        pending: false,
    }));
}

/// The selected bar's outline, drawn over the chart.
fn selection(st: ChartState, layout: &Layout) -> Option<impl IntoView> {
    let id = st.selected.get()?;
    let i = st.view.with(|v| v.bars.iter().position(|b| b.id == id))?;
    let b = layout.bar(i)?;
    Some(view! {
        <rect class="bar-selected" data-testid="gantt-selected" data-id=id
            x=b.x - 2.0 y=b.y - 2.0 width=b.w + 4.0 height=BAR_H + 4.0 rx="4" />
    })
}

fn arrows(layout: &Layout, v: &GanttView) -> impl IntoView {
    let index: std::collections::HashMap<i64, usize> =
        v.bars.iter().enumerate().map(|(i, b)| (b.id, i)).collect();
    let at = |id: i64| index.get(&id).and_then(|&i| layout.bar(i));
    let mut out = Vec::new();
    for j in &v.bars {
        let Some(to) = at(j.id) else { continue };
        for a in &j.after {
            let Some(from) = at(*a) else { continue };
            let (x1, y1) = (from.x + from.w, from.y + BAR_H / 2.0);
            let (x2, y2) = (to.x, to.y + BAR_H / 2.0);
            let d = format!(
                "M{x1:.1},{y1:.1} C{:.1},{y1:.1} {:.1},{y2:.1} {x2:.1},{y2:.1}",
                x1 + 24.0,
                x2 - 24.0
            );
            out.push(view! { <path class="dep" d=d marker-end="url(#gantt-arrow)" data-testid="gantt-dep" /> });
        }
    }
    out.collect_view()
}

fn windows(layout: &Layout, v: &GanttView) -> impl IntoView {
    v.windows
        .iter()
        .filter_map(|w| {
            let lane = layout.lanes.iter().find(|l| l.code == w.work_centre)?;
            let x = layout.x_of(w.start.max(v.from));
            let x2 = layout.x_of(w.end.min(v.to));
            let cls = format!("window {}", w.kind);
            let title = format!("{} · {} – {}", w.label, when(w.start), when(w.end));
            Some(view! {
                <rect class=cls data-testid="gantt-window" x=x y=lane.y width=(x2 - x).max(1.0) height=lane.h>
                    {svg_title(title)}
                </rect>
            })
        })
        .collect_view()
}

fn ghost(st: ChartState, layout: &Layout) -> Option<impl IntoView> {
    let d = st.drag.get()?;
    if d.dx.abs() < 4.0 && d.dy.abs() < 4.0 && !d.pending {
        return None;
    }
    st.view.with(|v| {
        let i = v.bars.iter().position(|b| b.id == d.id)?;
        let b = layout.bar(i)?;
        let job = &v.bars[i];
        let (start, lane) = layout.drop_target(job.planned_start?, b, d.dx, d.dy, st.zoom);
        let x = layout.x_of(start);
        let y =
            layout.lanes[lane].y + (b.y - layout.lanes[b.lane].y).min(layout.lanes[lane].h - BAR_H);
        let label = format!(
            "{}{}",
            when(start),
            if lane != b.lane {
                format!(" → {}", layout.lanes[lane].code)
            } else {
                String::new()
            }
        );
        Some(view! {
            <g class="gantt-ghost" class:pending=d.pending data-testid="gantt-ghost">
                <rect x=x y=y width=b.w height=BAR_H rx="3" />
                <text x=x y=y - 3.0 class="ghost-label">{label}</text>
            </g>
        })
    })
}

/// The chart: a label column and the scrolling drawing.
pub fn chart(st: ChartState) -> impl IntoView {
    let layout = Memo::new(move |_| st.view.with(|v| Layout::new(v, st.zoom)));
    let on_move = move |ev: leptos::ev::PointerEvent| {
        if let Some(d) = st.drag.get_untracked().filter(|d| !d.pending) {
            st.drag.set(Some(Drag {
                dx: ev.client_x() as f64 - d.x0,
                dy: ev.client_y() as f64 - d.y0,
                ..d
            }));
        }
    };
    let on_up = move |_: leptos::ev::PointerEvent| layout.with_untracked(|l| st.drop_drag(l));
    let on_cancel = move |_: leptos::ev::PointerEvent| {
        if st.drag.get_untracked().is_some_and(|d| !d.pending) {
            st.drag.set(None);
        }
    };
    view! {
        <div class="gantt" data-testid="gantt" data-zoom=st.zoom.as_str()
            data-last-move-ms=move || st.last_ms.get().map(|m| format!("{m:.0}"))>
            // Lane names in their own drawing (the CSP allows no inline
            // styles, so heights are drawn, not styled), beside the scroll.
            <div class="gantt-labels" aria-hidden="true">
                {move || layout.with(|l| {
                    let h = l.height;
                    st.view.with(|v| view! {
                        <svg class="gantt-names" width="92" height=h viewBox=format!("0 0 92 {h:.0}")>
                            {l.lanes.iter().zip(&v.lanes).enumerate().map(|(i, (b, lane))| view! {
                                <rect class="lane-bg" class:odd=i % 2 == 1 x="0" y=b.y width="92" height=b.h />
                                <text class="lane-code" x="6" y=b.y + b.h / 2.0 + 4.0>{lane.code.clone()}</text>
                                <text class="lane-slots" x="86" y=b.y + b.h / 2.0 + 4.0 text-anchor="end">{format!("×{}", lane.slots)}</text>
                            }).collect_view()}
                        </svg>
                    })
                })}
            </div>
            <div class="gantt-scroll">
                {move || layout.with(|l| {
                    let (w, h) = (l.width, l.height);
                    let now_x = st.view.with(|v| (v.now >= v.from && v.now < v.to).then(|| l.x_of(v.now)));
                    view! {
                        <svg class="gantt-svg" width=w height=h viewBox=format!("0 0 {w:.0} {h:.0}")
                            data-from=l.from data-px-per-ms=l.px_per_ms
                            data-offset=st.view.with(|v| v.utc_offset_minutes)
                            role="group" aria-label="Gantt chart of the plan"
                            on:pointerdown=move |ev| press_bar(st, &ev)
                            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                if ev.key() == "Enter" || ev.key() == " " {
                                    if let Some(id) = bar_of(&ev) {
                                        ev.prevent_default();
                                        st.selected.set(Some(id));
                                    }
                                }
                            }
                            on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_cancel
                            on:lostpointercapture=move |_| {
                                if st.drag.get_untracked().is_some_and(|d| !d.pending) {
                                    st.drag.set(None);
                                }
                            }>
                            <defs>
                                <pattern id="gantt-hatch" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                                    <rect width="8" height="8" class="hatch-bg" />
                                    <line x1="0" y1="0" x2="0" y2="8" class="hatch-line" />
                                </pattern>
                                <marker id="gantt-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto">
                                    <path d="M0,0 L8,4 L0,8 z" class="arrow-head" />
                                </marker>
                            </defs>
                            {l.lanes.iter().enumerate().map(|(i, lane)| view! {
                                <rect class="lane-bg" class:odd=i % 2 == 1 x="0" y=lane.y width=w height=lane.h />
                            }).collect_view()}
                            {l.ticks.iter().map(|t| {
                                let major = t.label.is_some();
                                view! {
                                    <line class="tick" class:major=major x1=t.x x2=t.x y1=if major { 0.0 } else { 22.0 } y2=h />
                                    {t.label.clone().map(|s| view! { <text class="tick-label" x=t.x + 3.0 y="14">{s}</text> })}
                                }
                            }).collect_view()}
                            {st.view.with(|v| windows(l, v))}
                            {st.view.with(|v| arrows(l, v))}
                            {st.view.with(|v| v.bars.iter().enumerate().filter_map(|(i, j)| bar_view(st, l, i, j)).collect_view())}
                            {now_x.map(|x| view! { <line class="today" data-testid="gantt-today" x1=x x2=x y1="0" y2=h /> })}
                            {move || layout.with(|l| selection(st, l))}
                            {move || layout.with(|l| ghost(st, l))}
                        </svg>
                    }
                })}
            </div>
        </div>
    }
}
