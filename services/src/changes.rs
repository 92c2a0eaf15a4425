//! Change events for what follows the database on every server: the search
//! index, the public page cache, cached settings. Whatever changes a
//! merchant, a public complaint record, the lists, the ledger or the
//! calendar records a `Change` in the append-only `change_log`, in its own
//! transaction; each follower reads the log after its own cursor (`after`)
//! and never deletes from it. Kept below every feature module, so that
//! credit, cases and merchants announce changes without importing search.

use chrono::{DateTime, Utc};
use domain::AppError;
use entities::change_log;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement,
};

use crate::db::internal_error;

/// Asks for `merchant_id`'s search document (and its public complaint
/// records) to be refreshed on every server once this transaction commits.
pub async fn merchant_changed<C: ConnectionTrait>(
    conn: &C,
    merchant_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    record(conn, Change::Merchant(merchant_id), now).await
}

/// Asks for case `case_id`'s public complaint record to be refreshed (added,
/// changed or removed) on every server once this transaction commits.
pub async fn case_changed<C: ConnectionTrait>(
    conn: &C,
    case_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    record(conn, Change::Case(case_id), now).await
}

/// One entry of the change log: what changed, not how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// A merchant's public facts (profile, grade, lists, ratings, records).
    Merchant(i32),
    /// A case, and so perhaps its public complaint record.
    Case(i32),
    /// The red or black list as a whole.
    Lists,
    /// The fund's public ledger.
    Ledger,
    /// The working-day calendar (an admin edited it).
    Calendar,
}

impl Change {
    fn kind(self) -> (&'static str, Option<i32>) {
        match self {
            Change::Merchant(id) => ("merchant", Some(id)),
            Change::Case(id) => ("case", Some(id)),
            Change::Lists => ("lists", None),
            Change::Ledger => ("ledger", None),
            Change::Calendar => ("calendar", None),
        }
    }

    fn from_row(kind: &str, key: Option<i32>) -> Option<Change> {
        Some(match (kind, key) {
            ("merchant", Some(id)) => Change::Merchant(id),
            ("case", Some(id)) => Change::Case(id),
            ("lists", _) => Change::Lists,
            ("ledger", _) => Change::Ledger,
            ("calendar", _) => Change::Calendar,
            _ => return None,
        })
    }
}

/// The lock that orders change-log ids by commit on PostgreSQL: taken right
/// before the insert and held until the transaction ends, so no id becomes
/// visible after a larger one (a follower's cursor would skip it). SQLite
/// has one writer at a time already.
const ORDER_LOCK: i64 = 0x0067_646c_6f67; // "gdlog"

async fn take_order_lock<C: ConnectionTrait>(conn: &C) -> Result<(), DbErr> {
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [ORDER_LOCK.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Records `change` in the caller's transaction.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    change: Change,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    record_many(conn, &[change], now).await
}

/// Records several changes at once (one insert), in the caller's transaction.
pub async fn record_many<C: ConnectionTrait>(
    conn: &C,
    changes: &[Change],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if changes.is_empty() {
        return Ok(());
    }
    take_order_lock(conn).await.map_err(internal_error)?;
    for chunk in changes.chunks(1000) {
        let rows = chunk.iter().map(|c| {
            let (kind, key) = c.kind();
            change_log::ActiveModel {
                kind: Set(kind.into()),
                key: Set(key),
                created_at: Set(now),
                ..Default::default()
            }
        });
        change_log::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await
            .map_err(internal_error)?;
    }
    Ok(())
}

/// Up to `limit` committed changes after `cursor`, oldest first, with their ids.
pub async fn after<C: ConnectionTrait>(
    conn: &C,
    cursor: i32,
    limit: u64,
) -> Result<Vec<(i32, Change)>, DbErr> {
    let rows = change_log::Entity::find()
        .filter(change_log::Column::Id.gt(cursor))
        .order_by_asc(change_log::Column::Id)
        .limit(limit)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Change::from_row(&r.kind, r.key).map(|c| (r.id, c)))
        .collect())
}

/// The newest change's id (0 when the log is empty): a new follower that
/// has read everything up to now starts here.
pub async fn head<C: ConnectionTrait>(conn: &C) -> Result<i32, DbErr> {
    let max: Option<Option<i32>> = change_log::Entity::find()
        .select_only()
        .column_as(change_log::Column::Id.max(), "m")
        .into_tuple()
        .one(conn)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// The oldest change still in the log (`None` when it is empty): a
/// follower whose cursor is below it minus one may have missed pruned rows.
pub async fn oldest<C: ConnectionTrait>(conn: &C) -> Result<Option<i32>, DbErr> {
    let min: Option<Option<i32>> = change_log::Entity::find()
        .select_only()
        .column_as(change_log::Column::Id.min(), "m")
        .into_tuple()
        .one(conn)
        .await?;
    Ok(min.flatten())
}

/// Deletes the changes recorded before `older_than`, but never the newest
/// one: so `head` never goes back (a rebuild's cursor stays valid) and
/// SQLite never hands out an id again. Returns how many went.
pub async fn prune<C: ConnectionTrait>(conn: &C, older_than: DateTime<Utc>) -> Result<u64, DbErr> {
    let newest = head(conn).await?;
    let done = change_log::Entity::delete_many()
        .filter(change_log::Column::CreatedAt.lt(older_than))
        .filter(change_log::Column::Id.lt(newest))
        .exec(conn)
        .await?;
    Ok(done.rows_affected)
}
