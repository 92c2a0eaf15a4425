//! One typed configuration, loaded once in `main`: an optional TOML file
//! (`GONGDAO_CONFIG`, or `./gongdao.toml` when present) overridden by the
//! environment. Nothing else reads the environment.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use serde::Deserialize;

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    pub addr: SocketAddr,
    /// SQLite file, dev mailbox, search index (and uploads unless `files_dir`).
    pub data_dir: PathBuf,
    /// Evidence and licence files (`GONGDAO_FILES_DIR`, default
    /// `$GONGDAO_DATA_DIR/evidence`): one folder several servers may share.
    pub files_dir: PathBuf,
    /// Rate-limit counters in Redis (`GONGDAO_REDIS_URL`, `redis://…`);
    /// unset: in the database.
    pub redis_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client
    /// (`GONGDAO_TRUSTED_PROXIES`, comma-separated IPs); from anyone else the
    /// header is ignored, so a client cannot pick the address it is
    /// rate-limited under.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Public pages and public API reads are answered from memory
    /// (`GONGDAO_PAGE_CACHE`, default on; `off` to render every request).
    pub page_cache: bool,
    /// Where cargo-leptos put the compiled site (`target/site`).
    pub site_root: PathBuf,
    /// The address users reach us at; used in mailed links.
    pub public_url: String,
    pub demo_data: bool,
    /// Cookies get `Secure` when the public URL is https.
    pub secure_cookies: bool,
    pub mail: MailConfig,
    /// `GONGDAO_NOW`: the clock is fixed at this instant.
    pub now: Option<DateTime<Utc>>,
    pub limits: Limits,
    /// The most first compensation pays on one case, in fen
    /// (`GONGDAO_FUND_CAP_FEN`; default ¥5,000).
    pub fund_cap_fen: i64,
    /// Risk-warning thresholds (`GONGDAO_RISK_SPIKE_FACTOR`, e.g. `3.0`).
    pub risk: domain::credit::risk::RiskParams,
    /// Periodic jobs (sweeper, credit worker) and their leases.
    pub jobs: Jobs,
    /// The key personal data (resident ID numbers) is encrypted and hashed
    /// with (`GONGDAO_PII_KEY`: 32 bytes as 64 hex digits or base64). Every
    /// server over one database needs the same; unset, a key is made once
    /// in `<data_dir>/pii.key` (fine for a single server).
    pub pii_key: Option<SecretKey>,
    /// The case steps a consumer may take only with a verified identity
    /// (`GONGDAO_REAL_NAME_REQUIRED`: comma-separated `first_compensation`,
    /// `arbitration`; `none` for none; default both).
    pub real_name_required: Vec<domain::identity::GuardedStep>,
    /// The Ed25519 key that signs case bundles (`GONGDAO_SIGNING_KEY_FILE`:
    /// PKCS#8 PEM or 64 hex digits); unset: a key made once and kept in
    /// the database, the same for every server on it (`services::signing`).
    pub signing_key_file: Option<PathBuf>,
    /// Professional-claimant screening thresholds (`GONGDAO_SCREENING_*`).
    pub screening: domain::screening::ScreeningParams,
    /// Webhooks to platforms (`GONGDAO_WEBHOOK_*`).
    pub webhooks: WebhookConfig,
}

/// How webhooks are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookConfig {
    /// `GONGDAO_WEBHOOK_ALLOW_PRIVATE=1`: endpoints on private, loopback or
    /// reserved addresses are allowed, and for those plain `http://` too
    /// (development and tests only; never on a public server).
    pub allow_private: bool,
    /// `GONGDAO_WEBHOOK_MAX_ATTEMPTS`, default 15: a delivery that failed
    /// this many times in a row is marked failed (it can still be replayed).
    pub max_attempts: u32,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig {
            allow_private: false,
            max_attempts: 15,
        }
    }
}

/// 32 secret bytes that never appear in a `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(pub [u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

impl SecretKey {
    /// 64 hex digits or the base64 of 32 bytes.
    pub fn parse(text: &str) -> Option<SecretKey> {
        use base64::Engine;
        let t = text.trim();
        let bytes = if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(t).ok()?
        } else {
            base64::engine::general_purpose::STANDARD.decode(t).ok()?
        };
        Some(SecretKey(bytes.try_into().ok()?))
    }
}

