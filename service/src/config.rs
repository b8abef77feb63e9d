//! Runtime configuration. Parsed from flags, environment and an optional file
//! by the server binary; nothing else in the code base picks its own settings.

use domain::config::ClientConfig;

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: std::net::SocketAddr,
    /// Scheme, host and port users reach the app at; used for the Origin check
    /// and for links (password reset). `https://` turns on Secure cookies.
    pub public_url: String,
    pub database_url: String,
    pub plant_time_zone: chrono_tz::Tz,
    pub plant_name: String,
    pub request_timeout_ms: u64,
    pub retries: u32,
    pub retry_base_ms: u64,
    pub cors_origins: Vec<String>,
    pub log_level: String,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    pub monitor_interval_ms: u64,
    /// How often an open event stream re-checks its session and reloads the
    /// user's permissions (at most 30 s in production).
    pub stream_recheck_ms: u64,
    /// How long the event log keeps events, in hours.
    pub event_retention_hours: i64,
    pub auth_limits: AuthLimits,
}

/// How many sign-in and reset attempts are allowed in a window before the
/// key is refused until the window ends. The pair (username, address) locks
/// first, so a guesser at one address cannot lock a user out everywhere; the
/// per-username ceiling across addresses is much higher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthLimits {
    pub window_minutes: i64,
    /// Failed sign-ins for one username from one address.
    pub per_pair: i64,
    /// Failed sign-ins from one address, any usernames.
    pub per_address: i64,
    /// Failed sign-ins for one username, all addresses together.
    pub per_username: i64,
    /// Password-reset attempts from one address.
    pub resets_per_address: i64,
    /// Wrong current passwords or codes when a signed-in user confirms a
    /// sensitive change (password, two-factor).
    pub reauth_per_user: i64,
}

impl Default for AuthLimits {
    fn default() -> Self {
        AuthLimits {
            window_minutes: 15,
            per_pair: 5,
            per_address: 20,
            per_username: 100,
            resets_per_address: 10,
            reauth_per_user: 5,
        }
    }
}

impl Config {
    pub fn client(&self) -> ClientConfig {
        ClientConfig {
            request_timeout_ms: self.request_timeout_ms,
            retries: self.retries,
            retry_base_ms: self.retry_base_ms,
            plant_time_zone: self.plant_time_zone.name().to_string(),
            plant_name: self.plant_name.clone(),
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The origin (scheme://host[:port]) of `public_url`.
    pub fn public_origin(&self) -> String {
        origin_of(&self.public_url)
    }

    /// A config for tests and tools: SQLite at `database_url`, defaults elsewhere.
    pub fn for_tests(database_url: &str) -> Config {
        Config {
            bind: "127.0.0.1:0".parse().unwrap(),
            public_url: "http://127.0.0.1:3000".into(),
            database_url: database_url.into(),
            plant_time_zone: chrono_tz::Africa::Johannesburg,
            plant_name: "Test plant".into(),
            request_timeout_ms: 10_000,
            retries: 3,
            retry_base_ms: 300,
            cors_origins: vec![],
            log_level: "warn".into(),
            session_idle_minutes: 12 * 60,
            session_max_hours: 7 * 24,
            monitor_interval_ms: 1_000,
            stream_recheck_ms: 1_000,
            event_retention_hours: 7 * 24,
            auth_limits: AuthLimits::default(),
        }
    }
}

pub fn origin_of(url: &str) -> String {
    let url = url.trim_end_matches('/');
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            let host_end = rest.find('/').unwrap_or(rest.len());
            format!("{}{}", &url[..i + 3], &rest[..host_end])
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn origin_strips_path() {
        assert_eq!(
            super::origin_of("https://plant.example.com/app/"),
            "https://plant.example.com"
        );
        assert_eq!(
            super::origin_of("http://127.0.0.1:3000"),
            "http://127.0.0.1:3000"
        );
    }
}
