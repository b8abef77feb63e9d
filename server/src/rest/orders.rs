//! `/api/v1/orders/...`: sales orders, their size × colour grids and their
//! lifecycle. Mutations honour an `Idempotency-Key` header. (The promise
//! date, `/orders/promise`, plans the quantity after the current load.)

use super::openapi::{ErrorBody, SignedInErrors, SignedInJsonErrors};
use super::{
    idempotency_key, int_param, ApiResult, AuthUser, IdempotencyKey, JsonBody, Path, Query,
};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use domain::orders::{
    GridInput, OrderDetail, OrderFilter, OrderInput, OrderPage, OrderStatus, OrderTransition,
};
use domain::AppError;
use serde::Deserialize;
use service::now_ms;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(detail, edit))
        .routes(routes!(put_grid))
        .routes(routes!(transition))
        .routes(routes!(promise))
}

/// Query parameters arrive as text; each is parsed with an error naming it.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only orders in this status.
    #[param(value_type = Option<OrderStatus>)]
    status: Option<String>,
    /// Only this customer's orders.
    #[param(value_type = Option<i64>)]
    customer_id: Option<String>,
    /// Due on or after this day (`YYYY-MM-DD`).
    #[param(value_type = Option<String>, format = Date)]
    due_after: Option<String>,
    /// Due on or before this day (`YYYY-MM-DD`).
    #[param(value_type = Option<String>, format = Date)]
    due_before: Option<String>,
    /// Text in the number, the customer's code or name, or their reference.
    #[param(max_length = 100)]
    q: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// How many to skip (default 0).
    #[param(value_type = Option<i64>, minimum = 0)]
    offset: Option<String>,
}

/// Sales orders, soonest due first, a page at a time.
#[utoipa::path(
    get,
    path = "/orders",
    tag = "orders",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of orders", body = OrderPage),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on orders", body = ErrorBody),
        (status = 422, description = "A query parameter is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn list(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<OrderPage>> {
    let filter = OrderFilter {
        status: q.status,
        customer_id: int_param("customer_id", &q.customer_id)?,
        due_after: q.due_after,
        due_before: q.due_before,
        q: q.q,
        limit: int_param("limit", &q.limit)?,
        offset: int_param("offset", &q.offset)?,
    };
    Ok(Json(service::orders::list(&s.svc, &user, &filter).await?))
}

