//! The analytics' charts as inline SVG: sizes come from the viewBox (the
//! chart scales to its card), colours from classes in the stylesheet (the
//! CSP allows no inline styles), every mark has a text label and a
//! `<title>` tooltip.

use crate::ppic::shared::svg_title as tip;
use domain::master::Date;
use domain::ppic::{LoadReport, Performance, StatusCount};
use leptos::prelude::*;

/// A number for an SVG attribute: one decimal is plenty.
fn n(v: f64) -> String {
    format!("{v:.1}")
}

/// Minutes for people: `45 min`, `7.5 h`.
fn hours(min: f64) -> String {
    if min.abs() < 120.0 {
        format!("{min:.0} min")
    } else {
        format!("{:.1} h", min / 60.0)
    }
}

// ---------- orders by status ----------

pub fn status_chart(counts: Vec<StatusCount>) -> impl IntoView {
    const W: f64 = 560.0;
    const LABEL: f64 = 110.0;
    const ROW: f64 = 30.0;
    const BAR: f64 = W - LABEL - 60.0;
    let total: i64 = counts.iter().map(|c| c.count).sum();
    let max = counts.iter().map(|c| c.count).max().unwrap_or(0).max(1) as f64;
    let h = ROW * counts.len() as f64 + 6.0;
    let summary = counts
        .iter()
        .map(|c| format!("{} {}", c.status.label(), c.count))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = counts
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let y = 3.0 + i as f64 * ROW;
            let w = if c.count > 0 { (c.count as f64 / max * BAR).max(2.0) } else { 0.0 };
            let hint = format!(
                "{}: {} order(s){}",
                c.status.label(),
                c.count,
                if total > 0 {
                    format!(", {:.0}% of all", c.count as f64 * 100.0 / total as f64)
                } else {
                    String::new()
                }
            );
            view! {
                <g class=format!("status-bar st-{}", c.status.as_str()) data-testid="status-bar"
                    data-status=c.status.as_str() data-count=c.count>
                    {tip(hint)}
                    <text x=n(LABEL - 8.0) y=n(y + ROW / 2.0) text-anchor="end" dominant-baseline="middle" class="lbl">{c.status.label()}</text>
                    <rect x=n(LABEL) y=n(y + 5.0) width=n(BAR) height=n(ROW - 10.0) rx="3" class="track"></rect>
                    <rect x=n(LABEL) y=n(y + 5.0) width=n(w) height=n(ROW - 10.0) rx="3" class="bar"></rect>
                    <text x=n(LABEL + w + 6.0) y=n(y + ROW / 2.0) dominant-baseline="middle" class="val">{c.count}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart status-chart" viewBox=format!("0 0 {W} {}", n(h)) role="img"
            aria-label=format!("Orders by status: {summary}")>
            {rows}
        </svg>
        <p class="muted chart-foot" data-testid="status-total">{format!("{total} order(s) in all")}</p>
    }
}

// ---------- planned against actual ----------

pub fn perf_legend() -> impl IntoView {
    view! {
        <p class="chart-legend" aria-hidden="true">
            <span class="swatch planned"></span>" planned "
            <span class="swatch actual"></span>" actual "
            <span class="swatch slow"></span>" actual, longer than planned · % on time"
        </p>
    }
}

