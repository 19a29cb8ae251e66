//! The `gazette` command: serve a newsroom, import stories, run the demo.
//!
//! Startup and CLI errors are `anyhow` errors with context; they print as
//! one or two lines saying what went wrong and how to fix it, and exit
//! non-zero.

mod app;
mod commands;
mod config;
mod demo;

/// mimalloc: measurably less time in malloc and free than glibc under many
/// small per-request allocations (see bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

use crate::config::Overrides;

/// Gazette: a fast, self-hosted newsroom publishing platform.
#[derive(Parser)]
#[command(name = "gazette", version, about, long_about = None)]
struct Cli {
    /// The folder that holds the newsroom's database and everything else it stores.
    #[arg(long, global = true, env = "GAZETTE_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// Configuration file (TOML). Default: gazette.toml in the data directory, if present.
    #[arg(long, global = true, env = "GAZETTE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the reader site of the newsroom in the data directory.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "GAZETTE_LISTEN", value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Create a generated demo newsroom (if the data directory has none) and serve it.
    Demo {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "GAZETTE_LISTEN", value_name = "ADDR")]
        listen: Option<String>,
        /// How many articles to generate.
        #[arg(long, default_value_t = 600, value_name = "N")]
        articles: u32,
        /// Over how many weeks, up to today, the articles are spread.
        #[arg(long, default_value_t = 16, value_name = "N")]
        weeks: u32,
        /// Seed of the generator: the same seed gives the same newsroom.
        #[arg(long, default_value_t = 48, value_name = "N")]
        seed: u64,
        /// Only create the newsroom; do not start the server.
        #[arg(long)]
        no_serve: bool,
    },
    /// Import stories from other systems.
    Import {
        #[command(subcommand)]
        format: ImportFormat,
    },
    /// Write the newsroom out for another system.
    Export {
        #[command(subcommand)]
        format: ExportFormat,
    },
    /// Create the database if needed and apply pending migrations.
    Migrate,
    /// Moderate readers' comments.
    Comments {
        #[command(subcommand)]
        action: CommentAction,
    },
    /// A week's top stories (frozen once the week has ended).
    Top {
        /// ISO week, e.g. 2025-W48. Default: this week on the newsroom's clock.
        #[arg(long, value_name = "WEEK")]
        week: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Take a consistent copy of the newsroom's SQLite database, while the
    /// site serves. (On PostgreSQL, use pg_dump: see docs/DEPLOY.md.)
    Backup {
        /// Where to write the copy; it must not exist yet.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Put a backup taken with `gazette backup` back in place. Stop the
    /// server first; the database it replaces is kept beside it.
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// The newsroom's shared secrets.
    Secret {
        #[command(subcommand)]
        action: SecretAction,
    },
    /// List the old addresses that redirect (from a WordPress import).
    Redirects {
        /// Print JSON lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Build this node's search index again from the database (it is
    /// rebuilt by itself when missing or outdated). Stop the server using
    /// the same index first.
    Reindex,
    /// Staff accounts of the admin (`/admin`).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Move a newsroom between databases.
    Store {
        #[command(subcommand)]
        action: StoreAction,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create an account (the first one: `--role admin`). The password is
    /// read from standard input (one line), or asked for on a terminal.
    Add {
        #[arg(value_name = "EMAIL")]
        email: String,
        /// contributor, author, editor or admin.
        #[arg(long, default_value = "contributor")]
        role: String,
        /// The name shown in the admin (default: the address's first part).
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Set a new password (read like `add`'s), end the account's sessions
    /// and lift a lockout.
    ResetPassword {
        #[arg(value_name = "EMAIL")]
        email: String,
    },
    /// List the accounts.
    List,
}

#[derive(Subcommand)]
enum SecretAction {
    /// Make a new site secret: comment forms, hit tokens and staff sessions
    /// signed with the old one stop working once the nodes restart.
    Rotate,
}

#[derive(Subcommand)]
enum StoreAction {
    /// Copy every story, count, comment and frozen ranking from one database
    /// into an empty one (SQLite to PostgreSQL or back), then check each
    /// table's rows and checksum. Stop the site (or copy a backup) first.
    Copy {
        /// The newsroom to copy: sqlite:///path/gazette.db or postgres://user:password@host/db
        #[arg(long, value_name = "URL")]
        from: String,
        /// An empty database to copy into (created if a SQLite file is missing).
        #[arg(long, value_name = "URL")]
        to: String,
    },
}

#[derive(Subcommand)]
enum ImportFormat {
    /// Plain-text captures of article pages (header `date YYYY-MM-DD … TOP STORIES WEEK … N`).
    /// Importing the same file again updates its article.
    Text {
        /// Files to import.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// A WordPress export (Tools → Export, WXR 1.0–1.2): posts, pages,
    /// authors, categories, tags, comments, view counts and every old
    /// address as a redirect. Safe to run again and to interrupt: items are
    /// keyed by the site and their WordPress id.
    Wxr {
        /// The export file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Stop at the first problem (storing nothing of the batch it is
        /// in) instead of skipping the item and listing it at the end.
        #[arg(long)]
        strict: bool,
        /// Items stored per transaction.
        #[arg(long, default_value_t = 500, value_name = "N")]
        batch: usize,
        /// A copy of the old site's wp-content/uploads folder: its pictures,
        /// sound, video and PDFs are brought into DATA_DIR/media and served
        /// at /media/, and old file addresses redirect there. Without it,
        /// attachments keep their old addresses.
        #[arg(long, value_name = "DIR")]
        uploads: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ExportFormat {
    /// A WordPress export (WXR 1.2) of every story, section, tag, posting
    /// account and comment, which WordPress's importer (and `gazette import
    /// wxr`) reads. Bylines and datelines go back into the text.
    Wxr {
        /// The file to write; it is replaced only once the export is whole.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum CommentAction {
    /// List comments waiting for moderation, oldest first.
    Pending {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Publish comments.
    Approve {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
    },
    /// Mark comments as spam (hidden, not counted).
    Spam {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
    },
    /// Delete comments and the replies under them.
    Delete {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
    },
}

#[derive(Subcommand)]
enum ConfigAction {
    /// Print a commented example configuration with every setting and its default.
    Example,
    /// Print the configuration in effect, after the file, environment and flags.
    Show,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("gazette: error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gazette: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut over = Overrides {
        config_file: cli.config,
        data_dir: cli.data_dir,
        listen: None,
    };
    match cli.command {
        Command::Config {
            action: ConfigAction::Example,
        } => {
            print!("{}", config::EXAMPLE);
            Ok(ExitCode::SUCCESS)
        }
        Command::Config {
            action: ConfigAction::Show,
        } => {
            let config = config::Config::load(&over)?;
            print!("{}", commands::show_config(&config)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { listen } => {
            over.listen = listen;
            commands::serve(&over).await
        }
        Command::Demo {
            listen,
            articles,
            weeks,
            seed,
            no_serve,
        } => {
            over.listen = listen;
            commands::demo(&over, articles, weeks, seed, !no_serve).await
        }
        Command::Import {
            format: ImportFormat::Text { files },
        } => commands::import_text(&over, &files).await,
        Command::Import {
            format:
                ImportFormat::Wxr {
                    file,
                    strict,
                    batch,
                    uploads,
                },
        } => commands::import_wxr(&over, &file, strict, batch, uploads.as_deref()).await,
        Command::Export {
            format: ExportFormat::Wxr { file },
        } => commands::export_wxr(&over, &file).await,
        Command::Redirects { json } => commands::redirects(&over, json).await,
        Command::Migrate => commands::migrate(&over).await,
        Command::Reindex => commands::reindex(&over).await,
        Command::Comments { action } => match action {
            CommentAction::Pending { json } => commands::comments_pending(&over, json).await,
            CommentAction::Approve { ids } => {
                commands::moderate(&over, &ids, gazette_core::Moderation::Approve).await
            }
            CommentAction::Spam { ids } => {
                commands::moderate(&over, &ids, gazette_core::Moderation::Spam).await
            }
            CommentAction::Delete { ids } => {
                commands::moderate(&over, &ids, gazette_core::Moderation::Delete).await
            }
        },
        Command::Top { week, json } => commands::top(&over, week.as_deref(), json).await,
        Command::User { action } => match action {
            UserAction::Add { email, role, name } => {
                commands::user_add(&over, &email, &role, &name).await
            }
            UserAction::ResetPassword { email } => commands::user_reset(&over, &email).await,
            UserAction::List => commands::user_list(&over).await,
        },
        Command::Store {
            action: StoreAction::Copy { from, to },
        } => commands::store_copy(&over, &from, &to).await,
        Command::Backup { file } => commands::backup(&over, &file).await,
        Command::Restore { file } => commands::restore(&over, &file).await,
        Command::Secret {
            action: SecretAction::Rotate,
        } => commands::rotate_secret(&over).await,
    }
}