/// `first_compensation,arbitration`, `none` or empty for none.
fn guarded_steps(v: &str) -> anyhow::Result<Vec<domain::identity::GuardedStep>> {
    let mut out = Vec::new();
    for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if part == "none" {
            continue;
        }
        let step = domain::identity::GuardedStep::parse(part).with_context(|| {
            format!(
                "GONGDAO_REAL_NAME_REQUIRED: {part:?} is not first_compensation, arbitration or none"
            )
        })?;
        if !out.contains(&step) {
            out.push(step);
        }
    }
    Ok(out)
}

/// How often the sweeper runs and how long a job's lease lasts: a server
/// that dies holding a lease hands its job over once the lease expires.
#[derive(Debug, Clone, Copy)]
pub struct Jobs {
    /// `GONGDAO_SWEEP_EVERY_SECS`, default 60.
    pub sweep_every: std::time::Duration,
    /// `GONGDAO_LEASE_TTL_SECS`, default 30 (renewed every third of it
    /// while a job runs).
    pub lease_ttl: std::time::Duration,
    /// `GONGDAO_RETRY_MAX_SECS`, default 600: the longest wait between two
    /// attempts of queued work (mail, recomputations) that keeps failing.
    pub retry_max: std::time::Duration,
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs {
            sweep_every: std::time::Duration::from_secs(60),
            lease_ttl: crate::lease::TTL,
            retry_max: std::time::Duration::from_secs(600),
        }
    }
}

/// `3`, `3.5` → 30, 35; at least 1.0.
fn factor_x10(v: &str) -> Option<u32> {
    let (whole, tenth) = match v.trim().split_once('.') {
        Some((w, t)) if t.len() == 1 => (w, t),
        Some(_) => return None,
        None => (v.trim(), "0"),
    };
    let x = whole.parse::<u32>().ok()?.checked_mul(10)? + tenth.parse::<u32>().ok()?;
    (x >= 10).then_some(x)
}

/// Default per-case cap of first compensation: ¥5,000.
pub const DEFAULT_FUND_CAP_FEN: i64 = 500_000;

#[derive(Debug, Clone)]
pub struct MailConfig {
    pub from: String,
    pub backend: MailBackendConfig,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailBackendConfig {
    /// Writes each message as JSON under `<data_dir>/mailbox`, readable at `/dev/mailbox`.
    File,
    Smtp {
        host: String,
        port: u16,
        username: Option<String>,
        password: Option<String>,
        tls: SmtpTls,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    None,
    Starttls,
    Tls,
}

/// Rate limits: attempts per window.
#[derive(Debug, Clone)]
pub struct Limits {
    pub login_per_ip_per_minute: u32,
    pub login_per_account_per_15_minutes: u32,
    pub register_per_ip_per_hour: u32,
    /// Calls one organisation's API key may make per minute
    /// (`GONGDAO_API_KEY_LIMIT_PER_MINUTE`).
    pub api_key_per_minute: u32,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            login_per_ip_per_minute: 30,
            login_per_account_per_15_minutes: 10,
            register_per_ip_per_hour: 20,
            api_key_per_minute: 600,
            max_body_bytes: 64 * 1024,
        }
    }
}

/// The optional file: every field optional, same names as the environment
/// without the prefix, lower-case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    addr: Option<String>,
    data_dir: Option<PathBuf>,
    site_root: Option<PathBuf>,
    public_url: Option<String>,
    demo_data: Option<bool>,
    mail_from: Option<String>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    smtp_tls: Option<SmtpTls>,
    files_dir: Option<PathBuf>,
    redis_url: Option<String>,
    trusted_proxies: Option<String>,
    page_cache: Option<bool>,
    signing_key_file: Option<PathBuf>,
    screening_window_days: Option<u32>,
    screening_punitive_claims: Option<u32>,
    screening_punitive_merchants: Option<u32>,
    screening_narrative_repeats: Option<u32>,
    screening_narrative_similarity_pct: Option<u32>,
    screening_bought_to_claim: Option<u32>,
    screening_malicious_flags: Option<u32>,
    screening_malicious_merchants: Option<u32>,
}

