//! Reading BOMs: the list and search, one version with what the editor
//! needs, the version history, the variant grid, where-used, explosion and
//! cost roll-up. Each checks VIEW on warehouse first.

use super::cache::stored;
use super::catalog::{items_by_codes, Loaded};
use super::rows::{decode_body, BomRow, BOM_COLUMNS};
use crate::db::Db;
use crate::error::{DbContext, Result};
use crate::master::search::{self, Bind};
use crate::Services;
use domain::auth::CurrentUser;
use domain::bom::{
    cost_rollup, explode, resolve, where_used_edges, Bom, BomInput, BomPage, BomSearch, BomVersion,
    BomView, ComponentRef, CostRollup, Explosion, VariantGrid, VariantLine, VariantLines,
};
use domain::master::{Attribute, Code, Qty, Variant};
use domain::perm::{Action, Module};
use domain::AppError;

pub const MAX_LIMIT: i64 = 200;
/// The most combinations a variant grid lists.
pub const MAX_VARIANTS: usize = 1_000;

/// The summary columns (the body is not needed for a list).
const SUMMARY_COLUMNS: &str = "b.id, b.item_id, i.code AS item_code, i.name AS item_name, \
    b.version, b.is_current, b.frozen_at, '' AS body, b.revision, b.created_at, b.updated_at";

/// A stored version by row id.
pub(super) async fn row(conn: &mut sqlx::AnyConnection, id: i64) -> Result<BomRow> {
    sqlx::query_as::<_, BomRow>(&format!(
        "SELECT {BOM_COLUMNS} FROM boms b JOIN items i ON i.id = b.item_id WHERE b.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
    .ctx("read BOM")?
    .ok_or_else(|| AppError::not_found(format!("BOM {id}")).into())
}

/// The current version of an item's BOM, by the item's code: its row id,
/// revision and form (for an import that replaces its lines).
pub(crate) async fn current_form(
    conn: &mut sqlx::AnyConnection,
    item: &str,
) -> Result<Option<(i64, i64, BomInput)>> {
    let row: Option<BomRow> = sqlx::query_as(&format!(
        "SELECT {BOM_COLUMNS} FROM boms b JOIN items i ON i.id = b.item_id \
         WHERE i.code = $1 AND b.is_current = 1"
    ))
    .bind(item)
    .fetch_optional(conn)
    .await
    .ctx("find current BOM")?;
    match row {
        None => Ok(None),
        Some(r) => Ok(Some((r.id, r.revision, BomInput::from(&r.bom()?)))),
    }
}

/// The current BOMs whose item, or one of whose components, matches `q`
/// as master-data search does (a code prefix, or the start of a word of
/// the name; through the search index, archived items too), by item code.
pub async fn list(
    svc: &Services,
    user: &CurrentUser,
    q: Option<&str>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<BomPage> {
    user.require(Module::Warehouse, Action::View)?;
    let limit = limit.unwrap_or(50);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::field("limit", format!("must be 1 to {MAX_LIMIT}")).into());
    }
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(AppError::field("offset", "must not be negative").into());
    }
    let q = q.map(str::trim).filter(|s| !s.is_empty());
    if q.is_some_and(|q| q.chars().count() > 100) {
        return Err(AppError::field("q", "at most 100 characters").into());
    }
    if q.is_some_and(|q| q.chars().any(char::is_control)) {
        return Err(AppError::field("q", "remove control characters").into());
    }
    let (filter, binds) = match q {
        None => (String::new(), Vec::new()),
        Some(q) => {
            // The same parameters twice: both backends number them alike.
            let (tails, binds) = search::condition("items", &q.to_lowercase(), true, 1);
            let found = format!("SELECT t.record_id FROM search_tails t WHERE {tails}");
            (
                format!(
                    " AND (b.item_id IN ({found}) OR EXISTS (SELECT 1 FROM bom_components bc \
                     WHERE bc.bom_id = b.id AND bc.component_item_id IN ({found})))"
                ),
                binds,
            )
        }
    };
    let from =
        format!("FROM boms b JOIN items i ON i.id = b.item_id WHERE b.is_current = 1{filter}");
    let count_sql = format!("SELECT COUNT(*) {from}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    let page_sql =
        format!("SELECT {SUMMARY_COLUMNS} {from} ORDER BY i.code LIMIT {limit} OFFSET {offset}");
    let mut page = sqlx::query_as::<_, BomRow>(&page_sql);
    for b in &binds {
        (count, page) = match b {
            Bind::Text(t) => (count.bind(t.clone()), page.bind(t.clone())),
            Bind::Int(i) => (count.bind(*i), page.bind(*i)),
        };
    }
    let mut conn = svc.db.read.acquire().await.ctx("acquire connection")?;
    let total = count.fetch_one(&mut *conn).await.ctx("count BOMs")?;
    let rows = page.fetch_all(&mut *conn).await.ctx("list BOMs")?;
    Ok(BomPage {
        items: rows.iter().map(BomRow::summary).collect(),
        total,
        limit,
        offset,
    })
}

/// The editor's view of a stored version.
pub(super) fn view(row: &BomRow, bom: &Bom, loaded: &Loaded) -> Result<BomView> {
    let attributes = match loaded.items.get(&row.item_code) {
        Some(i) => i.attributes()?,
        None => vec![],
    };
    let mut components = Vec::new();
    for code in bom.component_codes() {
        if let Some(i) = loaded.items.get(code) {
            components.push(ComponentRef {
                code: i.code.clone(),
                name: i.name.clone(),
                unit: i.unit.clone(),
                archived: i.archived_at.is_some(),
                attributes: i.attributes()?,
                bom_id: loaded.bom_ids.get(code).copied(),
            });
        }
    }
    Ok(BomView {
        id: row.id,
        item: row.item_code.clone(),
        item_name: row.item_name.clone(),
        version: row.version(),
        is_current: row.is_current.0,
        frozen: row.frozen_at.is_some(),
        revision: row.revision,
        updated_at: row.updated_at,
        attributes,
        form: BomInput::from(bom),
        components,
    })
}

pub async fn get(svc: &Services, user: &CurrentUser, id: i64) -> Result<BomView> {
    user.require(Module::Warehouse, Action::View)?;
    let s = stored(&svc.db, &svc.bom_cache, id).await?;
    view(&s.row, &s.bom, &s.loaded)
}

/// Every version of the BOM that `id` is a version of, newest first.
pub async fn versions(svc: &Services, user: &CurrentUser, id: i64) -> Result<Vec<BomVersion>> {
    user.require(Module::Warehouse, Action::View)?;
    let mut conn = svc.db.read.acquire().await.ctx("acquire connection")?;
    let this = row(&mut conn, id).await?;
    let rows = sqlx::query_as::<_, BomRow>(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM boms b JOIN items i ON i.id = b.item_id \
         WHERE b.item_id = $1 ORDER BY b.version DESC"
    ))
    .bind(this.item_id)
    .fetch_all(&mut *conn)
    .await
    .ctx("list BOM versions")?;
    Ok(rows.iter().map(BomRow::history).collect())
}

