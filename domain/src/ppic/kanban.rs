//! The Kanban board: a column per job state, and what dropping a card in
//! another column means (the one step that leads there, or a refusal that
//! names the steps the card allows).

use super::state::{TaskAction, TaskStatus};
use super::wire::JobView;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// Cards listed per column unless the reader asks for more: a plant has
/// thousands of waiting jobs, a person reads the first few dozen.
pub const KANBAN_PAGE: u32 = 50;
/// The most cards listed per column in one read.
pub const KANBAN_MAX_LIMIT: u32 = 1000;
/// Finished and cancelled cards listed at most, the most recent first.
pub const KANBAN_DONE_SHOWN: u32 = 50;

/// One column: the jobs in one state, the first `limit` of them listed
/// (by planned start; the most recent first in the final columns).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KanbanColumn {
    pub status: TaskStatus,
    pub label: String,
    pub jobs: Vec<JobView>,
    /// The jobs in this state on the (filtered) board, listed or not.
    pub total: u32,
    /// Of those, the ones planned to end after their order is due.
    pub late: u32,
}

/// An order the board can be filtered by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KanbanOrder {
    pub id: i64,
    pub number: String,
}

/// The board, its columns in the order a job moves through them, with the
/// filters' choices (every work centre and open order with a job on the
/// unfiltered board).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KanbanBoard {
    pub columns: Vec<KanbanColumn>,
    pub work_centres: Vec<String>,
    pub orders: Vec<KanbanOrder>,
}

/// How many cards a column lists: `limit` as asked (1 to
/// [`KANBAN_MAX_LIMIT`], default [`KANBAN_PAGE`]); the final columns at
/// most [`KANBAN_DONE_SHOWN`].
pub fn kanban_limit(limit: Option<i64>, status: TaskStatus) -> Result<usize, AppError> {
    let limit = match limit {
        None => KANBAN_PAGE,
        Some(n) if (1..=i64::from(KANBAN_MAX_LIMIT)).contains(&n) => n as u32,
        Some(_) => {
            return Err(AppError::field(
                "limit",
                format!("must be 1 to {KANBAN_MAX_LIMIT}"),
            ))
        }
    };
    Ok(if status.is_final() {
        limit.min(KANBAN_DONE_SHOWN)
    } else {
        limit
    } as usize)
}

/// A card dropped in the column of `to`. `version` is the card's version
/// as the board showed it: a job changed since is refused (409).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KanbanMoveInput {
    /// The column's state: draft, approved, in_progress, on_hold, completed, cancelled.
    pub to: String,
    #[serde(default)]
    pub version: Option<i64>,
}

/// The step that moves a job from `from` to `to`, or a conflict naming
/// where the card may go.
pub fn step_for_drop(from: TaskStatus, to: TaskStatus) -> Result<TaskAction, AppError> {
    if let Some(a) = TaskAction::ALL
        .into_iter()
        .find(|a| a.apply(from).ok() == Some(to))
    {
        return Ok(a);
    }
    let allowed: Vec<String> = from
        .allowed()
        .iter()
        .filter_map(|a| a.apply(from).ok().map(|t| t.label().to_string()))
        .collect();
    Err(AppError::conflict(format!(
        "a job cannot go from {} to {}; it may go to: {}",
        from.label(),
        to.label(),
        if allowed.is_empty() {
            "nowhere".to_string()
        } else {
            allowed.join(", ")
        }
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_drop_is_one_step_or_a_refusal_naming_the_columns() {
        use TaskStatus::*;
        assert_eq!(step_for_drop(Draft, Approved), Ok(TaskAction::Approve));
        assert_eq!(step_for_drop(Approved, InProgress), Ok(TaskAction::Start));
        assert_eq!(step_for_drop(InProgress, OnHold), Ok(TaskAction::Pause));
        assert_eq!(step_for_drop(OnHold, InProgress), Ok(TaskAction::Resume));
        assert_eq!(
            step_for_drop(InProgress, Completed),
            Ok(TaskAction::Complete)
        );
        assert_eq!(step_for_drop(OnHold, Cancelled), Ok(TaskAction::Cancel));
        let Err(AppError::Conflict { message }) = step_for_drop(Draft, Completed) else {
            panic!()
        };
        assert!(message.contains("Draft to Completed"), "{message}");
        assert!(message.contains("Approved, Cancelled"), "{message}");
        let Err(AppError::Conflict { message }) = step_for_drop(Completed, Draft) else {
            panic!()
        };
        assert!(message.ends_with("nowhere"), "{message}");
    }

    #[test]
    fn a_column_lists_a_page_unless_asked_and_the_final_ones_fifty() {
        use TaskStatus::*;
        assert_eq!(kanban_limit(None, Draft), Ok(50));
        assert_eq!(kanban_limit(Some(400), Approved), Ok(400));
        assert_eq!(kanban_limit(Some(400), Completed), Ok(50));
        assert_eq!(kanban_limit(Some(1), Cancelled), Ok(1));
        for bad in [0, -1, 1001] {
            let e = kanban_limit(Some(bad), Draft).unwrap_err();
            assert_eq!(e.field_error().map(|f| f.field.as_str()), Some("limit"));
        }
    }
}
