//! The plant the planning tests share: a toy with a made arm, two work
//! centres with hand-checkable calendars, and helpers.

use crate::common::*;
use domain::auth::CurrentUser;
use domain::ppic::{MoInput, MoVariantInput};
use serde_json::{json, Value};

pub async fn exec(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&app.svc.db.write)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

pub async fn count(app: &TestApp, sql: &str) -> i64 {
    exec(app, sql).await
}

/// Monday 2026-12-07 07:00 in Johannesburg (UTC+2), when the shifts open.
pub const MON_0700: i64 = 1_796_619_600_000;
pub const MIN: i64 = 60_000;
pub const DAY: i64 = 86_400_000;

pub fn at(t: i64) -> String {
    domain::time::format_iso(t).replace(".000Z", "Z")
}

/// The one job of order `mo`.
pub async fn job_of(app: &TestApp, mo: i64) -> i64 {
    exec(app, &format!("SELECT id FROM jobs WHERE mo_id = {mo}")).await
}

/// TOY needs two ARMs (made: cut) and felt; TOY is sewn.
/// ARM: 0.5 m felt, cut: setup 10 + 1 min each. TOY: sew: setup 20 + 3 min each.
/// WC-CUT runs two jobs at once; WC-SEW one, and is closed on Monday.
pub async fn plant(app: &TestApp) {
    let w = app.login("warehouse").await;
    let ea = exec(app, "INSERT INTO units (code, name, search_text, created_at, updated_at) VALUES ('EA', 'each', 'ea each', 0, 0) ON CONFLICT (code) DO UPDATE SET name = units.name RETURNING id").await;
    let m = exec(app, "INSERT INTO units (code, name, search_text, created_at, updated_at) VALUES ('M', 'metre', 'm metre', 0, 0) ON CONFLICT (code) DO UPDATE SET name = units.name RETURNING id").await;
    for (code, kind, unit) in [
        ("TOY", "finished", ea),
        ("ARM", "component", ea),
        ("FELT", "raw", m),
        ("LOOSE", "finished", ea),
    ] {
        exec(
            app,
            &format!(
                "INSERT INTO items (code, name, search_text, kind, unit_id, standard_cost_minor, attributes, created_at, updated_at) \
                 VALUES ('{code}', '{code} part', lower('{code} {code} part'), '{kind}', {unit}, 100, '[]', 0, 0) RETURNING id"
            ),
        )
        .await;
    }
    let cut = exec(app, "INSERT INTO work_centres (code, name, kind, parallel_capacity, created_at, updated_at) VALUES ('WC-CUT', 'Cutting', 'cutting', 2, 0, 0) RETURNING id").await;
    let sew = exec(app, "INSERT INTO work_centres (code, name, kind, parallel_capacity, created_at, updated_at) VALUES ('WC-SEW', 'Sewing', 'sewing', 1, 0, 0) RETURNING id").await;
    let _ = cut;
    exec(app, &format!("INSERT INTO work_centre_holidays (work_centre_id, day) VALUES ({sew}, '2026-12-07') RETURNING work_centre_id")).await;
    exec(app, &format!("INSERT INTO machines (code, name, work_centre_id, active, created_at) VALUES ('SEW-M1', 'Juki', {sew}, 1, 0) RETURNING id")).await;
    let mut c = app.svc.db.write.acquire().await.unwrap();
    service::master::search::index_missing(&mut c)
        .await
        .unwrap();
    drop(c);
    for b in [
        json!({"item": "ARM", "version": 1,
               "lines": [{"line_no": 1, "component": "FELT", "qty": {"kind": "fixed", "qty": "0.5"}, "scrap_bp": 0}],
               "operations": [{"seq": 1, "work_centre": "WC-CUT", "setup_minutes": "10", "run": {"kind": "per_unit", "minutes": "1"}}]}),
        json!({"item": "TOY", "version": 1,
               "lines": [{"line_no": 1, "component": "ARM", "qty": {"kind": "fixed", "qty": "2"}, "scrap_bp": 0},
                         {"line_no": 2, "component": "FELT", "qty": {"kind": "fixed", "qty": "1"}, "scrap_bp": 0}],
               "operations": [{"seq": 1, "work_centre": "WC-SEW", "setup_minutes": "20", "run": {"kind": "per_unit", "minutes": "3"}}]}),
    ] {
        let (s, v) = json(w.post("/api/v1/warehouse/bom", b).await).await;
        assert_eq!(s, 201, "{v}");
    }
}

pub async fn user(app: &TestApp, name: &str) -> CurrentUser {
    let id = exec(
        app,
        &format!("SELECT id FROM users WHERE username = '{name}'"),
    )
    .await;
    service::auth::load_user(&app.svc.db, id).await.unwrap()
}

pub fn toy(qty: &str) -> MoInput {
    MoInput {
        item: "TOY".into(),
        variants: vec![MoVariantInput {
            variant: String::new(),
            qty: qty.into(),
        }],
        due_date: "2026-12-11".into(),
        start_date: Some("2026-12-07".into()),
        priority: None,
    }
}

/// Creates and releases a TOY order at `now`; returns the released detail.
pub async fn release_toy(app: &TestApp, planner: &CurrentUser, now: i64) -> Value {
    let mo = service::ppic::create(&app.svc, planner, &toy("10"), None, now)
        .await
        .unwrap();
    let d = service::ppic::release(&app.svc, planner, mo.order.id, None, now)
        .await
        .unwrap();
    serde_json::to_value(d).unwrap()
}

pub async fn planned(app: &TestApp, id: i64) -> (String, String) {
    let (s, e): (i64, i64) =
        sqlx::query_as("SELECT planned_start, planned_end FROM jobs WHERE id = $1")
            .bind(id)
            .fetch_one(&app.svc.db.read)
            .await
            .unwrap();
    (at(s), at(e))
}
