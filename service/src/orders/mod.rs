//! Sales orders: create (draft), edit lines and due date (draft and
//! confirmed, optimistic version), a size × colour grid replacing one
//! item's lines, the lifecycle steps (confirm pins each line's BOM version
//! and freezes it), the list and one order with its grids. Every change is
//! one transaction: the change, its audit entry, its event (topic `orders`)
//! and, with a key, its idempotency record.

mod bom_pin;
mod change;
mod lines;
mod list;
mod lookup;
mod rows;
mod seed;
mod transitions;

pub use change::{create, edit, put_grid};
pub use list::{get, list};
pub use lookup::{customers_for_orders, items_for_orders};
pub use seed::seed_demo;
pub use transitions::transition;
