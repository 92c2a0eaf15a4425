//! The fund's books in the database: posting one operation as one journal
//! entry (checked by `domain::fund::Books`), and reading balances back as
//! sums of lines.
//!
//! Postings are serialised: on PostgreSQL by a transaction-scoped advisory
//! lock taken before any balance is read; on SQLite by the entry insert,
//! which is the transaction's first ledger write and takes the database's
//! write lock before the balances are read.

use chrono::{DateTime, Utc};
use domain::AppError;
use domain::fund::{Account, AccountKind, Books, LedgerError, Operation};
use entities::{ledger_entry, ledger_line};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr,
    EntityTrait, QueryFilter, QuerySelect, Statement,
};

use crate::db::internal_error;

/// Any number in this lock's space would do; it only has to be the same
/// for every posting.
const LEDGER_LOCK: i64 = 0x6764_6c65_6467; // "gdledg"

/// Who posts and why, besides the operation itself.
pub struct Posting<'a> {
    pub op: Operation,
    /// The same key twice makes one entry.
    pub key: &'a str,
    pub memo: Option<&'a str>,
    pub by: Option<i32>,
    pub at: DateTime<Utc>,
}

/// The outcome of `post`.
pub enum Posted {
    New(ledger_entry::Model),
    /// The key was used before for the same request: that entry.
    Replay(ledger_entry::Model),
}

impl Posted {
    pub fn entry(&self) -> &ledger_entry::Model {
        match self {
            Posted::New(e) | Posted::Replay(e) => e,
        }
    }
}

/// What the request was: kind, accounts and amount. A key reused with a
/// different fingerprint is a conflict, not a replay.
pub fn fingerprint(op: &Operation) -> String {
    format!(
        "{}|m{}|c{}|{}",
        op.kind().as_str(),
        op.merchant_id().map(|m| m.to_string()).unwrap_or_default(),
        op.case_id().map(|c| c.to_string()).unwrap_or_default(),
        op.amount().0
    )
}

/// The lock every posting takes first (a no-op on SQLite).
pub async fn lock<C: ConnectionTrait>(conn: &C) -> Result<(), AppError> {
    if conn.get_database_backend() == DbBackend::Postgres {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [LEDGER_LOCK.into()],
        ))
        .await
        .map_err(internal_error)?;
    }
    Ok(())
}

/// Posts `p` inside the caller's transaction. A replayed key returns the
/// earlier entry; a key reused for another request, a second payout for
/// one case, or an operation the balances do not allow is refused.
/// On an error the caller must roll back (PostgreSQL has aborted the
/// transaction after a failed insert anyway).
pub async fn post<C: ConnectionTrait>(conn: &C, p: &Posting<'_>) -> Result<Posted, AppError> {
    // The public ledger and merchants' fund figures change. Logged before
    // the ledger lock: the change log's own lock is always taken first.
    crate::changes::record(conn, crate::changes::Change::Ledger, p.at).await?;
    lock(conn).await?;
    if let Some(e) = find_by_key(conn, p.key).await? {
        return replay(e, &p.op);
    }
    let fp = fingerprint(&p.op);
    let entry = ledger_entry::ActiveModel {
        kind: Set(p.op.kind().as_str().into()),
        idempotency_key: Set(p.key.into()),
        fingerprint: Set(fp),
        case_id: Set(p.op.case_id()),
        merchant_id: Set(p.op.merchant_id()),
        amount_fen: Set(p.op.amount().0),
        memo: Set(p.memo.map(str::to_string)),
        created_by: Set(p.by),
        created_at: Set(p.at),
        ..Default::default()
    }
    .insert(conn)
    .await
    .map_err(|e| insert_error(&e))?;
    let mut books = load(conn, &p.op).await?;
    let lines = books.post(&p.op).map_err(ledger_error)?;
    for l in lines {
        ledger_line::ActiveModel {
            entry_id: Set(entry.id),
            account: Set(l.account.kind.as_str().into()),
            merchant_id: Set(l.account.merchant_id.or(p.op.merchant_id())),
            case_id: Set(l.account.case_id.or(p.op.case_id())),
            amount_fen: Set(l.amount),
            ..Default::default()
        }
        .insert(conn)
        .await
        .map_err(internal_error)?;
    }
    Ok(Posted::New(entry))
}

