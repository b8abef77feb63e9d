//! The shape every master-data entity shares: list with search and paging,
//! get, the write wrapper (idempotency + audit + event around one
//! transaction), the version guard of edits, archive and restore with the
//! references that forbid archiving, and the unique-code error.

use super::search::{self, Bind};
use crate::audit::audit;
use crate::db::{Db, Row, Tx};
use crate::error::{is_unique_violation, DbContext, Result, ServiceError};
use crate::events::{self, NewEvent};
use crate::{idempotency, Services};
use domain::auth::CurrentUser;
use domain::events::EventKind;
use domain::master::{ListParams, Page};
use domain::perm::{Action, Module};
use domain::AppError;
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::AnyConnection;

/// Something that refers to a record and forbids archiving it: a query
/// (`$1` = the record's id) giving the referring records' codes, and what
/// they are ("active items").
pub struct Ref {
    pub sql: &'static str,
    pub what: &'static str,
}

/// A master-data record type and the table it lives in.
pub trait Entity: Serialize + DeserializeOwned + Send + Sync + Unpin + 'static {
    /// The table; it has `id`, `code`, `search_text`, `archived_at`,
    /// `version` and `updated_at`.
    const TABLE: &'static str;
    /// What one is called in messages and the audit log ("item").
    const WHAT: &'static str;
    /// `SELECT … FROM <TABLE> x …` (the table aliased `x`), without WHERE.
    const SELECT: &'static str;
    /// What forbids archiving a record while it refers to it.
    const REFS: &'static [Ref] = &[];
    /// Machines keep their `active` flag in step with `archived_at`.
    const ACTIVE_FLAG: bool = false;
    type Row: for<'r> sqlx::FromRow<'r, Row> + Send + Unpin;

    fn decode(row: Self::Row) -> Result<Self>;
    fn id(&self) -> i64;
    fn code(&self) -> &str;
    fn version(&self) -> i64;

    /// Reads what lives in other tables (a work centre's holidays).
    fn complete(self, _c: &mut AnyConnection) -> BoxFuture<'_, Result<Self>> {
        Box::pin(async move { Ok(self) })
    }
}

/// A page of records by code; `q` matches a code prefix or the start of a
/// word of the name (or of several words: the text from the start of a
/// word). With a `q`, the count and the page's ids come from the search
/// index alone ([`super::search`]), then the page's records are read.
pub async fn list<E: Entity>(db: &Db, user: &CurrentUser, p: &ListParams) -> Result<Page<E>> {
    user.require(Module::Master, Action::View)?;
    let (limit, offset) = p.window()?;
    let needle = p.needle()?;
    let (count, page, binds) = if needle.is_empty() {
        let filter = if p.include_archived {
            ""
        } else {
            "WHERE x.archived_at IS NULL"
        };
        (
            format!("SELECT COUNT(*) FROM {} x {filter}", E::TABLE),
            format!("{} {filter} ORDER BY x.code LIMIT $1 OFFSET $2", E::SELECT),
            Vec::new(),
        )
    } else {
        // One tail per record found, so no DISTINCT.
        let (tails, binds) = search::condition(E::TABLE, &needle, p.include_archived, 1);
        let n = binds.len();
        (
            format!("SELECT COUNT(*) FROM search_tails t WHERE {tails}"),
            format!(
                "{} WHERE x.id IN (SELECT p.record_id FROM (SELECT t.record_id FROM search_tails t \
                 WHERE {tails} ORDER BY t.code LIMIT ${} OFFSET ${}) p) ORDER BY x.code",
                E::SELECT,
                n + 1,
                n + 2
            ),
            binds,
        )
    };
    let mut c = db.read.acquire().await.ctx("connect")?;
    let mut q = sqlx::query_scalar(&count);
    for b in &binds {
        q = match b {
            Bind::Text(s) => q.bind(s.as_str()),
            Bind::Int(i) => q.bind(*i),
        };
    }
    let total: i64 = q.fetch_one(&mut *c).await.ctx("count records")?;
    let mut q = sqlx::query_as(&page);
    for b in &binds {
        q = match b {
            Bind::Text(s) => q.bind(s.as_str()),
            Bind::Int(i) => q.bind(*i),
        };
    }
    let rows: Vec<E::Row> = q
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *c)
        .await
        .ctx("list records")?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(E::decode(r)?.complete(&mut c).await?);
    }
    Ok(Page {
        rows: out,
        total,
        limit,
        offset,
    })
}

/// One record by id, in any connection or transaction.
pub(super) async fn fetch<E: Entity>(c: &mut AnyConnection, id: i64) -> Result<E> {
    let row: Option<E::Row> = sqlx::query_as(&format!("{} WHERE x.id = $1", E::SELECT))
        .bind(id)
        .fetch_optional(&mut *c)
        .await
        .ctx("read record")?;
    let row = row.ok_or_else(|| AppError::not_found(E::WHAT))?;
    E::decode(row)?.complete(c).await
}

/// One record by id.
pub async fn get<E: Entity>(db: &Db, user: &CurrentUser, id: i64) -> Result<E> {
    user.require(Module::Master, Action::View)?;
    let mut c = db.read.acquire().await.ctx("connect")?;
    fetch(&mut c, id).await
}

