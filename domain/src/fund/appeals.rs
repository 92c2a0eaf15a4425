//! What the public ledger says about contested recoveries and refused
//! applications: a refusal's reason category (a closed list, with the
//! administrator's free text beside it), the contested payouts with their
//! outcome, and the number of refusals per category. Nothing personal.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

named_enum! {
    /// Why a fund administrator refused a first-compensation application
    /// (`refuse_first_compensation`'s `refusal_category`).
    RefusalCategory {
        /// The case is not one the fund pays first (type or basis).
        NotEligibleCaseType = "not_eligible_case_type",
        /// The amount claimed is over the limit or not supported.
        OverLimitOrAmountUnsupported = "over_limit_or_amount_unsupported",
        InsufficientEvidence = "insufficient_evidence",
        /// The merchant has already paid the consumer.
        MerchantAlreadyPaid = "merchant_already_paid",
        DuplicateApplication = "duplicate_application",
        OutsideTimeLimit = "outside_time_limit",
        Other = "other",
    }
}

impl RefusalCategory {
    /// The i18n key of its name: `fund.refusal.<category>`.
    pub fn label_key(self) -> String {
        format!("fund.refusal.{}", self.as_str())
    }
}

/// A payout whose recovery the merchant contested (an appeal), and what
/// the arbitrator decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealRow {
    pub case_number: String,
    pub merchant_id: i32,
    pub merchant_name: String,
    /// What the fund paid the consumer.
    pub paid_fen: i64,
    pub contested_at: DateTime<Utc>,
    /// `pending`, `upheld` or `refused`.
    pub state: String,
    pub decided_at: Option<DateTime<Utc>>,
    /// Once decided: `recovery_cancelled` (upheld) or `recovery_stands`
    /// (refused); empty while pending.
    pub outcome: String,
}

impl AppealRow {
    /// The outcome of a decided appeal: upheld cancels the recovery.
    pub fn outcome_of(upheld: Option<bool>) -> &'static str {
        match upheld {
            None => "",
            Some(true) => "recovery_cancelled",
            Some(false) => "recovery_stands",
        }
    }

    /// The state of an appeal from its decision.
    pub fn state_of(upheld: Option<bool>) -> &'static str {
        match upheld {
            None => "pending",
            Some(true) => "upheld",
            Some(false) => "refused",
        }
    }
}

/// How many applications were refused for one reason category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusalCount {
    pub category: RefusalCategory,
    pub count: u64,
}

/// The refused applications over the ledger's period: every category of
/// the closed list (zero included), and the total.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusalFigures {
    pub total: u64,
    pub by_category: Vec<RefusalCount>,
    /// The period counted: from the first refusal or ledger entry (none
    /// before either) until the answer was made.
    pub from: Option<DateTime<Utc>>,
    pub to: DateTime<Utc>,
}

impl RefusalFigures {
    /// Every category in the list's order, with the counts given (others 0).
    pub fn from_counts(
        counts: &[(RefusalCategory, u64)],
        from: Option<DateTime<Utc>>,
        to: DateTime<Utc>,
    ) -> Self {
        let by_category: Vec<RefusalCount> = RefusalCategory::ALL
            .iter()
            .map(|&category| RefusalCount {
                category,
                count: counts
                    .iter()
                    .filter(|(c, _)| *c == category)
                    .map(|(_, n)| n)
                    .sum(),
            })
            .collect();
        RefusalFigures {
            total: by_category.iter().map(|c| c.count).sum(),
            by_category,
            from,
            to,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_is_counted_once_and_the_total_adds_up() {
        let now = Utc::now();
        let f = RefusalFigures::from_counts(
            &[
                (RefusalCategory::InsufficientEvidence, 2),
                (RefusalCategory::Other, 1),
            ],
            None,
            now,
        );
        assert_eq!(f.total, 3);
        assert_eq!(f.by_category.len(), RefusalCategory::ALL.len());
        assert_eq!(
            f.by_category[2].category,
            RefusalCategory::InsufficientEvidence
        );
        assert_eq!(f.by_category[2].count, 2);
        assert_eq!(f.by_category[0].count, 0);
    }

    #[test]
    fn an_appeal_reads_pending_then_its_outcome() {
        assert_eq!(AppealRow::state_of(None), "pending");
        assert_eq!(AppealRow::outcome_of(None), "");
        assert_eq!(AppealRow::outcome_of(Some(true)), "recovery_cancelled");
        assert_eq!(AppealRow::outcome_of(Some(false)), "recovery_stands");
        assert_eq!(AppealRow::state_of(Some(false)), "refused");
        assert_eq!(
            RefusalCategory::parse("duplicate_application"),
            Some(RefusalCategory::DuplicateApplication)
        );
        assert_eq!(RefusalCategory::parse("bored"), None);
    }
}
