//! Bills of materials (module warehouse): list, search and where-used, the
//! editor's view, versions, the variant grid, explosion and cost, checked
//! saves, and what orders need (the current version, freezing it). The
//! master tables are read directly here ([`catalog`]).

mod cache;
mod catalog;
mod check;
mod orders;
mod read;
mod rows;
mod save;

pub use cache::CatalogCache;
pub use catalog::MINUTES_PER_COLOUR_CHANGE;
pub use orders::{current_bom_for_item, explode_stored, freeze};
pub(crate) use read::current_form;
pub use read::{cost_bom, explode_bom, get, list, search, variants, versions, MAX_LIMIT};
pub use save::{create, update, validate_form};
pub(crate) use save::{create_in, update_in};
