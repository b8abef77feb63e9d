//! Re-planning: loads the floor (work centres with their shift calendars,
//! maintenance that takes capacity, work already running) and the open jobs
//! of released orders, hands them to `domain::ppic::schedule`, and stores
//! each job's planned start, end and latest start. Runs inside the
//! transaction that changed the plan (a release, a job's step, a Gantt
//! move, maintenance that takes or gives back capacity), so what is stored
//! always matches the change.

use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::master::work_centres::utc_offset_minutes;
use domain::master::{Date, ShiftCalendar};
use domain::ppic::{schedule, Booking, CapacityCut, Centre, Floor, Horizon, JobReq, TaskStatus};
use domain::AppError;
use sqlx::AnyConnection;
use std::collections::{BTreeMap, HashMap};

const DAY_MS: i64 = 86_400_000;
const MINUTE_MS: i64 = 60_000;
/// A breakdown still open after its estimate is assumed to last this much
/// longer; the plan is made again when it is resolved.
const OVERRUN_MS: i64 = 60 * MINUTE_MS;
/// A preventive window without an estimate.
const DEFAULT_WINDOW_MINUTES: i64 = 60;

/// The advisory lock every transaction that changes the plan takes first on
/// PostgreSQL ("PLAN"). Such a transaction reads the whole floor and writes
/// many jobs' times: two at once would each plan without the other's work
/// (both booking the same free slot) and could deadlock on each other's
/// job rows. Taken first, it makes them one at a time, as SQLite's single
/// writer already does.
const PLAN_LOCK: i64 = 0x504C_414E;

pub(crate) async fn lock_plan(tx: &mut Tx) -> Result<()> {
    if tx.backend_name().eq_ignore_ascii_case("postgresql") {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(PLAN_LOCK)
            .execute(&mut **tx)
            .await
            .ctx("lock the plan")?;
    }
    Ok(())
}

/// The plant's UTC offset today, minutes.
pub(crate) fn offset_now(tz: chrono_tz::Tz, now: i64) -> i32 {
    utc_offset_minutes(tz, Date::from_days(now.div_euclid(DAY_MS)))
}

/// Local midnight starting `date`, in UTC ms.
pub(super) fn day_start(date: Date, offset_minutes: i32) -> i64 {
    date.days() * DAY_MS - offset_minutes as i64 * MINUTE_MS
}

type CentreRow = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

pub(super) async fn centres(tx: &mut AnyConnection) -> Result<Vec<Centre>> {
    let rows: Vec<CentreRow> = sqlx::query_as(
        "SELECT id, parallel_capacity, mon_minutes, tue_minutes, wed_minutes, thu_minutes, fri_minutes, \
         sat_minutes, sun_minutes, day_start_minute FROM work_centres ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await
    .ctx("read work centres")?;
    let holidays: Vec<(i64, String)> =
        sqlx::query_as("SELECT work_centre_id, day FROM work_centre_holidays ORDER BY day")
            .fetch_all(&mut *tx)
            .await
            .ctx("read holidays")?;
    let closures: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT work_centre_id, start_ms, end_ms FROM work_centre_closures ORDER BY start_ms",
    )
    .fetch_all(&mut *tx)
    .await
    .ctx("read closures")?;
    let mut out: BTreeMap<i64, Centre> = BTreeMap::new();
    for (id, slots, mon, tue, wed, thu, fri, sat, sun, start) in rows {
        let minutes = [mon, tue, wed, thu, fri, sat, sun].map(|m| m.clamp(0, 1440) as u32);
        out.insert(
            id,
            Centre {
                id,
                calendar: ShiftCalendar {
                    minutes_per_weekday: minutes,
                    day_start_minute: start.clamp(0, 1439) as u32,
                    holidays: vec![],
                    closures: vec![],
                },
                slots: slots.clamp(1, 100) as u32,
            },
        );
    }
    for (wc, day) in holidays {
        let d = Date::parse("day", &day).map_err(|_| AppError::Internal)?;
        if let Some(c) = out.get_mut(&wc) {
            c.calendar.holidays.push(d);
        }
    }
    for (wc, s, e) in closures {
        if let Some(c) = out.get_mut(&wc) {
            c.calendar.closures.push((s, e));
        }
    }
    Ok(out.into_values().collect())
}

/// Maintenance taking capacity, with what it is for the Gantt's tooltip.
pub(super) struct Window {
    pub cut: CapacityCut,
    /// "SEW-02: Needle bar jams".
    pub label: String,
}

