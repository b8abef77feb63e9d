//! Configuration from flags, environment and an optional file, in that order
//! of precedence. `shopfloor --help` lists every setting with its default.
//!
//! Defaults are written once: the service's in `service::Config::default`
//! (the browser's part in `domain::config::ClientConfig::default`), the
//! HTTP side's in [`HttpConfig::default`]. `--help` shows them from there.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use ipnet::IpNet;
use service::config::{Secret, WhatsappConfig};
use service::Config;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

#[derive(Parser, Debug, Default)]
#[command(
    name = "shopfloor",
    version,
    about = "Shopfloor: the production system of a manufacturing plant"
)]
pub struct Cli {
    /// Optional settings file: `key = value` lines with the long flag names (e.g. `bind = "0.0.0.0:3000"`); an unknown key is an error.
    #[arg(long, env = "SHOPFLOOR_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "SHOPFLOOR_BIND")]
    pub bind: Option<String>,
    /// URL users reach Shopfloor at; used for the Origin check and links. https:// turns on Secure cookies and Strict-Transport-Security [default: http://<bind>].
    #[arg(long, env = "SHOPFLOOR_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// sqlite://path or postgres://user@host/db.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// The plant's IANA time zone, used to show times (times are stored in UTC).
    #[arg(long, env = "SHOPFLOOR_TIMEZONE")]
    pub timezone: Option<String>,
    /// Name shown in the header.
    #[arg(long, env = "SHOPFLOOR_PLANT_NAME")]
    pub plant_name: Option<String>,
    /// Browser call timeout in milliseconds.
    #[arg(long, env = "SHOPFLOOR_REQUEST_TIMEOUT_MS")]
    pub request_timeout_ms: Option<u64>,
    /// Automatic retries of a failed call.
    #[arg(long, env = "SHOPFLOOR_RETRIES")]
    pub retries: Option<u32>,
    /// First retry delay in milliseconds, doubled each attempt, with jitter.
    #[arg(long, env = "SHOPFLOOR_RETRY_BASE_MS")]
    pub retry_base_ms: Option<u64>,
    /// Comma-separated origins allowed to call the API from other sites ('*' is refused).
    #[arg(long, env = "SHOPFLOOR_CORS_ORIGINS")]
    pub cors_origins: Option<String>,
    /// Comma-separated reverse proxies (IPs or CIDRs) whose X-Forwarded-For is believed; it is never believed from anyone else.
    #[arg(long, env = "SHOPFLOOR_TRUSTED_PROXIES")]
    pub trusted_proxies: Option<String>,
    /// Bearer token that /metrics requires (16 characters or more); without one, /metrics answers 404.
    #[arg(long, env = "SHOPFLOOR_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Log filter, e.g. info or shopfloor=debug,sqlx=warn.
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
    /// How often the SLA monitor looks for breaches, in milliseconds.
    #[arg(long, env = "SHOPFLOOR_MONITOR_INTERVAL_MS")]
    pub monitor_interval_ms: Option<u64>,
    /// How often an open live-event stream re-checks its session and permissions, in milliseconds (100 to 30000) [default: 30000].
    #[arg(long, env = "SHOPFLOOR_STREAM_RECHECK_MS")]
    pub stream_recheck_ms: Option<u64>,
    /// How long the event log keeps events for reconnecting browsers, in hours [default: 168].
    #[arg(long, env = "SHOPFLOOR_EVENT_RETENTION_HOURS")]
    pub event_retention_hours: Option<u64>,
    /// WhatsApp (Meta Cloud API): the token Meta's webhook verification must present.
    #[arg(long, env = "SHOPFLOOR_WHATSAPP_VERIFY_TOKEN", hide_env_values = true)]
    pub whatsapp_verify_token: Option<String>,
    /// WhatsApp (Meta Cloud API): the app secret that signs webhook deliveries (X-Hub-Signature-256). With neither this nor the Twilio token the channel is off.
    #[arg(long, env = "SHOPFLOOR_WHATSAPP_APP_SECRET", hide_env_values = true)]
    pub whatsapp_app_secret: Option<String>,
    /// WhatsApp (Twilio): the auth token that signs webhook deliveries (X-Twilio-Signature) over public_url + /api/v1/whatsapp/webhook.
    #[arg(long, env = "SHOPFLOOR_TWILIO_AUTH_TOKEN", hide_env_values = true)]
    pub twilio_auth_token: Option<String>,
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

/// The HTTP side's settings: where to listen, who may call across sites,
/// which proxies to believe, how to log, and the metrics token.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub bind: SocketAddr,
    pub cors_origins: Vec<String>,
    /// Peers whose `X-Forwarded-For` is believed (never anyone else's).
    pub trusted_proxies: Vec<IpNet>,
    /// `/metrics` answers only with `Authorization: Bearer <this>`; 404 when unset.
    pub metrics_token: Option<String>,
    pub log_level: String,
    pub log_json: bool,
}

