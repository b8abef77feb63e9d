//! Planning analytics against figures worked by hand: orders by status,
//! planned against actual per work centre and item, load against capacity
//! per day with the bottleneck; bad parameters named.

use crate::common::*;
use crate::fixture::*;
use crate::on_both;
use domain::ppic::TaskStepInput;
use serde_json::Value;

fn centre<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["centres"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no {code}: {report}"))
}

on_both!(
    load_performance_and_status_figures,
    |app: TestApp| async move {
        plant(&app).await;
        let planner = user(&app, "planner").await;
        let d = release_toy(&app, &planner, MON_0700).await;
        // Load from Monday, three days (cutting 2 slots × 480 min; sewing 1 slot,
        // closed Monday): the arms' cut (30 min) Monday, the toys' sewing
        // (50 min) Tuesday.
        let r =
            service::ppic::load_report(&app.svc, &planner, Some("2026-12-07"), Some(3), MON_0700)
                .await
                .unwrap();
        let r = serde_json::to_value(r).unwrap();
        let days = |code: &str| -> Vec<(u64, u64)> {
            centre(&r, code)["days"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| {
                    (
                        d["load_minutes"].as_u64().unwrap(),
                        d["capacity_minutes"].as_u64().unwrap(),
                    )
                })
                .collect()
        };
        assert_eq!(days("WC-CUT"), [(30, 960), (0, 960), (0, 960)]);
        assert_eq!(days("WC-SEW"), [(0, 0), (50, 480), (0, 480)]);
        assert_eq!(centre(&r, "WC-SEW")["days"][1]["date"], "2026-12-08");
        // Sewing: 50 of 960 minutes beats cutting's 30 of 2,880.
        assert_eq!(r["bottleneck"]["code"], "WC-SEW", "{r}");
        assert_eq!(r["bottleneck"]["load_minutes"], 50);
        assert_eq!(r["bottleneck"]["overload_hours"], 0.0);

        // The cut job runs 40 minutes against 30 planned, done long before the due date.
        let cut = job_of(&app, d["children"][0]["id"].as_i64().unwrap()).await;
        let none = TaskStepInput::default();
        for (action, t) in [("approve", 0), ("start", 5), ("complete", 45)] {
            service::ppic::step(
                &app.svc,
                &planner,
                cut,
                action,
                &none,
                None,
                MON_0700 + t * MIN,
            )
            .await
            .unwrap();
        }
        let p = service::ppic::performance(&app.svc, &planner, Some(30), MON_0700 + DAY)
            .await
            .unwrap();
        let p = serde_json::to_value(p).unwrap();
        assert_eq!(p["by_work_centre"].as_array().unwrap().len(), 1, "{p}");
        let wc = &p["by_work_centre"][0];
        assert_eq!(
            (wc["code"].as_str(), wc["jobs"].as_i64()),
            (Some("WC-CUT"), Some(1))
        );
        assert_eq!(
            (
                wc["planned_minutes"].as_i64(),
                wc["actual_minutes"].as_i64()
            ),
            (Some(30), Some(40))
        );
        assert_eq!(
            (wc["on_time"].as_i64(), wc["on_time_rate"].as_f64()),
            (Some(1), Some(1.0))
        );
        assert_eq!(p["by_item"][0]["code"], "ARM");

        // Orders by status over HTTP: the toy released, its arm order completed.
        let c = app.login("planner").await;
        let (s, v) = json(c.get("/api/v1/ppic/analytics/orders").await).await;
        assert_eq!(s, 200, "{v}");
        let count = |st: &str| {
            v.as_array()
                .unwrap()
                .iter()
                .find(|x| x["status"] == st)
                .unwrap()["count"]
                .as_i64()
                .unwrap()
        };
        assert_eq!(
            (count("released"), count("completed"), count("draft")),
            (1, 1, 0)
        );
        let (s, _) = json(c.get("/api/v1/ppic/analytics/load?days=7").await).await;
        assert_eq!(s, 200);
        let (s, _) = json(c.get("/api/v1/ppic/analytics/performance").await).await;
        assert_eq!(s, 200);
        for (path, field) in [
            ("/api/v1/ppic/analytics/load?days=0", "days"),
            ("/api/v1/ppic/analytics/load?days=x", "days"),
            ("/api/v1/ppic/analytics/load?from=2026-02-30", "from"),
            ("/api/v1/ppic/analytics/performance?days=367", "days"),
        ] {
            let (s, v) = json(c.get(path).await).await;
            assert_eq!((s, v["field"].as_str()), (422, Some(field)), "{path}: {v}");
        }
        // Finance may look; a warehouse clerk may not.
        let (s, _) = json(
            app.login("finance")
                .await
                .get("/api/v1/ppic/analytics/orders")
                .await,
        )
        .await;
        assert_eq!(s, 200);
        let (s, _) = json(
            app.login("warehouse")
                .await
                .get("/api/v1/ppic/analytics/orders")
                .await,
        )
        .await;
        assert_eq!(s, 403);
        app.finish().await;
    }
);
