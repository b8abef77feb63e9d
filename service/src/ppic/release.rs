//! Releasing a manufacturing order: its pinned BOM version is exploded for
//! each of its variants (`domain::ppic::plan_release`), which gives one job
//! per routing operation on its work centre with the quantity per variant,
//! a released child order for each sub-assembly with a BOM of its own
//! (whose last job must end before the parent's first starts), and the
//! bought-in materials each order consumes. Then the whole plan is made
//! again on the work centres' calendars (`plan.rs`). One transaction.

use super::create::{insert_order, NewOrderRow};
use super::plan::{lock_plan, offset_now, replan};
use super::rows::{load_detail, mo_row};
use crate::audit::audit;
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::events::{self, NewEvent};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::master::{Date, Qty, Variant};
use domain::perm::Module;
use domain::ppic::{plan_release, MoAction, MoDetail, MoStatus, OrderPlan};
use domain::AppError;
use std::collections::HashMap;

/// Ids of items and work centres by code, read once per release.
struct Codes {
    items: HashMap<String, (i64, String)>,
    centres: HashMap<String, i64>,
}

async fn codes(tx: &mut Tx, plan: &OrderPlan) -> Result<Codes> {
    let mut wanted_items = Vec::new();
    let mut wanted_centres = Vec::new();
    fn walk<'a>(p: &'a OrderPlan, items: &mut Vec<&'a str>, centres: &mut Vec<&'a str>) {
        items.push(&p.item);
        items.extend(p.materials.keys().map(|(i, _)| i.as_str()));
        centres.extend(p.ops.iter().map(|o| o.work_centre.as_str()));
        for c in p.children.values() {
            walk(c, items, centres);
        }
    }
    walk(plan, &mut wanted_items, &mut wanted_centres);
    let mut items = HashMap::new();
    for code in wanted_items {
        if items.contains_key(code) {
            continue;
        }
        let (id, name): (i64, String) =
            sqlx::query_as("SELECT id, name FROM items WHERE code = $1")
                .bind(code)
                .fetch_optional(&mut **tx)
                .await
                .ctx("find item")?
                .ok_or_else(|| {
                    AppError::conflict(format!("item {code} of the BOM no longer exists"))
                })?;
        items.insert(code.to_string(), (id, name));
    }
    let mut centres = HashMap::new();
    for code in wanted_centres {
        if centres.contains_key(code) {
            continue;
        }
        let id: i64 = sqlx::query_scalar("SELECT id FROM work_centres WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut **tx)
            .await
            .ctx("find work centre")?
            .ok_or_else(|| {
                AppError::conflict(format!(
                    "work centre {code} of the routing no longer exists"
                ))
            })?;
        centres.insert(code.to_string(), id);
    }
    Ok(Codes { items, centres })
}

