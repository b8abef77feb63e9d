//! The SLA breach monitor: records breaches and escalations when they fall due.

use super::rows::{insert_event, request_row, RequestRow};
use crate::error::{DbContext, Result};
use crate::events::Event;
use crate::Services;
use domain::maintenance::{evaluate, next_check, SlaEvent};
use sqlx::FromRow;

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
        tx.commit().await.ctx("commit breach")?;
        if !events.is_empty() {
            recorded += events.len();
            svc.events.publish(Event {
                topic: "maintenance".into(),
                id,
                version: version + 1,
                kind: "breach".into(),
            });
        }
    }
    Ok(recorded)
}

/// Runs the monitor forever, every `interval`. Because deadlines are stored,
/// a restart simply catches up on the first tick.
pub async fn run_monitor(svc: Services, interval: std::time::Duration) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match monitor_tick(&svc, crate::now_ms()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(events = n, "maintenance SLA monitor recorded breaches"),
            Err(e) => tracing::warn!(error = %e, "maintenance SLA monitor pass failed"),
        }
    }
}