/// Every default of the HTTP settings, written once.
impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            bind: "127.0.0.1:3000".parse().expect("a socket address"),
            cors_origins: vec![],
            trusted_proxies: vec![],
            metrics_token: None,
            log_level: "info".into(),
            log_json: false,
        }
    }
}

impl HttpConfig {
    pub fn is_trusted_proxy(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.trusted_proxies.iter().any(|n| n.contains(&ip))
    }
}

/// Everything `resolve` settles.
#[derive(Debug, Clone)]
pub struct Settings {
    pub service: Config,
    pub http: HttpConfig,
    pub admin_password: String,
    pub demo: bool,
}

/// What `--help` shows as each setting's default, taken from the defaults.
fn defaults_for_help() -> Vec<(&'static str, String)> {
    let s = Config::default();
    let h = HttpConfig::default();
    vec![
        ("bind", h.bind.to_string()),
        ("database_url", s.database_url),
        ("timezone", s.plant_time_zone.name().to_string()),
        ("plant_name", s.plant_name),
        ("request_timeout_ms", s.request_timeout_ms.to_string()),
        ("retries", s.retries.to_string()),
        ("retry_base_ms", s.retry_base_ms.to_string()),
        ("cors_origins", "none".into()),
        ("trusted_proxies", "none".into()),
        ("metrics_token", "none".into()),
        ("log_level", h.log_level),
        ("monitor_interval_ms", s.monitor_interval_ms.to_string()),
    ]
}

impl Cli {
    /// The command line definition with each default appended to its help.
    pub fn command_with_defaults() -> clap::Command {
        let mut cmd = Cli::command();
        for (id, default) in defaults_for_help() {
            cmd = cmd.mut_arg(id, |a| {
                let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
                a.help(format!("{help} [default: {default}]"))
            });
        }
        cmd
    }

    /// Parses the process's arguments (and environment).
    pub fn parse_args() -> Cli {
        let matches = Cli::command_with_defaults().get_matches();
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }

    /// The keys a settings file may hold: the long flag names.
    fn file_keys() -> Vec<String> {
        Cli::command()
            .get_arguments()
            .filter_map(|a| a.get_long().map(|l| l.replace('-', "_")))
            .filter(|k| k != "config" && k != "help" && k != "version")
            .collect()
    }

