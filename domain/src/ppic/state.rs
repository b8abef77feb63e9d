//! The two lifecycles planning drives: the manufacturing order (what to
//! make, how many, by when) and the jobs it is cut into (one operation of
//! the routing on one work centre).
//!
//! A manufacturing order:
//!
//! ```text
//! draft ──release──▶ released ──start──▶ in_progress ──complete──▶ completed ──close──▶ closed
//!   └──cancel──▶ cancelled ◀──cancel──┘
//! ```
//!
//! Cancelling an order is allowed from `draft` and `released` only, as for
//! sales orders: until its first job starts nothing has been cut, sewn or
//! embroidered, so calling it off gives back only reserved material and
//! booked capacity. Once work is in progress the half-made goods have to be
//! dealt with — finished short and stocked, or scrapped and costed — which
//! is a planner's decision with consequences for stock and cost, not a
//! button. Completing records that the last job is done; closing settles
//! its cost (variances posted), after which nothing changes.
//!
//! A job:
//!
//! ```text
//! draft ──approve──▶ approved ──start──▶ in_progress ──complete──▶ completed
//!                                         │      ▲
//!                                      pause   resume
//!                                         ▼      │
//!                                         on_hold
//! draft, approved, in_progress, on_hold ──cancel──▶ cancelled
//! ```
//!
//! A job can be cancelled until it is completed (an operation dropped from
//! the routing, or the rest of a job moved to another centre as a new job);
//! what was reported done so far stands. A job completes from `in_progress`
//! only: a job on hold is resumed first, so the completion is reported by
//! someone at the machine. **Partial completion is not a state**: an
//! operator reports finished (and scrapped) quantities while the job is
//! `in_progress`, as often as they like; `complete` is the last report.
//!
//! For the scheduler ([`super::schedule()`]), `draft` and `approved` jobs are
//! planned (they may move); `in_progress` and `on_hold` jobs hold their
//! slot and are passed in as fixed bookings.

use crate::error::{AppError, UnknownValue};
use crate::perm::Action;
use serde::{Deserialize, Serialize};

/// Where a manufacturing order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MoStatus {
    Draft,
    Released,
    InProgress,
    Completed,
    Closed,
    Cancelled,
}

impl MoStatus {
    pub const ALL: [MoStatus; 6] = [
        MoStatus::Draft,
        MoStatus::Released,
        MoStatus::InProgress,
        MoStatus::Completed,
        MoStatus::Closed,
        MoStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MoStatus::Draft => "draft",
            MoStatus::Released => "released",
            MoStatus::InProgress => "in_progress",
            MoStatus::Completed => "completed",
            MoStatus::Closed => "closed",
            MoStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MoStatus::Draft => "Draft",
            MoStatus::Released => "Released",
            MoStatus::InProgress => "In progress",
            MoStatus::Completed => "Completed",
            MoStatus::Closed => "Closed",
            MoStatus::Cancelled => "Cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<MoStatus> {
        MoStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The state `action` leads to from this one, or a conflict (409)
    /// naming this state and the actions it allows.
    pub fn next(self, action: MoAction) -> Result<MoStatus, AppError> {
        action.apply(self)
    }

    /// The actions a user could take from here (for the buttons and the 409).
    pub fn allowed(self) -> &'static [MoAction] {
        use MoAction::*;
        match self {
            MoStatus::Draft => &[Release, Cancel],
            MoStatus::Released => &[Start, Cancel],
            MoStatus::InProgress => &[Complete],
            MoStatus::Completed => &[Close],
            MoStatus::Closed | MoStatus::Cancelled => &[],
        }
    }

    /// No further step is possible.
    pub fn is_final(self) -> bool {
        self.allowed().is_empty()
    }
}

/// A step in a manufacturing order's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MoAction {
    Release,
    Start,
    Complete,
    Close,
    Cancel,
}

