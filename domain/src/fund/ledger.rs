//! The fund's books: a double-entry ledger in integer fen.
//!
//! Every movement is one journal entry whose lines sum to zero. Lines are
//! stored debit-positive; each account has a normal side, and its balance
//! *on that side* may never go below zero. Balances are always sums of
//! lines, never stored numbers.
//!
//! | account          | 中文         | normal | what its balance is                          |
//! |------------------|--------------|--------|----------------------------------------------|
//! | `external`       | 外部收付     | debit  | money held at the bank / payment channel     |
//! | `fund_pool`      | 基金池       | credit | money contributed to the fund                |
//! | `deposit`        | 商家保证金   | credit | a merchant's deposit (per merchant)          |
//! | `payable`        | 应付消费者   | credit | owed to a case's consumer (per case)         |
//! | `receivable`     | 应收追偿     | debit  | recoverable from a merchant (per case)       |
//! | `write_off`      | 核销         | debit  | recoverable amounts given up, with reasons   |
//!
//! The fund's **available** money is `fund_pool − receivable − write_off`
//! (equivalently: cash not owed to merchants or consumers). A payout may
//! not make it negative, so merchants' deposits never pay for others.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Fen;

/// The largest single movement: ¥100,000,000.
pub const MAX_ENTRY: Fen = Fen(10_000_000_000);

named_enum! {
    /// The kinds of account (see the module table).
    AccountKind {
        External = "external",
        FundPool = "fund_pool",
        Deposit = "deposit",
        Payable = "payable",
        Receivable = "receivable",
        WriteOff = "write_off",
    }
}

impl AccountKind {
    /// +1 for debit-normal accounts, −1 for credit-normal ones: the balance
    /// on the account's own side is `sum(lines) * normal_sign`.
    pub fn normal_sign(self) -> i64 {
        match self {
            AccountKind::External | AccountKind::Receivable | AccountKind::WriteOff => 1,
            AccountKind::FundPool | AccountKind::Deposit | AccountKind::Payable => -1,
        }
    }
}

named_enum! {
    /// What a journal entry records.
    EntryKind {
        FundTopUp = "fund_top_up",
        DepositTopUp = "deposit_top_up",
        DepositWithdrawal = "deposit_withdrawal",
        Payout = "payout",
        Disbursement = "disbursement",
        Recovery = "recovery",
        Repayment = "repayment",
        WriteOff = "write_off",
        RecoveryReversal = "recovery_reversal",
        RepaymentRefund = "repayment_refund",
    }
}

/// One account: its kind and, where the kind is per merchant or per case,
/// which one. `deposit` is per merchant; `payable` per case; `receivable`
/// per case (and names the merchant who owes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Account {
    pub kind: AccountKind,
    pub merchant_id: Option<i32>,
    pub case_id: Option<i32>,
}

impl Account {
    pub const EXTERNAL: Account = Account::global(AccountKind::External);
    pub const FUND_POOL: Account = Account::global(AccountKind::FundPool);
    pub const WRITE_OFF: Account = Account::global(AccountKind::WriteOff);

    const fn global(kind: AccountKind) -> Account {
        Account {
            kind,
            merchant_id: None,
            case_id: None,
        }
    }

    pub fn deposit(merchant_id: i32) -> Account {
        Account {
            kind: AccountKind::Deposit,
            merchant_id: Some(merchant_id),
            case_id: None,
        }
    }

    pub fn payable(case_id: i32) -> Account {
        Account {
            kind: AccountKind::Payable,
            merchant_id: None,
            case_id: Some(case_id),
        }
    }

    pub fn receivable(merchant_id: i32, case_id: i32) -> Account {
        Account {
            kind: AccountKind::Receivable,
            merchant_id: Some(merchant_id),
            case_id: Some(case_id),
        }
    }
}

/// One line of an entry: debit positive, credit negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub account: Account,
    pub amount: i64,
}

