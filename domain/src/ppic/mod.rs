//! Production planning and inventory control (PPIC): the lifecycles of
//! manufacturing orders and their jobs ([`MoStatus`], [`TaskStatus`]),
//! finite-capacity scheduling on the work centres' shift calendars with
//! maintenance taken into account ([`schedule()`], [`promise`]), Gantt
//! moves ([`move_job`]), load against capacity and the bottleneck
//! ([`load_by_day`], [`bottleneck`]), and the run order of embroidery jobs
//! that wastes least time on changeovers ([`sequence`]).
//!
//! Inside: `state` (the lifecycles), `timeline` (open time and taken slots
//! of one centre), `board` (where a job fits), `order` (the planning
//! order), `release` (the jobs, child orders and materials an order's BOM
//! makes), `schedule`, `moves`, `load` and `changeover`.
//!
//! All of it is pure: the service loads centres, calendars, maintenance
//! windows and jobs, calls in here, and stores what comes back.

mod analytics;
mod board;
mod changeover;
mod changeover_wire;
mod gantt_wire;
mod kanban;
mod load;
mod moves;
mod order;
mod release;
mod release_wire;
mod schedule;
mod state;
mod task_wire;
mod timeline;
mod wire;

#[cfg(test)]
mod tests_moves;
#[cfg(test)]
mod tests_props;
#[cfg(test)]
mod tests_schedule;
#[cfg(test)]
mod tests_state;

pub use analytics::*;
pub use changeover::*;
pub use changeover_wire::*;
pub use gantt_wire::*;
pub use kanban::*;
pub use load::*;
pub use moves::*;
pub use release::*;
pub use release_wire::*;
pub use schedule::*;
pub use state::*;
pub use task_wire::*;
pub use wire::*;
