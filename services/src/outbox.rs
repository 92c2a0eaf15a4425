//! The transactional outbox: work recorded in the same transaction as the
//! change that causes it, done afterwards by a worker, deleted only once done.
//! A crash between commit and delivery therefore loses nothing; a crash during
//! delivery means the work is retried (at-least-once).

use chrono::{DateTime, Duration, Utc};
use entities::outbox;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::Expr,
};
use serde::Serialize;

/// How long a claimed row is hidden from other workers while being worked on.
pub const LEASE: Duration = Duration::seconds(60);

/// Records work for `topic`. Call it with the transaction of the change.
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    topic: &str,
    payload: &impl Serialize,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let payload = serde_json::to_string(payload)
        .map_err(|e| DbErr::Custom(format!("outbox payload: {e}")))?;
    outbox::ActiveModel {
        topic: Set(topic.into()),
        payload: Set(payload),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Records work for `topic` that is due only at `due` (a recomputation when
/// a record's display period ends, say).
pub async fn enqueue_at<C: ConnectionTrait>(
    conn: &C,
    topic: &str,
    payload: &impl Serialize,
    now: DateTime<Utc>,
    due: DateTime<Utc>,
) -> Result<(), DbErr> {
    let payload = serde_json::to_string(payload)
        .map_err(|e| DbErr::Custom(format!("outbox payload: {e}")))?;
    outbox::ActiveModel {
        topic: Set(topic.into()),
        payload: Set(payload),
        attempts: Set(0),
        next_attempt_at: Set(due),
        last_error: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Records many pieces of work for `topic` at once (one insert).
pub async fn enqueue_many<C: ConnectionTrait, P: Serialize>(
    conn: &C,
    topic: &str,
    payloads: &[P],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if payloads.is_empty() {
        return Ok(());
    }
    let mut rows = Vec::with_capacity(payloads.len());
    for p in payloads {
        let payload =
            serde_json::to_string(p).map_err(|e| DbErr::Custom(format!("outbox payload: {e}")))?;
        rows.push(outbox::ActiveModel {
            topic: Set(topic.into()),
            payload: Set(payload),
            attempts: Set(0),
            next_attempt_at: Set(now),
            last_error: Set(None),
            created_at: Set(now),
            ..Default::default()
        });
    }
    outbox::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Takes up to `limit` due rows of `topic`. Each row is leased with a guarded
/// update, so two workers (or two servers) never work on the same row at once.
pub async fn claim_due<C: ConnectionTrait>(
    conn: &C,
    topic: &str,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<outbox::Model>, DbErr> {
    let due = outbox::Entity::find()
        .filter(outbox::Column::Topic.eq(topic))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .order_by_asc(outbox::Column::Id)
        .limit(limit)
        .all(conn)
        .await?;
    let mut claimed = Vec::with_capacity(due.len());
    for row in due {
        let res = outbox::Entity::update_many()
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(now + LEASE))
            .filter(outbox::Column::Id.eq(row.id))
            .filter(outbox::Column::NextAttemptAt.eq(row.next_attempt_at))
            .exec(conn)
            .await?;
        if res.rows_affected == 1 {
            claimed.push(row);
        }
    }
    Ok(claimed)
}

/// The work succeeded: the row goes.
pub async fn complete<C: ConnectionTrait>(conn: &C, id: i32) -> Result<(), DbErr> {
    outbox::Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// The work failed: try again later, waiting longer each time, at most
/// `max_wait` (`Jobs::retry_max`).
pub async fn fail<C: ConnectionTrait>(
    conn: &C,
    row: &outbox::Model,
    error: &str,
    now: DateTime<Utc>,
    max_wait: std::time::Duration,
) -> Result<(), DbErr> {
    let attempts = row.attempts + 1;
    let cap = Duration::from_std(max_wait).unwrap_or(Duration::seconds(600));
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Attempts, Expr::value(attempts))
        .col_expr(
            outbox::Column::NextAttemptAt,
            Expr::value(now + backoff(attempts).min(cap)),
        )
        .col_expr(
            outbox::Column::LastError,
            Expr::value(error.chars().take(2000).collect::<String>()),
        )
        .filter(outbox::Column::Id.eq(row.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// 1 s, 2 s, 4 s … capped at 10 minutes.
pub fn backoff(attempts: i32) -> Duration {
    let secs = 1i64 << attempts.clamp(0, 10);
    Duration::seconds(secs.min(600))
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use chrono::Duration;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), Duration::seconds(2));
        assert_eq!(backoff(3), Duration::seconds(8));
        assert_eq!(backoff(30), Duration::seconds(600));
    }
}
