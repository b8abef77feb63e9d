//! Production planning (issue 9): manufacturing orders made by hand,
//! released into jobs and child orders from their BOM, and planned on the
//! work centres' calendars. `rows` holds the row types and shared reads,
//! `create`, `release` and `tasks` (a job's steps, batches, labour) the
//! use cases, `plan` the re-planning that every
//! change of the plan runs in its transaction, `read` the lists.

mod analytics;
mod changeover;
mod create;
mod from_sales;
mod gantt;
mod kanban;
mod order_steps;
mod pin;
mod plan;
mod promise;
mod read;
mod release;
mod release_many;
mod rows;
mod tasks;

pub use analytics::{load_report, orders_by_status, performance};
pub use changeover::changeover;
pub use create::create;
pub use from_sales::from_sales_order;
pub use gantt::{gantt, move_job};
pub use kanban::{board, drop_card};
pub use order_steps::order_step;
pub use pin::unpin;
pub(crate) use plan::{lock_plan, offset_now, replan};
pub use promise::promise;
pub use read::{get, list};
pub use release::release;
pub use release_many::release_many;
pub use tasks::{batch, clock, step};
