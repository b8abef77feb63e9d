//! The demo plant's planning data: BOMs for the teddy bear and its sewn
//! body (each with its routing), and a few manufacturing orders, two of
//! them released, so the Kanban board, the Gantt chart and the analytics
//! have work to show on first look. Written through the use cases, as a
//! warehouse clerk and a planner would.

use crate::error::{DbContext, Result};
use crate::Services;
use domain::bom::BomInput;
use domain::master::Date;
use domain::ppic::{MoInput, MoVariantInput};
use serde_json::json;

async fn user(svc: &Services, name: &str) -> Result<Option<domain::auth::CurrentUser>> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(name)
        .fetch_optional(&svc.db.read)
        .await
        .ctx("find demo user")?;
    match id {
        Some(id) => Ok(Some(crate::auth::load_user(&svc.db, id).await?)),
        None => Ok(None),
    }
}

fn boms() -> Vec<serde_json::Value> {
    let follow = |a: &str| json!({"component_attribute": a, "source": {"kind": "follow", "parent_attribute": a}});
    vec![
        json!({"item": "BEAR-BODY", "version": 1,
            "lines": [
                {"line_no": 1, "component": "FUR-PLUSH", "scrap_bp": 300, "attrs": [follow("colour")],
                 "qty": {"kind": "by_attribute", "attribute": "size", "values": {"S": "0.25", "M": "0.35", "L": "0.5"}, "default": null}},
                {"line_no": 2, "component": "EYE-SAFETY", "qty": {"kind": "fixed", "qty": "2"}, "scrap_bp": 0},
                {"line_no": 3, "component": "THREAD-BLK", "qty": {"kind": "fixed", "qty": "12"}, "scrap_bp": 0}],
            "operations": [
                {"seq": 1, "work_centre": "CUT", "setup_minutes": "15", "run": {"kind": "per_unit", "minutes": "0.5"}},
                {"seq": 2, "work_centre": "EMB", "setup_minutes": "10", "run": {"kind": "embroidery", "design": "NOSE-01"}},
                {"seq": 3, "work_centre": "SEW", "setup_minutes": "10", "run": {"kind": "per_unit", "minutes": "2"}}]}),
        json!({"item": "TB-30", "version": 1,
            "lines": [
                {"line_no": 1, "component": "BEAR-BODY", "qty": {"kind": "fixed", "qty": "1"}, "scrap_bp": 0,
                 "attrs": [follow("size"), follow("colour")]},
                {"line_no": 2, "component": "FIBRE-FILL", "scrap_bp": 200,
                 "qty": {"kind": "by_attribute", "attribute": "size", "values": {"S": "0.08", "M": "0.12", "L": "0.2"}, "default": null}}],
            "operations": [
                {"seq": 1, "work_centre": "STUFF", "setup_minutes": "5", "run": {"kind": "per_unit", "minutes": "1"}},
                {"seq": 2, "work_centre": "FIN", "setup_minutes": "5", "run": {"kind": "per_unit", "minutes": "0.5"}},
                {"seq": 3, "work_centre": "PACK", "setup_minutes": "5", "run": {"kind": "per_unit", "minutes": "0.25"}}]}),
    ]
}

/// (variants, days until due, released)
type OrderSeed = (&'static [(&'static str, &'static str)], i64, bool);
const ORDERS: &[OrderSeed] = &[
    (
        &[("colour=brown;size=M", "24"), ("colour=white;size=S", "12")],
        6,
        true,
    ),
    (&[("colour=pink;size=L", "30")], 9, true),
    (&[("colour=brown;size=S", "40")], 14, false),
];

/// Seeds BOMs and orders once: skipped when any BOM exists, or when the
/// demo plant's people or items are not there (a plant set up by hand).
pub async fn seed(svc: &Services, now: i64) -> Result<()> {
    let (have, items): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM boms), \
         (SELECT COUNT(*) FROM items WHERE code IN ('TB-30', 'BEAR-BODY'))",
    )
    .fetch_one(&svc.db.read)
    .await
    .ctx("count boms")?;
    let (Some(clerk), Some(planner)) = (user(svc, "warehouse").await?, user(svc, "planner").await?)
    else {
        return Ok(());
    };
    if have > 0 || items < 2 {
        return Ok(());
    }
    for b in boms() {
        let form: BomInput = serde_json::from_value(b).map_err(|_| domain::AppError::Internal)?;
        if let domain::bom::BomSaved::Refused { issues } =
            crate::bom::create(svc, &clerk, &form, None, now).await?
        {
            tracing::error!(item = %form.item, ?issues, "the demo BOM was refused");
            return Err(domain::AppError::Internal.into());
        }
    }
    let offset = crate::ppic::offset_now(svc.config.plant_time_zone, now);
    let today = Date::at(now, offset);
    for (variants, due_in, released) in ORDERS {
        let input = MoInput {
            item: "TB-30".into(),
            variants: variants
                .iter()
                .map(|(variant, qty)| MoVariantInput {
                    variant: (*variant).into(),
                    qty: (*qty).into(),
                })
                .collect(),
            due_date: today.add_days(*due_in).to_string(),
            start_date: Some(today.to_string()),
            priority: None,
        };
        let mo = crate::ppic::create(svc, &planner, &input, None, now).await?;
        if *released {
            crate::ppic::release(svc, &planner, mo.order.id, None, now).await?;
        }
    }
    Ok(())
}