/// Enter a new order (a draft). Lines are single variants or grids: see `LineInput`.
#[utoipa::path(
    post,
    path = "/orders",
    tag = "orders",
    request_body = OrderInput,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new draft order with its grids", body = OrderDetail),
        SignedInJsonErrors,
        (status = 403, description = "No CREATE permission on orders", body = ErrorBody),
        (status = 409, description = "The key was used for another request", body = ErrorBody),
        (status = 422, description = "A field is missing or malformed (named, e.g. `lines[2].cells[5].qty`)", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn create(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    JsonBody(input): JsonBody<OrderInput>,
) -> ApiResult<(StatusCode, Json<OrderDetail>)> {
    let key = idempotency_key(&headers);
    let d = service::orders::create(&s.svc, &user, &input, key.as_deref(), now_ms()).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// One order with its lines (and the BOM version each is pinned to) and grids.
#[utoipa::path(
    get,
    path = "/orders/{id}",
    tag = "orders",
    params(("id" = i64, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order", body = OrderDetail),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on orders", body = ErrorBody),
        (status = 404, description = "No such order", body = ErrorBody),
        (status = 422, description = "The id is not a whole number", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn detail(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<OrderDetail>> {
    Ok(Json(service::orders::get(&s.svc, &user, id).await?))
}

/// Edit a draft or confirmed order: customer (drafts only), reference, due
/// date and all its lines. `version` is the version the edit was made from.
#[utoipa::path(
    put,
    path = "/orders/{id}",
    tag = "orders",
    request_body = OrderInput,
    params(("id" = i64, Path, description = "The order's id"), IdempotencyKey),
    responses(
        (status = 200, description = "The order as saved", body = OrderDetail),
        SignedInJsonErrors,
        (status = 403, description = "No UPDATE permission on orders", body = ErrorBody),
        (status = 404, description = "No such order", body = ErrorBody),
        (status = 409, description = "Changed since `version`, no longer editable, or the key was used for another request", body = ErrorBody),
        (status = 422, description = "A field is missing or malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn edit(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<OrderInput>,
) -> ApiResult<Json<OrderDetail>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::orders::edit(&s.svc, &user, id, &input, key.as_deref(), now_ms()).await?,
    ))
}

/// Enter one item's quantities as a grid (rows × columns of its variant
/// attributes): replaces that item's lines (those matching `fixed`) with one
/// line per non-zero cell.
#[utoipa::path(
    put,
    path = "/orders/{id}/lines/grid",
    tag = "orders",
    request_body = GridInput,
    params(("id" = i64, Path, description = "The order's id"), IdempotencyKey),
    responses(
        (status = 200, description = "The order as saved, with its grids and totals", body = OrderDetail),
        SignedInJsonErrors,
        (status = 403, description = "No UPDATE permission on orders", body = ErrorBody),
        (status = 404, description = "No such order", body = ErrorBody),
        (status = 409, description = "Changed since `version`, no longer editable, or the key was used for another request", body = ErrorBody),
        (status = 422, description = "A field or cell is malformed (named, e.g. `cells[5].col`)", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn put_grid(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<GridInput>,
) -> ApiResult<Json<OrderDetail>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::orders::put_grid(&s.svc, &user, id, &input, key.as_deref(), now_ms()).await?,
    ))
}

/// Move an order along: confirm (pins and freezes each line's BOM version),
/// start (production), ship, close, or cancel (from draft or confirmed).
#[utoipa::path(
    post,
    path = "/orders/{id}/{action}",
    tag = "orders",
    params(
        ("id" = i64, Path, description = "The order's id"),
        ("action" = OrderTransition, Path, description = "The step to take"),
        IdempotencyKey,
    ),
    responses(
        (status = 200, description = "The order after the step", body = OrderDetail),
        SignedInErrors,
        (status = 403, description = "No permission for this step (confirm and cancel need APPROVE, the others UPDATE)", body = ErrorBody),
        (status = 404, description = "No such order", body = ErrorBody),
        (status = 409, description = "Not allowed from the order's status (the message names it and the allowed next steps), or the key was used for another request", body = ErrorBody),
        (status = 422, description = "A parameter is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn transition(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path((id, action)): Path<(i64, String)>,
) -> ApiResult<Json<OrderDetail>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::orders::transition(&s.svc, &user, id, &action, key.as_deref(), now_ms()).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PromiseQuery {
    /// The item's code.
    item: Option<String>,
    /// How many (a decimal, more than 0).
    qty: Option<String>,
    /// The variant key, e.g. `colour=brown;size=M` (empty without variants).
    variant: Option<String>,
}

/// Capable-to-promise: the earliest date `qty` of `item` could be finished
/// given the current load (its BOM's operations and its sub-assemblies',
/// planned after every planned job on the work centres' calendars,
/// capacity and maintenance). Reads only.
#[utoipa::path(
    get,
    path = "/orders/promise",
    tag = "orders",
    params(PromiseQuery),
    responses(
        (status = 200, description = "The promise date", body = domain::ppic::Promise),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on orders", body = ErrorBody),
        (status = 409, description = "The work cannot be planned within the planning horizon", body = ErrorBody),
        (status = 422, description = "item, qty or variant is missing or malformed, the item has no BOM, or the variant does not fit it", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn promise(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Query(q): Query<PromiseQuery>,
) -> ApiResult<Json<domain::ppic::Promise>> {
    let item = q
        .item
        .ok_or_else(|| AppError::field("item", "give the item's code"))?;
    let qty = q
        .qty
        .ok_or_else(|| AppError::field("qty", "give a quantity"))?;
    Ok(Json(
        service::ppic::promise(&s.svc, &user, &item, &qty, q.variant.as_deref(), now_ms()).await?,
    ))
}
