//! What callers see of the fund: the public ledger, its totals, a
//! merchant's own account.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One payout or recovery on the public ledger (consumers anonymised).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerRow {
    pub entry_id: i32,
    pub at: DateTime<Utc>,
    /// `payout`, `recovery`, `repayment`, `write_off`, `recovery_reversal`, `repayment_refund`.
    pub kind: String,
    pub merchant_id: i32,
    pub merchant_name: String,
    pub case_number: String,
    /// The consumer's name masked: 张**.
    pub consumer: String,
    pub amount_fen: i64,
    /// For a payout: `recovered`, `partly_recovered`, `outstanding`, `written_off`.
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerPage {
    pub rows: Vec<LedgerRow>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// Contested payouts (appeals of the recovery), newest first: pending,
    /// or decided with their outcome. On every page.
    pub appeals: Vec<super::AppealRow>,
    /// Refused applications per reason category over the ledger's period.
    pub refusals: super::RefusalFigures,
}

/// The fund's totals (all or one merchant's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FundSummary {
    pub paid_fen: i64,
    pub payouts: u64,
    pub recovered_fen: i64,
    pub written_off_fen: i64,
    /// Still recoverable from merchants.
    pub outstanding_fen: i64,
    /// recovered ÷ paid, in basis points (10000 = 100%); none before the first payout.
    pub recovery_rate_bp: Option<i64>,
    /// Money the fund can still pay out (only in the fund-wide summary).
    pub available_fen: Option<i64>,
    /// Sum of merchants' deposits (only in the fund-wide summary).
    pub deposits_fen: Option<i64>,
}

impl FundSummary {
    /// `87.5%`-style text of the recovery rate, or `—`.
    pub fn recovery_rate_text(&self) -> String {
        match self.recovery_rate_bp {
            Some(bp) => format!("{}.{}%", bp / 100, (bp % 100) / 10),
            None => "—".into(),
        }
    }
}

/// A merchant's account with the fund, as the merchant and staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MerchantAccount {
    pub merchant_id: i32,
    pub merchant_name: String,
    pub deposit_fen: i64,
    pub owed_fen: i64,
    pub summary: FundSummary,
    pub entries: Vec<AccountEntry>,
}

/// One entry touching a merchant's deposit or what it owes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountEntry {
    pub entry_id: i32,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub case_number: Option<String>,
    pub amount_fen: i64,
    /// Deposit change (+ in, − out) and owed change (+ more owed, − less).
    pub deposit_change_fen: i64,
    pub owed_change_fen: i64,
    pub memo: Option<String>,
}

/// What a fund operation returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryReceipt {
    pub entry_id: i32,
    pub kind: String,
    pub amount_fen: i64,
    pub created_at: DateTime<Utc>,
    /// True when this idempotency key had already been used for the same request.
    pub replayed: bool,
}
