//! `/api/v1/maintenance/...`: machines, SLA targets, requests and their
//! transitions. Mutations honour an `Idempotency-Key` header.

use super::openapi::{ErrorBody, SignedInErrors, SignedInJsonErrors};
use super::{
    idempotency_key, int_param, ApiResult, AuthUser, IdempotencyKey, JsonBody, OptionalJsonBody,
    Path, Query,
};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use domain::maintenance::{
    ListFilter, Machine, NewMachineInput, NewRequestInput, Priority, Request, RequestDetail,
    RequestPage, SlaPolicy, Status, Transition, WindowInput,
};
use domain::perm::{Action, Module};
use domain::AppError;
use serde::{Deserialize, Serialize};
use service::maintenance::TransitionInput;
use service::now_ms;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(machines, create_machine))
        .routes(routes!(sla, set_sla))
        .routes(routes!(list, create))
        .routes(routes!(detail))
        .routes(routes!(transition))
        .routes(routes!(set_window))
        .routes(routes!(run_monitor))
}

/// The machines.
#[utoipa::path(
    get,
    path = "/maintenance/machines",
    tag = "maintenance",
    responses(
        (status = 200, description = "Every machine, by code", body = Vec<Machine>),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on maintenance or master", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn machines(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<Json<Vec<Machine>>> {
    Ok(Json(
        service::maintenance::list_machines(&s.svc, &user).await?,
    ))
}

/// Add a machine.
#[utoipa::path(
    post,
    path = "/maintenance/machines",
    tag = "maintenance",
    request_body = NewMachineInput,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new machine", body = Machine),
        SignedInJsonErrors,
        (status = 403, description = "No CREATE permission on master", body = ErrorBody),
        (status = 409, description = "The code is taken, or the key was used for another request", body = ErrorBody),
        (status = 422, description = "A field is missing or malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn create_machine(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    JsonBody(input): JsonBody<NewMachineInput>,
) -> ApiResult<(StatusCode, Json<Machine>)> {
    let key = idempotency_key(&headers);
    let m = service::maintenance::create_machine(&s.svc, &user, &input, key.as_deref(), now_ms())
        .await?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// The SLA targets, one per priority.
#[utoipa::path(
    get,
    path = "/maintenance/sla",
    tag = "maintenance",
    responses(
        (status = 200, description = "The targets", body = Vec<SlaPolicy>),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on maintenance", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn sla(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<Json<Vec<SlaPolicy>>> {
    Ok(Json(
        service::maintenance::sla_policies(&s.svc, &user).await?,
    ))
}

/// Set the SLA targets of one priority (for requests reported from now on).
#[utoipa::path(
    put,
    path = "/maintenance/sla",
    tag = "maintenance",
    request_body = SlaPolicy,
    params(IdempotencyKey),
    responses(
        (status = 200, description = "The targets as stored", body = SlaPolicy),
        SignedInJsonErrors,
        (status = 403, description = "No permission to change SLA targets", body = ErrorBody),
        (status = 409, description = "The key was used for another request", body = ErrorBody),
        (status = 422, description = "A field is missing or out of range", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn set_sla(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    JsonBody(policy): JsonBody<SlaPolicy>,
) -> ApiResult<Json<SlaPolicy>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::maintenance::set_sla_policy(&s.svc, &user, &policy, key.as_deref(), now_ms())
            .await?,
    ))
}

/// Query parameters arrive as text; parse them with errors that name them.
/// (The document gives the types they must parse as.)
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only requests in this status.
    #[param(value_type = Option<Status>)]
    status: Option<String>,
    /// Only requests of this priority.
    #[param(value_type = Option<Priority>)]
    priority: Option<String>,
    /// Only requests for this machine.
    #[param(value_type = Option<i64>)]
    machine_id: Option<String>,
    /// Only requests not yet resolved, closed or cancelled.
    #[param(value_type = Option<bool>)]
    active_only: Option<String>,
    /// Page size, 1 to 500 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 500)]
    limit: Option<String>,
    /// How many to skip (default 0).
    #[param(value_type = Option<i64>, minimum = 0)]
    offset: Option<String>,
}

/// Maintenance requests, most urgent first, a page at a time.
#[utoipa::path(
    get,
    path = "/maintenance/requests",
    tag = "maintenance",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of requests", body = RequestPage),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on maintenance", body = ErrorBody),
        (status = 422, description = "A query parameter is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn list(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<RequestPage>> {
    let filter = ListFilter {
        status: q.status,
        priority: q.priority,
        machine_id: int_param("machine_id", &q.machine_id)?,
        active_only: match q.active_only.as_deref() {
            None | Some("") | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(_) => return Err(AppError::field("active_only", "must be true or false").into()),
        },
        limit: int_param("limit", &q.limit)?,
        offset: int_param("offset", &q.offset)?,
    };
    Ok(Json(
        service::maintenance::list(&s.svc, &user, &filter, now_ms()).await?,
    ))
}

