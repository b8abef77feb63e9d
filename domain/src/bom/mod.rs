//! Bills of materials: one BOM per style with component lines whose
//! quantities and variants follow the style's attributes, a routing, and
//! variant overrides ([`model`]); the lines for one variant ([`resolve`]);
//! checks before saving ([`validate()`]); explosion ([`explode()`]), cost
//! roll-up ([`cost_rollup`]) and where-used ([`where_used()`]); the form
//! ([`BomInput`]) and the answers ([`wire`]). Master data is reached through
//! the [`Catalog`] trait, which the service implements.

mod catalog;
mod cost;
mod cycles;
mod explode;
mod input;
pub mod model;
pub mod resolve;
mod validate;
mod views;
mod where_used;
pub mod wire;

#[cfg(test)]
mod fixture;
#[cfg(test)]
mod tests_form;
#[cfg(test)]
mod tests_props;
#[cfg(test)]
mod tests_teddy;

pub use catalog::*;
pub use cost::*;
pub use explode::*;
pub use input::*;
pub use model::*;
pub use resolve::*;
pub use validate::*;
pub use views::*;
pub use where_used::*;
pub use wire::*;
