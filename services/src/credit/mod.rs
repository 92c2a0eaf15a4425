//! Merchant credit: commitments, the credit file (records), and the
//! published score and grade. The formula is pure (`domain::credit`); this
//! module gathers its inputs from the database and stores the result.
//!
//! Recomputation goes through the outbox (topic `credit`): whatever changes
//! an input enqueues the merchant in its own transaction, and the worker
//! recomputes afterwards — never inline in the request.

pub mod commitments;
pub mod due_process;
pub mod export;
pub mod lists;
pub mod ratings;
pub mod records;
pub mod risk;
pub mod score;
pub mod stats;

use chrono::{DateTime, Utc};
use domain::AppError;
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};

use crate::db::internal_error;

/// The outbox topic of credit recomputation.
pub const TOPIC: &str = "credit";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recompute {
    pub merchant_id: i32,
}

/// Asks for a recomputation at `due` — when a record's display period ends,
/// the score must change although nothing else happens.
pub async fn recompute_at<C: ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
    now: DateTime<Utc>,
    due: DateTime<Utc>,
) -> Result<(), AppError> {
    crate::outbox::enqueue_at(conn, TOPIC, &Recompute { merchant_id }, now, due)
        .await
        .map_err(internal_error)
}

/// Asks for `merchant_id`'s score to be recomputed once this transaction
/// commits. What made it due (a rating, a record, a filing) is public on
/// the merchant's page already, so the change is logged now as well; the
/// recomputed grade logs another.
pub async fn recompute_later<C: ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    crate::outbox::enqueue(conn, TOPIC, &Recompute { merchant_id }, now)
        .await
        .map_err(internal_error)?;
    crate::changes::merchant_changed(conn, merchant_id, now).await
}
