//! A job's life over HTTP: every step from each state (the illegal ones
//! answer 409 naming the state and the allowed steps), who may take them,
//! labour with two people on one job, quantities, the order following its
//! jobs, batches that apply all or nothing, concurrent and retried steps.

use crate::common::*;
use crate::fixture::*;
use crate::on_both;
use serde_json::{json, Value};

const ACTIONS: [&str; 6] = ["approve", "start", "pause", "resume", "complete", "cancel"];

async fn step(c: &ApiClient, job: i64, action: &str, body: Value) -> (u16, Value) {
    json(
        c.post(&format!("/api/v1/ppic/tasks/{job}/{action}"), body)
            .await,
    )
    .await
}

/// Every step but `allowed` is refused from the job's current state, which
/// the refusal names, and nothing changes.
async fn refuses_all_but(app: &TestApp, c: &ApiClient, job: i64, state: &str, allowed: &[&str]) {
    let moves = app.count("job_moves").await;
    for action in ACTIONS.iter().filter(|a| !allowed.contains(a)) {
        let (s, v) = step(c, job, action, json!({})).await;
        assert_eq!(s, 409, "{action} from {state}: {v}");
        let want = format!(
            "cannot {action}: job is {state}; allowed: {}",
            if allowed.is_empty() {
                "none".to_string()
            } else {
                allowed.join(", ")
            }
        );
        assert!(
            v["message"].as_str().unwrap().starts_with(&want),
            "{v} / {want}"
        );
    }
    assert_eq!(app.count("job_moves").await, moves);
    let status: String = sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1")
        .bind(job)
        .fetch_one(&app.svc.db.read)
        .await
        .unwrap();
    assert_eq!(status, state);
}

async fn open_labour(app: &TestApp, job: i64) -> i64 {
    count(
        app,
        &format!("SELECT COUNT(*) FROM labour_entries WHERE job_id = {job} AND ended_at IS NULL"),
    )
    .await
}

async fn mo_status(app: &TestApp, mo: i64) -> String {
    sqlx::query_scalar("SELECT status FROM manufacturing_orders WHERE id = $1")
        .bind(mo)
        .fetch_one(&app.svc.db.read)
        .await
        .unwrap()
}

