//! In-process change notifications, fanned out to every open browser over SSE.
//! Each event names what changed; screens refetch what they show.

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The module, e.g. `maintenance`.
    pub topic: String,
    pub id: i64,
    pub version: i64,
    /// What happened, e.g. `created`, `acknowledge`, `breach`.
    pub kind: String,
}

#[derive(Clone)]
pub struct Events {
    tx: broadcast::Sender<Event>,
}

impl Default for Events {
    fn default() -> Self {
        Self::new()
    }
}

impl Events {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(1024);
        Events { tx }
    }

    /// Fire and forget: nobody listening is fine.
    pub fn publish(&self, event: Event) {
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}
