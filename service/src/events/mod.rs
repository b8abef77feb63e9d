//! The durable event log (outbox). Every change that matters calls [`record`]
//! in its own transaction, so a change and its event commit or roll back
//! together. The live stream reads the log: [`hub::Events`] wakes it in
//! this process, and a one-second poll of the log brings events written by
//! other server processes on the same PostgreSQL database.
//!
//! ## Why readers never skip an event
//! A reader asks for `seq > last`. With a SERIAL or AUTOINCREMENT id that is
//! not safe on PostgreSQL: a transaction can take id 5, another take id 6 and
//! commit first; a reader polling then sees 6, moves `last` to 6 and never
//! sees 5 when it commits. Here `seq` comes from the one-row `event_seq`
//! counter, bumped (`UPDATE … RETURNING`) inside the writing transaction. The
//! row lock that update takes is held until commit or rollback, so event
//! writers are serialised from their `record` call to their commit: seq N+1
//! is taken only after N's transaction has ended, and the commit order is
//! the seq order. A rolled-back transaction rolls its bump back too, so the
//! sequence is dense, which is how a replay notices a trimmed log. The price
//! is that event-writing transactions queue at the counter for the time
//! between `record` and commit, so call `record` last, just before commit
//! (and after the change's own row locks, so the lock order stays entity
//! rows, then the counter, and writers cannot deadlock). On SQLite the
//! single writer (one per file, across processes) serialises all of this
//! anyway, so there `seq` is simply the rowid and the counter is not used.

pub mod feed;
pub mod hub;

pub use hub::Events;

use crate::db::{Db, Tx};
use crate::error::{DbContext, Result, ServiceError};
use domain::events::{Change, EventKind};
use domain::perm::Module;

/// An event to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub topic: Module,
    pub entity_id: i64,
    pub version: i64,
    pub kind: EventKind,
    pub at: i64,
    /// Module-specific detail for later consumers (outbound queues), as JSON.
    pub payload: Option<serde_json::Value>,
}

impl NewEvent {
    pub fn new(topic: Module, entity_id: i64, version: i64, kind: EventKind, at: i64) -> Self {
        NewEvent {
            topic,
            entity_id,
            version,
            kind,
            at,
            payload: None,
        }
    }

    pub fn with_payload(mut self, payload: serde_json::Value) -> Self {
        self.payload = Some(payload);
        self
    }
}

