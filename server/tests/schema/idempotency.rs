//! Creating a machine and changing an SLA policy honour their idempotency
//! key, through REST and through server functions: a retry gets the first
//! answer and writes nothing.

use crate::common::*;
use crate::on_both;
use serde_json::{json, Value};

async fn audit_entries(app: &TestApp, entity: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = $1")
        .bind(entity)
        .fetch_one(&app.svc.db.read)
        .await
        .unwrap()
}

async fn sfn(app: &TestApp, who: &ApiClient, path: &str, body: Value) -> (u16, Value) {
    json(
        who.http
            .post(app.url(path))
            .bearer_auth(&who.token)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

on_both!(
    a_retried_machine_create_applies_once,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let (machines, audits) = (
            app.count("machines").await,
            audit_entries(&app, "machine").await,
        );
        let url = "/api/v1/maintenance/machines";
        let body = json!({"code": "idem-01", "name": "Retried press"});
        let (s1, b1) = json(admin.post_idem(url, "machine-key-0001", body.clone()).await).await;
        let (s2, b2) = json(admin.post_idem(url, "machine-key-0001", body).await).await;
        assert_eq!((s1, s2), (201, 201), "{b1} {b2}");
        assert_eq!(b1, b2);
        assert_eq!(b1["code"], "IDEM-01");
        assert_eq!(app.count("machines").await, machines + 1);
        assert_eq!(audit_entries(&app, "machine").await, audits + 1);
        // The key belongs to that request.
        let (s, b) = json(
            admin
                .post_idem(
                    url,
                    "machine-key-0001",
                    json!({"code": "IDEM-02", "name": "Other"}),
                )
                .await,
        )
        .await;
        assert_eq!(
            (s, b["field"].as_str()),
            (422, Some("idempotency_key")),
            "{b}"
        );

        // The machines screen's server function, retried with its key.
        let body = json!({"idempotency_key": "machine-key-0002", "id": null, "version": 0,
            "input": {"code": "IDEM-03", "name": "Retried cutter", "work_centre": ""}});
        let (s1, b1) = sfn(&app, &admin, "/sfn/master/machines/save", body.clone()).await;
        let (s2, b2) = sfn(&app, &admin, "/sfn/master/machines/save", body).await;
        assert_eq!((s1, s2), (200, 200), "{b1} {b2}");
        assert_eq!(b1, b2);
        assert_eq!(app.count("machines").await, machines + 2);
        assert_eq!(audit_entries(&app, "machine").await, audits + 2);
        app.finish().await;
    }
);

on_both!(
    a_retried_sla_change_applies_once,
    |app: TestApp| async move {
        let admin = app.login("admin").await;
        let put = |key: &'static str, body: Value| {
            admin
                .http
                .put(app.url("/api/v1/maintenance/sla"))
                .bearer_auth(&admin.token)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
        };
        let audits = audit_entries(&app, "sla_policy").await;
        let first = json!({"priority": "low", "response_minutes": 100, "resolution_minutes": 1000});
        let (s1, b1) = json(put("sla-key-0001", first.clone()).await.unwrap()).await;
        assert_eq!(s1, 200, "{b1}");
        let second =
            json!({"priority": "low", "response_minutes": 200, "resolution_minutes": 2000});
        let (s2, b2) = json(put("sla-key-0002", second).await.unwrap()).await;
        assert_eq!(s2, 200, "{b2}");
        // A late retry of the first change answers as the first time and
        // does not undo the second.
        let (s3, b3) = json(put("sla-key-0001", first).await.unwrap()).await;
        assert_eq!((s3, &b3), (200, &b1));
        assert_eq!(audit_entries(&app, "sla_policy").await, audits + 2);
        let (_, policies) = json(admin.get("/api/v1/maintenance/sla").await).await;
        let low = policies
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["priority"] == "low")
            .unwrap();
        assert_eq!(low["response_minutes"], 200);

        // The server function, retried with its key.
        let body = json!({"idempotency_key": "sla-key-0003", "policy": {"priority": "high", "response_minutes": 45, "resolution_minutes": 450}});
        let (s1, b1) = sfn(&app, &admin, "/sfn/maintenance/sla/set", body.clone()).await;
        let (s2, b2) = sfn(&app, &admin, "/sfn/maintenance/sla/set", body).await;
        assert_eq!((s1, s2), (200, 200), "{b1} {b2}");
        assert_eq!(b1, b2);
        assert_eq!(audit_entries(&app, "sla_policy").await, audits + 3);
        app.finish().await;
    }
);
