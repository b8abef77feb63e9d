//! Maintenance planned from its own screens and REST, and the production
//! plan following at once: a preventive window reported over HTTP moves the
//! released jobs of its centre, a new window moves them again, cancelling
//! gives the capacity back; a breakdown's estimate shifts the plan until it
//! is resolved; a stale version answers 409. Bad fields (422 naming them)
//! and permissions (403) are in `maintenance_windows_input.rs`.
//!
//! The HTTP API plans with the wall clock, so the orders are for a Monday a
//! week or more ahead: its times are then the same whenever this runs.

use crate::common::*;
use crate::fixture::*;
use crate::on_both;
use domain::master::Date;
use domain::ppic::{MoInput, MoVariantInput};
use domain::time::{format_iso, parse_iso, HOUR};
use serde_json::{json, Value};

#[path = "maintenance_windows_input.rs"]
mod input;

/// A Monday at least a week after the wall clock (in the plant, UTC+2).
fn next_monday() -> Date {
    let today = Date::from_days((service::now_ms() + 2 * HOUR).div_euclid(DAY));
    let mut d = today.add_days(7);
    while d.weekday() != 0 {
        d = d.add_days(1);
    }
    d
}

/// `hh:mm` UTC on `d`, as the fixture's `at` writes it.
fn utc(d: Date, h: i64, m: i64) -> String {
    at(d.days() * DAY + h * HOUR + m * MIN)
}

/// The plant's local time on `d` as a form types it.
fn local(d: Date, hm: &str) -> String {
    format!("{d}T{hm}")
}

struct Week {
    monday: Date,
    /// The two sewing jobs, in plan order.
    sew: [i64; 2],
    /// Their arms' cutting jobs.
    cut: [i64; 2],
}

/// The fixture's plant and two TOY orders (ten each) released now for
/// `monday`: their arms cut side by side 05:00–05:30 UTC (07:00 in the
/// plant, when the shifts open), the toys sewn on WC-SEW's one machine
/// 05:30–06:20 and 06:20–07:10.
async fn two_orders(app: &TestApp) -> Week {
    plant(app).await;
    let planner = user(app, "planner").await;
    let monday = next_monday();
    let input = MoInput {
        item: "TOY".into(),
        variants: vec![MoVariantInput {
            variant: String::new(),
            qty: "10".into(),
        }],
        due_date: monday.add_days(4).to_string(),
        start_date: Some(monday.to_string()),
        priority: None,
    };
    let mut sew = [0; 2];
    let mut cut = [0; 2];
    for i in 0..2 {
        let now = service::now_ms();
        let mo = service::ppic::create(&app.svc, &planner, &input, None, now)
            .await
            .unwrap();
        let d = service::ppic::release(&app.svc, &planner, mo.order.id, None, now)
            .await
            .unwrap();
        let d = serde_json::to_value(d).unwrap();
        sew[i] = d["jobs"][0]["id"].as_i64().unwrap();
        cut[i] = job_of(app, d["children"][0]["id"].as_i64().unwrap()).await;
    }
    let week = Week { monday, sew, cut };
    assert_eq!(
        sewing(app, &week).await,
        unmoved(monday),
        "the plan before maintenance"
    );
    week
}

fn unmoved(monday: Date) -> Vec<(String, String)> {
    vec![
        (utc(monday, 5, 30), utc(monday, 6, 20)),
        (utc(monday, 6, 20), utc(monday, 7, 10)),
    ]
}

/// The Gantt chart's week from `monday`, as the planner reads it.
async fn gantt(app: &TestApp, monday: Date) -> Value {
    let planner = app.login("planner").await;
    let (s, g) = json(
        planner
            .get(&format!("/api/v1/ppic/gantt?from={monday}&days=7"))
            .await,
    )
    .await;
    assert_eq!(s, 200, "{g}");
    g
}

fn bar(g: &Value, id: i64) -> (String, String) {
    let b = g["bars"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == id)
        .unwrap_or_else(|| panic!("no bar for job {id}: {g}"));
    (
        at(b["planned_start"].as_i64().unwrap()),
        at(b["planned_end"].as_i64().unwrap()),
    )
}

/// The sewing jobs' planned (start, end) on the chart; the cutting jobs
/// (on a centre without machines) never move.
async fn sewing(app: &TestApp, w: &Week) -> Vec<(String, String)> {
    let g = gantt(app, w.monday).await;
    for c in w.cut {
        assert_eq!(
            bar(&g, c),
            (utc(w.monday, 5, 0), utc(w.monday, 5, 30)),
            "cutting stays"
        );
    }
    w.sew.iter().map(|&j| bar(&g, j)).collect()
}