on_both!(a_job_through_its_whole_life, |app: TestApp| async move {
    plant(&app).await;
    let planner_user = user(&app, "planner").await;
    let d = release_toy(&app, &planner_user, service::now_ms()).await;
    let arm_mo = d["children"][0]["id"].as_i64().unwrap();
    let cut = job_of(&app, arm_mo).await;
    let planner = app.login("planner").await;
    let operator = app.login("operator").await;
    let supervisor = app.login("supervisor").await;

    refuses_all_but(&app, &planner, cut, "draft", &["approve", "cancel"]).await;
    // Approving needs APPROVE: operators cannot.
    let (s, _) = step(&operator, cut, "approve", json!({})).await;
    assert_eq!(s, 403);
    let (s, v) = step(&planner, cut, "approve", json!({})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("approved")), "{v}");
    refuses_all_but(&app, &planner, cut, "approved", &["start", "cancel"]).await;
    // The operator starts it: clocked on; the arm order is now in progress.
    let (s, v) = step(&operator, cut, "start", json!({})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("in_progress")), "{v}");
    assert_eq!(open_labour(&app, cut).await, 1);
    assert_eq!(mo_status(&app, arm_mo).await, "in_progress");
    refuses_all_but(
        &app,
        &planner,
        cut,
        "in_progress",
        &["pause", "complete", "cancel"],
    )
    .await;
    // A second person clocks on to the same job.
    let (s, v) = json(
        supervisor
            .post(&format!("/api/v1/ppic/tasks/{cut}/clock-on"), json!({}))
            .await,
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(open_labour(&app, cut).await, 2);
    // On hold: everyone is clocked off.
    let (s, v) = step(
        &operator,
        cut,
        "pause",
        json!({"note": "waiting for the knife"}),
    )
    .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("on_hold")), "{v}");
    assert_eq!(open_labour(&app, cut).await, 0);
    refuses_all_but(&app, &planner, cut, "on_hold", &["resume", "cancel"]).await;
    let (s, v) = json(
        supervisor
            .post(&format!("/api/v1/ppic/tasks/{cut}/clock-on"), json!({}))
            .await,
    )
    .await;
    assert_eq!(s, 409, "{v}");
    let (s, _) = step(&operator, cut, "resume", json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(open_labour(&app, cut).await, 1);
    // Quantities too large to add up are refused, not a server error.
    let huge =
        json!({"quantities": [{"variant": "", "good": "9223372036854", "scrap": "9223372036854"}]});
    let (s, v) = step(&operator, cut, "complete", huge).await;
    assert_eq!(
        (s, v["field"].as_str()),
        (422, Some("quantities[0].good")),
        "{v}"
    );
    // More than the job makes is refused, and nothing is written.
    let (s, v) = step(
        &operator,
        cut,
        "complete",
        json!({"quantities": [{"variant": "", "good": "19", "scrap": "2"}]}),
    )
    .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (422, Some("quantities[0].good")),
        "{v}"
    );
    let (s, v) = step(
        &operator,
        cut,
        "complete",
        json!({"quantities": [{"variant": "size=M", "good": "1"}]}),
    )
    .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (422, Some("quantities[0].variant")),
        "{v}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM job_reports").await, 0);
    let (s, v) = step(
        &operator,
        cut,
        "complete",
        json!({"quantities": [{"variant": "", "good": "19", "scrap": "1"}]}),
    )
    .await;
    assert_eq!((s, v["status"].as_str()), (200, Some("completed")), "{v}");
    assert_eq!(
        (v["good"].as_str(), v["scrap"].as_str()),
        (Some("19"), Some("1"))
    );
    assert_eq!(open_labour(&app, cut).await, 0);
    refuses_all_but(&app, &planner, cut, "completed", &[]).await;
    // Its order had one job: completed, with what it made.
    assert_eq!(mo_status(&app, arm_mo).await, "completed");
    let (_, arm) = json(planner.get(&format!("/api/v1/ppic/orders/{arm_mo}")).await).await;
    assert_eq!(arm["order"]["good"], "19");
    // Each move recorded: who, when, from, to.
    let moves: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT action, from_status, to_status FROM job_moves WHERE job_id = $1 ORDER BY id",
    )
    .bind(cut)
    .fetch_all(&app.svc.db.read)
    .await
    .unwrap();
    let moves: Vec<String> = moves
        .iter()
        .map(|(a, f, t)| format!("{a}:{f}>{t}"))
        .collect();
    assert_eq!(
        moves,
        [
            "approve:draft>approved",
            "start:approved>in_progress",
            "pause:in_progress>on_hold",
            "resume:on_hold>in_progress",
            "complete:in_progress>completed"
        ]
    );
    // Labour: the operator twice (start, resume), the supervisor once.
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM labour_entries WHERE job_id = {cut}")
        )
        .await,
        3
    );
    // A draft job may be cancelled by a planner only.
    let sew = d["jobs"][0]["id"].as_i64().unwrap();
    let (s, _) = step(&operator, sew, "cancel", json!({})).await;
    assert_eq!(s, 403);
    let (s, v) = step(&planner, sew, "cancel", json!({})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("cancelled")), "{v}");
    refuses_all_but(&app, &planner, sew, "cancelled", &[]).await;
    let (s, v) = step(&planner, sew, "finish", json!({})).await;
    assert_eq!((s, v["field"].as_str()), (422, Some("action")), "{v}");
    app.finish().await;
});

