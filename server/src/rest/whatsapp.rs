//! `/api/v1/whatsapp/webhook`: where Meta's Cloud API and Twilio deliver
//! WhatsApp messages and delivery statuses, told apart by their signature
//! headers. A delivery is checked (constant time) against the provider's
//! secret from configuration, stored as it came and answered 200 at once;
//! processing happens after (`service::whatsapp`). A bad or missing
//! signature is refused, counted in `whatsapp_webhook_refused_total` and
//! logged without the body. With no provider's secret set the channel is
//! off and the path answers 404.

use super::extract::http_error;
use super::openapi::ErrorBody;
use super::{ApiError, Query};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{OriginalUri, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::whatsapp::inbound::Provider;
use domain::AppError;
use serde::Deserialize;
use service::whatsapp::intake::{self, MAX_DELIVERY_BYTES};
use service::whatsapp::parse::twilio_form;
use service::whatsapp::signature::{verify_meta, verify_twilio, SignatureError};
use subtle::ConstantTimeEq;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(verify, deliver))
}

const META_SIGNATURE: &str = "x-hub-signature-256";
const TWILIO_SIGNATURE: &str = "x-twilio-signature";

/// Meta's verification query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct VerifyQuery {
    #[serde(rename = "hub.mode")]
    #[param(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    #[param(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    #[param(rename = "hub.challenge", max_length = 200)]
    challenge: Option<String>,
}

fn off() -> ApiError {
    ApiError(AppError::not_found(
        "The WhatsApp channel (it is not configured)",
    ))
}

fn refused(status: StatusCode, provider: &'static str, reason: &'static str) -> Response {
    metrics::counter!("whatsapp_webhook_refused_total", "provider" => provider, "reason" => reason)
        .increment(1);
    tracing::warn!(provider, reason, "whatsapp webhook delivery refused");
    let code = if status == StatusCode::UNAUTHORIZED {
        "unauthenticated"
    } else {
        "forbidden"
    };
    http_error(
        status,
        code,
        "The delivery's signature is missing or does not match.",
    )
}

/// Meta's webhook verification: answers `hub.challenge` when
/// `hub.verify_token` is the configured one.
#[utoipa::path(
    get,
    path = "/whatsapp/webhook",
    tag = "whatsapp",
    params(VerifyQuery),
    responses(
        (status = 200, description = "The challenge, as text", body = String, content_type = "text/plain"),
        (status = 403, description = "Wrong verify token or mode", body = ErrorBody),
        (status = 404, description = "The WhatsApp channel is off", body = ErrorBody),
        (status = 422, description = "A query parameter is malformed", body = ErrorBody),
    ),
    security(()),
)]
async fn verify(State(s): State<AppState>, Query(q): Query<VerifyQuery>) -> Response {
    let cfg = &s.svc.config.whatsapp;
    if !cfg.is_on() {
        return off().into_response();
    }
    let token_ok = match (&cfg.verify_token, &q.verify_token) {
        (Some(want), Some(got)) => bool::from(want.expose().as_bytes().ct_eq(got.as_bytes())),
        _ => false,
    };
    let challenge = q.challenge.unwrap_or_default();
    // Meta's challenge is a number; nothing else is echoed.
    let challenge_ok = !challenge.is_empty()
        && challenge.len() <= 200
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if q.mode.as_deref() != Some("subscribe") || !token_ok || !challenge_ok {
        return refused(StatusCode::FORBIDDEN, "meta", "verify_token");
    }
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        challenge,
    )
        .into_response()
}

/// A delivery of messages or statuses from Meta (JSON, `X-Hub-Signature-256`)
/// or Twilio (a form, `X-Twilio-Signature` over the public URL and fields).
#[utoipa::path(
    post,
    path = "/whatsapp/webhook",
    tag = "whatsapp",
    request_body(
        content(
            (String = "application/json"),
            (String = "application/x-www-form-urlencoded"),
        ),
        description = "Meta's JSON notification, or Twilio's form, as signed",
    ),
    params(
        ("X-Hub-Signature-256" = Option<String>, Header, description = "Meta: sha256=<hex HMAC-SHA256 of the body with the app secret>"),
        ("X-Twilio-Signature" = Option<String>, Header, description = "Twilio: base64 HMAC-SHA1 of the URL and the sorted fields"),
    ),
    responses(
        (status = 200, description = "Stored; processed after"),
        (status = 401, description = "No signature header", body = ErrorBody),
        (status = 403, description = "The signature does not match, or that provider is not configured", body = ErrorBody),
        (status = 404, description = "The WhatsApp channel is off", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "Signed, but not JSON from Meta or a form from Twilio", body = ErrorBody),
        (status = 422, description = "The body is not text", body = ErrorBody),
    ),
    security(()),
)]
async fn deliver(
    State(s): State<AppState>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let cfg = &s.svc.config.whatsapp;
    if !cfg.is_on() {
        return Err(off());
    }
    let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap_or("\u{0}"));
    let provider = if let Some(sig) = header(META_SIGNATURE) {
        let Some(secret) = &cfg.app_secret else {
            return Ok(refused(StatusCode::FORBIDDEN, "meta", "not_configured"));
        };
        if let Err(e) = verify_meta(secret.expose().as_bytes(), &body, Some(sig)) {
            return Ok(refused(status_of(&e), "meta", reason(&e)));
        }
        Provider::Meta
    } else if let Some(sig) = header(TWILIO_SIGNATURE) {
        let Some(token) = &cfg.twilio_auth_token else {
            return Ok(refused(StatusCode::FORBIDDEN, "twilio", "not_configured"));
        };
        // Twilio signs the URL it was given: ours, as configured, with the
        // query (the original URI: the router nests the API under /api/v1).
        let url = format!(
            "{}{}",
            s.svc.config.public_url,
            uri.path_and_query().map_or(uri.path(), |p| p.as_str())
        );
        let params = twilio_form(&body)?;
        if let Err(e) = verify_twilio(token.expose().as_bytes(), &url, &params, Some(sig)) {
            return Ok(refused(status_of(&e), "twilio", reason(&e)));
        }
        Provider::Twilio
    } else {
        return Ok(refused(StatusCode::UNAUTHORIZED, "unknown", "missing"));
    };
    if body.len() > MAX_DELIVERY_BYTES {
        return Ok(super::extract::too_large());
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let expected = match provider {
        Provider::Meta => "application/json",
        Provider::Twilio => "application/x-www-form-urlencoded",
    };
    if !content_type.starts_with(expected) {
        return Ok(http_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            &format!("A delivery from this provider is sent as {expected}."),
        ));
    }
    intake::store_delivery(&s.svc, provider, &body, service::now_ms()).await?;
    metrics::counter!("whatsapp_webhook_deliveries_total", "provider" => provider.as_str())
        .increment(1);
    Ok(match provider {
        // Twilio reads the answer as TwiML: an empty one sends nothing back.
        Provider::Twilio => (
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>",
        )
            .into_response(),
        Provider::Meta => StatusCode::OK.into_response(),
    })
}

fn status_of(e: &SignatureError) -> StatusCode {
    match e {
        SignatureError::Missing => StatusCode::UNAUTHORIZED,
        SignatureError::Malformed | SignatureError::Mismatch => StatusCode::FORBIDDEN,
    }
}

fn reason(e: &SignatureError) -> &'static str {
    match e {
        SignatureError::Missing => "missing",
        SignatureError::Malformed => "malformed",
        SignatureError::Mismatch => "mismatch",
    }
}
