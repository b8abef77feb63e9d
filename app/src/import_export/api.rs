//! Server functions of the import screen: the same service calls as
//! `POST /api/v1/import-export/{items,boms}`. A file with problems is not an
//! error here: the answer is the report (its `errors` list every problem at
//! its row and column, and nothing was written), which the screen shows as a
//! table — where REST answers 422 carrying the same report. Errors about the
//! whole file (empty, too large, over 20,000 rows) are field errors on
//! `body`, as REST's.
//!
//! The CSV travels as a JSON string, so these endpoints take a larger body
//! than other server functions (`server/src/middleware.rs`); the text itself
//! is held to [`MAX_BYTES`] here and checked in the browser before sending.

use crate::codec::Json;
use domain::import::ImportReport;
use domain::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ssr::{current_user, fail, now, reject};
#[cfg(feature = "ssr")]
use domain::import::MAX_BYTES;

/// The same limit as REST's 413, as a field error the screen shows.
#[cfg(feature = "ssr")]
fn within_limit(text: &str) -> Result<(), AppError> {
    if text.len() > MAX_BYTES {
        return Err(reject(AppError::field(
            "body",
            format!(
                "the file is larger than {MAX_BYTES} bytes (5 MB); split it into smaller files"
            ),
        )));
    }
    Ok(())
}

/// Imports items from `text` (CSV); `dry_run` checks and writes nothing.
#[server(prefix = "/sfn", endpoint = "import-export/items", input = Json)]
pub async fn import_items(
    idempotency_key: String,
    text: String,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    let (svc, user) = current_user().await?;
    within_limit(&text)?;
    let key = Some(idempotency_key.as_str());
    service::import::items(&svc, &user, &text, dry_run, key, now())
        .await
        .map_err(fail)
}

/// Imports BOMs from `text` (CSV); `dry_run` checks and writes nothing.
#[server(prefix = "/sfn", endpoint = "import-export/boms", input = Json)]
pub async fn import_boms(
    idempotency_key: String,
    text: String,
    dry_run: bool,
) -> Result<ImportReport, AppError> {
    let (svc, user) = current_user().await?;
    within_limit(&text)?;
    let key = Some(idempotency_key.as_str());
    service::import::boms(&svc, &user, &text, dry_run, key, now())
        .await
        .map_err(fail)
}
