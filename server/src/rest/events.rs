//! `/api/v1/events`: server-sent events. Every open screen listens here and
//! refetches what it shows when its topic changes. Browsers reconnect by
//! themselves (we ask for 2 s); a keep-alive comment every 15 s keeps proxies
//! from closing an idle stream.

use super::AuthUser;
use crate::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::Router;
use domain::perm::{Action, Module};
use futures::Stream;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

pub fn routes() -> Router<AppState> {
    Router::new().route("/events", get(events))
}

async fn events(
    State(s): State<AppState>,
    AuthUser(user): AuthUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut rx = s.svc.events.subscribe();
    let stream = async_stream::stream! {
        yield Ok(Event::default().event("hello").retry(Duration::from_secs(2)).data("{}"));
        loop {
            match rx.recv().await {
                Ok(ev) => {
                    let allowed = Module::parse(&ev.topic).map(|m| user.can(m, Action::View)).unwrap_or(false);
                    if allowed {
                        if let Ok(json) = serde_json::to_string(&ev) {
                            yield Ok(Event::default().data(json));
                        }
                    }
                }
                // Too slow to keep up: tell the screen to refetch everything.
                Err(RecvError::Lagged(_)) => yield Ok(Event::default().data("{\"topic\":\"maintenance\",\"id\":0,\"version\":0,\"kind\":\"resync\"}")),
                Err(RecvError::Closed) => break,
            }
        }
    };
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
