//! Keeping a node's search index ([`gazette_search::SearchIndex`]) in step
//! with the store, and answering readers' searches through it.
//!
//! The index follows the store by update order: it asks for the articles
//! updated after its [`Mark`] and takes them in, a batch at a time, each
//! batch committed with its mark. Every node does this for its own index,
//! woken by the change feed (a change made through any node) and by a
//! short tick; a new or outdated index is filled the same way, from the
//! start. `gazette reindex` empties it and follows from the start.

use std::{sync::Arc, time::Duration};

use jiff::SignedDuration;
use tokio::sync::watch;

use gazette_domain::ArticleId;
use gazette_search::{Hits, Mark, Query, SearchError, SearchIndex};
use gazette_store::{Change, StoreError, UpdateMark};

use crate::Core;

/// Articles read from the store and committed at a time.
pub const BATCH: u32 = 500;

/// How long after an update a write stamped with the same second (or an
/// earlier one, on a node whose clock lags) may still land. Until the mark
/// is this old, the index reads those seconds again: taking an article in
/// twice is harmless, missing one is not.
const LATE_WRITES: SignedDuration = SignedDuration::from_secs(10);

/// How often a node looks for changes when the feed says nothing.
const TICK: Duration = Duration::from_secs(3);

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("the search index worker stopped: {0}")]
    Worker(#[from] tokio::task::JoinError),
}

impl Core {
    /// Gives this node its search index; [`crate::jobs::start`] then keeps
    /// it following the store.
    pub fn attach_search(&self, index: Arc<SearchIndex>) {
        let _ = self.search.set(index);
    }

    /// This node's search index, when it has one.
    pub fn search_index(&self) -> Option<&Arc<SearchIndex>> {
        self.search.get()
    }

    /// Runs a reader's search (`None`: this node has no index).
    pub async fn search(&self, mut query: Query) -> Option<Result<Hits, IndexError>> {
        let index = self.search.get()?.clone();
        query.now = self.now();
        Some(
            tokio::task::spawn_blocking(move || index.search(&query))
                .await
                .map_err(IndexError::from)
                .and_then(|r| r.map_err(IndexError::from)),
        )
    }
}

/// Takes every article updated since the index's mark in; returns how many
/// were read. `progress` hears the running total after each batch.
pub async fn catch_up(
    core: &Core,
    index: &Arc<SearchIndex>,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<u64, IndexError> {
    let mut mark = index.mark()?;
    let mut after = mark.map(|m| {
        if core.now().duration_since(m.updated_at) < LATE_WRITES {
            UpdateMark {
                updated_at: m.updated_at - LATE_WRITES,
                id: ArticleId(i64::MIN),
            }
        } else {
            UpdateMark {
                updated_at: m.updated_at,
                id: m.id,
            }
        }
    });
    let mut read = 0u64;
    loop {
        let marks = core.store.articles_updated_after(after, BATCH).await?;
        let Some(last) = marks.last().copied() else {
            break;
        };
        let ids: Vec<ArticleId> = marks.iter().map(|m| m.id).collect();
        let articles = core.store.articles_by_ids(&ids).await?;
        let gone: Vec<ArticleId> = ids
            .iter()
            .filter(|id| !articles.iter().any(|a| a.id == **id))
            .copied()
            .collect();
        let reached = Mark {
            updated_at: last.updated_at,
            id: last.id,
        };
        // The mark never goes back (a re-read of late seconds is behind it).
        mark = Some(mark.map_or(reached, |m| m.max(reached)));
        let index2 = index.clone();
        let to_save = mark;
        tokio::task::spawn_blocking(move || index2.update(&articles, &gone, to_save)).await??;
        read += marks.len() as u64;
        progress(read);
        after = Some(last);
        if marks.len() < BATCH as usize {
            break;
        }
    }
    Ok(read)
}

/// Empties the index and takes every article in again.
pub async fn rebuild(
    core: &Core,
    index: &Arc<SearchIndex>,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<u64, IndexError> {
    let i = index.clone();
    tokio::task::spawn_blocking(move || i.clear()).await??;
    catch_up(core, index, progress).await
}

/// A serving node's follower: catches up at start (filling a new index),
/// then whenever the change feed names an article and every [`TICK`].
pub(crate) async fn follow(core: Arc<Core>, mut stopped: watch::Receiver<bool>) {
    let Some(index) = core.search_index().cloned() else {
        return;
    };
    let mut changes = core.subscribe();
    let started = std::time::Instant::now();
    let mut first = true;
    loop {
        match catch_up(&core, &index, &|_| {}).await {
            Ok(n) if first => {
                tracing::info!(articles.read = n, took = ?started.elapsed(), "the search index has caught up with the store")
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error = %e, "could not bring the search index up to date; will retry")
            }
        }
        first = false;
        let mut tick = Box::pin(tokio::time::sleep(TICK));
        loop {
            tokio::select! {
                _ = &mut tick => break,
                _ = stopped.changed() => return,
                change = changes.recv() => match change {
                    Ok(Change::Article(_) | Change::Everything)
                    | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                    Ok(_) => {}
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                },
            }
        }
    }
}
