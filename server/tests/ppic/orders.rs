//! Manufacturing orders: made by hand, released into jobs, child orders and
//! material lists from a two-level BOM, and planned on shift calendars (a
//! holiday, parallel capacity, a breakdown) against times worked out by
//! hand; field errors, permissions, retries.

use crate::common::*;
use crate::fixture::*;
use crate::on_both;
use serde_json::{json, Value};

on_both!(
    release_makes_jobs_child_orders_and_a_plan,
    |app: TestApp| async move {
        plant(&app).await;
        let planner = user(&app, "planner").await;
        let d = release_toy(&app, &planner, MON_0700).await;
        assert_eq!(d["order"]["status"], "released");
        assert_eq!(d["order"]["qty"], "10");
        // One job for the one operation: 20 + 10 × 3 minutes.
        let jobs = d["jobs"].as_array().unwrap();
        assert_eq!(jobs.len(), 1, "{d}");
        assert_eq!(jobs[0]["work_centre"], "WC-SEW");
        assert_eq!(jobs[0]["minutes"], 50);
        assert_eq!(jobs[0]["status"], "draft");
        // The arm is a child order of 20 (two per toy) with its own cutting job.
        let children = d["children"].as_array().unwrap();
        assert_eq!(children.len(), 1);
        assert_eq!(children[0]["item"], "ARM");
        assert_eq!(children[0]["qty"], "20");
        assert_eq!(children[0]["status"], "released");
        let child_id = children[0]["id"].as_i64().unwrap();
        let planner_api = app.login("planner").await;
        let (s, child) = json(
            planner_api
                .get(&format!("/api/v1/ppic/orders/{child_id}"))
                .await,
        )
        .await;
        assert_eq!(s, 200, "{child}");
        assert_eq!(child["order"]["parent_id"], d["order"]["id"]);
        let cut = &child["jobs"][0];
        assert_eq!(
            (cut["work_centre"].as_str(), cut["minutes"].as_i64()),
            (Some("WC-CUT"), Some(30))
        );
        // The sewing job waits for the cutting job.
        assert_eq!(jobs[0]["after"], json!([cut["id"]]));
        // Materials: the toy's own felt (10 × 1 m) and the arms' (20 × 0.5 m).
        assert_eq!(
            d["materials"],
            json!([{"item": "FELT", "item_name": "FELT part", "variant": "", "qty": "10", "unit": "M"}])
        );
        assert_eq!(child["materials"][0]["qty"], "10");
        // Planned by hand: cutting opens Monday 07:00 (05:00 UTC), 30 min;
        // sewing is closed Monday (a holiday), so Tuesday 07:00, 50 min.
        assert_eq!(
            at(cut["planned_start"].as_i64().unwrap()),
            "2026-12-07T05:00:00Z"
        );
        assert_eq!(
            at(cut["planned_end"].as_i64().unwrap()),
            "2026-12-07T05:30:00Z"
        );
        assert_eq!(
            at(jobs[0]["planned_start"].as_i64().unwrap()),
            "2026-12-08T05:00:00Z"
        );
        assert_eq!(
            at(jobs[0]["planned_end"].as_i64().unwrap()),
            "2026-12-08T05:50:00Z"
        );
        assert_eq!(d["order"]["late"], false);
        // The BOM versions used are frozen.
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM boms WHERE frozen_at IS NULL").await,
            0
        );
        // Audited, with an event in the same transaction.
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'ppic.release'"
            )
            .await,
            1
        );
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM events WHERE topic = 'ppic'").await,
            2
        );
        app.finish().await;
    }
);

