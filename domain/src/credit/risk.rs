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
//!
//! A warning is stored when its signal first arises in a week
//! ([`period_key`]): one per merchant, signal and week; regulators
//! acknowledge it with a note ([`AcknowledgeInput`]).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::input::{self, max};

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
    /// The figures that raised it, by name.
    #[serde(default)]
    pub figures: BTreeMap<String, i64>,
}

/// A stored warning: a merchant's signal in one week, and whether (by whom,
/// when, with what note) a regulator acknowledged it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RiskWarning {
    pub id: i32,
    pub merchant_id: i32,
    pub merchant_name: String,
    /// `complaint_spike`, `rating_burst`, `rating_same_ip`.
    pub kind: String,
    /// The numbers behind it, language-neutral.
    pub detail: String,
    pub figures: BTreeMap<String, i64>,
    /// The ISO week (Beijing time) it was raised in: `2026-W49`.
    pub period: String,
    pub raised_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<i32>,
    /// The acknowledging regulator's name.
    pub acknowledged_by_name: Option<String>,
    pub note: Option<String>,
}

named_enum! {
    /// Which stored warnings a list shows (`GET …/risk-warnings?state=`);
    /// absent: all of them, open first.
    WarningState {
        Open = "open",
        Acknowledged = "acknowledged",
    }
}

/// The week a signal belongs to: its ISO week in Beijing time (`2026-W49`).
/// A signal still present later in the same week raises nothing new.
pub fn period_key(now: DateTime<Utc>) -> String {
    let w = crate::calendar::local_date(now).iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The longest acknowledgement note, in characters.
pub const NOTE_MAX: usize = max::REASON;

/// `POST /api/v1/regulator/risk-warnings/{id}/acknowledge`: what the
/// regulator did or will do about it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcknowledgeInput {
    /// Required, at most 2,000 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            required = true,
            nullable = false,
            min_length = 1,
            max_length = 2000,
            pattern = r"\S"
        )
    )]
    pub note: Option<String>,
}

impl AcknowledgeInput {
    /// The note, trimmed; errors name `note`.
    pub fn check(&self) -> Result<String, AppError> {
        input::required_text(self.note.as_deref(), "note", NOTE_MAX)
    }
}

/// The complaint-spike signal from this week's count and the 12 weeks before.
pub fn complaint_spike(this_week: u32, previous_12_weeks: u32, p: &RiskParams) -> Option<Signal> {
    // Weekly baseline ×10, with its floor; compare this_week×10×10 > baseline×10 × factor×10.
    let baseline_x10 = ((previous_12_weeks * 10 + 6) / 12).max(p.baseline_floor_x10);
    let spiked = this_week >= p.spike_min
        && u64::from(this_week) * 100 > u64::from(baseline_x10) * u64::from(p.spike_factor_x10);
    spiked.then(|| Signal {
        figures: BTreeMap::from([
            ("complaints_7d".to_string(), i64::from(this_week)),
            (
                "complaints_12_weeks_before".to_string(),
                i64::from(previous_12_weeks),
            ),
            ("baseline_per_week_x10".to_string(), i64::from(baseline_x10)),
            (
                "spike_factor_x10".to_string(),
                i64::from(p.spike_factor_x10),
            ),
        ]),
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
            figures: BTreeMap::from([
                (
                    "new_account_five_stars_7d".to_string(),
                    i64::from(new_account_five_stars),
                ),
                (
                    "new_account_days".to_string(),
                    i64::from(p.new_account_days),
                ),
            ]),
            kind: "rating_burst".into(),
            detail: format!(
                "{new_account_five_stars} × ★★★★★ / 7d from accounts < {} days old",
                p.new_account_days
            ),
        });
    }
    if most_from_one_ip >= p.same_ip_min {
        v.push(Signal {
            figures: BTreeMap::from([(
                "most_ratings_from_one_ip_7d".to_string(),
                i64::from(most_from_one_ip),
            )]),
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
        assert_eq!(s.figures["complaints_7d"], 3);
        assert_eq!(s.figures["baseline_per_week_x10"], 5);
        // A busy merchant at its usual level is no spike.
        assert_eq!(complaint_spike(20, 240, &p), None);
    }

    #[test]
    fn a_week_is_its_iso_week_in_beijing() {
        use chrono::TimeZone;
        // Sunday 2026-12-06 23:30 Beijing is still week 49; 16:30 UTC that
        // day is Monday 00:30 in Beijing: week 50.
        let sunday = Utc.with_ymd_and_hms(2026, 12, 6, 15, 30, 0).unwrap();
        assert_eq!(period_key(sunday), "2026-W49");
        let monday = Utc.with_ymd_and_hms(2026, 12, 6, 16, 30, 0).unwrap();
        assert_eq!(period_key(monday), "2026-W50");
        // The first days of January may belong to the year before's last week.
        let jan = Utc.with_ymd_and_hms(2027, 1, 2, 4, 0, 0).unwrap();
        assert_eq!(period_key(jan), "2026-W53");
    }

    #[test]
    fn a_note_is_required_and_bounded() {
        let ok = AcknowledgeInput {
            note: Some(" 已约谈商户 ".into()),
        };
        assert_eq!(ok.check().unwrap(), "已约谈商户");
        for (note, key) in [
            (None, "err.required"),
            (Some("   ".to_string()), "err.required"),
            (Some("长".repeat(NOTE_MAX + 1)), "err.text_too_long"),
        ] {
            let e = AcknowledgeInput { note }.check().unwrap_err();
            assert_eq!(
                crate::input::testing::field_error(e),
                ("note".into(), key.into())
            );
        }
        assert!(
            AcknowledgeInput {
                note: Some("长".repeat(NOTE_MAX))
            }
            .check()
            .is_ok()
        );
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