/// Open maintenance on machines of a work centre: a breakdown from when it
/// was reported for its estimate (or its resolution target), a preventive
/// request over its planned window. Each machine takes its share of its
/// centre's slots (a six-head line with three machines: two slots each).
pub(super) async fn maintenance_windows(
    tx: &mut AnyConnection,
    centres: &[Centre],
    now: i64,
) -> Result<Vec<Window>> {
    let machines: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT work_centre_id, COUNT(*) FROM machines WHERE work_centre_id IS NOT NULL AND active = 1 \
         AND archived_at IS NULL GROUP BY work_centre_id",
    )
    .fetch_all(&mut *tx)
    .await
    .ctx("count machines")?;
    let per_centre: HashMap<i64, i64> = machines.into_iter().collect();
    type Open = (
        String,
        i64,
        Option<i64>,
        Option<i64>,
        i64,
        i64,
        String,
        String,
    );
    let open: Vec<Open> = sqlx::query_as(
        "SELECT r.kind, r.created_at, r.planned_start, r.estimated_minutes, r.resolution_target_ms, \
         m.work_centre_id, m.code, r.title FROM maintenance_requests r JOIN machines m ON m.id = r.machine_id \
         WHERE r.status NOT IN ('resolved', 'closed', 'cancelled') AND m.work_centre_id IS NOT NULL \
         ORDER BY r.id",
    )
    .fetch_all(&mut *tx)
    .await
    .ctx("read open maintenance")?;
    let mut out = Vec::new();
    for (kind, created, planned_start, estimate, target_ms, wc, machine, title) in open {
        let Some(centre) = centres.iter().find(|c| c.id == wc) else {
            continue;
        };
        let machines = per_centre.get(&wc).copied().unwrap_or(1).max(1);
        let slots = (centre.slots as i64 + machines - 1) / machines;
        let (start, end) = match (kind.as_str(), planned_start) {
            ("preventive", Some(s)) => (
                s,
                s + estimate.unwrap_or(DEFAULT_WINDOW_MINUTES) * MINUTE_MS,
            ),
            ("preventive", None) => continue,
            _ => {
                let est = estimate.map(|m| m * MINUTE_MS).unwrap_or(target_ms);
                (created, (created + est).max(now + OVERRUN_MS))
            }
        };
        if end > start {
            out.push(Window {
                cut: CapacityCut {
                    centre: wc,
                    start,
                    end,
                    slots: slots.clamp(1, 100) as u32,
                },
                label: format!("{machine}: {title}"),
            });
        }
    }
    Ok(out)
}

type JobPlanRow = (
    i64,
    i64,
    i64,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
    String,
    i64,
);

pub(super) type Times = (Option<i64>, Option<i64>, Option<i64>);

/// The floor and the jobs to plan as they stand: centres with calendars,
/// maintenance cuts, running work as bookings, and every other open job of
/// a released or running order (pinned ones held from their pinned start),
/// with its planned times before.
pub(super) struct Loaded {
    pub floor: Floor,
    pub reqs: Vec<JobReq>,
    /// Each planned job's start, end and latest start as stored.
    pub before: HashMap<i64, Times>,
}

/// Planned before every other job at the same point, so a pinned job keeps
/// its place unless what it waits for (or running work) forces it later.
const PINNED_PRIORITY: i64 = -1_000_000;

pub(super) async fn load(c: &mut AnyConnection, tz: chrono_tz::Tz, now: i64) -> Result<Loaded> {
    load_with(c, tz, now, None).await
}

