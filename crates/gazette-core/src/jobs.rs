//! What a node does on its own, beside answering requests:
//!
//! - every node writes its counted views at least every flush interval,
//!   and once more when it stops;
//! - every node follows the store's change feed, so that its caches (and
//!   the web crate's page cache) forget what another node changed;
//! - one node at a time, the holder of the jobs lease, freezes ended weeks
//!   and forgets the readers and secrets of past days. When it dies its
//!   lease runs out and another node takes the jobs over.

use std::{sync::Arc, time::Duration};

use tokio::{sync::watch, task::JoinHandle};

use gazette_store::{Change, StoreError};

use crate::Core;

/// The running background work of one node.
pub struct Background {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    core: Arc<Core>,
}

/// Starts the background work for a serving node.
pub fn start(core: Arc<Core>) -> Background {
    let (stop, stopped) = watch::channel(false);
    let tasks = vec![
        tokio::spawn(flusher(core.clone(), stopped.clone())),
        tokio::spawn(follower(core.clone(), stopped.clone())),
        tokio::spawn(leased_jobs(core.clone(), stopped.clone())),
        tokio::spawn(crate::search::follow(core.clone(), stopped)),
    ];
    Background { stop, tasks, core }
}

async fn flusher(core: Arc<Core>, mut stopped: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(core.config.flush_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut ticks: u64 = 0;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.changed() => break,
        }
        if let Err(e) = core.flush_views().await {
            tracing::warn!(error = %e.detail(), views.pending = core.views.pending(), "could not write views; will retry");
        }
        ticks += 1;
        if ticks.is_multiple_of(60) {
            core.views.tidy();
            core.comments.tidy();
        }
    }
}

async fn follower(core: Arc<Core>, mut stopped: watch::Receiver<bool>) {
    loop {
        let mut listener = match core.store.listen().await {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e.detail(), "cannot follow the change feed; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                    _ = stopped.changed() => return,
                }
            }
        };
        // Anything may have changed while nobody listened.
        core.apply_change(Change::Everything).await;
        loop {
            let next = tokio::select! {
                c = listener.next() => c,
                _ = stopped.changed() => return,
            };
            match next {
                Ok(change) => core.apply_change(change).await,
                Err(e) => {
                    tracing::warn!(error = %e.detail(), "lost the change feed; listening again");
                    break;
                }
            }
        }
    }
}

async fn leased_jobs(core: Arc<Core>, mut stopped: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(core.config.job_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stopped.changed() => break,
        }
        match core.run_leased_jobs().await {
            Ok(true) => tracing::debug!(node = %core.config.node, "ran the leased jobs"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e.detail(), "a background job failed; will retry"),
        }
    }
}

impl Background {
    /// Stops the background work, writes every view still pending and
    /// gives the jobs lease up. Call it after the server has answered its
    /// last request, so that every hit it accepted is written.
    pub async fn shutdown(self) -> Result<u64, StoreError> {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
        if let Err(e) = self.core.release_leases().await {
            tracing::warn!(error = %e.detail(), "could not give the jobs lease up");
        }
        let mut last_error = None;
        for attempt in 0..5 {
            match self.core.flush_views().await {
                Ok(n) => return Ok(n),
                Err(e) => {
                    tracing::warn!(error = %e.detail(), attempt, "final flush failed; retrying");
                    last_error = Some(e);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        Err(last_error.expect("five failures"))
    }
}
