//! Leases: which one of several server processes on one database runs a
//! background job (the SLA breach monitor today; escalation and outbound
//! queues later). A lease is a row in `leases` naming its holder and when
//! it expires. The holder renews it on every round; another process takes
//! it over only once it has expired, so a job stops for at most one lease
//! term when its process dies. Renewal writes only once half the term has
//! run, so a monitor ticking every second costs a write every few seconds
//! (on SQLite every write takes the one writer). A lease is an efficiency and at-most-once
//! aid, not a lock on data: jobs still write with version checks, so a
//! holder that pauses past its expiry and overlaps its successor cannot
//! record anything twice.

use crate::db::Db;
use crate::error::{DbContext, Result};

#[derive(Debug, Clone)]
pub struct Lease {
    name: String,
    holder: String,
    term_ms: i64,
    /// Until when this holder last wrote itself in, by its own clock (0: not held).
    held_until: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Lease {
    /// A lease on job `name` for this process, held `term` at a time.
    pub fn new(name: &str, term: std::time::Duration) -> Lease {
        use rand::Rng;
        Lease {
            name: name.to_string(),
            holder: format!(
                "{}-{:016x}",
                std::process::id(),
                rand::thread_rng().gen::<u64>()
            ),
            term_ms: term.as_millis().min(i64::MAX as u128) as i64,
            held_until: Default::default(),
        }
    }

    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// Takes or renews the lease at `now`: true when this holder has it until
    /// `now + term`, false when another holder's lease is still running.
    pub async fn acquire(&self, db: &Db, now: i64) -> Result<bool> {
        use std::sync::atomic::Ordering;
        // Held, with more than half the term left: nobody can have taken it.
        if self.held_until.load(Ordering::Acquire) - now > self.term_ms / 2 {
            return Ok(true);
        }
        // One statement, atomic on both backends: insert, or take over the
        // row when it is ours or has expired.
        let n = sqlx::query(
            "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE leases.holder = excluded.holder OR leases.expires_at <= $4",
        )
        .bind(&self.name)
        .bind(&self.holder)
        .bind(now + self.term_ms)
        .bind(now)
        .execute(&db.write)
        .await
        .ctx("acquire lease")?
        .rows_affected();
        let until = if n == 1 { now + self.term_ms } else { 0 };
        self.held_until.store(until, Ordering::Release);
        Ok(n == 1)
    }

    /// Gives the lease up (at shutdown), so another process need not wait
    /// for it to expire.
    pub async fn release(&self, db: &Db) -> Result<()> {
        sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
            .bind(&self.name)
            .bind(&self.holder)
            .execute(&db.write)
            .await
            .ctx("release lease")?;
        self.held_until
            .store(0, std::sync::atomic::Ordering::Release);
        Ok(())
    }
}
