//! Where to send a user after signing in. The `next` parameter comes from
//! the address bar, so it is attacker-controlled: only a path inside this
//! app is accepted, never anything a browser could read as another host
//! (`//evil`, `/\evil`, `/%2F%2Fevil`, `/\t/evil`, `https:evil`, …).

/// The page a user lands on when `next` is missing or refused.
pub const HOME_PATH: &str = "/";

/// `next` when it is an app path, else [`HOME_PATH`]. The one check used by
/// the sign-in page in the browser and by the server's no-JavaScript form.
pub fn next_or_home(next: Option<&str>) -> String {
    next.filter(|n| is_app_path(n))
        .unwrap_or(HOME_PATH)
        .to_string()
}

/// A path (with an optional query) on this origin: one leading `/`, no
/// backslash, control character or whitespace, no empty or dot segment, and
/// the same after percent-decoding (repeatedly, as far as it changes).
pub fn is_app_path(p: &str) -> bool {
    let mut current = p.to_string();
    // Each round checks one layer of encoding; a deeper nesting is refused.
    for _ in 0..4 {
        if !plain_app_path(&current) {
            return false;
        }
        let decoded = match percent_encoding::percent_decode_str(&current).decode_utf8() {
            Ok(d) => d.into_owned(),
            Err(_) => return false,
        };
        if decoded == current {
            return true;
        }
        current = decoded;
    }
    false
}

fn plain_app_path(p: &str) -> bool {
    if !p.starts_with('/') || p.len() > 2048 {
        return false;
    }
    if p.chars()
        .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
    {
        return false;
    }
    let path = p.split(['?', '#']).next().unwrap_or("");
    // "/" alone is the home page; otherwise no segment is empty ("//", a
    // trailing "/" is allowed) and none is "." or "..".
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    segments
        .iter()
        .enumerate()
        .all(|(i, s)| !matches!(*s, "." | "..") && (!s.is_empty() || i == last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_paths_pass() {
        for p in [
            "/",
            "/maintenance",
            "/maintenance/42",
            "/maintenance?status=open&priority=high",
            "/admin/users/",
            "/maintenance%3Fx",
            "/master/machines#top",
        ] {
            assert!(is_app_path(p), "{p}");
            assert_eq!(next_or_home(Some(p)), p);
        }
    }

    #[test]
    fn known_bypasses_fall_back_to_home() {
        for p in [
            "",
            "maintenance",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\\/evil.example",
            "/%2F%2Fevil.example",
            "/%2f/evil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/%252F%252Fevil.example",
            "/%25252F%25252Fevil.example",
            "/\tevil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/%09/evil.example",
            "/%0d%0a/evil.example",
            "/%00",
            "/ /evil.example",
            "https:evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "/.//evil.example",
            "/./evil.example",
            "/../evil.example",
            "/maintenance/..",
            "/%2e%2e/%2fevil.example",
            "/%E0%A4%A",
            "/\u{00a0}/evil.example",
            "/\u{2028}",
        ] {
            assert!(!is_app_path(p), "{p:?} was accepted");
            assert_eq!(next_or_home(Some(p)), HOME_PATH, "{p:?}");
        }
        assert_eq!(next_or_home(None), HOME_PATH);
    }
}
