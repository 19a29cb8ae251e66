//! Opening a newsroom (data directory, database) and serving it.

use std::{io, path::Path, sync::Arc};

use anyhow::{Context, bail};
use gazette_store_sqlite::SqliteStore;
use gazette_web::{AppState, WebConfig};
use tokio::net::TcpListener;

use crate::config::Config;

/// Sets up logging once, from the config's filter.
pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .try_init();
}

/// Makes sure the data directory exists and can be written to.
pub fn prepare_data_dir(dir: &Path) -> anyhow::Result<()> {
    let hint = "choose another folder with --data-dir or GAZETTE_DATA_DIR";
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "cannot create the data directory {} ({hint})",
            dir.display()
        )
    })?;
    let probe = dir.join(".gazette-write-test");
    std::fs::write(&probe, b"").with_context(|| {
        format!(
            "the data directory {} is not writable ({hint})",
            dir.display()
        )
    })?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Opens the newsroom database. With `create`, a missing database is made;
/// without, its absence is an error that says how to make one.
pub async fn open_store(config: &Config, create: bool) -> anyhow::Result<SqliteStore> {
    let path = config.database_path();
    if create {
        prepare_data_dir(&config.data_dir)?;
    } else if !path.is_file() {
        bail!(
            "no newsroom database in {} (looked for {}); create one with `gazette demo`, `gazette import text FILE…` or `gazette migrate`, or point --data-dir at an existing newsroom",
            config.data_dir.display(),
            path.display()
        );
    }
    SqliteStore::open(&path, create)
        .await
        .with_context(|| format!("cannot open the newsroom database {}", path.display()))
}

/// Binds the listening socket, turning the usual failures into advice.
pub async fn bind(config: &Config) -> anyhow::Result<TcpListener> {
    let addr = config.listen_addr()?;
    TcpListener::bind(addr).await.map_err(|e| {
        let why = match e.kind() {
            io::ErrorKind::AddrInUse => "the address is already in use; stop the program using it or pick another port with --listen".to_owned(),
            io::ErrorKind::PermissionDenied => "permission denied; ports below 1024 need privileges, pick another with --listen".to_owned(),
            io::ErrorKind::AddrNotAvailable => "this machine has no such address; use 127.0.0.1 or an address of this machine".to_owned(),
            _ => e.to_string(),
        };
        anyhow::anyhow!("cannot listen on {addr}: {why}")
    })
}

/// Serves the reader site until Ctrl-C or SIGTERM, then finishes the
/// requests in flight and closes the database.
pub async fn serve(
    config: &Config,
    store: SqliteStore,
    listener: TcpListener,
) -> anyhow::Result<()> {
    let web = WebConfig {
        theme_dir: config.theme_dir.clone(),
    };
    let state = AppState::new(Arc::new(store.clone()), config.newsroom()?, &web)
        .context("cannot load the theme")?;
    let addr = listener.local_addr()?;
    tracing::info!(listen = %addr, newsroom = %config.newsroom.name, "serving");
    eprintln!(
        "Gazette is serving {} on http://{addr}/",
        config.newsroom.name
    );
    axum::serve(listener, gazette_web::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server stopped with an error")?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
