//! Stored BOMs with their loaded catalogs, kept in memory while the
//! catalog has not changed. Loading the catalog of a deep BOM is most of a
//! read's time (the tree's current BOM bodies decoded, its items read), so
//! the editor's view, explosion and cost of a stored version reuse it.
//!
//! Validity comes from the database, not from this process: triggers bump
//! `catalog_version` in every transaction that changes units, items, work
//! centres, machines, embroidery designs or BOMs (migration 0011), whatever
//! writes them. A read takes the version first and then the data, so what
//! is kept is never older than the version it is kept under; a change
//! committed by any server process moves the version, and the next read
//! loads afresh.

use super::catalog::{self, Loaded};
use super::rows::BomRow;
use crate::db::Db;
use crate::error::{DbContext, Result};
use domain::bom::Bom;
use std::sync::{Arc, Mutex};

/// A stored BOM version, its decoded form and its catalog.
pub(super) struct Stored {
    pub row: BomRow,
    pub bom: Bom,
    pub loaded: Loaded,
}

/// How many stored BOMs are kept (the most recently used).
const CAPACITY: usize = 16;

#[derive(Default)]
pub struct CatalogCache {
    /// (BOM row id, catalog version, what was loaded), most recent last.
    entries: Mutex<Vec<(i64, i64, Arc<Stored>)>>,
}

impl CatalogCache {
    fn get(&self, id: i64, version: i64) -> Option<Arc<Stored>> {
        let mut e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        // Entries of older versions will never be used again.
        e.retain(|(_, v, _)| *v >= version);
        let i = e.iter().position(|(i, v, _)| *i == id && *v == version)?;
        let hit = e.remove(i);
        let stored = hit.2.clone();
        e.push(hit);
        Some(stored)
    }

    fn put(&self, id: i64, version: i64, stored: Arc<Stored>) {
        let mut e = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        e.retain(|(i, v, _)| *i != id && *v >= version);
        if e.len() >= CAPACITY {
            e.remove(0);
        }
        e.push((id, version, stored));
    }

    /// Forgets everything kept (the benchmark's cold reads).
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// How many stored BOMs are kept now (for tests).
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The catalog's version now.
async fn version(conn: &mut sqlx::AnyConnection) -> Result<i64> {
    sqlx::query_scalar("SELECT version FROM catalog_version WHERE id = 1")
        .fetch_one(conn)
        .await
        .ctx("read catalog version")
}

/// Stored version `id` with its catalog: from the cache while the catalog
/// is unchanged, else loaded (and kept).
pub(super) async fn stored(db: &Db, cache: &CatalogCache, id: i64) -> Result<Arc<Stored>> {
    let mut conn = db.read.acquire().await.ctx("acquire connection")?;
    let v = version(&mut conn).await?;
    if let Some(s) = cache.get(id, v) {
        return Ok(s);
    }
    let row = super::read::row(&mut conn, id).await?;
    let bom = row.bom()?;
    let loaded = catalog::load(&mut conn, &bom).await?;
    let s = Arc::new(Stored { row, bom, loaded });
    cache.put(id, v, s.clone());
    Ok(s)
}
