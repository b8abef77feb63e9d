//! `/api/v1/media`: keep a photo (JPEG, PNG, WebP) or a PDF, read its
//! description, download it or one of its thumbnails. The type is what the
//! bytes are (`domain::media::MediaKind::sniff`); the Content-Type and the
//! name a file is sent with are not trusted. Files are served with that
//! type, `nosniff`, a sandboxing CSP, inline for images and as an
//! attachment for PDFs.

use super::extract::http_error;
use super::openapi::{ErrorBody, SignedInErrors};
use super::{idempotency_key, ApiError, ApiResult, AuthUser, IdempotencyKey, Path, Query};
use crate::AppState;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::media::{MediaInfo, MediaKind, MediaSource, ThumbSize, MAX_UPLOAD_BYTES};
use domain::AppError;
use serde::Deserialize;
use service::now_ms;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// What a multipart upload may add around its file (boundaries, part
/// headers, a short text part).
const MULTIPART_OVERHEAD: usize = 64 * 1024;

/// How long a browser may keep a file: an id's bytes never change, so
/// only a permission taken away in the meantime could make a kept copy
/// wrong, and that copy was already seen. `private`: never a shared cache
/// (the answer needs a signed-in user); sign-out's Clear-Site-Data empties
/// the browser's cache.
const CACHE: &str = "private, max-age=86400, immutable";

/// Served files are never run as a document: no scripts, no plugins, no
/// requests, a unique origin.
const FILE_CSP: &str = "default-src 'none'; sandbox";

pub fn routes() -> OpenApiRouter<AppState> {
    // The upload takes up to 10 MB; every other route keeps the API's 2 MB
    // (this layer wraps this route only, inside the app-wide one).
    let upload_route = OpenApiRouter::new()
        .routes(routes!(upload))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD));
    OpenApiRouter::new()
        .merge(upload_route)
        .routes(routes!(info))
        .routes(routes!(file))
        .routes(routes!(thumb))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct UploadQuery {
    /// The file's original name, kept (made safe) for downloads; a
    /// multipart part's own file name is used when this is absent. Never
    /// used to decide the type.
    #[param(max_length = 255)]
    name: Option<String>,
}

/// The multipart form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)] // a description for the document, never built
struct UploadForm {
    /// The file (its part's `filename` is kept as the name).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

fn too_large() -> Response {
    http_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        &format!(
            "The file is larger than {} MB; send a smaller one.",
            MAX_UPLOAD_BYTES / (1024 * 1024)
        ),
    )
}

fn unreadable(message: &str) -> Response {
    ApiError(AppError::field("file", message)).into_response()
}

/// `multipart/form-data` (parameters such as the boundary aside).
fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("multipart/form-data"))
}

/// The file and the name its part gave, from a multipart body with one
/// part named `file` (other parts are ignored).
async fn multipart_file(
    req: Request,
    state: &AppState,
) -> Result<(Vec<u8>, Option<String>), Response> {
    let mut form = Multipart::from_request(req, state)
        .await
        .map_err(|_| unreadable("the multipart body has no boundary"))?;
    let mut found: Option<(Vec<u8>, Option<String>)> = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(_) => return Err(unreadable("the multipart body could not be read")),
        };
        if field.name() != Some("file") {
            continue;
        }
        if found.is_some() {
            return Err(unreadable("send one part named file, not several"));
        }
        let name = field.file_name().map(str::to_string);
        let data = field.bytes().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                unreadable("the multipart body could not be read")
            }
        })?;
        if data.len() > MAX_UPLOAD_BYTES {
            return Err(too_large());
        }
        found = Some((data.to_vec(), name));
    }
    found.ok_or_else(|| unreadable("the form has no part named file"))
}

