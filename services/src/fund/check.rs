//! `gongdao fund check`: reconciliation. Replays every journal entry in
//! order through `domain::fund::Books` and reports the first problem:
//! an entry whose lines do not sum to zero or are not what its kind
//! posts, an account that went below zero, the fund overspent, or a payout
//! that does not match its case's record (and the other way round).

use std::collections::HashMap;

use domain::Fen;
use domain::cases::FcState;
use domain::fund::{Account, AccountKind, Books, EntryKind, Line, Operation};
use entities::{case, ledger_entry, ledger_line};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use crate::Services;

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct FundCheck {
    pub entries: usize,
    pub lines: usize,
    pub payouts: usize,
    /// The first problem found, in words; `None` when the books are sound.
    pub problem: Option<String>,
}

impl std::fmt::Display for FundCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} entries, {} lines, {} payouts checked: ",
            self.entries, self.lines, self.payouts
        )?;
        match &self.problem {
            None => write!(f, "the books balance"),
            Some(p) => write!(f, "PROBLEM: {p}"),
        }
    }
}

/// Rebuilds the operation an entry says it is.
fn operation(e: &ledger_entry::Model) -> Option<Operation> {
    let amount = Fen(e.amount_fen);
    let (m, c) = (e.merchant_id, e.case_id);
    Some(match EntryKind::parse(&e.kind)? {
        EntryKind::FundTopUp => Operation::FundTopUp { amount },
        EntryKind::DepositTopUp => Operation::DepositTopUp {
            merchant_id: m?,
            amount,
        },
        EntryKind::DepositWithdrawal => Operation::DepositWithdrawal {
            merchant_id: m?,
            amount,
        },
        EntryKind::Payout => Operation::Payout {
            case_id: c?,
            merchant_id: m?,
            amount,
        },
        EntryKind::Disbursement => Operation::Disbursement {
            case_id: c?,
            amount,
        },
        EntryKind::Recovery => Operation::Recovery {
            case_id: c?,
            merchant_id: m?,
            amount,
        },
        EntryKind::Repayment => Operation::Repayment {
            case_id: c?,
            merchant_id: m?,
            amount,
        },
        EntryKind::WriteOff => Operation::WriteOff {
            case_id: c?,
            merchant_id: m?,
            amount,
        },
        EntryKind::RecoveryReversal => Operation::RecoveryReversal {
            case_id: c?,
            merchant_id: m?,
            amount,
        },
        EntryKind::RepaymentRefund => Operation::RepaymentRefund {
            case_id: c?,
            merchant_id: m?,
            amount,
        },
    })
}

/// A stored line as the account it posts to (keys as `books::balance` reads them).
fn stored(l: &ledger_line::Model) -> Option<Line> {
    let kind = AccountKind::parse(&l.account)?;
    let account = match kind {
        AccountKind::Deposit => Account::deposit(l.merchant_id?),
        AccountKind::Payable => Account::payable(l.case_id?),
        AccountKind::Receivable => Account::receivable(l.merchant_id?, l.case_id?),
        AccountKind::External => Account::EXTERNAL,
        AccountKind::FundPool => Account::FUND_POOL,
        AccountKind::WriteOff => Account::WRITE_OFF,
    };
    Some(Line {
        account,
        amount: l.amount_fen,
    })
}

pub async fn check(svc: &Services) -> anyhow::Result<FundCheck> {
    let mut report = FundCheck::default();
    let mut books = Books::default();
    let mut payouts: HashMap<i32, i64> = HashMap::new();
    let mut after = 0;
    loop {
        let batch = ledger_entry::Entity::find()
            .filter(ledger_entry::Column::Id.gt(after))
            .order_by_asc(ledger_entry::Column::Id)
            .limit(1000)
            .all(&svc.db)
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let mut lines: HashMap<i32, Vec<ledger_line::Model>> = HashMap::new();
        for l in ledger_line::Entity::find()
            .filter(ledger_line::Column::EntryId.is_in(batch.iter().map(|e| e.id)))
            .order_by_asc(ledger_line::Column::Id)
            .all(&svc.db)
            .await?
        {
            lines.entry(l.entry_id).or_default().push(l);
        }
        for e in &batch {
            report.entries += 1;
            let mine = lines.remove(&e.id).unwrap_or_default();
            report.lines += mine.len();
            let total: i64 = mine.iter().map(|l| l.amount_fen).sum();
            if total != 0 {
                report.problem = Some(format!(
                    "entry {} ({}) does not balance: its lines sum to {total} fen",
                    e.id, e.kind
                ));
                return Ok(report);
            }
            let Some(op) = operation(e) else {
                report.problem = Some(format!(
                    "entry {} has an unknown kind {:?} or lacks its merchant or case",
                    e.id, e.kind
                ));
                return Ok(report);
            };
            let got: Option<Vec<Line>> = mine.iter().map(stored).collect();
            if got.as_deref() != Some(op.lines().as_slice()) {
                report.problem = Some(format!(
                    "entry {} ({}) has lines that are not what a {} posts",
                    e.id, e.kind, e.kind
                ));
                return Ok(report);
            }
            if let Err(err) = books.post(&op) {
                report.problem = Some(format!(
                    "entry {} ({}, {} fen) was not allowed by the balances before it: {err}",
                    e.id, e.kind, e.amount_fen
                ));
                return Ok(report);
            }
            if let (EntryKind::Payout, Some(c)) = (op.kind(), e.case_id)
                && payouts.insert(c, e.amount_fen).is_some()
            {
                report.problem = Some(format!("case {c} was paid out twice"));
                return Ok(report);
            }
        }
    }
    report.payouts = payouts.len();
    // Payouts against the cases' own records, both ways.
    let approved: Vec<(i32, String)> = case::Entity::find()
        .select_only()
        .column(case::Column::Id)
        .column(case::Column::State)
        .filter(case::Column::FirstCompensation.is_in([FcState::Approved.as_str(), "contested"]))
        .into_tuple()
        .all(&svc.db)
        .await?;
    let mut approved_ids = std::collections::HashSet::new();
    for (id, state) in approved {
        approved_ids.insert(id);
        let amount = serde_json::from_str::<domain::cases::Case>(&state)
            .ok()
            .and_then(|c| c.first_compensation)
            .and_then(|fc| fc.amount);
        match (amount, payouts.get(&id)) {
            (Some(a), Some(p)) if a.0 == *p => {}
            (Some(a), Some(p)) => {
                report.problem = Some(format!(
                    "case {id} approved {} fen but the ledger paid {p} fen",
                    a.0
                ));
                return Ok(report);
            }
            (_, None) => {
                report.problem = Some(format!("case {id} was approved but never paid"));
                return Ok(report);
            }
            (None, Some(_)) => {
                report.problem = Some(format!("case {id} has no approved amount on record"));
                return Ok(report);
            }
        }
    }
    let mut paid: Vec<i32> = payouts.keys().copied().collect();
    paid.sort_unstable();
    if let Some(c) = paid.into_iter().find(|c| !approved_ids.contains(c)) {
        report.problem = Some(format!(
            "case {c} was paid out but its record shows no approved first compensation"
        ));
    }
    Ok(report)
}
