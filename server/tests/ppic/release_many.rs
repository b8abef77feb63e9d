//! Releasing many orders in one call: each exploded as one release does,
//! the floor planned once; all or nothing, the failing order named; a
//! retry applied once; bad batches name `orders`.

use crate::common::*;
use crate::fixture::*;
use crate::on_both;
use serde_json::json;

async fn draft(app: &TestApp) -> i64 {
    let planner = user(app, "planner").await;
    service::ppic::create(&app.svc, &planner, &toy("10"), None, MON_0700)
        .await
        .unwrap()
        .order
        .id
}

on_both!(
    many_orders_are_released_together_or_not_at_all,
    |app: TestApp| async move {
        plant(&app).await;
        let (a, b, c) = (draft(&app).await, draft(&app).await, draft(&app).await);
        let planner = app.login("planner").await;
        let path = "/api/v1/ppic/orders/release";

        // One order that cannot be released: nothing is.
        let planner_user = user(&app, "planner").await;
        service::ppic::release(&app.svc, &planner_user, c, None, MON_0700)
            .await
            .unwrap();
        let jobs_before = count(&app, "SELECT COUNT(*) FROM jobs").await;
        let (s, e) = json(
            planner
                .post_idem(path, "bulk-release-1", json!({"orders": [a, c, b]}))
                .await,
        )
        .await;
        assert_eq!(s, 409, "{e}");
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains(&format!("order {c}")),
            "{e}"
        );
        assert_eq!(count(&app, "SELECT COUNT(*) FROM jobs").await, jobs_before);
        assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM manufacturing_orders WHERE id IN ({a}, {b}) AND status = 'draft'")).await,
        2
    );

        // Both drafts at once: jobs and child orders made, every open job planned.
        let events_before = count(&app, "SELECT COUNT(*) FROM events").await;
        let (s, done) = json(
            planner
                .post_idem(path, "bulk-release-2", json!({"orders": [a, b]}))
                .await,
        )
        .await;
        assert_eq!(s, 200, "{done}");
        let released = done["released"].as_array().unwrap();
        assert_eq!(released.len(), 2);
        assert_eq!(released[0]["id"], a);
        assert_eq!(released[1]["id"], b);
        for r in released {
            assert_eq!(r["child_orders"].as_array().unwrap().len(), 1, "{r}");
        }
        assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM manufacturing_orders WHERE id IN ({a}, {b}) AND status = 'released'")).await,
        2
    );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM jobs WHERE planned_start IS NULL OR planned_end IS NULL"
            )
            .await,
            0,
            "every job planned"
        );
        // A child's last job ends before its parent's first starts.
        let late_children = count(
        &app,
        "SELECT COUNT(*) FROM job_deps d JOIN jobs j ON j.id = d.job_id JOIN jobs p ON p.id = d.after_id \
         WHERE p.planned_end > j.planned_start",
    )
    .await;
        assert_eq!(late_children, 0);
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM events").await,
            events_before + 2
        );
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'ppic.release'"
            )
            .await,
            3
        );

        // The retry gets the same answer and releases nothing more.
        let (s, again) = json(
            planner
                .post_idem(path, "bulk-release-2", json!({"orders": [a, b]}))
                .await,
        )
        .await;
        assert_eq!((s, &again), (200, &done));
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM events").await,
            events_before + 2
        );

        // Bad batches name the field.
        for body in [
            json!({"orders": []}),
            json!({"orders": [a, a]}),
            json!({"orders": [0]}),
            json!({"orders": [999999]}),
            json!({"orders": "x"}),
        ] {
            let (s, e) = json(
                planner
                    .post_idem(path, "bulk-release-bad", body.clone())
                    .await,
            )
            .await;
            assert_eq!(
                (s, e["field"].as_str()),
                (422, Some("orders")),
                "{body} → {e}"
            );
        }
        let operator = app.login("operator").await;
        let (s, _) = json(
            operator
                .post_idem(path, "bulk-release-op", json!({"orders": [a]}))
                .await,
        )
        .await;
        assert_eq!(s, 403);
    }
);
