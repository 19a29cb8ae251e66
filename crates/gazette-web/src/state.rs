use std::{path::PathBuf, sync::Arc};

use gazette_domain::Newsroom;
use gazette_store::Store;

use crate::{Templates, top::TopStoriesCache};

/// What the web layer needs from the configuration.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// A folder whose templates override the built-in theme, file by file
    /// (`layouts/base.html`, `pages/article.html`, ...). Edits are picked
    /// up without a restart.
    pub theme_dir: Option<PathBuf>,
}

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub newsroom: Arc<Newsroom>,
    pub templates: Arc<Templates>,
    pub(crate) top: Arc<TopStoriesCache>,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        newsroom: Newsroom,
        config: &WebConfig,
    ) -> Result<Self, crate::TemplateError> {
        Ok(AppState {
            store,
            newsroom: Arc::new(newsroom),
            templates: Arc::new(Templates::new(config.theme_dir.clone())?),
            top: Arc::new(TopStoriesCache::default()),
        })
    }
}
