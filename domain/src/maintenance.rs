//! Maintenance requests: the lifecycle state machine, the response and
//! resolution SLA clocks (paused while waiting for parts), and the escalation
//! ladder applied when a clock breaches.

use crate::error::{AppError, FieldError};
use crate::time::{Millis, MINUTE};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "breakdown" => Some(Kind::Breakdown),
            "preventive" => Some(Kind::Preventive),
            _ => None,
        }
    }
}

/// Response and resolution targets for one priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaPolicy {
    pub priority: Priority,
    pub response_minutes: i64,
    pub resolution_minutes: i64,
}

impl SlaPolicy {
    /// Defaults seeded on first start; admins change them afterwards.
    pub fn default_for(priority: Priority) -> SlaPolicy {
        let (response_minutes, resolution_minutes) = match priority {
            Priority::Critical => (15, 4 * 60),
            Priority::High => (60, 8 * 60),
            Priority::Medium => (4 * 60, 24 * 60),
            Priority::Low => (24 * 60, 72 * 60),
        };
        SlaPolicy {
            priority,
            response_minutes,
            resolution_minutes,
        }
    }

    pub fn validate(&self) -> Result<(), AppError> {
        if !(1..=30 * 24 * 60).contains(&self.response_minutes) {
            return Err(AppError::field(
                "response_minutes",
                "must be between 1 minute and 30 days",
            ));
        }
        if self.resolution_minutes < self.response_minutes || self.resolution_minutes > 90 * 24 * 60
        {
            return Err(AppError::field(
                "resolution_minutes",
                "must be at least the response target and at most 90 days",
            ));
        }
        Ok(())
    }
}

/// Everything the SLA clocks of one request depend on. Pure data: the server
/// stores it, the browser receives it, both compute from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SlaClock {
    pub created_at: Millis,
    pub response_target_ms: Millis,
    pub resolution_target_ms: Millis,
    pub acknowledged_at: Option<Millis>,
    pub resolved_at: Option<Millis>,
    /// Set while waiting for parts; the resolution clock stands still.
    pub paused_since: Option<Millis>,
    /// Total of finished pauses.
    pub paused_total_ms: Millis,
    /// Set when the request was cancelled: both clocks stop without verdict.
    pub cancelled_at: Option<Millis>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    Running,
    Paused,
    Met,
    Breached,
    Stopped,
}

/// One clock's reading at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockReading {
    pub state: ClockState,
    /// Time left (negative once breached) at the instant read, or when the clock stopped.
    pub remaining_ms: Millis,
    pub target_ms: Millis,
}

/// How urgent a countdown looks on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Ok,
    Warning,
    Breached,
    Paused,
    Done,
}

impl Tone {
    pub fn class(self) -> &'static str {
        match self {
            Tone::Ok => "sla-ok",
            Tone::Warning => "sla-warn",
            Tone::Breached => "sla-breach",
            Tone::Paused => "sla-paused",
            Tone::Done => "sla-done",
        }
    }
}

impl ClockReading {
    /// Amber in the last quarter of the target or the last 10 minutes, whichever is longer.
    pub fn tone(&self) -> Tone {
        match self.state {
            ClockState::Breached => Tone::Breached,
            ClockState::Paused => Tone::Paused,
            ClockState::Met | ClockState::Stopped => Tone::Done,
            ClockState::Running if self.remaining_ms < 0 => Tone::Breached,
            ClockState::Running if self.remaining_ms <= (self.target_ms / 4).max(10 * MINUTE) => {
                Tone::Warning
            }
            ClockState::Running => Tone::Ok,
        }
    }

    /// `12m 04s left`, `breached 3m 10s ago`, `paused, 1h 02m 00s left`.
    pub fn text(&self) -> String {
        let d = crate::time::format_duration(self.remaining_ms);
        match self.state {
            ClockState::Running if self.remaining_ms >= 0 => format!("{d} left"),
            ClockState::Running | ClockState::Breached => format!("overdue {d}"),
            ClockState::Paused => format!("paused · {d} left"),
            ClockState::Met => format!("met with {d} to spare"),
            ClockState::Stopped => "stopped".into(),
        }
    }
}

