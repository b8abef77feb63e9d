//! Finite-capacity forward scheduling: every job placed at the earliest
//! time its centre is open with a slot free for its whole span, after the
//! jobs it waits for; then a backward pass for how late each could start
//! and still meet the due dates downstream; and capable-to-promise, the
//! earliest date new work could finish on top of the current load.
//!
//! It is list scheduling: jobs are taken one at a time in planning order
//! (precedence, then priority, due date, id) and each is
//! booked where it first fits, never moving what was booked before. That is
//! not optimal, but it is fast, explainable ("it waited for the cutting
//! table") and stable: the same input always gives the same plan.

use super::board::Board;
use super::order::Graph;
use crate::error::AppError;
use crate::master::ShiftCalendar;
use crate::time::{Millis, MINUTE};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// A work centre as the scheduler sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Centre {
    pub id: i64,
    pub calendar: ShiftCalendar,
    /// Jobs it runs at once (operators or machines); at least 1.
    pub slots: u32,
}

/// Maintenance taking `slots` of a centre's slots over `[start, end)`: a
/// breakdown or a preventive window. The service works out how many slots
/// the machine is (one machine of a six-head line is one slot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapacityCut {
    pub centre: i64,
    pub start: Millis,
    pub end: Millis,
    pub slots: u32,
}

/// Fixed work holding one slot of a centre over `[start, end)`: a job in
/// progress or on hold, or one the planner pinned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub centre: i64,
    pub start: Millis,
    pub end: Millis,
}

/// A job to plan: one operation of a manufacturing order on one centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobReq {
    pub id: i64,
    pub centre: i64,
    /// Working minutes, setup and run; 0 is a milestone (see [`schedule`]).
    pub minutes: u32,
    /// Jobs that must finish first: the previous operation, a child order's
    /// last jobs.
    #[serde(default)]
    pub after: Vec<i64>,
    /// It may not start before this (release date, material arrival).
    pub earliest: Millis,
    pub due: Option<Millis>,
    /// Lower goes first among jobs ready at the same point.
    #[serde(default)]
    pub priority: i64,
}

/// The clock and the search limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Horizon {
    /// The plant's fixed offset from UTC, minutes (+420 for WIB).
    pub utc_offset_minutes: i32,
    /// How many days after its earliest allowed start a job may end before
    /// it is reported as impossible to plan (its centre never opens, or is
    /// always full). Keeps a bad calendar from spinning forever.
    pub search_days: u32,
}

impl Default for Horizon {
    fn default() -> Self {
        Horizon {
            utc_offset_minutes: 0,
            search_days: 400,
        }
    }
}

/// The shop floor as the scheduler sees it: the centres, what maintenance
/// takes away, and the work already fixed on them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Floor {
    pub centres: Vec<Centre>,
    #[serde(default)]
    pub cuts: Vec<CapacityCut>,
    #[serde(default)]
    pub bookings: Vec<Booking>,
    #[serde(default)]
    pub horizon: Horizon,
}

/// Where and when a job is planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Planned {
    pub id: i64,
    pub centre: i64,
    pub start: Millis,
    pub end: Millis,
    /// It ends after its own due date.
    pub late: bool,
    /// The latest start that still meets every due date downstream, on its
    /// centre's calendar alone (capacity ignored); none if no job from here
    /// on has a due date.
    pub latest_start: Option<Millis>,
}

/// A plan: one entry per job, in the order the jobs were given.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Schedule {
    pub jobs: Vec<Planned>,
}

impl Schedule {
    pub fn get(&self, id: i64) -> Option<&Planned> {
        self.jobs.iter().find(|p| p.id == id)
    }

    /// When the last job ends; none for an empty plan.
    pub fn end(&self) -> Option<Millis> {
        self.jobs.iter().map(|p| p.end).max()
    }
}

/// Plans `jobs` on `floor`.
///
/// Each job, in planning order, may start at `earliest` or when the last of
/// the jobs it waits for ends, whichever is later; it starts at the first
/// open instant from then at which a slot of its centre is free for its
/// whole span (see the `board` module). A job of 0 minutes is a milestone: it
/// needs neither open time nor a slot, so it starts and ends at that
/// earliest allowed time, whether the centre is open then or not — a
/// marker must not push what follows into the next shift.
///
/// Errors (409) name a job: one in the plan twice, routed to a centre not
/// on the floor, waiting for a job not in the plan or in a loop, or that
/// cannot be placed within the search limit.
pub fn schedule(floor: &Floor, jobs: &[JobReq]) -> Result<Schedule, AppError> {
    let mut board = Board::new(floor)?;
    plan_on(&mut board, jobs, &FxHashMap::default())
}

