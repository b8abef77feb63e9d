//! Server functions for the planning screens: each checks the session,
//! calls one service function, and maps its error.

use crate::codec::Json;
use domain::ppic::{
    ChangeoverView, GanttMoveInput, GanttMoved, GanttView, JobView, KanbanBoard, KanbanMoveInput,
    LoadReport, MoDetail, MoInput, MoPage, PerformanceReport, Promise, ReleaseManyInput,
    ReleasedMany, StatusCount, TaskStepInput, UnpinInput,
};
use domain::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ssr::{current_user, fail, now};

#[server(prefix = "/sfn", endpoint = "ppic/orders/list", input = Json)]
pub async fn list_mos(
    status: Option<String>,
    q: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<MoPage, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::list(
        &svc,
        &user,
        status.as_deref(),
        q.as_deref(),
        limit,
        offset,
        now(),
    )
    .await
    .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/orders/get", input = Json)]
pub async fn get_mo(id: i64) -> Result<MoDetail, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::get(&svc, &user, id, now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/orders/create", input = Json)]
pub async fn create_mo(idempotency_key: String, input: MoInput) -> Result<MoDetail, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::create(&svc, &user, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/orders/release-many", input = Json)]
pub async fn release_mos(
    idempotency_key: String,
    input: ReleaseManyInput,
) -> Result<ReleasedMany, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::release_many(&svc, &user, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/orders/release", input = Json)]
pub async fn release_mo(idempotency_key: String, id: i64) -> Result<MoDetail, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::release(&svc, &user, id, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/promise", input = Json)]
pub async fn promise_date(
    item: String,
    qty: String,
    variant: Option<String>,
) -> Result<Promise, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::promise(&svc, &user, &item, &qty, variant.as_deref(), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/kanban", input = Json)]
pub async fn fetch_kanban(
    work_centre: Option<String>,
    order: Option<i64>,
    limit: Option<i64>,
) -> Result<KanbanBoard, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::board(&svc, &user, work_centre.as_deref(), order, limit, now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/kanban/drop", input = Json)]
pub async fn drop_card(
    idempotency_key: String,
    id: i64,
    input: KanbanMoveInput,
) -> Result<JobView, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::drop_card(&svc, &user, id, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/tasks/step", input = Json)]
pub async fn step_job(
    idempotency_key: String,
    id: i64,
    action: String,
    input: TaskStepInput,
) -> Result<JobView, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::step(
        &svc,
        &user,
        id,
        &action,
        &input,
        Some(&idempotency_key),
        now(),
    )
    .await
    .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/tasks/clock", input = Json)]
pub async fn clock_job(idempotency_key: String, id: i64, on: bool) -> Result<JobView, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::clock(&svc, &user, id, on, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/gantt", input = Json)]
pub async fn gantt(from: Option<String>, days: Option<i64>) -> Result<GanttView, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::gantt(&svc, &user, from.as_deref(), days, now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/gantt/move", input = Json)]
pub async fn move_bar(
    idempotency_key: String,
    id: i64,
    input: GanttMoveInput,
) -> Result<GanttMoved, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::move_job(&svc, &user, id, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/gantt/unpin", input = Json)]
pub async fn unpin_bar(
    idempotency_key: String,
    id: i64,
    input: UnpinInput,
) -> Result<JobView, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::unpin(&svc, &user, id, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/changeover", input = Json)]
pub async fn changeovers() -> Result<ChangeoverView, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::changeover(&svc, &user, None)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/analytics/orders", input = Json)]
pub async fn orders_by_status() -> Result<Vec<StatusCount>, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::orders_by_status(&svc, &user)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/analytics/performance", input = Json)]
pub async fn performance(days: Option<i64>) -> Result<PerformanceReport, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::performance(&svc, &user, days, now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/analytics/load", input = Json)]
pub async fn fetch_load(from: Option<String>, days: Option<i64>) -> Result<LoadReport, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::load_report(&svc, &user, from.as_deref(), days, now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/orders/from_sales_order", input = Json)]
pub async fn plan_sales_order(
    idempotency_key: String,
    id: i64,
) -> Result<Vec<domain::ppic::MoSummary>, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::from_sales_order(&svc, &user, id, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "ppic/orders/step", input = Json)]
pub async fn step_mo(
    idempotency_key: String,
    id: i64,
    action: String,
) -> Result<MoDetail, AppError> {
    let (svc, user) = current_user().await?;
    service::ppic::order_step(&svc, &user, id, &action, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}