impl MoAction {
    pub const ALL: [MoAction; 5] = [
        MoAction::Release,
        MoAction::Start,
        MoAction::Complete,
        MoAction::Close,
        MoAction::Cancel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MoAction::Release => "release",
            MoAction::Start => "start",
            MoAction::Complete => "complete",
            MoAction::Close => "close",
            MoAction::Cancel => "cancel",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MoAction::Release => "Release to the floor",
            MoAction::Start => "Start",
            MoAction::Complete => "Complete",
            MoAction::Close => "Close",
            MoAction::Cancel => "Cancel order",
        }
    }

    /// Reads an action sent as `field`; a field error (422) naming it and
    /// the actions there are otherwise.
    pub fn parse(field: &str, s: &str) -> Result<MoAction, AppError> {
        MoAction::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| unknown_action(field, s, MoAction::ALL.map(MoAction::as_str)))
    }

    /// The state this step leads to from `from`, or a conflict (409) naming
    /// the current state and the steps it allows.
    pub fn apply(self, from: MoStatus) -> Result<MoStatus, AppError> {
        use MoAction::*;
        use MoStatus::*;
        match (from, self) {
            (Draft, Release) => Ok(Released),
            (Released, Start) => Ok(InProgress),
            (InProgress, Complete) => Ok(Completed),
            (Completed, Close) => Ok(Closed),
            (Draft | Released, Cancel) => Ok(Cancelled),
            _ => Err(refused(
                self.as_str(),
                "manufacturing order",
                from.as_str(),
                from.allowed().iter().map(|a| a.as_str()),
            )),
        }
    }

    /// The permission a step needs on the PPIC module. Releasing commits
    /// material and capacity, closing settles the cost and cancelling calls
    /// the work off: APPROVE. Starting and completing follow the floor: UPDATE.
    pub fn permission(self) -> Action {
        match self {
            MoAction::Release | MoAction::Close | MoAction::Cancel => Action::Approve,
            MoAction::Start | MoAction::Complete => Action::Update,
        }
    }
}

/// Where a job (one operation of an order on one work centre) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TaskStatus {
    Draft,
    Approved,
    InProgress,
    OnHold,
    Completed,
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 6] = [
        TaskStatus::Draft,
        TaskStatus::Approved,
        TaskStatus::InProgress,
        TaskStatus::OnHold,
        TaskStatus::Completed,
        TaskStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Draft => "draft",
            TaskStatus::Approved => "approved",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::OnHold => "on_hold",
            TaskStatus::Completed => "completed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Draft => "Draft",
            TaskStatus::Approved => "Approved",
            TaskStatus::InProgress => "In progress",
            TaskStatus::OnHold => "On hold",
            TaskStatus::Completed => "Completed",
            TaskStatus::Cancelled => "Cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The actions a user could take from here, in [`TaskAction::ALL`] order.
    pub fn allowed(self) -> &'static [TaskAction] {
        use TaskAction::*;
        match self {
            TaskStatus::Draft => &[Approve, Cancel],
            TaskStatus::Approved => &[Start, Cancel],
            TaskStatus::InProgress => &[Pause, Complete, Cancel],
            TaskStatus::OnHold => &[Resume, Cancel],
            TaskStatus::Completed | TaskStatus::Cancelled => &[],
        }
    }

    /// No further step is possible.
    pub fn is_final(self) -> bool {
        self.allowed().is_empty()
    }

    /// The scheduler may still move it: not yet started.
    pub fn is_planned(self) -> bool {
        matches!(self, TaskStatus::Draft | TaskStatus::Approved)
    }

    /// Started and not finished: it holds a slot of its centre where it
    /// is (a fixed booking for the scheduler), paused or not.
    pub fn holds_slot(self) -> bool {
        matches!(self, TaskStatus::InProgress | TaskStatus::OnHold)
    }

    /// Not started yet: a planner may move it on the Gantt chart.
    pub fn is_movable(self) -> bool {
        matches!(self, TaskStatus::Draft | TaskStatus::Approved)
    }
}