async fn put_window(c: &ApiClient, id: i64, key: Option<&str>, body: Value) -> (u16, Value) {
    let mut req = c
        .http
        .put(format!(
            "{}/api/v1/maintenance/requests/{id}/window",
            c.base
        ))
        .bearer_auth(&c.token)
        .json(&body);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    json(req.send().await.unwrap()).await
}

async fn step(c: &ApiClient, id: i64, action: &str) {
    let (s, v) = json(
        c.post(
            &format!("/api/v1/maintenance/requests/{id}/{action}"),
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(s, 200, "{action}: {v}");
}

async fn plan_events(app: &TestApp) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM events WHERE topic = 'ppic' AND payload LIKE '%maintenance_request%'",
    )
    .await
}

on_both!(
    a_preventive_window_moves_the_plan_and_gives_it_back,
    |app: TestApp| async move {
        let w = two_orders(&app).await;
        let monday = w.monday;
        let sup = app.login("supervisor").await;
        let machine = app.machine_id("SEW-M1").await;
        let events_before = plan_events(&app).await;
        // Oil the hook Monday 07:00–08:30 in the plant (05:00–06:30 UTC):
        // the sewing machine is down when the first toy would start.
        let (s, r) = json(
            sup.post(
                "/api/v1/maintenance/requests",
                json!({"machine_id": machine, "kind": "preventive", "priority": "medium",
                       "title": "Oil the hook", "planned_start": local(monday, "07:00"),
                       "estimated_minutes": 90}),
            )
            .await,
        )
        .await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(
            r["planned_start"],
            format_iso(monday.days() * DAY + 5 * HOUR)
        );
        assert_eq!(r["estimated_minutes"], 90);
        let id = r["id"].as_i64().unwrap();
        assert_eq!(
            sewing(&app, &w).await,
            vec![
                (utc(monday, 6, 30), utc(monday, 7, 20)),
                (utc(monday, 7, 20), utc(monday, 8, 10)),
            ]
        );
        assert_eq!(
            plan_events(&app).await,
            events_before + 1,
            "the planning screens are told"
        );
        // The chart shades the window on the sewing lane.
        let g = gantt(&app, monday).await;
        let shaded: Vec<(String, String)> = g["windows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["work_centre"] == "WC-SEW")
            .map(|x| {
                (
                    at(x["start"].as_i64().unwrap()),
                    at(x["end"].as_i64().unwrap()),
                )
            })
            .collect();
        assert_eq!(shaded, vec![(utc(monday, 5, 0), utc(monday, 6, 30))]);

        // Moved to Tuesday (sent as an instant): Monday's sewing is back where it was.
        let tuesday = monday.add_days(1);
        let (s, moved) = put_window(
            &sup,
            id,
            Some("window-1"),
            json!({"planned_start": format!("{}T05:00:00Z", tuesday), "estimated_minutes": 60, "version": 1}),
        )
        .await;
        assert_eq!(s, 200, "{moved}");
        assert_eq!(moved["version"], 2);
        assert_eq!(moved["estimated_minutes"], 60);
        assert_eq!(sewing(&app, &w).await, unmoved(monday));
        // A retry answers the same, once.
        let (s, again) = put_window(
            &sup,
            id,
            Some("window-1"),
            json!({"planned_start": format!("{}T05:00:00Z", tuesday), "estimated_minutes": 60, "version": 1}),
        )
        .await;
        assert_eq!((s, &again), (200, &moved));
        // The page shows the window in the plant's time, and the timeline says who moved it.
        let (_, d) = json(sup.get(&format!("/api/v1/maintenance/requests/{id}")).await).await;
        assert_eq!(d["planned_start_local"], local(tuesday, "07:00"));
        let windows: Vec<&Value> = d["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "window")
            .collect();
        assert_eq!(windows.len(), 1, "{d}");
        assert_eq!(windows[0]["actor"], "Sam Supervisor");
        let note = windows[0]["note"].as_str().unwrap();
        assert!(note.contains("07:00 for 60 min (was "), "{note}");
        assert!(note.ends_with("07:00 for 90 min)"), "{note}");

        // The version it was read at is gone now.
        let (s, stale) = put_window(
            &sup,
            id,
            None,
            json!({"planned_start": local(monday, "07:00"), "estimated_minutes": 90, "version": 1}),
        )
        .await;
        assert_eq!(s, 409, "{stale}");
        assert_eq!(sewing(&app, &w).await, unmoved(monday), "nothing moved");

        // Back onto Monday morning, then cancelled: the capacity comes back.
        let (s, v) = put_window(
            &sup,
            id,
            None,
            json!({"planned_start": local(monday, "07:00"), "estimated_minutes": 90, "version": 2}),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(
            sewing(&app, &w).await[0],
            (utc(monday, 6, 30), utc(monday, 7, 20))
        );
        step(&sup, id, "cancel").await;
        assert_eq!(sewing(&app, &w).await, unmoved(monday));
        // A cancelled request's window no longer changes.
        let (s, v) = put_window(
            &sup,
            id,
            None,
            json!({"planned_start": local(monday, "09:00"), "estimated_minutes": 30, "version": 4}),
        )
        .await;
        assert_eq!(s, 409, "{v}");

        // Another window, cleared by its technician (no start: not planned).
        let tech = app.login("maintenance").await;
        let (s, r) = json(
            tech.post(
                "/api/v1/maintenance/requests",
                json!({"machine_id": machine, "kind": "preventive", "priority": "low",
                       "title": "Replace the belt", "planned_start": local(monday, "07:30"),
                       "estimated_minutes": 30}),
            )
            .await,
        )
        .await;
        assert_eq!(s, 201, "{r}");
        let belt = r["id"].as_i64().unwrap();
        // 05:30–06:00 UTC: the first toy waits for it.
        assert_eq!(
            sewing(&app, &w).await,
            vec![
                (utc(monday, 6, 0), utc(monday, 6, 50)),
                (utc(monday, 6, 50), utc(monday, 7, 40)),
            ]
        );
        let (s, v) = put_window(
            &tech,
            belt,
            None,
            json!({"estimated_minutes": 30, "version": 1}),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["planned_start"], Value::Null);
        assert_eq!(sewing(&app, &w).await, unmoved(monday));
        // Planned again, then done: resolving gives the capacity back too.
        let (s, v) = put_window(
            &tech,
            belt,
            None,
            json!({"planned_start": local(monday, "07:30"), "estimated_minutes": 30, "version": 2}),
        )
        .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(
            sewing(&app, &w).await[0],
            (utc(monday, 6, 0), utc(monday, 6, 50))
        );
        step(&tech, belt, "start").await;
        assert_eq!(
            sewing(&app, &w).await[0],
            (utc(monday, 6, 0), utc(monday, 6, 50)),
            "still down while worked on"
        );
        step(&tech, belt, "resolve").await;
        assert_eq!(sewing(&app, &w).await, unmoved(monday));
        app.finish().await;
    }
);

on_both!(
    a_breakdown_estimate_shifts_the_plan_until_resolved,
    |app: TestApp| async move {
        let w = two_orders(&app).await;
        let monday = w.monday;
        let machine = app.machine_id("SEW-M1").await;
        let op = app.login("operator").await;
        // Reported now, estimated to be down until just after Monday 06:00 UTC.
        let until = monday.days() * DAY + 6 * HOUR;
        let minutes = (until - service::now_ms()) / MIN + 1;
        let (s, r) = json(
            op.post(
                "/api/v1/maintenance/requests",
                json!({"machine_id": machine, "kind": "breakdown", "priority": "high",
                       "title": "Needle bar jams", "estimated_minutes": minutes}),
            )
            .await,
        )
        .await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(r["planned_start"], Value::Null);
        let id = r["id"].as_i64().unwrap();
        let end = parse_iso(r["created_at"].as_str().unwrap()).unwrap() + minutes * MIN;
        assert!(end > until && end < until + 2 * MIN);
        let t = |ms: i64| format_iso(ms).replace(".000Z", "Z");
        assert_eq!(
            sewing(&app, &w).await,
            vec![
                (t(end), t(end + 50 * MIN)),
                (t(end + 50 * MIN), t(end + 100 * MIN)),
            ]
        );
        // A breakdown is not planned: its window cannot be set.
        let tech = app.login("maintenance").await;
        let (s, v) = put_window(
            &tech,
            id,
            None,
            json!({"planned_start": local(monday, "07:00"), "estimated_minutes": 30, "version": 1}),
        )
        .await;
        assert_eq!(s, 409, "{v}");
        step(&tech, id, "start").await;
        step(&tech, id, "resolve").await;
        assert_eq!(sewing(&app, &w).await, unmoved(monday));
        app.finish().await;
    }
);