fn parse_qty(qty: Option<&str>) -> Result<Qty, AppError> {
    match qty.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Qty::ONE),
        Some(q) => Qty::parse_positive("qty", q),
    }
}

fn parse_variant(v: Option<&str>) -> Result<Variant, AppError> {
    Variant::parse_key("variant", v.unwrap_or(""))
}

/// `qty` (default 1) of the version's item in `variant`, exploded through
/// this version and the current BOMs below it.
pub async fn explode_bom(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    qty: Option<&str>,
    variant: Option<&str>,
) -> Result<Explosion> {
    user.require(Module::Warehouse, Action::View)?;
    let (qty, variant) = (parse_qty(qty)?, parse_variant(variant)?);
    let s = stored(&svc.db, &svc.bom_cache, id).await?;
    Ok(explode(&s.loaded.catalog, &s.bom.item, &variant, qty)?)
}

pub async fn cost_bom(
    svc: &Services,
    user: &CurrentUser,
    id: i64,
    qty: Option<&str>,
    variant: Option<&str>,
) -> Result<CostRollup> {
    user.require(Module::Warehouse, Action::View)?;
    let (qty, variant) = (parse_qty(qty)?, parse_variant(variant)?);
    let s = stored(&svc.db, &svc.bom_cache, id).await?;
    Ok(cost_rollup(&s.loaded.catalog, &s.bom.item, &variant, qty)?)
}

/// Every combination of the attributes' values, in attribute order.
fn combinations(attributes: &[Attribute]) -> Result<Vec<Variant>, AppError> {
    let mut out = vec![Variant::new()];
    for a in attributes {
        let mut next = Vec::with_capacity(out.len() * a.values.len());
        for v in &out {
            for value in &a.values {
                let mut w = v.clone();
                w.0.insert(a.name.clone(), value.clone());
                next.push(w);
            }
        }
        if next.len() > MAX_VARIANTS {
            return Err(AppError::field(
                "variant",
                format!("more than {MAX_VARIANTS} variants; ask for one"),
            ));
        }
        out = next;
    }
    Ok(out)
}

