//! The plan's analytics: orders by status; planned against actual minutes
//! and the on-time rate per work centre and per item over the last N days;
//! load against capacity per work centre per day with the bottleneck. The
//! charts are inline SVG drawn here (`analytics_charts.rs`), scaled by their
//! viewBox, with text labels and a `<title>` tooltip on every mark.

#[path = "analytics_charts.rs"]
mod charts;

use super::api::{fetch_load, orders_by_status, performance};
use super::shared::{loading, ppic_version};
use crate::call::read;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn AnalyticsPage() -> impl IntoView {
    view! {
        <section class="page plan-analytics">
            <header class="page-head">
                <h1>"Plan analytics"</h1>
                <div class="buttons">
                    <A href="/ppic/orders" attr:class="btn">"Orders"</A>
                    <A href="/ppic/gantt" attr:class="btn">"Gantt"</A>
                </div>
            </header>
            <LoadCard />
            <div class="analytics-two">
                <StatusCard />
                <PerformanceCard />
            </div>
        </section>
    }
}

#[component]
fn StatusCard() -> impl IntoView {
    let version = ppic_version();
    let counts = Resource::new(
        move || version.get(),
        |_| read("Loading orders by status", orders_by_status),
    );
    view! {
        <section class="card chart-card" data-testid="chart-status" aria-labelledby="chart-status-h">
            <h2 id="chart-status-h">"Orders by status"</h2>
            <Transition fallback=loading>
                {move || counts.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(c) => charts::status_chart(c).into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn PerformanceCard() -> impl IntoView {
    let version = ppic_version();
    let days = RwSignal::new("30".to_string());
    let report = Resource::new(
        move || (version.get(), days.get()),
        |(_, days)| {
            let days = days.parse::<i64>().ok();
            read("Loading planned against actual", move || performance(days))
        },
    );
    view! {
        <section class="card chart-card" data-testid="chart-performance" aria-labelledby="chart-perf-h">
            <div class="card-head">
                <h2 id="chart-perf-h">"Planned against actual"</h2>
                <label class="inline-label">"Period"
                    <select name="perf_days" data-testid="perf-days" bind:value=days>
                        <option value="7">"Last 7 days"</option>
                        <option value="30">"Last 30 days"</option>
                        <option value="90">"Last 90 days"</option>
                    </select>
                </label>
            </div>
            <p class="muted hint">
                {move || format!("Jobs completed in the last {} days: minutes planned and taken (first start to completion), and the share that ended by their order's due date.", days.get())}
            </p>
            <Transition fallback=loading>
                {move || report.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(p) => view! {
                        {charts::perf_legend()}
                        <h3>"By work centre"</h3>
                        {charts::performance_chart(p.by_work_centre, "perf-centres")}
                        <h3>"By item"</h3>
                        {charts::performance_chart(p.by_item, "perf-items")}
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn LoadCard() -> impl IntoView {
    let version = ppic_version();
    let from = RwSignal::new(String::new());
    let days = RwSignal::new("14".to_string());
    let report = Resource::new(
        move || (version.get(), from.get(), days.get()),
        |(_, from, days)| {
            let from = Some(from).filter(|f| !f.trim().is_empty());
            let days = days.parse::<i64>().ok();
            read("Loading load against capacity", move || {
                fetch_load(from.clone(), days)
            })
        },
    );
    view! {
        <section class="card chart-card" data-testid="chart-load" aria-labelledby="chart-load-h">
            <div class="card-head">
                <h2 id="chart-load-h">"Load against capacity"</h2>
                <div class="filters">
                    <label class="inline-label">"From"
                        <input type="date" name="load_from" data-testid="load-from" bind:value=from />
                    </label>
                    <label class="inline-label">"Days"
                        <select name="load_days" data-testid="load-days" bind:value=days>
                            <option value="7">"7"</option>
                            <option value="14">"14"</option>
                            <option value="28">"28"</option>
                        </select>
                    </label>
                </div>
            </div>
            <Transition fallback=loading>
                {move || report.get().map(|r| match r {
                    Err(e) => view! { <p class="error-box">{e.user_message()}</p> }.into_any(),
                    Ok(l) => view! {
                        {charts::bottleneck_callout(&l)}
                        <p class="muted hint">
                            {format!("Planned work per work centre per day, {} days from {}, as a share of the day's capacity. Red is beyond capacity.", l.days, l.from)}
                        </p>
                        {charts::load_heatmap(&l)}
                        {charts::heat_legend()}
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
