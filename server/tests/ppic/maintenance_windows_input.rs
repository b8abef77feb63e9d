//! Maintenance windows refused: each bad field of a report or a new window
//! answers 422 naming it with nothing written and nothing moved; users
//! without UPDATE on maintenance may not plan one (403).

use super::*;

on_both!(
    bad_windows_name_their_field_and_permissions_hold,
    |app: TestApp| async move {
        let w = two_orders(&app).await;
        let monday = w.monday;
        let machine = app.machine_id("SEW-M1").await;
        let sup = app.login("supervisor").await;
        let now = service::now_ms();
        let ago = |days: i64| Date::from_days((now + 2 * HOUR).div_euclid(DAY) - days);
        let requests = app.count("maintenance_requests").await;
        let timeline = app.count("maintenance_events").await;
        let base = json!({"machine_id": machine, "kind": "preventive", "priority": "medium", "title": "Oil the hook"});
        let with = |extra: Value| {
            let mut b = base.clone();
            b.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            b
        };
        for (body, field) in [
            (with(json!({"estimated_minutes": 0})), "estimated_minutes"),
            (
                with(json!({"estimated_minutes": 100_001})),
                "estimated_minutes",
            ),
            (
                with(json!({"estimated_minutes": "ninety"})),
                "estimated_minutes",
            ),
            (
                with(json!({"planned_start": local(monday, "07:00")})),
                "estimated_minutes",
            ),
            (
                with(json!({"planned_start": "Monday morning", "estimated_minutes": 60})),
                "planned_start",
            ),
            (
                with(json!({"planned_start": local(monday, "25:00"), "estimated_minutes": 60})),
                "planned_start",
            ),
            (
                with(json!({"planned_start": local(ago(2), "07:00"), "estimated_minutes": 60})),
                "planned_start",
            ),
            (
                with(json!({"planned_start": local(ago(-400), "07:00"), "estimated_minutes": 60})),
                "planned_start",
            ),
            (
                with(json!({"planned_start": 1_796_619_600_000_i64, "estimated_minutes": 60})),
                "planned_start",
            ),
            (
                with(
                    json!({"kind": "breakdown", "planned_start": local(monday, "07:00"), "estimated_minutes": 60}),
                ),
                "planned_start",
            ),
        ] {
            let (s, v) = json(sup.post("/api/v1/maintenance/requests", body.clone()).await).await;
            assert_eq!(s, 422, "{body}: {v}");
            assert_eq!(v["field"], field, "{body}: {v}");
        }
        assert_eq!(
            app.count("maintenance_requests").await,
            requests,
            "nothing written"
        );
        assert_eq!(app.count("maintenance_events").await, timeline);
        assert_eq!(sewing(&app, &w).await, unmoved(monday));
        // Preventive work without a window is still reported as before.
        let (s, r) = json(sup.post("/api/v1/maintenance/requests", base.clone()).await).await;
        assert_eq!(s, 201, "{r}");
        assert_eq!(
            (&r["planned_start"], &r["estimated_minutes"]),
            (&Value::Null, &Value::Null)
        );
        let id = r["id"].as_i64().unwrap();
        assert_eq!(sewing(&app, &w).await, unmoved(monday));
        for (body, field) in [
            (
                json!({"planned_start": local(monday, "07:00"), "estimated_minutes": 60}),
                "version",
            ),
            (
                json!({"planned_start": local(monday, "07:00"), "estimated_minutes": 60, "version": 0}),
                "version",
            ),
            (
                json!({"planned_start": local(monday, "07:00"), "version": 1}),
                "estimated_minutes",
            ),
            (
                json!({"planned_start": local(monday, "07:00"), "estimated_minutes": -1, "version": 1}),
                "estimated_minutes",
            ),
            (
                json!({"planned_start": "2026-02-30T07:00", "estimated_minutes": 60, "version": 1}),
                "planned_start",
            ),
            (
                json!({"planned_start": local(ago(2), "07:00"), "estimated_minutes": 60, "version": 1}),
                "planned_start",
            ),
        ] {
            let (s, v) = put_window(&sup, id, None, body.clone()).await;
            assert_eq!(s, 422, "{body}: {v}");
            assert_eq!(v["field"], field, "{body}: {v}");
        }
        let window =
            json!({"planned_start": local(monday, "07:00"), "estimated_minutes": 60, "version": 1});
        let (s, v) = put_window(&sup, 999_999, None, window.clone()).await;
        assert_eq!(s, 404, "{v}");
        let (s, v) = json(
            sup.http
                .put(format!(
                    "{}/api/v1/maintenance/requests/abc/window",
                    sup.base
                ))
                .bearer_auth(&sup.token)
                .json(&window)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!((s, v["field"].as_str()), (422, Some("id")), "{v}");
        // Operators and planners report problems but do not plan maintenance;
        // quality inspectors and finance do not report them either.
        for who in ["operator", "planner"] {
            let c = app.login(who).await;
            let (s, v) = put_window(&c, id, None, window.clone()).await;
            assert_eq!(s, 403, "{who}: {v}");
        }
        for who in ["quality", "finance"] {
            let c = app.login(who).await;
            let (s, v) = json(
                c.post(
                    "/api/v1/maintenance/requests",
                    with(json!({"planned_start": local(monday, "07:00"), "estimated_minutes": 60})),
                )
                .await,
            )
            .await;
            assert_eq!(s, 403, "{who}: {v}");
        }
        assert_eq!(
            count(
                &app,
                &format!("SELECT version FROM maintenance_requests WHERE id = {id}")
            )
            .await,
            1
        );
        assert_eq!(sewing(&app, &w).await, unmoved(monday), "nothing moved");
        app.finish().await;
    }
);
