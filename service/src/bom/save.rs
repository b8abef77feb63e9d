//! Saving BOMs. Every save checks the whole form against master data in
//! its transaction and is refused, with every issue, if anything is wrong
//! (nothing is written). An edit of a version an order has used (frozen)
//! writes a new version that becomes current; an edit of an unfrozen
//! version changes it in place, guarded by its revision. `bom_components`
//! follows the body in the same transaction, then the audit entry and the
//! event (topic warehouse).

use super::check::{check, Checked};
use super::read::{self, view};
use super::rows::BomRow;
use crate::audit::audit;
use crate::db::Tx;
use crate::error::{DbContext, Result, ServiceError};
use crate::events::{self, NewEvent};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::bom::{BomEdit, BomInput, BomIssue, BomSaved, BomValidation, BomView};
use domain::events::EventKind;
use domain::master::Code;
use domain::perm::{Action, Module};
use domain::AppError;
use std::sync::Mutex;

const CREATE_SCOPE: &str = "warehouse.bom.create";
const UPDATE_SCOPE: &str = "warehouse.bom.update";

/// Checks a form without saving it.
pub async fn validate_form(
    svc: &Services,
    user: &CurrentUser,
    form: &BomInput,
) -> Result<BomValidation> {
    user.require(Module::Warehouse, Action::View)?;
    let mut form = form.clone();
    form.version = form.version.max(1);
    let mut conn = svc.db.read.acquire().await.ctx("acquire connection")?;
    let issues = check(&mut conn, &form).await?.issues;
    Ok(BomValidation {
        valid: issues.is_empty(),
        issues,
    })
}

/// What a save did in its transaction: the stored version, or every issue
/// (nothing written then; the transaction is still usable).
pub(crate) type Outcome = std::result::Result<BomView, Vec<BomIssue>>;

/// Any number that names the BOM structure lock (the ASCII of "BOMS").
const STRUCTURE_LOCK: i64 = 0x424F_4D53;

/// The checked form, or every issue.
///
/// Two saves checked at once could each pass the cycle check against a
/// snapshot without the other (A gains B while B gains A) and together
/// form a loop. SQLite runs one write transaction at a time; on PostgreSQL
/// BOM saves take a transaction-scoped advisory lock first, so each checks
/// against the other's committed change.
async fn checked(
    tx: &mut Tx,
    form: &BomInput,
) -> Result<std::result::Result<Checked, Vec<BomIssue>>> {
    if tx.backend_name().eq_ignore_ascii_case("postgresql") {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(STRUCTURE_LOCK)
            .execute(&mut **tx)
            .await
            .ctx("lock BOM structure")?;
    }
    let c = check(tx, form).await?;
    if !c.issues.is_empty() {
        return Ok(Err(c.issues));
    }
    Ok(Ok(c))
}

/// An outcome as a save's answer: a refusal keeps its issues in `refused`
/// and fails, which rolls the transaction back.
fn answer(tx: Tx, out: Outcome, refused: &Mutex<Vec<BomIssue>>) -> Result<(Tx, BomSaved)> {
    match out {
        Ok(v) => Ok((tx, BomSaved::Saved { bom: Box::new(v) })),
        Err(issues) => {
            let first = issues.first();
            let e = match first {
                Some(i) => AppError::field(&i.field, i.message.clone()),
                None => AppError::field("body", "the BOM cannot be saved"),
            };
            *refused.lock().unwrap_or_else(|p| p.into_inner()) = issues;
            Err(e.into())
        }
    }
}

/// Writes the component index of BOM row `bom_id`.
async fn sync_components(tx: &mut Tx, bom_id: i64, c: &Checked) -> Result<()> {
    sqlx::query("DELETE FROM bom_components WHERE bom_id = $1")
        .bind(bom_id)
        .execute(&mut **tx)
        .await
        .ctx("clear BOM components")?;
    let ids: Vec<i64> = c
        .bom
        .component_codes()
        .into_iter()
        .filter_map(|code| c.loaded.item_id(code))
        .collect();
    for chunk in ids.chunks(1_000) {
        let values = chunk
            .iter()
            .map(|id| format!("({bom_id}, {id})"))
            .collect::<Vec<_>>()
            .join(", ");
        sqlx::query(&format!(
            "INSERT INTO bom_components (bom_id, component_item_id) VALUES {values}"
        ))
        .execute(&mut **tx)
        .await
        .ctx("write BOM components")?;
    }
    Ok(())
}