    /// Resolves every setting; errors name the setting.
    pub fn resolve(&self) -> Result<Settings, String> {
        let file = match &self.config {
            Some(p) => read_file(p, &Self::file_keys())?,
            None => HashMap::new(),
        };
        let d = Config::default();
        let dh = HttpConfig::default();
        let text = |flag: &Option<String>, key: &str| -> Option<String> {
            flag.clone().or_else(|| file.get(key).cloned())
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
        let switch = |flag: bool, key: &str| -> Result<bool, String> {
            match (flag, file.get(key).map(String::as_str)) {
                (true, _) => Ok(true),
                (false, None | Some("false")) => Ok(false),
                (false, Some("true")) => Ok(true),
                (false, Some(v)) => Err(format!("{key}: expected true or false, got {v:?}")),
            }
        };
        let list = |flag: &Option<String>, key: &str| -> Vec<String> {
            text(flag, key)
                .unwrap_or_default()
                .split(',')
                .map(|s| s.trim().trim_end_matches('/').to_string())
                .filter(|s| !s.is_empty())
                .collect()
        };

        // cargo-leptos tells the server where to listen when it runs it.
        let bind_s = text(&self.bind, "bind")
            .or_else(|| std::env::var("LEPTOS_SITE_ADDR").ok())
            .unwrap_or_else(|| dh.bind.to_string());
        let bind: SocketAddr = bind_s
            .parse()
            .map_err(|_| format!("bind: {bind_s:?} is not an address like 127.0.0.1:3000"))?;
        let public_url =
            text(&self.public_url, "public_url").unwrap_or_else(|| format!("http://{bind_s}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(format!(
                "public_url: {public_url:?} must start with http:// or https://"
            ));
        }
        let plant_time_zone = match text(&self.timezone, "timezone") {
            Some(tz) => tz
                .parse()
                .map_err(|_| format!("timezone: {tz:?} is not an IANA time zone"))?,
            None => d.plant_time_zone,
        };
        let cors_origins = list(&self.cors_origins, "cors_origins");
        if cors_origins.iter().any(|o| o == "*") {
            return Err(
                "cors_origins: '*' is not allowed with credentials; list the origins".into(),
            );
        }
        let trusted_proxies = list(&self.trusted_proxies, "trusted_proxies")
            .iter()
            .map(|p| parse_proxy(p))
            .collect::<Result<Vec<_>, _>>()?;
        let metrics_token = text(&self.metrics_token, "metrics_token").filter(|t| !t.is_empty());
        if metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err("metrics_token: must be at least 16 characters".into());
        }
        let request_timeout_ms = num(
            self.request_timeout_ms,
            "request_timeout_ms",
            d.request_timeout_ms,
        )?;
        if !(500..=120_000).contains(&request_timeout_ms) {
            return Err("request_timeout_ms: must be between 500 and 120000".into());
        }
        let service = Config {
            public_url: public_url.trim_end_matches('/').to_string(),
            database_url: text(&self.database_url, "database_url").unwrap_or(d.database_url),
            plant_time_zone,
            plant_name: text(&self.plant_name, "plant_name").unwrap_or(d.plant_name),
            request_timeout_ms,
            retries: num(self.retries.map(u64::from), "retries", d.retries.into())?.min(10) as u32,
            retry_base_ms: num(self.retry_base_ms, "retry_base_ms", d.retry_base_ms)?,
            session_idle_minutes: d.session_idle_minutes,
            session_max_hours: d.session_max_hours,
            monitor_interval_ms: num(
                self.monitor_interval_ms,
                "monitor_interval_ms",
                d.monitor_interval_ms,
            )?
            .max(100),
            stream_recheck_ms: num(
                self.stream_recheck_ms,
                "stream_recheck_ms",
                d.stream_recheck_ms,
            )?
            .clamp(100, 30_000),
            event_retention_hours: num(
                self.event_retention_hours,
                "event_retention_hours",
                d.event_retention_hours as u64,
            )?
            .clamp(1, 24 * 365) as i64,
            auth_limits: d.auth_limits.clone(),
            demo_plan: d.demo_plan,
            whatsapp: WhatsappConfig {
                verify_token: secret(
                    text(&self.whatsapp_verify_token, "whatsapp_verify_token"),
                    "whatsapp_verify_token",
                )?,
                app_secret: secret(
                    text(&self.whatsapp_app_secret, "whatsapp_app_secret"),
                    "whatsapp_app_secret",
                )?,
                twilio_auth_token: secret(
                    text(&self.twilio_auth_token, "twilio_auth_token"),
                    "twilio_auth_token",
                )?,
            },
        };
        let http = HttpConfig {
            bind,
            cors_origins,
            trusted_proxies,
            metrics_token,
            log_level: text(&self.log_level, "log_level").unwrap_or(dh.log_level),
            log_json: switch(self.log_json, "log_json")?,
        };
        Ok(Settings {
            service,
            http,
            admin_password: text(&self.admin_password, "admin_password").unwrap_or_default(),
            demo: switch(self.demo, "demo")?,
        })
    }
}

/// A secret setting: unset or empty is none; a set one must be long enough
/// not to be guessed (16 characters), and is never logged.
fn secret(v: Option<String>, name: &str) -> Result<Option<Secret>, String> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if s.len() < 16 => Err(format!("{name}: must be at least 16 characters")),
        Some(s) => Ok(Some(Secret::new(s))),
    }
}

/// One trusted proxy: an IP address or a CIDR block.
pub fn parse_proxy(p: &str) -> Result<IpNet, String> {
    p.parse::<IpNet>()
        .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("trusted_proxies: {p:?} is not an IP address or CIDR"))
}

