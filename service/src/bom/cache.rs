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
use std::collections::HashMap;
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
    /// Decoded BOM bodies, kept across catalog versions.
    pub(super) bodies: Bodies,
}

/// Decoded BOM bodies by row id, with the revision they were read at. A
/// body changes only with its revision (`service/src/bom/save.rs` is the
/// one writer of bodies), so a catalog loaded after a change reads and
/// decodes only the bodies whose revision moved.
#[derive(Default)]
pub(super) struct Bodies {
    map: Mutex<HashMap<i64, (i64, Arc<Bom>)>>,
}

/// How many decoded bodies are kept; past it, all are dropped and the
/// next loads decode afresh.
const BODIES: usize = 50_000;

impl Bodies {
    pub(super) fn get(&self, id: i64, revision: i64) -> Option<Arc<Bom>> {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.get(&id)
            .filter(|(r, _)| *r == revision)
            .map(|(_, b)| b.clone())
    }

    pub(super) fn put(&self, id: i64, revision: i64, bom: Arc<Bom>) {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= BODIES {
            map.clear();
        }
        map.insert(id, (revision, bom));
    }
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

    /// Forgets the catalogs kept (not the decoded bodies): every next read
    /// loads its catalog as after a change (the benchmark's cold reads).
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// Forgets the decoded bodies too (the benchmark's first read).
    pub fn clear_all(&self) {
        self.clear();
        self.bodies
            .map
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
    let loaded = catalog::load(&mut conn, &bom, Some(&cache.bodies)).await?;
    let s = Arc::new(Stored { row, bom, loaded });
    cache.put(id, v, s.clone());
    Ok(s)
}
