//! HTTP glue kept here until it moves to the server crate: reading the
//! session token from request headers and building the session cookie.

pub const SESSION_COOKIE: &str = "sf_session";

/// The token from `Authorization: Bearer …` or the session cookie.
pub fn token_from_headers(headers: &http_types::HeaderMap) -> Option<(String, TokenSource)> {
    if let Some(v) = headers.get("authorization").and_then(|v| v.to_str().ok()) {
        if let Some(t) = v.strip_prefix("Bearer ") {
            return Some((t.trim().to_string(), TokenSource::Bearer));
        }
    }
    for v in headers.get_all("cookie") {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Cookie,
    Bearer,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_flags() {
        let c = session_cookie(Some("abc"), true, 60);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(!session_cookie(Some("abc"), false, 60).contains("Secure"));
    }
}
