//! Uploading a design's file from the browser: the picked file is sent as
//! the raw body of `PUT /api/v1/master/embroidery-designs/{id}/file` (the
//! REST route integrators use; the session cookie signs it in and the
//! server's origin check covers it), through the call layer's retries with
//! one idempotency key for every attempt.

#[cfg(feature = "hydrate")]
use domain::master::DesignRecord;
use domain::AppError;

/// The largest file the server takes (it answers 413 above it); checked
/// here first so a user is told before a long upload.
#[cfg(feature = "hydrate")]
pub const MAX_FILE_BYTES: f64 = 5.0 * 1024.0 * 1024.0;

/// The error an answer's status and `{code, message, field}` body stand for.
fn error_from(status: u16, body: &serde_json::Value) -> AppError {
    let message = body["message"]
        .as_str()
        .unwrap_or("the upload was refused")
        .to_string();
    match status {
        401 => AppError::Unauthenticated,
        403 => AppError::Forbidden {
            module: "master".into(),
            action: "UPDATE".into(),
        },
        404 => AppError::not_found("the design"),
        409 => AppError::conflict(message),
        413 | 415 | 422 => AppError::field(body["field"].as_str().unwrap_or("file"), message),
        429 => AppError::RateLimited { retry_after_s: 5 },
        503 => AppError::Unavailable,
        _ => AppError::Internal,
    }
}

/// Sends `file` as design `id`'s file.
#[cfg(feature = "hydrate")]
pub async fn upload_design_file(
    key: String,
    id: i64,
    file: web_sys::File,
) -> Result<DesignRecord, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let net = |e: wasm_bindgen::JsValue| AppError::Network {
        detail: format!("{e:?}"),
    };
    if file.size() > MAX_FILE_BYTES {
        return Err(AppError::field("file", "is larger than 5 MB"));
    }
    let headers = web_sys::Headers::new().map_err(net)?;
    let kind = file.type_();
    let kind = if kind.is_empty() {
        "application/octet-stream".to_string()
    } else {
        kind
    };
    headers.set("content-type", &kind).map_err(net)?;
    headers.set("idempotency-key", &key).map_err(net)?;
    headers.set("accept", "application/json").map_err(net)?;
    let init = web_sys::RequestInit::new();
    init.set_method("PUT");
    init.set_headers(&headers);
    init.set_credentials(web_sys::RequestCredentials::SameOrigin);
    init.set_body(&file);
    let name: String = js_sys::encode_uri_component(&file.name()).into();
    let url = format!("/api/v1/master/embroidery-designs/{id}/file?file_name={name}");
    let window = web_sys::window().ok_or_else(|| net("no window".into()))?;
    let res: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(net)?
        .dyn_into()
        .map_err(net)?;
    let text = JsFuture::from(res.text().map_err(net)?)
        .await
        .map_err(net)?
        .as_string()
        .unwrap_or_default();
    let body: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    if res.ok() {
        serde_json::from_value(body).map_err(|_| AppError::Internal)
    } else {
        Err(error_from(res.status(), &body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_map_to_what_the_user_is_told() {
        let big = json!({"code": "too_large", "message": "The design file is larger than 5 MB."});
        let e = error_from(413, &big);
        assert_eq!(e.field_error().map(|f| f.field.as_str()), Some("file"));
        let typed = json!({"code": "invalid", "message": "is empty", "field": "body"});
        assert_eq!(
            error_from(422, &typed)
                .field_error()
                .map(|f| f.field.as_str()),
            Some("body")
        );
        assert!(matches!(
            error_from(401, &json!({})),
            AppError::Unauthenticated
        ));
        assert!(error_from(503, &json!({})).is_transient());
        assert!(!error_from(500, &json!({})).is_transient());
    }
}
