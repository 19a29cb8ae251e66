use std::{path::PathBuf, sync::Arc, time::Duration};

use gazette_domain::Newsroom;
use gazette_store::{Store, StoreResult};
use rand::RngExt;

use crate::{
    Templates, cache::PageCache, comments::CommentGuard, counter::ViewCounter, top::TopStoriesCache,
};

/// What the web layer needs from the configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// A folder whose templates override the built-in theme, file by file
    /// (`layouts/base.html`, `pages/article.html`, ...). Edits are picked
    /// up without a restart.
    pub theme_dir: Option<PathBuf>,
    /// A request header holding the client's address, set by the one
    /// reverse proxy in front of Gazette (e.g. `X-Forwarded-For`; its last
    /// address is used). Unset: the address of the connection.
    pub client_ip_header: Option<String>,
    /// How often counted views are written to the database.
    pub flush_interval: Duration,
    /// View hits one client address may send a minute.
    pub hits_per_minute: u32,
    /// Comments one client address may post an hour.
    pub comments_per_hour: u32,
    /// Shortest time, in seconds, between loading a comment form and
    /// sending it; faster is a robot.
    pub comment_min_seconds: i64,
    /// Bearer token for the moderation API and staff sign-in. Unset: both
    /// are off.
    pub api_token: Option<String>,
    /// How long a rendered reader page is served from memory; zero: never.
    pub page_cache_ttl: Duration,
    /// Memory the page cache may hold, in bytes.
    pub page_cache_bytes: u64,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            theme_dir: None,
            client_ip_header: None,
            flush_interval: Duration::from_secs(1),
            hits_per_minute: 600,
            comments_per_hour: 10,
            comment_min_seconds: 3,
            api_token: None,
            page_cache_ttl: Duration::from_secs(5),
            page_cache_bytes: 64 * 1024 * 1024,
        }
    }
}

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub newsroom: Arc<Newsroom>,
    pub templates: Arc<Templates>,
    pub config: Arc<WebConfig>,
    pub counter: Arc<ViewCounter>,
    pub(crate) top: Arc<TopStoriesCache>,
    pub(crate) comments: Arc<CommentGuard>,
    pub(crate) page_cache: Arc<PageCache>,
    /// Signs comment forms and staff sessions; shared by every node
    /// through the store.
    pub(crate) secret: Arc<Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Theme(#[from] crate::TemplateError),
    #[error("cannot read the site secret from the database: {0}")]
    Store(#[from] gazette_store::StoreError),
}

impl AppState {
    pub async fn new(
        store: Arc<dyn Store>,
        newsroom: Newsroom,
        config: WebConfig,
    ) -> Result<Self, StartError> {
        let candidate: [u8; 32] = rand::rng().random();
        let secret = store.secret("site", &candidate).await?;
        Ok(AppState {
            counter: Arc::new(ViewCounter::new(
                newsroom.time_zone.clone(),
                config.hits_per_minute,
            )),
            comments: Arc::new(CommentGuard::new(config.comments_per_hour)),
            page_cache: Arc::new(PageCache::new(
                config.page_cache_ttl,
                config.page_cache_bytes,
            )),
            templates: Arc::new(Templates::new(config.theme_dir.clone())?),
            top: Arc::new(TopStoriesCache::default()),
            newsroom: Arc::new(newsroom),
            config: Arc::new(config),
            store,
            secret: Arc::new(secret),
        })
    }

    /// Writes pending views; used by the flusher and at shutdown.
    pub async fn flush_views(&self) -> StoreResult<u64> {
        self.counter.flush(self.store.as_ref()).await
    }
}
