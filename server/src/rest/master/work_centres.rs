//! Work centres, and the capacity they offer per day.

use super::*;
use domain::master::CapacityDay;

crud!(
    crud,
    work_centres,
    WorkCentreRecord,
    WorkCentreInput,
    "work centre",
    "/master/work-centres",
    "/master/work-centres/{id}",
    "/master/work-centres/{id}/archive",
    "/master/work-centres/{id}/restore"
);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(capacity))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct CapacityQuery {
    /// The first day, `YYYY-MM-DD` (plant time).
    #[param(value_type = String)]
    from: Option<String>,
    /// How many days, 1 to 366 (default 7).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 366)]
    days: Option<String>,
}

/// Available minutes per day: the calendar's open minutes × parallel capacity.
#[utoipa::path(
    get,
    path = "/master/work-centres/{id}/capacity",
    tag = "master",
    params(("id" = i64, Path, description = "The work centre's id"), CapacityQuery),
    responses(
        (status = 200, description = "One entry per day", body = Vec<CapacityDay>),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on master", body = ErrorBody),
        (status = 404, description = "No such work centre", body = ErrorBody),
        (status = 422, description = "A parameter is missing or malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn capacity(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
    Query(q): Query<CapacityQuery>,
) -> ApiResult<Json<Vec<CapacityDay>>> {
    let from = q
        .from
        .filter(|f| !f.trim().is_empty())
        .ok_or_else(|| AppError::field("from", "give the first day as YYYY-MM-DD"))?;
    let days = int_param("days", &q.days)?.unwrap_or(7);
    Ok(Json(
        service::master::work_centres::capacity(&s.svc, &user, id, &from, days).await?,
    ))
}
