//! The Gantt chart: the plan over a window of days (a lane per work
//! centre, the open jobs as bars, maintenance and closures as shaded
//! windows), and a drag, which `domain::ppic::move_job` checks against the
//! plan as stored (predecessors, release, calendar, capacity, maintenance)
//! and which moves the jobs waiting for the dragged one with it. The
//! dragged job is pinned at its new place: later re-plans plan around it.

use super::plan::{
    centres, day_start, load_with, lock_plan, maintenance_windows, offset_now, replan,
};
use super::rows::jobs_where;
use super::tasks::one_job;
use crate::audit::audit;
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::events::{self, NewEvent};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::master::Date;
use domain::perm::{Action, Module};
use domain::ppic::{
    move_job as plan_move, GanttLane, GanttMoveInput, GanttMoved, GanttView, GanttWindow,
    MoveRequest, Planned, Schedule, TaskStatus,
};
use domain::time::format_iso;
use domain::AppError;
use std::collections::HashMap;

/// Longest window one chart covers, days.
pub const MAX_DAYS: i64 = 62;
/// Most bars one chart carries.
pub const MAX_BARS: usize = 5_000;

const DAY_MS: i64 = 86_400_000;
/// The furthest ahead a job may be dragged.
const MAX_AHEAD_MS: i64 = 366 * DAY_MS;

type LaneRow = (i64, String, String, String, i64);

pub async fn gantt(
    svc: &Services,
    user: &CurrentUser,
    from: Option<&str>,
    days: Option<i64>,
    now: i64,
) -> Result<GanttView> {
    user.require(Module::Ppic, Action::View)?;
    let offset = offset_now(svc.config.plant_time_zone, now);
    let first = match from.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Date::parse("from", s)?,
        None => Date::at(now, offset),
    };
    let days = days.unwrap_or(7);
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(AppError::field("days", format!("must be between 1 and {MAX_DAYS}")).into());
    }
    let (start, end) = (
        day_start(first, offset),
        day_start(first.add_days(days), offset),
    );
    let mut c = svc.db.read.acquire().await.ctx("acquire connection")?;
    let lanes: Vec<LaneRow> = sqlx::query_as(
        "SELECT id, code, name, kind, parallel_capacity FROM work_centres \
         WHERE archived_at IS NULL ORDER BY id",
    )
    .fetch_all(&mut *c)
    .await
    .ctx("read work centres")?;
    let code_of: HashMap<i64, String> = lanes.iter().map(|l| (l.0, l.1.clone())).collect();
    let bars = jobs_where(
        &mut c,
        "o.status IN ('released', 'in_progress') \
         AND j.status IN ('draft', 'approved', 'in_progress', 'on_hold') \
         AND j.planned_start < $1 AND j.planned_end > $2",
        &[end, start],
        offset,
    )
    .await?;
    if bars.len() > MAX_BARS {
        return Err(AppError::field(
            "days",
            format!("more than {MAX_BARS} jobs in this window; show fewer days"),
        )
        .into());
    }
    let centres = centres(&mut c).await?;
    let mut windows: Vec<GanttWindow> = maintenance_windows(&mut c, &centres, now)
        .await?
        .into_iter()
        .filter(|w| w.cut.start < end && w.cut.end > start)
        .filter_map(|w| {
            Some(GanttWindow {
                work_centre: code_of.get(&w.cut.centre)?.clone(),
                start: w.cut.start,
                end: w.cut.end,
                kind: "maintenance".into(),
                label: w.label,
                slots: w.cut.slots,
            })
        })
        .collect();
    for ctr in &centres {
        for &(s, e) in &ctr.calendar.closures {
            if s < end && e > start {
                if let Some(code) = code_of.get(&ctr.id) {
                    windows.push(GanttWindow {
                        work_centre: code.clone(),
                        start: s,
                        end: e,
                        kind: "closure".into(),
                        label: format!("{code} closed"),
                        slots: ctr.slots,
                    });
                }
            }
        }
    }
    Ok(GanttView {
        from: start,
        to: end,
        now,
        utc_offset_minutes: offset,
        lanes: lanes
            .into_iter()
            .map(|(id, code, name, kind, slots)| GanttLane {
                id,
                code,
                name,
                kind,
                slots: slots.clamp(1, 100) as u32,
            })
            .collect(),
        bars,
        windows,
    })
}