impl Config {
    /// Loads from the process environment.
    pub fn load() -> anyhow::Result<Config> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Loads from any key → value source (tests pass a map).
    pub fn from_lookup(env: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
        let file = match env("GONGDAO_CONFIG") {
            Some(p) => Some(PathBuf::from(p)),
            None => Some(PathBuf::from("gongdao.toml")).filter(|p| p.exists()),
        };
        let file: FileConfig = match file {
            Some(p) => {
                let text = std::fs::read_to_string(&p)
                    .with_context(|| format!("reading config file {}", p.display()))?;
                toml::from_str(&text)
                    .with_context(|| format!("parsing config file {}", p.display()))?
            }
            None => FileConfig::default(),
        };
        let data_dir = env("GONGDAO_DATA_DIR")
            .map(PathBuf::from)
            .or(file.data_dir)
            .unwrap_or_else(|| "data".into());
        let files_dir = env("GONGDAO_FILES_DIR")
            .map(PathBuf::from)
            .or(file.files_dir)
            .unwrap_or_else(|| data_dir.join("evidence"));
        let redis_url = env("GONGDAO_REDIS_URL")
            .or(file.redis_url)
            .filter(|u| !u.trim().is_empty());
        if let Some(u) = &redis_url
            && !(u.starts_with("redis://")
                || u.starts_with("rediss://")
                || u.starts_with("unix://"))
        {
            bail!("GONGDAO_REDIS_URL must start with redis://, rediss:// or unix:// (got {u:?})");
        }
        let trusted_proxies = match env("GONGDAO_TRUSTED_PROXIES").or(file.trusted_proxies) {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse().with_context(|| {
                        format!("GONGDAO_TRUSTED_PROXIES: {s:?} is not an IP address")
                    })
                })
                .collect::<anyhow::Result<_>>()?,
        };
        let page_cache = match env("GONGDAO_PAGE_CACHE") {
            None => file.page_cache.unwrap_or(true),
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "on" | "1" | "true" | "yes" => true,
                "off" | "0" | "false" | "no" => false,
                _ => bail!("GONGDAO_PAGE_CACHE must be on or off (got {v:?})"),
            },
        };
        let addr_text = env("GONGDAO_ADDR")
            .or(file.addr)
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr: SocketAddr = addr_text.parse().with_context(|| {
            format!("GONGDAO_ADDR {addr_text:?} is not an address like 127.0.0.1:3000")
        })?;
        let database_url = env("DATABASE_URL")
            .or(file.database_url)
            .unwrap_or_else(|| {
                format!(
                    "sqlite://{}?mode=rwc",
                    data_dir.join("gongdao.db").display()
                )
            });
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            bail!("DATABASE_URL must start with sqlite:// or postgres:// (got {database_url:?})");
        }
        let public_url = env("GONGDAO_PUBLIC_URL")
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{addr}"));
        let public_url = public_url.trim_end_matches('/').to_string();
        let flag = |v: Option<String>| v.map(|v| matches!(v.trim(), "1" | "true" | "yes" | "on"));
        let demo_data = flag(env("GONGDAO_DEMO_DATA"))
            .or(file.demo_data)
            .unwrap_or(false);
        let smtp_host = env("GONGDAO_SMTP_HOST").or(file.smtp_host);
        let backend = match smtp_host {
            Some(host) if !host.is_empty() => {
                let port = match env("GONGDAO_SMTP_PORT") {
                    Some(p) => p
                        .parse()
                        .with_context(|| format!("GONGDAO_SMTP_PORT {p:?} is not a port"))?,
                    None => file.smtp_port.unwrap_or(587),
                };
                let tls = match env("GONGDAO_SMTP_TLS") {
                    Some(t) => serde_json::from_value(serde_json::Value::String(t.to_lowercase()))
                        .with_context(|| {
                            format!("GONGDAO_SMTP_TLS {t:?} must be none, starttls or tls")
                        })?,
                    None => file.smtp_tls.unwrap_or(SmtpTls::Starttls),
                };
                MailBackendConfig::Smtp {
                    host,
                    port,
                    username: env("GONGDAO_SMTP_USERNAME").or(file.smtp_username),
                    password: env("GONGDAO_SMTP_PASSWORD").or(file.smtp_password),
                    tls,
                }
            }
            _ => MailBackendConfig::File,
        };
        let now = match env("GONGDAO_NOW") {
            Some(t) => Some(
                DateTime::parse_from_rfc3339(&t)
                    .with_context(|| format!("GONGDAO_NOW {t:?} is not an RFC 3339 time"))?
                    .with_timezone(&Utc),
            ),
            None => None,
        };
        let mut limits = Limits::default();
        for (key, slot) in [
            (
                "GONGDAO_LOGIN_LIMIT_PER_IP",
                &mut limits.login_per_ip_per_minute,
            ),
            (
                "GONGDAO_LOGIN_LIMIT_PER_ACCOUNT",
                &mut limits.login_per_account_per_15_minutes,
            ),
            (
                "GONGDAO_REGISTER_LIMIT_PER_IP",
                &mut limits.register_per_ip_per_hour,
            ),
            (
                "GONGDAO_API_KEY_LIMIT_PER_MINUTE",
                &mut limits.api_key_per_minute,
            ),
        ] {
            if let Some(v) = env(key) {
                *slot = v
                    .trim()
                    .parse()
                    .with_context(|| format!("{key} {v:?} is not a whole number"))?;
            }
        }
        let fund_cap_fen = match env("GONGDAO_FUND_CAP_FEN") {
            Some(v) => match v.trim().parse::<i64>() {
                Ok(n) if n > 0 => n,
                _ => anyhow::bail!(
                    "GONGDAO_FUND_CAP_FEN {v:?} is not a positive whole number of fen"
                ),
            },
            None => DEFAULT_FUND_CAP_FEN,
        };
        let mut risk = domain::credit::risk::RiskParams::default();
        if let Some(v) = env("GONGDAO_RISK_SPIKE_FACTOR") {
            risk.spike_factor_x10 = factor_x10(&v).with_context(|| {
                format!(
                    "GONGDAO_RISK_SPIKE_FACTOR {v:?} is not a factor of at least 1.0 (one decimal)"
                )
            })?;
        }
        let mut jobs = Jobs::default();
        for (key, slot) in [
            ("GONGDAO_SWEEP_EVERY_SECS", &mut jobs.sweep_every),
            ("GONGDAO_LEASE_TTL_SECS", &mut jobs.lease_ttl),
            ("GONGDAO_RETRY_MAX_SECS", &mut jobs.retry_max),
        ] {
            if let Some(v) = env(key) {
                *slot = match v.trim().parse::<u64>() {
                    Ok(n) if (1..=86_400).contains(&n) => std::time::Duration::from_secs(n),
                    _ => bail!("{key} {v:?} is not a whole number of seconds from 1 to 86400"),
                };
            }
        }
        let pii_key = match env("GONGDAO_PII_KEY").filter(|k| !k.trim().is_empty()) {
            Some(k) => Some(SecretKey::parse(&k).context(
                "GONGDAO_PII_KEY must be 32 bytes: 64 hex digits or base64 (e.g. `openssl rand -hex 32`)",
            )?),
            None => None,
        };
        let real_name_required = match env("GONGDAO_REAL_NAME_REQUIRED") {
            Some(v) => guarded_steps(&v)?,
            None => domain::identity::GuardedStep::ALL.to_vec(),
        };
        let signing_key_file = env("GONGDAO_SIGNING_KEY_FILE")
            .filter(|p| !p.trim().is_empty())
            .map(PathBuf::from)
            .or(file.signing_key_file);
        let mut screening = domain::screening::ScreeningParams::default();
        for (key, from_file, slot, range) in [
            (
                "GONGDAO_SCREENING_WINDOW_DAYS",
                file.screening_window_days,
                &mut screening.window_days,
                1..=3650,
            ),
            (
                "GONGDAO_SCREENING_PUNITIVE_CLAIMS",
                file.screening_punitive_claims,
                &mut screening.punitive_claims,
                1..=10_000,
            ),
            (
                "GONGDAO_SCREENING_PUNITIVE_MERCHANTS",
                file.screening_punitive_merchants,
                &mut screening.punitive_merchants,
                1..=10_000,
            ),
            (
                "GONGDAO_SCREENING_NARRATIVE_REPEATS",
                file.screening_narrative_repeats,
                &mut screening.narrative_repeats,
                2..=10_000,
            ),
            (
                "GONGDAO_SCREENING_NARRATIVE_SIMILARITY_PCT",
                file.screening_narrative_similarity_pct,
                &mut screening.narrative_similarity_pct,
                1..=100,
            ),
            (
                "GONGDAO_SCREENING_BOUGHT_TO_CLAIM",
                file.screening_bought_to_claim,
                &mut screening.bought_to_claim,
                1..=10_000,
            ),
            (
                "GONGDAO_SCREENING_MALICIOUS_FLAGS",
                file.screening_malicious_flags,
                &mut screening.malicious_flags,
                1..=10_000,
            ),
            (
                "GONGDAO_SCREENING_MALICIOUS_MERCHANTS",
                file.screening_malicious_merchants,
                &mut screening.malicious_merchants,
                1..=10_000,
            ),
        ] {
            let v = match env(key) {
                Some(v) => v.trim().parse::<u32>().ok().filter(|n| range.contains(n)),
                None => match from_file {
                    Some(n) => Some(n).filter(|n| range.contains(n)),
                    None => continue,
                },
            };
            *slot = v.with_context(|| {
                format!(
                    "{key} is not a whole number from {} to {}",
                    range.start(),
                    range.end()
                )
            })?;
        }
        let mut webhooks = WebhookConfig::default();
        if let Some(v) = flag(env("GONGDAO_WEBHOOK_ALLOW_PRIVATE")) {
            webhooks.allow_private = v;
        }
        if let Some(v) = env("GONGDAO_WEBHOOK_MAX_ATTEMPTS") {
            webhooks.max_attempts = match v.trim().parse::<u32>() {
                Ok(n) if (1..=100).contains(&n) => n,
                _ => {
                    bail!("GONGDAO_WEBHOOK_MAX_ATTEMPTS {v:?} is not a whole number from 1 to 100")
                }
            };
        }
        Ok(Config {
            webhooks,
            pii_key,
            real_name_required,
            signing_key_file,
            screening,
            jobs,
            risk,
            fund_cap_fen,
            database_url,
            addr,
            site_root: env("GONGDAO_SITE_ROOT")
                .or(env("LEPTOS_SITE_ROOT"))
                .map(PathBuf::from)
                .or(file.site_root)
                .unwrap_or_else(|| "target/site".into()),
            secure_cookies: public_url.starts_with("https://"),
            public_url,
            demo_data,
            mail: MailConfig {
                from: env("GONGDAO_MAIL_FROM")
                    .or(file.mail_from)
                    .unwrap_or_else(|| "公道 Gongdao <noreply@gongdao.local>".into()),
                backend,
            },
            data_dir,
            files_dir,
            redis_url,
            trusted_proxies,
            page_cache,
            now,
            limits,
        })
    }

    /// A configuration for tests: the given database, files under `data_dir`.
    pub fn for_tests(database_url: &str, data_dir: PathBuf) -> Config {
        Config {
            database_url: database_url.into(),
            addr: ([127, 0, 0, 1], 0).into(),
            site_root: "target/site".into(),
            public_url: "http://gongdao.test".into(),
            demo_data: false,
            secure_cookies: false,
            mail: MailConfig {
                from: "Gongdao <noreply@gongdao.test>".into(),
                backend: MailBackendConfig::File,
            },
            files_dir: data_dir.join("evidence"),
            redis_url: None,
            trusted_proxies: Vec::new(),
            page_cache: true,
            data_dir,
            now: None,
            limits: Limits::default(),
            fund_cap_fen: DEFAULT_FUND_CAP_FEN,
            risk: domain::credit::risk::RiskParams::default(),
            jobs: Jobs::default(),
            // One fixed key, so every test server over a database agrees.
            pii_key: Some(SecretKey([0x5a; 32])),
            // The steps that need an identity are switched on by the tests
            // about them; the rest walk their cases without one.
            real_name_required: Vec::new(),
            signing_key_file: None,
            screening: domain::screening::ScreeningParams::default(),
            webhooks: WebhookConfig::default(),
        }
    }

    pub fn mailbox_dir(&self) -> PathBuf {
        self.data_dir.join("mailbox")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(pairs: &[(&str, &str)]) -> anyhow::Result<Config> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn screening_thresholds_come_from_the_environment() {
        let c = load(&[("GONGDAO_CONFIG", "/dev/null")]).unwrap();
        assert_eq!(c.screening, domain::screening::ScreeningParams::default());
        let c = load(&[
            ("GONGDAO_CONFIG", "/dev/null"),
            ("GONGDAO_SCREENING_PUNITIVE_CLAIMS", "7"),
            ("GONGDAO_SCREENING_WINDOW_DAYS", "30"),
        ])
        .unwrap();
        assert_eq!(
            (c.screening.punitive_claims, c.screening.window_days),
            (7, 30)
        );
        let e = load(&[
            ("GONGDAO_CONFIG", "/dev/null"),
            ("GONGDAO_SCREENING_NARRATIVE_SIMILARITY_PCT", "120"),
        ])
        .unwrap_err();
        assert!(format!("{e:#}").contains("GONGDAO_SCREENING_NARRATIVE_SIMILARITY_PCT"));
    }

    #[test]
    fn defaults_use_embedded_sqlite_under_data() {
        let c = load(&[("GONGDAO_CONFIG", "/dev/null")]).unwrap();
        assert_eq!(c.database_url, "sqlite://data/gongdao.db?mode=rwc");
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.mail.backend, MailBackendConfig::File);
        assert!(!c.demo_data);
        assert_eq!(c.files_dir, PathBuf::from("data/evidence"));
        assert_eq!(c.redis_url, None);
    }

    #[test]
    fn the_pii_key_and_the_steps_needing_an_identity() {
        use domain::identity::GuardedStep::*;
        let c = load(&[]).unwrap();
        assert_eq!(c.pii_key, None);
        assert_eq!(c.real_name_required, vec![FirstCompensation, Arbitration]);
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let c = load(&[
            ("GONGDAO_PII_KEY", hex),
            ("GONGDAO_REAL_NAME_REQUIRED", "arbitration"),
        ])
        .unwrap();
        let key = c.pii_key.unwrap();
        assert_eq!(hex::encode(key.0), hex);
        assert!(!format!("{key:?}").contains("0011"));
        assert_eq!(c.real_name_required, vec![Arbitration]);
        let b64 = "ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=";
        let c = load(&[
            ("GONGDAO_PII_KEY", b64),
            ("GONGDAO_REAL_NAME_REQUIRED", "none"),
        ])
        .unwrap();
        assert_eq!(hex::encode(c.pii_key.unwrap().0), hex);
        assert!(c.real_name_required.is_empty());
        let e = load(&[("GONGDAO_PII_KEY", "short")]).unwrap_err();
        assert!(e.to_string().contains("GONGDAO_PII_KEY"), "{e}");
        let e = load(&[("GONGDAO_REAL_NAME_REQUIRED", "refund")]).unwrap_err();
        assert!(e.to_string().contains("GONGDAO_REAL_NAME_REQUIRED"), "{e}");
    }

    #[test]
    fn files_and_redis_are_configurable() {
        let c = load(&[
            ("GONGDAO_DATA_DIR", "/srv/a"),
            ("GONGDAO_FILES_DIR", "/mnt/shared/files"),
            ("GONGDAO_REDIS_URL", "redis://127.0.0.1:6379"),
        ])
        .unwrap();
        assert_eq!(c.files_dir, PathBuf::from("/mnt/shared/files"));
        assert_eq!(c.redis_url.as_deref(), Some("redis://127.0.0.1:6379"));
        let c = load(&[("GONGDAO_DATA_DIR", "/srv/a")]).unwrap();
        assert_eq!(c.files_dir, PathBuf::from("/srv/a/evidence"));
        let e = load(&[("GONGDAO_REDIS_URL", "127.0.0.1:6379")]).unwrap_err();
        assert!(e.to_string().contains("GONGDAO_REDIS_URL"), "{e}");
    }

    #[test]
    fn environment_overrides_and_is_checked() {
        let c = load(&[
            ("GONGDAO_CONFIG", "/dev/null"),
            ("GONGDAO_DATA_DIR", "/tmp/g"),
            ("GONGDAO_DEMO_DATA", "1"),
            ("GONGDAO_SMTP_HOST", "mail.example.cn"),
            ("GONGDAO_SMTP_TLS", "none"),
            ("GONGDAO_SMTP_PORT", "2525"),
        ])
        .unwrap();
        assert_eq!(c.database_url, "sqlite:///tmp/g/gongdao.db?mode=rwc");
        assert!(c.demo_data);
        assert!(matches!(
            c.mail.backend,
            MailBackendConfig::Smtp {
                port: 2525,
                tls: SmtpTls::None,
                ..
            }
        ));
        let e = load(&[
            ("GONGDAO_CONFIG", "/dev/null"),
            ("DATABASE_URL", "mysql://x"),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("DATABASE_URL"), "{e}");
        let c = load(&[
            ("GONGDAO_CONFIG", "/dev/null"),
            ("GONGDAO_LOGIN_LIMIT_PER_ACCOUNT", "50"),
        ])
        .unwrap();
        assert_eq!(c.limits.login_per_account_per_15_minutes, 50);
        assert_eq!(
            c.limits.login_per_ip_per_minute,
            Limits::default().login_per_ip_per_minute
        );
        let e = load(&[
            ("GONGDAO_CONFIG", "/dev/null"),
            ("GONGDAO_LOGIN_LIMIT_PER_IP", "lots"),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("GONGDAO_LOGIN_LIMIT_PER_IP"), "{e}");
        let e = load(&[("GONGDAO_CONFIG", "/dev/null"), ("GONGDAO_ADDR", "nowhere")]).unwrap_err();
        assert!(e.to_string().contains("GONGDAO_ADDR"), "{e}");
    }

    #[test]
    fn the_risk_factor_is_read_with_one_decimal() {
        assert_eq!(
            load(&[("GONGDAO_RISK_SPIKE_FACTOR", "3.5")])
                .unwrap()
                .risk
                .spike_factor_x10,
            35
        );
        assert_eq!(load(&[]).unwrap().risk.spike_factor_x10, 30);
        for bad in ["0.5", "x", "3.25", "-2"] {
            let e = load(&[("GONGDAO_RISK_SPIKE_FACTOR", bad)]).unwrap_err();
            assert!(
                format!("{e:#}").contains("GONGDAO_RISK_SPIKE_FACTOR"),
                "{bad}"
            );
        }
    }

    #[test]
    fn job_intervals_are_whole_seconds() {
        let c = load(&[]).unwrap();
        assert_eq!(c.jobs.sweep_every.as_secs(), 60);
        assert_eq!(c.jobs.lease_ttl.as_secs(), 30);
        assert_eq!(c.jobs.retry_max.as_secs(), 600);
        let c = load(&[
            ("GONGDAO_SWEEP_EVERY_SECS", "2"),
            ("GONGDAO_LEASE_TTL_SECS", " 3 "),
            ("GONGDAO_RETRY_MAX_SECS", "5"),
        ])
        .unwrap();
        assert_eq!(c.jobs.sweep_every.as_secs(), 2);
        assert_eq!(c.jobs.lease_ttl.as_secs(), 3);
        assert_eq!(c.jobs.retry_max.as_secs(), 5);
        for bad in ["0", "-1", "1.5", "soon", "86401"] {
            let e = load(&[("GONGDAO_LEASE_TTL_SECS", bad)]).unwrap_err();
            assert!(
                e.to_string().contains("GONGDAO_LEASE_TTL_SECS"),
                "{bad}: {e}"
            );
        }
    }
}
