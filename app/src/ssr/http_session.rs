//! The HTTP side of sessions: where the token travels (a bearer header or
//! the session cookie) and how the cookie is written. The service layer only
//! sees tokens; pages, server functions and the REST API share these.

use http::HeaderMap;

pub const SESSION_COOKIE: &str = "sf_session";

/// Where a request's session token came from. A bearer token carries no
/// ambient credential, so it needs no cross-site check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Cookie,
    Bearer,
}

/// The token from `Authorization: Bearer …` or the session cookie.
pub fn token_from_headers(headers: &HeaderMap) -> Option<(String, TokenSource)> {
    if let Some(t) = bearer_token(headers) {
        return Some((t, TokenSource::Bearer));
    }
    for v in headers.get_all(http::header::COOKIE) {
        let Ok(s) = v.to_str() else { continue };
        for part in s.split(';') {
            if let Some((k, val)) = part.trim().split_once('=') {
                if k == SESSION_COOKIE && !val.is_empty() {
                    return Some((val.to_string(), TokenSource::Cookie));
                }
            }
        }
    }
    None
}

/// The token of an `Authorization: Bearer …` header, if any.
pub fn bearer_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// `Set-Cookie` value for a session (or its removal when `token` is None).
pub fn session_cookie(token: Option<&str>, secure: bool, max_age_s: i64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(t) => format!(
            "{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}"
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// The session cookie as this deployment writes it: `Secure` under https,
/// living as long as the longest session.
pub fn session_cookie_for(config: &service::Config, token: Option<&str>) -> String {
    session_cookie(
        token,
        config.public_url.starts_with("https://"),
        config.session_max_hours * 3600,
    )
}

/// Sent with every sign-out: the browser drops its HTTP cache and the
/// service worker's caches and storage, so no signed-in page outlives it.
pub const CLEAR_SITE_DATA: &str = "\"cache\", \"storage\"";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_flags() {
        let c = session_cookie(Some("abc"), true, 60);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!session_cookie(Some("abc"), false, 60).contains("Secure"));
    }

    #[test]
    fn bearer_wins_over_cookie() {
        let mut h = HeaderMap::new();
        h.insert(http::header::COOKIE, "a=b; sf_session=c1".parse().unwrap());
        assert_eq!(
            token_from_headers(&h),
            Some(("c1".into(), TokenSource::Cookie))
        );
        h.insert(http::header::AUTHORIZATION, "Bearer t1".parse().unwrap());
        assert_eq!(
            token_from_headers(&h),
            Some(("t1".into(), TokenSource::Bearer))
        );
    }
}
