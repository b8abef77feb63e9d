//! Master data (issue 8): units and conversions, items, work centres with
//! their calendars, machines, customers, suppliers and embroidery designs.
//! Every entity shares one shape — create, edit with its version, archive
//! and restore (never delete), search and page — written once in
//! [`common`]; each entity's file holds only what is its own.

mod common;
pub mod customers;
pub mod designs;
pub mod items;
pub mod machines;
mod parties;
pub mod search;
pub mod suppliers;
pub mod units;
pub mod work_centres;

pub(crate) use common::{active_id, bump};
pub use common::{archive, get, list, restore, Entity};
