//! The handle every request, job and command shares.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::accounts::identity::{self, PiiKeys};
use crate::{Clock, Config, db, rate_limit::RateLimiter};

#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub clock: Clock,
    /// Attempt counters shared by every server (database or Redis).
    pub limiter: Arc<RateLimiter>,
    /// This server's copy of the working-day calendar.
    pub calendar: Arc<crate::record::calendar::Cache>,
    /// Who holds leases of periodic jobs: random per `Services`, so per server.
    pub holder: Arc<str>,
    /// Poked after a transaction that wrote to the outbox commits.
    pub outbox_wake: Arc<Notify>,
    /// The search index (a projection of the database).
    pub search: Arc<crate::search::SearchState>,
    /// The keys resident ID numbers are encrypted and hashed with.
    pub pii: Arc<crate::accounts::identity::PiiKeys>,
}

impl Services {
    /// Connects, refuses a schema from the future, migrates.
    pub async fn start(config: Config) -> anyhow::Result<Services> {
        let db = db::connect(&config.database_url).await?;
        db::migrate(&db).await?;
        let pii = PiiKeys::from_config(&config)?;
        identity::check_key(&db, &pii).await?;
        Ok(Self::assemble(config, db, pii))
    }

    /// Without the checks of `start` (tests): a key that cannot be read or
    /// made in the data directory is replaced by one for this process.
    pub fn with_db(config: Config, db: DatabaseConnection) -> Services {
        let pii = PiiKeys::from_config(&config).unwrap_or_else(|e| {
            tracing::error!("personal-data key: {e:#}; using one for this process only");
            PiiKeys::new(&crate::config::SecretKey(rand::random()))
        });
        Self::assemble(config, db, pii)
    }

    fn assemble(config: Config, db: DatabaseConnection, pii: PiiKeys) -> Services {
        let clock = match config.now {
            Some(at) => Clock::fixed(at),
            None => Clock::system(),
        };
        let search = crate::search::SearchState::open_or_memory(&config.data_dir.join("search"));
        Services {
            search: Arc::new(search),
            pii: Arc::new(pii),
            clock,
            limiter: Arc::new(RateLimiter::new(db.clone(), config.redis_url.as_deref())),
            calendar: Arc::default(),
            holder: crate::lease::new_holder().into(),
            outbox_wake: Arc::new(Notify::new()),
            db,
            config: Arc::new(config),
        }
    }
}