/// Writes `plan`'s jobs and materials for order `mo_id`, and its child
/// orders (released, with theirs); returns the order's first and last job.
#[allow(clippy::too_many_arguments)]
fn write_plan<'a>(
    tx: &'a mut Tx,
    codes: &'a Codes,
    plan: &'a OrderPlan,
    mo_id: i64,
    parent: (Date, Date, i64),
    user_id: i64,
    now: i64,
    made: &'a mut Vec<String>,
) -> futures::future::BoxFuture<'a, Result<(Option<i64>, Option<i64>)>> {
    Box::pin(async move {
        let (start, due, priority) = parent;
        let mut first_jobs = Vec::new();
        let mut prev: Option<i64> = None;
        let mut first: Option<i64> = None;
        for op in &plan.ops {
            let qty = op
                .qty
                .values()
                .try_fold(Qty::ZERO, |a, q| a.checked_add(*q))
                .map_err(|_| AppError::field("qty", "the quantities are too large to plan"))?;
            let job: i64 = sqlx::query_scalar(
                "INSERT INTO jobs (mo_id, seq, name, work_centre_id, status, qty_millionths, minutes, created_at, updated_at, design_id) \
                 VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $7, (SELECT id FROM embroidery_designs WHERE code = $8)) RETURNING id",
            )
            .bind(mo_id)
            .bind(op.seq as i64)
            .bind(format!("{} op {} on {}", plan.item, op.seq, op.work_centre))
            .bind(codes.centres[&op.work_centre])
            .bind(qty.millionths())
            .bind(op.minutes as i64)
            .bind(now)
            .bind(op.design.as_deref())
            .fetch_one(&mut **tx)
            .await
            .ctx("insert job")?;
            for (variant, q) in &op.qty {
                sqlx::query("INSERT INTO job_variants (job_id, variant_key, qty_millionths) VALUES ($1, $2, $3)")
                    .bind(job)
                    .bind(variant)
                    .bind(q.millionths())
                    .execute(&mut **tx)
                    .await
                    .ctx("insert job variant")?;
            }
            if let Some(p) = prev {
                insert_dep(tx, job, p).await?;
            }
            first.get_or_insert(job);
            if prev.is_none() {
                first_jobs.push(job);
            }
            prev = Some(job);
        }
        for ((item, variant), q) in &plan.materials {
            sqlx::query(
                "INSERT INTO mo_materials (mo_id, item_id, variant_key, qty_millionths) VALUES ($1, $2, $3, $4)",
            )
            .bind(mo_id)
            .bind(codes.items[item].0)
            .bind(variant)
            .bind(q.millionths())
            .execute(&mut **tx)
            .await
            .ctx("insert order material")?;
        }
        for child in plan.children.values() {
            let (item_id, item_name) = codes.items[&child.item].clone();
            let (bom_id, _) = crate::bom::current_bom_for_item(tx, item_id)
                .await?
                .ok_or_else(|| AppError::conflict(format!("{} has no BOM any more", child.item)))?;
            crate::bom::freeze(tx, bom_id, now).await?;
            let variants: Vec<(String, Qty)> =
                child.qty.iter().map(|(v, q)| (v.clone(), *q)).collect();
            let (child_id, number) = insert_order(
                tx,
                &NewOrderRow {
                    item_id,
                    item_code: &child.item,
                    item_name: &item_name,
                    bom_id,
                    status: "released",
                    variants: &variants,
                    start,
                    due,
                    priority,
                    parent_id: Some(mo_id),
                    sales_order_id: None,
                    user_id,
                },
                now,
            )
            .await?;
            made.push(number);
            let (_, child_last) =
                write_plan(tx, codes, child, child_id, parent, user_id, now, made).await?;
            // The parent's first job waits for the child's last.
            if let (Some(last), Some(f)) = (child_last, first) {
                insert_dep(tx, f, last).await?;
            }
        }
        Ok((first, prev))
    })
}

/// The first order of the plan (itself or a sub-assembly) with no
/// operations: released, it would have no job and never complete.
fn without_operations(plan: &OrderPlan) -> Option<&str> {
    if plan.ops.is_empty() {
        return Some(&plan.item);
    }
    plan.children.values().find_map(without_operations)
}

async fn insert_dep(tx: &mut Tx, job: i64, after: i64) -> Result<()> {
    sqlx::query("INSERT INTO job_deps (job_id, after_id) VALUES ($1, $2)")
        .bind(job)
        .bind(after)
        .execute(&mut **tx)
        .await
        .ctx("insert job order")?;
    Ok(())
}

/// An order read and exploded before its transaction (from the catalog
/// cache): what releasing it will write.
pub(super) struct Prepared {
    pub id: i64,
    bom_id: i64,
    item: String,
    /// None when the order was no longer a draft when read: the
    /// transaction refuses it naming its status (or a retry gets its first
    /// answer from the idempotency record).
    plan: Option<OrderPlan>,
}

/// Reads order `id` and explodes its BOM for each of its variants.
pub(super) async fn prepare(svc: &Services, id: i64) -> Result<Prepared> {
    let (bom_id, item, variants, releasable) = {
        let mut c = svc.db.read.acquire().await.ctx("acquire connection")?;
        let row = mo_row(&mut c, id).await?;
        let releasable = MoAction::Release.apply(row.status).is_ok();
        let variants: Vec<(String, i64)> = sqlx::query_as(
            "SELECT variant_key, qty_millionths FROM mo_variants WHERE mo_id = $1 ORDER BY variant_key",
        )
        .bind(id)
        .fetch_all(&mut *c)
        .await
        .ctx("read order variants")?;
        let bom_id = row
            .bom_id
            .ok_or_else(|| AppError::conflict(format!("{} has no BOM", row.number)))?;
        (bom_id, row.item, variants, releasable)
    };
    let mut explosions = Vec::with_capacity(variants.len());
    for (key, q) in variants.iter().filter(|_| releasable) {
        let variant = Variant::parse_key("variant", key).map_err(|_| AppError::Internal)?;
        explosions.push(
            crate::bom::explode_stored(svc, bom_id, &variant, Qty::from_millionths(*q)).await?,
        );
    }
    let plan = if releasable {
        let plan = plan_release(&item, &explosions)?;
        if let Some(empty) = without_operations(&plan) {
            return Err(AppError::conflict(format!(
                "{empty}: its BOM has no operations, so no job would make it; add its routing first"
            ))
            .into());
        }
        Some(plan)
    } else {
        None
    };
    Ok(Prepared {
        id,
        bom_id,
        item,
        plan,
    })
}

