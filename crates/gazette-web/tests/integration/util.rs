use std::{sync::Arc, time::Duration};

use gazette_core::{Clock, Core, CoreConfig, SystemClock};
use gazette_domain::{ArticleId, Newsroom};
use gazette_store::{Store, testing::sample};
use gazette_testkit::Engine;
use gazette_web::{AppState, ServerLimits, TrustedProxies, WebConfig};
use jiff::{Timestamp, ToSpan, ZonedDateTime, tz::TimeZone};

pub const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
pub const TOKEN: &str = "test-api-token-0123456789";

pub struct TestApp {
    pub base: String,
    pub core: Arc<Core>,
    pub store: Arc<dyn Store>,
    pub http: reqwest::Client,
    _guard: Box<dyn std::any::Any + Send>,
}

/// Settings that suit tests: client addresses from a header the test
/// client (on loopback, a trusted proxy) sends, so one test can act as
/// many readers; no minimum comment time unless asked.
pub fn test_config() -> WebConfig {
    WebConfig {
        trusted_proxies: TrustedProxies::new(
            "X-Forwarded-For",
            &["127.0.0.1".into(), "::1".into()],
        )
        .unwrap(),
        comment_min_seconds: 0,
        api_token: Some(TOKEN.into()),
        // Pages show each change at once; the cache has its own test.
        page_cache_ttl: Duration::ZERO,
        ..WebConfig::default()
    }
}

pub fn newsroom() -> Newsroom {
    Newsroom {
        name: "The Test Courier".into(),
        base_url: "http://127.0.0.1".into(),
        time_zone: TimeZone::get("America/New_York").unwrap(),
        language: "en".into(),
    }
}

pub fn days_ago(n: i64) -> ZonedDateTime {
    let now = Timestamp::now().to_zoned_datetime(TimeZone::get("America/New_York").unwrap());
    now.checked_sub(n.days()).unwrap()
}

impl TestApp {
    pub async fn spawn(engine: Engine) -> TestApp {
        Self::with_config(engine, test_config()).await
    }

    pub async fn with_config(engine: Engine, config: WebConfig) -> TestApp {
        Self::build(engine, config, CoreConfig::default(), Arc::new(SystemClock)).await
    }

    pub async fn build(
        engine: Engine,
        config: WebConfig,
        core_config: CoreConfig,
        clock: Arc<dyn Clock>,
    ) -> TestApp {
        Self::serve(engine, config, core_config, clock, ServerLimits::default()).await
    }

    pub async fn serve(
        engine: Engine,
        config: WebConfig,
        core_config: CoreConfig,
        clock: Arc<dyn Clock>,
        limits: ServerLimits,
    ) -> TestApp {
        Self::serve_newsroom(engine, newsroom(), config, core_config, clock, limits).await
    }

    /// A newsroom of its own (another language, say).
    pub async fn in_newsroom(engine: Engine, newsroom: Newsroom) -> TestApp {
        Self::serve_newsroom(
            engine,
            newsroom,
            test_config(),
            CoreConfig::default(),
            Arc::new(SystemClock),
            ServerLimits::default(),
        )
        .await
    }

    pub async fn serve_newsroom(
        engine: Engine,
        newsroom: Newsroom,
        config: WebConfig,
        core_config: CoreConfig,
        clock: Arc<dyn Clock>,
        limits: ServerLimits,
    ) -> TestApp {
        let fresh = gazette_testkit::fresh(engine)
            .await
            .expect("the engine is available (checked by engines!)");
        Self::over(
            fresh.store,
            fresh.guard,
            newsroom,
            config,
            core_config,
            clock,
            limits,
        )
        .await
    }

    /// Another node (or this one restarted) over the same database.
    pub async fn another_node(&self) -> TestApp {
        Self::over(
            self.store.clone(),
            Box::new(()),
            newsroom(),
            test_config(),
            CoreConfig::default(),
            Arc::new(SystemClock),
            ServerLimits::default(),
        )
        .await
    }

    async fn over(
        store: Arc<dyn Store>,
        guard: Box<dyn std::any::Any + Send>,
        newsroom: Newsroom,
        config: WebConfig,
        core_config: CoreConfig,
        clock: Arc<dyn Clock>,
        limits: ServerLimits,
    ) -> TestApp {
        let core = Core::new(store.clone(), newsroom, clock, core_config)
            .await
            .unwrap();
        let state = AppState::new(core.clone(), config).unwrap();
        // Two serving threads on one port, as a server on two cores runs.
        let listener = gazette_web::Listeners::bind("127.0.0.1:0".parse().unwrap(), 2).unwrap();
        let addr = listener.local_addr().unwrap();
        let app = gazette_web::app(state.clone());
        tokio::spawn(gazette_web::serve(
            listener,
            app,
            limits,
            std::future::pending(),
        ));
        let http = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        TestApp {
            base: format!("http://{addr}"),
            store,
            core,
            http,
            _guard: guard,
        }
    }

    /// Publishes a story and returns its id and URL path.
    pub async fn story(
        &self,
        key: &str,
        headline: &str,
        published: ZonedDateTime,
    ) -> (ArticleId, String) {
        let saved = self
            .core
            .save_article(&sample(key, headline, published))
            .await
            .unwrap();
        (saved.id, format!("/articles/{}", saved.slug))
    }

    /// A reader's comment on `article`, waiting for moderation.
    pub async fn pending_comment(&self, article: ArticleId) -> gazette_domain::Comment {
        self.store
            .add_comment(
                &gazette_domain::NewComment {
                    article,
                    parent: None,
                    author_name: "Reader".into(),
                    author_email: None,
                    body_html: "<p>Hello</p>".into(),
                    fingerprint: "hello".into(),
                },
                self.core.now(),
            )
            .await
            .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header("User-Agent", FIREFOX)
            .send()
            .await
            .unwrap()
    }

    pub async fn text(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    /// The hit token an article page carries now.
    pub fn token(&self, article: ArticleId) -> String {
        self.core.views.hit_token(article, self.core.now())
    }

    /// A beacon hit as a reader at `ip` with `ua` sends it from our page.
    pub async fn hit(&self, article: ArticleId, ip: &str, ua: &str) -> u16 {
        self.http
            .post(self.url(&format!("/hit/{}?t={}", article.0, self.token(article))))
            .header("User-Agent", ua)
            .header("X-Forwarded-For", ip)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    /// Writes pending views and reads the article's counted total.
    pub async fn counted(&self, slug_path: &str) -> u64 {
        self.core.flush_views().await.unwrap();
        let slug = slug_path.trim_start_matches("/articles/");
        self.store
            .article_by_slug(slug, self.core.now())
            .await
            .unwrap()
            .counters
            .views
    }
}
