//! Configuration from flags, environment and an optional file, in that order
//! of precedence. `shopfloor --help` lists every setting.

use clap::{Parser, Subcommand};
use service::Config;
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Parser, Debug, Default)]
#[command(
    name = "shopfloor",
    version,
    about = "Shopfloor: the production system of a manufacturing plant"
)]
pub struct Cli {
    /// Optional settings file: `key = value` lines with the long flag names (e.g. `bind = "0.0.0.0:3000"`).
    #[arg(long, env = "SHOPFLOOR_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:3000].
    #[arg(long, env = "SHOPFLOOR_BIND")]
    pub bind: Option<String>,
    /// URL users reach Shopfloor at; used for the Origin check and links. https:// turns on Secure cookies [default: http://<bind>].
    #[arg(long, env = "SHOPFLOOR_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// sqlite://path or postgres://user@host/db [default: sqlite://data/shopfloor.db].
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// The plant's IANA time zone, used to show times [default: Africa/Johannesburg].
    #[arg(long, env = "SHOPFLOOR_TIMEZONE")]
    pub timezone: Option<String>,
    /// Name shown in the header [default: Shopfloor demo plant].
    #[arg(long, env = "SHOPFLOOR_PLANT_NAME")]
    pub plant_name: Option<String>,
    /// Browser call timeout in milliseconds [default: 10000].
    #[arg(long, env = "SHOPFLOOR_REQUEST_TIMEOUT_MS")]
    pub request_timeout_ms: Option<u64>,
    /// Automatic retries of a failed call [default: 3].
    #[arg(long, env = "SHOPFLOOR_RETRIES")]
    pub retries: Option<u32>,
    /// First retry delay in milliseconds, doubled each attempt, with jitter [default: 300].
    #[arg(long, env = "SHOPFLOOR_RETRY_BASE_MS")]
    pub retry_base_ms: Option<u64>,
    /// Comma-separated origins allowed to call the API from other sites [default: none].
    #[arg(long, env = "SHOPFLOOR_CORS_ORIGINS")]
    pub cors_origins: Option<String>,
    /// Log filter, e.g. info or shopfloor=debug,sqlx=warn [default: info].
    #[arg(long, env = "SHOPFLOOR_LOG")]
    pub log_level: Option<String>,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "SHOPFLOOR_LOG_JSON")]
    pub log_json: bool,
    /// Seed a demo plant (work centres, machines, one user per role) on an empty database.
    #[arg(long, env = "SHOPFLOOR_DEMO")]
    pub demo: bool,
    /// Password for the first admin; if unset, one is generated and printed once.
    #[arg(long, env = "SHOPFLOOR_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// How often the SLA monitor looks for breaches, in milliseconds [default: 1000].
    #[arg(long, env = "SHOPFLOOR_MONITOR_INTERVAL_MS")]
    pub monitor_interval_ms: Option<u64>,
    /// How often an open live-event stream re-checks its session and permissions, in milliseconds (100 to 30000) [default: 30000].
    #[arg(long, env = "SHOPFLOOR_STREAM_RECHECK_MS")]
    pub stream_recheck_ms: Option<u64>,
    /// How long the event log keeps events for reconnecting browsers, in hours [default: 168].
    #[arg(long, env = "SHOPFLOOR_EVENT_RETENTION_HOURS")]
    pub event_retention_hours: Option<u64>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the app (the default).
    Serve,
    /// Print a one-time password-reset link for a user.
    ResetPassword { username: String },
    /// Apply database migrations and exit.
    Migrate,
}

fn read_file(path: &PathBuf) -> Result<HashMap<String, String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("config file {}: {e}", path.display()))?;
    let mut out = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (k, v) = line.split_once('=').ok_or_else(|| {
            format!(
                "config file {} line {}: expected key = value",
                path.display(),
                n + 1
            )
        })?;
        let v = v.trim().trim_matches('"').to_string();
        out.insert(k.trim().replace('-', "_"), v);
    }
    Ok(out)
}