fn body(c: &Checked) -> Result<String> {
    serde_json::to_string(&c.bom).map_err(|e| ServiceError::Internal(format!("BOM body: {e}")))
}

/// After a fresh commit, wake the live stream; a refusal becomes its answer.
fn finish(
    svc: &Services,
    res: Result<(BomSaved, bool)>,
    refused: Mutex<Vec<BomIssue>>,
) -> Result<BomSaved> {
    let issues = refused.into_inner().unwrap_or_else(|p| p.into_inner());
    match res {
        Ok((saved, fresh)) => {
            if fresh {
                svc.events.wake();
            }
            Ok(saved)
        }
        Err(_) if !issues.is_empty() => Ok(BomSaved::Refused { issues }),
        Err(e) => Err(e),
    }
}

/// The first BOM of an item (version 1).
pub async fn create(
    svc: &Services,
    user: &CurrentUser,
    form: &BomInput,
    idem_key: Option<&str>,
    now: i64,
) -> Result<BomSaved> {
    user.require(Module::Warehouse, Action::Create)?;
    let mut form = form.clone();
    form.version = 1;
    let refused = Mutex::new(Vec::new());
    let res = idempotency::run_once(&svc.db, user.id, idem_key, CREATE_SCOPE, &form, now, {
        let (form, refused) = (&form, &refused);
        move |mut tx: Tx| {
            Box::pin(async move {
                let out = create_in(&mut tx, user, form, now).await?;
                answer(tx, out, refused)
            })
        }
    })
    .await;
    finish(svc, res, refused)
}

/// [`create`] inside the caller's transaction (permission checked by the
/// caller): the check, the row, its component index, audit entry and event.
pub(crate) async fn create_in(
    tx: &mut Tx,
    user: &CurrentUser,
    form: &BomInput,
    now: i64,
) -> Result<Outcome> {
    let mut form = form.clone();
    form.version = 1;
    let c = match checked(tx, &form).await? {
        Ok(c) => c,
        Err(issues) => return Ok(Err(issues)),
    };
    let item_id = c
        .loaded
        .item_id(&c.bom.item)
        .ok_or_else(|| AppError::field("item", "no such item"))?;
    let existing: Option<(i64, i64)> =
        sqlx::query_as("SELECT id, version FROM boms WHERE item_id = $1 AND is_current = 1")
            .bind(item_id)
            .fetch_optional(&mut **tx)
            .await
            .ctx("find current BOM")?;
    if let Some((id, v)) = existing {
        return Err(AppError::conflict(format!(
            "{} already has a BOM (version {v}, id {id}); edit that one",
            c.bom.item
        ))
        .into());
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO boms (item_id, version, is_current, frozen_at, body, created_by, \
         created_at, updated_at, revision) VALUES ($1, 1, 1, NULL, $2, $3, $4, $4, 1) RETURNING id",
    )
    .bind(item_id)
    .bind(body(&c)?)
    .bind(user.id)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .ctx("insert BOM")?;
    sync_components(tx, id, &c).await?;
    let detail = format!("{} v1", c.bom.item);
    audit(
        tx,
        Some(user.id),
        "create",
        "bom",
        &id.to_string(),
        &detail,
        now,
    )
    .await?;
    events::record(
        tx,
        &NewEvent::new(Module::Warehouse, id, 1, EventKind::Created, now),
    )
    .await?;
    let row = read::row(tx, id).await?;
    Ok(Ok(view(&row, &c.bom, &c.loaded)?))
}

/// Saves an edit of version row `id`, read at `edit.revision`.
pub async fn update(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    edit: &BomEdit,
    idem_key: Option<&str>,
    now: i64,
) -> Result<BomSaved> {
    user.require(Module::Warehouse, Action::Update)?;
    let refused = Mutex::new(Vec::new());
    let request = (id, edit);
    let res = idempotency::run_once(&svc.db, user.id, idem_key, UPDATE_SCOPE, &request, now, {
        let refused = &refused;
        move |mut tx: Tx| {
            Box::pin(async move {
                let out = update_in(&mut tx, user, id, edit, now).await?;
                answer(tx, out, refused)
            })
        }
    })
    .await;
    finish(svc, res, refused)
}

