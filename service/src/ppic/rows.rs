//! The planning tables' row types and the reads the use cases share. Status
//! columns decode through `TryFrom<String>`: a value that does not read is
//! an error, never a default.

use crate::error::{DbContext, Result};
use domain::master::Qty;
use domain::ppic::{JobView, MaterialLine, MoDetail, MoStatus, MoSummary, MoVariant, TaskStatus};
use domain::AppError;
use sqlx::{AnyConnection, FromRow};
use std::collections::BTreeMap;

/// The end of a stored due date (`YYYY-MM-DD`) in the plant's zone, UTC ms.
fn due_end(due_date: &str, offset_minutes: i32) -> Result<i64> {
    let due = domain::master::Date::parse("due_date", due_date).map_err(|_| AppError::Internal)?;
    Ok(super::plan::day_start(due.add_days(1), offset_minutes))
}

pub(super) const SELECT_MO: &str = "SELECT o.id, o.number, i.code AS item, i.name AS item_name, \
    o.bom_id, o.status, o.qty_millionths, o.good_millionths, o.scrap_millionths, o.start_date, o.due_date, \
    o.priority, o.parent_id, o.sales_order_id, o.version, \
    (SELECT MAX(j.planned_end) FROM jobs j WHERE j.mo_id = o.id AND j.status <> 'cancelled') AS planned_end \
    FROM manufacturing_orders o JOIN items i ON i.id = o.item_id";

/// A `manufacturing_orders` row with its item, as [`SELECT_MO`] reads it.
#[derive(Debug, Clone, FromRow)]
pub(super) struct MoRow {
    pub id: i64,
    pub number: String,
    pub item: String,
    pub item_name: String,
    pub bom_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub status: MoStatus,
    pub qty_millionths: i64,
    pub good_millionths: i64,
    pub scrap_millionths: i64,
    pub start_date: String,
    pub due_date: String,
    pub priority: i64,
    pub parent_id: Option<i64>,
    pub sales_order_id: Option<i64>,
    pub version: i64,
    pub planned_end: Option<i64>,
}

impl MoRow {
    /// The list's view; `late` against the end of the due date in the
    /// plant's zone, `offset_minutes` from UTC.
    pub fn summary(&self, offset_minutes: i32) -> Result<MoSummary> {
        let due_end = due_end(&self.due_date, offset_minutes)?;
        Ok(MoSummary {
            id: self.id,
            number: self.number.clone(),
            item: self.item.clone(),
            item_name: self.item_name.clone(),
            status: self.status,
            qty: Qty::from_millionths(self.qty_millionths),
            good: Qty::from_millionths(self.good_millionths),
            scrap: Qty::from_millionths(self.scrap_millionths),
            start_date: self.start_date.clone(),
            due_date: self.due_date.clone(),
            priority: self.priority,
            parent_id: self.parent_id,
            sales_order_id: self.sales_order_id,
            planned_end: self.planned_end,
            late: self.planned_end.is_some_and(|e| e > due_end) && !self.status.is_final(),
            version: self.version,
        })
    }
}

pub(super) async fn mo_row(c: &mut AnyConnection, id: i64) -> Result<MoRow> {
    sqlx::query_as(&format!("{SELECT_MO} WHERE o.id = $1"))
        .bind(id)
        .fetch_optional(c)
        .await
        .ctx("read manufacturing order")?
        .ok_or_else(|| AppError::not_found(format!("Manufacturing order {id}")).into())
}

const SELECT_JOB: &str =
    "SELECT j.id, j.mo_id, o.number AS mo_number, i.code AS item, j.seq, j.name, \
    w.code AS work_centre, j.status, j.qty_millionths, j.good_millionths, j.scrap_millionths, \
    j.minutes, j.planned_start, j.planned_end, j.latest_start, j.pinned, j.version, o.due_date \
    FROM jobs j JOIN manufacturing_orders o ON o.id = j.mo_id JOIN items i ON i.id = o.item_id \
    JOIN work_centres w ON w.id = j.work_centre_id";

/// A `jobs` row with its order and work centre.
#[derive(Debug, Clone, FromRow)]
pub(super) struct JobRow {
    pub id: i64,
    pub mo_id: i64,
    pub mo_number: String,
    pub item: String,
    pub seq: i64,
    pub name: String,
    pub work_centre: String,
    #[sqlx(try_from = "String")]
    pub status: TaskStatus,
    pub qty_millionths: i64,
    pub good_millionths: i64,
    pub scrap_millionths: i64,
    pub minutes: i64,
    pub planned_start: Option<i64>,
    pub planned_end: Option<i64>,
    pub latest_start: Option<i64>,
    pub pinned: i64,
    pub version: i64,
    pub due_date: String,
}

