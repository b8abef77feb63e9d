//! What travels between server and browser: machines, requests as screens
//! see them, their timelines, the report form and list filters.

use super::{parse_window, Kind, Priority, SlaClock, Status, Transition, WindowSpec};
use crate::error::{AppError, FieldError};
use crate::time::Millis;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Machine {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub work_centre: String,
    pub active: bool,
}

/// A new machine: its code (letters, digits, `-`, `_`; stored upper-case),
/// name and, optionally, the code of its work centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMachineInput {
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9_-]{1,32}$"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 2, max_length = 120))]
    pub name: String,
    #[serde(default)]
    pub work_centre_code: Option<String>,
}

/// A maintenance request as screens and integrators see it. Times are ISO 8601 UTC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Request {
    pub id: i64,
    pub machine_id: i64,
    pub machine_code: String,
    pub machine_name: String,
    pub kind: Kind,
    pub priority: Priority,
    pub title: String,
    pub description: String,
    pub status: Status,
    pub reported_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub response_due_at: String,
    /// The deadline as it stands now (moves while paused).
    pub resolution_due_at: String,
    pub acknowledged_at: Option<String>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
    pub response_breached_at: Option<String>,
    pub resolution_breached_at: Option<String>,
    pub escalation_level: u8,
    /// A preventive request's planned downtime start (ISO 8601 UTC); none
    /// when it is not planned (and always for a breakdown, which starts
    /// when it is reported).
    #[serde(default)]
    pub planned_start: Option<String>,
    /// Minutes the machine is expected to be down.
    #[serde(default)]
    pub estimated_minutes: Option<i64>,
    /// The raw clock, so screens tick without asking the server again.
    pub clock: SlaClock,
    /// The server's clock when this was read, to correct a phone's drifting clock.
    pub server_now: String,
    pub version: i64,
}

impl Request {
    pub fn available_transitions(&self) -> Vec<Transition> {
        Transition::available_from(self.status)
    }

    /// Sets the fields that follow from the SLA clock (due times, when it was
    /// acknowledged and resolved) and the server's clock, as at `now`.
    pub fn with_clock_times(mut self, now: Millis) -> Self {
        use crate::time::format_iso;
        let c = &self.clock;
        self.response_due_at = format_iso(c.response_due());
        self.resolution_due_at = format_iso(c.resolution_due(now));
        self.acknowledged_at = c.acknowledged_at.map(format_iso);
        self.resolved_at = c.resolved_at.map(format_iso);
        self.server_now = format_iso(now);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEvent {
    pub at: String,
    pub kind: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub actor: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestDetail {
    pub request: Request,
    pub timeline: Vec<TimelineEvent>,
    /// The planned start in the plant's time as a form shows it
    /// (`2026-12-08T07:30`), to edit the window.
    #[serde(default)]
    pub planned_start_local: Option<String>,
}

/// What a user types to report a problem. Parsed into `NewRequest` before the
/// service sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewRequestInput {
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub machine_id: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Kind))]
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Priority))]
    pub priority: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 200))]
    pub title: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub description: String,
    /// Preventive only: when the machine goes down, the plant's local time
    /// as a form types it (`2026-12-08T07:30`) or an ISO 8601 instant with
    /// its offset; from a day ago to a year ahead. Needs `estimated_minutes`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "2026-12-08T07:30"))]
    pub planned_start: Option<String>,
    /// Minutes the machine is expected to be down (a breakdown's estimate,
    /// a preventive window's length).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100000))]
    pub estimated_minutes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewRequest {
    pub machine_id: i64,
    pub kind: Kind,
    pub priority: Priority,
    pub title: String,
    pub description: String,
    /// Its downtime window, checked except against the clock.
    pub window: WindowSpec,
}

