//! Master data screens: items (with their variant attributes), work centres
//! (with the weekly calendar, holidays and closures), customers, suppliers,
//! embroidery designs (with their file) and machines (on a work centre;
//! embroidery machines with their speed and heads).

pub mod api;
mod designs;
mod items;
mod machines;
mod parties;
mod shared;
#[cfg(any(feature = "hydrate", test))]
mod upload;
mod work_centres;

pub use designs::DesignsPage;
pub use items::ItemsPage;
pub use machines::MachinesPage;
pub use parties::{CustomersPage, SuppliersPage};
pub use work_centres::WorkCentresPage;

lazy_page!(
    ItemsRoute => ItemsPage,
    WorkCentresRoute => WorkCentresPage,
    CustomersRoute => CustomersPage,
    SuppliersRoute => SuppliersPage,
    DesignsRoute => DesignsPage,
    MachinesRoute => MachinesPage,
);