on_both!(
    parallel_capacity_queues_and_a_breakdown_shifts_the_plan,
    |app: TestApp| async move {
        plant(&app).await;
        let planner = user(&app, "planner").await;
        let one = release_toy(&app, &planner, MON_0700).await;
        let two = release_toy(&app, &planner, MON_0700).await;
        let job = |d: &Value| d["jobs"][0]["id"].as_i64().unwrap();
        let cut_of = |d: &Value| d["children"][0]["id"].as_i64().unwrap();
        // Cutting runs two at once: both arms' jobs at 05:00; sewing one at a time.
        let (c1, c2) = (
            job_of(&app, cut_of(&one)).await,
            job_of(&app, cut_of(&two)).await,
        );
        assert_eq!(
            planned(&app, c1).await,
            ("2026-12-07T05:00:00Z".into(), "2026-12-07T05:30:00Z".into())
        );
        assert_eq!(
            planned(&app, c2).await,
            ("2026-12-07T05:00:00Z".into(), "2026-12-07T05:30:00Z".into())
        );
        assert_eq!(
            planned(&app, job(&one)).await,
            ("2026-12-08T05:00:00Z".into(), "2026-12-08T05:50:00Z".into())
        );
        assert_eq!(
            planned(&app, job(&two)).await,
            ("2026-12-08T05:50:00Z".into(), "2026-12-08T06:40:00Z".into())
        );
        // A third order: cutting is full until 05:30.
        let three = release_toy(&app, &planner, MON_0700).await;
        let c3 = job_of(&app, cut_of(&three)).await;
        assert_eq!(
            planned(&app, c3).await,
            ("2026-12-07T05:30:00Z".into(), "2026-12-07T06:00:00Z".into())
        );
        assert_eq!(
            planned(&app, job(&three)).await,
            ("2026-12-08T06:40:00Z".into(), "2026-12-08T07:30:00Z".into())
        );
        // The sewing machine breaks down Tuesday 06:00 for an estimated 2 hours:
        // its one slot is gone until 08:00, and the next change of the plan
        // moves Tuesday's sewing after it (the first job, 05:00–05:50, fits
        // before; the second and third do not).
        exec(
        &app,
        &format!(
            "INSERT INTO maintenance_requests (machine_id, kind, priority, title, status, reported_by, created_at, updated_at, \
             response_target_ms, resolution_target_ms, estimated_minutes) VALUES \
             ((SELECT id FROM machines WHERE code = 'SEW-M1'), 'breakdown', 'high', 'needle bar', 'open', {}, {}, {}, 60000, 14400000, 120) RETURNING id",
            planner.id,
            MON_0700 + DAY + 60 * MIN,
            MON_0700 + DAY + 60 * MIN,
        ),
    )
    .await;
        let four = release_toy(&app, &planner, MON_0700).await;
        assert_eq!(
            planned(&app, job(&one)).await,
            ("2026-12-08T05:00:00Z".into(), "2026-12-08T05:50:00Z".into())
        );
        assert_eq!(
            planned(&app, job(&two)).await,
            ("2026-12-08T08:00:00Z".into(), "2026-12-08T08:50:00Z".into())
        );
        assert_eq!(
            planned(&app, job(&three)).await,
            ("2026-12-08T08:50:00Z".into(), "2026-12-08T09:40:00Z".into())
        );
        assert_eq!(
            planned(&app, job(&four)).await,
            ("2026-12-08T09:40:00Z".into(), "2026-12-08T10:30:00Z".into())
        );
        app.finish().await;
    }
);

on_both!(
    bad_input_permissions_and_retries,
    |app: TestApp| async move {
        plant(&app).await;
        let planner = app.login("planner").await;
        let before = app.count("manufacturing_orders").await;
        for (body, field) in [
            (
                json!({"item": "TOY", "variants": [{"variant": "", "qty": "0"}], "due_date": "2026-12-11"}),
                "variants[0].qty",
            ),
            (
                json!({"item": "TOY", "variants": [], "due_date": "2026-12-11"}),
                "variants",
            ),
            (
                json!({"item": "TOY", "variants": [{"qty": "1"}], "due_date": "11/12/2026"}),
                "due_date",
            ),
            (
                json!({"item": "NOPE", "variants": [{"qty": "1"}], "due_date": "2026-12-11"}),
                "item",
            ),
            (
                json!({"item": "LOOSE", "variants": [{"qty": "1"}], "due_date": "2026-12-11"}),
                "item",
            ),
        ] {
            let (s, v) = json(planner.post("/api/v1/ppic/orders", body).await).await;
            assert_eq!(s, 422, "{v}");
            assert_eq!(v["field"], field, "{v}");
        }
        assert_eq!(app.count("manufacturing_orders").await, before);
        // Operators and supervisors do not make orders; supervisors may not release.
        for who in ["operator", "supervisor"] {
            let c = app.login(who).await;
            let (s, _) = json(
                c.post(
                    "/api/v1/ppic/orders",
                    json!({"item": "TOY", "variants": [{"qty": "1"}], "due_date": "2026-12-11"}),
                )
                .await,
            )
            .await;
            assert_eq!(s, 403, "{who}");
        }
        // A retried create and a retried release apply once.
        let body = json!({"item": "TOY", "variants": [{"qty": "4"}], "due_date": "2026-12-31"});
        let (s1, a) = json(
            planner
                .post_idem("/api/v1/ppic/orders", "mo-create-1", body.clone())
                .await,
        )
        .await;
        let (s2, b) = json(
            planner
                .post_idem("/api/v1/ppic/orders", "mo-create-1", body)
                .await,
        )
        .await;
        assert_eq!((s1, s2), (201, 201));
        assert_eq!(a, b);
        assert_eq!(app.count("manufacturing_orders").await, before + 1);
        let id = a["order"]["id"].as_i64().unwrap();
        let path = format!("/api/v1/ppic/orders/{id}/release");
        let (s1, a) = json(planner.post_idem(&path, "mo-release-1", json!({})).await).await;
        let (s2, b) = json(planner.post_idem(&path, "mo-release-1", json!({})).await).await;
        assert_eq!((s1, s2), (200, 200), "{a}");
        assert_eq!(a, b);
        assert_eq!(app.count("jobs").await, 2);
        assert_eq!(app.count("manufacturing_orders").await, before + 2);
        // Released already: a new release is refused, naming the status.
        let (s, v) = json(planner.post(&path, json!({})).await).await;
        assert_eq!(s, 409, "{v}");
        assert!(v["message"].as_str().unwrap().contains("released"), "{v}");
        // The list: soonest due first, by status and by text.
        let (s, page) = json(planner.get("/api/v1/ppic/orders?status=released").await).await;
        assert_eq!(s, 200);
        assert_eq!(page["total"], 2, "{page}");
        let (_, page) = json(planner.get("/api/v1/ppic/orders?q=arm").await).await;
        assert_eq!(page["rows"][0]["item"], "ARM", "{page}");
        let (s, v) = json(planner.get("/api/v1/ppic/orders?status=open").await).await;
        assert_eq!((s, v["field"].as_str()), (422, Some("status")));
        let (s, _) = json(planner.get("/api/v1/ppic/orders/999999").await).await;
        assert_eq!(s, 404);
        app.finish().await;
    }
);

