//! What BOM checks, explosions and costing need to know about other master
//! data. The service implements [`Catalog`] over rows it has loaded;
//! [`MemCatalog`] is a ready-made implementation over maps.

use super::model::Bom;
use crate::master::{Attribute, Design, EmbroideryMachine, ItemKind, Qty};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// What a BOM needs to know about an item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemInfo {
    pub kind: ItemKind,
    pub attributes: Vec<Attribute>,
    pub archived: bool,
    pub unit: String,
    pub standard_cost_minor: i64,
}

/// What a routing needs to know about a work centre.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkCentreInfo {
    pub archived: bool,
    pub labour_rate_minor_per_hour: i64,
    pub kind: String,
}

/// Master data looked up by code (codes as stored, upper-case).
pub trait Catalog {
    fn item(&self, code: &str) -> Option<&ItemInfo>;
    /// The current version of the item's BOM, if it is made here.
    fn bom_for(&self, item: &str) -> Option<&Bom>;
    fn work_centre(&self, code: &str) -> Option<&WorkCentreInfo>;
    fn design(&self, code: &str) -> Option<&Design>;
    /// The embroidery machine at an embroidery work centre.
    fn embroidery_machine_for(&self, work_centre: &str) -> Option<&EmbroideryMachine>;
    /// Minutes a thread change takes (a plant setting).
    fn minutes_per_colour_change(&self) -> Qty;
}

/// A [`Catalog`] over hash maps (explosion looks codes up once or twice per
/// node, so a fast hash matters: codes are ours, not an attacker's keys),
/// for tests and for services that load everything a request needs up front.
#[derive(Debug, Clone, Default)]
pub struct MemCatalog {
    pub items: FxHashMap<String, ItemInfo>,
    /// Shared, so a service can keep decoded BOMs across catalogs.
    pub boms: FxHashMap<String, Arc<Bom>>,
    pub work_centres: FxHashMap<String, WorkCentreInfo>,
    pub designs: FxHashMap<String, Design>,
    pub machines: FxHashMap<String, EmbroideryMachine>,
    pub minutes_per_colour_change: Qty,
}

impl MemCatalog {
    pub fn add_bom(&mut self, bom: Bom) {
        self.add_shared_bom(Arc::new(bom));
    }

    pub fn add_shared_bom(&mut self, bom: Arc<Bom>) {
        self.boms.insert(bom.item.clone(), bom);
    }
}

impl Catalog for MemCatalog {
    fn item(&self, code: &str) -> Option<&ItemInfo> {
        self.items.get(code)
    }
    fn bom_for(&self, item: &str) -> Option<&Bom> {
        self.boms.get(item).map(|b| &**b)
    }
    fn work_centre(&self, code: &str) -> Option<&WorkCentreInfo> {
        self.work_centres.get(code)
    }
    fn design(&self, code: &str) -> Option<&Design> {
        self.designs.get(code)
    }
    fn embroidery_machine_for(&self, work_centre: &str) -> Option<&EmbroideryMachine> {
        self.machines.get(work_centre)
    }
    fn minutes_per_colour_change(&self) -> Qty {
        self.minutes_per_colour_change
    }
}

/// A catalog that sees `bom` as its item's current BOM (the version being
/// checked) and everything else through `inner`.
pub(crate) struct WithBom<'a> {
    pub inner: &'a dyn Catalog,
    pub bom: &'a Bom,
}

impl Catalog for WithBom<'_> {
    fn item(&self, code: &str) -> Option<&ItemInfo> {
        self.inner.item(code)
    }
    fn bom_for(&self, item: &str) -> Option<&Bom> {
        if item == self.bom.item {
            Some(self.bom)
        } else {
            self.inner.bom_for(item)
        }
    }
    fn work_centre(&self, code: &str) -> Option<&WorkCentreInfo> {
        self.inner.work_centre(code)
    }
    fn design(&self, code: &str) -> Option<&Design> {
        self.inner.design(code)
    }
    fn embroidery_machine_for(&self, work_centre: &str) -> Option<&EmbroideryMachine> {
        self.inner.embroidery_machine_for(work_centre)
    }
    fn minutes_per_colour_change(&self) -> Qty {
        self.inner.minutes_per_colour_change()
    }
}
