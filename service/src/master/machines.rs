//! Machines as master data: linked to a work centre; embroidery machines
//! with their speed and heads. (`service::maintenance` lists them for
//! maintenance requests; `/maintenance/machines` stays as an alias.)

use super::common::{active_id, bump, code_taken, write, Entity};
use crate::db::Tx;
use crate::error::{DbContext, Result, ServiceError};
use crate::Services;
use domain::auth::CurrentUser;
use domain::master::{search_text, MachineInput, MachineRecord, MachineSpec, Versioned};
use domain::perm::{Action, Module};

#[derive(sqlx::FromRow)]
pub struct MachineRow {
    id: i64,
    code: String,
    name: String,
    work_centre: Option<String>,
    work_centre_name: Option<String>,
    stitches_per_minute: Option<i64>,
    heads: Option<i64>,
    archived_at: Option<i64>,
    version: i64,
}

fn small(id: i64, what: &str, v: Option<i64>) -> Result<Option<u32>> {
    v.map(|n| {
        u32::try_from(n).map_err(|_| ServiceError::Internal(format!("machine {id}: {what} {n}")))
    })
    .transpose()
}

impl Entity for MachineRecord {
    const TABLE: &'static str = "machines";
    const WHAT: &'static str = "machine";
    const SELECT: &'static str =
        "SELECT x.id, x.code, x.name, w.code AS work_centre, w.name AS work_centre_name, \
        x.stitches_per_minute, x.heads, x.archived_at, x.version FROM machines x \
        LEFT JOIN work_centres w ON w.id = x.work_centre_id";
    const ACTIVE_FLAG: bool = true;
    type Row = MachineRow;

    fn decode(r: MachineRow) -> Result<Self> {
        Ok(MachineRecord {
            stitches_per_minute: small(r.id, "stitches per minute", r.stitches_per_minute)?,
            heads: small(r.id, "heads", r.heads)?,
            id: r.id,
            code: r.code,
            name: r.name,
            work_centre: r.work_centre.unwrap_or_default(),
            work_centre_name: r.work_centre_name.unwrap_or_default(),
            archived: r.archived_at.is_some(),
            version: r.version,
        })
    }
    fn id(&self) -> i64 {
        self.id
    }
    fn code(&self) -> &str {
        &self.code
    }
    fn version(&self) -> i64 {
        self.version
    }
}

async fn work_centre_id(tx: &mut Tx, m: &MachineSpec) -> Result<Option<i64>> {
    match &m.work_centre {
        None => Ok(None),
        Some(w) => Ok(Some(
            active_id(tx, "work_centres", "work centre", "work_centre", w).await?,
        )),
    }
}

pub async fn create(
    svc: &Services,
    user: &CurrentUser,
    input: &MachineInput,
    key: Option<&str>,
    now: i64,
) -> Result<MachineRecord> {
    user.require(Module::Master, Action::Create)?;
    let m = input.parse()?;
    write(svc, user, key, "master.machines.create", input, now, "create", move |mut tx: Tx| {
        Box::pin(async move {
            let wc = work_centre_id(&mut tx, &m).await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO machines (code, name, search_text, work_centre_id, stitches_per_minute, heads, \
                 active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id",
            )
            .bind(&m.code)
            .bind(&m.name)
            .bind(search_text(&m.code, &m.name))
            .bind(wc)
            .bind(m.embroidery.as_ref().map(|e| e.stitches_per_minute as i64))
            .bind(m.embroidery.as_ref().map(|e| e.heads as i64))
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .ctx("insert machine")
            .map_err(code_taken::<MachineRecord>)?;
            Ok((tx, id))
        })
    })
    .await
}

pub async fn update(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &Versioned<MachineInput>,
    key: Option<&str>,
    now: i64,
) -> Result<MachineRecord> {
    user.require(Module::Master, Action::Update)?;
    let m = input.input.parse()?;
    let version = input.version;
    let scope = format!("master.machines.update.{id}");
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
                bump::<MachineRecord>(&mut tx, id, version, now).await?;
                let wc = work_centre_id(&mut tx, &m).await?;
                sqlx::query(
                "UPDATE machines SET code = $2, name = $3, search_text = $4, work_centre_id = $5, \
                 stitches_per_minute = $6, heads = $7 WHERE id = $1",
            )
            .bind(id)
            .bind(&m.code)
            .bind(&m.name)
            .bind(search_text(&m.code, &m.name))
            .bind(wc)
            .bind(m.embroidery.as_ref().map(|e| e.stitches_per_minute as i64))
            .bind(m.embroidery.as_ref().map(|e| e.heads as i64))
            .execute(&mut *tx)
            .await
            .ctx("update machine")
            .map_err(code_taken::<MachineRecord>)?;
                Ok((tx, id))
            })
        },
    )
    .await
}