type MovingRow = (String, i64, i64, i64, String, String);

/// Drags job `id` to a new start (and perhaps another centre of its
/// kind): checked against the plan as it stands, refused with the reason
/// (409), or stored with the jobs that wait for it.
pub async fn move_job(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &GanttMoveInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<GanttMoved> {
    // Moving the plan is a planner's or supervisor's decision (operators
    // step their own jobs but do not re-plan the floor).
    user.require(Module::Ppic, Action::Approve)?;
    let drag = input.parse()?;
    if drag.start > now + MAX_AHEAD_MS {
        return Err(AppError::field("start", "at most a year ahead").into());
    }
    let tz = svc.config.plant_time_zone;
    let (moved, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        &format!("ppic.job.move.{id}"),
        input,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                lock_plan(&mut tx).await?;
                let (status, version, centre, mo_id, wc_code, kind): MovingRow = sqlx::query_as(
                    "SELECT j.status, j.version, j.work_centre_id, j.mo_id, w.code, w.kind \
                     FROM jobs j JOIN work_centres w ON w.id = j.work_centre_id WHERE j.id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .ctx("read job")?
                .ok_or_else(|| AppError::not_found(format!("Job {id}")))?;
                let status = TaskStatus::try_from(status).map_err(|_| AppError::Internal)?;
                if drag.version.is_some_and(|v| v != version) {
                    return Err(AppError::conflict(format!(
                        "job {id} was changed since you saw it; look again"
                    ))
                    .into());
                }
                if !status.is_movable() {
                    return Err(AppError::conflict(format!(
                        "job {id} is {}; only a job not started yet can be moved",
                        status.label().to_lowercase()
                    ))
                    .into());
                }
                let to_centre = match &drag.work_centre {
                    None => centre,
                    Some(code) if *code == wc_code => centre,
                    Some(code) => {
                        let (to, to_kind): (i64, String) = sqlx::query_as(
                            "SELECT id, kind FROM work_centres WHERE code = $1 AND archived_at IS NULL",
                        )
                        .bind(code)
                        .fetch_optional(&mut *tx)
                        .await
                        .ctx("find work centre")?
                        .ok_or_else(|| {
                            AppError::field("work_centre", "no work centre has this code")
                        })?;
                        if to_kind != kind {
                            return Err(AppError::conflict(format!(
                                "{code} is a {} centre; job {id} needs {kind}",
                                to_kind.to_lowercase()
                            ))
                            .into());
                        }
                        to
                    }
                };
                // The plan as it stands now (times stored yesterday may be
                // gone by), then the floor with the dragged job unpinned.
                replan(&mut tx, tz, now).await?;
                let loaded = load_with(&mut tx, tz, now, Some(id)).await?;
                if !loaded.reqs.iter().any(|r| r.id == id) {
                    return Err(AppError::conflict(format!(
                        "job {id} is not in the plan (its order is not released)"
                    ))
                    .into());
                }
                let current = Schedule {
                    jobs: loaded
                        .reqs
                        .iter()
                        .map(|r| match loaded.before.get(&r.id) {
                            Some(&(Some(start), Some(end), latest_start)) => Ok(Planned {
                                id: r.id,
                                centre: r.centre,
                                start,
                                end,
                                late: false,
                                latest_start,
                            }),
                            _ => Err(AppError::conflict(format!(
                                "job {} has no planned time yet; the plan is being made",
                                r.id
                            ))),
                        })
                        .collect::<std::result::Result<_, AppError>>()?,
                };
                let request = MoveRequest {
                    job: id,
                    start: drag.start,
                    centre: Some(to_centre),
                };
                let result = match plan_move(&loaded.floor, &loaded.reqs, &current, &request) {
                    Err(AppError::Conflict { message }) => {
                        let names: Vec<(i64, String)> =
                            sqlx::query_as("SELECT id, code FROM work_centres")
                                .fetch_all(&mut *tx)
                                .await
                                .ctx("read work centre codes")?;
                        let offset = offset_now(tz, now);
                        return Err(AppError::conflict(in_plant_terms(&message, &names, offset)).into());
                    }
                    other => other?,
                };
                for p in &result.schedule.jobs {
                    let was = loaded.before.get(&p.id).copied();
                    let moved_here = p.id == id;
                    if !moved_here && was == Some((Some(p.start), Some(p.end), p.latest_start)) {
                        continue;
                    }
                    sqlx::query(
                        "UPDATE jobs SET planned_start = $1, planned_end = $2, latest_start = $3, \
                         work_centre_id = $4, \
                         pinned = CASE WHEN id = $5 THEN 1 ELSE pinned END, \
                         version = CASE WHEN id = $5 THEN version + 1 ELSE version END, \
                         updated_at = CASE WHEN id = $5 THEN $6 ELSE updated_at END \
                         WHERE id = $7",
                    )
                    .bind(p.start)
                    .bind(p.end)
                    .bind(p.latest_start)
                    .bind(p.centre)
                    .bind(id)
                    .bind(now)
                    .bind(p.id)
                    .execute(&mut *tx)
                    .await
                    .ctx("store moved job")?;
                }
                let offset = offset_now(tz, now);
                let followers: Vec<i64> =
                    result.changed.iter().copied().filter(|&j| j != id).collect();
                let from_start = loaded.before[&id].0.unwrap_or(drag.start);
                let to_code = match &drag.work_centre {
                    Some(c) => c.clone(),
                    None => wc_code.clone(),
                };
                audit(
                    &mut tx,
                    Some(user.id),
                    "ppic.job.move",
                    "job",
                    &id.to_string(),
                    &format!(
                        "job {id}: {wc_code} {} → {to_code} {}; {} later job(s) moved with it",
                        format_iso(from_start),
                        format_iso(drag.start),
                        followers.len()
                    ),
                    now,
                )
                .await?;
                events::record(
                    &mut tx,
                    &NewEvent::new(Module::Ppic, id, version + 1, EventKind::Updated, now)
                        .with_payload(serde_json::json!({
                            "entity": "job",
                            "mo_id": mo_id,
                            "moved": true,
                            "followers": followers,
                        })),
                )
                .await?;
                let moved = one_job(&mut tx, id, offset).await?;
                let mut out = Vec::with_capacity(followers.len());
                for f in &followers {
                    out.push(one_job(&mut tx, *f, offset).await?);
                }
                Ok((
                    tx,
                    GanttMoved {
                        moved,
                        followers: out,
                    },
                ))
            })
        },
    )
    .await?;
    if fresh {
        svc.events.wake();
    }
    Ok(moved)
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An instant as the plant reads it: `Tue 8 Dec 11:34`.
fn plant_time(t: i64, offset_minutes: i32) -> String {
    let local = t + offset_minutes as i64 * 60_000;
    let date = Date::from_days(local.div_euclid(DAY_MS));
    let in_day = local.rem_euclid(DAY_MS) / 60_000;
    let ymd = date.to_string();
    let month: usize = ymd[5..7].parse().unwrap_or(1);
    let day: u32 = ymd[8..10].parse().unwrap_or(1);
    format!(
        "{} {day} {} {:02}:{:02}",
        WEEKDAYS[date.weekday() % 7],
        MONTHS[(month - 1) % 12],
        in_day / 60,
        in_day % 60
    )
}

