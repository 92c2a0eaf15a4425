//! What the fund publishes: every payout and recovery (consumers masked),
//! the totals, each merchant's figures; and a merchant's own account.

use std::collections::HashMap;

use domain::cases::mask_name;
use domain::fund::{
    AccountEntry, AccountKind, EntryKind, FundSummary, LedgerPage, LedgerRow, MerchantAccount,
};
use domain::{AppError, Role, UserView};
use entities::{case, ledger_entry, ledger_line, merchant};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::books;
use crate::Services;
use crate::db::internal_error;

/// The kinds the public ledger lists.
pub const PUBLIC_KINDS: [EntryKind; 6] = [
    EntryKind::Payout,
    EntryKind::Recovery,
    EntryKind::Repayment,
    EntryKind::WriteOff,
    EntryKind::RecoveryReversal,
    EntryKind::RepaymentRefund,
];

pub(super) fn public_kinds() -> Vec<&'static str> {
    PUBLIC_KINDS.iter().map(|k| k.as_str()).collect()
}

/// Sum of entry amounts by kind (optionally one merchant's).
async fn entry_sums<C: ConnectionTrait>(
    conn: &C,
    merchant_id: Option<i32>,
) -> Result<HashMap<String, (i64, i64)>, AppError> {
    let mut q = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::Kind)
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT)"),
            "total",
        )
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .group_by(ledger_entry::Column::Kind);
    if let Some(m) = merchant_id {
        q = q.filter(ledger_entry::Column::MerchantId.eq(m));
    }
    let rows: Vec<(String, Option<i64>, Option<i64>)> =
        q.into_tuple().all(conn).await.map_err(internal_error)?;
    Ok(rows
        .into_iter()
        .map(|(k, s, n)| (k, (s.unwrap_or(0), n.unwrap_or(0))))
        .collect())
}

/// The fund's totals, or one merchant's.
pub async fn summary<C: ConnectionTrait>(
    conn: &C,
    merchant_id: Option<i32>,
) -> Result<FundSummary, AppError> {
    let sums = entry_sums(conn, merchant_id).await?;
    let s = |k: EntryKind| sums.get(k.as_str()).map(|v| v.0).unwrap_or(0);
    let paid = s(EntryKind::Payout);
    let recovered = s(EntryKind::Recovery) - s(EntryKind::RecoveryReversal)
        + s(EntryKind::Repayment)
        - s(EntryKind::RepaymentRefund);
    let outstanding = books::sum(conn, AccountKind::Receivable, merchant_id, None).await?;
    let (available, deposits) = if merchant_id.is_none() {
        let pool = -books::sum(conn, AccountKind::FundPool, None, None).await?;
        let written = books::sum(conn, AccountKind::WriteOff, None, None).await?;
        let deposits = -books::sum(conn, AccountKind::Deposit, None, None).await?;
        (Some(pool - outstanding - written), Some(deposits))
    } else {
        (None, None)
    };
    Ok(FundSummary {
        paid_fen: paid,
        payouts: sums
            .get(EntryKind::Payout.as_str())
            .map(|v| v.1 as u64)
            .unwrap_or(0),
        recovered_fen: recovered,
        written_off_fen: s(EntryKind::WriteOff),
        outstanding_fen: outstanding,
        recovery_rate_bp: (paid > 0).then(|| recovered * 10_000 / paid),
        available_fen: available,
        deposits_fen: deposits,
    })
}

