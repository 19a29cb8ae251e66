//! One typed configuration: defaults, then a TOML file, then `GAZETTE_*`
//! environment variables, then command-line flags.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};
use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use gazette_domain::Newsroom;

/// The commented example printed by `gazette config example`.
pub const EXAMPLE: &str = include_str!("../gazette.example.toml");

/// Name of the config file looked for in the data directory.
pub const FILE_NAME: &str = "gazette.toml";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The folder that holds the newsroom's database and everything else it stores.
    pub data_dir: PathBuf,
    /// Where the newsroom's database is: `sqlite://PATH` or
    /// `postgres://USER:PASSWORD@HOST/DB`. Unset: `gazette.db` in the data
    /// directory (secret: it may hold a password).
    pub database_url: Option<String>,
    /// Address `serve` and `demo` listen on.
    pub listen: String,
    /// Templates that override the built-in theme.
    pub theme_dir: Option<PathBuf>,
    /// Log filter (tracing's EnvFilter syntax).
    pub log: String,
    /// Bearer token for the moderation API and staff sign-in (secret).
    pub api_token: Option<String>,
    /// A file holding the API token, instead of `api_token`.
    pub api_token_file: Option<PathBuf>,
    /// Milliseconds a rendered reader page is served from memory (0: off).
    pub page_cache_ms: u64,
    /// This node's search index (default `DATA_DIR/search`). Each node
    /// keeps its own: nodes sharing a data directory need one each.
    pub search_dir: Option<PathBuf>,
    /// Feeds carry each story's whole text (`true`) or its standfirst.
    pub feeds_full_text: bool,
    /// Where uploaded images' files are kept: `folder` (`DATA_DIR/images`,
    /// one node) or `database` (every node over the database serves them).
    pub media_storage: MediaStorageChoice,
    pub newsroom: NewsroomConfig,
    pub views: ViewsConfig,
    pub comments: CommentsConfig,
    pub jobs: JobsConfig,
    pub server: ServerConfig,
    /// The file the configuration was read from, if any.
    #[serde(skip)]
    pub loaded_from: Option<PathBuf>,
}

/// How connections are served.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Milliseconds a connection has to send a request's headers (also how
    /// long an idle keep-alive connection stays open).
    pub header_read_timeout_ms: u64,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
    /// Threads that serve requests, each with its own socket on the
    /// address; 0 means one per CPU core.
    pub threads: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            header_read_timeout_ms: 10_000,
            max_connections: 10_000,
            threads: 0,
        }
    }
}

/// Where uploaded images' files are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaStorageChoice {
    Folder,
    Database,
}

/// Background jobs that one node at a time runs (freezing weeks,
/// forgetting yesterday's readers).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobsConfig {
    /// Seconds between runs on the node that holds the jobs lease.
    pub interval_seconds: u64,
    /// Seconds a lease lasts unrenewed: when its node dies, another takes
    /// the jobs over after at most this long.
    pub lease_seconds: u64,
}

