//! What the planning analytics answer: orders by status; planned against
//! actual durations and the on-time rate per work centre and per item;
//! load against capacity per work centre per day with the bottleneck.

use super::state::MoStatus;
use serde::{Deserialize, Serialize};

/// How many orders are in one status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusCount {
    pub status: MoStatus,
    pub count: i64,
}

/// Completed jobs of one work centre or item: planned and actual minutes
/// (first start to completion), and how many ended by their order's due date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Performance {
    pub code: String,
    pub jobs: i64,
    pub planned_minutes: i64,
    pub actual_minutes: i64,
    pub on_time: i64,
    /// on_time ÷ jobs, 0 to 1.
    pub on_time_rate: f64,
}

/// Planned against actual, per work centre and per item, for jobs
/// completed since `since` (UTC ms).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PerformanceReport {
    pub since: i64,
    pub by_work_centre: Vec<Performance>,
    pub by_item: Vec<Performance>,
}

/// One day of one work centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayLoadView {
    pub date: String,
    pub load_minutes: u32,
    pub capacity_minutes: u32,
}

/// A work centre's days.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CentreLoad {
    pub code: String,
    pub name: String,
    pub days: Vec<DayLoadView>,
}

/// The work centre most loaded for its capacity over the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BottleneckView {
    pub code: String,
    pub name: String,
    pub load_minutes: u64,
    pub capacity_minutes: u64,
    /// Load beyond each day's capacity, summed over the days, in hours.
    pub overload_hours: f64,
}

/// Load against capacity for `days` days from `from` (plant dates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoadReport {
    pub from: String,
    pub days: u32,
    pub centres: Vec<CentreLoad>,
    pub bottleneck: Option<BottleneckView>,
}
