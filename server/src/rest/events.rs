//! `/api/v1/events`: server-sent events from the event log. Every open screen
//! listens here and refetches what it shows when its topic changes. Each
//! change goes out as a typed `domain::events::LiveEvent` with `id: <seq>`;
//! a browser that reconnects sends `Last-Event-ID` (or `?after=<seq>` when it
//! opens a new stream itself) and first gets what it missed, or a `resync`.
//! Browsers reconnect by themselves (we ask for 2 s); a keep-alive comment
//! every 15 s keeps proxies from closing an idle stream. The stream ends when
//! its session does (see `service::events::feed`).

use super::openapi::SignedInErrors;
use super::{ApiError, AuthUser};
use crate::AppState;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use domain::AppError;
use futures::{Stream, StreamExt};
use service::events::feed::{self, FeedItem};
use std::convert::Infallible;
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

/// The live event stream (server-sent events; it does not end while the session lasts).
///
/// Each event's `data` is a JSON `LiveEvent` and its `id` the event's sequence
/// number. Reconnect with `Last-Event-ID` (or `?after=`) to get what was missed.
#[utoipa::path(
    get,
    path = "/events",
    tag = "events",
    params(
        ("after" = Option<i64>, Query, description = "Replay the events after this sequence number"),
        ("Last-Event-ID" = Option<String>, Header, description = "As `after`, sent by browsers when they reconnect"),
    ),
    responses(
        (status = 200, description = "The stream", content_type = "text/event-stream"),
        SignedInErrors,
    ),
    security(("bearer" = [])),
)]
async fn events(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let (token, _) =
        app::ssr::http_session::token_from_headers(&headers).ok_or(AppError::Unauthenticated)?;
    let after = last_seen(&headers, query.as_deref());
    let stream = feed::open(s.svc.clone(), token, user, after).map(|item| {
        Ok(match item {
            FeedItem::Hello { seq } => {
                let ev = Event::default()
                    .event("hello")
                    .retry(Duration::from_secs(2))
                    .data("{}");
                match seq {
                    Some(seq) => ev.id(seq.to_string()),
                    None => ev,
                }
            }
            FeedItem::Event(ev) => Event::default()
                .id(ev.seq().to_string())
                .data(serde_json::to_string(&ev).unwrap_or_default()),
        })
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// The last seq the browser saw: `Last-Event-ID`, else `?after=`. A value
/// that is not a seq we could have sent becomes -1, which gets a `resync`.
fn last_seen(headers: &HeaderMap, query: Option<&str>) -> Option<i64> {
    let raw = headers
        .get("last-event-id")
        .map(|v| v.to_str().unwrap_or("").trim().to_string())
        .or_else(|| {
            query?
                .split('&')
                .find_map(|kv| kv.strip_prefix("after="))
                .map(str::to_string)
        })?;
    if raw.is_empty() {
        return None;
    }
    Some(raw.parse::<i64>().ok().filter(|n| *n >= 0).unwrap_or(-1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_seen_reads_header_then_query() {
        let mut h = HeaderMap::new();
        assert_eq!(last_seen(&h, None), None);
        assert_eq!(last_seen(&h, Some("after=12")), Some(12));
        assert_eq!(last_seen(&h, Some("x=1&after=oops")), Some(-1));
        h.insert("last-event-id", "7".parse().unwrap());
        assert_eq!(last_seen(&h, Some("after=12")), Some(7));
        h.insert("last-event-id", "-3".parse().unwrap());
        assert_eq!(last_seen(&h, None), Some(-1));
    }
}
