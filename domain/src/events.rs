//! Live events on the wire: what the server's event stream sends and the
//! browser deserialises. A change names its module (the topic), the entity,
//! its new version and what happened; screens refetch what they show. The
//! durable log (service `events`) holds the same fields under a sequence
//! number, which the stream sends as the SSE `id` so a reconnecting browser
//! can ask for what it missed.

use crate::perm::Module;
use serde::{Deserialize, Serialize};

/// What happened to an entity. Kept generic so every module uses the same
/// few kinds (the log's `kind` column has a CHECK over exactly these); the
/// module-specific detail (say, which maintenance transition) goes into the
/// log's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Created,
    Updated,
    /// A state-machine transition (maintenance: acknowledge, start, …).
    Transitioned,
    Deleted,
    /// A service-level target was missed.
    Breached,
    /// The breach went up the escalation ladder.
    Escalated,
}

impl EventKind {
    pub const ALL: &'static [EventKind] = &[
        EventKind::Created,
        EventKind::Updated,
        EventKind::Transitioned,
        EventKind::Deleted,
        EventKind::Breached,
        EventKind::Escalated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Updated => "updated",
            EventKind::Transitioned => "transitioned",
            EventKind::Deleted => "deleted",
            EventKind::Breached => "breached",
            EventKind::Escalated => "escalated",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// One recorded change, as the stream sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Position in the event log; also the SSE `id`.
    pub seq: i64,
    pub topic: Module,
    /// The changed entity's id within its module (0 for module-wide settings).
    pub id: i64,
    /// The entity's version after the change.
    pub version: i64,
    pub kind: EventKind,
}

/// A message on the live stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    Change(Change),
    /// The stream cannot say exactly what was missed (the browser was away
    /// too long, the log was trimmed, or it fell behind): refetch everything.
    /// `seq` is where the stream continues from.
    Resync {
        seq: i64,
    },
}

impl LiveEvent {
    pub fn seq(&self) -> i64 {
        match self {
            LiveEvent::Change(c) => c.seq,
            LiveEvent::Resync { seq } => *seq,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_shape_round_trips() {
        let ev = LiveEvent::Change(Change {
            seq: 7,
            topic: Module::Maintenance,
            id: 3,
            version: 2,
            kind: EventKind::Transitioned,
        });
        let json = serde_json::to_string(&ev).unwrap();
        assert_eq!(
            json,
            r#"{"type":"change","seq":7,"topic":"maintenance","id":3,"version":2,"kind":"transitioned"}"#
        );
        assert_eq!(serde_json::from_str::<LiveEvent>(&json).unwrap(), ev);
        let resync = serde_json::to_string(&LiveEvent::Resync { seq: 9 }).unwrap();
        assert_eq!(resync, r#"{"type":"resync","seq":9}"#);
    }

    #[test]
    fn unknown_topics_and_kinds_are_refused() {
        let bad_topic =
            r#"{"type":"change","seq":1,"topic":"nope","id":1,"version":1,"kind":"created"}"#;
        assert!(serde_json::from_str::<LiveEvent>(bad_topic).is_err());
        let bad_kind = r#"{"type":"change","seq":1,"topic":"maintenance","id":1,"version":1,"kind":"exploded"}"#;
        assert!(serde_json::from_str::<LiveEvent>(bad_kind).is_err());
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(*k));
        }
    }
}
