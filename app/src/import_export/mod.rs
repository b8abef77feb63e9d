//! Import / export: CSV import of items and BOMs (the module's first use).
//! [`formats`] says what each file holds and checks a file before it is
//! sent; [`api`] has the server functions; the screen is in `page`.

pub mod api;
pub mod formats;
mod page;

pub use page::ImportPage;

lazy_page!(ImportRoute => ImportPage);