impl SlaClock {
    pub fn new(created_at: Millis, policy: &SlaPolicy) -> SlaClock {
        SlaClock {
            created_at,
            response_target_ms: policy.response_minutes * MINUTE,
            resolution_target_ms: policy.resolution_minutes * MINUTE,
            ..Default::default()
        }
    }

    pub fn response_due(&self) -> Millis {
        self.created_at + self.response_target_ms
    }

    /// The resolution deadline as it stands: pauses push it later. While paused
    /// it is the deadline if work resumed this instant, so it moves with `now`.
    pub fn resolution_due(&self, now: Millis) -> Millis {
        let running_pause = self.paused_since.map(|p| (now - p).max(0)).unwrap_or(0);
        self.created_at + self.resolution_target_ms + self.paused_total_ms + running_pause
    }

    pub fn response(&self, now: Millis) -> ClockReading {
        let due = self.response_due();
        let target_ms = self.response_target_ms;
        let (state, remaining_ms) = match (self.acknowledged_at, self.cancelled_at) {
            (Some(a), _) if a <= due => (ClockState::Met, due - a),
            (Some(a), _) => (ClockState::Breached, due - a),
            (None, Some(c)) => (ClockState::Stopped, due - c),
            (None, None) if now > due => (ClockState::Breached, due - now),
            (None, None) => (ClockState::Running, due - now),
        };
        ClockReading {
            state,
            remaining_ms,
            target_ms,
        }
    }

    pub fn resolution(&self, now: Millis) -> ClockReading {
        let target_ms = self.resolution_target_ms;
        if let Some(r) = self.resolved_at {
            let due = self.resolution_due(r);
            let state = if r <= due {
                ClockState::Met
            } else {
                ClockState::Breached
            };
            return ClockReading {
                state,
                remaining_ms: due - r,
                target_ms,
            };
        }
        if let Some(c) = self.cancelled_at {
            return ClockReading {
                state: ClockState::Stopped,
                remaining_ms: self.resolution_due(c) - c,
                target_ms,
            };
        }
        if let Some(p) = self.paused_since {
            // Frozen at what was left when the pause began.
            return ClockReading {
                state: ClockState::Paused,
                remaining_ms: self.resolution_due(p) - p,
                target_ms,
            };
        }
        let due = self.resolution_due(now);
        let state = if now > due {
            ClockState::Breached
        } else {
            ClockState::Running
        };
        ClockReading {
            state,
            remaining_ms: due - now,
            target_ms,
        }
    }

    /// Applies the clock side of a transition taken at `at`.
    pub fn on_transition(&mut self, t: Transition, at: Millis) {
        match t {
            Transition::Acknowledge | Transition::Start => {
                self.acknowledged_at.get_or_insert(at);
            }
            Transition::WaitForParts => {
                self.paused_since.get_or_insert(at);
            }
            Transition::ResumeWork => {
                if let Some(p) = self.paused_since.take() {
                    self.paused_total_ms += (at - p).max(0);
                }
            }
            Transition::Resolve => {
                self.resolved_at.get_or_insert(at);
            }
            Transition::Close => {}
            Transition::Cancel => {
                if let Some(p) = self.paused_since.take() {
                    self.paused_total_ms += (at - p).max(0);
                }
                self.cancelled_at.get_or_insert(at);
            }
        }
    }
}

/// The escalation ladder: who is told, and when, once a clock has breached.
/// Level 1 at the first breach, level 2 when the resolution is overdue by half
/// its target, level 3 when overdue by its whole target.
pub const ESCALATION_LADDER: [(u8, &str); 3] = [
    (1, "Shift supervisor"),
    (2, "Maintenance manager"),
    (3, "Plant manager"),
];

pub fn escalation_owner(level: u8) -> &'static str {
    ESCALATION_LADDER
        .iter()
        .find(|(l, _)| *l == level)
        .map(|(_, o)| *o)
        .unwrap_or("—")
}

/// What the breach monitor stores per request besides the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BreachState {
    pub response_breached_at: Option<Millis>,
    pub resolution_breached_at: Option<Millis>,
    pub escalation_level: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SlaEvent {
    ResponseBreached { at: Millis },
    ResolutionBreached { at: Millis },
    Escalated { level: u8, at: Millis },
}