on_both!(
    a_promise_date_plans_after_the_current_load,
    |app: TestApp| async move {
        plant(&app).await;
        let planner = user(&app, "planner").await;
        // The load: one toy order (cutting Monday 05:00–05:30 UTC, sewing
        // Tuesday 05:00–05:50; sewing is closed on Monday).
        release_toy(&app, &planner, MON_0700).await;
        let jobs = app.count("jobs").await;
        let promise = |qty: &'static str| {
            let (app, planner) = (&app, planner.clone());
            async move {
                service::ppic::promise(&app.svc, &planner, "TOY", qty, None, MON_0700)
                    .await
                    .unwrap()
            }
        };
        // 10 more: arms cut Monday on the free second slot, sewing after the
        // planned toy: Tuesday 05:50 + 50 min.
        let p = promise("10").await;
        assert_eq!(
            (at(p.finish_at).as_str(), p.finish_date.as_str(), p.jobs),
            ("2026-12-08T06:40:00Z", "2026-12-08", 2)
        );
        // 200: sewing 20 + 600 min from Tuesday 05:50: 430 min that day
        // (the shift ends 13:00 UTC), 190 on Wednesday from 05:00.
        let p = promise("200").await;
        assert_eq!(at(p.finish_at), "2026-12-09T08:10:00Z");
        assert_eq!(p.finish_date, "2026-12-09");
        // Nothing was written.
        assert_eq!(app.count("jobs").await, jobs);
        // Over HTTP: the answer, and each bad parameter named.
        let c = app.login("planner").await;
        let (s, v) = json(c.get("/api/v1/orders/promise?item=toy&qty=5").await).await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["item"], "TOY");
        assert!(v["finish_date"].as_str().unwrap().len() == 10, "{v}");
        for (query, field) in [
            ("item=TOY", "qty"),
            ("qty=5", "item"),
            ("item=TOY&qty=-1", "qty"),
            ("item=NOPE&qty=1", "item"),
            ("item=FELT&qty=1", "item"),
            ("item=TOY&qty=1&variant=size", "variant"),
        ] {
            let (s, v) = json(c.get(&format!("/api/v1/orders/promise?{query}")).await).await;
            assert_eq!((s, v["field"].as_str()), (422, Some(field)), "{query}: {v}");
        }
        let operator = app.login("operator").await;
        let (s, _) = json(operator.get("/api/v1/orders/promise?item=TOY&qty=1").await).await;
        assert_eq!(s, 403);
        app.finish().await;
    }
);

on_both!(
    an_item_whose_bom_has_no_routing_is_not_released,
    |app: TestApp| async move {
        plant(&app).await;
        let w = app.login("warehouse").await;
        let (s, v) = json(
            w.post(
                "/api/v1/warehouse/bom",
                json!({"item": "LOOSE", "version": 1, "operations": [],
                       "lines": [{"line_no": 1, "component": "FELT", "qty": {"kind": "fixed", "qty": "1"}, "scrap_bp": 0}]}),
            )
            .await,
        )
        .await;
        assert_eq!(s, 201, "{v}");
        let planner = app.login("planner").await;
        let (s, mo) = json(
            planner
                .post(
                    "/api/v1/ppic/orders",
                    json!({"item": "LOOSE", "variants": [{"qty": "3"}], "due_date": "2026-12-31"}),
                )
                .await,
        )
        .await;
        assert_eq!(s, 201, "{mo}");
        let id = mo["order"]["id"].as_i64().unwrap();
        let (s, v) = json(
            planner
                .post(&format!("/api/v1/ppic/orders/{id}/release"), json!({}))
                .await,
        )
        .await;
        assert_eq!(s, 409, "{v}");
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .contains("LOOSE: its BOM has no operations"),
            "{v}"
        );
        assert_eq!(app.count("jobs").await, 0);
        let (_, again) = json(planner.get(&format!("/api/v1/ppic/orders/{id}")).await).await;
        assert_eq!(again["order"]["status"], "draft");
        app.finish().await;
    }
);
