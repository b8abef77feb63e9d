//! Releasing many orders at once (a planner's "release the week's orders",
//! an integrator's batch): every order is read and exploded first, then one
//! transaction releases them all (as `release::apply` does one), plans the
//! floor once and records an event per order. All or nothing: the first
//! order that cannot be released is named and nothing is written.

use super::plan::{lock_plan, replan};
use super::release::{apply, prepare, released_event};
use crate::db::Tx;
use crate::error::Result;
use crate::events;
use crate::{idempotency, ServiceError, Services};
use domain::auth::CurrentUser;
use domain::perm::Module;
use domain::ppic::{MoAction, ReleaseManyInput, ReleasedMany, ReleasedOrder};
use domain::AppError;

/// The refusal of one order of the batch, naming it.
fn named(what: &str, e: ServiceError) -> ServiceError {
    match e {
        ServiceError::App(AppError::Conflict { message }) if !message.contains(what) => {
            AppError::conflict(format!("{what}: {message}")).into()
        }
        ServiceError::App(AppError::NotFound { .. }) => {
            AppError::field("orders", format!("{what} does not exist")).into()
        }
        other => other,
    }
}

pub async fn release_many(
    svc: &Services,
    user: &CurrentUser,
    input: &ReleaseManyInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<ReleasedMany> {
    user.require(Module::Ppic, MoAction::Release.permission())?;
    let ids = input.parse()?;
    let tz = svc.config.plant_time_zone;
    let mut prepared = Vec::with_capacity(ids.len());
    for id in &ids {
        prepared.push(
            prepare(svc, *id)
                .await
                .map_err(|e| named(&format!("order {id}"), e))?,
        );
    }
    let (answer, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        "ppic.release_many",
        &ids,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                lock_plan(&mut tx).await?;
                let mut applied = Vec::with_capacity(prepared.len());
                for p in &prepared {
                    let a = apply(&mut tx, p, user, now)
                        .await
                        .map_err(|e| named(&format!("order {}", p.id), e))?;
                    applied.push((p.id, a));
                }
                let moved = replan(&mut tx, tz, now).await?;
                for (id, a) in &applied {
                    events::record(&mut tx, &released_event(*id, a, moved, now)).await?;
                }
                let answer = ReleasedMany {
                    released: applied
                        .into_iter()
                        .map(|(id, a)| ReleasedOrder {
                            id,
                            number: a.number,
                            version: a.version,
                            child_orders: a.children,
                        })
                        .collect(),
                    jobs_replanned: u32::try_from(moved).unwrap_or(u32::MAX),
                };
                Ok((tx, answer))
            })
        },
    )
    .await?;
    if fresh {
        svc.events.wake();
    }
    Ok(answer)
}