fn read_file(path: &PathBuf, known: &[String]) -> Result<HashMap<String, String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("config file {}: {e}", path.display()))?;
    let mut out = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = || format!("config file {} line {}", path.display(), n + 1);
        let (k, v) = line
            .split_once('=')
            .ok_or_else(|| format!("{}: expected key = value", at()))?;
        let key = k.trim().replace('-', "_");
        if !known.contains(&key) {
            return Err(format!("{}: unknown setting {key:?}", at()));
        }
        let v = v.trim().trim_matches('"').to_string();
        out.insert(key, v);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sf-cfg-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("shopfloor.conf");
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn defaults_resolve_from_the_one_place() {
        let s = Cli::default().resolve().unwrap();
        let d = Config::default();
        assert_eq!(s.service.database_url, d.database_url);
        assert_eq!(s.service.plant_time_zone, d.plant_time_zone);
        assert_eq!(s.service.client(), domain::config::ClientConfig::default());
        assert!(s.http.cors_origins.is_empty() && s.http.trusted_proxies.is_empty());
        assert!(s.http.metrics_token.is_none());
        assert_eq!(s.service.request_timeout_ms, 10_000);
    }

    #[test]
    fn bad_values_name_the_setting() {
        for (cli, name) in [
            (
                Cli {
                    timezone: Some("Mars/Olympus".into()),
                    ..Default::default()
                },
                "timezone",
            ),
            (
                Cli {
                    cors_origins: Some("*".into()),
                    ..Default::default()
                },
                "cors_origins",
            ),
            (
                Cli {
                    bind: Some("nope".into()),
                    ..Default::default()
                },
                "bind",
            ),
            (
                Cli {
                    trusted_proxies: Some("10.0.0.0/8, proxy.local".into()),
                    ..Default::default()
                },
                "trusted_proxies",
            ),
            (
                Cli {
                    metrics_token: Some("short".into()),
                    ..Default::default()
                },
                "metrics_token",
            ),
            (
                Cli {
                    whatsapp_app_secret: Some("short".into()),
                    ..Default::default()
                },
                "whatsapp_app_secret",
            ),
        ] {
            assert!(cli.resolve().unwrap_err().starts_with(name), "{name}");
        }
    }

    #[test]
    fn whatsapp_is_off_until_a_provider_secret_is_set_and_secrets_never_print() {
        let off = Cli::default().resolve().unwrap();
        assert!(!off.service.whatsapp.is_on());
        let on = Cli {
            twilio_auth_token: Some("twilio-token-0123456789".into()),
            whatsapp_app_secret: Some(" ".into()),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        assert!(on.service.whatsapp.is_on());
        assert!(on.service.whatsapp.app_secret.is_none(), "blank is unset");
        assert!(!format!("{on:?}").contains("twilio-token-0123456789"));
    }

    #[test]
    fn trusted_proxies_take_ips_and_cidrs() {
        let s = Cli {
            trusted_proxies: Some("127.0.0.1, 10.0.0.0/8,::1".into()),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        assert!(s.http.is_trusted_proxy("10.1.2.3".parse().unwrap()));
        assert!(s.http.is_trusted_proxy("127.0.0.1".parse().unwrap()));
        assert!(s.http.is_trusted_proxy("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!s.http.is_trusted_proxy("192.168.1.1".parse().unwrap()));
    }

    #[test]
    fn file_values_apply_below_flags() {
        let p = temp_file(
            "ok",
            "# plant\nplant_name = \"Durban\"\nretries = 5\ndemo = true\nmetrics-token = 0123456789abcdef\n",
        );
        let cli = Cli {
            config: Some(p),
            retries: Some(1),
            ..Default::default()
        };
        let s = cli.resolve().unwrap();
        assert_eq!(s.service.plant_name, "Durban");
        assert_eq!(s.service.retries, 1);
        assert!(s.demo);
        assert_eq!(s.http.metrics_token.as_deref(), Some("0123456789abcdef"));
    }

    #[test]
    fn an_unknown_key_in_the_file_is_an_error_naming_it() {
        let p = temp_file("unknown", "plant_name = x\ntime_zone = UTC\n");
        let err = Cli {
            config: Some(p),
            ..Default::default()
        }
        .resolve()
        .unwrap_err();
        assert!(err.contains("unknown setting \"time_zone\""), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn help_shows_the_defaults_from_the_one_place() {
        let help = Cli::command_with_defaults().render_long_help().to_string();
        for (_, default) in defaults_for_help() {
            assert!(help.contains(&format!("[default: {default}]")), "{default}");
        }
    }

    #[test]
    fn readme_lists_the_same_defaults() {
        let readme = include_str!("../../README.md");
        for (id, default) in defaults_for_help() {
            let flag = format!("`--{}`", id.replace('_', "-"));
            let row = readme
                .lines()
                .find(|l| l.starts_with('|') && l.contains(&flag))
                .unwrap_or_else(|| panic!("README's configuration table has no row for {flag}"));
            assert!(
                row.contains(&default),
                "README row for {flag} lacks {default}: {row}"
            );
        }
    }
}
