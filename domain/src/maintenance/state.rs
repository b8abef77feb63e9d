//! The request lifecycle: its states, the transitions between them, and the
//! other enumerations a request row holds (priority, kind).

use crate::error::{AppError, UnknownValue};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Status {
    Open,
    Acknowledged,
    InProgress,
    WaitingParts,
    Resolved,
    Closed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Open,
        Status::Acknowledged,
        Status::InProgress,
        Status::WaitingParts,
        Status::Resolved,
        Status::Closed,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Acknowledged => "acknowledged",
            Status::InProgress => "in_progress",
            Status::WaitingParts => "waiting_parts",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "Open",
            Status::Acknowledged => "Acknowledged",
            Status::InProgress => "In progress",
            Status::WaitingParts => "Waiting for parts",
            Status::Resolved => "Resolved",
            Status::Closed => "Closed",
            Status::Cancelled => "Cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Still on somebody's plate: SLA clocks may run.
    pub fn is_active(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed | Status::Cancelled)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Transition {
    Acknowledge,
    Start,
    WaitForParts,
    ResumeWork,
    Resolve,
    Close,
    Cancel,
}

impl Transition {
    pub const ALL: [Transition; 7] = [
        Transition::Acknowledge,
        Transition::Start,
        Transition::WaitForParts,
        Transition::ResumeWork,
        Transition::Resolve,
        Transition::Close,
        Transition::Cancel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Acknowledge => "acknowledge",
            Transition::Start => "start",
            Transition::WaitForParts => "wait_for_parts",
            Transition::ResumeWork => "resume",
            Transition::Resolve => "resolve",
            Transition::Close => "close",
            Transition::Cancel => "cancel",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Transition::Acknowledge => "Acknowledge",
            Transition::Start => "Start work",
            Transition::WaitForParts => "Wait for parts",
            Transition::ResumeWork => "Parts arrived",
            Transition::Resolve => "Resolve",
            Transition::Close => "Close",
            Transition::Cancel => "Cancel",
        }
    }

    pub fn parse(s: &str) -> Option<Transition> {
        Transition::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The state this transition leads to from `from`, or why it cannot.
    pub fn apply(self, from: Status) -> Result<Status, AppError> {
        use Status::*;
        use Transition::*;
        let to = match (from, self) {
            (Open, Acknowledge) => Acknowledged,
            // A technician who walks straight up to the machine acknowledges by starting.
            (Open | Acknowledged, Start) => InProgress,
            (InProgress, WaitForParts) => WaitingParts,
            (WaitingParts, ResumeWork) => InProgress,
            (InProgress, Resolve) => Resolved,
            (Resolved, Close) => Closed,
            (Open | Acknowledged | InProgress | WaitingParts, Cancel) => Cancelled,
            _ => {
                return Err(AppError::conflict(format!(
                    "cannot {} a request that is {}",
                    self.label().to_lowercase(),
                    from.label().to_lowercase()
                )))
            }
        };
        Ok(to)
    }

    /// The permission a transition needs on the maintenance module: moving
    /// work along is UPDATE; signing it off or calling it off is APPROVE.
    pub fn required_action(self) -> crate::perm::Action {
        match self {
            Transition::Close | Transition::Cancel => crate::perm::Action::Approve,
            _ => crate::perm::Action::Update,
        }
    }

    /// Transitions a user could take from `from` (for the buttons).
    pub fn available_from(from: Status) -> Vec<Transition> {
        Transition::ALL
            .into_iter()
            .filter(|t| t.apply(from).is_ok())
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Priority {
    Critical,
    High,
    Medium,
    Low,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Critical,
        Priority::High,
        Priority::Medium,
        Priority::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Critical => "critical",
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Priority::Critical => "Critical",
            Priority::High => "High",
            Priority::Medium => "Medium",
            Priority::Low => "Low",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Kind {
    Breakdown,
    Preventive,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Breakdown => "breakdown",
            Kind::Preventive => "preventive",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Breakdown => "Breakdown",
            Kind::Preventive => "Preventive",
        }
    }

    pub const ALL: [Kind; 2] = [Kind::Breakdown, Kind::Preventive];

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Reading an enum column: an unknown value is an error, never a default (a
/// corrupt status must not turn into an open request the monitor escalates).
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

from_column!(Status => "status", Priority => "priority", Kind => "kind");

/// What a timeline entry records: the report, a transition (by its name), a
/// breach, an escalation, or a new downtime window. The database's CHECK
/// constraint lists the same.
pub const TIMELINE_KINDS: [&str; 11] = [
    "created",
    "acknowledge",
    "start",
    "wait_for_parts",
    "resume",
    "resolve",
    "close",
    "cancel",
    "breach",
    "escalation",
    "window",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_legal_transition() {
        use Status::*;
        use Transition::*;
        let legal = [
            (Open, Acknowledge, Acknowledged),
            (Open, Start, InProgress),
            (Acknowledged, Start, InProgress),
            (InProgress, WaitForParts, WaitingParts),
            (WaitingParts, ResumeWork, InProgress),
            (InProgress, Resolve, Resolved),
            (Resolved, Close, Closed),
            (Open, Cancel, Cancelled),
            (Acknowledged, Cancel, Cancelled),
            (InProgress, Cancel, Cancelled),
            (WaitingParts, Cancel, Cancelled),
        ];
        for (from, t, to) in legal {
            assert_eq!(t.apply(from), Ok(to), "{from:?} --{t:?}-->");
        }
        // Every other pair is refused with a conflict that names both.
        for from in Status::ALL {
            for t in Transition::ALL {
                if legal.iter().any(|(f, tt, _)| *f == from && *tt == t) {
                    continue;
                }
                match t.apply(from) {
                    Err(AppError::Conflict { message }) => {
                        assert!(message.contains(&from.label().to_lowercase()), "{message}")
                    }
                    other => panic!("{from:?} --{t:?}--> should be refused, got {other:?}"),
                }
            }
        }
    }

    #[test]
    fn stored_values_read_back_or_fail() {
        for s in Status::ALL {
            assert_eq!(Status::try_from(s.as_str().to_string()), Ok(s));
        }
        for p in Priority::ALL {
            assert_eq!(Priority::try_from(p.as_str().to_string()), Ok(p));
        }
        for k in Kind::ALL {
            assert_eq!(Kind::try_from(k.as_str().to_string()), Ok(k));
        }
        let err = Status::try_from("reopened".to_string()).unwrap_err();
        assert_eq!(err.to_string(), "unknown status \"reopened\"");
        assert!(Priority::try_from("Urgent".to_string()).is_err());
        assert!(Kind::try_from(String::new()).is_err());
    }

    #[test]
    fn every_transition_is_a_timeline_kind() {
        for t in Transition::ALL {
            assert!(TIMELINE_KINDS.contains(&t.as_str()), "{t:?}");
        }
    }

    #[test]
    fn terminal_states_offer_nothing() {
        assert!(Transition::available_from(Status::Closed).is_empty());
        assert!(Transition::available_from(Status::Cancelled).is_empty());
        assert_eq!(
            Transition::available_from(Status::Resolved),
            vec![Transition::Close]
        );
    }
}
