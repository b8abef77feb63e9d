//! Sales orders: the lifecycle ([`state`]), the order form with its size ×
//! colour grid ([`input`], [`grid`]) and the types that travel between
//! server and browser ([`wire`]).

mod grid;
mod input;
mod state;
mod wire;

#[cfg(test)]
mod tests_input;
#[cfg(test)]
mod tests_props;

pub use grid::*;
pub use input::*;
pub use state::*;
pub use wire::*;
