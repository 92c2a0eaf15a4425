//! Change events for the projections that follow the database: the search
//! index (outbox topic `search`). Whatever changes a merchant or a public
//! complaint record writes its event here, in its own transaction; the
//! search indexer reads them. Kept below every feature module, so that
//! credit, cases and merchants announce changes without importing search.

use chrono::{DateTime, Utc};
use domain::AppError;
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};

use crate::db::internal_error;

/// The outbox topic of index updates.
pub const SEARCH_TOPIC: &str = "search";

/// What an outbox row of topic `search` asks for: one merchant's or one
/// case's document refreshed from the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Reindex {
    Merchant { merchant_id: i32 },
    Case { case_id: i32 },
}

/// Asks for `merchant_id`'s document to be refreshed once this transaction commits.
pub async fn merchant_changed<C: ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    crate::outbox::enqueue(conn, SEARCH_TOPIC, &Reindex::Merchant { merchant_id }, now)
        .await
        .map_err(internal_error)
}

/// Asks for case `case_id`'s public complaint record to be refreshed (added,
/// changed or removed) once this transaction commits.
pub async fn case_changed<C: ConnectionTrait>(
    conn: &C,
    case_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    crate::outbox::enqueue(conn, SEARCH_TOPIC, &Reindex::Case { case_id }, now)
        .await
        .map_err(internal_error)
}