/// The item's variant grid through its current BOM: every variant (or the
/// one given) with its effective lines.
pub async fn variants(
    svc: &Services,
    user: &CurrentUser,
    item: &str,
    variant: Option<&str>,
) -> Result<VariantGrid> {
    user.require(Module::Warehouse, Action::View)?;
    let code = Code::parse("item", item)?.into_string();
    let mut conn = svc.db.read.acquire().await.ctx("acquire connection")?;
    let item_row = items_by_codes(&mut conn, &[code.as_str()])
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found(format!("item {code}")))?;
    let attributes = item_row.attributes()?;
    let row = sqlx::query_as::<_, BomRow>(&format!(
        "SELECT {BOM_COLUMNS} FROM boms b JOIN items i ON i.id = b.item_id \
         WHERE b.item_id = $1 AND b.is_current = 1"
    ))
    .bind(item_row.id)
    .fetch_optional(&mut *conn)
    .await
    .ctx("read current BOM")?
    .ok_or_else(|| AppError::not_found(format!("a BOM for {code}")))?;
    let bom = decode_body(row.id, &row.body)?;
    let chosen = match variant.map(str::trim).filter(|s| !s.is_empty()) {
        Some(v) => {
            let v = Variant::parse_key("variant", v)?;
            v.check_complete(&attributes, "variant")?;
            vec![v]
        }
        None => combinations(&attributes)?,
    };
    let variants = chosen
        .iter()
        .map(|v| match resolve(&bom, v) {
            Ok(lines) => VariantLines {
                variant: v.key(),
                lines: lines
                    .into_iter()
                    .map(|l| VariantLine {
                        line_no: l.line_no,
                        component: l.component,
                        component_variant: l.component_variant.key(),
                        qty_per: l.qty_per,
                        scrap_bp: l.scrap_bp,
                    })
                    .collect(),
                problem: None,
            },
            Err(e) => VariantLines {
                variant: v.key(),
                lines: vec![],
                problem: Some(e.to_string()),
            },
        })
        .collect();
    Ok(VariantGrid {
        item: code,
        bom_id: row.id,
        bom_version: row.version(),
        attributes,
        variants,
    })
}

/// Where-used of `component` through every level (current versions), and/or
/// the BOMs matching `q`.
pub async fn search(
    svc: &Services,
    user: &CurrentUser,
    component: Option<&str>,
    q: Option<&str>,
    limit: Option<i64>,
) -> Result<BomSearch> {
    user.require(Module::Warehouse, Action::View)?;
    let component = component.map(str::trim).filter(|s| !s.is_empty());
    let q = q.map(str::trim).filter(|s| !s.is_empty());
    if component.is_none() && q.is_none() {
        return Err(AppError::field("component", "give a component code or q").into());
    }
    let where_used = match component {
        None => None,
        Some(c) => Some(where_used_of(&svc.db, &Code::parse("component", c)?.into_string()).await?),
    };
    let boms = match q {
        None => vec![],
        Some(q) => list(svc, user, Some(q), limit, None).await?.items,
    };
    Ok(BomSearch { where_used, boms })
}

/// Where-used from the component index alone (no BOM bodies): the
/// current BOMs above the component through all levels (one recursive
/// query), and of their index rows only those naming the component or one
/// of those BOMs' items, which is all the walk up needs.
async fn where_used_of(db: &Db, code: &str) -> Result<domain::bom::WhereUsed> {
    let mut conn = db.read.acquire().await.ctx("acquire connection")?;
    let Some(item) = items_by_codes(&mut conn, &[code]).await?.pop() else {
        return Err(AppError::not_found(format!("item {code}")).into());
    };
    let sql = format!(
        "WITH RECURSIVE up(item_id) AS ( \
           SELECT CAST({} AS BIGINT) \
           UNION \
           SELECT b.item_id FROM up JOIN bom_components bc ON bc.component_item_id = up.item_id \
           JOIN boms b ON b.id = bc.bom_id AND b.is_current = 1 \
         ) SELECT p.code AS parent, b.version, c.code AS component \
         FROM boms b JOIN items p ON p.id = b.item_id \
         JOIN bom_components bc ON bc.bom_id = b.id JOIN items c ON c.id = bc.component_item_id \
         WHERE b.is_current = 1 AND b.item_id IN (SELECT item_id FROM up) \
         AND bc.component_item_id IN (SELECT item_id FROM up)",
        item.id
    );
    let rows = sqlx::query_as::<_, super::rows::UseEdgeRow>(&sql)
        .fetch_all(&mut *conn)
        .await
        .ctx("where-used")?;
    let edges = rows
        .iter()
        .map(super::rows::UseEdgeRow::edge)
        .collect::<Result<Vec<_>>>()?;
    Ok(where_used_edges(&edges, code))
}
