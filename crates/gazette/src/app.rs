//! Opening a newsroom (data directory, database) and serving it.

use std::{io, net::SocketAddr, path::Path, sync::Arc};

use anyhow::{Context, bail};
use gazette_store_sqlite::SqliteStore;
use gazette_web::AppState;
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
/// requests in flight, writes every counted view and closes the database.
pub async fn serve(
    config: &Config,
    store: SqliteStore,
    listener: TcpListener,
) -> anyhow::Result<()> {
    let state = AppState::new(Arc::new(store.clone()), config.newsroom()?, config.web()?)
        .await
        .context("cannot start the site")?;
    let background = gazette_web::background::start(state.clone());
    let addr = listener.local_addr()?;
    tracing::info!(listen = %addr, newsroom = %config.newsroom.name, "serving");
    eprintln!(
        "Gazette is serving {} on http://{addr}/",
        config.newsroom.name
    );
    let app = gazette_web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    // Requests are done: no hit can arrive any more, so this last write
    // holds every view the server accepted.
    let flushed = background.shutdown().await;
    store.close().await;
    served.context("the server stopped with an error")?;
    let n = flushed.context("could not write the last counted views")?;
    tracing::info!(views.written = n, "stopped");
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
