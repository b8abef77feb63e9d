//! Embroidery designs, and their design file: uploaded as the raw body
//! (`PUT …/file`, at most 5 MB), downloaded as an attachment, never inline.

use super::*;
use axum::body::Body;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use service::master::designs::MAX_FILE_BYTES;

crud!(
    crud,
    designs,
    DesignRecord,
    DesignInput,
    "embroidery design",
    "/master/embroidery-designs",
    "/master/embroidery-designs/{id}",
    "/master/embroidery-designs/{id}/archive",
    "/master/embroidery-designs/{id}/restore"
);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(download, upload))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UploadQuery {
    /// The file's name (letters, digits, `.`, `-`, `_`; others become `_`).
    file_name: Option<String>,
}

fn too_large() -> Response {
    super::super::extract::http_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        "The design file is larger than 5 MB.",
    )
}

/// Upload the design's file: the raw bytes as the body, with their Content-Type.
#[utoipa::path(
    put,
    path = "/master/embroidery-designs/{id}/file",
    tag = "master",
    params(("id" = i64, Path, description = "The design's id"), UploadQuery, IdempotencyKey),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file, at most 5 MB"),
    responses(
        (status = 200, description = "The design with its file", body = DesignRecord),
        SignedInErrors,
        (status = 403, description = "No UPDATE permission on master", body = ErrorBody),
        (status = 404, description = "No such design", body = ErrorBody),
        (status = 409, description = "The key was used for another request", body = ErrorBody),
        (status = 413, description = "The file is larger than 5 MB", body = ErrorBody),
        (status = 422, description = "No Content-Type, or an empty file", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn upload(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<UploadQuery>,
    body: Body,
) -> Response {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_FILE_BYTES) {
        return too_large();
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FILE_BYTES).await else {
        return too_large();
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let key = idempotency_key(&headers);
    let r = service::master::designs::put_file(
        &s.svc,
        &user,
        id,
        q.file_name.as_deref().unwrap_or(""),
        content_type,
        bytes.to_vec(),
        key.as_deref(),
        now_ms(),
    )
    .await;
    match r {
        Ok(d) => Json(d).into_response(),
        Err(e) => super::super::ApiError::from(e).into_response(),
    }
}

/// Download the design's file (always as an attachment).
#[utoipa::path(
    get,
    path = "/master/embroidery-designs/{id}/file",
    tag = "master",
    params(("id" = i64, Path, description = "The design's id")),
    responses(
        (status = 200, description = "The file's bytes", content_type = "application/octet-stream"),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on master", body = ErrorBody),
        (status = 404, description = "No such design, or it has no file", body = ErrorBody),
        (status = 422, description = "The id is not a whole number", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn download(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let (info, data) = service::master::designs::file(&s.svc, &user, id).await?;
    // The stored name was made header-safe on upload; made safe again here.
    let name = service::master::designs::safe_file_name(&info.file_name, "design.bin");
    Ok((
        [
            (header::CONTENT_TYPE, info.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_string(),
            ),
        ],
        data,
    )
        .into_response())
}
