//! The Kanban board over HTTP: columns by state with filters, a drop is the
//! one step that leads to the column (or a 409 naming where the card may
//! go), and another board's live stream sees the move within a second.

use crate::common::*;
use crate::fixture::*;
use crate::on_both;
use crate::sse::Sse;
use domain::events::EventKind;
use domain::perm::Module;
use serde_json::{json, Value};
use std::time::Duration;

fn column<'a>(board: &'a Value, status: &str) -> &'a Vec<Value> {
    board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == status)
        .unwrap_or_else(|| panic!("no column {status}: {board}"))["jobs"]
        .as_array()
        .unwrap()
}

async fn drop_card(c: &ApiClient, job: i64, body: Value) -> (u16, Value) {
    let res = c
        .http
        .put(format!("{}/api/v1/ppic/kanban/{job}", c.base))
        .bearer_auth(&c.token)
        .json(&body)
        .send()
        .await
        .unwrap();
    json(res).await
}

on_both!(the_board_its_filters_and_drops, |app: TestApp| async move {
    plant(&app).await;
    let planner_user = user(&app, "planner").await;
    let one = release_toy(&app, &planner_user, service::now_ms()).await;
    release_toy(&app, &planner_user, service::now_ms()).await;
    let planner = app.login("planner").await;
    let operator = app.login("operator").await;
    let (s, board) = json(planner.get("/api/v1/ppic/kanban").await).await;
    assert_eq!(s, 200, "{board}");
    let states: Vec<&str> = board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        [
            "draft",
            "approved",
            "in_progress",
            "on_hold",
            "completed",
            "cancelled"
        ]
    );
    assert_eq!(column(&board, "draft").len(), 4);
    let draft = &board["columns"][0];
    assert_eq!(
        (draft["total"].as_i64(), draft["late"].as_i64()),
        (Some(4), Some(0))
    );
    assert_eq!(
        board["work_centres"],
        json!(["WC-CUT", "WC-SEW"]),
        "{board}"
    );
    assert_eq!(
        board["orders"].as_array().unwrap().len(),
        4,
        "two toys, each with its child"
    );
    // A column lists its first `limit` cards by planned start, and counts them all.
    let (_, page) = json(planner.get("/api/v1/ppic/kanban?limit=3").await).await;
    let listed: Vec<i64> = column(&page, "draft")
        .iter()
        .map(|j| j["id"].as_i64().unwrap())
        .collect();
    let all: Vec<i64> = column(&board, "draft")
        .iter()
        .map(|j| j["id"].as_i64().unwrap())
        .collect();
    assert_eq!(listed, all[..3]);
    assert_eq!(page["columns"][0]["total"], 4);
    for bad in ["0", "1001", "x"] {
        let (s, v) = json(
            planner
                .get(&format!("/api/v1/ppic/kanban?limit={bad}"))
                .await,
        )
        .await;
        assert_eq!((s, v["field"].as_str()), (422, Some("limit")), "{bad}");
    }
    let (_, cut) = json(planner.get("/api/v1/ppic/kanban?work_centre=WC-CUT").await).await;
    assert_eq!(column(&cut, "draft").len(), 2);
    assert_eq!(
        cut["work_centres"], board["work_centres"],
        "the choices stay whole"
    );
    assert!(column(&cut, "draft")
        .iter()
        .all(|j| j["work_centre"] == "WC-CUT"));
    let toy = one["order"]["id"].as_i64().unwrap();
    let (_, mine) = json(
        planner
            .get(&format!("/api/v1/ppic/kanban?order={toy}"))
            .await,
    )
    .await;
    assert_eq!(
        column(&mine, "draft").len(),
        2,
        "the order's job and its child's"
    );
    let (s, v) = json(planner.get("/api/v1/ppic/kanban?work_centre=NOPE").await).await;
    assert_eq!((s, v["field"].as_str()), (422, Some("work_centre")));
    let (s, v) = json(planner.get("/api/v1/ppic/kanban?order=x").await).await;
    assert_eq!((s, v["field"].as_str()), (422, Some("order")));

    // Another board listens.
    let mut stream = Sse::open(&app.base, &operator.token, None).await;
    stream.hello().await;
    let job = column(&cut, "draft")[0]["id"].as_i64().unwrap();
    let version = column(&cut, "draft")[0]["version"].as_i64().unwrap();
    // A drop that no step makes: refused, naming where the card may go.
    let (s, v) = drop_card(
        &planner,
        job,
        json!({"to": "completed", "version": version}),
    )
    .await;
    assert_eq!(s, 409, "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("it may go to: Approved, Cancelled"),
        "{v}"
    );
    let (s, v) = drop_card(&planner, job, json!({"to": "done"})).await;
    assert_eq!((s, v["field"].as_str()), (422, Some("to")));
    // Operators may not approve, by drop either.
    let (s, _) = drop_card(
        &operator,
        job,
        json!({"to": "approved", "version": version}),
    )
    .await;
    assert_eq!(s, 403);
    let (s, v) = drop_card(&planner, job, json!({"to": "approved", "version": version})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("approved")), "{v}");
    let seen = stream.change(Duration::from_secs(1)).await;
    assert_eq!(
        (seen.topic, seen.id, seen.kind),
        (Module::Ppic, job, EventKind::Transitioned)
    );
    // The card as the board showed it before is stale now.
    let (s, v) = drop_card(
        &planner,
        job,
        json!({"to": "in_progress", "version": version}),
    )
    .await;
    assert_eq!(s, 409, "{v}");
    let (s, v) = drop_card(&operator, job, json!({"to": "in_progress"})).await;
    assert_eq!((s, v["status"].as_str()), (200, Some("in_progress")), "{v}");
    let seen = stream.change(Duration::from_secs(1)).await;
    assert_eq!(seen.id, job);
    let (_, board) = json(planner.get("/api/v1/ppic/kanban").await).await;
    assert_eq!(column(&board, "in_progress")[0]["id"], job);
    app.finish().await;
});
