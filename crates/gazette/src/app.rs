//! Opening a newsroom (data directory, database) and serving it.

use std::{io, path::Path, sync::Arc};

use anyhow::{Context, bail};
use gazette_core::{Core, SystemClock};
use gazette_store::Store;
use gazette_store_postgres::PgStore;
use gazette_store_sqlite::SqliteStore;
use gazette_web::AppState;
use gazette_web::Listeners;

use crate::config::{Config, Database};

/// Sets up logging once, from the config's filter.
pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr)
        .try_init();
}

/// Makes sure the data directory exists (created readable by its owner
/// only: it holds the database and its secrets) and can be written to.
pub fn prepare_data_dir(dir: &Path) -> anyhow::Result<()> {
    let hint = "choose another folder with --data-dir or GAZETTE_DATA_DIR";
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).with_context(|| {
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

/// Opens the newsroom database named by the configuration: the only place
/// that names a concrete backend. With `create`, a missing SQLite database
/// is made; without, its absence is an error that says how to make one.
pub async fn open_store(config: &Config, create: bool) -> anyhow::Result<Arc<dyn Store>> {
    open_database(&config.database()?, &config.data_dir, create).await
}

/// Opens `db` (see [`open_store`]).
pub async fn open_database(
    db: &Database,
    data_dir: &Path,
    create: bool,
) -> anyhow::Result<Arc<dyn Store>> {
    match db {
        Database::Sqlite(path) => {
            if create {
                prepare_data_dir(
                    path.parent()
                        .filter(|p| !p.as_os_str().is_empty())
                        .unwrap_or(data_dir),
                )?;
            } else if !path.is_file() {
                bail!(
                    "no newsroom database in {} (looked for {}); create one with `gazette demo`, `gazette import text FILE…` or `gazette migrate`, or point --data-dir at an existing newsroom",
                    data_dir.display(),
                    path.display()
                );
            }
            let store = SqliteStore::open(path, create)
                .await
                .map_err(|e| anyhow::anyhow!(e.detail()))
                .with_context(|| format!("cannot open the newsroom database {}", path.display()))?;
            owner_only(path);
            Ok(Arc::new(store))
        }
        Database::Postgres(url) => {
            let store = PgStore::connect(url)
                .await
                .map_err(|e| anyhow::anyhow!(e.detail()))
                .with_context(|| {
                    format!(
                        "cannot open the newsroom database {} (is PostgreSQL running, and may this user create tables?)",
                        db.describe()
                    )
                })?;
            Ok(Arc::new(store))
        }
    }
}

/// Makes the database file and its WAL readable by their owner only: they
/// hold the site secret and readers' comments.
fn owner_only(db: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            let p = std::path::PathBuf::from(p);
            if p.exists()
                && let Err(e) = std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))
            {
                tracing::warn!(file = %p.display(), error = %e, "cannot make the database private");
            }
        }
    }
    #[cfg(not(unix))]
    let _ = db;
}

/// The newsroom's services over `store`, on the system clock.
pub async fn core(config: &Config, store: Arc<dyn Store>) -> anyhow::Result<Arc<Core>> {
    Core::new(
        store,
        config.newsroom()?,
        Arc::new(SystemClock),
        config.core()?,
    )
    .await
    .map_err(|e| anyhow::anyhow!(e.detail()))
    .context("cannot read the newsroom's shared secrets from the database")
}

/// Opens this node's search index; a missing or outdated one starts
/// empty and is filled from the store by the background follower.
pub fn open_search(config: &Config) -> anyhow::Result<Arc<gazette_search::SearchIndex>> {
    let dir = config.search_dir();
    let opened = gazette_search::SearchIndex::open(&dir).map_err(|e| match e {
        gazette_search::SearchError::Busy { .. } => anyhow::anyhow!(
            "{e}: stop the other gazette using it, or give this node a folder of its own with GAZETTE_SEARCH_DIR"
        ),
        e => anyhow::anyhow!(e),
    })?;
    if let Some(why) = opened.rebuilt {
        tracing::info!(dir = %dir.display(), why, "building the search index from the store");
    }
    Ok(Arc::new(opened.index))
}

/// Binds the listening socket, turning the usual failures into advice.
pub async fn bind(config: &Config) -> anyhow::Result<Listeners> {
    let addr = config.listen_addr()?;
    let files = gazette_web::raise_open_files_limit();
    tracing::debug!(?files, "open-files limit");
    Listeners::bind(addr, config.server_threads()).map_err(|e| {
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
    store: Arc<dyn Store>,
    listener: Listeners,
) -> anyhow::Result<()> {
    let core = core(config, store.clone()).await?;
    core.attach_search(open_search(config)?);
    let state = AppState::new(core.clone(), config.web()?).context("cannot start the site")?;
    let background = gazette_core::jobs::start(core.clone());
    for warning in config.warnings() {
        tracing::warn!("{warning}");
        eprintln!("gazette: warning: {warning}");
    }
    let addr = listener.local_addr()?;
    tracing::info!(listen = %addr, newsroom = %config.newsroom.name, node = %core.config.node, engine = store.engine(), "serving");
    eprintln!(
        "Gazette is serving {} on http://{addr}/",
        config.newsroom.name
    );
    let app = gazette_web::app(state);
    let served = gazette_web::serve(listener, app, config.server_limits(), shutdown_signal()).await;
    // Requests are done: no hit can arrive any more, so this last write
    // holds every view the server accepted.
    let flushed = background.shutdown().await;
    store.close().await;
    served.context("the server stopped with an error")?;
    let n = flushed
        .map_err(|e| anyhow::anyhow!(e.detail()))
        .context("could not write the last counted views")?;
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
