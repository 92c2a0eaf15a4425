//! The fund administrator's movements: fund top-up, merchant deposit in and
//! out, a merchant's repayment of what it owes on a case, and write-off.
//! Each takes an idempotency key; the same request twice makes one entry.

use domain::cases::FcState;
use domain::fund::{AccountKind, EntryReceipt, MovementInput, Operation, Reason};
use domain::{AppError, Fen, Role, UserView};
use entities::{case, merchant};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde::{Deserialize, Serialize};

use super::books::{self, Posted, Posting};
use crate::Services;
use crate::db::internal_error;
use crate::record::FC_CONTESTED;

fn fund_admin(user: &UserView) -> Result<(), AppError> {
    if user.role == Role::FundAdmin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The movement checked, as the books take it: amount, key, memo.
fn checked(mv: &MovementInput, reason: Reason) -> Result<(Fen, String, Option<String>), AppError> {
    let m = mv.check(reason)?;
    Ok((m.amount_fen, m.idempotency_key, m.reason))
}

/// Money paid into the fund.
pub async fn fund_top_up(
    svc: &Services,
    user: &UserView,
    mv: &MovementInput,
) -> Result<EntryReceipt, AppError> {
    fund_admin(user)?;
    let (amount, key, memo) = checked(mv, Reason::Optional)?;
    run(svc, user, Operation::FundTopUp { amount }, &key, memo, None).await
}

/// Which way a deposit movement goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

/// A merchant's deposit received (`In`) or paid back to it (`Out`). Paying
/// back waits while the merchant owes the fund or a first-compensation
/// application against it is undecided.
pub async fn deposit(
    svc: &Services,
    user: &UserView,
    merchant_id: i32,
    direction: Direction,
    mv: &MovementInput,
) -> Result<EntryReceipt, AppError> {
    fund_admin(user)?;
    let (amount, key, memo) = checked(mv, Reason::Optional)?;
    merchant::Entity::find_by_id(merchant_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    let op = match direction {
        Direction::In => Operation::DepositTopUp {
            merchant_id,
            amount,
        },
        Direction::Out => {
            let owed =
                books::sum(&svc.db, AccountKind::Receivable, Some(merchant_id), None).await?;
            let pending = case::Entity::find()
                .filter(case::Column::MerchantId.eq(merchant_id))
                .filter(
                    case::Column::FirstCompensation
                        .is_in([FcState::Applied.as_str(), FC_CONTESTED]),
                )
                .count(&svc.db)
                .await
                .map_err(internal_error)?;
            if owed > 0 || pending > 0 {
                return Err(AppError::conflict(
                    "amount_fen",
                    "err.fund.withdrawal_blocked",
                ));
            }
            Operation::DepositWithdrawal {
                merchant_id,
                amount,
            }
        }
    };
    run(svc, user, op, &key, memo, None).await
}

/// What a fund administrator records against a case's recoverable amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseMovement {
    /// The merchant paid back from outside its deposit.
    Repayment,
    /// Given up, with a reason.
    WriteOff,
}

pub async fn case_movement(
    svc: &Services,
    user: &UserView,
    case_id: i32,
    kind: CaseMovement,
    mv: &MovementInput,
) -> Result<EntryReceipt, AppError> {
    fund_admin(user)?;
    let (amount, key, memo) = checked(
        mv,
        match kind {
            CaseMovement::Repayment => Reason::Optional,
            CaseMovement::WriteOff => Reason::Required,
        },
    )?;
    let c = case::Entity::find_by_id(case_id)
        .one(&svc.db)
        .await
        .map_err(internal_error)?
        .ok_or(AppError::NotFound)?;
    match c.first_compensation.as_deref() {
        Some(s) if s == FcState::Approved.as_str() => {}
        Some(FC_CONTESTED) => return Err(AppError::conflict("case", "err.fund.contest_pending")),
        _ => return Err(AppError::conflict("case", "err.fund.nothing_owed")),
    }
    let merchant_id = c.merchant_id;
    let op = match kind {
        CaseMovement::Repayment => Operation::Repayment {
            case_id,
            merchant_id,
            amount,
        },
        CaseMovement::WriteOff => Operation::WriteOff {
            case_id,
            merchant_id,
            amount,
        },
    };
    run(svc, user, op, &key, memo, Some(case_id)).await
}

/// Posts `op` in its own transaction; with `trail_case`, the case's trail
/// records it in the same transaction.
async fn run(
    svc: &Services,
    user: &UserView,
    op: Operation,
    key: &str,
    memo: Option<String>,
    trail_case: Option<i32>,
) -> Result<EntryReceipt, AppError> {
    // Each caller's keys live in their own space, apart from the system's `case:…` keys.
    let key = format!("api:{}:{key}", user.id);
    let now = svc.clock.now();
    let posting = Posting {
        op,
        key: &key,
        memo: memo.as_deref(),
        by: Some(user.id),
        at: now,
    };
    // Writers take turns (`db::begin`), so the loser of two identical
    // requests sent at once finds the winner's entry and replays it.
    let txn = crate::db::begin(&svc.db).await.map_err(internal_error)?;
    let posted = match books::post(&txn, &posting).await {
        Ok(p) => p,
        Err(e) => {
            drop(txn);
            if let Some(p) = books::replay_after_race(&svc.db, &key, &op).await? {
                return Ok(receipt(&p));
            }
            return Err(e);
        }
    };
    if let Posted::New(entry) = &posted
        && let Some(case_id) = trail_case
    {
        crate::record::trail::append(
            &txn,
            case_id,
            now,
            Some(user.id),
            user.role.as_str(),
            &format!("fund_{}", op.kind().as_str()),
            &serde_json::json!({
                "entry": entry.id,
                "amount_fen": op.amount().0,
                "reason": memo,
            }),
        )
        .await?;
    }
    txn.commit().await.map_err(internal_error)?;
    Ok(receipt(&posted))
}

fn receipt(p: &Posted) -> EntryReceipt {
    let e = p.entry();
    EntryReceipt {
        entry_id: e.id,
        kind: e.kind.clone(),
        amount_fen: e.amount_fen,
        created_at: e.created_at,
        replayed: matches!(p, Posted::Replay(_)),
    }
}
