//! A drag on the Gantt chart: one job to a new start, perhaps on another
//! centre of the same kind (the caller checks the kind).
//!
//! The move is checked against the plan as it stands: not before the jobs
//! it waits for end, not before its release, at an instant the centre is
//! open, and with a slot free for its whole span. A move never bumps other
//! work: a span that would need a slot another job holds is refused
//! ("capacity full"), as is one through a maintenance window. The only
//! work that moves with it is the work that waits for it, which can never
//! start before it ends anyway — so those jobs are left out of the check,
//! and afterwards each (in planning order) stays where it is if it still
//! can, or is pushed to the first place it fits after what it waits for.
//! They only ever move later; nothing else moves at all, so the planner's
//! other decisions (earlier drags) survive. The service records the moved
//! job as pinned at its new start.

use super::board::{Board, Fit, Lane};
use super::order::Graph;
use super::schedule::{finish, ready_at, Floor, JobReq, Planned, Schedule};
use crate::error::AppError;
use crate::time::{format_iso, Millis, MINUTE};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::fmt;

/// Move job `job` to start at `start`, on centre `centre` if given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveRequest {
    pub job: i64,
    pub start: Millis,
    #[serde(default)]
    pub centre: Option<i64>,
}

/// The plan after a move and the jobs whose centre, start or end changed
/// (the moved one included), by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Moved {
    pub schedule: Schedule,
    pub changed: Vec<i64>,
}

/// Why a move was refused; a conflict (409) with this text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MoveRefusal {
    /// It would start before job `job`, which it waits for, ends.
    BeforePredecessor { job: i64, ends: Millis },
    /// It would start before its release (material, the order's start).
    BeforeRelease { earliest: Millis },
    /// The centre is closed at the requested start.
    Closed { centre: i64, at: Millis },
    /// A maintenance window takes the slot it would need.
    Maintenance {
        centre: i64,
        start: Millis,
        end: Millis,
    },
    /// Other work holds every slot at `at`, inside its span.
    CapacityFull { centre: i64, at: Millis },
}

impl fmt::Display for MoveRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoveRefusal::BeforePredecessor { job, ends } => {
                write!(f, "starts before job {job} ends at {}", format_iso(*ends))
            }
            MoveRefusal::BeforeRelease { earliest } => {
                write!(f, "starts before its release at {}", format_iso(*earliest))
            }
            MoveRefusal::Closed { centre, at } => {
                write!(f, "work centre {centre} is closed at {}", format_iso(*at))
            }
            MoveRefusal::Maintenance { centre, start, end } => write!(
                f,
                "maintenance takes work centre {centre} from {} to {}",
                format_iso(*start),
                format_iso(*end)
            ),
            MoveRefusal::CapacityFull { centre, at } => write!(
                f,
                "work centre {centre} is at full capacity at {}",
                format_iso(*at)
            ),
        }
    }
}

impl From<MoveRefusal> for AppError {
    fn from(r: MoveRefusal) -> AppError {
        AppError::conflict(r.to_string())
    }
}

