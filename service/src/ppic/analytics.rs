//! Planning analytics: orders by status, planned against actual per work
//! centre and per item, and load against capacity per work centre per day
//! with the bottleneck named (from the same plan the floor runs on).

use super::plan::{day_start, load, offset_now};
use crate::error::{DbContext, Result};
use crate::Services;
use domain::auth::CurrentUser;
use domain::master::Date;
use domain::perm::{Action, Module};
use domain::ppic::{
    bottleneck, load_by_day, schedule, BottleneckView, CentreLoad, DayLoadView, LoadReport,
    MoStatus, Performance, PerformanceReport, StatusCount,
};
use domain::AppError;
use std::collections::{BTreeMap, HashMap};

/// Longest period one load report covers.
pub const MAX_DAYS: u32 = 92;

pub async fn orders_by_status(svc: &Services, user: &CurrentUser) -> Result<Vec<StatusCount>> {
    user.require(Module::Ppic, Action::View)?;
    let mut c = svc.db.read.acquire().await.ctx("acquire connection")?;
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM manufacturing_orders GROUP BY status")
            .fetch_all(&mut *c)
            .await
            .ctx("count orders by status")?;
    let counts: HashMap<String, i64> = rows.into_iter().collect();
    Ok(MoStatus::ALL
        .iter()
        .map(|s| StatusCount {
            status: *s,
            count: counts.get(s.as_str()).copied().unwrap_or(0),
        })
        .collect())
}

type DoneRow = (String, String, i64, i64, i64, String);

pub async fn performance(
    svc: &Services,
    user: &CurrentUser,
    days: Option<i64>,
    now: i64,
) -> Result<PerformanceReport> {
    user.require(Module::Ppic, Action::View)?;
    let days = days.unwrap_or(30);
    if !(1..=366).contains(&days) {
        return Err(AppError::field("days", "must be between 1 and 366").into());
    }
    let since = now - days * 86_400_000;
    let offset = offset_now(svc.config.plant_time_zone, now);
    let mut c = svc.db.read.acquire().await.ctx("acquire connection")?;
    let rows: Vec<DoneRow> = sqlx::query_as(
        "SELECT w.code, i.code, j.minutes, j.actual_start, j.actual_end, o.due_date FROM jobs j \
         JOIN work_centres w ON w.id = j.work_centre_id JOIN manufacturing_orders o ON o.id = j.mo_id \
         JOIN items i ON i.id = o.item_id \
         WHERE j.status = 'completed' AND j.actual_end >= $1 AND j.actual_start IS NOT NULL",
    )
    .bind(since)
    .fetch_all(&mut *c)
    .await
    .ctx("read completed jobs")?;
    let mut by_wc: BTreeMap<String, (i64, i64, i64, i64)> = BTreeMap::new();
    let mut by_item: BTreeMap<String, (i64, i64, i64, i64)> = BTreeMap::new();
    for (wc, item, minutes, start, end, due) in rows {
        let due = Date::parse("due_date", &due).map_err(|_| AppError::Internal)?;
        let on_time = (end <= day_start(due.add_days(1), offset)) as i64;
        let actual = (end - start).max(0) / 60_000;
        for (map, key) in [(&mut by_wc, wc.clone()), (&mut by_item, item)] {
            let e = map.entry(key).or_default();
            *e = (e.0 + 1, e.1 + minutes, e.2 + actual, e.3 + on_time);
        }
    }
    let view = |m: BTreeMap<String, (i64, i64, i64, i64)>| {
        m.into_iter()
            .map(|(code, (jobs, planned, actual, on_time))| Performance {
                code,
                jobs,
                planned_minutes: planned,
                actual_minutes: actual,
                on_time,
                on_time_rate: on_time as f64 / jobs.max(1) as f64,
            })
            .collect()
    };
    Ok(PerformanceReport {
        since,
        by_work_centre: view(by_wc),
        by_item: view(by_item),
    })
}

pub async fn load_report(
    svc: &Services,
    user: &CurrentUser,
    from: Option<&str>,
    days: Option<i64>,
    now: i64,
) -> Result<LoadReport> {
    user.require(Module::Ppic, Action::View)?;
    let tz = svc.config.plant_time_zone;
    let offset = offset_now(tz, now);
    let from = match from.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Date::parse("from", s)?,
        None => Date::at(now, offset),
    };
    let days = days.unwrap_or(14);
    if !(1..=MAX_DAYS as i64).contains(&days) {
        return Err(AppError::field("days", "must be between 1 and 92").into());
    }
    let mut c = svc.db.read.acquire().await.ctx("acquire connection")?;
    let names: HashMap<i64, (String, String)> =
        sqlx::query_as::<_, (i64, String, String)>("SELECT id, code, name FROM work_centres")
            .fetch_all(&mut *c)
            .await
            .ctx("read work centres")?
            .into_iter()
            .map(|(id, code, name)| (id, (code, name)))
            .collect();
    let loaded = load(&mut c, tz, now).await?;
    let plan = schedule(&loaded.floor, &loaded.reqs)?;
    let per_day = load_by_day(&loaded.floor, &plan, from, days as u32);
    let worst = bottleneck(&per_day);
    let mut centres: Vec<(i64, CentreLoad)> = Vec::new();
    for d in &per_day {
        if centres.last().map(|(id, _)| *id) != Some(d.centre) {
            let (code, name) = names.get(&d.centre).cloned().unwrap_or_default();
            centres.push((
                d.centre,
                CentreLoad {
                    code,
                    name,
                    days: vec![],
                },
            ));
        }
        if let Some((_, c)) = centres.last_mut() {
            c.days.push(DayLoadView {
                date: d.date.to_string(),
                load_minutes: d.load_minutes,
                capacity_minutes: d.capacity_minutes,
            });
        }
    }
    Ok(LoadReport {
        from: from.to_string(),
        days: days as u32,
        centres: centres.into_iter().map(|(_, c)| c).collect(),
        bottleneck: worst.map(|b| {
            let (code, name) = names.get(&b.centre).cloned().unwrap_or_default();
            BottleneckView {
                code,
                name,
                load_minutes: b.load_minutes,
                capacity_minutes: b.capacity_minutes,
                overload_hours: b.overload_minutes as f64 / 60.0,
            }
        }),
    })
}
