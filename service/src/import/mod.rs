//! CSV import of items and BOMs (module import/export; its first use). A dry
//! run checks everything a commit would — every value, and against the
//! database: units, designs, components, cycles — and writes nothing. A
//! commit is all or nothing: with any problem nothing is written and every
//! problem is answered; otherwise one transaction writes every row, each
//! with the audit entry and event its own API writes, a summary audit entry
//! and the idempotency record (a retry with the same key is applied once).
//!
//! Permissions are those of what is written: items need CREATE and UPDATE
//! on master, BOMs CREATE and UPDATE on warehouse (an import may do both).
//! The file formats are in [`mod@items`] and [`mod@boms`]; reading CSV in [`table`].

mod boms;
mod items;
mod table;

use crate::audit::audit;
use crate::db::Tx;
use crate::error::{DbContext, Result};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::import::{ImportReport, RowError};
use domain::perm::{Action, Module};
use domain::AppError;
use std::sync::Mutex;

fn report(
    dry_run: bool,
    rows: u32,
    (created, updated): (u32, u32),
    mut errors: Vec<RowError>,
) -> ImportReport {
    errors.sort_by_key(|e| e.row);
    ImportReport {
        dry_run,
        rows,
        created,
        updated,
        errors,
    }
}

/// What an import writes: items or BOMs, as read from the file.
enum Work {
    Items(Vec<items::ItemRow>),
    Boms(Vec<boms::Group>),
}

impl Work {
    fn what(&self) -> &'static str {
        match self {
            Work::Items(_) => "items",
            Work::Boms(_) => "boms",
        }
    }

    /// Its checks against the database as `tx` sees it (adding to
    /// `errors`), then, when `write` and nothing is wrong, its writes; how
    /// many it creates and updates. BOMs are saved as they are checked (so
    /// later ones are checked against them): a dry run or a refusal rolls
    /// them back.
    async fn run(
        &self,
        tx: &mut Tx,
        user: &CurrentUser,
        errors: &mut Vec<RowError>,
        write: bool,
        now: i64,
    ) -> Result<(u32, u32)> {
        match self {
            Work::Items(rows) => {
                let plan = items::check(tx, rows, errors).await?;
                if write && errors.is_empty() {
                    items::write(tx, user, &plan, now).await?;
                }
                Ok(items::counts(&plan))
            }
            Work::Boms(groups) => boms::save(tx, user, groups, errors, now).await,
        }
    }
}

/// Runs `work` as a dry run (in a transaction rolled back) or as a commit
/// (once per key; refused, with nothing written, when anything is wrong).
#[allow(clippy::too_many_arguments)]
async fn run(
    svc: &Services,
    user: &CurrentUser,
    text: &str,
    rows: u32,
    mut errors: Vec<RowError>,
    work: Work,
    dry_run: bool,
    key: Option<&str>,
    now: i64,
) -> Result<ImportReport> {
    let what = work.what();
    if dry_run {
        // Items are only read to be checked; BOMs are saved to be checked.
        let mut tx = match work {
            Work::Items(_) => svc.db.read.begin().await.ctx("begin dry run")?,
            Work::Boms(_) => svc.db.begin().await?,
        };
        let counts = work.run(&mut tx, user, &mut errors, false, now).await?;
        tx.rollback().await.ctx("roll back dry run")?;
        return Ok(report(true, rows, counts, errors));
    }
    let refused = Mutex::new(Vec::new());
    let scope = format!("import.{what}");
    let res = idempotency::run_once(&svc.db, user.id, key, &scope, &text, now, {
        let (refused, work) = (&refused, &work);
        move |mut tx: Tx| {
            Box::pin(async move {
                let counts = work.run(&mut tx, user, &mut errors, true, now).await?;
                if !errors.is_empty() {
                    *refused.lock().unwrap_or_else(|p| p.into_inner()) = errors;
                    return Err(AppError::field("body", "the file has problems").into());
                }
                let detail = format!("{rows} rows: {} created, {} updated", counts.0, counts.1);
                audit(&mut tx, Some(user.id), "import", what, "csv", &detail, now).await?;
                Ok((tx, report(false, rows, counts, vec![])))
            })
        }
    })
    .await;
    let refused = refused.into_inner().unwrap_or_else(|p| p.into_inner());
    match res {
        Ok((r, fresh)) => {
            if fresh {
                svc.events.wake();
            }
            Ok(r)
        }
        Err(_) if !refused.is_empty() => Ok(report(false, rows, (0, 0), refused)),
        Err(e) => Err(e),
    }
}

/// Imports items (an upsert by code); see [`mod@items`] for the columns.
pub async fn items(
    svc: &Services,
    user: &CurrentUser,
    text: &str,
    dry_run: bool,
    key: Option<&str>,
    now: i64,
) -> Result<ImportReport> {
    user.require(Module::Master, Action::Create)?;
    user.require(Module::Master, Action::Update)?;
    let t = table::read(text, items::COLUMNS)?;
    let mut errors = t.errors;
    let rows = items::map(&t.records, &mut errors);
    let work = Work::Items(rows);
    run(svc, user, text, t.rows, errors, work, dry_run, key, now).await
}

/// Imports BOMs, one per parent; see [`mod@boms`] for the columns.
pub async fn boms(
    svc: &Services,
    user: &CurrentUser,
    text: &str,
    dry_run: bool,
    key: Option<&str>,
    now: i64,
) -> Result<ImportReport> {
    user.require(Module::Warehouse, Action::Create)?;
    user.require(Module::Warehouse, Action::Update)?;
    let t = table::read(text, boms::COLUMNS)?;
    let mut errors = t.errors;
    let groups = boms::map(&t.records, &mut errors);
    let work = Work::Boms(groups);
    run(svc, user, text, t.rows, errors, work, dry_run, key, now).await
}
