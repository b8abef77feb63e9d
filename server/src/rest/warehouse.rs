//! `/api/v1/warehouse/...`: bills of materials — list and search, one
//! version, its history, saves (refused with every issue), validation
//! without saving, the variant grid, where-used, explosion and cost.
//! Mutations honour an `Idempotency-Key` header.

use super::openapi::{ErrorBody, SignedInErrors, SignedInJsonErrors};
use super::{
    idempotency_key, int_param, ApiError, AuthUser, IdempotencyKey, JsonBody, Path, Query,
};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::bom::{
    BomEdit, BomInput, BomPage, BomSaved, BomSearch, BomValidation, BomVersion, BomView,
    CostRollup, Explosion, VariantGrid,
};
use serde::Deserialize;
use service::now_ms;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(validate))
        .routes(routes!(variants))
        .routes(routes!(search))
        .routes(routes!(get, update))
        .routes(routes!(versions))
        .routes(routes!(explode))
        .routes(routes!(cost))
}

type Answer = Result<Response, ApiError>;

/// A save's answer: `ok` with the stored version, or 422 with every issue.
fn saved(ok: StatusCode, s: BomSaved) -> Response {
    match s {
        BomSaved::Saved { bom } => (ok, Json(*bom)).into_response(),
        BomSaved::Refused { issues } => {
            let first = issues.first();
            let body = ErrorBody {
                code: "invalid".into(),
                message: match first {
                    Some(i) => format!("The BOM cannot be saved: {} ({})", i.message, i.field),
                    None => "The BOM cannot be saved".into(),
                },
                field: first.map(|i| i.field.clone()),
                detail: first.map(|i| i.message.clone()),
                issues: Some(issues),
                report: None,
            };
            (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Part of the item's or a component's code or name.
    q: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// How many to skip (default 0).
    #[param(value_type = Option<i64>, minimum = 0)]
    offset: Option<String>,
}

/// The current BOMs, by item code, a page at a time.
#[utoipa::path(
    get,
    path = "/warehouse/bom",
    tag = "warehouse",
    params(ListQuery),
    responses(
        (status = 200, description = "A page of current BOMs", body = BomPage),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on warehouse", body = ErrorBody),
        (status = 422, description = "A query parameter is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn list(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<BomPage>, ApiError> {
    let (limit, offset) = (
        int_param("limit", &q.limit)?,
        int_param("offset", &q.offset)?,
    );
    Ok(Json(
        service::bom::list(&s.svc, &user, q.q.as_deref(), limit, offset).await?,
    ))
}

/// Create the first BOM of an item (version 1). Refused with every issue
/// (422) when anything is wrong; nothing is written then.
#[utoipa::path(
    post,
    path = "/warehouse/bom",
    tag = "warehouse",
    request_body = BomInput,
    params(IdempotencyKey),
    responses(
        (status = 201, description = "The new BOM", body = BomView),
        SignedInJsonErrors,
        (status = 403, description = "No CREATE permission on warehouse", body = ErrorBody),
        (status = 409, description = "The item has a BOM already, or the key was used for another request", body = ErrorBody),
        (status = 422, description = "The BOM has problems: every one, each at its line and field", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn create(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    JsonBody(input): JsonBody<BomInput>,
) -> Answer {
    let key = idempotency_key(&headers);
    let r = service::bom::create(&s.svc, &user, &input, key.as_deref(), now_ms()).await?;
    Ok(saved(StatusCode::CREATED, r))
}

/// Check a BOM without saving it: every issue, each at its line or routing
/// step and field.
#[utoipa::path(
    post,
    path = "/warehouse/bom/validate",
    tag = "warehouse",
    request_body = BomInput,
    responses(
        (status = 200, description = "Every issue (none: it may be saved)", body = BomValidation),
        SignedInJsonErrors,
        (status = 403, description = "No VIEW permission on warehouse", body = ErrorBody),
        (status = 422, description = "The body is not a BOM form", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn validate(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    JsonBody(input): JsonBody<BomInput>,
) -> Result<Json<BomValidation>, ApiError> {
    Ok(Json(
        service::bom::validate_form(&s.svc, &user, &input).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct VariantsQuery {
    /// The style's item code.
    item: String,
    /// One variant only, e.g. `colour=red;size=M`.
    variant: Option<String>,
}

/// An item's variant grid through its current BOM: every combination of
/// its attribute values (or the one given) with its effective lines.
#[utoipa::path(
    get,
    path = "/warehouse/bom/variants",
    tag = "warehouse",
    params(VariantsQuery),
    responses(
        (status = 200, description = "The variants and their lines", body = VariantGrid),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on warehouse", body = ErrorBody),
        (status = 404, description = "No such item, or it has no BOM", body = ErrorBody),
        (status = 422, description = "A parameter is malformed or a value not allowed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn variants(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Query(q): Query<VariantsQuery>,
) -> Result<Json<VariantGrid>, ApiError> {
    Ok(Json(
        service::bom::variants(&s.svc, &user, &q.item, q.variant.as_deref()).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// Where-used of this component item, through every level.
    component: Option<String>,
    /// BOMs whose item or a component matches (code or name).
    q: Option<String>,
    /// Most BOMs listed for `q`, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    limit: Option<String>,
}

/// Where-used (`component=CODE`) and/or BOM search (`q=`).
#[utoipa::path(
    get,
    path = "/warehouse/bom/search",
    tag = "warehouse",
    params(SearchQuery),
    responses(
        (status = 200, description = "Where-used and matching BOMs", body = BomSearch),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on warehouse", body = ErrorBody),
        (status = 404, description = "No such component item", body = ErrorBody),
        (status = 422, description = "Neither parameter given, or one is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn search(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Query(q): Query<SearchQuery>,
) -> Result<Json<BomSearch>, ApiError> {
    let limit = int_param("limit", &q.limit)?;
    Ok(Json(
        service::bom::search(&s.svc, &user, q.component.as_deref(), q.q.as_deref(), limit).await?,
    ))
}

/// One version of a BOM, as the editor opens it.
#[utoipa::path(
    get,
    path = "/warehouse/bom/{id}",
    tag = "warehouse",
    params(("id" = i64, Path, description = "The id of a BOM version")),
    responses(
        (status = 200, description = "The version", body = BomView),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on warehouse", body = ErrorBody),
        (status = 404, description = "No such BOM version", body = ErrorBody),
        (status = 422, description = "The id is not a whole number", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn get(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
) -> Result<Json<BomView>, ApiError> {
    Ok(Json(service::bom::get(&s.svc, &user, id).await?))
}

/// Save an edit of the current version, read at `revision`. A version an
/// order has used (frozen) is kept: the edit becomes a new current version.
#[utoipa::path(
    put,
    path = "/warehouse/bom/{id}",
    tag = "warehouse",
    params(("id" = i64, Path, description = "The id of the current BOM version"), IdempotencyKey),
    request_body = BomEdit,
    responses(
        (status = 200, description = "The saved version (a new id when a new version was written)", body = BomView),
        SignedInJsonErrors,
        (status = 403, description = "No UPDATE permission on warehouse", body = ErrorBody),
        (status = 404, description = "No such BOM version", body = ErrorBody),
        (status = 409, description = "Changed by someone else since `revision`, not the current version, or the key was used for another request", body = ErrorBody),
        (status = 422, description = "The BOM has problems: every one, each at its line and field", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn update(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    JsonBody(edit): JsonBody<BomEdit>,
) -> Answer {
    let key = idempotency_key(&headers);
    let r = service::bom::update(&s.svc, &user, id, &edit, key.as_deref(), now_ms()).await?;
    Ok(saved(StatusCode::OK, r))
}

/// Every version of the BOM, newest first.
#[utoipa::path(
    get,
    path = "/warehouse/bom/{id}/versions",
    tag = "warehouse",
    params(("id" = i64, Path, description = "The id of any version of the BOM")),
    responses(
        (status = 200, description = "The versions", body = Vec<BomVersion>),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on warehouse", body = ErrorBody),
        (status = 404, description = "No such BOM version", body = ErrorBody),
        (status = 422, description = "The id is not a whole number", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn versions(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
) -> Result<Json<Vec<BomVersion>>, ApiError> {
    Ok(Json(service::bom::versions(&s.svc, &user, id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct QtyQuery {
    /// How many to make (decimal text, default 1).
    qty: Option<String>,
    /// The variant, e.g. `colour=red;size=M` (every attribute of the item).
    variant: Option<String>,
}

/// Explode a quantity of a variant through this version: the tree and the
/// flat requirements (scrap included).
#[utoipa::path(
    get,
    path = "/warehouse/bom/{id}/explode",
    tag = "warehouse",
    params(("id" = i64, Path, description = "The id of a BOM version"), QtyQuery),
    responses(
        (status = 200, description = "The explosion", body = Explosion),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on warehouse", body = ErrorBody),
        (status = 404, description = "No such BOM version", body = ErrorBody),
        (status = 409, description = "The BOMs below name missing data", body = ErrorBody),
        (status = 422, description = "The quantity or variant is malformed or not allowed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn explode(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
    Query(q): Query<QtyQuery>,
) -> Result<Json<Explosion>, ApiError> {
    Ok(Json(
        service::bom::explode_bom(&s.svc, &user, id, q.qty.as_deref(), q.variant.as_deref())
            .await?,
    ))
}

/// The cost of a quantity of a variant: material, scrap and labour per
/// node, per level and in total.
#[utoipa::path(
    get,
    path = "/warehouse/bom/{id}/cost",
    tag = "warehouse",
    params(("id" = i64, Path, description = "The id of a BOM version"), QtyQuery),
    responses(
        (status = 200, description = "The cost roll-up", body = CostRollup),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on warehouse", body = ErrorBody),
        (status = 404, description = "No such BOM version", body = ErrorBody),
        (status = 409, description = "The BOMs below name missing data", body = ErrorBody),
        (status = 422, description = "The quantity or variant is malformed or not allowed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn cost(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
    Query(q): Query<QtyQuery>,
) -> Result<Json<CostRollup>, ApiError> {
    Ok(Json(
        service::bom::cost_bom(&s.svc, &user, id, q.qty.as_deref(), q.variant.as_deref()).await?,
    ))
}
