//! `/api/v1/ppic/...`: manufacturing orders (made by hand, released into
//! jobs and child orders from their BOM and planned on the work centres'
//! calendars) and their jobs' steps, one at a time or in a batch, and
//! labour. Mutations honour an `Idempotency-Key` header.

use super::openapi::{ErrorBody, SignedInErrors, SignedInJsonErrors};
use super::{
    idempotency_key, int_param, ApiResult, AuthUser, IdempotencyKey, JsonBody, OptionalJsonBody,
    Path, Query,
};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use domain::ppic::{
    BatchInput, JobView, KanbanBoard, KanbanMoveInput, MoDetail, MoInput, MoPage, MoStatus,
    MoSummary, ReleaseManyInput, ReleasedMany, TaskAction, TaskStepInput,
};
use serde::Deserialize;
use service::now_ms;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(detail))
        .routes(routes!(release))
        .routes(routes!(release_many))
        .routes(routes!(from_sales_order))
        .routes(routes!(order_step))
        .routes(routes!(batch))
        .routes(routes!(clock_on))
        .routes(routes!(clock_off))
        .routes(routes!(task_step))
        .routes(routes!(kanban))
        .routes(routes!(kanban_drop))
        .merge(super::ppic_analytics::routes())
        .merge(super::ppic_gantt::routes())
}

/// Query parameters arrive as text; each is parsed with an error naming it.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only orders in this status.
    #[param(value_type = Option<MoStatus>)]
    status: Option<String>,
    /// The start of the order number, the item code or a word of its name.
    #[param(max_length = 100)]
    q: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// How many to skip (default 0).
    #[param(value_type = Option<i64>, minimum = 0)]
    offset: Option<String>,
}

/// Manufacturing orders, soonest due first, a page at a time.
#[utoipa::path(
    get,
    path = "/ppic/orders",
    tag = "ppic",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of orders", body = MoPage),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on ppic", body = ErrorBody),
        (status = 422, description = "A query parameter is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn list(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<MoPage>> {
    let (limit, offset) = (
        int_param("limit", &q.limit)?,
        int_param("offset", &q.offset)?,
    );
    Ok(Json(
        service::ppic::list(
            &s.svc,
            &user,
            q.status.as_deref(),
            q.q.as_deref(),
            limit,
            offset,
            now_ms(),
        )
        .await?,
    ))
}