/// Capable-to-promise: the earliest instant `new_jobs` could all be done,
/// planned after the work in `existing` (held where it is, as bookings)
/// and the floor's own bookings. A new job may wait for a job of
/// `existing`; it then starts after that job's planned end.
pub fn promise(
    floor: &Floor,
    existing: &Schedule,
    new_jobs: &[JobReq],
) -> Result<Millis, AppError> {
    let mut board = Board::new(floor)?;
    let mut ends = FxHashMap::default();
    for p in &existing.jobs {
        if let Some(l) = board.lane(p.centre) {
            board.book(l, p.start, p.end);
        }
        ends.insert(p.id, p.end);
    }
    if let Some(j) = new_jobs.iter().find(|j| ends.contains_key(&j.id)) {
        return Err(AppError::conflict(format!(
            "job {} is already planned",
            j.id
        )));
    }
    plan_on(&mut board, new_jobs, &ends)?
        .end()
        .ok_or_else(|| AppError::field("jobs", "add at least one job to promise"))
}

/// Plans `jobs` on `board` around what it holds; `outside` gives the ends of
/// planned jobs not in `jobs` that some may wait for.
fn plan_on(
    board: &mut Board,
    jobs: &[JobReq],
    outside: &FxHashMap<i64, Millis>,
) -> Result<Schedule, AppError> {
    let graph = Graph::new(jobs, |id| outside.contains_key(&id))?;
    let lanes = jobs
        .iter()
        .map(|j| {
            board.lane(j.centre).ok_or_else(|| {
                AppError::conflict(format!(
                    "job {} is routed to work centre {}, which is not in the plan",
                    j.id, j.centre
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut at = vec![(0, 0); jobs.len()];
    for &i in &graph.order {
        let j = &jobs[i];
        let from = ready_at(j, &graph.preds[i], &at, outside);
        at[i] = board.place(lanes[i], j.id, from, j.minutes)?;
    }
    Ok(finish(board, jobs, &graph, &lanes, &at))
}

/// When job `j` may start: its `earliest`, or when the last job it waits
/// for ends (`at` holds planned `(start, end)`s by index).
pub(crate) fn ready_at(
    j: &JobReq,
    preds: &[usize],
    at: &[(Millis, Millis)],
    outside: &FxHashMap<i64, Millis>,
) -> Millis {
    let inside = preds.iter().map(|&p| at[p].1);
    let beyond = j.after.iter().filter_map(|a| outside.get(a).copied());
    inside.chain(beyond).fold(j.earliest, Millis::max)
}

/// The plan for jobs placed at `at` on `lanes`, with the late flags and the
/// backward pass.
pub(crate) fn finish(
    board: &mut Board,
    jobs: &[JobReq],
    graph: &Graph,
    lanes: &[usize],
    at: &[(Millis, Millis)],
) -> Schedule {
    let latest = latest_starts(board, jobs, graph, lanes);
    Schedule {
        jobs: jobs
            .iter()
            .enumerate()
            .map(|(i, j)| Planned {
                id: j.id,
                centre: board.lanes[lanes[i]].id,
                start: at[i].0,
                end: at[i].1,
                late: j.due.is_some_and(|d| at[i].1 > d),
                latest_start: latest[i],
            })
            .collect(),
    }
}

/// The backward pass, against the calendar only: a job must finish by its
/// own due date and before the latest start of every job waiting for it;
/// it must start its minutes of open time before that. A latest start
/// further back than the search limit is reported at the limit (the job is
/// hopelessly late by then anyway).
fn latest_starts(
    board: &mut Board,
    jobs: &[JobReq],
    graph: &Graph,
    lanes: &[usize],
) -> Vec<Option<Millis>> {
    let mut latest: Vec<Option<Millis>> = vec![None; jobs.len()];
    for &i in graph.order.iter().rev() {
        let by_succ = graph.succs[i].iter().filter_map(|&s| latest[s]);
        let Some(finish) = jobs[i].due.into_iter().chain(by_succ).min() else {
            continue;
        };
        let first_day = board.first_day(lanes[i], finish);
        let ms = jobs[i].minutes as i64 * MINUTE;
        let time = &mut board.lanes[lanes[i]].time;
        latest[i] = Some(
            time.retreat(finish, ms, first_day)
                .unwrap_or_else(|| time.day_start(first_day)),
        );
    }
    latest
}
