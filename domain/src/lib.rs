//! Shopfloor's pure domain: state machines, SLA clocks, escalation, permissions
//! and the types that travel between server and browser. Nothing here does I/O,
//! so all of it is unit-tested without a database or a browser.

pub mod auth;
pub mod bom;
pub mod config;
pub mod error;
pub mod events;
pub mod import;
pub mod maintenance;
pub mod master;
pub mod media;
pub mod orders;
pub mod perm;
pub mod ppic;
pub mod registry;
pub mod safe_path;
pub mod time;
pub mod whatsapp;

pub use error::{AppError, FieldError, UnknownValue};