/// [`update`] inside the caller's transaction (permission checked by the
/// caller): a frozen version gets a new current version, an unfrozen one
/// is changed in place; then the component index, audit entry and event.
pub(crate) async fn update_in(
    tx: &mut Tx,
    user: &CurrentUser,
    id: i64,
    edit: &BomEdit,
    now: i64,
) -> Result<Outcome> {
    let row: BomRow = read::row(tx, id).await?;
    if !row.is_current.0 {
        return Err(AppError::conflict(format!(
            "version {} of {} is not the current one; open the current version to edit",
            row.version, row.item_code
        ))
        .into());
    }
    if row.revision != edit.revision {
        return Err(AppError::conflict(format!(
            "this BOM was changed by someone else (it is at revision {})",
            row.revision
        ))
        .into());
    }
    let item = Code::parse("item", &edit.bom.item)?.into_string();
    if item != row.item_code {
        return Err(AppError::field(
            "item",
            format!(
                "this is the BOM of {}; its item cannot change",
                row.item_code
            ),
        )
        .into());
    }
    let frozen = row.frozen_at.is_some();
    let mut form = edit.bom.clone();
    form.version = if frozen {
        let max: i64 = sqlx::query_scalar("SELECT MAX(version) FROM boms WHERE item_id = $1")
            .bind(row.item_id)
            .fetch_one(&mut **tx)
            .await
            .ctx("latest BOM version")?;
        u32::try_from(max + 1).map_err(|_| ServiceError::Internal("BOM version overflow".into()))?
    } else {
        row.version()
    };
    let c = match checked(tx, &form).await? {
        Ok(c) => c,
        Err(issues) => return Ok(Err(issues)),
    };
    let (saved_id, revision, kind, action) = if frozen {
        let n = sqlx::query(
            "UPDATE boms SET is_current = 0, updated_at = $1 \
             WHERE id = $2 AND is_current = 1 AND revision = $3",
        )
        .bind(now)
        .bind(id)
        .bind(row.revision)
        .execute(&mut **tx)
        .await
        .ctx("retire BOM version")?
        .rows_affected();
        if n != 1 {
            return Err(AppError::conflict("this BOM was changed by someone else").into());
        }
        let new_id: i64 = sqlx::query_scalar(
            "INSERT INTO boms (item_id, version, is_current, frozen_at, body, created_by, \
             created_at, updated_at, revision) VALUES ($1, $2, 1, NULL, $3, $4, $5, $5, 1) RETURNING id",
        )
        .bind(row.item_id)
        .bind(i64::from(c.bom.version))
        .bind(body(&c)?)
        .bind(user.id)
        .bind(now)
        .fetch_one(&mut **tx)
        .await
        .ctx("insert BOM version")?;
        (new_id, 1, EventKind::Created, "new_version")
    } else {
        let n = sqlx::query(
            "UPDATE boms SET body = $1, updated_at = $2, revision = revision + 1 \
             WHERE id = $3 AND revision = $4 AND frozen_at IS NULL",
        )
        .bind(body(&c)?)
        .bind(now)
        .bind(id)
        .bind(row.revision)
        .execute(&mut **tx)
        .await
        .ctx("update BOM")?
        .rows_affected();
        if n != 1 {
            return Err(AppError::conflict("this BOM was changed by someone else").into());
        }
        (id, row.revision + 1, EventKind::Updated, "update")
    };
    sync_components(tx, saved_id, &c).await?;
    let detail = format!("{} v{}", c.bom.item, c.bom.version);
    audit(
        tx,
        Some(user.id),
        action,
        "bom",
        &saved_id.to_string(),
        &detail,
        now,
    )
    .await?;
    events::record(
        tx,
        &NewEvent::new(Module::Warehouse, saved_id, revision, kind, now),
    )
    .await?;
    let saved = read::row(tx, saved_id).await?;
    Ok(Ok(view(&saved, &c.bom, &c.loaded)?))
}
