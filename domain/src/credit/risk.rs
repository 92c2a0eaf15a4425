//! Risk warnings (信用风险预警) for regulators: signals that a merchant
//! needs attention, each with the numbers that raised it.
//!
//! - **Complaint spike**: complaints in the last 7 days exceed the merchant's
//!   weekly average of the 12 weeks before by `spike_factor` (and at least
//!   `spike_min` complaints, so one complaint against a quiet shop is not a
//!   spike). The baseline has a floor of `baseline_floor_x10 / 10` a week.
//! - **Brushing** (刷单炒信) in ratings: in the last 7 days, at least
//!   `burst_min` five-star ratings from accounts younger than
//!   `new_account_days`, or at least `same_ip_min` ratings from one IP.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskParams {
    /// This week's complaints must exceed the baseline this many times (×10: 30 = 3.0×).
    pub spike_factor_x10: u32,
    pub spike_min: u32,
    /// The least weekly baseline (×10: 5 = 0.5 a week).
    pub baseline_floor_x10: u32,
    pub burst_min: u32,
    pub new_account_days: u32,
    pub same_ip_min: u32,
}

impl Default for RiskParams {
    fn default() -> Self {
        RiskParams {
            spike_factor_x10: 30,
            spike_min: 3,
            baseline_floor_x10: 5,
            burst_min: 5,
            new_account_days: 30,
            same_ip_min: 3,
        }
    }
}

/// One signal: its kind (`complaint_spike`, `rating_burst`, `rating_same_ip`)
/// and the numbers behind it, language-neutral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signal {
    pub kind: String,
    pub detail: String,
}

/// A merchant and the signals it raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskWarning {
    pub merchant_id: i32,
    pub merchant_name: String,
    pub signals: Vec<Signal>,
}

/// The complaint-spike signal from this week's count and the 12 weeks before.
pub fn complaint_spike(this_week: u32, previous_12_weeks: u32, p: &RiskParams) -> Option<Signal> {
    // Weekly baseline ×10, with its floor; compare this_week×10×10 > baseline×10 × factor×10.
    let baseline_x10 = ((previous_12_weeks * 10 + 6) / 12).max(p.baseline_floor_x10);
    let spiked = this_week >= p.spike_min
        && u64::from(this_week) * 100 > u64::from(baseline_x10) * u64::from(p.spike_factor_x10);
    spiked.then(|| Signal {
        kind: "complaint_spike".into(),
        detail: format!(
            "{this_week} / 7d vs {}.{} / week (12 weeks), ×{}.{}",
            baseline_x10 / 10,
            baseline_x10 % 10,
            p.spike_factor_x10 / 10,
            p.spike_factor_x10 % 10
        ),
    })
}

/// The brushing signals from this week's ratings: five-star ratings by new
/// accounts, and the most ratings from a single IP.
pub fn rating_signals(
    new_account_five_stars: u32,
    most_from_one_ip: u32,
    p: &RiskParams,
) -> Vec<Signal> {
    let mut v = vec![];
    if new_account_five_stars >= p.burst_min {
        v.push(Signal {
            kind: "rating_burst".into(),
            detail: format!(
                "{new_account_five_stars} × ★★★★★ / 7d from accounts < {} days old",
                p.new_account_days
            ),
        });
    }
    if most_from_one_ip >= p.same_ip_min {
        v.push(Signal {
            kind: "rating_same_ip".into(),
            detail: format!("{most_from_one_ip} ratings / 7d from one IP"),
        });
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spike_needs_enough_complaints_and_a_multiple_of_the_baseline() {
        let p = RiskParams::default();
        // Baseline 1/week (12 in 12 weeks): 3 is not more than 3×, 4 is.
        assert_eq!(complaint_spike(3, 12, &p), None);
        assert!(complaint_spike(4, 12, &p).is_some());
        // A quiet shop (floor 0.5/week): 2 complaints are below the minimum, 3 are a spike.
        assert_eq!(complaint_spike(2, 0, &p), None);
        let s = complaint_spike(3, 0, &p).unwrap();
        assert_eq!(s.kind, "complaint_spike");
        assert_eq!(s.detail, "3 / 7d vs 0.5 / week (12 weeks), ×3.0");
        // A busy merchant at its usual level is no spike.
        assert_eq!(complaint_spike(20, 240, &p), None);
    }

    #[test]
    fn brushing_signals_explain_themselves() {
        let p = RiskParams::default();
        assert!(rating_signals(4, 2, &p).is_empty());
        let v = rating_signals(5, 3, &p);
        assert_eq!(
            v.iter().map(|s| s.kind.as_str()).collect::<Vec<_>>(),
            vec!["rating_burst", "rating_same_ip"]
        );
    }
}