/// The level a request should be at, at `now`.
fn level_due(clock: &SlaClock, now: Millis) -> u8 {
    let resp = clock.response(now);
    let resol = clock.resolution(now);
    let mut level = 0;
    if resp.state == ClockState::Breached || resol.state == ClockState::Breached {
        level = 1;
    }
    if resol.state == ClockState::Breached
        || (resol.state == ClockState::Running && resol.remaining_ms < 0)
    {
        let overdue = -resol.remaining_ms;
        if overdue >= clock.resolution_target_ms / 2 {
            level = 2;
        }
        if overdue >= clock.resolution_target_ms {
            level = 3;
        }
    }
    level
}

/// Evaluates the clocks at `now` against what was already recorded and
/// returns the events to record, oldest first, with their true instants (so a
/// server that was down records breaches at the time they happened).
pub fn evaluate(clock: &SlaClock, breach: &BreachState, now: Millis) -> Vec<SlaEvent> {
    let mut events = Vec::new();
    if breach.response_breached_at.is_none() && clock.response(now).state == ClockState::Breached {
        events.push(SlaEvent::ResponseBreached {
            at: clock.response_due() + 1,
        });
    }
    let resol = clock.resolution(now);
    let active = clock.resolved_at.is_none() && clock.cancelled_at.is_none();
    if breach.resolution_breached_at.is_none() && active && resol.state == ClockState::Breached {
        events.push(SlaEvent::ResolutionBreached {
            at: clock.resolution_due(now) + 1,
        });
    }
    if active {
        let due_level = level_due(clock, now);
        let due = clock.resolution_due(now);
        for level in (breach.escalation_level + 1)..=due_level {
            let at = match level {
                1 if clock.response(now).state == ClockState::Breached => {
                    clock.response_due().min(due) + 1
                }
                1 => due + 1,
                2 => due + clock.resolution_target_ms / 2,
                _ => due + clock.resolution_target_ms,
            };
            events.push(SlaEvent::Escalated {
                level,
                at: at.min(now),
            });
        }
    }
    events.sort_by_key(|e| match e {
        SlaEvent::ResponseBreached { at }
        | SlaEvent::ResolutionBreached { at }
        | SlaEvent::Escalated { at, .. } => *at,
    });
    events
}

/// When the monitor must next look at this request, if ever: the earliest
/// future instant at which `evaluate` could return something new.
pub fn next_check(clock: &SlaClock, breach: &BreachState) -> Option<Millis> {
    if clock.resolved_at.is_some() || clock.cancelled_at.is_some() {
        return None;
    }
    let mut candidates = Vec::new();
    if breach.response_breached_at.is_none() && clock.acknowledged_at.is_none() {
        candidates.push(clock.response_due() + 1);
    }
    // While paused the resolution deadline keeps moving: nothing to check
    // until work resumes (the resume transition recomputes this).
    if clock.paused_since.is_none() {
        let due = clock.resolution_due(0);
        if breach.resolution_breached_at.is_none() {
            candidates.push(due + 1);
        }
        match breach.escalation_level {
            0 | 1 => candidates.push(due + clock.resolution_target_ms / 2),
            2 => candidates.push(due + clock.resolution_target_ms),
            _ => {}
        }
    }
    candidates.into_iter().min()
}

// ---------- wire types ----------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub work_centre: String,
    pub active: bool,
}

/// A maintenance request as screens and integrators see it. Times are ISO 8601 UTC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
pub struct TimelineEvent {
    pub at: String,
    pub kind: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub actor: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub request: Request,
    pub timeline: Vec<TimelineEvent>,
}

