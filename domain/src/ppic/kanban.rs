//! The Kanban board: a column per job state, and what dropping a card in
//! another column means (the one step that leads there, or a refusal that
//! names the steps the card allows).

use super::state::{TaskAction, TaskStatus};
use super::wire::JobView;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// One column: the jobs in one state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KanbanColumn {
    pub status: TaskStatus,
    pub label: String,
    pub jobs: Vec<JobView>,
}

/// The board, its columns in the order a job moves through them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KanbanBoard {
    pub columns: Vec<KanbanColumn>,
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
}