pub fn performance_chart(rows: Vec<Performance>, testid: &'static str) -> impl IntoView {
    const W: f64 = 640.0;
    const LABEL: f64 = 120.0;
    const RATE: f64 = 86.0;
    const BAR: f64 = W - LABEL - RATE - 70.0;
    const ROW: f64 = 44.0;
    const HEAD: f64 = 18.0;
    if rows.is_empty() {
        return view! {
            <p class="muted empty-chart" data-testid=testid>"No jobs completed in this period."</p>
        }
        .into_any();
    }
    let max = rows
        .iter()
        .map(|p| p.planned_minutes.max(p.actual_minutes))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let h = HEAD + ROW * rows.len() as f64 + 4.0;
    let marks = rows
        .into_iter()
        .enumerate()
        .map(|(i, p)| {
            let y = HEAD + i as f64 * ROW;
            let (planned, actual) = (p.planned_minutes as f64, p.actual_minutes as f64);
            let wp = (planned / max * BAR).max(if planned > 0.0 { 2.0 } else { 0.0 });
            let wa = (actual / max * BAR).max(if actual > 0.0 { 2.0 } else { 0.0 });
            let rate = p.on_time_rate * 100.0;
            let rate_class = match rate {
                r if r >= 90.0 => "rate ok",
                r if r >= 70.0 => "rate warn",
                _ => "rate bad",
            };
            let slow = actual > planned;
            let hint = format!(
                "{}: {} job(s); planned {}, actual {}{}; on time {} of {} ({rate:.0}%)",
                p.code,
                p.jobs,
                hours(planned),
                hours(actual),
                if planned > 0.0 {
                    format!(" ({:.0}% of plan)", actual * 100.0 / planned)
                } else {
                    String::new()
                },
                p.on_time,
                p.jobs,
            );
            view! {
                <g class="perf-row" data-testid="perf-row" data-code=p.code.clone()>
                    {tip(hint)}
                    <text x=n(LABEL - 8.0) y=n(y + ROW / 2.0 - 7.0) text-anchor="end" dominant-baseline="middle" class="lbl">{p.code.clone()}</text>
                    <text x=n(LABEL - 8.0) y=n(y + ROW / 2.0 + 8.0) text-anchor="end" dominant-baseline="middle" class="sub">{format!("{} job(s)", p.jobs)}</text>
                    <rect x=n(LABEL) y=n(y + 4.0) width=n(wp) height="16" rx="2" class="bar planned"></rect>
                    <text x=n(LABEL + wp + 5.0) y=n(y + 12.0) dominant-baseline="middle" class="val">{hours(planned)}</text>
                    <rect x=n(LABEL) y=n(y + 22.0) width=n(wa) height="16" rx="2" class="bar actual" class:slow=slow></rect>
                    <text x=n(LABEL + wa + 5.0) y=n(y + 30.0) dominant-baseline="middle" class="val">{hours(actual)}</text>
                    <text x=n(W - 4.0) y=n(y + ROW / 2.0) text-anchor="end" dominant-baseline="middle" class=rate_class>{format!("{rate:.0}%")}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <svg class="chart perf-chart" viewBox=format!("0 0 {W} {}", n(h)) role="img" data-testid=testid
                aria-label="Planned and actual minutes with the on-time rate">
                <text x=n(W - 4.0) y="10" text-anchor="end" class="head">"on time"</text>
                {marks}
            </svg>
        </div>
    }
    .into_any()
}

// ---------- load against capacity ----------

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A day's column head: weekday, and day with month (`Mon`, `14 Dec`).
fn day_head(date: &str) -> (String, String, bool) {
    match Date::parse("date", date) {
        Ok(d) => (
            WEEKDAYS[d.weekday()].to_string(),
            format!("{} {}", d.d, MONTHS[(d.m as usize).saturating_sub(1) % 12]),
            d.weekday() >= 5,
        ),
        Err(_) => (String::new(), date.to_string(), false),
    }
}

/// The colour class of a day's cell: its load as a share of capacity.
fn heat_class(load: u32, cap: u32) -> &'static str {
    match (load, cap) {
        (0, 0) => "heat off",
        (_, 0) => "heat over",
        (l, c) => match l as f64 * 100.0 / c as f64 {
            p if p <= 0.0 => "heat l0",
            p if p <= 50.0 => "heat l1",
            p if p <= 80.0 => "heat l2",
            p if p <= 100.0 => "heat l3",
            _ => "heat over",
        },
    }
}

fn pct_text(load: u64, cap: u64) -> String {
    match (load, cap) {
        (0, 0) => "—".into(),
        (_, 0) => "∞".into(),
        (l, c) => format!("{:.0}", l as f64 * 100.0 / c as f64),
    }
}

pub fn load_heatmap(l: &LoadReport) -> impl IntoView {
    const LABEL: f64 = 150.0;
    const CELL: f64 = 44.0;
    const ROW: f64 = 32.0;
    const HEAD: f64 = 38.0;
    const TOTAL: f64 = 64.0;
    if l.centres.is_empty() {
        return view! { <p class="muted empty-chart">"No work centres."</p> }.into_any();
    }
    let days = l.centres.iter().map(|c| c.days.len()).max().unwrap_or(0);
    let w = LABEL + CELL * days as f64 + TOTAL;
    let h = HEAD + ROW * l.centres.len() as f64 + 2.0;
    let worst = l.bottleneck.as_ref().map(|b| b.code.clone());
    let heads = l.centres[0]
        .days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (wd, dm, weekend) = day_head(&d.date);
            let x = LABEL + i as f64 * CELL + CELL / 2.0;
            view! {
                <g class="day-head" class:weekend=weekend>
                    {tip(d.date.clone())}
                    <text x=n(x) y="14" text-anchor="middle" class="sub">{wd}</text>
                    <text x=n(x) y="30" text-anchor="middle" class="lbl">{dm}</text>
                </g>
            }
        })
        .collect_view();
    let rows = l
        .centres
        .iter()
        .enumerate()
        .map(|(r, c)| {
            let y = HEAD + r as f64 * ROW;
            let is_worst = worst.as_deref() == Some(c.code.as_str());
            let (load, cap) = c.days.iter().fold((0u64, 0u64), |(l, k), d| {
                (l + d.load_minutes as u64, k + d.capacity_minutes as u64)
            });
            let cells = c
                .days
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let x = LABEL + i as f64 * CELL;
                    let (wd, dm, _) = day_head(&d.date);
                    let hint = format!(
                        "{} {} — {wd} {dm}: {} planned of {} capacity ({}%)",
                        c.code,
                        c.name,
                        hours(d.load_minutes as f64),
                        hours(d.capacity_minutes as f64),
                        pct_text(d.load_minutes as u64, d.capacity_minutes as u64)
                    );
                    view! {
                        <g data-testid="load-cell" data-date=d.date.clone()
                            data-load=d.load_minutes data-capacity=d.capacity_minutes>
                            {tip(hint)}
                            <rect x=n(x + 1.0) y=n(y + 1.0) width=n(CELL - 2.0) height=n(ROW - 2.0) rx="3"
                                class=heat_class(d.load_minutes, d.capacity_minutes)></rect>
                            <text x=n(x + CELL / 2.0) y=n(y + ROW / 2.0) text-anchor="middle" dominant-baseline="middle"
                                class="cell-val">{pct_text(d.load_minutes as u64, d.capacity_minutes as u64)}</text>
                        </g>
                    }
                })
                .collect_view();
            let hint = format!(
                "{} {}: {} planned of {} capacity over the period ({}%)",
                c.code,
                c.name,
                hours(load as f64),
                hours(cap as f64),
                pct_text(load, cap)
            );
            view! {
                <g class="load-row" class:worst=is_worst data-testid="load-row" data-code=c.code.clone()>
                    {tip(hint)}
                    <text x="4" y=n(y + ROW / 2.0 - 6.0) dominant-baseline="middle" class="lbl">
                        {if is_worst { format!("▲ {}", c.code) } else { c.code.clone() }}
                    </text>
                    <text x="4" y=n(y + ROW / 2.0 + 8.0) dominant-baseline="middle" class="sub">{short(&c.name, 22)}</text>
                    {cells}
                    <text x=n(w - 4.0) y=n(y + ROW / 2.0) text-anchor="end" dominant-baseline="middle"
                        class="total" class:over={cap > 0 && load > cap}>{format!("{}%", pct_text(load, cap))}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <svg class=format!("chart heatmap heat-d{}", bucket_days(days)) viewBox=format!("0 0 {} {}", n(w), n(h))
                role="img" aria-label="Load against capacity per work centre per day, in percent">
                {heads}
                <text x=n(w - 4.0) y="30" text-anchor="end" class="sub">"period"</text>
                {rows}
            </svg>
        </div>
    }
    .into_any()
}

