//! `/api/v1/ppic/gantt`: the plan as a Gantt chart over a window of days,
//! and a drag of one job to a new start (perhaps on another work centre of
//! its kind), checked against capacity, operation order and maintenance;
//! and the changeover suggestion for the embroidery centres.

use super::openapi::{ErrorBody, SignedInErrors, SignedInJsonErrors};
use super::{
    idempotency_key, int_param, ApiResult, AuthUser, IdempotencyKey, JsonBody, Path, Query,
};
use crate::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use domain::ppic::{ChangeoverView, GanttMoveInput, GanttMoved, GanttView, JobView, UnpinInput};
use serde::Deserialize;
use service::now_ms;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(gantt))
        .routes(routes!(gantt_move))
        .routes(routes!(gantt_unpin))
        .routes(routes!(changeover))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct GanttQuery {
    /// The first day shown, `YYYY-MM-DD` in the plant's time zone (default today).
    from: Option<String>,
    /// How many days, 1 to 62 (default 7).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 62)]
    days: Option<String>,
}

/// The plan over `days` days from `from`: a lane per work centre, the open
/// jobs planned in the window as bars (with the jobs each waits for), and
/// the maintenance windows and closures that take capacity.
#[utoipa::path(
    get,
    path = "/ppic/gantt",
    tag = "ppic",
    params(GanttQuery),
    responses(
        (status = 200, description = "The chart", body = GanttView),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on ppic", body = ErrorBody),
        (status = 422, description = "A query parameter is malformed, or the window holds too many jobs", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn gantt(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Query(q): Query<GanttQuery>,
) -> ApiResult<Json<GanttView>> {
    let days = int_param("days", &q.days)?;
    Ok(Json(
        service::ppic::gantt(&s.svc, &user, q.from.as_deref(), days, now_ms()).await?,
    ))
}

/// Drag a job (not started yet) to a new start, on another work centre of
/// the same kind if `work_centre` names one. The move is checked against
/// the plan as it stands: not before the jobs it waits for end, not before
/// its release, when the centre is open, with a slot free for its whole
/// span and no maintenance window in the way. The jobs that wait for it
/// move with it (only ever later); it is pinned at its new place.
#[utoipa::path(
    put,
    path = "/ppic/gantt/{id}",
    tag = "ppic",
    request_body = GanttMoveInput,
    params(("id" = i64, Path, description = "The job's id"), IdempotencyKey),
    responses(
        (status = 200, description = "The moved job and the jobs that moved with it", body = GanttMoved),
        SignedInJsonErrors,
        (status = 403, description = "No APPROVE permission on ppic", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "Refused, with the reason: before a predecessor ends, before its release, the centre closed, maintenance, capacity full, another kind of centre, the job started or changed since `version`", body = ErrorBody),
        (status = 422, description = "`start`, `work_centre` or `version` is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn gantt_move(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<GanttMoveInput>,
) -> ApiResult<Json<GanttMoved>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::ppic::move_job(&s.svc, &user, id, &input, key.as_deref(), now_ms()).await?,
    ))
}

/// Lift a job's pin (set by a drag): the plan decides its time again. The
/// floor is re-planned at once; the answer is the job at its new place.
#[utoipa::path(
    post,
    path = "/ppic/gantt/{id}/unpin",
    tag = "ppic",
    request_body = UnpinInput,
    params(("id" = i64, Path, description = "The job's id"), IdempotencyKey),
    responses(
        (status = 200, description = "The job, planned again", body = JobView),
        SignedInJsonErrors,
        (status = 403, description = "No APPROVE permission on ppic", body = ErrorBody),
        (status = 404, description = "No such job", body = ErrorBody),
        (status = 409, description = "The job is not pinned, has started or ended, or changed since `version`", body = ErrorBody),
        (status = 422, description = "`version` is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn gantt_unpin(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<UnpinInput>,
) -> ApiResult<Json<JobView>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::ppic::unpin(&s.svc, &user, id, &input, key.as_deref(), now_ms()).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ChangeoverQuery {
    /// Only this work centre (its code); default every embroidery centre.
    work_centre: Option<String>,
}

/// For each embroidery work centre, its waiting jobs (not started) in the
/// order planned, and a run order that groups them by thread colours and
/// hoop, with the changeover minutes before and after and the minutes
/// saved (each thread colour loaded and each hoop change costs minutes).
#[utoipa::path(
    get,
    path = "/ppic/changeover",
    tag = "ppic",
    params(ChangeoverQuery),
    responses(
        (status = 200, description = "The suggestion per embroidery centre", body = ChangeoverView),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on ppic", body = ErrorBody),
        (status = 422, description = "`work_centre` names no work centre", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn changeover(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Query(q): Query<ChangeoverQuery>,
) -> ApiResult<Json<ChangeoverView>> {
    Ok(Json(
        service::ppic::changeover(&s.svc, &user, q.work_centre.as_deref()).await?,
    ))
}