impl Default for JobsConfig {
    fn default() -> Self {
        JobsConfig {
            interval_seconds: 10,
            lease_seconds: 30,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ViewsConfig {
    /// Header with the client address that the trusted proxies append to
    /// (e.g. X-Forwarded-For). Unset: the connection's address.
    pub client_ip_header: Option<String>,
    /// Addresses or networks of the reverse proxies whose header is believed.
    pub trusted_proxies: Vec<String>,
    /// Milliseconds between writes of counted views (at most 1000).
    pub flush_interval_ms: u64,
    /// View hits one network may send a node in a minute.
    pub hits_per_minute: u32,
    /// Views one address may add to one article in a day.
    pub per_address: u8,
    /// Where "was this reader counted today" is kept: auto, memory or shared.
    pub dedup: DedupChoice,
}

/// `views.dedup`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DedupChoice {
    /// Memory on SQLite (one node), shared on PostgreSQL (several nodes).
    Auto,
    Memory,
    Shared,
}

impl Default for ViewsConfig {
    fn default() -> Self {
        ViewsConfig {
            client_ip_header: None,
            trusted_proxies: vec!["127.0.0.1".into(), "::1".into()],
            flush_interval_ms: 1000,
            hits_per_minute: 600,
            per_address: 4,
            dedup: DedupChoice::Auto,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommentsConfig {
    /// Comments one client address may post an hour.
    pub per_hour: u32,
    /// Shortest time in seconds between loading the form and sending it.
    pub min_seconds: i64,
}

impl Default for CommentsConfig {
    fn default() -> Self {
        CommentsConfig {
            per_hour: 10,
            min_seconds: 3,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NewsroomConfig {
    /// The publication's name.
    pub name: String,
    /// Absolute base URL, no trailing slash.
    pub base_url: String,
    /// IANA time zone of editions, days and weeks.
    pub time_zone: String,
    /// BCP 47 language tag.
    pub language: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./gazette-data"),
            database_url: None,
            listen: "127.0.0.1:8080".into(),
            theme_dir: None,
            log: "info".into(),
            api_token: None,
            api_token_file: None,
            page_cache_ms: 5000,
            search_dir: None,
            feeds_full_text: true,
            media_storage: MediaStorageChoice::Folder,
            newsroom: NewsroomConfig::default(),
            views: ViewsConfig::default(),
            comments: CommentsConfig::default(),
            jobs: JobsConfig::default(),
            server: ServerConfig::default(),
            loaded_from: None,
        }
    }
}

impl Default for NewsroomConfig {
    fn default() -> Self {
        NewsroomConfig {
            name: "Gazette Newsroom".into(),
            base_url: "http://127.0.0.1:8080".into(),
            time_zone: "UTC".into(),
            language: "en".into(),
        }
    }
}

/// What the command line says about configuration.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub listen: Option<String>,
}

impl Config {
    /// Reads the configuration from its layers and checks every value.
    pub fn load(over: &Overrides) -> anyhow::Result<Config> {
        Self::load_from(over, Env::prefixed("GAZETTE_"))
    }

    fn load_from(over: &Overrides, env: Env) -> anyhow::Result<Config> {
        // GAZETTE_TEST_* variables belong to the test suites, not here.
        let env = env
            .filter(|k| {
                !k.as_str()
                    .get(..5)
                    .is_some_and(|p| p.eq_ignore_ascii_case("test_"))
            })
            .split("__")
            .ignore(&["config"]);
        // Where to look for the file depends on the data directory, which
        // the file cannot then move.
        let data_dir = match &over.data_dir {
            Some(d) => d.clone(),
            None => Figment::from(Serialized::defaults(Config::default()))
                .merge(env.clone().only(&["data_dir"]))
                .extract_inner::<PathBuf>("data_dir")
                .map_err(|e| anyhow::anyhow!(e))
                .context("GAZETTE_DATA_DIR is not a usable path")?,
        };
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        let mut loaded_from = None;
        match &over.config_file {
            Some(file) => {
                if !file.is_file() {
                    bail!(
                        "config file {} does not exist; create it (see `gazette config example`) or drop --config",
                        file.display()
                    );
                }
                fig = fig.merge(Toml::file_exact(file));
                loaded_from = Some(file.clone());
            }
            None => {
                let file = data_dir.join(FILE_NAME);
                if file.is_file() {
                    fig = fig.merge(Toml::file_exact(&file));
                    loaded_from = Some(file);
                }
            }
        }
        fig = fig.merge(env);
        fig = fig.merge(Serialized::default("data_dir", &data_dir));
        if let Some(listen) = &over.listen {
            fig = fig.merge(Serialized::default("listen", listen));
        }
        let mut config: Config = fig.extract().map_err(|e| {
            // figment's message names the key and the layer it came from.
            anyhow::anyhow!("invalid configuration: {e}")
        })?;
        config.loaded_from = loaded_from;
        config.check()?;
        Ok(config)
    }

    /// Checks values serde cannot: addresses, zones, URLs.
    fn check(&self) -> anyhow::Result<()> {
        self.listen_addr()?;
        self.time_zone()?;
        let url = &self.newsroom.base_url;
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.ends_with('/') {
            bail!(
                "newsroom.base_url `{url}` must be an absolute http(s) URL without a trailing slash, e.g. https://news.example"
            );
        }
        if self.newsroom.name.trim().is_empty() {
            bail!("newsroom.name is empty; give the publication a name");
        }
        if !(10..=1000).contains(&self.views.flush_interval_ms) {
            bail!(
                "views.flush_interval_ms is {}; use 10 to 1000 (views are written at least every second)",
                self.views.flush_interval_ms
            );
        }
        if !(1..=16).contains(&self.views.per_address) {
            bail!(
                "views.per_address is {}; use 1 to 16 (views one address may add to one article in a day)",
                self.views.per_address
            );
        }
        self.trusted_proxies()?;
        self.database()?;
        if !(1..=600).contains(&self.jobs.interval_seconds) {
            bail!(
                "jobs.interval_seconds is {}; use 1 to 600",
                self.jobs.interval_seconds
            );
        }
        if self.jobs.lease_seconds < 2 * self.jobs.interval_seconds
            || self.jobs.lease_seconds > 3600
        {
            bail!(
                "jobs.lease_seconds is {}; use at least twice jobs.interval_seconds ({}) and at most 3600, so that a live node always renews its lease in time",
                self.jobs.lease_seconds,
                self.jobs.interval_seconds
            );
        }
        if self.api_token.is_some() && self.api_token_file.is_some() {
            bail!("set api_token or api_token_file, not both");
        }
        if let Some(t) = &self.api_token {
            check_token(t, "api_token")?;
        }
        if !(100..=120_000).contains(&self.server.header_read_timeout_ms) {
            bail!(
                "server.header_read_timeout_ms is {}; use 100 to 120000",
                self.server.header_read_timeout_ms
            );
        }
        if self.server.threads > 1024 {
            bail!(
                "server.threads is {}; use 0 (one per CPU core) or 1 to 1024",
                self.server.threads
            );
        }
        if self.server.max_connections == 0 {
            bail!("server.max_connections is 0; allow at least one connection");
        }
        Ok(())
    }

    /// The API token, read from `api_token_file` when that is set.
    pub fn api_token(&self) -> anyhow::Result<Option<String>> {
        if let Some(file) = &self.api_token_file {
            let token = std::fs::read_to_string(file)
                .with_context(|| format!("cannot read api_token_file {}", file.display()))?;
            let token = token.trim().to_owned();
            check_token(&token, &format!("the token in {}", file.display()))?;
            return Ok(Some(token));
        }
        Ok(self.api_token.clone())
    }

    /// What is worth a warning at start: a token others can read.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |file: &Path, what: &str| {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                if let Ok(meta) = std::fs::metadata(file)
                    && meta.permissions().mode() & 0o044 != 0
                {
                    out.push(format!(
                        "{} holds {what} and other users can read it; run `chmod 600 {}`",
                        file.display(),
                        file.display()
                    ));
                }
            }
            #[cfg(not(unix))]
            let _ = (file, what);
        };
        if self.api_token.is_some()
            && let Some(file) = &self.loaded_from
        {
            check(file, "the API token");
        }
        if let Some(file) = &self.api_token_file {
            check(file, "the API token");
        }
        if let Some(url) = &self.database_url
            && url.contains('@')
            && mask_password(url) != *url
            && let Some(file) = &self.loaded_from
        {
            check(file, "the database password");
        }
        out
    }

    /// The configuration with secrets masked, for printing.
    pub fn masked(&self) -> Config {
        let mut c = self.clone();
        if c.api_token.is_some() {
            c.api_token = Some("***".into());
        }
        if let Some(url) = &c.database_url {
            c.database_url = Some(mask_password(url));
        }
        c
    }

    /// The database this configuration names.
    pub fn database(&self) -> anyhow::Result<Database> {
        match &self.database_url {
            None => Ok(Database::Sqlite(self.data_dir.join("gazette.db"))),
            Some(url) => Database::parse(url),
        }
    }

    fn trusted_proxies(&self) -> anyhow::Result<gazette_web::TrustedProxies> {
        match self
            .views
            .client_ip_header
            .as_deref()
            .filter(|h| !h.is_empty())
        {
            None => Ok(gazette_web::TrustedProxies::default()),
            Some(header) => gazette_web::TrustedProxies::new(header, &self.views.trusted_proxies)
                .map_err(|e| anyhow::anyhow!("views.trusted_proxies: {e}")),
        }
    }

    /// Where files brought in by imports are kept (`DATA_DIR/media`).
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }

    /// Where this node's search index lives.
    pub fn search_dir(&self) -> PathBuf {
        self.search_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("search"))
    }

