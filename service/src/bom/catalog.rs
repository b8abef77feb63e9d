//! The master data one BOM needs, loaded in a handful of queries: the items
//! its lines name, every current BOM reachable below them (one recursive
//! query over `bom_components`), the items those name, and the work
//! centres, designs and embroidery machines of all their routings. The
//! result is a [`MemCatalog`] for the domain's checks, explosion and costing.

use super::cache::Bodies;
use super::rows::{
    BodyRow, DesignRow, ItemRow, MachineRow, ReachedBomRef, WorkCentreRow, ITEM_COLUMNS,
};
use crate::error::{DbContext, Result};
use domain::bom::{Bom, MemCatalog, RunTime};
use domain::master::{EmbroideryMachine, Qty};
use sqlx::AnyConnection;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Minutes a thread change takes on the embroidery machines (the plant's
/// figure until it becomes a setting).
pub const MINUTES_PER_COLOUR_CHANGE: Qty = Qty::from_millionths(1_000_000);

/// Codes bound as parameters per query (well under both backends' limits).
const CODE_CHUNK: usize = 500;
/// Ids written as integer literals per query (they are numbers we read, so
/// no quoting is involved).
const ID_CHUNK: usize = 5_000;

/// A catalog around one BOM, with the ids and names the service needs too.
#[derive(Default)]
pub(super) struct Loaded {
    pub catalog: MemCatalog,
    /// Items loaded, by code.
    pub items: BTreeMap<String, ItemRow>,
    /// The current BOM row id of each reachable item that has one.
    pub bom_ids: BTreeMap<String, i64>,
}

impl Loaded {
    pub fn item_id(&self, code: &str) -> Option<i64> {
        self.items.get(code).map(|i| i.id)
    }
}

fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Items by code (archived included: the checks say so).
pub(super) async fn items_by_codes(
    conn: &mut AnyConnection,
    codes: &[&str],
) -> Result<Vec<ItemRow>> {
    let mut out = Vec::with_capacity(codes.len());
    for chunk in codes.chunks(CODE_CHUNK) {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM items i JOIN units u ON u.id = i.unit_id WHERE i.code IN ({})",
            placeholders(chunk.len())
        );
        let mut q = sqlx::query_as::<_, ItemRow>(&sql);
        for c in chunk {
            q = q.bind(*c);
        }
        out.extend(q.fetch_all(&mut *conn).await.ctx("read BOM items")?);
    }
    Ok(out)
}

async fn items_by_ids(conn: &mut AnyConnection, ids: &[i64]) -> Result<Vec<ItemRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(ID_CHUNK) {
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM items i JOIN units u ON u.id = i.unit_id WHERE i.id IN ({})",
            id_list(chunk)
        );
        out.extend(
            sqlx::query_as::<_, ItemRow>(&sql)
                .fetch_all(&mut *conn)
                .await
                .ctx("read reachable items")?,
        );
    }
    Ok(out)
}

/// Every item reachable from `seeds` through current BOMs (seeds included).
async fn reachable(conn: &mut AnyConnection, seeds: &[i64]) -> Result<Vec<i64>> {
    let mut out = BTreeSet::new();
    for chunk in seeds.chunks(ID_CHUNK) {
        let sql = format!(
            "WITH RECURSIVE reach(item_id) AS ( \
               SELECT id FROM items WHERE id IN ({}) \
               UNION \
               SELECT bc.component_item_id FROM reach r \
               JOIN boms b ON b.item_id = r.item_id AND b.is_current = 1 \
               JOIN bom_components bc ON bc.bom_id = b.id \
             ) SELECT item_id FROM reach",
            id_list(chunk)
        );
        let ids: Vec<i64> = sqlx::query_scalar(&sql)
            .fetch_all(&mut *conn)
            .await
            .ctx("walk BOM components")?;
        out.extend(ids);
    }
    Ok(out.into_iter().collect())
}

/// The current BOMs of `item_ids`, by item code, decoded: their rows and
/// revisions first, then whole and decoded only those whose revision is
/// not kept in `bodies` (and then kept).
async fn current_boms(
    conn: &mut AnyConnection,
    item_ids: &[i64],
    bodies: Option<&Bodies>,
) -> Result<Vec<(i64, String, Arc<Bom>)>> {
    let mut out = Vec::new();
    // Without a cache (a save's check), one for this load alone: the same
    // two reads either way.
    let scratch;
    let bodies = match bodies {
        Some(b) => b,
        None => {
            scratch = Bodies::default();
            &scratch
        }
    };
    let mut missing: BTreeMap<i64, String> = BTreeMap::new();
    for chunk in item_ids.chunks(ID_CHUNK) {
        let sql = format!(
            "SELECT b.id, i.code AS item_code, b.revision FROM boms b JOIN items i ON i.id = b.item_id \
             WHERE b.is_current = 1 AND b.item_id IN ({})",
            id_list(chunk)
        );
        let refs = sqlx::query_as::<_, ReachedBomRef>(&sql)
            .fetch_all(&mut *conn)
            .await
            .ctx("read reachable BOMs")?;
        for r in refs {
            match bodies.get(r.id, r.revision) {
                Some(bom) => out.push((r.id, r.item_code, bom)),
                None => {
                    missing.insert(r.id, r.item_code);
                }
            }
        }
    }
    let ids: Vec<i64> = missing.keys().copied().collect();
    for chunk in ids.chunks(ID_CHUNK) {
        // The revision read with the body: a save in between gives a newer
        // body, kept under its own revision.
        let sql = format!(
            "SELECT id, revision, body FROM boms WHERE id IN ({})",
            id_list(chunk)
        );
        let rows = sqlx::query_as::<_, BodyRow>(&sql)
            .fetch_all(&mut *conn)
            .await
            .ctx("read BOM bodies")?;
        for r in rows {
            let bom = Arc::new(super::rows::decode_body(r.id, &r.body)?);
            bodies.put(r.id, r.revision, bom.clone());
            if let Some(code) = missing.remove(&r.id) {
                out.push((r.id, code, bom));
            }
        }
    }
    Ok(out)
}

