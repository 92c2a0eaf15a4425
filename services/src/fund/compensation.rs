//! First compensation's money: what the ledger does when a case's
//! application is approved or a contest of its recovery is upheld. Called
//! by `cases::act` inside the action's transaction, after the rules
//! allowed the step, so the case and the books change together or not at all.

use chrono::{DateTime, Utc};
use domain::AppError;
use domain::cases::{ContestState, Event};
use domain::fund::{Account, AccountKind, EntryKind, Operation};
use entities::{case, ledger_entry, ledger_line};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use super::books::{self, Posting};
use crate::db::internal_error;

/// What the trail records of the money moved by one case step.
#[derive(Debug, Default, Serialize)]
pub struct Moved {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paid_fen: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovered_fen: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returned_to_deposit_fen: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refunded_fen: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written_off_fen: Option<i64>,
    /// Still recoverable from the merchant afterwards.
    pub outstanding_fen: i64,
    pub entries: Vec<i32>,
}

/// A case's money so far, from its journal entries.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CaseFigures {
    pub paid: i64,
    /// Recovered from the deposit, net of reversals.
    pub recovered: i64,
    /// Repaid by the merchant, net of refunds.
    pub repaid: i64,
    pub written_off: i64,
    /// The receivable's balance.
    pub outstanding: i64,
}

impl CaseFigures {
    /// `recovered`, `partly_recovered`, `outstanding` or `written_off`.
    pub fn status(&self) -> &'static str {
        if self.outstanding == 0 && self.written_off > 0 && self.recovered + self.repaid == 0 {
            "written_off"
        } else if self.outstanding == 0 {
            "recovered"
        } else if self.recovered + self.repaid > 0 {
            "partly_recovered"
        } else {
            "outstanding"
        }
    }
}

pub async fn case_figures<C: ConnectionTrait>(
    conn: &C,
    case_id: i32,
) -> Result<CaseFigures, AppError> {
    Ok(case_figures_many(conn, &[case_id])
        .await?
        .remove(&case_id)
        .unwrap_or_default())
}

/// `case_figures` of many cases in two queries (the public ledger's page).
pub async fn case_figures_many<C: ConnectionTrait>(
    conn: &C,
    case_ids: &[i32],
) -> Result<std::collections::HashMap<i32, CaseFigures>, AppError> {
    let mut out: std::collections::HashMap<i32, CaseFigures> = case_ids
        .iter()
        .map(|id| (*id, CaseFigures::default()))
        .collect();
    if case_ids.is_empty() {
        return Ok(out);
    }
    let total = || Expr::cust("CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT)");
    let sums: Vec<(Option<i32>, String, Option<i64>)> = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::CaseId)
        .column(ledger_entry::Column::Kind)
        .column_as(total(), "total")
        .filter(ledger_entry::Column::CaseId.is_in(case_ids.iter().copied()))
        .group_by(ledger_entry::Column::CaseId)
        .group_by(ledger_entry::Column::Kind)
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal_error)?;
    for (case_id, kind, amount) in sums {
        let (Some(f), Some(kind)) = (
            case_id.and_then(|c| out.get_mut(&c)),
            EntryKind::parse(&kind),
        ) else {
            continue;
        };
        let a = amount.unwrap_or(0);
        match kind {
            EntryKind::Payout => f.paid += a,
            EntryKind::Recovery => f.recovered += a,
            EntryKind::RecoveryReversal => f.recovered -= a,
            EntryKind::Repayment => f.repaid += a,
            EntryKind::RepaymentRefund => f.repaid -= a,
            EntryKind::WriteOff => f.written_off += a,
            _ => {}
        }
    }
    let owed: Vec<(Option<i32>, Option<i64>)> = ledger_line::Entity::find()
        .select_only()
        .column(ledger_line::Column::CaseId)
        .column_as(total(), "total")
        .filter(ledger_line::Column::Account.eq(AccountKind::Receivable.as_str()))
        .filter(ledger_line::Column::CaseId.is_in(case_ids.iter().copied()))
        .group_by(ledger_line::Column::CaseId)
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal_error)?;
    for (case_id, amount) in owed {
        if let Some(f) = case_id.and_then(|c| out.get_mut(&c)) {
            f.outstanding = amount.unwrap_or(0);
        }
    }
    Ok(out)
}