    /// What the web layer needs.
    pub fn web(&self) -> anyhow::Result<gazette_web::WebConfig> {
        Ok(gazette_web::WebConfig {
            theme_dir: self.theme_dir.clone(),
            trusted_proxies: self.trusted_proxies()?,
            comment_min_seconds: self.comments.min_seconds,
            api_token: self.api_token()?,
            page_cache_ttl: std::time::Duration::from_millis(self.page_cache_ms),
            media_dir: Some(self.media_dir()),
            feeds_full_text: self.feeds_full_text,
            ..gazette_web::WebConfig::default()
        })
    }

    /// The limits of the HTTP server.
    pub fn server_limits(&self) -> gazette_web::ServerLimits {
        gazette_web::ServerLimits {
            header_read_timeout: std::time::Duration::from_millis(
                self.server.header_read_timeout_ms,
            ),
            max_connections: self.server.max_connections,
            ..gazette_web::ServerLimits::default()
        }
    }

    /// How many threads serve requests.
    pub fn server_threads(&self) -> usize {
        match self.server.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
    }

    /// How this node runs the newsroom's rules.
    pub fn core(&self) -> anyhow::Result<gazette_core::CoreConfig> {
        let dedup = match (self.views.dedup, self.database()?) {
            (DedupChoice::Memory, _) | (DedupChoice::Auto, Database::Sqlite(_)) => {
                gazette_core::Dedup::Memory
            }
            (DedupChoice::Shared, _) | (DedupChoice::Auto, Database::Postgres(_)) => {
                gazette_core::Dedup::Shared
            }
        };
        Ok(gazette_core::CoreConfig {
            views: gazette_core::ViewSettings {
                dedup,
                hits_per_minute: self.views.hits_per_minute,
                per_address: self.views.per_address,
                ..gazette_core::ViewSettings::default()
            },
            comments_per_hour: self.comments.per_hour,
            flush_interval: std::time::Duration::from_millis(self.views.flush_interval_ms),
            job_interval: std::time::Duration::from_secs(self.jobs.interval_seconds),
            lease_ttl: jiff::SignedDuration::from_secs(self.jobs.lease_seconds as i64),
            media: match self.media_storage {
                MediaStorageChoice::Folder => {
                    gazette_core::media::MediaStorage::Folder(self.data_dir.join("images"))
                }
                MediaStorageChoice::Database => gazette_core::media::MediaStorage::Database,
            },
            ..gazette_core::CoreConfig::default()
        })
    }

