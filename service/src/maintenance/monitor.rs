//! The SLA breach monitor: records breaches and escalations when they fall due.

use super::rows::{insert_event, request_row, RequestRow};
use crate::error::{DbContext, Result};
use crate::events::{self, NewEvent};
use crate::Services;
use domain::events::EventKind;
use domain::maintenance::{evaluate, next_check, SlaEvent};
use domain::perm::Module;
use sqlx::FromRow;

/// How long the monitor leaves a request row it cannot decode before trying again.
const SKIPPED_RETRY_MS: i64 = 10 * 60_000;

/// One pass of the breach monitor: records every breach and escalation that
/// is due at `now`, dated when it happened. Safe to run from several places:
/// each request is updated only if nobody changed it meanwhile.
pub async fn monitor_tick(svc: &Services, now: i64) -> Result<usize> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM maintenance_requests WHERE next_check_at <= $1 ORDER BY next_check_at LIMIT 500")
        .bind(now)
        .fetch_all(&svc.db.read)
        .await
        .ctx("find due requests")?;
    let mut recorded = 0;
    for id in ids {
        let mut tx = svc.db.begin().await?;
        let raw = request_row(&mut tx, id).await?;
        // A row that does not decode (an unknown status, say) is skipped and
        // logged, never taken for an open request and escalated.
        let row = match RequestRow::from_row(&raw) {
            Ok(row) => row,
            Err(e) => {
                tracing::error!(request = id, error = %e, "SLA monitor skipped a maintenance request it cannot read");
                // Looked at again in ten minutes, not on every tick, so a few
                // corrupt rows can neither flood the log nor crowd out the
                // healthy ones in the pass's batch.
                // Best effort: on SQLite a row that breaks a CHECK cannot be
                // updated at all, and then it is simply read again next tick.
                let postponed =
                    sqlx::query("UPDATE maintenance_requests SET next_check_at = $1 WHERE id = $2")
                        .bind(now + SKIPPED_RETRY_MS)
                        .bind(id)
                        .execute(&mut *tx)
                        .await;
                match postponed {
                    Ok(_) => tx.commit().await.ctx("commit postponement")?,
                    Err(e) => {
                        tracing::warn!(request = id, error = %e, "could not postpone an unreadable request");
                        tx.rollback().await.ctx("rollback")?;
                    }
                }
                continue;
            }
        };
        let (clock, mut breach) = (row.clock(), row.breach());
        let (version, status) = (row.version, row.status);
        let events = if status.is_active() {
            evaluate(&clock, &breach, now)
        } else {
            vec![]
        };
        let mut log = Vec::with_capacity(events.len());
        for ev in &events {
            let (at, kind, note) = match *ev {
                SlaEvent::ResponseBreached { at } => {
                    breach.response_breached_at = Some(at);
                    (at, "breach", "Response SLA breached".to_string())
                }
                SlaEvent::ResolutionBreached { at } => {
                    breach.resolution_breached_at = Some(at);
                    (at, "breach", "Resolution SLA breached".to_string())
                }
                SlaEvent::Escalated { level, at } => {
                    breach.escalation_level = breach.escalation_level.max(level);
                    let owner = domain::maintenance::escalation_owner(level);
                    (
                        at,
                        "escalation",
                        format!("Escalated to level {level}: {owner}"),
                    )
                }
            };
            insert_event(&mut tx, id, at, kind, None, None, None, &note).await?;
            let logged = if kind == "breach" {
                EventKind::Breached
            } else {
                EventKind::Escalated
            };
            log.push(
                NewEvent::new(Module::Maintenance, id, version + 1, logged, now)
                    .with_payload(serde_json::json!({ "note": note, "at": at })),
            );
        }
        let next = if status.is_active() {
            next_check(&clock, &breach)
        } else {
            None
        };
        let bump = if events.is_empty() { 0 } else { 1 };
        let updated = sqlx::query(
            "UPDATE maintenance_requests SET response_breached_at = $1, resolution_breached_at = $2, \
             escalation_level = $3, next_check_at = $4, version = version + $5 WHERE id = $6 AND version = $7",
        )
        .bind(breach.response_breached_at)
        .bind(breach.resolution_breached_at)
        .bind(breach.escalation_level as i64)
        .bind(next)
        .bind(bump)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await
        .ctx("record breach")?
        .rows_affected();
        if updated != 1 {
            // Changed under us; the next tick sees the new state.
            tx.rollback().await.ctx("rollback")?;
            continue;
        }
        // Last, after the request's row lock (see `events`).
        for ev in &log {
            events::record(&mut tx, ev).await?;
        }
        tx.commit().await.ctx("commit breach")?;
        if !events.is_empty() {
            recorded += events.len();
            svc.events.wake();
        }
    }
    Ok(recorded)
}

/// The lease that makes one server process run the breach monitor.
pub const MONITOR_LEASE: &str = "maintenance.sla_monitor";

/// Runs the monitor forever, every `interval`, in the one server process
/// that holds its lease (several may share a PostgreSQL database). Because
/// deadlines are stored, a restart or a takeover simply catches up on the
/// first tick.
pub async fn run_monitor(svc: Services, interval: std::time::Duration) {
    let lease = crate::lease::Lease::new(
        MONITOR_LEASE,
        (interval * 10).max(std::time::Duration::from_secs(5)),
    );
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let now = crate::now_ms();
        match lease.acquire(&svc.db, now).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "maintenance SLA monitor could not take its lease");
                continue;
            }
        }
        match monitor_tick(&svc, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(events = n, "maintenance SLA monitor recorded breaches"),
            Err(e) => tracing::warn!(error = %e, "maintenance SLA monitor pass failed"),
        }
    }
}
