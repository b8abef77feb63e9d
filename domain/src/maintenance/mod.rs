//! Maintenance requests: the lifecycle state machine ([`state`]), the
//! response and resolution SLA clocks ([`sla`]), the escalation ladder and
//! the breach rules ([`escalation`]), a request's downtime window
//! ([`window`]), and the types that travel between server and browser
//! ([`wire`]).

mod escalation;
mod sla;
mod state;
mod window;
mod wire;

pub use escalation::*;
pub use sla::*;
pub use state::*;
pub use window::*;
pub use wire::*;
