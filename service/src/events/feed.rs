//! One browser's live stream: what it missed since its `Last-Event-ID`, then
//! every new event it may see. The session behind the stream is re-checked
//! every `stream_recheck_ms`: the stream ends when the session does, and
//! the user's permissions are re-loaded each time, so a revoked grant stops
//! that module's events on streams already open.

use super::{missed_since, Missed};
use crate::error::{DbContext, Result};
use crate::Services;
use domain::auth::CurrentUser;
use domain::events::{Change, LiveEvent};
use domain::perm::Action;
use futures::Stream;
use sqlx::Row;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// A reconnecting browser gets at most this many missed events; further
/// behind, it gets a `resync`.
pub const REPLAY_LIMIT: i64 = 1000;

#[derive(Debug, Clone, PartialEq)]
pub enum FeedItem {
    /// First on every stream. `seq` (when the browser sent no `Last-Event-ID`)
    /// is where the stream starts, for the browser to send back on reconnect.
    Hello {
        seq: Option<i64>,
    },
    Event(LiveEvent),
}

/// The stream for `user`, signed in with session `token`. `after` is the
/// last seq the browser saw (its `Last-Event-ID`), if any; a negative value
/// (an id this server never sent) gets a `resync`.
pub fn open(
    svc: Services,
    token: String,
    user: CurrentUser,
    after: Option<i64>,
) -> impl Stream<Item = FeedItem> + Send + 'static {
    async_stream::stream! {
        let mut user = user;
        let (mut rx, head) = match svc.events.subscribe(&svc.db).await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "opening an event stream failed");
                return;
            }
        };
        yield FeedItem::Hello { seq: after.is_none().then_some(head) };
        // The highest seq this stream has dealt with (sent, filtered out or
        // covered by a resync); the broadcast repeats nothing at or below it.
        let mut last = head;
        let mut catch_up_from = after;
        let period = Duration::from_millis(svc.config.stream_recheck_ms.max(100));
        let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        loop {
            if let Some(from) = catch_up_from.take() {
                match missed_since(&svc.db, from, REPLAY_LIMIT).await {
                    Ok(Missed::Events(events)) => {
                        last = last.max(from);
                        for ev in events {
                            last = last.max(ev.seq);
                            if may_see(&user, &ev) {
                                yield FeedItem::Event(LiveEvent::Change(ev));
                            }
                        }
                    }
                    Ok(Missed::Resync { head: h }) => {
                        last = last.max(h);
                        yield FeedItem::Event(LiveEvent::Resync { seq: last });
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "replaying the event log failed");
                        yield FeedItem::Event(LiveEvent::Resync { seq: last });
                    }
                }
            }
            let step = tokio::select! {
                r = rx.recv() => Step::Recv(r),
                _ = recheck.tick() => Step::Recheck,
            };
            match step {
                Step::Recv(Ok(ev)) => {
                    if ev.seq > last {
                        last = ev.seq;
                        if may_see(&user, &ev) {
                            yield FeedItem::Event(LiveEvent::Change(ev));
                        }
                    }
                }
                // Fell behind the broadcast: read what was missed from the log.
                Step::Recv(Err(RecvError::Lagged(_))) => catch_up_from = Some(last),
                Step::Recv(Err(RecvError::Closed)) => break,
                Step::Recheck => match session_user(&svc, &token, crate::now_ms()).await {
                    Ok(Some(u)) => user = u,
                    Ok(None) => break,
                    // A failed check (database briefly away) keeps the stream; the next one decides.
                    Err(e) => tracing::warn!(error = %e, "re-checking an event stream's session failed"),
                },
            }
        }
    }
}

enum Step {
    Recv(std::result::Result<Change, RecvError>),
    Recheck,
}

fn may_see(user: &CurrentUser, ev: &Change) -> bool {
    user.can(ev.topic, Action::View)
}

/// The session's user with freshly loaded permissions, or `None` when the
/// session has ended (signed out, expired, user deactivated). Unlike a
/// request, an open stream does not extend an idle session: a screen left
/// open does not keep its session alive.
async fn session_user(svc: &Services, token: &str, now: i64) -> Result<Option<CurrentUser>> {
    let Some(row) = sqlx::query(
        "SELECT s.user_id, s.created_at, s.expires_at, u.active FROM sessions s \
         JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(crate::auth::token_hash(token))
    .fetch_optional(&svc.db.read)
    .await
    .ctx("re-check stream session")?
    else {
        return Ok(None);
    };
    let user_id: i64 = row.try_get(0).ctx("decode")?;
    let created_at: i64 = row.try_get(1).ctx("decode")?;
    let expires_at: i64 = row.try_get(2).ctx("decode")?;
    let active: i64 = row.try_get(3).ctx("decode")?;
    let times = crate::auth::SessionTimes::from_config(&svc.config);
    if now >= expires_at || now - created_at >= times.max_ms || active == 0 {
        return Ok(None);
    }
    match crate::auth::load_user(&svc.db, user_id).await {
        Ok(u) => Ok(Some(u)),
        Err(crate::ServiceError::App(domain::AppError::Unauthenticated)) => Ok(None),
        Err(e) => Err(e),
    }
}
