//! SLA policies: the response and resolution targets per priority.

use super::rows::SlaPolicyRow;
use crate::auth::audit;
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::events::{self, NewEvent};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::maintenance::{Priority, SlaPolicy};
use domain::perm::{Action, Module};

pub async fn sla_policies(svc: &Services, user: &CurrentUser) -> Result<Vec<SlaPolicy>> {
    user.require(Module::Maintenance, Action::View)?;
    let db = &svc.db;
    let rows = sqlx::query_as::<_, SlaPolicyRow>(
        "SELECT priority, response_minutes, resolution_minutes FROM sla_policies",
    )
    .fetch_all(&db.read)
    .await
    .ctx("list sla policies")?;
    // Every priority, with the stored targets where an admin set them.
    let mut out: Vec<SlaPolicy> = Priority::ALL
        .iter()
        .map(|p| SlaPolicy::default_for(*p))
        .collect();
    for stored in rows.into_iter().map(SlaPolicy::from) {
        if let Some(pol) = out.iter_mut().find(|x| x.priority == stored.priority) {
            *pol = stored;
        }
    }
    Ok(out)
}

const SET_SCOPE: &str = "maintenance.sla.set";

/// Changes the targets for one priority; applies to requests created
/// afterwards. A retry with the same key gets the first answer.
pub async fn set_sla_policy(
    svc: &Services,
    user: &CurrentUser,
    policy: &SlaPolicy,
    idem_key: Option<&str>,
    now: i64,
) -> Result<SlaPolicy> {
    user.require(Module::Maintenance, Action::Approve)?;
    policy.validate()?;
    let policy = *policy;
    let (stored, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        SET_SCOPE,
        &policy,
        now,
        move |mut tx: Tx| Box::pin(async move {
            sqlx::query(
                "INSERT INTO sla_policies (priority, response_minutes, resolution_minutes) VALUES ($1, $2, $3) \
                 ON CONFLICT (priority) DO UPDATE SET response_minutes = excluded.response_minutes, \
                 resolution_minutes = excluded.resolution_minutes",
            )
            .bind(policy.priority.as_str())
            .bind(policy.response_minutes)
            .bind(policy.resolution_minutes)
            .execute(&mut *tx)
            .await
            .ctx("upsert sla policy")?;
            let detail = format!(
                "{} {}m/{}m",
                policy.priority.as_str(),
                policy.response_minutes,
                policy.resolution_minutes
            );
            audit(
                &mut tx,
                Some(user.id),
                "update",
                "sla_policy",
                policy.priority.as_str(),
                &detail,
                now,
            )
            .await?;
            events::record(
                &mut tx,
                &NewEvent::new(Module::Maintenance, 0, 0, EventKind::Updated, now)
                    .with_payload(serde_json::json!({ "sla_policy": policy.priority.as_str() })),
            )
            .await?;
            Ok((tx, policy))
        }),
    )
    .await?;
    if fresh {
        svc.events.wake();
    }
    Ok(stored)
}
