//! `/api/v1/maintenance/...`: machines, SLA targets, requests and their
//! transitions. Mutations honour an `Idempotency-Key` header.

use super::{idempotency_key, ApiResult, AuthUser, JsonBody, OptionalJsonBody, Path, Query};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use domain::maintenance::{
    ListFilter, Machine, NewRequestInput, Request, RequestDetail, RequestPage, SlaPolicy,
};
use domain::perm::{Action, Module};
use domain::AppError;
use serde::Deserialize;
use service::maintenance::{NewMachineInput, TransitionInput};
use service::now_ms;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/maintenance/machines", get(machines).post(create_machine))
        .route("/maintenance/sla", get(sla).put(set_sla))
        .route("/maintenance/requests", get(list).post(create))
        .route("/maintenance/requests/{id}", get(detail))
        .route("/maintenance/requests/{id}/{action}", post(transition))
        .route("/maintenance/monitor/run", put(run_monitor))
}

async fn machines(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<Json<Vec<Machine>>> {
    Ok(Json(
        service::maintenance::list_machines(&s.svc, &user).await?,
    ))
}

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

async fn sla(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<Json<Vec<SlaPolicy>>> {
    Ok(Json(
        service::maintenance::sla_policies(&s.svc, &user).await?,
    ))
}

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
#[derive(Deserialize)]
struct ListQuery {
    status: Option<String>,
    priority: Option<String>,
    machine_id: Option<String>,
    active_only: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

fn int_param(name: &str, v: &Option<String>) -> Result<Option<i64>, AppError> {
    match v.as_deref().filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| AppError::field(name, "must be a whole number")),
    }
}

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

async fn detail(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<RequestDetail>> {
    Ok(Json(
        service::maintenance::get(&s.svc, &user, id, now_ms()).await?,
    ))
}

#[derive(Deserialize, Default)]
struct NoteIn {
    #[serde(default)]
    note: String,
}

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

/// Runs one monitor pass now (admins; for operations and tests).
async fn run_monitor(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<Json<serde_json::Value>> {
    user.require(Module::Admin, Action::Update)?;
    let n = service::maintenance::monitor_tick(&s.svc, now_ms()).await?;
    Ok(Json(serde_json::json!({ "recorded": n })))
}
