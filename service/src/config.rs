//! Runtime configuration of the service layer. Parsed from flags, environment
//! and an optional file by the server binary (which also owns the HTTP
//! settings: bind address, CORS, logs, proxies); nothing else in the code
//! base picks its own settings.

use domain::config::ClientConfig;

#[derive(Debug, Clone)]
pub struct Config {
    /// Scheme, host and port users reach the app at; used for the Origin check
    /// and for links (password reset). `https://` turns on Secure cookies.
    pub public_url: String,
    pub database_url: String,
    pub plant_time_zone: chrono_tz::Tz,
    pub plant_name: String,
    pub request_timeout_ms: u64,
    pub retries: u32,
    pub retry_base_ms: u64,
    pub session_idle_minutes: i64,
    pub session_max_hours: i64,
    pub monitor_interval_ms: u64,
    /// How often an open event stream re-checks its session and reloads the
    /// user's permissions (at most 30 s in production).
    pub stream_recheck_ms: u64,
    /// How long the event log keeps events, in hours.
    pub event_retention_hours: i64,
    pub auth_limits: AuthLimits,
    /// With the demo plant, also seed BOMs and released manufacturing
    /// orders (off in tests, which build their own plans).
    pub demo_plan: bool,
    pub whatsapp: WhatsappConfig,
}

/// A secret setting: its Debug never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// The WhatsApp channel's settings. With no provider's secret set the
/// channel is off and its webhook answers 404.
#[derive(Debug, Clone, Default)]
pub struct WhatsappConfig {
    /// What Meta's webhook verification (GET) must present as `hub.verify_token`.
    pub verify_token: Option<Secret>,
    /// Meta's app secret: `X-Hub-Signature-256` is its HMAC-SHA256 of the body.
    pub app_secret: Option<Secret>,
    /// Twilio's auth token: `X-Twilio-Signature` is its HMAC-SHA1 of the
    /// public webhook URL and the posted fields.
    pub twilio_auth_token: Option<Secret>,
}

impl WhatsappConfig {
    /// Some provider can reach the webhook.
    pub fn is_on(&self) -> bool {
        self.app_secret.is_some() || self.twilio_auth_token.is_some()
    }
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

/// Every default of the service's settings, written once (the settings the
/// browser sees come from [`ClientConfig::default`]). `public_url` has no
/// default of its own: the server derives it from the bind address.
impl Default for Config {
    fn default() -> Self {
        let client = ClientConfig::default();
        Config {
            public_url: "http://127.0.0.1:3000".into(),
            database_url: "sqlite://data/shopfloor.db".into(),
            plant_time_zone: client
                .plant_time_zone
                .parse()
                .expect("the default time zone is an IANA name"),
            plant_name: client.plant_name,
            request_timeout_ms: client.request_timeout_ms,
            retries: client.retries,
            retry_base_ms: client.retry_base_ms,
            session_idle_minutes: 12 * 60,
            session_max_hours: 7 * 24,
            monitor_interval_ms: 1_000,
            stream_recheck_ms: 30_000,
            event_retention_hours: 7 * 24,
            auth_limits: AuthLimits::default(),
            demo_plan: true,
            whatsapp: WhatsappConfig::default(),
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

    /// The origin (scheme://host[:port]) of `public_url`.
    pub fn public_origin(&self) -> String {
        origin_of(&self.public_url)
    }

    /// A config for tests and tools: the defaults, with the database at `database_url`.
    pub fn for_tests(database_url: &str) -> Config {
        Config {
            database_url: database_url.into(),
            // Streams re-check their session every second, so tests need not wait 30 s.
            stream_recheck_ms: 1_000,
            demo_plan: false,
            ..Config::default()
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
    fn defaults_agree_with_the_browser_defaults() {
        let c = super::Config::default();
        assert_eq!(c.client(), domain::config::ClientConfig::default());
    }

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