/// After a failed `post` and its rollback: was it a replay after all (two
/// identical requests racing)? Reads outside the failed transaction.
pub async fn replay_after_race<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    op: &Operation,
) -> Result<Option<Posted>, AppError> {
    match find_by_key(conn, key).await? {
        Some(e) => replay(e, op).map(Some),
        None => Ok(None),
    }
}

async fn find_by_key<C: ConnectionTrait>(
    conn: &C,
    key: &str,
) -> Result<Option<ledger_entry::Model>, AppError> {
    ledger_entry::Entity::find()
        .filter(ledger_entry::Column::IdempotencyKey.eq(key))
        .one(conn)
        .await
        .map_err(internal_error)
}

fn replay(e: ledger_entry::Model, op: &Operation) -> Result<Posted, AppError> {
    if e.fingerprint == fingerprint(op) {
        Ok(Posted::Replay(e))
    } else {
        Err(AppError::conflict("idempotency_key", "err.fund.key_reused"))
    }
}

fn insert_error(e: &DbErr) -> AppError {
    let s = e.to_string().to_lowercase();
    if s.contains("idx_ledger_one_payout_per_case")
        || (s.contains("unique") && s.contains("ledger_entries.case_id"))
    {
        AppError::conflict("case", "err.fund.already_paid")
    } else if crate::db::is_unique_violation(e) {
        AppError::conflict("idempotency_key", "err.fund.key_reused")
    } else if crate::db::is_write_locked(e) {
        AppError::conflict("case", "err.case_changed")
    } else {
        internal_error(e.clone())
    }
}

pub(crate) fn ledger_error(e: LedgerError) -> AppError {
    AppError::invalid("amount_fen", e.key())
}

/// The balances `op` is checked against: the accounts it touches and the
/// fund-wide totals behind "available".
async fn load<C: ConnectionTrait>(conn: &C, op: &Operation) -> Result<Books, AppError> {
    let mut books = Books::default();
    for l in op.lines() {
        let b = balance(conn, &l.account).await?;
        books.balances.insert(l.account, b);
    }
    for a in [Account::FUND_POOL, Account::WRITE_OFF] {
        let b = balance(conn, &a).await?;
        books.balances.insert(a, b);
    }
    books.receivable_total = sum(conn, AccountKind::Receivable, None, None).await?;
    Ok(books)
}

/// An account's debit-positive balance.
pub async fn balance<C: ConnectionTrait>(conn: &C, a: &Account) -> Result<i64, AppError> {
    // Per-merchant and per-case accounts are found by their key columns;
    // global accounts by kind alone (their lines may name a case for reports).
    let (m, c) = match a.kind {
        AccountKind::Deposit => (a.merchant_id, None),
        AccountKind::Payable | AccountKind::Receivable => (None, a.case_id),
        _ => (None, None),
    };
    sum(conn, a.kind, m, c).await
}

/// Sum of the lines of `kind`, optionally of one merchant and/or case.
pub async fn sum<C: ConnectionTrait>(
    conn: &C,
    kind: AccountKind,
    merchant_id: Option<i32>,
    case_id: Option<i32>,
) -> Result<i64, AppError> {
    let mut q = ledger_line::Entity::find()
        .select_only()
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT)"),
            "total",
        )
        .filter(ledger_line::Column::Account.eq(kind.as_str()));
    if let Some(m) = merchant_id {
        q = q.filter(ledger_line::Column::MerchantId.eq(m));
    }
    if let Some(c) = case_id {
        q = q.filter(ledger_line::Column::CaseId.eq(c));
    }
    let total: Option<i64> = q.into_tuple().one(conn).await.map_err(internal_error)?;
    Ok(total.unwrap_or(0))
}
