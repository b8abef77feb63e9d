//! Maintenance: breakdown and preventive requests with live SLA countdowns.

pub mod api;
pub mod pages;

pub use pages::{DetailPage, ListPage, NewRequestPage, SlaPage};

lazy_page!(
    ListRoute => ListPage,
    NewRequestRoute => NewRequestPage,
    SlaRoute => SlaPage,
    DetailRoute => DetailPage,
);
