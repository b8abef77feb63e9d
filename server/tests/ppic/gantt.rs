//! The Gantt chart: the plan as lanes, bars and windows over HTTP, and a
//! drag checked against predecessors, the calendar, capacity and
//! maintenance (refused with the reason), moving the jobs that wait for
//! the dragged one with it, pinned where it was put, applied once.

use crate::common::*;
use crate::fixture::*;
use crate::on_both;
use domain::ppic::GanttMoveInput;
use serde_json::{json, Value};

async fn put_move(c: &ApiClient, job: i64, key: &str, body: Value) -> (u16, Value) {
    let res = c
        .http
        .put(format!("{}/api/v1/ppic/gantt/{job}", c.base))
        .bearer_auth(&c.token)
        .header("Idempotency-Key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    json(res).await
}

fn drag(start: &str, centre: Option<&str>) -> GanttMoveInput {
    GanttMoveInput {
        start: start.into(),
        work_centre: centre.map(Into::into),
        version: None,
    }
}

/// Two TOY orders released Monday 07:00: arms cut side by side Monday
/// 05:00–05:30 UTC; sewing (closed Monday) Tuesday 05:00–05:50 and
/// 05:50–06:40. Answers (cut A, sew A, cut B, sew B).
pub(crate) async fn two_orders(app: &TestApp) -> (i64, i64, i64, i64) {
    plant(app).await;
    let planner = user(app, "planner").await;
    let one = release_toy(app, &planner, MON_0700).await;
    let two = release_toy(app, &planner, MON_0700).await;
    let sew = |d: &Value| d["jobs"][0]["id"].as_i64().unwrap();
    let child = |d: &Value| d["children"][0]["id"].as_i64().unwrap();
    (
        job_of(app, child(&one)).await,
        sew(&one),
        job_of(app, child(&two)).await,
        sew(&two),
    )
}

fn conflict(r: Result<domain::ppic::GanttMoved, service::ServiceError>) -> String {
    match r.map_err(|e| e.into_app()) {
        Err(domain::AppError::Conflict { message }) => message,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

on_both!(
    the_chart_shows_lanes_bars_and_windows,
    |app: TestApp| async move {
        let (cut_a, sew_a, _, _) = two_orders(&app).await;
        exec(
        &app,
        &format!(
            "INSERT INTO maintenance_requests (machine_id, kind, priority, title, status, reported_by, created_at, updated_at, \
             response_target_ms, resolution_target_ms, planned_start, estimated_minutes) VALUES \
             ((SELECT id FROM machines WHERE code = 'SEW-M1'), 'preventive', 'medium', 'oil the hook', 'open', 1, {MON_0700}, {MON_0700}, \
             3600000, 86400000, {}, 120) RETURNING id",
            MON_0700 + 2 * DAY
        ),
    )
    .await;
        let planner = app.login("planner").await;
        let (s, g) = json(
            planner
                .get("/api/v1/ppic/gantt?from=2026-12-07&days=7")
                .await,
        )
        .await;
        assert_eq!(s, 200, "{g}");
        // Johannesburg midnight to midnight.
        assert_eq!(at(g["from"].as_i64().unwrap()), "2026-12-06T22:00:00Z");
        assert_eq!(at(g["to"].as_i64().unwrap()), "2026-12-13T22:00:00Z");
        let lanes: Vec<(&str, &str, i64)> = g["lanes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["code"].as_str().unwrap(),
                    l["kind"].as_str().unwrap(),
                    l["slots"].as_i64().unwrap(),
                )
            })
            .collect();
        assert!(lanes.contains(&("WC-CUT", "cutting", 2)), "{lanes:?}");
        assert!(lanes.contains(&("WC-SEW", "sewing", 1)), "{lanes:?}");
        let bars = g["bars"].as_array().unwrap();
        assert_eq!(bars.len(), 4, "{g}");
        let bar = |id: i64| bars.iter().find(|b| b["id"] == id).unwrap();
        assert_eq!(bar(sew_a)["after"], json!([cut_a]), "the dependency drawn");
        assert_eq!(bar(sew_a)["work_centre"], "WC-SEW");
        assert_eq!(
            at(bar(sew_a)["planned_start"].as_i64().unwrap()),
            "2026-12-08T05:00:00Z"
        );
        // (The demo plant's own breakdowns shade its own centres.)
        let sew: Vec<&Value> = g["windows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| w["work_centre"] == "WC-SEW")
            .collect();
        assert_eq!(sew.len(), 1, "{g}");
        let w = sew[0];
        assert_eq!(w["kind"], "maintenance");
        assert_eq!(at(w["start"].as_i64().unwrap()), "2026-12-09T05:00:00Z");
        assert_eq!(at(w["end"].as_i64().unwrap()), "2026-12-09T07:00:00Z");
        assert_eq!(w["label"], "SEW-M1: oil the hook");
        // A window without those days shows none of them.
        let (_, later) = json(
            planner
                .get("/api/v1/ppic/gantt?from=2026-12-14&days=3")
                .await,
        )
        .await;
        assert_eq!(later["bars"], json!([]));
        for (q, field) in [
            ("days=0", "days"),
            ("days=63", "days"),
            ("days=x", "days"),
            ("from=07-12-2026", "from"),
        ] {
            let (s, e) = json(planner.get(&format!("/api/v1/ppic/gantt?{q}")).await).await;
            assert_eq!((s, e["field"].as_str()), (422, Some(field)), "{q}: {e}");
        }
        app.finish().await;
    }
);

on_both!(
    a_drag_moves_what_waits_and_pins_the_job,
    |app: TestApp| async move {
        let (cut_a, sew_a, cut_b, sew_b) = two_orders(&app).await;
        let planner = user(&app, "planner").await;
        // Cut A to Monday 12:40 UTC: 20 minutes before cutting closes at 13:00,
        // the other 10 on Tuesday from 05:00. Sewing A, which waits for it,
        // cannot start at 05:00 any more; sewing B holds 05:50–06:40 and does not
        // wait for A, so sewing A goes after it: 06:40–07:30.
        let m = service::ppic::move_job(
            &app.svc,
            &planner,
            cut_a,
            &drag("2026-12-07T12:40:00Z", None),
            Some("drag-cut-a-1"),
            MON_0700,
        )
        .await
        .unwrap();
        assert_eq!(at(m.moved.planned_start.unwrap()), "2026-12-07T12:40:00Z");
        assert_eq!(at(m.moved.planned_end.unwrap()), "2026-12-08T05:10:00Z");
        assert!(m.moved.pinned);
        assert_eq!(
            m.followers.iter().map(|j| j.id).collect::<Vec<_>>(),
            [sew_a]
        );
        assert_eq!(
            planned(&app, sew_a).await,
            ("2026-12-08T06:40:00Z".into(), "2026-12-08T07:30:00Z".into())
        );
        assert_eq!(
            planned(&app, sew_b).await,
            ("2026-12-08T05:50:00Z".into(), "2026-12-08T06:40:00Z".into()),
            "work that does not wait for it stays"
        );
        // Applied once: the same key answers the same, nothing written twice.
        let again = service::ppic::move_job(
            &app.svc,
            &planner,
            cut_a,
            &drag("2026-12-07T12:40:00Z", None),
            Some("drag-cut-a-1"),
            MON_0700,
        )
        .await
        .unwrap();
        assert_eq!(again, m);
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'ppic.job.move'"
            )
            .await,
            1
        );
        assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM events WHERE topic = 'ppic' AND entity_id = {cut_a} AND kind = 'updated'")
        )
        .await,
        1
    );
        // Refusals name the reason, and change nothing. Each drag is checked
        // against the plan as it stands (planned again first): there, sewing A
        // follows its cut at 05:10–06:00 and sewing B runs 06:00–06:50.
        let refuse = |job: i64, start: &'static str, centre: Option<&'static str>| {
            let planner = planner.clone();
            let svc = app.svc.clone();
            async move {
                conflict(
                    service::ppic::move_job(
                        &svc,
                        &planner,
                        job,
                        &drag(start, centre),
                        None,
                        MON_0700,
                    )
                    .await,
                )
            }
        };
        let msg = refuse(sew_a, "2026-12-08T05:00:00Z", None).await;
        assert!(
            msg.contains(&format!("before job {cut_a} ends at Tue 8 Dec 07:10")),
            "{msg}"
        );
        let msg = refuse(sew_b, "2026-12-07T08:00:00Z", None).await;
        assert!(
            msg.contains("WC-SEW is closed at Mon 7 Dec 10:00"),
            "the holiday, in plant terms: {msg}"
        );
        let msg = refuse(sew_b, "2026-12-08T05:30:00Z", None).await;
        assert!(
            msg.contains("full capacity"),
            "sewing A holds the one slot: {msg}"
        );
        let msg = refuse(cut_b, "2026-12-08T05:00:00Z", Some("WC-SEW")).await;
        assert!(msg.contains("WC-SEW is a sewing centre"), "{msg}");
        // A breakdown on the sewing machine Wednesday 05:00–07:00 takes its one slot.
        exec(
        &app,
        &format!(
            "INSERT INTO maintenance_requests (machine_id, kind, priority, title, status, reported_by, created_at, updated_at, \
             response_target_ms, resolution_target_ms, planned_start, estimated_minutes) VALUES \
             ((SELECT id FROM machines WHERE code = 'SEW-M1'), 'preventive', 'medium', 'oil the hook', 'open', {}, {MON_0700}, {MON_0700}, \
             3600000, 86400000, {}, 120) RETURNING id",
            planner.id,
            MON_0700 + 2 * DAY
        ),
    )
    .await;
        let msg = refuse(sew_b, "2026-12-09T06:00:00Z", None).await;
        assert!(
            msg.contains("maintenance takes WC-SEW from Wed 9 Dec 07:00 to Wed 9 Dec 09:00"),
            "{msg}"
        );
        assert_eq!(
            planned(&app, sew_b).await,
            ("2026-12-08T05:50:00Z".into(), "2026-12-08T06:40:00Z".into())
        );
        // A later re-plan (a step on another job) plans around the pinned job.
        service::ppic::step(
            &app.svc,
            &planner,
            cut_b,
            "approve",
            &Default::default(),
            None,
            MON_0700,
        )
        .await
        .unwrap();
        assert_eq!(
            planned(&app, cut_a).await,
            ("2026-12-07T12:40:00Z".into(), "2026-12-08T05:10:00Z".into())
        );
        // A started job is not dragged.
        service::ppic::step(
            &app.svc,
            &planner,
            cut_b,
            "start",
            &Default::default(),
            None,
            MON_0700,
        )
        .await
        .unwrap();
        let msg = refuse(cut_b, "2026-12-07T09:00:00Z", None).await;
        assert!(msg.contains("only a job not started"), "{msg}");
        app.finish().await;
    }
);

