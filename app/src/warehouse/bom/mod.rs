//! BOM screens: the list with search ([`list`]) and the editor ([`editor`]:
//! the indented tree of lines, [`routing`] with drag and buttons, variant
//! overrides, issues at their line, and [`panels`] beside it: cost roll-up,
//! where-used, versions).

pub mod api;
mod editor;
mod lines;
mod list;
mod panels;
mod routing;

pub use editor::{BomEditPage, BomNewPage};
pub use list::BomListPage;

lazy_page!(
    BomListRoute => BomListPage,
    BomNewRoute => BomNewPage,
    BomEditRoute => BomEditPage,
);