impl NewRequestInput {
    pub fn parse(&self) -> Result<NewRequest, AppError> {
        if self.machine_id <= 0 {
            return Err(AppError::field(
                "machine_id",
                "choose the machine that needs attention",
            ));
        }
        let kind = Kind::parse(self.kind.trim())
            .ok_or_else(|| AppError::field("kind", "must be breakdown or preventive"))?;
        let priority = Priority::parse(self.priority.trim())
            .ok_or_else(|| AppError::field("priority", "must be critical, high, medium or low"))?;
        let title = self.title.trim();
        if title.chars().count() < 3 {
            return Err(AppError::field(
                "title",
                "describe the problem in at least 3 characters",
            ));
        }
        if title.chars().count() > 200 {
            return Err(AppError::field("title", "keep it under 200 characters"));
        }
        if self.description.chars().count() > 4000 {
            return Err(AppError::field(
                "description",
                "keep it under 4000 characters",
            ));
        }
        let window = parse_window(kind, self.planned_start.as_deref(), self.estimated_minutes)?;
        Ok(NewRequest {
            machine_id: self.machine_id,
            kind,
            priority,
            title: title.to_string(),
            description: self.description.trim().to_string(),
            window,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ListFilter {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub machine_id: Option<i64>,
    /// Only requests not yet resolved, closed or cancelled.
    #[serde(default)]
    pub active_only: bool,
    #[serde(default)]
    pub limit: Option<i64>,
    #[serde(default)]
    pub offset: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestPage {
    pub items: Vec<Request>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// A field error helper for list filters.
pub fn parse_filter(
    f: &ListFilter,
) -> Result<(Option<Status>, Option<Priority>, i64, i64), AppError> {
    let status = match f.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            Status::parse(s)
                .ok_or_else(|| AppError::Invalid(FieldError::new("status", "unknown status")))?,
        ),
    };
    let priority = match f.priority.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            Priority::parse(s).ok_or_else(|| AppError::field("priority", "unknown priority"))?,
        ),
    };
    let limit = f.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(AppError::field("limit", "must be between 1 and 500"));
    }
    let offset = f.offset.unwrap_or(0);
    if offset < 0 {
        return Err(AppError::field("offset", "must not be negative"));
    }
    Ok((status, priority, limit, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_request_input_names_the_bad_field() {
        let ok = NewRequestInput {
            machine_id: 3,
            kind: "breakdown".into(),
            priority: "high".into(),
            title: "  Needle bar jammed ".into(),
            description: String::new(),
            ..Default::default()
        };
        assert_eq!(ok.parse().unwrap().title, "Needle bar jammed");
        let field =
            |i: NewRequestInput| i.parse().unwrap_err().field_error().unwrap().field.clone();
        assert_eq!(
            field(NewRequestInput {
                machine_id: 0,
                ..ok.clone()
            }),
            "machine_id"
        );
        assert_eq!(
            field(NewRequestInput {
                kind: "x".into(),
                ..ok.clone()
            }),
            "kind"
        );
        assert_eq!(
            field(NewRequestInput {
                priority: "urgent".into(),
                ..ok.clone()
            }),
            "priority"
        );
        assert_eq!(
            field(NewRequestInput {
                title: " a ".into(),
                ..ok.clone()
            }),
            "title"
        );
        assert_eq!(
            field(NewRequestInput {
                description: "x".repeat(4001),
                ..ok.clone()
            }),
            "description"
        );
        // The window's fields, checked for the kind.
        assert_eq!(
            field(NewRequestInput {
                planned_start: Some("2026-12-08T07:30".into()),
                estimated_minutes: Some(60),
                ..ok.clone()
            }),
            "planned_start"
        );
        assert_eq!(
            field(NewRequestInput {
                estimated_minutes: Some(0),
                ..ok.clone()
            }),
            "estimated_minutes"
        );
        let preventive = NewRequestInput {
            kind: "preventive".into(),
            planned_start: Some("2026-12-08T07:30".into()),
            ..ok.clone()
        };
        assert_eq!(field(preventive.clone()), "estimated_minutes");
        let planned = NewRequestInput {
            estimated_minutes: Some(90),
            ..preventive
        }
        .parse()
        .unwrap();
        assert_eq!(planned.window.estimated_minutes, Some(90));
        assert!(planned.window.planned_start.is_some());
        assert_eq!(
            NewRequestInput {
                estimated_minutes: Some(120),
                ..ok
            }
            .parse()
            .unwrap()
            .window
            .estimated_minutes,
            Some(120)
        );
    }
}
