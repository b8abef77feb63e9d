//! Extractors whose rejections answer like every other error: JSON
//! `{"code", "message", "field"}` naming the parameter, never axum's text.

use super::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::AppError;
use serde::de::DeserializeOwned;

/// Largest request body the server reads (REST and server functions); a
/// larger one is refused with 413.
pub const BODY_LIMIT_BYTES: usize = 2 * 1024 * 1024;

/// An error that is not an [`AppError`] (it is about the HTTP exchange, not
/// the request's content), in the same JSON shape.
pub fn http_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = super::openapi::ErrorBody {
        code: code.into(),
        message: message.into(),
        field: None,
        detail: None,
        issues: None,
        report: None,
    };
    (status, axum::Json(body)).into_response()
}

pub fn too_large() -> Response {
    http_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        &format!("The request body is larger than {BODY_LIMIT_BYTES} bytes."),
    )
}

pub fn not_json() -> Response {
    http_error(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "Send the body as JSON with Content-Type: application/json.",
    )
}

/// `Content-Type: application/json` (parameters such as charset allowed).
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
}

/// A JSON body, read with the same checks as server functions' arguments
/// (`app::codec::parse_json`): 415 unless it is sent as JSON, 413 over
/// [`BODY_LIMIT_BYTES`], 422 naming the field otherwise.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(not_json());
        }
        let bytes = read_body(req, state).await?;
        app::codec::parse_json(&bytes)
            .map(JsonBody)
            .map_err(|f| ApiError(AppError::Invalid(f)).into_response())
    }
}

/// An optional JSON body: nothing (or only whitespace) gives `T::default()`.
pub struct OptionalJsonBody<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = is_json(req.headers());
        let bytes = read_body(req, state).await?;
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Ok(OptionalJsonBody(T::default()));
        }
        if !json {
            return Err(not_json());
        }
        app::codec::parse_json(&bytes)
            .map(OptionalJsonBody)
            .map_err(|f| ApiError(AppError::Invalid(f)).into_response())
    }
}

async fn read_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, Response> {
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError(AppError::field("body", "could not be read")).into_response()
        }
    })
}

/// Path parameters; a value that does not parse names its parameter.
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::path::ErrorKind;
        use axum::extract::rejection::PathRejection;
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(rejection) => {
                let names: Vec<String> = RawPathParams::from_request_parts(parts, state)
                    .await
                    .map(|p| p.iter().map(|(k, _)| k.to_string()).collect())
                    .unwrap_or_default();
                let only = || names.first().cloned().unwrap_or_else(|| "path".into());
                let (field, expected) = match &rejection {
                    PathRejection::FailedToDeserializePathParams(e) => match e.kind() {
                        ErrorKind::ParseErrorAtKey {
                            key, expected_type, ..
                        } => (key.clone(), *expected_type),
                        ErrorKind::ParseErrorAtIndex {
                            index,
                            expected_type,
                            ..
                        } => (
                            names.get(*index).cloned().unwrap_or_else(only),
                            *expected_type,
                        ),
                        ErrorKind::ParseError { expected_type, .. } => (only(), *expected_type),
                        _ => (only(), ""),
                    },
                    _ => (only(), ""),
                };
                let msg = format!("invalid type: expected {expected}");
                let mut f = app::codec::field_error_from_serde(&field, &msg);
                f.field = field;
                Err(ApiError(AppError::Invalid(f)))
            }
        }
    }
}

/// Query parameters; a bad or repeated one is named.
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| {
                let path = e.path().to_string();
                let f = app::codec::field_error_from_serde(&path, &e.into_inner().to_string());
                ApiError(AppError::Invalid(f))
            })
    }
}

/// A whole-number query parameter, which arrives as text: `None` when
/// absent or blank, a field error naming it when it is not a number.
pub fn int_param(name: &str, v: &Option<String>) -> Result<Option<i64>, AppError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| AppError::field(name, "must be a whole number")),
    }
}
