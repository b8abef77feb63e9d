//! What customers and suppliers share: code, name and contact details
//! (suppliers add a lead time), written the same way.

use super::common::{bump, code_taken, write, Entity};
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::Services;
use domain::auth::CurrentUser;
use domain::master::{search_text, PartyInput, Versioned};
use domain::perm::{Action, Module};

/// Customers have no lead time; suppliers do.
fn lead_time_column<E: Entity>() -> bool {
    E::TABLE == "suppliers"
}

pub(super) async fn create<E: Entity>(
    svc: &Services,
    user: &CurrentUser,
    input: &PartyInput,
    key: Option<&str>,
    now: i64,
) -> Result<E> {
    user.require(Module::Master, Action::Create)?;
    let p = input.parse()?;
    let (extra_col, extra_val) = if lead_time_column::<E>() {
        (", lead_time_days", ", $8")
    } else {
        ("", "")
    };
    let sql = format!(
        "INSERT INTO {} (code, name, search_text, email, phone, address, created_at, updated_at{extra_col}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7{extra_val}) RETURNING id",
        E::TABLE
    );
    let scope = format!("master.{}.create", E::TABLE);
    write(
        svc,
        user,
        key,
        &scope,
        input,
        now,
        "create",
        move |mut tx: Tx| {
            Box::pin(async move {
                let mut q = sqlx::query_scalar(&sql)
                    .bind(p.code.clone())
                    .bind(p.name.clone())
                    .bind(search_text(&p.code, &p.name))
                    .bind(p.email.clone())
                    .bind(p.phone.clone())
                    .bind(p.address.clone())
                    .bind(now);
                if lead_time_column::<E>() {
                    q = q.bind(p.lead_time_days as i64);
                }
                let id: i64 = q
                    .fetch_one(&mut *tx)
                    .await
                    .ctx("insert party")
                    .map_err(code_taken::<E>)?;
                Ok((tx, id))
            })
        },
    )
    .await
}

pub(super) async fn update<E: Entity>(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &Versioned<PartyInput>,
    key: Option<&str>,
    now: i64,
) -> Result<E> {
    user.require(Module::Master, Action::Update)?;
    let p = input.input.parse()?;
    let version = input.version;
    let extra = if lead_time_column::<E>() {
        ", lead_time_days = $8"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE {} SET code = $2, name = $3, search_text = $4, email = $5, phone = $6, address = $7{extra} \
         WHERE id = $1",
        E::TABLE
    );
    let scope = format!("master.{}.update.{id}", E::TABLE);
    write(
        svc,
        user,
        key,
        &scope,
        input,
        now,
        "update",
        move |mut tx: Tx| {
            Box::pin(async move {
                bump::<E>(&mut tx, id, version, now).await?;
                let q = sqlx::query(&sql)
                    .bind(id)
                    .bind(p.code.clone())
                    .bind(p.name.clone())
                    .bind(search_text(&p.code, &p.name))
                    .bind(p.email.clone())
                    .bind(p.phone.clone())
                    .bind(p.address.clone());
                let q = if lead_time_column::<E>() {
                    q.bind(p.lead_time_days as i64)
                } else {
                    q
                };
                q.execute(&mut *tx)
                    .await
                    .ctx("update party")
                    .map_err(code_taken::<E>)?;
                Ok((tx, id))
            })
        },
    )
    .await
}
