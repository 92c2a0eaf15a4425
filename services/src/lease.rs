//! Leases of periodic jobs: when several servers share one database, only
//! the holder of a job's lease runs it (the sweeper, the credit worker).
//! The holder renews the lease while it works; a server that dies stops
//! renewing, and another takes the job over once the lease has expired.
//! Taken and renewed with one guarded UPDATE (or an INSERT of a missing
//! row), so two servers can never both hold it; times are the wall clock in
//! milliseconds (a fixed business clock must not stop leases expiring).

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, DeriveIden};

#[derive(DeriveIden)]
enum Lease {
    Table,
    Name,
    Holder,
    ExpiresAt,
}

/// How long a lease lasts unless renewed.
pub const TTL: Duration = Duration::from_secs(30);

/// A holder id for this process: random, so two servers (or two
/// `Services` in one test) never share one.
pub fn new_holder() -> String {
    format!(
        "{}-{:012x}",
        std::process::id(),
        rand::random::<u64>() >> 16
    )
}

/// Takes or renews lease `name` for `holder` until `now + ttl`; false when
/// another holder has it and it has not expired.
pub async fn acquire<C: ConnectionTrait>(
    conn: &C,
    name: &str,
    holder: &str,
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let now_ms = now.timestamp_millis();
    let until = now_ms + i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX / 2);
    // Ours already, or expired: take it. The WHERE is re-checked on the row
    // as it is when the update runs, so of two racing servers one wins.
    let renewed = conn
        .execute(
            Query::update()
                .table(Lease::Table)
                .value(Lease::Holder, holder)
                .value(Lease::ExpiresAt, until)
                .and_where(Expr::col(Lease::Name).eq(name))
                .and_where(
                    Expr::col(Lease::Holder)
                        .eq(holder)
                        .or(Expr::col(Lease::ExpiresAt).lte(now_ms)),
                ),
        )
        .await?;
    if renewed.rows_affected() == 1 {
        return Ok(true);
    }
    // No row yet: the first to insert it holds it.
    let inserted = conn
        .execute(
            Query::insert()
                .into_table(Lease::Table)
                .columns([Lease::Name, Lease::Holder, Lease::ExpiresAt])
                .values_panic([name.into(), holder.into(), until.into()])
                .on_conflict(OnConflict::column(Lease::Name).do_nothing().to_owned()),
        )
        .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Gives the lease up (on shutdown, say), so another server need not wait
/// for it to expire. Does nothing when `holder` no longer has it.
pub async fn release<C: ConnectionTrait>(conn: &C, name: &str, holder: &str) -> Result<(), DbErr> {
    conn.execute(
        Query::update()
            .table(Lease::Table)
            .value(Lease::ExpiresAt, 0i64)
            .and_where(Expr::col(Lease::Name).eq(name))
            .and_where(Expr::col(Lease::Holder).eq(holder)),
    )
    .await?;
    Ok(())
}

/// Runs `work` only if `holder` gets lease `name`, renewing it every third
/// of `ttl` while `work` runs. Returns `None` without running it when
/// another server holds the lease, and drops `work` (at its next await)
/// when a renewal fails: the jobs run this way are idempotent, each step
/// in its own transaction, so the next holder simply carries on.
pub async fn run_held<T>(
    db: &DatabaseConnection,
    name: &str,
    holder: &str,
    ttl: Duration,
    work: impl Future<Output = T>,
) -> Option<T> {
    match acquire(db, name, holder, ttl, Utc::now()).await {
        Ok(true) => {}
        Ok(false) => return None,
        Err(e) => {
            tracing::warn!(lease = name, "cannot take the lease: {e}");
            return None;
        }
    }
    let mut work = std::pin::pin!(work);
    let mut renew = tokio::time::interval(ttl / 3);
    renew.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    renew.tick().await; // the first tick is immediate: just acquired
    loop {
        tokio::select! {
            out = &mut work => return Some(out),
            _ = renew.tick() => match acquire(db, name, holder, ttl, Utc::now()).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(lease = name, "lease lost to another server; stopping this run");
                    return None;
                }
                Err(e) => {
                    tracing::warn!(lease = name, "cannot renew the lease ({e}); stopping this run");
                    return None;
                }
            },
        }
    }
}
