//! Durable attempt counters: sign-ins, password resets and re-confirmations
//! are counted in the database, so a limit holds across restarts and across
//! every server process sharing one PostgreSQL.
//!
//! An attempt is *reserved* (one atomic upsert that returns the new count)
//! before the password or token is checked, so a burst of parallel attempts
//! cannot all slip under the limit. An attempt that turns out fine gives its
//! reservation back; a failed one keeps it.

use crate::error::{DbContext, Result};
use crate::Services;
use domain::AppError;
use sqlx::FromRow;

/// What a counter counts. Stored as text; the table's CHECK lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Failed sign-ins for one username from one address.
    Pair,
    /// Failed sign-ins from one address.
    Address,
    /// Failed sign-ins for one username from anywhere.
    Username,
    /// Password-reset attempts from one address.
    Reset,
    /// Wrong confirmations (current password or code) by one signed-in user.
    Reauth,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Pair => "pair",
            Scope::Address => "address",
            Scope::Username => "username",
            Scope::Reset => "reset",
            Scope::Reauth => "reauth",
        }
    }
}

/// A counter's key from its parts, unambiguous whatever the parts contain
/// (a username typed by an attacker may hold any character), and bounded.
pub fn key(parts: &[&str]) -> String {
    let parts: Vec<String> = parts
        .iter()
        .map(|p| p.chars().take(100).collect())
        .collect();
    serde_json::to_string(&parts).unwrap_or_default()
}

/// The part of a client address that one attacker controls as a whole: an
/// IPv4 address, or an IPv6 address's /64 (one host is usually handed a
/// whole /64, so keying on full IPv6 addresses would let it rotate past every
/// per-address limit). Anything that is not an address is kept as it is.
pub fn client_key(addr: &str) -> String {
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{net}/64")
            }
        },
        Ok(ip) => ip.to_string(),
        Err(_) => addr.to_string(),
    }
}

/// One counter to reserve an attempt on, with its limit per window.
pub struct Limit {
    pub scope: Scope,
    pub key: String,
    pub max: i64,
}

/// An attempt held on one counter; give it back with [`release`].
#[derive(Debug, Clone)]
pub struct Reservation {
    scope: Scope,
    key: String,
    window_start: i64,
}

#[derive(FromRow)]
struct CounterRow {
    attempts: i64,
    window_start: i64,
}

/// A refused attempt: the error to answer, and whether this refusal is the
/// one that crossed the limit (later refusals in the same window are not,
/// so a caller can audit a lock-out once instead of once per hammering request).
pub struct Refused {
    pub error: AppError,
    pub first: bool,
}

/// Reserves one attempt on each counter in order. At the first counter over
/// its limit it gives back the ones reserved before it (so a refused
/// attempt does not count against the wider keys: hammering one pair cannot
/// lock the username everywhere) and answers `RateLimited` with the seconds
/// until that counter's window ends.
pub async fn reserve(svc: &Services, limits: &[Limit], now: i64) -> Result<Vec<Reservation>> {
    match reserve_checked(svc, limits, now).await? {
        Ok(held) => Ok(held),
        Err(refused) => Err(refused.error.into()),
    }
}

/// [`reserve`], telling a refusal that crossed the limit from later ones.
/// A counter over its limit stays at `max + 2`, so refused attempts neither
/// grow it nor look like the first crossing (`max + 1`).
pub async fn reserve_checked(
    svc: &Services,
    limits: &[Limit],
    now: i64,
) -> Result<std::result::Result<Vec<Reservation>, Refused>> {
    let window_ms = svc.config.auth_limits.window_minutes.max(1) * 60_000;
    let mut held = Vec::with_capacity(limits.len());
    for l in limits {
        // Autocommitted, so every process sees it at once; concurrent
        // upserts of one key serialise on its row and each gets its own count.
        let row: CounterRow = sqlx::query_as(
            "INSERT INTO auth_throttle AS t (scope, throttle_key, window_start, attempts) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (scope, throttle_key) DO UPDATE SET \
             attempts = CASE WHEN t.window_start <= $4 THEN 1 WHEN t.attempts > $5 THEN $5 + 2 ELSE t.attempts + 1 END, \
             window_start = CASE WHEN t.window_start <= $4 THEN $3 ELSE t.window_start END \
             RETURNING attempts, window_start",
        )
        .bind(l.scope.as_str())
        .bind(&l.key)
        .bind(now)
        .bind(now - window_ms)
        .bind(l.max)
        .fetch_one(&svc.db.write)
        .await
        .ctx("reserve attempt")?;
        if row.attempts > l.max {
            release(svc, &held).await?;
            let left_ms = (row.window_start + window_ms - now).max(1000);
            return Ok(Err(Refused {
                error: AppError::RateLimited {
                    retry_after_s: ((left_ms + 999) / 1000) as u64,
                },
                first: row.attempts == l.max + 1,
            }));
        }
        held.push(Reservation {
            scope: l.scope,
            key: l.key.clone(),
            window_start: row.window_start,
        });
    }
    Ok(Ok(held))
}

/// Gives reserved attempts back (the attempt succeeded or was not a guess).
pub async fn release(svc: &Services, held: &[Reservation]) -> Result<()> {
    for r in held {
        sqlx::query(
            "UPDATE auth_throttle SET attempts = attempts - 1 \
             WHERE scope = $1 AND throttle_key = $2 AND window_start = $3 AND attempts > 0",
        )
        .bind(r.scope.as_str())
        .bind(&r.key)
        .bind(r.window_start)
        .execute(&svc.db.write)
        .await
        .ctx("release attempt")?;
    }
    Ok(())
}

/// Forgets a counter (a successful sign-in clears its pair).
pub async fn clear(svc: &Services, scope: Scope, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM auth_throttle WHERE scope = $1 AND throttle_key = $2")
        .bind(scope.as_str())
        .bind(key)
        .execute(&svc.db.write)
        .await
        .ctx("clear attempts")?;
    Ok(())
}

/// Drops counters whose window ended long ago.
pub async fn purge_expired(db: &crate::Db, now: i64) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM auth_throttle WHERE window_start < $1")
            .bind(now - 24 * 3_600_000)
            .execute(&db.write)
            .await
            .ctx("purge attempt counters")?
            .rows_affected(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_be_confused_by_separators() {
        assert_ne!(key(&["a b", "c"]), key(&["a", "b c"]));
        assert_ne!(key(&["a\",\"b"]), key(&["a", "b"]));
        assert!(key(&[&"x".repeat(1000)]).len() < 110);
    }

    #[test]
    fn an_ipv6_host_counts_as_its_64_and_ipv4_as_itself() {
        assert_eq!(
            client_key("2001:db8:1:2:aaaa::1"),
            client_key("2001:db8:1:2:ffff:1234:5678:9abc")
        );
        assert_eq!(client_key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_ne!(client_key("2001:db8:1:2::1"), client_key("2001:db8:1:3::1"));
        assert_eq!(client_key("::ffff:10.0.0.7"), "10.0.0.7");
        assert_eq!(client_key("10.0.0.7"), "10.0.0.7");
        assert_ne!(client_key("10.0.0.7"), client_key("10.0.0.8"));
        assert_eq!(client_key("unknown"), "unknown");
    }
}
