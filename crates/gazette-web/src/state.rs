use std::{path::PathBuf, sync::Arc, time::Duration};

use gazette_core::Core;

use crate::{Templates, cache::PageCache, client::TrustedProxies};

/// What the web layer needs from the configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// A folder whose templates override the built-in theme, file by file
    /// (`layouts/base.html`, `pages/article.html`, ...). Edits are picked
    /// up without a restart.
    pub theme_dir: Option<PathBuf>,
    /// The reverse proxies in front of Gazette whose client-address header
    /// is believed. From anyone else the header is ignored.
    pub trusted_proxies: TrustedProxies,
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
    /// The folder of files brought in by imports, served at `/media/`.
    pub media_dir: Option<PathBuf>,
    /// Feeds carry each story's whole text, or only its standfirst.
    pub feeds_full_text: bool,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            theme_dir: None,
            trusted_proxies: TrustedProxies::default(),
            comment_min_seconds: 3,
            api_token: None,
            page_cache_ttl: Duration::from_secs(5),
            page_cache_bytes: 64 * 1024 * 1024,
            feeds_full_text: true,
            media_dir: None,
        }
    }
}

/// Shared by every handler: one pointer, cloned for each request.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] points to.
pub struct Shared {
    pub core: Arc<Core>,
    pub templates: Arc<Templates>,
    pub config: Arc<WebConfig>,
    pub(crate) page_cache: Arc<PageCache>,
    /// Failed sign-ins and bad API tokens, per network.
    pub(crate) throttle: Arc<crate::throttle::Throttle>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Theme(#[from] crate::TemplateError),
}

impl AppState {
    /// The web layer over `core`. Its page cache forgets pages whenever
    /// the core hears of a change, from this node or any other.
    pub fn new(core: Arc<Core>, config: WebConfig) -> Result<Self, StartError> {
        let page_cache = Arc::new(PageCache::new(
            config.page_cache_ttl,
            config.page_cache_bytes,
        ));
        let mut changes = core.subscribe();
        let cache = page_cache.clone();
        tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            // A lagging receiver missed changes: forgetting everything covers them.
            loop {
                match changes.recv().await {
                    Ok(change) => cache.forget(&change),
                    Err(RecvError::Lagged(_)) => cache.clear(),
                    Err(RecvError::Closed) => break,
                }
            }
        });
        Ok(AppState(Arc::new(Shared {
            templates: Arc::new(Templates::for_language(
                config.theme_dir.clone(),
                &core.newsroom.language,
            )?),
            config: Arc::new(config),
            core,
            page_cache,
            throttle: Default::default(),
        })))
    }

    /// Forgets every cached page at once, after a change made on this node.
    pub fn pages_changed(&self) {
        self.page_cache.clear();
    }

    /// Forgets the cached pages `change` makes stale, at once.
    pub fn pages_changed_for(&self, change: &gazette_store::Change) {
        self.page_cache.forget(change);
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}
