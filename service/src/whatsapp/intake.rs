//! The webhook's part of the service: a delivery whose signature held is
//! written as it came, in one statement, so the provider gets its 200 at
//! once and nothing it sent is lost if processing fails or the server
//! stops. Processing reads the stored deliveries later, in arrival order.
//!
//! A delivery is the provider's, not a user's change: it carries no
//! idempotency key (a provider's retry is a second delivery of the same
//! message ids, and the message id, unique per provider, makes its
//! processing happen once) and no audit entry (the actions its messages
//! cause are audited, with the channel named).

use crate::error::{DbContext, Result};
use crate::Services;
use domain::whatsapp::inbound::Provider;
use domain::AppError;

/// Largest delivery body kept: Meta batches up to a few hundred messages
/// and statuses per delivery, far below this.
pub const MAX_DELIVERY_BYTES: usize = 1024 * 1024;

/// Stores a checked delivery; answers its id.
pub async fn store_delivery(
    svc: &Services,
    provider: Provider,
    body: &[u8],
    now: i64,
) -> Result<i64> {
    if body.len() > MAX_DELIVERY_BYTES {
        return Err(AppError::field("body", "is too large").into());
    }
    let body =
        std::str::from_utf8(body).map_err(|_| AppError::field("body", "is not UTF-8 text"))?;
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO wa_deliveries (provider, body, received_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(provider.as_str())
    .bind(body)
    .bind(now)
    .fetch_one(&svc.db.write)
    .await
    .ctx("store whatsapp delivery")?;
    Ok(id)
}
