//! Production planning over real HTTP and the service, on SQLite and
//! PostgreSQL: manufacturing orders and their release (`orders`), a job's
//! steps, labour and batches (`tasks`), the Kanban board (`kanban`),
//! maintenance windows the plan follows (`maintenance_windows`).

#[path = "../common.rs"]
mod common;

#[path = "../sse/mod.rs"]
mod sse;

mod analytics;
mod changeover;
mod fixture;
mod from_sales;
mod gantt;
mod kanban;
mod maintenance_windows;
mod orders;
mod pins;
mod release_many;
mod tasks;
