//! Fixed-window attempt counters, per key (`login-ip:1.2.3.4`,
//! `login-account:a@b.cn`, …), shared by every server: in Redis when
//! `GONGDAO_REDIS_URL` is set (INCR + PEXPIRE), otherwise in the database's
//! `rate_limit` table (one upsert that returns the new count). A configured
//! Redis that is down falls back to the database, so a limit never stops
//! holding just because Redis went away. Windows follow the wall clock (a
//! fixed business clock must not freeze them).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use redis::aio::MultiplexedConnection;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, DeriveIden};
use sha2::{Digest, Sha256};

#[derive(DeriveIden)]
enum RateLimit {
    Table,
    Key,
    N,
    ExpiresAt,
}

/// How long a Redis that failed is left alone before it is tried again.
const REDIS_RETRY_AFTER: Duration = Duration::from_secs(5);

pub struct RateLimiter {
    db: DatabaseConnection,
    redis: Option<RedisCounter>,
}

struct RedisCounter {
    client: redis::Client,
    /// The open connection (it multiplexes, so clones share it).
    conn: tokio::sync::Mutex<Option<MultiplexedConnection>>,
    /// While set and in the future, the database counts instead.
    down_until: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("redis", &self.redis.is_some())
            .finish()
    }
}

impl RateLimiter {
    /// Counts in Redis when `redis_url` is given, else in `db`.
    pub fn new(db: DatabaseConnection, redis_url: Option<&str>) -> RateLimiter {
        let redis = redis_url.and_then(|url| match redis::Client::open(url) {
            Ok(client) => Some(RedisCounter {
                client,
                conn: tokio::sync::Mutex::new(None),
                down_until: Mutex::new(None),
            }),
            Err(e) => {
                tracing::error!(
                    "GONGDAO_REDIS_URL is unusable ({e}); rate limits count in the database"
                );
                None
            }
        });
        RateLimiter { db, redis }
    }

    /// Counts one attempt for `key`; false when the key already used `max`
    /// attempts in the current `window`.
    pub async fn allow(&self, key: &str, max: u32, window: Duration) -> bool {
        self.allow_at(key, max, window, Utc::now()).await
    }

    /// [`allow`](Self::allow) at `now` (tests move through windows with it).
    pub async fn allow_at(
        &self,
        key: &str,
        max: u32,
        window: Duration,
        now: DateTime<Utc>,
    ) -> bool {
        let window_ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
        let window_ms = std::cmp::max(window_ms, 1);
        let now_ms = now.timestamp_millis();
        let slot = now_ms.div_euclid(window_ms);
        let ends_at = (slot + 1).saturating_mul(window_ms);
        let key = slot_key(key, slot);
        let counted = match &self.redis {
            Some(r) => r.incr(&key, ends_at - now_ms).await,
            None => None,
        };
        let n = match counted {
            Some(n) => n,
            None => match incr_in_db(&self.db, &key, ends_at).await {
                Ok(n) => n,
                Err(e) => {
                    // Throttling is a guard, not a gate: a database that
                    // cannot count will fail the sign-in itself anyway.
                    tracing::error!("rate limit counter: {e}");
                    return true;
                }
            },
        };
        n <= i64::from(max)
    }
}

/// `key` in window `slot`; long keys (an address can be long) are hashed
/// to fit the column.
fn slot_key(key: &str, slot: i64) -> String {
    if key.len() > 200 {
        format!("{}@{slot}", hex::encode(Sha256::digest(key.as_bytes())))
    } else {
        format!("{key}@{slot}")
    }
}

async fn incr_in_db(db: &DatabaseConnection, key: &str, expires_at: i64) -> Result<i64, DbErr> {
    let row = db
        .query_one(
            Query::insert()
                .into_table(RateLimit::Table)
                .columns([RateLimit::Key, RateLimit::N, RateLimit::ExpiresAt])
                .values_panic([key.into(), 1i32.into(), expires_at.into()])
                .on_conflict(
                    OnConflict::column(RateLimit::Key)
                        .value(
                            RateLimit::N,
                            Expr::col((RateLimit::Table, RateLimit::N)).add(1),
                        )
                        .to_owned(),
                )
                .returning_col(RateLimit::N),
        )
        .await?
        .ok_or_else(|| DbErr::Custom("the rate-limit upsert returned no row".into()))?;
    Ok(i64::from(row.try_get::<i32>("", "n")?))
}

/// Removes the counters of windows that ended before `now` (the sweeper
/// does it under its lease).
pub async fn purge_expired<C: ConnectionTrait>(conn: &C, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let res = conn
        .execute(
            Query::delete()
                .from_table(RateLimit::Table)
                .and_where(Expr::col(RateLimit::ExpiresAt).lte(now.timestamp_millis())),
        )
        .await?;
    Ok(res.rows_affected())
}

impl RedisCounter {
    /// The count after this attempt, or `None` when Redis cannot be reached
    /// (logged once per outage; the caller counts in the database).
    async fn incr(&self, key: &str, ttl_ms: i64) -> Option<i64> {
        let down = self
            .down_until
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some_and(|t| Instant::now() < t);
        if down {
            return None;
        }
        match self.try_incr(key, ttl_ms).await {
            Ok(n) => Some(n),
            Err(e) => {
                *self.conn.lock().await = None;
                let mut until = self.down_until.lock().unwrap_or_else(|p| p.into_inner());
                if until.is_none() {
                    tracing::error!(
                        "Redis is unreachable ({e}); rate limits count in the database meanwhile"
                    );
                }
                *until = Some(Instant::now() + REDIS_RETRY_AFTER);
                None
            }
        }
    }

    async fn try_incr(&self, key: &str, ttl_ms: i64) -> redis::RedisResult<i64> {
        let mut conn = {
            let mut slot = self.conn.lock().await;
            match &*slot {
                Some(c) => c.clone(),
                None => {
                    let config = redis::AsyncConnectionConfig::new()
                        .set_connection_timeout(Some(Duration::from_secs(1)))
                        .set_response_timeout(Some(Duration::from_secs(1)));
                    let c = self
                        .client
                        .get_multiplexed_async_connection_with_config(&config)
                        .await?;
                    *slot = Some(c.clone());
                    c
                }
            }
        };
        // The counter outlives its window by a second, for clocks a little apart.
        let (n,): (i64,) = redis::pipe()
            .atomic()
            .cmd("INCR")
            .arg(key)
            .cmd("PEXPIRE")
            .arg(key)
            .arg(ttl_ms + 1000)
            .ignore()
            .query_async(&mut conn)
            .await?;
        let was_down = self
            .down_until
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .is_some();
        if was_down {
            tracing::info!("Redis is back; rate limits count there again");
        }
        Ok(n)
    }
}