impl Cli {
    /// Resolves every setting; errors name the setting.
    pub fn resolve(&self) -> Result<(Config, String), String> {
        let file = match &self.config {
            Some(p) => read_file(p)?,
            None => HashMap::new(),
        };
        let pick = |flag: &Option<String>, key: &str, default: &str| -> String {
            flag.clone()
                .or_else(|| file.get(key).cloned())
                .unwrap_or_else(|| default.to_string())
        };
        let num = |flag: Option<u64>, key: &str, default: u64| -> Result<u64, String> {
            match flag {
                Some(v) => Ok(v),
                None => match file.get(key) {
                    Some(v) => v
                        .parse()
                        .map_err(|_| format!("{key}: expected a whole number, got {v:?}")),
                    None => Ok(default),
                },
            }
        };
        let leptos_addr =
            std::env::var("LEPTOS_SITE_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
        let bind_s = pick(&self.bind, "bind", &leptos_addr);
        let bind = bind_s
            .parse()
            .map_err(|_| format!("bind: {bind_s:?} is not an address like 127.0.0.1:3000"))?;
        let public_url = pick(&self.public_url, "public_url", &format!("http://{bind_s}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(format!(
                "public_url: {public_url:?} must start with http:// or https://"
            ));
        }
        let tz_s = pick(&self.timezone, "timezone", "Africa/Johannesburg");
        let plant_time_zone = tz_s
            .parse()
            .map_err(|_| format!("timezone: {tz_s:?} is not an IANA time zone"))?;
        let cors_origins: Vec<String> = pick(&self.cors_origins, "cors_origins", "")
            .split(',')
            .map(|s| s.trim().trim_end_matches('/').to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if cors_origins.iter().any(|o| o == "*") {
            return Err(
                "cors_origins: '*' is not allowed with credentials; list the origins".into(),
            );
        }
        let request_timeout_ms = num(self.request_timeout_ms, "request_timeout_ms", 10_000)?;
        if !(500..=120_000).contains(&request_timeout_ms) {
            return Err("request_timeout_ms: must be between 500 and 120000".into());
        }
        let config = Config {
            bind,
            public_url: public_url.trim_end_matches('/').to_string(),
            database_url: pick(
                &self.database_url,
                "database_url",
                "sqlite://data/shopfloor.db",
            ),
            plant_time_zone,
            plant_name: pick(&self.plant_name, "plant_name", "Shopfloor demo plant"),
            request_timeout_ms,
            retries: num(self.retries.map(u64::from), "retries", 3)?.min(10) as u32,
            retry_base_ms: num(self.retry_base_ms, "retry_base_ms", 300)?,
            cors_origins,
            log_level: pick(&self.log_level, "log_level", "info"),
            session_idle_minutes: 12 * 60,
            session_max_hours: 7 * 24,
            monitor_interval_ms: num(self.monitor_interval_ms, "monitor_interval_ms", 1000)?
                .max(100),
            stream_recheck_ms: num(self.stream_recheck_ms, "stream_recheck_ms", 30_000)?
                .clamp(100, 30_000),
            event_retention_hours: num(self.event_retention_hours, "event_retention_hours", 168)?
                .clamp(1, 24 * 365) as i64,
            auth_limits: Default::default(),
        };
        let admin_password = self
            .admin_password
            .clone()
            .or_else(|| file.get("admin_password").cloned())
            .unwrap_or_default();
        Ok((config, admin_password))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_resolve() {
        let (c, _) = Cli::default().resolve().unwrap();
        assert_eq!(c.database_url, "sqlite://data/shopfloor.db");
        assert!(c.cors_origins.is_empty());
        assert_eq!(c.request_timeout_ms, 10_000);
    }

    #[test]
    fn bad_values_name_the_setting() {
        let cli = Cli {
            timezone: Some("Mars/Olympus".into()),
            ..Default::default()
        };
        assert!(cli.resolve().unwrap_err().starts_with("timezone"));
        let cli = Cli {
            cors_origins: Some("*".into()),
            ..Default::default()
        };
        assert!(cli.resolve().unwrap_err().starts_with("cors_origins"));
        let cli = Cli {
            bind: Some("nope".into()),
            ..Default::default()
        };
        assert!(cli.resolve().unwrap_err().starts_with("bind"));
    }

    #[test]
    fn file_values_apply_below_flags() {
        let dir = std::env::temp_dir().join(format!("sf-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("shopfloor.conf");
        std::fs::write(&p, "# plant\nplant_name = \"Durban\"\nretries = 5\n").unwrap();
        let cli = Cli {
            config: Some(p),
            retries: Some(1),
            ..Default::default()
        };
        let (c, _) = cli.resolve().unwrap();
        assert_eq!(c.plant_name, "Durban");
        assert_eq!(c.retries, 1);
    }
}
