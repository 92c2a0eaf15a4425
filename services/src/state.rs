//! The handle every request, job and command shares.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::{Clock, Config, db, rate_limit::RateLimiter};

#[derive(Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub clock: Clock,
    pub limiter: Arc<RateLimiter>,
    /// Poked after a transaction that wrote to the outbox commits.
    pub outbox_wake: Arc<Notify>,
    /// The search index (a projection of the database).
    pub search: Arc<crate::search::SearchState>,
}

impl Services {
    /// Connects, refuses a schema from the future, migrates.
    pub async fn start(config: Config) -> anyhow::Result<Services> {
        let db = db::connect(&config.database_url).await?;
        db::migrate(&db).await?;
        Ok(Self::with_db(config, db))
    }

    pub fn with_db(config: Config, db: DatabaseConnection) -> Services {
        let clock = match config.now {
            Some(at) => Clock::fixed(at),
            None => Clock::system(),
        };
        let search = crate::search::SearchState::open_or_memory(&config.data_dir.join("search"));
        Services {
            search: Arc::new(search),
            db,
            clock,
            limiter: Arc::new(RateLimiter::default()),
            outbox_wake: Arc::new(Notify::new()),
            config: Arc::new(config),
        }
    }
}