/// Report a problem: a new maintenance request.
///
/// `kind` is one of the `Kind` values and `priority` one of the `Priority` values.
/// A preventive request may be planned (`planned_start` in the plant's local
/// time, with `estimated_minutes`); a breakdown may estimate its downtime.
/// A breakdown, or a planned window, on a machine of a work centre takes its
/// capacity: the production plan is made again in the same transaction.
#[utoipa::path(
    post,
    path = "/maintenance/requests",
    tag = "maintenance",
    request_body = NewRequestInput,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new request", body = Request),
        SignedInJsonErrors,
        (status = 403, description = "No CREATE permission on maintenance", body = ErrorBody),
        (status = 409, description = "The key was used for another request", body = ErrorBody),
        (status = 422, description = "A field is missing or malformed, or the machine is unknown", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn create(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    JsonBody(input): JsonBody<NewRequestInput>,
) -> ApiResult<(StatusCode, Json<Request>)> {
    let key = idempotency_key(&headers);
    let r = service::maintenance::create(&s.svc, &user, &input, key.as_deref(), now_ms()).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// One request with its timeline.
#[utoipa::path(
    get,
    path = "/maintenance/requests/{id}",
    tag = "maintenance",
    params(("id" = i64, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request and its timeline", body = RequestDetail),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on maintenance", body = ErrorBody),
        (status = 404, description = "No such request", body = ErrorBody),
        (status = 422, description = "The id is not a whole number", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn detail(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<RequestDetail>> {
    Ok(Json(
        service::maintenance::get(&s.svc, &user, id, now_ms()).await?,
    ))
}

/// An optional note for a transition (the body may also be empty).
#[derive(Deserialize, Default, ToSchema)]
struct NoteIn {
    #[serde(default)]
    note: String,
}

/// Move a request along its lifecycle (acknowledge, start, wait for parts, resolve, ...).
#[utoipa::path(
    post,
    path = "/maintenance/requests/{id}/{action}",
    tag = "maintenance",
    params(
        ("id" = i64, Path, description = "The request's id"),
        ("action" = Transition, Path, description = "The transition to make"),
        IdempotencyKey,
    ),
    request_body(content = Option<NoteIn>, description = "Optional: `{\"note\": \"...\"}`, or no body"),
    responses(
        (status = 200, description = "The request after the transition", body = Request),
        SignedInErrors,
        (status = 403, description = "No permission for this transition", body = ErrorBody),
        (status = 404, description = "No such request", body = ErrorBody),
        (status = 409, description = "Not allowed from the request's status, or the key was used for another request", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "A body was sent that is not JSON", body = ErrorBody),
        (status = 422, description = "A parameter or the note is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn transition(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path((id, action)): Path<(i64, String)>,
    // The body is optional: `{"note": "..."}` or nothing.
    OptionalJsonBody(body): OptionalJsonBody<NoteIn>,
) -> ApiResult<Json<Request>> {
    let input = TransitionInput {
        transition: action,
        note: body.note,
    };
    let key = idempotency_key(&headers);
    Ok(Json(
        service::maintenance::transition(&s.svc, &user, id, &input, key.as_deref(), now_ms())
            .await?,
    ))
}

/// Plan an open preventive request's downtime again.
///
/// `planned_start` in the plant's local time (`2026-12-08T07:30`) or an ISO
/// 8601 instant, with `estimated_minutes`; no `planned_start` removes the
/// window. `version` is the request's version as last read. The production
/// plan follows in the same transaction.
#[utoipa::path(
    put,
    path = "/maintenance/requests/{id}/window",
    tag = "maintenance",
    params(("id" = i64, Path, description = "The request's id"), IdempotencyKey),
    request_body = WindowInput,
    responses(
        (status = 200, description = "The request with its new window", body = Request),
        SignedInJsonErrors,
        (status = 403, description = "No UPDATE permission on maintenance", body = ErrorBody),
        (status = 404, description = "No such request", body = ErrorBody),
        (status = 409, description = "The request changed since `version`, is not preventive or is no longer open, or the key was used for another request", body = ErrorBody),
        (status = 422, description = "A field is missing, malformed or out of range", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn set_window(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<WindowInput>,
) -> ApiResult<Json<Request>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::maintenance::set_window(&s.svc, &user, id, &input, key.as_deref(), now_ms())
            .await?,
    ))
}

/// What a monitor pass did.
#[derive(Serialize, ToSchema)]
struct MonitorRun {
    /// SLA breaches recorded by this pass.
    recorded: u64,
}

/// Run one SLA monitor pass now (admins; for operations and tests).
#[utoipa::path(
    put,
    path = "/maintenance/monitor/run",
    tag = "maintenance",
    responses(
        (status = 200, description = "The pass ran", body = MonitorRun),
        SignedInErrors,
        (status = 403, description = "No UPDATE permission on admin", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn run_monitor(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<Json<MonitorRun>> {
    user.require(Module::Admin, Action::Update)?;
    let n = service::maintenance::monitor_tick(&s.svc, now_ms()).await?;
    Ok(Json(MonitorRun { recorded: n as u64 }))
}