/// Keep a file: a JPEG, PNG or WebP photo or a PDF, at most 10 MB. Send the
/// bytes as the body (any Content-Type), or a `multipart/form-data` form
/// with one part named `file`. The type is read from the content: a PNG
/// named `x.jpg` is kept as a PNG. Images get three JPEG thumbnails (160,
/// 480 and 1080 pixels on the longest side, never enlarged).
#[utoipa::path(
    post,
    path = "/media",
    tag = "media",
    params(UploadQuery, IdempotencyKey),
    request_body(
        description = "The file, at most 10 MB: the raw bytes, or a form with a `file` part",
        content(("application/octet-stream"), (UploadForm = "multipart/form-data"))
    ),
    responses(
        (status = 201, description = "Kept; its description", body = MediaInfo),
        SignedInErrors,
        (status = 403, description = "No CREATE permission on maintenance, quality or whatsapp", body = ErrorBody),
        (status = 409, description = "The key was used for another request", body = ErrorBody),
        (status = 413, description = "The file is larger than 10 MB", body = ErrorBody),
        (status = 422, description = "`file`: empty, not a JPEG, PNG, WebP or PDF, damaged, or more than 40 megapixels", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn upload(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Query(q): Query<UploadQuery>,
    req: Request,
) -> Response {
    let headers = req.headers().clone();
    let (bytes, part_name) = if is_multipart(&headers) {
        match multipart_file(req, &s).await {
            Ok(found) => found,
            Err(res) => return res,
        }
    } else {
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > MAX_UPLOAD_BYTES) {
            return too_large();
        }
        match axum::body::to_bytes(req.into_body(), MAX_UPLOAD_BYTES).await {
            Ok(b) => (b.to_vec(), None),
            Err(_) => return too_large(),
        }
    };
    let name = q.name.or(part_name);
    let key = idempotency_key(&headers);
    let r = service::media::upload(
        &s.svc,
        &user,
        name.as_deref(),
        bytes,
        MediaSource::Upload,
        key.as_deref(),
        now_ms(),
    )
    .await;
    match r {
        Ok(info) => {
            let location = format!("/api/v1/media/{}", info.id);
            (
                StatusCode::CREATED,
                [(header::LOCATION, location)],
                Json(info),
            )
                .into_response()
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// A kept file's description: type, size, pixels, name, hash, thumbnails.
#[utoipa::path(
    get,
    path = "/media/{id}",
    tag = "media",
    params(("id" = i64, Path, description = "The file's id")),
    responses(
        (status = 200, description = "The file's description", body = MediaInfo),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on maintenance, quality or whatsapp", body = ErrorBody),
        (status = 404, description = "No such file", body = ErrorBody),
        (status = 422, description = "The id is not a whole number", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn info(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
) -> ApiResult<Json<MediaInfo>> {
    Ok(Json(service::media::get(&s.svc, &user, id).await?))
}

/// The file's bytes, with the type they are: images inline, PDFs as an
/// attachment.
#[utoipa::path(
    get,
    path = "/media/{id}/file",
    tag = "media",
    params(("id" = i64, Path, description = "The file's id")),
    responses(
        (status = 200, description = "The bytes, as kept", content(("image/jpeg"), ("image/png"), ("image/webp"), ("application/pdf"))),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on maintenance, quality or whatsapp", body = ErrorBody),
        (status = 404, description = "No such file", body = ErrorBody),
        (status = 422, description = "The id is not a whole number", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn file(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let d = service::media::bytes(&s.svc, &user, id, None).await?;
    Ok(serve(d))
}

/// One of an image's thumbnails (a JPEG; 160, 480 or 1080 pixels on its
/// longest side, or the image's own size when it is smaller).
#[utoipa::path(
    get,
    path = "/media/{id}/thumb/{size}",
    tag = "media",
    params(
        ("id" = i64, Path, description = "The file's id"),
        ("size" = inline(ThumbSize), Path, description = "`small`, `medium` or `large`"),
    ),
    responses(
        (status = 200, description = "The thumbnail", content_type = "image/jpeg"),
        SignedInErrors,
        (status = 403, description = "No VIEW permission on maintenance, quality or whatsapp", body = ErrorBody),
        (status = 404, description = "No such file, or it is a PDF (no thumbnails)", body = ErrorBody),
        (status = 422, description = "The id is not a whole number, or the size is not small, medium or large", body = ErrorBody),
    ),
    security(("bearer" = [])),
)]
async fn thumb(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    Path((id, size)): Path<(i64, String)>,
) -> ApiResult<Response> {
    let size = ThumbSize::parse(&size)
        .ok_or_else(|| AppError::field("size", "must be small, medium or large"))?;
    let d = service::media::bytes(&s.svc, &user, id, Some(size)).await?;
    Ok(serve(d))
}

/// The bytes with their type, `nosniff`, the sandboxing CSP, the cache
/// rule and the disposition: inline for an image, attachment for a PDF.
fn serve(d: service::media::Download) -> Response {
    let disposition = if d.kind == MediaKind::Pdf {
        "attachment"
    } else {
        "inline"
    };
    let mut res = d.data.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(d.kind.as_str()),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_CSP),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(disposition, &d.file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `inline; filename="pump.jpg"; filename*=UTF-8''pump.jpg` (RFC 6266): a
/// plain-ASCII `filename` for old clients (other characters, quotes and
/// backslashes become `_`) and the exact name, percent-encoded, in
/// `filename*`.
fn content_disposition(disposition: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        // RFC 5987 attr-char: sent as is; every other byte as %XX.
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn dispositions_carry_a_safe_and_an_exact_name() {
        assert_eq!(
            content_disposition("inline", "pump 4.jpg"),
            "inline; filename=\"pump 4.jpg\"; filename*=UTF-8''pump%204.jpg"
        );
        assert_eq!(
            content_disposition("attachment", "Übergabe.pdf"),
            "attachment; filename=\"_bergabe.pdf\"; filename*=UTF-8''%C3%9Cbergabe.pdf"
        );
        assert_eq!(
            content_disposition("inline", "a\"b\\c;\r\n.png"),
            "inline; filename=\"a_b_c;__.png\"; filename*=UTF-8''a%22b%5Cc%3B%0D%0A.png"
        );
    }
}