/// Runs `change` (which returns the record's id) once per key in one
/// transaction, brings the record's search index in line with it, reads it
/// back, and writes the audit entry and the event (last) in the same
/// transaction.
#[allow(clippy::too_many_arguments)]
pub(super) async fn write<'a, E: Entity, R: Serialize>(
    svc: &Services,
    user: &CurrentUser,
    key: Option<&str>,
    scope: &str,
    request: &R,
    now: i64,
    action: &'static str,
    change: impl FnOnce(Tx) -> BoxFuture<'a, Result<(Tx, i64)>> + Send + 'a,
) -> Result<E> {
    let user_id = user.id;
    let (out, fresh) =
        idempotency::run_once(&svc.db, user_id, key, scope, request, now, move |tx| {
            Box::pin(async move {
                let (mut tx, id) = change(tx).await?;
                search::reindex(&mut tx, E::TABLE, id).await?;
                let e: E = fetch(&mut tx, id).await?;
                audit(
                    &mut tx,
                    Some(user_id),
                    action,
                    E::WHAT,
                    &id.to_string(),
                    e.code(),
                    now,
                )
                .await?;
                let kind = if action == "create" {
                    EventKind::Created
                } else {
                    EventKind::Updated
                };
                events::record(
                    &mut tx,
                    &NewEvent::new(Module::Master, id, e.version(), kind, now)
                        .with_payload(serde_json::json!({ "entity": E::WHAT, "action": action })),
                )
                .await?;
                Ok((tx, e))
            })
        })
        .await?;
    if fresh {
        svc.events.wake();
    }
    Ok(out)
}

/// The optimistic-concurrency guard of an edit: bumps the version when it is
/// still `version`; 404 when the record is gone, 409 naming the current
/// version otherwise.
pub(crate) async fn bump<E: Entity>(tx: &mut Tx, id: i64, version: i64, now: i64) -> Result<()> {
    let n = sqlx::query(&format!(
        "UPDATE {} SET version = version + 1, updated_at = $3 WHERE id = $1 AND version = $2",
        E::TABLE
    ))
    .bind(id)
    .bind(version)
    .bind(now)
    .execute(&mut **tx)
    .await
    .ctx("bump version")?
    .rows_affected();
    if n == 1 {
        return Ok(());
    }
    let current: Option<i64> =
        sqlx::query_scalar(&format!("SELECT version FROM {} WHERE id = $1", E::TABLE))
            .bind(id)
            .fetch_optional(&mut **tx)
            .await
            .ctx("read version")?;
    Err(match current {
        None => AppError::not_found(E::WHAT),
        Some(v) => AppError::conflict(format!(
            "this {} was changed by someone else since you opened it (it is now at version {v}, \
             you edited version {version}); reload it and make your change again",
            E::WHAT
        )),
    }
    .into())
}

/// A unique-index violation on insert or edit becomes a field error on `code`.
pub(super) fn code_taken<E: Entity>(e: ServiceError) -> ServiceError {
    if is_unique_violation(&e) {
        let a = if E::WHAT.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        AppError::field("code", format!("{a} {} with this code exists", E::WHAT)).into()
    } else {
        e
    }
}

/// The id of the active record of `table` with `code`; a field error on
/// `field` when there is none or it is archived.
pub(crate) async fn active_id(
    tx: &mut Tx,
    table: &'static str,
    what: &str,
    field: &str,
    code: &str,
) -> Result<i64> {
    let row: Option<(i64, Option<i64>)> = sqlx::query_as(&format!(
        "SELECT id, archived_at FROM {table} WHERE code = $1"
    ))
    .bind(code)
    .fetch_optional(&mut **tx)
    .await
    .ctx("find by code")?;
    match row {
        None => Err(AppError::field(field, format!("there is no {what} {code}")).into()),
        Some((_, Some(_))) => {
            Err(AppError::field(field, format!("{what} {code} is archived")).into())
        }
        Some((id, None)) => Ok(id),
    }
}

/// Archives a record, unless something active refers to it (409 naming it).
pub async fn archive<E: Entity>(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    key: Option<&str>,
    now: i64,
) -> Result<E> {
    set_archived::<E>(svc, user, id, true, key, now).await
}

/// Brings an archived record back.
pub async fn restore<E: Entity>(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    key: Option<&str>,
    now: i64,
) -> Result<E> {
    set_archived::<E>(svc, user, id, false, key, now).await
}

async fn set_archived<E: Entity>(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    archived: bool,
    key: Option<&str>,
    now: i64,
) -> Result<E> {
    user.require(Module::Master, Action::Update)?;
    let (verb, set) = if archived {
        ("archive", "archived_at = COALESCE(archived_at, $2)")
    } else {
        ("restore", "archived_at = NULL")
    };
    let active = match (E::ACTIVE_FLAG, archived) {
        (false, _) => "",
        (true, true) => ", active = 0",
        (true, false) => ", active = 1",
    };
    let sql = format!(
        "UPDATE {} SET {set}{active}, version = version + 1, updated_at = $2 WHERE id = $1",
        E::TABLE
    );
    let scope = format!("master.{}.{verb}", E::TABLE);
    write::<E, _>(svc, user, key, &scope, &id, now, verb, move |mut tx| {
        Box::pin(async move {
            if archived {
                refuse_if_referenced::<E>(&mut tx, id).await?;
            }
            let n = sqlx::query(&sql)
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await
                .ctx("archive or restore")?
                .rows_affected();
            if n == 0 {
                return Err(AppError::not_found(E::WHAT).into());
            }
            Ok((tx, id))
        })
    })
    .await
}

async fn refuse_if_referenced<E: Entity>(tx: &mut Tx, id: i64) -> Result<()> {
    for r in E::REFS {
        let codes: Vec<String> = sqlx::query_scalar(r.sql)
            .bind(id)
            .fetch_all(&mut **tx)
            .await
            .ctx("find references")?;
        if !codes.is_empty() {
            return Err(AppError::conflict(format!(
                "this {} is used by {} {}; archive or change those first",
                E::WHAT,
                r.what,
                codes.join(", ")
            ))
            .into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(crate::rows::like_escape("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