    pub fn listen_addr(&self) -> anyhow::Result<SocketAddr> {
        self.listen.parse().map_err(|_| {
            anyhow::anyhow!(
                "listen address `{}` is not an IP address and port; use e.g. 127.0.0.1:8080 or [::1]:8080",
                self.listen
            )
        })
    }

    pub fn time_zone(&self) -> anyhow::Result<TimeZone> {
        TimeZone::get(&self.newsroom.time_zone).map_err(|_| {
            anyhow::anyhow!(
                "newsroom.time_zone `{}` is not a known time zone; use an IANA name such as America/New_York or UTC",
                self.newsroom.time_zone
            )
        })
    }

    pub fn newsroom(&self) -> anyhow::Result<Newsroom> {
        Ok(Newsroom {
            name: self.newsroom.name.clone(),
            base_url: self.newsroom.base_url.clone(),
            time_zone: self.time_zone()?,
            language: self.newsroom.language.clone(),
        })
    }

    pub fn config_file_in(dir: &Path) -> PathBuf {
        dir.join(FILE_NAME)
    }
}

/// The API token of `gazette config example`: a token anyone can read.
pub const EXAMPLE_TOKEN: &str = "change-me-to-something-long-and-random";

/// Refuses a token that can be guessed: the example's, a short one, or one
/// of few different characters (`aaaa…`, `12121212…`).
fn check_token(token: &str, what: &str) -> anyhow::Result<()> {
    let t = token.trim();
    let how = "make one with `openssl rand -hex 24`";
    if t == EXAMPLE_TOKEN {
        bail!("{what} is the example's token, which anyone can read; {how}");
    }
    if t.chars().count() < 24 {
        bail!("{what} is too short: use at least 24 characters; {how}");
    }
    let distinct = t.chars().collect::<std::collections::HashSet<_>>().len();
    if distinct < 10 {
        bail!("{what} has only {distinct} different characters, which is easy to guess; {how}");
    }
    Ok(())
}

/// A database, by the scheme of its URL. Only the binary names the
/// backends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Database {
    pub fn parse(url: &str) -> anyhow::Result<Database> {
        let url = url.trim();
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                bail!("database_url `{url}` names no file; write sqlite:///path/to/gazette.db");
            }
            return Ok(Database::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Database::Postgres(url.to_owned()));
        }
        let scheme = url.split_once("://").map_or(url, |(s, _)| s);
        bail!(
            "database_url scheme `{scheme}` is not supported; use sqlite:///path/to/gazette.db or postgres://user:password@host/database"
        )
    }

    /// For messages: the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite(p) => p.display().to_string(),
            Database::Postgres(url) => mask_password(url),
        }
    }
}

