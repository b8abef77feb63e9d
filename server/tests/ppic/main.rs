//! Production planning over real HTTP and the service, on SQLite and
//! PostgreSQL: manufacturing orders and their release (`orders`), a job's
//! steps, labour and batches (`tasks`).

#[path = "../common.rs"]
mod common;

mod fixture;
mod orders;
mod tasks;
