//! Work the server does on its own: writing counted views at least every
//! flush interval, freezing the rankings of ended weeks, and forgetting
//! quiet clients. [`Background::shutdown`] writes the last views.

use std::time::Duration;

use tokio::{sync::watch, task::JoinHandle};

use crate::{AppState, top};

pub struct Background {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
    state: AppState,
}

/// Starts the background work for a serving node.
pub fn start(state: AppState) -> Background {
    let (stop, mut stopped) = watch::channel(false);
    let worker = state.clone();
    let handle = tokio::spawn(async move {
        let mut tick = tokio::time::interval(worker.config.flush_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut ticks: u64 = 0;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stopped.changed() => break,
            }
            if let Err(e) = worker.flush_views().await {
                tracing::warn!(error = %e, views.pending = worker.counter.pending(), "could not write views; will retry");
            }
            ticks += 1;
            if ticks % 60 == 1 {
                worker.counter.tidy();
                worker.comments.tidy();
                if let Err(e) = top::freeze_ended(&worker).await {
                    tracing::warn!(error = %e, "could not freeze last week's top stories");
                }
            }
        }
    });
    Background {
        stop,
        handle,
        state,
    }
}

impl Background {
    /// Stops the loop and writes every view still pending. Call it after
    /// the server has finished its last request, so that every hit it
    /// accepted is written.
    pub async fn shutdown(self) -> Result<u64, gazette_store::StoreError> {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
        let mut last_error = None;
        for attempt in 0..5 {
            match self.state.flush_views().await {
                Ok(n) => return Ok(n),
                Err(e) => {
                    tracing::warn!(error = %e, attempt, "final flush failed; retrying");
                    last_error = Some(e);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        Err(last_error.expect("five failures"))
    }
}
