//! `/api/v1/import-export/...`: CSV import of items and BOMs. The body is
//! the file (`Content-Type: text/csv`, UTF-8, at most 5 MB); `dry_run`
//! (default `true`: checking never writes by accident) checks everything and
//! writes nothing, `dry_run=false` writes all rows or none. A clean file
//! answers 200 with the report; a file with problems 422 with the error
//! body, its `report` listing every problem at its row and column. Commits
//! honour an `Idempotency-Key` header.

use super::extract::http_error;
use super::openapi::{ErrorBody, SignedInErrors};
use super::{idempotency_key, ApiError, AuthUser, IdempotencyKey};
use crate::AppState;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::import::{ImportReport, MAX_BYTES};
use domain::AppError;
use service::now_ms;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(items))
        .routes(routes!(boms))
}

/// The query of an import (read by [`dry_run`]; this type documents it).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct ImportQuery {
    /// `true` (the default): check the file and write nothing. `false`:
    /// write every row in one transaction, or nothing if any row is wrong.
    dry_run: Option<bool>,
}

/// `dry_run` from the query: absent or `true`/`1` is a dry run.
fn dry_run(query: Option<&str>) -> Result<bool, AppError> {
    let mut out = None;
    for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        if k != "dry_run" {
            continue;
        }
        if out.is_some() {
            return Err(AppError::field("dry_run", "is given twice"));
        }
        out = Some(match v.trim() {
            "" | "true" | "1" => true,
            "false" | "0" => false,
            _ => return Err(AppError::field("dry_run", "must be true or false")),
        });
    }
    Ok(out.unwrap_or(true))
}

/// The file: 415 unless it is sent as `text/csv`, 413 over 5 MB, 422
/// unless it is UTF-8.
async fn csv_text(headers: &HeaderMap, body: Body) -> Result<String, Response> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct.split(';').next().unwrap_or("").trim();
    if !mime.eq_ignore_ascii_case("text/csv") {
        let sent = if ct.is_empty() {
            "no Content-Type".to_string()
        } else {
            format!("Content-Type {ct:?}")
        };
        return Err(http_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            &format!("Send the file as CSV with Content-Type: text/csv (this request has {sent})."),
        ));
    }
    let too_large = || {
        http_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            &format!(
                "The file is larger than {MAX_BYTES} bytes (5 MB); split it into smaller files."
            ),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BYTES) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(body, MAX_BYTES)
        .await
        .map_err(|_| too_large())?;
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        ApiError(AppError::field(
            "body",
            "is not UTF-8 text; save the file as CSV UTF-8",
        ))
        .into_response()
    })
}

/// 200 with a clean report; 422 with the error body carrying the report.
fn answer(r: ImportReport) -> Response {
    let Some(first) = r.errors.first() else {
        return (StatusCode::OK, Json(r)).into_response();
    };
    let body = ErrorBody {
        code: "invalid".into(),
        message: format!(
            "The file has {} problem{}; nothing was written. The first: row {}, {}: {}",
            r.errors.len(),
            if r.errors.len() == 1 { "" } else { "s" },
            first.row,
            first.field,
            first.message
        ),
        field: Some(first.field.clone()),
        detail: Some(first.message.clone()),
        issues: None,
        report: Some(r),
    };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// Reads the query and the file, then imports them with `import`.
async fn import<F, Fut>(
    headers: HeaderMap,
    query: Option<String>,
    body: Body,
    import: F,
) -> Response
where
    F: FnOnce(String, bool, Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<ImportReport, service::ServiceError>>,
{
    let dry = match dry_run(query.as_deref()) {
        Ok(d) => d,
        Err(e) => return ApiError(e).into_response(),
    };
    let text = match csv_text(&headers, body).await {
        Ok(t) => t,
        Err(res) => return res,
    };
    match import(text, dry, idempotency_key(&headers)).await {
        Ok(r) => answer(r),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Import items from CSV: an existing code updates that item, a new code
/// creates it.
///
/// Columns (a header row names them, in any order and case): `code`,
/// `name`, `kind` (`raw`, `component` or `finished`), `unit` (a unit's code)
/// — required; `standard_cost_minor` (whole cents), `attributes`
/// (`size=S|M|L; colour=red|blue`), `embroidery_design` (a design's code) —
/// optional; one left out keeps an existing item's value. Needs CREATE and
/// UPDATE on master.
#[utoipa::path(
    post,
    path = "/import-export/items",
    tag = "import-export",
    params(ImportQuery, IdempotencyKey),
    request_body(content = String, content_type = "text/csv", description = "The file, UTF-8, at most 5 MB and 20,000 rows"),
    responses(
        (status = 200, description = "Every row is fine: checked (dry run) or written", body = ImportReport),
        SignedInErrors,
        (status = 403, description = "No CREATE or UPDATE permission on master", body = ErrorBody),
        (status = 409, description = "The key was used for another request", body = ErrorBody),
        (status = 413, description = "The file is larger than 5 MB", body = ErrorBody),
        (status = 415, description = "The body is not sent as text/csv", body = ErrorBody),
        (status = 422, description = "The file has problems (`report` lists every one at its row and column; nothing was written), or it is empty, not UTF-8, over 20,000 rows, or a parameter is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn items(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    import(headers, query, body, |text, dry, key| async move {
        service::import::items(&s.svc, &user, &text, dry, key.as_deref(), now_ms()).await
    })
    .await
}

/// Import BOMs from CSV: one row per component line; the rows of a parent
/// are its BOM.
///
/// Columns: `parent`, `component` (item codes), `qty_per` (`0.25`, or by an
/// attribute of the parent: `size: S=0.08|M=0.12|*=0.1`) — required;
/// `scrap_percent` (`5.5`), `line_no`, `follows` (component attributes that
/// follow the parent's: `colour`, or `colour=body_colour`), `fixed`
/// (`colour=black`) — optional. Each BOM is checked and saved as the BOM
/// editor saves it (cycles through the file's BOMs too); a parent with a BOM
/// has its lines replaced (routing and overrides kept), in a new version if
/// an order uses it. Needs CREATE and UPDATE on warehouse.
#[utoipa::path(
    post,
    path = "/import-export/boms",
    tag = "import-export",
    params(ImportQuery, IdempotencyKey),
    request_body(content = String, content_type = "text/csv", description = "The file, UTF-8, at most 5 MB and 20,000 rows"),
    responses(
        (status = 200, description = "Every BOM is fine: checked (dry run) or saved", body = ImportReport),
        SignedInErrors,
        (status = 403, description = "No CREATE or UPDATE permission on warehouse", body = ErrorBody),
        (status = 409, description = "The key was used for another request", body = ErrorBody),
        (status = 413, description = "The file is larger than 5 MB", body = ErrorBody),
        (status = 415, description = "The body is not sent as text/csv", body = ErrorBody),
        (status = 422, description = "The file has problems (`report` lists every one at its row and column; nothing was written), or it is empty, not UTF-8, over 20,000 rows, or a parameter is malformed", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn boms(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    import(headers, query, body, |text, dry, key| async move {
        service::import::boms(&s.svc, &user, &text, dry, key.as_deref(), now_ms()).await
    })
    .await
}
