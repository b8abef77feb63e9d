//! Server functions for the maintenance screens: each checks the session,
//! calls one service function, and maps its error.

use crate::codec::Json;
use domain::maintenance::{
    ListFilter, Machine, NewRequestInput, Request, RequestDetail, RequestPage, SlaPolicy,
    WindowInput,
};
use domain::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ssr::{current_user, fail, now};

#[server(prefix = "/sfn", endpoint = "maintenance/list", input = Json)]
pub async fn list_requests(filter: ListFilter) -> Result<RequestPage, AppError> {
    let (svc, user) = current_user().await?;
    service::maintenance::list(&svc, &user, &filter, now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "maintenance/get", input = Json)]
pub async fn get_request(id: i64) -> Result<RequestDetail, AppError> {
    let (svc, user) = current_user().await?;
    service::maintenance::get(&svc, &user, id, now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "maintenance/create", input = Json)]
pub async fn create_request(
    idempotency_key: String,
    input: NewRequestInput,
) -> Result<Request, AppError> {
    let (svc, user) = current_user().await?;
    service::maintenance::create(&svc, &user, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "maintenance/transition", input = Json)]
pub async fn transition_request(
    idempotency_key: String,
    id: i64,
    transition: String,
    note: String,
) -> Result<Request, AppError> {
    let (svc, user) = current_user().await?;
    let input = service::maintenance::TransitionInput { transition, note };
    service::maintenance::transition(&svc, &user, id, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "maintenance/window", input = Json)]
pub async fn set_request_window(
    idempotency_key: String,
    id: i64,
    input: WindowInput,
) -> Result<Request, AppError> {
    let (svc, user) = current_user().await?;
    service::maintenance::set_window(&svc, &user, id, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "maintenance/machines", input = Json)]
pub async fn list_machines() -> Result<Vec<Machine>, AppError> {
    let (svc, user) = current_user().await?;
    service::maintenance::list_machines(&svc, &user)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "maintenance/sla", input = Json)]
pub async fn sla_policies() -> Result<Vec<SlaPolicy>, AppError> {
    let (svc, user) = current_user().await?;
    service::maintenance::sla_policies(&svc, &user)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "maintenance/sla/set", input = Json)]
pub async fn set_sla_policy(
    idempotency_key: String,
    policy: SlaPolicy,
) -> Result<SlaPolicy, AppError> {
    let (svc, user) = current_user().await?;
    service::maintenance::set_sla_policy(&svc, &user, &policy, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}
