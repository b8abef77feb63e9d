//! Changeover suggestions: for each embroidery work centre, its jobs that
//! wait (not started, of released or running orders) in the order they are
//! planned, and the run order `domain::ppic::sequence` suggests to cut
//! thread and hoop changes, with the minutes saved.

use crate::error::{DbContext, Result, ServiceError};
use crate::Services;
use domain::auth::CurrentUser;
use domain::perm::{Action, Module};
use domain::ppic::{
    sequence, ChangeoverJob, ChangeoverLane, ChangeoverView, EmbJob, HOOP_CHANGE_MINUTES,
    MAX_SEQUENCED_JOBS, THREAD_CHANGE_MINUTES,
};
use domain::AppError;

#[derive(sqlx::FromRow)]
struct Row {
    centre: String,
    centre_name: String,
    id: i64,
    order_number: String,
    item: String,
    design: String,
    hoop: String,
    thread_colours: String,
    planned_start: Option<i64>,
}

impl Row {
    fn job(self) -> Result<(String, String, ChangeoverJob)> {
        let colours: Vec<String> = serde_json::from_str(&self.thread_colours).map_err(|e| {
            ServiceError::Internal(format!("design {}: thread colours: {e}", self.design))
        })?;
        Ok((
            self.centre,
            self.centre_name,
            ChangeoverJob {
                id: self.id,
                order: self.order_number,
                item: self.item,
                design: self.design,
                hoop: self.hoop,
                colours,
                planned_start: self.planned_start,
            },
        ))
    }
}

/// The suggestion for every embroidery centre with waiting jobs, or for
/// the one whose code is `work_centre`.
pub async fn changeover(
    svc: &Services,
    user: &CurrentUser,
    work_centre: Option<&str>,
) -> Result<ChangeoverView> {
    user.require(Module::Ppic, Action::View)?;
    let mut c = svc.db.read.acquire().await.ctx("acquire connection")?;
    let code = work_centre.map(str::trim).filter(|s| !s.is_empty());
    if let Some(code) = code {
        let known: Option<i64> = sqlx::query_scalar("SELECT id FROM work_centres WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *c)
            .await
            .ctx("find work centre")?;
        if known.is_none() {
            return Err(AppError::field("work_centre", format!("no work centre {code}")).into());
        }
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT w.code AS centre, w.name AS centre_name, j.id, o.number AS order_number, \
         i.code AS item, d.code AS design, d.hoop, d.thread_colours, j.planned_start \
         FROM jobs j JOIN manufacturing_orders o ON o.id = j.mo_id \
         JOIN work_centres w ON w.id = j.work_centre_id JOIN items i ON i.id = o.item_id \
         JOIN embroidery_designs d ON d.id = j.design_id \
         WHERE j.status IN ('draft', 'approved') AND o.status IN ('released', 'in_progress') \
         AND ($1 = '' OR w.code = $1) \
         ORDER BY w.code, j.planned_start IS NULL, j.planned_start, j.id",
    )
    .bind(code.unwrap_or(""))
    .fetch_all(&mut *c)
    .await
    .ctx("read embroidery jobs")?;
    let mut lanes: Vec<ChangeoverLane> = Vec::new();
    for row in rows {
        let (centre, name, job) = row.job()?;
        match lanes.last_mut() {
            Some(l) if l.work_centre == centre => {
                if l.jobs.len() < MAX_SEQUENCED_JOBS {
                    l.jobs.push(job);
                } else {
                    l.left_out += 1;
                }
            }
            _ => lanes.push(ChangeoverLane {
                work_centre: centre,
                name,
                jobs: vec![job],
                sequence: Default::default(),
                left_out: 0,
            }),
        }
    }
    for lane in &mut lanes {
        let jobs: Vec<EmbJob> = lane
            .jobs
            .iter()
            .map(|j| EmbJob {
                id: j.id,
                hoop: j.hoop.clone(),
                colours: j.colours.clone(),
            })
            .collect();
        lane.sequence = sequence(&jobs, THREAD_CHANGE_MINUTES, HOOP_CHANGE_MINUTES);
    }
    Ok(ChangeoverView {
        thread_change_minutes: THREAD_CHANGE_MINUTES,
        hoop_change_minutes: HOOP_CHANGE_MINUTES,
        lanes,
    })
}
