//! Units, and the conversions between them (`/master/units/conversions`).

use super::*;
use domain::master::{ConversionInput, ConversionRecord};

crud!(
    crud,
    units,
    UnitRecord,
    UnitInput,
    "unit",
    "/master/units",
    "/master/units/{id}",
    "/master/units/{id}/archive",
    "/master/units/{id}/restore"
);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(conversions, set_conversion))
}

/// Every unit conversion (1 `from` = `factor` `to`).
#[utoipa::path(
    get,
    path = "/master/units/conversions",
    tag = "master",
    responses(
        (status = 200, description = "The conversions, by unit codes", body = Vec<ConversionRecord>),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on master", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn conversions(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
) -> ApiResult<Json<Vec<ConversionRecord>>> {
    Ok(Json(
        service::master::units::conversions(&s.svc.db, &user).await?,
    ))
}

/// Set a conversion between two units (add it, or change its factor).
#[utoipa::path(
    post,
    path = "/master/units/conversions",
    tag = "master",
    request_body = ConversionInput,
    params(IdempotencyKey),
    responses(
        (status = 200, description = "The conversion as stored", body = ConversionRecord),
        SignedInJsonErrors,
        (status = 403, description = "No UPDATE permission on master", body = ErrorBody),
        (status = 409, description = "The key was used for another request", body = ErrorBody),
        (status = 422, description = "A unit is unknown or archived, the factor is not positive, or the reverse exists", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn set_conversion(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    JsonBody(input): JsonBody<ConversionInput>,
) -> ApiResult<Json<ConversionRecord>> {
    let key = idempotency_key(&headers);
    Ok(Json(
        service::master::units::set_conversion(&s.svc, &user, &input, key.as_deref(), now_ms())
            .await?,
    ))
}