/// Writes `event` in the caller's transaction and returns its sequence
/// number. Call it after the change's own writes (see the module docs).
pub async fn record(tx: &mut Tx, event: &NewEvent) -> Result<i64> {
    use sqlx::Row;
    // SQLite has one writer at a time for the whole file (across processes
    // too), so the rowid it assigns (largest + 1) is already in commit order
    // and gap-free; `trim` always keeps the newest row so it never goes back.
    // That saves the counter's statement on every write there.
    if (**tx).backend_name() == "SQLite" {
        return sqlx::query(
            "INSERT INTO events (topic, entity_id, version, kind, created_at, payload) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq",
        )
        .bind(event.topic.as_str())
        .bind(event.entity_id)
        .bind(event.version)
        .bind(event.kind.as_str())
        .bind(event.at)
        .bind(event.payload.as_ref().map(|p| p.to_string()))
        .fetch_one(&mut **tx)
        .await
        .ctx("record event")?
        .try_get(0)
        .ctx("decode event sequence number");
    }
    let seq: i64 =
        sqlx::query("UPDATE event_seq SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq")
            .fetch_one(&mut **tx)
            .await
            .ctx("take event sequence number")?
            .try_get(0)
            .ctx("decode event sequence number")?;
    sqlx::query(
        "INSERT INTO events (seq, topic, entity_id, version, kind, created_at, payload) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(seq)
    .bind(event.topic.as_str())
    .bind(event.entity_id)
    .bind(event.version)
    .bind(event.kind.as_str())
    .bind(event.at)
    .bind(event.payload.as_ref().map(|p| p.to_string()))
    .execute(&mut **tx)
    .await
    .ctx("record event")?;
    Ok(seq)
}

#[derive(sqlx::FromRow)]
struct EventRow {
    seq: i64,
    topic: String,
    entity_id: i64,
    version: i64,
    kind: String,
}

impl TryFrom<EventRow> for Change {
    type Error = ServiceError;

    /// An unknown topic or kind is an error, never a default.
    fn try_from(r: EventRow) -> Result<Change> {
        let bad = |what: &str, v: &str| {
            ServiceError::Internal(format!("event {}: unknown {what} {v:?}", r.seq))
        };
        Ok(Change {
            seq: r.seq,
            topic: Module::parse(&r.topic).ok_or_else(|| bad("topic", &r.topic))?,
            id: r.entity_id,
            version: r.version,
            kind: EventKind::parse(&r.kind).ok_or_else(|| bad("kind", &r.kind))?,
        })
    }
}

/// The last sequence number handed out (0 before the first event).
pub async fn head(db: &Db) -> Result<i64> {
    use sqlx::Row;
    let sql = match db.backend {
        // SQLite numbers events by rowid (see `record`); the newest row is never trimmed.
        crate::db::Backend::Sqlite => "SELECT COALESCE(MAX(seq), 0) FROM events",
        crate::db::Backend::Postgres => "SELECT last_seq FROM event_seq WHERE id = 1",
    };
    sqlx::query(sql)
        .fetch_one(&db.read)
        .await
        .ctx("read event head")?
        .try_get(0)
        .ctx("decode event head")
}

/// Up to `limit` events after `after`, oldest first.
pub async fn read_after(db: &Db, after: i64, limit: i64) -> Result<Vec<Change>> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT seq, topic, entity_id, version, kind FROM events WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(&db.read)
    .await
    .ctx("read events")?;
    // An event this binary cannot read (a topic or kind written by a newer
    // one during a rolling upgrade) is logged and left out rather than
    // stalling every stream at its seq; a replay that misses it resyncs.
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Change::try_from(r)
                .map_err(|e| tracing::error!(error = %e, "skipped an unreadable event"))
                .ok()
        })
        .collect())
}

/// What a reconnecting reader missed since `after`.
#[derive(Debug, Clone, PartialEq)]
pub enum Missed {
    /// Exactly these events, in order (possibly none).
    Events(Vec<Change>),
    /// Cannot say exactly: too many, trimmed from the log, or `after` is from
    /// another log (the database was replaced). `head` is where to go on from.
    Resync { head: i64 },
}

/// The events after `after`, if there are at most `limit` of them and the log
/// still holds them all.
pub async fn missed_since(db: &Db, after: i64, limit: i64) -> Result<Missed> {
    // Every seq up to the counter has committed (see the module docs), so the
    // log must hold after+1 ..= head unless it was trimmed.
    let head = head(db).await?;
    if after > head || head - after > limit || after < 0 {
        return Ok(Missed::Resync { head });
    }
    if after == head {
        return Ok(Missed::Events(vec![]));
    }
    let events = read_after(db, after, head - after).await?;
    if events.first().map(|e| e.seq) != Some(after + 1) {
        return Ok(Missed::Resync { head });
    }
    Ok(Missed::Events(events))
}

/// Deletes events recorded before `before`. Deletes a prefix of the log (up
/// to the newest old-enough event), so it never leaves a hole a replay would
/// mistake for a complete answer.
pub async fn trim(db: &Db, before: i64) -> Result<u64> {
    let n = sqlx::query(
        // The newest event always stays: SQLite numbers the next one after it.
        "DELETE FROM events WHERE seq <= (SELECT COALESCE(MAX(seq), 0) FROM events WHERE created_at < $1) \
         AND seq < (SELECT MAX(seq) FROM events)",
    )
    .bind(before)
    .execute(&db.write)
    .await
    .ctx("trim event log")?
    .rows_affected();
    Ok(n)
}