on_both!(
    drags_over_http_fields_permissions_versions,
    |app: TestApp| async move {
        let (cut_a, sew_a, _, _) = two_orders(&app).await;
        let planner = app.login("planner").await;
        let version = exec(
            &app,
            &format!("SELECT version FROM jobs WHERE id = {cut_a}"),
        )
        .await;
        // Far enough ahead for any clock this runs on: a Tuesday, both open.
        let (s, m) = put_move(
            &planner,
            cut_a,
            "gantt-http-1",
            json!({"start": "2027-01-05T06:00:00Z", "version": version}),
        )
        .await;
        assert_eq!(s, 200, "{m}");
        assert_eq!(
            at(m["moved"]["planned_end"].as_i64().unwrap()),
            "2027-01-05T06:30:00Z"
        );
        assert_eq!(m["followers"][0]["id"], sew_a);
        assert_eq!(
            at(m["followers"][0]["planned_start"].as_i64().unwrap()),
            "2027-01-05T06:30:00Z"
        );
        // The version it was dragged at is gone now.
        let (s, e) = put_move(
            &planner,
            cut_a,
            "gantt-http-2",
            json!({"start": "2027-01-05T07:00:00Z", "version": version}),
        )
        .await;
        assert_eq!(s, 409, "{e}");
        assert!(
            e["message"].as_str().unwrap().contains("changed since"),
            "{e}"
        );
        for (body, field) in [
            (json!({"start": "tomorrow"}), "start"),
            (
                json!({"start": "2027-01-05T07:00:00Z", "work_centre": "NOPE"}),
                "work_centre",
            ),
            (
                json!({"start": "2027-01-05T07:00:00Z", "version": -1}),
                "version",
            ),
        ] {
            let (s, e) = put_move(&planner, sew_a, "gantt-http-3", body.clone()).await;
            assert_eq!((s, e["field"].as_str()), (422, Some(field)), "{body}: {e}");
        }
        let (s, _) = put_move(
            &planner,
            999_999,
            "gantt-http-4",
            json!({"start": "2027-01-05T07:00:00Z"}),
        )
        .await;
        assert_eq!(s, 404);
        let operator = app.login("operator").await;
        let (s, _) = put_move(
            &operator,
            sew_a,
            "gantt-http-6",
            json!({"start": "2027-01-06T07:00:00Z"}),
        )
        .await;
        assert_eq!(
            s, 403,
            "operators step their jobs; they do not re-plan the floor"
        );
        let (s, e) = put_move(
            &planner,
            sew_a,
            "gantt-http-7",
            json!({"start": "2099-01-06T07:00:00Z"}),
        )
        .await;
        assert_eq!((s, e["field"].as_str()), (422, Some("start")), "{e}");
        let quality = app.login("quality").await;
        let (s, _) = put_move(
            &quality,
            sew_a,
            "gantt-http-5",
            json!({"start": "2027-01-06T07:00:00Z"}),
        )
        .await;
        assert_eq!(s, 403);
        let (s, _) = json(quality.get("/api/v1/ppic/gantt").await).await;
        assert_eq!(s, 200, "anyone who may see the plan sees the chart");
        app.finish().await;
    }
);

/// The demo plant (with its plan) starts with BOMs for the bear and its
/// body and two released orders planned on the real calendars: the
/// Gantt, the Kanban board and the analytics have work to show.
async fn demo_plan(backend: Backend) {
    let Some(app) = TestApp::spawn_with(backend, |c, _| c.demo_plan = true).await else {
        return;
    };
    assert_eq!(count(&app, "SELECT COUNT(*) FROM boms").await, 2);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM manufacturing_orders WHERE status = 'released' AND parent_id IS NULL").await,
        2
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM manufacturing_orders WHERE parent_id IS NOT NULL"
        )
        .await,
        2,
        "a sewn body per released bear order"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM jobs WHERE planned_start IS NULL"
        )
        .await,
        0
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM jobs").await, 12);
    let planner = app.login("planner").await;
    let (s, g) = json(planner.get("/api/v1/ppic/gantt?days=28").await).await;
    assert_eq!(s, 200, "{g}");
    assert_eq!(g["bars"].as_array().unwrap().len(), 12, "{g}");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_plant_has_a_plan_sqlite() {
    demo_plan(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_plant_has_a_plan_postgres() {
    demo_plan(Backend::Postgres).await;
}