/// The width class of the heat map (its minimum width in the stylesheet).
fn bucket_days(days: usize) -> usize {
    match days {
        0..=7 => 7,
        8..=14 => 14,
        _ => 28,
    }
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

pub fn heat_legend() -> impl IntoView {
    view! {
        <p class="chart-legend" aria-hidden="true">
            <span class="swatch heat l1"></span>" up to 50% "
            <span class="swatch heat l2"></span>" up to 80% "
            <span class="swatch heat l3"></span>" up to 100% "
            <span class="swatch heat over"></span>" beyond capacity "
            <span class="swatch heat off"></span>" closed"
        </p>
    }
}

pub fn bottleneck_callout(l: &LoadReport) -> impl IntoView {
    let Some(b) = l.bottleneck.clone() else {
        return view! {
            <div class="callout calm" data-testid="bottleneck" role="status">
                "Nothing is planned in these days, so no work centre is a bottleneck."
            </div>
        }
        .into_any();
    };
    let share = if b.capacity_minutes > 0 {
        format!(
            " ({:.0}% of its capacity)",
            b.load_minutes as f64 * 100.0 / b.capacity_minutes as f64
        )
    } else {
        " — and it has no capacity in these days".to_string()
    };
    let over = if b.overload_hours > 0.0 {
        format!(
            "On its overloaded days the work exceeds capacity by {:.1} hours in all.",
            b.overload_hours
        )
    } else {
        "No single day is beyond its capacity.".to_string()
    };
    let hot = b.overload_hours > 0.0 || b.capacity_minutes == 0;
    view! {
        <div class="callout" class:hot=hot data-testid="bottleneck" role="status"
            data-code=b.code.clone() data-overload=format!("{:.1}", b.overload_hours)>
            <strong>"Bottleneck: "</strong>
            <strong data-testid="bottleneck-code">{b.code.clone()}</strong>
            {format!(" {} — {} planned against {} of capacity{share} over the {} days from {}. ",
                b.name, hours(b.load_minutes as f64), hours(b.capacity_minutes as f64), l.days, l.from)}
            <span data-testid="bottleneck-overload">{over}</span>
        </div>
    }
    .into_any()
}