/// As [`load`]; job `dragged` (a Gantt move) is loaded without its pinned
/// start, which the move replaces.
pub(super) async fn load_with(
    c: &mut AnyConnection,
    tz: chrono_tz::Tz,
    now: i64,
    dragged: Option<i64>,
) -> Result<Loaded> {
    let offset = offset_now(tz, now);
    let centres = centres(c).await?;
    let cuts = maintenance_windows(c, &centres, now)
        .await?
        .into_iter()
        .map(|w| w.cut)
        .collect();
    let rows: Vec<JobPlanRow> = sqlx::query_as(
        "SELECT j.id, j.work_centre_id, j.minutes, j.status, j.pinned, j.planned_start, j.planned_end, \
         j.latest_start, j.actual_start, o.start_date, o.due_date, o.priority FROM jobs j \
         JOIN manufacturing_orders o ON o.id = j.mo_id \
         WHERE o.status IN ('released', 'in_progress') AND j.status IN ('draft', 'approved', 'in_progress', 'on_hold') \
         ORDER BY j.id",
    )
    .fetch_all(&mut *c)
    .await
    .ctx("read open jobs")?;
    let deps: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT d.job_id, d.after_id FROM job_deps d JOIN jobs j ON j.id = d.job_id \
         JOIN manufacturing_orders o ON o.id = j.mo_id WHERE o.status IN ('released', 'in_progress') \
         ORDER BY d.job_id",
    )
    .fetch_all(&mut *c)
    .await
    .ctx("read job order")?;
    let mut bookings = Vec::new();
    // Running jobs, held where they are: their end.
    let mut fixed_end: HashMap<i64, i64> = HashMap::new();
    let mut reqs: Vec<JobReq> = Vec::new();
    // Each job's planned start, end and latest start before this plan.
    let mut before: HashMap<i64, Times> = HashMap::new();
    for (id, wc, minutes, status, pinned, ps, pe, ls, actual, start_date, due_date, priority) in
        rows
    {
        let status = TaskStatus::try_from(status).map_err(|_| AppError::Internal)?;
        if status.holds_slot() {
            // Running (or paused) work holds its slot from when it started
            // for at least its minutes, and until now if it overruns.
            let start = actual.or(ps).unwrap_or(now);
            let end = pe.unwrap_or(0).max(start + minutes * MINUTE_MS).max(now);
            bookings.push(Booking {
                centre: wc,
                start,
                end,
            });
            fixed_end.insert(id, end);
            continue;
        }
        let start = Date::parse("start_date", &start_date).map_err(|_| AppError::Internal)?;
        let due = Date::parse("due_date", &due_date).map_err(|_| AppError::Internal)?;
        before.insert(id, (ps, pe, ls));
        // A job a planner pinned (by a Gantt move) is planned first, not
        // before where it was put; still after what it waits for.
        let held = (pinned == 1 && dragged != Some(id)).then_some(ps).flatten();
        reqs.push(JobReq {
            id,
            centre: wc,
            minutes: u32::try_from(minutes).map_err(|_| AppError::Internal)?,
            after: vec![],
            earliest: day_start(start, offset).max(now).max(held.unwrap_or(0)),
            due: Some(day_start(due.add_days(1), offset)),
            priority: if held.is_some() {
                PINNED_PRIORITY
            } else {
                priority
            },
        });
    }
    let index: HashMap<i64, usize> = reqs.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    for (job, after) in deps {
        let Some(&i) = index.get(&job) else { continue };
        if index.contains_key(&after) {
            reqs[i].after.push(after);
        } else if let Some(end) = fixed_end.get(&after) {
            reqs[i].earliest = reqs[i].earliest.max(*end);
        }
        // A completed or cancelled predecessor no longer holds it back.
    }
    let floor = Floor {
        centres,
        cuts,
        bookings,
        horizon: Horizon {
            utc_offset_minutes: offset,
            ..Horizon::default()
        },
    };
    Ok(Loaded {
        floor,
        reqs,
        before,
    })
}

/// Plans every open job of a released or running order again and stores
/// the result; returns how many jobs' times changed.
/// Jobs whose planned times one statement stores.
const STORE_CHUNK: usize = 500;

pub(crate) async fn replan(tx: &mut Tx, tz: chrono_tz::Tz, now: i64) -> Result<usize> {
    let Loaded {
        floor,
        reqs,
        before,
    } = load(tx, tz, now).await?;
    let plan = schedule(&floor, &reqs)?;
    let changed: Vec<_> = plan
        .jobs
        .iter()
        .filter(|p| before.get(&p.id) != Some(&(Some(p.start), Some(p.end), p.latest_start)))
        .collect();
    // A release re-times thousands of jobs on a busy floor: one statement
    // per chunk, not one per job. The values are integers the scheduler
    // made, written as literals (no text reaches the SQL).
    for chunk in changed.chunks(STORE_CHUNK) {
        let values: Vec<String> = chunk
            .iter()
            .map(|p| {
                let latest = p
                    .latest_start
                    .map_or_else(|| "CAST(NULL AS BIGINT)".to_string(), |l| l.to_string());
                format!("({}, {}, {}, {latest})", p.id, p.start, p.end)
            })
            .collect();
        sqlx::query(&format!(
            "WITH v(id, s, e, l) AS (VALUES {}) UPDATE jobs SET planned_start = v.s, \
             planned_end = v.e, latest_start = v.l FROM v WHERE jobs.id = v.id",
            values.join(", ")
        ))
        .execute(&mut **tx)
        .await
        .ctx("store planned times")?;
    }
    let changed = changed.len();
    Ok(changed)
}
