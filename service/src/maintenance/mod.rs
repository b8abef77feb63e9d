//! Maintenance: machines, SLA policies, requests and their transitions,
//! downtime windows (which the production plan follows), and the breach
//! monitor. Every change is one transaction that also writes the
//! request's timeline and, when a key is given, its idempotency record.

mod machines;
mod monitor;
mod requests;
mod rows;
mod sla;
mod transitions;
mod window;

pub use machines::{create_machine, list_machines, machines, NewMachineInput};
pub use monitor::{monitor_tick, run_monitor, MONITOR_LEASE};
pub use requests::{create, get, list};
pub use sla::{set_sla_policy, sla_policies};
pub use transitions::{transition, TransitionInput};
pub use window::set_window;
