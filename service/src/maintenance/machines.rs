//! Machines: the list and creating one (master data).

use super::rows::MachineRow;
use crate::auth::audit;
use crate::db::{Db, Tx};
use crate::error::{is_unique_violation, DbContext, Result};
use crate::events::{self, NewEvent};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::maintenance::Machine;
use domain::perm::{Action, Module};
use domain::AppError;

/// Machines for a user who may see maintenance or master data.
pub async fn list_machines(svc: &Services, user: &CurrentUser) -> Result<Vec<Machine>> {
    user.require(Module::Maintenance, Action::View)
        .or_else(|_| user.require(Module::Master, Action::View))?;
    machines(&svc.db).await
}

/// Every machine, without a permission check (seeding and internal use).
pub async fn machines(db: &Db) -> Result<Vec<Machine>> {
    let rows = sqlx::query_as::<_, MachineRow>(
        "SELECT m.id, m.code, m.name, COALESCE(w.name, '') AS work_centre, m.active FROM machines m \
         LEFT JOIN work_centres w ON w.id = m.work_centre_id ORDER BY m.code",
    )
    .fetch_all(&db.read)
    .await
    .ctx("list machines")?;
    Ok(rows.into_iter().map(Machine::from).collect())
}

pub use domain::maintenance::NewMachineInput;

const CREATE_SCOPE: &str = "master.machines.create";

/// Adds a machine; a retry with the same key gets the first answer.
pub async fn create_machine(
    svc: &Services,
    user: &CurrentUser,
    input: &NewMachineInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<Machine> {
    user.require(Module::Master, Action::Create)?;
    let code = input.code.trim().to_uppercase();
    if code.is_empty()
        || code.len() > 32
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(AppError::field("code", "1 to 32 letters, digits, '-' or '_'").into());
    }
    let name = input.name.trim();
    if name.len() < 2 || name.len() > 120 {
        return Err(AppError::field("name", "2 to 120 characters").into());
    }
    let work_centre = input
        .work_centre_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_uppercase);
    let (machine, fresh) = idempotency::run_once(
        &svc.db,
        user.id,
        idem_key,
        CREATE_SCOPE,
        input,
        now,
        move |mut tx: Tx| Box::pin(async move {
            let wc: Option<(i64, String)> = match work_centre {
                None => None,
                Some(wc) => Some(
                    sqlx::query_as("SELECT id, name FROM work_centres WHERE code = $1")
                        .bind(wc)
                        .fetch_optional(&mut *tx)
                        .await
                        .ctx("find work centre")?
                        .ok_or_else(|| AppError::field("work_centre_code", "no such work centre"))?,
                ),
            };
            let res = sqlx::query_scalar("INSERT INTO machines (code, name, search_text, work_centre_id, active, created_at, updated_at) VALUES ($1, $2, $5, $3, 1, $4, $4) RETURNING id")
                .bind(&code)
                .bind(name)
                .bind(wc.as_ref().map(|w| w.0))
                .bind(now)
                .bind(domain::master::search_text(&code, name))
                .fetch_one(&mut *tx)
                .await
                .ctx("insert machine");
            let id: i64 = match res {
                Ok(id) => id,
                Err(e) if is_unique_violation(&e) => {
                    return Err(AppError::field("code", "a machine with this code exists").into())
                }
                Err(e) => return Err(e),
            };
            crate::master::search::reindex(&mut tx, "machines", id).await?;
            audit(
                &mut tx,
                Some(user.id),
                "create",
                "machine",
                &id.to_string(),
                &code,
                now,
            )
            .await?;
            events::record(
                &mut tx,
                &NewEvent::new(Module::Master, id, 1, EventKind::Created, now),
            )
            .await?;
            // Everything the new row holds is known here; no need to read it back.
            let machine = Machine {
                id,
                code,
                name: name.to_string(),
                work_centre: wc.map(|w| w.1).unwrap_or_default(),
                active: true,
            };
            Ok((tx, machine))
        }),
    )
    .await?;
    if fresh {
        svc.events.wake();
    }
    Ok(machine)
}
