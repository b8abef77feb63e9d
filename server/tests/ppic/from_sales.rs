//! Manufacturing orders from a confirmed sales order: one per made item
//! with its variants' quantities, linked to the sales order, made once;
//! bought-in lines left out.

use crate::common::*;
use crate::fixture::*;
use crate::on_both;
use domain::orders::OrderInput;
use serde_json::json;

/// A sales order for TOY (two lines: two "variants" cannot exist on TOY,
/// which has no attributes, so one line) and FELT (bought in).
async fn sales_order(app: &TestApp, confirm: bool) -> i64 {
    let customer = exec(app, "SELECT id FROM customers ORDER BY id LIMIT 1").await;
    let toy = exec(app, "SELECT id FROM items WHERE code = 'TOY'").await;
    let felt = exec(app, "SELECT id FROM items WHERE code = 'FELT'").await;
    let input: OrderInput = serde_json::from_value(json!({
        "customer_id": customer,
        "due_date": "2026-12-18",
        "lines": [
            {"item_id": toy, "variant_key": "", "qty": "24", "unit_price_minor": 1500, "due_date": "2026-12-15"},
            {"item_id": felt, "variant_key": "", "qty": "3", "unit_price_minor": 200}
        ]
    }))
    .unwrap();
    let planner = user(app, "planner").await;
    let so = service::orders::create(&app.svc, &planner, &input, None, MON_0700)
        .await
        .unwrap();
    if confirm {
        service::orders::transition(&app.svc, &planner, so.order.id, "confirm", None, MON_0700)
            .await
            .unwrap();
    }
    so.order.id
}

on_both!(
    a_confirmed_sales_order_is_planned_once,
    |app: TestApp| async move {
        plant(&app).await;
        let draft = sales_order(&app, false).await;
        let so = sales_order(&app, true).await;
        let planner = app.login("planner").await;
        let path = |id: i64| format!("/api/v1/ppic/orders/from-sales-order/{id}");
        // A draft is not planned.
        let (s, e) = json(
            planner
                .post_idem(&path(draft), "plan-so-draft", json!({}))
                .await,
        )
        .await;
        assert_eq!(s, 409, "{e}");
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("only a confirmed order"),
            "{e}"
        );
        let (s, made) = json(planner.post_idem(&path(so), "plan-so-1", json!({})).await).await;
        assert_eq!(s, 201, "{made}");
        let made = made.as_array().unwrap();
        assert_eq!(made.len(), 1, "TOY only; FELT is bought in: {made:?}");
        assert_eq!(made[0]["item"], "TOY");
        assert_eq!(made[0]["qty"], "24");
        assert_eq!(made[0]["status"], "draft");
        assert_eq!(made[0]["due_date"], "2026-12-15", "the line's own due date");
        assert_eq!(made[0]["sales_order_id"], so);
        // Retried: the same answer, nothing made twice; asked again: refused.
        let (s, again) = json(planner.post_idem(&path(so), "plan-so-1", json!({})).await).await;
        assert_eq!((s, again[0]["id"].clone()), (201, made[0]["id"].clone()));
        let (s, e) = json(planner.post_idem(&path(so), "plan-so-2", json!({})).await).await;
        assert_eq!(s, 409, "{e}");
        assert!(
            e["message"].as_str().unwrap().contains("planned already"),
            "{e}"
        );
        assert_eq!(
            count(
                &app,
                &format!("SELECT COUNT(*) FROM manufacturing_orders WHERE sales_order_id = {so}")
            )
            .await,
            1
        );
        // It releases like any other order.
        let id = made[0]["id"].as_i64().unwrap();
        let (s, d) = json(
            planner
                .post_idem(
                    &format!("/api/v1/ppic/orders/{id}/release"),
                    "plan-so-rel",
                    json!({}),
                )
                .await,
        )
        .await;
        assert_eq!(s, 200, "{d}");
        assert_eq!(d["children"].as_array().unwrap().len(), 1);
        // Who may: operators may not make orders; no such sales order is 404.
        let operator = app.login("operator").await;
        let (s, _) = json(operator.post_idem(&path(so), "plan-so-op", json!({})).await).await;
        assert_eq!(s, 403);
        let (s, _) = json(
            planner
                .post_idem(&path(999_999), "plan-so-404", json!({}))
                .await,
        )
        .await;
        assert_eq!(s, 404);
        app.finish().await;
    }
);

on_both!(
    an_order_is_cancelled_with_its_jobs_and_children,
    |app: TestApp| async move {
        plant(&app).await;
        let planner_user = user(&app, "planner").await;
        let d = release_toy(&app, &planner_user, MON_0700).await;
        let id = d["order"]["id"].as_i64().unwrap();
        let child = d["children"][0]["id"].as_i64().unwrap();
        let planner = app.login("planner").await;
        let step = |a: &str| format!("/api/v1/ppic/orders/{id}/{a}");
        // Close needs a completed order; start follows the jobs.
        let (s, e) = json(
            planner
                .post_idem(&step("close"), "mo-step-1", json!({}))
                .await,
        )
        .await;
        assert_eq!(s, 409, "{e}");
        assert!(e["message"].as_str().unwrap().contains("released"), "{e}");
        let (s, e) = json(
            planner
                .post_idem(&step("start"), "mo-step-2", json!({}))
                .await,
        )
        .await;
        assert_eq!((s, e["field"].as_str()), (422, Some("action")), "{e}");
        let operator = app.login("operator").await;
        let (s, _) = json(
            operator
                .post_idem(&step("cancel"), "mo-step-3", json!({}))
                .await,
        )
        .await;
        assert_eq!(s, 403);
        let (s, c) = json(
            planner
                .post_idem(&step("cancel"), "mo-step-4", json!({}))
                .await,
        )
        .await;
        assert_eq!(s, 200, "{c}");
        assert_eq!(c["order"]["status"], "cancelled");
        assert_eq!(c["children"][0]["status"], "cancelled");
        assert!(c["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["status"] == "cancelled"));
        assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM jobs j WHERE j.mo_id IN ({id}, {child}) AND status <> 'cancelled'")).await,
        0
    );
        assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM job_moves m JOIN jobs j ON j.id = m.job_id WHERE j.mo_id IN ({id}, {child}) AND m.to_status = 'cancelled'")).await,
        2,
        "each job's move recorded"
    );
        // Retried: the first answer; again with a new key: refused.
        let (s, _) = json(
            planner
                .post_idem(&step("cancel"), "mo-step-4", json!({}))
                .await,
        )
        .await;
        assert_eq!(s, 200);
        let (s, _) = json(
            planner
                .post_idem(&step("cancel"), "mo-step-5", json!({}))
                .await,
        )
        .await;
        assert_eq!(s, 409);
        app.finish().await;
    }
);