/// What releasing one order wrote: its number, status before and after,
/// the child orders made.
pub(super) struct Applied {
    pub number: String,
    /// The order's version after the step.
    pub version: i64,
    pub from: MoStatus,
    pub to: MoStatus,
    pub children: Vec<String>,
}

/// Releases a prepared order inside the caller's transaction (which holds
/// the plan lock): the status step with its version check, the BOM frozen,
/// jobs, materials and child orders written, the audit entry. The caller
/// plans again and records the event.
pub(super) async fn apply(
    tx: &mut Tx,
    p: &Prepared,
    user: &CurrentUser,
    now: i64,
) -> Result<Applied> {
    let id = p.id;
    let row = mo_row(tx, id).await?;
    let to = MoAction::Release.apply(row.status)?;
    let changed = || {
        AppError::conflict(format!(
            "{} was changed by someone else at the same moment",
            row.number
        ))
    };
    if row.bom_id != Some(p.bom_id) {
        return Err(changed().into());
    }
    let updated = sqlx::query(
        "UPDATE manufacturing_orders SET status = $1, released_at = $2, updated_at = $2, \
         version = version + 1 WHERE id = $3 AND version = $4",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(id)
    .bind(row.version)
    .execute(&mut **tx)
    .await
    .ctx("release order")?
    .rows_affected();
    // Without a plan: draft when read in the transaction, not when
    // prepared (no step leads back to draft); refused all the same.
    let (1, Some(plan)) = (updated, &p.plan) else {
        return Err(changed().into());
    };
    debug_assert_eq!(plan.item, p.item);
    crate::bom::freeze(tx, p.bom_id, now).await?;
    let codes = codes(tx, plan).await?;
    let start = Date::parse("start_date", &row.start_date).map_err(|_| AppError::Internal)?;
    let due = Date::parse("due_date", &row.due_date).map_err(|_| AppError::Internal)?;
    let mut children = Vec::new();
    write_plan(
        tx,
        &codes,
        plan,
        id,
        (start, due, row.priority),
        user.id,
        now,
        &mut children,
    )
    .await?;
    audit(
        tx,
        Some(user.id),
        "ppic.release",
        "manufacturing_order",
        &id.to_string(),
        &format!(
            "{}: {} → {}; child orders: {}",
            row.number,
            row.status.as_str(),
            MoStatus::Released.as_str(),
            if children.is_empty() {
                "none".to_string()
            } else {
                children.join(", ")
            }
        ),
        now,
    )
    .await?;
    Ok(Applied {
        number: row.number,
        version: row.version + 1,
        from: row.status,
        to,
        children,
    })
}

/// The event of one release.
pub(super) fn released_event(id: i64, a: &Applied, moved: usize, now: i64) -> NewEvent {
    NewEvent::new(Module::Ppic, id, a.version, EventKind::Transitioned, now).with_payload(
        serde_json::json!({
            "transition": "release",
            "from": a.from.as_str(),
            "to": a.to.as_str(),
            "child_orders": a.children,
            "jobs_replanned": moved,
        }),
    )
}

pub async fn release(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    idem_key: Option<&str>,
    now: i64,
) -> Result<MoDetail> {
    user.require(Module::Ppic, MoAction::Release.permission())?;
    let tz = svc.config.plant_time_zone;
    let offset = offset_now(tz, now);
    let prepared = prepare(svc, id).await?;
    let (detail, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        &format!("ppic.release.{id}"),
        &id,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                lock_plan(&mut tx).await?;
                let applied = apply(&mut tx, &prepared, user, now).await?;
                let moved = replan(&mut tx, tz, now).await?;
                let detail = load_detail(&mut tx, id, offset).await?;
                events::record(&mut tx, &released_event(id, &applied, moved, now)).await?;
                Ok((tx, detail))
            })
        },
    )
    .await?;
    if fresh {
        svc.events.wake();
    }
    Ok(detail)
}