on_both!(a_batch_applies_all_or_nothing, |app: TestApp| async move {
    plant(&app).await;
    let planner_user = user(&app, "planner").await;
    let one = release_toy(&app, &planner_user, service::now_ms()).await;
    let two = release_toy(&app, &planner_user, service::now_ms()).await;
    let (a, b) = (
        one["jobs"][0]["id"].as_i64().unwrap(),
        two["jobs"][0]["id"].as_i64().unwrap(),
    );
    let planner = app.login("planner").await;
    let moves = app.count("job_moves").await;
    // The last item cannot start a draft: nothing of the batch is applied.
    let bad = json!({"items": [
        {"id": a, "action": "approve"}, {"id": b, "action": "approve"},
        {"id": a, "action": "start"}, {"id": b, "action": "complete"}
    ]});
    let (s, v) = json(planner.post("/api/v1/ppic/tasks/batch", bad).await).await;
    assert_eq!(s, 409, "{v}");
    let msg = v["message"].as_str().unwrap();
    assert!(
        msg.starts_with(&format!(
            "items[3] (job {b}): cannot complete: job is approved"
        )),
        "{msg}"
    );
    assert_eq!(app.count("job_moves").await, moves);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM jobs WHERE id IN ({a}, {b}) AND status = 'draft'")
        )
        .await,
        2
    );
    // A malformed item is named, an unknown job too.
    let (s, v) = json(
        planner
            .post(
                "/api/v1/ppic/tasks/batch",
                json!({"items": [{"id": a, "action": "approve"}, {"id": b, "action": "go"}]}),
            )
            .await,
    )
    .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (422, Some("items[1].action")),
        "{v}"
    );
    let (s, v) = json(planner.post("/api/v1/ppic/tasks/batch", json!({"items": [{"id": a, "action": "approve"}, {"id": 999999, "action": "approve"}]})).await).await;
    assert_eq!(s, 404, "{v}");
    assert!(v["message"].as_str().unwrap().contains("items[1]"), "{v}");
    assert_eq!(app.count("job_moves").await, moves);
    // The good batch: every step, in order; retried with its key, applied once.
    let good = json!({"items": [{"id": a, "action": "approve"}, {"id": b, "action": "approve"}, {"id": a, "action": "start"}]});
    let (s1, r1) = json(
        planner
            .post_idem("/api/v1/ppic/tasks/batch", "batch-key-1", good.clone())
            .await,
    )
    .await;
    let (s2, r2) = json(
        planner
            .post_idem("/api/v1/ppic/tasks/batch", "batch-key-1", good)
            .await,
    )
    .await;
    assert_eq!((s1, s2), (200, 200), "{r1}");
    assert_eq!(r1, r2);
    assert_eq!(r1[0]["status"], "in_progress");
    assert_eq!(r1[1]["status"], "approved");
    assert_eq!(app.count("job_moves").await, moves + 3);
    // Operators may not approve in a batch either.
    let operator = app.login("operator").await;
    let (s, _) = json(
        operator
            .post(
                "/api/v1/ppic/tasks/batch",
                json!({"items": [{"id": b, "action": "cancel"}]}),
            )
            .await,
    )
    .await;
    assert_eq!(s, 403);
    app.finish().await;
});

on_both!(
    concurrent_and_retried_steps_apply_once,
    |app: TestApp| async move {
        plant(&app).await;
        let planner_user = user(&app, "planner").await;
        let d = release_toy(&app, &planner_user, service::now_ms()).await;
        let job = d["jobs"][0]["id"].as_i64().unwrap();
        let planner = app.login("planner").await;
        let (s, v) = step(&planner, job, "approve", json!({})).await;
        assert_eq!(s, 200);
        // A step decided on an old version is refused.
        let (s, stale) = step(
            &planner,
            job,
            "start",
            json!({"version": v["version"].as_i64().unwrap() - 1}),
        )
        .await;
        assert_eq!(s, 409, "{stale}");
        // Eight starts at once, each with its own key: one applies.
        let mut tasks = Vec::new();
        for i in 0..8 {
            let c = ApiClient {
                base: planner.base.clone(),
                token: planner.token.clone(),
                http: planner.http.clone(),
            };
            tasks.push(tokio::spawn(async move {
                json(
                    c.post_idem(
                        &format!("/api/v1/ppic/tasks/{job}/start"),
                        &format!("start-key-{i}"),
                        json!({}),
                    )
                    .await,
                )
                .await
                .0
            }));
        }
        let mut codes = Vec::new();
        for t in tasks {
            codes.push(t.await.unwrap());
        }
        codes.sort();
        assert_eq!(codes, [200, 409, 409, 409, 409, 409, 409, 409]);
        assert_eq!(
            count(
                &app,
                &format!(
                    "SELECT COUNT(*) FROM job_moves WHERE job_id = {job} AND action = 'start'"
                )
            )
            .await,
            1
        );
        // A retried pause with its key: the first answer, applied once.
        let path = format!("/api/v1/ppic/tasks/{job}/pause");
        let (s1, a) = json(planner.post_idem(&path, "pause-key-1", json!({})).await).await;
        let (s2, b) = json(planner.post_idem(&path, "pause-key-1", json!({})).await).await;
        assert_eq!((s1, s2), (200, 200));
        assert_eq!(a, b);
        assert_eq!(
            count(
                &app,
                &format!(
                    "SELECT COUNT(*) FROM job_moves WHERE job_id = {job} AND action = 'pause'"
                )
            )
            .await,
            1
        );
        app.finish().await;
    }
);