impl JobRow {
    fn view(&self, after: Vec<i64>, offset_minutes: i32) -> Result<JobView> {
        let due_end = due_end(&self.due_date, offset_minutes)?;
        Ok(JobView {
            id: self.id,
            mo_id: self.mo_id,
            mo_number: self.mo_number.clone(),
            item: self.item.clone(),
            seq: u32::try_from(self.seq).map_err(|_| AppError::Internal)?,
            name: self.name.clone(),
            work_centre: self.work_centre.clone(),
            status: self.status,
            qty: Qty::from_millionths(self.qty_millionths),
            good: Qty::from_millionths(self.good_millionths),
            scrap: Qty::from_millionths(self.scrap_millionths),
            minutes: u32::try_from(self.minutes).map_err(|_| AppError::Internal)?,
            after,
            planned_start: self.planned_start,
            planned_end: self.planned_end,
            latest_start: self.latest_start,
            late: self.planned_end.is_some_and(|e| e > due_end)
                && !matches!(self.status, TaskStatus::Completed | TaskStatus::Cancelled),
            pinned: self.pinned == 1,
            version: self.version,
        })
    }
}

/// The jobs matching `filter` (a WHERE clause on `j` and `o` binding
/// `args` as `$1`, `$2`, …), by order and operation, each with the jobs it
/// waits for.
pub(super) async fn jobs_where(
    c: &mut AnyConnection,
    filter: &str,
    args: &[i64],
    offset_minutes: i32,
) -> Result<Vec<JobView>> {
    let sql = format!("{SELECT_JOB} WHERE {filter} ORDER BY j.mo_id, j.seq");
    let mut q = sqlx::query_as::<_, JobRow>(&sql);
    for a in args {
        q = q.bind(*a);
    }
    let rows = q.fetch_all(&mut *c).await.ctx("read jobs")?;
    let sql = format!(
        "SELECT d.job_id, d.after_id FROM job_deps d JOIN jobs j ON j.id = d.job_id \
         JOIN manufacturing_orders o ON o.id = j.mo_id WHERE {filter} ORDER BY d.job_id, d.after_id"
    );
    let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
    for a in args {
        q = q.bind(*a);
    }
    let deps = q.fetch_all(&mut *c).await.ctx("read job order")?;
    let mut after: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (job, a) in deps {
        after.entry(job).or_default().push(a);
    }
    rows.iter()
        .map(|r| r.view(after.remove(&r.id).unwrap_or_default(), offset_minutes))
        .collect()
}

/// An order with its variants, jobs, materials and child orders.
pub(super) async fn load_detail(
    c: &mut AnyConnection,
    id: i64,
    offset_minutes: i32,
) -> Result<MoDetail> {
    let order = mo_row(c, id).await?.summary(offset_minutes)?;
    let variants: Vec<(String, i64)> = sqlx::query_as(
        "SELECT variant_key, qty_millionths FROM mo_variants WHERE mo_id = $1 ORDER BY variant_key",
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await
    .ctx("read order variants")?;
    let materials: Vec<(String, String, String, i64, String)> = sqlx::query_as(
        "SELECT i.code, i.name, m.variant_key, m.qty_millionths, u.code FROM mo_materials m \
         JOIN items i ON i.id = m.item_id JOIN units u ON u.id = i.unit_id \
         WHERE m.mo_id = $1 ORDER BY i.code, m.variant_key",
    )
    .bind(id)
    .fetch_all(&mut *c)
    .await
    .ctx("read order materials")?;
    let jobs = jobs_where(c, "j.mo_id = $1", &[id], offset_minutes).await?;
    let children: Vec<MoRow> =
        sqlx::query_as(&format!("{SELECT_MO} WHERE o.parent_id = $1 ORDER BY o.id"))
            .bind(id)
            .fetch_all(&mut *c)
            .await
            .ctx("read child orders")?;
    Ok(MoDetail {
        order,
        variants: variants
            .into_iter()
            .map(|(variant, q)| MoVariant {
                variant,
                qty: Qty::from_millionths(q),
            })
            .collect(),
        jobs,
        materials: materials
            .into_iter()
            .map(|(item, item_name, variant, q, unit)| MaterialLine {
                item,
                item_name,
                variant,
                qty: Qty::from_millionths(q),
                unit,
            })
            .collect(),
        children: children
            .iter()
            .map(|r| r.summary(offset_minutes))
            .collect::<Result<_>>()?,
    })
}
