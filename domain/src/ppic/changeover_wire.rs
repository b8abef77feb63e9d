//! What the changeover suggestion shows: per embroidery work centre, its
//! waiting jobs in the order planned, the suggested run order and the
//! minutes it saves.

use super::changeover::Sequence;
use crate::time::Millis;
use serde::{Deserialize, Serialize};

/// Minutes to load one thread colour on every head of a machine.
pub const THREAD_CHANGE_MINUTES: u32 = 3;
/// Minutes to change the hoop (frame) on every head.
pub const HOOP_CHANGE_MINUTES: u32 = 15;
/// Waiting jobs one centre's suggestion covers at most (the earliest
/// planned); beyond this the heuristic would take too long to answer.
pub const MAX_SEQUENCED_JOBS: usize = 300;

/// A job waiting for an embroidery centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeoverJob {
    pub id: i64,
    /// The manufacturing order's number.
    pub order: String,
    /// The item the order makes.
    pub item: String,
    /// The design's code.
    pub design: String,
    pub hoop: String,
    /// Thread colours the design uses, in stitching order.
    pub colours: Vec<String>,
    pub planned_start: Option<Millis>,
}

/// One embroidery centre's suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeoverLane {
    /// The work centre's code.
    pub work_centre: String,
    pub name: String,
    /// Waiting jobs in the order they are planned.
    pub jobs: Vec<ChangeoverJob>,
    /// The suggested run order of `jobs` and the minutes it saves.
    pub sequence: Sequence,
    /// Waiting jobs left out (beyond the first `MAX_SEQUENCED_JOBS`).
    pub left_out: u32,
}

/// The suggestion for every embroidery centre with waiting jobs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeoverView {
    /// Minutes charged per thread colour loaded.
    pub thread_change_minutes: u32,
    /// Minutes charged per hoop change.
    pub hoop_change_minutes: u32,
    pub lanes: Vec<ChangeoverLane>,
}
