//! The changeover suggestion: an embroidery centre's waiting jobs (their
//! designs' thread colours and hoops kept from the routing at release)
//! in a run order that cuts thread and hoop changes, with the minutes
//! saved worked out by hand; and the endpoint's fields and permission.

use crate::common::*;
use crate::fixture::*;
use crate::on_both;
use serde_json::json;

/// An embroidery centre (one 6-head machine) and four patch items, each
/// stitching one design: R (hoop H1: red, white), B (H2: blue, white),
/// R2 (H1: red, white, black), B2 (H2: blue, white).
async fn embroidery(app: &TestApp) {
    plant(app).await;
    let emb = exec(app, "INSERT INTO work_centres (code, name, kind, parallel_capacity, created_at, updated_at) VALUES ('WC-EMB', 'Embroidery', 'embroidery', 1, 0, 0) RETURNING id").await;
    exec(app, &format!("INSERT INTO machines (code, name, work_centre_id, active, created_at, stitches_per_minute, heads) VALUES ('EMB-M1', 'Tajima', {emb}, 1, 0, 800, 6) RETURNING id")).await;
    let ea = exec(app, "SELECT id FROM units WHERE code = 'EA'").await;
    for (design, hoop, colours) in [
        ("D-R", "H1", r#"["red","white"]"#),
        ("D-B", "H2", r#"["blue","white"]"#),
        ("D-R2", "H1", r#"["red","white","black"]"#),
        ("D-B2", "H2", r#"["blue","white"]"#),
    ] {
        exec(app, &format!(
            "INSERT INTO embroidery_designs (code, name, search_text, stitch_count, colour_changes, thread_colours, hoop, created_at, updated_at) \
             VALUES ('{design}', '{design}', lower('{design}'), 8000, 1, '{colours}', '{hoop}', 0, 0) RETURNING id"
        )).await;
        let item = format!("P{}", &design[2..]);
        exec(app, &format!(
            "INSERT INTO items (code, name, search_text, kind, unit_id, standard_cost_minor, attributes, created_at, updated_at) \
             VALUES ('{item}', '{item} patch', lower('{item} patch'), 'finished', {ea}, 100, '[]', 0, 0) RETURNING id"
        )).await;
    }
    let mut c = app.svc.db.write.acquire().await.unwrap();
    service::master::search::index_missing(&mut c)
        .await
        .unwrap();
    drop(c);
    let w = app.login("warehouse").await;
    for d in ["R", "B", "R2", "B2"] {
        let b = json!({"item": format!("P{d}"), "version": 1,
            "lines": [{"line_no": 1, "component": "FELT", "qty": {"kind": "fixed", "qty": "0.1"}, "scrap_bp": 0}],
            "operations": [{"seq": 1, "work_centre": "WC-EMB", "setup_minutes": "5",
                            "run": {"kind": "embroidery", "design": format!("D-{d}")}}]});
        let (s, v) = json(w.post("/api/v1/warehouse/bom", b).await).await;
        assert_eq!(s, 201, "{v}");
    }
}

on_both!(
    waiting_jobs_are_grouped_by_thread_and_hoop,
    |app: TestApp| async move {
        embroidery(&app).await;
        let planner = user(&app, "planner").await;
        let mut jobs = vec![];
        // Released R, B, R2, B2: planned in that order on the one machine.
        for d in ["R", "B", "R2", "B2"] {
            let mut input = toy("12");
            input.item = format!("P{d}");
            let mo = service::ppic::create(&app.svc, &planner, &input, None, MON_0700)
                .await
                .unwrap();
            let r = service::ppic::release(&app.svc, &planner, mo.order.id, None, MON_0700)
                .await
                .unwrap();
            jobs.push(r.jobs[0].id);
        }
        // A job's design is kept from its routing step; others have none.
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM jobs WHERE design_id IS NOT NULL"
            )
            .await,
            4
        );
        let c = app.login("planner").await;
        let (s, v) = json(c.get("/api/v1/ppic/changeover").await).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["thread_change_minutes"], 3);
        assert_eq!(v["hoop_change_minutes"], 15);
        let lanes = v["lanes"].as_array().unwrap();
        assert_eq!(lanes.len(), 1, "only the embroidery centre: {v}");
        let lane = &lanes[0];
        assert_eq!(lane["work_centre"], "WC-EMB");
        let planned: Vec<i64> = lane["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j["id"].as_i64().unwrap())
            .collect();
        assert_eq!(planned, jobs, "listed in the order planned");
        assert_eq!(lane["jobs"][2]["colours"], json!(["red", "white", "black"]));
        assert_eq!(lane["jobs"][1]["hoop"], "H2");
        assert_eq!(lane["jobs"][0]["design"], "D-R");
        assert_eq!(lane["jobs"][0]["item"], "PR");
        // As planned: R 2×3+15 = 21, B 3+15 = 18, R2 2×3+15 = 21, B2 3+15
        // = 18: 78 min. Suggested R, R2 (black: 3), B (blue and the hoop:
        // 18), B2 (nothing): 21+3+18+0 = 42, which loads each of the four
        // colours once and changes the hoop once: no order does better.
        let seq = &lane["sequence"];
        assert_eq!(seq["minutes_before"], 78, "{seq}");
        assert_eq!(seq["minutes_after"], 42, "{seq}");
        assert_eq!(seq["saved"], 36);
        assert_eq!(seq["order"], json!([jobs[0], jobs[2], jobs[1], jobs[3]]));

        // A started job no longer waits: it leaves the suggestion.
        let op = app.login("operator").await;
        for step in ["approve", "start"] {
            let who = if step == "approve" { &c } else { &op };
            let (s, v) = json(
                who.post(&format!("/api/v1/ppic/tasks/{}/{step}", jobs[0]), json!({}))
                    .await,
            )
            .await;
            assert_eq!(s, 200, "{step}: {v}");
        }
        let (_, v) = json(c.get("/api/v1/ppic/changeover?work_centre=WC-EMB").await).await;
        assert_eq!(v["lanes"][0]["jobs"].as_array().unwrap().len(), 3, "{v}");

        // Another centre's filter: no embroidery jobs there.
        let (s, v) = json(c.get("/api/v1/ppic/changeover?work_centre=WC-SEW").await).await;
        assert_eq!((s, v["lanes"].as_array().unwrap().len()), (200, 0), "{v}");
        // Fields and permission.
        let (s, v) = json(c.get("/api/v1/ppic/changeover?work_centre=NOPE").await).await;
        assert_eq!((s, v["field"].as_str()), (422, Some("work_centre")), "{v}");
        let outsider = app.login("warehouse").await;
        let (s, _) = json(outsider.get("/api/v1/ppic/changeover").await).await;
        assert_eq!(s, 403);
        app.finish().await;
    }
);