/// What a user types to report a problem. Parsed into `NewRequest` before the
/// service sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct NewRequestInput {
    pub machine_id: i64,
    pub kind: String,
    pub priority: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewRequest {
    pub machine_id: i64,
    pub kind: Kind,
    pub priority: Priority,
    pub title: String,
    pub description: String,
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
        Ok(NewRequest {
            machine_id: self.machine_id,
            kind,
            priority,
            title: title.to_string(),
            description: self.description.trim().to_string(),
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
    use crate::time::HOUR;
    use proptest::prelude::*;

    fn policy() -> SlaPolicy {
        SlaPolicy {
            priority: Priority::High,
            response_minutes: 60,
            resolution_minutes: 8 * 60,
        }
    }

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
    fn terminal_states_offer_nothing() {
        assert!(Transition::available_from(Status::Closed).is_empty());
        assert!(Transition::available_from(Status::Cancelled).is_empty());
        assert_eq!(
            Transition::available_from(Status::Resolved),
            vec![Transition::Close]
        );
    }

    #[test]
    fn response_clock_runs_then_is_met_by_acknowledging() {
        let mut c = SlaClock::new(0, &policy());
        let r = c.response(10 * MINUTE);
        assert_eq!(
            (r.state, r.remaining_ms),
            (ClockState::Running, 50 * MINUTE)
        );
        assert_eq!(r.tone(), Tone::Ok);
        assert_eq!(c.response(55 * MINUTE).tone(), Tone::Warning);
        c.on_transition(Transition::Acknowledge, 20 * MINUTE);
        let r = c.response(5 * HOUR);
        assert_eq!((r.state, r.remaining_ms), (ClockState::Met, 40 * MINUTE));
    }

    #[test]
    fn response_clock_breaches_and_counts_up() {
        let c = SlaClock::new(0, &policy());
        let r = c.response(HOUR + 90_000);
        assert_eq!(r.state, ClockState::Breached);
        assert_eq!(r.remaining_ms, -90_000);
        assert_eq!(r.tone(), Tone::Breached);
        assert_eq!(r.text(), "overdue 1m 30s");
    }

    #[test]
    fn waiting_for_parts_pauses_the_resolution_clock() {
        let mut c = SlaClock::new(0, &policy());
        c.on_transition(Transition::Start, 10 * MINUTE);
        c.on_transition(Transition::WaitForParts, 2 * HOUR);
        // Frozen at 6 h left for as long as the pause lasts.
        for now in [2 * HOUR, 5 * HOUR, 30 * HOUR] {
            let r = c.resolution(now);
            assert_eq!(
                (r.state, r.remaining_ms),
                (ClockState::Paused, 6 * HOUR),
                "at {now}"
            );
        }
        c.on_transition(Transition::ResumeWork, 30 * HOUR);
        assert_eq!(c.paused_total_ms, 28 * HOUR);
        let r = c.resolution(31 * HOUR);
        assert_eq!((r.state, r.remaining_ms), (ClockState::Running, 5 * HOUR));
        assert_eq!(c.resolution_due(0), 36 * HOUR);
        c.on_transition(Transition::Resolve, 35 * HOUR);
        let r = c.resolution(100 * HOUR);
        assert_eq!((r.state, r.remaining_ms), (ClockState::Met, HOUR));
    }

    #[test]
    fn cancelling_stops_both_clocks_without_breach() {
        let mut c = SlaClock::new(0, &policy());
        c.on_transition(Transition::Cancel, 10 * MINUTE);
        assert_eq!(c.response(100 * HOUR).state, ClockState::Stopped);
        assert_eq!(c.resolution(100 * HOUR).state, ClockState::Stopped);
        assert!(evaluate(&c, &BreachState::default(), 100 * HOUR).is_empty());
        assert_eq!(next_check(&c, &BreachState::default()), None);
    }

    #[test]
    fn breaches_are_recorded_once_at_their_true_instant() {
        let c = SlaClock::new(0, &policy());
        let mut b = BreachState::default();
        assert!(evaluate(&c, &b, HOUR).is_empty());
        assert_eq!(next_check(&c, &b), Some(HOUR + 1));
        // A monitor that wakes late (say, after a restart) still dates the breach right.
        let ev = evaluate(&c, &b, 3 * HOUR);
        assert_eq!(
            ev,
            vec![
                SlaEvent::ResponseBreached { at: HOUR + 1 },
                SlaEvent::Escalated {
                    level: 1,
                    at: HOUR + 1
                }
            ]
        );
        b.response_breached_at = Some(HOUR + 1);
        b.escalation_level = 1;
        assert!(evaluate(&c, &b, 3 * HOUR).is_empty());
        assert_eq!(next_check(&c, &b), Some(8 * HOUR + 1));
    }

    #[test]
    fn the_ladder_climbs_with_the_overdue_time() {
        let mut c = SlaClock::new(0, &policy());
        c.on_transition(Transition::Start, MINUTE);
        let b = BreachState::default();
        let ev = evaluate(&c, &b, 8 * HOUR + 4 * HOUR + 1);
        assert_eq!(
            ev,
            vec![
                SlaEvent::ResolutionBreached { at: 8 * HOUR + 1 },
                SlaEvent::Escalated {
                    level: 1,
                    at: 8 * HOUR + 1
                },
                SlaEvent::Escalated {
                    level: 2,
                    at: 12 * HOUR
                },
            ]
        );
        let b = BreachState {
            resolution_breached_at: Some(8 * HOUR + 1),
            escalation_level: 2,
            ..Default::default()
        };
        assert_eq!(next_check(&c, &b), Some(16 * HOUR));
        assert_eq!(
            evaluate(&c, &b, 16 * HOUR),
            vec![SlaEvent::Escalated {
                level: 3,
                at: 16 * HOUR
            }]
        );
        assert_eq!(escalation_owner(3), "Plant manager");
    }

    #[test]
    fn a_paused_request_does_not_breach_resolution() {
        let mut c = SlaClock::new(0, &policy());
        c.on_transition(Transition::Start, MINUTE);
        c.on_transition(Transition::WaitForParts, HOUR);
        let b = BreachState::default();
        assert!(evaluate(&c, &b, 100 * HOUR).is_empty());
        assert_eq!(next_check(&c, &b), None);
    }

    #[test]
    fn new_request_input_names_the_bad_field() {
        let ok = NewRequestInput {
            machine_id: 3,
            kind: "breakdown".into(),
            priority: "high".into(),
            title: "  Needle bar jammed ".into(),
            description: String::new(),
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
    }

    #[test]
    fn policy_validation() {
        assert!(SlaPolicy::default_for(Priority::Low).validate().is_ok());
        let bad = SlaPolicy {
            priority: Priority::Low,
            response_minutes: 60,
            resolution_minutes: 30,
        };
        assert_eq!(
            bad.validate().unwrap_err().field_error().unwrap().field,
            "resolution_minutes"
        );
    }

    fn arb_transitions() -> impl Strategy<Value = Vec<(Transition, i64)>> {
        prop::collection::vec(
            (
                prop::sample::select(Transition::ALL.to_vec()),
                0i64..3 * HOUR,
            ),
            0..12,
        )
    }

    proptest! {
        /// Whatever legal path a request takes, the resolution clock only ever
        /// counts time not spent waiting for parts.
        #[test]
        fn resolution_clock_excludes_exactly_the_paused_time(steps in arb_transitions()) {
            let mut status = Status::Open;
            let mut clock = SlaClock::new(0, &policy());
            let mut now = 0;
            let mut paused = 0;
            let mut paused_since = None;
            for (t, dt) in steps {
                now += dt;
                if let Ok(to) = t.apply(status) {
                    clock.on_transition(t, now);
                    if to == Status::WaitingParts { paused_since = Some(now); }
                    if status == Status::WaitingParts {
                        paused += now - paused_since.take().unwrap();
                    }
                    status = to;
                }
            }
            if status != Status::WaitingParts {
                prop_assert_eq!(clock.paused_total_ms, paused);
            }
            // Never breached while paused; remaining never grows while running.
            let a = clock.resolution(now);
            let b = clock.resolution(now + HOUR);
            if a.state == ClockState::Running {
                prop_assert_eq!(a.remaining_ms - b.remaining_ms, HOUR);
            }
            if a.state == ClockState::Paused {
                prop_assert_eq!(a.remaining_ms, b.remaining_ms);
            }
            // The monitor's schedule never skips an event.
            let breach = BreachState::default();
            if let Some(t) = next_check(&clock, &breach) {
                let early = evaluate(&clock, &breach, t - 1);
                let skipped = early.iter().any(|e| matches!(e, SlaEvent::Escalated { level: 2.., .. }));
                prop_assert!(!skipped);
            }
        }
    }
}
