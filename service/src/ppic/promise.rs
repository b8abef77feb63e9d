//! Capable-to-promise: the earliest date a quantity of an item could be
//! finished, given the current load. Its BOM is exploded and released on
//! paper (`OrderPlan::as_jobs`: its operations and its sub-assemblies'),
//! and planned after every job already planned, on the same calendars,
//! capacity and maintenance as the real plan (`plan::load`). Reads only.

use super::plan::{load, offset_now};
use crate::error::{DbContext, Result};
use crate::Services;
use domain::auth::CurrentUser;
use domain::master::{Code, Date, Qty, Variant};
use domain::perm::{Action, Module};
use domain::ppic::{plan_release, promise as ctp, schedule, Promise};
use domain::AppError;
use std::collections::HashMap;

pub async fn promise(
    svc: &Services,
    user: &CurrentUser,
    item: &str,
    qty: &str,
    variant: Option<&str>,
    now: i64,
) -> Result<Promise> {
    user.require(Module::Orders, Action::View)?;
    let code = Code::parse("item", item)?.into_string();
    let qty = Qty::parse_positive("qty", qty)?;
    let variant = Variant::parse_key("variant", variant.unwrap_or("").trim())?;
    let tz = svc.config.plant_time_zone;
    let mut c = svc.db.read.acquire().await.ctx("acquire connection")?;
    let bom: Option<i64> = sqlx::query_scalar(
        "SELECT b.id FROM items i JOIN boms b ON b.item_id = i.id AND b.is_current = 1 WHERE i.code = $1",
    )
    .bind(&code)
    .fetch_optional(&mut *c)
    .await
    .ctx("find current BOM")?;
    let Some(bom) = bom else {
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM items WHERE code = $1")
            .bind(&code)
            .fetch_optional(&mut *c)
            .await
            .ctx("find item")?;
        return Err(AppError::field(
            "item",
            if known.is_some() {
                "this item has no BOM, so nothing plans its making"
            } else {
                "no item has this code"
            },
        )
        .into());
    };
    let explosion = crate::bom::explode_stored(svc, bom, &variant, qty).await?;
    let plan = plan_release(&code, &[explosion])?;
    let centres: HashMap<String, i64> =
        sqlx::query_as::<_, (String, i64)>("SELECT code, id FROM work_centres")
            .fetch_all(&mut *c)
            .await
            .ctx("read work centres")?
            .into_iter()
            .collect();
    let loaded = load(&mut c, tz, now).await?;
    let existing = schedule(&loaded.floor, &loaded.reqs)?;
    let jobs = plan.as_jobs(&|code: &str| centres.get(code).copied(), now)?;
    if jobs.is_empty() {
        return Err(AppError::field("item", "its BOM has no operations to plan").into());
    }
    let finish_at = ctp(&loaded.floor, &existing, &jobs)?;
    let offset = offset_now(tz, now);
    let finish_date = Date::at(finish_at, offset);
    Ok(Promise {
        item: code,
        variant: variant.key(),
        qty,
        finish_at,
        finish_date: finish_date.to_string(),
        jobs: jobs.len() as u32,
    })
}
