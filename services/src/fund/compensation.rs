//! First compensation's money: what the ledger does when a case's
//! application is approved or a contest of its recovery is upheld. Called
//! by `cases::act` inside the action's transaction, after the rules
//! allowed the step, so the case and the books change together or not at all.

use chrono::{DateTime, Utc};
use domain::AppError;
use domain::cases::{ContestState, Event};
use domain::fund::{Account, AccountKind, EntryKind, Operation};
use entities::{case, ledger_entry};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use super::books::{self, Posting};
use crate::accounts::internal_error;

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
    let rows: Vec<(String, Option<i64>)> = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::Kind)
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT)"),
            "total",
        )
        .filter(ledger_entry::Column::CaseId.eq(case_id))
        .group_by(ledger_entry::Column::Kind)
        .into_tuple()
        .all(conn)
        .await
        .map_err(internal_error)?;
    let by = |k: EntryKind| {
        rows.iter()
            .find(|(kind, _)| kind == k.as_str())
            .and_then(|(_, v)| *v)
            .unwrap_or(0)
    };
    Ok(CaseFigures {
        paid: by(EntryKind::Payout),
        recovered: by(EntryKind::Recovery) - by(EntryKind::RecoveryReversal),
        repaid: by(EntryKind::Repayment) - by(EntryKind::RepaymentRefund),
        written_off: by(EntryKind::WriteOff),
        outstanding: books::sum(conn, AccountKind::Receivable, None, Some(case_id)).await?,
    })
}

/// Posts what a case step means for the books; `None` when it means nothing.
pub async fn on_case_step<C: ConnectionTrait>(
    conn: &C,
    cap_fen: i64,
    c: &case::Model,
    event: &Event,
    after: &domain::cases::Case,
    by: i32,
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
                by: Some(by),
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