/// Moves a job of `current` (planned from `jobs` on `floor`) as `request`
/// asks; see the module docs. Refusals are [`MoveRefusal`]s as conflicts;
/// an unknown job or centre is not found.
pub fn move_job(
    floor: &Floor,
    jobs: &[JobReq],
    current: &Schedule,
    request: &MoveRequest,
) -> Result<Moved, AppError> {
    let mut board = Board::new(floor)?;
    let graph = Graph::new(jobs, |_| false)?;
    let Some(&k) = graph.index.get(&request.job) else {
        return Err(AppError::not_found(format!("job {}", request.job)));
    };
    let (mut lanes, mut at) = where_now(&board, jobs, current)?;
    let lane = match request.centre {
        Some(c) => board
            .lane(c)
            .ok_or_else(|| AppError::not_found(format!("work centre {c}")))?,
        None => lanes[k],
    };
    let job = &jobs[k];
    let late_pred = graph.preds[k]
        .iter()
        .filter(|&&p| at[p].1 > request.start)
        .max_by_key(|&&p| (at[p].1, Reverse(jobs[p].id)));
    if let Some(&p) = late_pred {
        return Err(MoveRefusal::BeforePredecessor {
            job: jobs[p].id,
            ends: at[p].1,
        }
        .into());
    }
    if request.start < job.earliest {
        return Err(MoveRefusal::BeforeRelease {
            earliest: job.earliest,
        }
        .into());
    }
    // Everything but the job and what waits for it stays where it is.
    let dependent = graph.dependents(k);
    for i in 0..jobs.len() {
        if i != k && !dependent[i] {
            board.book(lanes[i], at[i].0, at[i].1);
        }
    }
    let last_day = board.last_day(lane, request.start);
    let ms = job.minutes as i64 * MINUTE;
    let l = &mut board.lanes[lane];
    let end = match l.fit(request.start, ms, last_day) {
        Fit::Ends(e) => e,
        Fit::Closed => {
            return Err(MoveRefusal::Closed {
                centre: l.id,
                at: request.start,
            }
            .into())
        }
        Fit::Blocked(b) => return Err(blocked(l, b).into()),
        Fit::TooLong => return Err(board.unplaceable(lane, job.id, request.start, false)),
    };
    let before: Vec<_> = lanes.iter().copied().zip(at.iter().copied()).collect();
    board.book(lane, request.start, end);
    (lanes[k], at[k]) = (lane, (request.start, end));
    // Then what waits for it, in planning order: each where it was if it
    // still fits there after what it waits for, else at the first place it
    // fits after that (so only ever later).
    let none = FxHashMap::default();
    for &i in &graph.order {
        if !dependent[i] {
            continue;
        }
        let j = &jobs[i];
        let from = ready_at(j, &graph.preds[i], &at, &none).max(at[i].0);
        let last_day = board.last_day(lanes[i], from);
        let ms = j.minutes as i64 * MINUTE;
        let stays =
            from == at[i].0 && board.lanes[lanes[i]].fit(from, ms, last_day) == Fit::Ends(at[i].1);
        if stays {
            board.book(lanes[i], at[i].0, at[i].1);
        } else {
            at[i] = board.place(lanes[i], j.id, from, j.minutes)?;
        }
    }
    let mut changed: Vec<i64> = (0..jobs.len())
        .filter(|&i| before[i] != (lanes[i], at[i]))
        .map(|i| jobs[i].id)
        .collect();
    changed.sort_unstable();
    Ok(Moved {
        schedule: finish(&mut board, jobs, &graph, &lanes, &at),
        changed,
    })
}

/// Lanes and `(start, end)`s, by job index.
type Places = (Vec<usize>, Vec<(Millis, Millis)>);

/// Each job's lane and `(start, end)` in `current`.
fn where_now(board: &Board, jobs: &[JobReq], current: &Schedule) -> Result<Places, AppError> {
    let by_id: FxHashMap<i64, &Planned> = current.jobs.iter().map(|p| (p.id, p)).collect();
    let mut lanes = Vec::with_capacity(jobs.len());
    let mut at = Vec::with_capacity(jobs.len());
    for j in jobs {
        let Some(p) = by_id.get(&j.id) else {
            return Err(AppError::conflict(format!(
                "job {} is not in the current plan; plan again",
                j.id
            )));
        };
        let Some(l) = board.lane(p.centre) else {
            return Err(AppError::conflict(format!(
                "job {} is planned on work centre {}, which is not in the plan",
                j.id, p.centre
            )));
        };
        lanes.push(l);
        at.push((p.start, p.end));
    }
    Ok((lanes, at))
}

/// Names what blocks a span at `b`: the maintenance window, when without
/// it a slot would be free, else the work that fills the centre.
fn blocked(l: &Lane, b: Millis) -> MoveRefusal {
    let work = l.used.level_at(b) - l.cut_level(b);
    match l.cut_at(b) {
        Some((start, end, _)) if work < l.slots as i64 => MoveRefusal::Maintenance {
            centre: l.id,
            start,
            end,
        },
        _ => MoveRefusal::CapacityFull {
            centre: l.id,
            at: b,
        },
    }
}