/// A movement the fund may make. Each becomes exactly one journal entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Operation {
    /// Money paid into the fund.
    FundTopUp { amount: Fen },
    /// A merchant pays into its deposit.
    DepositTopUp { merchant_id: i32, amount: Fen },
    /// A merchant takes money out of its deposit.
    DepositWithdrawal { merchant_id: i32, amount: Fen },
    /// The fund approves paying a case's consumer on the merchant's behalf:
    /// the consumer is owed it, the merchant owes it.
    Payout {
        case_id: i32,
        merchant_id: i32,
        amount: Fen,
    },
    /// The payout leaves through the payment channel.
    Disbursement { case_id: i32, amount: Fen },
    /// Taken back from the merchant's deposit.
    Recovery {
        case_id: i32,
        merchant_id: i32,
        amount: Fen,
    },
    /// The merchant pays back from outside (its deposit was short).
    Repayment {
        case_id: i32,
        merchant_id: i32,
        amount: Fen,
    },
    /// A recoverable amount given up, with a reason kept on the entry.
    WriteOff {
        case_id: i32,
        merchant_id: i32,
        amount: Fen,
    },
    /// A recovery undone (the merchant's contest was upheld).
    RecoveryReversal {
        case_id: i32,
        merchant_id: i32,
        amount: Fen,
    },
    /// A repayment returned (the merchant's contest was upheld).
    RepaymentRefund {
        case_id: i32,
        merchant_id: i32,
        amount: Fen,
    },
}

/// Why the books refuse an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("amounts must be at least one fen")]
    NotPositive,
    #[error("amount above the largest single movement")]
    TooLarge,
    /// This account would go below zero on its normal side.
    #[error("{0:?} would go negative")]
    Insufficient(AccountKind),
    /// The fund's available money would go below zero.
    #[error("the fund's available money would go negative")]
    FundInsufficient,
}

impl LedgerError {
    /// The i18n key that explains it to a person.
    pub fn key(self) -> &'static str {
        match self {
            LedgerError::NotPositive => "err.amount_positive",
            LedgerError::TooLarge => "err.amount_too_large",
            LedgerError::Insufficient(AccountKind::Deposit) => "err.fund.deposit_short",
            LedgerError::Insufficient(AccountKind::Receivable) => "err.fund.more_than_owed",
            LedgerError::Insufficient(_) => "err.fund.balance_short",
            LedgerError::FundInsufficient => "err.fund.pool_short",
        }
    }
}

impl Operation {
    pub fn kind(&self) -> EntryKind {
        match self {
            Operation::FundTopUp { .. } => EntryKind::FundTopUp,
            Operation::DepositTopUp { .. } => EntryKind::DepositTopUp,
            Operation::DepositWithdrawal { .. } => EntryKind::DepositWithdrawal,
            Operation::Payout { .. } => EntryKind::Payout,
            Operation::Disbursement { .. } => EntryKind::Disbursement,
            Operation::Recovery { .. } => EntryKind::Recovery,
            Operation::Repayment { .. } => EntryKind::Repayment,
            Operation::WriteOff { .. } => EntryKind::WriteOff,
            Operation::RecoveryReversal { .. } => EntryKind::RecoveryReversal,
            Operation::RepaymentRefund { .. } => EntryKind::RepaymentRefund,
        }
    }

    pub fn amount(&self) -> Fen {
        match *self {
            Operation::FundTopUp { amount }
            | Operation::DepositTopUp { amount, .. }
            | Operation::DepositWithdrawal { amount, .. }
            | Operation::Payout { amount, .. }
            | Operation::Disbursement { amount, .. }
            | Operation::Recovery { amount, .. }
            | Operation::Repayment { amount, .. }
            | Operation::WriteOff { amount, .. }
            | Operation::RecoveryReversal { amount, .. }
            | Operation::RepaymentRefund { amount, .. } => amount,
        }
    }

    pub fn case_id(&self) -> Option<i32> {
        match *self {
            Operation::FundTopUp { .. }
            | Operation::DepositTopUp { .. }
            | Operation::DepositWithdrawal { .. } => None,
            Operation::Payout { case_id, .. }
            | Operation::Disbursement { case_id, .. }
            | Operation::Recovery { case_id, .. }
            | Operation::Repayment { case_id, .. }
            | Operation::WriteOff { case_id, .. }
            | Operation::RecoveryReversal { case_id, .. }
            | Operation::RepaymentRefund { case_id, .. } => Some(case_id),
        }
    }

    pub fn merchant_id(&self) -> Option<i32> {
        match *self {
            Operation::FundTopUp { .. } | Operation::Disbursement { .. } => None,
            Operation::DepositTopUp { merchant_id, .. }
            | Operation::DepositWithdrawal { merchant_id, .. }
            | Operation::Payout { merchant_id, .. }
            | Operation::Recovery { merchant_id, .. }
            | Operation::Repayment { merchant_id, .. }
            | Operation::WriteOff { merchant_id, .. }
            | Operation::RecoveryReversal { merchant_id, .. }
            | Operation::RepaymentRefund { merchant_id, .. } => Some(merchant_id),
        }
    }

