//! SLA policies and the response and resolution clocks (the resolution clock
//! stands still while waiting for parts).

use super::{Priority, Transition};
use crate::error::AppError;
use crate::time::{Millis, MINUTE};
use serde::{Deserialize, Serialize};

/// Response and resolution targets for one priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlaPolicy {
    pub priority: Priority,
    /// 1 minute to 30 days.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 43200))]
    pub response_minutes: i64,
    /// At least the response target, at most 90 days.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 129600))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::HOUR;

    fn policy() -> SlaPolicy {
        SlaPolicy {
            priority: Priority::High,
            response_minutes: 60,
            resolution_minutes: 8 * 60,
        }
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
}