/// One page of the public ledger, newest first.
pub async fn ledger(
    svc: &Services,
    merchant_id: Option<i32>,
    page: u64,
    per_page: u64,
) -> Result<LedgerPage, AppError> {
    // Far past the end is simply empty (and never overflows).
    let page = page.clamp(1, 1_000_000);
    let per_page = per_page.clamp(1, domain::search::MAX_PER_PAGE);
    let mut q =
        ledger_entry::Entity::find().filter(ledger_entry::Column::Kind.is_in(public_kinds()));
    if let Some(m) = merchant_id {
        q = q.filter(ledger_entry::Column::MerchantId.eq(m));
    }
    let total = q.clone().count(&svc.db).await.map_err(internal_error)?;
    let entries = q
        .order_by_desc(ledger_entry::Column::CreatedAt)
        .order_by_desc(ledger_entry::Column::Id)
        .offset((page - 1) * per_page)
        .limit(per_page)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let case_ids: Vec<i32> = entries.iter().filter_map(|e| e.case_id).collect();
    let cases: HashMap<i32, case::Model> = case::Entity::find()
        .filter(case::Column::Id.is_in(case_ids.clone()))
        .all(&svc.db)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let merchants: HashMap<i32, String> = merchant::Entity::find()
        .filter(merchant::Column::Id.is_in(cases.values().map(|c| c.merchant_id)))
        .all(&svc.db)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let consumers: HashMap<i32, String> =
        crate::record::user_names(&svc.db, cases.values().map(|c| c.consumer_id)).await?;
    let status: HashMap<i32, &'static str> = super::case_figures_many(&svc.db, &case_ids)
        .await?
        .into_iter()
        .map(|(id, f)| (id, f.status()))
        .collect();
    let rows = entries
        .into_iter()
        .filter_map(|e| {
            let c = cases.get(&e.case_id?)?;
            Some(LedgerRow {
                entry_id: e.id,
                at: e.created_at,
                status: if e.kind == EntryKind::Payout.as_str() {
                    status.get(&c.id).copied().unwrap_or("outstanding").into()
                } else {
                    String::new()
                },
                kind: e.kind,
                merchant_id: c.merchant_id,
                merchant_name: merchants.get(&c.merchant_id).cloned().unwrap_or_default(),
                case_number: c.number.clone(),
                consumer: mask_name(consumers.get(&c.consumer_id).map_or("", |s| s)),
                amount_fen: e.amount_fen,
            })
        })
        .collect();
    Ok(LedgerPage {
        rows,
        total,
        page,
        per_page,
        appeals: super::appeals::appeals(&svc.db, merchant_id).await?,
        refusals: super::appeals::refusals(&svc.db, merchant_id, svc.clock.now()).await?,
    })
}

/// A merchant's account with the fund: its own account holder and fund
/// staff, regulators and admins may read it; anyone else is refused.
pub async fn merchant_account(
    svc: &Services,
    viewer: &UserView,
    merchant_id: i32,
) -> Result<MerchantAccount, AppError> {
    let m = merchant::Entity::find_by_id(merchant_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let own = viewer.role == Role::Merchant && m.account_id == Some(viewer.id);
    let staff = matches!(viewer.role, Role::FundAdmin | Role::Regulator | Role::Admin);
    if !own && !staff {
        return Err(AppError::Forbidden);
    }
    let deposit = -books::sum(&svc.db, AccountKind::Deposit, Some(merchant_id), None).await?;
    let owed = books::sum(&svc.db, AccountKind::Receivable, Some(merchant_id), None).await?;
    let entries = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::MerchantId.eq(merchant_id))
        .filter(ledger_entry::Column::Kind.ne(EntryKind::Disbursement.as_str()))
        .order_by_desc(ledger_entry::Column::CreatedAt)
        .order_by_desc(ledger_entry::Column::Id)
        .limit(200)
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let ids: Vec<i32> = entries.iter().map(|e| e.id).collect();
    let lines = ledger_line::Entity::find()
        .filter(ledger_line::Column::EntryId.is_in(ids))
        .all(&svc.db)
        .await
        .map_err(internal_error)?;
    let numbers: HashMap<i32, String> = case::Entity::find()
        .filter(case::Column::Id.is_in(entries.iter().filter_map(|e| e.case_id)))
        .all(&svc.db)
        .await
        .map_err(internal_error)?
        .into_iter()
        .map(|c| (c.id, c.number))
        .collect();
    let change = |entry: i32, kind: AccountKind| -> i64 {
        lines
            .iter()
            .filter(|l| l.entry_id == entry && l.account == kind.as_str())
            .map(|l| l.amount_fen * kind.normal_sign())
            .sum()
    };
    Ok(MerchantAccount {
        merchant_id,
        merchant_name: m.name,
        deposit_fen: deposit,
        owed_fen: owed,
        summary: summary(&svc.db, Some(merchant_id)).await?,
        entries: entries
            .iter()
            .map(|e| AccountEntry {
                entry_id: e.id,
                at: e.created_at,
                kind: e.kind.clone(),
                case_number: e.case_id.and_then(|c| numbers.get(&c).cloned()),
                amount_fen: e.amount_fen,
                deposit_change_fen: change(e.id, AccountKind::Deposit),
                owed_change_fen: change(e.id, AccountKind::Receivable),
                memo: e.memo.clone(),
            })
            .collect(),
    })
}