    /// The entry's lines: which account is debited and which credited.
    pub fn lines(&self) -> Vec<Line> {
        use Operation as O;
        let a = self.amount().0;
        let (debit, credit) = match *self {
            O::FundTopUp { .. } => (Account::EXTERNAL, Account::FUND_POOL),
            O::DepositTopUp { merchant_id, .. } => {
                (Account::EXTERNAL, Account::deposit(merchant_id))
            }
            O::DepositWithdrawal { merchant_id, .. } => {
                (Account::deposit(merchant_id), Account::EXTERNAL)
            }
            O::Payout {
                case_id,
                merchant_id,
                ..
            } => (
                Account::receivable(merchant_id, case_id),
                Account::payable(case_id),
            ),
            O::Disbursement { case_id, .. } => (Account::payable(case_id), Account::EXTERNAL),
            O::Recovery {
                case_id,
                merchant_id,
                ..
            } => (
                Account::deposit(merchant_id),
                Account::receivable(merchant_id, case_id),
            ),
            O::Repayment {
                case_id,
                merchant_id,
                ..
            } => (Account::EXTERNAL, Account::receivable(merchant_id, case_id)),
            O::WriteOff {
                case_id,
                merchant_id,
                ..
            } => (
                Account::WRITE_OFF,
                Account::receivable(merchant_id, case_id),
            ),
            O::RecoveryReversal {
                case_id,
                merchant_id,
                ..
            } => (
                Account::receivable(merchant_id, case_id),
                Account::deposit(merchant_id),
            ),
            O::RepaymentRefund {
                case_id,
                merchant_id,
                ..
            } => (Account::receivable(merchant_id, case_id), Account::EXTERNAL),
        };
        vec![
            Line {
                account: debit,
                amount: a,
            },
            Line {
                account: credit,
                amount: -a,
            },
        ]
    }

    /// Does this operation lower the fund's available money?
    fn spends_fund(&self) -> bool {
        matches!(
            self,
            Operation::Payout { .. }
                | Operation::RecoveryReversal { .. }
                | Operation::RepaymentRefund { .. }
        )
    }
}

/// The balances an operation is checked against: every account it touches,
/// plus the three totals that make up the fund's available money. The
/// service fills it from the database; tests keep a whole ledger in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Books {
    /// Debit-positive sums of lines.
    pub balances: BTreeMap<Account, i64>,
    /// Debit-positive sum over every `receivable` account.
    pub receivable_total: i64,
}

impl Books {
    pub fn balance(&self, a: &Account) -> i64 {
        self.balances.get(a).copied().unwrap_or(0)
    }

    /// The balance on the account's normal side (what people call its balance).
    pub fn normal_balance(&self, a: &Account) -> i64 {
        self.balance(a) * a.kind.normal_sign()
    }

    /// `fund_pool − receivable − write_off`.
    pub fn available(&self) -> i64 {
        self.normal_balance(&Account::FUND_POOL)
            - self.receivable_total
            - self.normal_balance(&Account::WRITE_OFF)
    }

    /// Checks `op` against these balances and, when it may happen, applies
    /// it and returns its lines (which sum to zero).
    pub fn post(&mut self, op: &Operation) -> Result<Vec<Line>, LedgerError> {
        let amount = op.amount();
        if amount.0 <= 0 {
            return Err(LedgerError::NotPositive);
        }
        if amount > MAX_ENTRY {
            return Err(LedgerError::TooLarge);
        }
        let lines = op.lines();
        debug_assert_eq!(lines.iter().map(|l| l.amount).sum::<i64>(), 0);
        let mut next = self.clone();
        for l in &lines {
            *next.balances.entry(l.account).or_insert(0) += l.amount;
            if l.account.kind == AccountKind::Receivable {
                next.receivable_total += l.amount;
            }
        }
        for l in &lines {
            if next.normal_balance(&l.account) < 0 {
                return Err(LedgerError::Insufficient(l.account.kind));
            }
        }
        if op.spends_fund() && next.available() < 0 {
            return Err(LedgerError::FundInsufficient);
        }
        *self = next;
        Ok(lines)
    }
}

#[cfg(test)]
mod tests;
