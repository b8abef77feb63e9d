//! Units of measure and the conversions between them.

use super::common::{active_id, bump, code_taken, write, Entity, Ref};
use crate::db::{Db, Tx};
use crate::error::{DbContext, Result};
use crate::Services;
use domain::auth::CurrentUser;
use domain::master::{
    search_text, ConversionInput, ConversionRecord, Qty, UnitInput, UnitRecord, Versioned,
};
use domain::perm::{Action, Module};
use domain::AppError;

#[derive(sqlx::FromRow)]
pub struct UnitRow {
    id: i64,
    code: String,
    name: String,
    archived_at: Option<i64>,
    version: i64,
}

impl Entity for UnitRecord {
    const TABLE: &'static str = "units";
    const WHAT: &'static str = "unit";
    const SELECT: &'static str =
        "SELECT x.id, x.code, x.name, x.archived_at, x.version FROM units x";
    const REFS: &'static [Ref] = &[Ref {
        sql: "SELECT code FROM items WHERE unit_id = $1 AND archived_at IS NULL ORDER BY code LIMIT 5",
        what: "active items",
    }];
    type Row = UnitRow;

    fn decode(r: UnitRow) -> Result<Self> {
        Ok(UnitRecord {
            id: r.id,
            code: r.code,
            name: r.name,
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

pub async fn create(
    svc: &Services,
    user: &CurrentUser,
    input: &UnitInput,
    key: Option<&str>,
    now: i64,
) -> Result<UnitRecord> {
    user.require(Module::Master, Action::Create)?;
    let u = input.parse()?;
    write(
        svc,
        user,
        key,
        "master.units.create",
        input,
        now,
        "create",
        move |mut tx: Tx| {
            Box::pin(async move {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO units (code, name, search_text, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $4) RETURNING id",
                )
                .bind(&u.code)
                .bind(&u.name)
                .bind(search_text(&u.code, &u.name))
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .ctx("insert unit")
                .map_err(code_taken::<UnitRecord>)?;
                Ok((tx, id))
            })
        },
    )
    .await
}

pub async fn update(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    input: &Versioned<UnitInput>,
    key: Option<&str>,
    now: i64,
) -> Result<UnitRecord> {
    user.require(Module::Master, Action::Update)?;
    let u = input.input.parse()?;
    let version = input.version;
    let scope = format!("master.units.update.{id}");
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
                bump::<UnitRecord>(&mut tx, id, version, now).await?;
                sqlx::query(
                    "UPDATE units SET code = $2, name = $3, search_text = $4 WHERE id = $1",
                )
                .bind(id)
                .bind(&u.code)
                .bind(&u.name)
                .bind(search_text(&u.code, &u.name))
                .execute(&mut *tx)
                .await
                .ctx("update unit")
                .map_err(code_taken::<UnitRecord>)?;
                Ok((tx, id))
            })
        },
    )
    .await
}

#[derive(sqlx::FromRow)]
struct ConversionRow {
    id: i64,
    from_code: String,
    to_code: String,
    factor_millionths: i64,
}

impl From<ConversionRow> for ConversionRecord {
    fn from(r: ConversionRow) -> Self {
        ConversionRecord {
            id: r.id,
            from: r.from_code,
            to: r.to_code,
            factor: Qty::from_millionths(r.factor_millionths),
        }
    }
}

const SELECT_CONVERSION: &str = "SELECT c.id, f.code AS from_code, t.code AS to_code, c.factor_millionths \
     FROM unit_conversions c JOIN units f ON f.id = c.from_unit_id JOIN units t ON t.id = c.to_unit_id";

/// Every conversion, by unit codes.
pub async fn conversions(db: &Db, user: &CurrentUser) -> Result<Vec<ConversionRecord>> {
    user.require(Module::Master, Action::View)?;
    let rows: Vec<ConversionRow> =
        sqlx::query_as(&format!("{SELECT_CONVERSION} ORDER BY f.code, t.code"))
            .fetch_all(&db.read)
            .await
            .ctx("list conversions")?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Sets the conversion between two units (adds it, or changes its factor).
/// The reverse direction is derived, so it may not be stored as well.
pub async fn set_conversion(
    svc: &Services,
    user: &CurrentUser,
    input: &ConversionInput,
    key: Option<&str>,
    now: i64,
) -> Result<ConversionRecord> {
    user.require(Module::Master, Action::Update)?;
    let c = input.parse()?;
    let (record, fresh) = crate::idempotency::run_once(
        &svc.db,
        user.id,
        key,
        "master.units.conversion",
        input,
        now,
        move |mut tx: Tx| {
            Box::pin(async move {
                let from = active_id(&mut tx, "units", "unit", "from", &c.from).await?;
                let to = active_id(&mut tx, "units", "unit", "to", &c.to).await?;
                let reverse: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM unit_conversions WHERE from_unit_id = $1 AND to_unit_id = $2",
                )
                .bind(to)
                .bind(from)
                .fetch_optional(&mut *tx)
                .await
                .ctx("find reverse conversion")?;
                if reverse.is_some() {
                    return Err(AppError::field(
                        "to",
                        format!("a conversion from {} to {} exists; change that one", c.to, c.from),
                    )
                    .into());
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO unit_conversions (from_unit_id, to_unit_id, factor_millionths, created_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (from_unit_id, to_unit_id) \
                     DO UPDATE SET factor_millionths = excluded.factor_millionths RETURNING id",
                )
                .bind(from)
                .bind(to)
                .bind(c.factor.millionths())
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .ctx("set conversion")?;
                crate::audit::audit(
                    &mut tx,
                    Some(user.id),
                    "set",
                    "unit conversion",
                    &id.to_string(),
                    &format!("1 {} = {} {}", c.from, c.factor, c.to),
                    now,
                )
                .await?;
                crate::events::record(
                    &mut tx,
                    &crate::events::NewEvent::new(
                        Module::Master,
                        id,
                        1,
                        domain::events::EventKind::Updated,
                        now,
                    )
                    .with_payload(serde_json::json!({ "entity": "unit conversion" })),
                )
                .await?;
                let record: ConversionRow =
                    sqlx::query_as(&format!("{SELECT_CONVERSION} WHERE c.id = $1"))
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await
                        .ctx("read conversion")?;
                Ok((tx, ConversionRecord::from(record)))
            })
        },
    )
    .await?;
    if fresh {
        svc.events.wake();
    }
    Ok(record)
}
