//! The `gongdao` command line: serve, migrate, create users, import merchants.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use domain::Lang;
use services::{Config, Services, db, mail};

#[derive(Parser, Debug)]
#[command(
    name = "gongdao",
    version,
    about = "公道 Gongdao — e-commerce complaints and online dispute resolution"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum FundCommand {
    /// Reconcile the books: every entry balances, no account went below zero,
    /// payouts match the cases' records. Exits non-zero naming the first problem.
    Check,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate the database and serve the site (GONGDAO_ADDR, default 127.0.0.1:3000).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Apply elapsed deadlines and send reminders once, then exit.
    Sweep {
        /// Pretend it is this instant (RFC 3339), e.g. to move a demo forward.
        #[arg(long)]
        now: Option<String>,
    },
    /// Recompute every case's trail hash chain; exits non-zero naming the first broken entry.
    VerifyTrails,
    /// Check a case bundle (from GET /api/v1/cases/{id}/bundle) offline: the
    /// chain, every file's SHA-256 and the signature; exits non-zero naming
    /// the first thing that does not match.
    VerifyBundle {
        file: PathBuf,
        /// The public key: 64 hex digits, a PEM file or the JSON of
        /// /.well-known/gongdao-signing-key. Default: this server's keys
        /// (GONGDAO_SIGNING_KEY_FILE and the database's).
        #[arg(long)]
        key: Option<String>,
    },
    /// Rebuild the search index from the database (into a new folder, then switch).
    Reindex,
    /// Write a consistent copy of the database to FILE while the server runs
    /// (SQLite: VACUUM INTO; PostgreSQL: pg_dump --format=custom).
    Backup { file: PathBuf },
    /// Restore FILE (from `gongdao backup`) into the configured database,
    /// which must be empty; then verify every trail and reconcile the books.
    Restore { file: PathBuf },
    /// The consumer-protection fund.
    Fund {
        #[command(subcommand)]
        command: FundCommand,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Import data.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// A bare axum "hello" on ADDR, built exactly as `serve` is (same axum,
    /// tokio runtime and compiler flags): the yardstick of `cargo xtask bench serve`.
    #[command(hide = true)]
    BareHello { addr: SocketAddr },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account of any role (staff included); its address counts as verified.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        /// consumer, merchant, mediator, arbitrator, fund_admin, regulator or admin.
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Import merchants from a CSV in the enterprise-registry layout; the USCC is the key.
    Merchants { file: PathBuf },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load()?;
    match cli.command {
        Command::Serve => serve(config).await,
        Command::BareHello { addr } => bare_hello(addr).await,
        Command::Migrate => {
            let db = db::connect(&config.database_url).await?;
            db::migrate(&db).await?;
            println!("migrations applied to {}", db::redact(&config.database_url));
            Ok(())
        }
        Command::Sweep { now } => {
            let svc = Services::start(config).await?;
            let now = match now {
                Some(t) => chrono::DateTime::parse_from_rfc3339(&t)
                    .with_context(|| format!("--now {t:?} is not an RFC 3339 time"))?
                    .with_timezone(&chrono::Utc),
                None => svc.clock.now(),
            };
            // Without the sweeper's lease: a sweep is idempotent (each case
            // moves under its version guard, each reminder is recorded once),
            // so running beside a server's sweeper does no harm.
            let report = services::cases::sweep::sweep(&svc, now).await?;
            // Deliver what the sweep queued before exiting.
            let mailer = mail::Mailer::from_config(&svc.config)?;
            mail::worker::deliver_due(&svc, &mailer, chrono::Utc::now()).await?;
            println!("{report}");
            Ok(())
        }
        Command::Fund {
            command: FundCommand::Check,
        } => {
            let svc = Services::start(config).await?;
            let report = services::fund::check(&svc).await?;
            if report.problem.is_some() {
                bail!("{report}");
            }
            println!("{report}");
            Ok(())
        }
        Command::Backup { file } => {
            println!("{}", crate::backup::backup(&config, &file).await?);
            Ok(())
        }
        Command::Restore { file } => {
            println!("{}", crate::backup::restore(config, &file).await?);
            Ok(())
        }
        Command::Reindex => {
            let svc = Services::start(config).await?;
            let started = std::time::Instant::now();
            let n = services::search::indexer::rebuild(&svc, |done, total| {
                let pct = (done * 100).checked_div(total).unwrap_or(100);
                let bar = "#".repeat((pct / 4) as usize);
                eprint!("\r[{bar:<25}] {done}/{total} documents ({pct}%)");
            })
            .await?;
            eprintln!();
            println!(
                "search indexes rebuilt: {n} documents (merchants and public complaints) in {:.1} s; a running server switches to them within a second",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::VerifyTrails => {
            let svc = Services::start(config).await?;
            let (checked, broken) = services::record::trail::verify_all(&svc.db).await?;
            match broken {
                None => {
                    println!("{checked} case trails verified, all intact");
                    Ok(())
                }
                Some(v) => bail!(
                    "case {} trail is broken at entry {}: {}",
                    v.case_id,
                    v.first_broken_seq.unwrap_or_default(),
                    v.reason.unwrap_or_default()
                ),
            }
        }
        Command::VerifyBundle { file, key } => {
            let keys = match key {
                Some(k) => {
                    bundle::keys::read_key_arg(&k).map_err(|e| anyhow::anyhow!("--key: {e}"))?
                }
                None => {
                    let svc = Services::start(config).await?;
                    services::signing::known_keys(&svc).await?
                }
            };
            match bundle::verify::verify_file(&file, Some(&keys)) {
                Ok(report) => {
                    print!("{report}");
                    Ok(())
                }
                Err(problem) => bail!("{}: {problem}", file.display()),
            }
        }
        Command::User {
            command:
                UserCommand::Create {
                    email,
                    password,
                    role,
                    name,
                },
        } => {
            let svc = Services::start(config).await?;
            let display_name =
                name.unwrap_or_else(|| email.split('@').next().unwrap_or("").to_string());
            let input = services::accounts::NewUser {
                email,
                password,
                display_name,
                role,
                lang: Lang::Zh,
            };
            match services::accounts::create_user(&svc, input, true).await {
                Ok(u) => {
                    println!("created user {} ({}) with id {}", u.email, u.role, u.id);
                    Ok(())
                }
                Err(e) => bail!("{}", e.message(Lang::En)),
            }
        }
        Command::Import {
            command: ImportCommand::Merchants { file },
        } => {
            let svc = Services::start(config).await?;
            let f = std::fs::File::open(&file)
                .with_context(|| format!("opening {}", file.display()))?;
            let report =
                services::merchants::import::import_merchants(&svc, std::io::BufReader::new(f))
                    .await?;
            println!("{report}");
            Ok(())
        }
    }
}

async fn bare_hello(addr: SocketAddr) -> anyhow::Result<()> {
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "Hello, World!" }));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    axum::serve(listener, app).await?;
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let addr: SocketAddr = config.addr;
    if let Some(at) = config.now {
        tracing::warn!("THE CLOCK IS FIXED at {at} (GONGDAO_NOW): for demos and tests only");
    }
    let demo = config.demo_data;
    let svc = Services::start(config).await?;
    // Made on the first start (or read from GONGDAO_SIGNING_KEY_FILE): a bad
    // key file stops the start here rather than the first bundle.
    let key = services::signing::current(&svc)
        .await
        .map_err(|e| anyhow::anyhow!("the bundle signing key: {e}"))?;
    tracing::info!(
        "bundles are signed with key {} (published at /.well-known/gongdao-signing-key)",
        bundle::keys::key_id(&key.verifying_key())
    );
    if demo && services::demo::load_if_empty(&svc).await? {
        tracing::info!("demo data loaded; demo accounts are listed on /login");
    }
    tracing::info!(
        "lease holder id {}: the sweeper and the credit worker run on whichever server holds their lease",
        svc.holder
    );
    let mailer = mail::Mailer::from_config(&svc.config)?;
    tokio::spawn(mail::worker::run(svc.clone(), mailer));
    // Webhooks to platforms: every server sends, each send claimed row by row.
    tokio::spawn(services::webhooks::worker::run(svc.clone()));
    if svc.config.webhooks.allow_private {
        tracing::warn!(
            "GONGDAO_WEBHOOK_ALLOW_PRIVATE is on: webhook endpoints may be private or loopback addresses (development and tests only)"
        );
    }
    tokio::spawn(services::settings::follow(svc.clone()));
    tokio::spawn(services::cases::sweep::run(svc.clone()));
    tokio::spawn(services::credit::score::run(svc.clone()));
    // The search writer also rebuilds a missing or unreadable index (the
    // empty one answers meanwhile), and one too far behind the change log.
    tokio::spawn(services::search::indexer::run(svc.clone()));
    let (app, page_cache) = crate::router_and_cache(svc.clone(), crate::cache::Limits::default());
    if svc.config.page_cache {
        tokio::spawn(page_cache.follow(svc.clone()));
    } else {
        tracing::info!("page cache off (GONGDAO_PAGE_CACHE): every public page is rendered");
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!("listening on http://{addr}");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    // Hand the jobs over at once rather than when the leases expire.
    for name in [
        services::cases::sweep::LEASE,
        services::credit::score::LEASE,
    ] {
        if let Err(e) = services::lease::release(&svc.db, name, &svc.holder).await {
            tracing::warn!("releasing lease {name}: {e}");
        }
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