/// A step in a job's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TaskAction {
    Approve,
    Start,
    Pause,
    Resume,
    Complete,
    Cancel,
}

impl TaskAction {
    pub const ALL: [TaskAction; 6] = [
        TaskAction::Approve,
        TaskAction::Start,
        TaskAction::Pause,
        TaskAction::Resume,
        TaskAction::Complete,
        TaskAction::Cancel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskAction::Approve => "approve",
            TaskAction::Start => "start",
            TaskAction::Pause => "pause",
            TaskAction::Resume => "resume",
            TaskAction::Complete => "complete",
            TaskAction::Cancel => "cancel",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskAction::Approve => "Approve",
            TaskAction::Start => "Start",
            TaskAction::Pause => "Put on hold",
            TaskAction::Resume => "Resume",
            TaskAction::Complete => "Complete",
            TaskAction::Cancel => "Cancel job",
        }
    }

    /// Reads an action sent as `field`; a field error (422) naming it and
    /// the actions there are otherwise.
    pub fn parse(field: &str, s: &str) -> Result<TaskAction, AppError> {
        TaskAction::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| unknown_action(field, s, TaskAction::ALL.map(TaskAction::as_str)))
    }

    /// The state this step leads to from `from`, or a conflict (409) naming
    /// the current state and the steps it allows, e.g.
    /// `cannot start: job is draft; allowed: approve, cancel`.
    pub fn apply(self, from: TaskStatus) -> Result<TaskStatus, AppError> {
        use TaskAction::*;
        use TaskStatus::*;
        match (from, self) {
            (Draft, Approve) => Ok(Approved),
            (Approved, Start) => Ok(InProgress),
            (InProgress, Pause) => Ok(OnHold),
            (OnHold, Resume) => Ok(InProgress),
            (InProgress, TaskAction::Complete) => Ok(TaskStatus::Completed),
            (Draft | Approved | InProgress | OnHold, Cancel) => Ok(Cancelled),
            _ => Err(refused(
                self.as_str(),
                "job",
                from.as_str(),
                from.allowed().iter().map(|a| a.as_str()),
            )),
        }
    }

    /// The permission a step needs on the PPIC module. Approving commits a
    /// job to the floor and cancelling drops it: APPROVE (planners and
    /// supervisors). Working a job — start, pause, resume, complete — is
    /// UPDATE, which operators hold.
    pub fn permission(self) -> Action {
        match self {
            TaskAction::Approve | TaskAction::Cancel => Action::Approve,
            TaskAction::Start | TaskAction::Pause | TaskAction::Resume | TaskAction::Complete => {
                Action::Update
            }
        }
    }
}

fn unknown_action<const N: usize>(field: &str, s: &str, all: [&str; N]) -> AppError {
    AppError::field(
        field,
        format!("unknown action {s:?}; use one of {}", all.join(", ")),
    )
}

fn refused<'a>(
    action: &str,
    what: &str,
    state: &str,
    allowed: impl Iterator<Item = &'a str>,
) -> AppError {
    let allowed: Vec<_> = allowed.collect();
    let allowed = if allowed.is_empty() {
        "none".to_string()
    } else {
        allowed.join(", ")
    };
    AppError::conflict(format!(
        "cannot {action}: {what} is {state}; allowed: {allowed}"
    ))
}

/// Reading a status column: an unknown value is an error, never a default.
macro_rules! from_column {
    ($($ty:ident => $what:literal),+ $(,)?) => {$(
        impl TryFrom<String> for $ty {
            type Error = UnknownValue;
            fn try_from(value: String) -> Result<Self, UnknownValue> {
                $ty::parse(&value).ok_or(UnknownValue { what: $what, value })
            }
        }
    )+};
}

from_column!(MoStatus => "manufacturing order status", TaskStatus => "job status");