/// A refusal from the planning rules, which name centres by id and times
/// in UTC, in the plant's terms: centre codes, local times.
fn in_plant_terms(message: &str, centres: &[(i64, String)], offset_minutes: i32) -> String {
    let mut out = message.to_string();
    for (id, code) in centres {
        out = out.replace(&format!("work centre {id} "), &format!("{code} "));
    }
    out.split(' ')
        .map(|w| {
            let bare = w.trim_end_matches(['.', ',', ';', ')']);
            match domain::time::parse_iso(bare) {
                Some(t) => format!("{}{}", plant_time(t, offset_minutes), &w[bare.len()..]),
                None => w.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_in_plant_terms() {
        let centres = [(3, "SEW".to_string()), (13, "PACK".to_string())];
        assert_eq!(
            in_plant_terms(
                "maintenance takes work centre 3 from 2026-12-08T05:00:00.000Z to 2026-12-08T07:00:00.000Z",
                &centres,
                120
            ),
            "maintenance takes SEW from Tue 8 Dec 07:00 to Tue 8 Dec 09:00"
        );
        assert_eq!(
            in_plant_terms(
                "work centre 13 is closed at 2026-12-12T08:00:00.000Z.",
                &centres,
                120
            ),
            "PACK is closed at Sat 12 Dec 10:00."
        );
    }
}
