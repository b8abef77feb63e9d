//! Lifting a Gantt pin: the plan decides the job's time again at once
//! (it and what waits for it go back to where the plan puts them); a job
//! not pinned, changed since, or not found is refused; applied once.

use crate::common::*;
use crate::fixture::*;
use crate::gantt::two_orders;
use crate::on_both;
use domain::ppic::{GanttMoveInput, UnpinInput};
use serde_json::json;

on_both!(
    a_lifted_pin_lets_the_plan_decide,
    |app: TestApp| async move {
        let (cut_a, sew_a, _, sew_b) = two_orders(&app).await;
        let planner = user(&app, "planner").await;
        let m = service::ppic::move_job(
            &app.svc,
            &planner,
            cut_a,
            &GanttMoveInput {
                start: "2026-12-07T12:40:00Z".into(),
                work_centre: None,
                version: None,
            },
            Some("pin-drag"),
            MON_0700,
        )
        .await
        .unwrap();
        assert!(m.moved.pinned);
        assert_eq!(
            planned(&app, sew_a).await,
            ("2026-12-08T06:40:00Z".into(), "2026-12-08T07:30:00Z".into())
        );
        let c = app.login("planner").await;
        let url = format!("/api/v1/ppic/gantt/{cut_a}/unpin");
        // Changed since the screen saw it.
        let (s, e) = json(
            c.post_idem(&url, "unpin-key-0", json!({"version": m.moved.version - 1}))
                .await,
        )
        .await;
        assert_eq!(s, 409, "{e}");
        let (s, e) = json(
            c.post_idem(&url, "unpin-key-x", json!({"version": -1}))
                .await,
        )
        .await;
        assert_eq!((s, e["field"].as_str()), (422, Some("version")), "{e}");
        // Unpinned (at Monday 07:00 plant time, as the rest of the plan):
        // back where the plan puts it (Monday 05:00 UTC, both cutting slots
        // free), and sewing A back before sewing B.
        let unpin = |key: &'static str| {
            let (svc, planner) = (app.svc.clone(), planner.clone());
            let version = m.moved.version;
            async move {
                service::ppic::unpin(
                    &svc,
                    &planner,
                    cut_a,
                    &UnpinInput {
                        version: Some(version),
                    },
                    Some(key),
                    MON_0700,
                )
                .await
            }
        };
        let j = unpin("unpin-key-1").await.unwrap();
        assert!(!j.pinned);
        assert_eq!(j.version, m.moved.version + 1);
        assert_eq!(
            planned(&app, cut_a).await,
            ("2026-12-07T05:00:00Z".into(), "2026-12-07T05:30:00Z".into())
        );
        assert_eq!(
            planned(&app, sew_a).await,
            ("2026-12-08T05:00:00Z".into(), "2026-12-08T05:50:00Z".into())
        );
        assert_eq!(
            planned(&app, sew_b).await,
            ("2026-12-08T05:50:00Z".into(), "2026-12-08T06:40:00Z".into())
        );
        // Applied once: the same key answers the same; a new one is refused.
        assert_eq!(unpin("unpin-key-1").await.unwrap(), j);
        let (s, e) = json(c.post_idem(&url, "unpin-key-2", json!({})).await).await;
        assert_eq!(s, 409, "{e}");
        assert!(e["message"].as_str().unwrap().contains("not pinned"), "{e}");
        assert_eq!(
            count(
                &app,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'ppic.job.unpin'"
            )
            .await,
            1
        );
        assert_eq!(
            count(&app, &format!("SELECT pinned FROM jobs WHERE id = {cut_a}")).await,
            0
        );
        // Who may: planners and supervisors; not quality; a job that is not there.
        let quality = app.login("quality").await;
        let (s, _) = json(quality.post_idem(&url, "unpin-key-q", json!({})).await).await;
        assert_eq!(s, 403);
        let (s, _) = json(
            c.post_idem(
                "/api/v1/ppic/gantt/999999/unpin",
                "unpin-key-404",
                json!({}),
            )
            .await,
        )
        .await;
        assert_eq!(s, 404);
        app.finish().await;
    }
);
