//! Server functions for the order screens: each checks the session, calls
//! one service function, and maps its error.

use crate::codec::Json;
use domain::orders::{
    CustomerPick, GridInput, OrderDetail, OrderFilter, OrderInput, OrderItem, OrderPage,
};
use domain::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ssr::{current_user, fail, now};

#[server(prefix = "/sfn", endpoint = "orders/list", input = Json)]
pub async fn list_orders(filter: OrderFilter) -> Result<OrderPage, AppError> {
    let (svc, user) = current_user().await?;
    service::orders::list(&svc, &user, &filter)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "orders/get", input = Json)]
pub async fn get_order(id: i64) -> Result<OrderDetail, AppError> {
    let (svc, user) = current_user().await?;
    service::orders::get(&svc, &user, id).await.map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "orders/create", input = Json)]
pub async fn create_order(
    idempotency_key: String,
    input: OrderInput,
) -> Result<OrderDetail, AppError> {
    let (svc, user) = current_user().await?;
    service::orders::create(&svc, &user, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "orders/edit", input = Json)]
pub async fn edit_order(
    idempotency_key: String,
    id: i64,
    input: OrderInput,
) -> Result<OrderDetail, AppError> {
    let (svc, user) = current_user().await?;
    service::orders::edit(&svc, &user, id, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "orders/grid", input = Json)]
pub async fn put_order_grid(
    idempotency_key: String,
    id: i64,
    input: GridInput,
) -> Result<OrderDetail, AppError> {
    let (svc, user) = current_user().await?;
    service::orders::put_grid(&svc, &user, id, &input, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "orders/transition", input = Json)]
pub async fn transition_order(
    idempotency_key: String,
    id: i64,
    step: String,
) -> Result<OrderDetail, AppError> {
    let (svc, user) = current_user().await?;
    service::orders::transition(&svc, &user, id, &step, Some(&idempotency_key), now())
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "orders/customers", input = Json)]
pub async fn order_customers(q: String) -> Result<Vec<CustomerPick>, AppError> {
    let (svc, user) = current_user().await?;
    service::orders::customers_for_orders(&svc, &user, &q)
        .await
        .map_err(fail)
}

#[server(prefix = "/sfn", endpoint = "orders/items", input = Json)]
pub async fn order_items(q: String) -> Result<Vec<OrderItem>, AppError> {
    let (svc, user) = current_user().await?;
    service::orders::items_for_orders(&svc, &user, &q)
        .await
        .map_err(fail)
}