/// Make a manufacturing order by hand (a draft): an item with a BOM, its
/// quantity per variant and its due date.
#[utoipa::path(
    post,
    path = "/ppic/orders",
    tag = "ppic",
    request_body = MoInput,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new draft order", body = MoDetail),
        SignedInJsonErrors,
        (status = 403, description = "No CREATE permission on ppic", body = ErrorBody),
        (status = 409, description = "The key was used for another request", body = ErrorBody),
        (status = 422, description = "A field is missing or malformed (named, e.g. `variants[1].qty`)", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn create(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    JsonBody(input): JsonBody<MoInput>,
) -> ApiResult<(StatusCode, Json<MoDetail>)> {
    let key = idempotency_key(&headers);
    let d = service::ppic::create(&s.svc, &user, &input, key.as_deref(), now_ms()).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// One order with its variants, jobs (planned times, order between them),
/// material list and child orders.
#[utoipa::path(
    get,
    path = "/ppic/orders/{id}",
    tag = "ppic",
    params(("id" = i64, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order", body = MoDetail),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on ppic", body = ErrorBody),
        (status = 404, description = "No such order", body = ErrorBody),
        (status = 422, description = "The id is not a whole number", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn detail(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<MoDetail>> {
    Ok(Json(service::ppic::get(&s.svc, &user, id, now_ms()).await?))
}

/// Plan a confirmed sales order: one draft manufacturing order per made
/// item (a line with a pinned BOM), all its variants' quantities kept, due
/// with its earliest line, linked to the sales order; bought-in lines are
/// left out. A sales order is planned once.
#[utoipa::path(
    post,
    path = "/ppic/orders/from-sales-order/{id}",
    tag = "ppic",
    params(("id" = i64, Path, description = "The sales order's id"), IdempotencyKey),
    responses(
        (status = 201, description = "The orders made, one per item", body = Vec<MoSummary>),
        SignedInErrors,
        (status = 403, description = "No CREATE permission on ppic", body = ErrorBody),
        (status = 404, description = "No such sales order", body = ErrorBody),
        (status = 409, description = "Not confirmed, planned already (the message names its orders), nothing made here, or the key was used for another request", body = ErrorBody),
        (status = 422, description = "The id is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn from_sales_order(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<(StatusCode, Json<Vec<MoSummary>>)> {
    let key = idempotency_key(&headers);
    let made = service::ppic::from_sales_order(&s.svc, &user, id, key.as_deref(), now_ms()).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// Close a completed order, or cancel one not started (its jobs and the
/// child orders made for it with it; their capacity goes back to the plan).
#[utoipa::path(
    post,
    path = "/ppic/orders/{id}/{action}",
    tag = "ppic",
    params(
        ("id" = i64, Path, description = "The order's id"),
        ("action" = String, Path, description = "`close` or `cancel`"),
        IdempotencyKey
    ),
    responses(
        (status = 200, description = "The order after the step", body = MoDetail),
        SignedInErrors,
        (status = 403, description = "No APPROVE permission on ppic", body = ErrorBody),
        (status = 404, description = "No such order", body = ErrorBody),
        (status = 409, description = "Not allowed from its status (the message names it and the steps it allows), or the key was used for another request", body = ErrorBody),
        (status = 422, description = "Not close or cancel", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn order_step(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path((id, action)): Path<(i64, String)>,
) -> ApiResult<Json<MoDetail>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::ppic::order_step(&s.svc, &user, id, &action, key.as_deref(), now_ms()).await?,
    ))
}

/// Release a draft order: its BOM version is exploded into one job per
/// routing operation (quantities per variant), a released child order per
/// sub-assembly with its own BOM, and the material list; then every open
/// job is planned again on the work centres' calendars and capacity.
#[utoipa::path(
    post,
    path = "/ppic/orders/{id}/release",
    tag = "ppic",
    params(("id" = i64, Path, description = "The order's id"), IdempotencyKey),
    responses(
        (status = 200, description = "The released order with its jobs and child orders", body = MoDetail),
        SignedInErrors,
        (status = 403, description = "No APPROVE permission on ppic", body = ErrorBody),
        (status = 404, description = "No such order", body = ErrorBody),
        (status = 409, description = "Not a draft (the message names its status), its BOM cannot be planned, or the key was used for another request", body = ErrorBody),
        (status = 422, description = "A parameter is malformed, or a variant does not fit the BOM", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn release(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<MoDetail>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::ppic::release(&s.svc, &user, id, key.as_deref(), now_ms()).await?,
    ))
}

/// Release many draft orders at once (up to 2,000): each exploded as one
/// release does, then the floor planned once. All or nothing: the first
/// order that cannot be released is named (`order 12: …`) and nothing is
/// written.
#[utoipa::path(
    post,
    path = "/ppic/orders/release",
    tag = "ppic",
    request_body = ReleaseManyInput,
    params(IdempotencyKey),
    responses(
        (status = 200, description = "The orders released, with their child orders", body = ReleasedMany),
        SignedInJsonErrors,
        (status = 403, description = "No APPROVE permission on ppic", body = ErrorBody),
        (status = 409, description = "An order is not a draft or cannot be planned (named); nothing was released", body = ErrorBody),
        (status = 422, description = "`orders` is empty, too long, names an order twice or one that does not exist", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn release_many(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    JsonBody(input): JsonBody<ReleaseManyInput>,
) -> ApiResult<Json<ReleasedMany>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::ppic::release_many(&s.svc, &user, &input, key.as_deref(), now_ms()).await?,
    ))
}

/// A step in a job's life: approve (APPROVE), start, pause, resume,
/// complete (UPDATE; the body may report good and scrap per variant),
/// cancel (APPROVE). Starting or resuming clocks the caller on; pausing,
/// completing and cancelling clock everyone off.
#[utoipa::path(
    post,
    path = "/ppic/tasks/{id}/{action}",
    tag = "ppic",
    params(
        ("id" = i64, Path, description = "The job's id"),
        ("action" = TaskAction, Path, description = "The step to take"),
        IdempotencyKey,
    ),
    request_body(content = Option<TaskStepInput>, description = "Optional: quantities (on complete), a note, the version the step was decided on"),
    responses(
        (status = 200, description = "The job after the step", body = JobView),
        SignedInErrors,
        (status = 403, description = "No permission for this step", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "Not allowed from the job's state (the message names it and the allowed steps), changed since `version`, or the key was used for another request", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "A body was sent that is not JSON", body = ErrorBody),
        (status = 422, description = "The action, a quantity or the note is malformed (named, e.g. `quantities[0].good`)", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn task_step(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path((id, action)): Path<(i64, String)>,
    OptionalJsonBody(input): OptionalJsonBody<TaskStepInput>,
) -> ApiResult<Json<JobView>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::ppic::step(&s.svc, &user, id, &action, &input, key.as_deref(), now_ms()).await?,
    ))
}

/// Many steps over many jobs in one call, applied in order: all or nothing.
/// A refusal names the item (`items[3]`) and why.
#[utoipa::path(
    post,
    path = "/ppic/tasks/batch",
    tag = "ppic",
    request_body = BatchInput,
    params(IdempotencyKey),
    responses(
        (status = 200, description = "The jobs after the steps", body = Vec<JobView>),
        SignedInJsonErrors,
        (status = 403, description = "No permission for one of the steps", body = ErrorBody),
        (status = 404, description = "An item names no job (`items[i]`)", body = ErrorBody),
        (status = 409, description = "An item's step is not allowed (`items[i] (job N): …`); nothing was applied", body = ErrorBody),
        (status = 422, description = "An item is malformed (named, e.g. `items[2].action`); nothing was applied", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn batch(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    JsonBody(input): JsonBody<BatchInput>,
) -> ApiResult<Json<Vec<JobView>>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::ppic::batch(&s.svc, &user, &input, key.as_deref(), now_ms()).await?,
    ))
}

/// Clock on to a running job (several operators may work one job, and one
/// operator several jobs); each clock-on/off is a labour entry.
#[utoipa::path(
    post,
    path = "/ppic/tasks/{id}/clock-on",
    tag = "ppic",
    params(("id" = i64, Path, description = "The job's id"), IdempotencyKey),
    responses(
        (status = 200, description = "The job", body = JobView),
        SignedInErrors,
        (status = 403, description = "No UPDATE permission on ppic", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "The job is not in progress, or the key was used for another request", body = ErrorBody),
        (status = 422, description = "The id is not a whole number", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn clock_on(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<JobView>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::ppic::clock(&s.svc, &user, id, true, key.as_deref(), now_ms()).await?,
    ))
}

/// Clock off a job.
#[utoipa::path(
    post,
    path = "/ppic/tasks/{id}/clock-off",
    tag = "ppic",
    params(("id" = i64, Path, description = "The job's id"), IdempotencyKey),
    responses(
        (status = 200, description = "The job", body = JobView),
        SignedInErrors,
        (status = 403, description = "No UPDATE permission on ppic", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "The caller is not on the job, or the key was used for another request", body = ErrorBody),
        (status = 422, description = "The id is not a whole number", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn clock_off(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<JobView>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::ppic::clock(&s.svc, &user, id, false, key.as_deref(), now_ms()).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct KanbanQuery {
    /// Only jobs on this work centre (its code).
    work_centre: Option<String>,
    /// Only this order's jobs and its child orders'.
    #[param(value_type = Option<i64>)]
    order: Option<String>,
    /// Cards listed per column, 1 to 1000 (default 50; the finished and
    /// cancelled columns list at most 50). Every column counts all its jobs.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    limit: Option<String>,
}

/// The Kanban board: the jobs of released, running and finished orders in
/// a column per state, each column by planned start (the final ones the
/// most recent first), with its total and late counts, and the filters'
/// choices.
#[utoipa::path(
    get,
    path = "/ppic/kanban",
    tag = "ppic",
    params(KanbanQuery),
    responses(
        (status = 200, description = "The board", body = KanbanBoard),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on ppic", body = ErrorBody),
        (status = 422, description = "A query parameter is malformed or names nothing", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn kanban(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Query(q): Query<KanbanQuery>,
) -> ApiResult<Json<KanbanBoard>> {
    let order = int_param("order", &q.order)?;
    let limit = int_param("limit", &q.limit)?;
    let board = service::ppic::board(
        &s.svc,
        &user,
        q.work_centre.as_deref(),
        order,
        limit,
        now_ms(),
    )
    .await?;
    Ok(Json(board))
}

/// Drop a card in another column: the one step that leads there (with its
/// permission), or 409 naming the columns the card may go to.
#[utoipa::path(
    put,
    path = "/ppic/kanban/{id}",
    tag = "ppic",
    request_body = KanbanMoveInput,
    params(("id" = i64, Path, description = "The job's id"), IdempotencyKey),
    responses(
        (status = 200, description = "The job after the step", body = JobView),
        SignedInJsonErrors,
        (status = 403, description = "No permission for the step the drop means", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "No step leads to that column, the card changed since `version`, or the key was used for another request", body = ErrorBody),
        (status = 422, description = "`to` is not a column", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn kanban_drop(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<KanbanMoveInput>,
) -> ApiResult<Json<JobView>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::ppic::drop_card(&s.svc, &user, id, &input, key.as_deref(), now_ms()).await?,
    ))
}
