//! The `/api/v1` OpenAPI document. It is generated from the handlers'
//! `#[utoipa::path]` annotations, collected by the same `routes!` calls that
//! register them with axum (`rest::api`), so a route cannot be served without
//! being documented. Served at `/api/v1/openapi.json`; `/api/docs` renders it.

use super::ApiError;
use crate::AppState;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Serialize;
use std::sync::OnceLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Every error answer of the API: 4xx (and the rare 5xx) carry this body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable and machine-readable: `invalid`, `unauthenticated`,
    /// `forbidden`, `not_found`, `conflict`, `rate_limited`, `too_large`,
    /// `unsupported_media_type`, `unavailable`, `internal`.
    pub code: String,
    /// What happened and what to do, for a person.
    pub message: String,
    /// The request field (body field, path, query or header parameter) that
    /// was refused, with `invalid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What is wrong with `field`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A refused BOM save: every issue, each at its line or routing step
    /// and field (`field` and `detail` are the first one's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issues: Option<Vec<domain::bom::BomIssue>>,
    /// A refused CSV import: the report, with every problem at its row and
    /// column (`field` and `detail` are the first one's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<domain::import::ImportReport>,
}

/// The answers of every signed-in operation that takes a JSON body, besides
/// its own: one place instead of three lines on every handler.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // a description for the document, never built
pub enum SignedInJsonErrors {
    /// Not signed in
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// The body is too large
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The body is not JSON
    #[response(status = 415)]
    NotJson(ErrorBody),
}

/// The answer every signed-in operation can give besides its own.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // a description for the document, never built
pub enum SignedInErrors {
    /// Not signed in
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
}

impl From<&ApiError> for ErrorBody {
    fn from(e: &ApiError) -> Self {
        let f = e.0.field_error();
        ErrorBody {
            code: e.0.code().into(),
            message: e.0.user_message(),
            field: f.map(|f| f.field.clone()),
            detail: f.map(|f| f.message.clone()),
            issues: None,
            report: None,
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Shopfloor API",
        description = "The REST API for integrators. Sign in with `POST /api/v1/auth/login` and \
            send the token as `Authorization: Bearer <token>`. Mutations accept an \
            `Idempotency-Key` header: a retry with the same key gets the first answer and \
            changes nothing. Errors answer `{code, message, field?, detail?}`."
    ),
    // Schemas named only in path parameters (which `routes!` does not collect).
    components(schemas(domain::maintenance::Transition, domain::ppic::TaskAction)),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Sign-in, sessions, password and two-factor sign-in"),
        (name = "maintenance", description = "Machines, SLA targets, maintenance requests"),
        (name = "master", description = "Master data: units, items, work centres, machines, customers, suppliers, embroidery designs"),
        (name = "admin", description = "Users, roles and the audit log"),
        (name = "warehouse", description = "Bills of materials: versions, validation, variants, where-used, explosion and cost"),
        (name = "ppic", description = "Manufacturing orders: made by hand, released into jobs and child orders from their BOM, planned on the work centres' calendars"),
        (name = "import-export", description = "CSV import of items and BOMs: a dry run that writes nothing, a commit that writes all or nothing"),
        (name = "events", description = "The live event stream"),
        (name = "media", description = "Photos (JPEG, PNG, WebP) and PDFs: kept by content type, with thumbnails"),
        (name = "whatsapp", description = "The WhatsApp channel: the providers' webhook (Meta Cloud API, Twilio), signed by the provider"),
        (name = "meta", description = "This document"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut Document) {
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
    }
}

/// The document's frame (info, security scheme, tags); `rest::api` adds the paths.
pub fn base() -> Document {
    let mut doc = ApiDoc::openapi();
    // The error body is named in every operation's 4xx answers.
    doc.components
        .get_or_insert_with(Default::default)
        .schemas
        .insert(
            "ErrorBody".into(),
            <ErrorBody as utoipa::PartialSchema>::schema(),
        );
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc
}

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(openapi_json))
}

/// The document as served, built once.
pub fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        super::document()
            .to_json()
            .expect("the OpenAPI document serialises")
    })
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of /api/v1", content_type = "application/json")),
)]
async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document_json(),
    )
}
