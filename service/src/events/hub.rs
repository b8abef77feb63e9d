//! Fans the event log out to this process's open streams. One pump task per
//! process reads the log after `head` and broadcasts what it finds; it runs
//! when a change in this process calls [`Events::wake`] right after its
//! commit, and at least once a second to pick up events that other server
//! processes wrote to the same database. Started by the first subscriber.

use super::read_after;
use crate::db::Db;
use crate::error::Result;
use domain::events::Change;
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::{broadcast, Mutex, Notify};

/// How often the pump looks at the log without being woken.
pub const POLL: Duration = Duration::from_secs(1);
const BATCH: i64 = 500;

#[derive(Clone)]
pub struct Events {
    inner: Arc<Inner>,
}

struct Inner {
    tx: broadcast::Sender<Change>,
    wake: Notify,
    /// The last seq broadcast; `None` until the pump starts.
    head: Mutex<Option<i64>>,
}

impl Default for Events {
    fn default() -> Self {
        Self::new()
    }
}

impl Events {
    pub fn new() -> Self {
        let (tx, _) = broadcast::channel(1024);
        Events {
            inner: Arc::new(Inner {
                tx,
                wake: Notify::new(),
                head: Mutex::new(None),
            }),
        }
    }

    /// Tells the pump that events were committed. Cheap; call after every
    /// commit that recorded one.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// A receiver of every event after the returned seq, in order (starting
    /// the pump on first use). Lagging receivers get `RecvError::Lagged` and
    /// should read the log from their last seq.
    pub async fn subscribe(&self, db: &Db) -> Result<(broadcast::Receiver<Change>, i64)> {
        let mut head = self.inner.head.lock().await;
        let h = match *head {
            Some(h) => h,
            None => {
                let h = super::head(db).await?;
                *head = Some(h);
                tokio::spawn(pump(Arc::downgrade(&self.inner), db.clone()));
                h
            }
        };
        Ok((self.inner.tx.subscribe(), h))
    }
}

async fn pump(inner: Weak<Inner>, db: Db) {
    loop {
        let Some(me) = inner.upgrade() else { return };
        let from = me.head.lock().await.unwrap_or(0);
        match read_after(&db, from, BATCH).await {
            Ok(batch) => {
                let full = batch.len() as i64 == BATCH;
                let mut head = me.head.lock().await;
                for ev in batch {
                    if ev.seq > head.unwrap_or(0) {
                        *head = Some(ev.seq);
                        // Nobody listening is fine.
                        let _ = me.tx.send(ev);
                    }
                }
                if full {
                    continue;
                }
            }
            Err(e) => tracing::warn!(error = %e, "reading the event log failed"),
        }
        // A wake during the read left a permit, so this returns at once.
        let _ = tokio::time::timeout(POLL, me.wake.notified()).await;
        // No strong reference between rounds, so a dropped hub ends the pump.
        drop(me);
    }
}
