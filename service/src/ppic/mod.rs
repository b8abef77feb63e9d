//! Production planning (issue 9): manufacturing orders made by hand,
//! released into jobs and child orders from their BOM, and planned on the
//! work centres' calendars. `rows` holds the row types and shared reads,
//! `create` and `release` the use cases, `plan` the re-planning that every
//! change of the plan runs in its transaction, `read` the lists.

mod create;
mod plan;
mod read;
mod release;
mod rows;

pub use create::create;
pub use read::{get, list};
pub use release::release;
