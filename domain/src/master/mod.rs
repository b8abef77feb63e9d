//! Master data: the codes, quantities, units, items with their variants,
//! work centres with their shift calendars, and embroidery designs that
//! bills of materials ([`crate::bom`]) and planning are built on.

mod calendar;
mod codes;
mod date;
mod embroidery;
mod items;
mod qty;
mod search;
mod units;
mod wire;
mod work_centre;

pub use calendar::*;
pub use codes::*;
pub use date::*;
pub use embroidery::*;
pub use items::*;
pub use qty::*;
pub use search::*;
pub use units::*;
pub use wire::*;
pub use work_centre::*;
