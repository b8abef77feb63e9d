//! The escalation ladder, and the breach monitor's pure half: which breaches
//! and escalations are due, and when to look again.

use super::{ClockState, SlaClock};
use crate::time::Millis;
use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::maintenance::{Priority, SlaPolicy, Status, Transition};
    use crate::time::{HOUR, MINUTE};
    use proptest::prelude::*;

    fn policy() -> SlaPolicy {
        SlaPolicy {
            priority: Priority::High,
            response_minutes: 60,
            resolution_minutes: 8 * 60,
        }
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