/// Posts what a case step means for the books; `None` when it means nothing.
pub async fn on_case_step<C: ConnectionTrait>(
    conn: &C,
    cap_fen: i64,
    c: &case::Model,
    event: &Event,
    after: &domain::cases::Case,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> Result<Option<Moved>, AppError> {
    let (case_id, merchant_id) = (c.id, c.merchant_id);
    let post = |op: Operation, key: String, memo: Option<&'static str>| async move {
        let e = books::post(
            conn,
            &Posting {
                op,
                key: &key,
                memo,
                by,
                at: now,
            },
        )
        .await?;
        Ok::<i32, AppError>(e.entry().id)
    };
    match event {
        Event::ApproveFirstCompensation { amount } => {
            if amount.0 > cap_fen {
                return Err(AppError::invalid("amount_fen", "err.fc_over_cap"));
            }
            let mut moved = Moved {
                paid_fen: Some(amount.0),
                ..Default::default()
            };
            moved.entries.push(
                post(
                    Operation::Payout {
                        case_id,
                        merchant_id,
                        amount: *amount,
                    },
                    format!("case:{case_id}:payout"),
                    None,
                )
                .await?,
            );
            moved.entries.push(
                post(
                    Operation::Disbursement {
                        case_id,
                        amount: *amount,
                    },
                    format!("case:{case_id}:disbursement"),
                    None,
                )
                .await?,
            );
            // Recover at once from the deposit, as much as it holds.
            let deposit = -books::balance(conn, &Account::deposit(merchant_id)).await?;
            let take = deposit.min(amount.0);
            if take > 0 {
                moved.entries.push(
                    post(
                        Operation::Recovery {
                            case_id,
                            merchant_id,
                            amount: domain::Fen(take),
                        },
                        format!("case:{case_id}:recovery:approval"),
                        None,
                    )
                    .await?,
                );
            }
            moved.recovered_fen = Some(take);
            moved.outstanding_fen = amount.0 - take;
            Ok(Some(moved))
        }
        Event::DecideContest { upheld: true }
            if after
                .first_compensation
                .as_ref()
                .is_some_and(|fc| fc.contest == Some(ContestState::Upheld)) =>
        {
            // The merchant should not bear it: give back what was taken and
            // write off the rest; the fund bears the payout.
            let f = case_figures(conn, case_id).await?;
            let mut moved = Moved::default();
            if f.recovered > 0 {
                moved.entries.push(
                    post(
                        Operation::RecoveryReversal {
                            case_id,
                            merchant_id,
                            amount: domain::Fen(f.recovered),
                        },
                        format!("case:{case_id}:contest:reversal"),
                        Some("contest upheld"),
                    )
                    .await?,
                );
                moved.returned_to_deposit_fen = Some(f.recovered);
            }
            if f.repaid > 0 {
                moved.entries.push(
                    post(
                        Operation::RepaymentRefund {
                            case_id,
                            merchant_id,
                            amount: domain::Fen(f.repaid),
                        },
                        format!("case:{case_id}:contest:refund"),
                        Some("contest upheld"),
                    )
                    .await?,
                );
                moved.refunded_fen = Some(f.repaid);
            }
            let owed = books::sum(conn, AccountKind::Receivable, None, Some(case_id)).await?;
            if owed > 0 {
                moved.entries.push(
                    post(
                        Operation::WriteOff {
                            case_id,
                            merchant_id,
                            amount: domain::Fen(owed),
                        },
                        format!("case:{case_id}:contest:write_off"),
                        Some("contest upheld"),
                    )
                    .await?,
                );
                moved.written_off_fen = Some(owed);
            }
            Ok(Some(moved))
        }
        _ => Ok(None),
    }
}
