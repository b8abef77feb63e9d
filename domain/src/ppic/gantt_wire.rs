//! What the Gantt chart shows and sends: a lane per work centre, the open
//! jobs as bars, the maintenance windows and closures that take capacity,
//! and a drag (a bar to a new start, perhaps on another centre of the same
//! kind).

use super::wire::JobView;
use crate::error::AppError;
use crate::master::Code;
use crate::time::{parse_iso, Millis};
use serde::{Deserialize, Serialize};

/// One lane: a work centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GanttLane {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// Centres of the same kind can take each other's jobs.
    pub kind: String,
    /// Jobs it runs at once.
    pub slots: u32,
}

/// Time a lane loses: maintenance on one of its machines (a share of its
/// slots) or a closure (all of them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GanttWindow {
    /// The lane's work centre code.
    pub work_centre: String,
    pub start: Millis,
    pub end: Millis,
    /// `maintenance` or `closure`.
    pub kind: String,
    /// What it is, for the tooltip ("SEW-02: Needle bar jams").
    pub label: String,
    /// Slots it takes.
    pub slots: u32,
}

/// The chart over `[from, to)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GanttView {
    pub from: Millis,
    pub to: Millis,
    /// The server's clock, for the today line.
    pub now: Millis,
    /// The plant's offset from UTC today, minutes (day boundaries).
    pub utc_offset_minutes: i32,
    pub lanes: Vec<GanttLane>,
    /// Open jobs of released and running orders planned inside the window.
    pub bars: Vec<JobView>,
    pub windows: Vec<GanttWindow>,
}

/// A dragged bar: its new start, on another centre of the same kind if
/// `work_centre` names one. `version` is the job's version as the chart
/// showed it: a job changed since is refused (409).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GanttMoveInput {
    /// ISO 8601 instant, `2026-12-08T07:30:00Z`.
    pub start: String,
    #[serde(default)]
    pub work_centre: Option<String>,
    #[serde(default)]
    pub version: Option<i64>,
}

/// A checked drag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GanttMove {
    pub start: Millis,
    /// Another centre's code; none to stay.
    pub work_centre: Option<String>,
    pub version: Option<i64>,
}

impl GanttMoveInput {
    pub fn parse(&self) -> Result<GanttMove, AppError> {
        let start = parse_iso(self.start.trim()).ok_or_else(|| {
            AppError::field(
                "start",
                "must be an ISO 8601 time such as 2026-12-08T07:30:00Z",
            )
        })?;
        let work_centre = match self.work_centre.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(c) => Some(Code::parse("work_centre", c)?.into_string()),
        };
        if self.version.is_some_and(|v| v < 0) {
            return Err(AppError::field("version", "must be 0 or more"));
        }
        Ok(GanttMove {
            start,
            work_centre,
            version: self.version,
        })
    }
}

/// A drag's answer: the jobs whose centre or times changed (the moved one
/// first), as they are now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GanttMoved {
    pub moved: JobView,
    /// Later jobs that wait for it and moved with it.
    pub followers: Vec<JobView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(i: GanttMoveInput) -> String {
        match i.parse() {
            Err(AppError::Invalid(e)) => e.field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_drag_reads_and_bad_values_name_their_field() {
        let ok = GanttMoveInput {
            start: "2026-12-08T07:30:00Z".into(),
            work_centre: Some("sew".into()),
            version: Some(3),
        }
        .parse()
        .unwrap();
        assert_eq!(ok.start, parse_iso("2026-12-08T07:30:00Z").unwrap());
        assert_eq!(ok.work_centre.as_deref(), Some("SEW"));
        let bad = |f: &dyn Fn(&mut GanttMoveInput)| {
            let mut i = GanttMoveInput {
                start: "2026-12-08T07:30:00Z".into(),
                ..Default::default()
            };
            f(&mut i);
            field(i)
        };
        assert_eq!(bad(&|i| i.start = "tomorrow".into()), "start");
        assert_eq!(
            bad(&|i| i.work_centre = Some("no spaces".into())),
            "work_centre"
        );
        assert_eq!(bad(&|i| i.version = Some(-1)), "version");
    }
}

/// Lifting a job's pin (the plan decides its time again). `version` is
/// the job's version as the screen showed it: a job changed since is
/// refused (409).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnpinInput {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub version: Option<i64>,
}

impl UnpinInput {
    pub fn parse(&self) -> Result<Option<i64>, AppError> {
        match self.version {
            Some(v) if v < 0 => Err(AppError::field("version", "must not be negative")),
            v => Ok(v),
        }
    }
}
