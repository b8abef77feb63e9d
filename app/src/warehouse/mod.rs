//! Warehouse: bills of materials (stock and movements come later).

pub mod bom;