/// `postgres://user:secret@host/db` -> `postgres://user:***@host/db`.
pub fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loads with exactly `vars` in the environment (figment's Jail
    /// restores the real environment afterwards).
    #[expect(
        clippy::result_large_err,
        reason = "figment's Jail API fixes the closure's error type"
    )]
    fn load(over: &Overrides, vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        let mut out = None;
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            for (k, v) in vars {
                jail.set_env(k, v);
            }
            out =
                Some(Config::load_from(over, Env::prefixed("GAZETTE_")).map_err(|e| e.to_string()));
            Ok(())
        });
        out.expect("the jail ran").map_err(anyhow::Error::msg)
    }

    #[test]
    fn example_is_the_defaults() {
        let from_example: Config = toml::from_str(EXAMPLE).unwrap();
        let defaults = Config::default();
        assert_eq!(
            serde_json::to_value(&from_example).unwrap(),
            serde_json::to_value(&defaults).unwrap()
        );
    }

    #[test]
    fn env_overrides_nested_keys() {
        let c = load(
            &Overrides::default(),
            &[
                ("GAZETTE_NEWSROOM__TIME_ZONE", "America/New_York"),
                ("GAZETTE_LISTEN", "127.0.0.1:9999"),
            ],
        )
        .unwrap();
        assert_eq!(c.newsroom.time_zone, "America/New_York");
        assert_eq!(c.listen, "127.0.0.1:9999");
    }

    #[test]
    fn flags_beat_env() {
        let over = Overrides {
            listen: Some("127.0.0.1:7000".into()),
            data_dir: Some("/tmp/x".into()),
            ..Default::default()
        };
        let c = load(
            &over,
            &[
                ("GAZETTE_LISTEN", "127.0.0.1:9999"),
                ("GAZETTE_DATA_DIR", "/tmp/y"),
            ],
        )
        .unwrap();
        assert_eq!(c.listen, "127.0.0.1:7000");
        assert_eq!(c.data_dir, PathBuf::from("/tmp/x"));
    }

    #[test]
    fn bad_values_say_what_and_how() {
        let e = load(
            &Overrides::default(),
            &[("GAZETTE_NEWSROOM__TIME_ZONE", "Mars/Olympus")],
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("Mars/Olympus") && e.to_string().contains("IANA"),
            "{e}"
        );
        let e = load(&Overrides::default(), &[("GAZETTE_LISTEN", "localhost")]).unwrap_err();
        assert!(e.to_string().contains("127.0.0.1:8080"), "{e}");
        let e = load(
            &Overrides::default(),
            &[("GAZETTE_NEWSROOM__BASE_URL", "news.example/")],
        )
        .unwrap_err();
        assert!(e.to_string().contains("base_url"), "{e}");
        let e = load(
            &Overrides::default(),
            &[("GAZETTE_NEWSROOM__COLOUR", "red")],
        )
        .unwrap_err();
        assert!(e.to_string().contains("colour"), "{e}");
    }

    #[test]
    fn guessable_tokens_are_refused() {
        for (token, why) in [
            (EXAMPLE_TOKEN, "example"),
            ("short-token-1234", "too short"),
            ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "different characters"),
            ("12121212121212121212121212", "different characters"),
        ] {
            let e = load(&Overrides::default(), &[("GAZETTE_API_TOKEN", token)]).unwrap_err();
            assert!(e.to_string().contains(why), "{token}: {e}");
            assert!(e.to_string().contains("openssl rand"), "{e}");
        }
        let ok = load(
            &Overrides::default(),
            &[("GAZETTE_API_TOKEN", "3f9a1c07d2e84b6a9f0e1d2c3b4a5968")],
        );
        assert!(ok.is_ok(), "{ok:?}");
    }

    #[test]
    fn the_database_is_chosen_by_url() {
        let c = load(&Overrides::default(), &[]).unwrap();
        assert_eq!(
            c.database().unwrap(),
            Database::Sqlite(PathBuf::from("./gazette-data/gazette.db"))
        );
        let c = load(
            &Overrides::default(),
            &[(
                "GAZETTE_DATABASE_URL",
                "postgres://g:pw@127.0.0.1:5432/news",
            )],
        )
        .unwrap();
        assert!(matches!(c.database().unwrap(), Database::Postgres(_)));
        assert_eq!(
            c.masked().database_url.as_deref(),
            Some("postgres://g:***@127.0.0.1:5432/news")
        );
        let e = load(
            &Overrides::default(),
            &[("GAZETTE_DATABASE_URL", "mysql://localhost/news")],
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("mysql") && e.to_string().contains("sqlite://"),
            "{e}"
        );
    }

    #[test]
    fn file_in_data_dir_is_read_and_a_missing_explicit_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            "[newsroom]\nname = \"The Test Times\"\n",
        )
        .unwrap();
        let over = Overrides {
            data_dir: Some(dir.path().to_owned()),
            ..Default::default()
        };
        assert_eq!(load(&over, &[]).unwrap().newsroom.name, "The Test Times");
        let over = Overrides {
            config_file: Some(dir.path().join("nope.toml")),
            ..Default::default()
        };
        let e = load(&over, &[]).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
    }
}
