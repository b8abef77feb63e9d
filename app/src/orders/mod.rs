//! Sales orders: the list, the order form with its size × colour grid, and
//! one order with its status steps and pinned BOM versions.

pub mod api;
mod form;
mod grid;
pub mod pages;

pub use pages::{DetailPage, EditOrderPage, ListPage, NewOrderPage};

lazy_page!(
    OrderListRoute => ListPage,
    NewOrderRoute => NewOrderPage,
    OrderDetailRoute => DetailPage,
    EditOrderRoute => EditOrderPage,
);