/// Rows of `table` whose code is one of `codes`.
async fn by_codes<T>(
    conn: &mut AnyConnection,
    select: &str,
    codes: &[&str],
    ctx: &'static str,
) -> Result<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let mut out = Vec::new();
    for chunk in codes.chunks(CODE_CHUNK) {
        let sql = format!("{select} WHERE code IN ({})", placeholders(chunk.len()));
        let mut q = sqlx::query_as::<_, T>(&sql);
        for c in chunk {
            q = q.bind(*c);
        }
        out.extend(q.fetch_all(&mut *conn).await.ctx(ctx)?);
    }
    Ok(out)
}

/// The catalog for `root` (a form being checked or a stored version): it
/// stands in as its item's BOM, so explosion uses this version.
pub(super) async fn load(
    conn: &mut AnyConnection,
    root: &Bom,
    bodies: Option<&Bodies>,
) -> Result<Loaded> {
    let mut loaded = Loaded {
        catalog: MemCatalog {
            minutes_per_colour_change: MINUTES_PER_COLOUR_CHANGE,
            ..MemCatalog::default()
        },
        ..Loaded::default()
    };
    let mut codes: Vec<&str> = root.component_codes();
    codes.push(&root.item);
    let direct = items_by_codes(conn, &codes).await?;
    let seeds: Vec<i64> = direct
        .iter()
        .filter(|i| i.code != root.item)
        .map(|i| i.id)
        .collect();
    for row in direct {
        loaded.catalog.items.insert(row.code.clone(), row.info()?);
        loaded.items.insert(row.code.clone(), row);
    }
    let reach = reachable(conn, &seeds).await?;
    let known: BTreeSet<i64> = loaded.items.values().map(|i| i.id).collect();
    let missing: Vec<i64> = reach
        .iter()
        .copied()
        .filter(|i| !known.contains(i))
        .collect();
    for row in items_by_ids(conn, &missing).await? {
        loaded.catalog.items.insert(row.code.clone(), row.info()?);
        loaded.items.insert(row.code.clone(), row);
    }
    for (id, item_code, bom) in current_boms(conn, &reach, bodies).await? {
        loaded.bom_ids.insert(item_code.clone(), id);
        loaded.catalog.boms.insert(item_code, bom);
    }
    loaded.catalog.add_bom(root.clone());

    let mut wc_codes = BTreeSet::new();
    let mut design_codes = BTreeSet::new();
    for b in loaded.catalog.boms.values() {
        for op in &b.operations {
            wc_codes.insert(op.work_centre.clone());
            if let RunTime::Embroidery { design } = &op.run {
                design_codes.insert(design.clone());
            }
        }
    }
    let wc_codes: Vec<&str> = wc_codes.iter().map(String::as_str).collect();
    let wcs: Vec<WorkCentreRow> = by_codes(
        conn,
        "SELECT id, code, kind, labour_rate_minor_per_hour, archived_at FROM work_centres",
        &wc_codes,
        "read work centres",
    )
    .await?;
    let design_codes: Vec<&str> = design_codes.iter().map(String::as_str).collect();
    let designs: Vec<DesignRow> = by_codes(
        conn,
        "SELECT code, stitch_count, colour_changes, thread_colours, hoop FROM embroidery_designs",
        &design_codes,
        "read embroidery designs",
    )
    .await?;
    for d in designs {
        loaded.catalog.designs.insert(d.code.clone(), d.design()?);
    }
    if !wcs.is_empty() {
        let ids: Vec<i64> = wcs.iter().map(|w| w.id).collect();
        let sql = format!(
            "SELECT work_centre_id, stitches_per_minute, heads FROM machines \
             WHERE work_centre_id IN ({}) AND stitches_per_minute IS NOT NULL AND heads IS NOT NULL \
             AND active = 1 ORDER BY code",
            id_list(&ids)
        );
        let machines = sqlx::query_as::<_, MachineRow>(&sql)
            .fetch_all(&mut *conn)
            .await
            .ctx("read embroidery machines")?;
        for w in &wcs {
            if let Some(m) = machines.iter().find(|m| m.work_centre_id == w.id) {
                loaded.catalog.machines.insert(
                    w.code.clone(),
                    EmbroideryMachine {
                        stitches_per_minute: u32::try_from(m.stitches_per_minute).unwrap_or(0),
                        heads: u32::try_from(m.heads).unwrap_or(0),
                    },
                );
            }
        }
    }
    for w in wcs {
        loaded.catalog.work_centres.insert(w.code.clone(), w.info());
    }
    Ok(loaded)
}
