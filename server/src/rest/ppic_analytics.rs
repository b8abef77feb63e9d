//! `/api/v1/ppic/analytics/...`: orders per status, planned against actual
//! durations and the on-time rate, load against capacity with the
//! bottleneck.

use super::openapi::{ErrorBody, SignedInErrors};
use super::{int_param, ApiResult, AuthUser, Query};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use domain::ppic::{LoadReport, PerformanceReport, StatusCount};
use serde::Deserialize;
use service::now_ms;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(analytics_orders))
        .routes(routes!(analytics_performance))
        .routes(routes!(analytics_load))
}

/// How many manufacturing orders are in each status.
#[utoipa::path(
    get,
    path = "/ppic/analytics/orders",
    tag = "ppic",
    responses(
        (status = 200, description = "A count per status, every status listed", body = Vec<StatusCount>),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on ppic", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn analytics_orders(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<Json<Vec<StatusCount>>> {
    Ok(Json(service::ppic::orders_by_status(&s.svc, &user).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PerformanceQuery {
    /// Jobs completed in the last this many days, 1 to 366 (default 30).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 366)]
    days: Option<String>,
}

/// Planned against actual minutes and the on-time rate of completed jobs,
/// per work centre and per item.
#[utoipa::path(
    get,
    path = "/ppic/analytics/performance",
    tag = "ppic",
    params(PerformanceQuery),
    responses(
        (status = 200, description = "The figures", body = PerformanceReport),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on ppic", body = ErrorBody),
        (status = 422, description = "`days` is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn analytics_performance(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Query(q): Query<PerformanceQuery>,
) -> ApiResult<Json<PerformanceReport>> {
    let days = int_param("days", &q.days)?;
    Ok(Json(
        service::ppic::performance(&s.svc, &user, days, now_ms()).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct LoadQuery {
    /// The first day (`YYYY-MM-DD`, plant time; today when left out).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// How many days, 1 to 92 (default 14).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 92)]
    days: Option<String>,
}

/// Load against capacity per work centre per day (capacity: open minutes
/// × slots left by maintenance), and the bottleneck with its overload hours.
#[utoipa::path(
    get,
    path = "/ppic/analytics/load",
    tag = "ppic",
    params(LoadQuery),
    responses(
        (status = 200, description = "The figures", body = LoadReport),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on ppic", body = ErrorBody),
        (status = 409, description = "The open jobs cannot be planned within the planning horizon", body = ErrorBody),
        (status = 422, description = "`from` or `days` is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn analytics_load(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Query(q): Query<LoadQuery>,
) -> ApiResult<Json<LoadReport>> {
    let days = int_param("days", &q.days)?;
    Ok(Json(
        service::ppic::load_report(&s.svc, &user, q.from.as_deref(), days, now_ms()).await?,
    ))
}
